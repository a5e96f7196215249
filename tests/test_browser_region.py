"""The region pages in a real browser: keyboard use, accessible charts, axe-core (WCAG 2.1 AA).

Drives Debian's Chromium through Playwright (no browser download) against
pytest-django's live server. The live server needs a transactional database,
which is emptied after each test, so the bundled data is loaded per test: the
checks are grouped into few tests to keep the module fast.
"""

from __future__ import annotations


import pytest

from browser_helpers import format_violations, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _focused(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const cs = getComputedStyle(el);
            return {tag: el.tagName, id: el.id, href: el.getAttribute('href') || '',
                    text: (el.textContent || '').trim(), outline: cs.outlineStyle, outlineWidth: cs.outlineWidth};
        }"""
    )


def _tab_to(page, predicate, limit: int = 40) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = _focused(page)
        if predicate(info):
            return info
    raise AssertionError("Tab never reached the element; last focus: %r" % (info,))


def test_keyboard_search_and_accessible_chart(site, page):
    page.goto(site + "/")
    # the first Tab reaches the skip link, and it is visible when focused
    page.keyboard.press("Tab")
    first = _focused(page)
    assert first["href"] == "#main", first
    assert page.locator("a.skip-link").is_visible()

    # to the search field, type, submit with Enter
    field = _tab_to(page, lambda f: f["id"] == "id_q")
    assert field["outline"] != "none", "the focused search field has no visible outline"
    page.keyboard.type("lørenskog")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=l*")
    assert "Lørenskog" in page.inner_text("main")

    # to the result link, follow it with Enter
    link = _tab_to(page, lambda f: f["href"] == "/region/3222/")
    assert link["outline"] != "none", "the focused link has no visible outline"
    page.keyboard.press("Enter")
    page.wait_for_url("**/region/3222/")
    assert page.inner_text("h1") == "3222 Lørenskog"

    # the population chart has an accessible name and a table alternative
    chart = page.get_by_role("img", name="Folkemengde 1. januar 2005–2026, 3222 Lørenskog")
    assert chart.count() == 1
    # the table alternative sits in a <details> under the chart: it opens by keyboard
    page.locator("#befolkning summary").focus()
    page.keyboard.press("Enter")
    table = page.get_by_role("table", name="Folkemengde 1. januar, Lørenskog (kommunestrukturen i 2024)")
    assert table.count() == 1
    assert table.get_by_role("row").count() == 1 + 22  # header + 2005–2026
    page.locator("#alder summary").focus()
    page.keyboard.press("Enter")
    assert page.get_by_role("table", name="Folkemengde etter alder, Lørenskog, 1. januar 2026").is_visible()

    # the stylesheet loaded (same origin) and nothing was blocked by the CSP
    assert page.evaluate("() => getComputedStyle(document.querySelector('.site-header')).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert not page.csp_messages, page.csp_messages

    page.screenshot(path="/tmp/region_3222.png", full_page=True)


@pytest.mark.parametrize("path", ["/", "/?q=Ski", "/region/3222/", "/region/32/", "/region/3020/", "/region/9999x/"])
def test_axe_wcag21_aa(site, page, path):
    page.goto(site + path)
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    violations = run_axe(page)
    assert not violations, f"axe-core found WCAG 2.1 A/AA problems on {path}:\n" + format_violations(violations)
