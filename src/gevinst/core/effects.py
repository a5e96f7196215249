"""Did it work? Effect estimates for one treated region with a change year.

Pure numpy/scipy; no Django. The input is a balanced panel ``Y`` (regions ×
years) with the treated region in row 0 and the comparison regions (other
treated units already excluded) in the remaining rows. The change takes effect
in ``change_year`` (the first *post* year: a merger on 1 January 2020 has
change year 2020).

Estimators (formulas in ``docs/methods-effects.md``):

* **Before/after with trend** (:func:`before_after`): ``ȳ_post − ȳ_pre`` and
  the mean deviation of the post years from a linear trend fitted on the pre
  years, with an OLS prediction interval (t with ``n_pre − 2`` df).
* **Difference-in-differences** (:func:`did`): two-way fixed effects
  ``y_it = α_i + γ_t + β·D_it + ε_it`` by the within transformation. Standard
  errors clustered by region with the CR1 correction
  ``G/(G−1) · (N−1)/(N−K)`` (K = β and the T−1 year effects; region effects are
  nested in the clusters and not counted, as ``fixest`` does) and t(G−1)
  intervals. With **one** treated region the clustered errors are known to be
  far too small (the treated region's post-period residual is forced towards
  zero — Conley & Taber 2011; MacKinnon & Webb 2017), so the reported interval
  and p-value are the **Conley–Taber / randomisation-inference** ones: the DiD
  is re-estimated with each comparison region as pseudo-treated; the spread of
  those placebo estimates is the distribution of the estimation error, giving
  the interval ``[β̂ − q₀.₉₇₅, β̂ − q₀.₀₂₅]`` and the p-value
  ``(1 + #{|β_placebo| ≥ |β̂|}) / (1 + G_c)``.
  The event study replaces ``D_it`` by leads and lags ``1[t − t₀ = k]``
  (reference ``k = −1``); the pre-trend check is a permutation test of the mean
  squared lead.
* **Synthetic control** (:func:`synthetic_control`): weights ``w ≥ 0, Σw = 1``
  minimising the pre-period RMSPE of ``y_treated − Y_donors·w`` (outcome-only
  matching on every pre year, V = identity); gaps per post year and their mean;
  placebo-in-space with each donor as pseudo-treated and the permutation
  p-value of the post/pre RMSPE ratio (Abadie, Diamond & Hainmueller 2010).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, stats

ALPHA = 0.05

# Pre-period fit rule for the synthetic control (see poor_fit_warning)
POOR_FIT_SD_SHARE = 0.5  # RMSPE above half the treated region's pre-period SD
POOR_FIT_LEVEL_SHARE = 0.02  # or above 2 % of its pre-period mean level
MIN_DONORS = 10
MIN_PRE_YEARS = 5


class EffectInputError(ValueError):
    """The panel cannot carry the estimate (too few years or regions); message in English, code for the caller."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------- before/after
@dataclass
class BeforeAfter:
    mean_before: float
    mean_after: float
    difference: float
    trend_slope: float
    trend_effect: float  # mean of (actual − pre-trend prediction) over post years
    trend_ci: tuple[float, float]
    trend_path: list[float]  # the pre-trend line over all years


def before_after(y: np.ndarray, years: np.ndarray, change_year: int, alpha: float = ALPHA) -> BeforeAfter:
    """Before/after for one series: mean difference and the deviation from the linear pre-trend.

    Trend: ``ŷ_t = a + b·t`` fitted by OLS on the pre years; ``trend_effect`` is
    the mean of ``y_t − ŷ_t`` over the post years. Its interval uses the OLS
    prediction variance of the mean of the post predictions plus the residual
    variance of the mean of the post observations:
    ``Var = s²·(1/m + x̄ₘ'(X'X)⁻¹x̄ₘ)`` with m post years, t(n_pre − 2).
    """
    y = np.asarray(y, float)
    years = np.asarray(years, float)
    pre = years < change_year
    post = ~pre
    if pre.sum() < 3 or post.sum() < 1:
        raise EffectInputError("years", "before/after needs at least 3 pre years and 1 post year")
    X = np.column_stack([np.ones(pre.sum()), years[pre]])
    coef, *_ = np.linalg.lstsq(X, y[pre], rcond=None)
    resid = y[pre] - X @ coef
    df = pre.sum() - 2
    s2 = float(resid @ resid / df) if df > 0 else float("nan")
    path = coef[0] + coef[1] * years
    effect = float(np.mean(y[post] - path[post]))
    xm = np.array([1.0, years[post].mean()])
    var = s2 * (1.0 / post.sum() + xm @ np.linalg.inv(X.T @ X) @ xm)
    q = stats.t.ppf(1 - alpha / 2, df) if df > 0 else float("nan")
    half = q * np.sqrt(var)
    return BeforeAfter(
        mean_before=float(y[pre].mean()), mean_after=float(y[post].mean()),
        difference=float(y[post].mean() - y[pre].mean()), trend_slope=float(coef[1]),
        trend_effect=effect, trend_ci=(effect - half, effect + half), trend_path=[float(v) for v in path],
    )


# ---------------------------------------------------------------- DiD
def _within(M: np.ndarray) -> np.ndarray:
    """Two-way within transformation of a balanced ``regions × years`` matrix: m_it − m̄_i − m̄_t + m̄."""
    return M - M.mean(axis=1, keepdims=True) - M.mean(axis=0, keepdims=True) + M.mean()


def twfe(Y: np.ndarray, D: np.ndarray | list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """TWFE OLS on a balanced panel: ``y_it = α_i + γ_t + Σ_k β_k·D_k,it + ε``.

    Returns ``(beta, cov_cr1, residuals)``. ``cov_cr1`` is clustered by region
    (row) with the CR1 factor ``G/(G−1)·(N−1)/(N−K)``, N = G·T observations,
    K = len(beta) + T − 1 (region effects nested in clusters, not counted).
    """
    Dl = [D] if isinstance(D, np.ndarray) else list(D)
    G, T = Y.shape
    yt = _within(Y)
    Xt = np.stack([_within(d.astype(float)) for d in Dl], axis=-1)  # G × T × K
    X = Xt.reshape(G * T, -1)
    XtX = X.T @ X
    beta = np.linalg.solve(XtX, X.T @ yt.reshape(-1))
    e = yt - (Xt @ beta)
    scores = np.einsum("gtk,gt->gk", Xt, e)  # Σ_t x̃_it ẽ_it per cluster
    meat = scores.T @ scores
    bread = np.linalg.inv(XtX)
    N, K = G * T, len(beta) + T - 1
    factor = G / (G - 1) * (N - 1) / (N - K)
    return beta, factor * bread @ meat @ bread, e


@dataclass
class DidResult:
    estimate: float
    se_cr1: float
    ci_cr1: tuple[float, float]
    p_cr1: float
    ci: tuple[float, float]  # Conley–Taber (placebo) interval — the one to report
    p_value: float  # randomisation-inference p-value
    placebo_estimates: list[float]
    n_treated: int
    n_comparison: int
    n_pre: int
    n_post: int
    comparison_change: float  # mean post − mean pre of the comparison group
    event_time: list[int] = field(default_factory=list)
    event_estimates: list[float] = field(default_factory=list)
    event_ci: list[tuple[float, float]] = field(default_factory=list)  # placebo-based, per event time
    event_ci_cr1: list[tuple[float, float]] = field(default_factory=list)
    pretrend_p: float | None = None


def _placebo_did(Y: np.ndarray, post: np.ndarray) -> np.ndarray:
    """The single-unit DiD with each row of ``Y`` as treated against all other rows.

    For a balanced panel and one treated row the TWFE β equals the 2×2 DiD
    ``δ_j − mean_{i≠j} δ_i`` with ``δ_i = ȳ_i,post − ȳ_i,pre``.
    """
    delta = Y[:, post].mean(axis=1) - Y[:, ~post].mean(axis=1)
    n = len(delta)
    return delta - (delta.sum() - delta) / (n - 1)


def _event_placebos(Y: np.ndarray, ref: int) -> np.ndarray:
    """Event-study coefficients with each row as treated: (y_jt − y_j,ref) − mean_{i≠j}(y_it − y_i,ref)."""
    d = Y - Y[:, [ref]]
    n = Y.shape[0]
    return d - (d.sum(axis=0, keepdims=True) - d) / (n - 1)


def did(Y: np.ndarray, years: np.ndarray, change_year: int, alpha: float = ALPHA) -> DidResult:
    """DiD of row 0 of ``Y`` against the other rows (see the module docstring)."""
    Y = np.asarray(Y, float)
    years = np.asarray(years)
    G, T = Y.shape
    post = years >= change_year
    n_pre, n_post = int((~post).sum()), int(post.sum())
    if n_pre < 2 or n_post < 1:
        raise EffectInputError("years", "DiD needs at least 2 pre years and 1 post year")
    if G < 3:
        raise EffectInputError("donors", "DiD needs at least 2 comparison regions")
    if np.isnan(Y).any():
        raise EffectInputError("balanced", "the panel must be balanced (no missing values)")
    D = np.zeros_like(Y)
    D[0, post] = 1.0
    beta, cov, _ = twfe(Y, D)
    est = float(beta[0])
    se = float(np.sqrt(cov[0, 0]))
    q = stats.t.ppf(1 - alpha / 2, G - 1)
    p_cr1 = float(2 * stats.t.sf(abs(est) / se, G - 1)) if se > 0 else 0.0
    # Conley–Taber: placebo estimates from the comparison regions only (the treated row left out),
    # studentised by each region's pre-period scale so that small, noisy regions do not set the
    # interval of a large, smooth one (Ferman & Pinto 2019)
    controls = Y[1:]
    plac = _placebo_did(controls, post)
    scale = pre_scale(Y, post)
    tstat = plac / scale[1:]
    lo_q, hi_q = np.quantile(tstat, [alpha / 2, 1 - alpha / 2])
    ci = (est - scale[0] * float(hi_q), est - scale[0] * float(lo_q))
    p = float((1 + np.sum(np.abs(tstat) >= abs(est / scale[0]) - 1e-12)) / (1 + len(tstat)))
    comp_change = float(controls[:, post].mean() - controls[:, ~post].mean())

    # event study, reference −1
    ref_idx = int(np.where(~post)[0][-1])
    event_time = [int(y - change_year) for y in years]
    ks = [i for i in range(T) if i != ref_idx]
    Ds = []
    for i in ks:
        Dk = np.zeros_like(Y)
        Dk[0, i] = 1.0
        Ds.append(Dk)
    eb, ecov, _ = twfe(Y, Ds)
    ep = _event_placebos(controls, ref_idx)  # (G−1) × T
    ev_est, ev_ci, ev_cr1 = [], [], []
    j = 0
    for i in range(T):
        if i == ref_idx:
            ev_est.append(0.0)
            ev_ci.append((0.0, 0.0))
            ev_cr1.append((0.0, 0.0))
            continue
        b = float(eb[j])
        s = float(np.sqrt(ecov[j, j]))
        lq, hq = np.quantile(ep[:, i], [alpha / 2, 1 - alpha / 2])
        ev_est.append(b)
        ev_ci.append((b - float(hq), b - float(lq)))
        ev_cr1.append((b - q * s, b + q * s))
        j += 1
    # pre-trend: mean squared lead coefficient against the same statistic for each placebo
    leads = [i for i in range(T) if i < ref_idx]
    pretrend_p = None
    if leads:
        stat = np.mean(np.square([ev_est[i] for i in leads]))
        plac_stat = np.mean(np.square(ep[:, leads]), axis=1)
        pretrend_p = float((1 + np.sum(plac_stat >= stat - 1e-12)) / (1 + len(plac_stat)))
    return DidResult(
        estimate=est, se_cr1=se, ci_cr1=(est - q * se, est + q * se), p_cr1=p_cr1,
        ci=ci, p_value=p, placebo_estimates=[float(v) for v in plac],
        n_treated=1, n_comparison=G - 1, n_pre=n_pre, n_post=n_post, comparison_change=comp_change,
        event_time=event_time, event_estimates=ev_est, event_ci=ev_ci, event_ci_cr1=ev_cr1, pretrend_p=pretrend_p,
    )


def pre_scale(Y: np.ndarray, post: np.ndarray) -> np.ndarray:
    """Each region's scale for the studentised placebo distribution: the root mean square of its
    residuals from a TWFE fit (region and year effects) on the pre years only, ``σ_i = √(mean_t ẽ_it²)``
    (floored at 1e-9 of the largest, so a perfectly regular series does not divide by zero)."""
    e = _within(Y[:, ~post])
    s = np.sqrt(np.mean(np.square(e), axis=1))
    return np.maximum(s, 1e-9 * max(float(s.max()), 1e-12))


def did_randomisation_p(Y: np.ndarray, years: np.ndarray, change_year: int) -> tuple[float, float]:
    """The studentised randomisation p-value of :func:`did` and the CR1 p-value (fast path for
    repeated placebo runs)."""
    post = np.asarray(years) >= change_year
    est = _placebo_did(Y, post)[0]
    plac = _placebo_did(Y[1:], post)
    scale = pre_scale(Y, post)
    t = plac / scale[1:]
    p = float((1 + np.sum(np.abs(t) >= abs(est / scale[0]) - 1e-12)) / (1 + len(t)))
    D = np.zeros_like(Y)
    D[0, post] = 1.0
    beta, cov, _ = twfe(Y, D)
    G = Y.shape[0]
    p_cr1 = float(2 * stats.t.sf(abs(beta[0]) / np.sqrt(cov[0, 0]), G - 1))
    return p, p_cr1


# ---------------------------------------------------------------- synthetic control
def simplex_weights(X: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``argmin ‖x − X w‖²`` subject to ``w ≥ 0, Σw = 1`` (X: pre years × donors).

    Solved as a non-negative least-squares problem with the sum constraint as a
    heavily weighted extra row (Lawson–Hanson ``scipy.optimize.nnls``), then
    polished with SLSQP from that start when the sum is off by more than 1e-6.
    """
    scale = max(float(np.abs(X).max()), float(np.abs(x).max()), 1.0)
    Xs, xs = X / scale, x / scale
    big = 1e3 * max(1.0, np.sqrt(X.shape[0]))
    A = np.vstack([Xs, big * np.ones((1, X.shape[1]))])
    b = np.concatenate([xs, [big]])
    w, _ = optimize.nnls(A, b, maxiter=50 * X.shape[1])
    s = w.sum()
    if s <= 0:
        w = np.full(X.shape[1], 1.0 / X.shape[1])
    elif abs(s - 1) > 1e-6:
        w0 = w / s
        res = optimize.minimize(
            lambda v: float(np.sum((xs - Xs @ v) ** 2)), w0, jac=lambda v: -2 * Xs.T @ (xs - Xs @ v),
            bounds=[(0, 1)] * len(w0), constraints=[{"type": "eq", "fun": lambda v: v.sum() - 1}], method="SLSQP",
        )
        w = res.x if res.success else w0
    w = np.clip(w, 0, None)
    return w / w.sum()


def _rmspe(g: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(g))))


@dataclass
class ScmResult:
    weights: list[float]  # per donor (rows 1.. of Y)
    synthetic: list[float]  # per year
    gaps: list[float]  # treated − synthetic per year
    estimate: float  # mean post gap
    pre_rmspe: float
    post_rmspe: float
    ratio: float
    p_value: float  # placebo-in-space rank of the post/pre RMSPE ratio
    placebo_gaps: list[list[float]]  # per donor, per year
    placebo_pre_rmspe: list[float]
    placebo_ratios: list[float]
    ci: tuple[float, float] | None  # placebo range of the mean post gap (Conley–Taber style)
    n_donors: int  # donors in the pool
    n_used: int  # donors the treated fit could use (≤ max_donors)
    n_pre: int
    n_post: int
    pre_sd: float
    pre_mean: float
    poor_fit: bool
    outside_hull: bool


def poor_fit_warning(pre_rmspe: float, pre_sd: float, pre_mean: float) -> bool:
    """The stated rule: poor when the pre-period RMSPE exceeds half the treated region's
    pre-period standard deviation, or 2 % of its pre-period mean level (absolute)."""
    return pre_rmspe > POOR_FIT_SD_SHARE * pre_sd or pre_rmspe > POOR_FIT_LEVEL_SHARE * abs(pre_mean)


MAX_DONORS = 30


def synthetic_control(Y: np.ndarray, years: np.ndarray, change_year: int, alpha: float = ALPHA,
                      placebos: bool = True, max_donors: int | None = MAX_DONORS) -> ScmResult:
    """Synthetic control for row 0 of ``Y`` from donors in rows 1.. (see the module docstring).

    With more than ``max_donors`` donors, each fit (the treated region's and
    every placebo's) uses the ``max_donors`` donors nearest to it in the pre
    years (root mean squared difference of levels): with many donors and few
    pre years an unrestricted fit interpolates the pre period exactly and the
    RMSPE ratio loses its meaning (Abadie 2021 on restricting the donor pool).
    """
    Y = np.asarray(Y, float)
    years = np.asarray(years)
    post = years >= change_year
    pre = ~post
    if pre.sum() < 2 or post.sum() < 1:
        raise EffectInputError("years", "synthetic control needs at least 2 pre years and 1 post year")
    if Y.shape[0] < 3:
        raise EffectInputError("donors", "synthetic control needs at least 2 donors")
    if np.isnan(Y).any():
        raise EffectInputError("balanced", "the panel must be balanced (no missing values)")

    def fit(j: int, pool: np.ndarray):
        if max_donors and len(pool) > max_donors:
            dist = np.sqrt(np.mean((Y[pool][:, pre] - Y[j, pre]) ** 2, axis=1))
            pool = pool[np.sort(np.argsort(dist, kind="stable")[:max_donors])]
        wp = simplex_weights(Y[pool][:, pre].T, Y[j, pre])
        synth = wp @ Y[pool]
        full = np.zeros(Y.shape[0])
        full[pool] = wp
        return full[1:], synth, Y[j] - synth

    donors = np.arange(1, Y.shape[0])
    w, synth, gap = fit(0, donors)
    pre_r, post_r = _rmspe(gap[pre]), _rmspe(gap[post])
    ratio = post_r / pre_r if pre_r > 0 else float("inf")
    pg, pr, pratio = [], [], []
    if placebos:
        for j in donors:
            pool = donors[donors != j]  # the treated region never serves as a donor
            _, _, g = fit(int(j), pool)
            pg.append(g)
            a, b = _rmspe(g[pre]), _rmspe(g[post])
            pr.append(a)
            pratio.append(b / a if a > 0 else float("inf"))
    p = float((1 + sum(r >= ratio - 1e-12 for r in pratio)) / (1 + len(pratio))) if pratio else float("nan")
    est = float(gap[post].mean())
    ci = None
    if pg:
        means = np.array([g[post].mean() for g in pg])
        lq, hq = np.quantile(means, [alpha / 2, 1 - alpha / 2])
        ci = (est - float(hq), est - float(lq))
    pre_sd = float(np.std(Y[0, pre], ddof=1)) if pre.sum() > 1 else 0.0
    pre_mean = float(Y[0, pre].mean())
    outside = bool(np.any(Y[0, pre] > Y[1:, pre].max(axis=0)) or np.any(Y[0, pre] < Y[1:, pre].min(axis=0)))
    return ScmResult(
        weights=[float(v) for v in w], synthetic=[float(v) for v in synth], gaps=[float(v) for v in gap],
        estimate=est, pre_rmspe=pre_r, post_rmspe=post_r, ratio=float(ratio), p_value=p,
        placebo_gaps=[[float(v) for v in g] for g in pg], placebo_pre_rmspe=pr, placebo_ratios=[float(v) for v in pratio],
        ci=ci, n_donors=len(donors), n_used=min(len(donors), max_donors or len(donors)), n_pre=int(pre.sum()), n_post=int(post.sum()),
        pre_sd=pre_sd, pre_mean=pre_mean, poor_fit=poor_fit_warning(pre_r, pre_sd, pre_mean), outside_hull=outside,
    )


# ---------------------------------------------------------------- the rejection-rate bound
def binomial_upper(n: int, rate: float = ALPHA, level: float = 0.99) -> float:
    """The largest rejection share over ``n`` independent runs still consistent with the nominal
    ``rate`` at ``level`` (one-sided binomial quantile): the tolerance for placebo-run tests."""
    return float(stats.binom.ppf(level, n, rate) / n)
