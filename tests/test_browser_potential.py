"""The economic-room page in a real browser: the chart's accessible name, keyboard use of the form, axe-core."""

from __future__ import annotations

import pytest
from browser_helpers import format_violations, launch, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def site(live_server, transactional_db):
    from gevinst.store.bundled_load import load_all
    from gevinst.store.models import Vintage

    if not Vintage.objects.filter(source="bundled").exists():
        load_all()
    return live_server.url


def test_potential_page_accessible(site):
    with sync_api.sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        csp: list[str] = []
        page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
        try:
            page.goto(f"{site}/region/3222/handlingsrom/?year=2024&vintage=2026")
            chart = page.locator("svg.chart-waterfall")
            assert chart.get_attribute("role") == "img"
            assert "Gevinstpotensial per tjeneste" in page.locator("#handlingsrom-fossefall-title").text_content()
            assert page.locator("table.potential-table tbody tr").count() == 15
            violations = run_axe(page)
            assert not violations, format_violations(violations)
            # Keyboard: choose a reference and submit with Enter.
            page.focus("#id_reference")
            page.select_option("#id_reference", "peers")
            page.focus("#id_peers")
            page.keyboard.type("3201, 3203")
            page.keyboard.press("Enter")
            page.wait_for_url("**reference=peers**")
            assert "3201, 3203" in page.content()
            page.goto(f"{site}/region/3222/handlingsrom/?reference=peers")
            assert page.locator(".error-summary").is_visible()
            violations = run_axe(page)
            assert not violations, format_violations(violations)
            assert not csp, csp
        finally:
            context.close()
            browser.close()
