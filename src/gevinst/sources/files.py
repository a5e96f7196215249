"""Import of files users download from SSB StatBank ("Lagre som" CSV / Excel).

``read_statbank_file(path)`` reads a StatBank CSV (``;`` or ``,``, UTF-8 with or without
BOM, ISO-8859-1/cp1252, CRLF) or ``.xlsx`` in long form (a time column and one value
column) or wide form (one column per year/period) and returns the store's observation
columns (same as :func:`gevinst.sources.jsonstat.to_observations`):
``variable, region, year, period, value, status, unit, label``.

``read_long_csv(path)`` reads gevinst's own long format
(``variable,region,year,value`` plus optional ``status,unit,period,label``).

Every problem raises :class:`~gevinst.errors.DataFormatError` with a bokmål message that
names the line (and column) in the file.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import polars as pl

from gevinst.errors import DataFormatError

__all__ = ["read_statbank_file", "read_long_csv", "decode_text", "STORE_COLUMNS", "KNOWN_UNITS"]

STORE_COLUMNS = ["variable", "region", "year", "period", "value", "status", "unit", "label"]

#: Missing-value symbols used by SSB. ``-`` means "nil" (value 0); the others carry no value.
MISSING = {"..": None, ".": None, ":": None, "…": None}
NIL = "-"

#: Units recognised in a trailing parenthesis of a content label, or in a unit column.
KNOWN_UNITS = {
    "kr": "kr",
    "kroner": "kr",
    "1000 kr": "1000 kr",
    "1 000 kr": "1000 kr",
    "mill. kr": "mill. kr",
    "prosent": "prosent",
    "%": "prosent",
    "promille": "promille",
    "antall": "antall",
    "personer": "personer",
    "indeks": "indeks",
    "år": "år",
    "kvm": "kvm",
    "timer": "timer",
    "årsverk": "årsverk",
    "dager": "dager",
    "": "",
}
_UNITISH = re.compile(r"\d|\bkr\b|%|prosent|promille|kroner|antall|\bper\b", re.IGNORECASE)

_TITLE_RE = re.compile(r"^\s*(\d{5})\s*:")
_TIME_RE = re.compile(r"^(\d{4})(?:([KMHU])(\d{1,2}))?$")
_TIME_SUFFIX_RE = re.compile(r"^(.*?)\s*(\d{4}(?:[KMHU]\d{1,2})?)$")
_REGION_RE = re.compile(r"^(?:[KFB]-)?([0-9A-Z]{2,8})(?:\s+(.*))?$")
#: Refuse workbooks whose first sheet spans more cells than this (StatBank downloads are far smaller).
MAX_XLSX_CELLS = 2_000_000
_MOJIBAKE = re.compile(r"Ã[\u0080-\u00bf]|Ã¸|Ã¥|Ã¦|Ã˜|Ã…|Ã†|â€")


def _err(msg_nb: str, log_en: str) -> DataFormatError:
    return DataFormatError(msg_nb, log_en)


# ----------------------------------------------------------------------------- decoding


def decode_text(raw: bytes, name: str = "filen") -> str:
    """Decode strictly: UTF-8 (BOM aware), else cp1252/ISO-8859-1; reject mojibake/U+FFFD."""
    if not raw.strip(b"\xef\xbb\xbf \r\n\t"):
        raise _err(f"{name} er tom.", "empty file")
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            text = raw[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _err(
                f"{name} starter som UTF-8, men inneholder ugyldige tegn (byte {exc.start}).",
                f"invalid utf-8 after BOM at {exc.start}",
            ) from None
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
    for lineno, line in enumerate(text.splitlines(), start=1):
        m = _MOJIBAKE.search(line)
        if m:
            raise _err(
                f"Filen ser ut til å ha feil tegnkoding: fant «{m.group(0)}» på linje {lineno} "
                "(ø/å/æ som er lagret feil). Last ned filen på nytt fra Statistikkbanken, "
                "eller lagre den som UTF-8.",
                f"mojibake {m.group(0)!r} at line {lineno}",
            )
        if "\ufffd" in line:
            raise _err(
                f"Filen inneholder ugyldige tegn (�) på linje {lineno}; tegnkodingen er "
                "ødelagt. Last ned filen på nytt.",
                f"U+FFFD at line {lineno}",
            )
    return text


def _rows_from_csv(text: str) -> list[tuple[int, list[str]]]:
    lines = text.splitlines()
    # The separator is whichever of ; and , the header-ish lines use most.
    sample = "\n".join(lines[:5])
    sep = ";" if sample.count(";") >= sample.count(",") and ";" in sample else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, quotechar='"', strict=True)
    rows = []
    try:
        for row in reader:
            rows.append((reader.line_num, [c.strip() for c in row]))
    except csv.Error as exc:
        raise _err(
            f"CSV-filen kan ikke leses rundt linje {reader.line_num}: {exc}.",
            f"csv error at line {reader.line_num}: {exc}",
        ) from None
    return rows


def _rows_from_xlsx(path: Path) -> list[tuple[int, list[Any]]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip/xml errors of a broken workbook
        raise _err(
            f"Excel-filen {path.name} kan ikke åpnes (skadet eller ikke .xlsx).",
            f"cannot open xlsx {path}: {exc!r}",
        ) from None
    ws = wb.worksheets[0]
    # A sheet can declare (or reach with one far-away cell) a dimension of 16 384 × 1 048 576
    # cells that openpyxl would pad row by row: refuse before reading.
    declared = (ws.max_row or 0) * (ws.max_column or 0)
    if declared > MAX_XLSX_CELLS:
        wb.close()
        raise _err(
            f"Excel-filen {path.name} er for stor: arket dekker {ws.max_row} rader × {ws.max_column} "
            f"kolonner (grensen er {MAX_XLSX_CELLS:,} celler).".replace(",", " "),
            f"xlsx dimension {ws.max_row}x{ws.max_column} over limit",
        )
    rows = []
    for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if i * max(len(row), 1) > MAX_XLSX_CELLS:
            wb.close()
            raise _err(f"Excel-filen {path.name} er for stor (over {MAX_XLSX_CELLS:,} celler).".replace(",", " "),
                       "xlsx too many cells")
        cells = ["" if c is None else (c.strip() if isinstance(c, str) else c) for c in row]
        while cells and cells[-1] == "":
            cells.pop()
        rows.append((i, cells))
    wb.close()
    return rows


# ----------------------------------------------------------------------------- cells


def _parse_value(cell: Any, lineno: int, col: str) -> tuple[float | None, str]:
    if isinstance(cell, bool):
        raise _err(
            f"Verdien i kolonnen «{col}» på linje {lineno} er ikke et tall.",
            f"bool value at line {lineno}",
        )
    if isinstance(cell, (int, float)):
        return float(cell), ""
    s = str(cell).strip()
    if s in MISSING:
        return None, s
    if s == "":
        return None, ".."
    if s == NIL:
        return 0.0, NIL
    t = s.replace("\u00a0", "").replace(" ", "")
    if "," in t:
        t = t.replace(".", "").replace(",", ".") if "." in t else t.replace(",", ".")
    try:
        return float(t), ""
    except ValueError:
        raise _err(
            f"Verdien «{s}» i kolonnen «{col}» på linje {lineno} er ikke et tall.",
            f"non-numeric value {s!r} at line {lineno} col {col}",
        ) from None


def _parse_region(cell: Any, lineno: int) -> str:
    s = str(cell).strip()
    m = _REGION_RE.match(s)
    if not m or not any(ch.isdigit() for ch in m.group(1)) and not m.group(1).startswith("EA"):
        raise _err(
            f"Fant ingen regionkode i «{s}» på linje {lineno} (forventet f.eks. "
            "«3222 Lørenskog» eller «K-3222 Lørenskog»).",
            f"no region code in {s!r} at line {lineno}",
        )
    return m.group(1)


def _parse_time(s: str, lineno: int, col: str) -> tuple[int, str]:
    m = _TIME_RE.match(str(s).strip())
    if not m:
        raise _err(
            f"«{s}» i kolonnen «{col}» på linje {lineno} er ikke et år eller en periode "
            "(forventet f.eks. 2024 eller 2024K1).",
            f"bad time {s!r} at line {lineno}",
        )
    return int(m.group(1)), (m.group(2) + m.group(3)) if m.group(2) else ""


def _unit_and_label(content: str, lineno: int) -> tuple[str, str]:
    m = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", content)
    if not m:
        return "", content
    inner = m.group(2).strip()
    key = inner.lower()
    if key in KNOWN_UNITS:
        return KNOWN_UNITS[key], content
    if _UNITISH.search(inner):
        raise _err(
            f"Ukjent enhet «{inner}» i «{content}» på linje {lineno}. Kjente enheter: "
            + ", ".join(sorted(k for k in KNOWN_UNITS if k)) + ".",
            f"unknown unit {inner!r} at line {lineno}",
        )
    return "", content


def _norm(h: Any) -> str:
    return str(h).strip().lower()


def _is_region_header(h: str) -> bool:
    return any(w in h for w in ("region", "kommune", "fylke", "bydel"))


def _is_content_header(h: str) -> bool:
    return h in ("statistikkvariabel", "contents", "contentscode", "statistikkvariabler")


def _is_time_header(h: str) -> bool:
    return h in ("år", "aar", "tid", "kvartal", "måned", "year", "periode")


# ----------------------------------------------------------------------------- public


def read_statbank_file(
    path: str | Path,
    *,
    variable: str | None = None,
    table_id: str | None = None,
) -> pl.DataFrame:
    """Read a StatBank CSV/XLSX download into observation rows.

    ``variable`` overrides the variable id for every row (useful when the file has no
    title line or no content column). The table id comes from the title line
    (``"12134: ..."``) unless ``table_id`` is given.
    """
    path = Path(path)
    if not path.exists():
        raise _err(f"Fant ikke filen {path}.", f"missing file {path}")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _rows_from_xlsx(path)
    elif path.suffix.lower() == ".xls":
        raise _err(
            "Gamle Excel-filer (.xls) støttes ikke; lagre som .xlsx eller CSV.", "xls file"
        )
    else:
        rows = _rows_from_csv(decode_text(path.read_bytes(), f"Filen {path.name}"))
    rows = [(n, r) for n, r in rows if any(str(c).strip() for c in r)]
    if not rows:
        raise _err(f"Filen {path.name} er tom.", "empty file")

    # Title line: a single non-empty cell, e.g. "12134: Finansielle nøkkeltall ...".
    title = ""
    lineno, first = rows[0]
    if len([c for c in first if str(c).strip()]) == 1 and len(rows) > 1:
        title = str(first[0]).strip()
        rows = rows[1:]
    m = _TITLE_RE.match(title)
    tid = table_id or (m.group(1) if m else None)
    if tid is None and variable is None:
        raise _err(
            f"Fant ikke tabellnummeret: første linje i {path.name} skal være tittelen fra "
            "Statistikkbanken, f.eks. «12134: Finansielle nøkkeltall ...». Angi variabel "
            "eller tabellnummer eksplisitt.",
            "no table id",
        )

    head_line, header = rows[0]
    body = rows[1:]
    hnorm = [_norm(h) for h in header]
    ncol = len(header)
    region_col = next((i for i, h in enumerate(hnorm) if _is_region_header(h)), None)
    if region_col is None:
        raise _err(
            f"Fant ingen regionkolonne i overskriftslinjen (linje {head_line}): "
            f"{', '.join(map(str, header))}. Forventet f.eks. «region».",
            "no region column",
        )
    content_col = next((i for i, h in enumerate(hnorm) if _is_content_header(h)), None)
    unit_col = next((i for i, h in enumerate(hnorm) if h in ("enhet", "unit")), None)
    time_col = next((i for i, h in enumerate(hnorm) if _is_time_header(h)), None)
    used = {region_col, content_col, unit_col, time_col} - {None}

    # Which columns hold values, and the (content prefix, year, period) of each.
    value_cols: list[tuple[int, str, int | None, str]] = []
    if time_col is not None:  # long
        rest = [i for i in range(ncol) if i not in used]
        vcol = next((i for i in rest if hnorm[i] in ("value", "verdi")), rest[-1] if rest else None)
        if vcol is None:
            raise _err(
                f"Fant ingen verdikolonne i overskriftslinjen (linje {head_line}).",
                "no value column",
            )
        value_cols.append((vcol, "" if hnorm[vcol] in ("value", "verdi") else str(header[vcol]), None, ""))
    else:  # wide: headers ending in a year/period
        for i in range(ncol):
            if i in used:
                continue
            mm = _TIME_SUFFIX_RE.match(str(header[i]).strip())
            if mm:
                y, p = _parse_time(mm.group(2), head_line, str(header[i]))
                value_cols.append((i, mm.group(1).strip(), y, p))
        if not value_cols:
            raise _err(
                f"Overskriftslinjen (linje {head_line}) har verken en årskolonne («år») eller "
                f"kolonner for hvert år: {', '.join(map(str, header))}.",
                "no time column(s)",
            )
    vset = {c for c, *_ in value_cols}
    other_cols = sorted(
        (i for i in range(ncol) if i not in used and i not in vset), key=lambda i: hnorm[i]
    )

    out: dict[str, list] = {c: [] for c in STORE_COLUMNS}
    seen: dict[tuple, int] = {}
    for lineno, row in body:
        if len(row) != ncol:
            raise _err(
                f"Linje {lineno} har {len(row)} kolonner, men overskriften har {ncol}.",
                f"line {lineno}: {len(row)} columns != {ncol}",
            )
        region = _parse_region(row[region_col], lineno)
        content = str(row[content_col]).strip() if content_col is not None else ""
        extra = "".join(f"|{header[i]}={row[i]}" for i in other_cols)
        for col, prefix, year, period in value_cols:
            if time_col is not None:
                year, period = _parse_time(row[time_col], lineno, str(header[time_col]))
            label = content or prefix or title
            if unit_col is not None:
                u = _norm(row[unit_col])
                if u not in KNOWN_UNITS:
                    raise _err(
                        f"Ukjent enhet «{row[unit_col]}» på linje {lineno}.",
                        f"unknown unit {row[unit_col]!r} at line {lineno}",
                    )
                unit = KNOWN_UNITS[u]
            else:
                unit, _ = _unit_and_label(label, lineno)
            var = variable or f"{tid}:{content or prefix or 'verdi'}{extra}"
            val, status = _parse_value(row[col], lineno, str(header[col]))
            key = (region, year, period, var)
            if key in seen:
                raise _err(
                    f"Linje {lineno} gjentar region {region}, år {year}{period} og variabel "
                    f"«{var}» fra linje {seen[key]}.",
                    f"duplicate {key} at lines {seen[key]} and {lineno}",
                )
            seen[key] = lineno
            out["variable"].append(var)
            out["region"].append(region)
            out["year"].append(year)
            out["period"].append(period)
            out["value"].append(val)
            out["status"].append(status)
            out["unit"].append(unit)
            out["label"].append(label)
    if not out["variable"]:
        raise _err(f"Filen {path.name} har ingen datalinjer etter overskriften.", "no data rows")
    return _frame(out)


def _frame(out: dict[str, list]) -> pl.DataFrame:
    return pl.DataFrame(
        out,
        schema={
            "variable": pl.Utf8,
            "region": pl.Utf8,
            "year": pl.Int32,
            "period": pl.Utf8,
            "value": pl.Float64,
            "status": pl.Utf8,
            "unit": pl.Utf8,
            "label": pl.Utf8,
        },
    )


def read_long_csv(path: str | Path) -> pl.DataFrame:
    """gevinst's long CSV: ``variable,region,year,value`` (+ ``status,unit,period,label``)."""
    path = Path(path)
    if not path.exists():
        raise _err(f"Fant ikke filen {path}.", f"missing file {path}")
    rows = _rows_from_csv(decode_text(path.read_bytes(), f"Filen {path.name}"))
    rows = [(n, r) for n, r in rows if any(c.strip() for c in r)]
    head_line, header = rows[0]
    hnorm = [_norm(h) for h in header]
    missing = [c for c in ("variable", "region", "year", "value") if c not in hnorm]
    if missing:
        raise _err(
            f"Overskriftslinjen (linje {head_line}) mangler kolonnen «{missing[0]}». "
            "Forventet: variable, region, year, value (og eventuelt status, unit, period).",
            f"missing columns {missing}",
        )
    unknown = [h for h in hnorm if h not in STORE_COLUMNS]
    if unknown:
        raise _err(
            f"Ukjent kolonne «{unknown[0]}» i overskriftslinjen (linje {head_line}).",
            f"unknown column {unknown[0]!r}",
        )
    idx = {h: i for i, h in enumerate(hnorm)}
    out: dict[str, list] = {c: [] for c in STORE_COLUMNS}
    seen: dict[tuple, int] = {}
    for lineno, row in rows[1:]:
        if len(row) != len(header):
            raise _err(
                f"Linje {lineno} har {len(row)} kolonner, men overskriften har {len(header)}.",
                f"line {lineno}: column count",
            )
        get = lambda c: row[idx[c]].strip() if c in idx else ""  # noqa: E731
        var, region = get("variable"), get("region")
        if not var or not region:
            raise _err(
                f"Linje {lineno} mangler {'variable' if not var else 'region'}.",
                f"line {lineno}: empty key",
            )
        try:
            year = int(get("year"))
        except ValueError:
            raise _err(
                f"År «{get('year')}» i kolonnen «year» på linje {lineno} er ikke et heltall.",
                f"bad year at line {lineno}",
            ) from None
        val, sym = _parse_value(get("value"), lineno, "value")
        status = get("status") or sym
        unit = get("unit")
        if unit.lower() not in KNOWN_UNITS:
            raise _err(f"Ukjent enhet «{unit}» på linje {lineno}.", f"unknown unit {unit!r}")
        period = get("period")
        key = (region, year, period, var)
        if key in seen:
            raise _err(
                f"Linje {lineno} gjentar region {region}, år {year}{period} og variabel «{var}» "
                f"fra linje {seen[key]}.",
                f"duplicate {key}",
            )
        seen[key] = lineno
        for c, v in zip(STORE_COLUMNS, (var, region, year, period, val, status, unit, get("label"))):
            out[c].append(v)
    if not out["variable"]:
        raise _err(f"Filen {path.name} har ingen datalinjer.", "no data rows")
    return _frame(out)
