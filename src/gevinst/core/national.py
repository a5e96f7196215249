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
    year and group, then by the region's value (ascending; ties by region
    code) — the order the computation produces; sort by region yourself if
    needed (about 0.1–0.2 s more for the whole country). ``n`` counts the
    peers with values, excluding the region. Where ``n`` is 0 (the region is
    alone with a value in its group) the statistics, rank, rank_of and
    percentile are null and position is empty —
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
    mem = mem.filter(pl.col("region").is_in(v.get_column("region").unique().implode()))
    if v.height == 0 or mem.height == 0:
        return _empty()

    # Integer codes in lexical order (Enum physicals): the big frame is joined and sorted
    # on integers, and the output comes out ordered by indicator, year and group names.
    ind_enum = pl.Enum(v.get_column("indicator").unique().sort())
    grp_enum = pl.Enum(mem.get_column("group").unique().sort())
    reg_enum = pl.Enum(mem.get_column("region").unique().sort())
    v = v.filter(pl.col("region").is_in(mem.get_column("region").unique().implode())).select(
        pl.col("indicator").cast(ind_enum).to_physical().cast(pl.Int64).alias("_i"),
        pl.col("region").cast(reg_enum).to_physical().cast(pl.Int64).alias("_r"),
        "year", "value", "weight",
    )
    mem_c = mem.select(
        pl.col("region").cast(reg_enum).to_physical().cast(pl.Int64).alias("_r"),
        pl.col("group").cast(grp_enum).to_physical().cast(pl.Int64).alias("_g"),
    )
    y_min = int(v.get_column("year").min())
    n_years = int(v.get_column("year").max()) - y_min + 1
    n_groups = len(grp_enum.categories)

    # Rows sorted by (group key, value, region) with a single int64 sort: each value's
    # position in the global (value, region) order breaks the ties within a group key.
    n_v = v.height
    if len(ind_enum.categories) * n_years * n_groups * n_v >= 2**62:
        raise ValueError("national_peer_statistics: input too large for the int64 sort key")
    v = v.sort(["value", "_r"])
    sk = (
        v.with_row_index("_vr")
        .join(mem_c, on="_r")
        .select(
            (((pl.col("_i") * n_years) + (pl.col("year") - y_min)) * n_groups + pl.col("_g")) * n_v
            + pl.col("_vr").cast(pl.Int64)
        )
        .to_series()
        .to_numpy()
    )
    if len(sk) == 0:
        return _empty()
    sk = np.sort(sk)  # numpy's int64 sort is several times faster than a frame sort here
    key = sk // n_v
    vr = sk - key * n_v  # row in the sorted values
    val = v.get_column("value").to_numpy()[vr]
    region_code = v.get_column("_r").to_numpy()[vr]
    wser = v.get_column("weight")
    w_null = wser.is_null().to_numpy()[vr]
    w = wser.fill_null(0.0).to_numpy()[vr]
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
    safe_m = np.maximum(m, 1)

    # Runs of equal values within a group (ties).
    new_run = new_grp.copy()
    new_run[1:] |= val[1:] != val[:-1]
    rid = np.cumsum(new_run) - 1
    r_start = np.flatnonzero(new_run)
    r_end = np.append(r_start[1:], total)
    lb = r_start[rid] - start
    ub = r_end[rid] - start

    # Element j of the leave-one-out sorted array is val[start + j + (j >= r)]. With one
    # NaN of padding every index is in range, also for regions without peers (m = 0).
    val_p = np.append(val, np.nan)

    def loo(j: np.ndarray) -> np.ndarray:
        gi = start + j
        gi += j >= r
        return val_p[gi]

    def quantile(q: float) -> np.ndarray:
        pos = q * (safe_m - 1)
        k = pos.astype(np.int64)  # floor (pos >= 0)
        frac = pos - k
        lo = loo(k)
        k += 1
        np.minimum(k, safe_m - 1, out=k)
        hi = loo(k)
        hi -= lo
        hi *= frac
        hi += lo
        return hi

    q1 = quantile(0.25)
    median = quantile(0.5)
    q3 = quantile(0.75)
    vmin = loo(np.zeros(total, dtype=np.int64))
    vmax = loo(safe_m - 1)

    s_v = np.bincount(gid, weights=val)[gid]
    mean = (s_v - val) / safe_m
    vw = val * w
    s_vw = np.bincount(gid, weights=vw)[gid]
    s_w = np.bincount(gid, weights=w)[gid]
    n_wnull = np.bincount(gid, weights=w_null)[gid] - w_null
    peer_w = s_w - w
    wmean_ok = has_peers & (n_wnull == 0) & (peer_w > 0)
    wmean = (s_vw - vw) / np.where(wmean_ok, peer_w, 1.0)

    # Directions per row (unknown -> higher is ranked first, no verdict).
    dirs = (
        pl.DataFrame({"indicator": ind_enum.categories})
        .join(
            indicators.select(pl.col("id").cast(pl.Utf8).alias("indicator"), pl.col("direction").cast(pl.Utf8))
            .unique("indicator", keep="first"),
            on="indicator", how="left", maintain_order="left",
        )
        .get_column("direction")
        .fill_null("")
    )
    ind_code = key // (n_years * n_groups)
    lower = (dirs == "lower_better").to_numpy()[ind_code]
    higher = (dirs == "higher_better").to_numpy()[ind_code]

    below = lb  # peers with a lower value
    above = size - ub  # peers with a higher value
    ties = ub - lb - 1  # peers with the same value
    rank = np.where(lower, below, above) + 1
    percentile = (np.where(lower, above, below) + 0.5 * ties) / safe_m * 100

    # position: 0 "", 1 som medianen, 2 bedre, 3 dårligere
    pos_code = np.where(val == median, 1, np.where((val > median) == higher, 2, 3)).astype(np.uint8)
    pos_code[~((lower | higher) & has_peers)] = 0

    # Rows without peers: statistics null (NaN -> null below; values themselves are never NaN).
    no_peers = ~has_peers
    for arr in (median, q1, q3, mean, vmin, vmax, percentile):
        arr[no_peers] = np.nan
    wmean[~wmean_ok] = np.nan
    rank_f = rank.astype(np.float64)
    rank_of_f = size.astype(np.float64)
    rank_f[no_peers] = np.nan
    rank_of_f[no_peers] = np.nan

    # Output in the computed order: indicator, year, group (codes are lexical), then value.
    g_code = key % n_groups
    iy = key // n_groups
    year = (iy % n_years + y_min).astype(np.int32)

    def f64(name: str, arr: np.ndarray) -> pl.Series:
        return pl.Series(name, arr, dtype=pl.Float64, nan_to_null=True)

    def u32(name: str, arr: np.ndarray) -> pl.Series:
        return pl.Series(name, arr, dtype=pl.Float64, nan_to_null=True).cast(pl.UInt32)

    return pl.DataFrame([
        ind_enum.categories.gather(iy // n_years).alias("indicator"),
        pl.Series("year", year, dtype=pl.Int32),
        reg_enum.categories.gather(region_code).alias("region"),
        grp_enum.categories.gather(g_code).alias("group"),
        pl.Series("n", m, dtype=pl.UInt32),
        f64("median", median), f64("q1", q1), f64("q3", q3), f64("mean", mean),
        f64("weighted_mean", wmean), f64("min", vmin), f64("max", vmax),
        u32("rank", rank_f), u32("rank_of", rank_of_f), f64("percentile", percentile),
        pl.Series(_POSITIONS, dtype=pl.Utf8).gather(pos_code).alias("position"),
    ])
