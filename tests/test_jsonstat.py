"""JSON-stat 2.0 reader: real SSB responses, malformed input, property tests."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import orjson
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gevinst.errors import DataFormatError
from gevinst.sources.jsonstat import (
    parse_time_code,
    read_jsonstat,
    read_jsonstat_metadata,
    to_observations,
)

DATA = Path(__file__).parent / "data" / "jsonstat"
F12134 = DATA / "ssb_12134_v2_frie_inntekter_0301_4601_5001_2024.json"
F07221 = DATA / "ssb_07221_v1_boligprisindeks_2022K1_2023K4.json"
BAD = Path(__file__).parent / "data" / "bad"

NB_CHARS = set("æøåÆØÅ«»")


def _raises_nb(data, *needles: str) -> DataFormatError:
    with pytest.raises(DataFormatError) as ei:
        read_jsonstat(data)
    msg = ei.value.message
    for n in needles:
        assert n in msg, (n, msg)
    return ei.value


# ---------------------------------------------------------------- real responses


def test_12134_values_and_columns():
    raw = F12134.read_bytes()
    df = read_jsonstat(raw)
    assert df.columns == [
        "KOKkommuneregion0000",
        "KOKkommuneregion0000_label",
        "ContentsCode",
        "ContentsCode_label",
        "Tid",
        "Tid_label",
        "value",
        "status",
    ]
    assert df.schema["value"] == pl.Float64
    assert all(df.schema[c] == pl.Utf8 for c in df.columns if c != "value")
    got = dict(zip(df["KOKkommuneregion0000"], df["value"]))
    assert got == {"0301": 81240.0, "4601": 66605.0, "5001": 62853.0}
    assert df["KOKkommuneregion0000_label"].to_list()[2] == "Trondheim - Tråante"
    assert df["status"].to_list() == ["", "", ""]
    # str and dict input give the same frame
    assert read_jsonstat(raw.decode("utf-8")).equals(df)
    assert read_jsonstat(orjson.loads(raw)).equals(df)


def test_12134_metadata_and_observations():
    raw = F12134.read_bytes()
    meta = read_jsonstat_metadata(raw)
    assert meta["table_id"] == "12134"
    assert meta["updated"] == "2026-03-16T07:00:00Z"
    assert meta["source"] == "Statistisk sentralbyrå"
    assert len(meta["notes"]) == 5
    assert meta["roles"] == {
        "time": ["Tid"],
        "geo": ["KOKkommuneregion0000"],
        "metric": ["ContentsCode"],
    }
    obs = to_observations(read_jsonstat(raw), meta, table_id="12134")
    assert obs.columns == ["variable", "region", "year", "period", "value", "status", "unit", "label"]
    assert obs.schema["year"] == pl.Int32
    rows = {r["region"]: r for r in obs.to_dicts()}
    assert rows["0301"]["value"] == 81240
    assert rows["4601"]["value"] == 66605
    assert rows["5001"]["value"] == 62853
    r = rows["0301"]
    assert r["variable"] == "12134:KOSAG110000"
    assert (r["year"], r["period"], r["unit"]) == (2024, "", "kr")
    assert r["label"] == "Frie inntekter per innbygger (kr)"


def test_07221_nulls_status_and_quarters():
    raw = F07221.read_bytes()
    df = read_jsonstat(raw)
    assert df.height == 12 * 3 * 8
    assert df["Region"].n_unique() == 12 and df["Boligtype"].n_unique() == 3
    doc = orjson.loads(raw)
    # nulls survive, and carry the status ".."
    nulls = df.filter(pl.col("value").is_null())
    assert nulls.height == sum(v is None for v in doc["value"]) > 0
    assert set(nulls["status"]) == {".."}
    assert set(doc["status"]) == {str(i) for i in range(df.height) if df["value"][i] is None}
    # last dimension fastest
    assert df["Tid"].head(8).to_list() == ["2022K1", "2022K2", "2022K3", "2022K4",
                                           "2023K1", "2023K2", "2023K3", "2023K4"]
    assert df["value"][0] == doc["value"][0]
    meta = read_jsonstat_metadata(raw)
    assert meta["table_id"] == "07221"
    assert meta["roles"]["geo"] == ["Region"]  # inferred: v1 response has no role.geo
    obs = to_observations(df, meta, table_id="07221")
    assert obs.height == 288
    assert set(obs["period"]) == {"K1", "K2", "K3", "K4"}
    assert set(obs["year"]) == {2022, 2023}
    assert obs["variable"][0] == "07221:Boligindeks|Boligtype=01"
    assert obs.filter(pl.col("value").is_null())["status"].unique().to_list() == [".."]


def test_time_codes():
    assert parse_time_code("2024") == (2024, "")
    assert parse_time_code("2022K1") == (2022, "K1")
    assert parse_time_code("2022M03") == (2022, "M03")
    with pytest.raises(DataFormatError, match="Tidskoden"):
        parse_time_code("i fjor")


# ---------------------------------------------------------------- variants


def _mini(**over):
    doc = {
        "version": "2.0",
        "class": "dataset",
        "id": ["A", "B"],
        "size": [2, 3],
        "dimension": {
            "A": {"category": {"index": ["a0", "a1"], "label": {"a0": "A null"}}},
            "B": {"category": {"index": {"b2": 2, "b0": 0, "b1": 1}}},
        },
        "value": [0, 1, 2, 3, None, 5.5],
    }
    doc.update(over)
    return doc


def test_index_forms_labels_and_order():
    df = read_jsonstat(_mini())
    assert df["A"].to_list() == ["a0"] * 3 + ["a1"] * 3
    assert df["B"].to_list() == ["b0", "b1", "b2"] * 2
    assert df["A_label"].to_list()[:4] == ["A null", "A null", "A null", "a1"]  # missing → code
    assert df["B_label"].to_list()[:3] == ["b0", "b1", "b2"]
    assert df["value"].to_list() == [0, 1, 2, 3, None, 5.5]


def test_sparse_value_and_status_forms():
    df = read_jsonstat(_mini(value={"0": 1, "5": 2.5}, status="p"))
    assert df["value"].to_list() == [1, None, None, None, None, 2.5]
    assert set(df["status"]) == {"p"}
    df = read_jsonstat(_mini(status=["", None, "..", "", ":", ""]))
    assert df["status"].to_list() == ["", "", "..", "", ":", ""]
    df = read_jsonstat(_mini(status={"4": ".."}))
    assert df["status"].to_list() == ["", "", "", "", "..", ""]


def test_single_category_without_index():
    doc = _mini()
    doc["dimension"]["A"] = {"category": {"label": {"only": "Eneste"}}}
    doc["size"] = [1, 3]
    doc["value"] = [1, 2, 3]
    df = read_jsonstat(doc)
    assert df["A"].to_list() == ["only"] * 3 and df["A_label"][0] == "Eneste"


# ---------------------------------------------------------------- malformed input


def test_truncated_real_file():
    raw = F12134.read_bytes()
    for cut in (1, 10, len(raw) // 2, len(raw) - 3):
        e = _raises_nb(raw[:cut], "ikke gyldig JSON")
        assert "linje" in e.message


@pytest.mark.parametrize(
    "mutate, needle",
    [
        (lambda d: d.update({"class": "collection"}), "«class» = 'collection'"),
        (lambda d: d.pop("class"), "«class»"),
        (lambda d: d.pop("id"), "mangler nøkkelen «id»"),
        (lambda d: d.pop("size"), "mangler nøkkelen «size»"),
        (lambda d: d.pop("dimension"), "mangler nøkkelen «dimension»"),
        (lambda d: d.pop("value"), "mangler nøkkelen «value»"),
        (lambda d: d.update({"value": [81240, 66605]}), "Antall verdier (2)"),
        (lambda d: d.update({"size": [3, 1]}), "«size» har 2"),
        (lambda d: d["dimension"].pop("Tid"), "Dimensjonen «Tid» står i «id»"),
        (lambda d: d.update({"size": [4, 1, 1], "value": [1, 2, 3, 4]}),
         "Dimensjonen «KOKkommuneregion0000» har 3 kategorier, men «size» sier 4"),
        (lambda d: d.update({"value": [81240, "mange", 3]}), "Verdi nr. 1 i «value» er ikke et tall"),
        (lambda d: d.update({"value": {"0": "x"}}), "Verdien for celle 0"),
        (lambda d: d.update({"value": {"7": 1}}), "Ugyldig celleindeks '7'"),
        (lambda d: d.update({"value": 5}), "«value» må være en liste"),
        (lambda d: d.update({"version": "1.0"}), "versjon 2.0"),
        (lambda d: d["dimension"]["Tid"]["category"].update({"index": {"2024": 3}}),
         "ugyldig posisjon 3"),
        (lambda d: d.update({"status": 7}), "«status» må være"),
    ],
)
def test_malformed(mutate, needle):
    doc = orjson.loads(F12134.read_bytes())
    mutate(doc)
    e = _raises_nb(orjson.dumps(doc), needle)
    assert e.log_message  # English log text present


def test_not_an_object_and_empty():
    _raises_nb(b"[1, 2, 3]", "JSON-objekt")
    _raises_nb(b"", "tomt")
    _raises_nb(b"\xff\xfe garbage", "ikke gyldig JSON")
    _raises_nb({"dataset": {"dimension": {}}}, "versjon 1")


def test_bad_files_on_disk():
    for path in sorted(BAD.glob("*.json")):
        with pytest.raises(DataFormatError) as ei:
            read_jsonstat(path.read_bytes())
        assert any(ch in ei.value.message for ch in NB_CHARS) or " ikke " in ei.value.message


def test_metadata_document_without_values():
    meta = read_jsonstat_metadata((DATA / "ssb_12134_metadata_derived.json").read_bytes())
    assert meta["dimensions"]["ContentsCode"]["units"] == {"KOSAG110000": "kr"}
    assert meta["dimensions"]["KOKkommuneregion0000"]["codes"] == ["0301", "4601", "5001"]


def test_large_compact_response_fast_path_matches_plain_path():
    # > 256 KiB compact JSON takes the native value path; must equal the dict path.
    n_a, n_b = 400, 250
    values = [None if i % 17 == 0 else (i * 1.5 if i % 2 else i) for i in range(n_a * n_b)]
    doc = _mini(
        size=[n_a, n_b],
        dimension={
            "A": {"category": {"index": [f"a{i}" for i in range(n_a)]}},
            "B": {"category": {"index": [f"b{i}" for i in range(n_b)]}},
        },
        value=values,
        status={str(i): ".." for i in range(0, n_a * n_b, 17)},
    )
    raw = orjson.dumps(doc)
    assert len(raw) > 256 * 1024
    fast = read_jsonstat(raw)
    plain = read_jsonstat(doc)
    assert fast.equals(plain)
    assert fast["value"].null_count() == len(range(0, n_a * n_b, 17))
    # invalid JSON in the value array is still rejected
    assert b",4," in raw
    bad = raw.replace(b",4,", b",,", 1)
    _raises_nb(bad, "ikke gyldig JSON")
    bad = raw.replace(b",4,", b",+4,", 1)
    _raises_nb(bad, "ikke gyldig JSON")


# ---------------------------------------------------------------- property tests


@st.composite
def datasets(draw):
    ndims = draw(st.integers(1, 4))
    sizes = [draw(st.integers(1, 5)) for _ in range(ndims)]
    ids = [f"D{i}" for i in range(ndims)]
    n = math.prod(sizes)
    vals = draw(
        st.lists(
            st.one_of(
                st.none(),
                st.integers(-10**9, 10**9),
                st.floats(allow_nan=False, allow_infinity=False, width=64),
            ),
            min_size=n,
            max_size=n,
        )
    )
    dims = {}
    for d, s in zip(ids, sizes):
        codes = [f"{d}c{j}" for j in range(s)]
        perm = draw(st.permutations(list(range(s))))
        if draw(st.booleans()):
            index = {codes[p]: p for p in perm}  # dict in shuffled order
        else:
            index = codes
        dims[d] = {"category": {"index": index, "label": {c: c.lower() for c in codes}}}
    as_dict = draw(st.booleans())
    value = {str(i): v for i, v in enumerate(vals) if v is not None} if as_dict else vals
    doc = {"version": "2.0", "class": "dataset", "id": ids, "size": sizes, "dimension": dims,
           "value": value}
    return doc, vals, sizes, ids


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets())
def test_roundtrip(case):
    doc, vals, sizes, ids = case
    df = read_jsonstat(orjson.dumps(doc))
    n = math.prod(sizes)
    assert df.height == n
    strides = [math.prod(sizes[i + 1 :]) for i in range(len(sizes))]
    for i in range(n):
        coords = [(i // strides[k]) % sizes[k] for k in range(len(sizes))]
        row = df.row(i, named=True)
        for k, d in enumerate(ids):
            assert row[d] == f"{d}c{coords[k]}"
            assert row[f"{d}_label"] == f"{d}c{coords[k]}".lower()
        assert row["value"] == (None if vals[i] is None else float(vals[i]))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_random_byte_mutations_parse_or_raise(data):
    raw = bytearray(F07221.read_bytes() if data.draw(st.booleans()) else F12134.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        op = data.draw(st.sampled_from(["set", "delete", "insert"]))
        byte = data.draw(st.integers(0, 255))
        if op == "set":
            raw[pos] = byte
        elif op == "delete":
            del raw[pos]
        else:
            raw.insert(pos, byte)
    try:
        df = read_jsonstat(bytes(raw))
    except DataFormatError:
        return
    assert isinstance(df, pl.DataFrame)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_random_structural_mutations_parse_or_raise(data):
    doc = orjson.loads(F07221.read_bytes())
    junk = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**12), st.text(max_size=3),
                     st.lists(st.integers(-2, 5), max_size=4), st.dictionaries(st.text(max_size=2), st.integers(-1, 3), max_size=3))
    paths = [("class",), ("id",), ("size",), ("value",), ("status",), ("dimension",),
             ("dimension", "Region"), ("dimension", "Region", "category"),
             ("dimension", "Tid", "category", "index"), ("dimension", "Tid", "category", "label"),
             ("role",), ("extension",), ("label",)]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        target = doc
        ok = True
        for p in path[:-1]:
            if isinstance(target, dict) and isinstance(target.get(p), dict):
                target = target[p]
            else:
                ok = False
                break
        if ok and isinstance(target, dict):
            target[path[-1]] = copy.deepcopy(data.draw(junk))
    try:
        df = read_jsonstat(orjson.dumps(doc))
        meta = read_jsonstat_metadata(doc)
    except DataFormatError:
        return
    assert isinstance(df, pl.DataFrame) and isinstance(meta, dict)
