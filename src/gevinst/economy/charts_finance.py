"""SVG charts of the financial health page: a key figure per year as bars against its norms.

Pure, like :mod:`gevinst.regions.charts` (whose helpers it reuses): callers pass
translated texts; the page shows the same numbers in a table (WCAG 1.1.1). Norm and
target lines differ in dash pattern as well as colour (WCAG 1.4.1); computed values
are drawn hatched-light (class ``chart-rect-computed``) and named in the legend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from gevinst.core.formatting import format_number
from gevinst.regions.charts import _decimals_for, _f, _open_svg, nice_range


@dataclass(frozen=True)
class YearBar:
    year: int
    value: float | None
    computed: bool = False


@dataclass(frozen=True)
class RefLine:
    label: str
    value: float
    css: str = "chart-norm"  # chart-norm (dashed) or chart-target (dotted)


def bars_against_norms(
    bars: Sequence[YearBar],
    lines: Sequence[RefLine],
    *,
    chart_id: str,
    title: str,
    description: str,
    computed_label: str = "",
    decimals: int = 1,
    width: int = 720,
    height: int = 300,
) -> str:
    """Vertical bars per year (negative below zero) with horizontal reference lines."""
    parts = _open_svg(chart_id, title, description, width, height, "chart-bar chart-finance")
    values = [b.value for b in bars if b.value is not None] + [ln.value for ln in lines]
    if not [b for b in bars if b.value is not None]:
        parts.append("</svg>")
        return "".join(parts)
    legend_items = [(ln.label, ln.css) for ln in lines]
    if computed_label and any(b.computed and b.value is not None for b in bars):
        legend_items.append((computed_label, "computed"))
    left, right, top, bottom = 64, 16, 12 + 20 * len(legend_items), 36
    plot_w, plot_h = width - left - right, height - top - bottom
    y0, y1, step = nice_range(min(0.0, min(values)), max(0.0, max(values)))
    axis_dec = _decimals_for(step)

    def sy(v: float) -> float:
        return top + (y1 - v) / (y1 - y0) * plot_h

    parts.append('<g class="chart-grid" aria-hidden="true">')
    n = round((y1 - y0) / step)
    for i in range(n + 1):
        v = y0 + i * step
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{_f(sy(v))}" y2="{_f(sy(v))}"/>')
        parts.append(f'<text x="{left - 6}" y="{_f(sy(v) + 4)}" text-anchor="end">{escape(format_number(v, axis_dec))}</text>')
    parts.append(f'<line class="chart-axis" x1="{left}" x2="{width - right}" y1="{_f(sy(0))}" y2="{_f(sy(0))}"/>')
    parts.append("</g>")

    slot = plot_w / max(len(bars), 1)
    bw = min(slot * 0.7, 48)
    parts.append('<g aria-hidden="true">')
    for i, b in enumerate(bars):
        cx = left + slot * (i + 0.5)
        parts.append(f'<text class="chart-label" x="{_f(cx)}" y="{height - 12}" text-anchor="middle">{b.year}</text>')
        if b.value is None:
            parts.append(f'<text class="chart-missing" x="{_f(cx)}" y="{_f(sy(0) - 4)}" text-anchor="middle">–</text>')
            continue
        ytop, ybot = sorted((sy(b.value), sy(0)))
        css = "chart-rect chart-rect-computed" if b.computed else "chart-rect"
        parts.append(f'<rect class="{css}" x="{_f(cx - bw / 2)}" y="{_f(ytop)}" width="{_f(bw)}" height="{_f(max(ybot - ytop, 1))}"/>')
        ty = ytop - 4 if b.value >= 0 else ybot + 14
        parts.append(f'<text class="chart-value" x="{_f(cx)}" y="{_f(ty)}" text-anchor="middle">{escape(format_number(b.value, decimals))}</text>')
    for ln in lines:
        parts.append(f'<line class="{escape(ln.css, quote=True)}" x1="{left}" x2="{width - right}" '
                     f'y1="{_f(sy(ln.value))}" y2="{_f(sy(ln.value))}"/>')
    for i, (label, css) in enumerate(legend_items):
        y = 14 + 20 * i
        if css == "computed":
            parts.append(f'<rect class="chart-rect chart-rect-computed" x="{left}" y="{y - 9}" width="24" height="10"/>')
        else:
            parts.append(f'<line class="{escape(css, quote=True)}" x1="{left}" x2="{left + 24}" y1="{y - 4}" y2="{y - 4}"/>')
        parts.append(f'<text x="{left + 32}" y="{y}">{escape(label)}</text>')
    parts.append("</g></svg>")
    return "".join(parts)
