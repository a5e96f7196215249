from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gevinst.accounts.models import ApiToken
from gevinst.accounts.tokens import create_api_token, revoke_api_token


class Command(BaseCommand):
    help = _("Lager, viser eller trekker tilbake personlige API-nøkler.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        c = sub.add_parser("create", help=_("Lag en ny nøkkel (vises én gang)"))
        c.add_argument("user")
        c.add_argument("--name", default="kommandolinje")
        ls = sub.add_parser("list", help=_("Vis en brukers nøkler"))
        ls.add_argument("user")
        r = sub.add_parser("revoke", help=_("Trekk tilbake en nøkkel"))
        r.add_argument("user")
        r.add_argument("id", type=int)

    def _user(self, username):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("Fant ingen bruker %(user)s.") % {"user": username})
        return user

    def handle(self, *args, action, user, **options):
        u = self._user(user)
        if action == "create":
            _row, token = create_api_token(u, options["name"])
            self.stdout.write(token)
        elif action == "list":
            for t in ApiToken.objects.filter(user=u):
                state = _("aktiv") if t.is_active else _("trukket tilbake")
                self.stdout.write(f"{t.pk}\t{t.prefix}…\t{t.name}\t{state}")
        elif not revoke_api_token(u, options["id"]):
            raise CommandError(_("Fant ingen aktiv nøkkel med id %(id)s.") % {"id": options["id"]})
