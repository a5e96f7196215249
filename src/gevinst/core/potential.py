"""Economic room per service (*handlingsrom*, *gevinstpotensial*): the pure arithmetic.

No Django, no database: callers pass numbers. The formulas (documented in
``docs/methods-potential.md``):

* need-adjusted net operating expenditure per inhabitant (KDD/KS practice)::

      NA = (NE × 1000) / (P × I)

  ``NE`` net operating expenditure of the service's KOSTRA function groups in
  1000 kr, ``P`` population 31 December of the accounts year (KOSTRA's
  per-inhabitant denominator), ``I`` the sector index of the expenditure-need
  system (national average 1,00; index 1 for services without one).

* a service made of several sectors (FGK9 = pleie og omsorg + kommunehelse)
  uses ``I = Σ wₛ Iₛ`` with the sectors' national expenditure shares as weights.

* reference level of a set of municipalities (the country, a KOSTRA group, a
  peer set)::

      R = Σ NEᵢ × 1000 / Σ (Pᵢ × Iᵢ)

  i.e. the set's need-adjusted spending, each municipality weighted by its
  need-weighted population ``Pᵢ × Iᵢ``. For all municipalities ``Σ Pᵢ Iᵢ = Σ Pᵢ``
  (the index averages 1), so the country's level is plain spending per inhabitant.

* best quartile: the first quartile (25th percentile, linear interpolation
  between order statistics, as Excel's KVARTIL.INK) of the members' ``NA``.

* potential in kroner per year::

      G = (NA − R) × P × I  =  NE × 1000 − R × P × I

  what the municipality spends above (positive: a potential saving) or below
  (negative) what it would spend at the reference level given its own need.
  Multiplying the difference by ``P`` alone would misstate the amount by the
  factor ``I``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    """One municipality's inputs for one service."""

    region: str
    net_expenses: float | None  # 1000 kr
    population: float | None  # 31.12 of the accounts year
    index: float | None  # sector index (1 for services without one)

    @property
    def complete(self) -> bool:
        return all(v is not None and math.isfinite(v) for v in (self.net_expenses, self.population, self.index)) and (
            (self.population or 0) > 0 and (self.index or 0) > 0
        )


def combined_index(indices: Sequence[float | None], weights: Sequence[float] | None = None) -> float | None:
    """``Σ wₛ Iₛ`` (weights normalised to 1); a single index is returned as it is; None if any is missing."""
    if not indices:
        return 1.0
    if any(i is None for i in indices):
        return None
    if len(indices) == 1:
        return float(indices[0])  # type: ignore[arg-type]
    if weights is None or len(weights) != len(indices):
        raise ValueError("weights must be given, one per sector, for a service of several sectors")
    total = float(sum(weights))
    return sum(w * float(i) for w, i in zip(weights, indices)) / total  # type: ignore[arg-type]


def per_inhabitant(net_expenses: float | None, population: float | None) -> float | None:
    """``NE × 1000 / P`` in kroner."""
    if net_expenses is None or not population:
        return None
    return net_expenses * 1000.0 / population


def need_adjusted(net_expenses: float | None, population: float | None, index: float | None) -> float | None:
    """``(NE × 1000) / (P × I)`` in kroner per inhabitant."""
    if net_expenses is None or not population or not index:
        return None
    return net_expenses * 1000.0 / (population * index)


def set_level(units: Sequence[Unit]) -> float | None:
    """``Σ NE × 1000 / Σ (P × I)`` over the complete units (None if there are none)."""
    done = [u for u in units if u.complete]
    if not done:
        return None
    denominator = sum(u.population * u.index for u in done)  # type: ignore[operator]
    return sum(u.net_expenses for u in done) * 1000.0 / denominator  # type: ignore[misc]


def quantile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile with linear interpolation between order statistics (Excel KVARTIL.INK)."""
    xs = sorted(v for v in values if v is not None and math.isfinite(v))
    if not xs:
        return None
    pos = (len(xs) - 1) * q
    lo = math.floor(pos)
    hi = math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def best_quartile(units: Sequence[Unit]) -> float | None:
    """The first quartile of the complete units' need-adjusted spending (low spending = best)."""
    return quantile([need_adjusted(u.net_expenses, u.population, u.index) for u in units if u.complete], 0.25)


def potential(own: Unit, reference: float | None) -> float | None:
    """``(NA − R) × P × I`` in kroner per year; positive = spending above the reference."""
    if reference is None or not own.complete:
        return None
    na = need_adjusted(own.net_expenses, own.population, own.index)
    return (na - reference) * own.population * own.index  # type: ignore[operator]


@dataclass(frozen=True)
class WaterfallStep:
    """One bar of a waterfall: from ``start`` to ``end`` (``end - start`` = the step's value)."""

    label: str
    start: float
    end: float
    total: bool = False

    @property
    def value(self) -> float:
        return self.end - self.start


def waterfall(items: Sequence[tuple[str, float]], total_label: str) -> list[WaterfallStep]:
    """Steps ordered by size (largest absolute amount first: «følg de store pengene»), then the total."""
    ordered = sorted(items, key=lambda kv: (-abs(kv[1]), kv[0]))
    steps: list[WaterfallStep] = []
    running = 0.0
    for label, value in ordered:
        steps.append(WaterfallStep(label, running, running + value))
        running += value
    steps.append(WaterfallStep(total_label, 0.0, running, total=True))
    return steps
