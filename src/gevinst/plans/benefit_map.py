"""The benefit map (*gevinstkart*) as a layered graph and an SVG picture. Pure: no Django, no database.

Layers, left to right (DFØ): the initiative → changes and prerequisites →
benefits → goals (the organisation's goals and SDG targets). Colours are SVG
presentation attributes (the Content-Security-Policy forbids inline styles);
texts come in already translated. The page that shows the picture also lists
the arrows as text, so the picture is never the only copy.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html import escape

LAYERS = {"tiltak": 0, "endring": 1, "forutsetning": 1, "gevinst": 2, "mal": 3, "barekraft": 3}
#: Fill and stroke per kind (text is #1b1b1b on all of them: contrast above 12:1).
COLOURS = {
    "tiltak": ("#dce9f5", "#1f4e79"),
    "endring": ("#fff4d6", "#7a5a00"),
    "forutsetning": ("#f3f3f3", "#4a4a4a"),
    "gevinst": ("#e2f2e4", "#1e6b2f"),
    "mal": ("#f6e1ec", "#7d1d4f"),
    "barekraft": ("#e4e4f7", "#3b3b8f"),
}
NODE_W, NODE_H, COL_W, ROW_H, PAD = 200, 62, 250, 80, 16


@dataclass(frozen=True)
class Node:
    key: str
    kind: str
    label: str


@dataclass(frozen=True)
class Edge:
    source: str
    target: str


def layout(nodes: list[Node]) -> dict[str, tuple[float, float]]:
    """Top-left corner of each node: one column per layer, nodes stacked in their order."""
    columns: dict[int, list[Node]] = {}
    for n in nodes:
        columns.setdefault(LAYERS.get(n.kind, 1), []).append(n)
    tallest = max((len(c) for c in columns.values()), default=1)
    pos = {}
    for layer, col in columns.items():
        offset = (tallest - len(col)) * ROW_H / 2
        for i, n in enumerate(col):
            pos[n.key] = (PAD + layer * COL_W, PAD + offset + i * ROW_H)
    return pos


def _lines(label: str, width: int = 26, max_lines: int = 3) -> list[str]:
    lines = textwrap.wrap(label, width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1] + "…"
    return lines


def to_svg(nodes: list[Node], edges: list[Edge], *, chart_id: str, title: str, description: str,
           kind_labels: dict[str, str] | None = None) -> str:
    """The map as an ``<svg>`` with ``role="img"``, title and description."""
    kind_labels = kind_labels or {}
    pos = layout(nodes)
    layers_used = max((LAYERS.get(n.kind, 1) for n in nodes), default=0) + 1
    rows = max((sum(1 for n in nodes if LAYERS.get(n.kind, 1) == layer) for layer in range(4)), default=1)
    width = PAD * 2 + (max(layers_used, 4) - 1) * COL_W + NODE_W
    height = PAD * 2 + max(rows, 1) * ROW_H + 24
    cid = escape(chart_id, quote=True)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart benefit-map" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{cid}-title {cid}-desc" focusable="false" font-family="sans-serif">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
        f'<defs><marker id="{cid}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333333"/></marker></defs>',
        '<g aria-hidden="true">',
    ]
    # column headings
    headings = {0: kind_labels.get("tiltak", ""), 1: kind_labels.get("endring", ""),
                2: kind_labels.get("gevinst", ""), 3: kind_labels.get("mal", "")}
    for layer, text in headings.items():
        if text:
            parts.append(f'<text x="{PAD + layer * COL_W}" y="{height - 8}" font-size="13" fill="#333333">'
                         f"{escape(text)}</text>")
    for e in edges:
        if e.source not in pos or e.target not in pos:
            continue
        (sx, sy), (tx, ty) = pos[e.source], pos[e.target]
        x1, y1 = sx + NODE_W, sy + NODE_H / 2
        x2, y2 = tx, ty + NODE_H / 2
        if x2 <= x1:  # backwards or within a column: go round below
            x1, x2 = sx + NODE_W / 2, tx + NODE_W / 2
            y1, y2 = sy + NODE_H, ty + NODE_H
            mid = max(y1, y2) + 20
            d = f"M{x1:.0f},{y1:.0f} C{x1:.0f},{mid:.0f} {x2:.0f},{mid:.0f} {x2:.0f},{y2:.0f}"
        else:
            cx = (x1 + x2) / 2
            d = f"M{x1:.0f},{y1:.0f} C{cx:.0f},{y1:.0f} {cx:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
        parts.append(f'<path d="{d}" fill="none" stroke="#333333" stroke-width="1.5" '
                     f'marker-end="url(#{cid}-arrow)"/>')
    for n in nodes:
        x, y = pos[n.key]
        fill, stroke = COLOURS.get(n.kind, COLOURS["endring"])
        dash = ' stroke-dasharray="5 3"' if n.kind == "forutsetning" else ""
        parts.append(f'<rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="6" fill="{fill}" '
                     f'stroke="{stroke}" stroke-width="2"{dash}/>')
        lines = _lines(n.label)
        top = y + NODE_H / 2 - (len(lines) - 1) * 8 + 5
        text = "".join(f'<tspan x="{x + 10:.0f}" y="{top + i * 16:.0f}">{escape(line)}</tspan>'
                       for i, line in enumerate(lines))
        parts.append(f'<text font-size="13" fill="#1b1b1b">{text}</text>')
    parts.append("</g></svg>")
    return "".join(parts)
