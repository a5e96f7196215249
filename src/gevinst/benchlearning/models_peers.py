"""Saved peer sets (*sammenligningskommuner*).

Organisations do not exist yet (issue #4 adds them): a set is keyed by the
region it was made for and its name. When organisations arrive, a foreign key
to the organisation joins the uniqueness constraint.
"""

from __future__ import annotations

from django.db import models


class PeerSet(models.Model):
    name = models.CharField("navn", max_length=80)
    region = models.CharField("region", max_length=8, help_text="kommunenummeret settet er laget for")
    members = models.JSONField("medlemmer", default=list, help_text="kommunenumre i 2024-strukturen")
    variables = models.JSONField("variabler og vekter", default=dict)
    created_at = models.DateTimeField("opprettet", auto_now_add=True)

    class Meta:
        app_label = "benchlearning"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="peerset_unique_name")]
        verbose_name = "sammenligningssett"
        verbose_name_plural = "sammenligningssett"

    def __str__(self) -> str:  # pragma: no cover - trivial
        return f"{self.name} ({self.region})"
