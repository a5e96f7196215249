"""File downloads of a page's result (Excel, CSV, JSON, PowerPoint, PDF): one way for every page.

Every export module in :mod:`gevinst.reports` has ``to_csv(result) -> str``,
``to_json(result) -> str`` and ``to_xlsx(result, path)``; the A3 writers have
``to_pptx(doc, path)`` and ``to_pdf(doc, path)``. :func:`download` turns one of
them into an attachment.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.http import HttpResponse

#: The formats of a page's result (every export module writes these three).
EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
#: Documents (the A3 sheets).
DOCUMENT_TYPES = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}
CONTENT_TYPES = {**EXPORT_TYPES, **DOCUMENT_TYPES}
#: Formats written to a file (the rest return text).
FILE_FORMATS = ("xlsx", "pptx", "pdf")


def download(result, exporter, stem: str, fmt: str) -> HttpResponse:
    """``result`` written by ``exporter`` as ``{stem}.{fmt}`` (``fmt`` in :data:`CONTENT_TYPES`)."""
    if fmt in FILE_FORMATS:
        with tempfile.TemporaryDirectory(prefix="gevinst-") as tmp:
            path = Path(tmp) / f"{stem}.{fmt}"
            getattr(exporter, f"to_{fmt}")(result, path)
            body = path.read_bytes()
    elif fmt == "csv":
        body = exporter.to_csv(result).encode("utf-8")
    else:
        body = exporter.to_json(result).encode("utf-8")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
