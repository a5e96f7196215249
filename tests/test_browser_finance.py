"""The financial health page in a real browser: axe-core (WCAG 2.1 AA), CSP, the target form by keyboard."""

from __future__ import annotations

import pytest
from browser_helpers import format_violations, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


PASSWORD = "et-langt-passord-for-test"


def test_finance_page_axe_and_form(site, page):
    from django.contrib.auth import get_user_model

    from gevinst.accounts.models import Membership, Organisation

    org = Organisation.objects.create(slug="ralingen", name="Rælingen kommune", region="3224")
    user = get_user_model().objects.create_user("kari", password=PASSWORD)
    Membership.objects.create(user=user, organisation=org, role="redaktor")  # editing targets needs redaktør
    page.goto(site + "/logg-inn/?next=/region/3224/okonomi/")
    page.get_by_label("Brukernavn").fill("kari")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url("**/region/3224/okonomi/")
    assert "Økonomisk helse for 3224 Rælingen" in page.inner_text("h1")
    violations = run_axe(page)
    assert not violations, format_violations(violations)
    assert page.locator("svg[role=img]").count() >= 3

    # a half-filled form: the error summary, the typed value kept, nothing stored
    page.fill("#id_value", "abc")
    page.fill("#id_valid_from", "")
    page.locator("#mal button[type=submit]").press("Enter")
    page.wait_for_selector("#feil")
    assert "Verdien må være et tall" in page.inner_text("#feil")
    assert page.input_value("#id_value") == "abc"
    violations = run_axe(page)
    assert not violations, format_violations(violations)

    page.fill("#id_value", "1,5")
    page.fill("#id_valid_from", "2024")
    page.locator("#mal button[type=submit]").click()
    page.wait_for_url("**lagret=1**")
    assert "Målet er lagret." in page.inner_text("main")
    assert not page.csp_messages, page.csp_messages
