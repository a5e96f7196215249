"""Did it work? The database side of :mod:`gevinst.core.effects`.

Values come from :func:`gevinst.baselines.service.indicator_values`, recomposed
onto one municipal structure (the treated region's current one), so pre and
post years cover the same territory: a 2020 merger's years before 2020 are the
sums of its predecessors. Comparison regions whose territory changed in any
year of the window (the same reform or another) are left out by default — they
are treated themselves, and their back series are rebuilt.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from django.db import transaction
from django.utils.translation import gettext as _

from gevinst.baselines.service import indicator_values, peer_groups
from gevinst.catalogue import load_catalogue
from gevinst.core import effects as core
from gevinst.core.formatting import format_number
from gevinst.core.regions import KOMMUNE
from gevinst.errors import UserError
from gevinst.sources import bundled

from .models_effect import EffectEstimate

log = logging.getLogger("gevinst.benchlearning")

METHODS = ("did", "scm")
DEFAULT_PRE_YEARS = 10
TERRITORIAL = ("merger", "split", "boundary", "recreated")


@dataclass
class EffectResult:
    region: str
    region_name: str
    indicator_id: str
    indicator_name: str
    unit: str
    change_year: int
    structure_year: int
    years: list[int]
    comparison: str
    comparison_label: str
    comparison_codes: list[str]  # in panel order (rows 1.. of the panel)
    comparison_names: list[str]
    excluded: list[tuple[str, str]]  # (code, name) left out as treated in a territorial change
    dropped_missing: list[str]  # comparison regions without a complete series
    treated: list[float]
    comparison_mean: list[float]
    before_after: core.BeforeAfter
    did: core.DidResult | None
    scm: core.ScmResult | None
    methods: tuple[str, ...]
    warnings: list[str] = field(default_factory=list)
    vintage_ids: list[int] = field(default_factory=list)

    @property
    def post_years(self) -> list[int]:
        return [y for y in self.years if y >= self.change_year]

    def top_weights(self, n: int = 10) -> list[tuple[str, str, float]]:
        if not self.scm:
            return []
        rows = sorted(zip(self.comparison_codes, self.comparison_names, self.scm.weights), key=lambda r: -r[2])
        return [r for r in rows if r[2] >= 0.005][:n]


def territorial_changes(years: list[int], structure_year: int) -> dict[str, int]:
    """Codes in ``structure_year`` whose territory changed in one of ``years`` → the year of the change.

    A unit counts as changed when a merger, split or boundary change touched it:
    in the mapping from year−1 to year a target with more than one source or a
    source with more than one target, or a change of kind merger/split/boundary.
    """
    reg = bundled.registry()
    out: dict[str, int] = {}
    changes = reg.changes_frame
    for y in sorted(set(years)):
        if y > structure_year:
            continue
        m = reg.mapping(y - 1, y, KOMMUNE)
        multi_t = m.group_by("target_code").len().filter(pl.col("len") > 1)["target_code"].to_list()
        multi_s = m.group_by("source_code").len().filter(pl.col("len") > 1)["source_code"].to_list()
        touched = set(multi_t) | set(m.filter(pl.col("source_code").is_in(multi_s))["target_code"].to_list())
        touched |= set(changes.filter((pl.col("year") == y) & pl.col("kind").is_in(TERRITORIAL))["to_code"].to_list())
        if not touched:
            continue
        later = reg.mapping(y, structure_year, KOMMUNE)
        for code in touched:
            for t in later.filter(pl.col("source_code") == code)["target_code"].to_list():
                out.setdefault(t, y)
    return out


def _resolve_region(code: str) -> tuple[str, int, str]:
    reg = bundled.registry()
    if not reg.knows(code):
        raise UserError(_("Ukjent kommunenummer: %(code)s.") % {"code": code}, f"unknown region {code!r}")
    current = reg.current_code(code)
    version = reg.latest_version(current)
    if version.level != KOMMUNE:
        raise UserError(_("Effektberegningen gjelder kommuner; %(code)s er ikke en kommune.") % {"code": code},
                        f"effect for non-municipality {code!r}")
    structure = reg.last_year if version.last_year is None else version.last_year
    return current, structure, reg.name(current)


def estimate_effect(region: str, indicator_id: str, change_year: int, *, comparison: str = "country",
                    methods: tuple[str, ...] = METHODS, first_year: int | None = None, last_year: int | None = None,
                    exclude_changed: bool = True, plant: float | None = None) -> EffectResult:
    """Before/after, DiD and synthetic control for ``region``'s ``indicator_id`` around ``change_year``.

    ``comparison``: ``kostra`` (the region's KOSTRA group), ``county``, ``country``
    or comma-separated codes (a peer set). ``plant``: add this to the treated
    series from ``change_year`` on (a known step, for checks and tests).
    """
    catalogue = load_catalogue()
    ind = catalogue.get(indicator_id)
    code, structure, name = _resolve_region(region)
    reg = bundled.registry()
    if change_year < 2001 or change_year > reg.last_year:
        raise UserError(_("Endringsåret %(y)s ligger utenfor årene vi har tall for.") % {"y": change_year},
                        f"change year {change_year} out of range")
    first = first_year if first_year is not None else change_year - DEFAULT_PRE_YEARS
    last = last_year if last_year is not None else reg.last_year
    if first >= change_year or last < change_year:
        raise UserError(_("Perioden må ha år både før og fra endringsåret %(y)s.") % {"y": change_year},
                        f"window {first}-{last} does not straddle {change_year}")
    years = list(range(first, last + 1))
    frame, vintages = indicator_values([ind], structure, years, KOMMUNE)
    frame = frame.filter(pl.col("value").is_not_null())
    treated = frame.filter(pl.col("region") == code).sort("year")
    have = set(treated["year"].to_list())
    years = [y for y in years if y in have]
    pre = [y for y in years if y < change_year]
    post = [y for y in years if y >= change_year]
    if len(pre) < 3 or not post:
        raise UserError(
            _("%(name)s har for få år med tall for «%(ind)s» rundt %(y)s (minst tre år før og ett år etter trengs).")
            % {"name": name, "ind": ind.name, "y": change_year},
            f"too few years for {code} {indicator_id}: pre={pre} post={post}")
    # contiguous window (a gap would break the event study's time axis)
    years = list(range(years[0], years[-1] + 1)) if len(years) == years[-1] - years[0] + 1 else years

    groups, notes = peer_groups(code, structure, comparison if comparison != "country" else "country")
    key = comparison if comparison in groups else ("custom" if "custom" in groups else None)
    if key is None or not groups.get(key):
        raise UserError(_("Fant ingen sammenligningskommuner for «%(c)s».") % {"c": comparison},
                        f"no comparison group {comparison!r} for {code}")
    members = [m for m in dict.fromkeys(groups[key]) if m != code]
    changed = territorial_changes(years, structure) if exclude_changed else {}
    excluded = [(m, reg.name(m)) for m in members if m in changed]
    members = [m for m in members if m not in changed]

    wide = (frame.filter(pl.col("year").is_in(years)).sort("year")
            .pivot(on="year", index="region", values="value"))
    cols = [str(y) for y in years]
    for c in cols:
        if c not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.Float64).alias(c))
    wide = wide.select("region", *cols)
    complete = wide.filter(pl.all_horizontal(pl.col(cols).is_not_null()))
    ok = set(complete["region"].to_list())
    dropped = [m for m in members if m not in ok]
    members = [m for m in members if m in ok]
    if code not in ok:
        raise UserError(_("%(name)s mangler tall for noen år i perioden %(a)s–%(b)s for «%(ind)s».")
                        % {"name": name, "a": years[0], "b": years[-1], "ind": ind.name},
                        f"treated series incomplete for {code} {indicator_id}")
    if len(members) < 2:
        raise UserError(_("For få sammenligningskommuner med tall (%(n)s); velg en større gruppe, f.eks. --comparison country.")
                        % {"n": len(members)}, f"only {len(members)} comparison regions")
    rows = {r[0]: r[1:] for r in complete.iter_rows()}
    Y = np.array([rows[code]] + [rows[m] for m in members], dtype=float)
    yrs = np.array(years)
    if plant:
        Y[0, yrs >= change_year] += plant

    warnings = list(notes)
    ba = core.before_after(Y[0], yrs, change_year)
    try:
        d = core.did(Y, yrs, change_year) if "did" in methods else None
        s = core.synthetic_control(Y, yrs, change_year) if "scm" in methods else None
    except core.EffectInputError as exc:
        raise UserError(_("Effekten kan ikke beregnes med disse tallene (%(e)s).") % {"e": exc.code}, str(exc)) from None
    n = len(members)
    if n < core.MIN_DONORS:
        warnings.append(_("Bare %(n)s sammenligningskommuner: intervallene og p-verdiene blir grove (minste mulige p-verdi er %(p)s).")
                        % {"n": n, "p": format_number(1 / (n + 1), 3)})
    if len(pre) < core.MIN_PRE_YEARS:
        warnings.append(_("Bare %(n)s år før endringen: trend og tilpasning før endringen er usikre.") % {"n": len(pre)})
    if d is not None and d.pretrend_p is not None and d.pretrend_p < 0.10:
        warnings.append(_("Forskjellen mellom %(name)s og sammenligningsgruppen endret seg allerede før %(y)s "
                          "(test av parallelle trender, p = %(p)s): DiD-anslaget kan være skjevt.")
                        % {"name": name, "y": change_year, "p": format_number(d.pretrend_p, 3)})
    if s is not None:
        if s.poor_fit:
            warnings.append(_("Den syntetiske kontrollen treffer %(name)s dårlig før endringen (RMSPE %(r)s mot standardavvik "
                              "%(sd)s og nivå %(m)s): anslaget bør ikke brukes alene.")
                            % {"name": name, "r": format_number(s.pre_rmspe, 3), "sd": format_number(s.pre_sd, 3),
                               "m": format_number(s.pre_mean, 2)})
        if s.outside_hull:
            warnings.append(_("%(name)s ligger utenfor sammenligningskommunenes spenn i minst ett år før endringen; "
                              "ingen vektet kombinasjon kan treffe da.") % {"name": name})
    if excluded:
        log.info("effect %s %s: %d comparison regions left out as territorially changed", code, indicator_id, len(excluded))
    return EffectResult(
        region=code, region_name=name, indicator_id=ind.id, indicator_name=ind.name, unit=ind.unit,
        change_year=change_year, structure_year=structure, years=years, comparison=comparison,
        comparison_label=comparison_label(comparison, len(members)),
        comparison_codes=members, comparison_names=[reg.name(m) for m in members],
        excluded=excluded, dropped_missing=dropped, treated=[float(v) for v in Y[0]],
        comparison_mean=[float(v) for v in Y[1:].mean(axis=0)], before_after=ba, did=d, scm=s,
        methods=tuple(methods), warnings=warnings, vintage_ids=sorted(vintages),
    )


def comparison_label(comparison: str, n: int) -> str:
    names = {"kostra": _("KOSTRA-gruppen"), "county": _("fylket"), "country": _("hele landet")}
    return _("%(group)s (%(n)s kommuner)") % {"group": names.get(comparison, _("egne sammenligningskommuner")), "n": n}


def parse_methods(method: str | None) -> tuple[str, ...]:
    if not method or method == "all":
        return METHODS
    if method not in METHODS:
        raise UserError(_("Ukjent metode «%(m)s»; velg did eller scm.") % {"m": method}, f"unknown method {method!r}")
    return (method,)


def _interval_texts() -> dict[str, str]:
    return {
        "before_after": _("prediksjonsintervall fra lineær trend før endringen (t-fordeling)"),
        "did": _("Conley–Taber-intervall fra placebo-DiD med hver sammenligningskommune, studentisert (randomiseringsinferens)"),
        "scm": _("spenn av placebo-gap (hver donor som behandlet); p-verdi fra rangering av RMSPE-forholdet etter/før"),
    }


@transaction.atomic
def attachable_benefits(user, indicator: str):
    """Live benefits with catalogue indicator ``indicator`` that ``user`` may attach an estimate to:
    in organisations where the user is redaktør or administrator, or where the user owns the benefit."""
    from django.db.models import Q

    from gevinst.accounts.models import ROLE_RANK, Membership, Role
    from gevinst.plans.models import Benefit

    if not getattr(user, "is_authenticated", False):
        return Benefit.objects.none()
    ms = list(Membership.objects.filter(user=user))
    editor = [m.organisation_id for m in ms if ROLE_RANK[Role(m.role)] >= ROLE_RANK[Role.REDAKTOR]]
    member = [m.organisation_id for m in ms]
    return (Benefit.objects.live().filter(indicator=indicator, initiative__deleted_at__isnull=True)
            .filter(Q(organisation_id__in=editor) | Q(organisation_id__in=member, owner=user))
            .select_related("organisation", "initiative").order_by("organisation__name", "name"))


def check_benefit(benefit, result: EffectResult) -> None:
    """An estimate is attached only to a live benefit measured by the same catalogue indicator."""
    if benefit.is_deleted or benefit.initiative.is_deleted:
        raise UserError(_("Gevinsten «%(name)s» er slettet.") % {"name": benefit.name}, f"deleted benefit {benefit.pk}")
    if benefit.indicator != result.indicator_id:
        raise UserError(_("Gevinsten «%(name)s» måles med en annen indikator (%(ind)s) enn anslaget (%(est)s).")
                        % {"name": benefit.name, "ind": benefit.indicator or _("ingen fra katalogen"),
                           "est": result.indicator_id}, f"indicator mismatch for benefit {benefit.pk}")


def save_estimates(result: EffectResult, benefit=None, user=None) -> list[EffectEstimate]:
    """Store the before/after and each method's estimate (all or nothing).

    ``benefit``: attach the estimates to this benefit (checked with :func:`check_benefit`);
    the attachment is recorded in the benefit's audit trail.
    """
    if benefit is not None:
        check_benefit(benefit, result)
    with transaction.atomic():
        out = _create_estimates(result, benefit)
        if benefit is not None:
            from gevinst.plans import audit

            audit.record(benefit, user, "effect", None, {
                "effect_estimates": [e.pk for e in out], "indicator": result.indicator_id, "region": result.region,
                "change_year": result.change_year, "methods": [e.method for e in out]})
    return out


def _create_estimates(result: EffectResult, benefit) -> list[EffectEstimate]:
    ba = result.before_after
    texts = _interval_texts()
    common = {"region": result.region, "region_name": result.region_name, "indicator": result.indicator_id,
                  "change_year": result.change_year, "structure_year": result.structure_year,
                  "first_year": result.years[0], "last_year": result.years[-1], "comparison": result.comparison,
                  "n_comparison": len(result.comparison_codes), "raw_before": ba.mean_before, "raw_after": ba.mean_after,
                  "warnings": result.warnings, "vintage_ids": result.vintage_ids, "benefit": benefit}
    out = [EffectEstimate.objects.create(
        method="before_after", estimate=ba.trend_effect, ci_low=ba.trend_ci[0], ci_high=ba.trend_ci[1],
        interval_method=texts["before_after"], details={"years": result.years, "trend": ba.trend_path,
                                                        "treated": result.treated}, **common)]
    if result.did:
        d = result.did
        out.append(EffectEstimate.objects.create(
            method="did", estimate=d.estimate, ci_low=d.ci[0], ci_high=d.ci[1], p_value=d.p_value,
            interval_method=texts["did"], details={
                "se_cr1": d.se_cr1, "ci_cr1": list(d.ci_cr1), "p_cr1": d.p_cr1, "pretrend_p": d.pretrend_p,
                "event_time": d.event_time, "event_estimates": d.event_estimates,
                "event_ci": [list(c) for c in d.event_ci]}, **common))
    if result.scm:
        s = result.scm
        out.append(EffectEstimate.objects.create(
            method="scm", estimate=s.estimate, ci_low=s.ci[0] if s.ci else None, ci_high=s.ci[1] if s.ci else None,
            p_value=s.p_value, pre_rmspe=s.pre_rmspe, interval_method=texts["scm"], details={
                "years": result.years, "synthetic": s.synthetic, "gaps": s.gaps, "ratio": s.ratio,
                "weights": [{"region": c, "name": n, "weight": w} for c, n, w in result.top_weights(20)]}, **common))
    return out
