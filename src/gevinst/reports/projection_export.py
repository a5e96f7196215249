"""Perspective analysis exports: text, CSV, JSON and an Excel workbook.

Every projected number carries its method and vintage (the ``method`` column /
``method_label``); numbers are written as numbers with Norwegian-readable
number formats in the workbook; there formula-looking text is protected by :func:`gevinst.reports.xlsx.protect_text`,
in CSV by :func:`safe_text`.

Sheet names, headers and the text output go through gettext (the msgid is the
bokmål wording); the CSV columns, the JSON keys and the metadata keys in the
«Perspektiv» sheet (the same keys as the JSON) are a fixed interface and are not
translated.
"""

from __future__ import annotations

import csv
import io
import json

from django.utils.translation import gettext as _

from gevinst.core.formatting import format_number
from gevinst.core.projection import SERVICES
from gevinst.reports.baseline_export import safe_text
from gevinst.reports.xlsx import append_row, protect_text

SERVICE_NAMES = {s.key: s.name for s in SERVICES}

#: Columns of the per-year table (CSV, JSON ``years``, the workbook's scenario sheet).
YEAR_COLUMNS = [
    "scenario", "method", "year", "basis", "population", "age_20_66", "age_67p", "age_80p",
    "demographic_change_nok", "efficiency_nok", "net_change_nok", "arsverk", "arsverk_per_1000_20_66",
    "revenue_nok", "net_result_nok", "net_result_pct", "gap_nok",
]


def year_rows(result) -> list[dict]:
    out = []
    for s in result.scenarios:
        basis = dict(s.population.select("year", "basis").unique().iter_rows())
        for r in s.totals.iter_rows(named=True):
            row = {"scenario": s.scenario.label, "method": s.method_label, "basis": basis.get(r["year"], "")}
            row.update({k: r.get(k) for k in YEAR_COLUMNS if k in r})
            out.append(row)
    return out


def _meta(result) -> dict:
    return {
        "region": result.region, "region_name": result.region_name, "structure_year": result.structure_year,
        "accounts_year": result.accounts_year, "accounts_preliminary": result.accounts_preliminary,
        "base_year": result.base_year, "latest_registered": result.latest_registered, "to_years": result.to_years,
        "revenue_growth_pct": result.revenue_growth_pct, "revenue_per_inhabitant": result.revenue_per_inhabitant,
        "target_pct": result.target_pct, "prices": _("faste %(year)s-kroner") % {"year": result.accounts_year},
        "notes": result.notes, "backtest_2016_vintage": result.backtest,
        "plan_benefits": getattr(result, "plan_benefits", []),
    }


def to_json(result) -> str:
    return json.dumps(
        {
            **_meta(result),
            "unit_costs": result.units.to_dicts(),
            "arsverk_base": [{"service": k, "arsverk": v, "source": result.arsverk_sources.get(k)}
                             for k, v in result.arsverk_base.items()],
            "years": year_rows(result),
            "services": [
                {"scenario": s.scenario.label, **r} for s in result.scenarios
                for r in s.cost.filter(s.cost["year"].is_in(result.to_years)).to_dicts()
            ],
        },
        ensure_ascii=False, indent=1, default=str,
    )


def to_csv(result) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=["region", *YEAR_COLUMNS], extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for row in year_rows(result):
        w.writerow({"region": result.region,
                    **{k: safe_text(v) if isinstance(v, str) else ("" if v is None else v) for k, v in row.items()}})
    return buf.getvalue()


def to_text(result) -> str:
    lines = [
        _("Perspektivanalyse for %(r)s %(n)s (kommunestruktur %(s)s)") % {
            "r": result.region, "n": result.region_name, "s": result.structure_year},
        _("Regnskapsår %(y)s%(p)s, faste %(y)s-kroner; befolkning 1.1.%(b)s (siste registrerte 1.1.%(l)s).") % {
            "y": result.accounts_year, "p": _(" (foreløpig)") if result.accounts_preliminary else "",
            "b": result.base_year, "l": result.latest_registered},
        _("Inntektsforutsetning: %(m)s, realvekst %(g)s %% per år. Mål for netto driftsresultat: %(t)s %%.") % {
            "m": _("inntekt per innbygger holdes fast") if result.revenue_per_inhabitant else _("samlet inntekt holdes fast"),
            "g": format_number(result.revenue_growth_pct, 1), "t": format_number(result.target_pct, 2)},
        "",
    ]
    for s in result.scenarios:
        lines.append(f"{s.scenario.label}: {s.method_label}")
        base = s.totals.filter(s.totals["year"] == result.base_year).to_dicts()[0]
        for y in result.to_years:
            r = s.totals.filter(s.totals["year"] == y).to_dicts()[0]
            lines.append("  " + _("%(y)s: folketall %(p)s (i dag %(p0)s), 80 år og over %(o)s, demografikostnad "
                                   "%(c)s mill. kr per år, årsverk %(a)s (%(a1)s per 1000 innb. 20–66 år, i dag %(a0)s)") % {
                "y": y, "p": format_number(r["population"]), "p0": format_number(base["population"]),
                "o": format_number(r["age_80p"]), "c": format_number(r["net_change_nok"] / 1e6, 1),
                "a": format_number(r["arsverk"]), "a1": format_number(r["arsverk_per_1000_20_66"], 1),
                "a0": format_number(base["arsverk_per_1000_20_66"], 1)})
            if r.get("net_result_pct") is not None:
                lines.append("    " + _("netto driftsresultat %(n)s %% (%(k)s mill. kr); avstand til målet %(g)s mill. kr") % {
                    "n": format_number(r["net_result_pct"], 1), "k": format_number(r["net_result_nok"] / 1e6, 1),
                    "g": format_number(r["gap_nok"] / 1e6, 1)})
        lines.append("")
    if result.backtest:
        b = result.backtest
        lines.append(_("Kontroll: SSBs framskriving fra %(v)s ga %(p)s innbyggere i %(y)s; registrert %(r)s (%(e)s %%).") % {
            "v": b["vintage"], "p": format_number(b["projected"]), "y": b["year"], "r": format_number(b["registered"]),
            "e": format_number(b["error_pct"], 1, sign=True)})
    lines.extend(result.notes)
    return "\n".join(lines) + "\n"


def to_xlsx(result, path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("Perspektiv")
    bold = Font(bold=True)
    for k, v in _meta(result).items():
        if isinstance(v, (list, dict)):
            v = json.dumps(v, ensure_ascii=False, default=str)
        ws.append([k, v])
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 90

    ys = wb.create_sheet(_("År"))
    ys.append(YEAR_COLUMNS)
    for c in ys[1]:
        c.font = bold
    fmt = {"population": "#,##0", "age_20_66": "#,##0", "age_67p": "#,##0", "age_80p": "#,##0", "arsverk": "#,##0.0",
           "arsverk_per_1000_20_66": "#,##0.0", "net_result_pct": "#,##0.0"}
    for row in year_rows(result):
        values = [row.get(k) for k in YEAR_COLUMNS]
        append_row(ys, values, {i: fmt.get(k, "#,##0") for i, (k, v) in enumerate(zip(YEAR_COLUMNS, values), start=1)
                                if isinstance(v, float)})

    us = wb.create_sheet(_("Enhetskostnader"))
    us.append([_("tjeneste"), _("aldersgruppe"), _("andel"), _("netto driftsutgifter (kr)"), _("målgruppe"),
               _("kr per innbygger i gruppen"), _("årsverk i dag"), _("kilde årsverk")])
    for c in us[1]:
        c.font = bold
    for r in result.units.iter_rows(named=True):
        append_row(us, [SERVICE_NAMES.get(r["service"], r["service"]), r["group"], r["share"], r["net_expenses_nok"],
                        r["target_pop"], r["unit_cost"], result.arsverk_base.get(r["service"]),
                        result.arsverk_sources.get(r["service"], "")],
                   {3: "0.00", 4: "#,##0", 5: "#,##0", 6: "#,##0", 7: "#,##0.0"})

    src = wb.create_sheet(_("Kilder"))
    for line in (
        _("SSB 07459: folkemengde 1. januar etter alder (ettårig 2023; aldersgrupper 2005–2026), omregnet til "
          "kommunestrukturen %(year)s.") % {"year": result.structure_year},
        _("SSB KOSTRA 12137/12362 (regnskapsuttrekk, 1000 kr): netto og brutto driftsutgifter per funksjonsgruppe, "
          "driftsinntekter, netto driftsresultat."),
        _("SSB KOSTRA 12209: årsverk i helse og omsorg per 10 000 innbyggere (der det finnes)."),
        _("SSB regional befolkningsframskriving 2016 (kontroll av forrige framskriving)."),
        _("Metode: %(document)s") % {"document": "docs/methods-projection.md"},
    ):
        src.append([line])
    protect_text(wb)
    wb.save(path)
