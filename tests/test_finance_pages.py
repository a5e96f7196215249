"""The financial health page (/region/<kode>/okonomi/), its target form and exports."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import pytest
from django.test import Client

pytestmark = pytest.mark.usefixtures("bundled_db")


def text_of(response) -> str:
    html = re.sub(r"<svg.*?</svg>", " ", response.content.decode(), flags=re.DOTALL)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_page_lorenskog(client):
    r = client.get("/region/3222/okonomi/")
    assert r.status_code == 200
    t = text_of(r)
    assert "Økonomisk helse for 3222 Lørenskog" in t
    assert "Netto driftsresultat 4,0 % av brutto driftsinntekter ≥ 1,75 – oppfylt" in t
    assert "SSB, tabell 12134 (KOSAGD230000)" in t
    assert "mangler" in t  # e.g. disposisjonsfond before 2024
    assert "Frie inntekter per innbygger 69 604" in t
    html = r.content.decode()
    assert html.count('role="img"') >= 3 and "<title id=\"fig-netto_driftsresultat-title\">" in html
    assert "TBU-norm for kommunene" in html
    assert "må vurderes manuelt" in t
    assert "faste 2025-priser" in t
    assert 'name="csrfmiddlewaretoken"' not in html  # anonymous users edit no targets (see below)


def test_page_national_and_register(client):
    t = text_of(client.get("/region/EAK/okonomi/"))
    assert "Økonomisk helse for EAK Landet" in t
    assert "2,2" in t and "Regnskapsuttrekket dekker bare et utvalg" in t
    t = text_of(client.get("/region/5025/okonomi/"))
    assert "Står i ROBEK-registeret (2026-04-20), hjemmel c og d." in t


def test_unknown_region_404(client):
    r = client.get("/region/9998/okonomi/")
    assert r.status_code == 404
    assert client.get("/region/3222/okonomi/okonomi.pdf").status_code == 404


def _editor_client(region="3224", role="redaktor", slug="ralingen-test") -> Client:
    from django.contrib.auth import get_user_model

    from gevinst.accounts.models import Membership, Organisation

    org = Organisation.objects.create(name=f"Organisasjon {slug}", slug=slug, region=region)
    user = get_user_model().objects.create_user(f"bruker-{slug}", f"{slug}@example.no", "Sv4rt-hemmelig-passord")
    Membership.objects.create(user=user, organisation=org, role=role)
    c = Client(enforce_csrf_checks=True)
    assert c.login(username=f"bruker-{slug}", password="Sv4rt-hemmelig-passord")
    return c


def test_target_form_validation_keeps_input_stores_nothing():
    from gevinst.economy.models_finance import FinancialTarget

    c = _editor_client()
    page = c.get("/region/3224/okonomi/")
    token = page.cookies["csrftoken"].value
    before = FinancialTarget.objects.count()
    r = c.post("/region/3224/okonomi/", {"csrfmiddlewaretoken": token, "key_figure": "disposisjonsfond",
                                         "operator": ">=", "value": "abc", "valid_from": "", "source": "K-sak 9/25"})
    assert r.status_code == 400
    t = text_of(r)
    assert "Verdien må være et tall" in t and "Skriv inn året målet gjelder fra" in t
    html = r.content.decode()
    assert 'value="abc"' in html and 'value="K-sak 9/25"' in html
    assert FinancialTarget.objects.count() == before
    # without the CSRF token: refused
    assert Client(enforce_csrf_checks=True).post("/region/3224/okonomi/", {"value": "1"}).status_code == 403
    # a valid target is stored and shown against the figures
    r = c.post("/region/3224/okonomi/", {"csrfmiddlewaretoken": token, "key_figure": "netto_driftsresultat",
                                         "operator": ">=", "value": "1,5", "valid_from": "2024", "source": "K-sak 9/25"})
    assert r.status_code == 302 and "lagret=1" in r["Location"]
    t = text_of(c.get(r["Location"]))
    assert "Målet er lagret." in t
    assert "≥ 1,5 – ikke nådd" in t  # −1,8 % in 2025
    t = FinancialTarget.objects.get(region="3224")
    assert t.value == 1.5 and t.organisation.slug == "ralingen-test"


def test_targets_belong_to_an_organisation():
    """Anonymous users see no targets and cannot edit; a leser sees them read-only; another
    region's organisation neither sees nor edits them."""
    from gevinst.accounts.models import Membership, Organisation
    from gevinst.economy.finance import save_target
    from gevinst.economy.models_finance import FinancialTarget

    editor = _editor_client()
    org = Organisation.objects.get(slug="ralingen-test")
    save_target("3224", "netto_driftsresultat", 1.5, ">=", 2024, "K-sak 9/25", organisation=org)
    save_target("3224", "disposisjonsfond", 9.0, ">=", 2024, "Uten organisasjon")  # the command line without --org
    anon = Client()
    t = text_of(anon.get("/region/3224/okonomi/"))
    assert "K-sak 9/25" not in t and "Uten organisasjon" not in t and "Logg inn som medlem" in t
    assert 'name="key_figure"' not in anon.get("/region/3224/okonomi/").content.decode()
    r = anon.post("/region/3224/okonomi/", {"key_figure": "netto_driftsresultat", "operator": ">=", "value": "3",
                                            "valid_from": "2024"})
    assert r.status_code == 302 and not FinancialTarget.objects.filter(value=3).exists()
    html = editor.get("/region/3224/okonomi/").content.decode()
    assert "K-sak 9/25" in html and 'name="key_figure"' in html and "Uten organisasjon" not in html
    # a leser of the same organisation: read-only, and a POST is refused
    from django.contrib.auth import get_user_model

    reader = get_user_model().objects.create_user("leser", "leser@example.no", "Sv4rt-hemmelig-passord")
    Membership.objects.create(user=reader, organisation=org, role="leser")
    rc = Client()
    rc.login(username="leser", password="Sv4rt-hemmelig-passord")
    html = rc.get("/region/3224/okonomi/").content.decode()
    assert "K-sak 9/25" in html and 'name="key_figure"' not in html
    assert rc.post("/region/3224/okonomi/", {"key_figure": "netto_driftsresultat", "operator": ">=", "value": "3",
                                             "valid_from": "2024"}).status_code == 403
    # an administrator of an organisation for another region
    other = _editor_client(region="3222", role="administrator", slug="lorenskog-test")
    other.get("/region/3222/okonomi/")
    assert "K-sak 9/25" not in other.get("/region/3224/okonomi/").content.decode()
    token = other.cookies["csrftoken"].value
    assert other.post("/region/3224/okonomi/", {"csrfmiddlewaretoken": token, "key_figure": "netto_driftsresultat",
                                                "operator": ">=", "value": "3", "valid_from": "2024",
                                                "org": "ralingen-test"}).status_code == 403
    assert FinancialTarget.objects.get(organisation=org, key_figure="netto_driftsresultat").value == 1.5
    # the export follows the page: the organisation's targets for its members only
    assert "K-sak 9/25" in editor.get("/region/3224/okonomi/okonomi.json").content.decode()
    assert "K-sak 9/25" not in anon.get("/region/3224/okonomi/okonomi.json").content.decode()


def test_exports(client):
    r = client.get("/region/EAK/okonomi/okonomi.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode())))
    assert {int(x["year"]): float(x["value"]) for x in rows if x["key_figure"] == "netto_driftsresultat"} == {
        2020: 2.7, 2021: 4.3, 2022: 3.0, 2023: 0.8, 2024: -0.4, 2025: 2.2}
    data = json.loads(client.get("/region/3222/okonomi/okonomi.json").content)
    assert data["real_growth"]["base_year"] == 2025
    r = client.get("/region/3222/okonomi/okonomi.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert 'filename="okonomi_3222.xlsx"' in r["Content-Disposition"]
