"""A3 sheets from the organisation's data, one per step of the annual cycle.

- ``helhet`` (Q1): the organisation as a whole — the state (economic room per service,
  financial key figures against norms), the gap between now and the goals including
  legal minimums, the chosen deep dives and where the year stands.
- ``dypdykk`` (Q2): one deep dive — why it was chosen and the numbers behind it, the
  value chain and end users, problems and opportunities, the calculated potential and
  the candidate initiatives.
- ``tiltak`` (Q3): one prioritised deep dive (or all, without ``--id``) — the
  prioritised initiatives with costs, benefit, NPV and payback, why each is in or
  out, and the indicators that will measure them.
- ``omrade`` (Q4): one area (deep dive) with its adopted initiatives — who does what
  when, the benefits with owner, indicator, baseline and target, and the expected
  benefit per year.

:func:`build` returns an :class:`~gevinst.reports.a3_model.A3Document`; the file
writers are :mod:`gevinst.reports.a3_pptx` and :mod:`gevinst.reports.a3_pdf`.
"""

from __future__ import annotations

import logging
import types

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from gevinst.catalogue import load_catalogue
from gevinst.core.formatting import format_number
from gevinst.errors import UserError
from gevinst.plans.models import Benefit, DecisionPoint
from gevinst.reports.a3_model import KINDS, A3Document, BarChart, Section, Table

from . import service
from .models import ActivityStatus, CycleYear, Decision, DeepDive

log = logging.getLogger("gevinst.cycle")

__all__ = ["KINDS", "A3NotFound", "build", "exporter", "file_stem"]

#: Longest text kept in a table cell or bullet on the sheet (the page is the limit).
MAX_TEXT = 400
#: Most rows of a table on the sheet; the rest are counted in a note.
MAX_ROWS = 14
#: The financial key figures on the «helhet» sheet (TBU's and § 14-2's main figures).
FINANCE_FIGURES = ("netto_driftsresultat", "disposisjonsfond", "arbeidskapital", "langsiktig_gjeld",
                   "netto_renteeksponering", "frie_inntekter_per_innbygger")


class A3NotFound(Exception):
    """The deep dive asked for does not exist in this year."""


def kind_labels() -> dict[str, str]:
    return {
        "helhet": _("A3 for organisasjonen som helhet"),
        "dypdykk": _("A3 for dypdykk"),
        "tiltak": _("A3 for prioritert dypdykk med endringstiltak"),
        "omrade": _("A3 for delområde med vedtatte endringstiltak"),
    }


def exporter():
    """The A3 writers as an exporter for :func:`gevinst.web.downloads.download`."""
    from gevinst.reports import a3_pdf, a3_pptx

    return types.SimpleNamespace(to_pptx=a3_pptx.to_pptx, to_pdf=a3_pdf.to_pdf)


def file_stem(cycle: CycleYear, kind: str, dd_id) -> str:
    suffix = f"-{dd_id}" if dd_id else ""
    return f"a3-{kind}{suffix}-{slugify(cycle.organisation.slug)}-{cycle.budget_year}"


def _short(text: str, limit: int = MAX_TEXT) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _kr(v) -> str:
    return format_number(v) if v is not None else "–"


def _cut(rows: list[list[str]]) -> tuple[list[list[str]], str]:
    if len(rows) <= MAX_ROWS:
        return rows, ""
    rest = len(rows) - MAX_ROWS
    return rows[:MAX_ROWS], _("… og %(n)s rader til (se gevinst)") % {"n": rest}


def _deep_dive(cycle: CycleYear, dd_id: int | None, required: bool) -> DeepDive | None:
    if dd_id is None:
        if required:
            raise UserError(_("Velg hvilket dypdykk A3-en gjelder (--id)."), "A3 without deep dive id")
        return None
    dd = cycle.deep_dives.filter(pk=dd_id).first()
    if dd is None:
        raise A3NotFound(f"deep dive {dd_id} not in cycle {cycle.pk}")
    return dd


def build(cycle: CycleYear, kind: str, dd_id: int | None = None) -> A3Document:
    """The A3 of ``kind`` for ``cycle`` (``dd_id``: the deep dive, for every kind but ``helhet``)."""
    if kind not in KINDS:
        raise UserError(_("Ukjent A3-type «%(k)s». Velg en av: %(all)s.") % {"k": kind, "all": ", ".join(KINDS)},
                        f"unknown A3 kind {kind!r}")
    org = cycle.organisation
    builder = {"helhet": _helhet, "dypdykk": _dypdykk, "tiltak": _tiltak, "omrade": _omrade}[kind]
    sections, subtitle, sources = builder(cycle, dd_id)
    footer = " · ".join([*sources, _("Laget med gevinst %(date)s. Budsjettår %(y)s, økonomiplan %(a)s–%(b)s.") % {
        "date": timezone.localdate().strftime("%d.%m.%Y"), "y": cycle.budget_year, "a": cycle.budget_year,
        "b": cycle.budget_year + cycle.plan_years - 1}])
    return A3Document(
        kind=kind, title=kind_labels()[kind], subtitle=subtitle, organisation=org.name,
        date=timezone.localdate().strftime("%d.%m.%Y"), sections=sections, footer=footer,
        badge=_("Eksempel") if (org.is_demo or cycle.is_example) else "")


# ------------------------------------------------------------------ Q1 helhet
def _potential_section(org) -> tuple[Section | None, list[str]]:
    from gevinst.economy.potential import compute_potential

    year = service.potential_year()
    try:
        result = compute_potential(org.region, year, "country")
    except UserError as exc:
        log.info("no economic room for %s: %s", org.region, exc.log_message)
        return None, []
    # The services with a reference level (the need-adjusted ones): the rest have no potential to show.
    rows = [r for r in result.rows if r.need_adjusted is not None and r.reference is not None]
    if not rows:
        return None, []
    table = Table(
        columns=[_("Tjeneste"), _("Kr per innb., behovsjustert"), _("Landet"), _("Potensial, kr per år")],
        rows=[[r.label, _kr(r.need_adjusted), _kr(r.reference), _kr(r.potential)] for r in rows],
        numeric=[False, True, True, True],
        caption=_("Netto driftsutgifter %(y)s, behovsjustert, mot landet") % {"y": year})
    chart_rows = [r for r in rows if r.potential is not None]
    chart = BarChart(
        title=_("Beregnet potensial per tjeneste, kr per år (%(y)s)") % {"y": year},
        categories=[r.label.split(" (")[0] for r in chart_rows],
        series=[(_("Potensial"), [float(r.potential) for r in chart_rows])], unit=_("kr per år"), horizontal=True,
        description=_potential_description(chart_rows))
    sec = Section(_("Nå-situasjonen: handlingsrom per tjeneste"), table=table, chart=chart, column=0,
                  paragraphs=[_("Utgifter over landsnivået etter justering for utgiftsbehov, ganget med "
                                "innbyggertall og indeks, er et mulig gevinstpotensial – ikke et vedtatt kutt.")])
    return sec, [_("Kilde: Statistisk sentralbyrå (KOSTRA 12362/12367, 07459), KDD (Grønt hefte)")]


def _potential_description(rows) -> str:
    """The chart's text alternative: where the potential is, or that there is none against the country."""
    def name(r):
        return r.label.split(" (")[0]

    positive = sorted((r for r in rows if r.potential > 0), key=lambda r: -r.potential)
    if positive:
        return _("Størst potensial: %(list)s. Et negativt tall betyr lavere utgifter enn landet etter "
                 "behovsjustering.") % {"list": ", ".join(f"{name(r)} {_kr(r.potential)} kr" for r in positive[:3])}
    return _("Ingen tjeneste har utgifter over landsnivået etter behovsjustering: %(list)s.") % {
        "list": ", ".join(f"{name(r)} {_kr(r.potential)} kr" for r in rows)}


def _finance_section(org) -> tuple[Section | None, list[str]]:
    from gevinst.economy.finance import compute_finance

    try:
        fin = compute_finance(org.region)
    except UserError as exc:
        log.info("no finance for %s: %s", org.region, exc.log_message)
        return None, []
    year = fin.latest_year
    if year is None:
        return None, []
    from gevinst.core.finance import FIGURES_BY_ID

    rows = []
    for r in fin.rows():
        if r["year"] != year or r["value"] is None or r["key_figure"] not in FINANCE_FIGURES:
            continue
        norm = f"{r['norm_operator']} {format_number(r['norm'], 1)}" if r["norm"] is not None else "–"
        met = "–" if r["norm_met"] is None else (_("ja") if r["norm_met"] else _("nei"))
        decimals = 0 if FIGURES_BY_ID[r["key_figure"]].unit == "kr" else 1
        rows.append([r["name"], format_number(r["value"], decimals), norm, met])
    if not rows:
        return None, []
    return Section(_("Økonomisk helse %(y)s") % {"y": year}, column=2, table=Table(
        columns=[_("Nøkkeltall"), _("Verdi"), _("Norm"), _("Oppfylt")], rows=rows,
        numeric=[False, True, True, False],
        caption=_("Prosent av brutto driftsinntekter (frie inntekter i kr per innbygger)"))), [
        _("Kilde: Statistisk sentralbyrå (KOSTRA 12134)")]


def _goal_table(goals) -> Table:
    rows = []
    for g in goals:
        rows.append([
            g.name + (" *" if g.legal_minimum else ""), format_number(g.current_value, 1),
            format_number(g.target_value, 1) + (f" ({g.target_year})" if g.target_year else ""),
            format_number(g.gap, 1), g.unit])
    return Table(columns=[_("Mål"), _("Nå"), _("Mål"), _("Gap"), _("Enhet")], rows=rows,
                 numeric=[False, True, True, True, False],
                 caption=_("* minimumskrav i lov eller forskrift"))


def _helhet(cycle: CycleYear, _dd_id):
    org = cycle.organisation
    sections, sources = [], []
    potential, sources_p = _potential_section(org)
    finance, sources_f = _finance_section(org)
    if potential is not None:
        sections.append(potential)
    sources += sources_p + sources_f
    goals = list(cycle.goals.all())
    legal = [g for g in goals if g.legal_minimum]
    gap_sec = Section(_("Gapet mellom nå-situasjonen og ønsket situasjon"), column=1)
    if goals:
        gap_sec.table = _goal_table(goals)
        gap_sec.bullets = [_("%(n)s: %(basis)s") % {"n": g.name, "basis": g.legal_basis} for g in legal]
        gap_sec.chart = BarChart(
            title=_("Andel av målet som gjenstår"), categories=[g.name for g in goals if g.gap is not None],
            series=[(_("Gap i prosent av målverdien"), [
                100 * g.gap / abs(g.target_value) if g.target_value else None for g in goals if g.gap is not None])],
            unit="%", decimals=1, horizontal=True,
            description=_("%(n)s mål, %(l)s av dem minimumskrav i lov eller forskrift; %(open)s er ikke nådd.") % {
                "n": len(goals), "l": len(legal), "open": sum(1 for g in goals if g.gap)})
    else:
        gap_sec.paragraphs = [_("Ingen mål er registrert for året ennå.")]
    sections.append(gap_sec)
    dds = list(cycle.deep_dives.all())
    dd_sec = Section(_("Valgte dypdykk"), column=2)
    if dds:
        dd_sec.table = Table(
            columns=[_("Dypdykk"), _("Hvorfor"), _("Potensial, kr per år")],
            rows=[[d.name, d.get_basis_display(), _kr(d.potential_nok)] for d in dds],
            numeric=[False, False, True])
        dd_sec.bullets = [f"{d.name}: {_short(d.justification, 220)}" for d in dds]
    else:
        dd_sec.paragraphs = [_("Ingen dypdykk er valgt ennå.")]
    sections.append(dd_sec)
    if finance is not None:
        sections.append(finance)
    sections.append(_cycle_status_section(cycle))
    subtitle = _("Skaffe overblikk – budsjettår %(y)s") % {"y": cycle.budget_year}
    return sections, subtitle, sources


def _cycle_status_section(cycle: CycleYear) -> Section:
    tl = service.timeline(cycle)
    rows = [[f"{q.number}. {q.name}", f"{q.done} / {q.total}", str(q.overdue)] for q in tl.quarters]
    bullets = [_("Forfalt: %(t)s (frist %(d)s)") % {"t": _short(a.title, 120), "d": a.deadline.strftime("%d.%m.%Y")}
               for a in tl.overdue[:4]]
    return Section(_("Årshjulet"), column=2, bullets=bullets, table=Table(
        columns=[_("Kvartal"), _("Ferdig"), _("Forfalt")], rows=rows, numeric=[False, True, True]))


# ------------------------------------------------------------------ Q2 dypdykk
def _candidate_rows(cands, benefits: list[float]) -> list[list[str]]:
    rows = []
    for c, benefit in zip(cands, benefits):
        ini = c.initiative
        rows.append([ini.name, _kr(benefit), _kr(ini.one_off_cost), _kr(ini.yearly_cost),
                     format_number(c.fte, 1), ini.get_risk_display()])
    return rows


def _dypdykk(cycle: CycleYear, dd_id):
    dd = _deep_dive(cycle, dd_id, required=True)
    why = Section(_("Hvorfor dette området"), column=0,
                  paragraphs=[dd.get_basis_display() + ". " + _short(dd.justification, 900)])
    if dd.evidence:
        why.table = Table(columns=[_("Tall"), _("Verdi"), _("Enhet"), _("Kilde")], rows=[
            [str(e.get("label", "")), format_number(e.get("value"), 1 if abs(e.get("value") or 0) < 100 else 0),
             str(e.get("unit", "")), str(e.get("source", ""))] for e in dd.evidence],
            numeric=[False, True, False, False], caption=_("Tallene som støtter valget"))
    analysis = [
        Section(_("Verdikjeden"), column=1, paragraphs=[_short(dd.value_chain, 900) or "–"]),
        Section(_("Sluttbrukerne"), column=1, paragraphs=[_short(dd.end_users, 600) or "–"]),
        Section(_("Uløste behov og problemer"), column=1, paragraphs=[_short(dd.problems, 700) or "–"]),
        Section(_("Muligheter, også teknologiske"), column=1, paragraphs=[_short(dd.opportunities, 700) or "–"]),
    ]
    cands = [c for c in service.live_candidates(cycle) if c.deep_dive_id == dd.pk]
    benefits = [service.candidate_benefit(c)[0] for c in cands]
    pot = Section(_("Beregnet gevinstpotensial"), column=2, paragraphs=[
        _("%(v)s kr per år.") % {"v": _kr(dd.potential_nok)} if dd.potential_nok is not None
        else _("Ikke beregnet ennå."), _short(dd.potential_source, 500)])
    cand_sec = Section(_("Mulige endringstiltak"), column=2)
    if cands:
        rows, note = _cut(_candidate_rows(cands, benefits))
        cand_sec.table = Table(columns=[_("Tiltak"), _("Gevinst/år"), _("Engang"), _("Årlig kost"), _("Årsverk"),
                                        _("Risiko")], rows=rows, numeric=[False, True, True, True, True, False],
                               caption=_("Kroner; gevinst per år når den er realisert"))
        if note:
            cand_sec.paragraphs.append(note)
        cand_sec.chart = BarChart(
            title=_("Gevinst og kostnad per år, kr"), categories=[c.initiative.name for c in cands],
            series=[(_("Gevinst per år"), benefits),
                    (_("Årlig kostnad"), [float(c.initiative.yearly_cost or 0) for c in cands])],
            unit=_("kr per år"), horizontal=True,
            description=_("Sum gevinst per år for kandidatene: %(b)s kr; sum årlige kostnader: %(c)s kr.") % {
                "b": _kr(sum(benefits)),
                "c": _kr(sum(float(c.initiative.yearly_cost or 0) for c in cands))})
    else:
        cand_sec.paragraphs = [_("Ingen kandidater er registrert ennå.")]
    sources = [_("Kilde: Statistisk sentralbyrå (KOSTRA), KDD (Grønt hefte)")] if dd.service else []
    return [why, *analysis, pot, cand_sec], _("Dypdykk: %(n)s – budsjettår %(y)s") % {
        "n": dd.name, "y": cycle.budget_year}, sources


# ------------------------------------------------------------------ Q3 tiltak
def _benefits(initiative_ids) -> list[tuple[Benefit, str, str, str]]:
    """The live benefits of the initiatives with their indicator's name and unit (catalogue or own)
    and the owner's name."""
    cat = load_catalogue()
    out = []
    for b in Benefit.objects.live().filter(initiative_id__in=initiative_ids).select_related("initiative", "owner"):
        name, unit = b.indicator_name_unit(cat)
        name = name or "–"
        owner = (b.owner.get_full_name() or b.owner.get_username()) if b.owner else "–"
        out.append((b, name, unit, owner))
    return out


def _indicator_rows(initiative_ids) -> list[list[str]]:
    return [[b.name, f"{name} ({unit})" if unit else name, format_number(b.baseline_value, 1),
             format_number(b.target_value, 1), owner] for b, name, unit, owner in _benefits(initiative_ids)]


def _tiltak(cycle: CycleYear, dd_id):
    dd = _deep_dive(cycle, dd_id, required=False)
    cands = [c for c in service.live_candidates(cycle) if dd is None or c.deep_dive_id == dd.pk]
    chosen = [c for c in cands if c.decision in (Decision.PRIORITERT, Decision.VEDTATT)]
    rest = [c for c in cands if c not in chosen]
    intro = Section(_("Dypdykket") if dd else _("Alle dypdykk"), column=0)
    if dd:
        intro.paragraphs = [_short(dd.justification, 600),
                            _("Beregnet potensial: %(v)s kr per år.") % {"v": _kr(dd.potential_nok)}]
    else:
        intro.paragraphs = [_("Prioriterte endringstiltak på tvers av alle dypdykk.")]
    goals = list(cycle.goals.all())
    sections = [intro]
    if goals:
        sections.append(Section(_("Målene tiltakene skal tette gapet mot"), column=0, table=_goal_table(goals)))
    rows, npv = [], []
    for c in chosen:
        case = service.business_case_for(c, cycle)
        benefit, _src = service.candidate_benefit(c)
        npv.append(case.npv)
        rows.append([c.initiative.name, _kr(benefit), _kr(case.total_cost), _kr(case.npv),
                     str(case.payback_year or "–")])
    prio = Section(_("Prioriterte endringstiltak"), column=1)
    if rows:
        rows, note = _cut(rows)
        prio.table = Table(columns=[_("Tiltak"), _("Gevinst per år"), _("Kostnad i perioden"), _("Nåverdi"),
                                    _("Lønnsomt fra")], rows=rows, numeric=[False, True, True, True, True],
                           caption=_("Kroner; nåverdi over %(n)s år med %(r)s %% rente") % {
                               "n": cycle.plan_years, "r": format_number(cycle.discount_rate, 1)})
        prio.chart = BarChart(
            title=_("Netto nåverdi per tiltak, kr"), categories=[c.initiative.name for c in chosen],
            series=[(_("Nåverdi"), npv)], unit="kr", horizontal=True,
            description=_("Samlet netto nåverdi for de prioriterte tiltakene: %(v)s kr.") % {"v": _kr(sum(npv))})
        if note:
            prio.paragraphs.append(note)
        prio.bullets = [f"{c.initiative.name}: {_short(c.explanation, 250)}" for c in chosen if c.explanation]
    else:
        prio.paragraphs = [_("Ingen tiltak er prioritert ennå: kjør og lagre prioriteringen.")]
    sections.append(prio)
    if rest:
        sections.append(Section(_("Ikke valgt"), column=1, bullets=[
            f"{c.initiative.name}: {_short(c.explanation, 450) or c.get_decision_display()}" for c in rest]))
    ind_rows = _indicator_rows([c.initiative_id for c in chosen])
    ind = Section(_("Indikatorer for måling"), column=2)
    if ind_rows:
        ind_rows, note = _cut(ind_rows)
        ind.table = Table(columns=[_("Gevinst"), _("Indikator"), _("Nullpunkt"), _("Mål"), _("Gevinsteier")],
                          rows=ind_rows, numeric=[False, False, True, True, False],
                          caption=_("Gevinstene i planen for de prioriterte tiltakene"))
        if note:
            ind.paragraphs.append(note)
    else:
        ind.paragraphs = [_("Gevinstene og indikatorene registreres på tiltakene i gevinstrealiseringsplanen.")]
    sections.append(ind)
    title = dd.name if dd else _("alle dypdykk")
    return sections, _("Velge endringstiltak: %(n)s – budsjettår %(y)s") % {"n": title, "y": cycle.budget_year}, []


# ------------------------------------------------------------------ Q4 område
def _omrade(cycle: CycleYear, dd_id):
    dd = _deep_dive(cycle, dd_id, required=False)
    adopted = [c for c in service.live_candidates(cycle) if c.decision == Decision.VEDTATT
               and (dd is None or c.deep_dive_id == dd.pk)]
    ids = [c.initiative_id for c in adopted]
    who = Section(_("Hvem gjør hva, og når"), column=0)
    if adopted:
        points = {}
        for p in DecisionPoint.objects.filter(initiative_id__in=ids).order_by("code"):
            points.setdefault(p.initiative_id, []).append(p)
        who.table = Table(columns=[_("Tiltak"), _("Prosjekteier"), _("Starter"), _("Fase")], rows=[
            [c.initiative.name, c.initiative.owner or "–",
             c.initiative.change_start.strftime("%d.%m.%Y") if c.initiative.change_start else "–",
             c.initiative.get_phase_display()] for c in adopted])
        who.bullets = [f"{c.initiative.name}, {p.code} {p.date.strftime('%d.%m.%Y') if p.date else ''}: "
                       f"{_short(p.decision, 160)}" for c in adopted for p in points.get(c.initiative_id, [])][:8]
    else:
        who.paragraphs = [_("Ingen tiltak er vedtatt for området ennå.")]
    acts = [a for a in cycle.activities.filter(quarter=4).order_by("deadline")]
    q4 = Section(_("Fjerde kvartal: forberede endring"), column=0, bullets=[
        f"{a.deadline.strftime('%d.%m.%Y')} – {_short(a.title, 140)} ({a.get_status_display().lower()})"
        for a in acts if a.status != ActivityStatus.IKKE_AKTUELT])
    meas = Section(_("Gevinster, måleparametere og nullpunkt"), column=1)
    rows = []
    missing_baseline = []
    for b, name, _unit, owner in _benefits(ids):
        base = format_number(b.baseline_value, 1)
        if b.baseline_value is None:
            missing_baseline.append(b.name)
        if b.baseline_date:
            base += f" ({b.baseline_date:%m.%Y})"
        rows.append([b.name, name, base, format_number(b.target_value, 1), b.get_frequency_display() or "–", owner])
    if rows:
        rows, note = _cut(rows)
        meas.table = Table(columns=[_("Gevinst"), _("Indikator"), _("Nullpunkt"), _("Mål"), _("Måles"),
                                    _("Gevinsteier")], rows=rows, numeric=[False, False, True, True, False, False])
        if note:
            meas.paragraphs.append(note)
    else:
        meas.paragraphs = [_("Ingen gevinster er registrert på de vedtatte tiltakene ennå.")]
    if missing_baseline:
        meas.bullets = [_("Mangler nullpunkt – mål før endringen starter: %(l)s") % {"l": ", ".join(missing_baseline)}]
    years = list(range(cycle.budget_year, cycle.budget_year + cycle.plan_years))
    by_year = [0.0] * len(years)
    cost_by_year = [0.0] * len(years)
    for c in adopted:
        t = service.business_case_for(c, cycle).table
        for i, r in enumerate(t.iter_rows(named=True)):
            by_year[i] += r["benefit"]
            cost_by_year[i] += r["one_off_cost"] + r["yearly_cost"]
    effect = Section(_("Forventet gevinst og kostnad per år"), column=2)
    if adopted:
        effect.chart = BarChart(
            title=_("Vedtatte tiltak: gevinst og kostnad per år, kr"), categories=[str(y) for y in years],
            series=[(_("Gevinst"), by_year), (_("Kostnad"), cost_by_year)], unit="kr",
            description=_("Gevinst i planperioden i alt %(b)s kr, kostnader %(c)s kr (ikke neddiskontert).") % {
                "b": _kr(sum(by_year)), "c": _kr(sum(cost_by_year))})
        effect.table = Table(columns=[_("År"), _("Gevinst"), _("Kostnad"), _("Netto")], rows=[
            [str(y), _kr(b), _kr(c), _kr(b - c)] for y, b, c in zip(years, by_year, cost_by_year)],
            numeric=[False, True, True, True])
    else:
        effect.paragraphs = [_("Ingen vedtatte tiltak.")]
    title = dd.name if dd else _("alle områder")
    return [who, q4, meas, effect], _("Forberede endring: %(n)s – budsjettår %(y)s") % {
        "n": title, "y": cycle.budget_year}, []
