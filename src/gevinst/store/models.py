"""The observation store: numbers as published, with where and when they came from.

*Observasjonslager.* One row per (variable, region code as published, year,
period, vintage). Nothing is recoded on the way in: recomposition onto a
municipal structure happens when a series is read
(:mod:`gevinst.core.recompose`), so any structure can be rebuilt later.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Vintage(models.Model):
    """One delivery of data (*datauttak*): an SSB response, a bundled file, an imported file.

    Baselines freeze the vintages they used, so a later revision never changes
    them silently.
    """

    SOURCE_CHOICES = [
        ("bundled", _("Medfølgende data")),
        ("ssb", _("SSB PxWebApi")),
        ("file", _("Innlest fil")),
    ]

    source = models.CharField(_("kilde"), max_length=20, choices=SOURCE_CHOICES)
    key = models.CharField(
        _("nøkkel"), max_length=200, db_index=True,
        help_text=_("Stabil identitet for leveransen (filnavn, SSB-tabell og spørring)"),
    )
    table_id = models.CharField(_("tabell"), max_length=20, blank=True)
    label = models.CharField(_("beskrivelse"), max_length=300)
    publisher = models.CharField(_("utgiver"), max_length=200, default="Statistisk sentralbyrå")
    published = models.DateTimeField(_("publisert/oppdatert"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("hentet"), auto_now_add=True)
    url = models.TextField(_("adresse"), blank=True)
    sha256 = models.CharField(_("sjekksum"), max_length=64, blank=True)
    structure_year = models.SmallIntegerField(
        _("kodestruktur"), null=True, blank=True,
        help_text=_("Året hvis regionkoder dataene bruker; tomt betyr kodene som gjaldt hvert år"),
    )
    query = models.JSONField(_("spørring"), default=dict, blank=True)

    class Meta:
        verbose_name = _("datauttak")
        verbose_name_plural = _("datauttak")
        constraints = [models.UniqueConstraint(fields=["key", "sha256"], name="vintage_key_sha256_unique")]

    def __str__(self) -> str:
        return f"{self.label} ({self.fetched_at:%Y-%m-%d})"


class Variable(models.Model):
    """What a number measures (*variabel*).

    ``kind`` decides how a series is recomposed onto another municipal
    structure: ``count`` adds up; ``ratio`` is rebuilt from ``numerator`` and
    ``denominator`` (times ``scale``), or, without them, weighted by
    ``weight_variable`` and flagged as estimated; ``level`` values (indices,
    shares without parts) cannot be recomposed across a merger and come out
    missing there.
    """

    KIND_CHOICES = [
        ("count", _("antall/beløp (summeres)")),
        ("ratio", _("forholdstall")),
        ("level", _("nivå/indeks")),
    ]

    code = models.CharField(_("kode"), max_length=200, primary_key=True)
    label = models.CharField(_("navn"), max_length=300)
    unit = models.CharField(_("enhet"), max_length=60, blank=True)
    kind = models.CharField(_("type"), max_length=10, choices=KIND_CHOICES, default="count")
    numerator = models.CharField(_("teller"), max_length=200, blank=True)
    denominator = models.CharField(_("nevner"), max_length=200, blank=True)
    weight_variable = models.CharField(_("vektvariabel"), max_length=200, blank=True)
    scale = models.FloatField(_("skala"), default=1.0)
    source = models.CharField(_("kilde"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("variabel")
        verbose_name_plural = _("variabler")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class Observation(models.Model):
    """One published number (*observasjon*)."""

    STATUS_CHOICES = [
        ("", _("ingen")),
        ("..", _("tall mangler")),
        (".", _("ikke mulig å oppgi")),
        (":", _("anonymisert")),
        ("-", _("null")),
    ]

    variable = models.ForeignKey(Variable, on_delete=models.PROTECT, related_name="observations")
    region = models.CharField(_("regionkode"), max_length=12)
    year = models.SmallIntegerField(_("år"))
    period = models.CharField(_("periode"), max_length=8, blank=True, default="")
    value = models.FloatField(_("verdi"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=2, blank=True, default="", choices=STATUS_CHOICES)
    estimated = models.BooleanField(_("anslag"), default=False)
    vintage = models.ForeignKey(Vintage, on_delete=models.CASCADE, related_name="observations")

    class Meta:
        verbose_name = _("observasjon")
        verbose_name_plural = _("observasjoner")
        constraints = [
            models.UniqueConstraint(
                fields=["variable", "region", "year", "period", "vintage"], name="observation_unique"
            )
        ]
        indexes = [
            models.Index(fields=["variable", "year"]),
            models.Index(fields=["region", "variable"]),
        ]
