"""Region pages: the searchable list and one page per municipality or county.

Thin views: they ask the registry (:mod:`gevinst.core.regions`), the bundled
attribute tables (:mod:`gevinst.sources.bundled`) and the observation store
(:mod:`gevinst.store.queries`) and hand plain values to the templates, which do
the formatting (``gevinst_format``) and the texts (bokmål through gettext).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import polars as pl
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gevinst.core.formatting import format_number, format_year_span
from gevinst.core.regions import FYLKE, KOMMUNE, RegionRegistry, UnitVersion
from gevinst.errors import UnknownRegionError
from gevinst.regions import charts
from gevinst.regions.summary import change_dict
from gevinst.sources import bundled
from gevinst.web import pagecache

#: The municipal structure every series on the pages is shown in.
STRUCTURE_YEAR = 2024
POPULATION_SOURCE = gettext_lazy("Statistisk sentralbyrå, tabell 07459")
ROBEK_SOURCE = gettext_lazy("KDD, ROBEK-registeret 20.04.2026")
KOSTRA_SOURCE = gettext_lazy("Statistisk sentralbyrå, KOSTRA-gruppering")
CENTRALITY_SOURCE = gettext_lazy("Statistisk sentralbyrå, sentralitetsindeksen")
NEED_SOURCE = gettext_lazy("KDD, Grønt hefte (tabell A-k og E-k)")
KLASS_SOURCE = gettext_lazy("Statistisk sentralbyrå, KLASS (standard for kommuneinndeling og fylkesinndeling)")


LEVELS = {KOMMUNE: gettext_lazy("kommune"), FYLKE: gettext_lazy("fylke")}

AGE_BAND_LABELS = {
    "age_0": gettext_lazy("0 år"),
    "age_1_5": gettext_lazy("1–5 år"),
    "age_6_15": gettext_lazy("6–15 år"),
    "age_16_19": gettext_lazy("16–19 år"),
    "age_20_66": gettext_lazy("20–66 år"),
    "age_67_79": gettext_lazy("67–79 år"),
    "age_80_89": gettext_lazy("80–89 år"),
    "age_90p": gettext_lazy("90 år og eldre"),
}

NEED_SECTOR_LABELS = {
    "samlet": gettext_lazy("Samlet utgiftsbehov"),
    "grunnskole": gettext_lazy("Grunnskole"),
    "pleie": gettext_lazy("Pleie og omsorg"),
    "barnehage": gettext_lazy("Barnehage"),
    "barnevern": gettext_lazy("Barnevern"),
    "sosial": gettext_lazy("Sosialhjelp"),
    "kommunehelse": gettext_lazy("Kommunehelse"),
    "administrasjon": gettext_lazy("Administrasjon"),
}

CENTRALITY_LABELS = {
    1: gettext_lazy("1 – mest sentral"),
    2: gettext_lazy("2"),
    3: gettext_lazy("3"),
    4: gettext_lazy("4"),
    5: gettext_lazy("5"),
    6: gettext_lazy("6 – minst sentral"),
}

FLAG_LABELS = {
    "estimated": gettext_lazy("anslag"),
    "missing_part": gettext_lazy("mangler tall for en del av området"),
}


# ------------------------------------------------------------------ helpers
def _registry() -> RegionRegistry:
    return bundled.registry()


@dataclass(frozen=True)
class Row:
    """A unit in a list: the version, its county (if any) and a period text."""

    unit: UnitVersion
    county: UnitVersion | None = None


def _current_units(reg: RegionRegistry) -> tuple[list[Row], list[Row]]:
    year = reg.last_year
    counties = [Row(u) for u in sorted(reg.units_at(year, FYLKE), key=lambda u: u.code)]
    municipalities = [
        Row(u, reg.county_of(u.code, year)) for u in sorted(reg.units_at(year, KOMMUNE), key=lambda u: u.code)
    ]
    return counties, municipalities


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def _matches(unit: UnitVersion, q: str) -> bool:
    return unit.code.startswith(q) or q in _norm(unit.name)


# -------------------------------------------------------------------- views
def region_list(request):
    reg = _registry()
    q_raw = request.GET.get("q", "").strip()[:100]
    q = _norm(q_raw)
    counties, municipalities = _current_units(reg)
    former: list[dict] = []
    if q:
        counties = [r for r in counties if _matches(r.unit, q)]
        municipalities = [r for r in municipalities if _matches(r.unit, q)]
        for v in reg.versions:
            if v.last_year is None or v.level not in (KOMMUNE, FYLKE):
                continue
            if v.code == q or q in _norm(v.name):
                former.append({"unit": v, "successors": reg.current_successors(v)})
        # exact code or name first ("Ski" before "Askim"), then by code
        former.sort(key=lambda d: (
            not (d["unit"].code == q or _norm(d["unit"].name) == q), d["unit"].code, d["unit"].first_year or 0,
        ))
    return render(
        request,
        "regions/list.html",
        {
            "q": q_raw,
            "counties": counties,
            "municipalities": municipalities,
            "former": former,
            "hits": len(counties) + len(municipalities) + len(former),
            "year": reg.last_year,
        },
    )


def _population_series(code: str) -> pl.DataFrame:
    """``year, value, flag`` in the page's structure (counties are built from their municipalities)."""
    from gevinst.store.queries import series

    return series("population", STRUCTURE_YEAR, regions=[code]).select("year", "value", "flag").sort("year")


def _age_profile(code: str, year: int) -> list[dict]:
    from gevinst.store.queries import series

    rows = []
    for band, label in AGE_BAND_LABELS.items():
        df = series(band, STRUCTURE_YEAR, years=[year], regions=[code])
        value = df["value"][0] if df.height else None
        rows.append({"band": band, "label": label, "value": value})
    total = sum(r["value"] or 0 for r in rows)
    for r in rows:
        r["share"] = (r["value"] / total) if total and r["value"] is not None else None
    return rows


def _attributes(code: str) -> dict | None:
    attrs = bundled.region_attributes().filter(pl.col("region") == code)
    if attrs.is_empty():
        return None
    row = attrs.sort("year").row(-1, named=True)
    members = bundled.kostra_group_members(row["kostra_group"], row["year"])
    reg = _registry()
    row["members"] = [
        {"code": m, "name": reg.name(m), "is_self": m == code} for m in members if reg.knows(m)
    ]
    row["centrality_label"] = CENTRALITY_LABELS.get(row["centrality"], row["centrality"])
    return row


def _need_indices(code: str) -> dict | None:
    df = bundled.need_indices().filter(pl.col("region") == code)
    if df.is_empty():
        return None
    vintages = sorted(df["vintage"].unique().to_list(), reverse=True)
    lookup = {(r["sector"], r["vintage"]): r for r in df.iter_rows(named=True)}
    rows = []
    for sector, label in NEED_SECTOR_LABELS.items():
        cells = []
        for v in vintages:
            r = lookup.get((sector, v))
            cells.append({"value": r["index"] if r else None, "approximate": bool(r and r["approximate"])})
        rows.append({"sector": sector, "label": label, "cells": cells, "total": sector == "samlet"})
    approximate = [v for v in vintages if any(lookup.get((s, v), {}).get("approximate") for s in NEED_SECTOR_LABELS)]
    return {"vintages": vintages, "rows": rows, "approximate_vintages": approximate}


def _history(code: str, reg: RegionRegistry) -> list[dict]:
    out = []
    for v in reg.history(code):
        ended = reg.changes_from(v.code, v.last_year + 1) if v.last_year is not None else []
        out.append(
            {
                "unit": v,
                "period": format_year_span(v.first_year, v.last_year),
                "ended_by": [change_dict(c) for c in ended],
                "is_self": v.code == code,
            }
        )
    return out


def _not_found(request, message: str):
    return render(request, "404.html", {"message": message}, status=404)


def region_detail(request, code: str):
    reg = _registry()
    code = code.strip()
    try:
        versions = reg.versions_of(code)
    except UnknownRegionError as exc:
        return _not_found(request, exc.message)
    unit = versions[-1]
    # The data part is the same for every visitor: computed and rendered once, shared by all
    # server processes (keyed on the region, the structure year, the language and the data).
    body = pagecache.get_or_build("region", (unit.code, code, STRUCTURE_YEAR), lambda: _detail_body(code, reg, unit))
    return render(request, "regions/detail.html", {"unit": unit, "code": code, "body": mark_safe(body)})


def _detail_body(code: str, reg: RegionRegistry, unit: UnitVersion) -> str:
    """The rendered data part of the region page (no request: nothing user-specific)."""
    is_current = unit.last_year is None
    lineage = reg.history(code)
    predecessors = [change_dict(c) for c in reg.predecessors(code)]
    if lineage[0].code != code:
        root_preds = [change_dict(c) for c in reg.predecessors(lineage[0].code, lineage[0].first_year or 0)] \
            if lineage[0].first_year is not None else []
        predecessors = root_preds + [p for p in predecessors if p not in root_preds]
    successors_now = reg.current_successors(unit) if not is_current else []
    context: dict = {
        "unit": unit,
        "code": code,
        "level_label": LEVELS.get(unit.level, unit.level),
        "is_current": is_current,
        "period": format_year_span(unit.first_year, unit.last_year),
        "successors_now": successors_now,
        "same_territory": len(successors_now) == 1 and successors_now[0].atoms == unit.atoms,
        "history": _history(code, reg),
        "predecessors": predecessors,
        "successors": [change_dict(c) for c in reg.successors(code)],
        "county": reg.county_of(code, unit.last_year or reg.last_year) if unit.level == KOMMUNE else None,
        "structure_year": STRUCTURE_YEAR,
        "sources": {
            "population": POPULATION_SOURCE,
            "robek": ROBEK_SOURCE,
            "kostra": KOSTRA_SOURCE,
            "centrality": CENTRALITY_SOURCE,
            "need": NEED_SOURCE,
            "klass": KLASS_SOURCE,
        },
    }
    if unit.level == FYLKE and is_current:
        context["members"] = [
            u for u in sorted(reg.units_at(reg.last_year, KOMMUNE), key=lambda u: u.code) if u.code[:2] == code
        ]
    if is_current:
        context.update(_statistics(code, reg, unit))
    return str(render_to_string("regions/_detail_body.html", context))


def _statistics(code: str, reg: RegionRegistry, unit: UnitVersion) -> dict:
    out: dict = {}
    pop = _population_series(code)
    rows = [
        {"year": r["year"], "value": r["value"], "flag": r["flag"] or "", "flag_label": FLAG_LABELS.get(r["flag"] or "", "")}
        for r in pop.iter_rows(named=True)
    ]
    if rows:
        known = [r for r in rows if r["value"] is not None]
        first, last = known[0], known[-1]
        name = f"{unit.code} {unit.name}"
        out["population"] = {
            "rows": rows,
            "first": first,
            "last": last,
            "flagged": any(r["flag"] for r in rows),
            "chart": mark_safe(  # noqa: S308 - built from escaped parts in charts.py
                charts.line_chart(
                    [charts.LinePoint(r["year"], r["value"], r["flag"]) for r in rows],
                    chart_id="population-chart",
                    title=_("Folkemengde 1. januar %(first)s–%(last)s, %(name)s")
                    % {"first": first["year"], "last": last["year"], "name": name},
                    description=_(
                        "Linjediagram. Folkemengden var %(v1)s i %(y1)s og %(v2)s i %(y2)s. "
                        "Tallene står i tabellen under diagrammet."
                    )
                    % {
                        "v1": format_number(first["value"]),
                        "y1": first["year"],
                        "v2": format_number(last["value"]),
                        "y2": last["year"],
                    },
                    estimated_label=_("Hul prikk: anslag"),
                )
            ),
        }
        age = _age_profile(code, last["year"])
        if any(r["value"] is not None for r in age):
            largest = max((r for r in age if r["value"] is not None), key=lambda r: r["value"])
            out["age"] = {
                "year": last["year"],
                "rows": age,
                "chart": mark_safe(  # noqa: S308
                    charts.bar_chart(
                        [charts.Bar(str(r["label"]), r["value"]) for r in age],
                        chart_id="age-chart",
                        title=_("Folkemengde etter alder 1. januar %(year)s, %(name)s")
                        % {"year": last["year"], "name": name},
                        description=_(
                            "Stolpediagram med %(n)s aldersgrupper. Størst er gruppen %(label)s med %(value)s "
                            "personer. Tallene står i tabellen under diagrammet."
                        )
                        % {"n": len(age), "label": largest["label"], "value": format_number(largest["value"])},
                    )
                ),
            }
    if unit.level == KOMMUNE:
        out["attributes"] = _attributes(code)
        robek = bundled.robek_register()
        entry = robek["municipalities"].get(code)
        out["robek"] = {
            "listed": entry is not None,
            "grounds": [
                {"letter": g, "text": robek["grounds"].get(g, "")}
                for g in (entry or {}).get("hjemmel", "").replace(" og ", ", ").replace(" ", "").split(",")
                if g
            ],
        }
        out["need"] = _need_indices(code)
    return out


def region_population_csv(request, code: str):
    """The population series of the page as CSV (machine-readable: plain numbers, ``.`` decimals)."""
    reg = _registry()
    try:
        unit = reg.latest_version(code)
    except UnknownRegionError as exc:
        return _not_found(request, exc.message)
    if unit.last_year is not None:
        return _not_found(request, _("%(code)s %(name)s er ikke lenger i bruk, og har ingen egen tidsserie.")
                          % {"code": unit.code, "name": unit.name})
    pop = _population_series(code)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="befolkning_{code}_struktur_{STRUCTURE_YEAR}.csv"'
    writer = csv.writer(response)
    writer.writerow(["region", "name", "year", "value", "flag", "structure_year", "source"])
    for r in pop.iter_rows(named=True):
        value = "" if r["value"] is None else (int(r["value"]) if float(r["value"]).is_integer() else r["value"])
        writer.writerow([code, unit.name, r["year"], value, r["flag"] or "", STRUCTURE_YEAR, str(POPULATION_SOURCE)])
    return response
