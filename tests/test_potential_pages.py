"""The economic-room page and its exports (Django test client)."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.usefixtures("bundled_db")

URL = "/region/3222/handlingsrom/"


def test_page_shows_chart_table_dates_and_downloads(client):
    r = client.get(URL + "?year=2024&vintage=2026")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'role="img"' in html and "handlingsrom-fossefall-title" in html
    assert "<table" in html and "Grunnskole" in html
    assert "31.12.2024" in html and "Grønt hefte 2026" in html
    assert "17\u00a0581" in html  # Lørenskog grunnskole, need-adjusted (workbook: 17 582)
    assert "handlingsrom.xlsx" in html and "handlingsrom.csv" in html
    assert "ikke behovsjustert" in html


def test_default_is_latest_year_and_approximate_vintage_is_said(client):
    html = client.get(URL).content.decode()
    assert "foreløpige tall" in html and "Grønt hefte 2026" in html
    html = client.get(URL + "?year=2024").content.decode()
    assert "tilnærmede" in html


def test_reference_choices(client):
    html = client.get(URL + "?reference=kostra").content.decode()
    assert "2 av 13" in html and "Ingen tjeneste har et referansenivå" in html
    r = client.get(URL + "?reference=peers&peers=3201,3203")
    assert r.status_code == 200 and "3201, 3203" in r.content.decode()


@pytest.mark.parametrize(
    "query, status, text",
    [
        ("?reference=peers", 400, "Skriv minst ett kommunenummer"),
        ("?year=1999", 400, "mellom 2015 og 2025"),
        ("?peers=abc&reference=peers", 400, "fire sifre"),
        ("?vintage=2019", 400, "Skjemaet har feil"),
    ],
)
def test_form_errors(client, query, status, text):
    r = client.get(URL + query)
    assert r.status_code == status and text in r.content.decode()


def test_region_errors(client):
    assert client.get("/region/9999/handlingsrom/").status_code == 404
    r = client.get("/region/3205/handlingsrom/")
    assert r.status_code == 400 and "ingen tall for Lillestrøm" in r.content.decode()


def test_exports(client):
    r = client.get(URL + "handlingsrom.json?year=2024&vintage=2026")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/json")
    doc = json.loads(r.content)
    assert doc["metadata"]["population_date"] == "31.12.2024"
    r = client.get(URL + "handlingsrom.csv")
    assert r.status_code == 200 and r.content.decode().startswith("region,region_name")
    r = client.get(URL + "handlingsrom.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert 'filename="handlingsrom_3222_2025_country.xlsx"' in r["Content-Disposition"]
    assert client.get(URL + "handlingsrom.pdf").status_code == 404
    assert client.get(URL + "handlingsrom.csv?year=1999").status_code == 400


def test_waterfall_svg_builder():
    from gevinst.core.potential import waterfall
    from gevinst.economy.charts_potential import waterfall_chart

    svg = waterfall_chart(waterfall([("A", 30e6), ("B", -50e6)], "Sum"), chart_id="w", title="T", description="D")
    assert svg.count("<rect") == 3 and 'class="wf-up"' in svg and 'class="wf-down"' in svg
    assert 'class="wf-total"' in svg and "\u221220,0" in svg and "+30,0" in svg
    assert waterfall_chart([], chart_id="e", title="T", description="D").endswith("</svg>")
