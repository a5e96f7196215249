"""Command-line output of a result: text, JSON, CSV or Excel, to the terminal or a file.

The commands ``baseline``, ``finance``, ``potential`` and ``projection`` all
write their result the same way through :func:`write_result`; each export
module provides ``to_text``, ``to_json``, ``to_csv`` and ``to_xlsx``.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def write_result(result, exporter, fmt: str, out: str | None, stdout) -> None:
    """Write ``result`` in ``fmt`` (text|json|csv|xlsx) to ``out`` or ``stdout`` (Excel needs ``out``)."""
    if fmt == "xlsx":
        if not out:
            raise CommandError(_("Excel-formatet trenger --out FIL.xlsx."))
        exporter.to_xlsx(result, out)
        stdout.write(_("Skrev %(f)s") % {"f": out})
        return
    text = {"json": exporter.to_json, "csv": exporter.to_csv, "text": exporter.to_text}[fmt](result)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        stdout.write(_("Skrev %(f)s") % {"f": out})
    else:
        stdout.write(text.rstrip("\n"))
