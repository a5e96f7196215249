"""An example årshjul for the demo organisation (Lørenskog), clearly marked «Eksempel».

Budget year = this year + 1, so the timeline shows where a real organisation would stand
today. Goals take their current values from the bundled data where the catalogue has the
indicator (netto driftsresultat, andel 80+ med hjemmetjenester, andel barnehagelærere);
the economic gap, the deep dives' analyses, the candidates' costs and benefits are
invented for the example and say so. The prioritisation is run and adopted, so all four
A3 sheets have content.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gevinst.plans.models import Initiative

from . import service
from .models import ActivityStatus, Candidate, Contribution, CycleYear, DeepDive, Goal

#: Marks texts that are invented for the example.
EXAMPLE = "(eksempel)"


def ensure_demo_cycle(org, today: dt.date | None = None) -> CycleYear:
    """Create the example year once (idempotent: an existing example year is returned)."""
    today = today or timezone.localdate()
    existing = CycleYear.objects.filter(organisation=org, is_example=True).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        cycle = service.create_cycle(org, today.year + 1, is_example=True)
        cycle.limit_one_off, cycle.limit_yearly_cost, cycle.limit_fte = 8_000_000, 4_000_000, 5.0
        cycle.save()
        for a in cycle.activities.all():
            if a.deadline < today:
                a.status, a.completed_on = ActivityStatus.FERDIG, a.deadline
            elif a.quarter == cycle.quarter_of(today):
                a.status = ActivityStatus.PAGAR
            a.save()
        goals = _goals(cycle, org)
        dds = _deep_dives(cycle, org)
        _candidates(cycle, org, goals, dds)
    p = service.prioritise(cycle)
    if p.result.status == "optimal":
        service.save_prioritisation(p)
        service.adopt(cycle, None)
    return cycle


def _goals(cycle, org) -> dict[str, Goal]:
    specs = {
        "okonomi": dict(name=_("Innsparing som gir balanse i økonomiplanen %(e)s") % {"e": EXAMPLE},
                        unit=_("mill. kr per år"), direction="higher_better", current_value=0.0, target_value=12.0,
                        current_source=_("Økonomiplanens udekkede behov %(e)s") % {"e": EXAMPLE},
                        target_year=cycle.budget_year + 3, weight=2.0),
        "ndr": dict(name=_("Netto driftsresultat minst 1,75 % (TBUs norm for kommunene)"),
                    indicator="netto_driftsresultat", unit=_("prosent av brutto driftsinntekter"),
                    direction="higher_better", target_value=1.75, target_year=cycle.budget_year),
        "hjemme": dict(name=_("Flere eldre over 80 får hjelp hjemme"), indicator="andel_80_pluss_hjemmetjenester",
                       unit=_("prosent"), direction="higher_better", target_value=21.0,
                       target_year=cycle.budget_year + 2),
        "pedagog": dict(name=_("Pedagognormen oppfylt i alle barnehager"), indicator="andel_barnehagelaerere",
                        unit=_("prosent barnehagelærere"), direction="higher_better", target_value=43.0,
                        target_year=cycle.budget_year, legal_minimum=True,
                        legal_basis=_("Barnehageloven § 26 og forskrift om pedagogisk bemanning (pedagognormen); "
                                      "målverdien er et lokalt anslag for å oppfylle normen %(e)s") % {"e": EXAMPLE}),
    }
    out = {}
    for key, spec in specs.items():
        g = Goal(cycle=cycle, **spec)
        if g.indicator and not service.fill_goal_from_data(g, org.region):
            g.current_value, g.current_source = 0.0, _("Mangler tall %(e)s") % {"e": EXAMPLE}
        g.save()
        out[key] = g
    return out


def _deep_dives(cycle, org) -> dict[str, DeepDive]:
    helse = DeepDive(
        cycle=cycle, name=_("Helse og omsorg: flere eldre bor trygt hjemme"), service="helse_omsorg",
        basis="begge",
        justification=_("Andelen innbyggere over 80 år vokser raskt de neste årene, mens andelen over 80 med "
                        "hjemmetjenester har falt. Uten endring må kommunen bygge flere institusjonsplasser."),
        value_chain=_("Fra første henvendelse til tildelingskontoret, via vedtak, hjemmetjeneste og eventuelt "
                      "korttidsopphold, til langtidsplass: mange overganger, og flere brukere får korttidsopphold "
                      "fordi hjelpen hjemme kommer for sent %(e)s.") % {"e": EXAMPLE},
        end_users=_("Eldre som vil bo hjemme, pårørende, fastleger og ansatte i hjemmetjenesten."),
        problems=_("Lang ventetid på hverdagsrehabilitering; mye kjøring; dobbeltregistrering mellom fagsystemene."),
        opportunities=_("Digitalt tilsyn, medisindispensere, hverdagsrehabilitering, bedre kjøreruter."),
    )
    service.fill_deep_dive_potential(helse, org.region)
    if not helse.potential_nok:
        # The country reference shows no potential for Lørenskog (spending below the national level after
        # need adjustment); the example's potential is the value-chain analysis's own estimate.
        helse.potential_nok = 6_000_000
        helse.potential_source = _(
            "Anslått i analysen av verdikjeden: færre korttidsopphold og mindre kjøring, 6 mill. kr per år "
            "%(e)s. Handlingsromanalysen viser ikke noe potensial mot landsnivået: utgiftene er lavere etter "
            "behovsjustering (tallene står over).") % {"e": EXAMPLE}
    helse.save()
    barnehage = DeepDive.objects.create(
        cycle=cycle, name=_("Barnehage: pedagognormen og vikarbruk"), service="barnehage", basis="ma_endres",
        justification=_("Andelen barnehagelærere ligger under det som trengs for å oppfylle pedagognormen i alle "
                        "barnehager; dette er et minimumskrav i forskrift."),
        value_chain=_("Rekruttering, vikarer ved fravær og kompetanseheving henger sammen: høyt fravær gir mye "
                      "vikarbruk uten pedagogisk utdanning %(e)s.") % {"e": EXAMPLE},
        end_users=_("Barn og foreldre, styrere og ansatte i de kommunale barnehagene."),
        problems=_("Vanskelig å rekruttere barnehagelærere; dyr og ustabil vikarbruk."),
        opportunities=_("Felles vikarpool, stipend for ansatte som tar barnehagelærerutdanning."),
        potential_nok=1_500_000,
        potential_source=_("Anslått i analysen: mindre innleie av vikarer %(e)s.") % {"e": EXAMPLE},
    )
    return {"helse": helse, "barnehage": barnehage}


def _candidates(cycle, org, goals, dds) -> None:
    example = Initiative.objects.live().filter(organisation=org, is_example=True).first()
    if example is not None:
        c = Candidate.objects.create(cycle=cycle, initiative=example, deep_dive=dds["helse"], fte=1.0,
                                     benefit_source=_("Gevinstregisteret i planen"))
        Contribution.objects.create(candidate=c, goal=goals["hjemme"], amount=2.0)
        Contribution.objects.create(candidate=c, goal=goals["okonomi"], amount=4.3)
    specs = [
        ("helse", _("Hverdagsrehabilitering i hjemmetjenesten %(e)s"), 3_500_000, 1_200_000, 800_000, 2.0, False, "",
         {"hjemme": 1.5, "okonomi": 3.5}),
        ("helse", _("Sensorer og digitalt nattilsyn i sykehjem %(e)s"), 2_000_000, 5_000_000, 600_000, 1.0, False, "",
         {"okonomi": 2.0}),
        ("barnehage", _("Felles vikarpool for de kommunale barnehagene %(e)s"), 1_200_000, 300_000, 600_000, 1.5,
         False, "", {"pedagog": 1.0, "okonomi": 1.2}),
        ("barnehage", _("Stipend og veiledning for ansatte som blir barnehagelærere %(e)s"), 0, 500_000, 1_500_000,
         0.5, True, _("Pedagognormen (forskrift om pedagogisk bemanning)"), {"pedagog": 3.0}),
    ]
    for dd_key, name, benefit, one_off, yearly, fte, must, why, contrib in specs:
        c = service.new_candidate(
            cycle, name=name % {"e": EXAMPLE}, deep_dive=dds[dd_key], user=None, one_off_cost=one_off,
            yearly_cost=yearly, risk="middels", owner=_("Kommunalsjef"), yearly_benefit=benefit,
            benefit_source=_("Anslag fra dypdykket %(e)s") % {"e": EXAMPLE}, fte=fte, must_do=must, must_do_reason=why)
        for goal_key, amount in contrib.items():
            Contribution.objects.create(candidate=c, goal=goals[goal_key], amount=amount)


__all__ = ["ensure_demo_cycle"]
