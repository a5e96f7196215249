from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gevinst.errors import UserError
from gevinst.store.ssb import refresh_from_ssb


class Command(BaseCommand):
    help = _("Henter alle lagrede SSB-tabeller på nytt (kjøres planlagt etter 15. mars og 15. juni).")

    def handle(self, *args, **options):
        try:
            results = refresh_from_ssb()
        except UserError as exc:
            raise CommandError(exc.message) from None
        new = sum(1 for _, created in results if created)
        self.stdout.write(_("%(n)s tabeller sjekket, %(new)s med nye tall.") % {"n": len(results), "new": new})
