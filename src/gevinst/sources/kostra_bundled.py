"""Readers for the bundled KOSTRA files (pure: files in, long frames out).

* :func:`read_workbook` — the Lørenskog KOSTRA overview workbook (2020–2025, 2025
  preliminary): each block on a sector sheet («<indicator> (<unit>)», a header row
  «År \\ Region | Lørenskog | Landet | …», year rows) becomes one variable. Columns
  are mapped to the region code valid in each year through the region registry
  (Lørenskog 3029 in 2020–2023, 3222 from 2024). Empty cells give no row.
* :func:`read_accounts` — the KOSTRA accounts extract (SSB 12137/12362,
  kommunekonsern, 1000 kr): ``accounts:<item>`` for the overview group and
  ``accounts:<measure>:<function group>`` for services. Codes are stored as
  valid in each year: a unit carried under its current code after a pure
  renumbering goes back to the code of that year (registry lineage); county
  codes ``NN00`` become ``NN``. Rows that cannot be placed are returned, not guessed.

Both return frames in the store's columns ``variable, region, year, value, status``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from gevinst.errors import DataFormatError

WORKBOOK = "lorenskog_3222_kostra_overview_2020_2025.xlsx"
ACCOUNTS = "kostra_accounts_148_units_2015_2025.csv"
ACCOUNTS_INDEX = "kostra_accounts_148_units_index.csv"
SECTOR_SHEETS = ("Økonomi", "Grunnskole", "Barnehage", "Helse og omsorg", "Sosialtjeneste", "Kultur", "Befolkning")
HEADER = "År \\ Region"

#: Workbook column → region code (aggregates) or the unit's current code (resolved per year).
COLUMN_REGIONS = {
    "Landet": "EAK",
    "Landet u/Oslo": "EAKUO",
    "Kostragr. 8": "EKG08",
    "Oslo": "0301",
    "Lørenskog": "3222",
    "Lillestrøm": "3205",
    "Enebakk": "3220",
    "Rælingen": "3224",
}

UNIT_NAMES = {"%": "prosent", "per 1000": "per 1000 innbyggere"}

OVERVIEW_LABELS = {
    "revenues": "Brutto driftsinntekter",
    "expenses": "Brutto driftsutgifter",
    "net_result": "Netto driftsresultat",
    "debt": "Gjeld",
    "investments": "Brutto investeringsutgifter",
    "net_expenses": "Netto driftsutgifter i alt",
    "interest_income": "Renteinntekter",
    "interest_expenses": "Renteutgifter",
}
MEASURE_LABELS = {"gross_expenses": "Brutto driftsutgifter", "net_expenses": "Netto driftsutgifter", "investments": "Brutto investeringsutgifter"}


@dataclass
class WorkbookBlock:
    sheet: str
    title: str
    name: str
    unit: str
    variable: str


@dataclass
class Skipped:
    rows: int = 0
    reasons: dict = field(default_factory=dict)

    def add(self, key: str, n: int = 1) -> None:
        self.rows += n
        self.reasons[key] = self.reasons.get(key, 0) + n


def slug(title: str) -> str:
    """The fallback variable id part for a workbook title (ascii, without the unit)."""
    t = re.sub(r"\s*\([^()]*\)\s*$", "", title)
    for a, b in (("æ", "ae"), ("ø", "o"), ("å", "a"), ("Æ", "ae"), ("Ø", "o"), ("Å", "a"), ("%", "pst"), ("≥", "min")):
        t = t.replace(a, b)
    t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", t).strip("_")


def _split_title(title: str) -> tuple[str, str]:
    m = re.match(r"^(.*\S)\s*\(([^()]*)\)\s*$", title)
    if not m:
        return title, ""
    return m.group(1), UNIT_NAMES.get(m.group(2), m.group(2))


def read_workbook(path: Path, registry, variables: dict[str, str] | None = None) -> tuple[pl.DataFrame, list[WorkbookBlock]]:
    """Read the sector sheets. ``variables`` maps a block title to its variable id
    (the catalogue's); titles without one get ``kostra:<slug>``."""
    import openpyxl

    variables = variables or {}
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows_out: list[tuple[str, str, int, float]] = []
    blocks: list[WorkbookBlock] = []
    try:
        for sheet in SECTOR_SHEETS:
            rows = [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
            i = 0
            while i < len(rows):
                r = rows[i]
                nxt = rows[i + 1] if i + 1 < len(rows) else ()
                if nxt and nxt[0] == HEADER and isinstance(r[0], str):
                    title = r[0].strip()
                    name, unit = _split_title(title)
                    var = variables.get(title) or "kostra:" + slug(title)
                    blocks.append(WorkbookBlock(sheet, title, name, unit, var))
                    cols = []
                    for c in nxt[1:]:
                        if c is None:
                            cols.append(None)
                            continue
                        if c not in COLUMN_REGIONS:
                            raise DataFormatError(f"Ukjent kolonne «{c}» i arket {sheet}.", f"unknown column {c!r}")
                        cols.append(COLUMN_REGIONS[c])
                    j = i + 2
                    while j < len(rows) and rows[j][0] is not None and re.fullmatch(r"\d{4}", str(rows[j][0]).strip()):
                        year = int(str(rows[j][0]).strip())
                        for code, value in zip(cols, rows[j][1:]):
                            if code is None or value is None or value == "":
                                continue
                            rows_out.append((var, _code_in_year(registry, code, year), year, float(value)))
                        j += 1
                    i = j
                else:
                    i += 1
    finally:
        wb.close()
    df = pl.DataFrame(rows_out, schema={"variable": pl.Utf8, "region": pl.Utf8, "year": pl.Int32, "value": pl.Float64},
                      orient="row").with_columns(pl.lit("").alias("status"))
    return df, blocks


def _code_in_year(registry, code: str, year: int) -> str:
    """The code of ``code``'s lineage valid in ``year`` (aggregates unchanged)."""
    if not registry.knows(code):
        return code
    v = registry.version_at(code, year)
    if v is not None:
        return code
    for version in registry.history(code):
        if version.valid_in(year):
            return version.code
    raise DataFormatError(f"Region {code} fantes ikke i {year}.", f"{code} not valid in {year}")


def read_accounts(path: Path, registry) -> tuple[pl.DataFrame, dict[str, tuple[str, str]], Skipped]:
    """Read the accounts extract. Returns (frame, {variable: (label, unit)}, skipped rows)."""
    raw = pl.read_csv(path, infer_schema=False)
    df = raw.select(
        pl.col("entity_kind"), pl.col("code"), pl.col("year").cast(pl.Int32), pl.col("group"),
        pl.col("item_code"), pl.col("item_name"), pl.col("measure"), pl.col("amount_1000nok").cast(pl.Float64),
    ).with_columns(
        pl.when(pl.col("group") == "overview")
        .then(pl.lit("accounts:") + pl.col("item_code"))
        .otherwise(pl.lit("accounts:") + pl.col("measure") + pl.lit(":") + pl.col("item_code"))
        .alias("variable")
    )
    skipped = Skipped()
    mapping: dict[tuple[str, str, int], str | None] = {}
    for kind, code, year in df.select("entity_kind", "code", "year").unique().iter_rows():
        target = None
        if kind == "county":
            c2 = code[:2] if len(code) == 4 and code.endswith("00") else None
            if c2 and registry.knows(c2) and registry.version_at(c2, year) is not None:
                target = c2
        elif registry.knows(code):
            try:
                target = _code_in_year(registry, code, year)
            except DataFormatError:
                target = None
        mapping[(kind, code, year)] = target
    keys = pl.DataFrame(
        [(k, c, y, t) for (k, c, y), t in mapping.items()],
        schema={"entity_kind": pl.Utf8, "code": pl.Utf8, "year": pl.Int32, "region": pl.Utf8}, orient="row",
    )
    df = df.join(keys, on=["entity_kind", "code", "year"], how="left")
    bad = df.filter(pl.col("region").is_null())
    for kind, code, year, n in bad.group_by("entity_kind", "code", "year").len().sort("code", "year").iter_rows():
        skipped.add(f"{kind} {code} {year}", n)
    df = df.filter(pl.col("region").is_not_null())
    # A unit can appear twice for the same year: under the code of that year and
    # back-filled under its current code (e.g. Frøya 1620 and 5014, 2015–2017).
    # Keep the row published under the code of that year; a conflicting value is reported.
    df = df.with_columns((pl.col("code") == pl.col("region")).alias("_own"))
    dup = df.group_by("variable", "region", "year").agg(pl.col("amount_1000nok").n_unique().alias("n"), pl.len().alias("len"))
    for var, region, year, n, ln in dup.filter(pl.col("n") > 1).iter_rows():
        skipped.add(f"conflicting duplicate {var} {region} {year}", ln - 1)
    df = df.sort("_own", descending=True).unique(subset=["variable", "region", "year"], keep="first", maintain_order=True)
    labels: dict[str, tuple[str, str]] = {}
    for var, group, item, name, measure in df.select("variable", "group", "item_code", "item_name", "measure").unique("variable").iter_rows():
        if group == "overview":
            label = OVERVIEW_LABELS.get(item, item)
        else:
            label = f"{MEASURE_LABELS.get(measure, measure)}, {name} ({item})"
        labels[var] = (label + " (KOSTRA-regnskap, kommunekonsern)", "1000 kr")
    out = df.select("variable", "region", "year", pl.col("amount_1000nok").alias("value"),
                    pl.when(pl.col("amount_1000nok").is_null()).then(pl.lit("..")).otherwise(pl.lit("")).alias("status"))
    return out, labels, skipped
