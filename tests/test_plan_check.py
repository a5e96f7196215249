"""The plan check (helsesjekk): each rule with a failing and a passing case, on plain data."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from gevinst.plans.check import check_plan, next_measurement_due, to_text

TODAY = dt.date(2026, 6, 1)
RESULT_TYPES = {"andel_80_pluss_hjemmetjenester": "resultat", "sykefravaer": "effekt"}


def good_plan() -> dict:
    """A plan that passes every rule."""
    return {
        "format": "gevinst-plan",
        "initiatives": [{
            "id": 1, "key": "t1", "name": "Digital hjemmeoppfølging", "change_start": "2025-01-01",
            "one_off_cost": 6_000_000, "yearly_cost": 500_000, "decision_points": [],
            "map": {"nodes": [{"key": "n1", "kind": "mal", "label": "Flere bor trygt hjemme"}],
                    "edges": [{"source": "tiltak", "target": "b1"}, {"source": "b1", "target": "n1"}]},
            "benefits": [{
                "id": 10, "key": "b1", "name": "Færre kjøreminutter", "indicator": "sykefravaer",
                "custom_indicator": "", "owner": "kari", "baseline_value": 12.0, "baseline_date": "2024-12-31",
                "target_value": 9.0, "target_date": "2027-12-31", "frequency": "arlig",
                "measurement_responsible": "Enhetsleder", "value_class": "budsjett",
                "freed_capacity_use": "Tas ut i budsjettet for 2027", "budget_line": "Hjemmetjenesten 3540",
                "budget_year": 2027, "dis_benefits": "Noen brukere får færre fysiske besøk",
                "status": "pa_sporet", "measurements": [{"date": "2026-01-15", "value": 11.0}],
            }],
        }],
    }


def rules(plan, **kw) -> set[str]:
    return {f.rule for f in check_plan(plan, today=TODAY, result_types=RESULT_TYPES, **kw)}


def benefit(plan) -> dict:
    return plan["initiatives"][0]["benefits"][0]


def test_good_plan_has_no_findings():
    assert check_plan(good_plan(), today=TODAY, result_types=RESULT_TYPES) == []
    assert "ingen problemer" in to_text([])


def test_initiative_without_benefits():
    plan = good_plan()
    plan["initiatives"][0]["benefits"] = []
    assert "tiltak_uten_gevinster" in rules(plan)
    assert "tiltak_uten_gevinster" not in rules(good_plan())


@pytest.mark.parametrize("field,value,rule", [
    ("indicator", "", "mangler_indikator"),
    ("target_value", None, "mangler_maltall"),
    ("target_date", None, "mangler_maltall"),
    ("owner", None, "mangler_eier"),
    ("baseline_value", None, "mangler_nullpunkt"),
    ("baseline_date", None, "mangler_nullpunkt"),
    ("frequency", "", "ingen_maleplan"),
    ("measurement_responsible", "", "ingen_maleplan"),
    ("freed_capacity_use", "  ", "frigjort_kapasitet"),
])
def test_benefit_rules_fail_and_pass(field, value, rule):
    plan = good_plan()
    benefit(plan)[field] = value
    found = check_plan(plan, today=TODAY, result_types=RESULT_TYPES)
    hit = [f for f in found if f.rule == rule]
    assert hit, f"{rule} not flagged"
    assert hit[0].benefit_id == 10 and hit[0].what_to_do and hit[0].message
    assert rule not in rules(good_plan())


def test_custom_indicator_counts_as_indicator():
    plan = good_plan()
    benefit(plan).update(indicator="", custom_indicator="Kjøreminutter per besøk")
    assert "mangler_indikator" not in rules(plan)


def test_baseline_after_change_start():
    plan = good_plan()
    benefit(plan)["baseline_date"] = "2025-03-01"
    found = [f for f in check_plan(plan, today=TODAY, result_types=RESULT_TYPES) if f.rule == "nullpunkt_etter_start"]
    assert found and "01.03.2025" in found[0].message and "01.01.2025" in found[0].message
    assert "nullpunkt_etter_start" not in rules(good_plan())


def test_baseline_after_bp3_when_no_change_start():
    plan = good_plan()
    plan["initiatives"][0]["change_start"] = None
    plan["initiatives"][0]["decision_points"] = [{"code": "BP3", "date": "2024-06-01", "decision": "Start"}]
    assert "nullpunkt_etter_start" in rules(plan)
    plan["initiatives"][0]["decision_points"][0]["date"] = "2025-06-01"
    assert "nullpunkt_etter_start" not in rules(plan)


def test_measurement_overdue():
    plan = good_plan()
    benefit(plan)["measurements"] = [{"date": "2025-01-10", "value": 11.5}]
    assert "maling_forfalt" in rules(plan)
    assert next_measurement_due(benefit(plan), plan["initiatives"][0]) == dt.date(2026, 1, 11)
    assert "maling_forfalt" not in rules(good_plan())
    # a realised benefit is no longer measured
    benefit(plan)["status"] = "realisert"
    assert "maling_forfalt" not in rules(plan)


def test_unpriced_benefit_needs_no_decision_on_freed_capacity():
    plan = good_plan()
    benefit(plan).update(value_class="ikke_prissatt", freed_capacity_use="")
    assert "frigjort_kapasitet" not in rules(plan)


def test_same_kroner_counted_twice():
    plan = good_plan()
    other = copy.deepcopy(benefit(plan))
    other.update(id=11, key="b2", name="Mindre overtid", budget_line=" hjemmetjenesten  3540 ")
    plan["initiatives"][0]["benefits"].append(other)
    found = [f for f in check_plan(plan, today=TODAY, result_types=RESULT_TYPES) if f.rule == "dobbelttelling"]
    assert {f.benefit_id for f in found} == {10, 11}
    assert "Hjemmetjenesten 3540" in found[0].message
    other["budget_year"] = 2028  # another period: not the same kroner
    assert "dobbelttelling" not in rules(plan)


def test_dis_benefits_on_large_initiative_threshold_configurable():
    plan = good_plan()
    benefit(plan)["dis_benefits"] = ""
    found = [f for f in check_plan(plan, today=TODAY, result_types=RESULT_TYPES) if f.rule == "ulemper_ikke_vurdert"]
    assert found and "6\u00a0500\u00a0000" in found[0].message
    assert "ulemper_ikke_vurdert" not in rules(plan, large_threshold=10_000_000)
    assert "ulemper_ikke_vurdert" not in rules(good_plan())


def test_output_measured_where_goal_is_outcome():
    plan = good_plan()
    benefit(plan)["indicator"] = "andel_80_pluss_hjemmetjenester"
    assert "resultat_mot_mal" in rules(plan)
    plan["initiatives"][0]["map"]["edges"] = [{"source": "tiltak", "target": "b1"}]  # not linked to a goal
    assert "resultat_mot_mal" not in rules(plan)
    assert "resultat_mot_mal" not in rules(good_plan())
    # a custom indicator declared as an output
    plan = good_plan()
    benefit(plan).update(indicator="", custom_indicator="Antall besøk", custom_result_type="resultat")
    assert "resultat_mot_mal" in rules(plan)


def test_text_report_in_bokmal():
    plan = good_plan()
    benefit(plan)["owner"] = None
    text = to_text(check_plan(plan, today=TODAY, result_types=RESULT_TYPES))
    assert "Gevinst uten eier" in text and "Gjør dette:" in text and "Færre kjøreminutter" in text
