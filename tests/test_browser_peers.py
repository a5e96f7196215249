"""Similar municipalities and networks in a real browser: axe-core (WCAG 2.1 AA), keyboard, no CSP errors."""

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


def test_peers_and_network_pages_accessible(site):
    with sync_api.sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(20_000)
        csp: list[str] = []
        page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
        try:
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
            assert not csp, csp
        finally:
            context.close()
            browser.close()
