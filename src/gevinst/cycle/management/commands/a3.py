"""``gevinst a3 ORG --kind helhet|dypdykk|tiltak|omrade [--id ID] [--year ÅR] --out FIL.pptx|FIL.pdf``."""

import argparse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gevinst.cycle.cli import cycle_for, organisation
from gevinst.errors import UserError


def _whole_number(text: str) -> int:
    if not text.isascii() or not text.isdigit():
        raise argparse.ArgumentTypeError(_("«%(t)s» er ikke et helt tall") % {"t": text})
    return int(text)


class Command(BaseCommand):
    help = _("Lager et A3-ark fra dataene som PowerPoint (redigerbart) eller PDF, A3 liggende.")

    def add_arguments(self, parser):
        from gevinst.reports.a3_model import KINDS

        parser.add_argument("org", help=_("organisasjonens kortnavn"))
        # No argparse ``choices``: its error is English; a3.build refuses an unknown kind in Norwegian.
        parser.add_argument("--kind", required=True, metavar="|".join(KINDS),
                            help=_("helhet (1. kvartal), dypdykk (2.), tiltak (3.) eller omrade (4.)"))
        parser.add_argument("--id", type=_whole_number, help=_("dypdykkets id (for dypdykk; valgfritt for tiltak og omrade)"))
        parser.add_argument("--year", type=_whole_number, help=_("budsjettåret (standard: årshjulet som pågår nå)"))
        parser.add_argument("--out", required=True, help=_("fil å skrive til: .pptx eller .pdf"))

    def handle(self, *args, **opts):
        from gevinst.cycle import a3

        out = Path(opts["out"])
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in ("pptx", "pdf"):
            raise CommandError(_("Filen må slutte på .pptx eller .pdf (fikk «%(f)s»).") % {"f": out.name})
        if not out.parent.is_dir():  # else the writer fails with a traceback after the work is done
            raise CommandError(_("Mappen «%(d)s» finnes ikke.") % {"d": out.parent})
        cycle = cycle_for(organisation(opts["org"]), opts.get("year"))
        try:
            doc = a3.build(cycle, opts["kind"], opts.get("id"))
        except a3.A3NotFound:
            raise CommandError(_("Fant ikke dypdykk %(id)s i årshjulet for budsjett %(y)s.") % {
                "id": opts.get("id"), "y": cycle.budget_year}) from None
        except UserError as exc:
            raise CommandError(exc.message) from None
        getattr(a3.exporter(), f"to_{fmt}")(doc, out)
        self.stdout.write(_("Skrev %(f)s") % {"f": out})
