"""Choosing the initiatives: the MILP against brute-force enumeration, reasons, marginals, goals, validation."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from gevinst.core import portfolio as pf
from gevinst.core.business_case import business_case
from gevinst.core.portfolio import CandidateInput, GoalGap, Limits, optimise_portfolio

FIRST = 2027


# ------------------------------------------------------------ brute force
class Brute:
    """Every subset, with the lexicographic optimum (primary, then total NPV) over any restriction."""

    def __init__(self, cands, goals, limits: Limits, objective: str, years: int = 4, rate: float = 0.04):
        n = len(cands)
        self.masks = np.array(list(itertools.product((False, True), repeat=n)), dtype=bool).reshape(-1, n)
        self.npv = np.array([business_case(one_off_cost=c.one_off_cost, yearly_cost=c.yearly_cost,
                                           yearly_benefit=c.yearly_benefit, first_year=FIRST, years=years,
                                           benefit_start_year=c.benefit_start_year, discount_rate=rate).npv
                             for c in cands]).reshape(n)
        must = np.array([c.must_do for c in cands], dtype=bool)
        self.feasible = (self.masks | ~must).all(axis=1)
        self.usage = {"one_off": np.array([c.one_off_cost for c in cands], dtype=float),
                      "yearly_cost": np.array([c.yearly_cost for c in cands], dtype=float),
                      "fte": np.array([c.fte for c in cands], dtype=float)}
        self.limits = limits.as_dict()
        for name, limit in self.limits.items():
            if limit is not None:
                self.feasible &= self.masks @ self.usage[name] <= limit + 1e-9 * max(1.0, limit)
        self.npv_total = self.masks.astype(float) @ self.npv
        if objective == "benefit":
            self.primary = self.npv_total
        else:
            self.primary = np.zeros(len(self.masks))
            for g in goals:
                if g.gap > 0:
                    c = np.array([cand.contributions.get(g.key, 0.0) for cand in cands], dtype=float)
                    self.primary = self.primary + g.weight * np.minimum(1.0, (self.masks @ c) / g.gap)

    def best(self, where: np.ndarray | None = None) -> tuple[float, float] | None:
        ok = self.feasible if where is None else self.feasible & where
        if not ok.any():
            return None
        p = self.primary[ok]
        top = p.max()
        tie = p >= top - 1e-9 * max(1.0, abs(top))
        return float(top), float(self.npv_total[ok][tie].max())

    def value_of(self, mask: np.ndarray) -> float:
        return float(self.primary[np.flatnonzero((self.masks == mask).all(axis=1))[0]])


def random_instance(seed: int, objective: str, *, n_max: int = 12):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, n_max + 1)) if seed % 5 == 0 else int(rng.integers(n_max // 2, n_max + 1))
    with_limits = seed % 2 == 0
    with_must = (seed // 2) % 2 == 1
    goals = []
    if objective == "gap" or rng.random() < 0.3:
        for g in range(int(rng.integers(1, 4))):
            kind = rng.random()
            gap = float(rng.uniform(1, 20)) if kind < 0.5 else float(rng.integers(1, 15)) if kind < 0.85 else \
                float(rng.choice([0.0, -3.0]))
            weight = 1.0 if rng.random() < 0.5 else float(round(rng.uniform(0.2, 3), 2))
            goals.append(GoalGap(f"g{g}", f"Mål {g}", gap, weight=weight))
    cands = []
    for i in range(n):
        contributions = {g.key: float(round(rng.uniform(0, 8), 1)) for g in goals if rng.random() < 0.6}
        cands.append(CandidateInput(
            key=f"c{i}", name=f"Tiltak {i}",
            yearly_benefit=float(round(rng.uniform(0, 3e6), -3)) if rng.random() < 0.9 else 0.0,
            one_off_cost=float(round(rng.uniform(0, 3e6), -3)),
            yearly_cost=float(round(rng.uniform(0, 5e5), -3)),
            fte=float(round(rng.uniform(0, 3), 1)),
            must_do=bool(with_must and rng.random() < 0.2),
            contributions=contributions,
            benefit_start_year=[None, None, FIRST + 1, FIRST + 2][int(rng.integers(0, 4))]))
    limits = Limits()
    if with_limits:
        def some(total: float, digits: int) -> float | None:
            return float(round(total * rng.uniform(0.15, 0.7), digits)) if rng.random() < 0.7 else None
        limits = Limits(one_off=some(sum(c.one_off_cost for c in cands), -3),
                        yearly_cost=some(sum(c.yearly_cost for c in cands), -3),
                        fte=some(sum(c.fte for c in cands), 1))
    return cands, goals, limits


def approx_value(v: float):
    return pytest.approx(v, rel=1e-9, abs=1e-6)


def check_against_brute_force(cands, goals, limits, objective, explain):
    res = optimise_portfolio(cands, goals, limits, objective=objective, first_year=FIRST, explain=explain)
    brute = Brute(cands, goals, limits, objective)
    best = brute.best()
    if best is None:
        assert res.status == "infeasible" and res.objective is None and res.limit_excess
        assert res.chosen == () and res.decisions == []
        return res, brute
    assert res.status == "optimal" and not res.limit_excess
    chosen = np.array([c.key in res.chosen for c in cands], dtype=bool)
    row = np.flatnonzero((brute.masks == chosen).all(axis=1))[0]
    assert brute.feasible[row]
    assert res.objective == approx_value(best[0])  # the optimum
    assert brute.primary[row] == approx_value(best[0])
    assert res.totals.npv == approx_value(best[1])  # and, among ties, the best NPV
    assert all(c.key in res.chosen for c in cands if c.must_do)
    assert list(res.chosen) == [c.key for c in cands if c.key in res.chosen]  # input order
    for name, limit in limits.as_dict().items():
        used = float(brute.usage[name] @ chosen)
        assert getattr(res.totals, name) == pytest.approx(used)
        assert res.room[name] is None if limit is None else res.room[name] == pytest.approx(limit - used, abs=1e-6)
    return res, brute


# ------------------------------------------------------------- optimum
@pytest.mark.parametrize("objective", ["benefit", "gap"])
@pytest.mark.parametrize("seed", range(40))
def test_optimum_equals_brute_force(seed, objective):
    cands, goals, limits = random_instance(seed, objective)
    check_against_brute_force(cands, goals, limits, objective, explain=False)


@pytest.mark.parametrize("objective", ["benefit", "gap"])
@pytest.mark.parametrize("seed", range(100, 112))
def test_decisions_and_marginals_equal_brute_force(seed, objective):
    cands, goals, limits = random_instance(seed, objective, n_max=9)
    res, brute = check_against_brute_force(cands, goals, limits, objective, explain=True)
    if res.status != "optimal":
        return
    z, z_npv = brute.best()
    chosen = np.array([c.key in res.chosen for c in cands], dtype=bool)
    must = np.array([c.must_do for c in cands], dtype=bool)
    assert len(res.decisions) == len(cands)
    for i, (cand, d) in enumerate(zip(cands, res.decisions)):
        assert d.key == cand.key and d.chosen == bool(chosen[i])
        assert d.npv == pytest.approx(brute.npv[i])
        if cand.must_do:
            assert d.reason == "must_do" and d.chosen and d.marginal is None
            continue
        if d.chosen:
            assert d.reason == "chosen" and d.exceeds == {}
            out = brute.best(~brute.masks[:, i])  # the best portfolio without it
            assert d.marginal == approx_value(z - out[0])
            assert d.marginal_npv == approx_value(z_npv - out[1])
            continue
        forced = brute.best(brute.masks[:, i])  # the best portfolio with it
        alone = must.copy()
        alone[i] = True
        value = brute.value_of(alone) - brute.value_of(must)
        assert d.value == approx_value(value)
        worthless = brute.npv[i] <= 0
        if objective == "gap":  # lexicographically (gap share, NPV) not positive
            worthless = value <= 1e-12 and brute.npv[i] <= 0
        if worthless:
            assert d.reason == "not_worth"
        elif forced is None:
            assert d.reason == "too_large"
        else:
            assert d.reason == "displaced"
        if forced is None:
            assert d.marginal is None and d.marginal_npv is None
        else:
            assert d.marginal == approx_value(z - forced[0])
            assert d.marginal_npv == approx_value(z_npv - forced[1])
            if d.reason == "displaced":  # lexicographically no better than the optimum
                assert d.marginal > 1e-9 or d.marginal_npv >= -1e-6
        for name, limit in limits.as_dict().items():
            over = float(brute.usage[name] @ chosen) + brute.usage[name][i] - (limit if limit is not None else math.inf)
            if limit is not None and over > 1e-9 * max(1.0, limit):
                assert d.exceeds[name] == pytest.approx(over)
            else:
                assert name not in d.exceeds


# ------------------------------------------------------------- hand-made cases
def cand(key, benefit, one_off, yearly=0.0, **kw):
    return CandidateInput(key=key, name=key.upper(), yearly_benefit=benefit, one_off_cost=one_off, yearly_cost=yearly,
                          **kw)


def by_key(res):
    return {d.key: d for d in res.decisions}


def test_must_do_is_always_in_even_when_it_loses_money():
    cands = [cand("a", 1e6, 1e6), cand("loss", 0.0, 2e6, 1e5, must_do=True), cand("b", 5e5, 5e5)]
    res = optimise_portfolio(cands, limits=Limits(one_off=3e6), first_year=FIRST)
    assert res.status == "optimal"
    assert "loss" in res.chosen
    assert by_key(res)["loss"].reason == "must_do" and by_key(res)["loss"].npv < 0
    assert res.chosen == ("a", "loss")  # b no longer fits: 1e6 + 2e6 + 5e5 > 3e6
    assert by_key(res)["b"].reason == "displaced"
    assert by_key(res)["b"].exceeds == {"one_off": pytest.approx(5e5)}


def test_infeasible_must_do_is_reported_with_the_limit():
    cands = [cand("a", 1e6, 1e6, fte=2.0, must_do=True), cand("b", 1e6, 2e6, fte=1.5, must_do=True), cand("c", 9e9, 0)]
    res = optimise_portfolio(cands, limits=Limits(one_off=2.5e6, yearly_cost=1e6, fte=3.0), first_year=FIRST)
    assert res.status == "infeasible"
    assert res.objective is None and res.chosen == () and res.decisions == []
    assert res.limit_excess == {"one_off": pytest.approx(5e5), "fte": pytest.approx(0.5)}
    assert res.totals.one_off == 3e6
    assert res.room == {"one_off": pytest.approx(-5e5), "yearly_cost": pytest.approx(1e6), "fte": pytest.approx(-0.5)}


def test_dominated_items_are_displaced_or_not_worth():
    # room for one of a / b (same cost, a more benefit): b displaced by a; c loses money
    cands = [cand("b", 1e6, 2e6), cand("a", 2e6, 2e6), cand("c", 1e5, 5e6, 1e5), cand("big", 9e6, 5e6)]
    res = optimise_portfolio(cands, limits=Limits(one_off=3e6), first_year=FIRST)
    d = by_key(res)
    assert res.chosen == ("a",)
    assert d["b"].reason == "displaced"
    assert d["b"].marginal == pytest.approx(d["a"].npv - d["b"].npv)
    assert d["c"].reason == "not_worth" and d["c"].npv < 0
    assert d["big"].reason == "too_large" and d["big"].marginal is None
    assert d["big"].exceeds == {"one_off": pytest.approx(4e6)}
    assert d["a"].reason == "chosen" and d["a"].marginal == pytest.approx(d["a"].npv - d["b"].npv)
    assert res.room["one_off"] == pytest.approx(1e6)


def test_marginal_of_a_chosen_item_is_the_optimum_minus_the_resolve_without_it():
    cands = [cand("a", 1e6, 1e6), cand("b", 8e5, 1e6), cand("c", 7e5, 1e6), cand("d", 3e5, 1e6)]
    res = optimise_portfolio(cands, limits=Limits(one_off=2e6), first_year=FIRST)
    d = by_key(res)
    assert res.chosen == ("a", "b")
    # without a the best is b + c; without b it is a + c
    assert d["a"].marginal == pytest.approx(d["a"].npv - d["c"].npv)
    assert d["b"].marginal == pytest.approx(d["b"].npv - d["c"].npv)
    assert d["d"].marginal == pytest.approx(d["b"].npv - d["d"].npv)  # forcing d in drops b
    assert res.objective == pytest.approx(d["a"].npv + d["b"].npv) == pytest.approx(res.totals.npv)


def test_goals_already_reached_are_ignored_and_reported():
    goals = [GoalGap("open", "Open", 10.0), GoalGap("done", "Done", 0.0), GoalGap("over", "Over", -4.0)]
    cands = [cand("x", 1e6, 1e6, contributions={"done": 50.0, "over": 50.0}),
             cand("y", 1e5, 1e6, contributions={"open": 2.0})]
    res = optimise_portfolio(cands, goals, Limits(one_off=1e6), objective="gap", first_year=FIRST)
    assert res.ignored_goals == ("done", "over")
    assert res.chosen == ("y",)  # x only moves goals that are already reached
    assert res.objective == pytest.approx(0.2)
    g = {r.key: r for r in res.goals}
    assert g["done"].reached and g["done"].share_closed is None and g["done"].remaining == 0
    assert g["open"].closed == 2.0 and g["open"].remaining == 8.0 and g["open"].share_closed == pytest.approx(0.2)
    d = by_key(res)
    assert d["x"].reason == "displaced" and d["x"].value == 0.0
    assert d["x"].marginal == pytest.approx(0.2) and d["x"].marginal_npv < 0


def test_contributions_beyond_the_gap_are_capped():
    goals = [GoalGap("g1", "G1", 10.0), GoalGap("g2", "G2", 10.0)]
    cands = [cand("a", 0, 1, contributions={"g1": 100.0}), cand("b", 0, 1, contributions={"g2": 8.0}),
             cand("c", 0, 1, contributions={"g1": 9.0})]
    res = optimise_portfolio(cands, goals, Limits(one_off=2), objective="gap", first_year=FIRST)
    # uncapped a + c would move g1 by 109; capped, a + b closes 1.0 + 0.8 of the two gaps
    assert res.chosen == ("a", "b")
    assert res.objective == pytest.approx(1.8)
    g = {r.key: r for r in res.goals}
    assert g["g1"].contributed == 100.0 and g["g1"].closed == 10.0 and g["g1"].share_closed == 1.0
    assert g["g2"].remaining == pytest.approx(2.0)


def test_goal_weights_count():
    goals = [GoalGap("g1", "G1", 10.0, weight=3.0), GoalGap("g2", "G2", 10.0)]
    cands = [cand("a", 0, 1, contributions={"g1": 5.0}), cand("b", 0, 1, contributions={"g2": 10.0})]
    res = optimise_portfolio(cands, goals, Limits(one_off=1), objective="gap", first_year=FIRST)
    assert res.chosen == ("a",) and res.objective == pytest.approx(1.5)


@pytest.mark.parametrize("order", [("low", "high"), ("high", "low")])
def test_tie_break_prefers_higher_npv(order):
    goals = [GoalGap("g", "G", 5.0)]
    made = {"low": cand("low", 1e6, 1e6, contributions={"g": 5.0}),
            "high": cand("high", 2e6, 1e6, contributions={"g": 5.0})}
    res = optimise_portfolio([made[k] for k in order], goals, Limits(one_off=1e6), objective="gap", first_year=FIRST)
    assert res.chosen == ("high",)
    d = by_key(res)
    assert d["low"].reason == "displaced" and d["low"].marginal == 0.0
    assert d["low"].marginal_npv == pytest.approx(d["high"].npv - d["low"].npv)
    # a candidate that closes nothing more but earns money is taken when there is room
    extra = cand("earner", 5e5, 0.0)
    res = optimise_portfolio([made[k] for k in order] + [extra], goals, Limits(one_off=1e6), objective="gap",
                             first_year=FIRST)
    assert res.chosen[-1] == "earner" and res.objective == pytest.approx(1.0)


def test_gap_objective_keeps_tiny_real_differences():
    # kroner-sized gaps: 1 kr of 10 million is a real (not a tie) difference of 1e-7
    goals = [GoalGap("g", "G", 10_000_000.0)]
    cands = [cand("a", 2e6, 1e6, contributions={"g": 5_000_000.0}), cand("b", 1e6, 1e6, contributions={"g": 5_000_001.0})]
    res = optimise_portfolio(cands, goals, Limits(one_off=1e6), objective="gap", first_year=FIRST)
    assert res.chosen == ("b",)


def test_no_candidates_and_no_limits():
    res = optimise_portfolio([], first_year=FIRST)
    assert res.status == "optimal" and res.objective == 0 and res.chosen == () and res.decisions == []
    res = optimise_portfolio([cand("a", 1e6, 1e6), cand("b", 0, 1e6)], first_year=FIRST)
    assert res.chosen == ("a",) and res.room == {"one_off": None, "yearly_cost": None, "fte": None}
    assert by_key(res)["b"].reason == "not_worth"


def test_npv_uses_the_period_and_rate():
    # 1.2 MNOK a year from 2029 does not repay 3 MNOK in 2027–2030, but does over six years
    c = [cand("slow", 1.2e6, 3e6, benefit_start_year=FIRST + 2)]
    assert optimise_portfolio(c, first_year=FIRST).chosen == ()
    assert optimise_portfolio(c, first_year=FIRST, years=6).chosen == ("slow",)
    assert by_key(optimise_portfolio(c, first_year=FIRST, discount_rate=0))["slow"].npv == pytest.approx(-6e5)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(candidates=[cand("a", 1, 1), cand("a", 2, 2)]), "duplicate candidate key"),
        (dict(candidates=[cand("a", 1, -1)]), "one_off_cost"),
        (dict(candidates=[cand("a", 1, 1, -1)]), "yearly_cost"),
        (dict(candidates=[cand("a", -1, 1)]), "yearly_benefit"),
        (dict(candidates=[cand("a", 1, 1, fte=-0.5)]), "fte"),
        (dict(candidates=[cand("a", math.nan, 1)]), "yearly_benefit"),
        (dict(candidates=[cand("a", 1, 1, fte=math.nan)]), "fte"),
        (dict(candidates=[cand("a", 1, 1, contributions={"nope": 1.0})]), "unknown goal"),
        (dict(candidates=[cand("a", 1, 1, contributions={"g": math.nan})]), "contribution"),
        (dict(candidates=[cand("a", 1, 1, contributions={"g": -1.0})]), "contribution"),
        (dict(candidates=[cand("a", 1, 1, benefit_start_year=FIRST - 1)]), "candidate 'a'.*benefit_start_year"),
        (dict(goals=[GoalGap("g", "G", 1.0), GoalGap("g", "G2", 2.0)]), "duplicate goal key"),
        (dict(goals=[GoalGap("g", "G", math.nan)]), "gap"),
        (dict(goals=[GoalGap("g", "G", 1.0, weight=-1)]), "weight"),
        (dict(limits=Limits(one_off=-1)), "one_off"),
        (dict(limits=Limits(fte=math.nan)), "fte"),
        (dict(objective="cheapest"), "objective"),
        (dict(years=0), "years"),
    ],
)
def test_validation_errors(kwargs, message):
    base = dict(candidates=[cand("a", 1e6, 1e6, contributions={"g": 1.0})], goals=[GoalGap("g", "G", 1.0)],
                limits=Limits(), objective="benefit")
    args = {**base, **kwargs}
    with pytest.raises(ValueError, match=message):
        optimise_portfolio(args.pop("candidates"), args.pop("goals"), args.pop("limits"), first_year=FIRST, **args)


def test_reason_codes_are_the_documented_ones():
    assert set(pf.REASONS) == {"must_do", "chosen", "not_worth", "too_large", "displaced"}
