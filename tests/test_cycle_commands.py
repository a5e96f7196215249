"""The cycle's commands: ``a3`` (PowerPoint and PDF A3 sheets from the demo year, read back with
python-pptx and poppler) and ``reminders`` (Norwegian dates, e-mail to the responsible or the editors)."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction

from gevinst.core.formatting import format_number
from gevinst.cycle import service
from gevinst.cycle.a3 import kind_labels
from gevinst.cycle.models import ActivityStatus, CycleYear, Decision
from gevinst.plans import testing

KINDS = ("helhet", "dypdykk", "tiltak", "omrade")
NBSP = "\u00a0"
PDFTOPPM = "/usr/bin/pdftoppm"
PDFTOTEXT = "/usr/bin/pdftotext"

# Every test here reads the database, the A3 ones through the module-scoped ``rendered``: declared,
# so a test run alone gets a test database and runs before the transactional tests empty it.
pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ A3: rendered once for the module
@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo year, and every kind of A3 written by ``call_command("a3", …)`` in both formats.

    Built once for the module inside a transaction that is rolled back after it; each test runs in
    its own savepoint on top (the module's ``django_db`` mark)."""
    from gevinst.accounts.demo import ensure_demo
    from gevinst.cycle.demo import ensure_demo_cycle

    out = tmp_path_factory.mktemp("a3")
    with django_db_blocker.unblock(), transaction.atomic():
        org, _user, _pw = ensure_demo()
        cycle = ensure_demo_cycle(org)
        dd = cycle.deep_dives.filter(prioritised=True, candidates__isnull=False).distinct().first()
        cands = [c for c in service.live_candidates(cycle) if c.deep_dive_id == dd.pk]
        files, stdout = {}, {}
        for kind in KINDS:
            for fmt in ("pptx", "pdf"):
                path = out / f"{kind}.{fmt}"
                args = [org.slug, "--kind", kind, "--out", str(path), "--year", str(cycle.budget_year)]
                if kind != "helhet":
                    args += ["--id", str(dd.pk)]
                buf = io.StringIO()
                call_command("a3", *args, stdout=buf)
                files[kind, fmt], stdout[kind, fmt] = path, buf.getvalue()
        info = {
            "cycle": cycle.pk,
            "org": org.name, "slug": org.slug, "year": cycle.budget_year, "dd_id": dd.pk, "dd_name": dd.name,
            "dd_potential": dd.potential_nok, "deep_dives": [d.name for d in cycle.deep_dives.all()],
            "goals": [g.name for g in cycle.goals.all()],
            "candidates": [(c.initiative.name, c.initiative.one_off_cost) for c in cands],
            "chosen": [(c.initiative.name, service.business_case_for(c, cycle).npv) for c in cands
                       if c.decision in (Decision.PRIORITERT, Decision.VEDTATT)],
            "adopted": [c.initiative.name for c in cands if c.decision == Decision.VEDTATT],
            "files": files, "stdout": stdout,
        }
        yield info
        transaction.set_rollback(True)


def slide_texts(path: Path) -> tuple[list[str], list, list]:
    """All text of the presentation (text frames and native table cells, whitespace collapsed),
    the native charts and the tables."""
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    texts, charts, tables = [], [], []

    def walk(shapes):
        for shape in shapes:
            if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
                walk(shape.shapes)
                continue
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                tables.append(shape.table)
                texts.extend(cell.text for row in shape.table.rows for cell in row.cells)
            if getattr(shape, "has_chart", False) and shape.has_chart:
                charts.append(shape.chart)

    prs = Presentation(str(path))
    for slide in prs.slides:
        walk(slide.shapes)
    return [re.sub(r"[ \t\n\r\v]+", " ", t).strip() for t in texts], charts, tables


def contains(texts: list[str], needle: str) -> bool:
    return needle in " ".join(texts)


@pytest.mark.parametrize("kind", KINDS)
def test_a3_pptx_is_a3_landscape_with_native_text_tables_and_charts(rendered, kind):
    from pptx import Presentation
    from pptx.util import Mm

    path = rendered["files"][kind, "pptx"]
    assert f"Skrev {path}" in rendered["stdout"][kind, "pptx"]
    prs = Presentation(str(path))
    assert (prs.slide_width, prs.slide_height) == (Mm(420), Mm(297))
    texts, charts, tables = slide_texts(path)
    assert contains(texts, kind_labels()[kind]) and contains(texts, rendered["org"])
    assert contains(texts, f"budsjettår {rendered['year']}")
    assert contains(texts, "Eksempel")  # the demo is marked as an example
    assert tables, "tables should be native PowerPoint tables"
    assert charts, "charts should be native PowerPoint charts"
    for chart in charts:
        assert chart.plots and len(chart.plots[0].categories) >= 1
        assert all(len(list(s.values)) == len(chart.plots[0].categories) for s in chart.plots[0].series)


def test_a3_helhet_content(rendered):
    texts, _charts, _tables = slide_texts(rendered["files"]["helhet", "pptx"])
    for name in rendered["deep_dives"] + rendered["goals"]:
        assert contains(texts, name), name
    potential = format_number(rendered["dd_potential"])
    assert NBSP in potential and contains(texts, potential)
    assert contains(texts, "Statistisk sentralbyrå")


def test_a3_dypdykk_content(rendered):
    texts, charts, _tables = slide_texts(rendered["files"]["dypdykk", "pptx"])
    assert contains(texts, rendered["dd_name"])
    assert rendered["candidates"]
    for name, one_off in rendered["candidates"]:
        assert contains(texts, name), name
        assert contains(texts, format_number(one_off)), one_off
    assert contains(texts, f"1{NBSP}200{NBSP}000")  # the example's one-off cost, in Norwegian format
    categories = {str(c) for chart in charts for c in chart.plots[0].categories}
    assert {name for name, _ in rendered["candidates"]} <= categories


def test_a3_tiltak_content(rendered):
    texts, _charts, _tables = slide_texts(rendered["files"]["tiltak", "pptx"])
    assert contains(texts, rendered["dd_name"])
    assert rendered["chosen"], "the demo should have a prioritised initiative in the deep dive"
    for name, npv in rendered["chosen"]:  # name and net present value, in Norwegian format
        assert contains(texts, name) and contains(texts, format_number(npv)), name


def test_a3_omrade_content(rendered):
    texts, charts, _tables = slide_texts(rendered["files"]["omrade", "pptx"])
    assert contains(texts, rendered["dd_name"])
    assert rendered["adopted"]
    for name in rendered["adopted"]:
        assert contains(texts, name), name
    years = [str(rendered["year"] + i) for i in range(4)]
    assert any([str(c) for c in chart.plots[0].categories] == years for chart in charts)


@pytest.mark.parametrize("kind", KINDS)
def test_a3_pdf_renders_as_a3_landscape(rendered, kind, tmp_path):
    from PIL import Image

    path = rendered["files"][kind, "pdf"]
    assert path.read_bytes().startswith(b"%PDF")
    subprocess.run([PDFTOPPM, "-r", "30", "-png", str(path), str(tmp_path / "page")], check=True, timeout=60)
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages
    for png in pages:
        with Image.open(png) as im:
            w, h = im.size
        assert w > h, png
        assert abs((w / h) / math.sqrt(2) - 1) <= 0.02, (w, h)
    text = subprocess.run([PDFTOTEXT, str(path), "-"], check=True, capture_output=True, text=True,
                          timeout=60).stdout
    text = re.sub(r"\s+", " ", text)
    assert kind_labels()[kind] in text and rendered["org"] in text


# ------------------------------------------------------------------ A3: bad input
@pytest.fixture
def demo_year(rendered, db) -> CycleYear:
    return CycleYear.objects.select_related("organisation").get(pk=rendered["cycle"])


def test_a3_bad_input_gives_norwegian_errors_and_writes_nothing(demo_year, tmp_path):
    slug = demo_year.organisation.slug
    other = testing.org(slug="oslo", region="0301", name="Oslo kommune")
    other_dd = service.create_cycle(other, demo_year.budget_year).deep_dives.create(
        name="Oslos dypdykk", basis="potensial", justification="Bare for Oslo.")
    testing.org(slug="tom", region="0301", name="Kommune uten årshjul")
    cases = [
        (["finnes-ikke", "--kind", "helhet"], "x.pptx", "Organisasjonen «finnes-ikke» finnes ikke."),
        ([slug, "--kind", "budsjett"], "x.pptx", "Ukjent A3-type «budsjett»"),
        ([slug, "--kind", "helhet"], "x.docx", "Filen må slutte på .pptx eller .pdf"),
        ([slug, "--kind", "dypdykk"], "x.pdf", "Velg hvilket dypdykk A3-en gjelder (--id)."),
        ([slug, "--kind", "dypdykk", "--id", "987654"], "x.pptx", "Fant ikke dypdykk 987654"),
        ([slug, "--kind", "tiltak", "--id", str(other_dd.pk)], "x.pdf", f"Fant ikke dypdykk {other_dd.pk}"),
        ([slug, "--kind", "helhet", "--year", "2001"], "x.pdf", "har ikke noe årshjul for budsjett 2001"),
        (["tom", "--kind", "helhet"], "x.pdf", "Kommune uten årshjul har ikke noe årshjul"),
        ([slug, "--kind", "helhet"], "mangler/x.pdf", "Mappen «"),
    ]
    for args, name, message in cases:
        out = tmp_path / name
        with pytest.raises(CommandError) as exc:
            call_command("a3", *args, "--out", str(out))
        assert message in str(exc.value), (args, str(exc.value))
        assert not out.exists(), args
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ reminders
@pytest.fixture
def reminder_setup(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # four users, quickly
    org = testing.org()
    editor = testing.user("redaktor", org, "redaktor")
    editor.email = "redaktor@lorenskog.example"
    editor.save()
    admin = testing.user("admin", org, "administrator")  # an editor without an address: skipped
    reader = testing.user("leser", org, "leser")
    reader.email = "leser@lorenskog.example"
    reader.save()
    owner = testing.user("eier", org, "gevinsteier")
    owner.email = "eier@lorenskog.example"
    owner.save()
    cycle = service.create_cycle(org, 2027)
    cycle.activities.filter(quarter=1).exclude(key="q1-arsberetning").update(status=ActivityStatus.FERDIG)
    cycle.activities.filter(key="q2-analyse").update(responsible=owner)
    cycle.activities.filter(key="q2-data").update(status=ActivityStatus.IKKE_AKTUELT)
    return {"org": org, "cycle": cycle, "editor": editor, "admin": admin, "reader": reader, "owner": owner}


TODAY = dt.date(2026, 6, 10)


def expected_lines(cycle, today=TODAY, days=14) -> dict[str, str]:
    """Activity key → the state text the reminder should print, computed from the stored deadlines."""
    out = {}
    for a in cycle.activities.all():
        left = (a.deadline - today).days
        if not a.is_open or left > days:
            continue
        unit = "dag" if abs(left) == 1 else "dager"
        state = (f"forfalt for {-left} {unit} siden" if left < 0 else "frist i dag" if left == 0
                 else f"om {left} {unit}")
        out[a.key] = f"{a.quarter}. kvartal: {a.title} – frist {a.deadline:%d.%m.%Y} ({state})"
    return out


def test_reminders_lists_overdue_and_due_activities_with_norwegian_dates(reminder_setup):
    s = reminder_setup
    buf = io.StringIO()
    call_command("reminders", s["org"].slug, "--today", TODAY.isoformat(), stdout=buf)
    output = buf.getvalue()
    expected = expected_lines(s["cycle"])
    assert {"q1-arsberetning", "q2-analyse", "q2-workshop", "q2-potensial"} <= set(expected)
    assert "q2-budsjettskriv" not in expected and "q2-data" not in expected
    assert f"{s['org'].name} ({s['org'].slug})" in output
    for key, line in expected.items():
        assert f"Budsjett 2027, {line}" in output, key
    assert "frist 31.03.2026 (forfalt for 71 dager siden)" in output  # årsberetning, by law 31 March
    assert "frist i dag" in output and "(om 10 dager)" in output
    for a in s["cycle"].activities.exclude(key__in=expected):
        assert a.title not in output, a.key
    assert len([ln for ln in output.splitlines() if ln.startswith("  Budsjett")]) == len(expected)
    assert not mail.outbox


def test_reminders_email_goes_to_the_responsible_else_to_the_editors(reminder_setup):
    s = reminder_setup
    buf = io.StringIO()
    call_command("reminders", s["org"].slug, "--today", TODAY.isoformat(), "--email", stdout=buf)
    assert "Sendte 2 e-poster." in buf.getvalue()
    by_to = {tuple(m.to): m for m in mail.outbox}
    assert set(by_to) == {(s["owner"].email,), (s["editor"].email,)}  # not the reader
    expected = expected_lines(s["cycle"])
    to_owner, to_editor = by_to[(s["owner"].email,)], by_to[(s["editor"].email,)]
    assert expected["q2-analyse"] in to_owner.body
    assert to_owner.body.count("Budsjett 2027") == 1
    for key, line in expected.items():
        if key != "q2-analyse":
            assert line in to_editor.body, key
    assert expected["q2-analyse"] not in to_editor.body
    assert s["org"].name in to_owner.subject and "Årshjulet" in to_owner.subject


def test_reminders_with_nothing_due(reminder_setup):
    buf = io.StringIO()
    call_command("reminders", reminder_setup["org"].slug, "--today", "2025-06-01", "--days", "7", stdout=buf)
    assert "Ingen aktiviteter har frist de neste 7 dagene, og ingen er forfalt." in buf.getvalue()


def test_reminders_bad_input(reminder_setup):
    slug = reminder_setup["org"].slug
    with pytest.raises(CommandError) as exc:
        call_command("reminders", slug, "--today", "2026-13-01")
    assert "Ugyldig dato «2026-13-01». Bruk ÅÅÅÅ-MM-DD." in str(exc.value)
    with pytest.raises(CommandError) as exc:
        call_command("reminders", slug, "--today", "10.06.2026")
    assert "Ugyldig dato" in str(exc.value)
    with pytest.raises(CommandError) as exc:
        call_command("reminders", slug, "--days", "400")
    assert "--days må være mellom 0 og 366." in str(exc.value)
    with pytest.raises(CommandError) as exc:
        call_command("reminders", "finnes-ikke")
    assert "Organisasjonen «finnes-ikke» finnes ikke." in str(exc.value)
    assert not mail.outbox


def test_daily_job_sends_seven_days_ahead_on_the_day_and_overdue_on_mondays(reminder_setup):
    from gevinst.web.tasks import send_reminders

    s = reminder_setup
    potensial = s["cycle"].activities.get(key="q2-potensial")  # open, no responsible: to the editors
    week_before = potensial.deadline - dt.timedelta(days=7)
    assert week_before.weekday() != 0  # not a Monday, so no overdue ones ride along
    mail.outbox.clear()
    send_reminders(week_before)
    due = {a.title for a in s["cycle"].activities.all()
           if a.is_open and (a.deadline - week_before).days in (7, 0)}
    assert potensial.title in due
    bodies = "\n".join(m.body for m in mail.outbox)
    assert all(t in bodies for t in due)
    assert "forfalt" not in bodies  # overdue activities wait for Monday

    monday = week_before + dt.timedelta(days=(7 - week_before.weekday()) % 7)
    mail.outbox.clear()
    send_reminders(monday)
    overdue = [a for a in s["cycle"].activities.all() if a.is_open and a.deadline < monday]
    assert overdue and "forfalt" in "\n".join(m.body for m in mail.outbox)
    assert all(a.title in "\n".join(m.body for m in mail.outbox) for a in overdue)


def test_reminder_line_says_one_day_in_the_singular(reminder_setup):
    a = reminder_setup["cycle"].activities.get(key="q2-potensial")
    assert service.reminder_line(service.Reminder(a, 1)).endswith("(om 1 dag)")
    assert service.reminder_line(service.Reminder(a, -1)).endswith("(forfalt for 1 dag siden)")
    assert service.reminder_line(service.Reminder(a, 2)).endswith("(om 2 dager)")
