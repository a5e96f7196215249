"""Write observations into the store, all or nothing.

Every source (bundled files, SSB responses, imported files) ends here with a
long frame in the store's columns and a description of the delivery (vintage).
Validation happens before anything is written; the write is one transaction,
so bad input never leaves half a delivery behind.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl
from django.db import connection, transaction
from django.dispatch import Signal

from gevinst.errors import DataFormatError, UnknownRegionError
from gevinst.sources.bundled import registry

from .models import Observation, Variable, Vintage

log = logging.getLogger("gevinst.store")

REQUIRED_COLUMNS = ("variable", "region", "year", "value")
STATUS_SYMBOLS = {"", "..", ".", ":", "-"}
#: SSB's codes for aggregates: the country, without Oslo, KOSTRA groups, counties' municipalities.
AGGREGATE_CODE = re.compile(r"^(EAK|EAKUO|EAFK|EAFKUO|EKG\d{2}|EKA\d{2}|EAFK\d{2})$")
BATCH = 20000
#: Sent with ``vintage`` after a new delivery is stored (the plans add automatic measurements).
vintage_stored = Signal()


@dataclass
class Delivery:
    """What is known about a delivery before it is stored (becomes a :class:`Vintage`)."""

    source: str
    key: str
    label: str
    table_id: str = ""
    publisher: str = "Statistisk sentralbyrå"
    published: datetime | None = None
    url: str = ""
    sha256: str = ""
    structure_year: int | None = None
    query: dict = field(default_factory=dict)


@dataclass
class VariableInfo:
    label: str
    unit: str = ""
    kind: str = "count"
    numerator: str = ""
    denominator: str = ""
    weight_variable: str = ""
    scale: float = 1.0
    source: str = ""


def frame_sha256(frame: pl.DataFrame) -> str:
    """A checksum of a frame's content (for deliveries that have no bytes of their own)."""
    h = hashlib.sha256()
    for col in frame.columns:
        h.update(col.encode())
        h.update(frame[col].cast(pl.Utf8).fill_null("<null>").str.join("\x1f").item().encode())
    return h.hexdigest()


def validate_frame(frame: pl.DataFrame, *, known_regions=None) -> pl.DataFrame:
    """Check columns, years, status symbols and region codes; return the normalised frame."""
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise DataFormatError(
            f"Dataene mangler kolonnen/kolonnene {', '.join(missing)}.",
            f"frame lacks columns {missing}",
        )
    df = frame.with_columns(
        pl.col("variable").cast(pl.Utf8),
        pl.col("region").cast(pl.Utf8).str.strip_chars(),
        pl.col("year").cast(pl.Int32, strict=False).alias("year"),
        pl.col("value").cast(pl.Float64, strict=False),
        (pl.col("period").cast(pl.Utf8).fill_null("") if "period" in frame.columns else pl.lit("")).alias("period"),
        (pl.col("status").cast(pl.Utf8).fill_null("") if "status" in frame.columns else pl.lit("")).alias("status"),
        (pl.col("estimated").cast(pl.Boolean).fill_null(False) if "estimated" in frame.columns else pl.lit(False)).alias("estimated"),
    )
    for col, limit, what in (("variable", 200, "Variabelkoden"), ("region", 12, "Regionkoden"), ("period", 8, "Perioden")):
        bad = df.filter(pl.col(col).is_null() | (pl.col(col).str.len_chars() == 0) | (pl.col(col).str.len_chars() > limit)
                        | pl.col(col).str.contains(r"[\x00-\x1f\x7f-\x9f]")) if col != "period" else \
            df.filter((pl.col(col).str.len_chars() > limit) | pl.col(col).str.contains(r"[\x00-\x1f\x7f-\x9f]"))
        if bad.height:
            shown = (bad[col][0] or "")[:40]
            raise DataFormatError(
                f"{what} «{shown}» er tom, lengre enn {limit} tegn eller inneholder kontrolltegn "
                f"({bad.height} rader). Ingenting er lagret.",
                f"invalid {col} values ({bad.height} rows)",
            )
    nonfinite = df.filter(pl.col("value").is_not_null() & ~pl.col("value").is_finite())
    if nonfinite.height:
        r = nonfinite.row(0, named=True)
        raise DataFormatError(
            f"Verdien for {r['variable'][:60]}, region {r['region']}, år {r['year']} er ikke et endelig tall "
            f"({r['value']}). Ingenting er lagret.",
            f"non-finite values ({nonfinite.height} rows)",
        )
    bad_year = df.filter(pl.col("year").is_null() | (pl.col("year") < 1800) | (pl.col("year") > 2200))
    if bad_year.height:
        raise DataFormatError(
            f"Ugyldig årstall i {bad_year.height} rader (første region: {bad_year['region'][0]}).",
            "invalid year values",
        )
    bad_status = sorted(set(df["status"].unique().to_list()) - STATUS_SYMBOLS)
    if bad_status:
        raise DataFormatError(
            f"Ukjent statussymbol {bad_status[0]!r}. Gyldige er «..», «.», «:» og «-».",
            f"unknown status symbols {bad_status}",
        )
    dup = df.group_by(["variable", "region", "year", "period"]).len().filter(pl.col("len") > 1)
    if dup.height:
        r = dup.row(0, named=True)
        raise DataFormatError(
            f"Samme tall forekommer flere ganger: {r['variable']}, region {r['region']}, år {r['year']}.",
            f"duplicate observations, e.g. {r}",
        )
    reg = known_regions or registry()
    codes = df["region"].unique().to_list()
    unknown = sorted(c for c in codes if not AGGREGATE_CODE.match(c) and not reg.knows(c))
    if unknown:
        shown = ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
        raise UnknownRegionError(
            f"Ukjente regionkoder: {shown}. Ingenting er lagret.",
            f"unknown region codes {unknown[:20]}",
        )
    return df


def _insert_observations(df: pl.DataFrame, vintage_id: int) -> None:
    """Insert the rows with one parameterised statement per batch (``executemany``).

    The ORM's ``bulk_create`` spends most of its time building a model
    instance and preparing each value of ~140 000 bundled rows; the values here
    are already validated and typed, so they go straight to the database
    through Django's connection (same transaction, same SQL on SQLite and
    PostgreSQL).
    """
    table = connection.ops.quote_name(Observation._meta.db_table)
    cols = ["variable_id", "region", "year", "period", "value", "status", "estimated", "vintage_id"]
    sql = (f"INSERT INTO {table} ({', '.join(connection.ops.quote_name(c) for c in cols)}) "
           f"VALUES ({', '.join(['%s'] * len(cols))})")
    frame = df.select(
        "variable", "region", "year", "period", "value", "status", "estimated", pl.lit(vintage_id).alias("vintage_id")
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is PostgreSQL's bulk path: one round trip instead of one per row.
            columns = ", ".join(connection.ops.quote_name(c) for c in cols)
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in frame.iter_rows():
                    copy.write_row(row)
            return
        for start in range(0, frame.height, BATCH):
            cursor.executemany(sql, frame.slice(start, BATCH).rows())


def store_observations(frame: pl.DataFrame, delivery: Delivery, variables: dict[str, VariableInfo]) -> tuple[Vintage, bool]:
    """Validate and store a delivery. Returns ``(vintage, created)``.

    A delivery with the same key and checksum as one already stored is not
    stored again (``created`` is False). A variable that exists with another
    unit is an error: the numbers would not be comparable.
    """
    df = validate_frame(frame)
    codes = df["variable"].unique().to_list()
    not_described = [c for c in codes if c not in variables and not Variable.objects.filter(code=c).exists()]
    if not_described:
        raise DataFormatError(
            f"Variabelen {not_described[0]} er ikke beskrevet (navn og enhet mangler).",
            f"undescribed variables {not_described}",
        )
    for code, info in variables.items():
        existing = Variable.objects.filter(code=code).first()
        if existing and info.unit and existing.unit and existing.unit != info.unit:
            raise DataFormatError(
                f"Feil enhet for {code}: lagret som «{existing.unit}», men de nye dataene har «{info.unit}».",
                f"unit mismatch for {code}: {existing.unit!r} vs {info.unit!r}",
            )
    if len(delivery.key) > 200 or len(delivery.label) > 300:
        raise DataFormatError(
            f"Navnet på leveransen er for langt ({len(delivery.key)} tegn; høyst 200). Gi filen et kortere navn.",
            "delivery key/label too long",
        )
    for code, info in variables.items():
        if len(info.label) > 300 or len(info.unit) > 60 or len(info.source) > 300:
            raise DataFormatError(
                f"Navnet eller enheten til variabelen {code[:60]} er for lang (navn høyst 300 tegn, enhet høyst 60).",
                f"variable description too long for {code[:60]!r}",
            )
    sha = delivery.sha256 or frame_sha256(df)
    with transaction.atomic():
        existing_vintage = Vintage.objects.filter(key=delivery.key, sha256=sha).first()
        if existing_vintage is not None:
            return existing_vintage, False
        for code, info in variables.items():
            obj, created = Variable.objects.get_or_create(code=code, defaults=vars(info))
            if not created and not obj.unit and info.unit:
                obj.unit = info.unit
                obj.save(update_fields=["unit"])
        vintage = Vintage.objects.create(
            source=delivery.source, key=delivery.key, label=delivery.label, table_id=delivery.table_id,
            publisher=delivery.publisher, published=delivery.published, url=delivery.url, sha256=sha,
            structure_year=delivery.structure_year, query=delivery.query,
        )
        _insert_observations(df, vintage.pk)
    log.info("stored %s observations from %s (vintage %s)", df.height, delivery.key, vintage.pk)
    vintage_stored.send(sender=Vintage, vintage=vintage)
    return vintage, True
