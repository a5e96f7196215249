"""The waterfall of the economic room per service («følg de store pengene»), as server-rendered SVG.

Pure: callers pass translated texts and :class:`gevinst.core.potential.WaterfallStep`
values in kroner. One horizontal row per service (largest amount first), each bar
running from the running total before it to the running total after it, then the
total from zero. Values are written beside every bar with their sign, so colour
is never the only carrier of meaning; the page shows the same numbers as a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from gevinst.core.formatting import format_number
from gevinst.core.potential import WaterfallStep
from gevinst.regions.charts import _f, _open_svg, nice_range


def waterfall_chart(
    steps: Sequence[WaterfallStep],
    *,
    chart_id: str,
    title: str,
    description: str,
    unit_divisor: float = 1e6,
    axis_label: str = "mill. kr",
    width: int = 760,
    row_height: int = 28,
    label_width: int = 230,
) -> str:
    """Horizontal waterfall; ``steps`` in kroner, drawn in ``unit_divisor`` (million kroner)."""
    gap, top, bottom, value_room = 6, 10, 44, 90
    height = top + bottom + max(len(steps), 1) * (row_height + gap)
    parts = _open_svg(chart_id, title, description, width, height, "chart-waterfall")
    if not steps:
        parts.append("</svg>")
        return "".join(parts)
    ends = [0.0] + [s.start / unit_divisor for s in steps] + [s.end / unit_divisor for s in steps]
    lo, hi, step = nice_range(min(ends), max(ends))
    plot_x0 = label_width
    plot_w = width - label_width - value_room

    def sx(v: float) -> float:
        return plot_x0 + (v - lo) / (hi - lo) * plot_w

    plot_bottom = top + len(steps) * (row_height + gap)
    parts.append('<g class="chart-grid" aria-hidden="true">')
    tick = lo
    decimals = 0 if step >= 1 else 1
    while tick <= hi + step / 1000:
        x = sx(tick)
        parts.append(f'<line x1="{_f(x)}" y1="{top}" x2="{_f(x)}" y2="{_f(plot_bottom)}"/>')
        parts.append(f'<text class="chart-label" x="{_f(x)}" y="{_f(plot_bottom + 16)}" text-anchor="middle">'
                     f"{escape(format_number(tick, decimals))}</text>")
        tick += step
    parts.append(f'<line class="chart-axis" x1="{_f(sx(0))}" y1="{top}" x2="{_f(sx(0))}" y2="{_f(plot_bottom)}"/>')
    parts.append(f'<text class="chart-label" x="{_f(plot_x0 + plot_w / 2)}" y="{_f(plot_bottom + 36)}" '
                 f'text-anchor="middle">{escape(axis_label)}</text>')
    parts.append("</g>")
    parts.append('<g aria-hidden="true">')
    for i, s in enumerate(steps):
        y = top + i * (row_height + gap)
        a, b = s.start / unit_divisor, s.end / unit_divisor
        x0, x1 = sorted((sx(a), sx(b)))
        cls = "wf-total" if s.total else ("wf-up" if s.value > 0 else "wf-down")
        parts.append(f'<text class="chart-label" x="{label_width - 8}" y="{_f(y + row_height / 2 + 5)}" '
                     f'text-anchor="end">{escape(s.label)}</text>')
        parts.append(f'<rect class="{cls}" x="{_f(x0)}" y="{y}" width="{_f(max(x1 - x0, 1))}" height="{row_height}"/>')
        if i + 1 < len(steps) and not s.total:
            ny = y + row_height
            parts.append(f'<line class="wf-link" x1="{_f(sx(b))}" y1="{ny}" x2="{_f(sx(b))}" y2="{ny + gap}"/>')
        parts.append(f'<text class="chart-value" x="{_f(max(x0, x1) + 6)}" y="{_f(y + row_height / 2 + 5)}">'
                     f"{escape(format_number(s.value / unit_divisor, 1, sign=True))}</text>")
    parts.append("</g></svg>")
    return "".join(parts)
