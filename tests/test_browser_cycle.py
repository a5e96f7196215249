"""A whole year of the årshjul in a real browser, as the demo organisation's redaktør.

Log in through the form; from the organisation page open the årshjul and create budget year 2028;
Q1: goals (a legal minimum with hjemmel, one fetched from data, an economic gap), an activity marked
«Ferdig» with the keyboard, two deep dives (one with its potential fetched from the economic-room
analysis, one typed in Norwegian format); Q2: the analysis and four candidate initiatives, one must-do;
Q3: limits that leave one candidate out, the prioritisation with Norwegian explanations, saved and
adopted; Q4: all four kinds of A3 downloaded as PowerPoint and PDF and reopened (python-pptx, pdftoppm).
axe-core runs on every distinct page; no Content-Security-Policy message may appear.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess

import pytest
from browser_helpers import format_violations, run_axe

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2028
SLUG = "lorenskog-demo"

DD_HELSE = "Hjemmetjenester for eldre over 80"
DD_SKOLE = "Skole: tidlig innsats og spesialundervisning"
C_DIGITAL = "Digital hjemmeoppfølging med medisindispensere"
C_RUTER = "Ny ruteplanlegging i hjemmetjenesten"
C_LESING = "Intensiv leseopplæring på 1.–4. trinn"
C_TEAM = "Felles ressursteam for spesialundervisning"
G_LEGAL = "Intensiv opplæring til alle elever som trenger det"
G_DATA = "Flere eldre over 80 får hjelp hjemme"
G_MONEY = "Balanse i økonomiplanen"


def _axe(page, what: str) -> None:
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    violations = run_axe(page)
    assert not violations, f"axe-core found WCAG 2.1 A/AA problems on {what}:\n" + format_violations(violations)
    # wide tables scroll in their own region; the page itself never scrolls sideways
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{what} is wider than the window: {width}"


def _field(page, label: str):
    """The form control labelled ``label`` (optionally followed by «(må fylles ut)»), exactly."""
    return page.get_by_label(re.compile("^" + re.escape(label) + r"( \(må fylles ut\))?$"))


def _text(locator) -> str:
    return " ".join(locator.inner_text().replace("\xa0", " ").split())


def _said(page, message: str) -> None:
    """Wait until the page's status messages include ``message`` (a redirect may lead to the same URL)."""
    expect(page.locator(".messages")).to_contain_text(message)


def _stored(table, name: str) -> str:
    """The «Lagret beslutning» cell of the candidate ``name`` in the prioritisation table."""
    row = table.get_by_role("row").filter(has_text=name)
    headers = [_text(h) for h in table.get_by_role("columnheader").all()]
    return _text(row.locator("th, td").nth(headers.index("Lagret beslutning")))


def _add_goal(page, name, *, unit, target, current=None, indicator=None, legal_basis=None):
    _field(page, "Mål").fill(name)
    _field(page, "Enhet").fill(unit)
    if indicator:
        _field(page, "Indikator fra katalogen").select_option(indicator)
    if current is not None:
        _field(page, "Nå-verdi").fill(current)
    _field(page, "Målverdi").fill(target)
    _field(page, "Målår").fill(str(YEAR + 2))
    if legal_basis:
        _field(page, "Minimumskrav i lov eller forskrift").check()
        _field(page, "Hjemmel").fill(legal_basis)
    page.get_by_role("button", name="Lagre målet").click()
    page.wait_for_url(f"**/arshjul/{YEAR}/mal/")
    _said(page, f"Målet «{name}» er lagret.")


def _add_candidate(page, dd, name, *, benefit, one_off, yearly, fte, contributions, must_do=None):
    """Add a candidate to the deep dive ``dd`` (from its page or a page under it); ends on the candidate page."""
    page.get_by_role("navigation", name="Brødsmulesti").get_by_role("link", name=dd).click()
    page.wait_for_url("**/dypdykk/*/")
    page.get_by_role("link", name="Legg til et mulig endringstiltak").click()
    page.wait_for_url("**/kandidat/ny/")
    _field(page, "Navn på tiltaket").fill(name)
    _field(page, "Prosjekteier").fill("Kommunalsjef")
    _field(page, "Gevinstpotensial (kr per år)").fill(benefit)
    _field(page, "Engangskostnad (kr)").fill(one_off)
    _field(page, "Årlig kostnad (kr)").fill(yearly)
    _field(page, "Årsverk som trengs").fill(fte)
    _field(page, "Grunnlag for gevinstpotensialet").fill("Anslag fra dypdykket")
    if must_do:
        _field(page, "Må gjennomføres").check()
        _field(page, "Hvorfor det må gjennomføres").fill(must_do)
    for goal, amount in contributions.items():
        page.get_by_label(re.compile(f"^Bidrag til «{re.escape(goal)}»")).fill(amount)
    page.get_by_role("button", name="Lagre tiltaket").click()
    page.wait_for_url("**/kandidat/*/")
    assert page.get_by_role("heading", level=1).inner_text() == name


def _pptx_text(path) -> tuple[object, str]:
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    prs = Presentation(str(path))
    parts: list[str] = []

    def walk(shapes):
        for sh in shapes:
            if sh.shape_type == MSO_SHAPE_TYPE.GROUP:
                walk(sh.shapes)
            if sh.has_text_frame:
                parts.append(sh.text_frame.text)
            if getattr(sh, "has_table", False):
                parts.extend(cell.text for row in sh.table.rows for cell in row.cells)
            if getattr(sh, "has_chart", False):
                parts.extend(str(c) for c in sh.chart.plots[0].categories)

    for slide in prs.slides:
        walk(slide.shapes)
    return prs, " ".join(" ".join(parts).replace("\xa0", " ").split())


def _png_size(path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", head[16:24])


def _check_a3(page, tmp_path, kind: str, item, must_contain: list[str]) -> None:
    """Download the A3 of ``kind`` as PPTX and PDF from the list item ``item``; reopen and check both."""
    from pptx.util import Mm

    for fmt, link in (("pptx", "PowerPoint"), ("pdf", "PDF")):
        with page.expect_download() as info:
            item.get_by_role("link", name=re.compile(f"^{link}")).click()
        dl = info.value
        assert dl.failure() is None, dl.failure()
        assert dl.suggested_filename.startswith(f"a3-{kind}") and dl.suggested_filename.endswith(f"-{YEAR}.{fmt}")
        path = tmp_path / dl.suggested_filename
        dl.save_as(path)
        if fmt == "pptx":
            prs, text = _pptx_text(path)
            assert (prs.slide_width, prs.slide_height) == (Mm(420), Mm(297)), (kind, prs.slide_width, prs.slide_height)
            assert len(prs.slides) >= 1
            for s in must_contain:
                assert s in text, f"«{s}» missing from the {kind} PowerPoint: {text[:600]}"
            assert "Eksempel" in text  # the demo organisation's sheets are marked
        else:
            assert path.read_bytes()[:5] == b"%PDF-"
            out = tmp_path / f"png-{kind}"
            out.mkdir()
            subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(out / "p")], check=True, timeout=60)
            pngs = sorted(out.glob("p*.png"))
            assert pngs, f"pdftoppm rendered no page of the {kind} PDF"
            for png in pngs:
                w, h = _png_size(png)
                assert abs(w / h - 420 / 297) < 0.02 and 480 <= w <= 510, (kind, png.name, w, h)


def test_cycle_year_in_browser(site, page, monkeypatch, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm not installed (apt-get install poppler-utils)")
    pytest.importorskip("pptx")
    monkeypatch.delenv("GEVINST_DEMO_PASSWORD", raising=False)
    from gevinst.accounts.demo import ensure_demo
    from gevinst.core.formatting import format_number
    from gevinst.cycle.models import CycleYear
    from gevinst.plans.data import indicator_series

    org, username, password = ensure_demo()

    # ---------------------------------------------------------------- log in, open the årshjul
    page.goto(site + f"/org/{SLUG}/")
    page.wait_for_url("**/logg-inn/**")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"**/org/{SLUG}/")
    page.get_by_role("link", name=re.compile("^Årshjulet")).click()
    page.wait_for_url(f"**/org/{SLUG}/arshjul/")
    assert "Ingen årshjul er opprettet ennå." in page.content()
    _axe(page, "the årshjul home page")

    _field(page, "Budsjettår").fill(str(YEAR))
    page.get_by_role("button", name="Opprett årshjulet").click()
    page.wait_for_url(f"**/arshjul/{YEAR}/")
    _said(page, f"Årshjulet for budsjettåret {YEAR} er opprettet.")
    assert page.get_by_role("heading", level=1).inner_text() == f"Årshjul for budsjett {YEAR}"
    quarters = page.locator("ol.timeline > li")
    assert quarters.count() == 4
    for i, name in enumerate(("Skaffe overblikk", "Gjøre dypdykk", "Velge endringstiltak", "Forberede endring")):
        assert f"{i + 1}. kvartal: {name}" in _text(quarters.nth(i))
    assert "0 av 5 ferdig (0 %)" in _text(quarters.nth(0))
    _axe(page, "the year page")

    # ---------------------------------------------------------------- Q1: goals
    page.get_by_role("link", name="Registrer målene og minimumskravene").click()
    page.wait_for_url(f"**/arshjul/{YEAR}/mal/")
    _axe(page, "the goals page (empty)")
    _add_goal(page, G_LEGAL, unit="prosent av elevene", current="70", target="100",
              legal_basis="Opplæringslova § 11-5 (intensiv opplæring)")
    _add_goal(page, G_DATA, unit="prosent", target="21,5", indicator="andel_80_pluss_hjemmetjenester")
    _add_goal(page, G_MONEY, unit="mill. kr per år", current="0", target="8,5")
    table = page.get_by_role("table", name=f"Mål for budsjett {YEAR}")
    legal_row = _text(table.get_by_role("row").filter(has_text=G_LEGAL))
    assert "ja: Opplæringslova § 11-5" in legal_row and "30,0" in legal_row  # gap 100 − 70
    data_row = _text(table.get_by_role("row").filter(has_text=G_DATA))
    latest = indicator_series(org.region, "andel_80_pluss_hjemmetjenester")[-1]
    assert f"tabell 12209, {latest.year} (hentet fra data)" in data_row, data_row
    assert f" {format_number(latest.value, 1)} 21,5 ({YEAR + 2}) {format_number(21.5 - latest.value, 1)} " in data_row
    money_row = _text(table.get_by_role("row").filter(has_text=G_MONEY))
    assert "mill. kr per år" in money_row and "8,5" in money_row
    _axe(page, "the goals page")

    # ---------------------------------------------------------------- Q1: an activity done, with the keyboard
    page.get_by_role("link", name="Tidslinje og aktiviteter").click()
    page.wait_for_url(f"**/arshjul/{YEAR}/")
    assert "3 mål er registrert." in page.content()
    page.get_by_role("link", name=re.compile("^Oppdater status for «Samle relevante data på overordnet")).click()
    page.wait_for_url("**/aktivitet/*/")
    _axe(page, "the activity form")
    _field(page, "Status").select_option(label="Ferdig")
    _field(page, "Notat").fill("Data samlet fra KOSTRA og egne fagsystemer.")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.tagName + ':' + document.activeElement.textContent") \
        == "BUTTON:Lagre"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/arshjul/{YEAR}/#kvartal-1")
    _said(page, "er oppdatert")
    assert "1 av 5 ferdig (20 %)" in _text(page.locator("ol.timeline > li").first)
    done = page.locator("#kvartal-1 li.activity").filter(has_text="Samle relevante data på overordnet")
    assert "Status Ferdig" in _text(done) and "Data samlet fra KOSTRA" in _text(done)

    # ---------------------------------------------------------------- Q1: two deep dives
    page.get_by_role("link", name="Velg et dypdykk").click()
    page.wait_for_url("**/dypdykk/nytt/")
    _axe(page, "the deep dive form")
    page.get_by_role("button", name="Lagre dypdykket").click()  # nothing filled in: errors, nothing saved
    summary = page.get_by_role("alert").filter(has_text="Skjemaet har feil")
    expect(summary).to_be_visible()
    basis = page.get_by_role("group", name=re.compile("^Hvorfor dette området"))
    assert basis.get_by_role("radio").count() == 3  # the three reasons, no «---------» option
    first = basis.get_by_role("radio").first
    link = summary.get_by_role("link", name=re.compile("^Hvorfor dette området"))
    assert link.get_attribute("href") == "#" + first.get_attribute("id")  # leads to the group, not to «#»
    error_id = first.get_attribute("aria-describedby")
    assert "Feil:" in page.locator(f"#{error_id}").inner_text()
    _axe(page, "the deep dive form with errors")
    _field(page, "Dypdykk").fill(DD_HELSE)
    _field(page, "Tjeneste i handlingsromanalysen").select_option("helse_omsorg")
    basis.get_by_label("Begge deler").check()
    _field(page, "Begrunnelse").fill("Flere eldre over 80 år, og andelen med hjemmetjenester har falt.")
    page.get_by_role("button", name="Lagre dypdykket").click()
    page.wait_for_url("**/dypdykk/*/")
    _said(page, f"Dypdykket «{DD_HELSE}» er valgt.")
    potential = _text(page.get_by_role("region", name="Beregnet gevinstpotensial"))
    assert re.search(r"\d kr per år", potential) and "Handlingsrom" in potential, potential
    evidence = page.get_by_role("table", name="Tallene som støtter valget")
    assert "Beregnet gevinstpotensial" in _text(evidence)
    _axe(page, "the deep dive page")

    page.get_by_role("link", name=f"Budsjett {YEAR}").click()
    page.get_by_role("link", name="Velg et dypdykk").click()
    _field(page, "Dypdykk").fill(DD_SKOLE)
    page.get_by_label("Området må endres").check()
    _field(page, "Begrunnelse").fill("Minimumskravet om intensiv opplæring er ikke oppfylt for alle elever.")
    _field(page, "Beregnet gevinstpotensial (kr per år)").fill("1 500 000")
    _field(page, "Grunnlag for potensialet").fill("Mindre spesialundervisning senere i skoleløpet")
    page.get_by_role("button", name="Lagre dypdykket").click()
    page.wait_for_url("**/dypdykk/*/")
    assert "1 500 000 kr per år" in _text(page.get_by_role("region", name="Beregnet gevinstpotensial"))

    page.get_by_role("link", name=f"Budsjett {YEAR}").click()
    page.wait_for_url(f"**/arshjul/{YEAR}/")
    dd_table = page.get_by_role("table", name="Valgte dypdykk")
    assert dd_table.get_by_role("row").count() == 3
    assert "1 500 000" in _text(dd_table.get_by_role("row").filter(has_text=DD_SKOLE))

    # ---------------------------------------------------------------- Q2: analysis, potential, candidates
    dd_table.get_by_role("link", name=DD_HELSE).click()
    page.get_by_role("link", name="Endre dypdykket og analysen").click()
    page.wait_for_url("**/dypdykk/*/endre/")
    _field(page, "Verdikjeden").fill("Fra henvendelse til tildelingskontoret via vedtak til hjemmetjeneste.")
    _field(page, "Sluttbrukerne").fill("Eldre som vil bo hjemme, og pårørende.")
    _field(page, "Uløste behov og problemer").fill("Mye kjøring og lang ventetid.")
    page.get_by_role("button", name="Lagre dypdykket").click()
    page.wait_for_url("**/dypdykk/*/")
    page.get_by_role("button", name="Hent potensialet fra handlingsromanalysen").click()
    page.wait_for_url("**/dypdykk/*/")
    _said(page, "Potensialet er hentet fra handlingsromanalysen.")
    assert "Fra henvendelse til tildelingskontoret" in page.content()

    _add_candidate(page, DD_HELSE, C_DIGITAL, benefit="2 500 000", one_off="1 000 000", yearly="500 000", fte="1,5",
                   contributions={G_DATA: "1,5", G_MONEY: "2,5"})
    _axe(page, "the candidate page with business case")
    case = page.get_by_role("table", name="Kostnader og gevinst per år (kr)")
    assert case.get_by_role("row").count() == 1 + 4 + 1  # header, four plan years, sum
    assert str(YEAR) in _text(case) and str(YEAR + 3) in _text(case)
    assert "Bidrag til «Flere eldre over 80 får hjelp hjemme» 1,5 prosent" in _text(page.locator("dl.facts").first)
    page.get_by_role("link", name=DD_HELSE).click()
    page.get_by_role("link", name="Legg til et mulig endringstiltak").click()
    page.wait_for_url("**/kandidat/ny/")
    _axe(page, "the candidate form")
    _add_candidate(page, DD_HELSE, C_RUTER, benefit="1 500 000", one_off="2 500 000", yearly="200 000", fte="0,5",
                   contributions={G_MONEY: "1,3"})

    page.get_by_role("link", name=f"Budsjett {YEAR}").click()
    page.get_by_role("table", name="Valgte dypdykk").get_by_role("link", name=DD_SKOLE).click()
    page.get_by_role("link", name="Endre dypdykket og analysen").click()
    _field(page, "Verdikjeden").fill("Fra kartlegging på 1. trinn til tiltak i klassen og spesialundervisning.")
    _field(page, "Sluttbrukerne").fill("Elever på 1.–4. trinn og foreldrene deres.")
    _field(page, "Muligheter, også teknologiske").fill("Digitale kartleggingsverktøy.")
    page.get_by_role("button", name="Lagre dypdykket").click()
    page.wait_for_url("**/dypdykk/*/")
    _add_candidate(page, DD_SKOLE, C_LESING, benefit="0", one_off="300 000", yearly="700 000", fte="1",
                   contributions={G_LEGAL: "30"}, must_do="Opplæringslova § 11-5 (intensiv opplæring)")
    assert "må gjennomføres: Opplæringslova § 11-5" in page.content()
    _add_candidate(page, DD_SKOLE, C_TEAM, benefit="1 200 000", one_off="400 000", yearly="300 000", fte="2",
                   contributions={G_MONEY: "0,9"})
    page.get_by_role("link", name=DD_SKOLE).click()
    page.wait_for_url("**/dypdykk/*/")
    cands = page.get_by_role("table", name="Mulige endringstiltak i dypdykket")
    assert cands.get_by_role("row").count() == 3
    assert f"{C_LESING} (må gjennomføres)" in _text(cands)

    # ---------------------------------------------------------------- Q3: limits, prioritisation, adoption
    page.get_by_role("link", name="Prioritering", exact=True).click()
    page.wait_for_url(f"**/arshjul/{YEAR}/prioritering/")
    page.get_by_role("link", name="Endre rammene og målet for prioriteringen").click()
    page.wait_for_url("**/innstillinger/")
    _axe(page, "the settings page")
    _field(page, "Ramme for engangskostnader (kr)").fill("3 000 000")
    _field(page, "Ramme for årsverk").fill("5")
    page.get_by_label("Størst netto nåverdi (gevinst minus kostnad) i planperioden").check()
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(f"**/arshjul/{YEAR}/prioritering/")
    _said(page, "Innstillingene er lagret.")
    assert "høyst 3 000 000 kr" in _text(page.locator("dl.facts"))

    result = page.get_by_role("table", name="Kandidatene, med eller ikke, og hvorfor")
    rows = {name: _text(result.get_by_role("row").filter(has_text=name)) for name in
            (C_DIGITAL, C_RUTER, C_LESING, C_TEAM)}
    for name in (C_DIGITAL, C_TEAM):
        assert " Med " in rows[name] and "Valgt: uten dette tiltaket ville den beste porteføljen gitt" in rows[name]
    assert " Med " in rows[C_LESING] and "Tatt med fordi det må gjennomføres: Opplæringslova § 11-5" in rows[C_LESING]
    assert "Ikke med" in rows[C_RUTER]
    assert "Ikke valgt: får ikke plass sammen med de valgte tiltakene" in rows[C_RUTER]
    assert "rammen for engangskostnader" in rows[C_RUTER]
    assert "3 tiltak er med" in page.content()
    _axe(page, "the prioritisation page")

    page.get_by_role("button", name="Lagre prioriteringen").click()
    page.wait_for_url(f"**/arshjul/{YEAR}/prioritering/")
    _said(page, "Prioriteringen er lagret: 3 tiltak er prioritert.")
    result = page.get_by_role("table", name="Kandidatene, med eller ikke, og hvorfor")
    assert _stored(result, C_RUTER) == "Ikke valgt" and _stored(result, C_DIGITAL) == "Prioritert"
    page.get_by_role("button", name="Vedta de prioriterte tiltakene").click()
    page.wait_for_url(f"**/arshjul/{YEAR}/prioritering/")
    _said(page, "3 tiltak er vedtatt og flyttet til planleggingsfasen")
    result = page.get_by_role("table", name="Kandidatene, med eller ikke, og hvorfor")
    assert _stored(result, C_DIGITAL) == "Vedtatt" and _stored(result, C_RUTER) == "Ikke valgt"
    cycle = CycleYear.objects.get(organisation=org, budget_year=YEAR)
    assert cycle.adopted_at is not None and not cycle.is_example

    # ---------------------------------------------------------------- Q4: the four A3 sheets
    page.get_by_role("link", name="Tidslinje og aktiviteter").click()
    page.wait_for_url(f"**/arshjul/{YEAR}/")
    assert "Prioriteringen ble vedtatt" in _text(page.locator("#kvartal-4"))
    a3 = page.get_by_role("region", name="A3-ark fra dataene")
    items = a3.get_by_role("listitem")
    assert items.count() == 1 + 3 * 2  # helhet, and dypdykk/tiltak/område for both deep dives
    _check_a3(page, tmp_path, "helhet", items.filter(has_text=re.compile("^Organisasjonen som helhet")),
              [DD_HELSE, DD_SKOLE, G_LEGAL, G_MONEY])
    _check_a3(page, tmp_path, "dypdykk", items.filter(has_text=re.compile("^" + re.escape(f"Dypdykk «{DD_HELSE}»"))),
              [DD_HELSE, C_DIGITAL, C_RUTER, "Fra henvendelse til tildelingskontoret"])
    _check_a3(page, tmp_path, "tiltak", items.filter(has_text=re.compile("^" + re.escape(f"Prioritert dypdykk «{DD_SKOLE}»"))),
              [DD_SKOLE, C_LESING, C_TEAM])
    _check_a3(page, tmp_path, "omrade", items.filter(has_text=re.compile("^" + re.escape(f"Delområde «{DD_HELSE}»"))),
              [DD_HELSE, C_DIGITAL])
    assert page.url.endswith(f"/arshjul/{YEAR}/")  # downloads do not navigate away
    _axe(page, "the year page after adoption")

    assert not page.csp_messages, page.csp_messages
