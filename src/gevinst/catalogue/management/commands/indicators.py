import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gevinst.catalogue import load_catalogue
from gevinst.errors import UserError

CSV_COLUMNS = ["id", "name", "area", "service", "level", "unit", "direction", "result_type", "sdg", "kind",
               "variable", "numerator", "denominator", "scale", "publisher", "table", "contents", "url", "verified"]


class Command(BaseCommand):
    help = _("Viser indikatorkatalogen: navn, område, kilde og bærekraftsmål for hver indikator.")

    def add_arguments(self, parser):
        parser.add_argument("--area", help=_("bare indikatorer i dette området (id eller navn, f.eks. økonomi)"))
        parser.add_argument("--sdg", help=_("bare indikatorer knyttet til dette bærekraftsmålet (f.eks. 4) eller delmålet (4.1)"))
        parser.add_argument("--format", choices=["text", "json", "csv"], default="text", help=_("utdataformat (standard: text)"))

    def handle(self, *args, area, sdg, format, **options):
        try:
            cat = load_catalogue()
            chosen = cat.by_area(area) if area else list(cat.indicators)
            if sdg:
                ids = {i.id for i in cat.by_sdg(sdg)}
                chosen = [i for i in chosen if i.id in ids]
        except UserError as exc:
            raise CommandError(exc.message) from None
        frame = cat.frame(chosen)
        if format == "json":
            self.stdout.write(json.dumps(frame.to_dicts(), ensure_ascii=False, indent=2))
        elif format == "csv":
            self.stdout.write(frame.select(CSV_COLUMNS).write_csv(), ending="")
        else:
            names = {a.id: a.name for a in cat.areas}
            for a in cat.areas:
                items = [i for i in chosen if i.area == a.id]
                if not items:
                    continue
                self.stdout.write(f"{names[a.id]} ({len(items)})")
                for i in items:
                    src = i.source.publisher + (f", tabell {i.source.table}" if i.source.table else "")
                    sdgs = ", ".join(i.sdg)
                    self.stdout.write(f"  {i.id}: {i.name} [{i.unit}; {src}; {_('bærekraftsmål')} {sdgs}]")
            self.stdout.write(_("%(n)s indikatorer.") % {"n": len(chosen)})
