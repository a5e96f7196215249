"""Financial health of a region, database side: reads the stored series, applies norms,
own targets (kommuneloven § 14-2), the ROBEK register and the deflator.

The computations are in :mod:`gevinst.core.finance`; this module gathers the
inputs and writes the texts users read (bokmål, through gettext).
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.db import transaction
from django.utils.translation import gettext as _

from gevinst.core import finance as core
from gevinst.core.formatting import format_number
from gevinst.errors import UserError
from gevinst.sources import bundled
from gevinst.store.models import Variable
from gevinst.store.queries import AGGREGATE_NAMES, observations, read_cache, select_vintages, series

from .models_finance import KEY_FIGURE_CHOICES, FinancialTarget

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
NORMS_PATH = HERE / "norms.toml"
DEFLATOR_PATH = HERE / "deflator.toml"

#: Years of the bundled data: accounts 2015–2025, 12134 2020–2025.
FIRST_YEAR, LAST_YEAR = 2015, 2025
STRUCTURE_YEAR = bundled.LAST_STRUCTURE_YEAR
ACCOUNTS = ["accounts:revenues", "accounts:expenses", "accounts:net_result", "accounts:debt",
            "accounts:investments", "accounts:interest_income", "accounts:interest_expenses"]


def figure_labels() -> dict[str, str]:
    labels = {k: str(v) for k, v in KEY_FIGURE_CHOICES}
    labels["aarets_merforbruk"] = _("Årets merforbruk")
    return labels


def figure_unit_label(fig: core.KeyFigure) -> str:
    if fig.unit == "kr":
        return _("kr per innbygger")
    if fig.id == "egenfinansiering_investeringer":
        return _("% av brutto investeringer")
    return _("% av brutto driftsinntekter")


def missing_reason(fig: core.KeyFigure) -> str:
    return {
        "disposisjonsfond": _("Fondsbeholdningene står ikke i regnskapsuttrekket."),
        "arbeidskapital": _("Omløpsmidler og kortsiktig gjeld står ikke i regnskapsuttrekket."),
        "langsiktig_gjeld": _("Regnskapsuttrekkets gjeld er ikke SSBs langsiktige gjeld (se «gjeld i regnskapsuttrekket»)."),
        "netto_renteeksponering": _("Rentebærende eiendeler (utlån, bankinnskudd) står ikke i regnskapsuttrekket."),
        "egenfinansiering_investeringer": _("Finansieringen av investeringene står ikke i regnskapsuttrekket."),
        "frie_inntekter_per_innbygger": _("Skatt og rammetilskudd står ikke i regnskapsuttrekket."),
        "aarets_merforbruk": _("Årets merforbruk står ikke i regnskapsuttrekket."),
    }.get(fig.id, _("Regnskapstallene mangler for dette året."))


def basis_text(fig: core.KeyFigure, basis: str) -> str:
    if basis == core.PUBLISHED:
        return _("SSB, tabell 12134 (%(code)s)") % {"code": fig.variable.split(":", 1)[1]}
    if basis == core.COMPUTED:
        return _("Beregnet fra KOSTRA-regnskapet (SSB 12137/12362): %(formula)s") % {"formula": fig.fallback.formula()}
    return _("mangler")


# ------------------------------------------------------------------ result
@dataclass
class FinanceResult:
    region: str
    name: str
    structure_year: int
    years: list[int]
    table: pl.DataFrame  # core.key_figure_table
    norms: list[core.Norm]
    typical_targets: list[core.Norm]
    targets: list[core.Norm]
    warnings: list[dict]
    register: dict | None  # the region's ROBEK entry with grounds' texts, or None
    register_published: str
    register_source: str
    real: pl.DataFrame  # core.real_growth
    base_year: int | None
    deflator: core.Deflator
    notes: list[str] = field(default_factory=list)
    is_aggregate: bool = False

    @property
    def latest_year(self) -> int | None:
        have = self.table.filter(pl.col("value").is_not_null())
        return int(have["year"].max()) if have.height else None

    def value(self, key_figure: str, year: int) -> float | None:
        return core.figure_values(self.table, key_figure).get(year)

    def rows(self) -> list[dict]:
        """Flat rows (one per key figure and year) with texts: shared by every export and the page."""
        labels = figure_labels()
        out = []
        for r in self.table.iter_rows(named=True):
            fig = core.FIGURES_BY_ID[r["key_figure"]]
            norm = next((n for n in self.norms if n.key_figure == fig.id and n.scope == "kommune"), None)
            target = core.target_for_year(self.targets, fig.id, r["year"])
            out.append({
                "region": self.region, "region_name": self.name, "year": r["year"], "key_figure": fig.id,
                "name": labels[fig.id], "unit": figure_unit_label(fig), "value": r["value"], "basis": r["basis"],
                "basis_text": basis_text(fig, r["basis"]),
                "published": r["published"], "computed": r["computed"], "flag": r["flag"] or "",
                "norm": norm.value if norm else None, "norm_operator": norm.operator if norm else "",
                "norm_met": norm.met(r["value"]) if norm else None,
                "target": target.value if target else None, "target_operator": target.operator if target else "",
                "target_met": target.met(r["value"]) if target else None,
                "missing_reason": missing_reason(fig) if r["basis"] == core.MISSING else "",
            })
        return out


def _norms():
    return core.load_norms(NORMS_PATH)


def resolve_region(code: str) -> tuple[str, str, bool]:
    """``(code, name, is_aggregate)``; municipalities and the aggregates EAK, EAKUO, EKGnn."""
    code = (code or "").strip().upper()
    if code in AGGREGATE_NAMES:
        return code, AGGREGATE_NAMES[code], True
    if re.fullmatch(r"EKG\d\d", code):
        return code, _("KOSTRA-gruppe %(n)s") % {"n": int(code[3:])}, True
    reg = bundled.registry()
    unit = reg.latest_version(code)  # UnknownRegionError (a UserError) for unknown codes
    if len(code) != 4:
        raise UserError(
            _("Økonomisk helse beregnes for kommuner (og landet, KOSTRA-grupper): %(code)s er et fylke.") % {"code": code},
            f"finance for non-municipality {code}",
        )
    return code, unit.name, False


def _published(variable: str, code: str, years: list[int], aggregate: bool) -> pl.DataFrame | None:
    if not Variable.objects.filter(code=variable).exists():
        return None
    if aggregate:
        obs = select_vintages(observations(variable, years))
        if obs.is_empty():
            return None
        return obs.filter(pl.col("region") == code).select("year", "value", pl.lit("").alias("flag"))
    return series(variable, STRUCTURE_YEAR, years, [code]).select("year", "value", "flag")


def compute_finance(code: str, deflator_path: str | Path | None = None, base_year: int | None = None, *,
                    organisation=None, with_targets: bool = True) -> FinanceResult:
    """Key figures 2015–2025, norms, own targets, ROBEK signs and real growth for ``code``.

    Own targets: ``organisation``'s for the region; without one, the targets
    without an organisation (the command line); ``with_targets=False``: none.
    """
    code, name, aggregate = resolve_region(code)
    years = list(range(FIRST_YEAR, LAST_YEAR + 1))
    notes: list[str] = []
    with read_cache():
        published = {f.variable: _published(f.variable, code, years, aggregate)
                     for f in core.KEY_FIGURES if f.variable}
        published = {k: v for k, v in published.items() if v is not None}
        counts: dict[str, pl.DataFrame] = {}
        if not aggregate:
            for v in ACCOUNTS:
                if Variable.objects.filter(code=v).exists():
                    counts[v] = series(v, STRUCTURE_YEAR, years, [code]).select("year", "value", "flag")
    if aggregate:
        notes.append(_("Regnskapsuttrekket dekker bare et utvalg kommuner, så landet og KOSTRA-grupper vises "
                       "bare med SSBs publiserte nøkkeltall (ingen beregnede tall eller realvekst)."))
    table = core.key_figure_table(published, counts, years)
    # Drop the leading years where nothing at all is known.
    have = table.filter(pl.col("value").is_not_null())
    if have.height:
        first = int(have["year"].min())
        table = table.filter(pl.col("year") >= first)
        years = [y for y in years if y >= first]
    if any(r["flag"] for r in table.iter_rows(named=True)):
        notes.append(_("Tall merket «delvis» eller «anslag» er satt sammen av forgjengerkommuner der ikke "
                       "alle deler har tall, eller fordelt med anslåtte vekter."))

    norms, typical = _norms()
    targets = [core.Norm(t.key_figure, t.operator, t.value, source=t.source, valid_from=t.valid_from)
               for t in FinancialTarget.objects.filter(region=code, organisation=organisation)] if with_targets else []

    register = bundled.robek_register()
    entry = register["municipalities"].get(code)
    reg_info = None
    if entry:
        grounds = core.parse_grounds(entry.get("hjemmel", ""))
        reg_info = {"grounds": [{"code": g, "text": register["grounds"].get(g, "")} for g in grounds],
                    "hjemmel": entry.get("hjemmel", "")}

    deflator = core.load_deflator(deflator_path or DEFLATOR_PATH)
    real = pl.DataFrame(schema=core.REAL_SCHEMA)
    used_base = None
    if counts:
        nominal = {}
        for item, var in (("revenues", "accounts:revenues"), ("expenses", "accounts:expenses")):
            frame = counts.get(var)
            nominal[item] = {y: v for y, v in zip(frame["year"].to_list(), frame["value"].to_list())
                             if v is not None} if frame is not None else {}
        with_data = sorted(set(nominal["revenues"]) | set(nominal["expenses"]))
        if with_data:
            used_base = base_year or with_data[-1]
            if used_base not in deflator.pct and used_base != min(deflator.pct, default=used_base):
                log.info("base year %s outside deflator table", used_base)
            real = core.real_growth(nominal, deflator, used_base)
    return FinanceResult(
        region=code, name=name, structure_year=STRUCTURE_YEAR, years=years, table=table, norms=norms,
        typical_targets=typical, targets=targets, warnings=warning_texts(core.robek_warnings(table), reg_info),
        register=reg_info, register_published=register["published"], register_source=register["source_url"],
        real=real, base_year=used_base, deflator=deflator, notes=notes, is_aggregate=aggregate,
    )


def _pct(v: float) -> str:
    return f"{format_number(v, 1)}\u00a0%"


def warning_texts(warnings: list[core.Warning], reg_info: dict | None) -> list[dict]:
    """Warnings with a title and a text that names the numbers and years driving each."""
    labels = figure_labels()
    out = []
    if reg_info:
        grounds = "; ".join(f"{g['code']}) {g['text']}" for g in reg_info["grounds"])
        out.append({"code": "robek_registrert", "title": _("Står i ROBEK-registeret"),
                    "text": _("Kommunen står i ROBEK-registeret med hjemmel %(h)s: %(g)s") % {"h": reg_info["hjemmel"], "g": grounds},
                    "drivers": [], "ground": reg_info["hjemmel"], "approximate": False})
    titles = {
        "negativt_resultat": _("Negativt netto driftsresultat"),
        "merforbruk": _("Årets merforbruk"),
        "merforbruk_ikke_dekket": _("Merforbruk to år på rad – ikke dekket inn"),
        "oppsamlet_merforbruk": _("Oppsamlet merforbruk over 3 % av driftsinntektene (anslag)"),
        "fallende_resultat_og_fond": _("Fallende resultat og disposisjonsfond"),
    }
    for w in warnings:
        drivers = [{"key_figure": k, "name": labels[k], "year": y, "value": v} for k, y, v in w.drivers]
        listed = ", ".join(f"{d['name'].lower()} {d['year']}: {_pct(d['value'])}" for d in drivers)
        if w.code == "oppsamlet_merforbruk":
            total = -sum(d["value"] for d in drivers)
            text = _("Summen av årets merforbruk de siste årene på rad er %(t)s av driftsinntektene (%(l)s). "
                     "Grensen for ROBEK-hjemmel d er 3 %%. Oppsamlet merforbruk i balansen finnes ikke i dataene; "
                     "summen er et anslag.") % {"t": _pct(total), "l": listed}
        elif w.code == "fallende_resultat_og_fond":
            text = _("Både netto driftsresultat og disposisjonsfondet har falt hvert år de siste tre årene (%(l)s).") % {"l": listed}
        elif w.code == "merforbruk_ikke_dekket":
            text = _("Regnskapet viser merforbruk %(n)s år på rad (%(l)s): merforbruket fra første år er ikke dekket "
                     "inn året etter (jf. ROBEK-hjemmel c).") % {"n": len(drivers), "l": listed}
        elif w.code == "merforbruk":
            text = _("Driftsregnskapet ble gjort opp med merforbruk (%(l)s). Det må dekkes inn, og et budsjett "
                     "vedtatt med merforbruk gir innmelding i ROBEK (hjemmel a).") % {"l": listed}
        else:
            text = _("Netto driftsresultat er negativt (%(l)s): driften bruker mer enn løpende inntekter.") % {"l": listed}
        out.append({"code": w.code, "title": titles[w.code], "text": text, "drivers": drivers,
                    "ground": w.ground, "approximate": w.approximate})
    return out


# ------------------------------------------------------------------ targets
TARGET_RE = re.compile(r"^\s*([a-z_]+)\s*(>=|<=|=|≥|≤)\s*(.+?)\s*$")


def parse_number(text: str) -> float:
    """A number written the Norwegian or the English way: ``1,5``, ``1.5``, ``−2``, ``110 %``."""
    cleaned = (text or "").strip().replace("\u2212", "-").replace("\u00a0", "").replace(" ", "").rstrip("%")
    cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise UserError(_("Verdien må være et tall (for eksempel 1,5)."), f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise UserError(_("Verdien må være et tall (for eksempel 1,5)."), f"not finite: {text!r}")
    return value


def parse_target(spec: str) -> tuple[str, str | None, float]:
    """``"netto_driftsresultat=1.5"`` or ``"langsiktig_gjeld<=110"`` → ``(key, operator or None, value)``."""
    m = TARGET_RE.match(spec or "")
    if not m:
        raise UserError(_("Skriv målet som NØKKELTALL=VERDI, for eksempel netto_driftsresultat=1,5."),
                        f"bad target spec {spec!r}")
    key, op, raw = m.groups()
    op = {"≥": ">=", "≤": "<=", "=": None}.get(op, op)
    return key, op, parse_number(raw)


def save_target(region: str, key_figure: str, value: float, operator: str | None = None,
                valid_from: int | None = None, source: str = "", organisation=None) -> FinancialTarget:
    """Create or update a region's own target (validated; nothing stored on error).

    ``organisation``: the organisation the target belongs to; its region must be ``region``.
    """
    code, _name, aggregate = resolve_region(region)
    if organisation is not None and organisation.region != code:
        raise UserError(_("Organisasjonen %(org)s hører til region %(r)s, ikke %(c)s.")
                        % {"org": organisation.name, "r": organisation.region, "c": code},
                        f"organisation {organisation.slug} not in {code}")
    if aggregate:
        raise UserError(_("Egne økonomiske mål settes for en kommune, ikke for %(c)s.") % {"c": code},
                        f"target for aggregate {code}")
    valid = dict(KEY_FIGURE_CHOICES)
    if key_figure not in valid:
        raise UserError(_("Ukjent nøkkeltall «%(k)s». Velg blant: %(all)s.") % {"k": key_figure, "all": ", ".join(valid)},
                        f"unknown key figure {key_figure!r}")
    fig = core.FIGURES_BY_ID[key_figure]
    if operator is None:
        operator = "<=" if fig.direction == core.LOWER else ">="
    if operator not in core.OPERATORS:
        raise UserError(_("Kravet må være ≥ eller ≤."), f"bad operator {operator!r}")
    valid_from = valid_from if valid_from is not None else LAST_YEAR
    if not 2000 <= int(valid_from) <= 2100:
        raise UserError(_("Året må være mellom 2000 og 2100."), f"bad year {valid_from}")
    if fig.unit == "prosent" and not -100 <= value <= 1000:
        raise UserError(_("Verdien må være en prosent mellom −100 og 1000."), f"percent out of range {value}")
    with transaction.atomic():
        target, _created = FinancialTarget.objects.update_or_create(
            region=code, key_figure=key_figure, valid_from=int(valid_from), organisation=organisation,
            defaults={"operator": operator, "value": float(value), "source": source.strip()},
        )
    log.info("financial target %s %s %s %s from %s", code, key_figure, operator, value, valid_from)
    return target
