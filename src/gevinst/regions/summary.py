"""Everything gevinst knows about one region, as plain data (for the CLI, the page and the API)."""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext_lazy as _

from gevinst.core.regions import FYLKE, KOMMUNE, Change, UnitVersion
from gevinst.sources import bundled

CHANGE_KIND_LABELS = {
    "renumbering": _("nytt nummer"),
    "merger": _("sammenslåing"),
    "split": _("deling"),
    "name": _("navneendring"),
    "boundary": _("grenseendring"),
    "recreated": _("gjenopprettet ved deling"),
}

LEVEL_LABELS = {KOMMUNE: _("kommune"), FYLKE: _("fylke")}


def _period(v: UnitVersion) -> dict:
    return {"from": v.first_year, "to": v.last_year}


def change_dict(c: Change) -> dict:
    """A change as plain data (CLI JSON, pages)."""
    return {
        "year": c.year,
        "date": f"{c.year}-01-01",
        "kind": c.kind,
        "kind_label": str(CHANGE_KIND_LABELS.get(c.kind, c.kind)),
        "from_code": c.from_code,
        "from_name": c.from_name,
        "to_code": c.to_code,
        "to_name": c.to_name,
        "share": round(c.share, 4) if c.share is not None else None,
    }


def region_summary(code: str) -> dict:
    """Name, validity, code history, predecessors/successors, county, KOSTRA group, population.

    Raises :class:`~gevinst.errors.UnknownRegionError` for an unknown code.
    """
    reg = bundled.registry()
    aggregate = reg.aggregate(code)
    if aggregate is not None:
        return _aggregate_summary(aggregate)
    versions = reg.versions_of(code)
    latest = versions[-1]
    lineage = reg.history(code)
    history = []
    for v in lineage:
        ended = reg.changes_from(v.code, v.last_year + 1) if v.last_year is not None else []
        history.append({
            "code": v.code, "name": v.name, **_period(v),
            "ended_by": [change_dict(c) for c in ended],
        })
    first, last = lineage[0], lineage[-1]
    current_year = reg.last_year if latest.last_year is None else latest.last_year
    out: dict = {
        "code": code,
        "name": latest.name,
        "level": latest.level,
        "level_label": str(LEVEL_LABELS[latest.level]),
        "valid_from": latest.first_year,
        "valid_to": latest.last_year,
        "current": latest.last_year is None,
        "current_code": last.code if last.last_year is None else None,
        "history": history,
        "predecessors": [change_dict(c) for c in reg.predecessors(first.code)] if first.first_year else [],
        "successors": [change_dict(c) for c in reg.successors(last.code)] if last.last_year is not None else [],
        "first_year_covered": reg.structure_years[0],
        "source": "SSB KLASS, klassifikasjon 131 (kommuner) og 104 (fylker)",
    }
    if latest.level == KOMMUNE:
        county = reg.county_of(code, current_year)
        out["county"] = {"code": county.code, "name": county.name} if county else None
        attrs = bundled.region_attributes().filter(pl.col("region") == last.code).sort("year")
        if attrs.height:
            a = attrs.row(-1, named=True)
            out["kostra_group"] = {"code": a["kostra_group"], "name": a["kostra_group_name"], "year": a["year"],
                                   "source": "SSB, KOSTRA-gruppering 2024"}
            out["centrality"] = {"value": a["centrality"], "year": a["year"], "source": "SSB, sentralitetsindeks"}
        robek = bundled.robek_register()
        entry = robek["municipalities"].get(last.code)
        out["robek"] = {
            "listed": entry is not None,
            "grounds": entry["hjemmel"] if entry else None,
            "date": robek["published"],
            "source": "KDD, ROBEK-registeret",
        }
        needs = bundled.need_indices().filter(pl.col("region") == last.code)
        out["need_indices"] = [
            {"vintage": r["vintage"], "sector": r["sector"], "index": r["index"], "approximate": r["approximate"]}
            for r in needs.sort(["vintage", "sector"]).iter_rows(named=True)
        ]
    else:
        out["municipalities"] = [
            {"code": v.code, "name": v.name}
            for v in reg.units_at(current_year, KOMMUNE) if v.code[:2] == code and v.atoms <= latest.atoms
        ]
    pop_year = max((y for (c, y) in reg._population if c == last.code), default=None)
    out["population"] = (
        {"value": int(reg.population(last.code, pop_year)), "year": pop_year, "region": last.code,
         "source": "Statistisk sentralbyrå, tabell 07459 (1. januar)"}
        if pop_year is not None else None
    )
    return out


def _aggregate_summary(agg) -> dict:
    """An SSB aggregate (EAK, EAKUO, EKGnn, EKAnn): its members in the current structure."""
    from gevinst.store.queries import aggregate_members

    reg = bundled.registry()
    members = aggregate_members(agg.code, reg.last_year) or []
    return {
        "code": agg.code, "name": agg.name, "level": "aggregat", "level_label": "aggregat",
        "description": agg.description, "current": True,
        "members": [{"code": m, "name": reg.name(m) if reg.knows(m) else m} for m in members],
        "members_year": reg.last_year,
        "source": "SSB, regionkoder for KOSTRA-aggregater" + (" og KOSTRA-gruppering 2024" if agg.code.startswith("EKG") else ""),
    }
