"""Load and validate the indicator catalogue (``indicators.toml``).

File format (TOML, read with the standard library's ``tomllib``)::

    [[area]]                      # ordered; the six default areas
    id = "økonomi"
    name = "Økonomi"

    [[indicator]]
    id = "netto_driftsresultat"   # snake_case ascii, stable
    name = "Netto driftsresultat i prosent av brutto driftsinntekter"
    area = "økonomi"
    service = "Økonomisk handlingsrom"
    level = "kommune"             # kommune | fylkeskommune | begge
    unit = "prosent"
    direction = "higher_better"   # higher_better | lower_better | neutral
    result_type = "effekt"        # resultat | effekt
    sdg = ["16.6", "17.1"]
    # how the value comes out of the store, one of:
    variable = "12134:KOSAGD230000"   # a value as published (kind level|count|ratio)
    kind = "level"
    weight = "population"             # optional: weight for a ratio without parts (estimated)
    # or
    numerator = ["age_80_89", "age_90p"]   # ratio rebuilt exactly from summed variables
    denominator = ["population"]
    scale = 100
    small_denominator = 500            # optional: below this the value is noisy
    rationale = "..."
    weaknesses = "..."

    [indicator.source]
    publisher = "Statistisk sentralbyrå"
    table = "12134"
    contents = ["KOSAGD230000"]
    filters = {}                  # {dimension: [codes]}
    url = "https://www.ssb.no/statbank/table/12134"
    verified = true               # content code checked (see ``verified_by``)
    verified_by = "..."
    how = "..."                   # for other publishers / manual import
    bundled = "..."               # where the bundled data has it (e.g. the workbook title)

A broken entry raises :class:`~gevinst.errors.DataFormatError` naming the
indicator id and the field.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import polars as pl

from gevinst.errors import DataFormatError

__all__ = ["Area", "Source", "Indicator", "Catalogue", "load_catalogue", "default_path", "ENV_VAR"]

ENV_VAR = "GEVINST_CATALOGUE"
LEVELS = ("kommune", "fylkeskommune", "begge")
DIRECTIONS = ("higher_better", "lower_better", "neutral")
RESULT_TYPES = ("resultat", "effekt")
KINDS = ("count", "ratio", "level")
SSB = "Statistisk sentralbyrå"

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_SDG = re.compile(r"^(\d{1,2})\.([0-9a-c]{1,2})$")
_TABLE = re.compile(r"^\d{5}$")


@dataclass(frozen=True)
class Area:
    id: str
    name: str


@dataclass(frozen=True)
class Source:
    publisher: str
    table: str = ""
    contents: tuple[str, ...] = ()
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    url: str = ""
    how: str = ""
    verified: bool = False
    verified_by: str = ""
    bundled: str = ""

    @property
    def is_ssb(self) -> bool:
        return self.publisher == SSB and bool(self.table)

    @property
    def filters_dict(self) -> dict[str, list[str]]:
        return {dim: list(codes) for dim, codes in self.filters}


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    area: str
    service: str
    level: str
    unit: str
    direction: str
    result_type: str
    sdg: tuple[str, ...]
    rationale: str
    weaknesses: str
    source: Source
    variable: str = ""
    kind: str = ""
    weight: str = ""
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    scale: float = 1.0
    small_denominator: int | None = None

    @property
    def variables(self) -> list[str]:
        """The stored variables the value is computed from: numerator and denominator, or the variable."""
        return list(self.numerator) + list(self.denominator) + ([self.variable] if self.variable else [])

    @property
    def is_ratio(self) -> bool:
        """True if the value is rebuilt from numerator and denominator variables."""
        return bool(self.numerator)

    @property
    def sdg_goals(self) -> tuple[int, ...]:
        return tuple(sorted({int(t.split(".")[0]) for t in self.sdg}))

    @property
    def store_variables(self) -> tuple[str, ...]:
        """Every store variable the value needs (the published one or the parts)."""
        if self.is_ratio:
            return tuple(dict.fromkeys(self.numerator + self.denominator))
        return (self.variable,) + ((self.weight,) if self.weight else ())

    def ssb_variable(self, content: str) -> str:
        """The store id of an SSB content of this indicator's source (``table:content|dim=code``)."""
        suffix = "".join(
            f"|{dim}={codes[0]}" for dim, codes in sorted(self.source.filters) if len(codes) == 1
        )
        return f"{self.source.table}:{content}{suffix}"


@dataclass(frozen=True)
class Catalogue:
    areas: list[Area]
    indicators: list[Indicator]
    path: str = ""
    _by_id: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        self._by_id.update({i.id: i for i in self.indicators})

    def find(self, indicator_id: str | None) -> Indicator | None:
        """The indicator with this id, or None (no id, or not in the catalogue)."""
        return self._by_id.get(indicator_id) if indicator_id else None

    def get(self, indicator_id: str) -> Indicator:
        """The indicator with this id; a Norwegian :class:`DataFormatError` if it is not there."""
        try:
            return self._by_id[indicator_id]
        except KeyError:
            raise DataFormatError(
                f"Indikatoren «{indicator_id}» finnes ikke i katalogen.",
                f"unknown indicator {indicator_id!r}",
            ) from None

    def area(self, area: str) -> Area:
        """An area by id or name (case-insensitive)."""
        wanted = area.strip().casefold()
        for a in self.areas:
            if wanted in (a.id.casefold(), a.name.casefold()):
                return a
        raise DataFormatError(
            f"Ukjent område «{area}». Gyldige områder: {', '.join(a.id for a in self.areas)}.",
            f"unknown area {area!r}",
        )

    def by_area(self, area: str) -> list[Indicator]:
        a = self.area(area)
        return [i for i in self.indicators if i.area == a.id]

    def by_sdg(self, goal: int | str) -> list[Indicator]:
        """Indicators linked to an SDG goal (``4``) or a target (``"4.1"``)."""
        text = str(goal).strip()
        if "." in text:
            return [i for i in self.indicators if text in i.sdg]
        try:
            g = int(text)
        except ValueError:
            raise DataFormatError(
                f"Ugyldig bærekraftsmål «{goal}»: bruk et tall 1–17 eller et delmål som 4.1.",
                f"invalid sdg {goal!r}",
            ) from None
        return [i for i in self.indicators if g in i.sdg_goals]

    def frame(self, indicators: list[Indicator] | None = None) -> pl.DataFrame:
        """The scalar fields as a Polars frame (lists joined: sdg with ", ", variables with "+")."""
        names = {a.id: a.name for a in self.areas}
        rows = [
            {
                "id": i.id, "name": i.name, "area": i.area, "area_name": names[i.area], "service": i.service,
                "level": i.level, "unit": i.unit, "direction": i.direction, "result_type": i.result_type,
                "sdg": ", ".join(i.sdg), "kind": i.kind, "variable": i.variable, "weight": i.weight,
                "numerator": "+".join(i.numerator), "denominator": "+".join(i.denominator), "scale": i.scale,
                "small_denominator": i.small_denominator, "publisher": i.source.publisher,
                "table": i.source.table, "contents": ",".join(i.source.contents), "url": i.source.url,
                "verified": i.source.verified, "rationale": i.rationale, "weaknesses": i.weaknesses,
            }
            for i in (self.indicators if indicators is None else indicators)
        ]
        schema = {
            "id": pl.Utf8, "name": pl.Utf8, "area": pl.Utf8, "area_name": pl.Utf8, "service": pl.Utf8,
            "level": pl.Utf8, "unit": pl.Utf8, "direction": pl.Utf8, "result_type": pl.Utf8, "sdg": pl.Utf8,
            "kind": pl.Utf8, "variable": pl.Utf8, "weight": pl.Utf8, "numerator": pl.Utf8,
            "denominator": pl.Utf8, "scale": pl.Float64, "small_denominator": pl.Int64, "publisher": pl.Utf8,
            "table": pl.Utf8, "contents": pl.Utf8, "url": pl.Utf8, "verified": pl.Boolean,
            "rationale": pl.Utf8, "weaknesses": pl.Utf8,
        }
        return pl.DataFrame(rows, schema=schema)


# ------------------------------------------------------------------ loading
def default_path() -> Path:
    return Path(__file__).with_name("indicators.toml")


def _err(where: str, fld: str, problem: str) -> DataFormatError:
    return DataFormatError(
        f"Feil i indikatorkatalogen, {where}, feltet «{fld}»: {problem}",
        f"catalogue: {where}, field {fld!r}: {problem}",
    )


def _text(entry: dict, key: str, where: str, *, required: bool = True) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str):
        raise _err(where, key, "må være tekst.")
    value = value.strip()
    if required and not value:
        raise _err(where, key, "mangler.")
    return value


def _str_list(entry: dict, key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _err(where, key, "må være en liste med tekster.")
    return tuple(v.strip() for v in value)


def _source(raw, where: str) -> Source:
    if not isinstance(raw, dict):
        raise _err(where, "source", "mangler (utgiver, tabell eller adresse).")
    w = where
    publisher = _text(raw, "publisher", w)
    table = str(raw.get("table", "")).strip()
    if table and not _TABLE.match(table):
        raise _err(w, "source.table", f"«{table}» er ikke et tabellnummer med fem sifre.")
    contents = _str_list(raw, "contents", w)
    filters_raw = raw.get("filters", {})
    if not isinstance(filters_raw, dict):
        raise _err(w, "source.filters", "må være en tabell {dimensjon = [koder]}.")
    filters = []
    for dim, codes in sorted(filters_raw.items()):
        codes = [codes] if isinstance(codes, str) else codes
        if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
            raise _err(w, "source.filters", f"dimensjonen «{dim}» må ha en liste med koder.")
        filters.append((dim, tuple(codes)))
    url = _text(raw, "url", w, required=False)
    how = _text(raw, "how", w, required=False)
    verified = raw.get("verified", False)
    if not isinstance(verified, bool):
        raise _err(w, "source.verified", "må være true eller false.")
    if publisher == SSB and not table and not raw.get("bundled"):
        raise _err(w, "source.table", "SSB-kilder må ha et tabellnummer.")
    if publisher != SSB and not (url and how):
        raise _err(w, "source.how", "kilder utenfor SSB må ha adresse (url) og fremgangsmåte (how).")
    return Source(
        publisher=publisher, table=table, contents=contents, filters=tuple(filters), url=url, how=how,
        verified=verified, verified_by=_text(raw, "verified_by", w, required=False),
        bundled=_text(raw, "bundled", w, required=False),
    )


def _indicator(raw: dict, n: int, area_ids: set[str]) -> Indicator:
    ident = raw.get("id")
    if not isinstance(ident, str) or not _ID.match(ident):
        raise _err(f"indikator nr. {n}", "id", f"«{ident}» er ikke en gyldig id (små bokstaver, sifre og _).")
    where = f"indikatoren «{ident}»"
    name = _text(raw, "name", where)
    area = _text(raw, "area", where)
    if area not in area_ids:
        raise _err(where, "area", f"ukjent område «{area}» (gyldige: {', '.join(sorted(area_ids))}).")
    level = _text(raw, "level", where)
    if level not in LEVELS:
        raise _err(where, "level", f"«{level}» er ikke en av {', '.join(LEVELS)}.")
    direction = _text(raw, "direction", where)
    if direction not in DIRECTIONS:
        raise _err(where, "direction", f"«{direction}» er ikke en av {', '.join(DIRECTIONS)}.")
    result_type = _text(raw, "result_type", where)
    if result_type not in RESULT_TYPES:
        raise _err(where, "result_type", f"«{result_type}» er ikke en av {', '.join(RESULT_TYPES)}.")
    sdg = _str_list(raw, "sdg", where)
    for target in sdg:
        m = _SDG.match(target)
        if not m or not 1 <= int(m.group(1)) <= 17:
            raise _err(where, "sdg", f"«{target}» er ikke et delmål i bærekraftsmålene (f.eks. 4.1 eller 16.7).")
    variable = _text(raw, "variable", where, required=False)
    numerator = _str_list(raw, "numerator", where)
    denominator = _str_list(raw, "denominator", where)
    kind = _text(raw, "kind", where, required=False)
    weight = _text(raw, "weight", where, required=False)
    scale = raw.get("scale", 1)
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or scale <= 0:
        raise _err(where, "scale", "må være et positivt tall.")
    small = raw.get("small_denominator")
    if small is not None and (isinstance(small, bool) or not isinstance(small, int) or small < 0):
        raise _err(where, "small_denominator", "må være et heltall ≥ 0.")
    if variable and (numerator or denominator):
        raise _err(where, "variable", "bruk enten variable eller numerator/denominator, ikke begge.")
    if numerator and not denominator:
        raise _err(where, "denominator", "en teller (numerator) krever en nevner (denominator).")
    if denominator and not numerator:
        raise _err(where, "numerator", "en nevner (denominator) krever en teller (numerator).")
    if not variable and not numerator:
        raise _err(where, "variable", "mangler: oppgi variable eller numerator og denominator.")
    if numerator:
        kind = kind or "ratio"
        if kind != "ratio":
            raise _err(where, "kind", "et forholdstall med teller og nevner har kind = \"ratio\".")
    else:
        kind = kind or "level"
        if kind not in KINDS:
            raise _err(where, "kind", f"«{kind}» er ikke en av {', '.join(KINDS)}.")
    if weight and numerator:
        raise _err(where, "weight", "vekt brukes bare for verdier uten teller og nevner.")
    return Indicator(
        id=ident, name=name, area=area, service=_text(raw, "service", where), level=level,
        unit=_text(raw, "unit", where), direction=direction, result_type=result_type, sdg=sdg,
        rationale=_text(raw, "rationale", where), weaknesses=_text(raw, "weaknesses", where),
        source=_source(raw.get("source"), where), variable=variable, kind=kind, weight=weight,
        numerator=numerator, denominator=denominator, scale=float(scale), small_denominator=small,
    )


def parse_catalogue(data: dict, path: str = "") -> Catalogue:
    areas_raw = data.get("area")
    if not isinstance(areas_raw, list) or not areas_raw:
        raise _err("katalogen", "area", "mangler: katalogen må definere områdene ([[area]] med id og name).")
    areas, seen = [], set()
    for n, a in enumerate(areas_raw, start=1):
        if not isinstance(a, dict):
            raise _err(f"område nr. {n}", "area", "må være en tabell med id og name.")
        aid = _text(a, "id", f"område nr. {n}")
        if aid in seen:
            raise _err(f"området «{aid}»", "id", "finnes to ganger.")
        seen.add(aid)
        areas.append(Area(aid, _text(a, "name", f"området «{aid}»")))
    inds_raw = data.get("indicator")
    if not isinstance(inds_raw, list) or not inds_raw:
        raise _err("katalogen", "indicator", "mangler: katalogen har ingen indikatorer ([[indicator]]).")
    indicators, ids = [], set()
    for n, raw in enumerate(inds_raw, start=1):
        if not isinstance(raw, dict):
            raise _err(f"indikator nr. {n}", "indicator", "må være en tabell.")
        ind = _indicator(raw, n, seen)
        if ind.id in ids:
            raise _err(f"indikatoren «{ind.id}»", "id", "finnes to ganger i katalogen.")
        ids.add(ind.id)
        indicators.append(ind)
    return Catalogue(areas=areas, indicators=indicators, path=path)


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime: float) -> Catalogue:
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFormatError(f"Fant ikke indikatorkatalogen {path}.", f"catalogue not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataFormatError(
            f"Indikatorkatalogen {p.name} er ikke gyldig TOML: {exc}.", f"invalid TOML in {path}: {exc}"
        ) from None
    return parse_catalogue(data, str(p))


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load the catalogue: ``path``, else ``$GEVINST_CATALOGUE``, else the bundled file."""
    chosen = Path(path or os.environ.get(ENV_VAR) or default_path())
    try:
        mtime = chosen.stat().st_mtime
    except OSError:
        mtime = 0.0
    return _load_cached(str(chosen), mtime)
