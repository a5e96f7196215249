"""Pages of the annual cycle (årshjul) with Django's test client: every page for the demo year,
role rules, the forms with Norwegian errors, candidates into the plan, prioritisation and the A3
downloads, numbers in Norwegian format."""

from __future__ import annotations

import io
import itertools

import pytest
from django.db import transaction
from django.urls import reverse

from gevinst.core.formatting import format_number
from gevinst.cycle import service
from gevinst.cycle.models import (
    Activity,
    Candidate,
    Contribution,
    CycleYear,
    Decision,
    DeepDive,
    Goal,
)
from gevinst.cycle.template import ACTIVITIES
from gevinst.plans import testing
from gevinst.plans.models import AuditEvent, Initiative, Phase

NBSP = "\u00a0"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo organisation with its example year, a reader, and another organisation with a deep dive;
    built once for the module and rolled back after it (each test runs in a savepoint on top)."""
    from gevinst.accounts.demo import ensure_demo
    from gevinst.cycle.demo import ensure_demo_cycle

    with django_db_blocker.unblock(), transaction.atomic():
        org, username, _password = ensure_demo()
        cycle = ensure_demo_cycle(org)
        testing.user("leser", org, "leser")
        other = testing.org(slug="oslo", region="0301", name="Oslo kommune")
        other_cycle = service.create_cycle(other, cycle.budget_year)
        other_dd = DeepDive.objects.create(cycle=other_cycle, name="Oslos hemmelige dypdykk", basis="potensial",
                                           justification="Bare for Oslo kommune.")
        yield {"org": org.pk, "cycle": cycle.pk, "username": username, "other_dd": other_dd.pk}
        transaction.set_rollback(True)


@pytest.fixture
def editor(demo, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=demo["username"]))
    return client


@pytest.fixture
def reader(demo, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="leser"))
    return client


def u(name: str, year: CycleYear, **kw) -> str:
    if name in ("home", "new"):
        return reverse(f"cycle:{name}", kwargs={"slug": year.organisation.slug})
    return reverse(f"cycle:{name}", kwargs={"slug": year.organisation.slug, "year": year.budget_year, **kw})


def objects(year: CycleYear) -> dict:
    goal = year.goals.first()
    dd = year.deep_dives.first()
    cand = service.live_candidates(year).first()
    activity = year.activities.first()
    return {"goal": goal, "dd": dd, "cand": cand, "activity": activity}


def read_pages(year) -> list[str]:
    o = objects(year)
    return [u("home", year), u("year", year), u("goals", year), u("deep_dive", year, pk=o["dd"].pk),
            u("candidate", year, pk=o["cand"].pk), u("prioritisation", year)]


def edit_pages(year) -> list[str]:
    o = objects(year)
    return [u("settings", year), u("activity", year, pk=o["activity"].pk), u("goal_edit", year, pk=o["goal"].pk),
            u("deep_dive_new", year), u("deep_dive_edit", year, pk=o["dd"].pk),
            u("candidate_new", year, pk=o["dd"].pk), u("candidate_edit", year, pk=o["cand"].pk)]


def html(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# ------------------------------------------------------------------ every page
def test_every_page_answers_for_the_editor(editor, year):
    for url in read_pages(year) + edit_pages(year):
        r = editor.get(url)
        assert r.status_code == 200, url
        page = html(r)
        assert 'lang="nb"' in page and "Eksempel" in page, url
        assert "style=" not in page, url  # the strict CSP allows no inline styles


def test_every_read_page_answers_for_a_reader_without_edit_controls(reader, year):
    for url in read_pages(year):
        assert reader.get(url).status_code == 200, url
    assert "Lagre prioriteringen" not in html(reader.get(u("prioritisation", year)))
    assert "Vedta de prioriterte tiltakene" not in html(reader.get(u("prioritisation", year)))
    assert "Lagre målet" not in html(reader.get(u("goals", year)))
    assert "Opprett årshjulet" not in html(reader.get(u("home", year)))


def test_reader_gets_403_on_edit_pages_and_cannot_post(reader, year):
    for url in edit_pages(year):
        assert reader.get(url).status_code == 403, url
    o = objects(year)
    before = (CycleYear.objects.count(), Goal.objects.count(), DeepDive.objects.count(),
              dict(Candidate.objects.values_list("pk", "decision")), year.limit_one_off)
    posts = [
        (u("new", year), {"budget_year": "2035"}),
        (u("goals", year), {"name": "Lesers mål", "current_value": "1", "target_value": "2",
                            "direction": "higher_better", "weight": "1"}),
        (u("prioritisation", year), {"action": "save"}),
        (u("prioritisation", year), {"action": "adopt"}),
        (u("settings", year), {"plan_years": "4", "discount_rate": "4", "limit_one_off": "1",
                               "objective": "benefit"}),
        (u("goal_delete", year, pk=o["goal"].pk), {}),
        (u("deep_dive_delete", year, pk=o["dd"].pk), {}),
        (u("deep_dive_potential", year, pk=o["dd"].pk), {}),
        (u("deep_dive_new", year), {"name": "X", "basis": "potensial", "justification": "En lang nok begrunnelse"}),
        (u("candidate_new", year, pk=o["dd"].pk), {"name": "X", "risk": "lav", "fte": "0"}),
    ]
    for url, data in posts:
        assert reader.post(url, data).status_code == 403, url
    year.refresh_from_db()
    after = (CycleYear.objects.count(), Goal.objects.count(), DeepDive.objects.count(),
             dict(Candidate.objects.values_list("pk", "decision")), year.limit_one_off)
    assert after == before


def test_year_page_shows_the_timeline_deadlines_and_years_unformatted(editor, year):
    page = html(editor.get(u("year", year)))
    assert f"Årshjul for budsjett {year.budget_year}" in page  # a year is not «2 027»
    assert f"Tidslinje {year.work_year} (budsjett {year.budget_year})" in page
    vedtak = year.activities.get(key="q4-vedtak")
    assert vedtak.deadline.strftime("%d.%m.%Y") == f"31.12.{year.work_year}"
    assert f"31.12.{year.work_year}" in page
    for dd in year.deep_dives.all():  # links to the A3 of each deep dive
        assert f"dypdykk.pptx?id={dd.pk}\"" in page


# ------------------------------------------------------------------ numbers in Norwegian format
def test_numbers_on_pages_are_in_norwegian_format(editor, year):
    page = html(editor.get(u("prioritisation", year)))
    limit = format_number(year.limit_one_off)
    assert NBSP in limit and f"høyst {limit} kr" in page
    assert f"høyst {format_number(year.limit_fte, 1)}" in page and "," in format_number(year.limit_fte, 1)
    assert str(int(year.limit_one_off)) not in page
    for c in service.live_candidates(year):
        benefit, _source = service.candidate_benefit(c)
        assert f'<td class="num">{format_number(benefit)}</td>' in page, c

    dd = year.deep_dives.exclude(potential_nok=None).first()
    page = html(editor.get(u("deep_dive", year, pk=dd.pk)))
    assert f"{format_number(dd.potential_nok)} kr per år" in page and NBSP in format_number(dd.potential_nok)

    c = service.live_candidates(year).first()
    page = html(editor.get(u("candidate", year, pk=c.pk)))
    case = service.business_case_for(c, year)
    assert f"<strong>{format_number(case.npv)} kr</strong>" in page
    assert f"{format_number(year.discount_rate, 1)} % kalkulasjonsrente" in page

    page = html(editor.get(u("goals", year)))
    for g in year.goals.exclude(current_value=None):
        assert f'<td class="num">{format_number(g.current_value, 1)}</td>' in page, g


# ------------------------------------------------------------------ a new year
def test_creating_a_year_through_the_form(editor, year):
    new_year = year.budget_year + 2
    r = editor.post(u("new", year), {"budget_year": str(new_year)})
    assert r.status_code == 302
    created = CycleYear.objects.get(organisation=year.organisation, budget_year=new_year)
    assert r["Location"] == u("year", created)
    assert created.activities.count() == len(ACTIVITIES) and not created.is_example
    for url in (r["Location"], u("goals", created), u("prioritisation", created)):  # an empty year renders
        assert editor.get(url).status_code == 200, url
    assert "Ingen kandidater ennå" in html(editor.get(u("prioritisation", created)))
    assert editor.get(u("a3", created, kind="helhet", fmt="pdf")).content.startswith(b"%PDF")

    again = editor.post(u("new", year), {"budget_year": str(new_year)})
    assert again.status_code == 400
    assert f"Årshjulet for budsjettåret {new_year} finnes allerede" in html(again)
    bad = editor.post(u("new", year), {"budget_year": "1850"})
    assert bad.status_code == 400 and "Skjemaet har feil" in html(bad)
    assert CycleYear.objects.filter(organisation=year.organisation).count() == 2


# ------------------------------------------------------------------ goals
def test_half_filled_goal_answers_400_in_norwegian_and_stores_nothing(editor, year):
    n = Goal.objects.count()
    r = editor.post(u("goals", year), {"name": "Færre fall", "direction": "higher_better", "current_value": "12",
                                       "weight": "1"})
    assert r.status_code == 400
    page = html(r)
    assert "Skjemaet har feil – ingenting er lagret" in page
    assert "Et mål trenger en målverdi for at gapet kan regnes ut." in page
    legal = editor.post(u("goals", year), {"name": "Norm", "direction": "higher_better", "current_value": "1",
                                           "target_value": "2", "weight": "1", "legal_minimum": "on"})
    assert legal.status_code == 400 and "Oppgi hjemmelen for minimumskravet" in html(legal)
    assert Goal.objects.count() == n


def test_goal_with_norwegian_decimals_is_stored(editor, year):
    r = editor.post(u("goals", year), {"name": "Kortere ventetid", "direction": "lower_better",
                                       "current_value": "12,5", "target_value": "8,25", "weight": "1",
                                       "unit": "dager"})
    assert r.status_code == 302
    g = Goal.objects.get(cycle=year, name="Kortere ventetid")
    assert (g.current_value, g.target_value, g.gap) == (12.5, 8.25, 4.25)


# ------------------------------------------------------------------ deep dives
def test_deep_dive_form_requires_a_justification(editor, year):
    n = DeepDive.objects.count()
    empty = editor.post(u("deep_dive_new", year), {"name": "Skole", "basis": "potensial", "justification": ""})
    assert empty.status_code == 400 and "Skjemaet har feil" in html(empty)
    assert empty.context["form"].errors["justification"]
    short = editor.post(u("deep_dive_new", year), {"name": "Skole", "basis": "potensial", "justification": "kort"})
    assert short.status_code == 400
    assert "Skriv hvorfor dette området er valgt" in html(short)
    assert DeepDive.objects.count() == n


def test_deep_dive_with_a_service_gets_its_potential(editor, year):
    from gevinst.economy.potential import compute_potential

    r = editor.post(u("deep_dive_new", year), {
        "name": "Helse, på nytt", "service": "helse_omsorg", "basis": "begge",
        "justification": "Mange flere eldre de neste ti årene."})
    assert r.status_code == 302
    dd = DeepDive.objects.get(cycle=year, name="Helse, på nytt")
    assert r["Location"] == u("deep_dive", year, pk=dd.pk)
    row = next(x for x in compute_potential(year.organisation.region, service.potential_year(), "country").rows
               if x.key == "helse_omsorg")
    assert dd.potential_nok == max(round(row.potential), 0)
    assert "Statistisk sentralbyrå" in dd.potential_source


# ------------------------------------------------------------------ candidates
def test_candidate_creation_makes_an_idea_in_the_plan_with_contributions(editor, year):
    dd = year.deep_dives.first()
    goal = year.goals.filter(legal_minimum=False).first()
    other_goal = year.goals.exclude(pk=goal.pk).first()
    r = editor.post(u("candidate_new", year, pk=dd.pk), {
        "name": "Kjørelister med ruteoptimering", "description": "Kortere ruter i hjemmetjenesten.",
        "owner": "Kommunalsjef helse", "one_off_cost": "1 200 000", "yearly_cost": "150000",
        "risk": "lav", "yearly_benefit": "900 000", "benefit_source": "Anslag", "fte": "1,5",
        f"goal_{goal.pk}": "2,5", f"goal_{other_goal.pk}": ""})
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    ini = Initiative.objects.get(organisation=year.organisation, name="Kjørelister med ruteoptimering")
    assert ini.phase == Phase.IDE and ini.area == dd.name and ini.owner == "Kommunalsjef helse"
    assert float(ini.one_off_cost) == 1_200_000 and float(ini.yearly_cost) == 150_000 and ini.risk == "lav"
    c = Candidate.objects.get(cycle=year, initiative=ini)
    assert r["Location"] == u("candidate", year, pk=c.pk)
    assert c.deep_dive_id == dd.pk and c.fte == 1.5 and float(c.yearly_benefit) == 900_000
    assert c.decision == Decision.KANDIDAT
    assert dict(Contribution.objects.filter(candidate=c).values_list("goal_id", "amount")) == {goal.pk: 2.5}
    assert AuditEvent.objects.filter(model="initiative", object_id=ini.pk, action="create").exists()
    page = html(editor.get(r["Location"]))
    assert f"{format_number(1_200_000)} kr" in page and "Kjørelister med ruteoptimering" in page


def test_candidate_must_do_needs_a_reason(editor, year):
    dd = year.deep_dives.first()
    n = Initiative.objects.count()
    r = editor.post(u("candidate_new", year, pk=dd.pk), {"name": "Lovpålagt", "risk": "lav", "fte": "0",
                                                        "must_do": "on"})
    assert r.status_code == 400 and "Skriv hvilket minimumskrav tiltaket oppfyller." in html(r)
    assert Initiative.objects.count() == n


# ------------------------------------------------------------------ prioritisation
def test_prioritisation_page_save_and_adopt(editor, open_year):
    open_year.limit_one_off = open_year.limit_yearly_cost = open_year.limit_fte = None
    open_year.save()
    expected = service.prioritise(open_year)
    ideas = [c for c in service.live_candidates(open_year)
             if str(c.pk) in expected.result.chosen and c.initiative.phase == Phase.IDE]
    assert ideas, "precondition: without limits an idea is prioritised"

    r = editor.post(u("prioritisation", open_year), {"action": "save"}, follow=True)
    assert r.status_code == 200
    assert f"Prioriteringen er lagret: {len(expected.result.chosen)} tiltak er prioritert." in messages_of(r)
    stored = dict(Candidate.objects.filter(cycle=open_year).values_list("pk", "decision"))
    assert stored == {int(k): Decision.PRIORITERT if k in expected.result.chosen else Decision.IKKE_VALGT
                      for k in expected.candidates}
    assert "Vedta de prioriterte tiltakene" in html(r)

    r = editor.post(u("prioritisation", open_year), {"action": "adopt"}, follow=True)
    assert any("tiltak er vedtatt" in m for m in messages_of(r))
    for c in ideas:
        assert Initiative.objects.get(pk=c.initiative_id).phase == Phase.PLANLEGGING
    assert set(Candidate.objects.filter(cycle=open_year, decision=Decision.VEDTATT).values_list("pk", flat=True)) == {
        int(k) for k in expected.result.chosen}

    r = editor.post(u("prioritisation", open_year), {"action": "noe annet"}, follow=True)
    assert "Ukjent handling." in messages_of(r)


def test_prioritisation_page_infeasible(editor, open_year):
    before = dict(Candidate.objects.filter(cycle=open_year).values_list("pk", "decision"))
    open_year.limit_fte = 0.1
    open_year.save()
    page = html(editor.get(u("prioritisation", open_year)))
    assert "Ingen portefølje passer innenfor rammene" in page and "rammen for årsverk" in page
    r = editor.post(u("prioritisation", open_year), {"action": "save"}, follow=True)
    assert any(m.startswith("Tiltakene som må gjennomføres") for m in messages_of(r))
    assert dict(Candidate.objects.filter(cycle=open_year).values_list("pk", "decision")) == before


def test_prioritisation_page_with_invalid_numbers_says_why_and_saves_nothing(editor, open_year):
    c = service.live_candidates(open_year).first()
    Initiative.objects.filter(pk=c.initiative_id).update(one_off_cost=-1000)  # the plan allows it
    before = dict(Candidate.objects.filter(cycle=open_year).values_list("pk", "decision"))
    r = editor.get(u("prioritisation", open_year))
    assert r.status_code == 200 and "har negativ engangskostnad" in html(r)
    r = editor.post(u("prioritisation", open_year), {"action": "save"}, follow=True)
    assert any("har negativ engangskostnad" in m for m in messages_of(r))
    assert dict(Candidate.objects.filter(cycle=open_year).values_list("pk", "decision")) == before


def test_settings_form_with_norwegian_numbers(editor, year):
    r = editor.post(u("settings", year), {"plan_years": "5", "discount_rate": "3,5", "limit_one_off": "9 500 000",
                                          "limit_yearly_cost": "", "limit_fte": "6,5", "objective": "gap"})
    assert r.status_code == 302
    year.refresh_from_db()
    assert (year.plan_years, year.discount_rate, year.limit_one_off, year.limit_yearly_cost, year.limit_fte,
            year.objective) == (5, 3.5, 9_500_000, None, 6.5, "gap")


# ------------------------------------------------------------------ A3 downloads
def test_a3_downloads_in_both_formats(editor, year):
    from pptx import Presentation
    from pptx.util import Mm

    dd = year.deep_dives.filter(prioritised=True).first()
    slug = year.organisation.slug
    for kind, fmt in itertools.product(("helhet", "dypdykk", "tiltak", "omrade"), ("pptx", "pdf")):
        query = "" if kind == "helhet" else f"?id={dd.pk}"
        r = editor.get(u("a3", year, kind=kind, fmt=fmt) + query)
        assert r.status_code == 200, (kind, fmt)
        stem = f"a3-{kind}{'' if kind == 'helhet' else f'-{dd.pk}'}-{slug}-{year.budget_year}"
        assert r["Content-Disposition"] == f'attachment; filename="{stem}.{fmt}"'
        if fmt == "pptx":
            assert r["Content-Type"] == PPTX
            prs = Presentation(io.BytesIO(r.content))
            assert (prs.slide_width, prs.slide_height) == (Mm(420), Mm(297))
            assert len(prs.slides) >= 1
        else:
            assert r["Content-Type"] == "application/pdf"
            assert r.content.startswith(b"%PDF") and b"%%EOF" in r.content[-1024:]


def test_a3_bad_requests(editor, year, demo):
    dd = year.deep_dives.first()
    assert editor.get(u("a3", year, kind="budsjett", fmt="pptx")).status_code == 404
    assert editor.get(u("a3", year, kind="helhet", fmt="docx")).status_code == 404
    assert editor.get(u("a3", year, kind="dypdykk", fmt="pdf") + f"?id={demo['other_dd']}").status_code == 404
    assert editor.get(u("a3", year, kind="tiltak", fmt="pptx") + f"?id={demo['other_dd']}").status_code == 404
    assert editor.get(u("deep_dive", year, pk=demo["other_dd"])).status_code == 404
    for bad in ('1"2', "abc", "\u00b2", "-1", f"{dd.pk}x", "9" * 30):
        r = editor.get(u("a3", year, kind="tiltak", fmt="pptx"), {"id": bad})
        assert r.status_code == 404, bad
    r = editor.get(u("a3", year, kind="dypdykk", fmt="pptx"), follow=True)  # a deep dive must be chosen
    assert r.redirect_chain[0][0] == u("year", year)
    assert any("Velg hvilket dypdykk" in m for m in messages_of(r))


def test_a3_of_another_year_or_organisation_is_404(editor, year):
    assert editor.get(reverse("cycle:a3", kwargs={"slug": year.organisation.slug, "year": 1999, "kind": "helhet",
                                                  "fmt": "pdf"})).status_code == 404
    assert editor.get(reverse("cycle:a3", kwargs={"slug": "oslo", "year": year.budget_year, "kind": "helhet",
                                                  "fmt": "pdf"})).status_code == 404


def test_activity_status_update_sets_and_clears_the_completion_date(editor, year):
    a = year.activities.filter(status="ikke_startet").first() or year.activities.first()
    r = editor.post(u("activity", year, pk=a.pk), {"status": "ferdig", "deadline": a.deadline.strftime("%d.%m.%Y"),
                                                   "responsible": "", "note": "Gjort"})
    assert r.status_code == 302 and r["Location"].endswith(f"#kvartal-{a.quarter}")
    a = Activity.objects.get(pk=a.pk)
    assert a.status == "ferdig" and a.completed_on is not None and a.note == "Gjort"
    editor.post(u("activity", year, pk=a.pk), {"status": "pagar", "deadline": a.deadline.strftime("%d.%m.%Y"),
                                               "responsible": "", "note": ""})
    a = Activity.objects.get(pk=a.pk)
    assert a.status == "pagar" and a.completed_on is None


def test_delete_asks_first_and_deletes_only_on_post(editor, year):
    goal, dd = year.goals.first(), year.deep_dives.first()
    for url, name in ((u("goal_delete", year, pk=goal.pk), goal.name), (u("deep_dive_delete", year, pk=dd.pk), dd.name)):
        r = editor.get(url)
        assert r.status_code == 200 and f"Slette «{name}»?" in html(r) and "Det kan ikke angres." in html(r)
    assert year.goals.filter(pk=goal.pk).exists() and year.deep_dives.filter(pk=dd.pk).exists()
    editor.post(u("goal_delete", year, pk=goal.pk))
    editor.post(u("deep_dive_delete", year, pk=dd.pk))
    assert not year.goals.filter(pk=goal.pk).exists() and not year.deep_dives.filter(pk=dd.pk).exists()
    assert Candidate.objects.filter(cycle=year).exists()  # the candidates stay, without their deep dive
