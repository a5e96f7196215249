"""Command-line output of a result: text, JSON, CSV or Excel, to the terminal or a file.

The commands ``baseline``, ``finance``, ``potential`` and ``projection`` all
write their result the same way through :func:`write_result`; each export
module provides ``to_text``, ``to_json``, ``to_csv`` and ``to_xlsx``.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

FORMATS = ["text", "json", "csv", "xlsx"]


def add_output_arguments(parser) -> None:
    """The ``--format`` and ``--out`` options every result command shares (a public interface)."""
    parser.add_argument("--format", choices=FORMATS, default="text", help=_("utdataformat"))
    parser.add_argument("--out", help=_("fil å skrive til (påkrevd for xlsx)"))


def check_output(fmt: str, out: str | None) -> None:
    """Refuse Excel to the terminal before any work is done."""
    if fmt == "xlsx" and not out:
        raise CommandError(_("Excel-formatet trenger --out FIL.xlsx."))


def write_result(result, exporter, fmt: str, out: str | None, stdout) -> None:
    """Write ``result`` in ``fmt`` (text|json|csv|xlsx) to ``out`` or ``stdout`` (Excel needs ``out``)."""
    check_output(fmt, out)
    if fmt == "xlsx":
        exporter.to_xlsx(result, out)
        stdout.write(_("Skrev %(f)s") % {"f": out})
        return
    text = {"json": exporter.to_json, "csv": exporter.to_csv, "text": exporter.to_text}[fmt](result)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        stdout.write(_("Skrev %(f)s") % {"f": out})
    else:
        stdout.write(text.rstrip("\n"))
