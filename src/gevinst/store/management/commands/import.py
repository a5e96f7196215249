from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gevinst.errors import UserError
from gevinst.store.files import import_file


class Command(BaseCommand):
    help = _("Leser inn en fil lastet ned fra SSB Statistikkbanken (CSV med ; eller , i UTF-8 eller "
             "ISO-8859-1, eller Excel), eller gevinsts eget lange CSV-format "
             "(variable,region,year,value[,status,unit,period]). Ingenting lagres hvis filen har feil.")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("filen som skal leses inn"))
        parser.add_argument("--variable", help=_("variabelkode å lagre tallene under (standard: tabell:statistikkvariabel)"))
        parser.add_argument("--kind", choices=["count", "ratio", "level"], default="level",
                            help=_("hvordan tallene regnes om ved sammenslåinger (standard: level)"))

    def handle(self, *args, file, variable, kind, **options):
        try:
            vintage, created, rows = import_file(file, variable=variable, kind=kind)
        except UserError as exc:
            raise CommandError(exc.message) from None
        if created:
            self.stdout.write(_("Lest inn %(n)s tall fra %(f)s (datauttak %(v)s).") % {"n": rows, "f": file, "v": vintage.pk})
        else:
            self.stdout.write(_("Ingen endring: %(f)s er allerede lest inn med de samme tallene.") % {"f": file})
