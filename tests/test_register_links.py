"""Links between issues #5/#7 and the organisation model and benefit register (issue #4).

Peer sets per organisation, financial targets per organisation, effect
estimates attached to benefits, and projection scenarios from adopted benefits.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.test import Client

from gevinst.accounts.models import Membership, Organisation, Role
from gevinst.benchlearning.models_peers import PeerSet

pytestmark = pytest.mark.django_db
PASSWORD = "Sv4rt-hemmelig-passord"


def member(username: str, org: Organisation, role: str = Role.REDAKTOR) -> Client:
    user = get_user_model().objects.filter(username=username).first() or get_user_model().objects.create_user(
        username, f"{username}@example.no", PASSWORD)
    Membership.objects.create(user=user, organisation=org, role=role)
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


@pytest.fixture
def orgs():
    a = Organisation.objects.create(name="Lillestrøm testkommune", slug="lillestrom-test", region="3205")
    b = Organisation.objects.create(name="Nittedal testkommune", slug="nittedal-test", region="3232")
    return a, b


# ------------------------------------------------------------------ 1. peer sets per organisation
def test_peer_set_names_unique_per_organisation(orgs):
    a, b = orgs
    PeerSet.objects.create(name="Naboer", region="3205", members=["3222"], organisation=a)
    PeerSet.objects.create(name="Naboer", region="3205", members=["3222"], organisation=b)
    PeerSet.objects.create(name="Naboer", region="3205", members=["3222"])
    for org in (a, None):
        with pytest.raises(IntegrityError), transaction.atomic():
            PeerSet.objects.create(name="Naboer", region="3205", members=[], organisation=org)


def test_member_saves_set_for_organisation_and_others_never_see_it(bundled_db, orgs):
    a, b = orgs
    ca = member("anne", a)
    page = ca.get("/region/3205/lignende/").content.decode()
    assert "Lagre for organisasjonen" in page and "Lillestrøm testkommune" in page
    # a member cannot save for an organisation they are not a member of
    r = ca.post("/region/3205/lignende/lagre/", {"name": "Våre naboer", "n": "4", "organisation": b.pk})
    assert r.status_code == 400 and not PeerSet.objects.exists()
    r = ca.post("/region/3205/lignende/lagre/", {"name": "Våre naboer", "n": "4", "organisation": a.pk})
    assert r.status_code == 302
    ps = PeerSet.objects.get(name="Våre naboer")
    assert ps.organisation == a and len(ps.members) == 4
    assert "Våre naboer" in ca.get("/region/3205/lignende/").content.decode()
    # the same name in another organisation is fine; another organisation's members never see the first
    cb = member("bjorn", b)
    assert "Våre naboer" not in cb.get("/region/3205/lignende/").content.decode()
    assert "Våre naboer" not in Client().get("/region/3205/lignende/").content.decode()
    r = cb.post("/region/3205/lignende/lagre/", {"name": "Våre naboer", "n": "3", "organisation": b.pk})
    assert r.status_code == 302 and PeerSet.objects.filter(name="Våre naboer").count() == 2
    # anonymous users keep saving sets without an organisation
    assert Client().post("/region/3205/lignende/lagre/", {"name": "Åpent sett", "n": "4"}).status_code == 302
    assert PeerSet.objects.get(name="Åpent sett").organisation is None


def test_baseline_page_offers_own_organisations_sets_only(bundled_db, orgs):
    a, b = orgs
    PeerSet.objects.create(name="Våre naboer", region="3205", members=["3222", "3220"], organisation=a)
    PeerSet.objects.create(name="Deres naboer", region="3205", members=["3222"], organisation=b)
    ca = member("anne", a)
    page = ca.get("/region/3205/nullpunkt/").content.decode()
    assert 'value="set:Våre naboer"' in page and "Deres naboer" not in page
    r = ca.get("/region/3205/nullpunkt/", {"peers": "set:Våre naboer", "area": "økonomi"})
    assert r.status_code == 200, r.content.decode()[:500]
    assert r.context["result"].peer_groups["custom"] == ["3222", "3220"]
    # another organisation's set is not a valid choice; anonymous users see no sets
    assert ca.get("/region/3205/nullpunkt/", {"peers": "set:Deres naboer"}).status_code == 400
    assert "set:" not in Client().get("/region/3205/nullpunkt/").content.decode().split("Sammenlign med")[1][:2000]


def test_baseline_cli_resolves_set_within_organisation(bundled_db, orgs):
    a, b = orgs
    PeerSet.objects.create(name="Naboer", region="3205", members=["3222"], organisation=a)
    PeerSet.objects.create(name="Naboer", region="3205", members=["3220", "3224"], organisation=b)
    out = io.StringIO()
    call_command("baseline", "3205", "--area", "økonomi", "--peers", "set:Naboer", "--org", "nittedal-test",
                 "--format", "json", stdout=out)
    assert "3224" in out.getvalue()
    with pytest.raises(CommandError, match="Fant ikke sammenligningssettet"):
        call_command("baseline", "3205", "--peers", "set:Naboer", stdout=io.StringIO())  # no set without an org
    with pytest.raises(CommandError, match="Fant ikke organisasjonen"):
        call_command("baseline", "3205", "--peers", "set:Naboer", "--org", "finnes-ikke", stdout=io.StringIO())
