"""Small factories for the plan tests (organisation, users with roles, a plan)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from gevinst.accounts.models import Membership, Organisation

from . import audit
from .models import Benefit, Initiative, Measurement


def org(slug: str = "lorenskog", region: str = "3222", name: str = "Lørenskog kommune") -> Organisation:
    return Organisation.objects.get_or_create(slug=slug, defaults={"name": name, "region": region})[0]


def user(username: str, organisation: Organisation | None = None, role: str = "redaktor"):
    u = get_user_model().objects.create_user(username=username, password="hemmelig-passord-123")
    if organisation is not None:
        Membership.objects.create(user=u, organisation=organisation, role=role)
    return u


def initiative(organisation, by=None, **kw) -> Initiative:
    fields = {"name": "Digital hjemmeoppfølging", "change_start": dt.date(2025, 1, 1), "phase": "gjennomforing"}
    fields.update(kw)
    return audit.save(Initiative(organisation=organisation, **fields), by)


def benefit(ini: Initiative, by=None, **kw) -> Benefit:
    fields = {"name": "Færre kjøreminutter", "axis": "tid", "value_class": "alternativ",
              "custom_indicator": "Kjøretid per besøk", "custom_unit": "minutter", "custom_direction": "lower_better",
              "baseline_value": 14.0, "baseline_date": dt.date(2024, 11, 30), "target_value": 9.0,
              "target_date": dt.date(2026, 12, 31)}
    fields.update(kw)
    return audit.save(Benefit(organisation=ini.organisation, initiative=ini, **fields), by)


def measurement(b: Benefit, by=None, **kw) -> Measurement:
    fields = {"value": 12.0, "date": dt.date(2025, 6, 30), "recorded_by": by}
    fields.update(kw)
    return audit.save(Measurement(organisation=b.organisation, benefit=b, **fields), by)
