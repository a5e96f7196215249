"""Recomposition of a 20-year panel of every municipality onto the 2024 structure.

Input: for each year 2005–2024, every municipality code valid that year (the bundled region
registry, real codes and real mappings with their merger/split weights) with a count value.
The values are SYNTHETIC (seeded, 1 000–700 000, ~1 % missing); the shape is the real one.
gevinst: ``gevinst.core.recompose.recompose_count`` with ``mapping_for``. Baseline: a
straightforward pandas merge/groupby doing the same sum, missing-part rule included. The
two results are compared before timing.
"""

from __future__ import annotations

import time

import numpy as np
import polars as pl

YEARS = list(range(2005, 2025))
TARGET = 2024


def build():
    from gevinst.core.recompose import mapping_for
    from gevinst.sources.bundled import registry

    reg = registry()
    mapping = mapping_for(YEARS, lambda y: reg.mapping(y, TARGET))
    rng = np.random.default_rng(20261124)
    rows = mapping.select(pl.col("structure_year").alias("year"), pl.col("source_code").alias("region")).unique()
    values = rng.uniform(1_000, 700_000, rows.height).round()
    values[rng.random(rows.height) < 0.01] = np.nan
    obs = rows.with_columns(pl.Series("value", values, nan_to_null=True)).sort("year", "region")
    return obs, mapping


def pandas_recompose(obs, mapping):
    o = obs.rename(columns={"region": "source_code"})
    o["structure_year"] = o["year"]
    years = o[["year", "structure_year"]].drop_duplicates()
    expected = years.merge(mapping, on="structure_year")
    j = expected.merge(o, on=["year", "structure_year", "source_code"], how="left")
    j["weighted"] = j["value"] * j["weight"]
    j["missing"] = j["value"].isna()
    g = j.groupby(["target_code", "year"], as_index=False).agg(value=("weighted", "sum"), missing=("missing", "any"))
    g.loc[g["missing"], "value"] = np.nan
    return g.rename(columns={"target_code": "region"})[["region", "year", "value"]].sort_values(["region", "year"])


def _pd(frame: pl.DataFrame):
    """To pandas without pyarrow (not a dependency): column by column through numpy/lists."""
    import pandas as pd

    return pd.DataFrame({c: frame[c].to_numpy() if frame[c].dtype.is_numeric() else frame[c].to_list()
                         for c in frame.columns})


def _best(fn, n):
    best = float("inf")
    for _ in range(n):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def run() -> list[dict]:
    from gevinst.core.recompose import recompose_count

    obs, mapping = build()
    obs_pd, mapping_pd = _pd(obs), _pd(mapping)
    ours = recompose_count(obs, mapping)
    theirs = pandas_recompose(obs_pd, mapping_pd)
    assert ours.height == len(theirs)
    a = ours["value"].to_numpy()
    b = theirs["value"].to_numpy()
    assert np.array_equal(np.isnan(a), np.isnan(b)) and np.allclose(a[~np.isnan(a)], b[~np.isnan(b)], rtol=1e-12)
    seconds = _best(lambda: recompose_count(obs, mapping), 5)
    baseline = _best(lambda: pandas_recompose(obs_pd, mapping_pd), 5)
    return [{
        "name": f"recompose_count, {obs.height} rows ({len(YEARS)} years, all municipalities) → 2024",
        "baseline": "pandas merge/groupby", "seconds": seconds, "baseline_seconds": baseline,
        "ratio": baseline / seconds,
        "note": f"real codes and mappings ({mapping.height} rows), SYNTHETIC values; best of 5",
    }]


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gevinst.web.settings")
    django.setup()
    print(run())
