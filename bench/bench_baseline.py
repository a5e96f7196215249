"""Benchmark: the national baseline — peer statistics for every region, indicator and year.

Input in the real shape: the 357 municipalities and 15 counties of 2024 (codes from the
bundled region registry) × the whole indicator catalogue (``gevinst.catalogue``; if it
cannot be loaded, 90 stand-in indicators with a mix of directions — the note says which)
× 10 years (2015–2024). Peer groups: each municipality's real KOSTRA group (2024, bundled
``region_attributes``), its county (first two digits) and the country; counties are
compared with the other counties (``country_fylker``).

Values are REAL where the bundled data has them: population shares from SSB 07459
(2024 structure: 2015, 2016, 2020–2024) for indicators whose numerator and denominator are
population variables — municipalities as published, counties as sums of their
municipalities. Everything else is SYNTHETIC (seeded; plausible level per indicator,
persistent region effects, a trend, noise, ~2 % nulls); 2017–2019 of the population shares
are interpolated and counted as synthetic. Weights are the region's population
(interpolated for 2017–2019). The note counts real and synthetic cells.

Timed (best of N, ``time.perf_counter``), same input, same run:
  (a) ``gevinst.core.national.national_peer_statistics`` (Polars + numpy, vectorized);
  (b) :func:`pandas_national_baseline` — the straightforward pandas way: for each region,
      for each of its groups, the peers' rows without the region, ``groupby`` → statistics,
      rank by comparisons. Checked against (a) on a sample of regions before timing, and
      against (a) in full after.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
try:  # an editable install makes this unnecessary
    import gevinst  # noqa: F401
except ImportError:  # pragma: no cover
    sys.path.insert(0, str(ROOT / "src"))

SEED = 3
YEARS = list(range(2015, 2025))
N_FAST = 5  # repetitions for the Polars version
N_SLOW = 1  # repetitions for pandas (about two minutes each; one run keeps make bench short)
N_FALLBACK_INDICATORS = 90

#: Real population shares used when the catalogue is not available: id -> (numerator, direction).
FALLBACK_REAL = {
    "andel_0_5_ar": (("age_0", "age_1_5"), "neutral"),
    "andel_67_ar_og_eldre": (("age_67_79", "age_80_89", "age_90p"), "neutral"),
    "andel_80_ar_og_eldre": (("age_80_89", "age_90p"), "neutral"),
}
POP_VARIABLES = ("age_0", "age_1_5", "age_6_15", "age_16_19", "age_20_66", "age_67_79", "age_80_89", "age_90p")
_DIRECTION_MIX = ["higher_better"] * 4 + ["lower_better"] * 4 + ["neutral"] * 2


# ------------------------------------------------------------------ input
def _indicator_table() -> tuple[pl.DataFrame, dict[str, tuple[tuple[str, ...], tuple[str, ...], float]], str]:
    """``(indicators[id, direction], real_definitions, label)``.

    ``real_definitions``: id -> (numerator, denominator, scale) for indicators that can be
    computed from the bundled population table.
    """
    try:
        from gevinst.catalogue import load_catalogue

        inds = load_catalogue().indicators
    except Exception as exc:  # noqa: BLE001 - the catalogue is optional for the benchmark
        reason = f"{type(exc).__name__}"
        real = {k: (num, ("population",), 100.0) for k, (num, _) in FALLBACK_REAL.items()}
        ids = list(FALLBACK_REAL) + [f"syntetisk_{i:03d}" for i in range(1, N_FALLBACK_INDICATORS - len(real) + 1)]
        dirs = [d for _, d in FALLBACK_REAL.values()]
        dirs += [_DIRECTION_MIX[i % len(_DIRECTION_MIX)] for i in range(len(ids) - len(dirs))]
        label = f"katalogen utilgjengelig ({reason}): {len(ids)} stand-in-indikatorer"
        return pl.DataFrame({"id": ids, "direction": dirs}), real, label
    known = set(POP_VARIABLES) | {"population", "total"}
    real = {}
    for ind in inds:
        num, den = tuple(ind.numerator), tuple(ind.denominator)
        if num and den and set(num) <= known and set(den) <= known:
            real[ind.id] = (num, den, float(ind.scale))
    table = pl.DataFrame({"id": [i.id for i in inds], "direction": [i.direction for i in inds]})
    return table, real, f"hele katalogen: {len(inds)} indikatorer"


def _population() -> pl.DataFrame:
    """Population by region (municipalities and counties, 2024 codes) and year 2015–2024.

    Columns ``region, year, population, age_*, interpolated``; 2017–2019 are linear
    interpolations between 2016 and 2020 (the bundled 2024-structure file lacks them).
    """
    from gevinst.sources.bundled import population_2024_structure

    cols = ["total", *POP_VARIABLES]
    muni = population_2024_structure().filter(pl.col("year").is_between(YEARS[0], YEARS[-1])).select(
        pl.col("kommunenummer").alias("region"), pl.col("year").cast(pl.Int32), *[pl.col(c).cast(pl.Float64) for c in cols]
    )
    county = muni.group_by(pl.col("region").str.slice(0, 2), "year").agg(*[pl.col(c).sum() for c in cols])
    pop = pl.concat([muni, county.select(muni.columns)])
    grid = pop.select("region").unique().join(pl.DataFrame({"year": YEARS}, schema={"year": pl.Int32}), how="cross")
    full = grid.join(pop, on=["region", "year"], how="left").sort("region", "year")
    return full.with_columns(
        pl.col("total").is_null().alias("interpolated"),
        *[pl.col(c).interpolate().over("region") for c in cols],
    ).rename({"total": "population"})


def build_input(seed: int = SEED) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, dict]:
    """``(values, indicators, memberships, info)`` for every region × indicator × year."""
    from gevinst.sources.bundled import region_attributes, registry

    reg = registry()
    munis = list(reg.codes_at(2024))
    counties = list(reg.codes_at(2024, "fylke"))
    regions = munis + counties
    indicators, real_defs, ind_label = _indicator_table()

    attrs = region_attributes().filter(pl.col("year") == 2024).select("region", "kostra_group")
    mem_muni = pl.DataFrame({"region": munis}).join(attrs, on="region", how="left")
    assert mem_muni["kostra_group"].null_count() == 0, "municipality without a KOSTRA group"
    memberships = pl.concat([
        mem_muni.select("region", ("kostra:" + pl.col("kostra_group")).alias("group")),
        mem_muni.select("region", ("county:" + pl.col("region").str.slice(0, 2)).alias("group")),
        mem_muni.select("region", pl.lit("country").alias("group")),
        pl.DataFrame({"region": counties, "group": ["country_fylker"] * len(counties)}),
    ])

    pop = _population().filter(pl.col("region").is_in(regions))
    assert pop.select("region").n_unique() == len(regions), "population missing for some regions"
    grid = (
        pl.DataFrame({"region": regions})
        .join(pl.DataFrame({"year": YEARS}, schema={"year": pl.Int32}), how="cross")
        .join(pop, on=["region", "year"], how="left")
        .sort("region", "year")
    )
    rng = np.random.default_rng(seed)
    n_cells = grid.height
    region_idx = grid.select(pl.col("region").rank("dense") - 1).to_series().to_numpy()
    year_off = (grid["year"].to_numpy() - YEARS[0]).astype(float)
    frames = []
    for ind_id in indicators["id"].to_list():  # one vectorized draw per indicator (not per region)
        if ind_id in real_defs:
            num, den, scale = real_defs[ind_id]
            den_cols = [("population" if c == "total" else c) for c in den]
            value = (pl.sum_horizontal(num) / pl.sum_horizontal(den_cols) * scale)
            f = grid.select(
                pl.lit(ind_id).alias("indicator"), "region", "year", value.alias("value"),
                pl.col("population").alias("weight"), (~pl.col("interpolated")).alias("real"),
            )
        else:
            level = float(np.exp(rng.uniform(np.log(2.0), np.log(50_000.0))))
            spread = rng.uniform(0.05, 0.4)
            effect = rng.normal(0.0, spread, size=len(regions))[region_idx]
            trend = rng.normal(0.0, 0.02) * year_off
            noise = rng.normal(0.0, spread / 4, size=n_cells)
            value = level * np.exp(effect + trend + noise)
            value = np.round(value, 1 if level < 1000 else 0)
            value[rng.random(n_cells) < 0.02] = np.nan
            f = grid.select(
                pl.lit(ind_id).alias("indicator"), "region", "year",
                pl.Series("value", value).fill_nan(None), pl.col("population").alias("weight"),
                pl.lit(False).alias("real"),
            )
        frames.append(f)
    cells = pl.concat(frames)
    n_real = int(cells["real"].sum())
    info = {
        "indicators": ind_label,
        "real_indicators": sorted(real_defs),
        "regions": len(regions),
        "municipalities": len(munis),
        "counties": len(counties),
        "years": f"{YEARS[0]}–{YEARS[-1]}",
        "cells": cells.height,
        "real_cells": n_real,
        "synthetic_cells": cells.height - n_real,
        "null_cells": int(cells["value"].null_count()),
    }
    return cells.drop("real"), indicators, memberships, info


# ------------------------------------------------------------------ pandas baseline
def pandas_national_baseline(values, indicators, memberships, regions=None):
    """The straightforward pandas version: region by region, group by group.

    ``values``/``indicators``/``memberships`` are pandas DataFrames with the columns of
    :func:`gevinst.core.national.national_peer_statistics`. ``regions`` limits the loop
    (for the sample check). Returns the same columns (rows with at least one peer).
    """
    import pandas as pd

    vals = values.dropna(subset=["value"])
    sign = indicators.set_index("id")["direction"].map(lambda d: -1.0 if d == "lower_better" else 1.0)
    direction = indicators.set_index("id")["direction"]
    memberships = memberships.drop_duplicates()
    out = []
    for region, groups in memberships.groupby("region")["group"]:
        if regions is not None and region not in regions:
            continue
        own = vals[vals["region"] == region][["indicator", "year", "value"]].rename(columns={"value": "own"})
        for group in groups:
            members = memberships.loc[(memberships["group"] == group) & (memberships["region"] != region), "region"]
            peers = vals[vals["region"].isin(members)]
            if peers.empty:
                continue
            g = peers.groupby(["indicator", "year"])["value"]
            stats = pd.DataFrame({
                "n": g.count(),
                "median": g.median(),
                "q1": g.quantile(0.25),
                "q3": g.quantile(0.75),
                "mean": g.mean(),
                "min": g.min(),
                "max": g.max(),
            })
            pw = peers.assign(vw=peers["value"] * peers["weight"], w_missing=peers["weight"].isna())
            wg = pw.groupby(["indicator", "year"])[["vw", "weight", "w_missing"]].sum()
            ok = (wg["w_missing"] == 0) & (wg["weight"] > 0)
            stats["weighted_mean"] = (wg["vw"] / wg["weight"]).where(ok)
            stats = stats.reset_index().merge(own, on=["indicator", "year"], how="inner")
            # rank and percentile: compare the region's value with every peer's
            cmp = peers.merge(own, on=["indicator", "year"], how="inner")
            cmp["diff"] = (cmp["own"] - cmp["value"]) * cmp["indicator"].map(sign).fillna(1.0)
            cmp["better"] = cmp["diff"] < 0
            cmp["worse"] = cmp["diff"] > 0
            cmp["tied"] = cmp["diff"] == 0
            counts = cmp.groupby(["indicator", "year"])[["better", "worse", "tied"]].sum().reset_index()
            stats = stats.merge(counts, on=["indicator", "year"], how="left")
            stats["rank"] = stats["better"] + 1
            stats["rank_of"] = stats["n"] + 1
            stats["percentile"] = (stats["worse"] + 0.5 * stats["tied"]) / stats["n"] * 100
            d = stats["indicator"].map(direction)
            stats["position"] = np.select(
                [
                    ~d.isin(["higher_better", "lower_better"]),
                    stats["own"] == stats["median"],
                    (stats["own"] > stats["median"]) == (d == "higher_better"),
                ],
                ["", "som medianen", "bedre"],
                "dårligere",
            )
            stats["region"] = region
            stats["group"] = group
            out.append(stats)
    cols = ["indicator", "year", "region", "group", "n", "median", "q1", "q3", "mean", "weighted_mean",
            "min", "max", "rank", "rank_of", "percentile", "position"]
    return pd.concat(out, ignore_index=True)[cols]


# ------------------------------------------------------------------ comparison
def to_pandas(df: pl.DataFrame):
    """Polars -> pandas column by column (``DataFrame.to_pandas`` needs pyarrow, not installed)."""
    import pandas as pd

    return pd.DataFrame({c: df.get_column(c).to_numpy() for c in df.columns})


def from_pandas(df) -> pl.DataFrame:
    """pandas -> Polars column by column (no pyarrow)."""
    return pl.DataFrame({c: df[c].to_numpy() for c in df.columns})


def compare(polars_out: pl.DataFrame, pandas_out, regions=None, rtol: float = 1e-9) -> int:
    """Assert the pandas result equals the Polars one (rows with peers); returns rows compared."""
    ours = polars_out.filter(pl.col("n") > 0)
    if regions is not None:
        ours = ours.filter(pl.col("region").is_in(list(regions)))
    theirs = from_pandas(pandas_out).with_columns(
        pl.col("indicator", "region", "group", "position").cast(pl.Utf8),
        pl.col("year").cast(pl.Int32), pl.col("n", "rank", "rank_of").cast(pl.UInt32)
    )
    keys = ["indicator", "year", "region", "group"]
    assert ours.height == theirs.height, (ours.height, theirs.height)
    j = ours.join(theirs, on=keys, suffix="_pd")
    assert j.height == ours.height
    for c in ("n", "rank", "rank_of", "position"):
        assert j.filter(pl.col(c).ne_missing(pl.col(f"{c}_pd"))).height == 0, c
    for c in ("median", "q1", "q3", "mean", "weighted_mean", "min", "max", "percentile"):
        a, b = j[c].to_numpy().astype(float), j[f"{c}_pd"].to_numpy().astype(float)
        assert np.array_equal(np.isnan(a), np.isnan(b)), c
        ok = ~np.isnan(a)
        assert np.all(np.abs(a[ok] - b[ok]) <= rtol * np.maximum(np.abs(b[ok]), 1.0)), c
    return j.height


def _best(fn, n: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(n):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def run() -> list[dict]:
    from gevinst.core.national import national_peer_statistics

    values, indicators, memberships, info = build_input()
    vpd, ipd, mpd = to_pandas(values), to_pandas(indicators), to_pandas(memberships)

    t_ours, ours = _best(lambda: national_peer_statistics(values, indicators, memberships), N_FAST)
    sample = ["0301", "4601", "5001", "1103", "3201", "5636", "03", "46"]
    compare(ours, pandas_national_baseline(vpd, ipd, mpd, regions=set(sample)), regions=sample)

    import pandas as pd

    t_pd, theirs = _best(lambda: pandas_national_baseline(vpd, ipd, mpd), N_SLOW)
    checked = compare(ours, theirs)
    note = (
        f"{info['municipalities']} kommuner + {info['counties']} fylker × {info['indicators']} × "
        f"{info['years']}: {info['cells']} celler ({info['real_cells']} ekte befolkningsandeler fra SSB 07459, "
        f"{info['synthetic_cells']} SYNTETISKE, {info['null_cells']} tomme); {ours.height} rader ut, "
        f"{checked} sjekket mot pandas"
    )
    return [
        {
            "name": "national_peer_statistics (Polars)",
            "baseline": "-",
            "seconds": t_ours,
            "baseline_seconds": None,
            "ratio": None,
            "note": note + " (mål < 1 s)",
        },
        {
            "name": "national_peer_statistics vs pandas",
            "baseline": f"pandas_national_baseline (pandas {pd.__version__})",
            "seconds": t_ours,
            "baseline_seconds": t_pd,
            "ratio": t_pd / t_ours,
            "note": "ganger raskere enn rett-fram pandas (mål >= 20)",
        },
    ]


if __name__ == "__main__":  # pragma: no cover
    for r in run():
        print(r)
