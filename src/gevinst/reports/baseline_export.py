"""Baseline exports: a workbook shaped like the KS tool, and CSV/JSON with the same content.

Workbook: one sheet per area (indicator, source, SDG, value, peers, trend), a
sources sheet («Kilder») and an SDG sheet («Bærekraftsmål»). Numbers are
written as numbers with number formats, so Norwegian Excel shows ``1 234,5``;
text from data never becomes a formula (cells beginning with ``=``, ``+``,
``-`` or ``@`` are text cells with a quote prefix; in CSV they get a leading ``'``).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import polars as pl
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gevinst.core.baseline import verdict
from gevinst.core.formatting import decimals_for, excel_number_format, format_number
from gevinst.reports.xlsx import append_row, protect_text

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: Marks a workbook column formatted with the row's own decimals (:func:`decimals_for`).
ROW_FORMAT = object()

#: Flat columns of the CSV export (and the rows of the JSON export's ``indicators``).
CSV_COLUMNS = [
    "region", "region_name", "year", "structure_year", "area", "indicator", "name", "unit", "direction",
    "value", "flag", "noise", "ci_low", "ci_high", "trend_first_year", "trend_first_value", "trend_change",
    "trend_slope", "kostra_median", "kostra_weighted_mean", "kostra_rank", "kostra_n", "kostra_position",
    "county_median", "county_weighted_mean", "county_rank", "county_n", "county_position",
    "country_median", "country_weighted_mean", "country_rank", "country_n", "country_position",
    "custom_median", "custom_rank", "custom_n", "custom_position",
    "country_value", "country_value_basis", "country_excl_oslo_value", "kostra_group", "kostra_group_value",
    "kostra_group_value_basis", "position", "position_basis", "sdg", "source",
]


def safe_text(value: Any) -> Any:
    """Text that a spreadsheet will not evaluate: a leading ``'`` where it would start a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _source_text(ind: dict) -> str:
    """«Statistisk sentralbyrå, tabell 12134 (KOSAGD230000)» from a catalogue frame row."""
    text = ind.get("publisher") or ""
    if ind.get("table"):
        text += f", tabell {ind['table']}"
        if ind.get("contents"):
            text += f" ({ind['contents']})"
    return text


def flat_rows(result) -> list[dict]:
    """One dict per indicator with the baseline, trend and peer statistics (CSV/JSON/xlsx share it)."""
    stats: dict[tuple[str, str], dict] = {
        (r["indicator"], r["group"]): r for r in result.stats.iter_rows(named=True)
    }
    meta = {r["id"]: r for r in result.indicators.iter_rows(named=True)}
    aggregates: dict[tuple[str, str], dict] = {}
    if result.aggregates is not None:
        for a in result.aggregates.filter(pl.col("year") == result.year).iter_rows(named=True):
            aggregates[(a["indicator"], a["region"])] = a
    out = []
    for r in result.rows.iter_rows(named=True):
        m = meta.get(r["indicator"], {})
        row = {
            "region": result.region, "region_name": result.region_name, "year": result.year,
            "structure_year": result.structure_year, "area": m.get("area"), "indicator": r["indicator"],
            "name": m.get("name"), "unit": m.get("unit"), "direction": m.get("direction"),
            "value": r["value"], "flag": r["flag"], "noise": r["noise"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
            "trend_first_year": r["first_year"], "trend_first_value": r["first_value"],
            "trend_change": r["change"], "trend_slope": r["slope"],
            "sdg": m.get("sdg") or "",
            "source": _source_text(m),
        }
        for g in ("kostra", "county", "country", "custom"):
            s = stats.get((r["indicator"], g), {})
            row[f"{g}_median"] = s.get("median")
            row[f"{g}_weighted_mean"] = s.get("weighted_mean")
            row[f"{g}_rank"] = s.get("rank")
            row[f"{g}_n"] = s.get("n")
            row[f"{g}_position"] = s.get("position")
        country = aggregates.get((r["indicator"], "EAK"), {})
        group = aggregates.get((r["indicator"], result.kostra_group), {}) if result.kostra_group else {}
        row["country_value"] = country.get("value")
        row["country_value_basis"] = country.get("basis") if country.get("value") is not None else None
        row["country_excl_oslo_value"] = aggregates.get((r["indicator"], "EAKUO"), {}).get("value")
        row["kostra_group"] = result.kostra_group
        row["kostra_group_value"] = group.get("value")
        row["kostra_group_value_basis"] = group.get("basis") if group.get("value") is not None else None
        for g in ("kostra", "county", "country", "custom"):
            s = stats.get((r["indicator"], g), {})
            row[f"{g}_size"] = s.get("size")
        # Where the region stands: against the country's figure (SSB's, or rebuilt from all
        # municipalities), else against the median of the municipalities with numbers when at
        # least half of them have one; otherwise no verdict.
        if row["country_value"] is not None:
            row["position"] = verdict(r["value"], row["country_value"], row["direction"])
            row["position_basis"] = "landet"
        elif row["country_n"] and row["country_size"] and row["country_n"] >= row["country_size"] / 2:
            row["position"] = verdict(r["value"], row["country_median"], row["direction"])
            row["position_basis"] = "median"
        else:
            row["position"], row["position_basis"] = "", ""
        row["trend"] = [{"year": p["year"], "value": p["value"]} for p in (r["series"] or [])]
        out.append(row)
    return out


def to_csv(result) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for row in flat_rows(result):
        w.writerow({k: safe_text(v) if isinstance(v, str) else ("" if v is None else v) for k, v in row.items()})
    return buf.getvalue()


def to_json(result) -> str:
    return json.dumps(
        {
            "region": result.region, "region_name": result.region_name, "level": result.level,
            "year": result.year, "structure_year": result.structure_year, "area": result.area,
            "peer_groups": result.peer_groups, "notes": result.notes, "vintages": result.vintage_ids,
            "indicators": flat_rows(result),
        },
        ensure_ascii=False, indent=1, default=str,
    )


def to_xlsx(result, path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    rows = flat_rows(result)
    areas = [a for a in dict.fromkeys(r["area"] for r in rows)]
    wb = Workbook()
    wb.remove(wb.active)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F4E79")
    # ROW_FORMAT: the row's own decimals, as on the page (whole kroner, one decimal for shares).
    columns = [
        (_("Indikator"), "name", None, 42), (_("Enhet"), "unit", None, 14), (_("Bærekraftsmål"), "sdg", None, 14),
        (_("Verdi %(year)s") % {"year": result.year}, "value", ROW_FORMAT, 12), (_("Merknad"), "flag", None, 12),
        (_("Landet"), "country_value", ROW_FORMAT, 12), (_("Landet uten Oslo"), "country_excl_oslo_value", ROW_FORMAT, 12),
        (_("KOSTRA-gruppen"), "kostra_group_value", ROW_FORMAT, 12),
        (_("KOSTRA-gruppe, median"), "kostra_median", ROW_FORMAT, 14), (_("Plass i KOSTRA-gruppen"), "kostra_rank", "0", 10),
        (_("Fylket, median"), "county_median", ROW_FORMAT, 12), (_("Kommunene, median"), "country_median", ROW_FORMAT, 12),
        (_("Posisjon"), "position", None, 12),
        (_("Utvikling fra"), "trend_first_year", "0", 10), (_("Endring"), "trend_change", ROW_FORMAT, 10),
        (_("Kilde"), "source", None, 36),
    ]
    for area in areas:
        ws = wb.create_sheet(title=safe_sheet_title(area or _("uten område")))
        ws.append([_("%(code)s %(name)s – nullpunktsmåling %(year)s – %(area)s") % {
            "code": result.region, "name": result.region_name, "year": result.year, "area": area}])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([_structure_line(result)])
        ws.append([])
        ws.append([c[0] for c in columns])
        for i in range(1, len(columns) + 1):
            cell = ws.cell(row=4, column=i)
            cell.font, cell.fill = header_font, header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r in rows:
            if r["area"] != area:
                continue
            row_format = excel_number_format(decimals_for(r["unit"], r["value"]))
            formats = {i: row_format if fmt is ROW_FORMAT else fmt
                       for i, (_label, _key, fmt, _width) in enumerate(columns, start=1) if fmt}
            append_row(ws, [r.get(col[1]) for col in columns], formats)
        for i, (_label, _key, _fmt, width) in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "B5"
    src = wb.create_sheet(_("Kilder"))
    src.append([_("Indikator"), _("Kilde"), _("Begrunnelse"), _("Svakheter"), _("Resultat/effekt")])
    for cell in src[1]:
        cell.font, cell.fill = header_font, header_fill
    meta = {r["id"]: r for r in result.indicators.iter_rows(named=True)}
    for r in rows:
        m = meta.get(r["indicator"], {})
        src.append([r["name"], r["source"], m.get("rationale"), m.get("weaknesses"), m.get("result_type")])
    src.append([])
    src.append([_("Tallene er fra Statistisk sentralbyrå (SSB) og KDD der ikke annet er oppgitt. "
                  "Lisens: NLOD 2.0 / CC BY 4.0.")])
    for col, width in zip("ABCDE", (42, 36, 60, 60, 14)):
        src.column_dimensions[col].width = width
    sdg = wb.create_sheet(_("Bærekraftsmål"))
    sdg.append([_("Bærekraftsmål"), _("Delmål"), _("Indikator"), _("Verdi %(year)s") % {"year": result.year}])
    for cell in sdg[1]:
        cell.font, cell.fill = header_font, header_fill
    for r in rows:
        for target in [t.strip() for t in (r["sdg"] or "").split(",") if t.strip()]:
            append_row(sdg, [int(target.split(".")[0]), target, r["name"], r["value"]],
                       {4: excel_number_format(decimals_for(r["unit"], r["value"]))})
    for col, width in zip("ABCD", (14, 10, 50, 12)):
        sdg.column_dimensions[col].width = width
    protect_text(wb)
    wb.save(path)


def safe_sheet_title(title: str) -> str:
    bad = '[]:*?/\\'
    clean = "".join("_" if ch in bad else ch for ch in title)
    return clean[:31] or _("Ark")


def _structure_line(result) -> str:
    """«Kommunestruktur 2024. Sammenligning: …» (the workbook's second line and the text's)."""
    return _("Kommunestruktur %(structure_year)s. Sammenligning: %(peers)s.") % {
        "structure_year": result.structure_year, "peers": result.peer_description}


def to_text(result) -> str:
    """A readable summary for the terminal (Norwegian number formats)."""
    lines = [_("Nullpunktsmåling %(code)s %(name)s %(year)s") % {
                 "code": result.region, "name": result.region_name, "year": result.year}
             + (f" – {result.area}" if result.area else ""),
             _structure_line(result)]
    lines += [_("Merk: %(note)s") % {"note": n} for n in result.notes]
    lines.append("")
    lines.append(f"{_('Indikator'):<48}{_('Verdi'):>12}{_('Landet'):>12}{_('KOSTRA-gr.'):>12}{_('Median*'):>12}  "
                 + _("Posisjon"))
    rows = flat_rows(result)
    for r in [r for r in rows if r["value"] is not None]:
        median = format_number(r["country_median"], 1)
        coverage = ""
        if r["country_n"] is not None and r["country_size"] and r["country_n"] < r["country_size"]:
            coverage = "  (" + ngettext("%(n)s av %(size)s kommune har tall", "%(n)s av %(size)s kommuner har tall",
                                        r["country_size"]) % {"n": r["country_n"], "size": r["country_size"]} + ")"
        lines.append(
            f"{(r['name'] or r['indicator'])[:47]:<48}{format_number(r['value'], 1):>12}"
            f"{format_number(r['country_value'], 1):>12}{format_number(r['kostra_group_value'], 1):>12}"
            f"{median:>12}  {r['position']}{coverage}"
            + (f"  [{r['flag']}]" if r["flag"] else "")
        )
    lines += ["", _("* Median for kommunene som har tall. Landet og KOSTRA-gruppen er SSBs publiserte tall der de "
                    "finnes, ellers beregnet av tellere og nevnere for alle kommuner. Posisjon: mot landet, ellers mot "
                    "medianen når minst halvparten av kommunene har tall.")]
    missing = sum(1 for r in rows if r["value"] is None)
    if missing:
        lines += ["", ngettext("%(n)s indikator mangler data. Hent den med «%(command)s».",
                               "%(n)s indikatorer mangler data. Hent dem med «%(command)s».", missing) % {
            "n": missing,
            "command": "gevinst fetch catalogue" + (f" --area {result.area}" if result.area else "")}]
    return "\n".join(lines)
