"""The annual cycle's logic: creating a year, where the organisation stands, numbers for
deep dives and goals, prioritisation with explanations, adoption and reminders.

Views, commands and the A3 builder call these; the arithmetic lives in
:mod:`gevinst.core.portfolio` and :mod:`gevinst.core.business_case`.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gevinst.core import business_case as bc
from gevinst.core import portfolio as pf
from gevinst.core.formatting import format_number
from gevinst.errors import UserError
from gevinst.plans import audit
from gevinst.plans.models import Benefit, Initiative, Phase

from .models import (
    OPEN_STATUSES,
    Activity,
    ActivityStatus,
    Candidate,
    CycleYear,
    Decision,
    DeepDive,
    Goal,
    Objective,
)
from .template import ACTIVITIES, QUARTER_BY_NUMBER

log = logging.getLogger("gevinst.cycle")


# ------------------------------------------------------------------ the year
def create_cycle(org, budget_year: int, *, is_example: bool = False) -> CycleYear:
    """Create the årshjul for ``budget_year`` with the template's activities (idempotent)."""
    if not 2000 <= int(budget_year) <= 2100:
        raise UserError(_("Budsjettåret må være mellom 2000 og 2100."), f"budget year {budget_year!r}")
    with transaction.atomic():
        cycle, _created = CycleYear.objects.get_or_create(
            organisation=org, budget_year=int(budget_year), defaults={"is_example": is_example})
        ensure_activities(cycle)
    return cycle


def ensure_activities(cycle: CycleYear) -> int:
    """Add the template's activities the year does not have yet; returns how many were added."""
    have = set(cycle.activities.values_list("key", flat=True))
    new = []
    for order, t in enumerate(ACTIVITIES):
        if t.key in have:
            continue
        month, day = t.deadline
        new.append(Activity(
            cycle=cycle, quarter=t.quarter, key=t.key, order=order, title=str(t.title), why=str(t.why),
            who=str(t.who), document=str(t.document), law=str(t.law), a3_kind=t.a3,
            deadline=dt.date(cycle.work_year, month, day)))
    Activity.objects.bulk_create(new)
    return len(new)


def current_cycle(org, today: dt.date | None = None) -> CycleYear | None:
    """The year whose work runs now (budget year = this year + 1), else the latest one."""
    today = today or timezone.localdate()
    cycles = CycleYear.objects.filter(organisation=org)
    return cycles.filter(budget_year=today.year + 1).first() or cycles.order_by("-budget_year").first()


@dataclass
class QuarterState:
    number: int
    name: str
    purpose: str
    activities: list[Activity]
    done: int
    total: int
    overdue: int
    is_current: bool
    start: dt.date
    end: dt.date

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class Timeline:
    cycle: CycleYear
    today: dt.date
    quarters: list[QuarterState]
    #: The quarter ``today`` falls in, or None before/after the work year.
    current_quarter: int | None
    position: str  # "before" | "during" | "after"
    overdue: list[Activity] = field(default_factory=list)
    next_due: list[Activity] = field(default_factory=list)


def _quarter_bounds(year: int, q: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + 1, 1, 1) if q == 4 else dt.date(year, 3 * q + 1, 1)
    return start, end - dt.timedelta(days=1)


def timeline(cycle: CycleYear, today: dt.date | None = None) -> Timeline:
    """Where the organisation stands in the year: progress, overdue and next activities per quarter."""
    today = today or timezone.localdate()
    acts = list(cycle.activities.select_related("responsible"))
    current = cycle.quarter_of(today)
    position = "during" if current else ("before" if today.year < cycle.work_year else "after")
    quarters = []
    for q in (1, 2, 3, 4):
        mine = [a for a in acts if a.quarter == q]
        counted = [a for a in mine if a.status != ActivityStatus.IKKE_AKTUELT]
        start, end = _quarter_bounds(cycle.work_year, q)
        t = QUARTER_BY_NUMBER[q]
        quarters.append(QuarterState(
            q, str(t.name), str(t.purpose), mine, sum(a.status == ActivityStatus.FERDIG for a in counted),
            len(counted), sum(a.is_open and a.deadline < today for a in mine), q == current, start, end))
    overdue = sorted((a for a in acts if a.is_open and a.deadline < today), key=lambda a: a.deadline)
    upcoming = sorted((a for a in acts if a.is_open and a.deadline >= today), key=lambda a: a.deadline)
    return Timeline(cycle, today, quarters, current, position, overdue, upcoming[:5])


# ------------------------------------------------------------------ reminders
@dataclass
class Reminder:
    activity: Activity
    days_left: int  # negative: overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def reminders(org, today: dt.date | None = None, days: int = 14) -> list[Reminder]:
    """Open activities of ``org`` that are overdue or due within ``days`` days, earliest first.

    A year stops reminding when its budget year is over (budget year < this year): an activity
    left open in an old year is history, not a task.
    """
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=days)
    acts = (Activity.objects.filter(cycle__organisation=org, cycle__budget_year__gte=today.year,
                                    status__in=OPEN_STATUSES, deadline__lte=horizon)
            .select_related("cycle", "responsible").order_by("deadline", "quarter", "order"))
    return [Reminder(a, (a.deadline - today).days) for a in acts]


def reminder_recipients(org, reminder_list: list[Reminder]) -> dict[str, list[Reminder]]:
    """E-mail address → reminders: the responsible user, else the organisation's editors and administrators."""
    from gevinst.accounts.models import Membership, Role

    editors = [m.user.email for m in Membership.objects.filter(
        organisation=org, role__in=[Role.REDAKTOR, Role.ADMINISTRATOR]).select_related("user") if m.user.email]
    out: dict[str, list[Reminder]] = {}
    for r in reminder_list:
        resp = r.activity.responsible
        targets = [resp.email] if resp is not None and resp.email else editors
        for email in targets:
            out.setdefault(email, []).append(r)
    return out


def reminder_line(r: Reminder) -> str:
    a = r.activity
    when = a.deadline.strftime("%d.%m.%Y")
    if r.overdue:
        n = -r.days_left
        state = ngettext("forfalt for %(n)s dag siden", "forfalt for %(n)s dager siden", n) % {"n": n}
    elif r.days_left == 0:
        state = _("frist i dag")
    else:
        state = ngettext("om %(n)s dag", "om %(n)s dager", r.days_left) % {"n": r.days_left}
    return _("Budsjett %(year)s, %(q)s. kvartal: %(title)s – frist %(date)s (%(state)s)") % {
        "year": a.cycle.budget_year, "q": a.quarter, "title": a.title, "date": when, "state": state}


#: Days before a deadline when the daily job e-mails a reminder (and on the day itself).
NOTICE_DAYS = (7, 0)


def daily_reminders(org, today: dt.date) -> list[Reminder]:
    """What the daily job sends for ``org``: activities due in 7 days or today, and on Mondays all overdue
    ones (so an overdue activity is mentioned once a week, not every day)."""
    items = reminders(org, today, days=max(NOTICE_DAYS))
    return [r for r in items if r.days_left in NOTICE_DAYS or (r.overdue and today.weekday() == 0)]


def email_reminders(org, items: list[Reminder]) -> int:
    """E-mail ``items`` to their recipients (:func:`reminder_recipients`); returns the number of e-mails sent."""
    from django.conf import settings
    from django.core.mail import send_mail

    sent = 0
    for email, mine in reminder_recipients(org, items).items():
        body = "\n".join(reminder_line(r) for r in mine)
        subject = _("Årshjulet i gevinst: %(n)s aktiviteter for %(org)s") % {"n": len(mine), "org": org.name}
        send_mail(subject, body + "\n", settings.DEFAULT_FROM_EMAIL, [email])
        sent += 1
    return sent


# ------------------------------------------------------------------ numbers for goals and deep dives
def fill_goal_from_catalogue(goal: Goal) -> None:
    """An empty unit, and the direction, from the goal's catalogue indicator (not saved).

    The catalogue's direction wins when it has one (an indicator where lower is better gives a
    gap in that direction); a neutral indicator leaves the user's choice.
    """
    from gevinst.catalogue import load_catalogue

    ind = load_catalogue().find(goal.indicator)
    if ind is None:
        return
    if not goal.unit:
        goal.unit = ind.unit[:60]
    if ind.direction in ("higher_better", "lower_better"):
        goal.direction = ind.direction


def fill_goal_from_data(goal: Goal, region: str) -> bool:
    """Set the goal's current value from its catalogue indicator's latest data (not saved)."""
    from gevinst.plans.data import indicator_series

    if not goal.indicator:
        return False
    series = indicator_series(region, goal.indicator)
    if not series:
        return False
    v = series[-1]
    goal.current_value = round(v.value, 4)
    goal.current_source = (_("%(source)s, %(year)s (hentet fra data)") % {"source": v.source, "year": v.year})[:300]
    return True


def potential_year() -> int:
    """The latest accounts year of the economic-room analysis."""
    from gevinst.economy.potential import LAST_YEAR

    return LAST_YEAR


def fill_deep_dive_potential(dd: DeepDive, region: str, year: int | None = None,
                             reference: str = "country") -> bool:
    """Set the deep dive's potential and supporting numbers from the economic-room analysis (not saved).

    Uses the service's potential (need-adjusted spending above the reference, times population
    and index: :mod:`gevinst.core.potential`). Returns False when the service or the number is missing.
    """
    from gevinst.economy.potential import compute_potential

    if not dd.service:
        return False
    year = year or potential_year()
    result = compute_potential(region, year, reference)
    row = next((r for r in result.rows if r.key == dd.service), None)
    if row is None or row.potential is None:
        return False
    dd.potential_nok = round(max(row.potential, 0.0))
    basis = row.reference_basis or reference
    values = {"year": year, "adj": format_number(row.need_adjusted), "ref": format_number(row.reference),
              "basis": basis, "pot": format_number(row.potential)}
    if row.potential > 0:
        text = _("Handlingsrom %(year)s: behovsjusterte netto driftsutgifter %(adj)s kr per innbygger mot %(ref)s kr "
                 "– %(basis)s. Beregnet potensial %(pot)s kr per år.") % values
    else:
        text = _("Handlingsrom %(year)s: behovsjusterte netto driftsutgifter %(adj)s kr per innbygger, under "
                 "referansen %(ref)s kr – %(basis)s. Ikke noe potensial etter denne målestokken; se etter "
                 "gevinster i verdikjeden.") % values
    dd.potential_source = (text + " " + _("Kilde: Statistisk sentralbyrå (KOSTRA) og KDD (Grønt hefte)."))[:500]
    dd.evidence = [e for e in dd.evidence if e.get("origin") != "handlingsrom"] + [
        {"label": _("Netto driftsutgifter per innbygger, behovsjustert"), "value": row.need_adjusted,
         "unit": _("kr"), "source": f"SSB/KDD {year}", "origin": "handlingsrom"},
        {"label": _("Referansenivå (%(basis)s)") % {"basis": basis}, "value": row.reference, "unit": _("kr"),
         "source": f"SSB {year}", "origin": "handlingsrom"},
        {"label": _("Beregnet gevinstpotensial"), "value": row.potential, "unit": _("kr per år"),
         "source": f"gevinst, handlingsrom {year}", "origin": "handlingsrom"},
    ]
    return True


def service_choices() -> list[tuple[str, str]]:
    from gevinst.economy.potential import load_services

    services, _excluded = load_services()
    return [(s.key, s.label) for s in services]


# ------------------------------------------------------------------ candidates and prioritisation
def candidate_benefit(c: Candidate) -> tuple[float, str]:
    """The candidate's yearly benefit potential (kr) and where it comes from."""
    if c.yearly_benefit is not None:
        return float(c.yearly_benefit), c.benefit_source or _("anslått for tiltaket")
    total = sum(float(b.expected_yearly_nok or 0) for b in
                Benefit.objects.live().filter(initiative=c.initiative))
    return total, _("sum av forventet årlig verdi i gevinstregisteret")


def _benefit_start(c: Candidate, cycle: CycleYear) -> int | None:
    start = c.initiative.change_start
    if start is None or start.year <= cycle.budget_year:
        return None
    return start.year


def live_candidates(cycle: CycleYear):
    return (cycle.candidates.filter(initiative__deleted_at__isnull=True)
            .select_related("initiative", "deep_dive").prefetch_related("contributions__goal"))


def business_case_for(c: Candidate, cycle: CycleYear | None = None) -> bc.BusinessCase:
    cycle = cycle or c.cycle
    benefit, _source = candidate_benefit(c)
    ini = c.initiative
    return bc.business_case(
        one_off_cost=float(ini.one_off_cost or 0), yearly_cost=float(ini.yearly_cost or 0), yearly_benefit=benefit,
        first_year=cycle.budget_year, years=cycle.plan_years, benefit_start_year=_benefit_start(c, cycle),
        discount_rate=cycle.discount_rate / 100)


@dataclass
class Prioritisation:
    cycle: CycleYear
    result: pf.PortfolioResult
    candidates: dict[str, Candidate]
    goals: dict[str, Goal]
    explanations: dict[str, str]
    rows: list[dict]


def _inputs(cycle: CycleYear) -> tuple[list[pf.CandidateInput], list[pf.GoalGap], dict, dict]:
    cands = {str(c.pk): c for c in live_candidates(cycle)}
    goals = {str(g.pk): g for g in cycle.goals.all()}
    inputs = []
    for key, c in cands.items():
        benefit, _source = candidate_benefit(c)
        ini = c.initiative
        negative = [label for label, v in ((_("gevinst"), benefit), (_("engangskostnad"), ini.one_off_cost),
                                           (_("årlig kostnad"), ini.yearly_cost), (_("årsverk"), c.fte))
                    if v is not None and float(v) < 0]
        if negative:
            raise UserError(_("«%(n)s» har negativ %(what)s. Rett tallene på tiltaket før prioriteringen.") % {
                "n": ini.name, "what": ", ".join(negative)}, f"candidate {key} has negative inputs")
        inputs.append(pf.CandidateInput(
            key=key, name=ini.name, yearly_benefit=benefit, one_off_cost=float(ini.one_off_cost or 0),
            yearly_cost=float(ini.yearly_cost or 0), fte=float(c.fte or 0), must_do=c.must_do,
            contributions={str(x.goal_id): float(x.amount) for x in c.contributions.all()},
            benefit_start_year=_benefit_start(c, cycle)))
    gaps = [pf.GoalGap(key=k, name=g.name, gap=g.gap if g.gap is not None else 0.0, weight=g.weight,
                       legal_minimum=g.legal_minimum) for k, g in goals.items()]
    return inputs, gaps, cands, goals


def limits_of(cycle: CycleYear) -> pf.Limits:
    def f(v):
        return None if v is None else float(v)

    return pf.Limits(one_off=f(cycle.limit_one_off), yearly_cost=f(cycle.limit_yearly_cost), fte=f(cycle.limit_fte))


LIMIT_LABELS = {
    "one_off": lambda: _("rammen for engangskostnader"),
    "yearly_cost": lambda: _("rammen for årlige kostnader"),
    "fte": lambda: _("rammen for årsverk"),
}


def _amount(limit: str, value: float) -> str:
    return (format_number(value, 1) + " " + _("årsverk")) if limit == "fte" else (format_number(value) + " kr")


def _objective_amount(cycle: CycleYear, value: float | None) -> str:
    if value is None:
        return "–"
    if cycle.objective == Objective.GAP:
        return format_number(value * 100, 1) + " " + _("vektede prosentpoeng av gapene")
    return format_number(value) + " " + _("kr i nåverdi")


def _usage(c: Candidate) -> dict[str, float]:
    ini = c.initiative
    return {"one_off": float(ini.one_off_cost or 0), "yearly_cost": float(ini.yearly_cost or 0),
            "fte": float(c.fte or 0)}


def _over_with_must_do(cycle: CycleYear, c: Candidate, must_usage: dict[str, float]) -> dict[str, float]:
    """Limit → how far the must-do items plus ``c`` alone go over it (only the limits they break)."""
    own = _usage(c)
    out = {}
    for k, limit in limits_of(cycle).as_dict().items():
        total = must_usage[k] + own[k]
        if limit is not None and total - limit > pf.LIMIT_RTOL * max(1.0, limit):
            out[k] = total - limit
    return out


def explain(cycle: CycleYear, d, c: Candidate, must_usage: dict[str, float] | None = None) -> str:
    """A plain Norwegian sentence for why the candidate is in or out of the portfolio.

    ``must_usage`` (limit → what the must-do items use) lets a «too large» candidate be explained
    by its excess over the must-do items alone; ``d.exceeds`` is the excess on top of the chosen
    portfolio, which is what a displaced candidate's sentence needs.
    """
    exceeds = d.exceeds or {}
    if d.reason == "too_large" and must_usage is not None:
        exceeds = _over_with_must_do(cycle, c, must_usage)
    over = "; ".join(
        _("over %(limit)s med %(amount)s") % {"limit": LIMIT_LABELS[k](), "amount": _amount(k, v)}
        for k, v in exceeds.items() if v and v > 0)
    if d.reason == "must_do":
        return _("Tatt med fordi det må gjennomføres: %(why)s.") % {
            "why": c.must_do_reason or _("minimumskrav i lov eller forskrift")}
    if d.reason == "chosen":
        return _("Valgt: uten dette tiltaket ville den beste porteføljen gitt %(loss)s mindre.") % {
            "loss": _objective_amount(cycle, d.marginal)}
    if d.reason == "not_worth":
        if cycle.objective == Objective.GAP:
            return _("Ikke valgt: tiltaket bidrar ikke til å tette gapet mot noen av målene som gjenstår.")
        return _("Ikke valgt: nåverdien er ikke positiv i planperioden (kostnadene er større enn gevinsten).")
    if d.reason == "too_large":
        return _("Ikke valgt: tiltaket får ikke plass innenfor rammene, selv uten andre tiltak enn dem som må "
                 "gjennomføres (%(over)s).") % {"over": over or _("rammene")}
    text = _("Ikke valgt: får ikke plass sammen med de valgte tiltakene (%(over)s).") % {
        "over": over} if over else _("Ikke valgt: andre tiltak gir mer innenfor rammene.")
    if d.marginal is not None:
        text += " " + _("Den beste porteføljen som tar det med, gir %(loss)s mindre.") % {
            "loss": _objective_amount(cycle, d.marginal)}
    return text


def prioritise(cycle: CycleYear) -> Prioritisation:
    """Run the exact optimisation on the year's candidates and explain every decision."""
    inputs, gaps, cands, goals = _inputs(cycle)
    try:
        result = pf.optimise_portfolio(
            inputs, gaps, limits_of(cycle), objective=cycle.objective, first_year=cycle.budget_year,
            years=cycle.plan_years, discount_rate=cycle.discount_rate / 100)
    except ValueError as exc:
        log.warning("prioritisation failed for cycle %s: %s", cycle.pk, exc)
        raise UserError(_("Prioriteringen kunne ikke regnes ut: tallene for kandidatene er ikke gyldige."),
                        f"portfolio: {exc}") from exc
    explanations, rows = {}, []
    must_usage = {k: sum(_usage(c)[k] for c in cands.values() if c.must_do) for k in pf.LIMIT_NAMES}
    for d in result.decisions:
        c = cands[d.key]
        text = explain(cycle, d, c, must_usage) if result.status == "optimal" else ""
        explanations[d.key] = text
        benefit, source = candidate_benefit(c)
        rows.append({"candidate": c, "decision": d, "chosen": d.chosen, "explanation": text, "benefit": benefit,
                     "benefit_source": source})
    return Prioritisation(cycle, result, cands, goals, explanations, rows)


def infeasible_text(result: pf.PortfolioResult) -> str:
    parts = [_("%(limit)s med %(amount)s") % {"limit": LIMIT_LABELS[k](), "amount": _amount(k, v)}
             for k, v in (result.limit_excess or {}).items()]
    return _("Tiltakene som må gjennomføres, går alene ut over %(what)s. Øk rammen eller se på "
             "tiltakene som er merket «må gjennomføres».") % {"what": ", ".join(parts) or _("rammene")}


def save_prioritisation(p: Prioritisation) -> None:
    """Store the chosen portfolio (decision prioritert / ikke valgt) with each explanation.

    Refused once the year's prioritisation is adopted: the adopted decisions are the record.
    """
    if p.cycle.adopted_at is not None:
        raise UserError(_("Prioriteringen er allerede vedtatt og kan ikke lagres på nytt."), "cycle already adopted")
    if p.result.status != "optimal":
        raise UserError(infeasible_text(p.result), "portfolio infeasible")
    with transaction.atomic():
        for key, c in p.candidates.items():
            chosen = key in p.result.chosen
            c.decision = Decision.PRIORITERT if chosen else Decision.IKKE_VALGT
            c.explanation = p.explanations.get(key, "")
            c.save(update_fields=["decision", "explanation"])
        dd_ids = {c.deep_dive_id for k, c in p.candidates.items() if k in p.result.chosen and c.deep_dive_id}
        p.cycle.deep_dives.update(prioritised=False)
        p.cycle.deep_dives.filter(pk__in=dd_ids).update(prioritised=True)


def adopt(cycle: CycleYear, user) -> int:
    """Adopt the prioritised candidates: decision «vedtatt», the initiatives move to planning.

    Returns the number adopted. The initiatives' phase change goes through the plan's audit trail.
    """
    if cycle.adopted_at is not None:
        raise UserError(_("Prioriteringen er allerede vedtatt."), "cycle already adopted")
    with transaction.atomic():
        chosen = list(live_candidates(cycle).filter(decision=Decision.PRIORITERT))
        if not chosen:
            raise UserError(_("Ingen tiltak er prioritert ennå. Kjør prioriteringen og lagre den først."),
                            "adopt without prioritised candidates")
        for c in chosen:
            c.decision = Decision.VEDTATT
            c.save(update_fields=["decision"])
            ini = Initiative.objects.select_for_update().get(pk=c.initiative_id)
            if ini.phase in (Phase.IDE, Phase.UTREDNING):
                ini.phase = Phase.PLANLEGGING
                audit.save(ini, user, expected_version=ini.version)
        cycle.adopted_at = timezone.now()
        cycle.save(update_fields=["adopted_at"])
    return len(chosen)


def new_candidate(cycle: CycleYear, *, name: str, deep_dive: DeepDive | None, user, **fields) -> Candidate:
    """Create a candidate and its initiative in the plan (phase «idé», area = the deep dive)."""
    ini_fields = {k: fields.pop(k) for k in ("description", "owner", "one_off_cost", "yearly_cost", "risk",
                                             "change_start") if k in fields}
    with transaction.atomic():
        ini = audit.save(Initiative(organisation=cycle.organisation, name=name, phase=Phase.IDE,
                                    area=deep_dive.name[:120] if deep_dive else "", **ini_fields), user)
        return Candidate.objects.create(cycle=cycle, initiative=ini, deep_dive=deep_dive, **fields)
