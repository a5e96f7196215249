from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from gevinst.store.bundled_load import load_all


class Command(BaseCommand):
    help = _("Oppretter eller oppdaterer databasen og laster de medfølgende dataene (trygt å kjøre flere ganger).")

    def handle(self, *args, **options):
        Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        # The table of the shared page cache (GEVINST_CACHE=database); a no-op when it exists.
        call_command("createcachetable", verbosity=0)
        for key, created in load_all():
            if created:
                self.stdout.write(_("Lastet inn %(file)s") % {"file": key})
            else:
                self.stdout.write(_("Allerede lastet: %(file)s") % {"file": key})
        if not settings.PRODUCTION:
            from gevinst.accounts.demo import ensure_demo_and_report

            ensure_demo_and_report(self.stdout)
