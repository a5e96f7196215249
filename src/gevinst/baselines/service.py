"""Compute, adopt and follow up baselines: the database side of :mod:`gevinst.core.baseline`.

Values come from the observation store, recomposed onto the structure the
region belongs to (a region that did not exist in the baseline year is rebuilt
from its predecessors: Nordre Follo 2019 = Ski + Oppegård). Peers are looked up
in the same structure.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass, field

import polars as pl
from django.db import transaction
from django.utils.translation import gettext as _

from gevinst.catalogue import load_catalogue
from gevinst.core import baseline as core
from gevinst.core.recompose import normalise_flags
from gevinst.core.regions import KOMMUNE
from gevinst.errors import UserError
from gevinst.sources import bundled
from gevinst.store.models import Observation, Variable, Vintage
from gevinst.store.queries import data_signature, observations, read_cache, recomposed, select_vintages, series

from .models import Baseline, BaselineValue

log = logging.getLogger("gevinst.baselines")

PEER_GROUP_LABELS = {
    "kostra": "KOSTRA-gruppe",
    "county": "Fylket",
    "country": "Landet",
    "custom": "Egne sammenligningskommuner",
}
DEFAULT_PEER_GROUPS = ("kostra", "county", "country")


@dataclass
class BaselineResult:
    region: str
    region_name: str
    level: str
    year: int
    structure_year: int
    area: str | None
    peer_groups: dict[str, list[str]]
    indicators: pl.DataFrame  # catalogue frame for the indicators included
    rows: pl.DataFrame  # per indicator (core.baseline)
    stats: pl.DataFrame  # per indicator × peer group
    values: pl.DataFrame  # all regions, all years used
    vintage_ids: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    aggregates: pl.DataFrame | None = None  # indicator, region (EAK, EAKUO, EKGnn), year, value, flag, basis
    kostra_group: str | None = None

    @property
    def peer_description(self) -> str:
        return ", ".join(f"{PEER_GROUP_LABELS.get(g, g)} ({len(m)})" for g, m in self.peer_groups.items())


# ------------------------------------------------------------------ structure
def structure_for(region: str, year: int) -> int:
    """The structure year to compute ``region``'s values in for ``year``.

    The region's own version valid in ``year``; if it did not exist then (a
    2020 merger asked for 2019), its first year — the values are rebuilt from
    its predecessors; if it had ceased, its last year.
    """
    reg = bundled.registry()
    versions = reg.versions_of(region)
    for v in versions:
        if v.valid_in(year):
            return year
    first = versions[0]
    if first.first_year is not None and year < first.first_year:
        return first.first_year
    return versions[-1].last_year or reg.last_year


#: A year is "covered" when at least this share of the indicators of the best-covered year has data.
COVERAGE_SHARE = 0.5

_years_memo: dict[tuple, dict[str, frozenset[int]]] = {}
_years_lock = threading.Lock()


def indicator_years(level: str = KOMMUNE, data_sig: tuple | None = None) -> dict[str, frozenset[int]]:
    """The years with stored data of each of the catalogue's indicators for ``level``.

    An indicator has data in a year when every variable it is computed from has observations
    that year. One grouped query over the store; memoised per data signature and catalogue,
    so once computed a call costs the signature's one small query (none when the caller passes
    the signature it has just read as ``data_sig``).
    """
    catalogue = load_catalogue()
    key = (data_signature() if data_sig is None else data_sig, id(catalogue), level)
    with _years_lock:
        if key in _years_memo:
            return _years_memo[key]
    wanted = "kommune" if level == KOMMUNE else "fylkeskommune"
    years_of: dict[str, set[int]] = {}  # variable code (its primary key) → years with observations
    for code, year in Observation.objects.values_list("variable_id", "year").distinct():
        years_of.setdefault(code, set()).add(year)
    out: dict[str, frozenset[int]] = {}
    for ind in catalogue.indicators:
        parts = ind.variables
        if ind.level in (wanted, "begge") and parts and all(c in years_of for c in parts):
            out[ind.id] = frozenset(set.intersection(*(years_of[c] for c in parts)))
    with _years_lock:
        if len(_years_memo) > 16:
            _years_memo.clear()
        _years_memo[key] = out
    return out


def indicator_coverage(level: str = KOMMUNE, data_sig: tuple | None = None) -> dict[int, int]:
    """How many of the catalogue's indicators for ``level`` have stored data, per year."""
    counts: dict[int, int] = {}
    for years in indicator_years(level, data_sig).values():
        for year in years:
            counts[year] = counts.get(year, 0) + 1
    return counts


def default_year(region: str, indicator: str | None = None, data_sig: tuple | None = None) -> int:
    """The baseline year a page or command starts on when none is given.

    A merged region: the year before the merger (the nullpunkt of the merger). One indicator
    (its page): its latest year with data. The whole set: the latest year with data for at
    least half as many indicators as the best-covered year — the first months of a year hold
    little more than the population (1 January), and a baseline of 8 of 125 indicators is not
    the one a user asks for. Without stored data: the region's latest year in the register.
    """
    reg = bundled.registry()
    v = reg.latest_version(region)
    lineage = reg.history(region)
    start = lineage[0]
    if start.first_year is not None and reg.predecessors(start.code):
        return start.first_year - 1
    last = reg.last_year if v.last_year is None else v.last_year
    if indicator is not None:
        years = [y for y in indicator_years(v.level, data_sig).get(indicator, ()) if y <= last]
        return max(years) if years else last
    counts = indicator_coverage(v.level, data_sig)
    if counts:
        best = max(counts.values())
        covered = [y for y, n in counts.items() if n >= COVERAGE_SHARE * best and y <= last]
        if covered:
            return max(covered)
    return last


def peer_groups(region: str, structure_year: int, peers: str | None, organisations=None) -> tuple[dict[str, list[str]], list[str]]:
    """Members of each peer group in ``structure_year``; second value: notes on what could not be mapped.

    ``peers``: None (KOSTRA group, county and country), one of ``kostra``,
    ``county``, ``country``, comma-separated region codes (a custom set,
    compared alongside the three standard groups), or ``set:NAME`` — the
    members of a saved peer set (among ``organisations``' sets; None: the
    sets without an organisation).
    """
    reg = bundled.registry()
    version = reg.version_at(region, structure_year) or reg.latest_version(region)
    level = version.level
    notes: list[str] = []
    units = reg.codes_at(structure_year, level)
    groups: dict[str, list[str]] = {}
    wanted = DEFAULT_PEER_GROUPS
    custom: list[str] = []
    if peers and peers.strip().startswith("set:"):
        # a saved peer set (gevinst peers --save)
        from gevinst.benchlearning.peers import peer_set_members

        peers = ",".join(peer_set_members(peers.strip()[4:], organisations))
    if peers:
        if peers in DEFAULT_PEER_GROUPS:
            wanted = (peers,)
        else:
            custom = [c.strip() for c in peers.split(",") if c.strip()]
            for c in custom:
                reg.versions_of(c)  # unknown codes raise
    if "country" in wanted:
        groups["country"] = units
    if "county" in wanted and level == KOMMUNE:
        county = region[:2]
        groups["county"] = [u for u in units if u[:2] == county]
    if "kostra" in wanted and level == KOMMUNE:
        current = reg.history(region)[-1].code
        attrs = bundled.region_attributes()
        rows = attrs.filter(pl.col("region") == current).sort("year")
        if rows.height:
            group = rows["kostra_group"][-1]
            members = []
            for m in bundled.kostra_group_members(group, structure_year):
                mapped = reg.code_in_structure(m, structure_year)
                if mapped:
                    members.append(mapped)
                else:
                    notes.append(_("%(code)s %(name)s fantes ikke med samme grenser i %(year)s og er utelatt fra KOSTRA-gruppen.")
                                 % {"code": m, "name": reg.name(m), "year": structure_year})
            groups["kostra"] = members
            notes.append(_("KOSTRA-gruppe %(group)s (%(year)s-inndelingen), omregnet til kommunestrukturen i %(structure)s.")
                         % {"group": group, "year": rows["year"][-1], "structure": structure_year})
        else:
            notes.append(_("KOSTRA-gruppen er ukjent for denne regionen."))
    if custom:
        mapped = []
        for c in custom:
            m = reg.code_in_structure(c, structure_year)
            if m:
                mapped.append(m)
            else:
                notes.append(_("%(code)s fantes ikke med samme grenser i %(year)s og er utelatt.") % {"code": c, "year": structure_year})
        groups["custom"] = mapped
    return groups, notes


# ------------------------------------------------------------------ values
def _count_variable(code: str) -> Variable:
    return Variable(code=code, kind="count")


def _sum_parts(codes: list[str], structure_year: int, years: list[int], level: str, memo: dict) -> pl.DataFrame:
    """The sum of count variables recomposed onto the structure (``memo`` keeps each variable's frame)."""
    parts = []
    for c in codes:
        if c not in memo:
            memo[c] = recomposed(_count_variable(c), structure_year, years, level)
        parts.append(memo[c])
    stacked = pl.concat(parts)
    n = len(codes)
    return stacked.group_by(["region", "year"]).agg(
        pl.when(pl.col("value").is_null().any() | (pl.len() < n)).then(None).otherwise(pl.col("value").sum()).alias("value"),
        normalise_flags(pl.col("flag").str.join(",")).alias("flag"),
    )


def indicator_values(indicators, structure_year: int, years: list[int], level: str = KOMMUNE) -> tuple[pl.DataFrame, set[int]]:
    """Values of ``indicators`` for every region of ``level`` in ``structure_year``.

    Returns ``(frame, vintage_ids)``; frame columns ``indicator, region, year,
    value, flag, denominator, weight``.
    """
    frames = []
    vintage_ids: set[int] = set()
    available = set(Observation.objects.values_list("variable_id", flat=True).distinct())
    memo: dict[str, pl.DataFrame] = {}
    for ind in indicators:
        codes = ind.variables
        if not codes or not all(c in available for c in codes):
            continue
        for c in codes:
            vintage_ids |= set(select_vintages(observations(c, years))["vintage_id"].unique().to_list())
        if ind.numerator:
            num = _sum_parts(list(ind.numerator), structure_year, years, level, memo)
            den = _sum_parts(list(ind.denominator), structure_year, years, level, memo)
            v = num.join(den, on=["region", "year"], how="inner", suffix="_den").select(
                pl.lit(ind.id).alias("indicator"), "region", pl.col("year").cast(pl.Int32),
                pl.when((pl.col("value_den") > 0) & pl.col("value").is_not_null())
                .then(pl.col("value") / pl.col("value_den") * (ind.scale or 1.0)).otherwise(None).alias("value"),
                normalise_flags(pl.concat_str([pl.col("flag"), pl.col("flag_den")], separator=",")).alias("flag"),
                pl.col("value_den").alias("denominator"),
                pl.col("value_den").alias("weight"),
            )
        else:
            var = Variable.objects.get(code=ind.variable)
            v = recomposed(var, structure_year, years, level).select(
                pl.lit(ind.id).alias("indicator"), "region", pl.col("year").cast(pl.Int32), "value", "flag",
                pl.lit(None, pl.Float64).alias("denominator"),
            )
            weight_code = getattr(ind, "weight", None) or ("population" if "population" in available else None)
            if weight_code and weight_code in available:
                w = _sum_parts([weight_code], structure_year, years, level, memo)
                v = v.join(w.select("region", "year", pl.col("value").alias("weight")), on=["region", "year"], how="left")
            else:
                v = v.with_columns(pl.lit(None, pl.Float64).alias("weight"))
        frames.append(v)
    schema = {"indicator": pl.Utf8, "region": pl.Utf8, "year": pl.Int32, "value": pl.Float64, "flag": pl.Utf8,
              "denominator": pl.Float64, "weight": pl.Float64}
    if not frames:
        return pl.DataFrame(schema=schema), vintage_ids
    return pl.concat([f.select(list(schema)).cast(schema) for f in frames]), vintage_ids


AGGREGATE_SCHEMA = {"indicator": pl.Utf8, "region": pl.Utf8, "year": pl.Int32, "value": pl.Float64,
                    "flag": pl.Utf8, "basis": pl.Utf8}


def aggregate_values(indicators, structure_year: int, years: list[int], codes: list[str]) -> pl.DataFrame:
    """The country, the country without Oslo and a KOSTRA group for each indicator.

    ``basis`` says where a value comes from: ``publisert`` — SSB's own figure for
    the aggregate, as stored (e.g. from a KOSTRA table or the bundled workbook);
    ``beregnet`` — rebuilt from the parts of every member (numerator and
    denominator summed over all municipalities; missing when any member lacks a
    number, never from a partial set).
    """
    available = set(Observation.objects.values_list("variable_id", flat=True).distinct())
    frames = []
    memo: dict[str, pl.DataFrame] = {}
    for ind in indicators:
        if ind.numerator:
            parts = ind.variables
            if not all(c in available for c in parts):
                continue
            def summed(var_codes):
                for c in var_codes:
                    if c not in memo:
                        memo[c] = series(c, structure_year, years, codes).drop("name")
                f = pl.concat([memo[c] for c in var_codes])
                return f.group_by(["region", "year"]).agg(
                    pl.when(pl.col("value").is_null().any()).then(None).otherwise(pl.col("value").sum()).alias("value"),
                    normalise_flags(pl.col("flag").str.join(",")).alias("flag"),
                )
            num, den = summed(list(ind.numerator)), summed(list(ind.denominator))
            frames.append(num.join(den, on=["region", "year"], suffix="_den").select(
                pl.lit(ind.id).alias("indicator"), "region", pl.col("year").cast(pl.Int32),
                pl.when(pl.col("value_den") > 0).then(pl.col("value") / pl.col("value_den") * (ind.scale or 1.0))
                .otherwise(None).alias("value"),
                normalise_flags(pl.concat_str([pl.col("flag"), pl.col("flag_den")], separator=",")).alias("flag"),
                pl.lit("beregnet").alias("basis"),
            ))
        elif ind.variable in available:
            obs = select_vintages(observations(ind.variable, years)).filter(pl.col("region").is_in(codes))
            published = obs.select(
                pl.lit(ind.id).alias("indicator"), "region", pl.col("year").cast(pl.Int32), "value",
                pl.lit("").alias("flag"), pl.lit("publisert").alias("basis"),
            )
            frames.append(published)
            if Variable.objects.filter(code=ind.variable, kind="count").exists():
                # a count adds up: where SSB's aggregate is not stored, sum all members
                computed = series(ind.variable, structure_year, years, codes).select(
                    pl.lit(ind.id).alias("indicator"), "region", pl.col("year").cast(pl.Int32), "value", "flag",
                    pl.lit("beregnet").alias("basis"),
                ).join(published.select("region", "year"), on=["region", "year"], how="anti")
                frames.append(computed)
    if not frames:
        return pl.DataFrame(schema=AGGREGATE_SCHEMA)
    return pl.concat([f.cast(AGGREGATE_SCHEMA) for f in frames]).select(list(AGGREGATE_SCHEMA))


def kostra_group_of(region: str) -> str | None:
    """The KOSTRA group code (``EKG10``) of ``region`` in the latest bundled grouping."""
    current = bundled.registry().history(region)[-1].code
    rows = bundled.region_attributes().filter(pl.col("region") == current).sort("year")
    return rows["kostra_group"][-1] if rows.height else None


def compute_baseline(region: str, year: int | None = None, area: str | None = None, peers: str | None = None) -> BaselineResult:
    """Everything a nullpunktsmåling shows for ``region`` (see :func:`gevinst.core.baseline.baseline`)."""
    with read_cache():
        return _compute_baseline(region, year, area, peers)


def _compute_baseline(region: str, year: int | None, area: str | None, peers: str | None) -> BaselineResult:
    reg = bundled.registry()
    region = region.strip()
    reg.versions_of(region)  # unknown → UnknownRegionError
    catalogue = load_catalogue()
    if area and area not in {a.id for a in catalogue.areas}:
        names = ", ".join(a.id for a in catalogue.areas)
        raise UserError(_("Ukjent område «%(area)s». Områdene er: %(names)s.") % {"area": area, "names": names},
                        f"unknown area {area!r}")
    year = year or default_year(region)
    structure_year = structure_for(region, year)
    version = reg.version_at(region, structure_year) or reg.latest_version(region)
    level = version.level
    wanted_level = "kommune" if level == KOMMUNE else "fylkeskommune"
    chosen = [
        i for i in catalogue.indicators
        if (area is None or i.area == area) and i.level in (wanted_level, "begge")
    ]
    years = list(range(year - core.TREND_YEARS + 1, year + 1))
    values, vintage_ids = indicator_values(chosen, structure_year, years, level)
    groups, notes = peer_groups(region, structure_year, peers)
    peers_frame = pl.DataFrame(
        [(g, m) for g, members in groups.items() for m in members], schema={"group": pl.Utf8, "region": pl.Utf8},
        orient="row",
    )
    ind_frame = catalogue.frame().filter(pl.col("id").is_in([i.id for i in chosen]))
    rows, stats = core.baseline(values, ind_frame, region, year, peers_frame)
    sizes = pl.DataFrame([(g, len([m for m in ms if m != region])) for g, ms in groups.items()],
                         schema={"group": pl.Utf8, "size": pl.UInt32}, orient="row")
    stats = stats.join(sizes, on="group", how="left")
    group = kostra_group_of(region) if level == KOMMUNE else None
    aggregates = aggregate_values(chosen, structure_year, years, ["EAK", "EAKUO"] + ([group] if group else []))
    if structure_year != year:
        preds = ", ".join(f"{c.from_code} {c.from_name}" for c in reg.predecessors(reg.history(region)[0].code))
        notes.insert(0, _("%(name)s fantes ikke i %(year)s; verdiene er bygd opp av %(preds)s (kommunestrukturen i %(structure)s).")
                     % {"name": version.name, "year": year, "preds": preds, "structure": structure_year})
    return BaselineResult(
        region=region, region_name=version.name, level=level, year=year, structure_year=structure_year,
        area=area, peer_groups=groups, indicators=ind_frame, rows=rows, stats=stats, values=values,
        vintage_ids=sorted(vintage_ids), notes=notes, aggregates=aggregates, kostra_group=group,
    )


def catalogue_digest() -> str:
    cat = load_catalogue()
    return hashlib.sha256(repr(cat.frame().rows()).encode()).hexdigest()


def adopt(result: BaselineResult, *, reason: str = "", adopted_by: str = "") -> Baseline:
    """Freeze ``result``. An active baseline for the same region and area needs a reason to be replaced."""
    active = Baseline.objects.filter(region=result.region, area=result.area or "", superseded_by__isnull=True).first()
    if active is not None and not reason.strip():
        raise UserError(
            _("%(region)s har allerede en vedtatt nullpunktsmåling for %(year)s (vedtatt %(date)s). "
              "Ny nullpunktsmåling krever en begrunnelse (--reason).")
            % {"region": result.region, "year": active.year, "date": f"{active.adopted_at:%d.%m.%Y}"},
            f"re-baselining {result.region} without a reason",
        )
    stats_by_ind: dict[str, dict] = {}
    for row in result.stats.iter_rows(named=True):
        stats_by_ind.setdefault(row["indicator"], {})[row["group"]] = {k: v for k, v in row.items() if k not in ("indicator", "group")}
    with transaction.atomic():
        b = Baseline.objects.create(
            region=result.region, region_name=result.region_name, structure_year=result.structure_year,
            year=result.year, area=result.area or "", peers=result.peer_description, reason=reason,
            adopted_by=adopted_by, catalogue_digest=catalogue_digest(),
        )
        b.vintages.set(Vintage.objects.filter(pk__in=result.vintage_ids))
        BaselineValue.objects.bulk_create([
            BaselineValue(
                baseline=b, indicator=r["indicator"], value=r["value"], flag=r["flag"] or "",
                peer_stats=stats_by_ind.get(r["indicator"], {}),
                trend=[{"year": s["year"], "value": s["value"]} for s in (r["series"] or [])],
            )
            for r in result.rows.iter_rows(named=True)
        ])
        if active is not None:
            active.superseded_by = b
            active.save(update_fields=["superseded_by"])
    log.info("adopted baseline %s for %s %s", b.pk, result.region, result.year)
    return b


def follow_up(baseline: Baseline, up_to_year: int | None = None) -> pl.DataFrame:
    """The frozen baseline against the latest measurement of each indicator (see :func:`core.follow_up`)."""
    catalogue = load_catalogue()
    frozen = pl.DataFrame(
        [(v.indicator, baseline.year, v.value, v.target_value) for v in baseline.values.all()],
        schema={"indicator": pl.Utf8, "baseline_year": pl.Int32, "baseline_value": pl.Float64, "target_value": pl.Float64},
        orient="row",
    )
    reg = bundled.registry()
    current_code = reg.history(baseline.region)[-1].code
    last = up_to_year or reg.last_year
    structure_year = structure_for(current_code, last)
    chosen = [catalogue.get(i) for i in frozen["indicator"].to_list() if catalogue.get(i) is not None]
    level = reg.latest_version(current_code).level
    values, _ = indicator_values(chosen, structure_year, list(range(baseline.year + 1, last + 1)), level)
    latest = (
        values.filter((pl.col("region") == current_code) & pl.col("value").is_not_null())
        .sort("year").group_by("indicator").last().select("indicator", "year", "value")
    )
    return core.follow_up(frozen, latest, catalogue.frame())
