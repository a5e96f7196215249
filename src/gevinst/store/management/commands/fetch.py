import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gevinst.errors import UserError
from gevinst.sources.pxweb import progress_reporter
from gevinst.store.management.commands.series import parse_years
from gevinst.store.ssb import fetch_and_store


def _codes(text: str | None) -> list[str] | None:
    return [c.strip() for c in text.split(",") if c.strip()] if text else None


class Command(BaseCommand):
    help = _("Henter data fra SSB (PxWebApi v2) og lagrer dem med datauttak (tidspunkt og publisering).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="source", required=True, title=_("kilde"))
        ssb = sub.add_parser("ssb", help=_("en tabell fra SSB Statistikkbanken"))
        ssb.add_argument("table", help=_("tabellnummer, f.eks. 12134"))
        ssb.add_argument("--region", dest="regions", help=_("regionkoder skilt med komma"))
        ssb.add_argument("--content", dest="contents", help=_("statistikkvariabler (ContentsCode) skilt med komma"))
        ssb.add_argument("--years", help=_("år, f.eks. 2015-2024"))
        ssb.add_argument("--kind", choices=["count", "ratio", "level"], default="level",
                         help=_("hvordan tallene regnes om ved sammenslåinger (standard: level)"))
        ssb.add_argument("--refresh", action="store_true", help=_("hent på nytt selv om svaret ligger i hurtigbufferen"))

    def handle(self, *args, source, table, regions, contents, years, kind, refresh, **options):
        try:
            vintage, created, rows = fetch_and_store(
                table, regions=_codes(regions), contents=_codes(contents),
                years=parse_years(years) if years else None, kind=kind, refresh=refresh,
                progress=progress_reporter(sys.stderr),
            )
        except UserError as exc:
            raise CommandError(exc.message) from None
        if created:
            self.stdout.write(_("Lagret %(n)s tall fra SSB-tabell %(t)s (datauttak %(v)s).") % {"n": rows, "t": table, "v": vintage.pk})
        else:
            self.stdout.write(_("Ingen endring: SSB-tabell %(t)s er allerede lagret med de samme tallene.") % {"t": table})
