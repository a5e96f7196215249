"""Helpers for commands that act for an organisation (``--org SLUG``).

The command line runs with the server's own rights (no user), so an
organisation is named by its slug; an unknown slug is a user error.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from gevinst.errors import UserError

from .models import Organisation


def organisation_by_slug(slug: str) -> Organisation:
    org = Organisation.objects.filter(slug=(slug or "").strip()).first()
    if org is None:
        known = ", ".join(Organisation.objects.values_list("slug", flat=True)[:20])
        raise UserError(_("Fant ikke organisasjonen «%(slug)s».") % {"slug": slug}
                        + (" " + _("Kjente organisasjoner: %(names)s.") % {"names": known} if known else ""),
                        f"unknown organisation {slug!r}")
    return org


def user_organisations(user, min_role: str | None = None) -> list[Organisation]:
    """The organisations ``user`` is a member of (with at least ``min_role``); anonymous: none."""
    from .models import ROLE_RANK, Membership, Role

    if not getattr(user, "is_authenticated", False):
        return []
    ms = Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")
    if min_role is None:
        return [m.organisation for m in ms]
    need = ROLE_RANK[Role(min_role)]
    return [m.organisation for m in ms if ROLE_RANK[Role(m.role)] >= need]
