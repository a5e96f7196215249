"""The annual cycle of KS' Helhetsmodellen (*årshjul*): quarters, deep dives, goals, candidates.

A :class:`CycleYear` is one organisation's year of work towards one budget year:
the work runs through the calendar year *before* the budget year (the budget for
2027 is prepared in 2026 and adopted by 31 December 2026). Its four quarters:

- Q1 *skaffe overblikk*: cross-service analysis, the gap between now and the goals
  (including legal minimums, :class:`Goal`), the choice of deep dives (:class:`DeepDive`);
- Q2 *dypdykk*: analysis of each deep dive along value chains and end users, the
  calculated benefit potential, candidate initiatives (:class:`Candidate`);
- Q3 *velge endringstiltak*: prioritisation of the candidates under budget and FTE
  limits (:mod:`gevinst.core.portfolio`);
- Q4 *forberede endring*: who does what when, measurement parameters, baselines;
  the adopted budget.

Each quarter's activities (:class:`Activity`) come from ``arshjul.toml`` (the seed's
list: what, why, who, documents) with a status and a deadline.

A candidate initiative *is* an initiative of the benefits realisation plan
(:class:`gevinst.plans.models.Initiative`): costs, risk, benefits with owners,
indicators and baselines live there; the cycle adds what prioritisation needs
(benefit potential, FTE need, must-do, contributions to the goals, the decision).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gevinst.accounts.models import Organisation
from gevinst.plans.models import Direction, Initiative

QUARTERS = (1, 2, 3, 4)


class Objective(models.TextChoices):
    BENEFIT = "benefit", _("Størst netto nåverdi (gevinst minus kostnad) i planperioden")
    GAP = "gap", _("Tetter mest av gapet mot målene")


class CycleYear(models.Model):
    """*Årshjul* for one budget year of one organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    budget_year = models.PositiveIntegerField(
        _("budsjettår"), validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("Året budsjettet gjelder. Arbeidet går gjennom året før (budsjettet for 2027 lages i 2026)."))
    plan_years = models.PositiveSmallIntegerField(
        _("år i økonomiplanen"), default=4, validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("Perioden nytte og kostnader regnes over (økonomiplanen er normalt fire år)."))
    discount_rate = models.FloatField(
        _("kalkulasjonsrente (%)"), default=4.0, validators=[MinValueValidator(0.0), MaxValueValidator(20.0)],
        help_text=_("DFØs anbefalte rente for offentlige tiltak er 4 %."))
    limit_one_off = models.DecimalField(_("ramme for engangskostnader (kr)"), max_digits=14, decimal_places=0,
                                        null=True, blank=True, validators=[MinValueValidator(0)],
                                        help_text=_("Tom: ingen grense."))
    limit_yearly_cost = models.DecimalField(_("ramme for årlige kostnader (kr)"), max_digits=14, decimal_places=0,
                                            null=True, blank=True, validators=[MinValueValidator(0)],
                                            help_text=_("Tom: ingen grense."))
    limit_fte = models.FloatField(_("ramme for årsverk"), null=True, blank=True, validators=[MinValueValidator(0)],
                                  help_text=_("Hvor mange årsverk tiltakene kan bruke til sammen. Tom: ingen grense."))
    objective = models.CharField(_("mål for prioriteringen"), max_length=10, choices=Objective.choices,
                                 default=Objective.BENEFIT)
    adopted_at = models.DateTimeField(_("prioriteringen vedtatt"), null=True, blank=True)
    is_example = models.BooleanField(_("eksempel"), default=False)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("årshjul")
        verbose_name_plural = _("årshjul")
        ordering = ["-budget_year"]
        constraints = [models.UniqueConstraint(fields=["organisation", "budget_year"], name="cycle_year_unique")]

    def __str__(self) -> str:
        return f"{self.organisation} {self.budget_year}"

    @property
    def work_year(self) -> int:
        """The calendar year the work is done in (the year before the budget year)."""
        return self.budget_year - 1

    def quarter_of(self, day: dt.date) -> int | None:
        """The quarter ``day`` falls in, or None if the day is outside the work year."""
        if day.year != self.work_year:
            return None
        return (day.month - 1) // 3 + 1


class ActivityStatus(models.TextChoices):
    IKKE_STARTET = "ikke_startet", _("Ikke startet")
    PAGAR = "pagar", _("Pågår")
    FERDIG = "ferdig", _("Ferdig")
    IKKE_AKTUELT = "ikke_aktuelt", _("Ikke aktuelt i år")


OPEN_STATUSES = (ActivityStatus.IKKE_STARTET, ActivityStatus.PAGAR)


class Activity(models.Model):
    """One activity of a quarter: what, why, who, the deadline and the document it produces."""

    cycle = models.ForeignKey(CycleYear, on_delete=models.CASCADE, related_name="activities")
    quarter = models.PositiveSmallIntegerField(_("kvartal"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    key = models.CharField(_("nøkkel"), max_length=60)
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    title = models.CharField(_("aktivitet"), max_length=300)
    why = models.TextField(_("hvorfor"), blank=True)
    who = models.CharField(_("hvem"), max_length=300, blank=True)
    document = models.CharField(_("styringsdokument"), max_length=300, blank=True)
    law = models.CharField(_("frist satt i lov eller forskrift"), max_length=300, blank=True)
    a3_kind = models.CharField(_("A3 fra aktiviteten"), max_length=10, blank=True)
    deadline = models.DateField(_("frist"))
    status = models.CharField(_("status"), max_length=14, choices=ActivityStatus.choices,
                              default=ActivityStatus.IKKE_STARTET)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("ansvarlig"))
    note = models.TextField(_("notat"), blank=True)
    completed_on = models.DateField(_("ferdig dato"), null=True, blank=True)

    class Meta:
        verbose_name = _("aktivitet")
        verbose_name_plural = _("aktiviteter")
        ordering = ["quarter", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["cycle", "key"], name="activity_key_unique")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def note_completion(self, today: dt.date) -> None:
        """Keep ``completed_on`` in step with ``status`` (not saved): the first day it was seen
        finished, cleared when the activity is reopened."""
        if self.status != ActivityStatus.FERDIG:
            self.completed_on = None
        elif self.completed_on is None:
            self.completed_on = today


class Goal(models.Model):
    """A goal of the wanted situation (*ønsket situasjon*): a target, or a legal minimum.

    The gap is what is missing from the current value to the target, in the goal's
    unit and in its direction (0 when the goal is reached).
    """

    cycle = models.ForeignKey(CycleYear, on_delete=models.CASCADE, related_name="goals")
    name = models.CharField(_("mål"), max_length=200)
    indicator = models.CharField(_("indikator fra katalogen"), max_length=120, blank=True)
    unit = models.CharField(_("enhet"), max_length=60, blank=True)
    direction = models.CharField(_("retning"), max_length=20, choices=Direction.choices[:2], default=Direction.HIGHER)
    current_value = models.FloatField(_("nå-verdi"), null=True, blank=True)
    current_source = models.CharField(_("kilde for nå-verdien"), max_length=300, blank=True)
    target_value = models.FloatField(_("målverdi"), null=True, blank=True)
    target_year = models.PositiveIntegerField(_("målår"), null=True, blank=True,
                                              validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    legal_minimum = models.BooleanField(_("minimumskrav i lov eller forskrift"), default=False)
    legal_basis = models.CharField(_("hjemmel"), max_length=300, blank=True,
                                   help_text=_("F.eks. «Barnehageloven § 26 (bemanningsnorm)»."))
    weight = models.FloatField(_("vekt"), default=1.0, validators=[MinValueValidator(0.0)],
                               help_text=_("Hvor viktig målet er når tiltak prioriteres etter gapet (1 = vanlig)."))

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["-legal_minimum", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def gap(self) -> float | None:
        """How much is missing to reach the target (≥ 0), or None if a value is missing."""
        if self.current_value is None or self.target_value is None:
            return None
        if self.direction == Direction.LOWER:
            return max(self.current_value - self.target_value, 0.0)
        return max(self.target_value - self.current_value, 0.0)


class DeepDiveBasis(models.TextChoices):
    MA_ENDRES = "ma_endres", _("Området må endres")
    POTENSIAL = "potensial", _("Endringen har stort gevinstpotensial")
    BEGGE = "begge", _("Begge deler")


class DeepDive(models.Model):
    """A deep dive (*dypdykk*): chosen in Q1 with a justification, analysed in Q2.

    The analysis follows value chains and end users rather than budget lines; it
    ends in a calculated benefit potential and candidate initiatives.
    """

    cycle = models.ForeignKey(CycleYear, on_delete=models.CASCADE, related_name="deep_dives")
    name = models.CharField(_("dypdykk"), max_length=200)
    service = models.CharField(_("tjeneste i handlingsromanalysen"), max_length=60, blank=True,
                               help_text=_("Kobler dypdykket til beregnet gevinstpotensial fra KOSTRA."))
    basis = models.CharField(_("hvorfor dette området"), max_length=12, choices=DeepDiveBasis.choices)
    justification = models.TextField(_("begrunnelse"))
    evidence = models.JSONField(_("tall som støtter valget"), default=list, blank=True)
    value_chain = models.TextField(_("verdikjeden"), blank=True,
                                   help_text=_("Hele forløpet brukeren går gjennom, på tvers av enheter og budsjettposter."))
    end_users = models.TextField(_("sluttbrukerne"), blank=True)
    problems = models.TextField(_("uløste behov og problemer"), blank=True)
    opportunities = models.TextField(_("muligheter, også teknologiske"), blank=True)
    potential_nok = models.DecimalField(_("beregnet gevinstpotensial (kr per år)"), max_digits=14, decimal_places=0,
                                        null=True, blank=True)
    potential_source = models.CharField(_("grunnlag for potensialet"), max_length=500, blank=True)
    prioritised = models.BooleanField(_("prioritert dypdykk"), default=False)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("dypdykk")
        verbose_name_plural = _("dypdykk")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Decision(models.TextChoices):
    KANDIDAT = "kandidat", _("Kandidat")
    PRIORITERT = "prioritert", _("Prioritert")
    IKKE_VALGT = "ikke_valgt", _("Ikke valgt")
    VEDTATT = "vedtatt", _("Vedtatt")


class Candidate(models.Model):
    """A candidate initiative (*mulig endringstiltak*) in one year's prioritisation.

    Costs and risk are the initiative's (``one_off_cost``, ``yearly_cost``, ``risk``);
    the benefit potential is ``yearly_benefit`` when set, else the sum of the
    initiative's benefits' expected yearly value (the benefit register).
    """

    cycle = models.ForeignKey(CycleYear, on_delete=models.CASCADE, related_name="candidates")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("endringstiltak"))
    deep_dive = models.ForeignKey(DeepDive, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="candidates", verbose_name=_("dypdykk"))
    yearly_benefit = models.DecimalField(
        _("gevinstpotensial (kr per år)"), max_digits=14, decimal_places=0, null=True, blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Tom: summen av forventet årlig verdi for tiltakets gevinster i planen."))
    benefit_source = models.CharField(_("grunnlag for gevinstpotensialet"), max_length=500, blank=True)
    fte = models.FloatField(_("årsverk som trengs"), default=0.0, validators=[MinValueValidator(0.0)])
    must_do = models.BooleanField(_("må gjennomføres"), default=False,
                                  help_text=_("Kryss av når tiltaket trengs for å oppfylle et minimumskrav i lov "
                                              "eller forskrift. Det tas da alltid med."))
    must_do_reason = models.CharField(_("hvorfor det må gjennomføres"), max_length=300, blank=True)
    decision = models.CharField(_("beslutning"), max_length=12, choices=Decision.choices, default=Decision.KANDIDAT)
    explanation = models.TextField(_("forklaring"), blank=True)

    class Meta:
        verbose_name = _("kandidat")
        verbose_name_plural = _("kandidater")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["cycle", "initiative"], name="candidate_unique")]

    def __str__(self) -> str:
        return str(self.initiative)


class Contribution(models.Model):
    """How much a candidate moves a goal, in the goal's unit (in the goal's direction)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="contributions")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="contributions")
    amount = models.FloatField(_("bidrag"), validators=[MinValueValidator(0.0)])

    class Meta:
        verbose_name = _("bidrag til mål")
        verbose_name_plural = _("bidrag til mål")
        constraints = [models.UniqueConstraint(fields=["candidate", "goal"], name="contribution_unique")]
