from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gevinst.accounts.cli import organisation_by_slug
from gevinst.core.formatting import format_number
from gevinst.economy.finance import compute_finance, parse_target, save_target
from gevinst.errors import UserError
from gevinst.reports import finance_export
from gevinst.reports.output import add_output_arguments, check_output, write_result


class Command(BaseCommand):
    help = _("Økonomisk helse for en kommune: finansielle nøkkeltall (SSB 12134, ellers beregnet fra "
             "KOSTRA-regnskapet) mot TBU-normen og kommunens egne mål (kommuneloven § 14-2), "
             "ROBEK-varselsignaler og realvekst i driftsinntekter og -utgifter.")

    def add_arguments(self, parser):
        parser.add_argument("region", help=_("kommunenummer, EAK (landet), EAKUO eller EKGnn (KOSTRA-gruppe)"))
        add_output_arguments(parser)
        parser.add_argument("--set-target", dest="set_target", action="append", default=[],
                            help=_("sett et eget økonomisk mål, f.eks. netto_driftsresultat=1,5 eller "
                                   "langsiktig_gjeld<=110 (kan gjentas)"))
        parser.add_argument("--from-year", dest="from_year", type=int, help=_("året målet gjelder fra (standard: siste år med tall)"))
        parser.add_argument("--source", default="", help=_("vedtaket målet bygger på, f.eks. «K-sak 45/24»"))
        parser.add_argument("--org", help=_("organisasjonens kortnavn: målene lagres og vises for organisasjonen"))
        parser.add_argument("--deflator", help=_("TOML-fil med en annen deflatorserie (standard: den medfølgende)"))
        parser.add_argument("--base-year", dest="base_year", type=int, help=_("basisår for faste priser (standard: siste år)"))

    def handle(self, *args, region, format, out, set_target, from_year, source, deflator, base_year, org=None, **options):
        check_output(format, out)
        try:
            organisation = organisation_by_slug(org) if org else None
            specs = [parse_target(s) for s in set_target]  # all parsed before anything is stored
            for key, op, value in specs:
                t = save_target(region, key, value, op, from_year, source, organisation=organisation)
                self.stderr.write(_("Lagret mål: %(k)s %(op)s %(v)s fra %(y)s.") % {
                    "k": t.key_figure, "op": "≥" if t.operator == ">=" else "≤", "v": format_number(t.value, 2), "y": t.valid_from})
            if deflator and not Path(deflator).is_file():
                raise UserError(_("Finner ikke deflatorfilen %(f)s.") % {"f": deflator}, f"no deflator file {deflator}")
            result = compute_finance(region, deflator, base_year, organisation=organisation)
        except UserError as exc:
            raise CommandError(exc.message) from None
        except (ValueError, KeyError) as exc:
            raise CommandError(_("Deflatorfilen kunne ikke leses: %(e)s") % {"e": exc}) from None
        write_result(result, finance_export, format, out, self.stdout)
