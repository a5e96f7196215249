"""``/api/orgs/``: the organisations of the token's user."""

from __future__ import annotations

from gevinst.accounts.models import Membership

from . import org_for, router
from .schemas import ErrorOut, OrganisationOut


def _out(m: Membership) -> OrganisationOut:
    o = m.organisation
    return OrganisationOut(slug=o.slug, name=o.name, region=o.region, is_demo=o.is_demo, role=m.role)


@router.get(
    "/orgs/",
    response=list[OrganisationOut],
    tags=["organisasjoner"],
    summary="Mine organisasjoner",
    description="Organisasjonene brukeren bak nøkkelen er medlem av, med rollen.",
)
def list_orgs(request):
    rows = Membership.objects.filter(user=request.auth).select_related("organisation")
    return [_out(m) for m in rows.order_by("organisation__name")]


@router.get(
    "/orgs/{slug}/",
    response={200: OrganisationOut, 404: ErrorOut},
    tags=["organisasjoner"],
    summary="Én organisasjon",
    description="404 hvis organisasjonen ikke finnes eller brukeren ikke er medlem.",
)
def get_org(request, slug: str):
    _org, m = org_for(request, slug)
    return _out(m)
