"""Pages of the annual cycle (*årshjul*): timeline, activities, goals, deep dives, candidates,
prioritisation, business cases and A3 downloads.

Every view is scoped to an organisation by :func:`gevinst.accounts.scoping.org_view`;
objects are looked up through the organisation's year, so an id from another
organisation is a 404. Readers see everything; redaktør and administrator change it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gevinst.accounts.models import Role
from gevinst.accounts.scoping import org_view, scoped
from gevinst.errors import UserError
from gevinst.plans import audit
from gevinst.plans.views import is_editor
from gevinst.web.downloads import download

from . import service
from .forms import ActivityForm, CandidateForm, CycleForm, CycleSettingsForm, DeepDiveForm, GoalForm
from .models import Activity, Candidate, Contribution, CycleYear, Decision, DeepDive, Goal
from .template import QUARTER_BY_NUMBER


def _cycle(org, year: int) -> CycleYear:
    return get_object_or_404(scoped(CycleYear.objects.all(), org), budget_year=year)


def _ctx(org, m, cycle=None, **kw) -> dict:
    return {"org": org, "membership": m, "editor": is_editor(m), "cycle": cycle, **kw}


# ------------------------------------------------------------------ years
@org_view()
def cycle_home(request, org, m):
    cycles = list(scoped(CycleYear.objects.all(), org))
    current = service.current_cycle(org)
    return render(request, "cycle/home.html", _ctx(
        org, m, cycles=cycles, current=current, form=CycleForm(organisation=org),
        tl=service.timeline(current) if current else None))


@org_view(min_role=Role.REDAKTOR)
@require_POST
def cycle_new(request, org, m):
    form = CycleForm(request.POST, organisation=org)
    if form.is_valid():
        cycle = service.create_cycle(org, form.cleaned_data["budget_year"])
        messages.success(request, _("Årshjulet for budsjettåret %(y)s er opprettet.") % {"y": cycle.budget_year})
        return redirect("cycle:year", slug=org.slug, year=cycle.budget_year)
    cycles = list(scoped(CycleYear.objects.all(), org))
    current = service.current_cycle(org)
    return render(request, "cycle/home.html", _ctx(
        org, m, cycles=cycles, current=current, form=form,
        tl=service.timeline(current) if current else None), status=400)


@org_view()
def cycle_year(request, org, m, year):
    cycle = _cycle(org, year)
    return render(request, "cycle/year.html", _ctx(
        org, m, cycle, tl=service.timeline(cycle), goals=list(cycle.goals.all()),
        deep_dives=list(cycle.deep_dives.all()), candidates=list(service.live_candidates(cycle))))


@org_view(min_role=Role.REDAKTOR)
def cycle_settings(request, org, m, year):
    cycle = _cycle(org, year)
    form = CycleSettingsForm(request.POST or None, instance=cycle)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Innstillingene er lagret."))
        return redirect("cycle:prioritisation", slug=org.slug, year=year)
    return render(request, "cycle/settings.html", _ctx(org, m, cycle, form=form),
                  status=400 if form.errors else 200)


@org_view(min_role=Role.REDAKTOR)
def activity_edit(request, org, m, year, pk):
    cycle = _cycle(org, year)
    activity = get_object_or_404(Activity, cycle=cycle, pk=pk)
    form = ActivityForm(request.POST or None, instance=activity, organisation=org)
    if request.method == "POST" and form.is_valid():
        a = form.save(commit=False)
        a.note_completion(timezone.localdate())
        a.save()
        messages.success(request, _("«%(t)s» er oppdatert.") % {"t": a.title[:80]})
        return redirect(f"{_year_url(org, year)}#kvartal-{a.quarter}")
    return render(request, "cycle/activity_form.html", _ctx(
        org, m, cycle, form=form, activity=activity, quarter=QUARTER_BY_NUMBER[activity.quarter]),
        status=400 if form.errors else 200)


def _year_url(org, year) -> str:
    return reverse("cycle:year", kwargs={"slug": org.slug, "year": year})


# ------------------------------------------------------------------ goals
@org_view()
def goals(request, org, m, year):
    cycle = _cycle(org, year)
    form = None
    if is_editor(m):
        form = GoalForm(request.POST or None)
        if request.method == "POST":
            if form.is_valid() and _save_goal(request, org, cycle, form):
                return redirect("cycle:goals", slug=org.slug, year=year)
    elif request.method == "POST":
        raise PermissionDenied("role too low")  # a member below redaktør: 403, as org_view does
    return render(request, "cycle/goals.html", _ctx(org, m, cycle, goals=list(cycle.goals.all()), form=form),
                  status=400 if form is not None and form.errors else 200)


def _save_goal(request, org, cycle, form) -> bool:
    goal = form.save(commit=False)
    goal.cycle = cycle
    service.fill_goal_from_catalogue(goal)
    if goal.indicator and form.cleaned_data.get("fetch_current"):
        if not service.fill_goal_from_data(goal, org.region):
            if goal.current_value is None:
                form.add_error("current_value", _("Fant ingen tall for indikatoren for %(r)s. Oppgi nå-verdien selv.")
                               % {"r": org.region})
                return False
            messages.warning(request, _("Fant ingen tall for indikatoren; nå-verdien du oppga er brukt."))
    goal.save()
    messages.success(request, _("Målet «%(n)s» er lagret.") % {"n": goal.name})
    return True


@org_view(min_role=Role.REDAKTOR)
def goal_edit(request, org, m, year, pk):
    cycle = _cycle(org, year)
    goal = get_object_or_404(Goal, cycle=cycle, pk=pk)
    form = GoalForm(request.POST or None, instance=goal, initial={"fetch_current": False})
    if request.method == "POST" and form.is_valid() and _save_goal(request, org, cycle, form):
        return redirect("cycle:goals", slug=org.slug, year=year)
    return render(request, "cycle/goal_form.html", _ctx(org, m, cycle, form=form, goal=goal),
                  status=400 if form.errors else 200)


@org_view(min_role=Role.REDAKTOR)
def goal_delete(request, org, m, year, pk):
    cycle = _cycle(org, year)
    goal = get_object_or_404(Goal, cycle=cycle, pk=pk)
    if request.method != "POST":
        return _confirm_delete(request, org, m, cycle, goal.name, _("Målet og kandidatenes bidrag til det slettes."),
                               reverse("cycle:goals", kwargs={"slug": org.slug, "year": year}))
    goal.delete()
    messages.success(request, _("Målet «%(n)s» er slettet.") % {"n": goal.name})
    return redirect("cycle:goals", slug=org.slug, year=year)


def _confirm_delete(request, org, m, cycle, name: str, consequence: str, back: str):
    """A page that asks before deleting (the form posts back to the same address)."""
    return render(request, "cycle/confirm_delete.html", _ctx(
        org, m, cycle, name=name, consequence=consequence, back=back))


# ------------------------------------------------------------------ deep dives
@org_view(min_role=Role.REDAKTOR)
def deep_dive_new(request, org, m, year):
    return _deep_dive_form(request, org, m, _cycle(org, year), None)


def _deep_dive_form(request, org, m, cycle, dd):
    """The deep dive form, new (``dd`` None) or existing."""
    form = DeepDiveForm(request.POST or None, instance=dd)
    if request.method == "POST" and form.is_valid():
        new = dd is None
        dd = form.save(commit=False)
        dd.cycle = cycle
        _maybe_fill_potential(request, org, dd)
        dd.save()
        text = _("Dypdykket «%(n)s» er valgt.") if new else _("Dypdykket «%(n)s» er lagret.")
        messages.success(request, text % {"n": dd.name})
        return redirect("cycle:deep_dive", slug=org.slug, year=cycle.budget_year, pk=dd.pk)
    return render(request, "cycle/deep_dive_form.html", _ctx(org, m, cycle, form=form, dd=dd),
                  status=400 if form.errors else 200)


def _maybe_fill_potential(request, org, dd) -> None:
    if dd.service and dd.potential_nok is None:
        try:
            if not service.fill_deep_dive_potential(dd, org.region):
                messages.info(request, _("Fant ikke beregnet potensial for tjenesten i handlingsromanalysen."))
        except UserError as exc:
            messages.warning(request, exc.message)


@org_view()
def deep_dive(request, org, m, year, pk):
    cycle = _cycle(org, year)
    dd = get_object_or_404(DeepDive, cycle=cycle, pk=pk)
    cands = [c for c in service.live_candidates(cycle) if c.deep_dive_id == dd.pk]
    rows = [{"c": c, "benefit": service.candidate_benefit(c)[0]} for c in cands]
    return render(request, "cycle/deep_dive.html", _ctx(org, m, cycle, dd=dd, rows=rows))


@org_view(min_role=Role.REDAKTOR)
def deep_dive_edit(request, org, m, year, pk):
    cycle = _cycle(org, year)
    return _deep_dive_form(request, org, m, cycle, get_object_or_404(DeepDive, cycle=cycle, pk=pk))


@org_view(min_role=Role.REDAKTOR)
@require_POST
def deep_dive_potential(request, org, m, year, pk):
    """Fetch (again) the deep dive's potential from the economic-room analysis."""
    cycle = _cycle(org, year)
    dd = get_object_or_404(DeepDive, cycle=cycle, pk=pk)
    try:
        ok = service.fill_deep_dive_potential(dd, org.region)
    except UserError as exc:
        messages.error(request, exc.message)
        ok = None
    if ok:
        dd.save()
        messages.success(request, _("Potensialet er hentet fra handlingsromanalysen."))
    elif ok is False:
        messages.warning(request, _("Fant ikke beregnet potensial: velg en tjeneste i handlingsromanalysen."))
    return redirect("cycle:deep_dive", slug=org.slug, year=year, pk=dd.pk)


@org_view(min_role=Role.REDAKTOR)
def deep_dive_delete(request, org, m, year, pk):
    cycle = _cycle(org, year)
    dd = get_object_or_404(DeepDive, cycle=cycle, pk=pk)
    if request.method != "POST":
        return _confirm_delete(
            request, org, m, cycle, dd.name,
            _("Dypdykket og analysen slettes. Kandidatene og tiltakene i planen beholdes, uten dypdykk."),
            reverse("cycle:deep_dive", kwargs={"slug": org.slug, "year": year, "pk": dd.pk}))
    dd.delete()
    messages.success(request, _("Dypdykket «%(n)s» er slettet. Kandidatene er beholdt uten dypdykk.") % {"n": dd.name})
    return redirect("cycle:year", slug=org.slug, year=year)


# ------------------------------------------------------------------ candidates
def _candidate(cycle, pk) -> Candidate:
    c = get_object_or_404(Candidate.objects.select_related("initiative", "deep_dive"), cycle=cycle, pk=pk)
    if c.initiative.is_deleted:
        raise Http404("initiative deleted")
    return c


def _save_contributions(c: Candidate, values: dict[int, float]) -> None:
    c.contributions.exclude(goal_id__in=values).delete()
    for goal_id, amount in values.items():
        Contribution.objects.update_or_create(candidate=c, goal_id=goal_id, defaults={"amount": amount})


@org_view(min_role=Role.REDAKTOR)
def candidate_new(request, org, m, year, pk):
    cycle = _cycle(org, year)
    dd = get_object_or_404(DeepDive, cycle=cycle, pk=pk)
    goal_list = list(cycle.goals.all())
    form = CandidateForm(request.POST or None, goals=goal_list)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            values = form.initiative_values()
            name = values.pop("name")
            c = service.new_candidate(
                cycle, name=name, deep_dive=dd, user=request.user,
                **{k: v for k, v in values.items() if v not in (None, "")},
                **{f: form.cleaned_data[f] for f in form.Meta.fields})
            _save_contributions(c, form.contributions())
        messages.success(request, _("Tiltaket «%(n)s» er lagt til som kandidat og i gevinstrealiseringsplanen.")
                         % {"n": name})
        return redirect("cycle:candidate", slug=org.slug, year=year, pk=c.pk)
    return render(request, "cycle/candidate_form.html", _ctx(org, m, cycle, form=form, dd=dd, candidate=None),
                  status=400 if form.errors else 200)


@org_view(min_role=Role.REDAKTOR)
def candidate_edit(request, org, m, year, pk):
    cycle = _cycle(org, year)
    c = _candidate(cycle, pk)
    form = CandidateForm(request.POST or None, instance=c, goals=list(cycle.goals.all()))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            ini = c.initiative
            for k, v in form.initiative_values().items():
                setattr(ini, k, v if v is not None else ("" if k in ("description", "owner") else None))
            audit.save(ini, request.user)
            _save_contributions(c, form.contributions())
        messages.success(request, _("Kandidaten «%(n)s» er lagret.") % {"n": c.initiative.name})
        return redirect("cycle:candidate", slug=org.slug, year=year, pk=c.pk)
    return render(request, "cycle/candidate_form.html", _ctx(
        org, m, cycle, form=form, dd=c.deep_dive, candidate=c), status=400 if form.errors else 200)


@org_view()
def candidate(request, org, m, year, pk):
    cycle = _cycle(org, year)
    c = _candidate(cycle, pk)
    benefit, source = service.candidate_benefit(c)
    case = error = None
    try:
        case = service.business_case_for(c, cycle)
    except ValueError as exc:
        error = _("Nytte-kost kan ikke regnes ut: %(e)s") % {"e": exc}
    return render(request, "cycle/candidate.html", _ctx(
        org, m, cycle, c=c, benefit=benefit, benefit_source=source, case=case, case_error=error,
        table=case.table.to_dicts() if case else [], contributions=list(c.contributions.select_related("goal"))))


# ------------------------------------------------------------------ prioritisation
@org_view()
def prioritisation(request, org, m, year):
    cycle = _cycle(org, year)
    if request.method == "POST":
        if not is_editor(m):
            raise PermissionDenied("role too low")
        _prioritisation_action(request, cycle, request.POST.get("action"))
        return redirect("cycle:prioritisation", slug=org.slug, year=year)
    p = error = None
    try:
        p = service.prioritise(cycle)
    except UserError as exc:
        error = exc.message
    stored = {str(c.pk): c.decision for c in service.live_candidates(cycle)}
    return render(request, "cycle/prioritisation.html", _ctx(
        org, m, cycle, p=p, error=error, stored=stored,
        infeasible=service.infeasible_text(p.result) if p and p.result.status != "optimal" else "",
        has_prioritised=any(v == Decision.PRIORITERT for v in stored.values()),
        goal_rows=_goal_rows(p) if p else []))


def _prioritisation_action(request, cycle, action: str | None) -> None:
    """Save the optimal portfolio or adopt the saved one; the outcome goes to the user as a message.
    The optimisation runs only for «save» (adopting uses the stored decisions)."""
    try:
        if action == "save":
            p = service.prioritise(cycle)
            service.save_prioritisation(p)
            messages.success(request, _("Prioriteringen er lagret: %(n)s tiltak er prioritert.")
                             % {"n": len(p.result.chosen)})
        elif action == "adopt":
            n = service.adopt(cycle, request.user)
            messages.success(request, _("%(n)s tiltak er vedtatt og flyttet til planleggingsfasen i "
                                        "gevinstrealiseringsplanen.") % {"n": n})
        else:
            messages.error(request, _("Ukjent handling."))
    except UserError as exc:
        messages.error(request, exc.message)


def _goal_rows(p) -> list[dict]:
    rows = []
    for g in p.result.goals:
        goal = p.goals.get(g.key)
        if goal is not None:
            rows.append({"goal": goal, "r": g})
    return rows


# ------------------------------------------------------------------ A3
@org_view()
def a3_download(request, org, m, year, kind, fmt):
    from . import a3

    cycle = _cycle(org, year)
    if kind not in a3.KINDS or fmt not in ("pptx", "pdf"):
        raise Http404("unknown A3 kind or format")
    raw_id = request.GET.get("id") or ""
    # Only ASCII digits: «²».isdigit() is true but int() refuses it, and the id ends up in the file name.
    if raw_id and not (raw_id.isascii() and raw_id.isdigit()):
        raise Http404("malformed deep dive id")
    dd_id = int(raw_id) if raw_id else None
    try:
        doc = a3.build(cycle, kind, dd_id)
    except a3.A3NotFound as exc:
        raise Http404(str(exc)) from exc
    except UserError as exc:
        messages.error(request, exc.message)
        return redirect("cycle:year", slug=org.slug, year=year)
    return download(doc, a3.exporter(), a3.file_stem(cycle, kind, dd_id), fmt)
