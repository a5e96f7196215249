"""national_peer_statistics == peer_statistics called region by region (pure, no database)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from gevinst.core.baseline import peer_statistics
from gevinst.core.national import OUTPUT_SCHEMA, national_peer_statistics

KEYS = ["indicator", "year", "region", "group"]
FLOAT_COLS = ["median", "q1", "q3", "mean", "weighted_mean", "min", "max", "percentile"]
EXACT_COLS = ["n", "rank", "rank_of", "position"]


def reference(values: pl.DataFrame, indicators: pl.DataFrame, memberships: pl.DataFrame,
              regions: list[str] | None = None) -> pl.DataFrame:
    """peer_statistics for each region (each of its own groups) and year, rows where the region has a value."""
    memberships = memberships.unique()
    regions = regions if regions is not None else sorted(memberships["region"].unique().to_list())
    years = sorted(values["year"].unique().to_list())
    frames = []
    for region in regions:
        own_groups = memberships.filter(pl.col("region") == region)["group"]
        peers = memberships.filter(pl.col("group").is_in(own_groups.implode()))
        for year in years:
            own = values.filter(
                (pl.col("region") == region) & (pl.col("year") == year) & pl.col("value").is_not_null()
            ).select("indicator")
            st = peer_statistics(values, indicators, region, year, peers).join(own, on="indicator", how="semi")
            frames.append(st.with_columns(pl.lit(region).alias("region"), pl.lit(year, pl.Int32).alias("year")))
    return pl.concat(frames).select(list(OUTPUT_SCHEMA))


def assert_equivalent(ours: pl.DataFrame, ref: pl.DataFrame, rtol: float = 1e-9) -> None:
    assert ours.schema == pl.Schema(OUTPUT_SCHEMA)
    assert ours.select(KEYS).is_duplicated().sum() == 0
    with_peers = ours.filter(pl.col("n") > 0)
    assert sorted(with_peers.select(KEYS).rows()) == sorted(ref.select(KEYS).rows())
    j = with_peers.join(ref, on=KEYS, suffix="_ref")
    assert j.height == ref.height
    for c in EXACT_COLS:
        bad = j.filter(pl.col(c).ne_missing(pl.col(f"{c}_ref")))
        assert bad.height == 0, (c, bad.select(KEYS + [c, f"{c}_ref"]).head())
    for c in FLOAT_COLS:
        a = j[c].to_numpy().astype(float)
        b = j[f"{c}_ref"].to_numpy().astype(float)
        assert np.array_equal(np.isnan(a), np.isnan(b)), c
        ok = ~np.isnan(a)
        scale = np.maximum(np.abs(b[ok]), 1.0)
        assert np.all(np.abs(a[ok] - b[ok]) <= rtol * scale), (c, np.max(np.abs(a[ok] - b[ok]) / scale))
    # Rows without peers: no statistics, and peer_statistics gives no row for them either.
    alone = ours.filter(pl.col("n") == 0)
    assert alone.select(pl.all_horizontal(pl.col(c).is_null() for c in FLOAT_COLS + ["rank", "rank_of"])).to_series().all()
    assert (alone["position"] == "").all()


def random_input(seed: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    n_regions = int(rng.integers(6, 25))
    regions = [f"{i:04d}" for i in range(n_regions)]
    # Groups: a few random ones, one of a single member, one of two, and "country".
    memberships = [(r, "country") for r in regions]
    memberships += [(regions[0], "solo"), (regions[1], "pair"), (regions[2], "pair")]
    for g in range(int(rng.integers(2, 5))):
        size = int(rng.integers(1, n_regions + 1))
        memberships += [(r, f"g{g}") for r in rng.choice(regions, size=size, replace=False)]
    memberships.append((regions[3], "country"))  # a duplicate membership row
    mem = pl.DataFrame(memberships, schema={"region": pl.Utf8, "group": pl.Utf8}, orient="row")

    directions = ["higher_better", "lower_better", "neutral", "higher_better", "lower_better"]
    indicators = pl.DataFrame({"id": [f"i{k}" for k in range(len(directions))], "direction": directions})
    ind_ids = indicators["id"].to_list() + ["unknown"]  # one indicator not in the catalogue
    rows = []
    for ind in ind_ids:
        for year in (2022, 2023, 2024):
            for r in regions:
                if rng.random() < 0.15:
                    value = None
                elif ind in ("i0", "i1"):
                    value = float(rng.integers(0, 5))  # many ties
                else:
                    value = float(np.round(rng.normal(50, 20), 1))
                u = rng.random()
                if ind == "i2":  # null and zero weights: weighted mean undefined in many groups
                    weight = None if u < 0.1 else (0.0 if u < 0.15 else float(rng.integers(1, 10_000)))
                else:
                    weight = 0.0 if u < 0.03 else float(rng.integers(1, 10_000))
                rows.append((ind, r, year, value, weight))
    values = pl.DataFrame(
        rows,
        schema={"indicator": pl.Utf8, "region": pl.Utf8, "year": pl.Int32, "value": pl.Float64, "weight": pl.Float64},
        orient="row",
    )
    return values, indicators, mem


@pytest.mark.parametrize("seed", range(8))
def test_random_data_matches_peer_statistics(seed):
    values, indicators, mem = random_input(seed)
    ours = national_peer_statistics(values, indicators, mem)
    assert_equivalent(ours, reference(values, indicators, mem))
    # Every (indicator, year, region, group) with a value and a membership has a row.
    expected = (
        values.filter(pl.col("value").is_not_null()).join(mem.unique(), on="region").select(KEYS).sort(KEYS)
    )
    assert ours.select(KEYS).sort(KEYS).equals(expected)
    solo = ours.filter(pl.col("group") == "solo")
    assert (solo["n"] == 0).all()


def test_tiny_and_weighted_cases_by_hand():
    mem = pl.DataFrame({"region": ["a", "b", "c", "a"], "group": ["g", "g", "g", "h"]})
    indicators = pl.DataFrame({"id": ["x"], "direction": ["lower_better"]})
    values = pl.DataFrame({
        "indicator": ["x"] * 3, "region": ["a", "b", "c"], "year": [2024] * 3,
        "value": [1.0, 2.0, 2.0], "weight": [1.0, 3.0, None],
    })
    out = national_peer_statistics(values, indicators, mem)
    a = out.filter((pl.col("region") == "a") & (pl.col("group") == "g")).row(0, named=True)
    assert (a["n"], a["median"], a["min"], a["max"], a["mean"]) == (2, 2.0, 2.0, 2.0, 2.0)
    assert a["weighted_mean"] is None  # c has no weight
    assert (a["rank"], a["rank_of"], a["percentile"], a["position"]) == (1, 3, 100.0, "bedre")
    c = out.filter(pl.col("region") == "c").row(0, named=True)
    assert c["weighted_mean"] == pytest.approx((1 * 1 + 2 * 3) / 4)
    assert (c["rank"], c["percentile"], c["position"]) == (2, 25.0, "dårligere")
    h = out.filter(pl.col("group") == "h").row(0, named=True)
    assert h["n"] == 0 and h["median"] is None and h["position"] == ""


def test_empty_inputs():
    values, indicators, mem = random_input(0)
    assert national_peer_statistics(values.clear(), indicators, mem).schema == pl.Schema(OUTPUT_SCHEMA)
    assert national_peer_statistics(values, indicators, mem.clear()).height == 0


# ------------------------------------------------------------------ real data
def real_input() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    from gevinst.sources.bundled import population_2024_structure, region_attributes

    pop = population_2024_structure().filter(pl.col("year").is_between(2020, 2024))
    total = pl.col("total").cast(pl.Float64)
    shares = {
        "andel_80_pluss": ((pl.col("age_80_89") + pl.col("age_90p")) / total * 100, "neutral"),
        "andel_0_5": ((pl.col("age_0") + pl.col("age_1_5")) / total * 100, "higher_better"),
        "andel_67_pluss": ((pl.col("age_67_79") + pl.col("age_80_89") + pl.col("age_90p")) / total * 100, "lower_better"),
    }
    values = pl.concat([
        pop.select(
            pl.lit(name).alias("indicator"), pl.col("kommunenummer").alias("region"),
            pl.col("year").cast(pl.Int32), expr.alias("value"), total.alias("weight"),
        )
        for name, (expr, _) in shares.items()
    ])
    indicators = pl.DataFrame({"id": list(shares), "direction": [d for _, d in shares.values()]})
    attrs = region_attributes().filter(pl.col("year") == 2024)
    mem = pl.concat([
        attrs.select("region", ("kostra:" + pl.col("kostra_group")).alias("group")),
        attrs.select("region", ("county:" + pl.col("region").str.slice(0, 2)).alias("group")),
        attrs.select("region", pl.lit("country").alias("group")),
    ])
    return values, indicators, mem


def test_real_population_shares_match_peer_statistics():
    values, indicators, mem = real_input()
    ours = national_peer_statistics(values, indicators, mem)
    n_regions = mem["region"].n_unique()
    assert n_regions == 357
    assert ours.height == values.height * 3  # every municipality is in three groups
    rng = np.random.default_rng(2024)
    regions = sorted(mem["region"].unique().to_list())
    sample = sorted(set(rng.choice(regions, size=12, replace=False).tolist()) | {"0301", "5636"})
    ref = reference(values, indicators, mem, regions=sample)
    assert_equivalent(ours.filter(pl.col("region").is_in(sample)), ref)
    # Oslo is alone in county 03 and in KOSTRA group 13.
    oslo = ours.filter((pl.col("region") == "0301") & (pl.col("group") == "county:03"))
    assert (oslo["n"] == 0).all()
