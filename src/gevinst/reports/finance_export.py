"""Financial health exports: text, CSV, JSON and an Excel workbook.

Every format carries the same rows (:meth:`FinanceResult.rows`): one per key figure and
year with its value, whether it is SSB's published figure or computed (and from what),
the norm and the region's own target. The workbook adds sheets for ROBEK warning
signs, real growth with the deflator, and the sources. Numbers are written as numbers
with number formats; in the workbook formula-looking text is protected by :func:`gevinst.reports.xlsx.protect_text`,
in CSV by :func:`safe_text`.
"""

from __future__ import annotations

import csv
import io
import json

from django.utils.translation import gettext as _

from gevinst.core.formatting import format_number
from gevinst.reports.baseline_export import safe_text
from gevinst.reports.xlsx import append_row, protect_text

CSV_COLUMNS = [
    "region", "region_name", "year", "key_figure", "name", "unit", "value", "basis", "basis_text",
    "published", "computed", "flag", "norm_operator", "norm", "norm_met", "target_operator", "target",
    "target_met", "missing_reason",
]
REAL_COLUMNS = ["item", "year", "nominal", "deflator_pct", "deflator_status", "price_index", "fixed",
                "nominal_growth", "real_growth"]


#: Number formats of the «Realvekst» sheet's columns.
REAL_FORMATS = {3: "#,##0", 4: "0.0", 6: "0.0000", 7: "#,##0", 8: "0.0", 9: "0.0"}


def _decimals(row: dict) -> int:
    return 0 if row["unit"].startswith("kr") else 1


def real_rows(result) -> list[dict]:
    status = result.deflator.status
    return [dict(r, deflator_status=status.get(r["year"], "")) for r in result.real.iter_rows(named=True)]


def sources(result) -> list[str]:
    out = [
        _("Statistisk sentralbyrå, tabell 12134 (finansielle nøkkeltall, kommunekonsern), via KOSTRA-arbeidsboken for Lørenskog 2020–2025 (2025 foreløpige tall)."),
        _("Statistisk sentralbyrå, tabell 12137/12362 (KOSTRA-regnskap, kommunekonsern), regnskapsuttrekk for 134 kommuner og 14 fylkeskommuner 2015–2025."),
        _("Kommunal- og distriktsdepartementet, ROBEK-registeret publisert %(d)s: %(u)s") % {"d": result.register_published, "u": result.register_source},
        _("Deflator: %(n)s – %(s)s") % {"n": result.deflator.name, "s": result.deflator.source},
    ]
    out += [f"{n.label}: {n.source}" for n in result.norms]
    return out


def to_dict(result) -> dict:
    return {
        "region": result.region, "name": result.name, "structure_year": result.structure_year,
        "key_figures": [{k: r[k] for k in CSV_COLUMNS} for r in result.rows()],
        "norms": [n.__dict__ for n in result.norms],
        "typical_targets": [n.__dict__ for n in result.typical_targets],
        "targets": [n.__dict__ for n in result.targets],
        "robek": {"on_register": result.register is not None, "entry": result.register,
                  "published": result.register_published, "source": result.register_source},
        "warnings": result.warnings,
        "real_growth": {"base_year": result.base_year, "deflator": result.deflator.name,
                        "deflator_source": result.deflator.source, "rows": real_rows(result)},
        "notes": result.notes, "sources": sources(result),
    }


def to_json(result) -> str:
    return json.dumps(to_dict(result), ensure_ascii=False, indent=2)


def to_csv(result) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in result.rows():
        w.writerow({k: safe_text(v) for k, v in r.items()})
    return buf.getvalue()


def to_text(result) -> str:
    lines = [_("Økonomisk helse for %(c)s %(n)s") % {"c": result.region, "n": result.name}, ""]
    latest = result.latest_year
    rows = [r for r in result.rows() if r["year"] == latest]
    lines.append(_("Nøkkeltall %(y)s:") % {"y": latest})
    for r in rows:
        value = format_number(r["value"], _decimals(r)) + (" " + r["unit"] if r["value"] is not None else "")
        extra = []
        if r["norm"] is not None:
            extra.append(_("norm %(op)s %(v)s") % {"op": "≥" if r["norm_operator"] == ">=" else "≤", "v": format_number(r["norm"], 2)})
        if r["target"] is not None:
            extra.append(_("eget mål %(op)s %(v)s (%(ok)s)") % {
                "op": "≥" if r["target_operator"] == ">=" else "≤", "v": format_number(r["target"], 1),
                "ok": _("nådd") if r["target_met"] else _("ikke nådd")})
        lines.append(f"  {r['name']}: {value} – {r['basis_text'] if r['basis'] != 'mangler' else _('mangler') + ': ' + r['missing_reason']}"
                     + (f" [{'; '.join(extra)}]" if extra else ""))
    lines += ["", _("ROBEK:")]
    if not result.warnings:
        lines.append("  " + _("Ingen varselsignaler i dataene."))
    for w in result.warnings:
        lines.append(f"  – {w['title']}: {w['text']}")
    lines.append("  " + _("Budsjett eller økonomiplan vedtatt med merforbruk (hjemmel a og b) står ikke i dataene og må vurderes manuelt."))
    if result.real.height:
        lines += ["", _("Realvekst (faste %(y)s-priser, %(d)s):") % {"y": result.base_year, "d": result.deflator.name}]
        for r in real_rows(result):
            item = _("Driftsinntekter") if r["item"] == "revenues" else _("Driftsutgifter")
            lines.append(f"  {item} {r['year']}: {format_number(r['fixed'], 0)} " + _("1000 kr")
                         + (f", {_('realvekst')} {format_number(r['real_growth'], 1, sign=True)} %" if r["real_growth"] is not None else ""))
    if result.notes:
        lines += ["", *result.notes]
    return "\n".join(lines) + "\n"


def to_xlsx(result, path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("Nøkkeltall")
    heads = [_("År"), _("Nøkkeltall"), _("Enhet"), _("Verdi"), _("Grunnlag"), _("SSB publisert"), _("Beregnet"),
             _("Norm"), _("Eget mål"), _("Mål nådd"), _("Merknad")]
    ws.append([f"{result.region} {result.name}"])
    ws.append(heads)
    for c in ws[2]:
        c.font = Font(bold=True)
    for r in result.rows():
        fmt = "#,##0" if _decimals(r) == 0 else "#,##0.0"
        append_row(ws, [r["year"], r["name"], r["unit"], r["value"], r["basis_text"],
                        r["published"], r["computed"],
                        (f"{r['norm_operator']} {r['norm']}" if r["norm"] is not None else None),
                        (f"{r['target_operator']} {r['target']}" if r["target"] is not None else None),
                        (None if r["target_met"] is None else (_("ja") if r["target_met"] else _("nei"))),
                        r["missing_reason"]], {4: fmt, 6: fmt, 7: "#,##0.00"})

    ws2 = wb.create_sheet(_("ROBEK"))
    ws2.append([_("Varsel"), _("Forklaring"), _("Hjemmel")])
    for w in result.warnings:
        ws2.append([w["title"], w["text"], w["ground"]])
    ws2.append([_("Budsjett/økonomiplan med merforbruk"), _("Står ikke i dataene; må vurderes manuelt."), "a, b"])

    ws3 = wb.create_sheet(_("Realvekst"))
    ws3.append([_("Post"), _("År"), _("Nominelt (1000 kr)"), _("Deflator %"), _("Deflatorstatus"), _("Prisindeks"),
                _("Faste priser (1000 kr)"), _("Nominell vekst %"), _("Realvekst %")])
    for r in real_rows(result):
        append_row(ws3, [_("Driftsinntekter") if r["item"] == "revenues" else _("Driftsutgifter"), r["year"], r["nominal"],
                         r["deflator_pct"], r["deflator_status"], r["price_index"], r["fixed"], r["nominal_growth"],
                         r["real_growth"]], REAL_FORMATS)

    ws4 = wb.create_sheet(_("Kilder"))
    for s in sources(result):
        ws4.append([s])
    for n in result.notes:
        ws4.append([n])
    protect_text(wb)
    wb.save(path)
