"""The perspective-analysis page (perspektivanalyse) and its exports."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from gevinst.accounts.cli import user_organisations
from gevinst.errors import UserError
from gevinst.reports import projection_export
from gevinst.web.downloads import EXPORT_TYPES, download

from .charts_projection import band_chart
from .projection import compute_projection


def plan_organisations(request, code: str) -> list:
    """The user's organisations for the region: their benefit plans may feed a scenario."""
    code = (code or "").strip()
    return [o for o in user_organisations(request.user) if o.region == code]


def _params(request, code: str):
    to = [int(x) for x in request.GET.getlist("to") if x.strip().isdigit()] or None
    scenarios = [s for s in request.GET.getlist("scenario") if s.strip()]
    # the checkbox «Effektivisering fra vedtatte gevinster» (one per organisation of the user for the region)
    scenarios += [f"effektivisering=plan:{slug}" for slug in dict.fromkeys(request.GET.getlist("plan")) if slug.strip()]
    try:
        growth = float((request.GET.get("growth") or "0").replace(",", "."))
        target = float((request.GET.get("target") or "1.75").replace(",", "."))
    except ValueError:
        raise UserError(_("Inntektsvekst og mål må være tall."), "projection page: bad number") from None
    return to, scenarios, growth, target


def _compute(request, code: str):
    """The projection the request asks for, and the user's organisations whose plans it may use."""
    to, scenarios, growth, target = _params(request, code)
    organisations = plan_organisations(request, code)
    result = compute_projection(code, to, scenarios, revenue_growth_pct=growth, target_pct=target,
                                organisations=organisations)
    return result, organisations


def projection_page(request, code: str):
    try:
        result, organisations = _compute(request, code)
    except UserError as exc:
        return render(request, "economy/projection_error.html", {"message": exc.message, "code": code}, status=400)
    band = result.band().to_dicts()
    chart = band_chart(
        band, chart_id="projection-band",
        title=_("Demografikostnad per år, millioner kroner"),
        description=_("Hovedlinjen er basisscenarioet (aldring); det skraverte feltet viser spennet mellom scenarioene. "
                      "Tallene står i tabellen under."),
    )
    years = [result.base_year, *result.to_years]
    rows = []
    for s in result.scenarios:
        for r in s.totals.filter(s.totals["year"].is_in(years)).iter_rows(named=True):
            rows.append({"scenario": s.scenario.label, "method": s.method_label, **r,
                         "net_change_mill": None if r["net_change_nok"] is None else r["net_change_nok"] / 1e6,
                         "gap_mill": None if r["gap_nok"] is None else r["gap_nok"] / 1e6})
    return render(request, "economy/projection.html", {
        "result": result, "chart": chart, "band": band, "rows": rows, "years": years,
        "plan_orgs": organisations, "plan_checked": set(request.GET.getlist("plan")),
        "query": request.GET.urlencode(),
    })


def export(request, code: str, fmt: str):
    if fmt not in EXPORT_TYPES:
        return render(request, "economy/projection_error.html", {"message": _("Ukjent format."), "code": code}, status=404)
    try:
        result, _organisations = _compute(request, code)
    except UserError as exc:
        return render(request, "economy/projection_error.html", {"message": exc.message, "code": code}, status=400)
    return download(result, projection_export, f"perspektiv_{result.region}", fmt)
