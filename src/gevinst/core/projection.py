"""Perspective analysis (*perspektivanalyse*): population by age group, demographic cost, labour need.

Pure functions (Polars / plain Python, no Django). The database side is
:mod:`gevinst.economy.projection`; the method is written out in
``docs/methods-projection.md``.

Age groups (SSB 07459 bands, the ones the store holds)::

    age_0, age_1_5, age_6_15, age_16_19, age_20_66, age_67_79, age_80_89, age_90p

Two population methods, both labelled on every number they produce:

``aldring`` (cohort ageing)
    Single-year ages ``P[a]`` (0–105, 105 = 105 and older) are moved on one year
    at a time: ``P'[a] = P[a-1] · f(band(a))`` and ``P'[105] = (P[104] + P[105]) · f(90+)``.
    ``f(band)`` is a *national net cohort change factor*: registered national band
    total in year t+1 divided by the national single-year population of year t
    aged one year into that band (Hamilton–Perry idea, one-year steps). It holds
    mortality and net migration together, at the national level. Births:
    ``P'[0] = b · Σ P'[20..44]`` with ``b`` the region's own ratio of 0-year-olds
    to inhabitants 20–44 in the base year, held constant.

``andeler`` (constant age shares)
    The base year's band shares times a projected total; the total follows the
    region's own average annual change (persons a year) over the last ten
    registered years, held constant (linear trend).

Demographic cost (TBU *demografikostnader*), in fixed prices of the accounts year::

    unit_cost[s, g]   = net_expenses[s] · 1000 · share[s, g] / target_pop[g](accounts year)
    cost[s, g](T)     = unit_cost[s, g] · target_pop[g](T) · (1 + coverage) · (1 + unit_change)
    change(T)         = Σ_s,g cost[s, g](T) − Σ_s,g unit_cost[s, g] · target_pop[g](base)  − efficiency

Labour need (KDD *tjenestebehov*: coverage and årsverk per recipient held constant)::

    arsverk[s](T) = arsverk[s](base) · Σ_g share[s, g] · target_pop[g](T) / target_pop[g](base) · (1 + coverage)
                    · (1 − efficiency %)
    per_1000_20_66(T) = 1000 · Σ_s arsverk[s](T) / P_20_66(T)

Result and room::

    revenue(T) = revenue(Y) · [P(T) / P(B)] · (1 + g)^(T − B)
        (B = Y + 1: the accounts year's 31.12 population; the bracket is 1 when revenue is held
        fixed in total rather than per inhabitant)
    expenses(T) = revenue(Y) − net_result(Y) + change(T)
    ndr(T) = revenue(T) − expenses(T);  ndr_pct(T) = 100 · ndr(T) / revenue(T)
    gap(T) = target_pct / 100 · revenue(T) − ndr(T)     (positive: kroner that must be found)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

#: The age bands of the store, with their inclusive age limits (None: open top).
BANDS: list[tuple[str, int, int | None]] = [
    ("age_0", 0, 0),
    ("age_1_5", 1, 5),
    ("age_6_15", 6, 15),
    ("age_16_19", 16, 19),
    ("age_20_66", 20, 66),
    ("age_67_79", 67, 79),
    ("age_80_89", 80, 89),
    ("age_90p", 90, None),
]
BAND_KEYS = [b[0] for b in BANDS]
MAX_AGE = 105

#: Groups a service can target: a band or a union of bands.
GROUPS: dict[str, tuple[str, ...]] = {
    **{b: (b,) for b in BAND_KEYS},
    "age_0_19": ("age_0", "age_1_5", "age_6_15", "age_16_19"),
    "age_0_66": ("age_0", "age_1_5", "age_6_15", "age_16_19", "age_20_66"),
    "total": tuple(BAND_KEYS),
}

METHODS = ("aldring", "andeler")


def band_of(age: int) -> str:
    for key, lo, hi in BANDS:
        if age >= lo and (hi is None or age <= hi):
            return key
    raise ValueError(age)


_BAND_OF_AGE = [band_of(a) for a in range(MAX_AGE + 1)]


def to_bands(single: list[float]) -> dict[str, float]:
    """Single-year ages 0–105 → band totals."""
    out = dict.fromkeys(BAND_KEYS, 0.0)
    for a, v in enumerate(single):
        out[_BAND_OF_AGE[a]] += v
    return out


def group_value(bands: dict[str, float], group: str) -> float:
    return sum(bands[b] for b in GROUPS[group])


def age_one_year(single: list[float], factors: dict[str, float] | None = None) -> list[float]:
    """Move every cohort on one year (no births: age 0 comes out 0)."""
    f = factors or {}
    new = [0.0] * (MAX_AGE + 1)
    for a in range(1, MAX_AGE):
        new[a] = single[a - 1] * f.get(_BAND_OF_AGE[a], 1.0)
    new[MAX_AGE] = (single[MAX_AGE - 1] + single[MAX_AGE]) * f.get(_BAND_OF_AGE[MAX_AGE], 1.0)
    return new


def cohort_factors(single_t: list[float], bands_next: dict[str, float]) -> dict[str, float]:
    """National net cohort change factor per band (all but age 0) from year t to t+1.

    ``f(band) = registered band total (t+1) / single-year population of t aged one year into the band``.
    """
    aged = to_bands(age_one_year(single_t))
    return {b: bands_next[b] / aged[b] for b in BAND_KEYS if b != "age_0" and aged[b] > 0}


def calibrate(single: list[float], bands: dict[str, float]) -> list[float]:
    """Rescale the ages within each band so the band totals equal ``bands`` (keeps the single-year shape)."""
    have = to_bands(single)
    out = []
    for a, v in enumerate(single):
        b = _BAND_OF_AGE[a]
        if have[b] > 0:
            out.append(v * bands[b] / have[b])
        else:
            lo, hi = next((lo, hi) for k, lo, hi in BANDS if k == b)
            width = (hi if hi is not None else MAX_AGE) - lo + 1
            out.append(bands[b] / width)
    return out


def birth_ratio(single: list[float]) -> float:
    """0-year-olds per inhabitant aged 20–44 (the births rule of the ageing method)."""
    mothers = sum(single[20:45])
    return single[0] / mothers if mothers > 0 else 0.0


def project_ageing(
    base_single: list[float],
    base_year: int,
    to_year: int,
    factors: dict[str, float],
    anchors: dict[int, dict[str, float]] | None = None,
) -> pl.DataFrame:
    """``year, band, value, basis`` from ``base_year`` to ``to_year`` by cohort ageing.

    ``anchors``: registered band totals by year; in those years the aged single years are
    calibrated to them (basis ``registrert``) and the births ratio is taken afresh.
    """
    anchors = anchors or {}
    rows = []
    single = calibrate(base_single, anchors[base_year]) if base_year in anchors else list(base_single)
    births = birth_ratio(single)
    for year in range(base_year, to_year + 1):
        if year > base_year:
            single = age_one_year(single, factors)
            single[0] = births * sum(single[20:45])
            if year in anchors:
                single = calibrate(single, anchors[year])
                births = birth_ratio(single)
        basis = "registrert" if year in anchors else "framskrevet"
        for b, v in to_bands(single).items():
            rows.append((year, b, v, basis))
    return pl.DataFrame(rows, schema={"year": pl.Int32, "band": pl.Utf8, "value": pl.Float64, "basis": pl.Utf8},
                        orient="row")


def growth_per_year(totals: dict[int, float], first: int, last: int) -> float:
    """Average annual change of the total (persons a year, linear) from ``first`` to ``last``."""
    if first == last or first not in totals or last not in totals:
        return 0.0
    return (totals[last] - totals[first]) / (last - first)


def project_shares(base_bands: dict[str, float], base_year: int, to_year: int, per_year: float) -> pl.DataFrame:
    """Constant age shares of the base year × a total changing by ``per_year`` persons a year (linear).

    ``year, band, value, basis``; the total never goes below zero.
    """
    total = sum(base_bands.values())
    rows = []
    for year in range(base_year, to_year + 1):
        k = max(total + per_year * (year - base_year), 0.0) / total if total > 0 else 0.0
        for b in BAND_KEYS:
            rows.append((year, b, base_bands[b] * k, "registrert" if year == base_year else "framskrevet"))
    return pl.DataFrame(rows, schema={"year": pl.Int32, "band": pl.Utf8, "value": pl.Float64, "basis": pl.Utf8},
                        orient="row")


def scale_to_totals(proj: pl.DataFrame, totals: dict[int, float]) -> pl.DataFrame:
    """Scale every band of a year so the year's total equals ``totals[year]`` (years not in ``totals`` unchanged)."""
    sums = proj.group_by("year").agg(pl.col("value").sum().alias("_sum"))
    t = pl.DataFrame({"year": list(totals), "_t": list(totals.values())}, schema={"year": pl.Int32, "_t": pl.Float64})
    return (
        proj.join(sums, on="year").join(t, on="year", how="left")
        .with_columns(pl.when(pl.col("_t").is_not_null() & (pl.col("_sum") > 0))
                      .then(pl.col("value") * pl.col("_t") / pl.col("_sum")).otherwise(pl.col("value")).alias("value"))
        .drop("_sum", "_t")
    )


# ----------------------------------------------------------------- services
@dataclass(frozen=True)
class Service:
    """A service, its KOSTRA function groups and how its net expenditure is spread over age groups."""

    key: str
    name: str
    function_groups: tuple[str, ...]
    #: group → share of the service's net expenditure that follows that group (shares add to 1).
    shares: tuple[tuple[str, float], ...]
    #: True where the shares are an assumption of gevinst rather than data.
    assumed_shares: bool = False


#: The default service ↔ age-group map (docs/methods-projection.md, table 1).
SERVICES: tuple[Service, ...] = (
    Service("barnehage", "Barnehage", ("FGK7",), (("age_1_5", 1.0),)),
    Service("grunnskole", "Grunnskole", ("FGK8b",), (("age_6_15", 1.0),)),
    Service("helse_omsorg", "Helse og omsorg", ("FGK9",),
            (("age_0_66", 0.30), ("age_67_79", 0.15), ("age_80_89", 0.35), ("age_90p", 0.20)), assumed_shares=True),
    Service("sosial", "Sosiale tjenester", ("FGK12",), (("age_20_66", 1.0),)),
    Service("barnevern", "Barnevern", ("FGK13",), (("age_0_19", 1.0),)),
    Service("ovrige", "Øvrige tjenester (ikke VAR)",
            ("FGK1a", "FGK1b", "FGK1c", "FGK2", "FGK3", "FGK4", "FGK5", "FGK6a", "FGK15", "FGK16", "FGK17"),
            (("total", 1.0),)),
)


@dataclass
class Scenario:
    key: str = "basis"
    label: str = "Basis"
    method: str = "aldring"
    coverage_pct: float = 0.0
    unit_cost_pct: float = 0.0
    efficiency_nok: float = 0.0
    efficiency_pct: float = 0.0
    extra: dict = field(default_factory=dict)


def unit_costs(net_expenses: dict[str, float], target_now: dict[str, float], services=SERVICES) -> pl.DataFrame:
    """``service, group, share, net_expenses_nok, target_pop, unit_cost`` (NOK per inhabitant in the group).

    ``net_expenses``: service key → net operating expenditure in 1000 NOK (accounts year).
    ``target_now``: band → population used as denominator (31.12 of the accounts year).
    """
    rows = []
    for s in services:
        if s.key not in net_expenses or net_expenses[s.key] is None:
            continue
        for g, share in s.shares:
            pop = group_value(target_now, g)
            nok = net_expenses[s.key] * 1000.0 * share
            rows.append((s.key, g, share, nok, pop, nok / pop if pop > 0 else 0.0))
    return pl.DataFrame(
        rows,
        schema={"service": pl.Utf8, "group": pl.Utf8, "share": pl.Float64, "net_expenses_nok": pl.Float64,
                "target_pop": pl.Float64, "unit_cost": pl.Float64},
        orient="row",
    )


def demographic_cost(units: pl.DataFrame, proj: pl.DataFrame, base_year: int, scenario: Scenario) -> pl.DataFrame:
    """Per year and service: ``year, service, cost_nok, base_cost_nok, change_nok`` (fixed prices).

    ``change_nok`` = cost in the year under the scenario − cost of the base-year population at today's
    unit cost and coverage. Efficiency is taken off in :func:`totals_by_year`.
    """
    m = (1.0 + scenario.coverage_pct / 100.0) * (1.0 + scenario.unit_cost_pct / 100.0)
    bands_by_year = {
        y: dict(zip(g["band"].to_list(), g["value"].to_list()))
        for (y,), g in proj.group_by("year")
    }
    base = bands_by_year[base_year]
    rows = []
    for y in sorted(bands_by_year):
        bands = bands_by_year[y]
        for s in units.partition_by("service", maintain_order=True):
            key = s["service"][0]
            cost = base_cost = 0.0
            for g, uc in zip(s["group"].to_list(), s["unit_cost"].to_list()):
                cost += uc * group_value(bands, g) * (m if y > base_year else 1.0)
                base_cost += uc * group_value(base, g)
            rows.append((y, key, cost, base_cost, cost - base_cost))
    return pl.DataFrame(
        rows,
        schema={"year": pl.Int32, "service": pl.Utf8, "cost_nok": pl.Float64, "base_cost_nok": pl.Float64,
                "change_nok": pl.Float64},
        orient="row",
    )


def labour_need(
    units: pl.DataFrame, arsverk_base: dict[str, float], proj: pl.DataFrame, base_year: int, scenario: Scenario
) -> pl.DataFrame:
    """``year, service, arsverk`` with coverage and årsverk per recipient held constant (KDD tjenestebehov)."""
    cover = 1.0 + scenario.coverage_pct / 100.0
    eff = 1.0 - scenario.efficiency_pct / 100.0
    bands_by_year = {y: dict(zip(g["band"].to_list(), g["value"].to_list())) for (y,), g in proj.group_by("year")}
    base = bands_by_year[base_year]
    rows = []
    for y in sorted(bands_by_year):
        for s in units.partition_by("service", maintain_order=True):
            key = s["service"][0]
            if key not in arsverk_base:
                continue
            growth = 0.0
            for g, share in zip(s["group"].to_list(), s["share"].to_list()):
                b = group_value(base, g)
                growth += share * (group_value(bands_by_year[y], g) / b if b > 0 else 1.0)
            factor = growth * cover * eff if y > base_year else 1.0
            rows.append((y, key, arsverk_base[key] * factor))
    return pl.DataFrame(rows, schema={"year": pl.Int32, "service": pl.Utf8, "arsverk": pl.Float64}, orient="row")


def totals_by_year(
    cost: pl.DataFrame,
    labour: pl.DataFrame,
    proj: pl.DataFrame,
    *,
    base_year: int,
    revenue: float | None,
    net_result: float | None,
    revenue_growth_pct: float,
    target_pct: float,
    scenario: Scenario,
    revenue_per_inhabitant: bool = True,
) -> pl.DataFrame:
    """One row per year: population, 20–66, demographic change, årsverk, NDR and the gap to the target.

    ``revenue`` and ``net_result`` in 1000 NOK (accounts year); the output in NOK.
    """
    pop = proj.group_by("year").agg(
        pl.col("value").sum().alias("population"),
        pl.col("value").filter(pl.col("band") == "age_20_66").sum().alias("age_20_66"),
        pl.col("value").filter(pl.col("band").is_in(["age_67_79", "age_80_89", "age_90p"])).sum().alias("age_67p"),
        pl.col("value").filter(pl.col("band").is_in(["age_80_89", "age_90p"])).sum().alias("age_80p"),
    )
    ch = cost.group_by("year").agg(pl.col("change_nok").sum().alias("demographic_change_nok"),
                                   pl.col("base_cost_nok").sum().alias("service_cost_base_nok"))
    out = pop.join(ch, on="year", how="left")
    if not labour.is_empty():
        out = out.join(labour.group_by("year").agg(pl.col("arsverk").sum().alias("arsverk")), on="year", how="left")
    else:
        out = out.with_columns(pl.lit(None, pl.Float64).alias("arsverk"))
    eff_pct = scenario.efficiency_pct / 100.0
    efficiency = pl.when(pl.col("year") > base_year).then(
        pl.lit(scenario.efficiency_nok) + pl.col("service_cost_base_nok") * eff_pct).otherwise(0.0)
    out = out.with_columns(
        efficiency.alias("efficiency_nok"),
        (1000.0 * pl.col("arsverk") / pl.col("age_20_66")).alias("arsverk_per_1000_20_66"),
    ).with_columns(
        (pl.col("demographic_change_nok") - pl.col("efficiency_nok")).alias("net_change_nok"),
    )
    if revenue is not None and net_result is not None:
        g = 1.0 + revenue_growth_pct / 100.0
        r0 = revenue * 1000.0
        e0 = (revenue - net_result) * 1000.0
        pop0 = out.filter(pl.col("year") == base_year)["population"][0]
        follow = pl.col("population") / pop0 if revenue_per_inhabitant else pl.lit(1.0)
        out = out.with_columns(
            (r0 * follow * pl.lit(g).pow(pl.col("year") - base_year)).alias("revenue_nok"),
        ).with_columns(
            (pl.col("revenue_nok") - e0 - pl.col("net_change_nok")).alias("net_result_nok"),
        ).with_columns(
            (100.0 * pl.col("net_result_nok") / pl.col("revenue_nok")).alias("net_result_pct"),
            (target_pct / 100.0 * pl.col("revenue_nok") - pl.col("net_result_nok")).alias("gap_nok"),
        )
    else:
        out = out.with_columns(*(pl.lit(None, pl.Float64).alias(c)
                                 for c in ("revenue_nok", "net_result_nok", "net_result_pct", "gap_nok")))
    return out.sort("year")
