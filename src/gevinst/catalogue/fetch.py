"""``gevinst fetch catalogue``: fetch every SSB source the catalogue names.

One ``fetch_and_store`` call per distinct SSB source (table, filters, kind),
with the content codes of all indicators that share it. The codes are first
checked against the table's metadata; codes the table (or the server) does not
have are reported and left out, so a delivery is never half stored. Indicators
from other publishers, and SSB indicators without a verified content code, are
listed with the address and how to import them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from gevinst.errors import UserError
from gevinst.sources.pxweb import PxWebClient
from gevinst.store.ssb import fetch_and_store

from .loader import Catalogue, Indicator, load_catalogue


@dataclass
class FetchReport:
    fetched: list[str] = field(default_factory=list)  # indicator ids
    unavailable: list[tuple[str, str]] = field(default_factory=list)  # (indicator id, reason)
    manual: list[tuple[str, str, str]] = field(default_factory=list)  # (indicator id, url, how)
    bundled: list[str] = field(default_factory=list)


def _groups(indicators: list[Indicator]) -> dict[tuple, list[Indicator]]:
    groups: dict[tuple, list[Indicator]] = {}
    for ind in indicators:
        key = (ind.source.table, ind.source.filters, ind.kind)
        groups.setdefault(key, []).append(ind)
    return groups


def fetch_catalogue(
    catalogue: Catalogue | None = None, *, area: str | None = None, regions: list[str] | None = None,
    years: list[int] | None = None, client: PxWebClient | None = None, echo=None,
) -> FetchReport:
    cat = catalogue or load_catalogue()
    chosen = cat.by_area(area) if area else list(cat.indicators)
    echo = echo or (lambda line: None)
    report = FetchReport()
    fetchable = []
    for ind in chosen:
        if ind.source.is_ssb and ind.source.contents:
            fetchable.append(ind)
        elif ind.source.bundled and not ind.source.how:
            report.bundled.append(ind.id)
        else:
            report.manual.append((ind.id, ind.source.url, ind.source.how))
    own = client is None
    client = client or PxWebClient(settings.SSB_BASE_URL, cache_dir=settings.CACHE_DIR / "ssb")
    try:
        for (table, filters, kind), inds in sorted(_groups(fetchable).items(), key=lambda kv: kv[0][0]):
            wanted = list(dict.fromkeys(c for i in inds for c in i.source.contents))
            try:
                meta = client.metadata(table)
            except UserError as exc:
                for i in inds:
                    report.unavailable.append((i.id, exc.message))
                echo(_("Tabell %(t)s: ikke tilgjengelig (%(e)s)") % {"t": table, "e": exc.message})
                continue
            metric = (meta["roles"].get("metric") or [None])[0]
            known = set(meta["dimensions"][metric]["codes"]) if metric else set()
            have = [c for c in wanted if c in known]
            for i in inds:
                missing = [c for c in i.source.contents if c not in known]
                if missing:
                    report.unavailable.append((i.id, _("statistikkvariabel %(c)s finnes ikke i tabell %(t)s") % {"c": missing[0], "t": table}))
            if not have:
                echo(_("Tabell %(t)s: ingen av statistikkvariablene finnes hos SSB-tjenesten.") % {"t": table})
                continue
            echo(_("Henter tabell %(t)s (%(n)s statistikkvariabler) …") % {"t": table, "n": len(have)})
            try:
                vintage, created, rows = fetch_and_store(
                    table, regions=regions, contents=have, years=years, filters=dict(filters) and {d: list(c) for d, c in filters},
                    kind=kind, client=client,
                )
            except UserError as exc:
                for i in inds:
                    if all(c in known for c in i.source.contents):
                        report.unavailable.append((i.id, exc.message))
                echo(_("Tabell %(t)s: feilet (%(e)s). Ingenting er lagret fra denne tabellen.") % {"t": table, "e": exc.message})
                continue
            done = [i.id for i in inds if all(c in known for c in i.source.contents)]
            report.fetched.extend(done)
            if created:
                echo(_("Tabell %(t)s: lagret %(r)s tall (datauttak %(v)s).") % {"t": table, "r": rows, "v": vintage.pk})
            else:
                echo(_("Tabell %(t)s: ingen endring siden forrige henting.") % {"t": table})
    finally:
        if own:
            client.close()
    return report
