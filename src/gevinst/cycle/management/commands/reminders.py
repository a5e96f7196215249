"""``gevinst reminders [ORG …] [--days N] [--email] [--today DATO]``: what is due in the årshjul."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gevinst.accounts.models import Organisation
from gevinst.cycle.cli import organisation


class Command(BaseCommand):
    help = _("Lister aktiviteter i årshjulet som har passert fristen eller har frist snart, og kan sende dem "
             "på e-post til de ansvarlige.")

    def add_arguments(self, parser):
        parser.add_argument("orgs", nargs="*", help=_("organisasjonenes kortnavn (standard: alle)"))
        parser.add_argument("--days", type=int, default=14, help=_("antall dager fremover (standard 14)"))
        parser.add_argument("--email", action="store_true",
                            help=_("send påminnelsene på e-post (den ansvarlige, ellers redaktørene)"))
        parser.add_argument("--today", help=_("dato å regne fra, ÅÅÅÅ-MM-DD (standard: i dag)"))

    def handle(self, *args, **opts):
        from gevinst.cycle import service

        if opts["days"] < 0 or opts["days"] > 366:
            raise CommandError(_("--days må være mellom 0 og 366."))
        today = None
        if opts.get("today"):
            try:
                today = dt.date.fromisoformat(opts["today"])
            except ValueError:
                raise CommandError(_("Ugyldig dato «%(d)s». Bruk ÅÅÅÅ-MM-DD.") % {"d": opts["today"]}) from None
        orgs = [organisation(s) for s in opts["orgs"]] or list(Organisation.objects.order_by("name"))
        sent = total = 0
        for org in orgs:
            items = service.reminders(org, today, opts["days"])
            if not items:
                continue
            total += len(items)
            self.stdout.write(f"{org.name} ({org.slug})")
            for r in items:
                self.stdout.write("  " + service.reminder_line(r))
            if opts["email"]:
                sent += service.email_reminders(org, items)
        if not total:
            self.stdout.write(_("Ingen aktiviteter har frist de neste %(n)s dagene, og ingen er forfalt.")
                              % {"n": opts["days"]})
        if opts["email"]:
            self.stdout.write(_("Sendte %(n)s e-poster.") % {"n": sent})
