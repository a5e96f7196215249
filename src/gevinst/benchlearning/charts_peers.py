"""SVG chart of similar municipalities: one horizontal stacked bar per peer, the distance split by variable.

Each segment's length is the variable's part of the distance (share of d² × d),
so the bar's total length is the distance itself. Pure: callers pass translated
texts; the page shows the same numbers in a table (the chart is never the only copy).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from gevinst.core.formatting import format_number
from gevinst.regions.charts import _f, _open_svg, nice_range

MAX_SEGMENT_CLASSES = 8


@dataclass(frozen=True)
class PeerBar:
    label: str
    distance: float
    parts: Sequence[float]  # one per variable, in legend order; they sum to ``distance``


def distance_bars(bars: Sequence[PeerBar], variables: Sequence[str], *, chart_id: str, title: str,
                  description: str, axis_label: str, width: int = 720) -> str:
    row_h, top, bottom, left, right = 26, 8, 44, 190, 24
    height = top + bottom + row_h * max(len(bars), 1)
    parts = _open_svg(chart_id, title, description, width, height, "chart-peers")
    if not bars:
        parts.append("</svg>")
        return "".join(parts)
    hi = max(b.distance for b in bars) or 1.0
    _lo, stop, step = nice_range(0.0, hi)
    plot_w = width - left - right

    def sx(v: float) -> float:
        return left + v / stop * plot_w

    tick = 0.0
    decimals = 1 if step < 1 else 0
    parts.append('<g class="chart-grid" aria-hidden="true">')
    while tick <= stop + 1e-9:
        x = sx(tick)
        parts.append(f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{top}" y2="{height - bottom}"/>')
        parts.append(f'<text class="chart-tick" x="{_f(x)}" y="{height - bottom + 16}" text-anchor="middle">'
                     f'{escape(format_number(tick, decimals))}</text>')
        tick += step
    parts.append("</g>")
    parts.append(f'<text class="chart-tick" x="{_f(left + plot_w / 2)}" y="{height - 6}" text-anchor="middle">'
                 f'{escape(axis_label)}</text>')
    for i, b in enumerate(bars):
        y = top + i * row_h
        parts.append(f'<text class="chart-label" x="{left - 8}" y="{_f(y + row_h / 2 + 4)}" text-anchor="end">{escape(b.label)}</text>')
        at = 0.0
        for k, (name, part) in enumerate(zip(variables, b.parts)):
            if part <= 0:
                continue
            x0, x1 = sx(at), sx(at + part)
            parts.append(
                f'<rect class="peer-seg peer-seg-{k % MAX_SEGMENT_CLASSES}" x="{_f(x0)}" y="{_f(y + 4)}" '
                f'width="{_f(max(x1 - x0, 0.5))}" height="{row_h - 8}">'
                f'<title>{escape(b.label)}: {escape(name)} {escape(format_number(part, 2))}</title></rect>')
            at += part
        parts.append(f'<text class="chart-value" x="{_f(sx(b.distance) + 4)}" y="{_f(y + row_h / 2 + 4)}">'
                     f'{escape(format_number(b.distance, 2))}</text>')
    parts.append("</svg>")
    return "".join(parts)
