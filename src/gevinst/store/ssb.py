"""From SSB into the store: fetch a table, store it as a vintage, refresh later.

The HTTP and parsing work is in :mod:`gevinst.sources.pxweb` and
:mod:`gevinst.sources.jsonstat`; this module decides what a delivery is and
writes it through :func:`gevinst.store.ingest.store_observations` (all or
nothing).
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime

import polars as pl
from django.conf import settings

from gevinst.sources.jsonstat import to_observations
from gevinst.sources.pxweb import PxWebClient

from .ingest import Delivery, VariableInfo, store_observations
from .models import Vintage

log = logging.getLogger("gevinst.store")


def _parse_updated(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def fetch_and_store(
    table_id: str,
    *,
    regions: list[str] | None = None,
    contents: list[str] | None = None,
    years: list[int] | None = None,
    filters: dict | None = None,
    kind: str = "level",
    refresh: bool = False,
    client: PxWebClient | None = None,
    progress=None,
) -> tuple[Vintage, bool, int]:
    """Fetch ``table_id`` from SSB and store it. Returns ``(vintage, created, rows)``.

    ``kind`` says how the table's variables recompose across municipal changes
    (``count``, ``ratio``, ``level``). The default ``level`` is the safe one for
    a table nobody has described: it follows renumberings but is left missing
    across mergers rather than summed or averaged wrongly. The indicator
    catalogue declares the right kind per variable.
    """
    own_client = client is None
    client = client or PxWebClient(settings.SSB_BASE_URL, cache_dir=settings.CACHE_DIR / "ssb", progress=progress)
    try:
        df, meta = client.fetch(
            table_id, regions=regions, contents=contents, years=years, filters=filters, refresh=refresh
        )
    finally:
        if own_client:
            client.close()
    obs = to_observations(df, meta, table_id=table_id)
    variables = {
        code: VariableInfo(label=f"{label} (SSB {table_id})", unit=unit, kind=kind,
                           source=f"Statistisk sentralbyrå, tabell {table_id}")
        for code, label, unit in obs.select("variable", "label", "unit").unique().iter_rows()
    }
    query = {"table": table_id, "regions": regions, "contents": contents, "years": years, "filters": filters,
             "kind": kind}
    key = "ssb:" + table_id + ":" + hashlib.sha256(json.dumps(query, sort_keys=True).encode()).hexdigest()[:16]
    vintage, created = store_observations(
        obs.drop("label", "unit"),
        Delivery(
            source="ssb", key=key, table_id=table_id,
            label=f"SSB tabell {table_id}: {meta.get('label') or ''}".strip(),
            published=_parse_updated(meta.get("updated")), url=meta.get("url", ""),
            sha256=meta.get("sha256", ""), query=query,
        ),
        variables,
    )
    return vintage, created, obs.height


def refresh_from_ssb(client: PxWebClient | None = None) -> list[tuple[str, bool]]:
    """Fetch every stored SSB query again (the scheduled job after 15 March and 15 June).

    A new vintage is stored only where SSB's numbers changed (a different
    checksum); baselines that froze the old vintage keep it.
    """
    results = []
    queries = {}
    for v in Vintage.objects.filter(source="ssb").order_by("-fetched_at"):
        queries.setdefault(v.key, v.query)
    for key, q in queries.items():
        vintage, created, _ = fetch_and_store(
            q["table"], regions=q.get("regions"), contents=q.get("contents"), years=q.get("years"),
            filters=q.get("filters"), kind=q.get("kind", "level"), refresh=True, client=client,
        )
        log.info("refresh %s: %s", key, "new vintage" if created else "unchanged")
        results.append((key, created))
    return results
