"""Secrets handed to people: API tokens and invitation links.

Both are 256-bit random strings from :mod:`secrets`. Only their SHA-256 hash is
stored, so a copy of the database does not give anyone a working token. A slow
password hash is not needed: the tokens are random, not chosen by people, so
guessing from the hash is infeasible.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import ApiToken, Invitation, Organisation, Role

API_TOKEN_PREFIX = "gev_"
#: How long an invitation link is valid.
INVITATION_VALIDITY = timedelta(days=7)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_api_token(user, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``: the stored row and the token itself (shown once)."""
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user, name=name, prefix=token[: len(API_TOKEN_PREFIX) + 6], token_hash=hash_token(token)
    )
    return row, token


def user_for_api_token(token: str):
    """The active user owning ``token``, or ``None``. Records when it was last used (once a minute)."""
    if not token or not token.startswith(API_TOKEN_PREFIX):
        return None
    row = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


def revoke_api_token(user, token_id: int) -> bool:
    """Revoke one of ``user``'s own tokens; ``False`` if there is no such active token."""
    return bool(
        ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def create_invitation(
    organisation: Organisation, email: str, role: str = Role.LESER, created_by=None
) -> tuple[Invitation, str]:
    """A new invitation and its secret token (goes into the link, never stored)."""
    token = secrets.token_urlsafe(32)
    inv = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=hash_token(token),
        created_by=created_by,
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    return inv, token


def valid_invitation(token: str) -> Invitation | None:
    """The unused, unexpired invitation for ``token``, or ``None``."""
    if not token:
        return None
    return (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=hash_token(token), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def consume_invitation(invitation: Invitation, user) -> bool:
    """Mark ``invitation`` used by ``user`` and add the membership, once.

    The update is conditional on ``used_at`` being empty, so two requests racing
    with the same link cannot both succeed. Returns ``False`` if it was already
    used or has expired. An existing membership keeps the higher of the two roles.
    """
    from .models import ROLE_RANK, Membership

    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk, used_at__isnull=True, expires_at__gt=timezone.now()
        ).update(used_at=timezone.now(), used_by=user)
        if not claimed:
            return False
        m, created = Membership.objects.get_or_create(
            user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
        )
        if not created and ROLE_RANK[Role(invitation.role)] > ROLE_RANK[Role(m.role)]:
            m.role = invitation.role
            m.save(update_fields=["role"])
    return True
