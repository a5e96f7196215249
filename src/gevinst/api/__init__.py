"""The JSON API (django-ninja): ``/api/``, OpenAPI schema at ``/api/openapi.json``, docs at ``/api/docs``.

Authentication: per-user tokens (:class:`gevinst.accounts.models.ApiToken`,
created on ``/konto/tokens/`` or with ``gevinst token create USER``), sent as
``Authorization: Bearer <token>``. Every operation requires a token; without
one the answer is 401. ``request.auth`` is the token's user.

Scoping: the same rules as the pages (:mod:`gevinst.accounts.scoping`). Get the
organisation with :func:`org_for` — 404 for non-members and unknown slugs, 403
for a role that is too low — and filter querysets with ``scoped``.

Extension point for other apps (the plans app)
----------------------------------------------
Attach operations to :data:`router` (mounted at ``/api/``) from a module
``gevinst/<app>/api.py``; :mod:`gevinst.api.urls` imports the modules listed in
:data:`EXTENSION_MODULES` (a missing module is skipped) before it builds the
URLs, so nothing else needs registering::

    # src/gevinst/plans/api.py
    from gevinst.accounts.models import Role
    from gevinst.accounts.scoping import scoped
    from gevinst.api import org_for, router

    @router.get("/orgs/{slug}/initiatives/", response=list[InitiativeOut], tags=["planer"])
    def list_initiatives(request, slug: str):
        org, _membership = org_for(request, slug)
        return scoped(Initiative.objects, org)

    @router.post("/orgs/{slug}/initiatives/", response={201: InitiativeOut}, tags=["planer"])
    def create_initiative(request, slug: str, payload: InitiativeIn):
        org, _m = org_for(request, slug, Role.REDAKTOR)
        ...

Put organisation-owned operations under ``/orgs/{slug}/``; object ids in the
path must be looked up through ``scoped(..., org)``.
``tests/test_tenant_isolation.py`` reads the OpenAPI schema and calls every
operation with another organisation's slug and ids.
"""

from __future__ import annotations

from ninja import Router

#: Operations of every app, mounted at ``/api/``; see the module docstring.
router = Router()

#: Modules that attach operations to :data:`router`; imported by :mod:`gevinst.api.urls`.
EXTENSION_MODULES = ["gevinst.api.orgs", "gevinst.plans.api", "gevinst.cycle.api"]


def org_for(request, slug: str, min_role: str = "leser"):
    """``(organisation, membership)`` for the token's user (``request.auth``).

    404 for non-members and unknown slugs, 403 when the role is below ``min_role``
    (a :class:`gevinst.accounts.models.Role`), exactly as on the pages.
    """
    from gevinst.accounts.scoping import organisation_for_user

    return organisation_for_user(request.auth, slug, min_role)


__all__ = ["EXTENSION_MODULES", "org_for", "router"]
