"""The baseline pages (nullpunkt, indicator, SDG) and the exports, through Django's test client."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import pytest

from gevinst.core.formatting import NBSP

pytestmark = pytest.mark.usefixtures("bundled_db")


def text_of(response) -> str:
    """The visible text of a page, whitespace collapsed (NBSP kept), without SVG internals."""
    html = response.content.decode()
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.DOTALL)
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"[ \t\r\n]+", " ", unescape(html))


def row_text(response, name: str) -> str:
    """The text of the table row whose header starts with ``name``."""
    html = response.content.decode()
    for tr in re.findall(r"<tr>.*?</tr>", html, flags=re.DOTALL):
        cells = re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<svg.*?</svg>|<[^>]+>", " ", tr, flags=re.DOTALL)))
        if cells.strip().startswith(name):
            return cells
    raise AssertionError(f"no row for {name!r}")


def test_nullpunkt_3222_okonomi_2025(client):
    r = client.get("/region/3222/nullpunkt/", {"year": "2025", "area": "økonomi"})
    assert r.status_code == 200
    text = text_of(r)
    assert "Nullpunktsmåling for 3222 Lørenskog" in text
    row = row_text(r, "Netto driftsresultat i prosent av brutto driftsinntekter prosent")
    # SSB's published figure for Lørenskog, and the country's
    assert " 4,0 " in row and " 2,2 " in row
    assert "bedre enn landet" in row
    assert "4 av 356 har tall" in row
    # a sparkline with a text alternative per row
    html = r.content.decode()
    assert 'id="spark-netto_driftsresultat-title">Utvikling 2024–2025: Netto driftsresultat' in html
    assert re.search(r'<desc id="spark-netto_driftsresultat-desc">2024: 0,2; 2025: 4,0</desc>', html)
    # the form shows what was used; downloads carry the same parameters
    assert '<option value="økonomi" selected>' in html
    assert "/region/3222/nullpunkt/nullpunkt.xlsx?year=2025&amp;area=%C3%B8konomi" in html
    assert "KOSTRA-gruppe EKG10" in text  # the notes
    assert "Kilde: Statistisk sentralbyrå, tabell 12134 og 12137" in text
    assert "Datagrunnlag" in text and "lest inn" in text
    assert 'href="/region/3222/indikator/netto_driftsresultat/?year=2025"' in html


def test_nullpunkt_3020_in_2019_is_built_from_ski_and_oppegard(client):
    r = client.get("/region/3020/nullpunkt/", {"year": "2019"})
    assert r.status_code == 200
    text = text_of(r)
    assert "Nordre Follo fantes ikke i 2019; verdiene er bygd opp av 0213 Ski, 0217 Oppegård" in text
    row = row_text(r, "Folkemengde 1. januar")
    assert f"58{NBSP}237" in row
    assert "Samfunnsutvikling – nullpunkt 2019" in text  # defaulted to the first area with values


def test_missing_values_say_so_and_how_to_fetch(client):
    r = client.get("/region/3222/nullpunkt/", {"year": "2024", "area": "klima"})
    assert r.status_code == 200
    text = text_of(r)
    assert "mangler tall" in text and ": mangler." in text
    assert "gevinst fetch catalogue --area klima" in text


def test_flags_in_words(client):
    # Orkland 2019 is rebuilt from pieces of Snillfjord (split in 2020 by estimated shares)
    r = client.get("/region/5059/nullpunkt/", {"year": "2019", "area": "samfunnsutvikling"})
    row = row_text(r, "Andel innbyggere 0–5 år")
    assert "anslag" in row
    # Utsira: 219 inhabitants, below the indicator's small_denominator
    r = client.get("/region/1151/nullpunkt/", {"year": "2026", "area": "samfunnsutvikling"})
    row = row_text(r, "Andel innbyggere 0–5 år")
    assert "lite tallgrunnlag (95 % sikkert mellom 0,7 og 4,6)" in row
    for raw in ("missing_part", "estimated", "small"):
        assert raw not in text_of(r)


def test_default_page_without_parameters(client):
    # The bundled data's latest year with most indicators is 2025 (107 of the catalogue's
    # municipal indicators); 2026 holds only the population of 1 January (8 indicators).
    r = client.get("/region/3222/nullpunkt/")
    assert r.status_code == 200
    assert "nullpunkt 2025" in text_of(r)


def test_default_year_is_the_latest_well_covered_year_or_the_indicators_own(db):
    from gevinst.baselines.service import default_year, indicator_coverage

    counts = indicator_coverage()
    assert counts[2026] < counts[2025] / 2 <= counts[2025] == max(counts.values())
    assert default_year("3222") == 2025
    # one indicator's page starts on its own latest year (population shares: 1 January 2026)
    assert default_year("3222", "andel_80_pluss") == 2026
    # a merged municipality keeps the year before its merger (the merger's nullpunkt)
    assert default_year("3020") == 2019


def test_region_page_links_to_nullpunkt(client):
    r = client.get("/region/3222/")
    assert 'href="/region/3222/nullpunkt/"' in r.content.decode()


def test_indicator_page_andel_80_pluss(client):
    r = client.get("/region/3222/indikator/andel_80_pluss/")
    assert r.status_code == 200
    html = r.content.decode()
    text = text_of(r)
    assert "<h1>Andel innbyggere 80 år og over</h1>" in html
    # definition
    assert "Ingen retning" in text and "Resultat" in text
    assert "Mål 3 God helse og livskvalitet (delmål 3.8)" in text
    assert "Statistisk sentralbyrå, tabell 07459" in text
    assert 'href="https://www.ssb.no/statbank/table/07459"' in html
    # chart with the baseline year marked, and its table
    assert 'id="indicator-chart-title"' in html and 'role="img"' in html
    assert "Nullpunkt 2026</text>" in html
    assert "Andel innbyggere 80 år og over, Lørenskog og sammenligning per år" in text
    assert "Median, KOSTRA-gruppen" in text and "Landet" in text
    # the map with its legend, table and credit
    assert 'id="indicator-map-title"' in html
    assert "Kartgrunnlag: Kartverket" in text
    assert "Andel innbyggere 80 år og over per kommune, 2026" in text
    assert html.count('class="map-c') >= 357
    assert "Datagrunnlag" in text


def test_indicator_page_for_a_merged_region_maps_to_2024(client):
    r = client.get("/region/3020/indikator/andel_80_pluss/", {"year": "2019"})
    assert r.status_code == 200
    text = text_of(r)
    assert "Kartet viser kommunestrukturen i 2024" in text
    assert "bygd opp av 0213 Ski, 0217 Oppegård" in text


def test_sdg_page(client):
    r = client.get("/region/3222/baerekraft/", {"year": "2025"})
    assert r.status_code == 200
    text = text_of(r)
    assert "3222 Lørenskog og FNs bærekraftsmål" in text
    assert "16 Fred, rettferdighet og velfungerende institusjoner" in text
    assert "Netto driftsresultat i prosent av brutto driftsinntekter" in text
    assert "3 God helse og livskvalitet" in text


def test_download_xlsx(client):
    from openpyxl import load_workbook

    r = client.get("/region/3222/nullpunkt/nullpunkt.xlsx", {"year": "2025", "area": "økonomi"})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert r["Content-Disposition"] == 'attachment; filename="nullpunkt_3222_2025_okonomi.xlsx"'
    wb = load_workbook(io.BytesIO(r.content))
    assert "økonomi" in wb.sheetnames and "Kilder" in wb.sheetnames
    ws = wb["økonomi"]
    names = [c.value for c in ws["A"]]
    assert "Netto driftsresultat i prosent av brutto driftsinntekter" in names


def test_download_csv_and_json(client):
    r = client.get("/region/3222/nullpunkt/nullpunkt.csv", {"year": "2025", "area": "økonomi"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8"))))
    assert rows[0].keys() >= {"region", "indicator", "value", "country_value", "position"}
    ndr = next(x for x in rows if x["indicator"] == "netto_driftsresultat")
    assert float(ndr["value"]) == 4.0 and float(ndr["country_value"]) == 2.2
    r = client.get("/region/3222/nullpunkt/nullpunkt.json", {"year": "2025", "area": "økonomi"})
    doc = json.loads(r.content)
    assert doc["region"] == "3222" and doc["year"] == 2025
    assert any(i["indicator"] == "netto_driftsresultat" for i in doc["indicators"])


@pytest.mark.parametrize(
    "url, status, message",
    [
        ("/region/3222/nullpunkt/?area=finnes-ikke", 400, "Ukjent område «finnes-ikke»"),
        ("/region/3222/indikator/finnes_ikke/", 404, "Fant ingen indikator med id «finnes_ikke»"),
        ("/region/9999/nullpunkt/", 404, "Ukjent regionkode «9999»"),
        ("/region/3222/nullpunkt/nullpunkt.pdf", 404, "Ukjent filformat «pdf»"),
        ("/region/3222/nullpunkt/?year=abc", 400, "Året må være et helt tall"),
        ("/region/3222/nullpunkt/?year=1850", 400, "Året må være mellom"),
        ("/region/3222/nullpunkt/?custom=Oslo", 400, "Skriv kommunenummer med fire sifre"),
        ("/region/3222/nullpunkt/nullpunkt.csv?year=abc", 400, "Året må være et helt tall"),
        ("/region/3222/indikator/andel_80_pluss/?year=abc", 400, "Året må være et helt tall"),
        ("/region/3222/baerekraft/?year=abc", 400, "Året må være et helt tall"),
    ],
)
def test_friendly_errors_in_bokmal(client, url, status, message):
    r = client.get(url)
    assert r.status_code == status
    assert message in text_of(r)


def test_half_filled_form_year_only(client):
    r = client.get("/region/3222/nullpunkt/", {"year": "2025", "area": "", "peers": "", "custom": ""})
    assert r.status_code == 200
    assert "nullpunkt 2025" in text_of(r)


def test_error_summary_links_to_the_field(client):
    r = client.get("/region/3222/nullpunkt/", {"year": "abc"})
    html = r.content.decode()
    assert 'href="#id_year"' in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_year_error id_year_helptext"' in html
