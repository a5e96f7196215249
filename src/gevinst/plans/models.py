"""The benefits realisation plan (*gevinstrealiseringsplan*) of an organisation.

An organisation has initiatives (*endringstiltak*); each initiative has benefits
(*gevinster*) with indicator, baseline, target and owner, measurements of those
benefits, decision points BP1–BP6 (Digdir's Prosjektveiviseren) and a benefit
map (*gevinstkart*): initiative → change/prerequisite → benefit → goal.

Integrity: initiatives, benefits and measurements carry a ``version`` (optimistic
locking) and are deleted softly (``deleted_at``); every change goes through
:mod:`gevinst.plans.audit`, which records who changed what, when, before and after.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gevinst.accounts.models import Organisation


class Phase(models.TextChoices):
    IDE = "ide", _("Idé")
    UTREDNING = "utredning", _("Utredning")
    PLANLEGGING = "planlegging", _("Planlegging")
    GJENNOMFORING = "gjennomforing", _("Gjennomføring")
    REALISERING = "realisering", _("Realisering")
    AVSLUTTET = "avsluttet", _("Avsluttet")


class Risk(models.TextChoices):
    LAV = "lav", _("Lav")
    MIDDELS = "middels", _("Middels")
    HOY = "hoy", _("Høy")


class Axis(models.TextChoices):
    """Helhetsmodellen's three axes."""

    KOSTNAD = "kostnad", _("Kostnad")
    KVALITET = "kvalitet", _("Kvalitet")
    TID = "tid", _("Tidsbruk")


class ValueClass(models.TextChoices):
    """Digdir's classes of benefit value."""

    BUDSJETT = "budsjett", _("Budsjettmessig virkning i egen virksomhet")
    ALTERNATIV = "alternativ", _("Alternativ anvendelse i virksomheten")
    ANNEN_OFFENTLIG = "annen_offentlig", _("Prissatt nyttevirkning i annen offentlig virksomhet")
    IKKE_PRISSATT = "ikke_prissatt", _("Ikke-prissatt virkning")


PRICED_CLASSES = (ValueClass.BUDSJETT, ValueClass.ALTERNATIV, ValueClass.ANNEN_OFFENTLIG)


class Status(models.TextChoices):
    PLANLAGT = "planlagt", _("Planlagt")
    PA_SPORET = "pa_sporet", _("På sporet")
    AVVIK = "avvik", _("Avvik")
    REALISERT = "realisert", _("Realisert")
    TATT_UT = "tatt_ut", _("Tatt ut i budsjett")


class Direction(models.TextChoices):
    HIGHER = "higher_better", _("Høyere er bedre")
    LOWER = "lower_better", _("Lavere er bedre")
    NEUTRAL = "neutral", _("Ingen fast retning")


class ResultType(models.TextChoices):
    RESULTAT = "resultat", _("Resultat (produkt/tjeneste)")
    EFFEKT = "effekt", _("Effekt (virkning for brukere eller samfunn)")


class Frequency(models.TextChoices):
    MANEDLIG = "manedlig", _("Månedlig")
    KVARTALSVIS = "kvartalsvis", _("Kvartalsvis")
    HALVARLIG = "halvarlig", _("Halvårlig")
    ARLIG = "arlig", _("Årlig")


#: Days between measurements, with some slack before a measurement counts as overdue.
FREQUENCY_DAYS = {"manedlig": 31, "kvartalsvis": 92, "halvarlig": 183, "arlig": 366}


class DecisionPointCode(models.TextChoices):
    """Decision points of Digdir's Prosjektveiviseren."""

    BP1 = "BP1", _("BP1 – starte konseptfasen")
    BP2 = "BP2", _("BP2 – starte planleggingsfasen")
    BP3 = "BP3", _("BP3 – starte gjennomføringsfasen")
    BP4 = "BP4", _("BP4 – ta i bruk leveransen")
    BP5 = "BP5", _("BP5 – avslutte prosjektet")
    BP6 = "BP6", _("BP6 – evaluere gevinstrealiseringen")


class TrackedQuerySet(models.QuerySet):
    def live(self):
        return self.filter(deleted_at__isnull=True)

    def deleted(self):
        return self.filter(deleted_at__isnull=False)


class Tracked(models.Model):
    """Fields every audited, versioned, softly deleted plan object has."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField(_("versjon"), default=1)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("endret"), auto_now=True)
    deleted_at = models.DateTimeField(_("slettet"), null=True, blank=True)

    objects = TrackedQuerySet.as_manager()

    #: Fields left out of audit snapshots (bookkeeping).
    AUDIT_EXCLUDE = ("created_at", "updated_at")

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Initiative(Tracked):
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    area = models.CharField(_("område eller dypdykk"), max_length=120, blank=True)
    owner = models.CharField(_("prosjekteier"), max_length=200, blank=True)
    phase = models.CharField(_("fase"), max_length=20, choices=Phase.choices, default=Phase.IDE)
    change_start = models.DateField(_("endringen starter"), null=True, blank=True,
                                    help_text=_("Datoen endringen begynner å virke. Nullpunktet må måles før dette."))
    one_off_cost = models.DecimalField(_("engangskostnad (kr)"), max_digits=14, decimal_places=0, null=True, blank=True)
    yearly_cost = models.DecimalField(_("årlig kostnad (kr)"), max_digits=14, decimal_places=0, null=True, blank=True)
    risk = models.CharField(_("risikoprofil"), max_length=10, choices=Risk.choices, default=Risk.MIDDELS)
    risk_notes = models.TextField(_("risiko – beskrivelse"), blank=True)
    is_example = models.BooleanField(_("eksempel"), default=False)

    class Meta:
        verbose_name = _("endringstiltak")
        verbose_name_plural = _("endringstiltak")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def total_cost(self) -> float:
        return float(self.one_off_cost or 0) + float(self.yearly_cost or 0)


class DecisionPoint(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="decision_points")
    code = models.CharField(_("beslutningspunkt"), max_length=3, choices=DecisionPointCode.choices)
    date = models.DateField(_("dato"), null=True, blank=True)
    decision = models.TextField(_("beslutning"), blank=True)

    class Meta:
        verbose_name = _("beslutningspunkt")
        verbose_name_plural = _("beslutningspunkter")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["initiative", "code"], name="decision_point_unique")]


class Benefit(Tracked):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="benefits",
                                   verbose_name=_("endringstiltak"))
    name = models.CharField(_("gevinst"), max_length=200, help_text=_("Kort navn, f.eks. «Færre kjøreminutter per besøk»."))
    description = models.TextField(_("beskrivelse"), blank=True)
    axis = models.CharField(_("type (akse)"), max_length=10, choices=Axis.choices)
    value_class = models.CharField(_("type (verdi)"), max_length=20, choices=ValueClass.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("gevinsteier"))
    indicator = models.CharField(_("indikator fra katalogen"), max_length=120, blank=True)
    custom_indicator = models.CharField(_("egen indikator"), max_length=200, blank=True)
    custom_unit = models.CharField(_("enhet"), max_length=60, blank=True)
    custom_direction = models.CharField(_("retning"), max_length=20, choices=Direction.choices, blank=True)
    custom_result_type = models.CharField(_("hva indikatoren måler"), max_length=10, choices=ResultType.choices,
                                          blank=True)
    baseline_value = models.FloatField(_("nullpunkt – verdi"), null=True, blank=True)
    baseline_date = models.DateField(_("nullpunkt – dato"), null=True, blank=True)
    baseline_source = models.CharField(_("nullpunkt – kilde"), max_length=300, blank=True)
    baseline_from_data = models.BooleanField(_("nullpunkt hentet fra data"), default=False)
    baseline_vintage = models.CharField(_("datauttak"), max_length=300, blank=True)
    target_value = models.FloatField(_("målverdi"), null=True, blank=True)
    target_date = models.DateField(_("måldato"), null=True, blank=True)
    intermediate_targets = models.JSONField(_("delmål"), default=list, blank=True)
    expected_yearly_nok = models.DecimalField(_("forventet årlig verdi (kr)"), max_digits=14, decimal_places=0,
                                              null=True, blank=True)
    freed_capacity_use = models.TextField(_("bruk av frigjort kapasitet"), blank=True)
    prerequisites = models.TextField(_("forutsetninger"), blank=True)
    dis_benefits = models.TextField(_("ulemper"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANLAGT)
    budget_line = models.CharField(_("budsjettpost"), max_length=120, blank=True)
    budget_year = models.PositiveIntegerField(_("budsjettår"), null=True, blank=True)
    frequency = models.CharField(_("målefrekvens"), max_length=12, choices=Frequency.choices, blank=True)
    measurement_responsible = models.CharField(_("ansvarlig for måling"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("gevinst")
        verbose_name_plural = _("gevinster")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_priced(self) -> bool:
        return self.value_class in PRICED_CLASSES

    def indicator_name_unit(self, catalogue=None) -> tuple[str, str]:
        """The name and unit of what the benefit is measured by: its catalogue indicator's
        (indikatorsettet) when it has one that the catalogue knows, else its own indicator."""
        if catalogue is None:
            from gevinst.catalogue import load_catalogue

            catalogue = load_catalogue()
        ind = catalogue.find(self.indicator)
        return (ind.name, ind.unit) if ind else (self.custom_indicator, self.custom_unit)


class Measurement(Tracked):
    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="measurements",
                                verbose_name=_("gevinst"))
    value = models.FloatField(_("verdi"))
    date = models.DateField(_("dato"))
    comment = models.TextField(_("kommentar"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("registrert av"))
    automatic = models.BooleanField(_("automatisk fra data"), default=False)
    source = models.CharField(_("kilde"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("måling")
        verbose_name_plural = _("målinger")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.benefit} {self.date:%d.%m.%Y}"


class MapNodeKind(models.TextChoices):
    ENDRING = "endring", _("Endring")
    FORUTSETNING = "forutsetning", _("Forutsetning")
    MAL = "mal", _("Mål for organisasjonen")
    BAREKRAFT = "barekraft", _("Bærekraftsmål (delmål)")


class MapNode(models.Model):
    """A node of the benefit map besides the initiative and its benefits (which are implicit)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="map_nodes")
    kind = models.CharField(_("type"), max_length=12, choices=MapNodeKind.choices)
    label = models.CharField(_("tekst"), max_length=200)

    class Meta:
        verbose_name = _("node i gevinstkartet")
        verbose_name_plural = _("noder i gevinstkartet")
        ordering = ["id"]


class MapEdge(models.Model):
    """An arrow of the benefit map between two node keys: ``tiltak``, ``gevinst:<id>``, ``node:<id>``."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="map_edges")
    source = models.CharField(_("fra"), max_length=40)
    target = models.CharField(_("til"), max_length=40)

    class Meta:
        verbose_name = _("pil i gevinstkartet")
        verbose_name_plural = _("piler i gevinstkartet")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["initiative", "source", "target"], name="map_edge_unique")]


class AuditEvent(models.Model):
    """One recorded change: who, when, what, before and after (JSON snapshots)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(_("tidspunkt"), auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("bruker"))
    actor = models.CharField(_("utført av"), max_length=200, blank=True)
    action = models.CharField(_("handling"), max_length=12)
    model = models.CharField(_("type"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("objekt"))
    object_repr = models.CharField(_("navn"), max_length=300, blank=True)
    before = models.JSONField(_("før"), null=True, blank=True)
    after = models.JSONField(_("etter"), null=True, blank=True)

    class Meta:
        verbose_name = _("endringslogg")
        verbose_name_plural = _("endringslogg")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation", "model", "object_id"])]


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)
