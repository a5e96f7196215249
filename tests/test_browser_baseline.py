"""The baseline pages in a real browser: keyboard use, the map and charts, axe-core (WCAG 2.1 AA).

Same setup as ``test_browser_region.py`` (Debian Chromium through Playwright, axe-core from
node_modules, pytest-django's live server). The live server's transactional database is emptied
after each test, so the bundled data is loaded per test: the checks are grouped into two tests.
"""

from __future__ import annotations

import time

import pytest
from browser_helpers import format_violations, run_axe


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _focused(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const cs = getComputedStyle(el);
            return {tag: el.tagName, id: el.id, href: el.getAttribute('href') || '',
                    text: (el.textContent || '').trim(), outline: cs.outlineStyle};
        }"""
    )


def _tab_to(page, predicate, limit: int = 60) -> dict:
    info: dict = {}
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = _focused(page)
        if predicate(info):
            return info
    raise AssertionError("Tab never reached the element; last focus: %r" % (info,))


def _axe(page, what: str) -> None:
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    violations = run_axe(page)
    assert not violations, f"axe-core found WCAG 2.1 A/AA problems on {what}:\n" + format_violations(violations)


def test_keyboard_from_region_page_to_nullpunkt_and_change_area(site, page):
    page.goto(site + "/region/3222/")
    link = _tab_to(page, lambda f: f["href"] == "/region/3222/nullpunkt/")
    assert link["outline"] != "none", "the focused link has no visible outline"
    page.keyboard.press("Enter")
    page.wait_for_url("**/region/3222/nullpunkt/")
    assert page.inner_text("h1") == "Nullpunktsmåling for 3222 Lørenskog"

    # the year field, then the area select: choose «Økonomi» and 2025 with the keyboard only
    field = _tab_to(page, lambda f: f["id"] == "id_year")
    assert field["outline"] != "none"
    page.keyboard.press("Control+A")
    page.keyboard.type("2025")
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "id_area"
    assert page.get_by_label("Område").count() == 1  # labelled
    current = page.eval_on_selector("#id_area", "el => el.value")
    options = page.eval_on_selector_all("#id_area option", "els => els.map(e => e.value)")
    for _ in range(abs(options.index("økonomi") - options.index(current))):
        page.keyboard.press("ArrowDown" if options.index("økonomi") > options.index(current) else "ArrowUp")
    assert page.eval_on_selector("#id_area", "el => el.value") == "økonomi"
    _tab_to(page, lambda f: f["tag"] == "BUTTON")
    page.keyboard.press("Enter")
    page.wait_for_url("**area=*")
    assert "Økonomi – nullpunkt 2025" in page.inner_text("main")
    table = page.get_by_role("table", name="Økonomi: Lørenskog i 2025 sammenlignet med landet og andre kommuner")
    assert table.count() == 1
    row = table.get_by_role("row", name="Netto driftsresultat i prosent av brutto driftsinntekter prosent", exact=False).first
    assert "4,0" in row.inner_text() and "2,2" in row.inner_text()
    # sparklines are images with a name
    assert page.get_by_role("img", name="Utvikling 2024–2025: Netto driftsresultat i prosent av brutto driftsinntekter").count() == 1
    assert not page.csp_messages, page.csp_messages
    _axe(page, "the nullpunkt page")


def test_indicator_and_sdg_pages_pass_axe(site, page):
    started = time.monotonic()
    page.goto(site + "/region/3222/indikator/andel_80_pluss/")
    assert page.inner_text("h1") == "Andel innbyggere 80 år og over"
    assert page.get_by_role("img", name="Kart: Andel innbyggere 80 år og over, 2026, alle kommuner").count() == 1
    chart = page.get_by_role("img", name="Andel innbyggere 80 år og over, Lørenskog og sammenligning 2022–2026")
    assert chart.count() == 1
    # the SVG map is drawn with our stylesheet (CSS classes, no inline styles)
    fill = page.evaluate("() => getComputedStyle(document.querySelector('.map .map-c4')).fill")
    assert fill == "rgb(37, 52, 148)"
    assert not page.csp_messages, page.csp_messages
    page.screenshot(path="/tmp/indicator.png", full_page=True)
    _axe(page, "the indicator page")

    page.goto(site + "/region/3222/baerekraft/?year=2025")
    assert "FNs bærekraftsmål" in page.inner_text("h1")
    _axe(page, "the SDG page")

    page.goto(site + "/region/3222/nullpunkt/?year=abc")
    assert "Året må være et helt tall" in page.inner_text("main")
    _axe(page, "the form with errors")
    assert time.monotonic() - started < 60
