"""Region attributes from the bundled files against the published figures."""

import polars as pl
import pytest

from gevinst.sources import bundled


def test_need_index_lorenskog_2026_matches_gronthefte():
    n = bundled.need_indices()
    row = n.filter((pl.col("region") == "3222") & (pl.col("vintage") == 2026) & (pl.col("sector") == "samlet"))
    assert row["index"].to_list() == [0.9551]  # Grønt hefte 2026, table A-k
    assert row["approximate"].to_list() == [False]
    # 2025 sector values are approximate (derived; their total does not match A-k)
    sectors_2025 = n.filter((pl.col("vintage") == 2025) & (pl.col("sector") != "samlet"))
    assert sectors_2025["approximate"].all()


def test_sector_weights_reproduce_the_total_2026():
    # For 2026 the derived sector indices add up to the official A-k total (max diff 0.0005)
    n = bundled.need_indices().filter(pl.col("vintage") == 2026)
    import json

    weights = json.loads(bundled.bundled_path("utgiftsbehov", "gronthefte_2026_sector_indices_derived.json").read_text())["sektorvekter"]
    weights = {k: v for k, v in weights.items() if not k.startswith("_")}
    wide = n.pivot(on="sector", index="region", values="index").drop_nulls()
    total = sum(wide[s] * w for s, w in weights.items())
    assert (total - wide["samlet"]).abs().max() < 0.001


def test_robek_register_and_kostra_groups():
    robek = bundled.robek_register()
    assert len(robek["municipalities"]) == 27 and robek["published"] == "2026-04-20"
    attrs = bundled.region_attributes()
    assert attrs.group_by("year").len().sort("year")["len"].to_list() == [357, 357, 357]
    assert bundled.kostra_group_members("EKG13", 2024) == ["0301"]  # group 13 is Oslo
    desc = bundled.kostra_group_descriptions()
    # The grouping was made for the 356 municipalities of 2020; in 2024 the recreated
    # Haram (1580) joined group 1, so group 1 has one member more than described.
    assert desc.height == 17 and desc["count"].sum() == 356
    per_group = attrs.filter(pl.col("year") == 2024).group_by("kostra_group").len()
    described = dict(desc.select("code", "count").iter_rows())
    diffs = {g: n - described[g] for g, n in per_group.iter_rows() if n != described[g]}
    assert diffs == {"EKG01": 1}


@pytest.mark.parametrize("code,group", [("0301", "EKG13")])
def test_group_of(code, group):
    attrs = bundled.region_attributes()
    assert attrs.filter(pl.col("region") == code)["kostra_group"].unique().to_list() == [group]
