"""Run every benchmark in ``bench/bench_*.py`` (entry point for ``make bench``).

Each module exposes ``run() -> list[dict]`` with rows of
``name, baseline, seconds, baseline_seconds, ratio, note``. The rows are printed as a
table and written, together with machine info, to ``var/bench/results-<timestamp>.json``
and ``var/bench/latest.json``.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import platform
import sys
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = ROOT / "var" / "bench"

try:
    import gevinst  # noqa: F401
except ImportError:  # pragma: no cover - without an editable install
    sys.path.insert(0, str(ROOT / "src"))


def machine_info() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
    }
    for mod in ("polars", "orjson", "numpy", "pyjstat", "pandas"):
        try:
            m = __import__(mod)
            info[mod] = getattr(m, "__version__", "?")
        except ImportError:
            info[mod] = None
    if info.get("pyjstat") == "?":
        try:
            from importlib.metadata import version

            info["pyjstat"] = version("pyjstat")
        except Exception:  # noqa: BLE001
            pass
    return info


def discover() -> list[Path]:
    return sorted(HERE.glob("bench_*.py"))


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"gevinst_bench.{path.stem}", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _fmt(v, digits=4) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def print_table(rows: list[dict]) -> None:
    cols = ["module", "name", "seconds", "baseline", "baseline_seconds", "ratio", "note"]
    cells = [[_fmt(r.get(c), 2 if c == "ratio" else 4) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    line = "  ".join(c.ljust(w) for c, w in zip(cols, widths))
    print(line)
    print("-" * len(line))
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths)))


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []
    failed = False
    for path in discover():
        print(f"== {path.name}", flush=True)
        try:
            for row in _load(path).run():
                rows.append({"module": path.stem, **row})
        except Exception:  # noqa: BLE001 - report and continue with the other benchmarks
            failed = True
            traceback.print_exc()
            rows.append({"module": path.stem, "name": "FEILET", "note": "se feilmelding over"})
    print()
    print_table(rows)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    result = {"timestamp": stamp, "machine": machine_info(), "results": rows}
    text = json.dumps(result, indent=2, ensure_ascii=False)
    (OUT / f"results-{stamp}.json").write_text(text, encoding="utf-8")
    (OUT / "latest.json").write_text(text, encoding="utf-8")
    print(f"\nMaskin: {result['machine']}")
    print(f"Skrev {OUT / f'results-{stamp}.json'} og {OUT / 'latest.json'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
