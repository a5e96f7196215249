"""Read the data files shipped in ``gevinst/bundled`` into frames.

The files are kept as published (ISO-8859-1, cp1252, ``;``, CRLF, JSON from the
KLASS API), so each reader here states the encoding it expects and fails loudly
if a file does not decode. Provenance: ``gevinst/bundled/PROVENANCE.md``.
"""

from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import polars as pl

from gevinst.core.regions import RegionRegistry, build_registry

#: The 2024 structure is the latest; the 2026-01-01 code list is identical.
LAST_STRUCTURE_YEAR = 2026

AGE_BANDS = ["age_0", "age_1_5", "age_6_15", "age_16_19", "age_20_66", "age_67_79", "age_80_89", "age_90p"]

#: Age bands as shown to users.
AGE_BAND_LABELS = {
    "age_0": "0 år",
    "age_1_5": "1–5 år",
    "age_6_15": "6–15 år",
    "age_16_19": "16–19 år",
    "age_20_66": "20–66 år",
    "age_67_79": "67–79 år",
    "age_80_89": "80–89 år",
    "age_90p": "90 år og eldre",
}


def bundled_path(*parts: str) -> Path:
    return Path(str(resources.files("gevinst.bundled").joinpath(*parts)))


def _read_text(path: Path, encoding: str) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:  # a bundled file is part of the code: a bug, not user input
        raise RuntimeError(f"bundled file {path.name} is not {encoding}: {exc}") from exc


def _csv_rows(path: Path, encoding: str, delimiter: str = ",") -> list[dict[str, str]]:
    text = _read_text(path, encoding)
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter=delimiter))


# ----------------------------------------------------------------- regions
def klass_code_list(year: int) -> dict[str, str]:
    """KLASS 131 code list valid in ``year`` (2013, 2017–2020), without 9999 Uoppgitt."""
    rows = _csv_rows(bundled_path("regions", f"klass131_codes_{year}.csv"), "iso-8859-1", ";")
    return {r["code"]: r["name"] for r in rows if r["code"] != "9999"}


def klass_codes_2024() -> dict[str, str]:
    """The 2024 structure, from the KLASS API response for 2026-01-01."""
    data = json.loads(_read_text(bundled_path("regions", "klass131_codes_at_2026-01-01.json"), "utf-8"))
    return {c["code"]: c["name"] for c in data["codes"] if c["code"] != "9999"}


def region_transitions() -> pl.DataFrame:
    """Every code link across a 1 January with a change: ``year, from_code, to_code, recreates``."""
    rows: set[tuple[int, str, str, str]] = set()
    wide = _csv_rows(
        bundled_path("regions", "municipality_codes_2013_2017_2018_2019_2020_wide.csv"), "cp1252", ";"
    )
    steps = [(2013, 2017), (2017, 2018), (2018, 2019), (2019, 2020)]
    for r in wide:
        for a, b in steps:
            fa, fb = r[f"kommunenummer_{a}"], r[f"kommunenummer_{b}"]
            if fa != fb or "endret" in r[f"endringsmerknad_{str(a)[2:]}_{str(b)[2:]}"] or "sammen" in r[f"endringsmerknad_{str(a)[2:]}_{str(b)[2:]}"]:
                rows.add((b, fa, fb, ""))
    # the SSB change table for 2019→2020 (cross-check of the wide file)
    for r in _csv_rows(bundled_path("regions", "municipality_changes_2019_2020.csv"), "cp1252", ";"):
        f, t = r["kommuner_2019"][:4], r["kommuner_2020"][:4]
        rows.add((2020, f, t, ""))
    changes_2024 = json.loads(_read_text(bundled_path("regions", "klass131_code_changes_2024.json"), "utf-8"))
    supplement = _csv_rows(bundled_path("regions", "changes_2024_supplement.csv"), "utf-8")
    split_sources = {r["from_code"] for r in supplement if r["kind"] == "split"}
    for new, info in changes_2024["endringer"].items():
        for old in info["oldCodes"]:
            if old["code"] not in split_sources:  # the 1507 split is in the supplement
                rows.add((int(old["validTo"][:4]), old["code"], new, ""))
    for r in supplement:
        rows.add((int(r["date"][:4]), r["from_code"], r["to_code"], r["recreates"]))
    # A same-code "transition" only matters for a unit that also merges or splits.
    cleaned = [r for r in rows if r[1] != r[2] or any(o[0] == r[0] and o[1] == r[1] and o[2] != r[2] for o in rows)
               or any(o[0] == r[0] and o[2] == r[2] and o[1] != r[1] for o in rows)]
    return pl.DataFrame(
        sorted(cleaned), schema={"year": pl.Int32, "from_code": pl.Utf8, "to_code": pl.Utf8, "recreates": pl.Utf8},
        orient="row",
    ).with_columns(pl.col("recreates").replace("", None))


def counties() -> pl.DataFrame:
    rows = _csv_rows(bundled_path("regions", "counties.csv"), "utf-8")
    return pl.DataFrame(
        [(r["code"], r["name"], int(r["valid_from"]) if r["valid_from"] else None,
          int(r["valid_to"]) if r["valid_to"] else None) for r in rows],
        schema={"code": pl.Utf8, "name": pl.Utf8, "valid_from": pl.Int32, "valid_to": pl.Int32},
        orient="row",
    )


def split_shares() -> pl.DataFrame:
    rows = _csv_rows(bundled_path("regions", "split_shares.csv"), "utf-8")
    return pl.DataFrame(
        [(r["split_code"], r["successor_code"], float(r["share"]), r["method"]) for r in rows],
        schema={"split_code": pl.Utf8, "successor_code": pl.Utf8, "share": pl.Float64, "method": pl.Utf8},
        orient="row",
    )


# -------------------------------------------------------------- population
@lru_cache(maxsize=1)
def population_codes_of_each_year() -> pl.DataFrame:
    """SSB 07459 in each year's own codes, 2017–2024 (total and age bands)."""
    return pl.read_csv(
        bundled_path("population", "population_codes_of_each_year_2017_2024.csv"),
        schema_overrides={"kommunenummer": pl.Utf8},
    )


@lru_cache(maxsize=1)
def population_2024_structure() -> pl.DataFrame:
    """SSB 07459 recoded to the 2024 structure, 2005–2016 and 2020–2026."""
    return pl.read_csv(
        bundled_path("population", "population_2024_structure_2005_2026_excl_2017_2019.csv"),
        schema_overrides={"kommunenummer": pl.Utf8},
    )


def population_as_published() -> pl.DataFrame:
    """Total population ``region, year, value`` with each year's codes where known.

    2017–2024 come in the codes valid that year; 2025–2026 in the 2024 codes
    (still valid). The recoded 2005–2016 and 2020–2023 rows of the 2024-structure
    file are *not* used here: they are a derived product, and the registry needs
    the units as they were.
    """
    a = population_codes_of_each_year().select(
        pl.col("kommunenummer").alias("region"), pl.col("year").cast(pl.Int32), pl.col("total").cast(pl.Float64).alias("value")
    )
    b = population_2024_structure().filter(pl.col("year") >= 2025).select(
        pl.col("kommunenummer").alias("region"), pl.col("year").cast(pl.Int32), pl.col("total").cast(pl.Float64).alias("value")
    )
    return pl.concat([a, b])


@lru_cache(maxsize=1)
def registry() -> RegionRegistry:
    """The region registry built from the bundled KLASS files (cached per process; immutable)."""
    lists = {y: klass_code_list(y) for y in (2013, 2017, 2018, 2019, 2020)}
    lists[2024] = klass_codes_2024()
    reg = build_registry(
        lists, region_transitions(), counties(), split_shares(), population_as_published(), LAST_STRUCTURE_YEAR
    )
    reg._group_descriptions = {
        code: ", ".join(
            part for part in (
                (f"{band} innbyggere" if band[:1].isdigit() else band) if band else "",
                f"{bound.lower()} bundne kostnader" if bound else "",
                f"{income.lower()} frie disponible inntekter" if income else "",
            ) if part
        )
        for code, band, bound, income in kostra_group_descriptions()
        .select("code", "population_band", "bound_costs", "free_income").iter_rows()
    }
    return reg


# -------------------------------------------------------- region attributes
KOSTRA_ATTRIBUTES_SOURCE = "SSB (KOSTRA-gruppering, sentralitetsindeks, 07459) og KDD (ROBEK)"


@lru_cache(maxsize=1)
def region_attributes() -> pl.DataFrame:
    """KOSTRA group, centrality, ROBEK status and population per municipality, 2022–2024 (2024 codes)."""
    df = pl.read_csv(
        bundled_path("kostra_groups", "municipality_kostra_group_centrality_robek_population_2022_2024.csv"),
        schema_overrides={"kommunenummer": pl.Utf8, "fylkesnummer": pl.Utf8},
    )
    return df.select(
        pl.col("kommunenummer").alias("region"),
        pl.col("aar").cast(pl.Int32).alias("year"),
        pl.col("fylkesnummer").alias("county_code"),
        pl.col("sentralitet").cast(pl.Int32).alias("centrality"),
        pl.col("kostragruppe_kode").alias("kostra_group"),
        pl.col("kostragruppe").alias("kostra_group_name"),
        (pl.col("robek") == "robek").alias("robek"),
        pl.col("folkemengde").cast(pl.Float64).alias("population"),
    )


@lru_cache(maxsize=1)
def kostra_group_descriptions() -> pl.DataFrame:
    """The 17 KOSTRA groups (2024): code, size band, bound costs, free disposable income, count."""
    df = pl.read_csv(bundled_path("kostra_groups", "kostra_groups_description_2024.csv"))
    return df.select(
        pl.col("kostragruppe").str.extract(r"(\d+)$").str.zfill(2).map_elements(lambda n: f"EKG{n}", return_dtype=pl.Utf8).alias("code"),
        pl.col("kostragruppe").alias("name"),
        pl.col("folkemengde").alias("population_band"),
        pl.col("bundekostnader").alias("bound_costs"),
        pl.col("frie_disponible_inntekter").alias("free_income"),
        pl.col("antall_kommuner").alias("count"),
    )


def kostra_group_members(group: str, year: int) -> list[str]:
    """Municipalities in KOSTRA group ``group`` (``EKG08``) in ``year`` (2022–2024 bundled)."""
    attrs = region_attributes()
    years = attrs["year"].unique().sort().to_list()
    y = min(max(year, years[0]), years[-1])
    return attrs.filter((pl.col("year") == y) & (pl.col("kostra_group") == group))["region"].sort().to_list()


NEED_SECTORS = ["grunnskole", "pleie", "barnehage", "barnevern", "sosial", "kommunehelse", "administrasjon"]

#: Sector names as shown to users.
NEED_SECTOR_LABELS = {
    "samlet": "Samlet",
    "grunnskole": "Grunnskole",
    "pleie": "Pleie og omsorg",
    "barnehage": "Barnehage",
    "barnevern": "Barnevern",
    "sosial": "Sosialhjelp",
    "kommunehelse": "Kommunehelse",
    "administrasjon": "Administrasjon",
}


@lru_cache(maxsize=1)
def need_indices() -> pl.DataFrame:
    """Expenditure-need indices (*utgiftsbehov*, KDD Grønt hefte): ``region, vintage, sector, index, approximate``.

    ``vintage`` is the Grønt hefte year. Sector values come from table E-k ×
    sector weights; for 2025 they are approximate (their total does not match
    table A-k). ``sector == "samlet"`` from table A-k is official for both years.
    """
    rows = []
    for vintage in (2025, 2026):
        derived = json.loads(
            _read_text(bundled_path("utgiftsbehov", f"gronthefte_{vintage}_sector_indices_derived.json"), "utf-8")
        )
        for code, d in derived["kommuner"].items():
            for sector in NEED_SECTORS:
                if d.get(sector) is not None:
                    rows.append((code, vintage, sector, float(d[sector]), vintage == 2025))
        official = json.loads(
            _read_text(bundled_path("utgiftsbehov", f"gronthefte_{vintage}_table_Ak_cost_index.json"), "utf-8")
        )
        for code, value in official["kommuner"].items():
            # Lørenskog is stored as an object with its sector breakdown (the compiler's
            # Excel POC); for 2025 that object repeats the 2026 figures, so it is not used
            # and the derived (approximate) total stands in.
            if isinstance(value, dict):
                if vintage == 2025 or not isinstance(value.get("samlet"), (int, float)):
                    d = derived["kommuner"].get(code, {})
                    if d.get("samlet") is not None:
                        rows.append((code, vintage, "samlet", float(d["samlet"]), True))
                    continue
                value = value["samlet"]
            if isinstance(value, (int, float)):
                rows.append((code, vintage, "samlet", float(value), False))
    return pl.DataFrame(
        rows,
        schema={"region": pl.Utf8, "vintage": pl.Int32, "sector": pl.Utf8, "index": pl.Float64, "approximate": pl.Boolean},
        orient="row",
    )


@lru_cache(maxsize=1)
def robek_register() -> dict:
    """The ROBEK register (KDD) as bundled: ``published``, ``grounds`` and ``municipalities``."""
    data = json.loads(_read_text(bundled_path("kostra", "robek_register_2026-04-20.json"), "utf-8"))
    return {
        "published": data["publisert"],
        "source_url": data["kildeUrl"],
        "grounds": data["hjemler"],
        "municipalities": {m["kommunenummer"]: m for m in data["kommuner"]},
    }
