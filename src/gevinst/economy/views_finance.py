"""The financial health page (/region/<kode>/okonomi/): key figures against norms and own
targets, ROBEK warning signs, real growth; a form for the own targets (§ 14-2); exports."""

from __future__ import annotations

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from gevinst.accounts.models import ROLE_RANK, Membership, Role
from gevinst.core import finance as core
from gevinst.core.formatting import format_number
from gevinst.errors import UserError
from gevinst.reports import finance_export
from gevinst.web.downloads import EXPORT_TYPES, download

from . import charts_finance as charts
from .finance import compute_finance, figure_labels, parse_number, resolve_region, save_target
from .models_finance import KEY_FIGURE_CHOICES, OPERATOR_CHOICES

#: Key figures drawn as charts against their norms/targets, in this order.
CHARTED = ["netto_driftsresultat", "disposisjonsfond", "langsiktig_gjeld", "netto_renteeksponering"]


class TargetForm(forms.Form):
    key_figure = forms.ChoiceField(label=gettext_lazy("Nøkkeltall"), choices=KEY_FIGURE_CHOICES)
    operator = forms.ChoiceField(label=gettext_lazy("Krav"), choices=OPERATOR_CHOICES)
    value = forms.CharField(label=gettext_lazy("Verdi (prosent eller kroner)"), max_length=20,
                            help_text=gettext_lazy("For eksempel 1,5"),
                            error_messages={"required": gettext_lazy("Skriv inn en verdi.")})
    valid_from = forms.CharField(label=gettext_lazy("Gjelder fra år"), max_length=4,
                                 error_messages={"required": gettext_lazy("Skriv inn året målet gjelder fra.")})
    source = forms.CharField(label=gettext_lazy("Vedtak eller kilde"), max_length=300, required=False,
                             help_text=gettext_lazy("For eksempel «Kommunestyret sak 45/24»"))

    def clean_value(self):
        try:
            return parse_number(self.cleaned_data["value"])
        except UserError as exc:
            raise forms.ValidationError(exc.message) from None

    def clean_valid_from(self):
        raw = self.cleaned_data["valid_from"].strip()
        if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
            raise forms.ValidationError(_("Året må være et årstall mellom 2000 og 2100."))
        return int(raw)


def _error(request, message: str, status: int):
    return render(request, "baselines/error.html", {"message": message}, status=status)


def _pct(value, unit: str) -> str:
    if value is None:
        return _("mangler")
    return format_number(value, 0 if unit.startswith("kr") else 1)


def _op(op: str) -> str:
    return "≥" if op == ">=" else "≤"


def _context(result, form: TargetForm) -> dict:
    labels = figure_labels()
    rows = result.rows()
    latest = result.latest_year
    years = [y for y in result.years]
    by_fig: dict[str, list[dict]] = {}
    for r in rows:
        by_fig.setdefault(r["key_figure"], []).append(r)
    summary = []
    for fig in core.KEY_FIGURES:
        rs = {r["year"]: r for r in by_fig.get(fig.id, [])}
        r = rs.get(latest)
        if r is None:
            continue
        summary.append({
            **r, "display": _pct(r["value"], r["unit"]),
            "norm_text": (f"{_op(r['norm_operator'])} {format_number(r['norm'], 2)}" if r["norm"] is not None else ""),
            "target_text": (f"{_op(r['target_operator'])} {format_number(r['target'], 1)}" if r["target"] is not None else ""),
            "series": [{"year": y, "display": _pct(rs[y]["value"], r["unit"]), "basis": rs[y]["basis"]} for y in years if y in rs],
        })
    figures = []
    for fid in CHARTED:
        fig = core.FIGURES_BY_ID[fid]
        rs = by_fig.get(fid, [])
        if not any(r["value"] is not None for r in rs):
            continue
        lines = []
        for n in result.norms:
            if n.key_figure == fid:
                lines.append(charts.RefLine(f"{n.label} ({_op(n.operator)} {format_number(n.value, 2)} %)", n.value))
        target = core.target_for_year(result.targets, fid, latest or 0)
        if target:
            lines.append(charts.RefLine(_("Eget mål (%(op)s %(v)s %%)") % {"op": _op(target.operator), "v": format_number(target.value, 1)},
                                        target.value, "chart-target"))
        bars = [charts.YearBar(r["year"], r["value"], r["basis"] == core.COMPUTED) for r in rs]
        desc = "; ".join(f"{r['year']}: {_pct(r['value'], r['unit'])}" for r in rs)
        figures.append({
            "id": fid, "name": labels[fid], "unit": rs[0]["unit"],
            "svg": charts.bars_against_norms(bars, lines, chart_id=f"fig-{fid}",
                                             title=_("%(n)s per år, %(u)s") % {"n": labels[fid], "u": rs[0]["unit"]},
                                             description=desc, computed_label=_("Beregnet fra regnskapet (lys)")),
        })
    real = []
    for r in finance_export.real_rows(result):
        real.append({**r, "item_name": _("Driftsinntekter") if r["item"] == "revenues" else _("Driftsutgifter"),
                     "nominal_text": format_number(r["nominal"], 0), "fixed_text": format_number(r["fixed"], 0),
                     "deflator_text": format_number(r["deflator_pct"], 1),
                     "real_text": format_number(r["real_growth"], 1, sign=True)})
    deflator_rows = [{"year": y, "pct": format_number(p, 1), "status": result.deflator.status.get(y, ""),
                      "note": result.deflator.notes.get(y, "")} for y, p in sorted(result.deflator.pct.items())]
    return {
        "result": result, "latest": latest, "summary": summary, "figures": figures, "real": real,
        "deflator_rows": deflator_rows, "form": form, "years": years,
        "targets": [{"name": labels[t.key_figure], "text": f"{_op(t.operator)} {format_number(t.value, 2)}",
                     "valid_from": t.valid_from, "source": t.source} for t in result.targets],
        "typical": [{"name": labels[t.key_figure], "text": f"{_op(t.operator)} {format_number(t.value, 1)} %"} for t in result.typical_targets],
        "downloads": [{"url": reverse("economy_finance:export", args=[result.region, f]), "label": lab}
                      for f, lab in (("xlsx", _("Last ned Excel")), ("csv", _("Last ned CSV")), ("json", _("Last ned JSON")))],
    }


def _target_access(request, code: str):
    """(organisation, may edit, the user's organisations for the region) for the finance page.

    Own targets belong to an organisation: they are shown to its members when the
    organisation's region is the page's region, and edited by its redaktører and
    administratorer. Anonymous users and non-members see none. With several
    organisations for the region, ``?org=SLUG`` (or the form's ``org``) chooses.
    """
    try:
        region, _name, aggregate = resolve_region(code)
    except UserError:
        return None, False, []
    if aggregate or not getattr(request.user, "is_authenticated", False):
        return None, False, []
    ms = [m for m in Membership.objects.filter(user=request.user).select_related("organisation")
          .order_by("organisation__name") if m.organisation.region == region]
    if not ms:
        return None, False, []
    wanted = (request.POST.get("org") if request.method == "POST" else request.GET.get("org")) or ""
    m = next((x for x in ms if x.organisation.slug == wanted), ms[0])
    may_edit = ROLE_RANK[Role(m.role)] >= ROLE_RANK[Role.REDAKTOR]
    return m.organisation, may_edit, [x.organisation for x in ms]


@require_http_methods(["GET", "POST"])
def finance(request, code: str):
    saved = request.GET.get("lagret") == "1"
    org, may_edit, orgs = _target_access(request, code)
    if request.method == "POST":
        if not getattr(request.user, "is_authenticated", False):
            return redirect_to_login(request.get_full_path())
        if org is None or not may_edit:
            return _error(request, _("Bare redaktører og administratorer i en organisasjon for regionen kan endre "
                                     "de økonomiske målene."), 403)
        form = TargetForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                save_target(code, d["key_figure"], d["value"], d["operator"], d["valid_from"], d["source"],
                            organisation=org)
            except UserError as exc:
                form.add_error(None, exc.message)
            else:
                return HttpResponseRedirect(reverse("economy_finance:page", args=[code.strip().upper()])
                                            + "?" + urlencode({"lagret": "1", "org": org.slug}) + "#mal")
    else:
        form = TargetForm(initial={"key_figure": "netto_driftsresultat", "operator": ">="})
    try:
        result = compute_finance(code, organisation=org, with_targets=org is not None)
    except UserError as exc:
        return _error(request, exc.message, 404)
    context = _context(result, form)
    context.update({"organisation": org, "may_edit": may_edit, "organisations": orgs})
    if not result.is_aggregate and form.initial.get("valid_from") is None and not form.is_bound:
        form.initial["valid_from"] = result.latest_year
    context["saved"] = saved
    return render(request, "economy/finance.html", context, status=400 if form.is_bound else 200)




def export(request, code: str, fmt: str):
    if fmt not in EXPORT_TYPES:
        return _error(request, _("Ukjent filformat «%(fmt)s». Velg xlsx, csv eller json.") % {"fmt": fmt}, 404)
    org, _may_edit, _orgs = _target_access(request, code)
    try:
        result = compute_finance(code, organisation=org, with_targets=org is not None)
    except UserError as exc:
        return _error(request, exc.message, 404)
    stem = f"okonomi_{result.region}"
    return download(result, finance_export, stem, fmt)
