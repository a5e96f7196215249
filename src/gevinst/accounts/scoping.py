"""Tenant scoping, in one place.

Every view, API endpoint and export that touches an organisation's data gets
the organisation through :func:`organisation_for_request` (or
:func:`organisation_for_user` outside a request). A user who is not a member
gets 404 — the organisation's existence is not revealed; a member whose role
is too low gets 403. Querysets of organisation-owned models are filtered with
:func:`scoped`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import ROLE_RANK, Membership, Organisation, Role


def membership(user, organisation: Organisation) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def organisation_for_user(user, slug: str, min_role: str = Role.LESER) -> tuple[Organisation, Membership]:
    """The organisation ``slug`` if ``user`` is a member with at least ``min_role``.

    Raises ``Http404`` for non-members (and unknown slugs) and ``PermissionDenied``
    for members whose role is too low.
    """
    org = Organisation.objects.filter(slug=slug).first()
    m = membership(user, org) if org else None
    if org is None or m is None:
        raise Http404("organisation not found or not a member")
    if ROLE_RANK[Role(m.role)] < ROLE_RANK[Role(min_role)]:
        raise PermissionDenied("role too low")
    return org, m


def organisation_for_request(request, slug: str, min_role: str = Role.LESER) -> tuple[Organisation, Membership]:
    return organisation_for_user(request.user, slug, min_role)


def scoped(queryset, organisation: Organisation, field: str = "organisation"):
    """``queryset`` restricted to ``organisation`` (``field`` is the path to the organisation FK)."""
    return queryset.filter(**{field: organisation})
