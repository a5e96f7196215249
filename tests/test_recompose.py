"""Recomposition rules on real and planted data: counts add, ratios rebuilt, gaps never hidden."""

import polars as pl
import pytest

from gevinst.core.recompose import mapping_for, recompose_count, recompose_ratio, recompose_weighted
from gevinst.sources import bundled


@pytest.fixture(scope="module")
def pop2019():
    df = bundled.population_codes_of_each_year().filter(pl.col("year") == 2019)
    return df.select(pl.col("kommunenummer").alias("region"), "year", pl.col("total").alias("value"),
                     pl.col("age_20_66").alias("workers"))


def test_counts_add_up_through_the_2020_reform(registry, pop2019):
    mapping = mapping_for([2019], lambda y: registry.mapping(y, 2024))
    out = recompose_count(pop2019, mapping)
    # SSB's published national total for 1 January 2019, preserved exactly
    assert out["value"].sum() == pytest.approx(5_328_212)
    nf = out.filter(pl.col("region") == "3207").row(0, named=True)
    assert nf["value"] == 58_237 and nf["flag"] == ""  # 0213 Ski + 0217 Oppegård


def test_missing_part_makes_target_missing_not_smaller(registry, pop2019):
    mapping = mapping_for([2019], lambda y: registry.mapping(y, 2024))
    without_ski = pop2019.filter(pl.col("region") != "0213")
    out = recompose_count(without_ski, mapping)
    nf = out.filter(pl.col("region") == "3207").row(0, named=True)
    assert nf["value"] is None and "missing_part" in nf["flag"]
    # a suppressed value (":") is missing too; "-" is zero
    marked = pop2019.with_columns(
        pl.when(pl.col("region") == "0213").then(pl.lit(":")).otherwise(pl.lit("")).alias("status"),
        pl.when(pl.col("region") == "0213").then(None).otherwise(pl.col("value")).alias("value"),
    )
    assert recompose_count(marked, mapping).filter(pl.col("region") == "3207")["value"][0] is None
    zero = pop2019.with_columns(
        pl.when(pl.col("region") == "0213").then(pl.lit("-")).otherwise(pl.lit("")).alias("status"),
        pl.when(pl.col("region") == "0213").then(None).otherwise(pl.col("value")).alias("value"),
    )
    assert recompose_count(zero, mapping).filter(pl.col("region") == "3207")["value"][0] == 27_394


def test_ratio_rebuilt_from_parts_not_averaged(registry, pop2019):
    mapping = mapping_for([2019], lambda y: registry.mapping(y, 2024))
    num = pop2019.select("region", "year", pl.col("workers").alias("value"))
    den = pop2019.select("region", "year", "value")
    out = recompose_ratio(num, den, mapping, scale=100)
    nf = out.filter(pl.col("region") == "3207")["value"][0]
    ski = pop2019.filter(pl.col("region") == "0213").row(0, named=True)
    opp = pop2019.filter(pl.col("region") == "0217").row(0, named=True)
    expected = (ski["workers"] + opp["workers"]) / (ski["value"] + opp["value"]) * 100
    naive_mean = (ski["workers"] / ski["value"] + opp["workers"] / opp["value"]) / 2 * 100
    assert nf == pytest.approx(expected)
    assert nf != pytest.approx(naive_mean, abs=1e-9)
    # a ratio is bounded by its parts
    parts = [ski["workers"] / ski["value"] * 100, opp["workers"] / opp["value"] * 100]
    assert min(parts) <= nf <= max(parts)


def test_ratio_without_parts_weighted_and_flagged(registry, pop2019):
    mapping = mapping_for([2019], lambda y: registry.mapping(y, 2024))
    ratio = pop2019.select("region", "year", (pl.col("workers") / pl.col("value") * 100).alias("value"))
    out = recompose_weighted(ratio, pop2019.select("region", "year", "value"), mapping)
    nf = out.filter(pl.col("region") == "3207").row(0, named=True)
    assert "estimated" in nf["flag"]
    lor = out.filter(pl.col("region") == "3222").row(0, named=True)  # pure renumbering: exact
    assert lor["flag"] == ""


def test_split_spreads_by_shares_and_flags(registry):
    df = pl.DataFrame({"region": ["1507"], "year": [2022], "value": [1000.0]})
    mapping = mapping_for([2022], lambda y: registry.mapping(y, 2024))
    out = recompose_count(df.vstack(pl.DataFrame({"region": ["1506"], "year": [2022], "value": [1.0]})), mapping)
    parts = out.filter(pl.col("region").is_in(["1508", "1580"]))
    assert parts["value"].sum() == pytest.approx(1000.0)
    assert all("split" in f for f in parts["flag"])
