"""Files users already have (StatBank CSV/Excel, gevinst's long CSV) into the store."""

from __future__ import annotations

import hashlib
from pathlib import Path

from gevinst.errors import DataFormatError
from gevinst.sources.files import decode_text, read_long_csv, read_statbank_file

from .ingest import Delivery, VariableInfo, store_observations
from .models import Vintage

LONG_HEADER = ("variable", "region", "year", "value")


def _is_long_csv(path: Path) -> bool:
    if path.suffix.lower() not in (".csv", ".txt"):
        return False
    text = decode_text(path.read_bytes()[:4096], path.name) if path.stat().st_size else ""
    first = text.lstrip("\ufeff").splitlines()[0] if text else ""
    cols = [c.strip().strip('"').lower() for c in first.replace(";", ",").split(",")]
    return all(c in cols for c in LONG_HEADER)


def import_file(path: str | Path, *, variable: str | None = None, kind: str = "level") -> tuple[Vintage, bool, int]:
    """Validate and store a file. Returns ``(vintage, created, rows)``; nothing is stored on error."""
    path = Path(path)
    if not path.exists():
        raise DataFormatError(f"Fant ikke filen «{path}».", f"file not found: {path}")
    if path.stat().st_size > 200 * 1024 * 1024:
        raise DataFormatError(f"Filen «{path.name}» er for stor (over 200 MB).", f"file too large: {path}")
    frame = read_long_csv(path) if _is_long_csv(path) else read_statbank_file(path, variable=variable)
    variables = {
        code: VariableInfo(label=label or code, unit=unit or "", kind=kind, source=f"Fil: {path.name}")
        for code, label, unit in frame.select("variable", "label", "unit").unique(subset=["variable"]).iter_rows()
    }
    raw = path.read_bytes()
    table = frame["variable"][0].split(":")[0] if frame.height else ""
    vintage, created = store_observations(
        frame.drop("label", "unit"),
        Delivery(source="file", key=f"file:{path.name}", label=f"Innlest fil {path.name}",
                 table_id=table if table.isdigit() else "", sha256=hashlib.sha256(raw).hexdigest(),
                 publisher="Statistisk sentralbyrå" if table.isdigit() else ""),
        variables,
    )
    return vintage, created, frame.height
