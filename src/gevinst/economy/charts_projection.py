"""SVG chart of the perspective analysis: the main line with the scenario band (low–high).

Pure function, no scripts or inline styles (strict CSP); role="img" with title and description,
and the page carries the same numbers in a table.
"""

from __future__ import annotations

from html import escape

from gevinst.core.formatting import format_number
from gevinst.regions.charts import _f, _open_svg, nice_range


def band_chart(rows: list[dict], *, chart_id: str, title: str, description: str, unit_divisor: float = 1e6,
               width: int = 720, height: int = 320) -> str:
    """``rows``: ``year, low, main, high`` (NOK); drawn in millions."""
    pts = [r for r in rows if r.get("main") is not None]
    parts = _open_svg(chart_id, title, description, width, height, "chart-line chart-band")
    if not pts:
        parts.append("</svg>")
        return "".join(parts)
    left, right, top, bottom = 72, 16, 16, 40
    pw, ph = width - left - right, height - top - bottom
    vals = [r[k] / unit_divisor for r in pts for k in ("low", "main", "high") if r.get(k) is not None]
    y0, y1, step = nice_range(min(0.0, min(vals)), max(vals) or 1.0)
    x0, x1 = pts[0]["year"], pts[-1]["year"]
    span = max(x1 - x0, 1)

    def sx(x):
        return left + (x - x0) / span * pw

    def sy(v):
        return top + (y1 - v) / ((y1 - y0) or 1) * ph

    v = y0
    while v <= y1 + step / 2:
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{_f(sy(v))}" y2="{_f(sy(v))}"/>')
        parts.append(f'<text class="tick" x="{left - 6}" y="{_f(sy(v) + 4)}" text-anchor="end">{escape(format_number(v))}</text>')
        v += step
    for r in pts[:: max(1, len(pts) // 6)] + [pts[-1]]:
        parts.append(f'<text class="tick" x="{_f(sx(r["year"]))}" y="{height - 16}" text-anchor="middle">{r["year"]}</text>')
    upper = " ".join(f"{_f(sx(r['year']))},{_f(sy(r['high'] / unit_divisor))}" for r in pts)
    lower = " ".join(f"{_f(sx(r['year']))},{_f(sy(r['low'] / unit_divisor))}" for r in reversed(pts))
    parts.append(f'<polygon class="band" points="{upper} {lower}"/>')
    main = " ".join(f"{_f(sx(r['year']))},{_f(sy(r['main'] / unit_divisor))}" for r in pts)
    parts.append(f'<polyline class="series" points="{main}"/>')
    parts.append("</svg>")
    return "".join(parts)
