"""Plan export/import: lossless JSON round trip, xlsx register, formula injection, CLI."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command

from gevinst.plans import io, testing
from gevinst.plans.models import MapEdge, MapNode

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_plan(db):
    org = testing.org()
    owner = testing.user("eier", org, "gevinsteier")
    ini = testing.initiative(org, owner, one_off_cost=1_500_000, yearly_cost=250_000, description="=HYPERLINK(\"x\")")
    ini.decision_points.create(code="BP3", date=dt.date(2024, 6, 1), decision="Vedtatt i budsjettet")
    b1 = testing.benefit(ini, owner, owner=owner, expected_yearly_nok=1_800_000, budget_line="3540 Hjemmetjenester",
                         budget_year=2026, intermediate_targets=[{"date": "2025-12-31", "value": 11.5}],
                         freed_capacity_use="+flere besøk", name="@SUM(A1:A9)")
    b2 = testing.benefit(ini, owner, name="Flere eldre hjemme", indicator="andel_80_pluss_hjemmetjenester",
                         custom_indicator="", value_class="ikke_prissatt", axis="kvalitet")
    testing.measurement(b1, owner, value=12.5, date=dt.date(2025, 6, 30), comment="-3 minutter")
    testing.measurement(b2, None, value=17.5, date=dt.date(2025, 12, 31), automatic=True, source="SSB 12209")
    goal = MapNode.objects.create(initiative=ini, kind="mal", label="Flere bor hjemme")
    MapEdge.objects.create(initiative=ini, source=io.benefit_key(b2.pk), target=io.node_key(goal.pk))
    MapEdge.objects.create(initiative=ini, source="tiltak", target=io.benefit_key(b1.pk))
    return org, owner


def test_json_round_trip_is_lossless(full_plan):
    org, owner = full_plan
    first = io.export_plan(org)
    empty = testing.org(slug="tom", name="Tom organisasjon")
    testing.user("eier2", empty)
    from gevinst.accounts.models import Membership

    Membership.objects.create(user=owner, organisation=empty, role="gevinsteier")
    target, warnings = io.import_plan(json.loads(json.dumps(first)), empty)
    assert target == empty and warnings == []
    second = io.export_plan(empty)
    assert io.strip_volatile(second) == io.strip_volatile(first)
    assert second["initiatives"][0]["id"] != first["initiatives"][0]["id"]
    assert second["initiatives"][0]["map"]["edges"] == [{"source": "b2", "target": "n1"}, {"source": "tiltak", "target": "b1"}]


def test_import_refuses_duplicates_and_other_formats(full_plan):
    from gevinst.errors import UserError

    org, _owner = full_plan
    doc = io.export_plan(org)
    with pytest.raises(UserError, match="har allerede tiltaket"):
        io.import_plan(doc, org)
    with pytest.raises(UserError, match="ikke en gevinstplan"):
        io.import_plan({"format": "noe annet"}, org)


def test_owner_not_member_is_left_out_with_a_warning(full_plan):
    org, _owner = full_plan
    other = testing.org(slug="annen", name="Annen kommune")
    _org, warnings = io.import_plan(io.export_plan(org), other)
    assert warnings and "er ikke medlem" in warnings[0]


def test_xlsx_register_sheets_formats_and_no_formula_injection(full_plan, tmp_path):
    from openpyxl import load_workbook

    org, _owner = full_plan
    path = tmp_path / "register.xlsx"
    io.to_xlsx(org, path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Gevinster", "Målinger"]
    ws = wb["Gevinster"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Tiltak", "Gevinst", "Type (akse)"]
    row = {h: c for h, c in zip(header, ws[2])}
    # text never becomes a formula: shown as written, a text cell with Excel's quote prefix
    assert row["Gevinst"].value == "@SUM(A1:A9)" and row["Gevinst"].quotePrefix
    assert row["Bruk av frigjort kapasitet"].value == "+flere besøk" and row["Bruk av frigjort kapasitet"].quotePrefix
    assert row["Tiltak"].quotePrefix is False
    assert row["Forventet årlig verdi (kr)"].value == 1_800_000
    assert row["Forventet årlig verdi (kr)"].number_format == "#,##0"
    assert row["Nullpunkt – dato"].number_format == "dd.mm.yyyy"
    for sheet in wb:
        for r in sheet.iter_rows():
            for c in r:
                if isinstance(c.value, str) and c.value[:1] in "=+-@":
                    assert c.data_type == "s" and c.quotePrefix, (sheet.title, c.coordinate, c.value)
    m = wb["Målinger"]
    mh = [c.value for c in m[1]]
    rows = [{h: c.value for h, c in zip(mh, r)} for r in m.iter_rows(min_row=2)]
    assert [r["Kommentar"] for r in rows] == ["-3 minutter", None]
    assert [r["Automatisk fra data"] for r in rows] == ["nei", "ja"]


def test_cli_export_import_check(full_plan, tmp_path, capsys):
    org, _owner = full_plan
    out = tmp_path / "plan.json"
    call_command("plan", "export", org.slug, "--format", "json", "--out", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["organisation"]["slug"] == org.slug
    call_command("plan", "export", org.slug, "--format", "xlsx", "--out", str(tmp_path / "p.xlsx"))
    assert (tmp_path / "p.xlsx").exists()
    testing.org(slug="ny", name="Ny kommune")
    call_command("plan", "import", str(out), "--org", "ny")
    assert "Importerte 1 tiltak" in capsys.readouterr().out
    call_command("plan", "check", org.slug, "--format", "json")
    findings = json.loads(capsys.readouterr().out)
    assert {"rule", "message", "what_to_do"} <= set(findings[0])
    call_command("plan", "check", org.slug)
    assert "Gjør dette:" in capsys.readouterr().out
