"""Plan pages: initiatives, benefits, measurements, benefit map, plan check, overview, history.

Every view gets its organisation through :mod:`gevinst.accounts.scoping` and
reads only that organisation's rows. Rights: leser reads; gevinsteier also
updates the benefits they own and records measurements on them; redaktør and
administrator change everything in the organisation. Writes go through
:mod:`gevinst.plans.audit` (audit trail, optimistic locking, soft delete).
"""

from __future__ import annotations

import io as _io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gevinst.accounts.models import ROLE_RANK, Role
from gevinst.accounts.scoping import org_view, scoped
from gevinst.catalogue import load_catalogue
from gevinst.core.formatting import format_number

from . import audit, benefit_map, check, data, io, overview
from .forms import (
    BenefitForm,
    DecisionPointsForm,
    InitiativeForm,
    MapEdgeForm,
    MapNodeForm,
    MeasurementForm,
)
from .models import (
    Benefit,
    DecisionPoint,
    Initiative,
    MapEdge,
    MapNode,
    MapNodeKind,
    Measurement,
    Status,
)


# ------------------------------------------------------------------ rights
def is_editor(membership) -> bool:
    return ROLE_RANK[Role(membership.role)] >= ROLE_RANK[Role.REDAKTOR]


def can_edit_benefit(membership, benefit: Benefit) -> bool:
    return is_editor(membership) or (membership.role == Role.GEVINSTEIER and benefit.owner_id == membership.user_id)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("role too low")


def _initiative(org, pk, *, live=True) -> Initiative:
    qs = scoped(Initiative.objects.all(), org)
    return get_object_or_404(qs.live() if live else qs, pk=pk)


def _benefit(org, pk, *, live=True) -> Benefit:
    qs = scoped(Benefit.objects.select_related("initiative", "owner"), org)
    b = get_object_or_404(qs.live() if live else qs, pk=pk)
    if live and b.initiative.is_deleted:
        raise Http404("initiative deleted")
    return b


def _ctx(org, membership, **kw) -> dict:
    return {"org": org, "membership": membership, "editor": is_editor(membership), **kw}


# ------------------------------------------------------------------ helpers
def _findings(org):
    return check.check_organisation(org)


def _live_benefits(org, initiative=None):
    qs = scoped(Benefit.objects.live(), org).filter(initiative__deleted_at__isnull=True)
    if initiative is not None:
        qs = qs.filter(initiative=initiative)
    return qs.select_related("owner", "initiative").prefetch_related(
        Prefetch("measurements", queryset=Measurement.objects.live().order_by("date", "id"), to_attr="live_measurements"))


def _overview_ctx(benefits, chart_id: str, what: str) -> dict:
    ov = overview.summarise(benefits)
    svg = overview.chart_svg(
        ov, chart_id=chart_id,
        title=_("Forventet og realisert gevinst i kroner per år – %(what)s") % {"what": what},
        description=_("Forventet verdi i alt per år %(exp)s kr; realisert så langt %(real)s kr; tatt ut i "
                      "budsjett %(out)s kr. Tallene står i tabellen under.")
        % {"exp": format_number(ov.expected_yearly), "real": format_number(ov.realised_latest),
           "out": format_number(ov.taken_out)},
        expected_label=_("Forventet"), realised_label=_("Realisert"),
    ) if ov.years else ""
    labels = dict(Status.choices)
    return {"ov": ov, "ov_svg": svg, "status_rows": [(labels[k], v) for k, v in ov.status_counts.items()]}


def _map_nodes(ini: Initiative, benefits) -> tuple[list[benefit_map.Node], list[benefit_map.Edge], dict]:
    nodes = [benefit_map.Node("tiltak", "tiltak", ini.name)]
    nodes += [benefit_map.Node(io.node_key(n.pk), n.kind, n.label) for n in ini.map_nodes.all() if n.kind in ("endring", "forutsetning")]
    nodes += [benefit_map.Node(io.benefit_key(b.pk), "gevinst", b.name) for b in benefits]
    nodes += [benefit_map.Node(io.node_key(n.pk), n.kind, n.label) for n in ini.map_nodes.all() if n.kind in ("mal", "barekraft")]
    keys = {n.key for n in nodes}
    edges = [benefit_map.Edge(e.source, e.target) for e in ini.map_edges.all() if e.source in keys and e.target in keys]
    targets = {e.target for e in edges}
    # a benefit nobody points at hangs on the initiative
    edges += [benefit_map.Edge("tiltak", n.key) for n in nodes if n.kind == "gevinst" and n.key not in targets]
    return nodes, edges, {n.key: n for n in nodes}


def _kind_labels() -> dict:
    return {"tiltak": _("Tiltak"), "endring": _("Endringer og forutsetninger"), "gevinst": _("Gevinster"),
            "mal": _("Mål"), "forutsetning": _("Forutsetning"), "barekraft": _("Bærekraftsmål"),
            **{k: str(v) for k, v in MapNodeKind.choices}}


def _map_ctx(ini, benefits) -> dict:
    nodes, edges, by_key = _map_nodes(ini, benefits)
    labels = _kind_labels()
    svg = benefit_map.to_svg(
        nodes, edges, chart_id=f"gevinstkart-{ini.pk}", title=_("Gevinstkart for %(name)s") % {"name": ini.name},
        description=_("%(n)s bokser og %(e)s piler fra tiltaket via endringer og forutsetninger til gevinster og "
                      "mål. Pilene står også som liste under kartet.") % {"n": len(nodes), "e": len(edges)},
        kind_labels={"tiltak": labels["tiltak"], "endring": labels["endring"], "gevinst": labels["gevinst"],
                     "mal": labels["mal"]},
    )
    edge_rows = [(by_key[e.source], by_key[e.target], labels.get(by_key[e.source].kind, ""),
                  labels.get(by_key[e.target].kind, "")) for e in edges]
    return {"map_svg": svg, "map_edges": edge_rows}


# ------------------------------------------------------------------ plan home
@org_view()
def plan_home(request, org, m):
    benefits = list(_live_benefits(org))
    findings = _findings(org)
    initiatives = list(scoped(Initiative.objects.live(), org).order_by("id"))
    per_ini = {}
    for f in findings:
        per_ini[f.initiative_id] = per_ini.get(f.initiative_id, 0) + 1
    rows = []
    for ini in initiatives:
        bs = [b for b in benefits if b.initiative_id == ini.pk]
        rows.append({"ini": ini, "benefits": len(bs), "findings": per_ini.get(ini.pk, 0),
                     "expected": sum(float(b.expected_yearly_nok or 0) for b in bs if b.is_priced)})
    return render(request, "plans/home.html", _ctx(
        org, m, rows=rows, n_findings=len(findings), **_overview_ctx(benefits, "oversikt-org", org.name)))


# ------------------------------------------------------------------ initiatives
@org_view(min_role=Role.REDAKTOR)
def initiative_new(request, org, m):
    form = InitiativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ini = form.save(commit=False)
        ini.organisation = org
        audit.save(ini, request.user)
        messages.success(request, _("Tiltaket «%(n)s» er opprettet.") % {"n": ini.name})
        return redirect("plans:initiative", slug=org.slug, pk=ini.pk)
    return render(request, "plans/initiative_form.html", _ctx(org, m, form=form, initiative=None))


@org_view()
def initiative_detail(request, org, m, pk):
    ini = _initiative(org, pk)
    benefits = list(_live_benefits(org, ini))
    cat = load_catalogue()
    findings = [f for f in _findings(org) if f.initiative_id == ini.pk]
    brows = [{"b": b, "indicator": b.indicator_name_unit(cat)[0], "edit": can_edit_benefit(m, b),
              "findings": sum(1 for f in findings if f.benefit_id == b.pk)} for b in benefits]
    return render(request, "plans/initiative.html", _ctx(
        org, m, ini=ini, brows=brows, findings=findings, rule_labels=check.rule_labels(),
        points=ini.decision_points.all(), **_map_ctx(ini, benefits),
        **_overview_ctx(benefits, f"oversikt-{ini.pk}", ini.name)))


def _stale_rows(form, current, submitted) -> list[tuple[str, str, str]]:
    before, after = audit.snapshot(current), audit.snapshot(submitted)
    rows = []
    for key in audit.changed_fields(before, after):
        if key in ("deleted_at",):
            continue
        field = type(current)._meta.get_field(key.removesuffix("_id") if key.endswith("_id") else key)
        rows.append((str(field.verbose_name).capitalize(), _display(submitted, field), _display(current, field)))
    return rows


def _display(obj, field) -> str:
    value = getattr(obj, field.name)
    if value is None or value == "":
        return "–"
    if field.choices:
        return str(dict(field.choices).get(value, value))
    if hasattr(value, "get_username"):
        return value.get_full_name() or value.get_username()
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, (int, float)) and not isinstance(value, bool) or type(value).__name__ == "Decimal":
        return format_number(value, 2 if isinstance(value, float) and value != int(value) else 0)
    if isinstance(value, list):
        return "; ".join(f"{t.get('date')}: {t.get('value')}" for t in value)
    return str(value)


def _save_versioned(request, form, obj, *, what: str):
    """Save ``obj`` from ``form``; on a stale version return the conflict context (nothing lost)."""
    try:
        audit.save(obj, request.user, expected_version=form.cleaned_data.get("version"))
    except audit.StaleVersion as exc:
        current = exc.current
        form.data = form.data.copy()
        form.data["version"] = current.version  # a second save overwrites knowingly
        msg = _("Noen andre har endret denne %(what)s siden du åpnet den. Dine endringer er ikke lagret: "
                "sammenlign versjonene under, og lagre på nytt hvis dine verdier skal gjelde.") % {"what": what}
        return {"conflict": msg, "conflict_rows": _stale_rows(form, current, obj),
                "conflict_by": audit.history(obj.organisation, audit.MODEL_NAMES[type(obj)], obj.pk).first()}
    return None


@org_view(min_role=Role.REDAKTOR)
def initiative_edit(request, org, m, pk):
    ini = _initiative(org, pk)
    form = InitiativeForm(request.POST or None, instance=ini)
    extra = {}
    if request.method == "POST" and form.is_valid():
        conflict = _save_versioned(request, form, form.save(commit=False), what=_("tiltaket"))
        if conflict is None:
            messages.success(request, _("Endringene er lagret."))
            return redirect("plans:initiative", slug=org.slug, pk=ini.pk)
        extra = conflict
    return render(request, "plans/initiative_form.html", _ctx(org, m, form=form, initiative=ini, **extra))


@org_view(min_role=Role.REDAKTOR)
def decision_points(request, org, m, pk):
    ini = _initiative(org, pk)
    form = DecisionPointsForm(request.POST or None, initiative=ini)
    if request.method == "POST" and form.is_valid():
        before = audit.snapshot(ini)
        before["decision_points"] = [[p.code, str(p.date or ""), p.decision] for p in ini.decision_points.all()]
        for code, _label in form.rows:
            d, text = form.cleaned_data.get(f"{code}_date"), form.cleaned_data.get(f"{code}_decision") or ""
            if d or text:
                DecisionPoint.objects.update_or_create(initiative=ini, code=code, defaults={"date": d, "decision": text})
            else:
                DecisionPoint.objects.filter(initiative=ini, code=code).delete()
        after = audit.snapshot(ini)
        after["decision_points"] = [[p.code, str(p.date or ""), p.decision] for p in ini.decision_points.all()]
        audit.record(ini, request.user, "update", before, after)
        messages.success(request, _("Beslutningspunktene er lagret."))
        return redirect("plans:initiative", slug=org.slug, pk=ini.pk)
    return render(request, "plans/decision_points.html", _ctx(org, m, ini=ini, form=form))


@org_view(min_role=Role.REDAKTOR)
def benefit_map_edit(request, org, m, pk):
    ini = _initiative(org, pk)
    benefits = list(_live_benefits(org, ini))
    nodes, _edges, by_key = _map_nodes(ini, benefits)
    choices = [(n.key, f"{_kind_labels().get(n.kind, n.kind)}: {n.label}") for n in nodes]
    node_form = MapNodeForm(prefix="node")
    edge_form = MapEdgeForm(prefix="edge", node_choices=choices)
    if request.method == "POST":
        action = request.POST.get("action")
        before = {"nodes": [[n.kind, n.label] for n in ini.map_nodes.all()],
                  "edges": [[e.source, e.target] for e in ini.map_edges.all()]}
        done = False
        if action == "add_node":
            node_form = MapNodeForm(request.POST, prefix="node")
            if node_form.is_valid():
                n = node_form.save(commit=False)
                n.initiative = ini
                n.save()
                done = True
        elif action == "add_edge":
            edge_form = MapEdgeForm(request.POST, prefix="edge", node_choices=choices)
            if edge_form.is_valid():
                MapEdge.objects.get_or_create(initiative=ini, source=edge_form.cleaned_data["source"],
                                              target=edge_form.cleaned_data["target"])
                done = True
        elif action == "remove_node":
            n = get_object_or_404(MapNode, initiative=ini, pk=request.POST.get("node"))
            key = io.node_key(n.pk)
            MapEdge.objects.filter(initiative=ini, source=key).delete()
            MapEdge.objects.filter(initiative=ini, target=key).delete()
            n.delete()
            done = True
        elif action == "remove_edge":
            MapEdge.objects.filter(initiative=ini, pk=request.POST.get("edge")).delete()
            done = True
        if done:
            after = {"nodes": [[n.kind, n.label] for n in ini.map_nodes.all()],
                     "edges": [[e.source, e.target] for e in ini.map_edges.all()]}
            audit.record(ini, request.user, "map", before, after)
            messages.success(request, _("Gevinstkartet er oppdatert."))
            return redirect("plans:map", slug=org.slug, pk=ini.pk)
    edge_rows = [(e, by_key.get(e.source), by_key.get(e.target)) for e in ini.map_edges.all()]
    return render(request, "plans/map.html", _ctx(
        org, m, ini=ini, node_form=node_form, edge_form=edge_form, custom_nodes=ini.map_nodes.all(),
        edge_rows=edge_rows, kind_labels=_kind_labels(), **_map_ctx(ini, benefits)))


@org_view(min_role=Role.REDAKTOR)
@require_POST
def initiative_delete(request, org, m, pk):
    ini = _initiative(org, pk)
    audit.soft_delete(ini, request.user)
    messages.success(request, _("Tiltaket «%(n)s» er slettet. Det kan gjenopprettes fra «Slettet».") % {"n": ini.name})
    return redirect("plans:home", slug=org.slug)


# ------------------------------------------------------------------ benefits
def _benefit_form_page(request, org, m, ini, benefit):
    owner_editable = is_editor(m)
    form = BenefitForm(request.POST or None, instance=benefit, organisation=org, owner_editable=owner_editable)
    extra = {}
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        obj.organisation, obj.initiative = org, ini
        filled = False
        if form.cleaned_data.get("fetch_baseline") and obj.indicator and obj.baseline_value is None:
            filled = data.fill_baseline(obj)
        if benefit.pk is None:
            audit.save(obj, request.user)
            conflict = None
        else:
            conflict = _save_versioned(request, form, obj, what=_("gevinsten"))
        if conflict is None:
            messages.success(request, _("Gevinsten «%(n)s» er lagret.") % {"n": obj.name})
            if filled:
                messages.info(request, _("Nullpunktet er hentet fra data: %(v)s (%(s)s).")
                              % {"v": format_number(obj.baseline_value, 1), "s": obj.baseline_source})
            elif form.cleaned_data.get("fetch_baseline") and obj.indicator and obj.baseline_value is None:
                messages.warning(request, _("Det finnes ingen data for indikatoren i %(org)s. Fyll inn nullpunktet "
                                            "selv.") % {"org": org.name})
            return redirect("plans:benefit", slug=org.slug, pk=obj.pk)
        extra = conflict
    return render(request, "plans/benefit_form.html", _ctx(org, m, form=form, ini=ini, benefit=benefit, **extra))


@org_view(min_role=Role.REDAKTOR)
def benefit_new(request, org, m, pk):
    ini = _initiative(org, pk)
    return _benefit_form_page(request, org, m, ini, Benefit(organisation=org, initiative=ini))


@org_view()
def benefit_edit(request, org, m, pk):
    b = _benefit(org, pk)
    _require(can_edit_benefit(m, b))
    return _benefit_form_page(request, org, m, b.initiative, b)


@org_view()
def benefit_detail(request, org, m, pk):
    b = _benefit(org, pk)
    cat = load_catalogue()
    ind = cat.find(b.indicator)
    measurements = list(b.measurements.live().select_related("recorded_by").order_by("date", "id"))
    findings = [f for f in _findings(org) if f.benefit_id == b.pk]
    rows = [{"m": mm, "expected": data.expected_at(b, mm.date)} for mm in measurements]
    plan = io.export_plan(org)
    ini_d = next((i for i in plan["initiatives"] if i["id"] == b.initiative_id), None)
    b_d = next((x for x in (ini_d or {}).get("benefits", []) if x["id"] == b.pk), None)
    due = check.next_measurement_due(b_d, ini_d) if b_d else None
    return render(request, "plans/benefit.html", _ctx(
        org, m, b=b, ini=b.initiative, ind=ind, indicator_text=b.indicator_name_unit(cat), rows=rows,
        findings=findings, rule_labels=check.rule_labels(), edit=can_edit_benefit(m, b), due=due,
        effects=_effect_rows(b), events=audit.history(org, "benefit", b.pk)[:20]))


def _effect_rows(b: Benefit) -> list[dict]:
    """Effect estimates attached to the benefit («Beregnet effekt»), newest first, beside the raw before/after."""
    from gevinst.benchlearning.models_effect import EffectEstimate

    labels = dict(EffectEstimate.METHODS)
    method_labels = {"before_after": _("Før/etter med trend"), "did": _("Forskjeller i forskjeller"),
                     "scm": _("Syntetisk kontroll")}
    rows = []
    for e in b.effect_estimates.order_by("-created_at", "method"):
        rows.append({"e": e, "method": method_labels.get(e.method, labels.get(e.method, e.method)),
                     "has_interval": e.ci_low is not None and e.ci_high is not None})
    return rows


@org_view(min_role=Role.REDAKTOR)
@require_POST
def benefit_delete(request, org, m, pk):
    b = _benefit(org, pk)
    audit.soft_delete(b, request.user)
    messages.success(request, _("Gevinsten «%(n)s» er slettet. Den kan gjenopprettes fra «Slettet».") % {"n": b.name})
    return redirect("plans:initiative", slug=org.slug, pk=b.initiative_id)


# ------------------------------------------------------------------ measurements
@org_view()
def measurement_new(request, org, m, pk):
    b = _benefit(org, pk)
    _require(can_edit_benefit(m, b))
    form = MeasurementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mm = form.save(commit=False)
        mm.organisation, mm.benefit, mm.recorded_by = org, b, request.user
        audit.save(mm, request.user)
        before = b.status
        b = data.update_status(b, request.user)
        messages.success(request, _("Målingen er registrert."))
        if b.status != before:
            messages.info(request, _("Status er endret fra «%(a)s» til «%(b)s».")
                          % {"a": Status(before).label, "b": b.get_status_display()})
        return redirect("plans:benefit", slug=org.slug, pk=b.pk)
    return render(request, "plans/measurement_form.html", _ctx(org, m, form=form, b=b))


@org_view()
@require_POST
def measurement_delete(request, org, m, pk):
    mm = get_object_or_404(scoped(Measurement.objects.live().select_related("benefit"), org), pk=pk)
    _require(can_edit_benefit(m, mm.benefit))
    audit.soft_delete(mm, request.user)
    data.update_status(mm.benefit, request.user)
    messages.success(request, _("Målingen er slettet. Den kan gjenopprettes fra «Slettet»."))
    return redirect("plans:benefit", slug=org.slug, pk=mm.benefit_id)


# ------------------------------------------------------------------ check, history, deleted, exports
@org_view()
def plan_check(request, org, m):
    findings = _findings(org)
    if request.GET.get("format") == "json":
        import json

        return HttpResponse(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    return render(request, "plans/check.html", _ctx(org, m, findings=findings, rule_labels=check.rule_labels(),
                                                     n_errors=sum(1 for f in findings if f.severity == "feil")))


@org_view()
def history(request, org, m):
    kind = request.GET.get("type") or None
    if kind and kind not in audit.MODELS_BY_NAME:
        kind = None
    try:
        oid = int(request.GET["id"]) if request.GET.get("id") else None
    except ValueError:
        oid = None
    events = list(audit.history(org, kind, oid)[:200])
    rows = [{"e": e, "changes": [(k, (e.before or {}).get(k), (e.after or {}).get(k))
                                 for k in audit.changed_fields(e.before, e.after)]} for e in events]
    return render(request, "plans/history.html", _ctx(org, m, rows=rows, kind=kind, oid=oid,
                                                      action_labels=action_labels(), model_labels=model_labels()))


def action_labels() -> dict:
    return {"create": _("opprettet"), "update": _("endret"), "delete": _("slettet"), "restore": _("gjenopprettet"),
            "import": _("importert"), "map": _("gevinstkart endret"),
            "effect": _("beregnet effekt koblet til")}


def model_labels() -> dict:
    return {"initiative": _("Tiltak"), "benefit": _("Gevinst"), "measurement": _("Måling")}


@org_view()
def deleted(request, org, m):
    items = []
    for name, model in audit.MODELS_BY_NAME.items():
        for obj in scoped(model.objects.deleted(), org).order_by("-deleted_at"):
            items.append({"type": name, "obj": obj})
    items.sort(key=lambda x: x["obj"].deleted_at, reverse=True)
    return render(request, "plans/deleted.html", _ctx(org, m, items=items, model_labels=model_labels()))


@org_view(min_role=Role.REDAKTOR)
@require_POST
def restore(request, org, m, kind, pk):
    model = audit.MODELS_BY_NAME.get(kind)
    if model is None:
        raise Http404("unknown type")
    obj = get_object_or_404(scoped(model.objects.deleted(), org), pk=pk)
    audit.restore(obj, request.user)
    messages.success(request, _("«%(n)s» er gjenopprettet.") % {"n": obj})
    return redirect("plans:deleted", slug=org.slug)


@org_view()
def export_json(request, org, m):
    resp = HttpResponse(io.to_json(org), content_type="application/json; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="gevinstplan-{org.slug}.json"'
    return resp


@org_view()
def export_xlsx(request, org, m):
    buf = _io.BytesIO()
    io.to_xlsx(org, buf)
    resp = HttpResponse(buf.getvalue(),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="gevinstregister-{org.slug}.xlsx"'
    return resp


def benefit_url(org, b) -> str:
    return reverse("plans:benefit", kwargs={"slug": org.slug, "pk": b.pk})
