"""Plan pages with Django's test client: rendering, forms, bokmål errors, role rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gevinst.plans import testing
from gevinst.plans.models import Benefit, Initiative, Measurement

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(db):
    org = testing.org()
    editor = testing.user("redaktor", org, "redaktor")
    owner = testing.user("eier", org, "gevinsteier")
    other_owner = testing.user("annen", org, "gevinsteier")
    reader = testing.user("leser", org, "leser")
    ini = testing.initiative(org, editor)
    mine = testing.benefit(ini, editor, owner=owner, name="Min gevinst")
    theirs = testing.benefit(ini, editor, owner=other_owner, name="Annens gevinst")
    return {"org": org, "editor": editor, "owner": owner, "reader": reader, "ini": ini, "mine": mine,
            "theirs": theirs}


def url(name, org, **kw):
    return reverse(f"plans:{name}", kwargs={"slug": org.slug, **kw})


def test_pages_render_for_a_reader(client, plan):
    client.force_login(plan["reader"])
    org = plan["org"]
    for u in (url("home", org), url("initiative", org, pk=plan["ini"].pk), url("benefit", org, pk=plan["mine"].pk),
              url("check", org), url("history", org), url("deleted", org)):
        r = client.get(u)
        assert r.status_code == 200, u
        html = r.content.decode()
        assert 'lang="nb"' in html and "<script" not in html and "style=" not in html, u
    html = client.get(url("initiative", org, pk=plan["ini"].pk)).content.decode()
    assert "Gevinstkart" in html and 'role="img"' in html and "Min gevinst" in html
    assert "Nytt tiltak" not in client.get(url("home", org)).content.decode()  # no edit links for readers


def test_anonymous_goes_to_login_and_outsider_gets_404(client, plan):
    r = client.get(url("home", plan["org"]))
    assert r.status_code == 302 and "logg-inn" in r["Location"]
    stranger = testing.user("fremmed", testing.org(slug="oslo", region="0301", name="Oslo"))
    client.force_login(stranger)
    assert client.get(url("home", plan["org"])).status_code == 404
    assert client.get(url("benefit", plan["org"], pk=plan["mine"].pk)).status_code == 404


def test_reader_cannot_edit(client, plan):
    client.force_login(plan["reader"])
    org = plan["org"]
    assert client.get(url("initiative_new", org)).status_code == 403
    assert client.get(url("benefit_edit", org, pk=plan["mine"].pk)).status_code == 403
    assert client.post(url("measurement_new", org, pk=plan["mine"].pk), {"value": "1", "date": "2025-01-01"}).status_code == 403
    assert client.post(url("benefit_delete", org, pk=plan["mine"].pk)).status_code == 403
    assert not Measurement.objects.exists()


def test_benefit_owner_edits_only_own_benefit(client, plan):
    client.force_login(plan["owner"])
    org = plan["org"]
    r = client.post(url("measurement_new", org, pk=plan["mine"].pk),
                    {"value": "11,5", "date": "30.06.2025", "comment": "Første måling"})
    assert r.status_code == 302
    m = Measurement.objects.get(benefit=plan["mine"])
    assert m.value == 11.5 and m.recorded_by == plan["owner"] and not m.automatic
    assert client.get(url("benefit_edit", org, pk=plan["mine"].pk)).status_code == 200
    assert client.get(url("benefit_edit", org, pk=plan["theirs"].pk)).status_code == 403
    assert client.post(url("measurement_new", org, pk=plan["theirs"].pk), {"value": "1", "date": "2025-01-01"}).status_code == 403
    assert client.get(url("initiative_new", org)).status_code == 403
    assert client.post(url("benefit_delete", org, pk=plan["mine"].pk)).status_code == 403


def test_create_initiative_and_benefit_with_baseline_from_data(client, plan, bundled_db):
    client.force_login(plan["editor"])
    org = plan["org"]
    r = client.post(url("initiative_new", org), {"name": "Velferdsteknologi", "phase": "planlegging",
                                                  "risk": "middels", "change_start": "2025-01-01",
                                                  "one_off_cost": "1 200 000"})
    assert r.status_code == 302
    ini = Initiative.objects.get(name="Velferdsteknologi")
    assert ini.one_off_cost == 1_200_000
    r = client.post(url("benefit_new", org, pk=ini.pk), {
        "name": "Flere eldre får hjelp hjemme", "axis": "kvalitet", "value_class": "ikke_prissatt",
        "indicator": "andel_80_pluss_hjemmetjenester", "fetch_baseline": "on", "status": "planlagt",
        "target_value": "21,0", "target_date": "2027-12-31", "owner": plan["owner"].pk,
    })
    assert r.status_code == 302, r.content.decode()[:2000]
    b = Benefit.objects.get(name="Flere eldre får hjelp hjemme")
    assert b.baseline_from_data and b.baseline_value == pytest.approx(19.0) and b.target_value == 21.0
    page = client.get(r["Location"]).content.decode()
    assert "Nullpunktet er hentet fra data" in page and "19,0" in page and "fra data" in page


def test_half_filled_benefit_shows_bokmal_errors_and_stores_nothing(client, plan):
    client.force_login(plan["editor"])
    org = plan["org"]
    before = Benefit.objects.count()
    r = client.post(url("benefit_new", org, pk=plan["ini"].pk), {
        "description": "Noe bra", "target_value": "12", "custom_indicator": "Ventetid", "expected_yearly_nok": "-5",
        "intermediate_targets_text": "neste år; mye",
    })
    assert r.status_code == 200
    html = r.content.decode()
    assert "Skjemaet har feil – ingenting er lagret" in html
    assert "Gevinst: Feltet er påkrevet." in html  # Django's own message, in bokmål
    assert "Oppgi både målverdi og måldato" in html
    assert "Oppgi enheten for den egne indikatoren" in html
    assert "Linje 1 i delmål kan ikke leses" in html
    assert "Forventet verdi kan ikke være negativ" in html
    assert 'value="Noe bra"' in html or "Noe bra</textarea>" in html  # what was typed is kept
    assert Benefit.objects.count() == before


def test_plan_check_flag_disappears_once_fixed(client, plan):
    client.force_login(plan["editor"])
    org = plan["org"]
    b = plan["mine"]
    assert "Ingen måleplan" in client.get(url("benefit", org, pk=b.pk)).content.decode()
    form = client.get(url("benefit_edit", org, pk=b.pk)).context["form"]
    payload = {k: v for k, v in form.initial.items() if v is not None}
    payload.update(frequency="halvarlig", measurement_responsible="Enhetsleder", owner=plan["owner"].pk,
                   baseline_date="2024-11-30", target_date="2026-12-31", baseline_value="14", target_value="9")
    payload.pop("intermediate_targets", None)
    r = client.post(url("benefit_edit", org, pk=b.pk), payload)
    assert r.status_code == 302, r.content.decode()[:3000]
    assert "Ingen måleplan" not in client.get(url("benefit", org, pk=b.pk)).content.decode()


def test_map_editing_with_plain_forms(client, plan):
    client.force_login(plan["editor"])
    org, ini = plan["org"], plan["ini"]
    r = client.post(url("map", org, pk=ini.pk), {"action": "add_node", "node-kind": "mal",
                                                 "node-label": "Flere bor hjemme"})
    assert r.status_code == 302
    node = ini.map_nodes.get()
    r = client.post(url("map", org, pk=ini.pk), {"action": "add_edge", "edge-source": f"gevinst:{plan['mine'].pk}",
                                                 "edge-target": f"node:{node.pk}"})
    assert r.status_code == 302 and ini.map_edges.count() == 1
    html = client.get(url("initiative", org, pk=ini.pk)).content.decode()
    assert "«Min gevinst» → Mål for organisasjonen «Flere bor hjemme»" in html
    r = client.post(url("map", org, pk=ini.pk), {"action": "add_edge", "edge-source": "tiltak", "edge-target": "tiltak"})
    assert "En pil må gå mellom to ulike bokser" in r.content.decode()
    client.post(url("map", org, pk=ini.pk), {"action": "remove_node", "node": node.pk})
    assert not ini.map_nodes.exists() and not ini.map_edges.exists()


def test_decision_points(client, plan):
    client.force_login(plan["editor"])
    org, ini = plan["org"], plan["ini"]
    r = client.post(url("decision_points", org, pk=ini.pk), {"BP1_date": "01.09.2023", "BP1_decision": "Godkjent",
                                                             "BP2_decision": "Uten dato"})
    assert "Oppgi datoen for beslutningen" in r.content.decode()
    r = client.post(url("decision_points", org, pk=ini.pk), {"BP1_date": "01.09.2023", "BP1_decision": "Godkjent"})
    assert r.status_code == 302
    assert [(p.code, p.date) for p in ini.decision_points.all()] == [("BP1", dt.date(2023, 9, 1))]


def test_exports_and_check_json(client, plan):
    client.force_login(plan["reader"])
    org = plan["org"]
    r = client.get(url("export_json", org))
    assert r.status_code == 200 and r.json()["format"] == "gevinst-plan"
    r = client.get(url("export_xlsx", org))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    r = client.get(url("check", org) + "?format=json")
    assert {f["rule"] for f in r.json()} >= {"ingen_maleplan"}


def test_api_plan_check_and_measurement(client, plan):
    from gevinst.accounts.tokens import create_api_token

    org = plan["org"]
    _t, token = create_api_token(plan["owner"], "test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    r = client.get(f"/api/orgs/{org.slug}/plan/", **auth)
    assert r.status_code == 200 and r.json()["format"] == "gevinst-plan"
    r = client.get(f"/api/orgs/{org.slug}/plan/helsesjekk/", **auth)
    assert r.status_code == 200 and r.json()
    r = client.post(f"/api/orgs/{org.slug}/plan/gevinster/{plan['mine'].pk}/malinger/",
                    {"value": 11.0, "date": "2025-06-30"}, content_type="application/json", **auth)
    assert r.status_code == 201 and r.json()["value"] == 11.0
    r = client.post(f"/api/orgs/{org.slug}/plan/gevinster/{plan['theirs'].pk}/malinger/",
                    {"value": 11.0, "date": "2025-06-30"}, content_type="application/json", **auth)
    assert r.status_code == 403
