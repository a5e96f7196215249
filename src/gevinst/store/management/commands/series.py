import csv
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gevinst.core.formatting import format_number
from gevinst.errors import UserError
from gevinst.store.queries import series

COLUMNS = ["region", "name", "year", "value", "flag"]


def parse_years(text: str) -> list[int]:
    """``2005-2026``, ``2019`` or ``2017,2019`` → list of years."""
    years: list[int] = []
    try:
        for part in text.split(","):
            part = part.strip()
            if "-" in part:
                a, b = part.split("-", 1)
                a, b = int(a), int(b)
                if a > b:
                    raise ValueError
                years.extend(range(a, b + 1))
            elif part:
                years.append(int(part))
    except ValueError:
        raise CommandError(_("Ugyldige år «%(t)s». Skriv f.eks. 2005-2026 eller 2017,2019.") % {"t": text}) from None
    return years


class Command(BaseCommand):
    help = _("Skriver ut en tidsserie omregnet til kommunestrukturen i et gitt år. "
             "Kolonner: region,name,year,value,flag. flag er tom for eksakte tall, ellers "
             "estimated (anslag), split (fordelt ved deling/andeler) eller missing_part (en del mangler).")

    def add_arguments(self, parser):
        parser.add_argument("variable", help=_("variabel, f.eks. population eller age_67_79"))
        parser.add_argument("--structure", type=int, required=True, help=_("året hvis kommunestruktur tallene regnes om til"))
        parser.add_argument("--years", required=True, help=_("år, f.eks. 2005-2026"))
        parser.add_argument("--regions", default="", help=_("regionkoder skilt med komma (standard: alle kommuner)"))
        parser.add_argument("--format", choices=["csv", "json", "text"], default="text", help=_("utdataformat"))

    def handle(self, *args, variable, structure, years, regions, format, **options):
        codes = [c.strip() for c in regions.split(",") if c.strip()] or None
        try:
            df = series(variable, structure, parse_years(years), codes)
        except UserError as exc:
            raise CommandError(exc.message) from None
        rows = df.select(COLUMNS).iter_rows()
        if format == "csv":
            # Machine-readable: dot as decimal separator, no thousands separator.
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(COLUMNS)
            for region, name, year, value, flag in rows:
                writer.writerow([region, name, year, "" if value is None else f"{value:.10g}", flag])
        elif format == "json":
            self.stdout.write(json.dumps([dict(zip(COLUMNS, r)) for r in df.select(COLUMNS).iter_rows()], ensure_ascii=False, indent=1))
        else:
            self.stdout.write(f"{'region':<7}{'name':<28}{'year':>6}{'value':>16}  flag")
            for region, name, year, value, flag in rows:
                self.stdout.write(f"{region:<7}{(name or '')[:27]:<28}{year:>6}{format_number(value, 0 if value is None or float(value).is_integer() else 1):>16}  {flag}")
