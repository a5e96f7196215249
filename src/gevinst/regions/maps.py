"""Server-rendered SVG maps of Norway from the bundled Kartverket TopoJSON.

No tiles, no scripts, no external servers: the boundaries (municipalities and
counties in the 2024 structure, ``gevinst/bundled/geo``, Kartverket, CC BY 4.0)
are decoded here once per process and drawn as ``<path>`` elements.

TopoJSON decoding follows the specification: each arc is a list of positions;
with a ``transform`` the positions are quantized and delta-encoded (each
position is the offset from the previous one, then scaled and translated);
a ring is the concatenation of its arcs, where a negative index ``~i`` means
arc ``i`` reversed, and the first position of every arc after the first is
dropped (it repeats the last position of the previous arc).

Projection: equirectangular with the longitude scaled by cos(65°), Norway's
middle latitude, so shapes look right at a glance. Nothing is simplified beyond
what the bundled files already are (coordinates are rounded to 0.1 unit of the
SVG viewBox, and repeated rounded positions are dropped).

Like :mod:`gevinst.regions.charts`, the module is pure: callers pass already
translated texts; colours come from CSS classes (the CSP forbids inline styles).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from gevinst.core.formatting import format_number
from gevinst.sources.bundled import bundled_path

#: The structure the bundled boundaries are in.
MAP_STRUCTURE_YEAR = 2024
MUNICIPALITIES_FILE = "kommuner_2024_small.topojson"
COUNTIES_FILE = "fylker_2024_small.topojson"
MAP_SOURCE = "Kartverket (CC BY 4.0)"

#: SVG width of the map; the height follows from the projected extent.
MAP_WIDTH = 420.0
MAP_PAD = 6.0
PROJECTION_LATITUDE = 65.0
N_CLASSES = 5

Point = tuple[float, float]
Ring = list[Point]


@dataclass(frozen=True)
class Shape:
    """One area of the map: its code and name, the SVG path and its box in viewBox units."""

    code: str
    name: str
    d: str
    bbox: tuple[float, float, float, float]  # x0, y0, x1, y1

    @property
    def centre(self) -> Point:
        return ((self.bbox[0] + self.bbox[2]) / 2, (self.bbox[1] + self.bbox[3]) / 2)


@dataclass(frozen=True)
class MapGeometry:
    width: float
    height: float
    shapes: dict[str, Shape]


# ------------------------------------------------------------------ TopoJSON
def decode_arcs(topology: Mapping) -> list[list[Point]]:
    """The arcs as absolute positions (delta-decoded and scaled when the topology is quantized)."""
    transform = topology.get("transform")
    arcs = topology.get("arcs", [])
    if not transform:
        return [[(float(p[0]), float(p[1])) for p in arc] for arc in arcs]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    out = []
    for arc in arcs:
        x = y = 0
        pts = []
        for p in arc:
            x += p[0]
            y += p[1]
            pts.append((x * sx + tx, y * sy + ty))
        out.append(pts)
    return out


def ring_positions(indices: Sequence[int], arcs: Sequence[Sequence[Point]]) -> Ring:
    """A ring from arc indices; ``~i`` (negative) is arc ``i`` reversed."""
    ring: Ring = []
    for k, i in enumerate(indices):
        arc = list(arcs[~i])[::-1] if i < 0 else list(arcs[i])
        ring.extend(arc if k == 0 else arc[1:])
    return ring


def geometry_rings(geometry: Mapping, arcs: Sequence[Sequence[Point]]) -> list[Ring]:
    """Every ring (outer and holes) of a Polygon or MultiPolygon geometry."""
    kind = geometry.get("type")
    if kind == "Polygon":
        polygons = [geometry["arcs"]]
    elif kind == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        return []
    return [ring_positions(r, arcs) for poly in polygons for r in poly]


def project(lon: float, lat: float) -> Point:
    """Equirectangular, longitude scaled by cos(65°); y grows southwards (SVG)."""
    return lon * math.cos(math.radians(PROJECTION_LATITUDE)), -lat


def _fmt(v: float) -> str:
    s = f"{v:.1f}"
    return s.removesuffix(".0")


def _load(name: str) -> dict:
    with open(bundled_path("geo", name), encoding="utf-8") as f:
        return json.load(f)


def _projected(name: str, code_key: str, name_key: str) -> list[tuple[str, str, list[list[Point]]]]:
    topo = _load(name)
    arcs = decode_arcs(topo)
    obj = next(iter(topo["objects"].values()))
    out = []
    for g in obj["geometries"]:
        props = g.get("properties") or {}
        rings = [[project(lon, lat) for lon, lat in ring] for ring in geometry_rings(g, arcs)]
        out.append((str(props.get(code_key) or g.get("id")), str(props.get(name_key) or ""), rings))
    return out


def _extent(projected) -> tuple[float, float, float, float]:
    xs = [x for _, _, rings in projected for ring in rings for x, _ in ring]
    ys = [y for _, _, rings in projected for ring in rings for _, y in ring]
    return min(xs), min(ys), max(xs), max(ys)


def _path(ring: Ring, x0: float, y0: float, scale: float) -> tuple[str, list[Point]]:
    """A closed SVG subpath in tenths of a unit, relative moves after the first (shorter output)."""
    pts: list[tuple[int, int]] = []
    for x, y in ring:
        p = (round((MAP_PAD + (x - x0) * scale) * 10), round((MAP_PAD + (y - y0) * scale) * 10))
        if not pts or p != pts[-1]:
            pts.append(p)
    if len(pts) > 1 and pts[0] == pts[-1]:
        pts.pop()
    if len(pts) < 3:
        return "", []
    out = [f"M{_fmt(pts[0][0] / 10)} {_fmt(pts[0][1] / 10)}l"]
    deltas = []
    for (ax, ay), (bx, by) in zip(pts, pts[1:]):
        deltas.append(f"{_fmt((bx - ax) / 10)} {_fmt((by - ay) / 10)}")
    out.append(" ".join(deltas).replace(" -", "-"))
    out.append("z")
    return "".join(out), [(px / 10, py / 10) for px, py in pts]


def _build(projected, extent) -> MapGeometry:
    x0, y0, x1, y1 = extent
    scale = (MAP_WIDTH - 2 * MAP_PAD) / (x1 - x0)
    height = (y1 - y0) * scale + 2 * MAP_PAD
    shapes: dict[str, Shape] = {}
    for code, label, rings in projected:
        parts: list[str] = []
        bx0 = by0 = math.inf
        bx1 = by1 = -math.inf
        for ring in rings:
            d, pts = _path(ring, x0, y0, scale)
            if not d:
                continue
            parts.append(d)
            for px, py in pts:
                bx0, by0, bx1, by1 = min(bx0, px), min(by0, py), max(bx1, px), max(by1, py)
        if parts:
            shapes[code] = Shape(code, label, "".join(parts), (bx0, by0, bx1, by1))
    return MapGeometry(MAP_WIDTH, round(height, 1), shapes)


@lru_cache(maxsize=1)
def _municipalities_projected():
    return _projected(MUNICIPALITIES_FILE, "kommunenummer", "kommunenavn")


@lru_cache(maxsize=1)
def municipalities() -> MapGeometry:
    """The 357 municipalities of 2024, keyed by ``kommunenummer`` (parsed once per process)."""
    projected = _municipalities_projected()
    return _build(projected, _extent(projected))


@lru_cache(maxsize=1)
def counties() -> MapGeometry:
    """The 15 counties of 2024 (same projection and extent as :func:`municipalities`)."""
    return _build(_projected(COUNTIES_FILE, "fylkesnummer", "fylkesnavn"), _extent(_municipalities_projected()))


# ------------------------------------------------------------------ classes
def quantile_breaks(values: Iterable[float | None], k: int = N_CLASSES) -> list[float]:
    """``k + 1`` class limits (min, inner quantiles, max) of the non-missing values.

    Inner limits are the ``i/k`` quantiles (linear interpolation); equal limits
    (many equal values) are kept, so a class may be empty.
    """
    vals = sorted(float(v) for v in values if v is not None and math.isfinite(float(v)))
    if not vals:
        return []
    n = len(vals)

    def q(p: float) -> float:
        pos = p * (n - 1)
        lo = math.floor(pos)
        hi = min(lo + 1, n - 1)
        return vals[lo] + (vals[hi] - vals[lo]) * (pos - lo)

    return [vals[0]] + [q(i / k) for i in range(1, k)] + [vals[-1]]


def classify(value: float | None, breaks: Sequence[float]) -> int | None:
    """The class (0 … len(breaks) − 2) of ``value``; None when missing. Upper limits are inclusive."""
    if value is None or not breaks or not math.isfinite(float(value)):
        return None
    k = len(breaks) - 1
    for i in range(k):
        if value <= breaks[i + 1]:
            return i
    return k - 1


# ------------------------------------------------------------------ drawing
def focus_box(codes: Iterable[str], *, county: str | None = None, margin: float = 0.12,
              min_size: float = 24.0) -> tuple[float, float, float, float] | None:
    """A box around the municipalities ``codes`` (and the ``county``, if given), with a margin.

    At least ``min_size`` map units on each side and never outside the map.
    """
    geo = municipalities()
    boxes = [geo.shapes[c].bbox for c in codes if c in geo.shapes]
    if county and county in counties().shapes:
        boxes.append(counties().shapes[county].bbox)
    if not boxes:
        return None
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    w, h = max(x1 - x0, min_size), max(y1 - y0, min_size)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w, h = w * (1 + 2 * margin), h * (1 + 2 * margin)
    x0, y0 = max(0.0, cx - w / 2), max(0.0, cy - h / 2)
    x1, y1 = min(geo.width, cx + w / 2), min(geo.height, cy + h / 2)
    return (round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1))


@dataclass(frozen=True)
class LegendTexts:
    missing: str
    region: str
    peers: str


def choropleth(
    values: Mapping[str, float | None],
    *,
    chart_id: str,
    title: str,
    description: str,
    legend: LegendTexts,
    region: str | None = None,
    peers: Iterable[str] = (),
    decimals: int = 1,
    focus: tuple[float, float, float, float] | None = None,
) -> str:
    """Municipalities coloured by ``values`` (2024 codes) in 5 quantile classes, grey where missing.

    ``region`` is outlined thickly and marked with a ring; ``peers`` are outlined.
    The legend names the class limits (Norwegian number format). With ``focus``
    (a box in map units, e.g. :func:`focus_box`) the map is a close-up of that box,
    with the same classes and no legend (it belongs next to the full map).
    """
    geo = municipalities()
    fylker = counties()
    breaks = quantile_breaks(values.values())
    cid = escape(chart_id, quote=True)
    if focus:
        fx0, fy0, fx1, fy1 = focus
        width, height = fx1 - fx0, fy1 - fy0
        view, css, legend_w = f"{_fmt(fx0)} {_fmt(fy0)} {_fmt(width)} {_fmt(height)}", "map map-inset", 0.0
    else:
        legend_w = 150.0
        width, height = geo.width + legend_w, geo.height
        view, css = f"0 0 {_fmt(width)} {_fmt(height)}", "map"

    def visible(shape: Shape) -> bool:
        if not focus:
            return True
        b = shape.bbox
        return not (b[2] < focus[0] or b[0] > focus[2] or b[3] < focus[1] or b[1] > focus[3])

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" viewBox="{view}" '
        f'role="img" aria-labelledby="{cid}-title {cid}-desc" focusable="false">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
        '<g class="map-areas" aria-hidden="true">',
    ]
    for code, shape in geo.shapes.items():
        if not visible(shape):
            continue
        cls = classify(values.get(code), breaks)
        css = "map-missing" if cls is None else f"map-c{cls}"
        parts.append(f'<path class="{css}" d="{shape.d}"/>')
    parts.append("</g>")
    parts.append('<g class="map-counties" aria-hidden="true">')
    parts.extend(f'<path d="{s.d}"/>' for s in fylker.shapes.values() if visible(s))
    parts.append("</g>")
    peer_set = [p for p in dict.fromkeys(peers) if p != region and p in geo.shapes and visible(geo.shapes[p])]
    if peer_set:
        parts.append('<g class="map-peers" aria-hidden="true">')
        parts.extend(f'<path d="{geo.shapes[p].d}"/>' for p in peer_set)
        parts.append("</g>")
    if region and region in geo.shapes:
        s = geo.shapes[region]
        cx, cy = s.centre
        ring = "" if focus else f'<circle cx="{_fmt(cx)}" cy="{_fmt(cy)}" r="9"/>'
        parts.append(f'<g class="map-region" aria-hidden="true"><path d="{s.d}"/>{ring}</g>')
    if focus:
        parts.append("</svg>")
        return "".join(parts)
    # legend
    lx, ly = geo.width + 8, 16
    parts.append('<g class="map-legend" aria-hidden="true">')
    if breaks:
        for i in range(N_CLASSES):
            lo, hi = breaks[i], breaks[i + 1]
            y = ly + i * 24
            parts.append(f'<rect class="map-c{i}" x="{lx}" y="{y}" width="18" height="16"/>')
            parts.append(
                f'<text x="{lx + 26}" y="{y + 13}">{escape(format_number(lo, decimals))}–'
                f"{escape(format_number(hi, decimals))}</text>"
            )
        y = ly + N_CLASSES * 24
    else:
        y = ly
    parts.append(f'<rect class="map-missing" x="{lx}" y="{y}" width="18" height="16"/>')
    parts.append(f'<text x="{lx + 26}" y="{y + 13}">{escape(legend.missing)}</text>')
    y += 30
    if region and region in geo.shapes:
        parts.append(f'<g class="map-region"><circle cx="{lx + 9}" cy="{y + 8}" r="7"/></g>')
        parts.append(f'<text x="{lx + 26}" y="{y + 13}">{escape(legend.region)}</text>')
        y += 24
    if peer_set:
        parts.append(f'<g class="map-peers"><rect x="{lx}" y="{y}" width="18" height="16"/></g>')
        parts.append(f'<text x="{lx + 26}" y="{y + 13}">{escape(legend.peers)}</text>')
    parts.append("</g></svg>")
    return "".join(parts)
