"""SVG charts of an effect estimate: the treated region against its synthetic control and the
comparison mean (change year marked), and the event-study coefficients with their intervals.

Pure (no Django); every chart is drawn beside a table with the same numbers.
"""

from __future__ import annotations

from html import escape

from gevinst.core.formatting import format_number
from gevinst.regions.charts import (
    LinePoint,
    Series,
    _decimals_for,
    _f,
    _open_svg,
    multi_line_chart,
    nice_range,
)


def treated_vs_synthetic(years, treated, synthetic, comparison_mean, change_year, *, labels: dict[str, str],
                         chart_id: str, title: str, description: str) -> str:
    series = [Series(labels["treated"], [LinePoint(y, v) for y, v in zip(years, treated)], 0)]
    if synthetic:
        series.append(Series(labels["synthetic"], [LinePoint(y, v) for y, v in zip(years, synthetic)], 1))
    series.append(Series(labels["comparison"], [LinePoint(y, v) for y, v in zip(years, comparison_mean)], 2))
    return multi_line_chart(series, chart_id=chart_id, title=title, description=description,
                            marker_x=change_year, marker_label=labels["change"])


def event_study(event_time, estimates, intervals, *, chart_id: str, title: str, description: str,
                width: int = 720, height: int = 320) -> str:
    """Coefficients per event time (reference −1 at zero) with interval bars; a zero line and a
    dashed line between −1 and 0 where the change takes effect."""
    parts = _open_svg(chart_id, title, description, width, height, "chart-line chart-event")
    lows = [lo for lo, _hi in intervals]
    highs = [hi for _lo, hi in intervals]
    vmin, vmax = min(lows + list(estimates) + [0.0]), max(highs + list(estimates) + [0.0])
    if vmax - vmin <= 0:
        vmax, vmin = vmax + 1, vmin - 1
    y0, y1, step = nice_range(vmin, vmax)
    decimals = _decimals_for(step)
    left, right, top, bottom = 72, 16, 16, 40
    pw, ph = width - left - right, height - top - bottom
    xmin, xmax = min(event_time), max(event_time)
    span = max(xmax - xmin, 1)

    def sx(x):
        return left + (x - xmin + 0.5) / (span + 1) * pw

    def sy(v):
        return top + (1 - (v - y0) / (y1 - y0)) * ph

    parts.append('<g class="chart-grid" aria-hidden="true">')
    n = round((y1 - y0) / step)
    for i in range(n + 1):
        v = y0 + i * step
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{_f(sy(v))}" y2="{_f(sy(v))}"/>')
        parts.append(f'<text class="chart-tick" x="{left - 8}" y="{_f(sy(v) + 4)}" text-anchor="end">'
                     f"{escape(format_number(v, decimals))}</text>")
    for x in event_time:
        if span > 14 and x % 2:
            continue
        parts.append(f'<text class="chart-tick" x="{_f(sx(x))}" y="{height - bottom + 20}" text-anchor="middle">'
                     f"{escape(format_number(x, 0))}</text>")
    parts.append(f'<line class="chart-axis" x1="{left}" x2="{width - right}" y1="{_f(sy(0))}" y2="{_f(sy(0))}"/>')
    xm = (sx(-1) + sx(0)) / 2
    parts.append(f'<g class="chart-marker"><line x1="{_f(xm)}" x2="{_f(xm)}" y1="{top}" y2="{top + ph}"/></g>')
    parts.append("</g>")
    parts.append('<g class="chart-series" aria-hidden="true">')
    for x, b, (lo, hi) in zip(event_time, estimates, intervals):
        if hi > lo:
            parts.append(f'<line class="chart-errorbar" x1="{_f(sx(x))}" x2="{_f(sx(x))}" y1="{_f(sy(lo))}" y2="{_f(sy(hi))}"/>')
        css = "chart-dot chart-dot-flagged" if x == -1 else "chart-dot"
        parts.append(f'<circle class="{css}" cx="{_f(sx(x))}" cy="{_f(sy(b))}" r="4"/>')
    parts.append("</g></svg>")
    return "".join(parts)
