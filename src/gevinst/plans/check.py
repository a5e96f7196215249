"""The plan check (*helsesjekk*): the pitfalls of benefits realisation, each with what to do.

:func:`check_plan` is pure: it reads a plan in the plain form of the JSON export
(:func:`gevinst.plans.io.export_plan`) and returns findings. :func:`check_organisation`
builds that form from the database and adds what the catalogue knows.

The rules (code – what it catches):

- ``tiltak_uten_gevinster`` – an initiative without any benefit (no or incomplete plan);
- ``mangler_indikator`` – a benefit without an indicator;
- ``mangler_maltall`` – a benefit without a target figure (value and date);
- ``mangler_eier`` – a benefit without an owner (gevinsteier);
- ``mangler_nullpunkt`` – no baseline (value and date);
- ``nullpunkt_etter_start`` – the baseline is dated after the change began;
- ``ingen_maleplan`` – no measurement scheduled (frequency and responsible);
- ``maling_forfalt`` – a measurement is overdue;
- ``frigjort_kapasitet`` – a priced benefit with no decision on how freed capacity is used;
- ``dobbelttelling`` – the same kroner counted twice (same budget line and year);
- ``ulemper_ikke_vurdert`` – a large initiative with no dis-benefits considered;
- ``resultat_mot_mal`` – an output (resultat) indicator on a benefit linked to a goal.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _

from gevinst.core.formatting import format_number

#: Rules in the order they are shown.
RULES = (
    "tiltak_uten_gevinster", "mangler_indikator", "mangler_maltall", "mangler_eier", "mangler_nullpunkt",
    "nullpunkt_etter_start", "ingen_maleplan", "maling_forfalt", "frigjort_kapasitet", "dobbelttelling",
    "ulemper_ikke_vurdert", "resultat_mot_mal",
)
PRICED = {"budsjett", "alternativ", "annen_offentlig"}
DONE = {"realisert", "tatt_ut"}
FREQUENCY_DAYS = {"manedlig": 31, "kvartalsvis": 92, "halvarlig": 183, "arlig": 366}
#: Default threshold (kroner, one-off + yearly cost) above which an initiative counts as large.
DEFAULT_LARGE_INITIATIVE_NOK = 5_000_000


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # "feil" (must fix) or "advarsel" (should look at)
    initiative_id: int | None
    initiative: str
    benefit_id: int | None
    benefit: str
    message: str
    what_to_do: str

    def as_dict(self) -> dict:
        return asdict(self)


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _fmt_date(d: dt.date | None) -> str:
    return d.strftime("%d.%m.%Y") if d else "–"


def change_start(initiative: dict) -> dt.date | None:
    """When the change began: the initiative's own date, else its BP3 (start of execution)."""
    start = _date(initiative.get("change_start"))
    if start:
        return start
    for p in initiative.get("decision_points") or []:
        if p.get("code") == "BP3" and p.get("date"):
            return _date(p["date"])
    return None


def next_measurement_due(benefit: dict, initiative: dict) -> dt.date | None:
    """The date the next measurement is due, from the frequency and the last measurement."""
    days = FREQUENCY_DAYS.get(benefit.get("frequency") or "")
    if not days:
        return None
    dates = [_date(m.get("date")) for m in benefit.get("measurements") or []]
    dates = [d for d in dates if d]
    last = max(dates) if dates else (change_start(initiative) or _date(benefit.get("baseline_date")))
    if last is None:
        return None
    return last + dt.timedelta(days=days)


def _linked_to_goal(benefit_key: str, initiative: dict) -> bool:
    nodes = {n["key"]: n for n in (initiative.get("map") or {}).get("nodes") or []}
    for e in (initiative.get("map") or {}).get("edges") or []:
        if e.get("source") == benefit_key and nodes.get(e.get("target"), {}).get("kind") in ("mal", "barekraft"):
            return True
    return False


def check_plan(plan: dict, *, today: dt.date | None = None, result_types: dict[str, str] | None = None,
               large_threshold: float = DEFAULT_LARGE_INITIATIVE_NOK) -> list[Finding]:
    """Findings for ``plan`` (the JSON export's form). ``result_types``: catalogue indicator → resultat|effekt."""
    today = today or dt.date.today()
    result_types = result_types or {}
    findings: list[Finding] = []
    budget_uses: dict[tuple[str, int | None], list[tuple[dict, dict]]] = defaultdict(list)

    for ini in plan.get("initiatives") or []:
        iname, iid = ini.get("name", ""), ini.get("id")

        def add(rule, severity, message, what, benefit=None, iid=iid, iname=iname):
            findings.append(Finding(rule, severity, iid, iname, (benefit or {}).get("id"),
                                    (benefit or {}).get("name", ""), message, what))

        benefits = ini.get("benefits") or []
        if not benefits:
            add("tiltak_uten_gevinster", "feil",
                _("Tiltaket har ingen gevinster i planen."),
                _("Beskriv hvilke gevinster tiltaket skal gi, hvem som eier dem og hvordan de måles. "
                  "Et tiltak uten gevinstplan kan ikke følges opp."))
        start = change_start(ini)
        for b in benefits:
            has_indicator = bool(b.get("indicator") or b.get("custom_indicator"))
            if not has_indicator:
                add("mangler_indikator", "feil", _("Gevinsten har ingen indikator."),
                    _("Velg en indikator fra katalogen eller beskriv en egen med enhet og retning, "
                      "slik at det går an å måle om gevinsten kommer."), b)
            if b.get("target_value") is None or not b.get("target_date"):
                add("mangler_maltall", "feil", _("Gevinsten mangler måltall (hva og hvor mye skal endres, og når)."),
                    _("Sett målverdi og måldato. Uten et måltall vet ingen når gevinsten er realisert."), b)
            if not b.get("owner"):
                add("mangler_eier", "feil", _("Gevinsten har ingen gevinsteier."),
                    _("Utpek en gevinsteier i linjen – en leder som skal ta ut gevinsten også etter at "
                      "prosjektet er avsluttet."), b)
            bdate = _date(b.get("baseline_date"))
            if b.get("baseline_value") is None or bdate is None:
                add("mangler_nullpunkt", "feil", _("Gevinsten har ikke noe nullpunkt."),
                    _("Mål nullpunktet før endringen begynner å virke. For indikatorer fra katalogen kan "
                      "nullpunktet hentes fra data."), b)
            elif start and bdate > start:
                add("nullpunkt_etter_start", "feil",
                    _("Nullpunktet er datert %(b)s, etter at endringen startet %(s)s.")
                    % {"b": _fmt_date(bdate), "s": _fmt_date(start)},
                    _("Bruk en måling fra før endringen startet som nullpunkt; ellers måles ikke hele effekten."), b)
            if not b.get("frequency") or not b.get("measurement_responsible"):
                add("ingen_maleplan", "feil", _("Det er ikke planlagt når og av hvem gevinsten skal måles."),
                    _("Sett målefrekvens og hvem som er ansvarlig for målingene."), b)
            elif b.get("status") not in DONE:
                due = next_measurement_due(b, ini)
                if due and due < today:
                    add("maling_forfalt", "advarsel",
                        _("En måling var ventet senest %(d)s.") % {"d": _fmt_date(due)},
                        _("Registrer en ny måling, eller endre målefrekvensen hvis planen er endret."), b)
            if b.get("value_class") in PRICED and not (b.get("freed_capacity_use") or "").strip():
                add("frigjort_kapasitet", "feil",
                    _("Det er ikke bestemt hvordan frigjort tid eller frigjorte midler skal brukes."),
                    _("Beslutt om gevinsten tas ut i budsjettet eller brukes til noe annet, og skriv det inn. "
                      "Ellers forsvinner gevinsten i driften."), b)
            line = " ".join((b.get("budget_line") or "").lower().split())
            if line:
                budget_uses[(line, b.get("budget_year"))].append((ini, b))
            rtype = result_types.get(b.get("indicator") or "") or b.get("custom_result_type") or ""
            if rtype == "resultat" and _linked_to_goal(b.get("key", ""), ini):
                add("resultat_mot_mal", "advarsel",
                    _("Gevinsten er knyttet til et mål, men indikatoren måler et resultat (produkt eller tjeneste), "
                      "ikke en effekt."),
                    _("Måler vi målet? Velg en effektindikator (virkning for brukere eller samfunn), eller legg "
                      "til en i tillegg til resultatindikatoren."), b)
        total = float(ini.get("one_off_cost") or 0) + float(ini.get("yearly_cost") or 0)
        if total >= large_threshold and benefits and not any((b.get("dis_benefits") or "").strip() for b in benefits):
            add("ulemper_ikke_vurdert", "advarsel",
                _("Tiltaket koster %(cost)s kr, men ingen ulemper er vurdert.") % {"cost": format_number(total)},
                _("Beskriv mulige ulemper (negative gevinster) for brukere, ansatte eller andre virksomheter, "
                  "og hvordan de skal håndteres."))

    for (line, year), uses in budget_uses.items():
        if len(uses) < 2:
            continue
        names = ", ".join(f"«{b.get('name', '')}»" for _ini, b in uses)
        for ini, b in uses:
            findings.append(Finding(
                "dobbelttelling", "feil", ini.get("id"), ini.get("name", ""), b.get("id"), b.get("name", ""),
                _("De samme kronene er regnet med flere ganger: %(names)s tas ut av budsjettposten «%(line)s» "
                  "for %(year)s.") % {"names": names, "line": b.get("budget_line"), "year": year or _("samme periode")},
                _("Fordel beløpet mellom gevinstene eller slå dem sammen, slik at hver krone telles én gang."),
            ))
    order = {r: i for i, r in enumerate(RULES)}
    findings.sort(key=lambda f: (f.initiative_id or 0, f.benefit_id or 0, order.get(f.rule, 99)))
    return findings


def check_organisation(organisation, today: dt.date | None = None) -> list[Finding]:
    """The plan check for an organisation's live plan."""
    from django.conf import settings

    from gevinst.catalogue import load_catalogue

    from .io import export_plan

    result_types = {i.id: i.result_type for i in load_catalogue().indicators}
    threshold = getattr(settings, "GEVINST_LARGE_INITIATIVE_NOK", DEFAULT_LARGE_INITIATIVE_NOK)
    return check_plan(export_plan(organisation), today=today, result_types=result_types, large_threshold=threshold)


def rule_labels() -> dict[str, str]:
    return {
        "tiltak_uten_gevinster": _("Tiltak uten gevinster"),
        "mangler_indikator": _("Gevinst uten indikator"),
        "mangler_maltall": _("Gevinst uten måltall"),
        "mangler_eier": _("Gevinst uten eier"),
        "mangler_nullpunkt": _("Nullpunkt mangler"),
        "nullpunkt_etter_start": _("Nullpunkt etter at endringen startet"),
        "ingen_maleplan": _("Ingen måleplan"),
        "maling_forfalt": _("Måling forfalt"),
        "frigjort_kapasitet": _("Ingen beslutning om frigjort kapasitet"),
        "dobbelttelling": _("Samme kroner telt to ganger"),
        "ulemper_ikke_vurdert": _("Ulemper ikke vurdert"),
        "resultat_mot_mal": _("Resultat målt der målet er en effekt"),
    }


def to_text(findings: list[Finding]) -> str:
    if not findings:
        return _("Helsesjekken fant ingen problemer.") + "\n"
    labels = rule_labels()
    lines = [_("Helsesjekken fant %(n)s forhold:") % {"n": len(findings)}, ""]
    for f in findings:
        where = f.initiative + (f" › {f.benefit}" if f.benefit else "")
        sev = _("Feil") if f.severity == "feil" else _("Advarsel")
        lines.append(f"[{sev}] {labels.get(f.rule, f.rule)} – {where}")
        lines.append(f"  {f.message}")
        lines.append("  " + _("Gjør dette: %(what)s") % {"what": f.what_to_do})
    return "\n".join(lines) + "\n"
