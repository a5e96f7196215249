"""Load the bundled KOSTRA files into the observation store (part of ``load_all``).

One delivery per file (key ``bundled:<filename>``, sha256 of the file), so a
second run stores nothing. Variable ids for the workbook come from the
indicator catalogue (``source.bundled`` names the workbook block), so the
catalogue and the stored data join up.

``population_dec31`` (*folkemengde 31.12*) is stored as its own delivery: the
bundled population on 1 January of year t+1 under the code valid in year t.
KOSTRA's per-inhabitant figures divide by this population, so the catalogue's
accounts-based ratios use it as denominator. Where the unit changed territory
at the turn of the year (mergers and splits 2019→2020, 2023→2024) there is no
year-end population in the bundled files, and none is stored.
"""

from __future__ import annotations

import hashlib
import logging

import polars as pl

from gevinst.sources import bundled
from gevinst.sources import kostra_bundled as kb

from .ingest import Delivery, VariableInfo, store_observations

log = logging.getLogger("gevinst.store")

ACCOUNTS_SOURCE = "Statistisk sentralbyrå, tabell 12137 og 12362 (KOSTRA, kommunekonsern)"
WORKBOOK_SOURCE = "Statistisk sentralbyrå, KOSTRA (Lørenskog-oversikt 2020–2025, 2025 foreløpige tall per 16. mars 2026)"


def _sha(*parts: str) -> str:
    return hashlib.sha256(bundled.bundled_path(*parts).read_bytes()).hexdigest()


def workbook_variable_ids() -> dict[str, tuple[str, str]]:
    """Workbook block title → (variable id, kind) from the catalogue."""
    from gevinst.catalogue import load_catalogue
    from gevinst.catalogue.loader import default_path

    out = {}
    for ind in load_catalogue(default_path()).indicators:
        marker = ind.source.bundled
        if marker.startswith(kb.WORKBOOK) and ind.variable:
            out[marker.rsplit(" / ", 1)[-1]] = (ind.variable, ind.kind)
    return out


def load_workbook() -> tuple[str, bool]:
    ids = workbook_variable_ids()
    df, blocks = kb.read_workbook(
        bundled.bundled_path("kostra", kb.WORKBOOK), bundled.registry(), {t: v for t, (v, _) in ids.items()}
    )
    variables = {
        b.variable: VariableInfo(
            label=b.name, unit=b.unit, kind=ids.get(b.title, ("", "level"))[1] or "level", source=WORKBOOK_SOURCE
        )
        for b in blocks
    }
    _, created = store_observations(
        df,
        Delivery(
            source="bundled", key="bundled:" + kb.WORKBOOK,
            label="KOSTRA-nøkkeltall for Lørenskog og sammenligningsregioner 2020–2025 (2025 foreløpige tall, publisert 16. mars 2026)",
            sha256=_sha("kostra", kb.WORKBOOK), structure_year=None,
        ),
        variables,
    )
    return kb.WORKBOOK, created


def load_accounts() -> tuple[str, bool]:
    df, labels, skipped = kb.read_accounts(bundled.bundled_path("kostra", kb.ACCOUNTS), bundled.registry())
    if skipped.rows:
        log.warning("accounts extract: %s rows not stored (unknown unit/year): %s", skipped.rows, skipped.reasons)
    variables = {v: VariableInfo(label=l, unit=u, kind="count", source=ACCOUNTS_SOURCE) for v, (l, u) in labels.items()}
    _, created = store_observations(
        df,
        Delivery(
            source="bundled", key="bundled:" + kb.ACCOUNTS,
            label="KOSTRA-regnskap (kommunekonsern) for 134 kommuner og 14 fylkeskommuner 2015–2025 (2025 foreløpige tall), 1000 kr",
            table_id="12362", sha256=_sha("kostra", kb.ACCOUNTS), structure_year=None,
        ),
        variables,
    )
    return kb.ACCOUNTS, created


def population_dec31() -> pl.DataFrame:
    """Population at 31.12 of year t (= 1 January t+1) under the code valid in year t."""
    reg = bundled.registry()
    pop = bundled.population_as_published()
    rows = []
    for code, year, value in pop.iter_rows():
        t = year - 1
        if not reg.knows(code):
            continue
        now = reg.version_at(code, year)
        before = None
        if reg.version_at(code, t) is not None:
            before = reg.version_at(code, t)
        else:
            for v in reg.history(code):
                if v.valid_in(t):
                    before = v
                    break
        if now is None or before is None or before.atoms != now.atoms:
            continue
        rows.append((before.code, t, value))
    return pl.DataFrame(rows, schema={"region": pl.Utf8, "year": pl.Int32, "value": pl.Float64}, orient="row").with_columns(
        pl.lit("population_dec31").alias("variable")
    )


def load_population_dec31() -> tuple[str, bool]:
    df = population_dec31()
    sha = hashlib.sha256(
        (_sha("population", "population_codes_of_each_year_2017_2024.csv")
         + _sha("population", "population_2024_structure_2005_2026_excl_2017_2019.csv")).encode()
    ).hexdigest()
    _, created = store_observations(
        df,
        Delivery(
            source="bundled", key="bundled:population_dec31",
            label="Folkemengde 31.12 (= 1. januar året etter, SSB 07459), kodene som gjaldt hvert år",
            table_id="07459", sha256=sha, structure_year=None,
        ),
        {"population_dec31": VariableInfo(
            "Folkemengde 31.12 (1. januar året etter)", "personer", "count",
            source="Statistisk sentralbyrå, tabell 07459 (folkemengde 1. januar året etter)")},
    )
    return "population_dec31", created


def load_kostra() -> list[tuple[str, bool]]:
    return [load_population_dec31(), load_workbook(), load_accounts()]
