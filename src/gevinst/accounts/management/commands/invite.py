import os

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.translation import gettext as _

from gevinst.accounts.models import Organisation, Role
from gevinst.accounts.tokens import create_invitation


class Command(BaseCommand):
    help = _("Lager en engangslenke som inviterer en person til en organisasjon, og skriver den ut.")

    def add_arguments(self, parser):
        parser.add_argument("org", help=_("Organisasjonens kortnavn"))
        parser.add_argument("email", help=_("E-postadressen til den inviterte"))
        parser.add_argument("--role", default=Role.LESER, choices=Role.values, help=_("Rolle (standard: leser)"))
        parser.add_argument("--send", action="store_true", help=_("Send også lenken på e-post"))

    def handle(self, *args, org, email, role, send=False, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(_("Fant ingen organisasjon med kortnavnet %(slug)s.") % {"slug": org})
        _inv, token = create_invitation(organisation, email, role)
        base = os.environ.get("GEVINST_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
        link = base + reverse("accounts:invitation", kwargs={"token": token})
        if send:
            from gevinst.accounts.views import send_invitation

            send_invitation(organisation, email, role, link)
        self.stdout.write(link)
