"""Effect estimates: a planted step in a real series is recovered; without one, the DiD's
randomisation test rejects no more often than its nominal rate; CR1 by hand."""

from __future__ import annotations

import numpy as np
import pytest

from gevinst.core import effects as core


# ------------------------------------------------------------ CR1 by hand
def test_cr1_matches_hand_computed_tiny_panel():
    # 3 regions × 2 years, region 0 treated in year 2. Δy = (5, 1, 3).
    # β = 5 − (1+3)/2 = 3. Cross-section residuals of Δy on (1, d): e = (0, −1, 1);
    # d − d̄ = (2/3, −1/3, −1/3); V0 = Σ(d−d̄)²e² / (Σ(d−d̄)²)² = (2/9)/(4/9) = 0.5.
    # CR1 factor G/(G−1)·(N−1)/(N−K) with G=3, N=6, K = 1 + (T−1) = 2: 1.5·5/4 = 1.875 → V = 0.9375.
    Y = np.array([[10.0, 15.0], [20.0, 21.0], [7.0, 10.0]])
    D = np.array([[0.0, 1.0], [0.0, 0.0], [0.0, 0.0]])
    beta, cov, _ = core.twfe(Y, D)
    assert beta[0] == pytest.approx(3.0)
    assert cov[0, 0] == pytest.approx(0.9375)


def test_twfe_equals_dummy_regression_with_cluster_sandwich():
    rng = np.random.default_rng(3)
    G, T = 6, 5
    Y = rng.normal(size=(G, T)) + np.arange(T)
    D = np.zeros((G, T))
    D[:2, 3:] = 1.0
    beta, cov, _ = core.twfe(Y, D)
    # explicit dummies: D, region dummies, year dummies (one dropped)
    rows = []
    for i in range(G):
        for t in range(T):
            rows.append([D[i, t]] + [1.0 * (i == g) for g in range(G)] + [1.0 * (t == s) for s in range(1, T)])
    X = np.array(rows)
    y = Y.reshape(-1)
    b, *_ = np.linalg.lstsq(X, y, rcond=None)
    e = y - X @ b
    bread = np.linalg.inv(X.T @ X)
    meat = sum(np.outer(X[i * T:(i + 1) * T].T @ e[i * T:(i + 1) * T], X[i * T:(i + 1) * T].T @ e[i * T:(i + 1) * T])
               for i in range(G))
    N, K = G * T, 1 + (T - 1)
    V = G / (G - 1) * (N - 1) / (N - K) * bread @ meat @ bread
    assert beta[0] == pytest.approx(b[0])
    assert cov[0, 0] == pytest.approx(V[0, 0])


def test_placebo_shortcut_equals_twfe():
    rng = np.random.default_rng(1)
    Y = rng.normal(size=(8, 6))
    post = np.arange(6) >= 4
    D = np.zeros_like(Y)
    D[0, post] = 1
    assert core._placebo_did(Y, post)[0] == pytest.approx(core.twfe(Y, D)[0][0])


def test_simplex_weights_recover_a_convex_combination():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 8))
    w_true = np.array([0.5, 0.3, 0.2, 0, 0, 0, 0, 0])
    w = core.simplex_weights(X, X @ w_true)
    assert w.sum() == pytest.approx(1.0)
    assert (w >= 0).all()
    assert w == pytest.approx(w_true, abs=1e-4)


def test_before_after_on_a_line_with_a_step():
    years = np.arange(2010, 2024)
    y = 2.0 + 0.5 * (years - 2010) + np.where(years >= 2020, 1.5, 0.0)
    ba = core.before_after(y, years, 2020)
    assert ba.trend_effect == pytest.approx(1.5)
    assert ba.trend_slope == pytest.approx(0.5)


def test_poor_fit_rule():
    assert core.poor_fit_warning(0.6, 1.0, 100.0)
    assert core.poor_fit_warning(3.0, 10.0, 100.0)
    assert not core.poor_fit_warning(0.1, 1.0, 100.0)


# ------------------------------------------------------------ real data
PLANT = 1.0
REGION = "3403"  # Hamar: no territorial change 2010–2026, complete series; chosen as an ordinary mid-sized town


@pytest.fixture(scope="module")
def share_panel(django_db_setup, django_db_blocker):
    """Share 67+ for every municipality in the 2026 structure, 2010–2026 (untreated units only)."""
    from conftest import ensure_bundled

    from gevinst.baselines.service import indicator_values
    from gevinst.benchlearning.effect import territorial_changes
    from gevinst.catalogue import load_catalogue

    years = list(range(2010, 2027))
    with django_db_blocker.unblock():
        ensure_bundled()  # a transactional (browser) test run before this one empties the database
        frame, _ = indicator_values([load_catalogue().get("andel_67_pluss")], 2026, years)
        changed = territorial_changes(years, 2026)
    wide = frame.sort("year").pivot(on="year", index="region", values="value").sort("region")
    wide = wide.filter(~wide["region"].is_in(list(changed))).drop_nulls()
    return wide["region"].to_list(), wide.select([str(y) for y in years]).to_numpy(), np.array(years)


def test_planted_step_recovered(bundled_db):
    from gevinst.benchlearning.effect import estimate_effect

    r = estimate_effect(REGION, "andel_67_pluss", 2020, comparison="country", plant=PLANT)
    base = estimate_effect(REGION, "andel_67_pluss", 2020, comparison="country")
    # the estimators are linear in the treated series: the step moves them by exactly PLANT
    assert r.did.estimate - base.did.estimate == pytest.approx(PLANT)
    assert r.did.ci[0] <= PLANT <= r.did.ci[1]
    assert r.scm.estimate == pytest.approx(PLANT, abs=0.25)
    assert r.scm.p_value <= 0.05
    assert not r.scm.poor_fit
    assert len(r.comparison_codes) > 250
    assert all(code not in r.comparison_codes for code, _ in r.excluded)


@pytest.mark.django_db  # reads the database through the module-scoped share_panel
def test_no_step_false_rejections_at_nominal_rate(share_panel):
    """100 seeded pseudo-treated regions: the DiD's studentised randomisation test at 5 %
    rejects no more often than the 99 % binomial bound of the nominal rate (11/100)."""
    regions, Y, years = share_panel
    rng = np.random.default_rng(20200101)
    runs = 100
    picks = rng.choice(len(regions), size=runs, replace=False)
    rejected = rejected_cr1 = 0
    for j in picks:
        order = [j] + [k for k in range(len(regions)) if k != j]
        p, p_cr1 = core.did_randomisation_p(Y[order], years, 2020)
        rejected += p < 0.05
        rejected_cr1 += p_cr1 < 0.05
    print(f"rejection rate RI {rejected / runs:.2f}, CR1 {rejected_cr1 / runs:.2f}")
    bound = core.binomial_upper(runs, 0.05, 0.99)
    assert bound == pytest.approx(0.11)
    assert rejected / runs <= bound
    # documented contrast: the clustered (CR1) t-test with one treated region over-rejects badly
    assert rejected_cr1 / runs > 0.5
