"""Benefits meet data: baselines and measurements from the observation store, and status.

- :func:`baseline_from_data`: the value of a catalogue indicator for the
  organisation's region in the last year before the change began (or the latest
  year), recomposed onto the region's structure, with the data deliveries used.
- :func:`add_measurements_from_data`: for every benefit on a catalogue indicator,
  an automatic measurement for each data year after the baseline that has none
  yet. Called when the store writes a new delivery; idempotent.
- :func:`assess_status`: «på sporet» or «avvik» from the latest measurement
  against the path from baseline through intermediate targets to the target.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gevinst.accounts.models import Organisation
from gevinst.catalogue import load_catalogue

from . import audit
from .models import Benefit, Measurement, Status, year_end

log = logging.getLogger("gevinst.plans")


@dataclass
class DataValue:
    year: int
    value: float
    source: str
    vintage: str


def indicator_series(region: str, indicator_id: str, years: list[int] | None = None) -> list[DataValue]:
    """Yearly values of a catalogue indicator for ``region`` (empty if there are no data)."""
    from gevinst.baselines.service import indicator_values, structure_for
    from gevinst.sources import bundled
    from gevinst.store.models import Vintage
    from gevinst.store.queries import read_cache

    ind = load_catalogue().find(indicator_id)
    if ind is None or not region:
        return []
    reg = bundled.registry()
    try:
        current = reg.history(region)[-1].code
        level = reg.latest_version(current).level
    except Exception:  # unknown region: no data
        return []
    last = reg.last_year
    years = years or list(range(last - 9, last + 1))
    structure_year = structure_for(current, max(years))
    with read_cache():
        frame, vintage_ids = indicator_values([ind], structure_year, years, level)
    vintages = "; ".join(
        f"{v.label} ({v.key})" for v in Vintage.objects.filter(pk__in=vintage_ids).order_by("pk")
    )[:300]
    source = ind.source.publisher + (f", tabell {ind.source.table}" if ind.source.table else "")
    rows = frame.filter((frame["region"] == current) & frame["value"].is_not_null()).sort("year")
    return [DataValue(int(r["year"]), float(r["value"]), source, vintages) for r in rows.iter_rows(named=True)]


def baseline_from_data(region: str, indicator_id: str, before: dt.date | None = None) -> DataValue | None:
    """The baseline from data: the last year that ends before ``before`` (else the latest year)."""
    series = indicator_series(region, indicator_id)
    if not series:
        return None
    if before:
        earlier = [v for v in series if year_end(v.year) < before]
        if earlier:
            return earlier[-1]
    return series[-1]


def fill_baseline(benefit: Benefit) -> bool:
    """Set ``benefit``'s baseline from data if its catalogue indicator has data (not saved). True if filled."""
    start = benefit.initiative.change_start if benefit.initiative_id else None
    v = baseline_from_data(benefit.organisation.region, benefit.indicator, start)
    if v is None:
        return False
    benefit.baseline_value = round(v.value, 4)
    benefit.baseline_date = year_end(v.year)
    benefit.baseline_source = (_("%(source)s, %(year)s (hentet fra data)") % {"source": v.source, "year": v.year})[:300]
    benefit.baseline_vintage = v.vintage
    benefit.baseline_from_data = True
    return True


def _direction(benefit: Benefit) -> str:
    ind = load_catalogue().find(benefit.indicator)
    return ind.direction if ind else (benefit.custom_direction or "neutral")


def expected_at(benefit: Benefit, when: dt.date) -> float | None:
    """The value the plan expects at ``when``: linear between baseline, intermediate targets and target."""
    points = []
    if benefit.baseline_value is not None and benefit.baseline_date:
        points.append((benefit.baseline_date, benefit.baseline_value))
    for t in benefit.intermediate_targets or []:
        try:
            points.append((dt.date.fromisoformat(t["date"]), float(t["value"])))
        except (KeyError, TypeError, ValueError):
            continue
    if benefit.target_value is not None and benefit.target_date:
        points.append((benefit.target_date, benefit.target_value))
    points.sort()
    if len(points) < 2:
        return None
    if when <= points[0][0]:
        return points[0][1]
    for (d0, v0), (d1, v1) in zip(points, points[1:]):
        if d0 <= when <= d1:
            span = (d1 - d0).days or 1
            return v0 + (v1 - v0) * (when - d0).days / span
    return points[-1][1]


def assess_status(benefit: Benefit) -> str:
    """«på sporet» or «avvik» from the latest measurement; manual end states are kept."""
    if benefit.status in (Status.REALISERT, Status.TATT_UT):
        return benefit.status
    latest = benefit.measurements.live().order_by("-date", "-id").first() if benefit.pk else None
    if latest is None:
        return benefit.status
    expected = expected_at(benefit, latest.date)
    if expected is None or benefit.baseline_value is None:
        return benefit.status
    direction = _direction(benefit)
    if direction == "neutral":
        ref = benefit.target_value if benefit.target_value is not None else expected
        direction = "higher_better" if ref >= benefit.baseline_value else "lower_better"
    tolerance = abs(expected - benefit.baseline_value) * 0.1 + 1e-9
    ok = latest.value >= expected - tolerance if direction == "higher_better" else latest.value <= expected + tolerance
    return Status.PA_SPORET if ok else Status.AVVIK


def update_status(benefit: Benefit, user=None) -> Benefit:
    """Re-assess and save the status (audited) if it changed."""
    benefit = Benefit.objects.get(pk=benefit.pk)
    new = assess_status(benefit)
    if new != benefit.status:
        benefit.status = new
        audit.save(benefit, user)
    return benefit


def add_measurements_from_data(organisation: Organisation) -> int:
    """Automatic measurements for the organisation's catalogue-indicator benefits; returns how many were added."""
    added = 0
    benefits = (Benefit.objects.live().filter(organisation=organisation, initiative__deleted_at__isnull=True)
                .exclude(indicator="").select_related("initiative", "organisation"))
    series_cache: dict[str, list[DataValue]] = {}
    for b in benefits:
        if b.indicator not in series_cache:
            series_cache[b.indicator] = indicator_series(organisation.region, b.indicator)
        after = b.baseline_date or b.initiative.change_start
        have = set(Measurement.objects.filter(benefit=b, automatic=True).values_list("date", flat=True))
        new = False
        for v in series_cache[b.indicator]:
            when = year_end(v.year)
            if (after and when <= after) or when in have:
                continue
            m = Measurement(organisation=organisation, benefit=b, value=round(v.value, 4), date=when, automatic=True,
                            comment=_("Lagt til automatisk da nye data kom inn."),
                            source=(f"{v.source}, {v.year}. {v.vintage}")[:300])
            audit.save(m, None)
            added += 1
            new = True
        if new:
            update_status(b)
    return added


def add_measurements_everywhere() -> int:
    """:func:`add_measurements_from_data` for every organisation that has catalogue-indicator benefits."""
    orgs = Organisation.objects.filter(
        pk__in=Benefit.objects.live().exclude(indicator="").values("organisation_id")
    )
    total = 0
    for org in orgs:
        try:
            total += add_measurements_from_data(org)
        except Exception:  # never let a plan break a data delivery
            log.exception("automatic measurements failed for %s", org.slug)
    return total
