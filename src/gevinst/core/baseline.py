"""Baseline (*nullpunktsmåling*) and peer statistics, as pure functions on Polars frames.

A baseline says, per indicator, where a region stands in a given year: its
value (in its own, possibly merged, structure), its trend over the previous
years, and its position among peers (KOSTRA group, county, country, a chosen
set). Later measurements are compared against a frozen baseline
(:func:`follow_up`).

Inputs
------
``values``: ``indicator, region, year, value, flag`` and optionally
``denominator`` (the ratio's denominator, for noise flags and intervals) and
``weight`` (for the weighted mean; e.g. inhabitants). All regions of one
structure, so peers can be looked up.

``indicators``: ``id, direction`` (``higher_better``/``lower_better``/
``neutral``), optionally ``unit`` and ``small_denominator``.

``peers``: ``group, region`` — the members of each peer group (the region
itself is removed from every group before statistics are computed).

Definitions
-----------
- *median, q1, q3*: linear interpolation between order statistics (as
  Excel's QUARTILE.INC / ``numpy.percentile`` default).
- *mean*: unweighted mean of the peers' values. *weighted mean*:
  ``Σ value·weight / Σ weight`` — for a ratio with population as weight this is
  the group's own ratio (e.g. the county's figure), not the average municipality.
- *rank*: 1 = best among the peers and the region, by the indicator's direction
  (for ``neutral`` indicators: 1 = highest value, and no better/worse verdict).
- *percentile*: the share of peers the region does better than (0–100), ties
  counting half.
- *position*: ``bedre``/``dårligere``/``som medianen`` than the peer median, by
  direction; empty for neutral indicators.
- *noise*: ``small`` when the denominator is below the indicator's
  ``small_denominator``; for shares (unit ``prosent``) a 95 % Wilson interval
  from the denominator.
"""

from __future__ import annotations

import math

import polars as pl

TREND_YEARS = 5

STAT_SCHEMA = {
    "indicator": pl.Utf8, "group": pl.Utf8, "n": pl.UInt32, "median": pl.Float64, "mean": pl.Float64,
    "weighted_mean": pl.Float64, "q1": pl.Float64, "q3": pl.Float64, "min": pl.Float64, "max": pl.Float64,
    "rank": pl.UInt32, "rank_of": pl.UInt32, "percentile": pl.Float64, "position": pl.Utf8,
}


def _ensure(values: pl.DataFrame) -> pl.DataFrame:
    cols = values.columns
    return values.with_columns(
        (pl.col("flag").fill_null("") if "flag" in cols else pl.lit("")).alias("flag"),
        (pl.col("denominator").cast(pl.Float64) if "denominator" in cols else pl.lit(None, pl.Float64)).alias("denominator"),
        (pl.col("weight").cast(pl.Float64) if "weight" in cols else pl.lit(None, pl.Float64)).alias("weight"),
        pl.col("year").cast(pl.Int32),
        pl.col("value").cast(pl.Float64),
    )


def peer_statistics(
    values: pl.DataFrame, indicators: pl.DataFrame, region: str, year: int, peers: pl.DataFrame
) -> pl.DataFrame:
    """Per indicator and peer group: n, median, mean, weighted mean, quartiles, rank, percentile, position."""
    v = _ensure(values).filter((pl.col("year") == year) & pl.col("value").is_not_null())
    own = v.filter(pl.col("region") == region).select("indicator", pl.col("value").alias("own"))
    members = peers.filter(pl.col("region") != region).unique()
    pv = v.join(members, on="region", how="inner")
    directions = indicators.select(pl.col("id").alias("indicator"), "direction")
    stats = pv.group_by(["indicator", "group"]).agg(
        pl.len().cast(pl.UInt32).alias("n"),
        pl.col("value").median().alias("median"),
        pl.col("value").mean().alias("mean"),
        pl.when(pl.col("weight").is_not_null().all() & (pl.col("weight").sum() > 0))
        .then((pl.col("value") * pl.col("weight")).sum() / pl.col("weight").sum())
        .otherwise(None).alias("weighted_mean"),
        pl.col("value").quantile(0.25, interpolation="linear").alias("q1"),
        pl.col("value").quantile(0.75, interpolation="linear").alias("q3"),
        pl.col("value").min().alias("min"),
        pl.col("value").max().alias("max"),
    )
    # rank and percentile against each peer's value, by direction
    cmp = (
        pv.join(own, on="indicator", how="inner")
        .join(directions, on="indicator", how="left")
        .with_columns(
            pl.when(pl.col("direction") == "lower_better").then(-1.0).otherwise(1.0).alias("sign")
        )
        .with_columns(
            ((pl.col("own") - pl.col("value")) * pl.col("sign")).alias("diff")
        )
        .group_by(["indicator", "group"])
        .agg(
            ((pl.col("diff") < 0).sum() + 1).cast(pl.UInt32).alias("rank"),
            (pl.len() + 1).cast(pl.UInt32).alias("rank_of"),
            (((pl.col("diff") > 0).sum() + 0.5 * (pl.col("diff") == 0).sum()) / pl.len() * 100).alias("percentile"),
        )
    )
    out = (
        stats.join(cmp, on=["indicator", "group"], how="left")
        .join(own, on="indicator", how="left")
        .join(directions, on="indicator", how="left")
        .with_columns(
            pl.when(pl.col("own").is_null() | (pl.col("direction") == "neutral") | pl.col("direction").is_null())
            .then(pl.lit(""))
            .when(pl.col("own") == pl.col("median"))
            .then(pl.lit("som medianen"))
            .when((pl.col("own") > pl.col("median")) == (pl.col("direction") == "higher_better"))
            .then(pl.lit("bedre"))
            .otherwise(pl.lit("dårligere"))
            .alias("position")
        )
    )
    return out.select(list(STAT_SCHEMA)).sort(["indicator", "group"])


def trends(values: pl.DataFrame, region: str, year: int, span: int = TREND_YEARS) -> pl.DataFrame:
    """The region's last ``span`` years up to ``year``: ``indicator, first_year, first_value, change, slope, series``.

    ``slope`` is the least-squares change per year; ``series`` the list of
    ``(year, value)`` pairs (missing years are left out, not filled).
    """
    v = _ensure(values).filter(
        (pl.col("region") == region) & pl.col("year").is_between(year - span + 1, year) & pl.col("value").is_not_null()
    ).sort("year")
    return v.group_by("indicator", maintain_order=True).agg(
        pl.col("year").first().alias("first_year"),
        pl.col("value").first().alias("first_value"),
        (pl.col("value").last() - pl.col("value").first()).alias("change"),
        pl.when(pl.len() >= 2)
        .then(
            ((pl.col("year") - pl.col("year").mean()) * (pl.col("value") - pl.col("value").mean())).sum()
            / ((pl.col("year") - pl.col("year").mean()) ** 2).sum()
        )
        .otherwise(None)
        .alias("slope"),
        pl.struct(["year", "value"]).alias("series"),
    )


def verdict(value: float | None, reference: float | None, direction: str | None) -> str:
    """``bedre``/``dårligere``/``som sammenligningen`` by the indicator's direction; "" for neutral or missing."""
    if value is None or reference is None or direction not in ("higher_better", "lower_better"):
        return ""
    if value == reference:
        return "likt"
    return "bedre" if (value > reference) == (direction == "higher_better") else "dårligere"


def wilson_interval(share_percent: float | None, n: float | None, z: float = 1.96) -> tuple[float, float] | None:
    """95 % Wilson score interval for a share in percent with ``n`` in the denominator."""
    if share_percent is None or n is None or n <= 0:
        return None
    p = min(max(share_percent / 100.0, 0.0), 1.0)
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half) * 100, min(1.0, centre + half) * 100)


def baseline(
    values: pl.DataFrame,
    indicators: pl.DataFrame,
    region: str,
    year: int,
    peers: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The baseline of ``region`` in ``year``: ``(per_indicator, peer_stats)``.

    ``per_indicator`` has one row per indicator in ``indicators`` (missing
    values stay, with ``value`` null): ``indicator, value, flag, denominator,
    noise, ci_low, ci_high, first_year, first_value, change, slope, series``.
    """
    v = _ensure(values)
    own = v.filter((pl.col("region") == region) & (pl.col("year") == year)).select(
        "indicator", "value", "flag", "denominator"
    )
    meta = indicators.select(
        pl.col("id").alias("indicator"),
        (pl.col("unit") if "unit" in indicators.columns else pl.lit("")).alias("unit"),
        (pl.col("small_denominator").cast(pl.Float64) if "small_denominator" in indicators.columns
         else pl.lit(None, pl.Float64)).alias("small_denominator"),
    )
    rows = meta.join(own, on="indicator", how="left").join(trends(v, region, year), on="indicator", how="left")
    rows = rows.with_columns(
        pl.when(
            pl.col("denominator").is_not_null() & pl.col("small_denominator").is_not_null()
            & (pl.col("denominator") < pl.col("small_denominator"))
        ).then(pl.lit("small")).otherwise(pl.lit("")).alias("noise"),
        pl.col("flag").fill_null(""),
    )
    ci = [
        wilson_interval(val, den) if unit == "prosent" else None
        for val, den, unit in rows.select("value", "denominator", "unit").iter_rows()
    ]
    rows = rows.with_columns(
        pl.Series("ci_low", [c[0] if c else None for c in ci], dtype=pl.Float64),
        pl.Series("ci_high", [c[1] if c else None for c in ci], dtype=pl.Float64),
    )
    stats = peer_statistics(v, indicators, region, year, peers)
    return rows.drop("unit", "small_denominator"), stats


def follow_up(frozen: pl.DataFrame, current: pl.DataFrame, indicators: pl.DataFrame) -> pl.DataFrame:
    """Later measurements against a frozen baseline.

    ``frozen``: ``indicator, baseline_year, baseline_value`` and optionally
    ``target_value``. ``current``: ``indicator, year, value`` (the latest
    measurement per indicator). Returns ``indicator, baseline_year,
    baseline_value, year, value, change, change_percent, development
    (forbedret/forverret/uendret/""), target_value, progress`` where progress
    is the share of the way from baseline to target (1.0 = reached).
    """
    directions = indicators.select(pl.col("id").alias("indicator"), "direction")
    cols = frozen.columns
    f = frozen.with_columns(
        (pl.col("target_value").cast(pl.Float64) if "target_value" in cols else pl.lit(None, pl.Float64)).alias("target_value")
    )
    j = f.join(current, on="indicator", how="left").join(directions, on="indicator", how="left")
    change = pl.col("value") - pl.col("baseline_value")
    return j.with_columns(
        change.alias("change"),
        pl.when(pl.col("baseline_value") != 0).then(change / pl.col("baseline_value").abs() * 100).otherwise(None).alias("change_percent"),
        pl.when(pl.col("value").is_null() | (pl.col("direction") == "neutral")).then(pl.lit(""))
        .when(change == 0).then(pl.lit("uendret"))
        .when((change > 0) == (pl.col("direction") == "higher_better")).then(pl.lit("forbedret"))
        .otherwise(pl.lit("forverret")).alias("development"),
        pl.when(pl.col("target_value").is_not_null() & (pl.col("target_value") != pl.col("baseline_value")))
        .then(change / (pl.col("target_value") - pl.col("baseline_value")))
        .otherwise(None).alias("progress"),
    ).select(
        "indicator", "baseline_year", "baseline_value", "year", "value", "change", "change_percent",
        "development", "target_value", "progress",
    )
