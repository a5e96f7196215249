"""Pages: similar municipalities (with the distance chart, stability, saving a peer set) and networks.

Thin views over :mod:`gevinst.benchlearning.peers`. The peer form is a GET form
(the page is a query); saving a set is a POST form with CSRF. Numbers are
formatted with ``no_number`` in templates; the chart is server-rendered SVG.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gevinst.accounts.cli import user_organisations
from gevinst.benchlearning import peers as service
from gevinst.benchlearning.charts_peers import PeerBar, distance_bars
from gevinst.benchlearning.models_peers import PeerSet
from gevinst.errors import UnknownRegionError, UserError
from gevinst.sources import bundled


class PeerForm(forms.Form):
    variables = forms.MultipleChoiceField(
        label=gettext_lazy("Strukturvariabler"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Standard: innbyggere, sentralitet, utgiftsbehov og andel 67 år og eldre. "
                               "Bosettingsmønster finnes ikke i dataene."))
    weights = forms.CharField(
        label=gettext_lazy("Vekter"), required=False, max_length=200,
        help_text=gettext_lazy("Tall i samme rekkefølge som de valgte variablene, f.eks. 2,1,1,1. Tomt: like vekter."))
    n = forms.IntegerField(label=gettext_lazy("Antall kommuner"), min_value=1, max_value=service.MAX_N, initial=10, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["variables"].choices = [(k, service.variable_label(k)) for k in service.VARIABLES]


class SaveForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Navn på sammenligningssettet"), max_length=80)
    variables = forms.CharField(widget=forms.HiddenInput, required=False)
    weights = forms.CharField(widget=forms.HiddenInput, required=False)
    n = forms.IntegerField(widget=forms.HiddenInput, required=False)
    organisation = forms.ModelChoiceField(label=gettext_lazy("Lagre for organisasjonen"), queryset=None,
                                          empty_label=None, required=True)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        if organisations:
            from gevinst.accounts.models import Organisation

            self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        else:  # anonymous users (and users without an organisation) save a set without an organisation
            del self.fields["organisation"]


def _saved_sets(user, region: str):
    """Sets for ``region`` the user may see: their organisations' and those without an organisation."""
    orgs = user_organisations(user)
    return (PeerSet.objects.filter(region=region)
            .filter(Q(organisation__isnull=True) | Q(organisation__in=orgs))
            .select_related("organisation"))


def _error(request, message: str, status: int):
    return render(request, "benchlearning/peers_error.html", {"message": message}, status=status)


def _chart(result: service.PeerResult) -> str:
    labels = [service.variable_label(v) for v in result.variables]
    parts = {(r["region"], r["variable"]): r["part"] for r in result.breakdown.iter_rows(named=True)}
    bars = [PeerBar(f"{p['region']} {p['name']}", p["distance"], [parts[(p["region"], v)] for v in result.variables])
            for p in result.peers.iter_rows(named=True)]
    first = result.peers.row(0, named=True) if result.peers.height else None
    desc = _("Avstanden fra %(name)s til hver av de %(n)s mest like kommunene, delt opp etter variabel.") % {
        "name": result.name, "n": result.peers.height}
    if first:
        desc += " " + _("Nærmest er %(peer)s.") % {"peer": first["name"]}
    return distance_bars(bars, labels, chart_id="avstand", title=_("Avstand fordelt på variabler"),
                         description=desc, axis_label=_("Avstand (standardiserte enheter)"))


def peers(request, code: str):
    reg = bundled.registry()
    try:
        unit = reg.latest_version(code.strip())
    except UnknownRegionError as exc:
        return _error(request, exc.message, 404)
    form = PeerForm(request.GET or None)
    variables, weights, n = None, None, service.DEFAULT_N
    if request.GET and form.is_valid():
        variables = form.cleaned_data["variables"] or None
        weights = form.cleaned_data["weights"] or None
        n = form.cleaned_data["n"] or service.DEFAULT_N
    elif not request.GET:
        form = PeerForm(initial={"variables": list(service.DEFAULT_VARIABLES), "n": service.DEFAULT_N})
    result, error = None, None
    if not form.is_bound or form.is_valid():
        try:
            result = service.find_peers(unit.code, variables, weights, n)
        except UserError as exc:
            error = exc.message
    status = 200 if error is None and (not form.is_bound or form.is_valid()) else 400
    ctx = {"unit": unit, "form": form, "result": result, "error": error}
    if result is not None:
        labels = {v: service.variable_label(v) for v in result.variables}
        bd = {}
        for r in result.breakdown.iter_rows(named=True):
            bd.setdefault(r["region"], []).append({"label": labels[r["variable"]], "diff": r["diff"], "share": r["share"] * 100, "part": r["part"]})
        ctx.update({
            "chart": mark_safe(_chart(result)),
            "legend": [{"label": labels[v], "cls": f"peer-seg-{i % 8}", "weight": result.weights[v] * 100}
                       for i, v in enumerate(result.variables)],
            "rows": [{**p, "inclusion_pct": p["inclusion"] * 100, "parts": bd.get(p["region"], [])}
                     for p in result.peers.iter_rows(named=True)],
            "value_rows": [{"region": r["region"], "name": r["name"], "values": [r[v] for v in result.variables],
                            "inhabitants": r["inhabitants"]} for r in result.values.iter_rows(named=True)],
            "value_headers": [labels[v] for v in result.variables],
            "entering": result.entering.iter_rows(named=True),
            "jaccard_pct": result.mean_jaccard * 100,
            "spread_pct": service.STABILITY_SPREAD * 100,
            "draws": service.STABILITY_DRAWS,
            "save_form": SaveForm(initial={"variables": ",".join(result.variables),
                                           "weights": ",".join(str(result.weights[v]) for v in result.variables),
                                           "n": result.n}, organisations=user_organisations(request.user)),
            "saved": _saved_sets(request.user, unit.code),
            "just_saved": request.GET.get("lagret", ""),
        })
    return render(request, "benchlearning/peers.html", ctx, status=status)


def save_peers(request, code: str):
    if request.method != "POST":
        return redirect("peers:similar", code=code)
    reg = bundled.registry()
    try:
        unit = reg.latest_version(code.strip())
    except UnknownRegionError as exc:
        return _error(request, exc.message, 404)
    form = SaveForm(request.POST, organisations=user_organisations(request.user))
    if not form.is_valid():
        if "organisation" in form.errors:
            return _error(request, _("Velg en av organisasjonene dine."), 400)
        return _error(request, _("Navnet mangler eller er for langt."), 400)
    try:
        result = service.find_peers(unit.code, form.cleaned_data["variables"] or None,
                                    form.cleaned_data["weights"] or None, form.cleaned_data["n"] or service.DEFAULT_N)
        ps = service.save_peer_set(form.cleaned_data["name"], result, form.cleaned_data.get("organisation"))
    except UserError as exc:
        return _error(request, exc.message, 400)
    return redirect(reverse("peers:similar", args=[unit.code]) + "?" + urlencode({"lagret": ps.name}))


class NetworkForm(forms.Form):
    members = forms.CharField(
        label=gettext_lazy("Deltakerkommuner"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Kommunenumre skilt med komma, f.eks. 3222,3205,3220,3224,0301."))
    size = forms.CharField(label=gettext_lazy("Nettverksstørrelse"), max_length=10, initial="4-6", required=False,
                           help_text=gettext_lazy("Et tall eller et intervall, f.eks. 5 eller 4-6."))
    lam = forms.FloatField(label=gettext_lazy("Vekt på sammenlignbarhet (λ)"), min_value=0, max_value=100, initial=1.0,
                           required=False)


def network(request):
    form = NetworkForm(request.GET or None)
    ctx = {"form": form}
    status = 200
    if form.is_bound and form.is_valid():
        try:
            lam = form.cleaned_data["lam"]
            result = service.compose_networks(form.cleaned_data["members"], form.cleaned_data["size"] or None,
                                              lam=service.DEFAULT_LAMBDA if lam is None else lam)
            nets = []
            for k, (g, s) in enumerate(zip(result.groups, result.group_stats), 1):
                rep = service.network_report(g)
                rows = []
                for r in rep.table.iter_rows(named=True):
                    rows.append({"name": r["name"], "year": r["year"], "unit": r["unit"],
                                 "cells": [{"value": r[c], "best": r["best"] == c, "noisy": r[f"noisy_{c}"]} for c in g]})
                lessons = [{**x, "learner_name": result.names.get(x["learner"], ""), "teacher_name": result.names.get(x["teacher"], "")}
                           for x in rep.lessons.iter_rows(named=True)]
                nets.append({"k": k, "members": [(c, result.names.get(c, "")) for c in g], "het": s["het"], "cmp": s["cmp"],
                             "rows": rows, "lessons": lessons, "notes": rep.notes})
            ctx.update({"result": result, "nets": nets,
                        "learn_labels": [service.variable_label(v) for v in result.learn],
                        "compare_labels": [service.variable_label(v) for v in result.compare]})
        except UserError as exc:
            ctx["error"] = exc.message
            status = 400
    elif form.is_bound:
        status = 400
    return render(request, "benchlearning/network.html", ctx, status=status)
