"""Getting a server process, and the shared page cache, ready before the first visitors ask.

* :func:`prepare_process`: what every process builds on its first request anyway (the URL
  configuration with every view module, the region registry, the indicator catalogue): about
  2–4 s of CPU. gunicorn workers run it before they accept requests
  (:mod:`gevinst.web.gunicorn_conf`), so no visitor waits for it.
* :func:`warm`: the region page and the default nullpunkt page of a few regions, computed
  into the shared page cache (:mod:`gevinst.web.pagecache`) by calling the views without a
  user. The regions are those of the organisations in the database first, then the most
  populous municipalities. Bounded in number (``GEVINST_WARMUP``, default 8) and time; it runs
  in the background (``gevinst warm`` as a low-priority child process of ``gevinst serve``, a
  thread in ``gevinst run``), so start-up never waits for it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

log = logging.getLogger("gevinst.warmup")


def prepare_process() -> None:
    """Import every view and load the bundled registry and the catalogue in this process."""
    from django.urls import get_resolver

    from gevinst.catalogue import load_catalogue
    from gevinst.sources import bundled

    t = time.perf_counter()
    get_resolver().url_patterns  # noqa: B018 - imports every view module
    bundled.registry()
    load_catalogue()
    log.debug("process prepared in %.1f s", time.perf_counter() - t)


def regions_to_warm(limit: int) -> list[str]:
    """The organisations' regions (current codes), then the most populous municipalities."""
    if limit <= 0:
        return []
    from gevinst.accounts.models import Organisation
    from gevinst.core.regions import KOMMUNE
    from gevinst.sources import bundled

    reg = bundled.registry()
    out: list[str] = []

    def add(code: str) -> None:
        if len(out) < limit and code not in out and reg.knows(code):
            out.append(code)

    for code in Organisation.objects.order_by("pk").values_list("region", flat=True).distinct():
        try:
            for unit in reg.current_successors(reg.latest_version(code)) or [reg.latest_version(code)]:
                add(unit.code)
        except Exception as exc:  # noqa: BLE001 - an odd region code on an organisation: skip it
            log.debug("warm-up skips region %r of an organisation: %s", code, exc)
    try:
        from gevinst.regions.views import STRUCTURE_YEAR
        from gevinst.store.queries import series

        codes = reg.codes_at(reg.last_year, KOMMUNE)
        pop = series("population", STRUCTURE_YEAR, years=[STRUCTURE_YEAR], regions=codes)
        for code in pop.drop_nulls("value").sort("value", descending=True)["region"].to_list():
            add(code)
    except Exception as exc:  # noqa: BLE001 - no population data: fall back to the largest cities' codes
        log.debug("no population ranking for the warm-up: %s", exc)
        for code in ("0301", "4601", "5001", "1103", "3201", "4204", "3301", "5501"):
            add(code)
    return out


def warm(regions: list[str], seconds: float = 120.0, should_stop: Callable[[], bool] = lambda: False) -> int:
    """Compute the region page and the default nullpunkt page of ``regions`` into the shared
    cache, in the default language, until done, ``seconds`` have passed or ``should_stop()``.
    Returns the number of pages computed. Errors are logged and skipped. The caller closes this
    thread's database connections when it is done (``connections.close_all()``)."""
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory
    from django.urls import reverse
    from django.utils import translation

    from gevinst.baselines.views import nullpunkt
    from gevinst.regions.views import region_detail

    deadline = time.monotonic() + seconds
    factory = RequestFactory()
    done = 0
    t0 = time.perf_counter()
    try:
        with translation.override(settings.LANGUAGE_CODE):
            for code in regions:
                for view, name in ((region_detail, "regions:detail"), (nullpunkt, "baselines:nullpunkt")):
                    if time.monotonic() > deadline or should_stop():
                        return done
                    request = factory.get(reverse(name, args=[code]))
                    request.user = AnonymousUser()
                    try:
                        view(request, code)
                        done += 1
                    except Exception:  # the warm-up must never take the server down
                        log.exception("warm-up of %s %s failed", name, code)
    finally:
        log.info("warm-up: %d pages for %d regions in %.1f s", done, len(regions), time.perf_counter() - t0)
    return done
