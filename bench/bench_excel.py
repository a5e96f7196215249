"""Excel workbooks: the real exporters in ``gevinst.reports.*_export.to_xlsx`` against the library floor.

Input: the bundled data (``gevinst.store.bundled_load.load_all``, what ``gevinst setup`` loads),
migrated and loaded into a throwaway SQLite database in a temp dir. The results are computed
once, outside the timing: the baseline (nullpunktsmåling) of Lørenskog (3222) for 2025 with the
whole catalogue, the same for Akershus fylkeskommune (32), and Lørenskog's financial health,
economic room per service (handlingsrom) and perspective analysis (to 2036).

Timed (best of N, ``time.perf_counter``): only ``to_xlsx(result, BytesIO())``, which includes the
exporter's own row building (``flat_rows`` and the like) and its styling. Floor: openpyxl writing
the very same cell values (read back from our workbook: same sheets, rows and values) with no
styling, column widths or freeze panes; for the baseline workbook also xlsxwriter. ratio = gevinst
÷ floor: what our formatting and row building cost above what the library costs anyway.

Scale: there is no bigger real workbook (one region per workbook; the whole catalogue is the
largest), so the growth check is SYNTHETIC: the Lørenskog result with every indicator copied 10×
under new ids. Its ratio is against the real 1× time in the same run (linear = 10).

Before timing, every workbook is opened with openpyxl and must have the expected sheets and a
number with a number format, so a broken exporter fails the benchmark.

Django is set up in a child process (this file with ``--child``): ``make bench`` runs every
module in one process, and an earlier module may already have configured Django against the
developer's database.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

REGION, YEAR, COUNTY, SCALE = "3222", 2025, "32", 10
N, N_SCALE = 7, 2


def _best(fn, n: int) -> float:
    """The best of ``n`` single calls, timed by ``time.perf_counter`` (timeit's timer) with the GC left on."""
    return min(timeit.repeat(fn, "import gc; gc.enable()", repeat=n, number=1))


# ------------------------------------------------------------------ checks and floors
def written(exporter, result) -> bytes:
    buf = io.BytesIO()
    exporter.to_xlsx(result, buf)
    return buf.getvalue()


def check(data: bytes, sheets: list[str]) -> dict[str, list[list]]:
    """Open the workbook: the expected sheets, and a number with a number format. Returns its cell values."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == sheets, (wb.sheetnames, sheets)
    formatted = [c for ws in wb for row in ws.iter_rows() for c in row
                 if isinstance(c.value, (int, float)) and not isinstance(c.value, bool) and c.number_format != "General"]
    assert formatted, "no number with a number format"
    cells = {}
    for ws in wb:
        rows = []
        for row in ws.iter_rows(values_only=True):
            row = list(row)
            while row and row[-1] is None:
                row.pop()
            rows.append(row)
        cells[ws.title] = rows
    return cells


def n_cells(cells: dict[str, list[list]]) -> int:
    return sum(v is not None for rows in cells.values() for row in rows for v in row)


def openpyxl_floor(cells: dict[str, list[list]]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in cells.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(io.BytesIO())


def xlsxwriter_floor(cells: dict[str, list[list]]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    for title, rows in cells.items():
        ws = wb.add_worksheet(title)
        for i, row in enumerate(rows):
            ws.write_row(i, 0, row)
    wb.close()


# ------------------------------------------------------------------ inputs
def setup_database() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from gevinst.store.bundled_load import load_all

    load_all()


def replicated(result, k: int):
    """SYNTHETIC: ``result`` with every indicator copied ``k`` times under new ids (same areas)."""
    import dataclasses

    import polars as pl

    def rep(df, col, name=None):
        if df is None:
            return None
        copies = []
        for i in range(k):
            tag = pl.lit(f" #{i}" if i else "")
            f = df.with_columns(pl.col(col) + tag)
            copies.append(f.with_columns(pl.col(name) + tag) if name else f)
        return pl.concat(copies)

    return dataclasses.replace(result, rows=rep(result.rows, "indicator"), indicators=rep(result.indicators, "id", "name"),
                               stats=rep(result.stats, "indicator"), aggregates=rep(result.aggregates, "indicator"))


def baseline_sheets(result) -> list[str]:
    from gevinst.reports.baseline_export import flat_rows, safe_sheet_title

    areas = dict.fromkeys(r["area"] for r in flat_rows(result))
    return [safe_sheet_title(a or "uten område") for a in areas] + ["Kilder", "Bærekraftsmål"]


def child_rows() -> list[dict]:
    t0 = time.perf_counter()
    setup_database()
    from gevinst.baselines.service import compute_baseline
    from gevinst.cycle.service import potential_year
    from gevinst.economy.finance import compute_finance
    from gevinst.economy.potential import compute_potential
    from gevinst.economy.projection import compute_projection
    from gevinst.reports import baseline_export, finance_export, potential_export, projection_export

    base = compute_baseline(REGION, YEAR)
    county = compute_baseline(COUNTY, YEAR)
    cases = [
        (f"baseline workbook, {REGION} {base.region_name} {YEAR}, {base.rows.height} indicators", baseline_export,
         base, baseline_sheets(base)),
        (f"baseline workbook, county {COUNTY} {county.region_name} {YEAR}, {county.rows.height} indicators",
         baseline_export, county, baseline_sheets(county)),
        (f"finance workbook, {REGION}", finance_export, compute_finance(REGION),
         ["Nøkkeltall", "ROBEK", "Realvekst", "Kilder"]),
        (f"potential (handlingsrom) workbook, {REGION} {potential_year()}", potential_export,
         compute_potential(REGION, potential_year(), "country"), ["Handlingsrom", "Forutsetninger", "Kilder"]),
        (f"projection workbook, {REGION} to 2036", projection_export, compute_projection(REGION, [2036]),
         ["Perspektiv", "År", "Enhetskostnader", "Kilder"]),
    ]
    big = replicated(base, SCALE)
    big_cells = check(written(baseline_export, big), baseline_sheets(big))
    setup_s = time.perf_counter() - t0

    rows, first_seconds = [], None
    for name, exporter, result, sheets in cases:
        cells = check(written(exporter, result), sheets)
        seconds = _best(lambda e=exporter, r=result: e.to_xlsx(r, io.BytesIO()), N)
        floor = _best(lambda c=cells: openpyxl_floor(c), N)
        shape = f"{len(cells)} sheets, {sum(map(len, cells.values()))} rows, {n_cells(cells)} cells"
        rows.append({"name": name, "baseline": "openpyxl, same cells, no styling (floor)", "seconds": seconds,
                     "baseline_seconds": floor, "ratio": seconds / floor,
                     "note": f"{shape}; best of {N}; ratio = gevinst ÷ floor"})
        if first_seconds is None:  # the Lørenskog baseline workbook: also against xlsxwriter
            first_seconds = seconds
            xw = _best(lambda c=cells: xlsxwriter_floor(c), N)
            rows.append({"name": name, "baseline": "xlsxwriter, same cells, no styling", "seconds": seconds,
                         "baseline_seconds": xw, "ratio": seconds / xw,
                         "note": f"{shape}; best of {N}; ratio = gevinst ÷ xlsxwriter"})
    big_s = _best(lambda: baseline_export.to_xlsx(big, io.BytesIO()), N_SCALE)
    big_floor = _best(lambda: openpyxl_floor(big_cells), N_SCALE)
    rows.append({"name": f"baseline workbook, {SCALE}× the indicators (SYNTHETIC copies)",
                 "baseline": "same exporter, the real 1× result", "seconds": big_s, "baseline_seconds": first_seconds,
                 "ratio": big_s / first_seconds,
                 "note": f"{len(big_cells)} sheets, {n_cells(big_cells)} cells; ratio = {SCALE}× ÷ 1× (linear = {SCALE}); "
                         f"openpyxl floor at {SCALE}×: {big_floor:.4f} s ({big_s / big_floor:.2f}× the floor); "
                         f"best of {N_SCALE}; setup (migrate, load, compute) {setup_s:.1f} s"})
    return rows


# ------------------------------------------------------------------ entry points
def run() -> list[dict]:
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="gevinst-bench-excel-") as tmp:
        env = dict(os.environ, GEVINST_DATA_DIR=tmp, DATABASE_URL=f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
                   GEVINST_CACHE="off", GEVINST_PRODUCTION="", GEVINST_LOG_LEVEL="WARNING",
                   DJANGO_SETTINGS_MODULE="gevinst.web.settings")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root / "src"), env.get("PYTHONPATH")]))
        proc = subprocess.run([sys.executable, __file__, "--child"], check=False, env=env, cwd=tmp, capture_output=True,
                              text=True, timeout=300)
    if proc.returncode:
        raise RuntimeError(f"bench_excel child failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        print(json.dumps(child_rows(), ensure_ascii=False))
    else:
        for row in run():
            print(row)
