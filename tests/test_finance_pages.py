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
    assert 'name="csrfmiddlewaretoken"' in html


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


def test_target_form_validation_keeps_input_stores_nothing():
    from gevinst.economy.models_finance import FinancialTarget

    c = Client(enforce_csrf_checks=True)
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
    assert FinancialTarget.objects.get(region="3224").value == 1.5


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
