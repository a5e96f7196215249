"""Read series from the observation store as Polars frames.

This is the Python API analysts use from a notebook (after ``django.setup()``,
or through :mod:`gevinst.api`)::

    from gevinst.store.queries import series
    series("population", structure_year=2024, years=range(2005, 2027), regions=["3222"])

returns ``region, name, year, value, flag`` for 3222 Lørenskog 2005–2026, the
years before 2024 rebuilt from the codes of their own time (0230, 3029).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

import polars as pl

from gevinst.core.recompose import (
    mapping_for,
    normalise_flags,
    recompose_count,
    recompose_ratio,
    recompose_weighted,
)
from gevinst.core.regions import FYLKE, KOMMUNE
from gevinst.errors import UserError
from gevinst.sources.bundled import kostra_group_members, registry

from .models import Observation, Variable

SERIES_SCHEMA = {"region": pl.Utf8, "name": pl.Utf8, "year": pl.Int32, "value": pl.Float64, "flag": pl.Utf8}

#: Aggregates computed from the municipalities of the target structure.
AGGREGATE_NAMES = {"EAK": "Landet", "EAKUO": "Landet uten Oslo"}


def get_variable(code: str) -> Variable:
    try:
        return Variable.objects.get(code=code)
    except Variable.DoesNotExist:
        raise UserError(
            f"Ukjent variabel «{code}». Se «gevinst series --help» for variabler som finnes i databasen.",
            f"unknown variable {code!r}",
        ) from None


_cache: ContextVar[dict | None] = ContextVar("gevinst_observation_cache", default=None)


def data_signature() -> tuple:
    """Changes whenever data is imported or removed: the number, highest id and latest fetch time
    of the stored vintages (one small query; raw SQL, as it runs on every page view)."""
    from django.db import connection

    from .models import Vintage

    meta = Vintage._meta
    qn = connection.ops.quote_name
    sql = (f"SELECT COUNT(*), MAX({qn(meta.pk.column)}), MAX({qn(meta.get_field('fetched_at').column)}) "
           f"FROM {qn(meta.db_table)}")
    with connection.cursor() as cursor:
        cursor.execute(sql)
        n, last, fetched = cursor.fetchone()
    return (n, last, str(fetched) if fetched is not None else None)


@contextmanager
def read_cache():
    """Within this block, each variable's observations are read from the database once.

    For computations that touch the same variables many times (a baseline over
    the whole catalogue). Outside the block every call reads afresh.
    """
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def observations(variable: str, years: Iterable[int] | None = None) -> pl.DataFrame:
    """Observations of ``variable`` as stored, with the structure of their vintage.

    Columns: ``region, year, period, value, status, estimated, vintage_id, structure_year``.
    """
    cache = _cache.get()
    years = sorted(set(years)) if years is not None else None
    key = (variable, tuple(years) if years is not None else None)
    if cache is not None and key in cache:
        return cache[key]
    frame = _read_observations(variable, years)
    if cache is not None:
        cache[key] = frame
    return frame


def _read_observations(variable: str, years: list[int] | None) -> pl.DataFrame:
    qs = Observation.objects.filter(variable_id=variable, period="")
    if years is not None:
        qs = qs.filter(year__in=list(years))
    rows = qs.values_list("region", "year", "period", "value", "status", "estimated", "vintage_id", "vintage__structure_year")
    return pl.DataFrame(
        list(rows),
        schema={"region": pl.Utf8, "year": pl.Int32, "period": pl.Utf8, "value": pl.Float64, "status": pl.Utf8,
                "estimated": pl.Boolean, "vintage_id": pl.Int64, "structure_year": pl.Int32},
        orient="row",
    )


def select_vintages(obs: pl.DataFrame) -> pl.DataFrame:
    """One structure per year, then the latest vintage per region within it.

    Numbers in the codes valid that year are preferred to numbers recoded by a
    third party; among recoded deliveries, the newest wins. Mixing structures
    within one year would count a territory twice.
    """
    if obs.is_empty():
        return obs
    obs = obs.with_columns(pl.col("structure_year").is_null().alias("own_codes"))
    chosen = (
        obs.group_by(["year", "own_codes", "structure_year"])
        .agg(pl.col("vintage_id").max().alias("newest"))
        .sort(["year", "own_codes", "newest"], descending=[False, True, True])
        .group_by("year", maintain_order=True)
        .first()
        .select("year", "structure_year")
    )
    picked = obs.join(chosen, on=["year", "structure_year"], how="inner", nulls_equal=True)
    return (
        picked.sort("vintage_id", descending=True)
        .unique(subset=["region", "year"], keep="first")
        .with_columns(pl.col("structure_year").fill_null(pl.col("year")))
        .drop("own_codes")
    )


def _mapping(structure_years: list[int], target_year: int, level: str) -> pl.DataFrame:
    reg = registry()
    return mapping_for(structure_years, lambda y: reg.mapping(y, target_year, level))


def aggregate_members(code: str, target_year: int) -> list[str] | None:
    reg = registry()
    municipalities = reg.codes_at(target_year, KOMMUNE)
    if code == "EAK":
        return municipalities
    if code == "EAKUO":
        return [c for c in municipalities if c != "0301"]
    if code.startswith("EKG"):
        # The grouping is bundled in 2024 codes: follow each member to its code in the target
        # year. A member whose territory did not exist then stays as it is, so the group's
        # total comes out missing rather than silently smaller.
        return [reg.code_in_structure(m, target_year) or m for m in kostra_group_members(code, target_year)]
    if code.startswith("EKA") and len(code) == 5:
        return [c for c in municipalities if c[:2] == code[3:]]
    return None


def series(
    variable: str,
    structure_year: int,
    years: Iterable[int] | None = None,
    regions: Iterable[str] | None = None,
) -> pl.DataFrame:
    """``variable`` for ``years`` recomposed onto the region structure of ``structure_year``.

    ``regions``: target codes (municipalities, counties or the aggregates EAK,
    EAKUO, EKGnn, EKAnn); default all municipalities of the structure. County
    codes are built from their municipalities (counts) — a county-level
    variable (fylkeskommune accounts) is recomposed through the county change
    graph instead when its observations carry county codes.
    """
    reg = registry()
    var = get_variable(variable)
    years = sorted(set(years)) if years is not None else None
    wanted = list(dict.fromkeys(regions)) if regions is not None else reg.codes_at(structure_year)
    for code in wanted:
        if code not in AGGREGATE_NAMES and aggregate_members(code, structure_year) is None:
            reg.versions_of(code)  # raises UnknownRegionError for unknown codes

    municipal = recomposed(var, structure_year, years, KOMMUNE)
    out = []
    counties = [c for c in wanted if reg.knows(c) and len(c) == 2]
    if counties and var.kind == "count":
        # A county's count is the sum of its municipalities in the target structure:
        # exact wherever they are, whatever border changes the county went through.
        for c in counties:
            members = [m for m in reg.codes_at(structure_year) if m[:2] == c]
            out.append(_sum_members(municipal, members, c, var))
    elif counties:
        county_level = recomposed(var, structure_year, years, FYLKE)
        out.append(county_level.filter(pl.col("region").is_in(counties)))
    plain = [c for c in wanted if reg.knows(c) and len(c) == 4]
    out.append(municipal.filter(pl.col("region").is_in(plain)))
    for code in wanted:
        if code in ("EAK", "EAKUO") and var.kind == "count":
            out.append(_national_total(var, years, code))
            continue
        members = None if reg.knows(code) else aggregate_members(code, structure_year)
        if members is not None:
            out.append(_sum_members(municipal, members, code, var))
    result = pl.concat(out) if out else pl.DataFrame(schema={k: v for k, v in SERIES_SCHEMA.items() if k != "name"})
    names = {c: (AGGREGATE_NAMES.get(c) or (reg.name(c, structure_year) if reg.knows(c) else c)) for c in wanted}
    order = {c: i for i, c in enumerate(wanted)}
    return (
        result.with_columns(
            pl.col("region").replace_strict(names, default=None).alias("name"),
            pl.col("region").replace_strict(order, default=None, return_dtype=pl.Int32).alias("_o"),
        )
        .sort(["_o", "year"])
        .select(list(SERIES_SCHEMA))
    )


def _national_total(var: Variable, years: list[int] | None, code: str) -> pl.DataFrame:
    """The country (``EAK``) or the country without Oslo (``EAKUO``) as a plain sum.

    A national total does not depend on the municipal structure, so it is summed
    from the observations as published, in the codes of each year: exact, and
    missing when a municipality valid that year has no number.
    """
    reg = registry()
    obs = _level(select_vintages(observations(var.code, years)), KOMMUNE)
    if code == "EAKUO":
        obs = obs.filter(pl.col("region") != "0301")
    rows = []
    for (year, structure), part in obs.group_by(["year", "structure_year"]):
        expected = set(reg.codes_at(structure))
        if code == "EAKUO":
            expected.discard("0301")
        complete = expected <= set(part["region"].to_list()) and part["value"].null_count() == 0
        rows.append((code, year, float(part["value"].sum()) if complete else None, "" if complete else "missing_part"))
    return pl.DataFrame(rows, schema={"region": pl.Utf8, "year": pl.Int32, "value": pl.Float64, "flag": pl.Utf8},
                        orient="row").sort("year")


def _sum_members(municipal: pl.DataFrame, members: list[str], code: str, var: Variable) -> pl.DataFrame:
    if var.kind != "count":
        raise UserError(
            f"Aggregatet {code} kan bare beregnes for antall og beløp, ikke for «{var.label}».",
            f"aggregate {code} of non-count variable {var.code}",
        )
    part = municipal.filter(pl.col("region").is_in(members))
    return part.group_by("year").agg(
        pl.when(pl.col("value").is_null().any() | (pl.len() < len(members))).then(None)
        .otherwise(pl.col("value").sum()).alias("value"),
        normalise_flags(pl.col("flag").str.join(",")).alias("flag"),
    ).select(pl.lit(code).alias("region"), pl.col("year").cast(pl.Int32), "value", "flag").sort("year")


def recomposed(var: Variable, structure_year: int, years: list[int] | None, level: str) -> pl.DataFrame:
    """All units of ``level`` in ``structure_year``: ``region, year, value, flag``."""
    if var.kind == "ratio" and var.numerator and var.denominator:
        num = select_vintages(observations(var.numerator, years))
        den = select_vintages(observations(var.denominator, years))
        sy = sorted(set(num["structure_year"].to_list()) | set(den["structure_year"].to_list()))
        return recompose_ratio(_level(num, level), _level(den, level), _mapping(sy, structure_year, level), var.scale)
    obs = select_vintages(observations(var.code, years))
    if level == FYLKE:
        obs = _municipal_to_county(obs) if var.kind == "count" else _level(obs, level)
    sy = sorted(set(obs["structure_year"].to_list())) if obs.height else []
    mapping = _mapping(sy, structure_year, level)
    if var.kind == "count":
        return recompose_count(_level(obs, level), mapping)
    if var.kind == "ratio" and var.weight_variable:
        weights = select_vintages(observations(var.weight_variable, years))
        return recompose_weighted(_level(obs, level), _level(weights, level), mapping)
    # A level/index without parts: only 1:1 links (renumberings) can carry it.
    exact = mapping.filter(pl.col("method").is_in(["identity", "renumbering"]))
    res = recompose_count(_level(obs, level), exact)
    merged_targets = mapping.filter(~pl.col("method").is_in(["identity", "renumbering"]))["target_code"].unique()
    return res.filter(~pl.col("region").is_in(merged_targets.implode()))


def _level(obs: pl.DataFrame, level: str) -> pl.DataFrame:
    width = 4 if level == KOMMUNE else 2
    return obs.filter(pl.col("region").str.len_chars() == width)


def _municipal_to_county(obs: pl.DataFrame) -> pl.DataFrame:
    """County totals of a count from the municipalities of each year (their first two digits)."""
    mun = _level(obs, KOMMUNE)
    return mun.group_by(["year", "structure_year", pl.col("region").str.slice(0, 2).alias("county")]).agg(
        pl.col("value").sum(), pl.col("estimated").any(), pl.lit("").alias("status"),
    ).rename({"county": "region"})
