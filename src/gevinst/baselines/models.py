"""Adopted baselines (*vedtatte nullpunktsmålinger*), frozen with the data they used."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gevinst.store.models import Vintage


class Baseline(models.Model):
    """A baseline a region adopted: values, peers and the data vintages they came from.

    Adopting freezes the numbers; a later SSB revision never changes them.
    Re-baselining is an explicit action with a reason: the old baseline is
    kept, marked as superseded by the new one.
    """

    region = models.CharField(_("region"), max_length=12, db_index=True)
    region_name = models.CharField(_("navn"), max_length=200)
    structure_year = models.SmallIntegerField(_("kommunestruktur"))
    year = models.SmallIntegerField(_("år"))
    area = models.CharField(_("område"), max_length=60, blank=True, help_text=_("tomt = alle områder"))
    peers = models.CharField(_("sammenligning"), max_length=400)
    reason = models.TextField(_("begrunnelse"), blank=True)
    adopted_at = models.DateTimeField(_("vedtatt"), auto_now_add=True)
    adopted_by = models.CharField(_("vedtatt av"), max_length=200, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes",
        verbose_name=_("erstattet av"),
    )
    catalogue_digest = models.CharField(_("indikatorsett (sjekksum)"), max_length=64)
    vintages = models.ManyToManyField(Vintage, related_name="baselines", verbose_name=_("datauttak"))

    class Meta:
        verbose_name = _("nullpunktsmåling")
        verbose_name_plural = _("nullpunktsmålinger")
        ordering = ["region", "-adopted_at"]

    @property
    def active(self) -> bool:
        return self.superseded_by_id is None

    def __str__(self) -> str:
        return f"{self.region} {self.region_name} {self.year} ({self.area or 'alle'})"


class BaselineValue(models.Model):
    """One indicator's frozen baseline value with its peer statistics and target."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="values")
    indicator = models.CharField(_("indikator"), max_length=100)
    value = models.FloatField(_("verdi"), null=True, blank=True)
    flag = models.CharField(_("merknad"), max_length=100, blank=True)
    peer_stats = models.JSONField(_("sammenligning"), default=dict, blank=True)
    trend = models.JSONField(_("utvikling"), default=list, blank=True)
    target_value = models.FloatField(_("målverdi"), null=True, blank=True)
    target_year = models.SmallIntegerField(_("målår"), null=True, blank=True)

    class Meta:
        verbose_name = _("verdi i nullpunktsmåling")
        verbose_name_plural = _("verdier i nullpunktsmåling")
        constraints = [models.UniqueConstraint(fields=["baseline", "indicator"], name="baseline_indicator_unique")]
