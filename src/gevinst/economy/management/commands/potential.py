
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gevinst.economy.potential import LAST_YEAR, compute_potential
from gevinst.errors import UserError
from gevinst.reports import potential_export
from gevinst.reports.output import add_output_arguments, check_output, write_result


class Command(BaseCommand):
    help = _("Økonomisk handlingsrom per tjeneste (gevinstpotensial): netto driftsutgifter per innbygger og "
             "per målgruppe, behovsjustert med sektorindeksene i Grønt hefte, mot et valgt referansenivå. "
             "Potensial = (behovsjustert − referanse) × folkemengde × sektorindeks, i kroner per år; "
             "positivt = utgifter over referansen.")

    def add_arguments(self, parser):
        parser.add_argument("region", help=_("kommunenummer, f.eks. 3222"))
        parser.add_argument("--year", type=int, default=LAST_YEAR,
                            help=_("regnskapsår (standard: %(y)s, foreløpige tall)") % {"y": LAST_YEAR})
        parser.add_argument("--reference", default="country",
                            help=_("country (landet, publisert SSB-tall), kostra (KOSTRA-gruppen, bare ved full "
                                   "dekning), best-quartile (beste kvartil i KOSTRA-gruppen) eller kommunenummer "
                                   "skilt med komma"))
        parser.add_argument("--index-vintage", type=int, default=None,
                            help=_("årgang av Grønt hefte for sektorindeksene (standard: regnskapsåret + 1, "
                                   "ellers nærmeste tilgjengelige)"))
        add_output_arguments(parser)

    def handle(self, *args, region, year, reference, index_vintage, format, out, **options):
        check_output(format, out)
        try:
            result = compute_potential(region, year, reference, index_vintage)
        except UserError as exc:
            raise CommandError(exc.message) from None
        write_result(result, potential_export, format, out, self.stdout)
