"""Region registry: municipalities and counties through every code change.

*Kommuneregister med endringshistorikk.* The registry knows every municipality
(kommune) and county (fylke) with the years each code was valid, and the changes
between them: renumberings, mergers (*sammenslåinger*), splits (*delinger*) and
name changes. Its main job is :meth:`RegionRegistry.mapping`: how the codes of
any year map onto the structure of any other year, with weights.

How it works
------------
Each version of a unit (a code with a fixed territory and name over a run of
years) is described as a set of *atoms*: the municipalities of 2013 (the earliest
code list bundled), refined into pieces where a municipality was later split
(Snillfjord and Tysfjord in 2020). A merger's atoms are the union of its parts'
atoms; a split piece that re-creates an earlier municipality (Haram left Ålesund
in 2024 with its borders from before 2020) gets exactly that municipality's
atoms. The mapping from a unit ``u`` in year ``y`` onto a target structure ``T``
is then a matter of set overlap:

- ``atoms(u) ⊆ atoms(t)`` for one target ``t`` (renumbering, merger, unchanged):
  weight 1, exactly.
- otherwise ``u`` is spread over several targets. The weight of target ``t`` is
  the population share of the piece ``atoms(u) ∩ atoms(t)``, measured at the
  change: for a forward mapping in the first year after ``u`` ceased (the
  population of each piece where it is a whole municipality then, else ``u``'s
  last population times the piece's base share); for a backward mapping in the
  target year. Base shares come from the 2019 populations and the split-share
  table (``split_shares.csv``; overridable). Weights of one source always add to
  1, so totals are preserved.

All changes take effect on 1 January, so validity is kept in whole years.
This module is pure: it takes frames and returns frames or plain objects. The
bundled files are read by :mod:`gevinst.sources.bundled`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import polars as pl

from gevinst.errors import UnknownRegionError

#: The first year the bundled code lists cover. Versions valid then are shown as
#: "valid before FIRST_YEAR" (their start is not in the bundled data).
FIRST_YEAR = 2013

KOMMUNE = "kommune"
FYLKE = "fylke"
AGGREGATE = "aggregat"

MAPPING_SCHEMA = {
    "source_code": pl.Utf8,
    "target_code": pl.Utf8,
    "weight": pl.Float64,
    "method": pl.Utf8,
}


@dataclass(frozen=True)
class UnitVersion:
    """One code with one territory and one name over a run of years."""

    code: str
    name: str
    level: str
    first_year: int | None  # None: valid before FIRST_YEAR (start not known here)
    last_year: int | None  # None: still valid
    atoms: frozenset[str] = field(repr=False)

    def valid_in(self, year: int) -> bool:
        start = self.first_year if self.first_year is not None else -10**9
        end = self.last_year if self.last_year is not None else 10**9
        return start <= year <= end

    @property
    def key(self) -> tuple[str, int | None]:
        return (self.code, self.first_year)


@dataclass(frozen=True)
class Change:
    """An edge of the change graph, effective 1 January of ``year``.

    ``kind`` is one of ``renumbering`` (*kun endret nummer*), ``merger``
    (*sammenslåing*: the predecessor went whole into a successor with others),
    ``split`` (*deling*: the predecessor was divided, ``share`` is the part that
    went to this successor), ``name`` (*navneendring*), ``boundary`` (a unit that
    kept its code but gained or lost territory) and ``recreated`` (a split piece
    that re-creates an earlier unit with its old borders).
    """

    year: int
    kind: str
    from_code: str
    from_name: str
    to_code: str
    to_name: str
    share: float | None = None


@dataclass(frozen=True)
class AggregateUnit:
    """An SSB aggregate (the country, KOSTRA groups, counties' municipalities)."""

    code: str
    name: str
    description: str


class RegionRegistry:
    """Every municipality and county, their versions and the changes between them.

    Build it with :func:`build_registry` (or
    :func:`gevinst.sources.bundled.registry` for the bundled data).
    """

    def __init__(
        self,
        versions: list[UnitVersion],
        changes: list[Change],
        atom_base: dict[str, float | None],
        population: dict[tuple[str, int], float],
        structure_years: list[int],
        estimated_groups: list[frozenset[str]] | None = None,
    ):
        self.versions = sorted(versions, key=lambda v: (v.code, v.first_year or 0))
        self.changes = sorted(changes, key=lambda c: (c.year, c.from_code, c.to_code))
        self._atom_base = atom_base
        self._population = population
        self._estimated_groups = estimated_groups or []
        self._mapping_cache: dict[tuple[int, int, str], pl.DataFrame] = {}
        self._group_descriptions: dict[str, str] = {}
        self.structure_years = sorted(structure_years)
        self._by_code: dict[str, list[UnitVersion]] = defaultdict(list)
        for v in self.versions:
            self._by_code[v.code].append(v)

    # ------------------------------------------------------------------ lookup
    @property
    def last_year(self) -> int:
        return self.structure_years[-1]

    def knows(self, code: str) -> bool:
        return code in self._by_code

    def versions_of(self, code: str) -> list[UnitVersion]:
        """All versions of ``code`` (a code can be reused for another territory)."""
        if code not in self._by_code:
            raise UnknownRegionError(
                f"Ukjent regionkode «{code}». Bruk et kommunenummer (fire sifre, f.eks. 3222) "
                f"eller et fylkesnummer (to sifre, f.eks. 32).",
                f"unknown region code {code!r}",
            )
        return self._by_code[code]

    def version_at(self, code: str, year: int) -> UnitVersion | None:
        for v in self.versions_of(code):
            if v.valid_in(year):
                return v
        return None

    def latest_version(self, code: str) -> UnitVersion:
        return self.versions_of(code)[-1]

    def units_at(self, year: int, level: str = KOMMUNE) -> list[UnitVersion]:
        """The units of ``level`` valid in ``year`` (years before FIRST_YEAR use FIRST_YEAR)."""
        year = max(year, FIRST_YEAR)
        return [v for v in self.versions if v.level == level and v.valid_in(year)]

    def codes_at(self, year: int, level: str = KOMMUNE) -> list[str]:
        return sorted(v.code for v in self.units_at(year, level))

    def name(self, code: str, year: int | None = None) -> str:
        v = self.version_at(code, year) if year is not None else None
        return (v or self.latest_version(code)).name

    def county_of(self, code: str, year: int) -> UnitVersion | None:
        """The county a municipality belonged to in ``year`` (its code's first two digits)."""
        if len(code) != 4:
            return None
        county = code[:2]
        if county not in self._by_code:
            return None
        return self.version_at(county, year)

    def population(self, code: str, year: int) -> float | None:
        return self._population.get((code, year))

    # ----------------------------------------------------------- change graph
    def changes_from(self, code: str, year: int | None = None) -> list[Change]:
        """Changes that ended a version of ``code`` (optionally only at ``year``)."""
        return [
            c for c in self.changes
            if c.from_code == code and (year is None or c.year == year)
        ]

    def changes_to(self, code: str, year: int | None = None) -> list[Change]:
        return [c for c in self.changes if c.to_code == code and (year is None or c.year == year)]

    def predecessors(self, code: str, year: int | None = None) -> list[Change]:
        """The changes that created the version of ``code`` valid in ``year`` (default: latest)."""
        v = self.version_at(code, year) if year is not None else self.latest_version(code)
        if v is None or v.first_year is None:
            return []
        return [c for c in self.changes_to(code, v.first_year) if c.from_code != code or c.kind != "name"]

    def successors(self, code: str, year: int | None = None) -> list[Change]:
        """The changes that ended the version of ``code`` valid in ``year`` (default: latest)."""
        v = self.version_at(code, year) if year is not None else self.latest_version(code)
        if v is None or v.last_year is None:
            return []
        return self.changes_from(code, v.last_year + 1)

    def history(self, code: str) -> list[UnitVersion]:
        """The lineage of ``code``: its versions and those it continues or is continued by.

        Follows renumberings and name changes (same territory) backwards and
        forwards, so 3222 Lørenskog gives 0230 (–2019), 3029 (2020–2023) and
        3222 (2024–). Mergers and splits end a lineage; they show up as
        predecessors and successors instead.
        """
        start = self.latest_version(code)
        lineage = [start]
        # backwards
        cur = start
        while cur.first_year is not None:
            prev = [
                self.version_at(c.from_code, cur.first_year - 1)
                for c in self.changes_to(cur.code, cur.first_year)
            ]
            prev = [p for p in prev if p is not None and p.atoms == cur.atoms]
            if len(prev) != 1:
                break
            cur = prev[0]
            lineage.insert(0, cur)
        cur = start
        while cur.last_year is not None:
            nxt = [
                self.version_at(c.to_code, cur.last_year + 1)
                for c in self.changes_from(cur.code, cur.last_year + 1)
            ]
            nxt = [n for n in nxt if n is not None and n.atoms == cur.atoms]
            if len(nxt) != 1:
                break
            cur = nxt[0]
            lineage.append(cur)
        return lineage

    def code_in_structure(self, code: str, year: int) -> str | None:
        """The code of ``code``'s lineage (same territory) valid in ``year``, if the territory existed then."""
        if not self.knows(code):
            return None
        for v in self.history(code):
            if v.valid_in(year):
                return v.code
        return None

    def current_successors(self, unit: UnitVersion) -> list[UnitVersion]:
        """The units valid today that took over ``unit``'s territory (following every change)."""
        if unit.last_year is None:
            return [unit]
        found: dict[str, UnitVersion] = {}
        seen: set[tuple[str, int | None]] = set()
        todo = [unit]
        while todo:
            u = todo.pop()
            if u.key in seen:
                continue
            seen.add(u.key)
            if u.last_year is None:
                found[u.code] = u
                continue
            for c in self.changes_from(u.code, u.last_year + 1):
                nxt = self.version_at(c.to_code, c.year)
                if nxt is not None:
                    todo.append(nxt)
        return sorted(found.values(), key=lambda v: v.code)

    def current_code(self, code: str) -> str:
        """The code that continues ``code`` today when the territory is unchanged, else ``code``."""
        return self.history(code)[-1].code

    # ----------------------------------------------------------- aggregates
    def aggregates(self) -> list[AggregateUnit]:
        """SSB's aggregate units: the country, without Oslo, the KOSTRA groups, each county's municipalities.

        SSB publishes KOSTRA figures for these codes (``EAK``, ``EAKUO``, ``EKG01``–``EKG17``,
        ``EKAnn``). Their membership in a given structure is resolved where the data is
        (:mod:`gevinst.store.queries`): the KOSTRA grouping is an attribute, not territory.
        """
        out = [
            AggregateUnit("EAK", "Landet", "Alle kommuner"),
            AggregateUnit("EAKUO", "Landet uten Oslo", "Alle kommuner unntatt 0301 Oslo"),
        ]
        out += [AggregateUnit(f"EKG{n:02d}", f"KOSTRA-gruppe {n}", self._group_descriptions.get(f"EKG{n:02d}", ""))
                for n in range(1, 18)]
        seen = set()
        for v in sorted(self.versions, key=lambda v: -(v.last_year or 9999)):
            if v.level == FYLKE and v.code not in seen:
                seen.add(v.code)
                out.append(AggregateUnit(f"EKA{v.code}", f"{v.name} (kommunene)", f"Kommunene i fylke {v.code} {v.name}"))
        return out

    def aggregate(self, code: str) -> AggregateUnit | None:
        return next((a for a in self.aggregates() if a.code == code), None)

    # ------------------------------------------------------------- mapping
    def _base(self, atoms: frozenset[str]) -> float | None:
        sizes = [self._atom_base.get(a) for a in atoms]
        if any(s is None for s in sizes):
            return None
        return float(sum(sizes))

    def _piece_sizes(
        self, source: UnitVersion, pieces: dict[str, frozenset[str]], year: int, forward: bool
    ) -> tuple[dict[str, float], bool]:
        """Sizes of the pieces of ``source`` in ``year``; second value: estimated.

        A piece that is a whole unit in ``year`` counts with that unit's population.
        Otherwise its base share of the unit it sits in is applied to a known
        population: for a forward mapping the source's own last population (so a
        split's pieces get exactly the split shares), for a backward mapping the
        population of the target it belongs to.
        """
        units = {v.atoms: v for v in self.units_at(year, source.level)}
        sizes: dict[str, float] = {}
        estimated = False
        for target, piece in pieces.items():
            whole = units.get(piece)
            pop = self.population(whole.code, year) if whole is not None else None
            if pop is not None:
                sizes[target] = pop
                continue
            estimated = estimated or self._base_is_estimated(piece)
            if forward:
                container, cyear = source, (source.last_year if source.last_year is not None else year)
            else:
                container = next((v for a, v in units.items() if piece <= a), None)
                cyear = year
            base_piece = self._base(piece)
            base_cont = self._base(container.atoms) if container else None
            cpop = self.population(container.code, cyear) if container else None
            if base_piece is not None and base_cont and cpop is not None:
                sizes[target] = cpop * base_piece / base_cont
            else:
                sizes[target] = base_piece if base_piece is not None else float("nan")
            estimated = True if any(">" in a for a in piece) or cpop is None else estimated
        if any(s != s for s in sizes.values()):  # NaN: nothing known, split evenly
            sizes = {t: 1.0 for t in pieces}
            estimated = True
        return sizes, estimated

    def _base_is_estimated(self, piece: frozenset[str]) -> bool:
        """True when ``piece`` cuts through a group of atoms whose single sizes are unknown."""
        return any(piece & g and not g <= piece for g in self._estimated_groups)

    def _map_unit(self, source: UnitVersion, source_year: int, target_year: int) -> list[tuple[str, float, str]]:
        targets = self.units_at(target_year, source.level)
        overlapping = [(t, source.atoms & t.atoms) for t in targets if source.atoms & t.atoms]
        if not overlapping:
            return []
        if len(overlapping) == 1:
            t, _ = overlapping[0]
            if t.atoms == source.atoms:
                method = "identity" if t.code == source.code else "renumbering"
            elif source.atoms < t.atoms:
                method = "merger"
            else:  # part of the territory left the structure (should not happen)
                method = "partial"
            return [(t.code, 1.0, method)]
        pieces = {t.code: piece for t, piece in overlapping}
        if target_year > source_year:
            # forward across a split: population of the pieces at the split
            split_year = (source.last_year or target_year) + 1
            sizes, estimated = self._piece_sizes(source, pieces, split_year, forward=True)
            method = "split_estimated" if estimated else "split"
            # a piece that re-creates an earlier unit is whole in the split year
        else:
            # backward across a merger: population of the targets in the target year
            sizes, estimated = self._piece_sizes(source, pieces, target_year, forward=False)
            method = "share_estimated" if estimated else "share"
        total = sum(sizes.values())
        return [(t, sizes[t] / total, method) for t in pieces]

    def mapping(self, source_year: int, target_year: int, level: str = KOMMUNE) -> pl.DataFrame:
        """How the codes valid in ``source_year`` map onto the structure of ``target_year``.

        Returns a frame ``source_code, target_code, weight, method``. Weights of one
        source add to 1 (totals are preserved). ``method``: ``identity``,
        ``renumbering``, ``merger`` (weight 1), ``split``/``share`` (population
        shares at the change) and ``split_estimated``/``share_estimated`` (shares
        that rest on estimated piece sizes; flag values built with them).
        """
        key = (max(source_year, FIRST_YEAR), max(target_year, FIRST_YEAR), level)
        cached = self._mapping_cache.get(key)
        if cached is None:
            rows = []
            for u in self.units_at(source_year, level):
                for target, weight, method in self._map_unit(u, source_year, target_year):
                    rows.append((u.code, target, weight, method))
            # The registry is immutable, so a mapping can be kept; callers must not mutate it.
            cached = self._mapping_cache[key] = pl.DataFrame(rows, schema=MAPPING_SCHEMA, orient="row")
        return cached

    def mapping_for_years(self, years: list[int], target_year: int, level: str = KOMMUNE) -> pl.DataFrame:
        """:meth:`mapping` for several source years, with a ``year`` column."""
        frames = [
            self.mapping(y, target_year, level).with_columns(pl.lit(y, pl.Int32).alias("year"))
            for y in sorted(set(years))
        ]
        if not frames:
            return pl.DataFrame(schema={"year": pl.Int32, **MAPPING_SCHEMA})
        return pl.concat(frames).select("year", *MAPPING_SCHEMA)

    # ------------------------------------------------------------- frames
    @cached_property
    def versions_frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            [(v.code, v.name, v.level, v.first_year, v.last_year) for v in self.versions],
            schema={"code": pl.Utf8, "name": pl.Utf8, "level": pl.Utf8,
                    "first_year": pl.Int32, "last_year": pl.Int32},
            orient="row",
        )

    @cached_property
    def changes_frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            [(c.year, c.kind, c.from_code, c.from_name, c.to_code, c.to_name, c.share) for c in self.changes],
            schema={"year": pl.Int32, "kind": pl.Utf8, "from_code": pl.Utf8, "from_name": pl.Utf8,
                    "to_code": pl.Utf8, "to_name": pl.Utf8, "share": pl.Float64},
            orient="row",
        )


# ---------------------------------------------------------------------- build
def _structures_by_year(code_lists: dict[int, dict[str, str]], last_year: int) -> dict[int, dict[str, str]]:
    """Fill the years between the bundled code lists (no changes happen in between)."""
    years = sorted(code_lists)
    out = {}
    for y in range(years[0], last_year + 1):
        src = max(k for k in years if k <= y)
        out[y] = code_lists[src]
    return out


def build_registry(
    code_lists: dict[int, dict[str, str]],
    transitions: pl.DataFrame,
    counties: pl.DataFrame,
    split_shares: pl.DataFrame,
    population: pl.DataFrame,
    last_year: int,
) -> RegionRegistry:
    """Build the registry from plain frames.

    - ``code_lists``: year → {code: name} of the municipalities valid from that
      year (until the next list).
    - ``transitions``: ``year, from_code, to_code, recreates`` for every pair of
      codes linked across 1 January ``year`` (unchanged codes may be omitted).
      ``recreates`` names the earlier code whose territory a split piece restores.
    - ``counties``: ``code, name, valid_from, valid_to`` (years; null = open).
    - ``split_shares``: ``split_code, successor_code, share``.
    - ``population``: ``region, year, value`` in each year's own codes (for the
      weights of splits and backward mappings).
    """
    structures = _structures_by_year(code_lists, last_year)
    first = min(structures)
    pop = {(r, int(y)): float(v) for r, y, v in population.select("region", "year", "value").iter_rows() if v is not None}

    trans_by_year: dict[int, list[tuple[str, str, str | None]]] = defaultdict(list)
    for y, f, t, rec in transitions.select("year", "from_code", "to_code", "recreates").iter_rows():
        trans_by_year[int(y)].append((f, t, rec or None))

    shares = {(s, t): float(w) for s, t, w in split_shares.select("split_code", "successor_code", "share").iter_rows()}

    # atoms per (year, code)
    atoms: dict[int, dict[str, frozenset[str]]] = {first: {c: frozenset([c]) for c in structures[first]}}
    refine: dict[str, list[str]] = {}
    atom_share: dict[str, float] = {}
    for y in range(first + 1, last_year + 1):
        prev, cur = atoms[y - 1], structures[y]
        links = trans_by_year.get(y, [])
        linked_to = {t for _, t, _ in links}
        outgoing: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
        for f, t, rec in links:
            outgoing[f].append((t, rec))
        now: dict[str, set[str]] = defaultdict(set)
        for code in cur:
            if code not in linked_to and code in prev and code not in outgoing:
                now[code] |= prev[code]
        for f, targets in outgoing.items():
            if f not in prev:
                raise ValueError(f"transition {y}: {f} not valid in {y - 1}")
            if len(targets) == 1:
                now[targets[0][0]] |= prev[f]
                continue
            # a split: pieces that re-create an earlier unit take its atoms
            remaining = set(prev[f])
            open_targets = []
            for t, rec in targets:
                if rec:
                    rec_atoms = next(
                        (atoms[yy][rec] for yy in range(y - 1, first - 1, -1) if rec in atoms[yy]), None
                    )
                    if rec_atoms is None or not rec_atoms <= remaining:
                        raise ValueError(f"split {f}→{t} in {y}: {rec} is not a part of {f}")
                    now[t] |= rec_atoms
                    remaining -= rec_atoms
                else:
                    open_targets.append(t)
            if len(open_targets) == 1:
                now[open_targets[0]] |= remaining
            elif open_targets:
                for a in remaining:
                    subs = [f"{a}>{t}" for t in open_targets]
                    refine[a] = subs
                    for t, s in zip(open_targets, subs):
                        if (f, t) not in shares:
                            raise ValueError(f"split {f}→{t} in {y}: no share in split_shares")
                        atom_share[s] = shares[(f, t)]
                        now[t].add(s)
        missing = [c for c in cur if c not in now]
        if missing:
            raise ValueError(f"{y}: no predecessor for {missing}")
        atoms[y] = {c: frozenset(a) for c, a in now.items() if c in cur}

    def expand(a: frozenset[str]) -> frozenset[str]:
        out: set[str] = set()
        stack = list(a)
        while stack:
            x = stack.pop()
            if x in refine:
                stack.extend(refine[x])
            else:
                out.add(x)
        return frozenset(out)

    atoms = {y: {c: expand(a) for c, a in per.items()} for y, per in atoms.items()}

    # base sizes: 2019 (the last year before the big reform) or the last year an atom was whole
    base: dict[str, float | None] = {}
    for y in sorted(atoms, reverse=True):
        for c, a in atoms[y].items():
            if len(a) == 1:
                (atom,) = a
                if atom not in base and (c, y) in pop and y <= 2019:
                    base[atom] = pop[(c, y)]
    leaves = set().union(*[a for per in atoms.values() for a in per.values()])
    for leaf in sorted(leaves):
        if leaf in base or ">" in leaf:
            continue
        base[leaf] = None
    # Atoms merged before the first population year (Andebu, Stokke into Sandefjord in
    # 2017) have no size of their own: share the first known population of the unit they
    # formed evenly, and remember the group so a piece that cuts through it is flagged.
    estimated_groups: list[frozenset[str]] = []
    for y in sorted(atoms):
        for c, a in atoms[y].items():
            unknown = {x for x in a if base.get(x, 0) is None}
            if unknown and (c, y) in pop and all(base.get(x) is None for x in a if ">" not in x):
                plain = [x for x in a if ">" not in x]
                for x in plain:
                    base[x] = pop[(c, y)] / len(plain)
                estimated_groups.append(frozenset(plain))
    for leaf in sorted(leaves):
        if ">" not in leaf:
            continue
        parent = leaf.split(">")[0]
        pb = base.get(parent)
        if pb is None:  # the split unit's own last population before the split
            pb = next(
                (pop[(c, y)] for y in sorted(atoms, reverse=True) for c, a in atoms[y].items()
                 if {x.split(">")[0] for x in a} == {parent} and (c, y) in pop),
                None,
            )
        base[leaf] = pb * atom_share[leaf] if pb is not None else None

    # versions: runs of years with the same code, atoms and name
    versions: list[UnitVersion] = []
    run_start: dict[tuple[str, frozenset[str], str], int] = {}
    for y in range(first, last_year + 1):
        for c, a in atoms[y].items():
            key = (c, a, structures[y][c])
            if key not in run_start:
                run_start[key] = y
    for (c, a, n), start in run_start.items():
        end = max(y for y in range(start, last_year + 1) if atoms[y].get(c) == a and structures[y].get(c) == n)
        versions.append(
            UnitVersion(c, n, KOMMUNE, None if start == first else start, None if end == last_year else end, a)
        )

    # counties: validity from the table; territory (atoms) = their municipalities'
    # atoms in each year, so a county that kept its code but gained or lost
    # municipalities (Møre og Romsdal in 2020) gets a new version.
    for code, name, vf, vt in counties.select("code", "name", "valid_from", "valid_to").iter_rows():
        runs: list[list] = []
        for y in range(max(vf or first, first), min(vt or last_year, last_year) + 1):
            members = [atoms[y][c] for c in atoms[y] if c[:2] == code]
            a = frozenset().union(*members) if members else frozenset()
            if runs and runs[-1][2] == a:
                runs[-1][1] = y
            else:
                runs.append([y, y, a])
        for start, end, a in runs:
            versions.append(
                UnitVersion(code, name, FYLKE, None if start == first else start,
                            None if end == last_year else end, a)
            )

    # county populations: sums of their municipalities
    for v in versions:
        if v.level != FYLKE:
            continue
        for y in range(v.first_year or first, (v.last_year or last_year) + 1):
            members = [c for c in atoms.get(y, {}) if c[:2] == v.code]
            vals = [pop.get((c, y)) for c in members]
            if members and all(x is not None for x in vals):
                pop[(v.code, y)] = float(sum(vals))

    registry = RegionRegistry(versions, [], base, pop, list(range(first, last_year + 1)), estimated_groups)
    recreating = {(int(y), f, t) for y, f, t, r in transitions.select("year", "from_code", "to_code", "recreates").iter_rows() if r}
    changes: list[Change] = []
    for level in (KOMMUNE, FYLKE):
        for y in range(first + 1, last_year + 1):
            before = {v.code: v for v in registry.units_at(y - 1, level)}
            after = {v.code: v for v in registry.units_at(y, level)}
            for f, fv in before.items():
                if after.get(f) == fv:
                    continue
                for t, weight, method in registry._map_unit(fv, y - 1, y):
                    tv = after[t]
                    if fv.atoms == tv.atoms:
                        kind = "name" if f == t else "renumbering"
                    elif method.startswith("split"):
                        kind = "recreated" if (y, f, t) in recreating else "split"
                    elif f == t:
                        kind = "boundary"
                    else:
                        kind = "merger"
                    share = weight if kind in ("split", "recreated") else None
                    changes.append(Change(y, kind, f, fv.name, t, tv.name, share))
    registry.changes = sorted(changes, key=lambda c: (c.year, c.from_code, c.to_code))
    return registry
