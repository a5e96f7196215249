"""Realisation overview (*gevinstoversikt*): expected against realised value, kroner, status counts.

For each priced benefit, the expected value in a year is the planned yearly
value times the share of the path from baseline to target the plan expects by
the end of that year; the realised value uses the latest measurement in that
year instead. Kroner taken out of the budget are the expected yearly values of
benefits with status «tatt ut i budsjett». Pure functions over model objects
(:func:`summarise`) and a small SVG chart (:func:`chart_svg`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html import escape

from gevinst.core.formatting import format_number

from .models import Status, year_end


@dataclass
class YearRow:
    year: int
    expected: float = 0.0
    realised: float = 0.0


@dataclass
class Overview:
    years: list[YearRow] = field(default_factory=list)
    expected_yearly: float = 0.0
    realised_latest: float = 0.0
    taken_out: float = 0.0
    status_counts: dict[str, int] = field(default_factory=dict)
    benefits: int = 0


def _share(baseline: float | None, target: float | None, value: float | None) -> float | None:
    if baseline is None or target is None or value is None or target == baseline:
        return None
    return max(0.0, min(1.0, (value - baseline) / (target - baseline)))


def summarise(benefits, today: dt.date | None = None) -> Overview:
    """``benefits``: live Benefit objects with ``measurements`` prefetched (``live_measurements`` list)."""
    from .data import expected_at

    today = today or dt.date.today()
    ov = Overview(status_counts={s.value: 0 for s in Status})
    per_year: dict[int, YearRow] = {}
    for b in benefits:
        ov.benefits += 1
        ov.status_counts[b.status] = ov.status_counts.get(b.status, 0) + 1
        nok = float(b.expected_yearly_nok or 0)
        if not b.is_priced or not nok:
            continue
        ov.expected_yearly += nok
        if b.status == Status.TATT_UT:
            ov.taken_out += nok
        measurements = sorted(getattr(b, "live_measurements", None) or [], key=lambda m: m.date)
        if b.baseline_date is None or b.target_date is None:
            continue
        first = b.baseline_date.year + 1
        last = max(b.target_date.year, today.year)
        latest_share = None
        for year in range(first, last + 1):
            row = per_year.setdefault(year, YearRow(year))
            share = _share(b.baseline_value, b.target_value, expected_at(b, year_end(year)))
            row.expected += nok * (share or 0.0)
            in_year = [m for m in measurements if m.date.year <= year]
            if in_year and year <= today.year:
                s = _share(b.baseline_value, b.target_value, in_year[-1].value)
                row.realised += nok * (s or 0.0)
                latest_share = s
        ov.realised_latest += nok * (latest_share or 0.0)
    ov.years = [per_year[y] for y in sorted(per_year)]
    return ov


def chart_svg(ov: Overview, *, chart_id: str, title: str, description: str, expected_label: str,
              realised_label: str, width: int = 720, height: int = 300) -> str:
    """Paired bars per year: expected (outline) and realised (filled), kroner."""
    cid = escape(chart_id, quote=True)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart plan-overview" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{cid}-title {cid}-desc" focusable="false" font-family="sans-serif">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
        '<g aria-hidden="true">',
    ]
    rows = ov.years
    vmax = max([max(r.expected, r.realised) for r in rows], default=0) or 1.0
    left, right, top, bottom = 110, 16, 34, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    for i in range(5):
        v = vmax * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.0f}" y2="{y:.0f}" stroke="#d0d0d0"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.0f}" text-anchor="end" font-size="12" fill="#333333">'
                     f"{escape(format_number(v))}</text>")
    n = max(len(rows), 1)
    slot = plot_w / n
    bar = min(28.0, slot / 3)
    for i, r in enumerate(rows):
        x = left + i * slot + slot / 2
        for j, (value, fill, stroke) in enumerate(((r.expected, "#ffffff", "#1f4e79"), (r.realised, "#1f4e79", "#1f4e79"))):
            h = plot_h * value / vmax
            bx = x - bar - 2 if j == 0 else x + 2
            parts.append(f'<rect x="{bx:.0f}" y="{top + plot_h - h:.0f}" width="{bar:.0f}" height="{max(h, 1):.0f}" '
                         f'fill="{fill}" stroke="{stroke}" stroke-width="2"/>')
        parts.append(f'<text x="{x:.0f}" y="{height - 14}" text-anchor="middle" font-size="12" fill="#333333">{r.year}</text>')
    # legend
    parts.append(f'<rect x="{left}" y="8" width="14" height="14" fill="#ffffff" stroke="#1f4e79" stroke-width="2"/>'
                 f'<text x="{left + 20}" y="20" font-size="12" fill="#333333">{escape(expected_label)}</text>')
    parts.append(f'<rect x="{left + 220}" y="8" width="14" height="14" fill="#1f4e79"/>'
                 f'<text x="{left + 240}" y="20" font-size="12" fill="#333333">{escape(realised_label)}</text>')
    parts.append("</g></svg>")
    return "".join(parts)
