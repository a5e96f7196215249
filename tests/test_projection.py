"""Perspective analysis: pure core, the store side, the CLI and the exports (figures pinned to the bundled files)."""

from __future__ import annotations

import csv
import io
import json

import polars as pl
import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from gevinst.core import projection as core

BANDS = core.BAND_KEYS


def _frame(bands_by_year: dict[int, dict[str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        [(y, b, v) for y, d in bands_by_year.items() for b, v in d.items()],
        schema={"year": pl.Int32, "band": pl.Utf8, "value": pl.Float64}, orient="row",
    )


# ------------------------------------------------------------------ pure core
def test_ageing_moves_cohorts_and_keeps_the_open_top():
    single = [0.0] * (core.MAX_AGE + 1)
    single[0], single[66], single[104], single[105] = 10, 20, 3, 2
    aged = core.age_one_year(single)
    assert aged[1] == 10 and aged[67] == 20 and aged[105] == 5 and aged[0] == 0
    assert core.to_bands(aged)["age_67_79"] == 20


def test_calibration_hits_the_band_totals_and_keeps_the_shape():
    single = [float(a % 7 + 1) for a in range(core.MAX_AGE + 1)]
    target = {b: 100.0 * (i + 1) for i, b in enumerate(BANDS)}
    cal = core.calibrate(single, target)
    assert core.to_bands(cal) == pytest.approx(target)
    assert cal[2] / cal[3] == pytest.approx(single[2] / single[3])


def test_registered_anchor_years_are_reproduced():
    single = [100.0] * (core.MAX_AGE + 1)
    anchors = {2025: {b: 1000.0 for b in BANDS}, 2026: {b: 1100.0 for b in BANDS}}
    out = core.project_ageing(single, 2025, 2030, {b: 1.0 for b in BANDS}, anchors)
    for y in (2025, 2026):
        got = dict(out.filter(pl.col("year") == y).select("band", "value").iter_rows())
        assert got == pytest.approx(anchors[y])
    assert set(out.filter(pl.col("year") > 2026)["basis"]) == {"framskrevet"}


@settings(max_examples=40, deadline=None)
@given(
    pops=st.lists(st.floats(min_value=1, max_value=1e5), min_size=len(BANDS), max_size=len(BANDS)),
    nets=st.lists(st.floats(min_value=-1e5, max_value=1e7), min_size=len(core.SERVICES), max_size=len(core.SERVICES)),
    cost_pct=st.floats(min_value=-20, max_value=20),
)
def test_cost_change_is_zero_when_the_population_does_not_change(pops, nets, cost_pct):
    bands = dict(zip(BANDS, pops))
    units = core.unit_costs({s.key: n for s, n in zip(core.SERVICES, nets)}, bands)
    proj = _frame({2025: bands, 2030: bands, 2035: bands})
    base = core.demographic_cost(units, proj, 2025, core.Scenario())
    assert base["change_nok"].abs().max() == pytest.approx(0.0, abs=1e-3)
    # a unit-cost scenario changes the cost even with the same population: it is not demographic
    moved = core.demographic_cost(units, proj, 2025, core.Scenario(unit_cost_pct=cost_pct))
    total = moved.filter(pl.col("year") == 2030)["cost_nok"].sum()
    assert total == pytest.approx(base.filter(pl.col("year") == 2030)["cost_nok"].sum() * (1 + cost_pct / 100), rel=1e-9)


def test_demographic_cost_formula_by_hand():
    now = {b: 100.0 for b in BANDS}
    later = {**now, "age_80_89": 150.0}
    units = core.unit_costs({"helse_omsorg": 1000.0}, now)  # 1 mill. kr, 35 % follows 80–89
    cost = core.demographic_cost(units, _frame({2025: now, 2035: later}), 2025, core.Scenario())
    # 350 000 kr / 100 inhabitants = 3 500 kr each; 50 more → 175 000 kr
    assert cost.filter(pl.col("year") == 2035)["change_nok"].sum() == pytest.approx(175_000)


def test_labour_need_per_1000_aged_20_66():
    now = {b: 100.0 for b in BANDS}
    later = {**now, "age_1_5": 200.0}
    units = core.unit_costs({"barnehage": 500.0}, now)
    proj = _frame({2025: now, 2035: later})
    lab = core.labour_need(units, {"barnehage": 10.0}, proj, 2025, core.Scenario())
    assert lab.filter(pl.col("year") == 2035)["arsverk"][0] == pytest.approx(20.0)
    tot = core.totals_by_year(core.demographic_cost(units, proj, 2025, core.Scenario()), lab, proj, base_year=2025,
                              revenue=1000.0, net_result=20.0, revenue_growth_pct=0, target_pct=1.75,
                              scenario=core.Scenario(), revenue_per_inhabitant=False)
    r = tot.filter(pl.col("year") == 2035).to_dicts()[0]
    assert r["arsverk_per_1000_20_66"] == pytest.approx(1000 * 20 / 100)
    # revenue fixed 1 mill.; expenses 980 000 + 500 000 more for barnehage → NDR −480 000; target 17 500
    assert r["net_result_nok"] == pytest.approx(-480_000)
    assert r["gap_nok"] == pytest.approx(17_500 + 480_000)


# ------------------------------------------------------------- store side
@pytest.mark.usefixtures("bundled_db")
class TestBundledProjection:
    def test_unchanged_region_equals_the_file(self):
        from gevinst.economy.projection import bundled_projection_2016

        p = bundled_projection_2016()
        v = dict(p.filter(pl.col("region") == "1121").select("year", "value").iter_rows())
        assert v[2026] == 21_771  # Time, 2016 code 1121 = 2024 code 1121
        assert p.filter((pl.col("region") == "0301") & (pl.col("year") == 2026))["value"][0] == 758_070

    def test_merged_region_is_the_sum_of_its_parts(self):
        from gevinst.economy.projection import bundled_projection_2016

        p = bundled_projection_2016()
        # 5001 Trondheim = 1601 Trondheim (205 581) + 1662 Klæbu (6 936) in the 2016 file
        assert p.filter((pl.col("region") == "5001") & (pl.col("year") == 2026))["value"][0] == 205_581 + 6_936

    def test_national_total_2026_equals_the_file(self):
        from gevinst.economy.projection import bundled_projection_2016

        p = bundled_projection_2016().filter(pl.col("year") == 2026)
        assert p["value"].null_count() == 0
        assert p["value"].sum() == pytest.approx(5_726_222)

    def test_national_cohort_factors_are_plausible(self):
        from gevinst.economy.projection import _national_factors

        f = _national_factors()
        assert f["age_90p"] < f["age_80_89"] < f["age_67_79"] < 1 < f["age_20_66"]

    def test_lorenskog_net_result_matches_ssb_key_figure(self):
        from gevinst.economy.projection import compute_projection
        from gevinst.store.queries import series

        r = compute_projection("3222", [2036])
        base = r.main.totals.filter(pl.col("year") == r.base_year).to_dicts()[0]
        assert r.accounts_year == 2024 and not r.accounts_preliminary
        published = series("12134:KOSAGD230000", 2024, [2024], ["3222"])["value"][0]  # 0,2 %
        assert round(base["net_result_pct"], 1) == published
        assert base["demographic_change_nok"] == 0
        # registered 2026 reproduced exactly (calibration), projected years labelled
        pop = r.main.population
        assert pop.filter(pl.col("year") == 2026)["value"].sum() == pytest.approx(51_511)
        assert set(pop.filter(pl.col("year") == 2036)["basis"]) == {"framskrevet"}

    def test_lorenskog_default_nok_per_arsverk_derivation(self):
        from gevinst.economy.projection import DEFAULT_NOK_PER_ARSVERK, compute_projection

        r = compute_projection("3222", [2036])
        assert r.arsverk_base["helse_omsorg"] == pytest.approx(193.3 * 50_013 / 10_000)
        derived = 1_257_050_000 / r.arsverk_base["helse_omsorg"]
        assert round(derived, -5) == DEFAULT_NOK_PER_ARSVERK

    def test_time_defaults_and_scenarios(self):
        from gevinst.economy.projection import compute_projection

        r = compute_projection("1121", scenarios=["navn=Effektiv,effektivisering=2%", "dekning=5"])
        assert r.to_years == [2036, 2046]
        labels = [s.scenario.label for s in r.scenarios]
        assert labels[0].startswith("Basis") and "Effektiv" in labels and "Konstante aldersandeler" in labels
        band = r.band().filter(pl.col("year") == 2036).to_dicts()[0]
        assert band["low"] <= band["main"] <= band["high"]
        assert r.backtest["projected"] == 21_771 and r.backtest["year"] == 2026
        main = r.main.totals.filter(pl.col("year") == 2036).to_dicts()[0]
        eff = next(s for s in r.scenarios if s.scenario.label == "Effektiv").totals.filter(pl.col("year") == 2036)
        assert eff["net_change_nok"][0] < main["net_change_nok"]

    def test_bad_input_is_a_clear_message(self):
        from gevinst.economy.projection import compute_projection
        from gevinst.errors import UserError

        with pytest.raises(UserError, match="dagens inndeling"):
            compute_projection("9999")
        with pytest.raises(UserError, match="Ukjent scenarionøkkel"):
            compute_projection("1121", scenarios=["foo=1"])
        with pytest.raises(UserError, match="Framskrivingsåret"):
            compute_projection("1121", [2020])
        with pytest.raises(UserError, match="regnskapstall"):
            compute_projection("5034")  # Meråker: not in the accounts extract


@pytest.mark.usefixtures("bundled_db")
class TestCommand:
    def test_text_json_csv_xlsx(self, tmp_path):
        out = io.StringIO()
        call_command("projection", "1121", "--to", "2036", stdout=out)
        assert "Perspektivanalyse for 1121 Time" in out.getvalue() and "per 1000 innb. 20–66 år" in out.getvalue()
        out = io.StringIO()
        call_command("projection", "1121", "--to", "2036", "--format", "json", stdout=out)
        data = json.loads(out.getvalue())
        assert data["region"] == "1121" and data["prices"] == "faste 2024-kroner"
        assert all(r["method"] for r in data["years"])
        out = io.StringIO()
        call_command("projection", "1121", "--to", "2036", "--format", "csv", stdout=out)
        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
        assert {r["year"] for r in rows} >= {"2025", "2036"}
        path = tmp_path / "p.xlsx"
        call_command("projection", "1121", "--to", "2036", "--format", "xlsx", "--out", str(path), stdout=io.StringIO())
        from openpyxl import load_workbook

        wb = load_workbook(path)
        assert wb.sheetnames == ["Perspektiv", "År", "Enhetskostnader", "Kilder"]

    def test_errors(self):
        with pytest.raises(CommandError, match="dagens inndeling"):
            call_command("projection", "9999", stdout=io.StringIO())
        with pytest.raises(CommandError, match="--out"):
            call_command("projection", "1121", "--format", "xlsx", stdout=io.StringIO())
