"""Financial health: pure core, figures pinned to SSB's published key figures, targets, CLI and exports."""

from __future__ import annotations

import csv
import io
import json

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from gevinst.core import finance as core
from gevinst.errors import UserError

# ------------------------------------------------------------------ pure core


def _frame(values: dict[int, float | None]) -> pl.DataFrame:
    return pl.DataFrame({"year": list(values), "value": list(values.values()), "flag": [""] * len(values)},
                        schema={"year": pl.Int32, "value": pl.Float64, "flag": pl.Utf8})


def test_published_wins_and_computed_fills_gaps():
    published = {"12134:KOSAGD230000": _frame({2021: 2.0})}
    counts = {"accounts:net_result": _frame({2020: 30.0, 2021: 40.0}),
              "accounts:revenues": _frame({2020: 1000.0, 2021: 1000.0})}
    t = core.key_figure_table(published, counts, [2019, 2020, 2021], (core.FIGURES_BY_ID["netto_driftsresultat"],))
    rows = {r["year"]: r for r in t.iter_rows(named=True)}
    assert rows[2019]["basis"] == core.MISSING and rows[2019]["value"] is None
    assert rows[2020]["basis"] == core.COMPUTED and rows[2020]["value"] == pytest.approx(3.0)
    assert rows[2021]["basis"] == core.PUBLISHED and rows[2021]["value"] == 2.0
    assert rows[2021]["computed"] == pytest.approx(4.0)  # both kept, for checking


def test_net_interest_uses_three_parts():
    fb = core.FIGURES_BY_ID["netto_renteutgifter"].fallback
    counts = {"accounts:interest_expenses": _frame({2024: 50.0}), "accounts:interest_income": _frame({2024: 20.0}),
              "accounts:revenues": _frame({2024: 1000.0})}
    assert core.compute_ratio(fb, counts, 2024)[0] == pytest.approx(3.0)
    assert core.compute_ratio(fb, {**counts, "accounts:interest_income": _frame({})}, 2024)[0] is None


def test_real_growth_formula():
    d = core.Deflator("d", "s", {2021: 3.0, 2022: 5.0})
    out = core.real_growth({"revenues": {2020: 100.0, 2021: 110.0, 2022: 115.5}}, d, 2022)
    r = {row["year"]: row for row in out.iter_rows(named=True)}
    assert r[2022]["price_index"] == 1.0
    assert r[2021]["price_index"] == pytest.approx(1 / 1.05)
    assert r[2020]["price_index"] == pytest.approx(1 / 1.05 / 1.03)
    # real growth = (nominal ratio / (1 + d)) − 1
    assert r[2021]["real_growth"] == pytest.approx((1.10 / 1.03 - 1) * 100)
    assert r[2022]["real_growth"] == pytest.approx((1.05 / 1.05 - 1) * 100)
    assert r[2022]["fixed"] == pytest.approx(115.5)


def test_real_growth_gap_in_deflator_leaves_none():
    d = core.Deflator("d", "s", {2022: 5.0})
    out = core.real_growth({"x": {2020: 1.0, 2021: 1.0, 2022: 1.0}}, d, 2022)
    r = {row["year"]: row for row in out.iter_rows(named=True)}
    assert r[2020]["fixed"] is None and r[2021]["fixed"] is not None


def _table(ndr=None, deficit=None, fund=None) -> pl.DataFrame:
    rows = []
    for key, vals in (("netto_driftsresultat", ndr), ("aarets_merforbruk", deficit), ("disposisjonsfond", fund)):
        for y, v in (vals or {}).items():
            rows.append((key, y, v, core.PUBLISHED, v, None, ""))
    return pl.DataFrame(rows, schema=core.KEY_FIGURE_SCHEMA, orient="row")


def test_warnings_name_their_drivers():
    t = _table(ndr={2022: 3.0, 2023: 1.0, 2024: -0.5}, deficit={2022: 0.0, 2023: -1.5, 2024: -2.0},
               fund={2022: 9.0, 2023: 6.0, 2024: 4.0})
    w = {x.code: x for x in core.robek_warnings(t)}
    assert set(w) == {"negativt_resultat", "merforbruk", "merforbruk_ikke_dekket", "oppsamlet_merforbruk",
                      "fallende_resultat_og_fond"}
    assert w["negativt_resultat"].drivers == (("netto_driftsresultat", 2024, -0.5),)
    assert w["merforbruk_ikke_dekket"].drivers == (("aarets_merforbruk", 2023, -1.5), ("aarets_merforbruk", 2024, -2.0))
    assert w["merforbruk_ikke_dekket"].ground == "c"
    assert w["oppsamlet_merforbruk"].approximate and w["oppsamlet_merforbruk"].ground == "d"
    assert len(w["fallende_resultat_og_fond"].drivers) == 6


def test_no_warnings_for_a_healthy_economy():
    t = _table(ndr={2022: 1.0, 2023: 2.0, 2024: 3.0}, deficit={2024: 0.0}, fund={2022: 5.0, 2023: 4.0, 2024: 3.0})
    assert core.robek_warnings(t) == []


def test_bundled_norms_and_deflator_load():
    from gevinst.economy.finance import DEFLATOR_PATH, NORMS_PATH

    norms, typical = core.load_norms(NORMS_PATH)
    by_scope = {n.scope: n for n in norms if n.key_figure == "netto_driftsresultat"}
    assert by_scope["kommune"].value == 1.75 and by_scope["sektor"].value == 2.0
    assert all(n.source for n in norms)
    assert {(t.key_figure, t.operator, t.value) for t in typical} == {
        ("netto_driftsresultat", ">=", 1.5), ("disposisjonsfond", ">=", 7.0), ("langsiktig_gjeld", "<=", 110.0)}
    d = core.load_deflator(DEFLATOR_PATH)
    assert set(range(2016, 2027)) <= set(d.pct)
    assert d.pct[2022] == 6.7 and d.status[2022] == "kilde"
    assert set(d.status.values()) <= {"kilde", "avledet", "uverifisert"}


def test_parse_grounds():
    assert core.parse_grounds("a, b, c og d") == ["a", "b", "c", "d"]
    assert core.parse_grounds("d") == ["d"]


# ------------------------------------------------------------------ pinned to published figures
pytestmark_db = pytest.mark.usefixtures("bundled_db")

# SSB 12134, netto driftsresultat i % av brutto driftsinntekter, kommunekonsern (the Lørenskog workbook).
EAK_NDR = {2020: 2.7, 2021: 4.3, 2022: 3.0, 2023: 0.8, 2024: -0.4, 2025: 2.2}


@pytestmark_db
def test_national_key_figures_pinned():
    from gevinst.economy.finance import compute_finance

    r = compute_finance("EAK")
    assert core.figure_values(r.table, "netto_driftsresultat") == EAK_NDR
    assert r.value("disposisjonsfond", 2024) == 11.0
    assert r.value("langsiktig_gjeld", 2025) == 114.2
    assert r.value("netto_renteeksponering", 2024) == 50.9
    assert r.value("frie_inntekter_per_innbygger", 2024) == 72066
    assert r.value("egenfinansiering_investeringer", 2020) == 38.4
    assert r.value("arbeidskapital", 2021) == 19.1
    assert set(r.table.filter(pl.col("value").is_not_null())["basis"].to_list()) == {core.PUBLISHED}
    assert r.real.is_empty()  # never national figures from the partial accounts extract


@pytestmark_db
def test_lorenskog_pinned_and_history_computed():
    from gevinst.economy.finance import compute_finance

    r = compute_finance("3222")
    ndr = r.table.filter(pl.col("key_figure") == "netto_driftsresultat")
    rows = {x["year"]: x for x in ndr.iter_rows(named=True)}
    assert rows[2024]["value"] == 0.2 and rows[2024]["basis"] == core.PUBLISHED
    assert rows[2025]["value"] == 4.0
    assert r.value("langsiktig_gjeld", 2024) == 174.2
    assert r.value("frie_inntekter_per_innbygger", 2025) == 69604
    # Before 2024 (codes 0230 and 3029) the figure is computed from the accounts, under 3222.
    assert rows[2020]["basis"] == core.COMPUTED
    assert rows[2020]["value"] == pytest.approx(91054 / 3324022 * 100)
    assert r.value("disposisjonsfond", 2020) is None  # not in the accounts: «mangler»


@pytestmark_db
def test_computed_ndr_reproduces_12134_for_oslo():
    from gevinst.economy.finance import compute_finance

    r = compute_finance("0301")
    both = r.table.filter((pl.col("key_figure") == "netto_driftsresultat") & pl.col("published").is_not_null())
    assert both.height == 6
    for row in both.iter_rows(named=True):
        assert round(row["computed"], 1) == row["published"], row
    inv = r.table.filter((pl.col("key_figure") == "brutto_investeringer") & pl.col("published").is_not_null())
    for row in inv.iter_rows(named=True):
        assert abs(row["computed"] - row["published"]) < 0.06, row


@pytestmark_db
def test_robek_register_status_from_data():
    from gevinst.economy.finance import compute_finance

    r = compute_finance("5025")  # Røros: on the register 2026-04-20, grounds c and d
    assert [g["code"] for g in r.register["grounds"]] == ["c", "d"]
    first = r.warnings[0]
    assert first["code"] == "robek_registrert"
    assert "oppsamlet merforbruk større enn tre prosent" in first["text"]
    assert compute_finance("0301").register is None


@pytestmark_db
def test_negative_result_warning_for_raelingen():
    from gevinst.economy.finance import compute_finance

    w = {x["code"]: x for x in compute_finance("3224").warnings}
    assert "negativt_resultat" in w
    assert "2024: −2,2\u00a0%" in w["negativt_resultat"]["text"]
    assert "2025: −1,8\u00a0%" in w["negativt_resultat"]["text"]


@pytestmark_db
def test_real_growth_oslo_2025():
    from gevinst.economy.finance import compute_finance

    r = compute_finance("0301")
    rev = {x["year"]: x for x in r.real.filter(pl.col("item") == "revenues").iter_rows(named=True)}
    assert r.base_year == 2025 and rev[2025]["fixed"] == rev[2025]["nominal"]
    expected = (93361158 / 86642212 / (1 + r.deflator.pct[2025] / 100) - 1) * 100
    assert rev[2025]["real_growth"] == pytest.approx(expected)


@pytestmark_db
def test_unknown_and_county_regions_rejected():
    from gevinst.economy.finance import compute_finance

    with pytest.raises(UserError):
        compute_finance("9998")
    with pytest.raises(UserError, match="fylke"):
        compute_finance("32")


# ------------------------------------------------------------------ targets
@pytestmark_db
def test_set_target_cli_and_validation(capsys):
    from gevinst.economy.models_finance import FinancialTarget

    call_command("finance", "3224", "--set-target", "netto_driftsresultat=1,5", "--from-year", "2024",
                 "--source", "K-sak 12/24", "--format", "json")
    out = json.loads(capsys.readouterr().out)
    t = FinancialTarget.objects.get(region="3224", key_figure="netto_driftsresultat")
    assert (t.operator, t.value, t.valid_from, t.source) == (">=", 1.5, 2024, "K-sak 12/24")
    row = next(r for r in out["key_figures"] if r["key_figure"] == "netto_driftsresultat" and r["year"] == 2025)
    assert row["target"] == 1.5 and row["target_met"] is False  # −1,8 % in 2025
    call_command("finance", "3224", "--set-target", "langsiktig_gjeld=110", "--format", "csv")
    assert FinancialTarget.objects.get(region="3224", key_figure="langsiktig_gjeld").operator == "<="
    before = FinancialTarget.objects.count()
    for bad in ("netto_driftsresultat=abc", "tull=1", "netto_driftsresultat"):
        with pytest.raises(CommandError):
            call_command("finance", "3224", "--set-target", bad)
    # a bad second target stores nothing
    with pytest.raises(CommandError, match="Verdien må være et tall"):
        call_command("finance", "3224", "--set-target", "disposisjonsfond=7", "--set-target", "arbeidskapital=x")
    assert FinancialTarget.objects.count() == before


@pytestmark_db
def test_set_target_cli_for_organisation(capsys):
    from gevinst.accounts.models import Organisation
    from gevinst.economy.models_finance import FinancialTarget

    org = Organisation.objects.create(name="Rælingen test", slug="ralingen-test", region="3224")
    Organisation.objects.create(name="Lørenskog test", slug="lorenskog-test", region="3222")
    call_command("finance", "3224", "--set-target", "netto_driftsresultat=2", "--org", "ralingen-test",
                 "--format", "json")
    out = json.loads(capsys.readouterr().out)
    t = FinancialTarget.objects.get(organisation=org)
    assert (t.region, t.value) == ("3224", 2.0)
    row = next(r for r in out["key_figures"] if r["key_figure"] == "netto_driftsresultat" and r["year"] == 2025)
    assert row["target"] == 2.0
    call_command("finance", "3224", "--format", "json")  # without --org: only targets without an organisation
    row = next(r for r in json.loads(capsys.readouterr().out)["key_figures"]
               if r["key_figure"] == "netto_driftsresultat" and r["year"] == 2025)
    assert row["target"] is None
    with pytest.raises(CommandError, match="hører til region 3222"):
        call_command("finance", "3224", "--set-target", "netto_driftsresultat=2", "--org", "lorenskog-test")
    with pytest.raises(CommandError, match="Fant ikke organisasjonen"):
        call_command("finance", "3224", "--set-target", "netto_driftsresultat=2", "--org", "finnes-ikke")


# ------------------------------------------------------------------ exports
@pytestmark_db
def test_exports_csv_json_xlsx(tmp_path, capsys):
    from openpyxl import load_workbook

    call_command("finance", "EAK", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    ndr = {int(r["year"]): float(r["value"]) for r in rows if r["key_figure"] == "netto_driftsresultat"}
    assert ndr == EAK_NDR
    out = tmp_path / "f.xlsx"
    call_command("finance", "3222", "--format", "xlsx", "--out", str(out))
    wb = load_workbook(out)
    assert wb.sheetnames == ["Nøkkeltall", "ROBEK", "Realvekst", "Kilder"]
    ws = wb["Nøkkeltall"]
    cells = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    hit = next(c for c in cells if c[0] == 2025 and c[1] == "Netto driftsresultat")
    assert hit[3] == 4.0 and "12134" in hit[4]
    assert ws.cell(row=3, column=4).number_format == "#,##0.0"
    with pytest.raises(CommandError, match="--out"):
        call_command("finance", "3222", "--format", "xlsx")
    call_command("finance", "3222")
    text = capsys.readouterr().out
    assert "Netto driftsresultat: 4,0 % av brutto driftsinntekter" in text
    assert "må vurderes manuelt" in text


@pytestmark_db
def test_other_deflator_file(tmp_path, capsys):
    f = tmp_path / "d.toml"
    f.write_text('name = "Flat"\nsource = "test"\n[years]\n' + "".join(f"{y} = 0.0\n" for y in range(2015, 2027)))
    call_command("finance", "0301", "--deflator", str(f), "--format", "json")
    data = json.loads(capsys.readouterr().out)
    rows = [r for r in data["real_growth"]["rows"] if r["item"] == "revenues"]
    assert all(r["fixed"] == pytest.approx(r["nominal"]) for r in rows)
    with pytest.raises(CommandError, match="deflatorfilen"):
        call_command("finance", "0301", "--deflator", str(tmp_path / "nope.toml"))
