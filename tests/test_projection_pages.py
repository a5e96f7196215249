"""The perspective-analysis page and its exports, through Django's test client."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.usefixtures("bundled_db")


def test_page_shows_band_chart_table_and_method(client):
    r = client.get("/region/1121/perspektiv/?to=2036")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'role="img"' in html and 'class="band"' in html
    assert "Perspektivanalyse for 1121 Time" in html
    assert "kohortaldring" in html and "Konstante aldersandeler" in html
    assert "per 1000 innb. 20–66 år" in html
    assert "21\u00a0771" in html  # the 2016 vintage's 2026 figure, as a check


def test_page_scenario_and_bad_input(client):
    r = client.get("/region/1121/perspektiv/", {"to": "2036", "scenario": "navn=Høy dekning,dekning=5"})
    assert r.status_code == 200 and "Høy dekning" in r.content.decode()
    r = client.get("/region/1121/perspektiv/", {"scenario": "foo=1"})
    assert r.status_code == 400 and "Ukjent scenarionøkkel" in r.content.decode()
    assert client.get("/region/9999/perspektiv/").status_code == 400


def test_exports(client):
    r = client.get("/region/1121/perspektiv/perspektiv.json?to=2036")
    assert r.status_code == 200 and json.loads(r.content)["region"] == "1121"
    r = client.get("/region/1121/perspektiv/perspektiv.xlsx?to=2036")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    r = client.get("/region/1121/perspektiv/perspektiv.csv?to=2036")
    assert r.status_code == 200 and r.content.decode().startswith("region,scenario")
