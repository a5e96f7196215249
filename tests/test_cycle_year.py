"""The annual cycle's year (årshjul): activities and deadlines, where the organisation stands,
reminders, the gap of goals and numbers for goals and deep dives from the bundled data."""

from __future__ import annotations

import datetime as dt

import pytest

from gevinst.core.formatting import format_number
from gevinst.cycle import service
from gevinst.cycle.models import ActivityStatus, CycleYear, DeepDive, Goal
from gevinst.cycle.template import ACTIVITIES
from gevinst.errors import UserError
from gevinst.plans import testing

pytestmark = pytest.mark.django_db

BUDGET_YEAR = 2027
WORK_YEAR = 2026


@pytest.fixture
def org(db):
    return testing.org()


@pytest.fixture
def cycle(org):
    return service.create_cycle(org, BUDGET_YEAR)


def template_deadline(key: str, work_year: int = WORK_YEAR) -> dt.date:
    t = next(t for t in ACTIVITIES if t.key == key)
    return dt.date(work_year, *t.deadline)


# ------------------------------------------------------------------ creating the year
def test_create_cycle_makes_the_template_activities_in_the_work_year(org):
    cycle = service.create_cycle(org, BUDGET_YEAR)
    assert cycle.work_year == BUDGET_YEAR - 1
    acts = {a.key: a for a in cycle.activities.all()}
    assert set(acts) == {t.key for t in ACTIVITIES}
    for t in ACTIVITIES:
        a = acts[t.key]
        assert a.quarter == t.quarter and a.title == str(t.title)
        assert a.deadline == dt.date(BUDGET_YEAR - 1, *t.deadline)
        assert a.status == ActivityStatus.IKKE_STARTET
    # each deadline lies in its own quarter of the work year
    for a in acts.values():
        assert a.deadline.year == WORK_YEAR and cycle.quarter_of(a.deadline) == a.quarter, a.key


def test_legal_deadlines_annual_report_31_march_adopted_budget_31_december(cycle):
    arsberetning = cycle.activities.get(key="q1-arsberetning")
    vedtak = cycle.activities.get(key="q4-vedtak")
    assert arsberetning.deadline == dt.date(WORK_YEAR, 3, 31)
    assert vedtak.deadline == dt.date(WORK_YEAR, 12, 31)
    assert "31. mars" in arsberetning.law
    assert "kommuneloven" in vedtak.law.lower()


def test_create_cycle_is_idempotent_and_restores_missing_activities(org):
    first = service.create_cycle(org, BUDGET_YEAR)
    first.activities.filter(key="q2-data").update(status=ActivityStatus.FERDIG)
    again = service.create_cycle(org, BUDGET_YEAR)
    assert again.pk == first.pk
    assert CycleYear.objects.filter(organisation=org).count() == 1
    assert again.activities.count() == len(ACTIVITIES)
    assert again.activities.get(key="q2-data").status == ActivityStatus.FERDIG  # existing rows untouched
    again.activities.filter(key="q3-workshop").delete()
    service.create_cycle(org, BUDGET_YEAR)
    assert again.activities.filter(key="q3-workshop").count() == 1
    assert again.activities.count() == len(ACTIVITIES)


def test_another_budget_year_is_a_separate_year(org, cycle):
    other = service.create_cycle(org, BUDGET_YEAR + 1)
    assert other.pk != cycle.pk
    assert other.activities.get(key="q4-vedtak").deadline == dt.date(BUDGET_YEAR, 12, 31)


def test_budget_year_out_of_range_is_refused_in_norwegian(org):
    with pytest.raises(UserError) as exc:
        service.create_cycle(org, 1999)
    assert "Budsjettåret må være mellom 2000 og 2100" in exc.value.message
    assert not CycleYear.objects.filter(organisation=org).exists()


# ------------------------------------------------------------------ where the organisation stands
def expected_overdue(today: dt.date, quarter: int) -> int:
    return sum(1 for t in ACTIVITIES if t.quarter == quarter and dt.date(WORK_YEAR, *t.deadline) < today)


def test_timeline_before_the_work_year(cycle):
    tl = service.timeline(cycle, dt.date(WORK_YEAR - 1, 11, 20))
    assert tl.position == "before" and tl.current_quarter is None
    assert not any(q.is_current for q in tl.quarters)
    assert [q.overdue for q in tl.quarters] == [0, 0, 0, 0] and tl.overdue == []
    assert [q.total for q in tl.quarters] == [sum(t.quarter == n for t in ACTIVITIES) for n in (1, 2, 3, 4)]
    # the next five deadlines, earliest first
    first_five = sorted(dt.date(WORK_YEAR, *t.deadline) for t in ACTIVITIES)[:5]
    assert [a.deadline for a in tl.next_due] == first_five


def test_timeline_during_the_work_year(cycle):
    today = dt.date(WORK_YEAR, 5, 20)
    tl = service.timeline(cycle, today)
    assert tl.position == "during" and tl.current_quarter == 2
    assert [q.is_current for q in tl.quarters] == [False, True, False, False]
    assert [q.overdue for q in tl.quarters] == [expected_overdue(today, n) for n in (1, 2, 3, 4)]
    assert tl.quarters[0].overdue == tl.quarters[0].total > 0  # all of Q1 has passed
    assert tl.quarters[1].overdue >= 1 and tl.quarters[2].overdue == 0
    assert tl.quarters[1].start == dt.date(WORK_YEAR, 4, 1) and tl.quarters[1].end == dt.date(WORK_YEAR, 6, 30)
    assert tl.quarters[3].end == dt.date(WORK_YEAR, 12, 31)
    assert all(a.deadline < today for a in tl.overdue) and all(a.deadline >= today for a in tl.next_due)
    assert [a.deadline for a in tl.overdue] == sorted(a.deadline for a in tl.overdue)


def test_timeline_counts_done_and_leaves_out_not_relevant(cycle):
    today = dt.date(WORK_YEAR, 5, 20)
    q1 = list(cycle.activities.filter(quarter=1).order_by("order"))
    before = service.timeline(cycle, today).quarters[0]
    done, not_relevant = q1[0], q1[1]
    done.status = ActivityStatus.FERDIG
    done.save()
    not_relevant.status = ActivityStatus.IKKE_AKTUELT
    not_relevant.save()
    tl = service.timeline(cycle, today)
    after = tl.quarters[0]
    assert after.total == before.total - 1  # «ikke aktuelt» does not count
    assert after.done == 1 and after.percent == round(100 / after.total)
    assert after.overdue == before.overdue - 2  # neither the finished nor the not-relevant one is overdue
    assert not_relevant.pk not in {a.pk for a in tl.overdue} and done.pk not in {a.pk for a in tl.overdue}
    assert not_relevant.pk in {a.pk for a in after.activities}  # still listed


def test_timeline_after_the_work_year(cycle):
    cycle.activities.filter(quarter=4).update(status=ActivityStatus.FERDIG)
    tl = service.timeline(cycle, dt.date(BUDGET_YEAR, 2, 1))
    assert tl.position == "after" and tl.current_quarter is None
    assert [q.overdue for q in tl.quarters[:3]] == [q.total for q in tl.quarters[:3]]
    assert tl.quarters[3].overdue == 0 and tl.quarters[3].percent == 100
    assert len(tl.overdue) == sum(q.total for q in tl.quarters[:3]) and tl.next_due == []


def test_quarter_of_only_for_the_work_year(cycle):
    assert cycle.quarter_of(dt.date(WORK_YEAR, 1, 1)) == 1
    assert cycle.quarter_of(dt.date(WORK_YEAR, 3, 31)) == 1
    assert cycle.quarter_of(dt.date(WORK_YEAR, 4, 1)) == 2
    assert cycle.quarter_of(dt.date(WORK_YEAR, 12, 31)) == 4
    assert cycle.quarter_of(dt.date(BUDGET_YEAR, 1, 1)) is None


def test_current_cycle_is_the_one_worked_on_now(org, cycle):
    later = service.create_cycle(org, BUDGET_YEAR + 2)
    assert service.current_cycle(org, dt.date(WORK_YEAR, 6, 1)).pk == cycle.pk
    assert service.current_cycle(org, dt.date(2040, 6, 1)).pk == later.pk  # else the latest


# ------------------------------------------------------------------ reminders
def test_reminders_window_and_overdue(org, cycle):
    today = template_deadline("q2-potensial") - dt.timedelta(days=14)  # exactly 14 days before a deadline
    cycle.activities.filter(key="q1-data").update(status=ActivityStatus.FERDIG)
    cycle.activities.filter(key="q1-gap").update(status=ActivityStatus.IKKE_AKTUELT)
    cycle.activities.filter(key="q1-workshop").update(status=ActivityStatus.PAGAR)
    other = service.create_cycle(testing.org(slug="oslo", region="0301", name="Oslo kommune"), BUDGET_YEAR)
    assert other.activities.exists()

    items = service.reminders(org, today, days=14)
    horizon = today + dt.timedelta(days=14)
    expected = {a.pk for a in cycle.activities.all() if a.is_open and a.deadline <= horizon}
    assert {r.activity.pk for r in items} == expected
    keys = {r.activity.key for r in items}
    assert "q2-potensial" in keys  # due exactly at the end of the window
    assert "q2-budsjettskriv" not in keys  # later than the window
    assert {"q1-data", "q1-gap"}.isdisjoint(keys)  # finished / not relevant
    assert "q1-workshop" in keys  # in progress but past its deadline
    assert all(r.activity.cycle.organisation_id == org.pk for r in items)
    for r in items:
        assert r.days_left == (r.activity.deadline - today).days
        assert r.overdue == (r.activity.deadline < today)
    assert [r.activity.deadline for r in items] == sorted(r.activity.deadline for r in items)
    assert any(r.overdue for r in items) and any(not r.overdue for r in items)
    assert next(r for r in items if r.activity.key == "q2-potensial").days_left == 14

    shorter = service.reminders(org, today, days=0)
    assert {r.activity.key for r in shorter} == {r.activity.key for r in items if r.days_left <= 0}


# ------------------------------------------------------------------ goals and their gap
@pytest.mark.parametrize(
    ("direction", "current", "target", "gap"),
    [
        ("higher_better", 10.0, 15.5, 5.5),
        ("lower_better", 10.0, 7.0, 3.0),
        ("higher_better", 16.0, 15.0, 0.0),  # reached (beyond the target)
        ("lower_better", 5.0, 7.0, 0.0),  # reached
        ("higher_better", 15.0, 15.0, 0.0),  # exactly reached
    ],
)
def test_goal_gap_in_the_goals_direction(direction, current, target, gap):
    g = Goal(name="Mål", direction=direction, current_value=current, target_value=target)
    assert g.gap == pytest.approx(gap)


def test_goal_gap_is_unknown_without_both_values():
    assert Goal(name="Mål", current_value=None, target_value=3.0).gap is None
    assert Goal(name="Mål", current_value=3.0, target_value=None).gap is None


# ------------------------------------------------------------------ numbers from the bundled data
INDICATOR = "andel_80_pluss_hjemmetjenester"


def test_fill_goal_from_bundled_data(bundled_db, cycle):
    from gevinst.plans.data import indicator_series

    series = indicator_series("3222", INDICATOR)
    assert series, "the bundled data should have the indicator for Lørenskog"
    latest = max(series, key=lambda v: v.year)
    goal = Goal(cycle=cycle, name="Flere eldre får hjelp hjemme", indicator=INDICATOR, target_value=30.0)
    assert service.fill_goal_from_data(goal, "3222") is True
    assert goal.current_value == pytest.approx(latest.value, abs=1e-4)
    assert "Statistisk sentralbyrå" in goal.current_source  # SSB
    assert str(latest.year) in goal.current_source and "hentet fra data" in goal.current_source
    assert goal.pk is None  # not saved
    assert goal.gap == pytest.approx(max(30.0 - latest.value, 0.0), abs=1e-4)


def test_fill_goal_without_indicator_or_data_changes_nothing(bundled_db, cycle):
    no_indicator = Goal(cycle=cycle, name="Eget mål", current_value=2.0)
    assert service.fill_goal_from_data(no_indicator, "3222") is False
    assert no_indicator.current_value == 2.0 and no_indicator.current_source == ""
    unknown_region = Goal(cycle=cycle, name="Mål", indicator=INDICATOR, current_value=2.0)
    assert service.fill_goal_from_data(unknown_region, "9999") is False
    assert unknown_region.current_value == 2.0


@pytest.fixture(scope="module")
def lorenskog_potential(django_db_setup, django_db_blocker):
    """The economic-room analysis for Lørenskog against the country (read-only, computed once)."""
    from gevinst.economy.potential import compute_potential

    with django_db_blocker.unblock():
        return compute_potential("3222", service.potential_year(), "country")


def test_deep_dive_potential_for_lorenskog_health_is_zero_when_spending_is_below_the_country(
        bundled_db, cycle, lorenskog_potential):
    year = service.potential_year()
    row = next(r for r in lorenskog_potential.rows if r.key == "helse_omsorg")
    assert row.potential is not None and row.potential < 0, "precondition: Lørenskog spends less than the country"

    dd = DeepDive(cycle=cycle, name="Helse og omsorg", service="helse_omsorg", basis="begge",
                  justification="Flere eldre over 80 år.")
    assert service.fill_deep_dive_potential(dd, "3222") is True
    assert dd.potential_nok == 0
    assert "Ikke noe potensial" in dd.potential_source
    assert f"{format_number(row.need_adjusted)} kr per innbygger" in dd.potential_source
    assert format_number(row.reference) in dd.potential_source
    assert str(year) in dd.potential_source and "Statistisk sentralbyrå" in dd.potential_source
    assert {e["origin"] for e in dd.evidence} == {"handlingsrom"}
    values = sorted(e["value"] for e in dd.evidence)
    assert values == sorted([row.need_adjusted, row.reference, row.potential])

    # fetching again replaces the numbers rather than adding them twice, and keeps the user's own
    dd.evidence.append({"label": "Eget tall", "value": 1.0, "origin": "bruker"})
    service.fill_deep_dive_potential(dd, "3222")
    assert len(dd.evidence) == 4 and sum(e.get("origin") == "handlingsrom" for e in dd.evidence) == 3


def test_deep_dive_potential_missing_service_or_number(bundled_db, cycle, lorenskog_potential):
    no_service = DeepDive(cycle=cycle, name="Uten tjeneste", basis="ma_endres", justification="Må endres nå.")
    assert service.fill_deep_dive_potential(no_service, "3222") is False
    assert no_service.potential_nok is None

    without = next((r for r in lorenskog_potential.rows if r.potential is None), None)
    assert without is not None, "precondition: some service lacks a reference in the bundled data"
    dd = DeepDive(cycle=cycle, name=without.label, service=without.key, basis="potensial",
                  justification="Stort potensial.")
    assert service.fill_deep_dive_potential(dd, "3222") is False
    assert dd.potential_nok is None and dd.potential_source == "" and dd.evidence == []


def test_reminders_stop_when_the_budget_year_is_over(org, cycle):
    open_keys = {a.key for a in cycle.activities.all() if a.is_open}
    in_budget_year = dt.date(cycle.budget_year, 6, 1)  # the budget year runs: its leftovers still remind
    assert {r.activity.key for r in service.reminders(org, in_budget_year, days=0)} == open_keys
    after = dt.date(cycle.budget_year + 1, 1, 2)  # the budget year is over: nothing from that year
    assert service.reminders(org, after, days=0) == []


def test_goal_takes_unit_and_direction_from_its_catalogue_indicator(cycle):
    from gevinst.catalogue import load_catalogue

    lower = next(i for i in load_catalogue().indicators if i.direction == "lower_better")
    g = Goal(cycle=cycle, name="Mål", indicator=lower.id, direction="higher_better", current_value=10, target_value=8)
    service.fill_goal_from_catalogue(g)
    assert g.unit == lower.unit[:60] and g.direction == "lower_better" and g.gap == 2
    own = Goal(cycle=cycle, name="Eget", unit="timer", direction="lower_better")
    service.fill_goal_from_catalogue(own)  # no indicator: the user's unit and direction stay
    assert own.unit == "timer" and own.direction == "lower_better"
