"""Similar municipalities: standardised structural variables and a weighted Euclidean distance.

Pure functions on Polars frames (no Django). Inputs are a wide frame with a
``region`` column and one numeric column per structural variable.

Formulas
--------
Standardisation (per variable *k*, over all candidate regions):

- ``z``:      z_ik = (x_ik − mean_k) / sd_k                     (sd with n − 1)
- ``robust``: z_ik = (x_ik − median_k) / (1.4826 · MAD_k)        (MAD = median |x − median|)

A variable without spread (sd or MAD 0) gets z = 0 everywhere and so no say.

Weights are relative: w_k ≥ 0 is divided by Σ w so the weights sum to 1.

Distance from the target *t* to region *i*:

    d(t, i) = sqrt( Σ_k w_k · (z_ik − z_tk)² )

Breakdown by variable: ``contribution_k = w_k (z_ik − z_tk)²`` (these sum to
d²), ``share_k = contribution_k / d²`` (they sum to 1) and
``part_k = share_k · d`` (they sum to d; the stacked bar of a peer).

Stability: the weights are perturbed ``draws`` times, each w_k multiplied by an
independent factor uniform in [1 − spread, 1 + spread] (seeded). For each region
of the unperturbed top N, *inclusion* = the share of draws in which it stays in
the top N; *mean Jaccard* = mean over draws of |A ∩ B| / |A ∪ B| between the
unperturbed and the perturbed top N.

Agreement with a grouping (e.g. the KOSTRA groups): for every region, the share
of its N nearest neighbours that are in its own group; its chance level is the
probability that a random other region is in the same group,
Σ_g n_g (n_g − 1) / (M (M − 1)) over M regions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import polars as pl

MAD_SCALE = 1.4826


def standardise(frame: pl.DataFrame, variables: Sequence[str], method: str = "z") -> pl.DataFrame:
    """``region`` and one standardised column per variable (rows with a missing value are dropped)."""
    if method not in ("z", "robust"):
        raise ValueError(f"unknown standardisation {method!r}")
    f = frame.select("region", *[pl.col(v).cast(pl.Float64) for v in variables]).drop_nulls()
    f = f.filter(pl.all_horizontal([pl.col(v).is_finite() for v in variables])) if variables else f
    cols = []
    for v in variables:
        x = f[v].to_numpy()
        if method == "z":
            centre, scale = float(np.mean(x)), float(np.std(x, ddof=1)) if len(x) > 1 else 0.0
        else:
            centre = float(np.median(x))
            scale = MAD_SCALE * float(np.median(np.abs(x - centre)))
        z = (x - centre) / scale if scale > 0 else np.zeros_like(x)
        cols.append(pl.Series(v, z, dtype=pl.Float64))
    return pl.DataFrame([f["region"], *cols])


def normalise_weights(variables: Sequence[str], weights: Mapping[str, float] | None) -> dict[str, float]:
    """Weights for ``variables`` summing to 1 (missing weights count as 1)."""
    w = {v: float((weights or {}).get(v, 1.0)) for v in variables}
    if any(x < 0 or not math.isfinite(x) for x in w.values()):
        raise ValueError("weights must be finite and non-negative")
    total = sum(w.values())
    if total <= 0:
        raise ValueError("at least one weight must be positive")
    return {v: x / total for v, x in w.items()}


def _matrix(std: pl.DataFrame, variables: Sequence[str]) -> tuple[list[str], np.ndarray]:
    return std["region"].to_list(), std.select(list(variables)).to_numpy().astype(float)


def distances(std: pl.DataFrame, target: str, weights: Mapping[str, float]) -> pl.DataFrame:
    """Every other region's distance to ``target``: ``region, distance, rank`` plus ``c_<var>`` contributions.

    ``weights`` maps each variable to its (already normalised) weight. Sorted
    by distance (ties by region code); rank 1 = most similar.
    """
    variables = list(weights)
    regions, m = _matrix(std, variables)
    if target not in regions:
        raise KeyError(target)
    t = regions.index(target)
    w = np.array([weights[v] for v in variables])
    contrib = (m - m[t]) ** 2 * w
    d = np.sqrt(contrib.sum(axis=1))
    out = pl.DataFrame({"region": regions, "distance": d, **{f"c_{v}": contrib[:, i] for i, v in enumerate(variables)}})
    out = out.filter(pl.col("region") != target).sort(["distance", "region"])
    return out.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).alias("rank")).select(
        "region", "distance", "rank", *[f"c_{v}" for v in variables]
    )


def nearest(std: pl.DataFrame, target: str, weights: Mapping[str, float], n: int) -> pl.DataFrame:
    """The ``n`` most similar regions (see :func:`distances`)."""
    return distances(std, target, weights).head(n)


def breakdown(std: pl.DataFrame, target: str, weights: Mapping[str, float], regions: Sequence[str]) -> pl.DataFrame:
    """Long form per region and variable: ``region, variable, z_target, z_region, diff, weight,
    contribution, share, part`` (Σ contribution = d², Σ share = 1, Σ part = d)."""
    variables = list(weights)
    d = distances(std, target, weights).filter(pl.col("region").is_in(list(regions)))
    zt = std.filter(pl.col("region") == target).select(variables).row(0, named=True)
    zs = {r[0]: r[1:] for r in std.filter(pl.col("region").is_in(list(regions))).select("region", *variables).iter_rows()}
    rows = []
    for row in d.iter_rows(named=True):
        dist = row["distance"]
        d2 = dist * dist
        for i, v in enumerate(variables):
            c = row[f"c_{v}"]
            share = c / d2 if d2 > 0 else 0.0
            rows.append((row["region"], row["rank"], v, zt[v], zs[row["region"]][i], zs[row["region"]][i] - zt[v],
                         weights[v], c, share, share * dist))
    return pl.DataFrame(rows, orient="row", schema={
        "region": pl.Utf8, "rank": pl.UInt32, "variable": pl.Utf8, "z_target": pl.Float64, "z_region": pl.Float64,
        "diff": pl.Float64, "weight": pl.Float64, "contribution": pl.Float64, "share": pl.Float64, "part": pl.Float64,
    })


def stability(
    std: pl.DataFrame, target: str, weights: Mapping[str, float], n: int, *,
    spread: float = 0.2, draws: int = 200, seed: int = 0,
) -> tuple[pl.DataFrame, float]:
    """Inclusion frequency of each unperturbed top-``n`` region under perturbed weights, and the mean Jaccard.

    Returns ``(frame, mean_jaccard)``; frame ``region, inclusion`` (0–1) for the
    base top ``n`` plus regions that entered in some draw (``base`` False).
    """
    variables = list(weights)
    regions, m = _matrix(std, variables)
    t = regions.index(target)
    mask = np.ones(len(regions), dtype=bool)
    mask[t] = False
    sq = (m - m[t]) ** 2
    base_w = np.array([weights[v] for v in variables])
    idx = np.arange(len(regions))[mask]
    k = min(n, len(idx))

    def top(w: np.ndarray) -> set[int]:
        d = sq[mask] @ w
        order = np.lexsort((np.array(regions, dtype=object)[mask].astype(str), d))
        return set(idx[order[:k]].tolist())

    base = top(base_w)
    rng = np.random.default_rng(seed)
    counts: dict[int, int] = {}
    jaccard = []
    for _ in range(draws):
        w = base_w * rng.uniform(1 - spread, 1 + spread, size=len(base_w))
        s = top(w / w.sum())
        for i in s:
            counts[i] = counts.get(i, 0) + 1
        jaccard.append(len(base & s) / len(base | s) if base | s else 1.0)
    rows = [(regions[i], counts.get(i, 0) / draws, i in base) for i in set(base) | set(counts)]
    frame = pl.DataFrame(rows, orient="row", schema={"region": pl.Utf8, "inclusion": pl.Float64, "base": pl.Boolean})
    return frame.sort(["base", "inclusion", "region"], descending=[True, True, False]), float(np.mean(jaccard)) if jaccard else 1.0


def group_agreement(std: pl.DataFrame, weights: Mapping[str, float], n: int, groups: pl.DataFrame) -> dict[str, float]:
    """How often the ``n`` nearest neighbours share a region's group, against chance.

    ``groups``: ``region, group``. Only regions present in both frames count.
    Returns ``rate`` (mean over regions of the share of neighbours in the same
    group), ``chance`` (Σ n_g(n_g−1)/(M(M−1))), ``lift`` (rate / chance) and ``regions`` (M).
    """
    variables = list(weights)
    s = std.join(groups.select("region", "group"), on="region", how="inner")
    regions, m = _matrix(s, variables)
    g = np.array(s["group"].to_list(), dtype=object)
    w = np.array([weights[v] for v in variables])
    big_m = len(regions)
    diff = m[:, None, :] - m[None, :, :]
    d = np.sqrt((diff ** 2 * w).sum(axis=2))
    np.fill_diagonal(d, np.inf)
    k = min(n, big_m - 1)
    nearest_idx = np.argsort(d, axis=1, kind="stable")[:, :k]
    rate = float(np.mean([(g[nearest_idx[i]] == g[i]).mean() for i in range(big_m)]))
    sizes = s.group_by("group").len()["len"].to_numpy().astype(float)
    chance = float((sizes * (sizes - 1)).sum() / (big_m * (big_m - 1)))
    return {"rate": rate, "chance": chance, "lift": rate / chance if chance else math.inf, "regions": float(big_m)}
