"""Tenant scoping, in one place.

Every view, API endpoint and export that touches an organisation's data gets
the organisation through :func:`organisation_for_request` (or
:func:`organisation_for_user` outside a request). A user who is not a member
gets 404 — the organisation's existence is not revealed; a member whose role
is too low gets 403. Querysets of organisation-owned models are filtered with
:func:`scoped`.

Views: use :func:`org_view`. It takes the ``slug`` URL argument, checks the
user's membership and role, and calls the view with the organisation and the
membership instead of the slug::

    from gevinst.accounts.models import Role
    from gevinst.accounts.scoping import org_view, scoped

    @org_view(min_role=Role.REDAKTOR)
    def initiative_edit(request, org, membership, pk):
        initiative = get_object_or_404(scoped(Initiative.objects, org), pk=pk)
        ...

    # urls.py: path("org/<slug:slug>/tiltak/<int:pk>/", initiative_edit, ...)

Anonymous users are sent to the login page (for every slug, so nothing is
revealed); non-members get 404; members below ``min_role`` get 403. An object
looked up by id must always go through :func:`scoped` (or a queryset that
starts from ``org``), so an id from another organisation is a 404 too.

The API (:mod:`gevinst.api`) uses :func:`organisation_for_user` with the token's
user, through ``gevinst.api.org_for``. ``tests/test_tenant_isolation.py``
walks every URL and API operation as a member of another organisation and fails
if any of them returns data.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
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


def org_view(min_role: str = Role.LESER):
    """Decorator for views under ``org/<slug:slug>/``: see the module docstring.

    The wrapped view is called as ``view(request, org, membership, **other_url_kwargs)``.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug: str, *args, **kwargs):
            if not getattr(request.user, "is_authenticated", False):
                return redirect_to_login(request.get_full_path())
            org, m = organisation_for_request(request, slug, min_role)
            request.organisation, request.membership = org, m
            return view(request, org, m, *args, **kwargs)

        wrapper.gevinst_org_scoped = True
        wrapper.gevinst_min_role = min_role
        return wrapper

    return decorator
