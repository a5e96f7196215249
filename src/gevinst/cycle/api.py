"""The annual cycle on the JSON API (``/api/orgs/{slug}/arshjul/...``), with the pages' scoping and rights."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Schema, Status

from gevinst.accounts.models import Role
from gevinst.accounts.scoping import scoped
from gevinst.api import org_for, router
from gevinst.api.schemas import ErrorOut


class ActivityOut(Schema):
    id: int
    quarter: int
    key: str
    title: str
    who: str
    document: str
    deadline: dt.date
    status: str
    overdue: bool


class GoalOut(Schema):
    id: int
    name: str
    indicator: str
    unit: str
    current_value: float | None
    target_value: float | None
    gap: float | None
    legal_minimum: bool
    legal_basis: str


class CandidateOut(Schema):
    id: int
    initiative_id: int
    name: str
    deep_dive_id: int | None
    yearly_benefit: float
    one_off_cost: float
    yearly_cost: float
    fte: float
    must_do: bool
    decision: str
    explanation: str


class DeepDiveOut(Schema):
    id: int
    name: str
    basis: str
    justification: str
    potential_nok: float | None
    prioritised: bool


class CycleOut(Schema):
    budget_year: int
    work_year: int
    current_quarter: int | None
    adopted_at: dt.datetime | None
    activities: list[ActivityOut]
    goals: list[GoalOut]
    deep_dives: list[DeepDiveOut]
    candidates: list[CandidateOut]


class ActivityStatusIn(Schema):
    status: str


def _cycle(org, year: int):
    from .models import CycleYear

    return get_object_or_404(scoped(CycleYear.objects.all(), org), budget_year=year)


def _activity_out(a, today) -> dict:
    return {"id": a.pk, "quarter": a.quarter, "key": a.key, "title": a.title, "who": a.who, "document": a.document,
            "deadline": a.deadline, "status": a.status, "overdue": a.is_open and a.deadline < today}


@router.get("/orgs/{slug}/arshjul/", response={200: list[int], 404: ErrorOut}, tags=["årshjul"],
            summary="Budsjettårene som har et årshjul")
def list_cycles(request, slug: str):
    from .models import CycleYear

    org, _m = org_for(request, slug)
    return list(scoped(CycleYear.objects.all(), org).values_list("budget_year", flat=True))


@router.get("/orgs/{slug}/arshjul/{year}/", response={200: CycleOut, 404: ErrorOut}, tags=["årshjul"],
            summary="Årshjulet for et budsjettår",
            description="Aktiviteter med frist og status, mål med gap, dypdykk og kandidater med beslutning.")
def get_cycle(request, slug: str, year: int):
    from . import service

    org, _m = org_for(request, slug)
    cycle = _cycle(org, year)
    today = timezone.localdate()
    candidates = []
    for c in service.live_candidates(cycle):
        ini = c.initiative
        candidates.append({
            "id": c.pk, "initiative_id": ini.pk, "name": ini.name, "deep_dive_id": c.deep_dive_id,
            "yearly_benefit": service.candidate_benefit(c)[0], "one_off_cost": float(ini.one_off_cost or 0),
            "yearly_cost": float(ini.yearly_cost or 0), "fte": c.fte, "must_do": c.must_do,
            "decision": c.decision, "explanation": c.explanation})
    return {
        "budget_year": cycle.budget_year, "work_year": cycle.work_year, "current_quarter": cycle.quarter_of(today),
        "adopted_at": cycle.adopted_at,
        "activities": [_activity_out(a, today) for a in cycle.activities.all()],
        "goals": [{"id": g.pk, "name": g.name, "indicator": g.indicator, "unit": g.unit,
                   "current_value": g.current_value, "target_value": g.target_value, "gap": g.gap,
                   "legal_minimum": g.legal_minimum, "legal_basis": g.legal_basis} for g in cycle.goals.all()],
        "deep_dives": [{"id": d.pk, "name": d.name, "basis": d.basis, "justification": d.justification,
                        "potential_nok": None if d.potential_nok is None else float(d.potential_nok),
                        "prioritised": d.prioritised} for d in cycle.deep_dives.all()],
        "candidates": candidates,
    }


@router.put("/orgs/{slug}/arshjul/{year}/aktiviteter/{activity_id}/status",
            response={200: ActivityOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}, tags=["årshjul"],
            summary="Endre status for en aktivitet",
            description="Redaktører og administratorer. Status: ikke_startet, pagar, ferdig eller ikke_aktuelt.")
def set_activity_status(request, slug: str, year: int, activity_id: int, payload: ActivityStatusIn):
    from .models import Activity, ActivityStatus

    org, _m = org_for(request, slug, Role.REDAKTOR)
    a = get_object_or_404(Activity, cycle=_cycle(org, year), pk=activity_id)
    if payload.status not in ActivityStatus.values:
        return Status(422, {"detail": "Ukjent status «%s». Gyldige: %s." % (payload.status, ", ".join(ActivityStatus.values))})
    a.status = payload.status
    a.note_completion(timezone.localdate())
    a.save(update_fields=["status", "completed_on"])
    return Status(200, _activity_out(a, timezone.localdate()))
