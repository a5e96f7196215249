"""The effect page in a real browser: charts with text alternatives, keyboard to the save button, axe-core."""

from __future__ import annotations

import pytest
from browser_helpers import format_violations, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_effect_pages_accessible(site, page):
    page.set_default_timeout(20_000)
    page.goto(site + "/region/3207/effekt/")
    assert run_axe(page) == [], format_violations(run_axe(page))
    page.select_option("#id_indikator", "andel_67_pluss")
    page.click("button[type=submit]")
    page.wait_for_url("**/effekt/andel_67_pluss/**")
    assert "Nordre Follo" in page.inner_text("h1")
    for cid in ("effekt-syntetisk", "effekt-hendelse"):
        svg = page.locator(f"svg[aria-labelledby^='{cid}-title']")
        assert svg.count() == 1
        assert page.locator(f"#{cid}-desc").count() == 1
    violations = run_axe(page)
    assert violations == [], format_violations(violations)
    # keyboard reaches the save button and it stores the estimates
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "BUTTON":
            break
    assert "Lagre" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.wait_for_selector("[role=status]")
    assert page.csp_messages == []
