"""Similar municipalities and networks in a real browser: axe-core (WCAG 2.1 AA), keyboard, no CSP errors."""

from __future__ import annotations

import pytest
from browser_helpers import format_violations, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_peers_and_network_pages_accessible(site, page):
    page.set_default_timeout(20_000)
    page.goto(site + "/region/3222/lignende/")
    assert "Lillestrøm" in page.inner_text("main")
    assert page.locator("svg[role=img] title").first.text_content() == "Avstand fordelt på variabler"
    violations = run_axe(page)
    assert not violations, format_violations(violations)
    # save a set with the keyboard: focus the name field, type, Enter
    page.focus("#id_name")
    page.keyboard.type("Tastatursett")
    page.keyboard.press("Enter")
    page.wait_for_url("**lagret=*")
    assert "er lagret" in page.inner_text("main")

    page.goto(site + "/nettverk/?members=3222,3205,3220,3224,0301,3201,3203,3207,3209&size=4-5")
    assert "Nettverk 2" in page.inner_text("main")
    violations = run_axe(page)
    assert not violations, format_violations(violations)
    assert not page.csp_messages, page.csp_messages
