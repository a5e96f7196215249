"""The economic-room page in a real browser: the chart's accessible name, keyboard use of the form, axe-core."""

from __future__ import annotations

import pytest
from browser_helpers import format_violations, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_potential_page_accessible(site, page):
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
    assert not page.csp_messages, page.csp_messages
