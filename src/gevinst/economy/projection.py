"""Perspective analysis from the store: population by age group, demographic cost, labour need, result and room.

The computations are in :mod:`gevinst.core.projection`; this module reads the
inputs (recomposed onto the municipal structure of :data:`STRUCTURE_YEAR`),
runs the scenarios and returns a :class:`ProjectionResult`. The method is in
``docs/methods-projection.md``.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from functools import lru_cache

import polars as pl
from django.utils.translation import gettext as _

from gevinst.core import projection as core
from gevinst.core.formatting import format_number
from gevinst.core.recompose import recompose_count
from gevinst.core.regions import KOMMUNE
from gevinst.errors import UserError
from gevinst.sources.bundled import bundled_path, registry
from gevinst.store.queries import read_cache, series

log = logging.getLogger(__name__)

#: The municipal structure every figure is recomposed onto (the structure of the bundled age bands).
STRUCTURE_YEAR = 2024
#: Accounts years that are preliminary in the bundled extract (PROVENANCE.md: «2025 preliminary»).
PRELIMINARY_ACCOUNTS_YEARS = frozenset({2025})
#: Year of the single-year age file (SSB 07459, 1 January).
SINGLE_YEAR = 2023
#: Years of registered history used for the growth rule of the constant-shares method.
GROWTH_YEARS = 10
#: TBU's norm for netto driftsresultat, kommuner (% of revenues).
DEFAULT_TARGET_PCT = 1.75
#: Gross operating expenditure per årsverk (NOK), the default for services without their own årsverk figure:
#: Lørenskog 2024, helse og omsorg: 1 257 050 000 kr / (193,3 årsverk per 10 000 × 50 013 / 10 000) ≈ 1,30 mill.
DEFAULT_NOK_PER_ARSVERK = 1_300_000.0
PROJECTION_2016 = ("population", "projection_2016_vintage_2016_codes.csv")
SINGLE_YEAR_FILE = ("population", "population_by_single_year_age_sex_2023.csv")
ARSVERK_HO_VARIABLE = "kostra:arsverk_helse_omsorg_per_10_000_innbygger"

SCENARIO_KEYS = {"navn", "metode", "dekning", "enhetskostnad", "effektivisering", "totaler"}


@dataclass
class ScenarioResult:
    scenario: core.Scenario
    population: pl.DataFrame  # year, band, value, basis
    cost: pl.DataFrame  # year, service, cost_nok, base_cost_nok, change_nok
    labour: pl.DataFrame  # year, service, arsverk
    totals: pl.DataFrame  # one row per year
    method_label: str = ""


@dataclass
class ProjectionResult:
    region: str
    region_name: str
    structure_year: int
    accounts_year: int
    accounts_preliminary: bool
    base_year: int
    latest_registered: int
    to_years: list[int]
    revenue_growth_pct: float
    revenue_per_inhabitant: bool
    target_pct: float
    units: pl.DataFrame
    arsverk_base: dict[str, float]
    arsverk_sources: dict[str, str]
    scenarios: list[ScenarioResult]
    revenue: float | None
    net_result: float | None
    backtest: dict | None
    notes: list[str] = field(default_factory=list)
    #: Benefits counted by ``effektivisering=plan:SLUG`` scenarios: organisation, status group, name, kr per year.
    plan_benefits: list[dict] = field(default_factory=list)

    @property
    def main(self) -> ScenarioResult:
        return self.scenarios[0]

    def band(self, column: str = "demographic_change_nok") -> pl.DataFrame:
        """``year, low, main, high`` of a totals column over all scenarios (the scenario band)."""
        frames = [s.totals.select("year", pl.col(column).alias(f"s{i}")) for i, s in enumerate(self.scenarios)]
        out = frames[0]
        for f in frames[1:]:
            out = out.join(f, on="year", how="left")
        cols = [c for c in out.columns if c != "year"]
        return out.select(
            "year", pl.min_horizontal(cols).alias("low"), pl.col("s0").alias("main"), pl.max_horizontal(cols).alias("high")
        ).sort("year")


# ------------------------------------------------------------------ inputs
@lru_cache(maxsize=1)
def single_year_2023() -> pl.DataFrame:
    """``region, age, value`` (both sexes) at 1 January 2023, in the codes of 2023."""
    return (
        pl.read_csv(bundled_path(*SINGLE_YEAR_FILE), schema_overrides={"kommunenummer": pl.Utf8})
        .select(pl.col("kommunenummer").alias("region"), pl.col("alder").cast(pl.Int32).alias("age"),
                (pl.col("menn") + pl.col("kvinner")).cast(pl.Float64).alias("value"))
    )


def _single_year_for(region: str) -> list[float]:
    """The region's 2023 single-year ages recomposed onto the target structure (recompose_count)."""
    mapping = registry().mapping(SINGLE_YEAR, STRUCTURE_YEAR, KOMMUNE).filter(pl.col("target_code") == region)
    mapping = mapping.with_columns(pl.lit(SINGLE_YEAR, pl.Int32).alias("structure_year"))
    # recompose_count recomposes per (region, year); age takes the place of the year here.
    obs = single_year_2023().filter(pl.col("region").is_in(mapping["source_code"].to_list())).select(
        "region", pl.col("age").alias("year"), "value", pl.lit(SINGLE_YEAR, pl.Int32).alias("structure_year"))
    rec = recompose_count(obs, mapping).filter(pl.col("region") == region)
    values = dict(zip(rec["year"].to_list(), rec["value"].to_list()))
    return [float(values.get(a) or 0.0) for a in range(core.MAX_AGE + 1)]


@lru_cache(maxsize=1)
def bundled_projection_2016() -> pl.DataFrame:
    """The bundled SSB projection (2016 vintage, 2016 codes) recomposed onto :data:`STRUCTURE_YEAR`.

    ``region, year, value, flag``; counts add (merged municipalities are the sum of their parts).
    """
    raw = pl.read_csv(bundled_path(*PROJECTION_2016), schema_overrides={"kommunenummer": pl.Utf8}).select(
        pl.col("kommunenummer").alias("region"), pl.col("year").cast(pl.Int32),
        pl.col("population").cast(pl.Float64).alias("value"), pl.lit(2016, pl.Int32).alias("structure_year"))
    mapping = registry().mapping(2016, STRUCTURE_YEAR, KOMMUNE).with_columns(pl.lit(2016, pl.Int32).alias("structure_year"))
    return recompose_count(raw, mapping)


def _values(variable: str, region: str, years) -> dict[int, float]:
    s = series(variable, STRUCTURE_YEAR, years, [region]).filter(pl.col("value").is_not_null())
    return dict(zip(s["year"].to_list(), s["value"].to_list()))


def _bands_by_year(region: str, years) -> dict[int, dict[str, float]]:
    per_band = {b: _values(b, region, years) for b in core.BAND_KEYS}
    common = set.intersection(*(set(v) for v in per_band.values()))
    return {y: {b: per_band[b][y] for b in core.BAND_KEYS} for y in sorted(common)}


def _national_factors() -> dict[str, float]:
    national = single_year_2023().group_by("age").agg(pl.col("value").sum()).sort("age")
    single = [0.0] * (core.MAX_AGE + 1)
    for a, v in zip(national["age"].to_list(), national["value"].to_list()):
        single[min(a, core.MAX_AGE)] += v
    nxt = {b: _values(b, "EAK", [SINGLE_YEAR + 1])[SINGLE_YEAR + 1] for b in core.BAND_KEYS}
    return core.cohort_factors(single, nxt)


def parse_scenario(text: str, index: int) -> core.Scenario:
    """``navn=Høy dekning,metode=andeler,dekning=5,enhetskostnad=-2,effektivisering=3%`` → a Scenario."""
    sc = core.Scenario(key=f"s{index}", label=_("Scenario %(n)s") % {"n": index})
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        if "=" not in part:
            raise UserError(_("Ugyldig scenario «%(p)s»: bruk nøkkel=verdi, f.eks. dekning=5.") % {"p": part},
                            f"bad scenario part {part!r}")
        k, v = (x.strip() for x in part.split("=", 1))
        k = k.lower()
        if k not in SCENARIO_KEYS:
            raise UserError(_("Ukjent scenarionøkkel «%(k)s». Gyldige: %(keys)s.")
                            % {"k": k, "keys": ", ".join(sorted(SCENARIO_KEYS))}, f"unknown scenario key {k!r}")
        try:
            if k == "navn":
                sc.label = v
            elif k == "metode":
                if v not in core.METHODS:
                    raise ValueError(v)
                sc.method = v
            elif k == "dekning":
                sc.coverage_pct = float(v.replace(",", ".").rstrip("%"))
            elif k == "enhetskostnad":
                sc.unit_cost_pct = float(v.replace(",", ".").rstrip("%"))
            elif k == "effektivisering":
                if v.lower().startswith("plan:"):
                    if not v[5:].strip():
                        raise ValueError(v)
                    sc.extra["plan"] = v[5:].strip()
                elif v.endswith("%"):
                    sc.efficiency_pct = float(v[:-1].replace(",", "."))
                else:
                    sc.efficiency_nok = float(v.replace(",", ".").replace(" ", ""))
            elif k == "totaler":
                sc.extra["totals_variable"] = v
        except ValueError:
            raise UserError(_("Ugyldig verdi «%(v)s» for «%(k)s» i scenarioet.") % {"v": v, "k": k},
                            f"bad scenario value {k}={v!r}") from None
    return sc


# ------------------------------------------------------------ adopted benefits
#: Statuses whose expected yearly value counts as adopted (realised or taken out of the budget) …
ADOPTED_STATUSES = ("realisert", "tatt_ut")
#: … and the status shown as a separate line (on track, not yet realised).
ON_TRACK_STATUSES = ("pa_sporet",)


def _plan_organisation(slug: str, organisations):
    """The organisation named in ``plan:SLUG``. ``organisations``: the ones the caller may use
    (the page: the user's organisations for the region); None: any (the command line)."""
    from gevinst.accounts.cli import organisation_by_slug

    if organisations is None:
        return organisation_by_slug(slug)
    org = next((o for o in organisations if o.slug == slug), None)
    if org is None:  # unknown and not-a-member read the same: nothing is revealed
        raise UserError(_("Fant ikke gevinstplanen «%(slug)s» blant organisasjonene dine for regionen.") % {"slug": slug},
                        f"projection: plan {slug!r} not available")
    return org


def adopted_benefits(org) -> dict[str, list[dict]]:
    """The organisation's live benefits with an expected yearly value, by group: ``adopted``
    (realisert, tatt ut i budsjett) and ``on_track`` (på sporet)."""
    from gevinst.plans.models import Benefit

    out: dict[str, list[dict]] = {"adopted": [], "on_track": []}
    qs = (Benefit.objects.live().filter(organisation=org, initiative__deleted_at__isnull=True,
                                        expected_yearly_nok__isnull=False,
                                        status__in=ADOPTED_STATUSES + ON_TRACK_STATUSES)
          .select_related("initiative").order_by("initiative__name", "name", "pk"))
    for b in qs:
        group = "adopted" if b.status in ADOPTED_STATUSES else "on_track"
        out[group].append({"organisation": org.slug, "group": group, "id": b.pk, "name": b.name,
                           "initiative": b.initiative.name, "status": b.get_status_display(),
                           "expected_yearly_nok": float(b.expected_yearly_nok)})
    return out


def _expand_plan_scenarios(parsed: list, organisations, notes: list[str], counted: list[dict]) -> list:
    """Each ``effektivisering=plan:SLUG`` scenario becomes two lines: the adopted benefits, and the
    adopted plus those on track («på sporet»), each with the benefits it counted in the notes."""
    out = []
    for sc in parsed:
        slug = sc.extra.get("plan")
        if not slug:
            out.append(sc)
            continue
        org = _plan_organisation(slug, organisations)
        groups = adopted_benefits(org)
        adopted = sum(b["expected_yearly_nok"] for b in groups["adopted"])
        on_track = sum(b["expected_yearly_nok"] for b in groups["on_track"])
        default_label = sc.label == _("Scenario %(n)s") % {"n": sc.key[1:]}
        base_label = _("Vedtatte gevinster i %(org)s") % {"org": org.name} if default_label else sc.label
        sc.label = base_label + " " + _("(realisert og tatt ut i budsjett)")
        sc.efficiency_nok += adopted
        sc.extra["plan_benefits"] = [b["id"] for b in groups["adopted"]]
        track = dataclasses.replace(sc, extra=dict(sc.extra))
        track.key = sc.key + "_pa_sporet"
        track.label = base_label + " " + _("inkl. på sporet")
        track.efficiency_nok = sc.efficiency_nok + on_track
        track.extra["plan_benefits"] = [b["id"] for b in groups["adopted"] + groups["on_track"]]
        out.extend([sc, track])
        counted.extend(groups["adopted"] + groups["on_track"])

        def listing(rows):
            return "; ".join(_("%(name)s (%(ini)s, %(status)s) %(nok)s kr") % {
                "name": b["name"], "ini": b["initiative"], "status": b["status"],
                "nok": format_number(b["expected_yearly_nok"], 0)} for b in rows) or _("ingen")

        notes.append(_("«%(label)s»: %(nok)s kr per år i effektivisering fra gevinster med status realisert eller "
                       "tatt ut i budsjett: %(list)s.") % {"label": sc.label, "nok": format_number(adopted, 0),
                                                           "list": listing(groups["adopted"])})
        notes.append(_("«%(label)s»: i tillegg %(nok)s kr per år fra gevinster på sporet: %(list)s.")
                     % {"label": track.label, "nok": format_number(on_track, 0), "list": listing(groups["on_track"])})
    return out


# ----------------------------------------------------------------- compute
def compute_projection(
    region: str,
    to_years: list[int] | None = None,
    scenarios: list[str] | None = None,
    *,
    accounts_year: int | None = None,
    revenue_growth_pct: float = 0.0,
    target_pct: float = DEFAULT_TARGET_PCT,
    arsverk: dict[str, float] | None = None,
    revenue_per_inhabitant: bool = True,
    organisations=None,
) -> ProjectionResult:
    """The perspective analysis for ``region``.

    ``organisations``: the organisations whose benefit plans ``effektivisering=plan:SLUG``
    may read (the page passes the user's organisations for the region); None: any
    organisation by slug (the command line).
    """
    reg = registry()
    region = (region or "").strip()
    if region not in reg.codes_at(STRUCTURE_YEAR, KOMMUNE):
        current = reg.code_in_structure(region, STRUCTURE_YEAR) if reg.knows(region) else None
        hint = _(" Bruk dagens nummer %(c)s.") % {"c": current} if current and current != region else ""
        raise UserError(_("Perspektivanalysen gjelder kommuner i dagens inndeling; «%(r)s» er ikke en av dem.")
                        % {"r": region} + hint, f"projection: not a municipality in {STRUCTURE_YEAR}: {region!r}")
    with read_cache():
        return _compute(region, to_years, scenarios or [], accounts_year, revenue_growth_pct, target_pct, arsverk or {},
                        revenue_per_inhabitant, organisations)


def _accounts(region: str, accounts_year: int | None) -> tuple[int, dict[str, float | None], float | None, float | None]:
    years = range(2015, 2027)
    net_total = _values("accounts:net_expenses", region, years)
    final = [y for y in net_total if y not in PRELIMINARY_ACCOUNTS_YEARS]
    if accounts_year is None:
        if not net_total:
            raise UserError(_("Det finnes ikke regnskapstall for %(r)s i databasen (regnskapsuttrekket dekker 134 "
                              "kommuner). Hent dem med «gevinst fetch».") % {"r": region},
                            f"projection: no accounts for {region}")
        accounts_year = max(final) if final else max(net_total)
    elif accounts_year not in net_total:
        raise UserError(_("Det finnes ikke regnskapstall for %(r)s i %(y)s.") % {"r": region, "y": accounts_year},
                        f"projection: no accounts for {region} {accounts_year}")
    nets: dict[str, float | None] = {}
    for s in core.SERVICES:
        parts = [_values(f"accounts:net_expenses:{fg}", region, [accounts_year]).get(accounts_year) for fg in s.function_groups]
        nets[s.key] = None if any(p is None for p in parts) else sum(parts)
    revenue = _values("accounts:revenues", region, [accounts_year]).get(accounts_year)
    net_result = _values("accounts:net_result", region, [accounts_year]).get(accounts_year)
    return accounts_year, nets, revenue, net_result


def _arsverk_base(region: str, year: int, overrides: dict[str, float]) -> tuple[dict[str, float], dict[str, str]]:
    base, sources = {}, {}
    pop = _values("population_dec31", region, [year]).get(year)
    for s in core.SERVICES:
        if s.key in overrides:
            base[s.key], sources[s.key] = overrides[s.key], _("oppgitt av brukeren")
            continue
        if s.key == "helse_omsorg":
            per10k = _values(ARSVERK_HO_VARIABLE, region, [year]).get(year)
            if per10k is not None and pop:
                base[s.key] = per10k * pop / 10_000
                sources[s.key] = _("KOSTRA: årsverk i helse og omsorg per 10 000 innbyggere (%(v)s)") % {
                    "v": str(per10k).replace(".", ",")}
                continue
        parts = [_values(f"accounts:gross_expenses:{fg}", region, [year]).get(year) for fg in s.function_groups]
        if any(p is None for p in parts):
            continue
        base[s.key] = sum(parts) * 1000.0 / DEFAULT_NOK_PER_ARSVERK
        sources[s.key] = _("anslag: brutto driftsutgifter / 1,3 mill. kr per årsverk")
    return base, sources


def _compute(region, to_years, scenario_texts, accounts_year, revenue_growth_pct, target_pct, arsverk_overrides,
             revenue_per_inhabitant, organisations=None):
    reg = registry()
    notes: list[str] = []
    registered = _bands_by_year(region, range(2016, 2027))
    if not registered:
        raise UserError(_("Det finnes ikke befolkning etter alder for %(r)s.") % {"r": region},
                        f"projection: no age bands for {region}")
    latest = max(registered)
    accounts_year, nets, revenue, net_result = _accounts(region, accounts_year)
    base_year = min(accounts_year + 1, latest)
    if base_year not in registered:
        raise UserError(_("Mangler befolkning etter alder 1.1.%(y)s for %(r)s.") % {"y": base_year, "r": region},
                        f"projection: no bands {base_year} {region}")
    to_years = sorted(set(to_years or [latest + 10, latest + 20]))
    for y in to_years:
        if y <= latest or y > latest + 40:
            raise UserError(_("Framskrivingsåret må være etter %(l)s og høyst %(m)s.") % {"l": latest, "m": latest + 40},
                            f"projection: bad target year {y}")
    horizon = max(to_years)

    # Population: the 2023 single years aged to the base year, calibrated to every registered year.
    factors = _national_factors()
    single = _single_year_for(region)
    births = core.birth_ratio(single)
    for y in range(SINGLE_YEAR + 1, base_year + 1):
        single = core.age_one_year(single, factors)
        single[0] = births * sum(single[20:45])
        if y in registered:
            single = core.calibrate(single, registered[y])
            births = core.birth_ratio(single)
    anchors = {y: b for y, b in registered.items() if y >= base_year}
    ageing = core.project_ageing(single, base_year, horizon, factors, anchors)
    totals = {y: sum(b.values()) for y, b in registered.items()}
    first = max(min(totals), latest - GROWTH_YEARS)
    rate = core.growth_per_year(totals, first, latest)
    shares = pl.concat([
        ageing.filter(pl.col("year") < latest),
        core.project_shares(registered[latest], latest, horizon, rate),
    ])

    units = core.unit_costs(nets, registered[base_year])
    missing = [s.name for s in core.SERVICES if nets.get(s.key) is None]
    if missing:
        notes.append(_("Uten regnskapstall for: %(s)s (ikke med i demografikostnaden).") % {"s": ", ".join(missing)})
    if any(s.assumed_shares for s in core.SERVICES):
        notes.append(_("Fordelingen av helse og omsorg på aldersgrupper (0–66 år 30 %, 67–79 år 15 %, 80–89 år 35 %, "
                       "90 år og over 20 %) er en antakelse i gevinst, ikke regionens egne tall."))
    arsverk_base, arsverk_sources = _arsverk_base(region, accounts_year, arsverk_overrides)

    parsed = [core.Scenario()] + [parse_scenario(t, i + 1) for i, t in enumerate(scenario_texts)]
    plan_benefits: list[dict] = []
    parsed = _expand_plan_scenarios(parsed, organisations, notes, plan_benefits)
    if not any(s.method == "andeler" and s.coverage_pct == 0 and s.unit_cost_pct == 0 and not s.efficiency_nok
               and not s.efficiency_pct for s in parsed):
        parsed.insert(1, core.Scenario(key="andeler", label=_("Konstante aldersandeler"), method="andeler"))
    parsed[0].label = _("Basis (aldring)")
    results = []
    for sc in parsed:
        pop = ageing if sc.method == "aldring" else shares
        label = (_("kohortaldring fra SSB 07459 2023, nasjonale nettoendringsfaktorer 2023–2024, kalibrert til "
                   "registrert befolkning 1.1.%(l)s") if sc.method == "aldring" else
                 _("konstante aldersandeler 1.1.%(l)s, folketallet endret med %(r)s personer per år (lineær trend, "
                   "registrert %(f)s–%(l)s)")) % {"l": latest, "r": format_number(rate), "f": first}
        if "totals_variable" in sc.extra:
            tv = _values(sc.extra["totals_variable"], region, range(latest + 1, horizon + 1))
            if not tv:
                raise UserError(_("Variabelen «%(v)s» har ingen framskrevne totaler for %(r)s etter %(l)s.")
                                % {"v": sc.extra["totals_variable"], "r": region, "l": latest},
                                f"projection: no totals in {sc.extra['totals_variable']}")
            pop = core.scale_to_totals(pop, tv)
            label += _("; skalert til totalene i %(v)s") % {"v": sc.extra["totals_variable"]}
        cost = core.demographic_cost(units, pop, base_year, sc)
        labour = core.labour_need(units, arsverk_base, pop, base_year, sc)
        tot = core.totals_by_year(cost, labour, pop, base_year=base_year, revenue=revenue, net_result=net_result,
                                  revenue_growth_pct=revenue_growth_pct, target_pct=target_pct, scenario=sc,
                                  revenue_per_inhabitant=revenue_per_inhabitant)
        results.append(ScenarioResult(sc, pop, cost, labour, tot, label))

    bt = None
    proj16 = bundled_projection_2016().filter(pl.col("region") == region)
    p26 = proj16.filter(pl.col("year") == 2026)
    if not p26.is_empty() and p26["value"][0] is not None and 2026 in totals:
        bt = {"vintage": 2016, "year": 2026, "projected": p26["value"][0], "registered": totals[2026],
              "error_pct": 100.0 * (p26["value"][0] - totals[2026]) / totals[2026], "flag": p26["flag"][0]}
    if accounts_year in PRELIMINARY_ACCOUNTS_YEARS:
        notes.append(_("Regnskapstallene for %(y)s er foreløpige.") % {"y": accounts_year})
    log.info("projection %s to %s: %d scenarios", region, to_years, len(results))
    return ProjectionResult(
        region=region, region_name=reg.name(region, STRUCTURE_YEAR), structure_year=STRUCTURE_YEAR,
        accounts_year=accounts_year, accounts_preliminary=accounts_year in PRELIMINARY_ACCOUNTS_YEARS,
        base_year=base_year, latest_registered=latest, to_years=to_years, revenue_growth_pct=revenue_growth_pct,
        revenue_per_inhabitant=revenue_per_inhabitant, target_pct=target_pct, units=units, arsverk_base=arsverk_base, arsverk_sources=arsverk_sources,
        scenarios=results, revenue=revenue, net_result=net_result, backtest=bt, notes=notes, plan_benefits=plan_benefits,
    )
