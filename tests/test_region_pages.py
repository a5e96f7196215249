"""The region pages (list, search, region page) through Django's test client."""

from __future__ import annotations

import csv
import re
from html import unescape

import pytest

from gevinst.core.formatting import NBSP, format_number, format_percent, format_year_span
from gevinst.regions.charts import Bar, LinePoint, bar_chart, line_chart, nice_range
from gevinst.sources.bundled import bundled_path

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The visible text of a page, whitespace collapsed (NBSP kept), without SVG internals."""
    html = response.content.decode()
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"[ \t\r\n]+", " ", unescape(html))


def bundled_population(code: str, year: int) -> int:
    path = bundled_path("population", "population_2024_structure_2005_2026_excl_2017_2019.csv")
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["kommunenummer"] == code and int(row["year"]) == year:
                return int(row["total"])
    raise AssertionError(f"{code} {year} not in the bundled file")


# ------------------------------------------------------------ formatting
def test_format_number_norwegian():
    assert format_number(1234.5, 1) == f"1{NBSP}234,5"
    assert format_number(1234567) == f"1{NBSP}234{NBSP}567"
    assert format_number(999) == "999"
    assert format_number(-0.25, 2) == "\u22120,25"
    assert format_number(-0.001, 2) == "0,00"  # no "−0"
    assert format_number(2.5) == "3"  # half away from zero, not banker's rounding
    assert format_number(None) == "–"
    assert format_number(float("nan")) == "–"
    assert format_number("x") == "–"
    assert format_number(12, sign=True) == "+12"
    assert format_percent(0.1234) == f"12,3{NBSP}%"
    assert format_year_span(2020, 2023) == "2020–2023"
    assert format_year_span(2024, None) == "2024–"


def test_no_number_filter():
    from django.template import Context, Template

    t = Template("{% load gevinst_format %}{{ v|no_number:1 }}|{{ v|no_number }}|{{ s|no_percent }}")
    assert t.render(Context({"v": 1234.56, "s": 0.5})) == f"1{NBSP}234,6|1{NBSP}235|50,0{NBSP}%"


# ---------------------------------------------------------------- charts
def test_line_chart_is_accessible_svg_with_gaps():
    svg = line_chart(
        [LinePoint(2005, 100.0), LinePoint(2006, None), LinePoint(2007, 120.0, "estimated"), LinePoint(2008, 130.0)],
        chart_id="c", title="Tittel <&>", description="Beskrivelse", estimated_label="Anslag",
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">Tittel &lt;&amp;&gt;</title>' in svg
    assert svg.count("<polyline") == 1  # 2005 stands alone; 2007–2008 is one segment
    assert "chart-dot-flagged" in svg
    assert "style=" not in svg  # the CSP forbids inline styles


def test_bar_chart_formats_values():
    svg = bar_chart([Bar("0 år", 647), Bar("20–66 år", 32518)], chart_id="b", title="T", description="D")
    assert f"32{NBSP}518" in svg and 'role="img"' in svg


def test_nice_range():
    assert nice_range(30675, 51511) == (30000, 55000, 5000)


# ------------------------------------------------------------------ list
def test_list_page(client, bundled_db):
    r = client.get("/")
    assert r.status_code == 200
    html = r.content.decode()
    assert '<html lang="nb">' in html
    assert 'href="#main"' in html and 'id="main"' in html
    assert '<label for="id_q">Søk etter kommune eller fylke</label>' in html
    text = text_of(r)
    assert "3222 Lørenskog" in text and "32 Akershus" in text
    assert 'href="/region/3222/"' in html
    assert 'href="/region/32/"' in html
    assert "<style" not in html and "<script" not in html


def test_search_by_name_is_case_insensitive(client, bundled_db):
    r = client.get("/", {"q": "lørenskog"})
    html = r.content.decode()
    assert 'href="/region/3222/"' in html
    assert 'href="/region/3201/"' not in html  # Bærum filtered away
    # the old codes lead to today's unit
    text = text_of(r)
    assert "0230 Lørenskog" in text and "3029 Lørenskog" in text


def test_search_old_code_shows_what_it_became(client, bundled_db):
    r = client.get("/", {"q": "0230"})
    text = text_of(r)
    assert re.search(r"0230 Lørenskog \(til 2019\) → ble til 3222 Lørenskog", text), text
    assert 'href="/region/3222/"' in r.content.decode()


def test_search_old_name_ski(client, bundled_db):
    text = text_of(client.get("/", {"q": "Ski"}))
    assert re.search(r"0213 Ski \(til 2019\) → ble til 3207 Nordre Follo", text), text


def test_search_by_number_prefix(client, bundled_db):
    html = client.get("/", {"q": "32"}).content.decode()
    assert 'href="/region/32/"' in html and 'href="/region/3222/"' in html
    assert 'href="/region/0301/"' not in html


def test_search_unknown(client, bundled_db):
    r = client.get("/", {"q": "Atlantis"})
    assert r.status_code == 200
    assert "Ingen treff" in text_of(r)


# ---------------------------------------------------------------- detail
def test_lorenskog_page_population_2005_2026(client, bundled_db):
    r = client.get("/region/3222/")
    assert r.status_code == 200
    text = text_of(r)
    html = r.content.decode()
    assert "<h1>3222 Lørenskog</h1>" in html
    for year in (2005, 2026):
        value = format_number(bundled_population("3222", year))
        assert NBSP in value
        assert f"{year} {value}" in text, (year, value)
    # every year 2005–2026 has a row, including 2017–2019 (rebuilt from the codes of their time)
    for year in range(2005, 2027):
        assert f'<th scope="row">{year}</th>' in html, year
    assert "Befolkning 2005–2026" in text
    assert "Kilde: Statistisk sentralbyrå, tabell 07459" in text
    assert "omregnet til kommunestrukturen i 2024" in text
    # years are not written with a thousands separator
    assert f"2{NBSP}026" not in text and "2 026" not in text


def test_lorenskog_page_chart_and_table_alternative(client, bundled_db):
    html = client.get("/region/3222/").content.decode()
    assert html.count('role="img"') == 2
    assert '<title id="population-chart-title">Folkemengde 1. januar 2005–2026, 3222 Lørenskog</title>' in html
    assert 'aria-labelledby="population-chart-title population-chart-desc"' in html
    assert "Tallene i diagrammet (tabell)" in html
    assert "<table" in html


def test_lorenskog_page_facts(client, bundled_db):
    text = text_of(client.get("/region/3222/"))
    assert "Akershus" in text
    assert "KOSTRA-gruppe 10" in text
    assert "Ikke oppført i ROBEK-registeret" in text
    assert "Kilde: KDD, ROBEK-registeret 20.04.2026" in text
    assert "Sentralitet" in text
    assert "Aldersprofil 1. januar 2026" in text
    assert "90 år og eldre" in text
    assert "Grønt hefte 2026" in text and "Grønt hefte 2025" in text
    assert "omtrentlige" in text
    assert "0,97" in text  # grunnskole 2026


def test_lorenskog_page_history(client, bundled_db):
    r = client.get("/region/3222/")
    text = text_of(r)
    assert re.search(r"0230 Lørenskog før 2013–2019 2020: nytt nummer til 3029 Lørenskog", text), text
    assert re.search(r"3029 Lørenskog 2020–2023 2024: nytt nummer til 3222 Lørenskog", text)
    assert re.search(r"3222 Lørenskog 2024–i dag", text)


def test_old_code_page_points_to_successor(client, bundled_db):
    r = client.get("/region/0230/")
    assert r.status_code == 200
    text = text_of(r)
    assert "Denne koden er ikke lenger i bruk" in text
    assert 'href="/region/3222/"' in r.content.decode()


def test_nordre_follo_predecessors_and_successor(client, bundled_db):
    r = client.get("/region/3020/")
    assert r.status_code == 200
    html = r.content.decode()
    text = text_of(r)
    assert "Forgjengere" in text
    assert "0213 Ski" in text and "0217 Oppegård" in text
    assert "sammenslåing" in text
    assert "Etterfølgere" in text
    assert "3207 Nordre Follo" in text
    assert 'href="/region/3207/"' in html and 'href="/region/0213/"' in html


def test_county_page(client, bundled_db):
    r = client.get("/region/32/")
    assert r.status_code == 200
    text = text_of(r)
    html = r.content.decode()
    assert "<h1>32 Akershus</h1>" in html
    assert "21 kommuner i fylket" in text
    assert 'href="/region/3222/"' in html
    total_2026 = sum(
        bundled_population(c, 2026)
        for c in ("3201 3203 3205 3207 3209 3212 3214 3216 3218 3220 3222 3224 3226 3228 3230 3232 "
                  "3234 3236 3238 3240 3242").split()
    )
    assert f"2026 {format_number(total_2026)}" in text


def test_unknown_code_is_404_in_bokmal(client, bundled_db):
    r = client.get("/region/9999x/")
    assert r.status_code == 404
    text = text_of(r)
    assert "Fant ikke siden" in text
    assert "Ukjent regionkode «9999x»" in text.replace("\u00ad", "")
    assert '<html lang="nb">' in r.content.decode()


def test_population_csv_download(client, bundled_db):
    r = client.get("/region/3222/befolkning.csv")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(r.content.decode().splitlines()))
    by_year = {int(x["year"]): x for x in rows}
    assert int(by_year[2005]["value"]) == bundled_population("3222", 2005)
    assert int(by_year[2026]["value"]) == bundled_population("3222", 2026)
    assert set(range(2005, 2027)) <= set(by_year)


def test_pages_send_csp_and_no_inline_code(client, bundled_db):
    r = client.get("/region/3222/")
    assert "script-src 'self'" in r["Content-Security-Policy"]
    html = r.content.decode()
    assert "<script" not in html and "style=" not in html and "<style" not in html


def test_error_pages_render_in_bokmal(rf):
    from django.views.defaults import server_error

    r = server_error(rf.get("/"))
    assert r.status_code == 500
    body = r.content.decode()
    assert "Noe gikk galt" in body and '<html lang="nb">' in body


def test_bokmal_catalogue_is_shipped():
    from pathlib import Path

    import gevinst

    locale = Path(gevinst.__file__).parent / "locale" / "nb" / "LC_MESSAGES"
    po = (locale / "django.po").read_text(encoding="utf-8")
    assert 'msgid "Søk etter kommune eller fylke"' in po
    assert (locale / "django.mo").exists()


def test_old_code_with_same_territory_and_split(client, bundled_db):
    text = text_of(client.get("/region/3020/"))
    assert "Området har de samme grensene i dag, under nummeret: 3207 Nordre Follo" in text
    text = text_of(client.get("/region/1507/"))  # Ålesund, split in 2024
    assert "I dag er området fordelt på: 1508 Ålesund 1580 Haram" in text
