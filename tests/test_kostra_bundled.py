"""The bundled KOSTRA data: workbook and accounts stored as published, codes valid each year."""

from __future__ import annotations

import polars as pl
import pytest

from gevinst.sources import bundled
from gevinst.sources import kostra_bundled as kb


def _value(variable: str, region: str, year: int):
    from gevinst.store.models import Observation

    return list(Observation.objects.filter(variable_id=variable, region=region, year=year).values_list("value", flat=True))


def test_workbook_aggregates_stored_exactly(bundled_db):
    assert _value("12134:KOSAGD230000", "EAK", 2020) == [2.7]  # Netto driftsresultat, Landet 2020
    assert _value("12134:KOSAGD230000", "EKG08", 2023) == [1.0]
    assert _value("12134:KOSAG110000", "0301", 2024) == [81240.0]  # equals SSB's own 12134 response
    assert _value("kostra:gjennomsnittlig_grunnskolepoeng", "EAKUO", 2021) == [43.1]
    assert _value("kostra:andel_barn_1_5_ar_i_barnehage", "EAK", 2025) == [94.5]


def test_workbook_lorenskog_under_code_of_each_year(bundled_db):
    from gevinst.store.models import Observation

    assert _value("12134:KOSAG110000", "3222", 2024) == [63135.0]
    assert _value("12134:KOSAGD230000", "3222", 2025) == [4.0]
    # the workbook's pre-2024 municipality cells are empty: nothing is invented
    assert not Observation.objects.filter(region__in=["3029", "3222", "0230"], year__lt=2024,
                                          vintage__key="bundled:" + kb.WORKBOOK).exists()
    # Landet u/Oslo 2025 is empty in the workbook for 12134
    assert _value("12134:KOSAGD230000", "EAKUO", 2025) == []


def test_every_workbook_block_is_a_catalogue_indicator(registry):
    from gevinst.catalogue import load_catalogue
    from gevinst.store.kostra_load import workbook_variable_ids

    ids = workbook_variable_ids()
    _, blocks = kb.read_workbook(bundled.bundled_path("kostra", kb.WORKBOOK), registry, {t: v for t, (v, _) in ids.items()})
    assert len(blocks) == 78
    assert {b.title for b in blocks} == set(ids)
    catalogue_vars = {i.variable for i in load_catalogue().indicators}
    assert all(b.variable in catalogue_vars for b in blocks)


def test_accounts_per_capita_uses_population_at_year_end(bundled_db):
    """SSB's per_capita = amount × 1000 / population 31.12 (= 1 January next year)."""
    from gevinst.store.models import Observation

    raw = pl.read_csv(bundled.bundled_path("kostra", kb.ACCOUNTS), infer_schema=False).filter(
        (pl.col("entity_kind") == "municipality") & (pl.col("measure") == "net_expenses")
        & pl.col("code").is_in(["0301", "4601", "5001", "3024"]) & pl.col("year").is_in(["2021", "2022", "2024"])
    )
    assert raw.height > 20
    checked = 0
    for code, year, amount, per_capita, item in raw.select("code", "year", "amount_1000nok", "per_capita", "item_code").iter_rows():
        stored = _value(f"accounts:net_expenses:{item}", code, int(year))
        assert stored == [float(amount)]
        pop = _value("population_dec31", code, int(year))
        assert len(pop) == 1
        assert round(float(amount) * 1000 / pop[0]) == pytest.approx(float(per_capita), abs=1)
        checked += 1
    assert checked == raw.height
    # population_dec31 of 2023 is 1 January 2024, stored under the 2023 code
    assert _value("population_dec31", "3029", 2023) == [float(bundled.registry().population("3222", 2024))]


def test_accounts_pure_renumbering_stored_under_code_of_that_year(bundled_db, registry):
    from gevinst.store.models import Observation

    raw = pl.read_csv(bundled.bundled_path("kostra", kb.ACCOUNTS), infer_schema=False)
    # find a unit carried under its current code with years before that code was valid
    renumbered = None
    for code, year in raw.filter(pl.col("entity_kind") == "municipality").select("code", pl.col("year").cast(pl.Int32)).unique().iter_rows():
        if registry.knows(code) and registry.version_at(code, year) is None:
            renumbered = (code, year)
            break
    assert renumbered is not None
    code, year = renumbered
    old = next(v.code for v in registry.history(code) if v.valid_in(year))
    assert old != code
    keyed = Observation.objects.filter(vintage__key="bundled:" + kb.ACCOUNTS)
    assert keyed.filter(region=old, year=year).exists()
    assert not keyed.filter(region=code, year=year).exists()
    # counties: 0200 in the file is county 02 (Akershus until 2019)
    assert keyed.filter(region="02", year=2019, variable_id="accounts:net_result").exists()
    assert not keyed.filter(region__in=["0200", "0300"]).exists()


def test_accounts_net_result_ratio_matches_workbook_for_oslo(bundled_db):
    for year, ndr in ((2023, -0.8), (2024, -0.9), (2025, 3.7)):
        nr = _value("accounts:net_result", "0301", year)[0]
        rev = _value("accounts:revenues", "0301", year)[0]
        assert round(nr / rev * 100, 1) == ndr == _value("12134:KOSAGD230000", "0301", year)[0]


def test_load_kostra_is_idempotent(bundled_db):
    from gevinst.store.kostra_load import load_kostra

    assert all(created is False for _, created in load_kostra())
