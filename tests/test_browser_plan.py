"""The plan in a real browser: log in, create an initiative, add a benefit whose baseline comes from
data, record a measurement, see the status change and a plan-check flag disappear; axe on every page."""

from __future__ import annotations


import pytest
from browser_helpers import format_violations, run_axe


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "et-langt-passord-for-test"


def _axe(page, what: str) -> None:
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    violations = run_axe(page)
    assert not violations, f"axe-core found WCAG 2.1 A/AA problems on {what}:\n" + format_violations(violations)


def test_plan_flow(site, page):
    from django.contrib.auth import get_user_model

    from gevinst.accounts.models import Membership, Organisation

    org = Organisation.objects.create(slug="lorenskog", name="Lørenskog kommune", region="3222")
    user = get_user_model().objects.create_user("kari", password=PASSWORD, first_name="Kari", last_name="Nordmann")
    Membership.objects.create(user=user, organisation=org, role="redaktor")

    page.goto(site + "/org/lorenskog/plan/")
    page.wait_for_url("**/logg-inn/**")
    page.get_by_label("Brukernavn").fill("kari")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url("**/org/lorenskog/plan/")
    _axe(page, "the plan home page")

    # a new initiative
    page.get_by_role("link", name="Nytt tiltak").click()
    page.get_by_label("Navn").fill("Velferdsteknologi i hjemmetjenesten")
    page.get_by_label("Endringen starter").fill("2025-01-01")
    page.get_by_label("Engangskostnad (kr)").fill("1 200 000")
    _axe(page, "the initiative form")
    page.get_by_role("button", name="Lagre tiltaket").click()
    page.wait_for_url("**/plan/tiltak/*/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Velferdsteknologi")
    assert "Tiltaket har ingen gevinster" in page.content()
    _axe(page, "the initiative page")

    # a benefit whose baseline comes from data (3222, andel 80+ som bruker hjemmetjenester)
    page.get_by_role("link", name="Ny gevinst").click()
    page.get_by_label("Gevinst", exact=False).first.fill("Flere eldre får hjelp hjemme")
    page.get_by_label("Type (akse)").select_option("kvalitet")
    page.get_by_label("Type (verdi)").select_option("ikke_prissatt")
    page.get_by_label("Gevinsteier").select_option(label="Kari Nordmann")
    page.get_by_label("Indikator fra katalogen").select_option("andel_80_pluss_hjemmetjenester")
    page.get_by_label("Målverdi").fill("21")
    page.get_by_label("Måldato").fill("2027-12-31")
    _axe(page, "the benefit form")
    page.get_by_role("button", name="Lagre gevinsten").click()
    page.wait_for_url("**/plan/gevinst/*/")
    html = page.content()
    assert "Nullpunktet er hentet fra data" in html and "19,0" in html
    assert page.locator("#gevinst-status").inner_text() == "Planlagt"
    assert "Ingen måleplan" in page.locator("#helsesjekk-heading + *").inner_text()
    _axe(page, "the benefit page")

    # a measurement changes the status
    page.get_by_role("link", name="Registrer måling").click()
    page.get_by_label("Verdi").fill("20,5")
    page.get_by_label("Dato").fill("2025-12-31")
    _axe(page, "the measurement form")
    page.get_by_role("button", name="Registrer målingen").click()
    page.wait_for_url("**/plan/gevinst/*/")
    assert page.locator("#gevinst-status").inner_text() == "På sporet"
    assert "Status er endret fra «Planlagt» til «På sporet»" in page.content()

    # fix the plan-check flag: schedule the measurements
    page.get_by_role("link", name="Endre gevinsten").click()
    page.get_by_label("Målefrekvens").select_option("arlig")
    page.get_by_label("Ansvarlig for måling").fill("Enhetsleder hjemmetjenesten")
    page.get_by_role("button", name="Lagre gevinsten").click()
    page.wait_for_url("**/plan/gevinst/*/")
    assert "Ingen måleplan" not in page.locator("#helsesjekk-heading + *").inner_text()

    for path, what in (("/org/lorenskog/plan/helsesjekk/", "the plan check"),
                       ("/org/lorenskog/plan/historikk/", "the audit trail"),
                       ("/org/lorenskog/plan/slettet/", "the deleted items")):
        page.goto(site + path)
        _axe(page, what)
    page.goto(site + "/org/lorenskog/plan/")
    page.get_by_role("link", name="Velferdsteknologi i hjemmetjenesten").click()
    page.get_by_role("link", name="Rediger gevinstkartet").click()
    page.get_by_label("Type").select_option("mal")
    page.get_by_label("Tekst").fill("Flere bor trygt hjemme")
    page.get_by_role("button", name="Legg til boksen").click()
    page.wait_for_url("**/gevinstkart/")
    assert "Flere bor trygt hjemme" in page.content()
    _axe(page, "the benefit map editor")
    assert not page.csp_messages, page.csp_messages
