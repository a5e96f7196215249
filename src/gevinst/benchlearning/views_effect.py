"""The "did it work?" pages: /region/<kode>/effekt/ (choose an indicator and a change year) and
/region/<kode>/effekt/<indikator>/?fra=ÅR — before/after, DiD with event study, synthetic control."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gevinst.catalogue import load_catalogue
from gevinst.core.formatting import format_number
from gevinst.errors import UserError
from gevinst.sources import bundled
from gevinst.web.downloads import download

from . import charts_effect as charts
from . import effect_export
from .effect import attachable_benefits, estimate_effect, save_estimates

COMPARISONS = [("country", gettext_lazy("Hele landet")), ("kostra", gettext_lazy("KOSTRA-gruppen")),
               ("county", gettext_lazy("Fylket"))]


class EffectForm(forms.Form):
    fra = forms.IntegerField(label=gettext_lazy("Første år etter endringen"), min_value=2001, max_value=2100,
                             help_text=gettext_lazy("En sammenslåing 1. januar 2020 gir 2020."),
                             error_messages={"required": gettext_lazy("Skriv inn endringsåret."),
                                             "invalid": gettext_lazy("Endringsåret må være et årstall.")})
    sammenligning = forms.ChoiceField(label=gettext_lazy("Sammenligningsgruppe"), choices=COMPARISONS, required=False)


def _error(request, message: str, status: int):
    return render(request, "baselines/error.html", {"message": message}, status=status)


def _default_year(code: str) -> int | None:
    reg = bundled.registry()
    if not reg.knows(code):
        return None
    start = reg.history(code)[0]
    if start.first_year is not None and reg.predecessors(start.code):
        return start.first_year
    return None


def choose(request, code: str):
    reg = bundled.registry()
    if not reg.knows(code):
        raise Http404(_("Ukjent region"))
    indicator = request.GET.get("indikator")
    if indicator:
        url = reverse("benchlearning_effect:page", args=[code, indicator])
        return HttpResponseRedirect(f"{url}?{request.GET.urlencode()}")
    cat = load_catalogue()
    inds = [i for i in cat.indicators if i.level == "kommune" and i.kind in ("ratio", "level")]
    return render(request, "benchlearning/effect_choose.html", {
        "code": code, "name": reg.name(code), "indicators": inds, "default_year": _default_year(code) or ""})


def _compute(request, code: str, indicator: str):
    data = request.GET.copy()
    if "fra" not in data and _default_year(code):
        data["fra"] = str(_default_year(code))
    form = EffectForm(data)
    if not form.is_valid():
        raise UserError(" ".join(e for errs in form.errors.values() for e in errs), "invalid effect form")
    return estimate_effect(code, indicator, form.cleaned_data["fra"],
                           comparison=form.cleaned_data.get("sammenligning") or "country"), form


def effect(request, code: str, indicator: str):
    try:
        result, form = _compute(request, code, indicator)
    except UserError as exc:
        return _error(request, exc.message, 400)
    saved = False
    attached = None
    benefits = attachable_benefits(request.user, result.indicator_id)
    if request.method == "POST":
        benefit = None
        raw = (request.POST.get("gevinst") or "").strip()
        if raw:
            # only the user's own organisations' benefits (editor, or owner of the benefit): anything else is 404
            benefit = benefits.filter(pk=int(raw)).first() if raw.isdigit() else None
            if benefit is None:
                raise Http404("benefit not found")
        try:
            save_estimates(result, benefit=benefit, user=request.user)
        except UserError as exc:
            return _error(request, exc.message, 400)
        saved = True
        attached = benefit
    r = result
    chart = charts.treated_vs_synthetic(
        r.years, r.treated, r.scm.synthetic if r.scm else None, r.comparison_mean, r.change_year,
        labels={"treated": r.region_name, "synthetic": _("Syntetisk %(name)s") % {"name": r.region_name},
                "comparison": _("Snitt sammenligningsgruppen"), "change": _("Endring %(y)s") % {"y": r.change_year}},
        chart_id="effekt-syntetisk",
        title=_("%(name)s mot syntetisk kontroll: %(ind)s") % {"name": r.region_name, "ind": r.indicator_name},
        description=_("Linjediagram %(a)s–%(b)s; endringsåret %(y)s er markert. Tallene står i tabellen under.")
        % {"a": r.years[0], "b": r.years[-1], "y": r.change_year})
    event_svg = ""
    event_rows = []
    if r.did:
        d = r.did
        event_svg = charts.event_study(
            d.event_time, d.event_estimates, d.event_ci, chart_id="effekt-hendelse",
            title=_("Hendelsesstudie: forskjell mot sammenligningsgruppen per år før og etter endringen"),
            description=_("Punkter med 95 %-intervall per år relativt til endringen; året før er referanse (0). "
                          "Tallene står i tabellen under."))
        event_rows = [{"k": k, "year": y, "est": format_number(b, 2), "lo": format_number(lo, 2), "hi": format_number(hi, 2),
                       "ref": k == -1}
                      for k, y, b, (lo, hi) in zip(d.event_time, r.years, d.event_estimates, d.event_ci)]
    year_rows = [{"year": y, "treated": format_number(r.treated[i], 2),
                  "synthetic": format_number(r.scm.synthetic[i], 2) if r.scm else "–",
                  "gap": format_number(r.scm.gaps[i], 2) if r.scm else "–",
                  "comparison": format_number(r.comparison_mean[i], 2), "post": y >= r.change_year}
                 for i, y in enumerate(r.years)]

    def fmt(v, d=2):
        return format_number(v, d) if v is not None else "–"

    summary = [{"label": row["label"], "estimate": fmt(row["estimate"]),
                "interval": f"{fmt(row['low'])} til {fmt(row['high'])}" if row["low"] is not None else "–",
                "p": fmt(row["p"], 3), "n": row["n"] if row["n"] is not None else "–", "basis": row["basis"]}
               for row in effect_export.summary_rows(r)]
    weights = [{"code": c, "name": n, "weight": format_number(w * 100, 1)} for c, n, w in r.top_weights(10)]
    query = request.GET.urlencode()
    downloads = [{"label": lbl, "url": reverse("benchlearning_effect:export", args=[code, indicator, fmt_]) + (f"?{query}" if query else "")}
                 for fmt_, lbl in (("csv", _("Last ned CSV")), ("json", _("Last ned JSON")))]
    return render(request, "benchlearning/effect.html", {
        "r": r, "form": form, "chart": chart, "event_svg": event_svg, "event_rows": event_rows,
        "year_rows": year_rows, "summary": summary, "weights": weights, "downloads": downloads, "saved": saved,
        "benefits": benefits, "attached": attached,
        "pre_rmspe": fmt(r.scm.pre_rmspe, 3) if r.scm else None,
        "pretrend_p": fmt(r.did.pretrend_p, 3) if r.did and r.did.pretrend_p is not None else None,
        "raw_before": fmt(r.before_after.mean_before), "raw_after": fmt(r.before_after.mean_after),
        "excluded": ", ".join(f"{c} {n}" for c, n in r.excluded),
    })


def export(request, code: str, indicator: str, fmt: str):
    if fmt not in ("csv", "json"):
        raise Http404(_("Ukjent format"))
    try:
        result, _form = _compute(request, code, indicator)
    except UserError as exc:
        return _error(request, exc.message, 400)
    return download(result, effect_export, f"effekt_{result.region}_{result.indicator_id}_{result.change_year}", fmt)
