
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gevinst.accounts.cli import organisation_by_slug
from gevinst.baselines.service import adopt, compute_baseline
from gevinst.benchlearning.peers import peer_set_members
from gevinst.errors import UserError
from gevinst.reports import baseline_export
from gevinst.reports.output import add_output_arguments, check_output, write_result


class Command(BaseCommand):
    help = _("Nullpunktsmåling for en kommune eller et fylke: verdien for hver indikator i regionens "
             "struktur (bygd opp av forgjengerne ved sammenslåinger), utviklingen og sammenligning med "
             "KOSTRA-gruppen, fylket, landet eller egne sammenligningskommuner.")

    def add_arguments(self, parser):
        parser.add_argument("region", help=_("kommune- eller fylkesnummer"))
        parser.add_argument("--year", type=int, help=_("år (standard: året før sammenslåingen, ellers siste år med tall for de fleste indikatorene)"))
        parser.add_argument("--area", help=_("område, f.eks. økonomi (standard: alle)"))
        parser.add_argument("--peers", help=_("kostra, county, country, regionkoder skilt med komma eller set:NAVN (et lagret sammenligningssett)"))
        parser.add_argument("--org", help=_("organisasjonens kortnavn: set:NAVN hentes blant organisasjonens lagrede sett"))
        add_output_arguments(parser)
        parser.add_argument("--adopt", dest="adopt_now", action="store_true", help=_("vedta og fryse nullpunktsmålingen med datauttakene den bygger på"))
        parser.add_argument("--reason", default="", help=_("begrunnelse (påkrevd ved ny nullpunktsmåling)"))

    def handle(self, *args, region, year, area, peers, format, out, adopt_now, reason, org=None, **options):
        check_output(format, out)
        try:
            if org:
                organisation = organisation_by_slug(org)
                if peers and peers.strip().startswith("set:"):
                    peers = ",".join(peer_set_members(peers.strip()[4:], [organisation]))
            result = compute_baseline(region, year, area, peers)
            if adopt_now:
                b = adopt(result, reason=reason)
                self.stderr.write(_("Nullpunktsmålingen er vedtatt og frosset (nr. %(id)s).") % {"id": b.pk})
        except UserError as exc:
            raise CommandError(exc.message) from None
        write_result(result, baseline_export, format, out, self.stdout)
