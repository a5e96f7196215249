"""Peer statistics for every region at once (the national baseline).

:func:`national_peer_statistics` computes, for every region, every peer group
it belongs to, every indicator and every year, the same figures as
:func:`gevinst.core.baseline.peer_statistics` does for one region and one year
— but in one vectorized pass instead of one call per region and year.

Definitions are those of :mod:`gevinst.core.baseline`; every statistic is
*leave-one-out*: the region itself is removed from each of its peer groups.

How it works
------------
Each (indicator, year, group) cell is one *group*. The rows of all groups
(values joined with memberships) are sorted once by (group, value); then for
a region at sorted index ``r`` in a group of ``N`` values, the ``m = N − 1``
peer values are the sorted array with element ``r`` removed, so the LOO
array's element ``j`` is ``v[j]`` if ``j < r`` else ``v[j + 1]``:

- quantile ``q`` (linear): ``pos = q·(m − 1)``, ``k = ⌊pos⌋``,
  ``L(k) + (pos − k)·(L(k + 1) − L(k))`` — fetched by index, no re-sorting.
  Ties do not matter: removing any of several equal values leaves the same
  sorted array.
- min/max: ``L(0)`` and ``L(m − 1)``.
- mean: ``(Σv − v_r) / m``; weighted mean: ``(Σv·w − v_r·w_r) / (Σw − w_r)``,
  null when a peer lacks a weight or the peers' weights sum to ≤ 0.
- rank/percentile: from the run of values equal to ``v_r`` (``lb`` = its
  first index, ``ub`` = one past its last): ``lb`` peers are lower,
  ``N − ub`` higher and ``ub − lb − 1`` tied.

The sums are formed per group and the region's own term subtracted, so mean
and weighted mean agree with a direct computation to floating-point rounding
(relative error around 1e-15 of the group's largest magnitude), not bit for
bit; quantiles, min, max, rank and percentile are exact.
"""

from __future__ import annotations

import numpy as np
import polars as pl

OUTPUT_SCHEMA = {
    "indicator": pl.Utf8, "year": pl.Int32, "region": pl.Utf8, "group": pl.Utf8,
    "n": pl.UInt32, "median": pl.Float64, "q1": pl.Float64, "q3": pl.Float64,
    "mean": pl.Float64, "weighted_mean": pl.Float64, "min": pl.Float64, "max": pl.Float64,
    "rank": pl.UInt32, "rank_of": pl.UInt32, "percentile": pl.Float64, "position": pl.Utf8,
}

_POSITIONS = ["", "som medianen", "bedre", "dårligere"]


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=OUTPUT_SCHEMA)


def national_peer_statistics(
    values: pl.DataFrame, indicators: pl.DataFrame, memberships: pl.DataFrame
) -> pl.DataFrame:
    """Leave-one-out peer statistics for every region, group, indicator and year.

    ``values``: ``indicator, region, year, value`` and optionally ``weight``
    (null weights allowed; one row per indicator, region and year).
    ``indicators``: ``id, direction``. ``memberships``: ``region, group`` — a
    region may be in several groups (``kostra:EKG08``, ``county:32``,
    ``country`` …).

    Returns one row per (indicator, year, region, group) where the region is a
    member of the group and has a non-null value: ``indicator, year, region,
    group, n, median, q1, q3, mean, weighted_mean, min, max, rank, rank_of,
    percentile, position`` (see :data:`OUTPUT_SCHEMA`), sorted by indicator,
    year, group and region. ``n`` counts the peers with values, excluding the
    region. Where ``n`` is 0 (the region is alone with a value in its group)
    the statistics, rank and percentile are null and position is empty —
    :func:`~gevinst.core.baseline.peer_statistics` gives no row there; every
    other row equals its result for that region and year.
    """
    has_weight = "weight" in values.columns
    v = values.select(
        pl.col("indicator").cast(pl.Utf8),
        pl.col("region").cast(pl.Utf8),
        pl.col("year").cast(pl.Int32),
        pl.col("value").cast(pl.Float64),
        (pl.col("weight").cast(pl.Float64) if has_weight else pl.lit(None, pl.Float64)).alias("weight"),
    ).filter(pl.col("value").is_not_null() & pl.col("value").is_not_nan())
    mem = memberships.select(pl.col("region").cast(pl.Utf8), pl.col("group").cast(pl.Utf8)).unique()
    if v.height == 0 or mem.height == 0:
        return _empty()

    # Small lookup tables -> integer codes, so the big frame is joined and sorted on integers.
    ind_names = v.get_column("indicator").unique()
    grp_names = mem.get_column("group").unique()
    ind_map = pl.DataFrame({"indicator": ind_names, "_i": pl.int_range(ind_names.len(), eager=True, dtype=pl.Int64)})
    grp_map = pl.DataFrame({"group": grp_names, "_g": pl.int_range(grp_names.len(), eager=True, dtype=pl.Int64)})
    y_min = int(v.get_column("year").min())
    n_years = int(v.get_column("year").max()) - y_min + 1
    n_groups = grp_names.len()

    mem_c = mem.join(grp_map, on="group").select("region", "_g")
    rows = (
        v.join(ind_map, on="indicator")
        .join(mem_c, on="region")
        .select(
            "region", "_i", "_g", "year", "value", "weight",
            (((pl.col("_i") * n_years) + (pl.col("year") - y_min)) * n_groups + pl.col("_g")).alias("_key"),
        )
        .sort(["_key", "value"])
    )
    if rows.height == 0:
        return _empty()

    key = rows.get_column("_key").to_numpy()
    val = rows.get_column("value").to_numpy()
    wser = rows.get_column("weight")
    w_null = wser.is_null().to_numpy()
    w = wser.fill_null(0.0).to_numpy()
    total = len(key)
    idx = np.arange(total, dtype=np.int64)

    # Group boundaries (groups are contiguous after the sort).
    new_grp = np.empty(total, dtype=bool)
    new_grp[0] = True
    np.not_equal(key[1:], key[:-1], out=new_grp[1:])
    gid = np.cumsum(new_grp) - 1
    g_start = np.flatnonzero(new_grp)
    g_size = np.diff(np.append(g_start, total))
    start = g_start[gid]
    size = g_size[gid]
    r = idx - start
    m = size - 1  # peers with values
    has_peers = m >= 1

    # Runs of equal values within a group (ties).
    new_run = new_grp.copy()
    new_run[1:] |= val[1:] != val[:-1]
    rid = np.cumsum(new_run) - 1
    r_start = np.flatnonzero(new_run)
    r_end = np.append(r_start[1:], total)
    lb = r_start[rid] - start
    ub = r_end[rid] - start

    def loo(j: np.ndarray) -> np.ndarray:
        """Element j of the leave-one-out sorted array (valid where 0 <= j < m)."""
        gi = start + j + (j >= r)
        return val[np.clip(gi, 0, total - 1)]

    safe_m = np.maximum(m, 1)

    def quantile(q: float) -> np.ndarray:
        pos = q * (safe_m - 1)
        k = np.floor(pos).astype(np.int64)
        frac = pos - k
        lo = loo(k)
        hi = loo(np.minimum(k + 1, safe_m - 1))
        return lo + (hi - lo) * frac

    q1 = quantile(0.25)
    median = quantile(0.5)
    q3 = quantile(0.75)
    vmin = loo(np.zeros(total, dtype=np.int64))
    vmax = loo(safe_m - 1)

    s_v = np.bincount(gid, weights=val)[gid]
    mean = (s_v - val) / safe_m
    s_vw = np.bincount(gid, weights=val * w)[gid]
    s_w = np.bincount(gid, weights=w)[gid]
    n_wnull = np.bincount(gid, weights=w_null.astype(np.float64))[gid] - w_null
    peer_w = s_w - w
    wmean_ok = has_peers & (n_wnull == 0) & (peer_w > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        wmean = (s_vw - val * w) / np.where(wmean_ok, peer_w, 1.0)

    # Directions per row (unknown -> higher is ranked first, no verdict).
    dir_df = indicators.select(pl.col("id").cast(pl.Utf8).alias("indicator"), pl.col("direction").cast(pl.Utf8))
    dirs = ind_map.join(dir_df.unique("indicator", keep="first"), on="indicator", how="left").sort("_i")
    direction = dirs.get_column("direction").fill_null("")
    lower_i = (direction == "lower_better").to_numpy()
    higher_i = (direction == "higher_better").to_numpy()
    ind_code = rows.get_column("_i").to_numpy()
    lower = lower_i[ind_code]
    higher = higher_i[ind_code]
    verdict = lower | higher

    below = lb  # peers with a lower value
    above = size - ub  # peers with a higher value
    ties = ub - lb - 1  # peers with the same value
    better = np.where(lower, below, above)
    beaten = np.where(lower, above, below)
    rank = better + 1
    percentile = (beaten + 0.5 * ties) / safe_m * 100

    # position: 0 "", 1 som medianen, 2 bedre, 3 dårligere
    pos_code = np.where(
        ~verdict | ~has_peers, 0,
        np.where(val == median, 1, np.where((val > median) == higher, 2, 3)),
    ).astype(np.uint32)

    nulls = ~has_peers
    out = pl.DataFrame(
        {
            "_i": ind_code,
            "year": rows.get_column("year"),
            "region": rows.get_column("region"),
            "_g": rows.get_column("_g"),
            "n": m.astype(np.uint32),
            "median": median, "q1": q1, "q3": q3, "mean": mean, "weighted_mean": wmean,
            "min": vmin, "max": vmax,
            "rank": rank.astype(np.uint32), "rank_of": size.astype(np.uint32), "percentile": percentile,
            "_pos": pos_code,
        }
    )
    null_s = pl.Series(nulls)
    wnull_s = pl.Series(~wmean_ok)
    stat_cols = ["median", "q1", "q3", "mean", "min", "max", "rank", "rank_of", "percentile"]
    return _finish(out, ind_map, grp_map, null_s, wnull_s, stat_cols)


def _finish(
    out: pl.DataFrame, ind_map: pl.DataFrame, grp_map: pl.DataFrame,
    null_s: pl.Series, wnull_s: pl.Series, stat_cols: list[str],
) -> pl.DataFrame:
    ind_names = ind_map.get_column("indicator")
    grp_names = grp_map.get_column("group")
    out = out.with_columns(
        ind_names.gather(out.get_column("_i")).alias("indicator"),
        grp_names.gather(out.get_column("_g")).alias("group"),
        pl.Series(_POSITIONS, dtype=pl.Utf8).gather(out.get_column("_pos")).alias("position"),
        *[pl.when(null_s).then(None).otherwise(pl.col(c)).alias(c) for c in stat_cols],
        pl.when(wnull_s).then(None).otherwise(pl.col("weighted_mean")).alias("weighted_mean"),
    )
    return out.select(list(OUTPUT_SCHEMA)).sort(["indicator", "year", "group", "region"])
