"""Plan export and import: lossless JSON and an Excel register.

JSON (``format: gevinst-plan``): the organisation's live initiatives with their
decision points, benefit map, benefits and measurements. Objects carry their
database ``id`` for reference, but links inside the file use local keys
(``t1``, ``b1``, ``n1``), so export → import into an empty organisation →
export gives the same document apart from ids and timestamps.

Excel: a register with a benefits sheet («Gevinster») and a measurements sheet
(«Målinger»), numbers as numbers with Norwegian-friendly number formats; before saving,
:func:`gevinst.reports.xlsx.protect_text` makes formula-looking text a quote-prefixed text cell.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gevinst.accounts.models import Membership, Organisation
from gevinst.errors import DataFormatError, UserError
from gevinst.reports.xlsx import append_row, protect_text

from . import audit
from .models import Benefit, DecisionPoint, Initiative, MapEdge, MapNode, Measurement

FORMAT = "gevinst-plan"
FORMAT_VERSION = 1

INITIATIVE_FIELDS = ("name", "description", "area", "owner", "phase", "change_start", "one_off_cost",
                     "yearly_cost", "risk", "risk_notes", "is_example")
BENEFIT_FIELDS = ("name", "description", "axis", "value_class", "indicator", "custom_indicator", "custom_unit",
                  "custom_direction", "custom_result_type", "baseline_value", "baseline_date", "baseline_source",
                  "baseline_from_data", "baseline_vintage", "target_value", "target_date", "intermediate_targets",
                  "expected_yearly_nok", "freed_capacity_use", "prerequisites", "dis_benefits", "status",
                  "budget_line", "budget_year", "frequency", "measurement_responsible")
MEASUREMENT_FIELDS = ("value", "date", "comment", "automatic", "source")
DATE_FIELDS = {"change_start", "baseline_date", "target_date", "date"}
DECIMAL_FIELDS = {"one_off_cost", "yearly_cost", "expected_yearly_nok"}


def _out(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _user_ref(user) -> str | None:
    return user.get_username() if user else None


def benefit_key(pk: int) -> str:
    return f"gevinst:{pk}"


def node_key(pk: int) -> str:
    return f"node:{pk}"


def export_plan(organisation: Organisation) -> dict:
    """The organisation's live plan as plain data (also the plan check's input)."""
    initiatives = []
    for ti, ini in enumerate(Initiative.objects.live().filter(organisation=organisation).order_by("id"), start=1):
        d = {"id": ini.pk, "key": f"t{ti}", **{f: _out(getattr(ini, f)) for f in INITIATIVE_FIELDS}}
        d["decision_points"] = [
            {"code": p.code, "date": _out(p.date), "decision": p.decision}
            for p in ini.decision_points.order_by("code")
        ]
        keys = {"tiltak": "tiltak"}
        benefits = []
        for bi, b in enumerate(ini.benefits.live().select_related("owner").order_by("id"), start=1):
            keys[benefit_key(b.pk)] = f"b{bi}"
            bd = {"id": b.pk, "key": f"b{bi}", **{f: _out(getattr(b, f)) for f in BENEFIT_FIELDS}}
            bd["owner"] = _user_ref(b.owner)
            bd["measurements"] = [
                {"id": m.pk, **{f: _out(getattr(m, f)) for f in MEASUREMENT_FIELDS},
                 "recorded_by": _user_ref(m.recorded_by)}
                for m in b.measurements.live().select_related("recorded_by").order_by("date", "id")
            ]
            benefits.append(bd)
        nodes = []
        for ni, n in enumerate(ini.map_nodes.order_by("id"), start=1):
            keys[node_key(n.pk)] = f"n{ni}"
            nodes.append({"key": f"n{ni}", "kind": n.kind, "label": n.label})
        edges = [
            {"source": keys[e.source], "target": keys[e.target]}
            for e in ini.map_edges.order_by("id") if e.source in keys and e.target in keys
        ]
        d["map"] = {"nodes": nodes, "edges": edges}
        d["benefits"] = benefits
        initiatives.append(d)
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "organisation": {"slug": organisation.slug, "name": organisation.name, "region": organisation.region},
        "initiatives": initiatives,
    }


def to_json(organisation: Organisation) -> str:
    return json.dumps(export_plan(organisation), ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------ import
def _in(field: str, value):
    if value is None:
        return None
    if field in DATE_FIELDS:
        return dt.date.fromisoformat(str(value)[:10])
    if field in DECIMAL_FIELDS:
        return Decimal(str(value))
    return value


def _user(username, organisation, warnings, what):
    if not username:
        return None
    user = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()
    if user is None or not Membership.objects.filter(user=user, organisation=organisation).exists():
        warnings.append(_("%(what)s: brukeren «%(u)s» er ikke medlem av %(org)s og er utelatt.")
                        % {"what": what, "u": username, "org": organisation.name})
        return None
    return user


#: Control characters refused in one-line fields, and (apart from tab/newline) in text fields.
CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(obj, exclude: list[str]) -> None:
    """Field validation (lengths, choices, numbers) before an imported object is saved;
    unique constraints are left to the database (the import is one transaction)."""
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    errors: dict[str, list[str]] = {}
    for f in obj._meta.concrete_fields:
        value = getattr(obj, f.attname, None)
        if isinstance(value, float) and not math.isfinite(value):
            errors.setdefault(f.name, []).append(_("må være et endelig tall"))
        elif isinstance(value, str) and (CONTROL_TEXT if isinstance(f, models.TextField) else CONTROL_LINE).search(value):
            errors.setdefault(f.name, []).append(_("inneholder kontrolltegn"))
    if errors:
        raise ValidationError(errors)


def import_plan(data: dict, organisation: Organisation | None = None, user=None) -> tuple[Organisation, list[str]]:
    """Add the plan in ``data`` to ``organisation`` (default: the one named in the file).

    All or nothing. Returns the organisation and warnings (e.g. owners who are
    not members). An initiative whose name the organisation already has is refused.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DataFormatError(_("Filen er ikke en gevinstplan fra gevinst (format «%(f)s» mangler).") % {"f": FORMAT},
                              "not a gevinst-plan document")
    if organisation is None:
        slug = (data.get("organisation") or {}).get("slug")
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise UserError(_("Organisasjonen «%(s)s» finnes ikke. Oppgi en organisasjon med --org.") % {"s": slug},
                            f"unknown organisation {slug!r}")
    warnings: list[str] = []
    existing = set(Initiative.objects.live().filter(organisation=organisation).values_list("name", flat=True))
    try:
        with transaction.atomic():
            for ini_d in data.get("initiatives") or []:
                if ini_d.get("name") in existing:
                    raise UserError(_("%(org)s har allerede tiltaket «%(n)s». Ingenting er importert.")
                                    % {"org": organisation.name, "n": ini_d.get("name")},
                                    "duplicate initiative on import")
                ini = Initiative(organisation=organisation,
                                 **{f: _in(f, ini_d.get(f)) for f in INITIATIVE_FIELDS if ini_d.get(f) is not None})
                _clean(ini, exclude=["organisation"])
                audit.save(ini, user, action="import")
                existing.add(ini.name)
                for p in ini_d.get("decision_points") or []:
                    dp = DecisionPoint(initiative=ini, code=p["code"], date=_in("date", p.get("date")),
                                       decision=p.get("decision") or "")
                    _clean(dp, exclude=["initiative"])
                    dp.save()
                keys = {"tiltak": "tiltak"}
                for b_d in ini_d.get("benefits") or []:
                    values = {f: _in(f, b_d.get(f)) for f in BENEFIT_FIELDS if b_d.get(f) is not None}
                    b = Benefit(organisation=organisation, initiative=ini, **values,
                                owner=_user(b_d.get("owner"), organisation, warnings, b_d.get("name", "")))
                    _clean(b, exclude=["organisation", "initiative", "owner"])
                    audit.save(b, user, action="import")
                    keys[b_d["key"]] = benefit_key(b.pk)
                    for m_d in b_d.get("measurements") or []:
                        m = Measurement(organisation=organisation, benefit=b,
                                        **{f: _in(f, m_d.get(f)) for f in MEASUREMENT_FIELDS if m_d.get(f) is not None},
                                        recorded_by=_user(m_d.get("recorded_by"), organisation, warnings,
                                                          b_d.get("name", "")))
                        _clean(m, exclude=["organisation", "benefit", "recorded_by"])
                        audit.save(m, user, action="import")
                for n_d in (ini_d.get("map") or {}).get("nodes") or []:
                    n = MapNode(initiative=ini, kind=n_d["kind"], label=n_d["label"])
                    _clean(n, exclude=["initiative"])
                    n.save()
                    keys[n_d["key"]] = node_key(n.pk)
                for e_d in (ini_d.get("map") or {}).get("edges") or []:
                    if e_d["source"] in keys and e_d["target"] in keys:
                        MapEdge.objects.get_or_create(initiative=ini, source=keys[e_d["source"]],
                                                      target=keys[e_d["target"]])
    except ValidationError as exc:
        problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
        raise DataFormatError(_("Gevinstplanen har ugyldige verdier (%(e)s). Ingenting er importert.")
                              % {"e": problems[:500]}, f"invalid plan document: {exc!r}"[:2000]) from None
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
        raise DataFormatError(_("Gevinstplanen kunne ikke leses: %(e)s. Ingenting er importert.") % {"e": exc},
                              f"bad plan document: {exc!r}") from None
    return organisation, warnings


def strip_volatile(doc: dict) -> dict:
    """``doc`` without ids, versions and timestamps (to compare two exports)."""
    def walk(x):
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items() if k not in ("id", "exported_at", "organisation")}
        if isinstance(x, list):
            return [walk(v) for v in x]
        return x
    return walk(doc)


# ------------------------------------------------------------------ xlsx
def benefit_rows(organisation: Organisation) -> tuple[list[dict], list[dict]]:
    """Flat rows for the register: one per benefit and one per measurement."""
    from gevinst.catalogue import load_catalogue

    from .models import Axis, Status, ValueClass

    cat = load_catalogue()
    doc = export_plan(organisation)
    benefits, measurements = [], []
    for ini in doc["initiatives"]:
        for b in ini["benefits"]:
            ind = cat.find(b["indicator"])
            row = {
                "initiative": ini["name"], "benefit": b["name"], "axis": str(Axis(b["axis"]).label),
                "value_class": str(ValueClass(b["value_class"]).label),
                "owner": b["owner"] or "",
                "indicator": ind.name if ind else (b["custom_indicator"] or ""),
                "unit": ind.unit if ind else (b["custom_unit"] or ""),
                "baseline_value": b["baseline_value"], "baseline_date": _in("date", b["baseline_date"]),
                "baseline_source": b["baseline_source"] or "",
                "target_value": b["target_value"], "target_date": _in("date", b["target_date"]),
                "expected_yearly_nok": b["expected_yearly_nok"], "status": str(Status(b["status"]).label),
                "budget_line": b["budget_line"] or "", "budget_year": b["budget_year"],
                "freed_capacity_use": b["freed_capacity_use"] or "", "dis_benefits": b["dis_benefits"] or "",
            }
            benefits.append(row)
            for m in b["measurements"]:
                measurements.append({
                    "initiative": ini["name"], "benefit": b["name"], "date": _in("date", m["date"]),
                    "value": m["value"], "unit": row["unit"], "comment": m["comment"] or "",
                    "recorded_by": m["recorded_by"] or "", "automatic": _("ja") if m["automatic"] else _("nei"),
                    "source": m["source"] or "",
                })
    return benefits, measurements


NUMBER_FORMATS = {"nok": "#,##0", "value": "#,##0.0#", "date": "dd.mm.yyyy", "year": "0"}


def to_xlsx(organisation: Organisation, path_or_file) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    benefits, measurements = benefit_rows(organisation)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F4E79")
    wb = Workbook()
    sheets = [
        (_("Gevinster"), benefits, [
            ("initiative", _("Tiltak"), None), ("benefit", _("Gevinst"), None), ("axis", _("Type (akse)"), None),
            ("value_class", _("Type (verdi)"), None), ("owner", _("Gevinsteier"), None),
            ("indicator", _("Indikator"), None), ("unit", _("Enhet"), None),
            ("baseline_value", _("Nullpunkt"), "value"), ("baseline_date", _("Nullpunkt – dato"), "date"),
            ("baseline_source", _("Nullpunkt – kilde"), None), ("target_value", _("Målverdi"), "value"),
            ("target_date", _("Måldato"), "date"), ("expected_yearly_nok", _("Forventet årlig verdi (kr)"), "nok"),
            ("status", _("Status"), None), ("budget_line", _("Budsjettpost"), None),
            ("budget_year", _("Budsjettår"), "year"), ("freed_capacity_use", _("Bruk av frigjort kapasitet"), None),
            ("dis_benefits", _("Ulemper"), None),
        ]),
        (_("Målinger"), measurements, [
            ("initiative", _("Tiltak"), None), ("benefit", _("Gevinst"), None), ("date", _("Dato"), "date"),
            ("value", _("Verdi"), "value"), ("unit", _("Enhet"), None), ("comment", _("Kommentar"), None),
            ("recorded_by", _("Registrert av"), None), ("automatic", _("Automatisk fra data"), None),
            ("source", _("Kilde"), None),
        ]),
    ]
    first = True
    for title, rows, cols in sheets:
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = title
        ws.append([label for _k, label, _f in cols])
        for cell in ws[1]:
            cell.font, cell.fill = header_font, header_fill
        formats = {i: NUMBER_FORMATS[fmt] for i, (_k, _label, fmt) in enumerate(cols, start=1) if fmt}
        for r in rows:
            append_row(ws, [r[k] for k, _label, _fmt in cols], formats)
        for i, (_k, label, _f) in enumerate(cols, start=1):
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(12, min(40, len(label) + 4))
        ws.freeze_panes = "A2"
    protect_text(wb)
    wb.save(path_or_file)
