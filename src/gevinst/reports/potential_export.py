"""Exports of the economic room per service: text, CSV, JSON and an Excel workbook.

Every export states the accounts year, the population date, the index vintage
(and whether its sector values are approximate) and the reference used. The
workbook has a «Handlingsrom» sheet (numbers as numbers with Norwegian-friendly
number formats), a «Forutsetninger» sheet (method, dates, notes) and a
«Kilder» sheet. Text from data goes through :func:`safe_text`.
"""

from __future__ import annotations

import csv
import io
import json

from gevinst.core.formatting import format_number
from gevinst.reports.baseline_export import safe_text
from gevinst.reports.xlsx import append_row

CSV_COLUMNS = [
    "region", "region_name", "year", "service", "label", "functions", "need_sectors", "adjusted",
    "net_expenses_1000nok", "population", "population_date", "index", "index_vintage", "index_approximate",
    "per_inhabitant", "target_group", "target_population", "target_date", "per_target", "need_adjusted",
    "reference", "reference_value", "reference_basis", "reference_n", "reference_of", "difference",
    "potential_nok", "note",
]

FORMULA = "Behovsjustert = (netto driftsutgifter × 1000) / (folkemengde × sektorindeks); " \
          "potensial = (behovsjustert − referanse) × folkemengde × sektorindeks"


def flat_rows(result) -> list[dict]:
    out = []
    for r in result.rows:
        out.append({
            "region": result.region, "region_name": result.region_name, "year": result.year,
            "service": r.key, "label": r.label, "functions": "+".join(r.functions),
            "need_sectors": "+".join(r.need_sectors), "adjusted": r.adjusted,
            "net_expenses_1000nok": r.net_expenses, "population": r.population,
            "population_date": result.population_date, "index": r.index,
            "index_vintage": result.index_vintage if r.adjusted else None,
            "index_approximate": result.index_approximate if r.adjusted else False,
            "per_inhabitant": r.per_inhabitant, "target_group": r.target_label,
            "target_population": r.target_population,
            "target_date": result.target_date if r.target_label != "alle innbyggere" else result.population_date,
            "per_target": r.per_target, "need_adjusted": r.need_adjusted,
            "reference": result.reference_label, "reference_value": r.reference,
            "reference_basis": r.reference_basis, "reference_n": r.reference_n, "reference_of": r.reference_of,
            "difference": r.difference, "potential_nok": r.potential, "note": r.note,
        })
    return out


def metadata(result) -> dict:
    return {
        "region": result.region, "region_name": result.region_name, "accounts_year": result.year,
        "accounts_preliminary": result.preliminary, "structure_year": result.structure_year,
        "population_date": result.population_date, "target_population_date": result.target_date,
        "index": f"Grønt hefte {result.index_vintage}", "index_vintage": result.index_vintage,
        "index_approximate": result.index_approximate, "reference": result.reference,
        "reference_label": result.reference_label, "kostra_group": result.kostra_group, "peers": result.peers,
        "formula": FORMULA, "total_potential_nok": result.total_potential, "notes": result.notes,
        "excluded": [{"functions": list(e.functions), "label": e.label, "reason": e.reason} for e in result.excluded],
        "sources": result.sources,
    }


def to_csv(result) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in flat_rows(result):
        writer.writerow({k: safe_text(v) for k, v in row.items()})
    return buf.getvalue()


def to_json(result) -> str:
    return json.dumps({"metadata": metadata(result), "services": flat_rows(result)}, ensure_ascii=False, indent=2)


def _kr(value, decimals: int = 0) -> str:
    return format_number(value, decimals)


def _mill(value) -> str:
    return format_number(None if value is None else value / 1e6, 1)


def to_text(result) -> str:
    lines = [
        f"Handlingsrom per tjeneste: {result.region_name} ({result.region}), regnskapsår {result.year}"
        + (" (foreløpige tall)" if result.preliminary else ""),
        f"Referanse: {result.reference_label}",
        f"Folkemengde per {result.population_date}; målgrupper per {result.target_date}; "
        f"behovsindeks Grønt hefte {result.index_vintage}" + (" (tilnærmede sektorindekser)" if result.index_approximate else ""),
        f"Formel: {FORMULA}",
        "",
    ]
    header = f"{'Tjeneste':<34} {'Kr/innb.':>9} {'Indeks':>7} {'Behovsj.':>9} {'Referanse':>10} {'Pot. mill. kr':>13}"
    lines.append(header)
    lines.append("-" * len(header))
    for r in result.rows:
        idx = format_number(r.index, 4) if r.adjusted else "1 (–)"
        lines.append(
            f"{r.label[:34]:<34} {_kr(r.per_inhabitant):>9} {idx:>7} {_kr(r.need_adjusted):>9} "
            f"{_kr(r.reference):>10} {_mill(r.potential):>13}"
        )
    lines.append("-" * len(header))
    lines.append(f"{'Sum potensial (mill. kr per år)':<74}{_mill(result.total_potential):>13}")
    lines.append("")
    lines.append("Positivt potensial = utgifter over referansen (mulig innsparing); negativt = under.")
    for r in result.rows:
        if r.reference is None:
            lines.append(f"- {r.label}: {r.reference_basis}")
    for n in result.notes:
        lines.append(f"Merk: {n}")
    for e in result.excluded:
        lines.append(f"Utelatt {e.label} ({'+'.join(e.functions)}): {e.reason}")
    lines.append("Kilder: " + "; ".join(result.sources))
    return "\n".join(lines) + "\n"


def to_xlsx(result, path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Handlingsrom"
    ws.append([safe_text(f"Handlingsrom per tjeneste – {result.region_name} ({result.region}), regnskapsår {result.year}")])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([safe_text(f"Referanse: {result.reference_label}. Folkemengde per {result.population_date}. "
                         f"Grønt hefte {result.index_vintage}"
                         + (" (tilnærmede sektorindekser)." if result.index_approximate else "."))])
    ws.append([])
    headers = ["Tjeneste", "KOSTRA-funksjonsgrupper", "Netto driftsutgifter (1000 kr)", "Folkemengde",
               "Kr per innbygger", "Målgruppe", "Kr per innbygger i målgruppen", "Sektorindeks",
               "Behovsjustert kr per innbygger", "Referanse kr per innbygger", "Grunnlag for referansen",
               "Differanse kr per innbygger", "Potensial kr per år", "Merknad"]
    ws.append(headers)
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    formats = {3: "#,##0", 4: "#,##0", 5: "#,##0", 7: "#,##0", 8: "0.0000", 9: "#,##0", 10: "#,##0",
               12: "#,##0", 13: "#,##0"}
    for r in result.rows:
        append_row(ws, [safe_text(r.label), "+".join(r.functions), r.net_expenses, r.population, r.per_inhabitant,
                        safe_text(r.target_label), r.per_target, r.index, r.need_adjusted, r.reference,
                        safe_text(r.reference_basis), r.difference, r.potential, safe_text(r.note)], formats)
    ws.append(["Sum", None, None, None, None, None, None, None, None, None, None, None, result.total_potential])
    ws.cell(row=ws.max_row, column=13).number_format = "#,##0"
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    for col, width in zip("ABCDEFGHIJKLMN", (44, 14, 16, 12, 12, 16, 14, 10, 14, 14, 50, 14, 16, 36)):
        ws.column_dimensions[col].width = width

    meta = wb.create_sheet("Forutsetninger")
    m = metadata(result)
    for label, value in [
        ("Kommune", f"{result.region_name} ({result.region})"),
        ("Regnskapsår", result.year),
        ("Foreløpige regnskapstall", "ja" if result.preliminary else "nei"),
        ("Folkemengde (nevner)", result.population_date),
        ("Målgrupper (aldersgrupper)", result.target_date),
        ("Behovsindeks", m["index"] + (" – tilnærmede sektorindekser" if result.index_approximate else "")),
        ("Referanse", result.reference_label),
        ("KOSTRA-gruppe", result.kostra_group or ""),
        ("Formel", FORMULA),
        ("Fortegn", "Positivt = utgifter over referansen (mulig innsparing); negativt = under referansen."),
    ]:
        meta.append([label, safe_text(value)])
    for n in result.notes:
        meta.append(["Merknad", safe_text(n)])
    for e in result.excluded:
        meta.append([f"Utelatt: {e.label}", safe_text(e.reason)])
    meta.column_dimensions["A"].width = 28
    meta.column_dimensions["B"].width = 110

    src = wb.create_sheet("Kilder")
    src.append(["Kilde"])
    for s in result.sources:
        src.append([safe_text(s)])
    src.column_dimensions["A"].width = 120
    wb.save(path)
