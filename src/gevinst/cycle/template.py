"""The årshjul of KS' Helhetsmodellen: the recommended activities per quarter.

Source: KS, «Gevinstrealisering i kommunens økonomi- og budsjettarbeid» (veileder utviklet
av Karabin på vegne av KS), section «Gevinstarbeid gjennom året» (the seed 001_… of this
project). Each quarter lists what is done, why, who does it and which steering documents it
produces; gevinst turns that into activities with a status and a deadline.

Deadlines are month and day in the *work year*: the calendar year before the budget year
(the budget for 2027 is prepared and adopted in 2026). Deadlines set by law are marked
with ``law``:
- årsregnskap 22 February, årsberetning 31 March: forskrift om økonomiplan, årsbudsjett,
  årsregnskap og årsberetning (pursuant to kommuneloven § 14-6; paragraph not verified offline);
- økonomiplan and årsbudsjett adopted before the year begins: kommuneloven §§ 14-3 and 14-4
  (the council adopts them «innen utgangen av året»).
Other deadlines are the end of the quarter or the practice the guide describes (the
kommunedirektør's proposal is «ofte ferdigstilt i løpet av oktober»): change them per year.

Roles (who): stab/støtte, linjeledere, ansvarlig for budsjett og økonomiplan
(budsjettsjef/økonomisjef), kommunedirektør/rådmann, politikere.

Every text goes through Django's translation machinery (a nynorsk catalogue can follow);
the texts are copied into each year's activities, where users may edit them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class QuarterTemplate:
    number: int
    name: str
    purpose: str


@dataclass(frozen=True)
class ActivityTemplate:
    quarter: int
    key: str
    title: str
    why: str
    who: str
    deadline: tuple[int, int]  # (month, day) in the work year
    document: str = ""
    law: str = ""
    a3: str = ""  # the A3 kind this activity produces, if any


QUARTERS = (
    QuarterTemplate(1, _('Skaffe overblikk'),
                    _('Få oversikt over dagens tilstand og endringsbehov, vise gapet mellom nå-situasjon og ønsket situasjon, og finne delområder til dypdykk.')),
    QuarterTemplate(2, _('Gjøre dypdykk'),
                    _('Analysere de utvalgte delområdene langs verdikjeder og sluttbrukere, og kalkulere gevinstpotensialet.')),
    QuarterTemplate(3, _('Velge endringstiltak'),
                    _('Prioritere det viktigste å gjøre i neste budsjett- og økonomiplanperiode: tette gapet raskest mulig og med størst mulig effekt for kommunen som helhet.')),
    QuarterTemplate(4, _('Forberede endring'),
                    _('Definere hvem som gjør hva og når, måleparametere og målinger før, under og etter endringen (husk en baseline!), og vedta budsjett og økonomiplan.')),
)

ACTIVITIES = (
    ActivityTemplate(
        quarter=1, key='q1-data',
        title=_('Samle relevante data på overordnet nivå og pek på uløste behov, problemer, teknologiske muligheter og uforløste gevinstmuligheter (mulige business case)'),
        why=_('Få oversikt over dagens tilstand og endringsbehov, og kjenne mulighetsrommet for driften og for ny teknologi for kommunen som helhet.'),
        who=_('Stab/støtte'),
        deadline=(2, 15),
    ),
    ActivityTemplate(
        quarter=1, key='q1-arsberetning',
        title=_('Årsberetning med en helhetlig driftsanalyse'),
        why=_('Årsberetningen viser dagens tilstand og er grunnlaget for den tverrfaglige analysen.'),
        who=_('Kommunedirektør/rådmann, med stab/støtte'),
        deadline=(3, 31),
        document=_('Årsberetning/årsmelding med en helhetlig driftsanalyse'),
        law=_('Forskrift om økonomiplan, årsbudsjett, årsregnskap og årsberetning: årsberetningen innen 31. mars'),
    ),
    ActivityTemplate(
        quarter=1, key='q1-gap',
        title=_('Vise gapet mellom nå-situasjonen og ønsket situasjon, medregnet minimumskravene i lov og forskrift'),
        why=_('Lage beslutningsgrunnlag for å finne delområder til dypdykk og videre analyser.'),
        who=_('Stab/støtte og linjeledere'),
        deadline=(3, 15),
    ),
    ActivityTemplate(
        quarter=1, key='q1-workshop',
        title=_('Felles workshop for linjeledere og stab/støtte på tvers av kommunen: linjelederne vurderer dataene, deler innsikt og supplerer analysen'),
        why=_('Skape ny kunnskap for organisasjonen i en tverrfaglig dialog mellom ledernivåer og fagområder.'),
        who=_('Ansvarlig for budsjett og økonomiplan (budsjettsjef/økonomisjef) kaller inn etter avtale med kommunedirektøren'),
        deadline=(3, 20),
    ),
    ActivityTemplate(
        quarter=1, key='q1-dypdykk',
        title=_('Velge delområder til dypdykk: områder man må gjøre noe med, og endringer med stort gevinstpotensial'),
        why=_('Gi beslutningsgrunnlag for dypdykk og videre analyser.'),
        who=_('Kommunedirektør/rådmann med ledergruppen'),
        deadline=(3, 31),
        document=_('Overordnet A3 for kommunen som helhet med valg av dypdykk'),
        a3='helhet',
    ),
    ActivityTemplate(
        quarter=2, key='q2-data',
        title=_('Samle relevante data per dypdykk og pek på uløste behov, problemer, teknologiske muligheter og uforløste gevinstmuligheter'),
        why=_('Få et bedre beslutningsgrunnlag for valg av de rette endringstiltakene.'),
        who=_('Stab/støtte'),
        deadline=(5, 15),
    ),
    ActivityTemplate(
        quarter=2, key='q2-analyse',
        title=_('Analysere hvert dypdykk langs verdikjeder og sluttbrukere, uavhengig av budsjettposter, fag og strukturer'),
        why=_('Sikre en forsvarlig og effektiv drift i tråd med mål, strategier og minimumskrav fra lovverket.'),
        who=_('Berørte linjeledere og stab/støtte'),
        deadline=(6, 1),
    ),
    ActivityTemplate(
        quarter=2, key='q2-workshop',
        title=_('Felles workshop per dypdykk for berørte linjeledere og stab/støtte på tvers av kommunen'),
        why=_('Linjelederne vurderer dataene, deler innsikt og supplerer analysen med sin kunnskap.'),
        who=_('Leder utpekt av kommunedirektøren kaller inn'),
        deadline=(6, 10),
    ),
    ActivityTemplate(
        quarter=2, key='q2-potensial',
        title=_('Identifisere og kalkulere gevinstpotensialet for hvert dypdykk, med mulige endringstiltak'),
        why=_('Sikre et realistisk budsjett og en realistisk økonomiplan, fullstendig og i balanse.'),
        who=_('Stab/støtte'),
        deadline=(6, 20),
        document=_('A3 for hvert utvalgte dypdykk'),
        a3='dypdykk',
    ),
    ActivityTemplate(
        quarter=2, key='q2-budsjettskriv',
        title=_('Budsjettskriv for neste budsjett og økonomiplan'),
        why=_('Gi rammer og føringer for budsjettarbeidet i virksomhetene.'),
        who=_('Ansvarlig for budsjett og økonomiplan (budsjettsjef/økonomisjef)'),
        deadline=(6, 30),
        document=_('Budsjettskriv for neste budsjett og økonomiplan'),
    ),
    ActivityTemplate(
        quarter=3, key='q3-presentasjon',
        title=_('Felles presentasjon: justert A3 for kommunen som helhet og en A3 per dypdykk med analyser, kalkulert gevinstpotensial og endringstiltak'),
        why=_('Finne ut hvordan gapet mellom nå-situasjon og ønsket situasjon kan tettes raskest mulig og med størst mulig effekt.'),
        who=_('Stab/støtte'),
        deadline=(8, 31),
    ),
    ActivityTemplate(
        quarter=3, key='q3-workshop',
        title=_('Felles workshop for linjeledere og stab/støtte på tvers av kommunen: aktuelle linjeledere formidler kunnskapen for helheten og per dypdykk'),
        why=_('Gi felles forståelse før prioriteringen.'),
        who=_('Ansvarlig for budsjett og økonomiplan kaller inn etter avtale med kommunedirektøren'),
        deadline=(9, 10),
    ),
    ActivityTemplate(
        quarter=3, key='q3-prioritere',
        title=_('Prioritere endringstiltakene for neste budsjett- og økonomiplanperiode'),
        why=_('Velge tiltakene med størst gevinstpotensial for kommunen som helhet innenfor rammene, med minimumskravene tatt med.'),
        who=_('Kommunedirektør/rådmann med ledergruppen'),
        deadline=(9, 30),
        document=_('En A3 per prioritert dypdykk med prioriterte endringstiltak og mulige indikatorer for måling'),
        a3='tiltak',
    ),
    ActivityTemplate(
        quarter=3, key='q3-balanse',
        title=_('Realistisk og fullstendig budsjett og økonomiplan i balanse som grunnlag for kommunedirektørens forslag'),
        why=_('Forslaget til budsjett og økonomiplan ferdigstilles ofte i oktober.'),
        who=_('Ansvarlig for budsjett og økonomiplan'),
        deadline=(9, 30),
        document=_('Realistisk og fullstendig budsjett og økonomiplan i balanse'),
    ),
    ActivityTemplate(
        quarter=4, key='q4-forslag',
        title=_('Ferdigstille kommunedirektørens forslag til budsjett og økonomiplan'),
        why=_('Forslaget går til politisk behandling.'),
        who=_('Kommunedirektør/rådmann'),
        deadline=(10, 31),
        document=_('Kommunedirektørens forslag til budsjett og økonomiplan'),
    ),
    ActivityTemplate(
        quarter=4, key='q4-ansvar',
        title=_('Definere hva som må gjøres, av hvem og når, for å gjennomføre hvert endringstiltak og få ønsket effekt'),
        why=_('Fordele ansvar og oppgaver, og forankre formålet med endringen internt og eksternt.'),
        who=_('Linjeledere, med stab/støtte'),
        deadline=(11, 15),
    ),
    ActivityTemplate(
        quarter=4, key='q4-maaling',
        title=_('Definere måleparametere og planlegge målinger før, under og etter endringen (husk en baseline!)'),
        why=_('Sikre at endringstiltakene gir forventet effekt, og at behovet for justeringer oppdages.'),
        who=_('Stab/støtte foreslår; linjeledere vurderer og følger opp'),
        deadline=(11, 30),
    ),
    ActivityTemplate(
        quarter=4, key='q4-workshop',
        title=_('Felles workshop per delområde med vedtatte endringstiltak for å planlegge oppfølgingen'),
        why=_('Synliggjøre forutsetningene for å realisere målene og det kalkulerte gevinstpotensialet.'),
        who=_('Linjeleder utpekt av kommunedirektøren kaller inn'),
        deadline=(12, 5),
    ),
    ActivityTemplate(
        quarter=4, key='q4-vedtak',
        title=_('Vedtatt budsjett og økonomiplan'),
        why=_('Kommunestyret vedtar økonomiplanen og årsbudsjettet for det kommende året.'),
        who=_('Kommunestyret/fylkestinget'),
        deadline=(12, 31),
        document=_('Vedtatt budsjett og økonomiplan'),
        law=_('Kommuneloven §§ 14-3 og 14-4: vedtas innen utgangen av året'),
    ),
    ActivityTemplate(
        quarter=4, key='q4-a3',
        title=_('A3 for kommunen som helhet og A3 per delområde med vedtatte endringstiltak på tvers av ansvarslinjer'),
        why=_('Gi alle en felles oversikt over vedtatte endringstiltak og øvrig drift.'),
        who=_('Stab/støtte'),
        deadline=(12, 15),
        document=_('A3 for kommunen som helhet og A3 per delområde med vedtatte endringstiltak'),
        a3='omrade',
    ),
)

QUARTER_BY_NUMBER = {q.number: q for q in QUARTERS}
