"""The effect pages, exports, CLI and stored estimates (Django test client)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from gevinst.benchlearning.models import EffectEstimate

pytestmark = pytest.mark.usefixtures("bundled_db")


def test_effect_page_3207_shows_estimates_charts_and_tables(client):
    r = client.get("/region/3207/effekt/andel_67_pluss/", {"fra": "2020"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "Nordre Follo" in html
    assert 'id="effekt-syntetisk-title"' in html and 'id="effekt-hendelse-title"' in html
    assert html.count('role="img"') == 2
    assert "Forskjeller i forskjeller" in html and "Syntetisk kontroll" in html
    assert "Conley" in html
    assert "2019" in html and "−1" in html  # event time −1 (Norwegian minus) is the reference


def test_effect_defaults_to_the_merger_year(client):
    r = client.get("/region/3207/effekt/andel_67_pluss/")
    assert r.status_code == 200
    assert "fra 2020" in r.content.decode()


def test_choose_page_and_redirect(client):
    r = client.get("/region/3207/effekt/")
    assert r.status_code == 200 and 'value="2020"' in r.content.decode()
    r = client.get("/region/3207/effekt/", {"indikator": "andel_80_pluss", "fra": "2020"})
    assert r.status_code == 302 and "/region/3207/effekt/andel_80_pluss/" in r["Location"]


@pytest.mark.parametrize("query,needle", [
    ({"fra": "abc"}, "årstall"),
    ({"fra": "1990"}, "2001"),
])
def test_bad_input_gives_bokmal_message(client, query, needle):
    r = client.get("/region/3207/effekt/andel_67_pluss/", query)
    assert r.status_code == 400
    assert needle in r.content.decode()


def test_unknown_indicator_and_region(client):
    assert client.get("/region/3207/effekt/finnesikke/", {"fra": "2020"}).status_code == 400
    assert client.get("/region/9999/effekt/").status_code == 404


def test_save_stores_all_methods_and_exports(client):
    before = EffectEstimate.objects.count()
    r = client.post("/region/3207/effekt/andel_67_pluss/?fra=2020")
    assert r.status_code == 200
    rows = EffectEstimate.objects.filter(region="3207", indicator="andel_67_pluss", change_year=2020)
    assert EffectEstimate.objects.count() - before == 3
    assert {e.method for e in rows} == {"before_after", "did", "scm"}
    did = rows.get(method="did")
    assert did.ci_low < did.estimate < did.ci_high
    assert did.raw_after > did.raw_before  # the share 67+ rose in raw terms
    csv_r = client.get("/region/3207/effekt/andel_67_pluss/effekt.csv", {"fra": "2020"})
    assert csv_r.status_code == 200 and b"did" in csv_r.content
    js = json.loads(client.get("/region/3207/effekt/andel_67_pluss/effekt.json", {"fra": "2020"}).content)
    assert js["region"] == "3207" and js["years"][0] == 2010
    assert len(js["event_study"]["event_time"]) == len(js["years"])


def test_cli_text_and_json():
    out = io.StringIO()
    call_command("effect", "3207", "andel_67_pluss", "--from", "2020", "--method", "did", stdout=out)
    text = out.getvalue()
    assert "Forskjeller i forskjeller" in text and "Syntetisk kontroll (snitt" not in text
    out = io.StringIO()
    call_command("effect", "3207", "andel_67_pluss", "--from", "2020", "--method", "scm", "--format", "json", stdout=out)
    js = json.loads(out.getvalue())
    assert js["synthetic_control"]["n_donors"] > 250
    assert abs(sum(w["weight"] for w in js["synthetic_control"]["weights"]) - 1) < 0.01


def test_cli_errors_are_bokmal_and_nothing_stored():
    before = EffectEstimate.objects.count()
    with pytest.raises(CommandError, match="Ukjent kommunenummer"):
        call_command("effect", "9999", "andel_67_pluss", "--from", "2020", "--save")
    with pytest.raises(CommandError, match="før og fra"):
        call_command("effect", "3207", "andel_67_pluss", "--from", "2020", "--first-year", "2021", "--save")
    assert EffectEstimate.objects.count() == before
