"""Scaling of the national baseline: 1×, 10× and 100× the input of ``bench_baseline``.

The 1× input is ``bench_baseline.build_input()`` (372 regions × the indicator catalogue ×
10 years). 10× and 100× repeat the indicator set with new ids (``<id>#k``) and values
scaled by ``1 + k/1000`` (**SYNTHETIC** copies in the real shape; same regions, years and
peer groups). Only ``gevinst.core.national.national_peer_statistics`` is timed (best of 3 at
1× and 10×, one run at 100×); the baseline of each row is the 1× time of the same run, so
``ratio`` is the cost growth (linear scaling gives 10 and 100).

100× in one call needs more memory than the 24 GB machine has (≈ 133 M output rows; the
process was killed at 24 GB on 2026-12-04). The statistics of one indicator never depend on
another's, so at 100× the indicators are processed in ``CHUNK`` slices of 10× each (the way a
national run at that size has to be done): each slice's input is made, its statistics
computed and counted, then both are dropped; the row reports the sum of the slices'
compute times and the total output rows. ``GEVINST_BENCH_MAX_SCALE`` (default 100) caps the
largest factor, e.g. ``GEVINST_BENCH_MAX_SCALE=10 make bench`` for a quicker run.
"""

from __future__ import annotations

import gc
import importlib.util
import os
import time
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent


def _baseline_module():
    spec = importlib.util.spec_from_file_location("gevinst_bench.bench_baseline_for_scaling", HERE / "bench_baseline.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


#: At 100×, the copies are processed this many at a time (10× per slice).
CHUNK = 10


def copies(values: pl.DataFrame, indicators: pl.DataFrame, ks: range) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Copies ``k`` in ``ks`` of the input (copy 0 is the real-shaped input itself)."""
    idcol = "indicator" if "indicator" in indicators.columns else "id"
    vals = [values if k == 0 else
            values.with_columns((pl.col("indicator") + f"#{k}").alias("indicator"),
                                (pl.col("value") * (1 + k / 1000)).alias("value"))
            for k in ks]
    inds = [indicators if k == 0 else indicators.with_columns((pl.col(idcol) + f"#{k}").alias(idcol))
            for k in ks]
    return pl.concat(vals), pl.concat(inds)


def scaled(values: pl.DataFrame, indicators: pl.DataFrame, factor: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    return (values, indicators) if factor == 1 else copies(values, indicators, range(factor))


def _timed(values, indicators, memberships, repeat: int) -> tuple[float, int]:
    from gevinst.core.national import national_peer_statistics

    gc.collect()
    best, n_out = float("inf"), 0
    for _ in range(repeat):
        t = time.perf_counter()
        out = national_peer_statistics(values, indicators, memberships)
        best = min(best, time.perf_counter() - t)
        n_out = out.height
        del out
        gc.collect()
    return best, n_out


def run() -> list[dict]:
    base = _baseline_module()
    values, indicators, memberships, _info = base.build_input()
    max_scale = int(os.environ.get("GEVINST_BENCH_MAX_SCALE", "100"))
    rows, t1 = [], None
    for factor in (1, 10, 100):
        if factor > max_scale:
            break
        if factor <= CHUNK:
            v, i = scaled(values, indicators, factor)
            seconds, n_out = _timed(v, i, memberships, repeat=3)
            cells = v.height
            del v, i
            how = "real shape, as bench_baseline" if factor == 1 else f"{factor - 1}/{factor} SYNTETISKE kopier av indikatorene"
        else:
            seconds, n_out, cells = 0.0, 0, 0
            for start in range(0, factor, CHUNK):
                v, i = copies(values, indicators, range(start, start + CHUNK))
                part, n = _timed(v, i, memberships, repeat=1)
                seconds, n_out, cells = seconds + part, n_out + n, cells + v.height
                del v, i
            how = (f"{factor - 1}/{factor} SYNTETISKE kopier; {factor // CHUNK} skiver à {CHUNK}× indikatorer "
                   "(alt i ett kall trenger > 24 GB), sum av skivenes tid")
        t1 = t1 or seconds
        rows.append({
            "name": f"national_peer_statistics {factor}× ({cells} cells)",
            "baseline": "same at 1× (this run)", "seconds": seconds, "baseline_seconds": t1,
            "ratio": seconds / t1, "note": f"{n_out} rows out; {how}",
        })
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)
