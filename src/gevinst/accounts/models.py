"""Organisations (a municipality or county) and users' roles in them.

*Organisasjon og roller.* Every plan, benefit and measurement belongs to one
organisation; users see and change only what belongs to organisations they are
members of, with what their role allows. Scoping is enforced in one place:
:mod:`gevinst.accounts.scoping`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles, from most to least rights."""

    ADMINISTRATOR = "administrator", _("Administrator")
    REDAKTOR = "redaktor", _("Redaktør (stab/støtte, økonomi)")
    GEVINSTEIER = "gevinsteier", _("Gevinsteier")
    LESER = "leser", _("Leser")


#: What each role may do, as a rank: a view that needs ``redaktor`` admits administrators too.
ROLE_RANK = {Role.LESER: 0, Role.GEVINSTEIER: 1, Role.REDAKTOR: 2, Role.ADMINISTRATOR: 3}


class Organisation(models.Model):
    name = models.CharField(_("navn"), max_length=200)
    slug = models.SlugField(_("kortnavn"), max_length=60, unique=True)
    region = models.CharField(_("region"), max_length=12, help_text=_("kommune- eller fylkesnummer"))
    is_demo = models.BooleanField(_("eksempel"), default=False)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisasjon")
        verbose_name_plural = _("organisasjoner")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices, default=Role.LESER)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.role})"
