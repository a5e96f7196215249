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


class LoginAttempt(models.Model):
    """A failed login, kept in the database so every server process sees the same count.

    See :mod:`gevinst.accounts.throttling`. Rows older than the window are deleted
    as new attempts arrive; a successful login clears its key's failures.
    """

    username = models.CharField(_("brukernavn"), max_length=150, db_index=True)
    ip = models.CharField(_("IP-adresse"), max_length=45)
    created_at = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("mislykket innlogging")
        verbose_name_plural = _("mislykkede innlogginger")
        indexes = [models.Index(fields=["username", "ip", "created_at"], name="loginattempt_key")]


class Invitation(models.Model):
    """A one-time invitation link to join an organisation with a role.

    Only a SHA-256 hash of the link's token is stored (see :mod:`gevinst.accounts.tokens`);
    the link is single use (``used_at``) and expires (``expires_at``).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-postadresse"))
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices, default=Role.LESER)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    expires_at = models.DateTimeField(_("utløper"))
    used_at = models.DateTimeField(_("brukt"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("invitasjon")
        verbose_name_plural = _("invitasjoner")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation} ({self.role})"


class ApiToken(models.Model):
    """A personal API token (``Authorization: Bearer <token>``).

    Only a SHA-256 hash is stored; the token itself is shown once, when it is
    created. ``prefix`` (the first characters) lets a user recognise it in a list.
    A revoked token is kept (with ``revoked_at``) so the list shows its history.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("navn"), max_length=100)
    prefix = models.CharField(_("starter med"), max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("sist brukt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-nøkkel")
        verbose_name_plural = _("API-nøkler")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
