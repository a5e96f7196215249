"""Nullpunktsmåling: values in the region's own structure, peers, published figures, freezing, follow-up."""

import json

import openpyxl
import polars as pl
import pytest
from django.core.management import CommandError, call_command

from conftest import ensure_bundled
from gevinst.baselines.models import Baseline
from gevinst.baselines.service import adopt, compute_baseline, follow_up
from gevinst.errors import UserError
from gevinst.reports.baseline_export import flat_rows, safe_text, to_xlsx
from gevinst.store.ingest import Delivery, store_observations


def _row(result, indicator):
    rows = {r["indicator"]: r for r in flat_rows(result)}
    return rows[indicator]


def test_nordre_follo_2019_built_from_ski_and_oppegard(bundled_db, capsys):
    call_command("baseline", "3020", "--year", "2019", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["structure_year"] == 2020 and data["region_name"] == "Nordre Follo"
    assert any("0213 Ski" in n and "0217 Oppegård" in n for n in data["notes"])
    rows = {r["indicator"]: r for r in data["indicators"]}
    assert rows["folkemengde"]["value"] == 58_237  # SSB 07459: Ski 30 843 + Oppegård 27 394
    share = rows["andel_80_pluss"]
    assert share["value"] is not None and share["country_n"] == 355 and share["kostra_n"] >= 5
    assert share["trend_first_year"] == 2015 and len(share["trend"]) == 5
    # every indicator of the catalogue is listed; those without data say so (value null)
    assert len(rows) >= 80 and any(r["value"] is None for r in rows.values())


# Published SSB figures (KOSTRA, preliminary 2025 as of 16 March 2026; as in the Lørenskog workbook)
PUBLISHED_2025 = [
    # indicator, Lørenskog 3222, Landet (EAK)
    ("netto_driftsresultat", 4.0, 2.2),
    ("arbeidskapital", 17.2, 13.3),
    ("langsiktig_gjeld", 171.5, 114.2),
    ("frie_inntekter_per_innbygger", 69_604, 78_932),
    ("egenfinansiering_investeringer", 22.1, 36.7),
    ("grunnskolepoeng", 42.7, 42.2),
    ("andel_barn_1_5_i_barnehage", 94.0, 94.5),
    ("utgifter_helse_omsorg_per_innbygger", 26_253, 39_197),
    ("kultur_andel_netto_driftsutgifter", 5.5, 4.1),
    ("netto_driftsutgifter_barnehage_per_innb_1_5", 211_651, 246_013),
]


@pytest.fixture(scope="module")
def lorenskog_2025(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_bundled()
        return compute_baseline("3222", 2025)


@pytest.mark.django_db  # reads the database through the module-scoped lorenskog_2025
@pytest.mark.parametrize("indicator,own,country", PUBLISHED_2025, ids=[p[0] for p in PUBLISHED_2025])
def test_lorenskog_2025_pinned_to_published_figures(lorenskog_2025, indicator, own, country):
    row = _row(lorenskog_2025, indicator)
    assert row["value"] == pytest.approx(own)
    assert row["country_value"] == pytest.approx(country) and row["country_value_basis"] == "publisert"


def test_kostra_group_value_is_ssbs_published_group_figure(bundled_db):
    # 1146 Tysvær is in KOSTRA group 8; SSB published group 8: NDR 0,6 %, frie inntekter 85 414 kr (2025)
    result = compute_baseline("1146", 2025, "økonomi")
    assert result.kostra_group == "EKG08"
    assert _row(result, "netto_driftsresultat")["kostra_group_value"] == pytest.approx(0.6)
    assert _row(result, "frie_inntekter_per_innbygger")["kostra_group_value"] == pytest.approx(85_414)


def test_country_population_rebuilt_equals_published_total(bundled_db):
    result = compute_baseline("3222", 2024, "samfunnsutvikling")
    row = _row(result, "folkemengde")
    assert row["country_value"] == 5_550_203 and row["country_value_basis"] == "beregnet"


def test_peer_statistics_exclude_the_region_and_rank_by_direction(bundled_db):
    result = compute_baseline("3222", 2024, "samfunnsutvikling", peers="3205,3220,3224")
    stats = result.stats.filter(pl.col("indicator") == "andel_80_pluss")
    custom = stats.filter(pl.col("group") == "custom").row(0, named=True)
    assert custom["n"] == 3 and custom["rank_of"] == 4
    values = result.values.filter((pl.col("indicator") == "andel_80_pluss") & (pl.col("year") == 2024))
    peers = values.filter(pl.col("region").is_in(["3205", "3220", "3224"]))["value"].sort()
    assert custom["median"] == pytest.approx(peers[1])


def test_unknown_area_and_region(bundled_db):
    with pytest.raises(CommandError, match="Ukjent område «økonomien»"):
        call_command("baseline", "3222", "--year", "2024", "--area", "økonomien")
    with pytest.raises(CommandError, match="Ukjent regionkode «0000»"):
        call_command("baseline", "0000", "--year", "2024")


def test_xlsx_like_the_ks_tool(bundled_db, tmp_path):
    out = tmp_path / "f.xlsx"
    call_command("baseline", "3222", "--year", "2025", "--area", "økonomi", "--format", "xlsx", "--out", str(out))
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["økonomi", "Kilder", "Bærekraftsmål"]
    ws = wb["økonomi"]
    header = [c.value for c in ws[4]]
    by_name = {ws.cell(row=r, column=1).value: [c.value for c in ws[r]] for r in range(5, ws.max_row + 1)}
    ndr = by_name["Netto driftsresultat i prosent av brutto driftsinntekter"]
    assert ndr[header.index("Verdi 2025")] == 4.0 and ndr[header.index("Landet")] == 2.2
    assert ws.cell(row=5, column=header.index("Verdi 2025") + 1).number_format == "#,##0.0"
    # each row with the page's decimals: whole kroner, one decimal for percentages
    formats = {}
    for r in range(5, ws.max_row + 1):
        unit = ws.cell(row=r, column=header.index("Enhet") + 1).value or ""
        formats.setdefault(unit.split()[0] if unit else "", set()).add(
            (ws.cell(row=r, column=header.index("Verdi 2025") + 1).number_format,
             ws.cell(row=r, column=header.index("Landet") + 1).number_format))
    assert formats["kr"] == {("#,##0", "#,##0")}
    assert formats["prosent"] == {("#,##0.0", "#,##0.0")}
    assert any("16.6" in str(r[0].value) or r[1].value == "16.6" for r in wb["Bærekraftsmål"].iter_rows(min_row=2))


def test_text_from_data_never_becomes_a_formula(bundled_db, tmp_path):
    assert safe_text("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert safe_text("-1") == "'-1" and safe_text("@SUM") == "'@SUM" and safe_text("Oslo") == "Oslo"
    result = compute_baseline("3222", 2025, "økonomi")
    result.indicators = result.indicators.with_columns(pl.lit("=1+1").alias("name"))
    out = tmp_path / "inj.xlsx"
    to_xlsx(result, out)
    ws = openpyxl.load_workbook(out)["økonomi"]
    cells = [ws.cell(row=r, column=1) for r in range(5, ws.max_row + 1)]
    # shown exactly as written, as text with Excel's quote prefix: never a formula, also when edited
    assert cells and all(c.data_type == "s" and c.value == "=1+1" and c.quotePrefix for c in cells)


def test_adopted_baseline_is_frozen_and_rebaselining_needs_a_reason(bundled_db):
    result = compute_baseline("3020", 2019, "samfunnsutvikling")
    first = adopt(result)
    frozen = first.values.get(indicator="folkemengde").value
    assert frozen == 58_237 and first.vintages.exists()
    # SSB revises Ski 2019: a new delivery with another number
    store_observations(
        pl.DataFrame({"variable": ["population"], "region": ["0213"], "year": [2019], "value": [30_900.0]}),
        Delivery("file", "test:revision", "revidert folketall"), {},
    )
    revised = compute_baseline("3020", 2019, "samfunnsutvikling")
    assert _row(revised, "folkemengde")["value"] == 30_900 + 27_394
    first.refresh_from_db()
    assert first.values.get(indicator="folkemengde").value == frozen  # unchanged
    with pytest.raises(UserError, match="krever en begrunnelse"):
        adopt(revised)
    second = adopt(revised, reason="SSB reviderte folketallet for Ski")
    first.refresh_from_db()
    assert first.superseded_by == second and second.active and not first.active
    assert Baseline.objects.filter(region="3020").count() == 2


def test_follow_up_against_frozen_baseline(bundled_db):
    b = adopt(compute_baseline("3222", 2020, "samfunnsutvikling"))
    b.values.filter(indicator="andel_80_pluss").update(target_value=5.0)
    df = follow_up(b)
    row = df.filter(pl.col("indicator") == "andel_80_pluss").row(0, named=True)
    assert row["year"] == 2026 and row["baseline_year"] == 2020
    assert row["change"] == pytest.approx(row["value"] - row["baseline_value"])
    assert row["progress"] == pytest.approx(row["change"] / (5.0 - row["baseline_value"]))


def test_followup_command(bundled_db, capsys):
    call_command("baseline", "3222", "--year", "2020", "--area", "samfunnsutvikling", "--adopt", "--format", "json")
    capsys.readouterr()
    call_command("followup", "3222", "--area", "samfunnsutvikling", "--target", "andel_80_pluss=5,0@2028")
    out = capsys.readouterr().out
    assert "Oppfølging av nullpunktsmåling" in out and "Andel innbyggere 80 år og over" in out
    with pytest.raises(CommandError, match="Ingen vedtatt nullpunktsmåling"):
        call_command("followup", "3207")
