"""Economic room per service from the stored data: inputs, reference levels, potential.

:func:`compute_potential` reads the accounts per KOSTRA function group, the
population 31.12, the age bands and the expenditure-need indices, and applies
the formulas of :mod:`gevinst.core.potential`. The service ↔ function group ↔
sector mapping lives in ``potential_services.toml`` beside this module.

Reference levels (``reference``):

``country``
    SSB's published national figure where one is stored (the Lørenskog
    workbook's «Landet» row, sheet «Kostnadsnivå (ENH)», for the seven sectors);
    else the level of all municipalities from the accounts **only when every
    municipality of the year has a number**. The bundled accounts cover 134 of
    357 municipalities, so a partial sum is never shown as the country.
``kostra``
    The KOSTRA group's level from its members' accounts, only with complete
    coverage (no published need-adjusted group figure is stored).
``best-quartile``
    The first quartile of need-adjusted spending among the group members with
    data (at least :data:`MIN_QUARTILE_MEMBERS`); the count is reported.
``CODES`` (``3205,3220,3224``)
    The peers' own need-adjusted level ``Σ NE / Σ (P × I)``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import polars as pl

from gevinst.core import potential as core
from gevinst.core.regions import KOMMUNE
from gevinst.errors import UserError
from gevinst.sources import bundled
from gevinst.store.queries import read_cache, series

SERVICES_FILE = Path(__file__).with_name("potential_services.toml")
WORKBOOK = ("kostra", "lorenskog_3222_kostra_overview_2020_2025.xlsx")
WORKBOOK_SHEET = "Kostnadsnivå (ENH)"
#: Accounts years in the bundled extract.
FIRST_YEAR, LAST_YEAR = 2015, 2025
#: Preliminary accounts years (SSB 15 March figures).
PRELIMINARY_YEARS = {2025}
#: Fewest group members with data for a best-quartile reference.
MIN_QUARTILE_MEMBERS = 3
REFERENCES = ("country", "kostra", "best-quartile")
_CODES = re.compile(r"^\s*\d{4}(\s*,\s*\d{4})*\s*$")

#: Workbook row label → need sector.
_WORKBOOK_SECTORS = {
    "Grunnskole": "grunnskole",
    "Pleie og omsorg (ekskl. kommunehelse)": "pleie",
    "Barnehage": "barnehage",
    "Barnevern": "barnevern",
    "Sosialsektor": "sosial",
    "Kommunehelse (232+233+241)": "kommunehelse",
    "Administrasjon, kommune": "administrasjon",
}
WORKBOOK_SOURCE = (
    "Statistisk sentralbyrå (KOSTRA 12367), publisert tall for Landet i KOSTRA-oversikten for Lørenskog, "
    "arket «Kostnadsnivå (ENH)» (foreløpige tall 2025 per 16.03.2026)"
)
ACCOUNTS_SOURCE = "Statistisk sentralbyrå, KOSTRA 12362/12367 (netto driftsutgifter per funksjonsgruppe, 1000 kr)"
INDEX_SOURCE = "Kommunal- og distriktsdepartementet, Grønt hefte {v} (tabell E-k × delkostnadsnøkler)"
POPULATION_SOURCE = "Statistisk sentralbyrå, tabell 07459 (folkemengde 1. januar året etter = 31.12)"


# ------------------------------------------------------------------ configuration
@dataclass(frozen=True)
class Service:
    key: str
    label: str
    functions: tuple[str, ...]
    need_sectors: tuple[str, ...]
    weights: tuple[float, ...] | None
    target: tuple[str, ...]
    target_label: str

    @property
    def adjusted(self) -> bool:
        return bool(self.need_sectors)


@dataclass(frozen=True)
class Excluded:
    functions: tuple[str, ...]
    label: str
    reason: str


@lru_cache(maxsize=4)
def load_services(path: Path = SERVICES_FILE) -> tuple[tuple[Service, ...], tuple[Excluded, ...]]:
    """The service table (validated)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    services = []
    seen_functions: set[str] = set()
    for s in data.get("service", []):
        sectors = tuple(s.get("need_sectors", []))
        unknown = [x for x in sectors if x not in bundled.NEED_SECTORS]
        if unknown:
            raise ValueError(f"{path}: unknown need sector(s) {unknown} in service {s['key']}")
        weights = tuple(float(w) for w in s["weights"]) if "weights" in s else None
        if len(sectors) > 1 and (weights is None or len(weights) != len(sectors)):
            raise ValueError(f"{path}: service {s['key']} needs one weight per sector")
        overlap = seen_functions & set(s["functions"])
        if overlap:
            raise ValueError(f"{path}: function group(s) {sorted(overlap)} in two services")
        seen_functions |= set(s["functions"])
        services.append(Service(s["key"], s["label"], tuple(s["functions"]), sectors, weights,
                                tuple(s.get("target", [])), s.get("target_label", "")))
    excluded = tuple(Excluded(tuple(e["functions"]), e["label"], e["reason"]) for e in data.get("excluded", []))
    return tuple(services), excluded


# ------------------------------------------------------------------ published figures
@lru_cache(maxsize=1)
def workbook_cost_level() -> dict:
    """The workbook's sheet «Kostnadsnivå (ENH)»: its formula text, Lørenskog's indices (DKI) and the
    need-adjusted figures ``{(sector, region_label, year): value}`` (region_label «Lørenskog» or «Landet»)."""
    import openpyxl

    wb = openpyxl.load_workbook(bundled.bundled_path(*WORKBOOK), read_only=True, data_only=True)
    try:
        rows = [tuple(r) for r in wb[WORKBOOK_SHEET].iter_rows(values_only=True)]
    finally:
        wb.close()
    formula = next((r[0] for r in rows if isinstance(r[0], str) and r[0].startswith("Formel")), "")
    dki: dict[str, float] = {}
    values: dict[tuple[str, str, int], float] = {}
    years: list[int] = []
    sector = None
    in_values = False
    dki_labels = {"Sosiale tjenester": "sosial", "Administrasjon og landbruk": "administrasjon",
                  "Pleie og omsorg": "pleie", "Kommunehelse": "kommunehelse"}
    for r in rows:
        first = r[0]
        if r[:2] == ("Sektor", "Region"):
            in_values = True
            years = [int(str(y)) for y in r[2:] if y is not None]
            continue
        if not in_values:
            if isinstance(first, str) and isinstance(r[1], (int, float)):
                key = dki_labels.get(first) or _WORKBOOK_SECTORS.get(first)
                if key:
                    dki[key] = float(r[1])
            continue
        if first is not None:
            sector = _WORKBOOK_SECTORS.get(str(first).strip())
        if sector and isinstance(r[1], str):
            for y, v in zip(years, r[2:]):
                if isinstance(v, (int, float)):
                    values[(sector, r[1].strip(), y)] = float(v)
    return {"formula": formula, "dki": dki, "values": values}


def published_national(sectors: tuple[str, ...], year: int) -> float | None:
    """SSB's national net expenditure per inhabitant summed over ``sectors`` (index 1 by definition)."""
    if not sectors:
        return None
    values = workbook_cost_level()["values"]
    parts = [values.get((s, "Landet", year)) for s in sectors]
    return None if any(p is None for p in parts) else sum(parts)  # type: ignore[arg-type]


# ------------------------------------------------------------------ result
@dataclass
class ServiceRow:
    key: str
    label: str
    functions: tuple[str, ...]
    need_sectors: tuple[str, ...]
    adjusted: bool
    net_expenses: float | None  # 1000 kr
    population: float | None
    index: float | None
    index_parts: dict[str, float | None]
    per_inhabitant: float | None
    target_label: str
    target_population: float | None
    per_target: float | None
    need_adjusted: float | None
    reference: float | None
    reference_basis: str
    reference_n: int | None
    reference_of: int | None
    difference: float | None
    potential: float | None  # kroner per year
    note: str = ""


@dataclass
class PotentialResult:
    region: str
    region_name: str
    year: int
    structure_year: int
    index_vintage: int
    index_vintage_default: bool
    index_approximate: bool
    preliminary: bool
    reference: str
    reference_label: str
    kostra_group: str | None
    peers: list[str]
    peers_missing: list[str]
    population_date: str
    target_date: str
    rows: list[ServiceRow]
    excluded: list[Excluded]
    notes: list[str] = field(default_factory=list)

    @property
    def total_potential(self) -> float:
        return sum(r.potential for r in self.rows if r.potential is not None)

    @property
    def sources(self) -> list[str]:
        out = [ACCOUNTS_SOURCE, POPULATION_SOURCE, INDEX_SOURCE.format(v=self.index_vintage)]
        if self.reference == "country":
            out.append(WORKBOOK_SOURCE)
        return out


# ------------------------------------------------------------------ computation
def parse_reference(reference: str | None) -> tuple[str, list[str]]:
    """``("country"|"kostra"|"best-quartile"|"peers", peer codes)``; a clear message for bad input."""
    text = (reference or "country").strip()
    if text in REFERENCES:
        return text, []
    if _CODES.match(text):
        return "peers", list(dict.fromkeys(c.strip() for c in text.split(",")))
    raise UserError(
        f"Ukjent sammenligningsgrunnlag «{text}». Bruk country (landet), kostra (KOSTRA-gruppen), "
        "best-quartile (beste kvartil i KOSTRA-gruppen) eller kommunenummer skilt med komma, for eksempel 3205,3220.",
        f"unknown reference {text!r}",
    )


def default_index_vintage(year: int) -> int:
    """Grønt hefte ``year + 1`` (its criteria describe the accounts year), else the nearest bundled one."""
    available = sorted(need_index_vintages())
    wanted = year + 1
    return min(available, key=lambda v: (abs(v - wanted), -v))


@lru_cache(maxsize=1)
def need_index_vintages() -> tuple[int, ...]:
    return tuple(sorted(bundled.need_indices()["vintage"].unique().to_list()))


def _values(variable: str, structure_year: int, year: int, regions: list[str] | None = None) -> dict[str, float]:
    frame = series(variable, structure_year, [year], regions)
    return {r: v for r, v in frame.filter(pl.col("value").is_not_null()).select("region", "value").iter_rows()}


def compute_potential(
    region: str,
    year: int,
    reference: str | None = "country",
    index_vintage: int | None = None,
) -> PotentialResult:
    """Economic room per service for ``region`` in accounts year ``year`` against ``reference``."""
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise UserError(
            f"Regnskapsåret må være mellom {FIRST_YEAR} og {LAST_YEAR} (årene i regnskapsutdraget).",
            f"year {year!r} outside accounts",
        )
    kind, peers = parse_reference(reference)
    vintages = need_index_vintages()
    if index_vintage is None:
        vintage, vintage_default = default_index_vintage(year), True
    elif index_vintage in vintages:
        vintage, vintage_default = index_vintage, False
    else:
        raise UserError(
            f"Grønt hefte {index_vintage} finnes ikke i dataene. Tilgjengelige årganger: "
            + ", ".join(str(v) for v in vintages) + ".",
            f"unknown index vintage {index_vintage!r}",
        )
    reg = bundled.registry()
    structure_year = max(year, 2024)
    code = region.strip()
    version = reg.latest_version(code)  # UnknownRegionError carries a bokmål message
    if version.level != KOMMUNE:
        raise UserError(
            f"Handlingsrom per tjeneste regnes for kommuner; {code} er ikke et kommunenummer.",
            f"{code} is not a municipality",
        )
    code_s = reg.code_in_structure(code, structure_year)
    if code_s is None:
        raise UserError(f"Kommunen {code} fantes ikke i {structure_year}.", f"{code} not in {structure_year}")
    municipalities = reg.codes_at(structure_year, KOMMUNE)
    for p in peers:
        reg.versions_of(p)  # raises UnknownRegionError with a bokmål message
    peers_s = [reg.code_in_structure(p, structure_year) or p for p in peers]
    bad = [p for p in peers_s if p not in municipalities]
    if bad:
        raise UserError(
            f"Sammenligningskommunene {', '.join(bad)} fantes ikke som kommuner i {structure_year}.",
            f"peers {bad} not municipalities in {structure_year}",
        )

    services, excluded = load_services()
    indices = bundled.need_indices().filter(pl.col("vintage") == vintage)
    index_of: dict[tuple[str, str], float] = {
        (r, s): v for r, s, v in indices.select("region", "sector", "index").iter_rows()
    }
    approximate = bool(indices.filter(pl.col("sector") != "samlet")["approximate"].any())

    attrs = bundled.region_attributes()
    attr_year = min(max(year, int(attrs["year"].min())), int(attrs["year"].max()))
    group_row = attrs.filter((pl.col("year") == attr_year) & (pl.col("region") == code_s))
    group = group_row["kostra_group"][0] if group_row.height else None
    group_members = bundled.kostra_group_members(group, year) if group else []
    group_members = [reg.code_in_structure(m, structure_year) or m for m in group_members]

    with read_cache():
        population = _values("population_dec31", structure_year, year)
        ages: dict[str, float] = {}
        for band in bundled.AGE_BANDS:
            v = _values(band, structure_year, year + 1, [code_s]).get(code_s)
            if v is not None:
                ages[band] = v
        accounts: dict[str, dict[str, float]] = {}
        for s in services:
            for f in s.functions:
                accounts[f] = _values(f"accounts:net_expenses:{f}", structure_year, year)

    if not any(code_s in accounts[f] for s in services for f in s.functions):
        raise UserError(
            f"Regnskapsutdraget har ingen tall for {reg.name(code_s, structure_year)} ({code_s}) i {year}. "
            "Det bundne utdraget dekker bare et utvalg kommuner; hent KOSTRA-tall med «gevinst fetch» for andre.",
            f"no accounts for {code_s} in {year}",
        )

    def unit(s: Service, r: str) -> core.Unit:
        parts = [accounts[f].get(r) for f in s.functions]
        ne = None if any(p is None for p in parts) else sum(parts)  # type: ignore[arg-type]
        idx = core.combined_index([index_of.get((r, x)) for x in s.need_sectors], s.weights)
        return core.Unit(r, ne, population.get(r), idx)

    kind_labels = {
        "country": "Landet",
        "kostra": f"KOSTRA-gruppen ({group or 'ukjent'})",
        "best-quartile": f"Beste kvartil i KOSTRA-gruppen ({group or 'ukjent'})",
        "peers": "Sammenligningskommunene " + ", ".join(peers_s),
    }
    rows: list[ServiceRow] = []
    peers_missing: set[str] = set()
    for s in services:
        own = unit(s, code_s)
        ref, basis, n, of = None, "", None, None
        if kind == "country":
            ref = published_national(s.need_sectors, year)
            if ref is not None:
                basis = "publisert landstall (SSB)"
            else:
                units = [unit(s, r) for r in municipalities]
                n, of = sum(u.complete for u in units), len(units)
                if n == of:
                    ref, basis = core.set_level(units), "alle kommuner (beregnet, full dekning)"
                else:
                    basis = f"ikke tilgjengelig: publisert landstall mangler, regnskapstall for {n} av {of} kommuner"
        elif kind == "kostra":
            units = [unit(s, r) for r in group_members]
            n, of = sum(u.complete for u in units), len(units)
            if of and n == of:
                ref, basis = core.set_level(units), f"{group}, alle {of} kommuner"
            else:
                basis = f"ikke tilgjengelig: regnskapstall for {n} av {of} kommuner i {group}"
        elif kind == "best-quartile":
            units = [unit(s, r) for r in group_members]
            n, of = sum(u.complete for u in units), len(units)
            if n >= MIN_QUARTILE_MEMBERS:
                ref, basis = core.best_quartile(units), f"1. kvartil av {n} av {of} kommuner i {group}"
            else:
                basis = (f"ikke tilgjengelig: {n} av {of} kommuner i {group} har tall "
                         f"(minst {MIN_QUARTILE_MEMBERS} trengs)")
        else:
            units = [unit(s, r) for r in peers_s]
            peers_missing |= {u.region for u in units if not u.complete}
            n, of = sum(u.complete for u in units), len(units)
            ref = core.set_level(units)
            basis = f"{n} av {of} sammenligningskommuner" if ref is not None else "ingen sammenligningskommune har tall"
        na = core.need_adjusted(own.net_expenses, own.population, own.index)
        target_pop = sum(ages[b] for b in s.target) if s.target and all(b in ages for b in s.target) else None
        if not s.target:
            target_pop = own.population
        note = ""
        if not s.adjusted:
            note = "ikke behovsjustert (indeks 1)"
        elif len(s.need_sectors) > 1:
            note = "samlet indeks " + " + ".join(
                f"{w:.4f}".replace(".", ",") + f" × {x}" for w, x in zip(s.weights or (), s.need_sectors)
            )
        rows.append(ServiceRow(
            key=s.key, label=s.label, functions=s.functions, need_sectors=s.need_sectors, adjusted=s.adjusted,
            net_expenses=own.net_expenses, population=own.population, index=own.index,
            index_parts={x: index_of.get((code_s, x)) for x in s.need_sectors},
            per_inhabitant=core.per_inhabitant(own.net_expenses, own.population),
            target_label=s.target_label, target_population=target_pop,
            per_target=core.per_inhabitant(own.net_expenses, target_pop),
            need_adjusted=na, reference=ref, reference_basis=basis, reference_n=n, reference_of=of,
            difference=None if na is None or ref is None else na - ref,
            potential=core.potential(own, ref), note=note,
        ))

    notes = []
    if approximate:
        notes.append(f"Sektorindeksene i Grønt hefte {vintage} er tilnærmede (avledet fra tabell E-k × vekter; "
                     "summen avviker fra tabell A-k).")
    if vintage != year + 1:
        notes.append(f"Grønt hefte {year + 1} (som hører til regnskapsåret {year}) finnes ikke i dataene; "
                     f"årgang {vintage} er brukt." if vintage_default else
                     f"Valgt indeksårgang: Grønt hefte {vintage} (standard for regnskapsåret {year} er {year + 1}).")
    if year in PRELIMINARY_YEARS:
        notes.append(f"Regnskapstallene for {year} er foreløpige (SSB 15. mars).")
    if kind == "country":
        notes.append("Landstallet er SSBs publiserte netto driftsutgifter per innbygger (indeks 1 per definisjon) "
                     "der det finnes; tjenester uten publisert landstall får ikke noe potensial.")
    if kind == "peers" and peers_missing:
        notes.append("Uten regnskapstall (holdt utenfor for enkelte tjenester): " + ", ".join(sorted(peers_missing)) + ".")
    return PotentialResult(
        region=code_s, region_name=reg.name(code_s, structure_year), year=year, structure_year=structure_year,
        index_vintage=vintage, index_vintage_default=vintage_default, index_approximate=approximate,
        preliminary=year in PRELIMINARY_YEARS, reference=kind, reference_label=kind_labels[kind],
        kostra_group=group, peers=peers_s, peers_missing=sorted(peers_missing),
        population_date=f"31.12.{year}", target_date=f"01.01.{year + 1}",
        rows=rows, excluded=list(excluded), notes=notes,
    )
