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
        cat = sub.add_parser("catalogue", help=_("alle SSB-kilder i indikatorkatalogen"))
        cat.add_argument("--area", help=_("bare indikatorer i dette området (f.eks. økonomi)"))
        cat.add_argument("--region", dest="regions", help=_("regionkoder skilt med komma"))
        cat.add_argument("--years", help=_("år, f.eks. 2015-2024"))

    def handle(self, *args, source, **options):
        if source == "catalogue":
            return self._catalogue(**options)
        return self._ssb(**options)

    def _catalogue(self, *, area, regions, years, **options):
        from gevinst.catalogue.fetch import fetch_catalogue

        try:
            report = fetch_catalogue(
                area=area, regions=_codes(regions), years=parse_years(years) if years else None,
                echo=self.stdout.write,
            )
        except UserError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(_("Hentet: %(n)s indikatorer.") % {"n": len(report.fetched)})
        for ind, reason in report.unavailable:
            self.stdout.write(_("Ikke tilgjengelig: %(i)s (%(r)s)") % {"i": ind, "r": reason})
        for ind in report.bundled:
            self.stdout.write(_("Medfølger (gevinst setup): %(i)s") % {"i": ind})
        for ind, url, how in report.manual:
            self.stdout.write(_("%(i)s må lastes ned manuelt: %(u)s") % {"i": ind, "u": url})
            self.stdout.write("    " + how)

    def _ssb(self, *, table, regions, contents, years, kind, refresh, **options):
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
