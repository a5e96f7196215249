"""Business case per initiative (*nytte-kost*, net present value): the pure arithmetic.

No Django, no I/O: callers pass numbers in kroner (fixed prices). Convention:

* The analysis period is ``years`` budget years starting with ``first_year`` (the
  *økonomiplan* period, four years by default). Year ``k = 0 … years − 1`` is the
  budget year ``first_year + k``.

* The decision is taken at the start of the first budget year, so year ``k`` is
  discounted by::

      d_k = 1 / (1 + r)^k

  with ``r`` the discount rate (DFØ's recommended 4 % for public measures by
  default, configurable; ``r = 0`` gives plain sums). Every amount of a year is
  treated as falling at the start of that year.

* Cash flows of year ``k``::

      one_off_k = C₀  if k = 0 else 0          (the one-off cost falls in the first year)
      yearly_k  = C                            (the yearly cost runs in every year)
      benefit_k = B  if first_year + k ≥ s else 0
                                               (s = benefit_start_year, default first_year)
      net_k     = benefit_k − one_off_k − yearly_k

* Results::

      NPV       = Σ_k d_k · net_k  =  PV(B) − PV(C)
      PV(B)     = Σ_k d_k · benefit_k,   PV(C) = Σ_k d_k · (one_off_k + yearly_k)
      BCR       = PV(B) / PV(C)                     (None when PV(C) = 0)
      payback   = the first year with Σ_{j≤k} net_j ≥ 0         (nominal; None if not in the period)
      discounted payback = the first year with Σ_{j≤k} d_j · net_j ≥ 0
      NPV(f)    = f · PV(B) − PV(C)                 (sensitivity: the benefit scaled by f)
      break-even factor f* = PV(C) / PV(B)          (NPV(f*) = 0; None when PV(B) = 0)

  A payback test ``≥ 0`` allows for floating-point rounding (``PAYBACK_RTOL`` of the
  amounts involved), so a stream that pays back exactly is recognised as doing so.

With ``r`` constant and the benefit running from the first year, the NPV of a flat
stream is the annuity-due formula ``(B − C) · (1 − (1 + r)^−n) / r · (1 + r) − C₀``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

DEFAULT_YEARS = 4
DEFAULT_DISCOUNT_RATE = 0.04  # DFØ: kalkulasjonsrente for offentlige tiltak
DEFAULT_SENSITIVITY: tuple[float, ...] = (0.5, 0.75, 1.0, 1.25, 1.5)
MAX_YEARS = 50
PAYBACK_RTOL = 1e-9

TABLE_COLUMNS = (
    "year",
    "one_off_cost",
    "yearly_cost",
    "benefit",
    "net",
    "discount_factor",
    "net_present_value",
    "cumulative_net",
    "cumulative_present_value",
)


@dataclass(frozen=True)
class BusinessCase:
    """The business case of one initiative over the analysis period (amounts in kroner)."""

    table: pl.DataFrame  # one row per budget year, columns TABLE_COLUMNS
    npv: float  # PV(benefit) − PV(costs)
    pv_benefit: float
    pv_cost: float
    total_benefit: float  # nominal sum over the period
    total_cost: float  # nominal sum of one-off and yearly costs over the period
    benefit_cost_ratio: float | None  # PV(benefit) / PV(costs); None when PV(costs) = 0
    payback_year: int | None  # first year whose nominal cumulative net ≥ 0
    discounted_payback_year: int | None  # first year whose cumulative present value ≥ 0
    sensitivity: list[tuple[float, float]]  # (benefit factor, NPV)
    break_even_factor: float | None  # benefit factor at which NPV = 0; None when PV(benefit) = 0
    # the inputs (benefit_start_year resolved)
    one_off_cost: float
    yearly_cost: float
    yearly_benefit: float
    first_year: int
    years: int
    benefit_start_year: int
    discount_rate: float

    @property
    def last_year(self) -> int:
        return self.first_year + self.years - 1


def _check_amount(name: str, value: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if v < 0:
        raise ValueError(f"{name} must not be negative, got {v}")
    return v


def _check_int(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    return value


def _first_nonnegative(years: list[int], cumulative: list[float], scale: float) -> int | None:
    tol = PAYBACK_RTOL * scale
    for year, value in zip(years, cumulative):
        if value >= -tol:
            return year
    return None


def business_case(
    *,
    one_off_cost: float,
    yearly_cost: float,
    yearly_benefit: float,
    first_year: int,
    years: int = DEFAULT_YEARS,
    benefit_start_year: int | None = None,
    discount_rate: float = DEFAULT_DISCOUNT_RATE,
    sensitivity: tuple[float, ...] = DEFAULT_SENSITIVITY,
) -> BusinessCase:
    """Net present value, payback and sensitivity of one initiative (formulas in the module docstring).

    ``first_year`` is the first budget year of the period and the decision year
    (discount factor 1); ``years`` budget years are counted (1–50). The one-off
    cost falls in ``first_year``, the yearly cost in every year, the yearly
    benefit from ``benefit_start_year`` (default ``first_year``; a start after
    the period gives no benefit). Raises ``ValueError`` (English message) on
    negative or non-finite amounts, a period outside 1–50 years, a rate ≤ −1 or
    > 1, a benefit start before ``first_year`` or a negative/non-finite
    sensitivity factor.
    """
    c0 = _check_amount("one_off_cost", one_off_cost)
    c = _check_amount("yearly_cost", yearly_cost)
    b = _check_amount("yearly_benefit", yearly_benefit)
    first_year = _check_int("first_year", first_year)
    years = _check_int("years", years)
    if not 1 <= years <= MAX_YEARS:
        raise ValueError(f"years must be between 1 and {MAX_YEARS}, got {years}")
    try:
        r = float(discount_rate)
    except (TypeError, ValueError):
        raise ValueError(f"discount_rate must be a number, got {discount_rate!r}") from None
    if not math.isfinite(r) or r <= -1 or r > 1:
        raise ValueError(f"discount_rate must be a fraction above -1 and at most 1 (0.04 = 4 %), got {discount_rate!r}")
    start = first_year if benefit_start_year is None else _check_int("benefit_start_year", benefit_start_year)
    if start < first_year:
        raise ValueError(f"benefit_start_year ({start}) must not be before first_year ({first_year})")
    factors = tuple(_check_amount("sensitivity factor", f) for f in sensitivity)

    year_list = [first_year + k for k in range(years)]
    one_off = [c0 if k == 0 else 0.0 for k in range(years)]
    yearly = [c] * years
    benefit = [b if y >= start else 0.0 for y in year_list]
    net = [bk - ok - yk for bk, ok, yk in zip(benefit, one_off, yearly)]
    discount = [1.0 / (1.0 + r) ** k for k in range(years)]
    present = [n * d for n, d in zip(net, discount)]
    cumulative_net: list[float] = []
    cumulative_pv: list[float] = []
    s_net = s_pv = 0.0
    for n, p in zip(net, present):
        s_net += n
        s_pv += p
        cumulative_net.append(s_net)
        cumulative_pv.append(s_pv)

    pv_benefit = math.fsum(bk * d for bk, d in zip(benefit, discount))
    pv_cost = math.fsum((ok + yk) * d for ok, yk, d in zip(one_off, yearly, discount))
    npv = pv_benefit - pv_cost
    total_benefit = math.fsum(benefit)
    total_cost = math.fsum(one_off) + math.fsum(yearly)
    scale = max(1.0, total_benefit + total_cost)

    table = pl.DataFrame(
        {
            "year": year_list,
            "one_off_cost": one_off,
            "yearly_cost": yearly,
            "benefit": benefit,
            "net": net,
            "discount_factor": discount,
            "net_present_value": present,
            "cumulative_net": cumulative_net,
            "cumulative_present_value": cumulative_pv,
        },
        schema={"year": pl.Int64, **{name: pl.Float64 for name in TABLE_COLUMNS[1:]}},
    )
    return BusinessCase(
        table=table,
        npv=npv,
        pv_benefit=pv_benefit,
        pv_cost=pv_cost,
        total_benefit=total_benefit,
        total_cost=total_cost,
        benefit_cost_ratio=pv_benefit / pv_cost if pv_cost > 0 else None,
        payback_year=_first_nonnegative(year_list, cumulative_net, scale),
        discounted_payback_year=_first_nonnegative(year_list, cumulative_pv, scale),
        sensitivity=[(f, f * pv_benefit - pv_cost) for f in factors],
        break_even_factor=pv_cost / pv_benefit if pv_benefit > 0 else None,
        one_off_cost=c0,
        yearly_cost=c,
        yearly_benefit=b,
        first_year=first_year,
        years=years,
        benefit_start_year=start,
        discount_rate=r,
    )
