"""Exports of the economic room per service: text, CSV, JSON and an Excel workbook.

Every export states the accounts year, the population date, the index vintage
(and whether its sector values are approximate) and the reference used. The
workbook has a «Handlingsrom» sheet (numbers as numbers with Norwegian-friendly
number formats), a «Forutsetninger» sheet (method, dates, notes) and a
«Kilder» sheet. In the workbook formula-looking text is protected by :func:`gevinst.reports.xlsx.protect_text`,
in CSV by :func:`safe_text`.

Sheet names, headers, labels and the text output go through gettext (the msgid is
the bokmål wording); the CSV columns and the JSON keys are a fixed interface and
are not translated.
"""

from __future__ import annotations

import csv
import io
import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gevinst.core.formatting import format_number
from gevinst.reports.baseline_export import safe_text
from gevinst.reports.xlsx import append_row, protect_text

CSV_COLUMNS = [
    "region", "region_name", "year", "service", "label", "functions", "need_sectors", "adjusted",
    "net_expenses_1000nok", "population", "population_date", "index", "index_vintage", "index_approximate",
    "per_inhabitant", "target_group", "target_population", "target_date", "per_target", "need_adjusted",
    "reference", "reference_value", "reference_basis", "reference_n", "reference_of", "difference",
    "potential_nok", "note",
]

#: Lazy: translated where it is used (``str(FORMULA)`` for JSON and openpyxl, which reject the proxy).
FORMULA = gettext_lazy("Behovsjustert = (netto driftsutgifter × 1000) / (folkemengde × sektorindeks); "
                       "potensial = (behovsjustert − referanse) × folkemengde × sektorindeks")


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
        "index": _("Grønt hefte %(vintage)s") % {"vintage": result.index_vintage}, "index_vintage": result.index_vintage,
        "index_approximate": result.index_approximate, "reference": result.reference,
        "reference_label": result.reference_label, "kostra_group": result.kostra_group, "peers": result.peers,
        "formula": str(FORMULA), "total_potential_nok": result.total_potential, "notes": result.notes,
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


def _approximate(result) -> str:
    """« (tilnærmede sektorindekser)» where the index vintage's sector values are approximate."""
    return _(" (tilnærmede sektorindekser)") if result.index_approximate else ""


def to_text(result) -> str:
    lines = [
        _("Handlingsrom per tjeneste: %(name)s (%(code)s), regnskapsår %(year)s%(preliminary)s") % {
            "name": result.region_name, "code": result.region, "year": result.year,
            "preliminary": _(" (foreløpige tall)") if result.preliminary else ""},
        _("Referanse: %(reference)s") % {"reference": result.reference_label},
        _("Folkemengde per %(population_date)s; målgrupper per %(target_date)s; "
          "behovsindeks Grønt hefte %(vintage)s%(approximate)s") % {
            "population_date": result.population_date, "target_date": result.target_date,
            "vintage": result.index_vintage, "approximate": _approximate(result)},
        _("Formel: %(formula)s") % {"formula": FORMULA},
        "",
    ]
    header = (f"{_('Tjeneste'):<34} {_('Kr/innb.'):>9} {_('Indeks'):>7} {_('Behovsj.'):>9} {_('Referanse'):>10} "
              f"{_('Pot. mill. kr'):>13}")
    lines.append(header)
    lines.append("-" * len(header))
    for r in result.rows:
        idx = format_number(r.index, 4) if r.adjusted else "1 (–)"
        lines.append(
            f"{r.label[:34]:<34} {_kr(r.per_inhabitant):>9} {idx:>7} {_kr(r.need_adjusted):>9} "
            f"{_kr(r.reference):>10} {_mill(r.potential):>13}"
        )
    lines.append("-" * len(header))
    lines.append(f"{_('Sum potensial (mill. kr per år)'):<74}{_mill(result.total_potential):>13}")
    lines.append("")
    lines.append(_("Positivt potensial = utgifter over referansen (mulig innsparing); negativt = under."))
    for r in result.rows:
        if r.reference is None:
            lines.append(f"- {r.label}: {r.reference_basis}")
    for n in result.notes:
        lines.append(_("Merk: %(note)s") % {"note": n})
    for e in result.excluded:
        lines.append(_("Utelatt %(label)s (%(functions)s): %(reason)s") % {
            "label": e.label, "functions": "+".join(e.functions), "reason": e.reason})
    lines.append(_("Kilder: %(sources)s") % {"sources": "; ".join(result.sources)})
    return "\n".join(lines) + "\n"


def to_xlsx(result, path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("Handlingsrom")
    ws.append([_("Handlingsrom per tjeneste – %(name)s (%(code)s), regnskapsår %(year)s") % {
        "name": result.region_name, "code": result.region, "year": result.year}])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([_("Referanse: %(reference)s. Folkemengde per %(population_date)s. Grønt hefte %(vintage)s") % {
        "reference": result.reference_label, "population_date": result.population_date,
        "vintage": result.index_vintage} + _approximate(result) + "."])
    ws.append([])
    headers = [_("Tjeneste"), _("KOSTRA-funksjonsgrupper"), _("Netto driftsutgifter (1000 kr)"), _("Folkemengde"),
               _("Kr per innbygger"), _("Målgruppe"), _("Kr per innbygger i målgruppen"), _("Sektorindeks"),
               _("Behovsjustert kr per innbygger"), _("Referanse kr per innbygger"), _("Grunnlag for referansen"),
               _("Differanse kr per innbygger"), _("Potensial kr per år"), _("Merknad")]
    ws.append(headers)
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    formats = {3: "#,##0", 4: "#,##0", 5: "#,##0", 7: "#,##0", 8: "0.0000", 9: "#,##0", 10: "#,##0",
               12: "#,##0", 13: "#,##0"}
    for r in result.rows:
        append_row(ws, [r.label, "+".join(r.functions), r.net_expenses, r.population, r.per_inhabitant,
                        r.target_label, r.per_target, r.index, r.need_adjusted, r.reference,
                        r.reference_basis, r.difference, r.potential, r.note], formats)
    ws.append([_("Sum"), None, None, None, None, None, None, None, None, None, None, None, result.total_potential])
    ws.cell(row=ws.max_row, column=13).number_format = "#,##0"
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    for col, width in zip("ABCDEFGHIJKLMN", (44, 14, 16, 12, 12, 16, 14, 10, 14, 14, 50, 14, 16, 36)):
        ws.column_dimensions[col].width = width

    meta = wb.create_sheet(_("Forutsetninger"))
    m = metadata(result)
    for label, value in [
        (_("Kommune"), f"{result.region_name} ({result.region})"),
        (_("Regnskapsår"), result.year),
        (_("Foreløpige regnskapstall"), _("ja") if result.preliminary else _("nei")),
        (_("Folkemengde (nevner)"), result.population_date),
        (_("Målgrupper (aldersgrupper)"), result.target_date),
        (_("Behovsindeks"), m["index"] + (_(" – tilnærmede sektorindekser") if result.index_approximate else "")),
        (_("Referanse"), result.reference_label),
        (_("KOSTRA-gruppe"), result.kostra_group or ""),
        (_("Formel"), str(FORMULA)),
        (_("Fortegn"), _("Positivt = utgifter over referansen (mulig innsparing); negativt = under referansen.")),
    ]:
        meta.append([label, value])
    for n in result.notes:
        meta.append([_("Merknad"), n])
    for e in result.excluded:
        meta.append([_("Utelatt: %(label)s") % {"label": e.label}, e.reason])
    meta.column_dimensions["A"].width = 28
    meta.column_dimensions["B"].width = 110

    src = wb.create_sheet(_("Kilder"))
    src.append([_("Kilde")])
    for s in result.sources:
        src.append([s])
    src.column_dimensions["A"].width = 120
    protect_text(wb)
    wb.save(path)
