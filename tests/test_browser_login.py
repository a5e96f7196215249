"""Login in a real browser: keyboard only, the organisation page, the members page, axe (WCAG 2.1 AA).

Drives Debian's Chromium through Playwright against pytest-django's live server.
Also checks that the API docs page loads Swagger UI from our own origin without
any Content-Security-Policy violation.
"""

from __future__ import annotations

import pytest
from browser_helpers import format_violations, run_axe
from django.contrib.auth import get_user_model

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Sv4rt-hemmelig-passord"


@pytest.fixture
def site(live_server, transactional_db):
    from gevinst.accounts.models import Membership, Organisation, Role

    org = Organisation.objects.create(name="Lørenskog kommune", slug="lorenskog", region="3222")
    user = get_user_model().objects.create_user("kari", "kari@lorenskog.kommune.no", PASSWORD)
    Membership.objects.create(user=user, organisation=org, role=Role.ADMINISTRATOR)
    other = get_user_model().objects.create_user("ola", "ola@lorenskog.kommune.no", PASSWORD)
    Membership.objects.create(user=other, organisation=org, role=Role.LESER)
    return live_server.url


def _focused_id(page) -> str:
    return page.evaluate("() => document.activeElement.id || document.activeElement.name || ''")


def _axe(page, where):
    violations = run_axe(page)
    assert not violations, f"axe-core found WCAG 2.1 A/AA problems on {where}:\n" + format_violations(violations)


def test_keyboard_login_org_page_and_axe(site, page):
    page.goto(site + "/logg-inn/")
    _axe(page, "/logg-inn/")

    # Wrong password first: the error summary is announced and accessible.
    assert _focused_id(page) == "id_username"  # autofocus
    page.keyboard.type("kari")
    page.keyboard.press("Tab")
    assert _focused_id(page) == "id_password"
    page.keyboard.type("feil")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "Feil brukernavn eller passord" in page.inner_text("#feil")
    _axe(page, "/logg-inn/ with errors")

    page.locator("#id_password").focus()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/org/")
    page.get_by_role("link", name="Lørenskog kommune").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/org/lorenskog/")
    assert page.inner_text("h1") == "Lørenskog kommune"
    assert "ola@lorenskog.kommune.no" in page.inner_text("main")  # administrators see the members
    assert page.get_by_role("navigation", name="Brukermeny").is_visible()
    _axe(page, "/org/lorenskog/")

    page.goto(site + "/org/lorenskog/medlemmer/")
    _axe(page, "/org/lorenskog/medlemmer/")
    page.goto(site + "/konto/tokens/")
    _axe(page, "/konto/tokens/")
    assert not page.csp_messages, page.csp_messages

    # Log out with the keyboard: the button in the user menu.
    page.get_by_role("button", name="Logg ut kari").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/logg-inn/")


def test_api_docs_swagger_from_own_origin(site, page):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(site + "/api/docs")
    page.wait_for_selector("#swagger-ui .swagger-ui", timeout=15_000)
    assert all(u.startswith((site, "data:")) for u in requests), requests
    assert not page.csp_messages, page.csp_messages
    assert "/api/orgs/" in page.inner_text("main")
