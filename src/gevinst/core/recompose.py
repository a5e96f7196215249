"""Recomposition: rebuild a series for another municipal structure.

*Omregning til én kommunestruktur.* Numbers are published for the regions that
existed when they were counted. To follow Lørenskog from 2005 to 2026, or to
compare Nordre Follo 2019 with 2024, each year's numbers are moved onto one
target structure through the weights of :meth:`RegionRegistry.mapping`.

Rules (DOMAIN.md, "Merged and renumbered municipalities"):

- **counts add up**: ``value(target) = Σ weight × value(source)``. Weights are 1
  for renumberings and mergers; a split spreads a count by population shares
  (flagged ``split``/``estimated``).
- **ratios are rebuilt** from their numerator and denominator, each recomposed
  as a count: ``ratio = Σnum / Σden × scale``. Never averaged.
- **a ratio without parts** is weighted by a declared denominator variable
  (``Σ r·w·d / Σ w·d``) and flagged ``estimated``.
- **a missing part** (a source without a value, or with a status symbol other
  than ``-``) makes the target value missing with flag ``missing_part``; it is
  never silently smaller. ``-`` (SSB: zero) counts as 0.

Input frames (all pure Polars):

- observations: ``region, year, value`` and optionally ``status`` (SSB symbol),
  ``estimated`` (bool) and ``structure_year`` (the year whose codes the region
  column uses; default: ``year``).
- mapping: ``structure_year, source_code, target_code, weight, method``, as
  returned by :func:`mapping_for` for the structure years present.

Output: ``region, year, value, flag`` where ``flag`` is a comma-separated set of
``estimated``, ``split``, ``missing_part`` (empty string: exact).
"""

from __future__ import annotations

from typing import Callable

import polars as pl

OUTPUT_SCHEMA = {"region": pl.Utf8, "year": pl.Int32, "value": pl.Float64, "flag": pl.Utf8}

#: Mapping methods whose weights are shares rather than exact 1s.
SHARE_METHODS = ("split", "share")
ESTIMATED_METHODS = ("split_estimated", "share_estimated")


def _normalise_observations(obs: pl.DataFrame) -> pl.DataFrame:
    cols = obs.columns
    out = obs.with_columns(
        pl.col("region").cast(pl.Utf8),
        pl.col("year").cast(pl.Int32),
        pl.col("value").cast(pl.Float64),
        (pl.col("status").cast(pl.Utf8).fill_null("") if "status" in cols else pl.lit("")).alias("status"),
        (pl.col("estimated").cast(pl.Boolean).fill_null(False) if "estimated" in cols else pl.lit(False)).alias("estimated"),
        (pl.col("structure_year").cast(pl.Int32).fill_null(pl.col("year").cast(pl.Int32))
         if "structure_year" in cols else pl.col("year").cast(pl.Int32)).alias("structure_year"),
    )
    # SSB "-" means zero; other symbols mean the number is not there.
    return out.with_columns(
        pl.when(pl.col("status") == "-").then(pl.lit(0.0)).otherwise(pl.col("value")).alias("value")
    ).select("region", "year", "structure_year", "value", "status", "estimated")


def mapping_for(
    structure_years: list[int], mapping: Callable[[int], pl.DataFrame]
) -> pl.DataFrame:
    """Stack ``mapping(structure_year)`` frames with a ``structure_year`` column."""
    frames = [
        mapping(y).with_columns(pl.lit(y, pl.Int32).alias("structure_year"))
        for y in sorted(set(structure_years))
    ]
    schema = {"structure_year": pl.Int32, "source_code": pl.Utf8, "target_code": pl.Utf8,
              "weight": pl.Float64, "method": pl.Utf8}
    if not frames:
        return pl.DataFrame(schema=schema)
    return pl.concat(frames).select(list(schema))


def recompose_count(obs: pl.DataFrame, mapping: pl.DataFrame) -> pl.DataFrame:
    """Recompose a count (inhabitants, kroner, cases) onto the mapping's targets."""
    o = _normalise_observations(obs)
    years = o.select("year", "structure_year").unique()
    # Every source the target expects, per year, whether or not it was observed.
    expected = years.join(mapping, on="structure_year", how="inner")
    joined = expected.join(
        o.rename({"region": "source_code"}), on=["year", "structure_year", "source_code"], how="left"
    )
    grouped = joined.group_by(["target_code", "year"]).agg(
        (pl.col("value") * pl.col("weight")).sum().alias("value"),
        pl.col("value").is_null().any().alias("missing"),
        pl.col("method").is_in(ESTIMATED_METHODS).any().alias("est_method"),
        pl.col("estimated").fill_null(False).any().alias("est_obs"),
        pl.col("method").is_in(SHARE_METHODS).any().alias("split"),
    )
    return _finish(grouped)


def _finish(grouped: pl.DataFrame) -> pl.DataFrame:
    flag = pl.concat_str(
        [
            pl.when(pl.col("est_method") | pl.col("est_obs")).then(pl.lit("estimated")),
            pl.when(pl.col("split")).then(pl.lit("split")),
            pl.when(pl.col("missing")).then(pl.lit("missing_part")),
        ],
        separator=",",
        ignore_nulls=True,
    )
    return (
        grouped.select(
            pl.col("target_code").alias("region"),
            pl.col("year").cast(pl.Int32),
            pl.when(pl.col("missing")).then(None).otherwise(pl.col("value")).cast(pl.Float64).alias("value"),
            flag.fill_null("").alias("flag"),
        )
        .sort(["region", "year"])
    )


def normalise_flags(joined: pl.Expr) -> pl.Expr:
    """Comma-separated flags → sorted, de-duplicated, without empties."""
    return (
        joined.str.split(",")
        .list.eval(pl.element().filter(pl.element() != ""))
        .list.unique()
        .list.sort()
        .list.join(",")
    )


def _merge_flags(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    return normalise_flags(pl.concat_str([a, b], separator=","))


def recompose_ratio(
    numerator: pl.DataFrame, denominator: pl.DataFrame, mapping: pl.DataFrame, scale: float = 1.0
) -> pl.DataFrame:
    """Rebuild a ratio from its recomposed numerator and denominator: ``Σnum / Σden × scale``."""
    num = recompose_count(numerator, mapping)
    den = recompose_count(denominator, mapping)
    j = num.join(den, on=["region", "year"], how="full", suffix="_den", coalesce=True)
    return j.select(
        "region",
        "year",
        pl.when(pl.col("value_den").is_null() | (pl.col("value_den") == 0) | pl.col("value").is_null())
        .then(None)
        .otherwise(pl.col("value") / pl.col("value_den") * scale)
        .alias("value"),
        _merge_flags(pl.col("flag").fill_null("missing_part"), pl.col("flag_den").fill_null("missing_part")).alias("flag"),
    ).sort(["region", "year"])


def recompose_weighted(ratio: pl.DataFrame, weights: pl.DataFrame, mapping: pl.DataFrame) -> pl.DataFrame:
    """A ratio without numerator/denominator, weighted by a declared denominator variable.

    ``value = Σ r·w·d / Σ w·d`` where ``w`` is the mapping weight and ``d`` the
    weight variable (e.g. inhabitants for a per-inhabitant figure). Where the
    target has a single whole source this is the source value exactly; where
    several sources combine, the result is an approximation and is flagged
    ``estimated``.
    """
    r = _normalise_observations(ratio)
    d = _normalise_observations(weights).select(
        "year", "structure_year", "region", pl.col("value").alias("d")
    )
    rd = r.join(d, on=["year", "structure_year", "region"], how="left").with_columns(
        (pl.col("value") * pl.col("d")).alias("rd")
    )
    years = r.select("year", "structure_year").unique()
    expected = years.join(mapping, on="structure_year", how="inner")
    joined = expected.join(rd.rename({"region": "source_code"}), on=["year", "structure_year", "source_code"], how="left")
    grouped = joined.group_by(["target_code", "year"]).agg(
        ((pl.col("rd") * pl.col("weight")).sum() / (pl.col("d") * pl.col("weight")).sum()).alias("value"),
        (pl.col("value").is_null() | pl.col("d").is_null()).any().alias("missing"),
        ((pl.len() > 1) | pl.col("method").is_in(ESTIMATED_METHODS).any() | pl.col("method").is_in(SHARE_METHODS).any()
         | pl.col("estimated").fill_null(False).any()).alias("est_method"),
        pl.lit(False).alias("est_obs"),
        pl.col("method").is_in(SHARE_METHODS).any().alias("split"),
    )
    return _finish(grouped)
