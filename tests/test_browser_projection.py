"""The perspective analysis page in a real browser: axe-core (WCAG 2.1 AA), CSP, the form by keyboard."""

from __future__ import annotations

import pytest
from browser_helpers import format_violations, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_projection_page_axe_and_keyboard(site, page):
    page.goto(site + "/region/1121/perspektiv/")
    assert "Time" in page.inner_text("h1")
    violations = run_axe(page)
    assert not violations, format_violations(violations)
    assert page.locator("svg[role=img]").count() >= 1
    # the chart has a text alternative: a table with the same years
    assert page.locator("table").count() >= 1
    # every form field is labelled and reachable by keyboard
    fields = page.locator("form input:visible, form select:visible")
    for i in range(fields.count()):
        field_id = fields.nth(i).get_attribute("id")
        assert field_id and page.locator(f"label[for='{field_id}']").count() == 1, field_id
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement !== document.body")
    assert not page.csp_messages, page.csp_messages
