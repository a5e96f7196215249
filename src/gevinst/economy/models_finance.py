"""Own financial targets (kommuneloven § 14-2) per region.

A target belongs to an organisation (set on the finance page by its redaktører
and administratorer, or with ``gevinst finance REGION --set-target … --org SLUG``)
and to the organisation's region. Targets without an organisation (set with the
command line without ``--org``, or before organisations existed) are keyed by
region and shown by the command line only.

Not stored here: whether the budget or the økonomiplan was adopted with a deficit
(ROBEK grounds a and b). That is a decision of the organisation's council and
belongs with the organisation model (future work, see docs/methods-finance.md).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

KEY_FIGURE_CHOICES = [
    ("netto_driftsresultat", _("Netto driftsresultat")),
    ("disposisjonsfond", _("Disposisjonsfond (fri egenkapital drift)")),
    ("arbeidskapital", _("Arbeidskapital")),
    ("langsiktig_gjeld", _("Langsiktig gjeld")),
    ("netto_renteeksponering", _("Netto renteeksponering")),
    ("egenfinansiering_investeringer", _("Egenfinansiering av investeringer")),
    ("frie_inntekter_per_innbygger", _("Frie inntekter per innbygger")),
    ("brutto_investeringer", _("Brutto investeringsutgifter")),
    ("netto_renteutgifter", _("Netto renteutgifter")),
    ("gjeld_regnskap", _("Gjeld i regnskapsuttrekket")),
]

OPERATOR_CHOICES = [(">=", _("minst (≥)")), ("<=", _("høyst (≤)"))]


class FinancialTarget(models.Model):
    """One financial target: «netto driftsresultat ≥ 1,5 % from 2024», with the decision it rests on."""

    region = models.CharField(_("region"), max_length=8, db_index=True)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="financial_targets", verbose_name=_("organisasjon"))
    key_figure = models.CharField(_("nøkkeltall"), max_length=40, choices=KEY_FIGURE_CHOICES)
    operator = models.CharField(_("krav"), max_length=2, choices=OPERATOR_CHOICES)
    value = models.FloatField(_("verdi"))
    valid_from = models.PositiveSmallIntegerField(_("gjelder fra år"))
    source = models.TextField(_("vedtak eller kilde"), blank=True, default="")
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)

    class Meta:
        app_label = "economy"
        constraints = [
            models.UniqueConstraint(fields=["region", "key_figure", "valid_from"], condition=Q(organisation__isnull=True),
                                    name="one_target_per_figure_and_year"),
            models.UniqueConstraint(fields=["organisation", "region", "key_figure", "valid_from"],
                                    condition=Q(organisation__isnull=False), name="one_org_target_per_figure_and_year"),
        ]
        ordering = ["region", "key_figure", "valid_from"]

    def __str__(self) -> str:  # pragma: no cover - admin/debug only
        return f"{self.region} {self.key_figure} {self.operator} {self.value} ({self.valid_from}–)"
