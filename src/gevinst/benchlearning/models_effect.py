"""Stored effect estimates ("did it work?").

One row per region × indicator × change year × method. An estimate may be
attached to a benefit in the register (``benefit``; same catalogue indicator),
where it is shown as «Beregnet effekt» beside the raw before/after. Attached
estimates belong to the benefit's organisation and are shown only to its
members; unattached ones are keyed by region code.
"""

from __future__ import annotations

from django.db import models


class EffectEstimate(models.Model):
    METHODS = [
        ("before_after", "Før/etter med trend"),
        ("did", "Forskjeller i forskjeller"),
        ("scm", "Syntetisk kontroll"),
    ]

    region = models.CharField(max_length=8, db_index=True)
    region_name = models.CharField(max_length=200)
    indicator = models.CharField(max_length=120)
    change_year = models.PositiveSmallIntegerField()
    method = models.CharField(max_length=16, choices=METHODS)
    structure_year = models.PositiveSmallIntegerField()
    first_year = models.PositiveSmallIntegerField()
    last_year = models.PositiveSmallIntegerField()
    comparison = models.CharField(max_length=200, help_text="comparison group: kostra, country, county or codes")
    n_comparison = models.PositiveIntegerField(help_text="comparison regions (DiD) or donors (SCM)")
    estimate = models.FloatField(help_text="estimated effect in the indicator's unit (mean over post years)")
    ci_low = models.FloatField(null=True)
    ci_high = models.FloatField(null=True)
    p_value = models.FloatField(null=True)
    interval_method = models.CharField(max_length=200, blank=True)
    raw_before = models.FloatField(help_text="treated region's mean before the change")
    raw_after = models.FloatField(help_text="treated region's mean from the change year on")
    pre_rmspe = models.FloatField(null=True)
    warnings = models.JSONField(default=list)
    details = models.JSONField(default=dict, help_text="per-year gaps, weights, event study")
    vintage_ids = models.JSONField(default=list)
    benefit = models.ForeignKey("plans.Benefit", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="effect_estimates", verbose_name="gevinst")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["region", "indicator", "change_year", "method", "-created_at"]
        indexes = [models.Index(fields=["region", "indicator", "change_year"])]

    def __str__(self) -> str:  # pragma: no cover - admin/debug
        return f"{self.region} {self.indicator} {self.change_year} {self.method}: {self.estimate:.3g}"

    @property
    def raw_difference(self) -> float:
        return self.raw_after - self.raw_before
