"""Small helpers shared by the Excel exporters (openpyxl)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def append_row(ws, values: Sequence[Any], formats: Mapping[int, str] | None = None) -> None:
    """Append ``values`` as the next row of ``ws``, with number formats on the given columns
    (1-based column → Excel format, e.g. ``{4: "#,##0.0"}``; Norwegian Excel shows ``1 234,5``).

    The formats are set on the cells before they are appended. Looking the row up afterwards
    with ``ws.max_row`` scans every cell of the sheet, which made long sheets quadratic
    (bench/bench_excel.py: 63 % of the time for a 26 000-cell workbook).
    """
    if not formats:
        ws.append(list(values))
        return
    from openpyxl.cell.cell import Cell

    row = []
    for column, value in enumerate(values, start=1):
        fmt = formats.get(column)
        if fmt:
            cell = Cell(ws, value=value)
            cell.number_format = fmt
            row.append(cell)
        else:
            row.append(value)
    ws.append(row)


def protect_text(wb) -> None:
    """Text that a spreadsheet would evaluate becomes a text cell with Excel's quote prefix.

    The one guard of every workbook the exporters write (call it just before saving): text
    from data that starts with ``=``, ``+``, ``-``, ``@``, tab or CR («- færre reiser»,
    «=SUM(A1)») is stored as text with the quote prefix — how Excel itself stores a typed leading
    apostrophe — so it shows exactly as written and is never run as a formula, also not when
    someone edits the cell. (CSV has no cell types: there
    :func:`~gevinst.reports.baseline_export.safe_text` puts a ``'`` in front instead.)
    """
    from gevinst.reports.baseline_export import FORMULA_PREFIXES

    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
                    cell.data_type = "s"  # openpyxl takes a str starting with = for a formula
                    cell.quotePrefix = True
