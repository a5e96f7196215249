"""``gevinst warm``: compute the most-read region and nullpunkt pages into the shared page cache.

``gevinst serve`` starts it in the background (low priority, ``--parent``: it stops when the
server does); it can also be run by hand, e.g. after a large import. See
:mod:`gevinst.web.warmup`.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from gevinst.web import warmup


class Command(BaseCommand):
    help = _("Regner ut region- og nullpunktsidene for de mest leste regionene på forhånd")

    def add_arguments(self, parser):
        parser.add_argument("--regions", default="", help=_("Regionnumre, kommaseparert (standard: organisasjonenes "
                                                           "regioner, så de største kommunene)"))
        parser.add_argument("--limit", type=int, default=None,
                            help=_("Høyst så mange regioner (standard GEVINST_WARMUP, 8)"))
        parser.add_argument("--seconds", type=float, default=120.0, help=_("Høyst så mange sekunder (standard 120)"))
        parser.add_argument("--parent", type=int, default=None, help=_("Stopp når denne prosessen er borte"))
        parser.add_argument("--nice", type=int, default=0, help=_("Lavere prioritet (os.nice)"))

    def handle(self, *args, regions="", limit=None, seconds=120.0, parent=None, nice=0, **options):
        if nice and hasattr(os, "nice"):
            os.nice(nice)
        limit = settings.GEVINST_WARMUP if limit is None else limit
        codes = [c.strip() for c in regions.split(",") if c.strip()] or warmup.regions_to_warm(limit)
        codes = codes[:limit] if limit >= 0 else codes

        def parent_gone() -> bool:
            return parent is not None and os.getppid() != parent

        done = warmup.warm(codes, seconds=seconds, should_stop=parent_gone)
        if options.get("verbosity", 1) > 1:
            self.stdout.write(_("%(n)s sider regnet ut på forhånd") % {"n": done})
