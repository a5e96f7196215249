"""Benchmark: reading a >=1M-cell JSON-stat 2.0 response.

The response is SYNTHETIC: generated deterministically (seeded) in the shape of SSB's
PxWebApi v2 response for table 12134 (region dimension ``KOKkommuneregion0000`` with
~360 real-looking codes, ``ContentsCode``, ``Tid``) plus one extra dimension, with some
null values carrying status symbols. It is written to ``var/bench/`` so the exact bytes
can be inspected.

Timed (best of N, ``time.perf_counter``):
  (a) ``orjson.loads`` of the bytes -- the floor, nothing can parse faster than that;
  (b) ``gevinst.sources.jsonstat.read_jsonstat`` of the same bytes;
  (c) ``pyjstat.Dataset.read(text).write("dataframe")`` -- the baseline.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
try:  # an editable install makes this unnecessary
    import gevinst  # noqa: F401
except ImportError:  # pragma: no cover
    sys.path.insert(0, str(ROOT / "src"))

SEED = 12134
N_FAST = 7  # repetitions for orjson and gevinst
N_SLOW = 3  # repetitions for pyjstat (slow)

# County numbers of the 2024 division; municipality codes are drawn within each.
_COUNTIES = ["03", "11", "15", "18", "31", "32", "33", "34", "39", "40", "42", "46", "50", "55", "56"]


def _region_codes(rng: random.Random) -> tuple[list[str], dict[str, str]]:
    codes = ["EAK", "EAKUO"] + [f"EKG{i:02d}" for i in range(1, 18)]
    codes += [f"EAFK{c}" for c in _COUNTIES]
    munis: set[str] = {"0301"}
    while len(munis) < 357:
        county = rng.choice(_COUNTIES[1:])
        munis.add(f"{county}{rng.randint(1, 99):02d}")
    codes += sorted(munis)
    labels = {c: f"Kommune {c}" for c in codes}
    labels.update({"EAK": "Landet", "EAKUO": "Landet uten Oslo", "0301": "Oslo - Oslove"})
    for i in range(1, 18):
        labels[f"EKG{i:02d}"] = f"Kostragruppe {i:02d}"
    return codes, labels


def make_response(seed: int = SEED) -> bytes:
    """A synthetic 12134-shaped JSON-stat 2.0 response with >= 1 000 000 cells."""
    rng = random.Random(seed)
    regions, region_labels = _region_codes(rng)  # 391 codes
    contents = [f"KOSAG{110000 + 10000 * i}" for i in range(29)]
    functions = [f"{f:03d}" for f in (100, 110, 120, 201, 202, 213, 215, 222, 223)]
    years = [str(y) for y in range(2015, 2025)]
    sizes = [len(regions), len(functions), len(contents), len(years)]
    n = 1
    for s in sizes:
        n *= s
    values: list[float | int | None] = []
    status: dict[str, str] = {}
    rand = rng.random
    for i in range(n):
        r = rand()
        if r < 0.04:
            values.append(None)
            status[str(i)] = ".." if r < 0.03 else (":" if r < 0.035 else ".")
        elif r < 0.5:
            values.append(rng.randint(-5000, 120000))
        else:
            values.append(round(rand() * 10000, 1))
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": "12134: Utvalgte nøkkeltall for kommuneregnskap (SYNTETISKE DATA for ytelsestest)",
        "source": "Syntetisk (gevinst bench), formet som Statistisk sentralbyrå tabell 12134",
        "updated": "2026-03-16T07:00:00Z",
        "note": ["Syntetiske data generert for ytelsestest; ikke offisiell statistikk."],
        "role": {"time": ["Tid"], "geo": ["KOKkommuneregion0000"], "metric": ["ContentsCode"]},
        "id": ["KOKkommuneregion0000", "KOKfunksjon0000", "ContentsCode", "Tid"],
        "size": sizes,
        "dimension": {
            "KOKkommuneregion0000": {
                "label": "region",
                "category": {
                    "index": {c: i for i, c in enumerate(regions)},
                    "label": {c: region_labels[c] for c in regions},
                },
                "extension": {"elimination": False, "show": "code_value"},
            },
            "KOKfunksjon0000": {
                "label": "funksjon",
                "category": {
                    "index": {c: i for i, c in enumerate(functions)},
                    "label": {c: f"Funksjon {c}" for c in functions},
                },
            },
            "ContentsCode": {
                "label": "statistikkvariabel",
                "category": {
                    "index": {c: i for i, c in enumerate(contents)},
                    "label": {c: f"Nøkkeltall {c} (kr)" for c in contents},
                    "unit": {c: {"base": "kr", "decimals": 0} for c in contents},
                },
            },
            "Tid": {
                "label": "år",
                "category": {
                    "index": {c: i for i, c in enumerate(years)},
                    "label": {c: c for c in years},
                },
            },
        },
        "extension": {"px": {"tableid": "12134", "decimals": 0, "language": "no"}},
        "value": values,
        "status": status,
    }
    return orjson.dumps(doc)


def _best(fn, n: int) -> float:
    best = float("inf")
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def run() -> list[dict]:
    from gevinst.sources.jsonstat import read_jsonstat

    out_dir = ROOT / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    data = make_response()
    path = out_dir / "synthetic_12134_v2_jsonstat.json"
    path.write_bytes(data)
    df = read_jsonstat(data)
    cells = df.height
    assert cells >= 1_000_000, cells
    assert df["value"].null_count() > 0 and (df["status"] != "").sum() > 0

    t_floor = _best(lambda: orjson.loads(data), N_FAST)
    t_ours = _best(lambda: read_jsonstat(data), N_FAST)
    rows = [
        {
            "name": "orjson.loads (gulv)",
            "baseline": "-",
            "seconds": t_floor,
            "baseline_seconds": None,
            "ratio": None,
            "note": f"syntetisk 12134-formet JSON-stat, {cells} celler, {len(data) / 1e6:.1f} MB",
        },
        {
            "name": "gevinst read_jsonstat vs orjson.loads",
            "baseline": "orjson.loads",
            "seconds": t_ours,
            "baseline_seconds": t_floor,
            "ratio": t_ours / t_floor,
            "note": "forhold til gulvet (mål <= 1.5)",
        },
    ]
    try:
        from pyjstat import pyjstat
    except ImportError:  # pragma: no cover
        rows.append(
            {
                "name": "gevinst read_jsonstat vs pyjstat",
                "baseline": "pyjstat",
                "seconds": t_ours,
                "baseline_seconds": None,
                "ratio": None,
                "note": "pyjstat ikke installert (pip install -e '.[bench]')",
            }
        )
        return rows
    text = data.decode("utf-8")
    t_pyj = _best(lambda: pyjstat.Dataset.read(text).write("dataframe"), N_SLOW)
    rows.append(
        {
            "name": "gevinst read_jsonstat vs pyjstat",
            "baseline": "pyjstat.Dataset.read().write('dataframe')",
            "seconds": t_ours,
            "baseline_seconds": t_pyj,
            "ratio": t_pyj / t_ours,
            "note": "ganger raskere enn pyjstat (mål >= 20)",
        }
    )
    return rows


if __name__ == "__main__":  # pragma: no cover
    for r in run():
        print(r)
