"""A short run of the load test (``bench/load.py``): 50 readers and 10 editors for a few seconds
against ``gevinst serve --production`` on a fresh PostgreSQL database (skipped without one) and
against the embedded mode (``gevinst run``, SQLite).

Asserted: zero errors and zero lost edits (every acknowledged measurement is stored with its
value). The latency targets (page p95 ≤ 100 ms and ≤ 3× a static file) are reported, not
asserted: 4 s on a machine shared with other test runs say little about either. The README
(«Last og robusthet») has 30 s runs on an idle machine, with think time (p95 ≤ 100 ms met) and
without (a saturation test; p95 ≤ 100 ms not met on 2 cores).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.server]

ROOT = Path(__file__).resolve().parent.parent


def _load_module():
    spec = importlib.util.spec_from_file_location("gevinst_bench_load", ROOT / "bench" / "load.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _postgres_available(url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=3).close()
        return True
    except psycopg.OperationalError:
        return False


@pytest.mark.parametrize("mode", ["postgres", "sqlite"])
def test_short_load_run_has_no_errors_and_loses_no_edits(mode):
    import os

    load = _load_module()
    pg = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    if mode == "postgres" and not pg.startswith("postgres"):
        pg = "postgres://postgres@127.0.0.1:5432/postgres"
    if mode == "postgres" and not _postgres_available(load._dbname(pg, "postgres")):
        if os.environ.get("DATABASE_URL", "").startswith("postgres"):
            pytest.fail("DATABASE_URL is set but PostgreSQL does not answer")
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    report = load.run(mode, readers=50, editors=10, duration=4.0, workers=2, pg=pg)
    load.print_report(report)
    assert report["errors"] == 0, report["error_samples"]
    # the run must have exercised edits (how many fit in 4 s depends on the machine)
    assert report["edits_acknowledged"] >= 1
    assert report["edits_lost"] == 0
    assert report["edits_stored"] == report["edits_acknowledged"]
    for kind in ("region", "baseline", "static", "edit_post"):
        assert report["latency"][kind]["n"] > 0
