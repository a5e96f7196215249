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


# ------------------------------------------------------------------ 3. effect estimates into the benefit register
def make_benefit(org, name="Flere eldre bor hjemme", indicator="andel_67_pluss", **kw):
    from gevinst.plans.models import Benefit, Initiative

    ini = Initiative.objects.create(organisation=org, name=f"Tiltak for {name}")
    return Benefit.objects.create(organisation=org, initiative=ini, name=name, axis="kvalitet",
                                  value_class="kvalitativ", indicator=indicator, **kw)


def test_attach_effect_estimate_to_benefit_on_the_effect_page(bundled_db, orgs):
    from gevinst.benchlearning.models_effect import EffectEstimate
    from gevinst.plans.models import AuditEvent

    a, b = orgs
    mine = make_benefit(a)
    other_indicator = make_benefit(a, "Annen gevinst", indicator="netto_driftsresultat")
    theirs = make_benefit(b, "Deres gevinst")
    ca = member("anne", a)
    page = ca.get("/region/3207/effekt/andel_67_pluss/", {"fra": "2020"}).content.decode()
    assert f'<option value="{mine.pk}">' in page
    assert f'value="{other_indicator.pk}"' not in page and "Deres gevinst" not in page
    # another organisation's benefit (or a bogus id): 404, nothing stored
    assert ca.post("/region/3207/effekt/andel_67_pluss/?fra=2020", {"gevinst": theirs.pk}).status_code == 404
    assert ca.post("/region/3207/effekt/andel_67_pluss/?fra=2020", {"gevinst": other_indicator.pk}).status_code == 404
    assert not EffectEstimate.objects.exists()
    r = ca.post("/region/3207/effekt/andel_67_pluss/?fra=2020", {"gevinst": mine.pk})
    assert r.status_code == 200 and "Flere eldre bor hjemme" in r.content.decode()
    assert set(mine.effect_estimates.values_list("method", flat=True)) == {"before_after", "did", "scm"}
    assert AuditEvent.objects.filter(model="benefit", object_id=mine.pk, action="effect").count() == 1
    # the benefit page shows «Beregnet effekt» beside the raw before/after
    html = ca.get(f"/org/{a.slug}/plan/gevinst/{mine.pk}/").content.decode()
    assert "Beregnet effekt" in html and "Forskjeller i forskjeller" in html and "Syntetisk kontroll" in html
    assert "Rå før" in html and "2020, 3207" in html
    # a leser may not attach; the benefit's owner (gevinsteier) may
    reader = member("lise", a, Role.LESER)
    assert 'name="gevinst"' not in reader.get("/region/3207/effekt/andel_67_pluss/", {"fra": "2020"}).content.decode()
    assert reader.post("/region/3207/effekt/andel_67_pluss/?fra=2020", {"gevinst": mine.pk}).status_code == 404
    owner = member("ola", a, Role.GEVINSTEIER)
    owned = make_benefit(a, "Oles gevinst", owner=get_user_model().objects.get(username="ola"))
    page = owner.get("/region/3207/effekt/andel_67_pluss/", {"fra": "2020"}).content.decode()
    assert f'value="{owned.pk}"' in page and f'value="{mine.pk}"' not in page
    # anonymous users keep saving unattached estimates
    assert Client().post("/region/3207/effekt/andel_67_pluss/?fra=2020").status_code == 200
    assert EffectEstimate.objects.filter(benefit__isnull=True).count() == 3


def test_effect_cli_attaches_to_benefit_within_organisation(bundled_db, orgs):
    a, b = orgs
    mine = make_benefit(a)
    err = io.StringIO()
    call_command("effect", "3207", "andel_67_pluss", "--from", "2020", "--method", "did", "--save",
                 "--benefit", str(mine.pk), "--org", a.slug, stdout=io.StringIO(), stderr=err)
    assert "Koblet til gevinsten" in err.getvalue()
    assert list(mine.effect_estimates.values_list("method", flat=True)) == ["before_after", "did"]
    with pytest.raises(CommandError, match="Fant ingen gevinst"):  # another organisation's benefit
        call_command("effect", "3207", "andel_67_pluss", "--from", "2020", "--save", "--benefit", str(mine.pk),
                     "--org", b.slug, stdout=io.StringIO())
    wrong = make_benefit(a, "Annen", indicator="netto_driftsresultat")
    with pytest.raises(CommandError, match="annen indikator"):
        call_command("effect", "3207", "andel_67_pluss", "--from", "2020", "--save", "--benefit", str(wrong.pk),
                     "--org", a.slug, stdout=io.StringIO())
    with pytest.raises(CommandError, match="krever --save og --org"):
        call_command("effect", "3207", "andel_67_pluss", "--from", "2020", "--benefit", str(mine.pk))
    assert mine.effect_estimates.count() == 2


# ------------------------------------------------------------------ 4. projection scenarios from adopted benefits
@pytest.fixture
def time_plan():
    org = Organisation.objects.create(name="Time testkommune", slug="time-test", region="1121")
    make_benefit(org, "Færre innleide vikarer", status="realisert", expected_yearly_nok=1_000_000)
    make_benefit(org, "Kutt i husleie", status="tatt_ut", expected_yearly_nok=500_000)
    make_benefit(org, "Digitale tilsyn", status="pa_sporet", expected_yearly_nok=250_000)
    make_benefit(org, "Bare planlagt", status="planlagt", expected_yearly_nok=9_000_000)
    gone = make_benefit(org, "Slettet gevinst", status="realisert", expected_yearly_nok=7_000_000)
    from gevinst.plans import audit

    audit.soft_delete(gone)
    assert gone.deleted_at is not None
    return org


def _efficiency(data: dict, scenario_prefix: str, year: int) -> float:
    row = next(r for r in data["years"] if r["scenario"].startswith(scenario_prefix) and r["year"] == year)
    return row["efficiency_nok"]


def test_projection_cli_plan_scenario(bundled_db, time_plan):
    import json

    out = io.StringIO()
    call_command("projection", "1121", "--to", "2036", "--scenario", "effektivisering=plan:time-test",
                 "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    labels = [r["scenario"] for r in data["years"]]
    adopted = "Vedtatte gevinster i Time testkommune (realisert og tatt ut i budsjett)"
    on_track = "Vedtatte gevinster i Time testkommune inkl. på sporet"
    assert adopted in labels and on_track in labels
    assert _efficiency(data, adopted, 2036) == 1_500_000
    assert _efficiency(data, on_track, 2036) == 1_750_000
    counted = {b["name"]: b["group"] for b in data["plan_benefits"]}
    assert counted == {"Færre innleide vikarer": "adopted", "Kutt i husleie": "adopted", "Digitale tilsyn": "on_track"}
    notes = " ".join(data["notes"])
    assert "Færre innleide vikarer" in notes and "Digitale tilsyn" in notes and "Slettet gevinst" not in notes
    assert "Bare planlagt" not in notes
    text = io.StringIO()
    call_command("projection", "1121", "--to", "2036", "--scenario", "navn=Plan,effektivisering=plan:time-test",
                 stdout=text)
    assert "Plan (realisert og tatt ut i budsjett)" in text.getvalue() and "Kutt i husleie" in text.getvalue()
    with pytest.raises(CommandError, match="Fant ikke organisasjonen"):
        call_command("projection", "1121", "--scenario", "effektivisering=plan:finnes-ikke", stdout=io.StringIO())


def test_projection_page_plan_checkbox_for_members_only(bundled_db, time_plan):
    c = member("tone", time_plan, Role.LESER)
    page = c.get("/region/1121/perspektiv/").content.decode()
    assert 'name="plan"' in page and 'value="time-test"' in page
    r = c.get("/region/1121/perspektiv/", {"to": "2036", "plan": "time-test"})
    html = r.content.decode()
    assert r.status_code == 200
    assert "Vedtatte gevinster i Time testkommune inkl. på sporet" in html and "Færre innleide vikarer" in html
    # anonymous users and members of other organisations: no checkbox, and the plan cannot be read
    other = member("olav", Organisation.objects.create(name="Annen", slug="annen-test", region="1121"), Role.ADMINISTRATOR)
    for client in (Client(), other):
        assert 'value="time-test"' not in client.get("/region/1121/perspektiv/").content.decode()
        for params in ({"plan": "time-test"}, {"scenario": "effektivisering=plan:time-test"}):
            r = client.get("/region/1121/perspektiv/", params)
            assert r.status_code == 400 and "Færre innleide vikarer" not in r.content.decode()
        r = client.get("/region/1121/perspektiv/perspektiv.json", {"plan": "time-test"})
        assert "Færre innleide vikarer" not in r.content.decode()
