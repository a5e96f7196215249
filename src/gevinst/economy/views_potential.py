"""The economic-room page: need-adjusted spending per service against a reference, and the waterfall.

GET parameters (all optional): ``year`` (accounts year), ``reference``
(country, kostra, best-quartile, peers), ``peers`` (municipality codes when
reference is peers) and ``vintage`` (Grønt hefte year). Exports share the
parameters: ``handlingsrom.xlsx|csv|json``.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gevinst.core.formatting import format_number
from gevinst.core.potential import waterfall
from gevinst.economy.charts_potential import waterfall_chart
from gevinst.economy.potential import FIRST_YEAR, LAST_YEAR, compute_potential, need_index_vintages
from gevinst.errors import UnknownRegionError, UserError
from gevinst.reports import potential_export
from gevinst.sources import bundled
from gevinst.web.downloads import EXPORT_TYPES, download
from gevinst.web.forms import DescribedErrorsMixin

_CODES = re.compile(r"^\s*\d{4}(\s*,\s*\d{4})*\s*$")


class PotentialForm(DescribedErrorsMixin, forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Regnskapsår"), required=False,
        help_text=gettext_lazy("For eksempel 2024. Tomt: siste år (%(y)s, foreløpige tall).") % {"y": LAST_YEAR},
        error_messages={"invalid": gettext_lazy("Året må være et helt tall, for eksempel 2024.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 6}),
    )
    reference = forms.ChoiceField(
        label=gettext_lazy("Sammenlign med"), required=False,
        choices=[("country", gettext_lazy("Landet (SSBs publiserte tall)")),
                 ("kostra", gettext_lazy("KOSTRA-gruppen (bare ved full dekning)")),
                 ("best-quartile", gettext_lazy("Beste kvartil i KOSTRA-gruppen")),
                 ("peers", gettext_lazy("Egne sammenligningskommuner"))],
    )
    peers = forms.CharField(
        label=gettext_lazy("Sammenligningskommuner"), required=False, max_length=400,
        help_text=gettext_lazy("Når du sammenligner med egne kommuner: kommunenummer skilt med komma, for eksempel 3201, 3203."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    vintage = forms.ChoiceField(label=gettext_lazy("Behovsindeks (Grønt hefte)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vintage"].choices = [("", _("Standard (regnskapsåret + 1)"))] + [
            (str(v), str(v)) for v in need_index_vintages()
        ]

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            raise forms.ValidationError(_("Året må være mellom %(first)s og %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR})
        return year

    def clean_peers(self):
        text = (self.cleaned_data.get("peers") or "").strip()
        if text and not _CODES.match(text):
            raise forms.ValidationError(_("Skriv kommunenummer med fire sifre, skilt med komma, for eksempel 3201, 3203."))
        return ",".join(c.strip() for c in text.split(",") if c.strip())

    def clean(self):
        data = super().clean()
        if data.get("reference") == "peers" and not data.get("peers"):
            self.add_error("peers", _("Skriv minst ett kommunenummer å sammenligne med."))
        return data


def _error(request, message: str, status: int, code: str | None = None):
    return render(request, "economy/potential_error.html", {"message": message, "code": code}, status=status)


def _params(request):
    form = PotentialForm(request.GET or None)
    if request.GET and not form.is_valid():
        return form, None
    data = form.cleaned_data if request.GET else {}
    kind = data.get("reference") or "country"
    params = {
        "year": data.get("year") or LAST_YEAR,
        "reference": kind,
        "peers": data.get("peers") or "",
        "vintage": data.get("vintage") or "",
    }
    return form, params


def _compute(code: str, params: dict):
    ref = params["peers"] if params["reference"] == "peers" else params["reference"]
    vintage = int(params["vintage"]) if params["vintage"] else None
    return compute_potential(code, params["year"], ref, vintage)


def _query(params: dict) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return ("?" + urlencode(clean)) if clean else ""


def _rows(result) -> list[dict]:
    out = []
    for r in result.rows:
        out.append({
            "label": r.label, "functions": "+".join(r.functions), "adjusted": r.adjusted,
            "net_expenses": r.net_expenses, "per_inhabitant": r.per_inhabitant, "target_label": r.target_label,
            "per_target": r.per_target, "index": r.index, "need_adjusted": r.need_adjusted,
            "reference": r.reference, "reference_basis": r.reference_basis, "difference": r.difference,
            "potential_mill": None if r.potential is None else r.potential / 1e6, "note": r.note,
            "sign": "" if r.potential is None else ("up" if r.potential > 0 else "down"),
        })
    return out


def potential_page(request, code: str):
    try:
        unit = bundled.registry().latest_version(code.strip())
    except UnknownRegionError as exc:
        return _error(request, exc.message, 404)
    form, params = _params(request)
    context: dict = {"unit": unit, "form": form}
    if params is None:
        context["form_invalid"] = True
        return render(request, "economy/potential.html", context, status=400)
    try:
        result = _compute(unit.code, params)
    except UserError as exc:
        context["error"] = exc.message
        return render(request, "economy/potential.html", context, status=400)
    shown = PotentialForm({"year": result.year, "reference": params["reference"], "peers": params["peers"],
                           "vintage": params["vintage"]})
    shown.is_valid()
    items = [(r.label.split(" (")[0], r.potential) for r in result.rows if r.potential is not None]
    steps = waterfall(items, _("Sum"))
    chart = ""
    if items:
        total = format_number(result.total_potential / 1e6, 1, sign=True)
        chart = waterfall_chart(
            steps, chart_id="handlingsrom-fossefall",
            title=_("Gevinstpotensial per tjeneste, %(name)s %(year)s, mot %(ref)s")
            % {"name": result.region_name, "year": result.year, "ref": result.reference_label},
            description=_("Fossefall i millioner kroner per år, største beløp først. Sum: %(total)s mill. kr. "
                          "Tallene står også i tabellen under.") % {"total": total},
            axis_label=_("millioner kroner per år"),
        )
    q = _query(params | {"year": result.year})
    context.update({
        "form": shown, "result": result, "rows": _rows(result), "chart": chart,
        "total_mill": result.total_potential / 1e6,
        "missing": [r for r in result.rows if r.potential is None],
        "downloads": [
            {"label": _("Last ned Excel (.xlsx)"), "url": reverse("potential:export", args=[unit.code, "xlsx"]) + q},
            {"label": _("Last ned CSV"), "url": reverse("potential:export", args=[unit.code, "csv"]) + q},
            {"label": _("Last ned JSON"), "url": reverse("potential:export", args=[unit.code, "json"]) + q},
        ],
        "formula": potential_export.FORMULA,
    })
    return render(request, "economy/potential.html", context)


def export(request, code: str, fmt: str):
    if fmt not in EXPORT_TYPES:
        return _error(request, _("Ukjent filformat «%(fmt)s». Velg xlsx, csv eller json.") % {"fmt": fmt}, 404)
    try:
        unit = bundled.registry().latest_version(code.strip())
    except UnknownRegionError as exc:
        return _error(request, exc.message, 404)
    form, params = _params(request)
    if params is None:
        return _error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs), 400, unit.code)
    try:
        result = _compute(unit.code, params)
    except UserError as exc:
        return _error(request, exc.message, 400, unit.code)
    stem = f"handlingsrom_{unit.code}_{result.year}_{result.reference}"
    return download(result, potential_export, stem, fmt)
