"""Q3 of the annual cycle: prioritising the candidate initiatives under the limits, the Norwegian
explanations, infeasible must-do items, adoption through the plan's audit trail, the gap objective
and where a candidate's benefit comes from."""

from __future__ import annotations

import itertools

import pytest
from django.db import transaction
from django.utils import timezone

from gevinst.core.formatting import format_number
from gevinst.cycle import service
from gevinst.cycle.models import Candidate, Contribution, CycleYear, Decision, Goal
from gevinst.errors import UserError
from gevinst.plans import audit, testing
from gevinst.plans.models import AuditEvent, Initiative, Phase

LIMITS = ("one_off", "yearly_cost", "fte")
LABELS = {"one_off": "rammen for engangskostnader", "yearly_cost": "rammen for årlige kostnader",
          "fte": "rammen for årsverk"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo organisation and its example year, built once for the module and rolled back after it.

    Each test runs inside its own savepoint on top of this (pytest-django's ``db``)."""
    from gevinst.accounts.demo import ensure_demo
    from gevinst.cycle.demo import ensure_demo_cycle

    with django_db_blocker.unblock(), transaction.atomic():
        org, username, _password = ensure_demo()
        cycle = ensure_demo_cycle(org)
        yield {"org": org.pk, "cycle": cycle.pk, "username": username}
        transaction.set_rollback(True)


@pytest.fixture
def user(demo, db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=demo["username"])


def candidates(cycle) -> dict[str, Candidate]:
    return {str(c.pk): c for c in service.live_candidates(cycle)}


def cost(c: Candidate, limit: str) -> float:
    ini = c.initiative
    return {"one_off": float(ini.one_off_cost or 0), "yearly_cost": float(ini.yearly_cost or 0),
            "fte": float(c.fte or 0)}[limit]


def limit_value(cycle, limit: str):
    v = {"one_off": cycle.limit_one_off, "yearly_cost": cycle.limit_yearly_cost, "fte": cycle.limit_fte}[limit]
    return None if v is None else float(v)


def set_limits(cycle, one_off=None, yearly_cost=None, fte=None) -> CycleYear:
    cycle.limit_one_off, cycle.limit_yearly_cost, cycle.limit_fte = one_off, yearly_cost, fte
    cycle.save()
    return CycleYear.objects.get(pk=cycle.pk)


def stored_decisions(cycle) -> dict[int, tuple[str, str]]:
    return {c.pk: (c.decision, c.explanation) for c in Candidate.objects.filter(cycle=cycle)}


# ------------------------------------------------------------------ the demo year
def test_demo_year_has_goals_deep_dives_candidates_and_is_adopted(year):
    from gevinst.cycle.demo import ensure_demo_cycle

    assert year.is_example and year.budget_year == timezone.localdate().year + 1
    assert year.adopted_at is not None
    goals = list(year.goals.all())
    assert any(g.legal_minimum and g.legal_basis for g in goals)
    from_data = [g for g in goals if g.indicator]
    assert from_data and all("hentet fra data" in g.current_source for g in from_data)
    assert year.deep_dives.count() >= 2
    cands = list(service.live_candidates(year))
    assert len(cands) >= 4 and any(c.must_do for c in cands)
    assert {c.decision for c in cands} <= {Decision.VEDTATT, Decision.IKKE_VALGT}
    assert any(c.decision == Decision.VEDTATT for c in cands)
    # idempotent
    n = Candidate.objects.count()
    assert ensure_demo_cycle(year.organisation).pk == year.pk and Candidate.objects.count() == n


# ------------------------------------------------------------------ limits and optimality
def best_by_brute_force(cycle) -> tuple[set[str], float]:
    """Every subset that holds the must-do items and meets the limits; the one with the largest NPV."""
    cands = candidates(cycle)
    npv = {k: service.business_case_for(c, cycle).npv for k, c in cands.items()}
    must = {k for k, c in cands.items() if c.must_do}
    free = [k for k in cands if k not in must]
    best, best_value = None, float("-inf")
    for r in range(len(free) + 1):
        for combo in itertools.combinations(free, r):
            chosen = must | set(combo)
            if all(limit_value(cycle, lim) is None
                   or sum(cost(cands[k], lim) for k in chosen) <= limit_value(cycle, lim) + 1e-6 for lim in LIMITS):
                value = sum(npv[k] for k in chosen)
                if value > best_value + 1e-6:
                    best, best_value = chosen, value
    return best, best_value


@pytest.mark.parametrize("limits", [
    None,  # the demo's own limits
    {"one_off": 3_000_000, "yearly_cost": 3_000_000, "fte": 3.0},
    {"one_off": 8_000_000},
    {"fte": 4.0},
])
def test_prioritisation_respects_the_limits_and_finds_the_best_portfolio(year, limits):
    if limits is not None:
        year = set_limits(year, **limits)
    p = service.prioritise(year)
    assert p.result.status == "optimal"
    cands = candidates(year)
    chosen = [cands[k] for k in p.result.chosen]
    for lim in LIMITS:
        if limit_value(year, lim) is not None:
            assert sum(cost(c, lim) for c in chosen) <= limit_value(year, lim) + 1e-6, lim
    must = {k for k, c in cands.items() if c.must_do}
    assert must and must <= set(p.result.chosen)
    best, best_value = best_by_brute_force(year)
    npv = sum(service.business_case_for(c, year).npv for c in chosen)
    assert npv == pytest.approx(best_value, rel=1e-9)
    assert set(p.result.chosen) == best


def test_saving_stores_decisions_explanations_and_prioritised_deep_dives(open_year):
    open_year = set_limits(open_year, one_off=8_000_000)
    p = service.prioritise(open_year)
    service.save_prioritisation(p)
    stored = {str(c.pk): c for c in Candidate.objects.filter(cycle=open_year)}
    for key, c in stored.items():
        assert c.decision == (Decision.PRIORITERT if key in p.result.chosen else Decision.IKKE_VALGT)
        assert c.explanation and c.explanation == p.explanations[key]
    with_chosen = {stored[k].deep_dive_id for k in p.result.chosen if stored[k].deep_dive_id}
    assert set(open_year.deep_dives.filter(prioritised=True).values_list("pk", flat=True)) == with_chosen


# ------------------------------------------------------------------ explanations
@pytest.mark.parametrize("limits", [{"one_off": 8_000_000}, {"fte": 4.0}, {"yearly_cost": 3_000_000}])
def test_explanations_are_norwegian_and_name_the_limit_that_binds(year, limits):
    year = set_limits(year, **limits)
    p = service.prioritise(year)
    cands = candidates(year)
    chosen = [cands[k] for k in p.result.chosen]
    displaced = 0
    for d in p.result.decisions:
        c, text = cands[d.key], p.explanations[d.key]
        assert text.endswith(".") and text[0].isupper(), text
        if d.key in p.result.chosen:
            assert text.startswith(("Valgt:", "Tatt med fordi det må gjennomføres")), text
            if c.must_do:
                assert c.must_do_reason in text
            continue
        assert text.startswith("Ikke valgt:"), text
        if d.reason != "displaced":
            continue
        displaced += 1
        for lim in LIMITS:
            room = limit_value(year, lim)
            over = None if room is None else sum(cost(x, lim) for x in chosen) + cost(c, lim) - room
            if over is not None and over > 1e-6:
                amount = format_number(over, 1) + " årsverk" if lim == "fte" else format_number(over) + " kr"
                assert f"over {LABELS[lim]} med {amount}" in text, text
            else:
                assert LABELS[lim] not in text, text
    assert displaced, "the limit should displace at least one candidate"


def test_explanations_in_the_demo_for_the_must_do_and_the_chosen(year):
    p = service.prioritise(year)
    cands = candidates(year)
    for key in p.result.chosen:
        c = cands[key]
        text = p.explanations[key]
        if c.must_do:
            assert text == f"Tatt med fordi det må gjennomføres: {c.must_do_reason}."
        else:
            assert "nåverdi mindre" in text and "\u00a0" in text  # a number in Norwegian format


def test_too_large_explanation_gives_the_excess_over_the_must_do_items_alone(year, user):
    limit = float(year.limit_one_off)
    big = service.new_candidate(year, name="Nytt sykehjem", deep_dive=year.deep_dives.first(), user=user,
                                one_off_cost=limit + 1_000_000, yearly_benefit=5_000_000)
    must_one_off = sum(cost(c, "one_off") for c in candidates(year).values() if c.must_do)
    p = service.prioritise(year)
    d = next(d for d in p.result.decisions if d.key == str(big.pk))
    assert d.reason == "too_large" and not d.chosen
    over = must_one_off + limit + 1_000_000 - limit
    assert p.explanations[str(big.pk)] == (
        "Ikke valgt: tiltaket får ikke plass innenfor rammene, selv uten andre tiltak enn dem som må "
        f"gjennomføres (over rammen for engangskostnader med {format_number(over)} kr).")


# ------------------------------------------------------------------ infeasible must-do items
def test_infeasible_must_do_gives_norwegian_text_and_saving_changes_nothing(open_year):
    service.save_prioritisation(service.prioritise(open_year))  # something stored to protect
    before = stored_decisions(open_year)
    flags_before = dict(open_year.deep_dives.values_list("pk", "prioritised"))
    must_one_off = sum(cost(c, "one_off") for c in candidates(open_year).values() if c.must_do)
    assert must_one_off > 100_000
    open_year = set_limits(open_year, one_off=100_000)

    p = service.prioritise(open_year)
    assert p.result.status == "infeasible" and p.result.chosen == ()
    text = service.infeasible_text(p.result)
    assert text.startswith("Tiltakene som må gjennomføres, går alene ut over")
    assert f"rammen for engangskostnader med {format_number(must_one_off - 100_000)} kr" in text
    assert "årsverk" not in text
    with pytest.raises(UserError) as exc:
        service.save_prioritisation(p)
    assert exc.value.message == text
    assert stored_decisions(open_year) == before
    assert dict(open_year.deep_dives.values_list("pk", "prioritised")) == flags_before


# ------------------------------------------------------------------ adoption
def test_adopt_moves_ideas_to_planning_through_the_audit_trail(open_year, user):
    open_year = set_limits(open_year)  # no limits: every candidate worth doing is prioritised
    p = service.prioritise(open_year)
    service.save_prioritisation(p)
    cands = candidates(open_year)
    ideas = [c for k, c in cands.items() if k in p.result.chosen and c.initiative.phase == Phase.IDE]
    assert ideas, "precondition: an idea is among the prioritised"
    others = {c.initiative_id: c.initiative.phase for k, c in cands.items() if c.initiative.phase != Phase.IDE}
    adopted_before = open_year.adopted_at

    n = service.adopt(open_year, user)
    assert n == len(p.result.chosen)
    for c in ideas:
        ini = Initiative.objects.get(pk=c.initiative_id)
        assert ini.phase == Phase.PLANLEGGING and ini.version == c.initiative.version + 1
        ev = AuditEvent.objects.filter(model="initiative", object_id=ini.pk, action="update").first()
        assert ev is not None and ev.user == user
        assert ev.before["phase"] == Phase.IDE and ev.after["phase"] == Phase.PLANLEGGING
    for pk, phase in others.items():  # initiatives further on keep their phase
        assert Initiative.objects.get(pk=pk).phase == phase
    decisions = dict(Candidate.objects.filter(cycle=open_year).values_list("pk", "decision"))
    for k, c in cands.items():
        assert decisions[c.pk] == (Decision.VEDTATT if k in p.result.chosen else Decision.IKKE_VALGT)
    open_year.refresh_from_db()
    assert adopted_before is None and open_year.adopted_at is not None


def test_adopt_refuses_when_nothing_is_prioritised(year, user):
    fresh = service.create_cycle(year.organisation, year.budget_year + 3)
    c = service.new_candidate(fresh, name="Et tiltak som ikke er prioritert", deep_dive=None, user=user,
                              one_off_cost=100_000, yearly_benefit=200_000)
    events = AuditEvent.objects.count()
    with pytest.raises(UserError) as exc:
        service.adopt(fresh, user)
    assert "Ingen tiltak er prioritert" in exc.value.message
    fresh.refresh_from_db()
    assert fresh.adopted_at is None
    assert Initiative.objects.get(pk=c.initiative_id).phase == Phase.IDE
    assert Candidate.objects.get(pk=c.pk).decision == Decision.KANDIDAT
    assert AuditEvent.objects.count() == events


def test_new_candidate_is_an_idea_in_the_plan(year, user):
    dd = year.deep_dives.first()
    c = service.new_candidate(year, name="Nytt tiltak", deep_dive=dd, user=user, one_off_cost=250_000,
                              yearly_cost=10_000, risk="hoy", fte=0.5, yearly_benefit=90_000)
    ini = c.initiative
    assert ini.organisation_id == year.organisation_id and ini.phase == Phase.IDE and ini.area == dd.name
    assert float(ini.one_off_cost) == 250_000 and ini.risk == "hoy"
    assert c.fte == 0.5 and float(c.yearly_benefit) == 90_000 and c.deep_dive_id == dd.pk
    assert AuditEvent.objects.filter(model="initiative", object_id=ini.pk, action="create", user=user).exists()


# ------------------------------------------------------------------ the gap objective
def test_gap_objective_closes_the_legal_minimum_gap(db):
    org = testing.org()
    cycle = service.create_cycle(org, 2027)
    cycle = set_limits(cycle, one_off=1_000_000)
    legal = Goal.objects.create(cycle=cycle, name="Bemanningsnormen", direction="higher_better",
                                current_value=30.0, target_value=33.0, legal_minimum=True,
                                legal_basis="Barnehageloven § 26")
    staffing = service.new_candidate(cycle, name="Flere barnehagelærere", deep_dive=None, user=None,
                                     one_off_cost=1_000_000, yearly_cost=200_000, yearly_benefit=0)
    Contribution.objects.create(candidate=staffing, goal=legal, amount=3.0)
    profitable = service.new_candidate(cycle, name="Ny turnusplan", deep_dive=None, user=None,
                                       one_off_cost=800_000, yearly_benefit=2_000_000)

    by_benefit = service.prioritise(cycle)
    assert by_benefit.result.chosen == (str(profitable.pk),)  # money alone leaves the legal minimum open
    g = next(r for r in by_benefit.result.goals if r.key == str(legal.pk))
    assert g.legal_minimum and g.remaining == pytest.approx(legal.gap)

    cycle.objective = "gap"
    cycle.save()
    by_gap = service.prioritise(cycle)
    assert by_gap.result.chosen == (str(staffing.pk),)
    g = next(r for r in by_gap.result.goals if r.key == str(legal.pk))
    assert g.legal_minimum and g.closed == pytest.approx(3.0) and g.remaining == pytest.approx(0.0)
    assert g.share_closed == pytest.approx(1.0)
    text = by_gap.explanations[str(staffing.pk)]  # in units of the gap objective: all of one goal's gap
    assert text.startswith("Valgt:") and "100,0" in text and "prosentpoeng" in text


# ------------------------------------------------------------------ where a candidate's benefit comes from
def test_candidate_benefit_falls_back_to_the_benefit_register(db):
    org = testing.org()
    editor = testing.user("redaktor", org)
    cycle = service.create_cycle(org, 2027)
    ini = testing.initiative(org, editor, name="Digitalt tilsyn", phase="ide")
    testing.benefit(ini, editor, name="Færre nattevakter", expected_yearly_nok=300_000)
    testing.benefit(ini, editor, name="Færre fall", expected_yearly_nok=450_000)
    testing.benefit(ini, editor, name="Tryggere brukere", expected_yearly_nok=None)
    gone = testing.benefit(ini, editor, name="Slettet gevinst", expected_yearly_nok=1_000_000)
    audit.soft_delete(gone, editor)
    c = Candidate.objects.create(cycle=cycle, initiative=ini)

    value, source = service.candidate_benefit(c)
    assert value == 300_000 + 450_000
    assert "gevinstregisteret" in source
    p = service.prioritise(cycle)
    assert p.rows[0]["benefit"] == value and p.result.decisions[0].yearly_benefit == value

    c.yearly_benefit, c.benefit_source = 2_000_000, "Anslag fra dypdykket"
    c.save()
    assert service.candidate_benefit(c) == (2_000_000.0, "Anslag fra dypdykket")


def test_an_adopted_prioritisation_is_not_saved_or_adopted_again(year, user):
    decisions = {c.pk: c.decision for c in year.candidates.all()}
    assert year.adopted_at is not None and "vedtatt" in decisions.values()
    p = service.prioritise(year)
    with pytest.raises(UserError, match="allerede vedtatt"):
        service.save_prioritisation(p)
    with pytest.raises(UserError, match="allerede vedtatt"):
        service.adopt(year, user)
    assert {c.pk: c.decision for c in year.candidates.all()} == decisions
