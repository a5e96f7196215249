"""Bundled population through the store: SSB's published totals come out exactly."""

import json

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from conftest import db_checksum
from gevinst.errors import DataFormatError, UnknownRegionError
from gevinst.sources import bundled
from gevinst.store.ingest import Delivery, VariableInfo, store_observations
from gevinst.store.queries import series

# SSB 07459, population 1 January, the whole country (published figures)
NATIONAL = {2017: 5_258_317, 2018: 5_295_619, 2019: 5_328_212, 2024: 5_550_203}


def test_national_totals_rebuilt_for_years_missing_from_the_2024_file(bundled_db):
    df = series("population", 2024, [2017, 2018, 2019, 2024], ["EAK"])
    assert dict(df.select("year", "value").iter_rows()) == NATIONAL
    # and the sum of all 357 municipalities in the 2024 structure agrees with it
    allm = series("population", 2024, [2017, 2018, 2019])
    assert allm.height == 357 * 3
    sums = dict(allm.group_by("year").agg(pl.col("value").sum()).iter_rows())
    for year in (2017, 2018, 2019):
        assert sums[year] == pytest.approx(NATIONAL[year], abs=1e-6)


def test_nordre_follo_2019_is_ski_plus_oppegard(bundled_db):
    row = series("population", 2024, [2019], ["3207"]).row(0, named=True)
    assert row["value"] == 58_237 and row["flag"] == ""
    # the same in the 2020-2023 code
    assert series("population", 2020, [2019], ["3020"])["value"][0] == 58_237


def test_lorenskog_2005_to_2026_under_one_code(bundled_db):
    df = series("population", 2024, range(2005, 2027), ["3222"])
    assert df["year"].to_list() == list(range(2005, 2027))
    assert df["value"].null_count() == 0
    src = bundled.population_2024_structure().filter(pl.col("kommunenummer") == "3222")
    published = dict(src.select("year", "total").iter_rows())
    for year, value in df.select("year", "value").iter_rows():
        if year in published:
            assert value == published[year]
    each = bundled.population_codes_of_each_year()
    assert df.filter(pl.col("year") == 2018)["value"][0] == each.filter(
        (pl.col("year") == 2018) & (pl.col("kommunenummer") == "0230"))["total"][0]


def test_counties_and_aggregates(bundled_db):
    df = series("population", 2024, [2024], ["32", "EAKUO", "EKG13"])
    vals = dict(df.select("region", "value").iter_rows())
    oslo = series("population", 2024, [2024], ["0301"])["value"][0]
    assert vals["EAKUO"] == NATIONAL[2024] - oslo
    assert vals["EKG13"] == oslo  # KOSTRA group 13 is Oslo
    akershus = bundled.population_codes_of_each_year().filter(
        (pl.col("year") == 2024) & pl.col("kommunenummer").str.starts_with("32"))["total"].sum()
    assert vals["32"] == akershus


def test_series_command_csv_columns(bundled_db, capsys):
    call_command("series", "population", "--structure", "2024", "--years", "2017-2019", "--regions", "3207", "--format", "csv")
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "region,name,year,value,flag"
    assert lines[-1] == "3207,Nordre Follo,2019,58237,"


def test_series_command_unknown_region(bundled_db):
    with pytest.raises(CommandError, match="Ukjent regionkode «0000»"):
        call_command("series", "population", "--structure", "2024", "--years", "2019", "--regions", "0000")


def test_unknown_region_code_stores_nothing(bundled_db):
    before = db_checksum()
    frame = pl.DataFrame({"variable": ["population"] * 2, "region": ["3222", "9876"], "year": [2030, 2030], "value": [1.0, 2.0]})
    with pytest.raises(UnknownRegionError) as exc:
        store_observations(frame, Delivery("file", "test:unknown", "test"), {})
    assert "9876" in exc.value.message
    assert db_checksum() == before


def test_wrong_unit_stores_nothing(bundled_db):
    before = db_checksum()
    frame = pl.DataFrame({"variable": ["population"], "region": ["3222"], "year": [2030], "value": [1.0]})
    with pytest.raises(DataFormatError, match="Feil enhet"):
        store_observations(frame, Delivery("file", "test:unit", "test"), {"population": VariableInfo("Folkemengde", "1000 personer")})
    assert db_checksum() == before


def test_region_command_json_histories(bundled_db, capsys):
    call_command("region", "3222", "--format", "json")
    s = json.loads(capsys.readouterr().out)
    assert [(h["code"], h["from"], h["to"]) for h in s["history"]] == [("0230", None, 2019), ("3029", 2020, 2023), ("3222", 2024, None)]
    assert s["county"]["code"] == "32" and s["kostra_group"]["code"].startswith("EKG")
    call_command("region", "3020", "--format", "json")
    s = json.loads(capsys.readouterr().out)
    assert {p["from_code"] for p in s["predecessors"]} == {"0213", "0217"}
    assert s["history"][0]["ended_by"][0]["to_code"] == "3207" and s["current_code"] == "3207"
