"""JSON-stat 2.0 reader for PxWebApi (SSB StatBank) responses.

``read_jsonstat`` turns a JSON-stat 2.0 *dataset* into a long Polars frame: for each
dimension id a column of category codes and a column ``<id>_label``, then ``value``
(Float64, null where missing) and ``status`` (Utf8, ``""`` when none).

Performance: the response is parsed once with orjson; the code columns are built in
Polars from ``(row // stride) % size`` index expressions and a gather from the (small)
category arrays -- there is no Python loop over cells. Values go straight from the
parsed list into a Float64 Series.

Strictness: everything that does not look like a JSON-stat 2.0 dataset raises
:class:`~gevinst.errors.DataFormatError` with a bokmål message naming the problem.
Known leniency: JSON ``true``/``false`` in a *list* ``value`` are read as 1/0 (checking
for them would cost a Python pass over every cell).
"""

from __future__ import annotations

import io
import math
import re
from typing import Any

import numpy as np
import orjson
import polars as pl

from gevinst.errors import DataFormatError

__all__ = [
    "parse_json",
    "read_jsonstat",
    "read_jsonstat_metadata",
    "to_observations",
    "MAX_CELLS",
]

#: Refuse datasets declaring more cells than this (protects memory for sparse/dict values).
MAX_CELLS = 200_000_000

# SSB ids used when a response has no ``role`` (PxWebApi v1 often omits ``geo``).
_TIME_IDS = ("Tid",)
_METRIC_IDS = ("ContentsCode",)
_GEO_IDS = (
    "Region",
    "KOKkommuneregion0000",
    "KOKfylkesregion0000",
    "KOKbydelsregion0000",
    "Kommune",
    "Fylke",
)
_GEO_PREFIXES = ("KOKkommuneregion", "KOKfylkesregion", "KOKbydelsregion", "Region")

_TIME_RE = re.compile(r"^(\d{4})(?:([A-Z])(\d{1,2}))?$")


def _err(message_nb: str, log_en: str) -> DataFormatError:
    return DataFormatError(message_nb, log_en)


# --------------------------------------------------------------------------- parsing


def parse_json(data: bytes | bytearray | memoryview | str | dict) -> dict:
    """Parse bytes/str with orjson (a dict passes through) and check it is a JSON-stat dataset."""
    if isinstance(data, dict):
        doc = data
    else:
        if isinstance(data, (bytearray, memoryview)):
            data = bytes(data)
        if not isinstance(data, (bytes, str)):
            raise _err(
                f"JSON-stat-data må være tekst eller bytes, ikke {type(data).__name__}.",
                f"jsonstat input of type {type(data).__name__}",
            )
        if len(data) == 0:
            raise _err("JSON-stat-svaret er tomt.", "empty jsonstat input")
        try:
            doc = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            pos = getattr(exc, "pos", None)
            where = (
                f" (linje {exc.lineno}, kolonne {exc.colno})"
                if getattr(exc, "lineno", None)
                else ""
            )
            raise _err(
                f"Svaret er ikke gyldig JSON{where}: filen er avkuttet eller skadet.",
                f"invalid JSON at pos {pos}: {exc}",
            ) from None
    if not isinstance(doc, dict):
        raise _err(
            "JSON-stat-svaret må være et JSON-objekt ({...}), men er "
            f"{_json_type_nb(doc)}.",
            "jsonstat top level is not an object",
        )
    cls = doc.get("class")
    if cls is None:
        if "dataset" in doc or any(
            isinstance(v, dict) and "dimension" in v for v in doc.values()
        ):
            raise _err(
                "Svaret ser ut som JSON-stat versjon 1 (uten «class»). Be om formatet "
                "json-stat2 (outputFormat=json-stat2).",
                "jsonstat 1.x bundle",
            )
        raise _err(
            "Svaret mangler nøkkelen «class» og er ikke et JSON-stat 2.0-datasett.",
            "missing class",
        )
    if cls != "dataset":
        raise _err(
            f"JSON-stat-svaret har «class» = {cls!r}, men bare «dataset» støttes.",
            f"unsupported class {cls!r}",
        )
    version = doc.get("version")
    if version is not None and (not isinstance(version, str) or not version.startswith("2")):
        raise _err(
            f"JSON-stat-versjonen er {version!r}; bare versjon 2.0 støttes.",
            f"unsupported version {version!r}",
        )
    return doc


def _json_type_nb(v: Any) -> str:
    if isinstance(v, list):
        return "en liste"
    if isinstance(v, str):
        return "en tekst"
    if isinstance(v, bool):
        return "en sannhetsverdi"
    if isinstance(v, (int, float)):
        return "et tall"
    if v is None:
        return "null"
    return "et objekt"


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _structure(doc: dict) -> tuple[list[str], list[int], list[tuple[list[str], list[str], dict]]]:
    """Validate ``id``/``size``/``dimension`` and return ids, sizes, (codes, labels, dim)."""
    for key in ("id", "size", "dimension", "value"):
        if key not in doc:
            raise _err(
                f"JSON-stat-datasettet mangler nøkkelen «{key}».",
                f"missing key {key!r}",
            )
    ids = doc["id"]
    sizes = doc["size"]
    dims = doc["dimension"]
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise _err("«id» må være en liste med dimensjonsnavn (tekst).", "bad id")
    if not isinstance(sizes, list) or not all(_is_int(s) and s >= 0 for s in sizes):
        raise _err("«size» må være en liste med ikke-negative heltall.", "bad size")
    if len(ids) != len(sizes):
        raise _err(
            f"«id» har {len(ids)} dimensjoner, men «size» har {len(sizes)} tall.",
            f"len(id)={len(ids)} != len(size)={len(sizes)}",
        )
    if len(set(ids)) != len(ids):
        raise _err("«id» inneholder samme dimensjon flere ganger.", "duplicate dimension id")
    if not ids:
        raise _err("JSON-stat-datasettet har ingen dimensjoner («id» er tom).", "no dimensions")
    if not isinstance(dims, dict):
        raise _err("«dimension» må være et JSON-objekt.", "dimension not an object")
    reserved = {"value", "status"}
    out = []
    for dim_id, size in zip(ids, sizes):
        if dim_id in reserved or dim_id.endswith("_label"):
            raise _err(
                f"Dimensjonsnavnet «{dim_id}» kan ikke brukes (kolliderer med en kolonne).",
                f"reserved dimension id {dim_id!r}",
            )
        if dim_id not in dims:
            raise _err(
                f"Dimensjonen «{dim_id}» står i «id», men mangler under «dimension».",
                f"dimension {dim_id!r} missing",
            )
        dim = dims[dim_id]
        if not isinstance(dim, dict) or not isinstance(dim.get("category"), dict):
            raise _err(
                f"Dimensjonen «{dim_id}» mangler «category».",
                f"dimension {dim_id!r} without category",
            )
        codes, labels = _categories(dim_id, dim["category"])
        if len(codes) != size:
            raise _err(
                f"Dimensjonen «{dim_id}» har {len(codes)} kategorier, men «size» sier {size}.",
                f"dimension {dim_id!r}: {len(codes)} categories != size {size}",
            )
        out.append((codes, labels, dim))
    return ids, sizes, out


def _categories(dim_id: str, cat: dict) -> tuple[list[str], list[str]]:
    index = cat.get("index")
    label = cat.get("label")
    if label is not None and not isinstance(label, dict):
        raise _err(
            f"«label» i dimensjonen «{dim_id}» må være et JSON-objekt.",
            f"{dim_id}: category.label not an object",
        )
    if index is None:
        # Allowed by JSON-stat when there is a single category: take codes from labels.
        if not label:
            raise _err(
                f"Dimensjonen «{dim_id}» mangler både «index» og «label» under «category».",
                f"{dim_id}: no index/label",
            )
        if len(label) != 1:
            raise _err(
                f"Dimensjonen «{dim_id}» mangler «index» og har flere enn én kategori.",
                f"{dim_id}: missing index with {len(label)} labels",
            )
        codes = list(label)
    elif isinstance(index, list):
        if not all(isinstance(c, str) for c in index):
            raise _err(
                f"«index» i dimensjonen «{dim_id}» må bare inneholde koder (tekst).",
                f"{dim_id}: non-string codes",
            )
        if len(set(index)) != len(index):
            raise _err(
                f"«index» i dimensjonen «{dim_id}» inneholder samme kode flere ganger.",
                f"{dim_id}: duplicate codes",
            )
        codes = index
    elif isinstance(index, dict):
        n = len(index)
        codes_arr: list[str | None] = [None] * n
        for code, pos in index.items():
            if not _is_int(pos) or not 0 <= pos < n or codes_arr[pos] is not None:
                raise _err(
                    f"«index» i dimensjonen «{dim_id}» har ugyldig posisjon {pos!r} for "
                    f"koden «{code}» (må være 0–{n - 1}, hver brukt én gang).",
                    f"{dim_id}: bad index position {pos!r} for {code!r}",
                )
            codes_arr[pos] = code
        codes = codes_arr  # type: ignore[assignment]
    else:
        raise _err(
            f"«index» i dimensjonen «{dim_id}» må være en liste eller et JSON-objekt.",
            f"{dim_id}: bad index type",
        )
    if label:
        labels = []
        for c in codes:
            lab = label.get(c, c)
            if not isinstance(lab, str):
                raise _err(
                    f"Etiketten for koden «{c}» i dimensjonen «{dim_id}» må være tekst.",
                    f"{dim_id}: label for {c!r} not a string",
                )
            labels.append(lab)
    else:
        labels = list(codes)
    return codes, labels


# --------------------------------------------------------------------------- fast path

_FAST_MIN_BYTES = 256 * 1024
_SENTINEL = b'"__gevinst_fast_value__"'
_NUM_CHARS = b"0123456789.,eE+-nul"
_WS = b" \t\r\n"


def _fast_split(raw: bytes) -> tuple[dict, pl.Series] | None:
    """Parse a large response without creating a Python object per cell.

    The top-level ``value`` array (a flat list of numbers/null) is cut out of the bytes
    and parsed natively by Polars; the rest of the document is parsed by orjson with a
    sentinel in its place. Returns None (caller falls back to plain orjson) whenever
    anything is unusual -- the sentinel not landing at the top-level ``value`` key,
    characters other than numbers/null/commas, a parse error, a count mismatch.
    """
    pos = len(raw)
    for _ in range(3):  # SSB puts "value" near the end; look at the last few occurrences
        pos = raw.rfind(b'"value"', 0, pos)
        if pos < 0:
            return None
        j = pos + 7
        while j < len(raw) and raw[j] in b" \t\r\n":
            j += 1
        if j >= len(raw) or raw[j] != ord(":"):
            continue
        j += 1
        while j < len(raw) and raw[j] in b" \t\r\n":
            j += 1
        if j >= len(raw) or raw[j] != ord("["):
            continue
        end = raw.find(b"]", j)
        if end < 0:
            return None
        seg = raw[j + 1 : end]
        if len(seg) < _FAST_MIN_BYTES // 2:
            return None
        if seg.translate(None, _NUM_CHARS + _WS):
            return None  # strings, objects, nested lists: let orjson handle it
        if b" " in seg or b"\n" in seg or b"\t" in seg or b"\r" in seg:
            return None  # pretty-printed: the plain orjson path is as fast as cleaning it
        if seg.startswith(b",") or seg.endswith(b","):
            return None
        if b"+" in seg and re.search(rb"(?:^|,)\+", seg):
            return None  # JSON does not allow a leading plus sign
        try:
            doc = orjson.loads(raw[:j] + _SENTINEL + raw[end + 1 :])
        except orjson.JSONDecodeError:
            return None
        if not isinstance(doc, dict) or doc.get("value") != _SENTINEL[1:-1].decode():
            return None
        try:
            # One CSV "line" per JSON array element: eol_char="," avoids a copy.
            values = pl.read_csv(
                seg,
                has_header=False,
                new_columns=["value"],
                schema={"value": pl.Float64},
                null_values=["null"],
                quote_char=None,
                separator=";",
                eol_char=",",
            ).to_series()
        except Exception:  # noqa: BLE001 - any parse problem: fall back to the strict path
            return None
        # Each JSON null has exactly one "n"; an empty element (",,") would be a null too.
        if values.null_count() != seg.count(b"n"):
            return None
        return doc, values
    return None


# --------------------------------------------------------------------------- values


def _values(doc: dict, n: int, fast: pl.Series | None = None) -> pl.Series:
    if fast is not None:
        if fast.len() != n:
            raise _err(
                f"Antall verdier ({fast.len()}) stemmer ikke med «size» "
                f"(produktet av størrelsene er {n}).",
                f"len(value)={fast.len()} != prod(size)={n}",
            )
        return fast
    raw = doc["value"]
    if isinstance(raw, list):
        if len(raw) != n:
            raise _err(
                f"Antall verdier ({len(raw)}) stemmer ikke med «size» "
                f"(produktet av størrelsene er {n}).",
                f"len(value)={len(raw)} != prod(size)={n}",
            )
        try:
            return pl.Series("value", raw, dtype=pl.Float64, strict=True)
        except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
            for i, v in enumerate(raw):
                if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
                    raise _err(
                        f"Verdi nr. {i} i «value» er ikke et tall: {str(v)[:40]!r}.",
                        f"non-numeric value at {i}: {v!r}",
                    ) from None
            raise _err(
                "«value» inneholder tall som ikke kan leses.", "value conversion failed"
            ) from None
    if isinstance(raw, dict):
        _check_cells(n)
        arr = np.full(n, np.nan, dtype=np.float64)
        for key, v in raw.items():
            pos = _sparse_pos(key, n, "value")
            if v is None:
                continue
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise _err(
                    f"Verdien for celle {key} i «value» er ikke et tall: {str(v)[:40]!r}.",
                    f"non-numeric value at {key}: {v!r}",
                )
            fv = float(v)
            if math.isnan(fv):
                continue
            arr[pos] = fv
        return pl.Series("value", arr, nan_to_null=True)
    raise _err(
        "«value» må være en liste eller et JSON-objekt.",
        f"value of type {type(raw).__name__}",
    )


def _check_cells(n: int) -> None:
    if n > MAX_CELLS:
        raise _err(
            f"Datasettet sier at det har {n} celler, som er mer enn grensen på {MAX_CELLS}.",
            f"too many cells {n}",
        )


def _sparse_pos(key: Any, n: int, what: str) -> int:
    try:
        pos = int(key)
    except (TypeError, ValueError):
        pos = -1
    if not (isinstance(key, str) and key.isdigit()) or not 0 <= pos < n:
        raise _err(
            f"Ugyldig celleindeks {key!r} i «{what}» (må være 0–{n - 1}).",
            f"bad sparse index {key!r} in {what}",
        )
    return pos


def _status(doc: dict, n: int) -> pl.Series:
    raw = doc.get("status")
    if raw is None:
        return pl.repeat("", n, dtype=pl.Utf8, eager=True).alias("status")
    if isinstance(raw, str):
        return pl.repeat(raw, n, dtype=pl.Utf8, eager=True).alias("status")
    if isinstance(raw, list):
        if len(raw) != n:
            if len(raw) == 1 and isinstance(raw[0], str):  # one status for all cells
                return pl.repeat(raw[0], n, dtype=pl.Utf8, eager=True).alias("status")
            raise _err(
                f"«status» har {len(raw)} elementer, men datasettet har {n} celler.",
                f"len(status)={len(raw)} != {n}",
            )
        try:
            s = pl.Series("status", raw, dtype=pl.Utf8, strict=True)
        except (TypeError, ValueError, pl.exceptions.PolarsError):
            raise _err(
                "«status» må bare inneholde tekst eller null.", "non-string status"
            ) from None
        return s.fill_null("")
    if isinstance(raw, dict):
        _check_cells(n)
        keys = list(raw.keys())
        if not keys:
            return pl.repeat("", n, dtype=pl.Utf8, eager=True).alias("status")
        try:
            syms = pl.Series("status", list(raw.values()), dtype=pl.Utf8, strict=True)
        except (TypeError, ValueError, pl.exceptions.PolarsError):
            raise _err(
                "«status» må bare inneholde tekst eller null.", "non-string status"
            ) from None
        key_s = pl.Series(keys, dtype=pl.Utf8)
        idx = key_s.cast(pl.UInt64, strict=False)
        bad = idx.is_null() | (idx >= n) | ~key_s.str.contains(r"^[0-9]+$")
        if bad.any():
            first = key_s.filter(bad)[0]
            raise _err(
                f"Ugyldig celleindeks {first!r} i «status» (må være 0–{n - 1}).",
                f"bad sparse index {first!r} in status",
            )
        base = pl.repeat("", n, dtype=pl.Utf8, eager=True).alias("status")
        return base.scatter(idx, syms.fill_null(""))
    raise _err(
        "«status» må være tekst, en liste eller et JSON-objekt.",
        f"status of type {type(raw).__name__}",
    )


# --------------------------------------------------------------------------- public


def read_jsonstat(data: bytes | str | dict) -> pl.DataFrame:
    """Read a JSON-stat 2.0 dataset (PxWebApi v1 or v2) into a long frame.

    Columns: for each dimension id ``<id>`` (codes, Utf8) and ``<id>_label`` (Utf8), in
    ``id`` order; then ``value`` (Float64, null where missing) and ``status`` (Utf8,
    ``""`` when none). Rows are in JSON-stat order (row-major, last dimension fastest).
    """
    fast = None
    if isinstance(data, (str, bytes, bytearray, memoryview)) and len(data) >= _FAST_MIN_BYTES:
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        split = _fast_split(raw)
        if split is not None:
            data, fast = split
    doc = parse_json(data)
    ids, sizes, cats = _structure(doc)
    n = math.prod(sizes)
    values = _values(doc, n, fast)
    status = _status(doc, n)
    if n:
        # Cross join of the (small) per-dimension code/label frames, in id order, is the
        # row-major expansion: last dimension fastest. No Python loop over cells.
        frame: pl.LazyFrame | None = None
        for dim_id, (codes, labels, _dim) in zip(ids, cats):
            part = pl.LazyFrame(
                {
                    dim_id: pl.Series(codes, dtype=pl.Utf8),
                    f"{dim_id}_label": pl.Series(labels, dtype=pl.Utf8),
                }
            )
            frame = (
                part
                if frame is None
                else frame.join(part, how="cross", maintain_order="left_right")
            )
        assert frame is not None
        out = frame.collect()
    else:
        out = pl.DataFrame(
            {c: pl.Series([], dtype=pl.Utf8) for d in ids for c in (d, f"{d}_label")}
        )
    return out.with_columns(values, status)


def _roles(doc: dict, ids: list[str]) -> dict[str, list[str]]:
    roles: dict[str, list[str]] = {}
    raw = doc.get("role")
    if isinstance(raw, dict):
        for key in ("time", "geo", "metric"):
            vals = raw.get(key)
            if isinstance(vals, list):
                roles[key] = [v for v in vals if isinstance(v, str) and v in ids]
    if not roles.get("time"):
        roles["time"] = [i for i in ids if i in _TIME_IDS]
    if not roles.get("metric"):
        roles["metric"] = [i for i in ids if i in _METRIC_IDS]
    if not roles.get("geo"):
        roles["geo"] = [i for i in ids if i in _GEO_IDS or i.startswith(_GEO_PREFIXES)]
    return roles


def read_jsonstat_metadata(data: bytes | str | dict) -> dict:
    """Dataset-level metadata: table id, label, updated, source, notes, roles, dimensions.

    Works for data responses and for PxWebApi v2 ``/metadata`` documents (empty value).
    ``dimensions`` maps each dimension id to ``{"label", "codes", "labels", "units"}``.
    """
    doc = parse_json(data)
    ids, sizes, cats = _structure(doc)
    ext = doc.get("extension") if isinstance(doc.get("extension"), dict) else {}
    px = ext.get("px") if isinstance(ext.get("px"), dict) else {}
    label = doc.get("label") if isinstance(doc.get("label"), str) else ""
    table_id = px.get("tableid") if isinstance(px.get("tableid"), str) else None
    if not table_id:
        m = re.match(r"^\s*(\w+):", label)
        table_id = m.group(1) if m else ""
    notes = doc.get("note")
    if isinstance(notes, str):
        notes = [notes]
    notes = [n for n in notes if isinstance(n, str)] if isinstance(notes, list) else []
    dimensions = {}
    for dim_id, (codes, labels, dim) in zip(ids, cats):
        units = {}
        cat_units = dim["category"].get("unit")
        if isinstance(cat_units, dict):
            for code, u in cat_units.items():
                if isinstance(u, dict) and isinstance(u.get("base"), str):
                    units[code] = u["base"]
                elif isinstance(u, dict) and isinstance(u.get("label"), str):
                    units[code] = u["label"]
        dimensions[dim_id] = {
            "label": dim.get("label") if isinstance(dim.get("label"), str) else dim_id,
            "codes": list(codes),
            "labels": dict(zip(codes, labels)),
            "units": units,
        }
    # Older v1 responses put units under extension.contents.
    contents = ext.get("contents")
    if isinstance(contents, dict) and isinstance(contents.get("unit"), str):
        default_unit = contents["unit"]
    else:
        default_unit = ""
    return {
        "table_id": table_id,
        "label": label,
        "updated": doc.get("updated") if isinstance(doc.get("updated"), str) else None,
        "source": doc.get("source") if isinstance(doc.get("source"), str) else "",
        "notes": notes,
        "roles": _roles(doc, ids),
        "ids": list(ids),
        "sizes": list(sizes),
        "dimensions": dimensions,
        "default_unit": default_unit,
    }


def _pick(meta: dict, role: str, given: str | None, what_nb: str, required: bool) -> str | None:
    ids = meta["ids"]
    if given is not None:
        if given not in ids:
            raise _err(
                f"Dimensjonen «{given}» ({what_nb}) finnes ikke i tabellen. "
                f"Tilgjengelige dimensjoner: {', '.join(ids)}.",
                f"dimension {given!r} not in {ids}",
            )
        return given
    cands = meta["roles"].get(role) or []
    if len(cands) == 1:
        return cands[0]
    if required:
        why = "ingen" if not cands else "flere (" + ", ".join(cands) + ")"
        raise _err(
            f"Fant {why} dimensjoner for {what_nb} i tabellen {meta.get('table_id') or ''}; "
            f"angi den eksplisitt. Dimensjoner: {', '.join(ids)}.",
            f"cannot determine {role} dimension: {cands}",
        )
    return None


def parse_time_code(code: str) -> tuple[int, str]:
    """``"2024"`` → (2024, ""); ``"2022K1"`` → (2022, "K1"); ``"2022M03"`` → (2022, "M03")."""
    m = _TIME_RE.match(code)
    if not m:
        raise _err(
            f"Tidskoden «{code}» kan ikke tolkes (forventet f.eks. 2024, 2022K1 eller 2022M03).",
            f"unparseable time code {code!r}",
        )
    return int(m.group(1)), (m.group(2) + m.group(3)) if m.group(2) else ""


def to_observations(
    df: pl.DataFrame,
    meta: dict,
    *,
    table_id: str,
    region_dim: str | None = None,
    time_dim: str | None = None,
    content_dim: str | None = None,
) -> pl.DataFrame:
    """Map a ``read_jsonstat`` frame to the store's observation columns.

    Columns: variable, region, year (Int32), period, value, status, unit, label.
    ``variable`` is ``"{table_id}:{content}"`` plus ``"|{dim}={code}"`` for each other
    non-region, non-time dimension (sorted by id).
    """
    region_dim = _pick(meta, "geo", region_dim, "region", True)
    time_dim = _pick(meta, "time", time_dim, "tid", True)
    content_dim = _pick(meta, "metric", content_dim, "statistikkvariabel", False)
    others = sorted(d for d in meta["ids"] if d not in {region_dim, time_dim, content_dim})

    time_codes = meta["dimensions"][time_dim]["codes"]
    parsed = [parse_time_code(c) for c in time_codes]
    year_map = pl.DataFrame(
        {
            time_dim: pl.Series(time_codes, dtype=pl.Utf8),
            "year": pl.Series([p[0] for p in parsed], dtype=pl.Int32),
            "period": pl.Series([p[1] for p in parsed], dtype=pl.Utf8),
        }
    )

    var_parts: list[pl.Expr] = []
    if content_dim is not None:
        info = meta["dimensions"][content_dim]
        codes = info["codes"]
        units = [info["units"].get(c, meta.get("default_unit", "")) for c in codes]
        labels = [info["labels"].get(c, c) for c in codes]
        content_map = pl.DataFrame(
            {
                content_dim: pl.Series(codes, dtype=pl.Utf8),
                "unit": pl.Series(units, dtype=pl.Utf8),
                "label": pl.Series(labels, dtype=pl.Utf8),
            }
        )
        var_parts.append(pl.lit(f"{table_id}:") + pl.col(content_dim))
    else:
        content_map = None
        var_parts.append(pl.lit(f"{table_id}:"))
    for d in others:
        var_parts.append(pl.lit(f"|{d}=") + pl.col(d))

    out = df.join(year_map, on=time_dim, how="left", maintain_order="left")
    if content_map is not None:
        out = out.join(content_map, on=content_dim, how="left", maintain_order="left")
    else:
        out = out.with_columns(
            unit=pl.lit(meta.get("default_unit", ""), dtype=pl.Utf8),
            label=pl.lit(meta.get("label", ""), dtype=pl.Utf8),
        )
    return out.select(
        pl.concat_str(var_parts).alias("variable"),
        pl.col(region_dim).alias("region"),
        pl.col("year").cast(pl.Int32),
        pl.col("period"),
        pl.col("value").cast(pl.Float64),
        pl.col("status"),
        pl.col("unit").fill_null(""),
        pl.col("label").fill_null(""),
    )
