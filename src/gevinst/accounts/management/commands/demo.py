from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from gevinst.accounts.demo import ensure_demo


class Command(BaseCommand):
    help = _("Oppretter eksempelorganisasjonen (Lørenskog) og demobrukeren (trygt å kjøre flere ganger).")

    def handle(self, *args, **options):
        _org, username, password = ensure_demo()
        self.stdout.write(_("Demo-innlogging: %(user)s / %(password)s") % {"user": username, "password": password})
