"""Load the bundled data into the observation store (``gevinst setup``).

Idempotent: a bundled file already stored with the same checksum is skipped,
so ``make run`` a second time is quick and touches nothing users entered.
"""

from __future__ import annotations

import hashlib
import logging

import polars as pl

from gevinst.sources import bundled

from .ingest import Delivery, VariableInfo, store_observations

log = logging.getLogger("gevinst.store")

POPULATION_SOURCE = "Statistisk sentralbyrå, tabell 07459 (folkemengde 1. januar)"


def population_variables() -> dict[str, VariableInfo]:
    out = {"population": VariableInfo("Folkemengde 1. januar", "personer", "count", source=POPULATION_SOURCE)}
    for band, label in bundled.AGE_BAND_LABELS.items():
        out[band] = VariableInfo(f"Folkemengde 1. januar, {label}", "personer", "count", source=POPULATION_SOURCE)
    return out


def _long(df: pl.DataFrame, estimated: pl.Expr) -> pl.DataFrame:
    value_cols = {"total": "population", **{b: b for b in bundled.AGE_BANDS}}
    return (
        df.with_columns(estimated.alias("estimated"))
        .unpivot(index=["year", "kommunenummer", "estimated"], on=list(value_cols), variable_name="column", value_name="value")
        .select(
            pl.col("column").replace_strict(value_cols).alias("variable"),
            pl.col("kommunenummer").alias("region"),
            pl.col("year").cast(pl.Int32),
            pl.col("value").cast(pl.Float64),
            pl.col("estimated"),
        )
    )


def _file_sha(*parts: str) -> str:
    return hashlib.sha256(bundled.bundled_path(*parts).read_bytes()).hexdigest()


def load_population() -> list[tuple[str, bool]]:
    """Store both bundled population files as published. Returns ``(key, created)`` per file."""
    results = []
    variables = population_variables()
    each_year = ("population", "population_codes_of_each_year_2017_2024.csv")
    df = _long(bundled.population_codes_of_each_year(), pl.lit(False))
    _, created = store_observations(
        df,
        Delivery(
            source="bundled", key="bundled:" + each_year[1],
            label="Folkemengde 1. januar 2017–2024, kodene som gjaldt hvert år (SSB 07459)",
            table_id="07459", sha256=_file_sha(*each_year), structure_year=None,
        ),
        variables,
    )
    results.append((each_year[1], created))
    recoded = ("population", "population_2024_structure_2005_2026_excl_2017_2019.csv")
    df = _long(bundled.population_2024_structure(), pl.col("approx_weighted_split") == 1)
    _, created = store_observations(
        df,
        Delivery(
            source="bundled", key="bundled:" + recoded[1],
            label="Folkemengde 1. januar 2005–2026 i kommunestrukturen 2024 (SSB 07459; 2017–2019 utelatt)",
            table_id="07459", sha256=_file_sha(*recoded), structure_year=2024,
        ),
        variables,
    )
    results.append((recoded[1], created))
    return results


def load_all() -> list[tuple[str, bool]]:
    from .kostra_load import load_kostra

    return load_population() + load_kostra()
