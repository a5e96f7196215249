"""Network composition: the objective, the exact solver and the local search against brute force."""

from __future__ import annotations

import numpy as np
import pytest

from gevinst.core import networks as nw


def _random_score(n: int, seed: int, lam: float = 0.5) -> np.ndarray:
    rng = np.random.default_rng(seed)
    het = nw.pairwise(rng.normal(size=(n, 3)))
    cmp = nw.pairwise(rng.normal(size=(n, 2)))
    return nw.pair_score(het, cmp, lam)


def test_feasible_sizes():
    assert nw.feasible_sizes(12, 4, 6) == [4, 4, 4]
    assert nw.feasible_sizes(13, 4, 6) == [5, 4, 4]
    assert nw.feasible_sizes(7, 4, 6) is None
    assert nw.feasible_sizes(5, 4, 6) == [5]
    assert sum(nw.feasible_sizes(31, 4, 6)) == 31


def test_objective_formula_by_hand():
    score = np.array([[0, 1, 2, 3], [1, 0, 4, 5], [2, 4, 0, 6], [3, 5, 6, 0]], float)
    # one group of 4: (1+2+3+4+5+6) / 3
    assert nw.objective(score, [[0, 1, 2, 3]]) == pytest.approx(7.0)
    assert nw.objective(score, [[0, 1], [2, 3]]) == pytest.approx(1 + 6)


@pytest.mark.parametrize("n,lo,hi", [(8, 4, 6), (9, 4, 6), (10, 4, 6), (8, 2, 3), (9, 3, 4)])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_and_local_match_brute_force(n, lo, hi, seed):
    score = _random_score(n, seed)
    bf = nw.brute_force(score, lo, hi)
    ex = nw.solve_exact(score, lo, hi)
    loc = nw.solve_local(score, lo, hi, restarts=20, seed=seed)
    assert ex.objective == pytest.approx(bf.objective)
    assert loc.objective == pytest.approx(bf.objective)
    for sol in (ex, loc):
        assert sorted(i for g in sol.groups for i in g) == list(range(n))
        assert all(lo <= len(g) <= hi for g in sol.groups)


def test_local_search_close_to_exact_at_the_limit():
    for seed in range(3):
        score = _random_score(12, 10 + seed)
        ex = nw.solve_exact(score, 4, 6)
        loc = nw.solve_local(score, 4, 6, restarts=20, seed=seed)
        assert loc.objective >= ex.objective - 1e-9 - 0.02 * abs(ex.objective)


def test_heterogeneity_wins_when_lambda_zero_and_comparability_when_large():
    # two clusters on the learning variable: heterogeneous groups mix them
    het_x = np.array([0, 0, 0, 0, 10, 10, 10, 10], float)
    cmp_x = np.array([0, 1, 2, 3, 0, 1, 2, 3], float) * 0.01
    het, cmp = nw.pairwise(het_x), nw.pairwise(cmp_x)
    sol = nw.solve(nw.pair_score(het, cmp, 0.0), 4, 4)
    for g in sol.groups:
        assert len({het_x[i] for i in g}) == 2
    # comparability dominating: groups follow the structure instead
    cmp_x2 = np.array([0, 0, 5, 5, 0, 0, 5, 5], float)
    sol2 = nw.solve(nw.pair_score(het, nw.pairwise(cmp_x2), 100.0), 4, 4)
    for g in sol2.groups:
        assert len({cmp_x2[i] for i in g}) == 1


def test_large_input_uses_local_search_and_is_deterministic():
    score = _random_score(20, 3)
    a = nw.solve(score, 4, 6, seed=1)
    b = nw.solve(score, 4, 6, seed=1)
    assert a.method == "local" and a == b
    assert all(4 <= len(g) <= 6 for g in a.groups)
    # better than the average random feasible partition
    rng = np.random.default_rng(0)
    sizes = nw.feasible_sizes(20, 4, 6)
    randoms = [nw.objective(score, nw._random_start(20, sizes, rng)) for _ in range(50)]
    assert a.objective > max(randoms)


def test_infeasible_raises():
    with pytest.raises(ValueError):
        nw.solve(_random_score(7, 0), 4, 6)
