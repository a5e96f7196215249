"""The årshjul on the JSON API: the year as data, activity status set by editors only, scoping."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model

from gevinst.accounts.models import Membership, Organisation, Role
from gevinst.accounts.tokens import create_api_token
from gevinst.cycle import service
from gevinst.cycle.models import ActivityStatus, Goal

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    org = Organisation.objects.create(name="Nittedal kommune", slug="nittedal", region="3233")
    other = Organisation.objects.create(name="Rælingen kommune", slug="ralingen", region="3230")
    tokens = {}
    for name, o, role in (("kari", org, Role.REDAKTOR), ("lise", org, Role.LESER), ("per", other, Role.ADMINISTRATOR)):
        u = get_user_model().objects.create_user(name, f"{name}@example.no", "x")
        Membership.objects.create(user=u, organisation=o, role=role)
        tokens[name] = create_api_token(u, "test")[1]
    cycle = service.create_cycle(org, 2027)
    Goal.objects.create(cycle=cycle, name="Pedagognormen", unit="prosent", current_value=38.6, target_value=43.0,
                        legal_minimum=True, legal_basis="Barnehageloven § 26")
    return {"org": org, "cycle": cycle, "tokens": tokens}


def call(client, method, url, token, body=None):
    kw = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if body is not None:
        kw.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(url, **kw)


def test_the_year_as_data(client, world):
    r = call(client, "get", "/api/orgs/nittedal/arshjul/", world["tokens"]["lise"])
    assert r.status_code == 200 and r.json() == [2027]
    r = call(client, "get", "/api/orgs/nittedal/arshjul/2027/", world["tokens"]["lise"])
    assert r.status_code == 200
    data = r.json()
    assert data["budget_year"] == 2027 and data["work_year"] == 2026
    assert len(data["activities"]) == world["cycle"].activities.count()
    vedtak = next(a for a in data["activities"] if a["key"] == "q4-vedtak")
    assert vedtak["deadline"] == "2026-12-31" and vedtak["status"] == "ikke_startet"
    goal = data["goals"][0]
    assert goal["legal_minimum"] and goal["gap"] == pytest.approx(4.4)


def test_editor_sets_an_activity_status_reader_cannot(client, world):
    a = world["cycle"].activities.get(key="q1-gap")
    url = f"/api/orgs/nittedal/arshjul/2027/aktiviteter/{a.pk}/status"
    assert call(client, "put", url, world["tokens"]["lise"], {"status": "ferdig"}).status_code == 403
    a.refresh_from_db()
    assert a.status == ActivityStatus.IKKE_STARTET
    r = call(client, "put", url, world["tokens"]["kari"], {"status": "ferdig"})
    assert r.status_code == 200 and r.json()["status"] == "ferdig" and not r.json()["overdue"]
    a.refresh_from_db()
    assert a.status == ActivityStatus.FERDIG and a.completed_on is not None


def test_unknown_status_is_refused_in_norwegian_and_nothing_changes(client, world):
    a = world["cycle"].activities.get(key="q1-gap")
    r = call(client, "put", f"/api/orgs/nittedal/arshjul/2027/aktiviteter/{a.pk}/status", world["tokens"]["kari"],
             {"status": "done"})
    assert r.status_code == 422 and "Ukjent status «done»" in r.json()["detail"]
    a.refresh_from_db()
    assert a.status == ActivityStatus.IKKE_STARTET


def test_another_organisation_sees_nothing(client, world):
    a = world["cycle"].activities.first()
    token = world["tokens"]["per"]
    assert call(client, "get", "/api/orgs/nittedal/arshjul/2027/", token).status_code == 404
    r = call(client, "put", f"/api/orgs/ralingen/arshjul/2027/aktiviteter/{a.pk}/status", token, {"status": "ferdig"})
    assert r.status_code == 404
    a.refresh_from_db()
    assert a.status == ActivityStatus.IKKE_STARTET
