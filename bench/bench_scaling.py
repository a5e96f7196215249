"""Scaling of the national baseline: 1×, 10× and 100× the input of ``bench_baseline``.

The 1× input is ``bench_baseline.build_input()`` (372 regions × the indicator catalogue ×
10 years). 10× and 100× repeat the indicator set with new ids (``<id>#k``) and values
scaled by ``1 + k/1000`` (**SYNTHETIC** copies in the real shape; same regions, years and
peer groups). Only ``gevinst.core.national.national_peer_statistics`` is timed (best of 3 at
1× and 10×, one run at 100×); the baseline of each row is the 1× time of the same run, so
``ratio`` is the cost growth (linear scaling gives 10 and 100). ``GEVINST_BENCH_MAX_SCALE``
(default 10) caps the largest factor: 100× produces ≈ 133 M output rows (≈ 10 GB; opt in
with ``GEVINST_BENCH_MAX_SCALE=100 make bench``).
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


def scaled(values: pl.DataFrame, indicators: pl.DataFrame, factor: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    if factor == 1:
        return values, indicators
    idcol = "indicator" if "indicator" in indicators.columns else "id"
    vals = [values] + [
        values.with_columns((pl.col("indicator") + f"#{k}").alias("indicator"),
                            (pl.col("value") * (1 + k / 1000)).alias("value"))
        for k in range(1, factor)
    ]
    inds = [indicators] + [indicators.with_columns((pl.col(idcol) + f"#{k}").alias(idcol))
                           for k in range(1, factor)]
    return pl.concat(vals), pl.concat(inds)


def run() -> list[dict]:
    from gevinst.core.national import national_peer_statistics

    base = _baseline_module()
    values, indicators, memberships, _info = base.build_input()
    max_scale = int(os.environ.get("GEVINST_BENCH_MAX_SCALE", "10"))
    rows, t1 = [], None
    for factor in (1, 10, 100):
        if factor > max_scale:
            break
        v, i = scaled(values, indicators, factor)
        gc.collect()
        best = float("inf")
        for _ in range(3 if factor < 100 else 1):
            t = time.perf_counter()
            out = national_peer_statistics(v, i, memberships)
            best = min(best, time.perf_counter() - t)
            n_out = out.height
            del out
            gc.collect()
        t1 = t1 or best
        rows.append({
            "name": f"national_peer_statistics {factor}× ({v.height} cells)",
            "baseline": "same at 1× (this run)", "seconds": best, "baseline_seconds": t1,
            "ratio": best / t1,
            "note": f"{n_out} rows out; " + ("real shape, as bench_baseline" if factor == 1 else
                                            f"{factor - 1}/{factor} SYNTETISKE kopier av indikatorene"),
        })
        del v, i
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)
