"""The region registry against KLASS facts: code histories, mergers, splits, counties."""

import polars as pl
import pytest

from gevinst.errors import UnknownRegionError


def test_structure_sizes_match_official_counts(registry):
    # DOMAIN.md / SSB: 428 municipalities in 2013, 426 in 2017, 422 in 2018-2019,
    # 356 in 2020-2023, 357 from 2024; counties 19 → 18 (2018) → 11 (2020) → 15 (2024).
    assert len(registry.codes_at(2013)) == 428
    assert len(registry.codes_at(2017)) == 426
    assert len(registry.codes_at(2019)) == 422
    assert len(registry.codes_at(2020)) == 356
    assert len(registry.codes_at(2023)) == 356
    assert len(registry.codes_at(2024)) == 357
    assert len(registry.codes_at(2026)) == 357
    assert len(registry.codes_at(2017, "fylke")) == 19
    assert len(registry.codes_at(2018, "fylke")) == 18
    assert len(registry.codes_at(2020, "fylke")) == 11
    assert len(registry.codes_at(2024, "fylke")) == 15


def test_lorenskog_history_three_codes(registry):
    lineage = [(v.code, v.first_year, v.last_year) for v in registry.history("3222")]
    assert lineage == [("0230", None, 2019), ("3029", 2020, 2023), ("3222", 2024, None)]
    # the same lineage from any of its codes
    assert [v.code for v in registry.history("0230")] == ["0230", "3029", "3222"]
    assert registry.current_code("0230") == "3222"


def test_nordre_follo_merger_and_renumbering(registry):
    preds = registry.predecessors("3020")
    assert {(c.from_code, c.kind, c.year) for c in preds} == {("0213", "merger", 2020), ("0217", "merger", 2020)}
    succ = registry.successors("3020")
    assert [(c.to_code, c.kind, c.year) for c in succ] == [("3207", "renumbering", 2024)]


def test_alesund_split_recreates_haram(registry):
    succ = {c.to_code: c for c in registry.successors("1507")}
    assert succ["1580"].kind == "recreated" and succ["1508"].kind == "split"
    # shares are population shares at the split (1 January 2024) and add up to 1
    pop_1580, pop_1508 = registry.population("1580", 2024), registry.population("1508", 2024)
    assert succ["1580"].share == pytest.approx(pop_1580 / (pop_1580 + pop_1508))
    assert succ["1580"].share + succ["1508"].share == pytest.approx(1.0)
    # pre-2020 Haram maps straight onto the new Haram, not through shares
    m = registry.mapping(2019, 2024)
    haram = m.filter(m["source_code"] == "1534").rows()
    assert haram == [("1534", "1580", 1.0, "renumbering")]
    old_alesund = m.filter(m["source_code"] == "1504").rows()
    assert old_alesund == [("1504", "1508", 1.0, "merger")]


def test_mapping_weights_preserve_totals(registry):
    for source, target in [(2019, 2024), (2013, 2026), (2021, 2024), (2024, 2019), (2024, 2013), (2017, 2020)]:
        m = registry.mapping(source, target)
        sums = m.group_by("source_code").agg(pl.col("weight").sum().alias("w"))
        assert sums["w"].min() == pytest.approx(1.0) and sums["w"].max() == pytest.approx(1.0)
        # every unit of the source structure is mapped
        assert set(m["source_code"]) == set(registry.codes_at(source))


def test_split_shares_from_table_are_flagged_estimated(registry):
    m = registry.mapping(2019, 2020)
    snillfjord = {t: (w, meth) for _, t, w, meth in m.filter(m["source_code"] == "5012").rows()}
    assert set(snillfjord) == {"5055", "5056", "5059"}
    assert all(meth == "split_estimated" for _, meth in snillfjord.values())
    assert snillfjord["5059"][0] == pytest.approx(0.5077, abs=1e-4)


def test_county_reform_and_split(registry):
    preds = {c.from_code: c.kind for c in registry.predecessors("30")}
    assert preds["01"] == "merger" and preds["02"] == "merger" and preds["06"] == "merger"
    # Jevnaker and Lunner came from Oppland: a part of 05 went to Viken
    assert preds["05"] == "split"
    succ = {c.to_code for c in registry.successors("30")}
    assert succ == {"31", "32", "33"}


def test_unknown_code_has_norwegian_message(registry):
    with pytest.raises(UnknownRegionError) as exc:
        registry.versions_of("9898")
    assert "Ukjent regionkode «9898»" in exc.value.message


def test_name_change_without_new_code(registry):
    # 1826 Hattfjelldal got its sami name in 2020 and kept its code
    changes = [c for c in registry.changes_from("1826") if c.year == 2020]
    assert [(c.kind, c.to_code) for c in changes] == [("name", "1826")]


def test_ssb_aggregates_are_regions(registry, bundled_db, capsys):
    import json

    from django.core.management import call_command

    codes = {a.code for a in registry.aggregates()}
    assert {"EAK", "EAKUO", "EKG01", "EKG17", "EKA32", "EKA03"} <= codes
    call_command("region", "EKG13", "--format", "json")
    s = json.loads(capsys.readouterr().out)
    assert s["level"] == "aggregat" and [m["code"] for m in s["members"]] == ["0301"]
    call_command("region", "EAKUO", "--format", "json")
    s = json.loads(capsys.readouterr().out)
    assert len(s["members"]) == 356 and "0301" not in {m["code"] for m in s["members"]}
