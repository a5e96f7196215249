"""Server-rendered SVG charts: no JavaScript, no external assets.

Each builder returns an ``<svg>`` string with ``role="img"``, a ``<title>`` (the
accessible name) and a ``<desc>`` (a short text summary), referenced through
``aria-labelledby``. The page that shows a chart also shows the same numbers as
a table (WCAG 1.1.1): the chart is a picture of the table, never the only copy.

Colours and fonts come from CSS classes (``gevinst/gevinst.css``), since the
Content-Security-Policy forbids inline styles. Numbers are formatted with
:func:`gevinst.core.formatting.format_number`. The module is pure: callers pass
already-translated texts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from gevinst.core.formatting import format_number


@dataclass(frozen=True)
class LinePoint:
    """One point of a line chart; ``value`` None leaves a gap. ``flag`` marks estimates."""

    x: int
    value: float | None
    flag: str = ""


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None


def nice_step(span: float, target_ticks: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 × 10^k) giving about ``target_ticks`` ticks."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / max(target_ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * magnitude:
            return m * magnitude
    return 10 * magnitude  # pragma: no cover


def nice_range(lo: float, hi: float, target_ticks: int = 5) -> tuple[float, float, float]:
    """``(start, stop, step)`` with round ends that contain ``lo`` and ``hi``."""
    if hi == lo:
        hi = lo + (abs(lo) or 1.0)
    step = nice_step(hi - lo, target_ticks)
    start = math.floor(lo / step) * step
    stop = math.ceil(hi / step) * step
    return start, stop, step


def _decimals_for(step: float) -> int:
    if step >= 1:
        return 0
    return min(max(0, -math.floor(math.log10(step))), 4)


def _f(x: float) -> str:
    """An SVG coordinate with at most one decimal."""
    return f"{x:.1f}".rstrip("0").rstrip(".")



def _y_grid(parts: list[str], x0: float, x1: float, y0: float, y1: float, step: float, sy, decimals: int) -> None:
    """Horizontal grid lines with their value labels, from ``y0`` to ``y1`` every ``step``."""
    n = int(round((y1 - y0) / step))
    for i in range(n + 1):
        v = y0 + i * step
        y = sy(v)
        parts.append(f'<line x1="{x0}" x2="{x1}" y1="{_f(y)}" y2="{_f(y)}"/>')
        parts.append(
            f'<text class="chart-tick" x="{x0 - 8}" y="{_f(y + 4)}" text-anchor="end">'
            f"{escape(format_number(v, decimals))}</text>"
        )

def _open_svg(chart_id: str, title: str, description: str, width: int, height: int, css: str) -> list[str]:
    cid = escape(chart_id, quote=True)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {escape(css, quote=True)}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" focusable="false">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
    ]


def line_chart(
    points: Sequence[LinePoint],
    *,
    chart_id: str,
    title: str,
    description: str,
    estimated_label: str = "",
    width: int = 720,
    height: int = 320,
    zero_based: bool | None = None,
) -> str:
    """A line chart over whole-number x values (years); gaps where ``value`` is None.

    Points with a non-empty ``flag`` are drawn hollow (estimates, partial data);
    ``estimated_label`` names them in the legend. The y axis starts at zero
    unless the data stays far above it (``zero_based`` overrides).
    """
    pts = sorted(points, key=lambda p: p.x)
    parts = _open_svg(chart_id, title, description, width, height, "chart-line")
    values = [p.value for p in pts if p.value is not None]
    if not values:
        parts.append("</svg>")
        return "".join(parts)

    left, right, top, bottom = 72, 16, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    vmin, vmax = min(values), max(values)
    if zero_based is None:
        zero_based = vmin >= 0 and vmin <= 0.4 * vmax
    lo = min(0.0, vmin) if zero_based else vmin
    spread = vmax - lo
    y0, y1, step = nice_range(lo - (0 if zero_based else spread * 0.05), vmax + spread * 0.02)
    decimals = _decimals_for(step)
    xmin, xmax = pts[0].x, pts[-1].x
    xspan = max(xmax - xmin, 1)

    def sx(x: float) -> float:
        return left + (x - xmin) / xspan * plot_w

    def sy(v: float) -> float:
        return top + (1 - (v - y0) / (y1 - y0)) * plot_h

    # grid lines and y labels
    parts.append('<g class="chart-grid" aria-hidden="true">')
    _y_grid(parts, left, width - right, y0, y1, step, sy, decimals)
    # x labels: every year if few, else a round step
    xstep = 1 if xspan <= 12 else (2 if xspan <= 24 else 5)
    for x in range(xmin, xmax + 1):
        if (x - xmin) % xstep and x != xmax:
            continue
        if x != xmax and xmax - x < xstep and (x - xmin) % xstep == 0 and x != xmin:
            continue  # keep the last label from colliding with its neighbour
        parts.append(
            f'<text class="chart-tick" x="{_f(sx(x))}" y="{height - bottom + 20}" text-anchor="middle">{x}</text>'
        )
    parts.append(
        f'<line class="chart-axis" x1="{left}" x2="{width - right}" y1="{_f(sy(y0))}" y2="{_f(sy(y0))}"/>'
    )
    parts.append("</g>")

    # the line, broken where a value is missing
    segments: list[list[LinePoint]] = [[]]
    for p in pts:
        if p.value is None:
            if segments[-1]:
                segments.append([])
        else:
            segments[-1].append(p)
    parts.append('<g class="chart-series" aria-hidden="true">')
    for seg in segments:
        if len(seg) > 1:
            d = " ".join(f"{_f(sx(p.x))},{_f(sy(p.value))}" for p in seg)  # type: ignore[arg-type]
            parts.append(f'<polyline class="chart-path" points="{d}"/>')
    for p in pts:
        if p.value is None:
            continue
        css = "chart-dot chart-dot-flagged" if p.flag else "chart-dot"
        parts.append(f'<circle class="{css}" cx="{_f(sx(p.x))}" cy="{_f(sy(p.value))}" r="3.5"/>')
    parts.append("</g>")
    if estimated_label and any(p.flag for p in pts if p.value is not None):
        parts.append(
            f'<g class="chart-legend" aria-hidden="true">'
            f'<circle class="chart-dot chart-dot-flagged" cx="{left + 10}" cy="{top + 6}" r="3.5"/>'
            f'<text class="chart-tick" x="{left + 20}" y="{top + 10}">{escape(estimated_label)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    description: str,
    decimals: int = 0,
    width: int = 720,
    bar_height: int = 26,
    label_width: int = 130,
) -> str:
    """Horizontal bars, one per row, with the value written at the end of each bar."""
    gap, top, bottom, value_room = 8, 8, 8, 90
    height = top + bottom + len(bars) * (bar_height + gap)
    parts = _open_svg(chart_id, title, description, width, height, "chart-bar")
    values = [b.value for b in bars if b.value is not None]
    vmax = max([v for v in values if v > 0], default=1.0)
    plot_w = width - label_width - value_room
    parts.append('<g aria-hidden="true">')
    for i, b in enumerate(bars):
        y = top + i * (bar_height + gap)
        parts.append(
            f'<text class="chart-label" x="{label_width - 8}" y="{_f(y + bar_height / 2 + 5)}" '
            f'text-anchor="end">{escape(b.label)}</text>'
        )
        w = 0.0 if b.value is None or b.value <= 0 else b.value / vmax * plot_w
        parts.append(
            f'<rect class="chart-rect" x="{label_width}" y="{y}" width="{_f(max(w, 1))}" height="{bar_height}"/>'
        )
        parts.append(
            f'<text class="chart-value" x="{_f(label_width + w + 6)}" y="{_f(y + bar_height / 2 + 5)}">'
            f"{escape(format_number(b.value, decimals))}</text>"
        )
    parts.append("</g></svg>")
    return "".join(parts)


# ------------------------------------------------------------------ small additions
def sparkline(
    points: Sequence[LinePoint],
    *,
    chart_id: str,
    title: str,
    description: str,
    width: int = 96,
    height: int = 28,
) -> str:
    """A word-sized trend line (for a table cell): the line, the last point marked, no axes.

    ``title`` names it and ``description`` carries the numbers (the text
    alternative); flagged points are drawn hollow. Empty (title only) without values.
    """
    pts = sorted((p for p in points if p.value is not None), key=lambda p: p.x)
    parts = _open_svg(chart_id, title, description, width, height, "chart-spark")
    if not pts:
        parts.append("</svg>")
        return "".join(parts)
    pad = 4
    vmin = min(p.value for p in pts)  # type: ignore[type-var]
    vmax = max(p.value for p in pts)  # type: ignore[type-var]
    vspan = (vmax - vmin) or 1.0
    xmin, xmax = pts[0].x, pts[-1].x
    xspan = max(xmax - xmin, 1)

    def sx(x: float) -> float:
        return pad + (x - xmin) / xspan * (width - 2 * pad) if xmax > xmin else width / 2

    def sy(v: float) -> float:
        return pad + (1 - (v - vmin) / vspan) * (height - 2 * pad) if vmax > vmin else height / 2

    parts.append('<g aria-hidden="true">')
    if len(pts) > 1:
        d = " ".join(f"{_f(sx(p.x))},{_f(sy(p.value))}" for p in pts)  # type: ignore[arg-type]
        parts.append(f'<polyline class="chart-path spark-path" points="{d}"/>')
    last = pts[-1]
    css = "chart-dot chart-dot-flagged" if last.flag else "chart-dot"
    parts.append(f'<circle class="{css}" cx="{_f(sx(last.x))}" cy="{_f(sy(last.value))}" r="2.5"/>')  # type: ignore[arg-type]
    parts.append("</g></svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Series:
    """One line of :func:`multi_line_chart`; ``style`` (0–3) picks colour, dash and marker."""

    label: str
    points: Sequence[LinePoint]
    style: int = 0


def multi_line_chart(
    series: Sequence[Series],
    *,
    chart_id: str,
    title: str,
    description: str,
    marker_x: int | None = None,
    marker_label: str = "",
    decimals: int | None = None,
    width: int = 720,
    height: int = 340,
) -> str:
    """Several lines over whole-number x values (years) with a legend, and ``marker_x`` marked.

    The lines differ in colour *and* dash pattern and marker shape (readable
    without colour, WCAG 1.4.1). ``marker_x`` (the baseline year) is drawn as a
    vertical line labelled ``marker_label``.
    """
    parts = _open_svg(chart_id, title, description, width, height, "chart-line chart-multi")
    all_pts = [p for s in series for p in s.points if p.value is not None]
    if not all_pts:
        parts.append("</svg>")
        return "".join(parts)
    legend_h = 22 * ((len(series) + 1) // 2) + 6
    left, right, top, bottom = 72, 24, 24 + legend_h, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [p.value for p in all_pts]
    vmin, vmax = min(values), max(values)  # type: ignore[type-var]
    zero_based = vmin >= 0 and vmin <= 0.4 * vmax
    lo = min(0.0, vmin) if zero_based else vmin
    spread = (vmax - lo) or abs(vmax) or 1.0
    y0, y1, step = nice_range(lo - (0 if zero_based else spread * 0.05), vmax + spread * 0.05)
    dec = _decimals_for(step) if decimals is None else decimals
    xs = sorted({p.x for p in all_pts} | ({marker_x} if marker_x is not None else set()))
    xmin, xmax = xs[0], xs[-1]
    xspan = max(xmax - xmin, 1)
    inset = 16 if xmax > xmin else plot_w / 2

    def sx(x: float) -> float:
        if xmax == xmin:
            return left + plot_w / 2
        return left + inset + (x - xmin) / xspan * (plot_w - 2 * inset)

    def sy(v: float) -> float:
        return top + (1 - (v - y0) / (y1 - y0)) * plot_h

    # legend (top, two columns)
    parts.append('<g class="chart-legend" aria-hidden="true">')
    for i, s in enumerate(series):
        lx = left + (i % 2) * (plot_w / 2)
        ly = 8 + (i // 2) * 22
        st = s.style % 4
        parts.append(f'<line class="chart-series-{st}" x1="{_f(lx)}" x2="{_f(lx + 32)}" y1="{ly + 8}" y2="{ly + 8}"/>')
        parts.append(_marker(st, lx + 16, ly + 8))
        parts.append(f'<text class="chart-tick" x="{_f(lx + 40)}" y="{ly + 13}">{escape(s.label)}</text>')
    parts.append("</g>")
    # grid
    parts.append('<g class="chart-grid" aria-hidden="true">')
    _y_grid(parts, left, width - right, y0, y1, step, sy, dec)
    xstep = 1 if xspan <= 12 else (2 if xspan <= 24 else 5)
    for x in range(xmin, xmax + 1):
        if (x - xmin) % xstep and x != xmax:
            continue
        parts.append(
            f'<text class="chart-tick" x="{_f(sx(x))}" y="{height - bottom + 20}" text-anchor="middle">{x}</text>'
        )
    zero_y = sy(max(y0, min(0.0, y1))) if y0 <= 0 <= y1 else sy(y0)
    parts.append(f'<line class="chart-axis" x1="{left}" x2="{width - right}" y1="{_f(zero_y)}" y2="{_f(zero_y)}"/>')
    parts.append("</g>")
    if marker_x is not None:
        mx = sx(marker_x)
        parts.append(
            f'<g class="chart-marker" aria-hidden="true"><line x1="{_f(mx)}" x2="{_f(mx)}" y1="{top - 4}" '
            f'y2="{top + plot_h}"/><text class="chart-tick" x="{_f(mx + 4)}" y="{top + 10}" '
            f'text-anchor="{"end" if mx > left + plot_w * 0.7 else "start"}" dx="{-8 if mx > left + plot_w * 0.7 else 0}">'
            f"{escape(marker_label)}</text></g>"
        )
    for s in series:
        st = s.style % 4
        pts = sorted(s.points, key=lambda p: p.x)
        segments: list[list[LinePoint]] = [[]]
        for p in pts:
            if p.value is None:
                if segments[-1]:
                    segments.append([])
            else:
                segments[-1].append(p)
        parts.append(f'<g class="chart-series chart-series-{st}" aria-hidden="true">')
        for seg in segments:
            if len(seg) > 1:
                d = " ".join(f"{_f(sx(p.x))},{_f(sy(p.value))}" for p in seg)  # type: ignore[arg-type]
                parts.append(f'<polyline points="{d}"/>')
        for p in pts:
            if p.value is not None:
                parts.append(_marker(st, sx(p.x), sy(p.value), hollow=bool(p.flag)))
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _marker(style: int, x: float, y: float, hollow: bool = False) -> str:
    """Circle, square, diamond or triangle (by series), hollow for flagged points."""
    css = f"chart-mark chart-mark-{style}" + (" chart-mark-hollow" if hollow else "")
    if style == 0:
        return f'<circle class="{css}" cx="{_f(x)}" cy="{_f(y)}" r="4.5"/>'
    if style == 1:
        return f'<rect class="{css}" x="{_f(x - 4)}" y="{_f(y - 4)}" width="8" height="8"/>'
    if style == 2:
        return f'<path class="{css}" d="M{_f(x)} {_f(y - 5.5)}l5.5 5.5-5.5 5.5-5.5-5.5z"/>'
    return f'<path class="{css}" d="M{_f(x)} {_f(y - 5)}l5 9h-10z"/>'
