"""Property tests and fuzzing beyond ``tests/test_jsonstat.py`` (which has the JSON-stat
round-trip and byte/structure mutations of the reader itself).

* JSON-stat: random valid SSB-shaped tables through the whole pipeline (reader →
  metadata → ``to_observations``), random text in labels, units and codes;
* CSV import: random CSV-ish text through ``import_file``: stored, or ``DataFormatError``
  and the database unchanged;
* recomposition: counts keep their totals under random merge/split mappings; a rebuilt
  ratio lies between its parts' min and max;
* need adjustment: scale invariance, and index 1 equals spending per inhabitant;
* schemathesis against ``/api/openapi.json`` in-process (WSGI) with a demo member's
  Bearer token: no 5xx.

Kept small (``max_examples``) so the module runs in well under a minute.
"""

from __future__ import annotations

import math

import orjson
import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gevinst.errors import DataFormatError

FAST = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))

# ---------------------------------------------------------------- JSON-stat, whole pipeline
label_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
REGIONS = ["0301", "3222", "4601", "5001", "EAK", "3030"]


@st.composite
def ssb_tables(draw):
    regions = draw(st.lists(st.sampled_from(REGIONS), min_size=1, max_size=4, unique=True))
    years = draw(st.lists(st.integers(1990, 2030), min_size=1, max_size=4, unique=True))
    periods = draw(st.sampled_from(["", "K", "M"]))
    times = [f"{y}{periods}{draw(st.integers(1, 4 if periods == 'K' else 12)):02d}"
             if periods == "M" else f"{y}K{draw(st.integers(1, 4))}" if periods == "K" else str(y)
             for y in years]
    assume(len(set(times)) == len(times))
    contents = draw(st.lists(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=12),
                             min_size=1, max_size=3, unique=True))
    units = {c: {"base": draw(label_text), "decimals": 0} for c in contents}
    n = len(regions) * len(contents) * len(times)
    values = draw(st.lists(st.one_of(st.none(), st.floats(-1e15, 1e15, allow_nan=False)), min_size=n, max_size=n))
    doc = {
        "version": "2.0", "class": "dataset", "label": draw(label_text),
        "id": ["Region", "ContentsCode", "Tid"], "size": [len(regions), len(contents), len(times)],
        "role": {"geo": ["Region"], "metric": ["ContentsCode"], "time": ["Tid"]},
        "dimension": {
            "Region": {"category": {"index": regions, "label": {r: draw(label_text) for r in regions}}},
            "ContentsCode": {"category": {"index": contents, "label": {c: draw(label_text) for c in contents},
                                          "unit": units}},
            "Tid": {"category": {"index": times}},
        },
        "value": values,
    }
    return doc, regions, contents, times, values


@FAST
@given(ssb_tables())
def test_jsonstat_pipeline_keeps_every_cell(table):
    from gevinst.sources.jsonstat import read_jsonstat, read_jsonstat_metadata, to_observations

    doc, regions, contents, times, values = table
    raw = orjson.dumps(doc)
    obs = to_observations(read_jsonstat(raw), read_jsonstat_metadata(raw), table_id="99999")
    assert obs.height == len(values)
    i = 0
    for r in regions:
        for c in contents:
            for t in times:
                row = obs.row(i, named=True)
                assert (row["region"], row["variable"]) == (r, f"99999:{c}")
                assert str(row["year"]) == t[:4] and row["period"] == t[4:]
                assert row["value"] == values[i]
                assert row["unit"] == doc["dimension"]["ContentsCode"]["category"]["unit"][c]["base"]
                i += 1


@FAST
@given(st.data())
def test_jsonstat_random_text_in_strings_parses_or_refuses(data):
    """Any JSON string value replaced by random text: a frame, or DataFormatError."""
    from gevinst.sources.jsonstat import read_jsonstat, read_jsonstat_metadata, to_observations

    doc, *_ = data.draw(ssb_tables())
    raw = orjson.dumps(doc).decode()
    strings = sorted({s for s in orjson.loads(orjson.dumps(_strings(doc)))})
    for s in data.draw(st.lists(st.sampled_from(strings), min_size=1, max_size=3)):
        raw = raw.replace(orjson.dumps(s).decode(), orjson.dumps(data.draw(label_text)).decode())
    try:
        to_observations(read_jsonstat(raw), read_jsonstat_metadata(raw), table_id="99999")
    except DataFormatError as exc:
        assert exc.message


def _strings(x):
    if isinstance(x, dict):
        return [s for k, v in x.items() for s in [k, *_strings(v)]]
    if isinstance(x, list):
        return [s for v in x for s in _strings(v)]
    return [x] if isinstance(x, str) else []


# ---------------------------------------------------------------- CSV import
CSV_ALPHABET = st.sampled_from(list("0123456789,;.\"\n -+=@æøå\t") + ["3222", "2024", "kr", "korpus:f", ".."])


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(header=st.sampled_from(["variable,region,year,value", "variable;region;year;value;unit",
                               '"12134: Tittel"\nregion;år;value', "region,2024"]),
       body=st.lists(CSV_ALPHABET, max_size=40).map("".join))
def test_random_csv_is_stored_or_refused_with_db_unchanged(tmp_path_factory, header, body):
    from test_bad_inputs import fast_state

    from gevinst.store.files import import_file

    path = tmp_path_factory.mktemp("csv") / "fuzz.csv"
    path.write_bytes(f"{header}\n{body}".encode())
    before = fast_state()
    try:
        _vintage, _created, rows = import_file(path)
    except DataFormatError as exc:
        assert exc.message and "Traceback" not in exc.message
        assert fast_state() == before
    else:
        assert rows >= 1


# ---------------------------------------------------------------- recomposition
@st.composite
def mappings(draw):
    """Sources → targets: each source is whole in one target or split with shares summing to 1."""
    n_src = draw(st.integers(1, 8))
    n_tgt = draw(st.integers(1, 4))
    rows = []
    for s in range(n_src):
        targets = draw(st.lists(st.integers(0, n_tgt - 1), min_size=1, max_size=3, unique=True))
        raw = [draw(st.integers(1, 10)) for _ in targets]
        for t, w in zip(targets, raw):
            rows.append((2024, f"S{s}", f"T{t}", w / sum(raw), "split" if len(targets) > 1 else "merge"))
    mapping = pl.DataFrame(rows, schema={"structure_year": pl.Int32, "source_code": pl.Utf8,
                                         "target_code": pl.Utf8, "weight": pl.Float64, "method": pl.Utf8},
                           orient="row")
    return mapping, [f"S{s}" for s in range(n_src)]


positive = st.floats(0.001, 1e9, allow_nan=False)


@FAST
@given(mappings(), st.data())
def test_recompose_count_preserves_totals(mapping_sources, data):
    from gevinst.core.recompose import recompose_count

    mapping, sources = mapping_sources
    values = data.draw(st.lists(st.floats(-1e9, 1e9, allow_nan=False), min_size=len(sources), max_size=len(sources)))
    obs = pl.DataFrame({"region": sources, "year": [2024] * len(sources), "value": values})
    out = recompose_count(obs, mapping)
    assert out["value"].null_count() == 0
    assert math.isclose(out["value"].sum(), sum(values), rel_tol=1e-9, abs_tol=1e-3)


@FAST
@given(mappings(), st.data())
def test_rebuilt_ratio_lies_between_its_parts(mapping_sources, data):
    from gevinst.core.recompose import recompose_ratio

    mapping, sources = mapping_sources
    n = len(sources)
    num = data.draw(st.lists(positive, min_size=n, max_size=n))
    den = data.draw(st.lists(positive, min_size=n, max_size=n))
    frame = lambda v: pl.DataFrame({"region": sources, "year": [2024] * n, "value": v})
    out = recompose_ratio(frame(num), frame(den), mapping, scale=100.0)
    parts = {s: 100.0 * a / b for s, a, b in zip(sources, num, den)}
    for target, value in out.select("region", "value").iter_rows():
        own = mapping.filter(pl.col("target_code") == target)["source_code"].to_list()
        lo, hi = min(parts[s] for s in own), max(parts[s] for s in own)
        assert lo * (1 - 1e-9) <= value <= hi * (1 + 1e-9)


# ---------------------------------------------------------------- need adjustment
@FAST
@given(st.floats(1, 1e8), st.floats(1, 1e7), st.floats(0.2, 5), st.floats(0.01, 100))
def test_need_adjusted_spending_is_scale_invariant(expenses, population, index, factor):
    from gevinst.core.potential import need_adjusted, per_inhabitant

    base = need_adjusted(expenses, population, index)
    assert math.isclose(need_adjusted(expenses * factor, population * factor, index), base, rel_tol=1e-9)
    assert math.isclose(need_adjusted(expenses, population, 1.0), per_inhabitant(expenses, population), rel_tol=1e-12)


# ---------------------------------------------------------------- schemathesis
schemathesis = pytest.importorskip("schemathesis")


def _schema():
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


schema = _schema()


@pytest.fixture
def demo_token(bundled_db):
    from gevinst.accounts.demo import ensure_demo
    from gevinst.accounts.tokens import create_api_token

    _org, username, _pw = ensure_demo()
    from django.contrib.auth import get_user_model

    return create_api_token(get_user_model().objects.get(username=username), "fuzz")[1]


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_has_no_server_errors(case, demo_token):
    params = case.path_parameters or {}
    if "slug" in params and len(repr(case.body)) % 2 == 0:
        params["slug"] = "lorenskog-demo"  # half the cases reach the member's own organisation
    if "benefit_id" in params and len(repr(case.body)) % 3 == 0:
        from gevinst.plans.models import Benefit

        first = Benefit.objects.filter(organisation__slug="lorenskog-demo").values_list("pk", flat=True).first()
        params["benefit_id"] = first or params["benefit_id"]
    # As Django's test client does: the app runs inside the test's transaction, so the
    # per-request connection cleanup must not close that connection (PostgreSQL).
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = case.call(headers={"Authorization": f"Bearer {demo_token}"})
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
