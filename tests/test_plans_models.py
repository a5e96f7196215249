"""Plan models, baseline and measurements from data, status, demo plan, benefit map SVG."""

from __future__ import annotations

import datetime as dt

import pytest

from gevinst.plans import benefit_map, data, testing
from gevinst.plans.check import check_organisation
from gevinst.plans.models import Benefit, Measurement, Status

pytestmark = pytest.mark.django_db


def test_baseline_from_data_for_lorenskog(bundled_db):
    org = testing.org()
    ini = testing.initiative(org)
    b = Benefit(organisation=org, initiative=ini, name="Flere eldre får hjelp hjemme", axis="kvalitet",
                value_class="ikke_prissatt", indicator="andel_80_pluss_hjemmetjenester")
    assert data.fill_baseline(b)
    # the last year that ends before the change began (1 January 2025): 2024
    assert b.baseline_date == dt.date(2024, 12, 31)
    assert b.baseline_value == pytest.approx(19.0)
    assert "12209" in b.baseline_source and b.baseline_from_data
    assert "lorenskog_3222_kostra_overview" in b.baseline_vintage


def test_no_data_leaves_baseline_empty(bundled_db):
    org = testing.org(slug="oslo", region="0301", name="Oslo")
    ini = testing.initiative(org)
    b = Benefit(organisation=org, initiative=ini, indicator="finnes_ikke")
    assert not data.fill_baseline(b)
    assert b.baseline_value is None


def test_automatic_measurements_are_idempotent_and_marked(bundled_db):
    org = testing.org()
    ini = testing.initiative(org)
    b = testing.benefit(ini, indicator="andel_80_pluss_hjemmetjenester", custom_indicator="",
                        baseline_value=19.0, baseline_date=dt.date(2024, 12, 31), target_value=21.0,
                        target_date=dt.date(2027, 12, 31))
    assert data.add_measurements_from_data(org) == 1
    m = Measurement.objects.get(benefit=b)
    assert m.automatic and m.date == dt.date(2025, 12, 31) and m.value == pytest.approx(17.5)
    assert "12209" in m.source
    assert data.add_measurements_from_data(org) == 0  # nothing new
    b.refresh_from_db()
    assert b.status == Status.AVVIK  # 17,5 where the plan expects about 19,7


def test_new_vintage_triggers_automatic_measurements(bundled_db):
    import polars as pl

    from gevinst.store.ingest import Delivery, store_observations

    org = testing.org()
    ini = testing.initiative(org)
    b = testing.benefit(ini, indicator="andel_80_pluss_hjemmetjenester", custom_indicator="",
                        baseline_value=19.0, baseline_date=dt.date(2025, 12, 31))
    frame = pl.DataFrame({"variable": ["kostra:andel_innb_80_som_bruker_hjemmetjenester"], "region": ["3222"],
                          "year": [2026], "value": [18.2]})
    store_observations(frame, Delivery(source="file", key="test:hjemmetjenester-2026", label="Test 2026"), {})
    auto = Measurement.objects.filter(benefit=b, automatic=True)
    assert [(m.date, round(m.value, 1)) for m in auto] == [(dt.date(2026, 12, 31), 18.2)]


def test_status_on_track_after_a_good_measurement(db):
    org = testing.org()
    ini = testing.initiative(org)
    b = testing.benefit(ini)
    assert b.status == Status.PLANLAGT
    testing.measurement(b, value=11.0, date=dt.date(2025, 6, 30))
    assert data.update_status(b).status == Status.PA_SPORET
    testing.measurement(b, value=15.0, date=dt.date(2025, 12, 31))
    assert data.update_status(b).status == Status.AVVIK


def test_expected_at_follows_intermediate_targets(db):
    b = Benefit(baseline_value=10.0, baseline_date=dt.date(2024, 1, 1), target_value=20.0,
                target_date=dt.date(2026, 1, 1), intermediate_targets=[{"date": "2025-01-01", "value": 18.0}])
    assert data.expected_at(b, dt.date(2025, 1, 1)) == pytest.approx(18.0)
    assert data.expected_at(b, dt.date(2023, 1, 1)) == pytest.approx(10.0)
    assert data.expected_at(b, dt.date(2027, 1, 1)) == pytest.approx(20.0)


def test_demo_plan_marked_as_example_with_one_deliberate_finding(bundled_db):
    from gevinst.plans.demo import ensure_demo_plan

    org = testing.org(slug="lorenskog-demo")
    testing.user("demo", org)
    ini = ensure_demo_plan(org)
    assert ini.is_example and ini.name.startswith("Eksempel")
    assert ensure_demo_plan(org).pk == ini.pk  # idempotent
    b1 = ini.benefits.get(indicator="andel_80_pluss_hjemmetjenester")
    assert b1.baseline_from_data and b1.owner.username == "demo"
    assert b1.measurements.filter(automatic=True).exists()
    rules = {f.rule for f in check_organisation(org, today=dt.date(2026, 7, 1))}
    assert rules == {"resultat_mot_mal"}


def test_benefit_map_layers_left_to_right():
    nodes = [benefit_map.Node("tiltak", "tiltak", "Tiltak"), benefit_map.Node("node:1", "endring", "Endring"),
             benefit_map.Node("gevinst:1", "gevinst", "Gevinst <b>"), benefit_map.Node("node:2", "mal", "Mål")]
    pos = benefit_map.layout(nodes)
    xs = [pos[k][0] for k in ("tiltak", "node:1", "gevinst:1", "node:2")]
    assert xs == sorted(xs) and len(set(xs)) == 4
    svg = benefit_map.to_svg(nodes, [benefit_map.Edge("tiltak", "node:1"), benefit_map.Edge("gevinst:1", "node:2")],
                             chart_id="k", title="Gevinstkart", description="To piler")
    assert svg.count("<path d=") == 2 + 1  # two arrows and the marker
    assert 'role="img"' in svg and "Gevinst &lt;b&gt;" in svg and "style=" not in svg
