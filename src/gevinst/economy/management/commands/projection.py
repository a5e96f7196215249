
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gevinst.economy.projection import DEFAULT_TARGET_PCT, compute_projection
from gevinst.errors import UserError
from gevinst.reports import projection_export
from gevinst.reports.output import add_output_arguments, check_output, write_result


def _arsverk(values: list[str]) -> dict[str, float]:
    out = {}
    for v in values or []:
        if "=" not in v:
            raise CommandError(_("Bruk --arsverk TJENESTE=ANTALL, f.eks. --arsverk helse_omsorg=950."))
        k, n = v.split("=", 1)
        try:
            out[k.strip()] = float(n.replace(",", ".").replace(" ", ""))
        except ValueError:
            raise CommandError(_("Ugyldig antall årsverk «%(n)s».") % {"n": n}) from None
    return out


class Command(BaseCommand):
    help = _("Perspektivanalyse: befolkning etter aldersgruppe fram til et valgt år, demografikostnad i kroner per år, "
             "behov for årsverk (også per 1000 innbyggere 20–66 år), netto driftsresultat og avstanden til målet. "
             "Scenarioer: --scenario \"navn=Høy dekning,dekning=5\" (nøkler: navn, metode=aldring|andeler, dekning, "
             "enhetskostnad, effektivisering=KRONER, PROSENT%% eller plan:ORG (summen av forventet årlig verdi for "
             "organisasjonens gevinster som er realisert eller tatt ut i budsjett, og en egen linje med dem på sporet), "
             "totaler=VARIABEL).")

    def add_arguments(self, parser):
        parser.add_argument("region", help=_("kommunenummer (dagens inndeling)"))
        parser.add_argument("--to", dest="to_years", type=int, action="append",
                            help=_("framskrivingsår (kan gjentas; standard: 10 og 20 år etter siste registrerte år)"))
        parser.add_argument("--scenario", action="append", default=[], help=_("scenario (kan gjentas)"))
        parser.add_argument("--accounts-year", type=int, help=_("regnskapsår (standard: siste endelige)"))
        parser.add_argument("--revenue-growth", type=float, default=0.0,
                            help=_("realvekst i inntektene, prosent per år (standard 0)"))
        parser.add_argument("--revenue-fixed", action="store_true",
                            help=_("hold samlet inntekt fast i stedet for inntekt per innbygger"))
        parser.add_argument("--target", type=float, default=DEFAULT_TARGET_PCT,
                            help=_("mål for netto driftsresultat i prosent av driftsinntektene (standard 1,75, TBU)"))
        parser.add_argument("--arsverk", action="append", default=[], help=_("årsverk i dag for en tjeneste, TJENESTE=ANTALL"))
        add_output_arguments(parser)

    def handle(self, *args, region, to_years, scenario, accounts_year, revenue_growth, revenue_fixed, target, arsverk,
               format, out, **options):
        check_output(format, out)
        try:
            result = compute_projection(
                region, to_years, scenario, accounts_year=accounts_year, revenue_growth_pct=revenue_growth,
                target_pct=target, arsverk=_arsverk(arsverk), revenue_per_inhabitant=not revenue_fixed,
            )
        except UserError as exc:
            raise CommandError(exc.message) from None
        write_result(result, projection_export, format, out, self.stdout)
