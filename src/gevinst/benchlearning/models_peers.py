"""Saved peer sets (*sammenligningskommuner*).

A set belongs to an organisation (saved by a member from the «lignende
kommuner» page) or to none (saved anonymously or with ``gevinst peers --save``
without ``--org``). Names are unique per organisation, and unique among the sets
without one. Only members see and use their organisations' sets.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class PeerSet(models.Model):
    name = models.CharField("navn", max_length=80)
    region = models.CharField("region", max_length=8, help_text="kommunenummeret settet er laget for")
    members = models.JSONField("medlemmer", default=list, help_text="kommunenumre i 2024-strukturen")
    variables = models.JSONField("variabler og vekter", default=dict)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="peer_sets", verbose_name="organisasjon")
    created_at = models.DateTimeField("opprettet", auto_now_add=True)

    class Meta:
        app_label = "benchlearning"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], condition=Q(organisation__isnull=True), name="peerset_unique_name"),
            models.UniqueConstraint(fields=["organisation", "name"], condition=Q(organisation__isnull=False),
                                    name="peerset_unique_org_name"),
        ]
        verbose_name = "sammenligningssett"
        verbose_name_plural = "sammenligningssett"

    def __str__(self) -> str:  # pragma: no cover - trivial
        return f"{self.name} ({self.region})"
