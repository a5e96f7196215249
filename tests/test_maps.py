"""The TopoJSON → SVG map: decoding, projection, quantile classes, the drawn map."""

from __future__ import annotations

import math
import re

from gevinst.regions import maps


def test_decoder_gives_357_municipalities_inside_the_viewbox():
    geo = maps.municipalities()
    assert len(geo.shapes) == 357
    assert "0301" in geo.shapes and geo.shapes["0301"].d.startswith("M")
    assert "3222" in geo.shapes
    for s in geo.shapes.values():
        x0, y0, x1, y1 = s.bbox
        assert all(math.isfinite(v) for v in s.bbox), s.code
        assert 0 <= x0 <= x1 <= geo.width and 0 <= y0 <= y1 <= geo.height, (s.code, s.bbox)
    # Oslo lies south-east of Bergen (4601) and south of Tromsø (5501)
    assert geo.shapes["0301"].centre[0] > geo.shapes["4601"].centre[0]
    assert geo.shapes["0301"].centre[1] > geo.shapes["5501"].centre[1]


def test_path_numbers_are_finite():
    d = maps.municipalities().shapes["0301"].d
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    assert numbers and all(math.isfinite(n) for n in numbers)


def test_counties_share_the_projection():
    assert len(maps.counties().shapes) == 15
    assert maps.counties().height == maps.municipalities().height


def test_quantized_delta_encoded_arcs_and_reversed_indices():
    topo = {
        "transform": {"scale": [0.5, 2.0], "translate": [10.0, 60.0]},
        "arcs": [[[0, 0], [2, 0], [0, 1]], [[2, 1], [-2, 0], [0, -1]]],
    }
    arcs = maps.decode_arcs(topo)
    assert arcs[0] == [(10.0, 60.0), (11.0, 60.0), (11.0, 62.0)]
    assert arcs[1] == [(11.0, 62.0), (10.0, 62.0), (10.0, 60.0)]
    ring = maps.ring_positions([0, 1], arcs)
    assert ring[0] == ring[-1] and len(ring) == 5  # the shared position appears once
    reversed_ring = maps.ring_positions([~1, ~0], arcs)
    assert reversed_ring == ring[::-1]


def test_quantile_classes_cover_all_values():
    values = [3.1, 7.0, 0.5, 12.25, 5.5, 5.5, 9.9, 1.0, 2.2, 8.8, 4.4]
    breaks = maps.quantile_breaks(values)
    assert len(breaks) == maps.N_CLASSES + 1
    assert breaks[0] == min(values) and breaks[-1] == max(values)
    assert breaks == sorted(breaks)
    classes = [maps.classify(v, breaks) for v in values]
    assert all(c is not None and 0 <= c < maps.N_CLASSES for c in classes)
    assert maps.classify(min(values), breaks) == 0
    assert maps.classify(max(values), breaks) == maps.N_CLASSES - 1
    assert set(classes) == set(range(maps.N_CLASSES))  # spread values fill every class
    assert maps.classify(None, breaks) is None
    assert maps.quantile_breaks([None, None]) == []


def test_choropleth_is_accessible_svg():
    values = {code: float(i % 17) for i, code in enumerate(maps.municipalities().shapes)}
    values["0301"] = None
    svg = maps.choropleth(
        values, chart_id="m", title="Kart <&>", description="Beskrivelse",
        legend=maps.LegendTexts("Mangler tall", "Lørenskog", "Sammenligning"),
        region="3222", peers=["0301", "3205"],
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="m-title m-desc"' in svg
    assert "<title id=\"m-title\">Kart &lt;&amp;&gt;</title>" in svg
    assert svg.count('class="map-missing"') == 2  # Oslo + the legend swatch
    assert "map-region" in svg and "map-peers" in svg
    assert "style=" not in svg and "<script" not in svg
    for i in range(maps.N_CLASSES):
        assert f'class="map-c{i}"' in svg
