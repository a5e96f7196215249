"""Choosing the initiatives (KS' Helhetsmodellen, Q3 *velge endringstiltak*): an exact portfolio optimisation.

No Django, no I/O. Candidates ``i`` with a yearly benefit, a one-off cost, a
yearly cost and an FTE need; goals ``g`` with a gap (how much is missing to reach
the goal, in the goal's unit, > 0) and a weight; candidate ``i`` moves goal ``g``
by ``c_ig ≥ 0``. Decision variables ``x_i ∈ {0, 1}``; must-do candidates are fixed
to ``x_i = 1``. Limits (each optional)::

    Σ_i x_i · one_off_i ≤ L_one_off,   Σ_i x_i · yearly_cost_i ≤ L_yearly_cost,   Σ_i x_i · fte_i ≤ L_fte

Objectives:

* ``"benefit"``: maximise ``Σ_i x_i · NPV_i``, with ``NPV_i`` the net present value
  of candidate ``i`` over the period from :func:`gevinst.core.business_case.business_case`
  (benefit minus one-off and yearly costs, discounted), so costs count: a candidate
  whose costs outweigh its benefit in the period is not worth taking.
* ``"gap"``: maximise ``Σ_g w_g · closed_g / gap_g`` with continuous ``closed_g`` and::

      0 ≤ closed_g ≤ gap_g,     closed_g ≤ Σ_i c_ig · x_i

  i.e. the weighted share of each gap that is closed; a contribution beyond the
  gap earns nothing. Goals with ``gap ≤ 0`` are already reached: they are left
  out of the objective and reported in ``ignored_goals``.

Ties are broken lexicographically and exactly: after the primary solve with
optimum ``z*``, a second MILP adds ``primary ≥ z* − TIE_TOL · max(1, |z*|)``
(``TIE_TOL = 1e-9``: primaries closer than that count as equal) and maximises
the total NPV. For ``"benefit"`` the primary *is* the total NPV and no second
solve is needed (portfolios with exactly equal NPV are then left to the solver).
The objective values reported are recomputed from the chosen 0/1 vector, not
taken from the solver.

The MILPs are solved by HiGHS through :func:`scipy.optimize.milp` with a zero
relative MIP gap. Objective coefficients are scaled to at most ``OBJ_SCALE`` and
gap shares run 0 … ``SHARE_SCALE`` inside the MILP, so HiGHS's absolute gap
(1e-6) and feasibility tolerance (1e-7) are ~1e-12 of the quantities compared.
Limits are checked exactly in Python (to ``LIMIT_RTOL`` of the limit): a solver
answer that only meets a limit within the solver's tolerance is cut off by a
no-good cut and the MILP re-solved. (HiGHS 1.12 may print a stray
``HighsMipSolverData::transformNewIntegerFeasibleSolution`` line to stdout while
repairing a presolved solution; it is noise, ERGO-Code/HiGHS#2783.)

Each candidate gets a :class:`Decision` with a machine reason code (texts for
users are written by the caller):

* ``must_do``: fixed in;
* ``chosen``: in the optimal portfolio;
* ``not_worth``: not chosen, and its value to the objective on its own, on top of
  the must-do items, is not positive (``"benefit"``: ``NPV_i ≤ 0``; ``"gap"``: it
  closes no more of the gaps and ``NPV_i ≤ 0``, lexicographically);
* ``too_large``: not chosen; the must-do items plus this one alone break a limit;
* ``displaced``: not chosen; it fits, but the best portfolio containing it is worse.

(``not_worth`` is tested before ``too_large``: a larger budget would not bring it in.)
``marginal`` is exact, one lexicographic re-solve per candidate: for a chosen
non-must item ``z* − z*(x_i = 0)``, for an unchosen item ``z* − z*(x_i = 1)``
(None when forcing it in is infeasible, i.e. ``too_large``), in the units of the
primary objective (clamped at 0: within ``TIE_TOL`` a forced portfolio can look
marginally better); ``marginal_npv`` is the same difference in total NPV (it can be
negative under ``"gap"``). The cost is one MILP per candidate that is neither
must-do nor too large (two for ``"gap"``). Measured for 60 candidates: 1–2 s
under ``"benefit"``, 6–7 s under ``"gap"`` (≈ 50 ms a MILP with the share
variables); ``explain=False`` skips them (the reasons need no re-solve; the
optimum alone takes < 0.2 s) and leaves ``marginal`` None.

If the must-do items alone break a limit no exception is raised: the result has
status ``"infeasible"`` and ``limit_excess`` (limit → amount over); nothing is
chosen, and totals, room and goals describe the must-do items alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from gevinst.core.business_case import DEFAULT_DISCOUNT_RATE, DEFAULT_YEARS, business_case

OBJECTIVES = ("benefit", "gap")
LIMIT_NAMES = ("one_off", "yearly_cost", "fte")

# Reason codes of a Decision
MUST_DO = "must_do"
CHOSEN = "chosen"
NOT_WORTH = "not_worth"
TOO_LARGE = "too_large"
DISPLACED = "displaced"
REASONS = (MUST_DO, CHOSEN, NOT_WORTH, TOO_LARGE, DISPLACED)

STATUS_OPTIMAL = "optimal"
STATUS_INFEASIBLE = "infeasible"

LIMIT_RTOL = 1e-9  # a total within LIMIT_RTOL · max(1, limit) above a limit still meets it
TIE_TOL = 1e-9  # the second (tie-breaking) solve keeps primary ≥ z* − TIE_TOL · max(1, |z*|)
SHARE_SCALE = 1e6  # the MILP's share variables run 0 … SHARE_SCALE, so HiGHS's 1e-7 feasibility is 1e-13 of a gap
OBJ_SCALE = 1e6  # the MILP objective's largest coefficient (HiGHS's absolute gap is 1e-6 of its units)
VALUE_TOL = 1e-12  # "no more of the gaps closed" for not_worth (gap shares are O(1))


# ---------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class CandidateInput:
    """A candidate initiative: kroner per year / once, FTE, and what it moves per goal (goal key → amount)."""

    key: str
    name: str
    yearly_benefit: float
    one_off_cost: float
    yearly_cost: float
    fte: float = 0.0
    must_do: bool = False
    contributions: Mapping[str, float] = field(default_factory=dict)  # in the goal's unit, ≥ 0
    benefit_start_year: int | None = None


@dataclass(frozen=True)
class GoalGap:
    """A goal and how much is missing to reach it (gap > 0), in the goal's unit.

    ``legal_minimum`` is carried through to the result for the caller; it does not
    change the optimisation (what a legal minimum requires is entered as must-do
    candidates).
    """

    key: str
    name: str
    gap: float
    weight: float = 1.0
    legal_minimum: bool = False


@dataclass(frozen=True)
class Limits:
    """Upper limits on the chosen portfolio's totals; None = no limit."""

    one_off: float | None = None
    yearly_cost: float | None = None
    fte: float | None = None

    def as_dict(self) -> dict[str, float | None]:
        return {"one_off": self.one_off, "yearly_cost": self.yearly_cost, "fte": self.fte}


# --------------------------------------------------------------------- results
@dataclass(frozen=True)
class Totals:
    one_off: float
    yearly_cost: float
    fte: float
    yearly_benefit: float
    npv: float


@dataclass(frozen=True)
class GoalResult:
    key: str
    name: str
    gap: float
    weight: float
    legal_minimum: bool
    reached: bool  # gap ≤ 0: already reached, ignored by the optimisation
    contributed: float  # Σ c_ig over the chosen candidates (may exceed the gap)
    closed: float  # min(gap, contributed); 0 for a reached goal
    remaining: float  # gap − closed; 0 for a reached goal
    share_closed: float | None  # closed / gap; None for a reached goal


@dataclass(frozen=True)
class Decision:
    key: str
    name: str
    chosen: bool
    reason: str  # one of REASONS
    marginal: float | None  # in primary-objective units, see the module docstring
    marginal_npv: float | None  # the same difference in total NPV (kroner)
    exceeds: dict[str, float]  # unchosen: limit → amount by which adding it to the chosen portfolio breaks it
    value: float  # its own value to the primary objective on top of the must-do items
    npv: float
    pv_benefit: float
    pv_cost: float
    yearly_benefit: float
    one_off_cost: float
    yearly_cost: float
    fte: float
    must_do: bool


@dataclass(frozen=True)
class PortfolioResult:
    status: str  # "optimal" | "infeasible"
    objective_kind: str  # "benefit" | "gap"
    objective: float | None  # total NPV (benefit) or Σ w · share closed (gap); None if infeasible
    chosen: tuple[str, ...]  # keys, in input order
    totals: Totals
    room: dict[str, float | None]  # limit − total per limit; None for no limit
    goals: list[GoalResult]
    decisions: list[Decision]  # one per candidate, in input order (empty if infeasible)
    limit_excess: dict[str, float]  # infeasible: limit → amount by which the must-do items break it
    ignored_goals: tuple[str, ...]  # goals with gap ≤ 0
    first_year: int
    years: int
    discount_rate: float
    solves: int  # MILPs solved


# ---------------------------------------------------------------- validation
def _finite(what: str, value: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(v):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return v


def _nonnegative(what: str, value: float) -> float:
    v = _finite(what, value)
    if v < 0:
        raise ValueError(f"{what} must not be negative, got {v}")
    return v


def _fits(total: float, limit: float | None) -> bool:
    return limit is None or total <= limit + LIMIT_RTOL * max(1.0, limit)


# --------------------------------------------------------------------- model
@dataclass
class _Model:
    objective: str
    npv: np.ndarray  # (n,)
    usage: np.ndarray  # (3, n): one_off, yearly_cost, fte
    limits: list[float | None]  # per LIMIT_NAMES
    must: np.ndarray  # (n,) bool
    share: np.ndarray  # (m, n): c_ig / gap_g for the active goals
    weight: np.ndarray  # (m,)
    solves: int = 0

    @property
    def n(self) -> int:
        return len(self.npv)

    def fits(self, x: np.ndarray) -> bool:
        totals = self.usage @ x.astype(float)
        return all(_fits(t, lim) for t, lim in zip(totals, self.limits))

    def primary(self, x: np.ndarray) -> float:
        xf = x.astype(float)
        if self.objective == "benefit":
            return math.fsum(self.npv[x])
        if not len(self.weight):
            return 0.0
        return math.fsum(self.weight * np.minimum(1.0, self.share @ xf))

    def total_npv(self, x: np.ndarray) -> float:
        return math.fsum(self.npv[x])

    # -- MILP
    def _milp(self, c: np.ndarray, rows: list[np.ndarray], lo: list[float], hi: list[float],
              lb: np.ndarray, ub: np.ndarray) -> np.ndarray | None:
        m = len(self.weight) if self.objective == "gap" else 0
        n = self.n
        integrality = np.r_[np.ones(n), np.zeros(m)]
        bounds = Bounds(np.r_[lb.astype(float), np.zeros(m)], np.r_[ub.astype(float), np.full(m, SHARE_SCALE)])
        constraints = [LinearConstraint(np.vstack(rows), np.array(lo), np.array(hi))] if rows else []
        self.solves += 1
        res = milp(c, constraints=constraints, bounds=bounds, integrality=integrality,
                   options={"mip_rel_gap": 0.0})
        if res.status == 2:
            return None
        if res.status != 0 or res.x is None:
            raise RuntimeError(f"the MILP solver did not finish: {res.message}")
        return np.asarray(res.x[:n] > 0.5)

    def _base_rows(self, cuts: list[np.ndarray]) -> tuple[list[np.ndarray], list[float], list[float]]:
        n = self.n
        m = len(self.weight) if self.objective == "gap" else 0
        rows: list[np.ndarray] = []
        lo: list[float] = []
        hi: list[float] = []
        for k, limit in enumerate(self.limits):
            if limit is None:
                continue
            coef = self.usage[k]
            scale = max(limit, float(coef.max(initial=0.0)), 1e-300)
            rows.append(np.r_[coef / scale, np.zeros(m)])
            lo.append(-np.inf)
            hi.append(limit / scale)
        for g in range(m):  # s_g − S · Σ_i (c_ig / gap_g) x_i ≤ 0 with s_g = S · closed_g / gap_g ∈ [0, S]
            row = np.r_[-SHARE_SCALE * self.share[g], np.zeros(m)]
            row[n + g] = 1.0
            rows.append(row)
            lo.append(-np.inf)
            hi.append(0.0)
        for cut in cuts:  # no-good cut: Σ_{i∈S} x_i − Σ_{i∉S} x_i ≤ |S| − 1
            rows.append(np.r_[np.where(cut, 1.0, -1.0), np.zeros(m)])
            lo.append(-np.inf)
            hi.append(float(cut.sum()) - 1.0)
        return rows, lo, hi

    def _stage(self, c: np.ndarray, extra: tuple[np.ndarray, float] | None,
               lb: np.ndarray, ub: np.ndarray) -> np.ndarray | None:
        """One MILP, re-solved with no-good cuts until the answer meets the limits exactly."""
        top = float(np.abs(c).max(initial=0.0))
        if top > 0:  # HiGHS stops at an absolute gap of 1e-6 objective units: make that negligible
            c = c * (OBJ_SCALE / top)
        cuts: list[np.ndarray] = []
        while True:
            rows, lo, hi = self._base_rows(cuts)
            if extra is not None:
                rows.append(extra[0])
                lo.append(extra[1])
                hi.append(np.inf)
            x = self._milp(c, rows, lo, hi, lb, ub)
            if x is None or self.fits(x):
                return x
            cuts.append(x)

    def optimum(self, lb: np.ndarray, ub: np.ndarray) -> np.ndarray | None:
        """The lexicographic optimum (primary, then total NPV) with ``lb ≤ x ≤ ub``; None if infeasible."""
        if not self.fits(lb):
            return None
        ub = ub.copy()
        for i in np.flatnonzero(ub & ~lb):  # exact pre-filter: what cannot fit even alone is out
            trial = lb.copy()
            trial[i] = True
            if not self.fits(trial):
                ub[i] = False
        if self.n == 0 or np.array_equal(lb, ub):
            return lb.copy()
        m = len(self.weight) if self.objective == "gap" else 0
        npv_c = np.r_[-self.npv, np.zeros(m)]
        if self.objective == "benefit":
            return self._stage(npv_c, None, lb, ub)
        first = self._stage(np.r_[np.zeros(self.n), -self.weight], None, lb, ub)
        if first is None:  # pragma: no cover - lb fits, so the problem is feasible
            return None
        z1 = self.primary(first)
        floor = z1 - TIE_TOL * max(1.0, abs(z1))
        w_top = float(self.weight.max(initial=0.0)) or 1.0
        second = self._stage(npv_c, (np.r_[np.zeros(self.n), self.weight / w_top], SHARE_SCALE * floor / w_top), lb, ub)
        if second is None or self.primary(second) < z1 - 10 * TIE_TOL * max(1.0, abs(z1)):
            return first  # pragma: no cover - numerical safety net
        return second


# --------------------------------------------------------------------- public
def optimise_portfolio(
    candidates: Sequence[CandidateInput],
    goals: Sequence[GoalGap] = (),
    limits: Limits = Limits(),
    *,
    objective: str = "benefit",
    first_year: int,
    years: int = DEFAULT_YEARS,
    discount_rate: float = DEFAULT_DISCOUNT_RATE,
    explain: bool = True,
) -> PortfolioResult:
    """The best portfolio of candidates under the limits (model and conventions in the module docstring).

    ``first_year``, ``years`` and ``discount_rate`` define each candidate's NPV
    (:func:`~gevinst.core.business_case.business_case`). Raises ``ValueError``
    (English message) on an unknown objective, duplicate candidate or goal keys,
    negative or non-finite costs, FTE, benefits, contributions, weights or limits,
    NaN gaps, and contributions to unknown goals.
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}, got {objective!r}")
    candidates = list(candidates)
    goals = list(goals)

    goal_keys: list[str] = []
    for goal in goals:
        if goal.key in goal_keys:
            raise ValueError(f"duplicate goal key {goal.key!r}")
        goal_keys.append(goal.key)
        _finite(f"gap of goal {goal.key!r}", goal.gap)
        _nonnegative(f"weight of goal {goal.key!r}", goal.weight)
    limit_values = [None if v is None else _nonnegative(f"limit {name}", v) for name, v in limits.as_dict().items()]

    keys: list[str] = []
    cases = []
    for cand in candidates:
        if cand.key in keys:
            raise ValueError(f"duplicate candidate key {cand.key!r}")
        keys.append(cand.key)
        _nonnegative(f"one_off_cost of candidate {cand.key!r}", cand.one_off_cost)
        _nonnegative(f"yearly_cost of candidate {cand.key!r}", cand.yearly_cost)
        _nonnegative(f"yearly_benefit of candidate {cand.key!r}", cand.yearly_benefit)
        _nonnegative(f"fte of candidate {cand.key!r}", cand.fte)
        for gkey, amount in cand.contributions.items():
            if gkey not in goal_keys:
                raise ValueError(f"candidate {cand.key!r} contributes to unknown goal {gkey!r}")
            _nonnegative(f"contribution of candidate {cand.key!r} to goal {gkey!r}", amount)
        try:
            cases.append(business_case(
                one_off_cost=cand.one_off_cost, yearly_cost=cand.yearly_cost, yearly_benefit=cand.yearly_benefit,
                first_year=first_year, years=years, benefit_start_year=cand.benefit_start_year,
                discount_rate=discount_rate, sensitivity=()))
        except ValueError as exc:
            raise ValueError(f"candidate {cand.key!r}: {exc}") from None

    n = len(candidates)
    active = [g for g, goal in enumerate(goals) if float(goal.gap) > 0]
    contrib = np.array([[float(c.contributions.get(goal.key, 0.0)) for c in candidates] for goal in goals],
                       dtype=float).reshape(len(goals), n)
    model = _Model(
        objective=objective,
        npv=np.array([bc.npv for bc in cases], dtype=float),
        usage=np.array([[float(c.one_off_cost) for c in candidates], [float(c.yearly_cost) for c in candidates],
                        [float(c.fte) for c in candidates]], dtype=float).reshape(3, n),
        limits=limit_values,
        must=np.array([bool(c.must_do) for c in candidates], dtype=bool),
        share=(contrib[active] / np.array([float(goals[g].gap) for g in active]).reshape(-1, 1)).reshape(len(active), n),
        weight=np.array([float(goals[g].weight) for g in active], dtype=float),
    )
    ignored = tuple(goal.key for goal in goals if float(goal.gap) <= 0)
    common = dict(objective_kind=objective, ignored_goals=ignored, first_year=first_year, years=years,
                  discount_rate=float(discount_rate))

    def totals_of(x: np.ndarray) -> Totals:
        return Totals(
            one_off=math.fsum(model.usage[0][x]), yearly_cost=math.fsum(model.usage[1][x]),
            fte=math.fsum(model.usage[2][x]),
            yearly_benefit=math.fsum(float(c.yearly_benefit) for c, on in zip(candidates, x) if on),
            npv=model.total_npv(x))

    def room_of(t: Totals) -> dict[str, float | None]:
        used = {"one_off": t.one_off, "yearly_cost": t.yearly_cost, "fte": t.fte}
        room: dict[str, float | None] = {}
        for name, limit in zip(LIMIT_NAMES, limit_values):
            if limit is None:
                room[name] = None
            else:
                left = limit - used[name]
                room[name] = 0.0 if left < 0 and _fits(used[name], limit) else left
        return room

    def goals_of(x: np.ndarray) -> list[GoalResult]:
        out = []
        for g, goal in enumerate(goals):
            gap = float(goal.gap)
            contributed = math.fsum(contrib[g][x])
            reached = gap <= 0
            closed = 0.0 if reached else min(gap, contributed)
            out.append(GoalResult(
                key=goal.key, name=goal.name, gap=gap, weight=float(goal.weight), legal_minimum=bool(goal.legal_minimum),
                reached=reached, contributed=contributed, closed=closed, remaining=0.0 if reached else gap - closed,
                share_closed=None if reached else closed / gap))
        return out

    lb = model.must.copy()
    ub = np.ones(n, dtype=bool)
    must_totals = totals_of(lb)
    if not model.fits(lb):
        excess = {}
        for name, used, limit in zip(LIMIT_NAMES, model.usage @ lb.astype(float), limit_values):
            if not _fits(used, limit):
                excess[name] = float(used - limit)  # type: ignore[operator]
        return PortfolioResult(status=STATUS_INFEASIBLE, objective=None, chosen=(), totals=must_totals,
                               room=room_of(must_totals), goals=goals_of(lb), decisions=[], limit_excess=excess,
                               solves=0, **common)

    x = model.optimum(lb, ub)
    assert x is not None  # the must-do items fit
    z = model.primary(x)
    z_npv = model.total_npv(x)
    totals = totals_of(x)
    used_now = model.usage @ x.astype(float)
    base_value = model.primary(lb)

    decisions = []
    for i, (cand, bc) in enumerate(zip(candidates, cases)):
        alone = lb.copy()
        alone[i] = True
        if lb[i]:  # a must-do item: what it adds to the others
            without = lb.copy()
            without[i] = False
            value = base_value - model.primary(without)
        else:
            value = model.primary(alone) - base_value
        marginal = marginal_npv = None
        exceeds: dict[str, float] = {}
        if lb[i]:
            reason = MUST_DO
        elif x[i]:
            reason = CHOSEN
            if explain:
                hi = ub.copy()
                hi[i] = False
                other = model.optimum(lb, hi)
                assert other is not None  # dropping a non-must item keeps the must-do items feasible
                marginal, marginal_npv = max(0.0, z - model.primary(other)), z_npv - model.total_npv(other)
        else:
            for k, (name, limit) in enumerate(zip(LIMIT_NAMES, limit_values)):
                total = used_now[k] + model.usage[k, i]
                if not _fits(total, limit):
                    exceeds[name] = float(total - limit)  # type: ignore[operator]
            too_large = not model.fits(alone)
            if objective == "benefit":
                worthless = bc.npv <= 0
            else:
                worthless = value < -VALUE_TOL or (value <= VALUE_TOL and bc.npv <= 0)
            reason = NOT_WORTH if worthless else TOO_LARGE if too_large else DISPLACED
            if explain and not too_large:
                low = lb.copy()
                low[i] = True
                other = model.optimum(low, ub)
                assert other is not None
                marginal, marginal_npv = max(0.0, z - model.primary(other)), z_npv - model.total_npv(other)
        decisions.append(Decision(
            key=cand.key, name=cand.name, chosen=bool(x[i]), reason=reason, marginal=marginal,
            marginal_npv=marginal_npv, exceeds=exceeds, value=value, npv=bc.npv, pv_benefit=bc.pv_benefit,
            pv_cost=bc.pv_cost, yearly_benefit=bc.yearly_benefit, one_off_cost=bc.one_off_cost,
            yearly_cost=bc.yearly_cost, fte=float(cand.fte), must_do=bool(lb[i])))

    return PortfolioResult(
        status=STATUS_OPTIMAL, objective=z, chosen=tuple(c.key for c, on in zip(candidates, x) if on), totals=totals,
        room=room_of(totals), goals=goals_of(x), decisions=decisions, limit_excess={}, solves=model.solves, **common)
