"""A realistic example plan for the demo organisation (Lørenskog), clearly marked «Eksempel».

«Digital hjemmeoppfølging i hjemmetjenesten»: three benefits on quality, time and
cost; the first takes its baseline from data (andel 80+ som bruker
hjemmetjenester, SSB 12209) and gets automatic measurements; the benefit map
links it to a goal, so the plan check flags one deliberate pitfall: an output
indicator (resultat) measured where the goal is an outcome.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from gevinst.accounts.models import Membership, Organisation

from . import audit, data
from .io import benefit_key, node_key
from .models import Benefit, DecisionPoint, Initiative, MapEdge, MapNode, Measurement

D = dt.date


def ensure_demo_plan(org: Organisation) -> Initiative:
    """Create the example plan once (idempotent: an existing example initiative is returned)."""
    existing = Initiative.objects.filter(organisation=org, is_example=True).first()
    if existing is not None:
        return existing
    member = Membership.objects.filter(organisation=org).select_related("user").order_by("id").first()
    owner = member.user if member else None
    with transaction.atomic():
        ini = audit.save(Initiative(
            organisation=org, is_example=True,
            name=_("Eksempel: Digital hjemmeoppfølging i hjemmetjenesten"),
            description=_("Eksempel til utprøving, ikke en ekte plan. Digitalt tilsyn, medisindispensere og "
                          "videosamtaler skal gjøre at flere eldre kan bo trygt hjemme, og at hjemmetjenesten "
                          "bruker mindre tid på kjøring."),
            area=_("Helse og omsorg"), owner=_("Kommunalsjef helse og omsorg"), phase="realisering",
            change_start=D(2025, 1, 1), one_off_cost=4_200_000, yearly_cost=900_000, risk="middels",
            risk_notes=_("Avhenger av at ansatte tar i bruk verktøyene og at brukerne aksepterer dem."),
        ), None)
        for code, when, text in (
            ("BP1", D(2023, 9, 1), _("Idéen godkjent av kommunedirektørens ledergruppe.")),
            ("BP2", D(2024, 1, 15), _("Konseptet valgt: digitalt tilsyn og medisindispensere.")),
            ("BP3", D(2024, 6, 1), _("Gjennomføring vedtatt i budsjettet for 2025.")),
        ):
            DecisionPoint.objects.create(initiative=ini, code=code, date=when, decision=text)
        b1 = Benefit(
            organisation=org, initiative=ini, owner=owner, name=_("Flere eldre får hjelp hjemme"),
            description=_("Flere innbyggere over 80 får tjenester hjemme i stedet for i institusjon."),
            axis="kvalitet", value_class="ikke_prissatt", indicator="andel_80_pluss_hjemmetjenester",
            target_value=21.0, target_date=D(2027, 12, 31), frequency="arlig",
            measurement_responsible=_("Enhetsleder hjemmetjenesten"),
            prerequisites=_("Nok ansatte med opplæring i digitalt tilsyn."),
            dis_benefits=_("Noen brukere kan oppleve færre fysiske besøk som mindre trygghet."),
        )
        if not data.fill_baseline(b1):
            b1.baseline_value, b1.baseline_date = 19.0, D(2024, 12, 31)
            b1.baseline_source = _("KOSTRA (SSB 12209), 2024")
        audit.save(b1, None)
        b2 = audit.save(Benefit(
            organisation=org, initiative=ini, owner=owner, name=_("Færre kjøreminutter per hjemmebesøk"),
            axis="tid", value_class="alternativ", custom_indicator=_("Kjøretid per hjemmebesøk"),
            custom_unit=_("minutter"), custom_direction="lower_better",
            baseline_value=14.0, baseline_date=D(2024, 11, 30),
            baseline_source=_("Tidsregistrering i hjemmetjenesten, november 2024"),
            target_value=9.0, target_date=D(2026, 12, 31),
            intermediate_targets=[{"date": "2025-12-31", "value": 11.5}],
            expected_yearly_nok=1_800_000,
            freed_capacity_use=_("Frigjort tid brukes til flere besøk hos brukere med økende behov."),
            budget_line="3540 Hjemmetjenester", budget_year=2026, frequency="halvarlig",
            measurement_responsible=_("Rådgiver, helse og omsorg"), status="planlagt",
        ), None)
        b3 = audit.save(Benefit(
            organisation=org, initiative=ini, owner=owner, name=_("Lavere utgifter til korttidsplasser"),
            axis="kostnad", value_class="budsjett", custom_indicator=_("Belegg på korttidsplasser"),
            custom_unit=_("plasser"), custom_direction="lower_better", custom_result_type="effekt",
            baseline_value=24.0, baseline_date=D(2024, 12, 31), baseline_source=_("Fagsystemet, årsgjennomsnitt 2024"),
            target_value=22.0, target_date=D(2027, 12, 31), expected_yearly_nok=2_500_000,
            freed_capacity_use=_("Tas ut i budsjettet for 2027: to færre korttidsplasser."),
            budget_line="3530 Institusjon", budget_year=2027, frequency="arlig",
            measurement_responsible=_("Enhetsleder korttidsavdelingen"),
            dis_benefits=_("Pårørende kan få mindre avlastning."), status="planlagt",
        ), None)
        for b, when, value, comment in (
            (b2, D(2025, 6, 30), 12.8, _("Første halvår med digitalt tilsyn.")),
            (b2, D(2025, 12, 31), 11.2, ""),
            (b2, D(2026, 6, 30), 10.4, _("Ny kjørerute i sone øst.")),
            (b3, D(2025, 12, 31), 23.5, ""),
        ):
            audit.save(Measurement(organisation=org, benefit=b, date=when, value=value, comment=comment,
                                   recorded_by=owner), None)
        nodes = {}
        for key, kind, label in (
            ("endring", "endring", _("Digitalt tilsyn og medisindispensere tatt i bruk")),
            ("forutsetning", "forutsetning", _("Ansatte har fått opplæring")),
            ("mal", "mal", _("Flere eldre bor trygt hjemme lenger")),
            ("sdg", "barekraft", _("3.8 Helsetjenester for alle")),
        ):
            nodes[key] = node_key(MapNode.objects.create(initiative=ini, kind=kind, label=label).pk)
        for s, t in (
            ("tiltak", nodes["endring"]), ("tiltak", nodes["forutsetning"]),
            (nodes["endring"], benefit_key(b1.pk)), (nodes["endring"], benefit_key(b2.pk)),
            (nodes["forutsetning"], benefit_key(b3.pk)),
            (benefit_key(b1.pk), nodes["mal"]),  # deliberate: an output indicator linked to a goal
            (benefit_key(b3.pk), nodes["sdg"]),
        ):
            MapEdge.objects.create(initiative=ini, source=s, target=t)
    for b in (b2, b3):
        data.update_status(b)
    data.add_measurements_from_data(org)
    return ini


__all__ = ["ensure_demo_plan"]
