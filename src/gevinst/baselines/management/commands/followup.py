import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gevinst.baselines.models import Baseline, BaselineValue
from gevinst.baselines.service import follow_up
from gevinst.catalogue import load_catalogue
from gevinst.core.formatting import format_number
from gevinst.errors import UserError
from gevinst.sources.bundled import registry


class Command(BaseCommand):
    help = _("Oppfølging: siste målinger mot den vedtatte (frosne) nullpunktsmålingen, med endring, "
             "retning og fremdrift mot målverdi. Sett målverdi med --target INDIKATOR=VERDI[@ÅR].")

    def add_arguments(self, parser):
        parser.add_argument("region", help=_("kommune- eller fylkesnummer"))
        parser.add_argument("--area", default="", help=_("område (standard: nullpunktsmålingen for alle områder)"))
        parser.add_argument("--target", action="append", default=[], help=_("målverdi, f.eks. befolkning_andel_80_pluss=5,5@2028"))
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, region, area, target, format, **options):
        try:
            codes = [v.code for v in registry().history(region.strip())]
        except UserError as exc:
            raise CommandError(exc.message) from None
        b = Baseline.objects.filter(region__in=codes, area=area, superseded_by__isnull=True).first()
        if b is None:
            raise CommandError(_("Ingen vedtatt nullpunktsmåling for %(r)s. Vedta en med «gevinst baseline %(r)s --adopt».") % {"r": region})
        for t in target:
            try:
                ind, rest = t.split("=", 1)
                value, _sep, year = rest.partition("@")
                value = float(value.replace(",", ".").replace(" ", ""))
            except ValueError:
                raise CommandError(_("Ugyldig målverdi «%(t)s». Skriv INDIKATOR=VERDI eller INDIKATOR=VERDI@ÅR.") % {"t": t}) from None
            updated = BaselineValue.objects.filter(baseline=b, indicator=ind).update(
                target_value=value, target_year=int(year) if year else None)
            if not updated:
                raise CommandError(_("Indikatoren «%(i)s» er ikke med i nullpunktsmålingen.") % {"i": ind})
        df = follow_up(b)
        if format == "json":
            self.stdout.write(json.dumps({"baseline": b.pk, "region": b.region, "year": b.year, "rows": df.to_dicts()},
                                         ensure_ascii=False, indent=1, default=str))
            return
        cat = load_catalogue()
        self.stdout.write(_("Oppfølging av nullpunktsmåling %(id)s: %(r)s %(n)s %(y)s (vedtatt %(d)s)") % {
            "id": b.pk, "r": b.region, "n": b.region_name, "y": b.year, "d": f"{b.adopted_at:%d.%m.%Y}"})
        for r in df.iter_rows(named=True):
            ind = cat.get(r["indicator"])
            name = ind.name if ind else r["indicator"]
            latest = f"{format_number(r['value'], 1)} ({r['year']})" if r["value"] is not None else _("ingen ny måling")
            progress = f"  {format_number(r['progress'] * 100, 0)} % av veien til målet" if r["progress"] is not None else ""
            self.stdout.write(f"  {name[:46]:<47}{format_number(r['baseline_value'], 1):>10} → {latest:<18} {r['development']}{progress}")
