"""Plan operations on the JSON API (``/api/orgs/{slug}/plan/...``), with the pages' scoping and rights."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Schema, Status

from gevinst.accounts.scoping import scoped
from gevinst.api import org_for, router
from gevinst.api.schemas import ErrorOut


class FindingOut(Schema):
    rule: str
    severity: str
    initiative_id: int | None
    initiative: str
    benefit_id: int | None
    benefit: str
    message: str
    what_to_do: str


class MeasurementIn(Schema):
    value: float
    date: dt.date
    comment: str = ""


class MeasurementOut(Schema):
    id: int
    benefit_id: int
    value: float
    date: dt.date
    comment: str
    automatic: bool
    version: int


@router.get("/orgs/{slug}/plan/", response={200: dict, 404: ErrorOut}, tags=["planer"],
            summary="Hele gevinstplanen",
            description="Tiltak, gevinster, målinger og gevinstkart i samme form som JSON-eksporten.")
def get_plan(request, slug: str):
    from .io import export_plan

    org, _m = org_for(request, slug)
    return export_plan(org)


@router.get("/orgs/{slug}/plan/helsesjekk/", response={200: list[FindingOut], 404: ErrorOut}, tags=["planer"],
            summary="Helsesjekk", description="Fallgruvene i planen, hver med hva som bør gjøres.")
def get_check(request, slug: str):
    from .check import check_organisation

    org, _m = org_for(request, slug)
    return [f.as_dict() for f in check_organisation(org)]


@router.post("/orgs/{slug}/plan/gevinster/{benefit_id}/malinger/",
             response={201: MeasurementOut, 403: ErrorOut, 404: ErrorOut}, tags=["planer"],
             summary="Registrer en måling",
             description="Redaktører og administratorer, og gevinsteieren for egne gevinster.")
def add_measurement(request, slug: str, benefit_id: int, payload: MeasurementIn):
    from . import audit, data
    from .models import Benefit, Measurement
    from .views import can_edit_benefit

    org, m = org_for(request, slug)
    b = get_object_or_404(scoped(Benefit.objects.live(), org), pk=benefit_id)
    if not can_edit_benefit(m, b):
        raise PermissionDenied("role too low")
    mm = audit.save(Measurement(organisation=org, benefit=b, value=payload.value, date=payload.date,
                                comment=payload.comment, recorded_by=request.auth), request.auth)
    data.update_status(b, request.auth)
    return Status(201, mm)


