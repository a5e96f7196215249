"""Financial health: key figures, norms and own targets, ROBEK warning signs, real growth.

Pure computations on Polars frames (no Django). The database side
(:mod:`gevinst.economy.finance`) reads the stored series and passes them in;
texts for users are made there.

Key figures (per cent of gross operating revenue unless stated), SSB table 12134,
*kommunekonsern*:

* ``netto_driftsresultat`` (KOSAGD230000). Fallback where 12134 is not stored:
  ``NDR = accounts:net_result / accounts:revenues × 100`` (both in 1000 kr, from the
  KOSTRA accounts extract, SSB 12137/12362) — reproduces 12134 for Oslo to the
  published decimal.
* ``disposisjonsfond`` (fri egenkapital drift, KOSKG210000), ``arbeidskapital``
  (KOSKG280000), ``langsiktig_gjeld`` (KOSKG320000), ``netto_renteeksponering``
  (KOSKG400000: gjeld − rentebærende eiendeler; the interest-bearing assets are not in
  the extract, so no fallback), ``egenfinansiering_investeringer`` (KOSAGI210000, per
  cent of gross investment), ``frie_inntekter_per_innbygger`` (KOSAG110000, kr):
  published only.
* ``brutto_investeringer`` (KOSAGI10000). Fallback
  ``accounts:investments / accounts:revenues × 100``.
* ``netto_renteutgifter`` (computed only):
  ``(accounts:interest_expenses − accounts:interest_income) / accounts:revenues × 100``.
* ``gjeld_regnskap`` (computed only): ``accounts:debt / accounts:revenues × 100`` — the
  extract's «gjeld» is a narrower concept than SSB's langsiktig gjeld (Oslo 2024: 79,3
  against 106,8), so it is shown as its own figure, never as langsiktig gjeld.
* ``aarets_merforbruk`` (KOSAGD290000): the year's deficit (negative), for the ROBEK signs.

Recomposition: the counts are read recomposed onto the region's current structure
(:func:`gevinst.store.queries.series`), so a computed ratio of a merged municipality
is Σ numerator / Σ denominator over its parts, never an average of ratios.

Real growth with the municipal deflator ``d_t`` (per cent):
``P_base = 1``, ``P_t = P_{t−1} × (1 + d_t/100)`` (and backwards),
``fixed_t = nominal_t × P_base / P_t``,
``real growth_t = (fixed_t / fixed_{t−1} − 1) × 100 = ((nominal_t/nominal_{t−1}) / (1 + d_t/100) − 1) × 100``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

PUBLISHED = "ssb"
COMPUTED = "beregnet"
MISSING = "mangler"

HIGHER = "higher_better"
LOWER = "lower_better"
NEUTRAL = "neutral"


@dataclass(frozen=True)
class Fallback:
    """A ratio computed from two (or three) stored counts: ``(num − minus) / den × scale``."""

    numerator: str
    denominator: str
    minus: str | None = None
    scale: float = 100.0

    @property
    def variables(self) -> list[str]:
        return [v for v in (self.numerator, self.minus, self.denominator) if v]

    def formula(self) -> str:
        num = f"({self.numerator} − {self.minus})" if self.minus else self.numerator
        return f"{num} / {self.denominator} × {self.scale:g}"


@dataclass(frozen=True)
class KeyFigure:
    id: str
    variable: str | None  # the published 12134 variable
    unit: str  # "prosent" or "kr"
    direction: str
    fallback: Fallback | None = None
    missing_reason: str = ""  # English, for docs/logs; the page says «mangler» with a bokmål reason


KEY_FIGURES: tuple[KeyFigure, ...] = (
    KeyFigure("netto_driftsresultat", "12134:KOSAGD230000", "prosent", HIGHER,
              Fallback("accounts:net_result", "accounts:revenues")),
    KeyFigure("disposisjonsfond", "12134:KOSKG210000", "prosent", HIGHER,
              missing_reason="fund balances are not in the accounts extract"),
    KeyFigure("arbeidskapital", "12134:KOSKG280000", "prosent", HIGHER,
              missing_reason="current assets and liabilities are not in the accounts extract"),
    KeyFigure("langsiktig_gjeld", "12134:KOSKG320000", "prosent", LOWER,
              missing_reason="the extract's debt is not langsiktig gjeld ekskl. pensjonsforpliktelser"),
    KeyFigure("netto_renteeksponering", "12134:KOSKG400000", "prosent", LOWER,
              missing_reason="interest-bearing assets are not in the accounts extract"),
    KeyFigure("egenfinansiering_investeringer", "12134:KOSAGI210000", "prosent", HIGHER,
              missing_reason="investment financing is not in the accounts extract"),
    KeyFigure("frie_inntekter_per_innbygger", "12134:KOSAG110000", "kr", NEUTRAL,
              missing_reason="tax and block grant are not in the accounts extract"),
    KeyFigure("brutto_investeringer", "12134:KOSAGI10000", "prosent", NEUTRAL,
              Fallback("accounts:investments", "accounts:revenues")),
    KeyFigure("netto_renteutgifter", None, "prosent", LOWER,
              Fallback("accounts:interest_expenses", "accounts:revenues", minus="accounts:interest_income")),
    KeyFigure("gjeld_regnskap", None, "prosent", LOWER, Fallback("accounts:debt", "accounts:revenues")),
    KeyFigure("aarets_merforbruk", "12134:KOSAGD290000", "prosent", HIGHER,
              missing_reason="the year's deficit is not in the accounts extract"),
)

FIGURES_BY_ID = {f.id: f for f in KEY_FIGURES}

KEY_FIGURE_SCHEMA = {
    "key_figure": pl.Utf8, "year": pl.Int32, "value": pl.Float64, "basis": pl.Utf8,
    "published": pl.Float64, "computed": pl.Float64, "flag": pl.Utf8,
}


def _by_year(frame: pl.DataFrame | None) -> dict[int, tuple[float | None, str]]:
    if frame is None or frame.is_empty():
        return {}
    flags = frame["flag"].to_list() if "flag" in frame.columns else [""] * frame.height
    return {int(y): (v, f or "") for y, v, f in zip(frame["year"].to_list(), frame["value"].to_list(), flags)}


def compute_ratio(fb: Fallback, counts: dict[str, pl.DataFrame], year: int) -> tuple[float | None, str]:
    """The fallback ratio for one year and the flags of its parts (``None`` when a part is missing)."""
    parts = {v: _by_year(counts.get(v)).get(year, (None, "")) for v in fb.variables}
    values = {v: p[0] for v, p in parts.items()}
    if any(x is None for x in values.values()) or not values[fb.denominator]:
        return None, ""
    num = values[fb.numerator] - (values[fb.minus] if fb.minus else 0.0)
    flags = sorted({f for _, f in parts.values() if f})
    return num / values[fb.denominator] * fb.scale, ",".join(flags)


def key_figure_table(
    published: dict[str, pl.DataFrame], counts: dict[str, pl.DataFrame], years: list[int],
    figures: tuple[KeyFigure, ...] = KEY_FIGURES,
) -> pl.DataFrame:
    """One row per key figure and year: the value shown and where it comes from.

    ``published``: ``variable → (year, value[, flag])`` of the 12134 figures;
    ``counts``: ``variable → (year, value, flag)`` of the accounts extract (1000 kr).
    ``value`` is SSB's published figure where stored (``basis = "ssb"``), else the
    fallback computed from the accounts (``"beregnet"``), else ``None``
    (``"mangler"``). ``published`` and ``computed`` are both kept, so the two can be
    checked against each other.
    """
    rows = []
    for fig in figures:
        pub = _by_year(published.get(fig.variable)) if fig.variable else {}
        for y in years:
            p, pflag = pub.get(y, (None, ""))
            c, cflag = compute_ratio(fig.fallback, counts, y) if fig.fallback else (None, "")
            if p is not None:
                rows.append((fig.id, y, p, PUBLISHED, p, c, pflag))
            elif c is not None:
                rows.append((fig.id, y, c, COMPUTED, None, c, cflag))
            else:
                rows.append((fig.id, y, None, MISSING, None, None, ""))
    return pl.DataFrame(rows, schema=KEY_FIGURE_SCHEMA, orient="row")


def figure_values(table: pl.DataFrame, key_figure: str) -> dict[int, float]:
    """``year → value`` of one key figure (years with a value only)."""
    part = table.filter((pl.col("key_figure") == key_figure) & pl.col("value").is_not_null())
    return dict(zip(part["year"].to_list(), part["value"].to_list()))


# ------------------------------------------------------------------ norms and targets
@dataclass(frozen=True)
class Norm:
    key_figure: str
    operator: str  # ">=" or "<="
    value: float
    label: str = ""
    source: str = ""
    scope: str = ""  # "kommune", "sektor" or "" (own target), "typisk"
    valid_from: int | None = None

    def met(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return value >= self.value if self.operator == ">=" else value <= self.value


OPERATORS = (">=", "<=")


def load_norms(path: str | Path) -> tuple[list[Norm], list[Norm]]:
    """``(norms, typical_targets)`` from a norms TOML (see ``economy/norms.toml``)."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    norms, typical = [], []
    for key, out, scope in (("norm", norms, None), ("typical_target", typical, "typisk")):
        for n in data.get(key, []):
            if n["operator"] not in OPERATORS or n["key_figure"] not in FIGURES_BY_ID:
                raise ValueError(f"bad norm in {path}: {n!r}")
            out.append(Norm(n["key_figure"], n["operator"], float(n["value"]), n.get("label", ""),
                            n.get("source", ""), scope or n.get("scope", "")))
    return norms, typical


def target_for_year(targets: list[Norm], key_figure: str, year: int) -> Norm | None:
    """The own target valid in ``year``: the one with the latest ``valid_from`` ≤ year."""
    valid = [t for t in targets if t.key_figure == key_figure and (t.valid_from or 0) <= year]
    return max(valid, key=lambda t: t.valid_from or 0) if valid else None


# ------------------------------------------------------------------ deflator and real growth
@dataclass(frozen=True)
class Deflator:
    name: str
    source: str
    pct: dict[int, float]
    status: dict[int, str] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)

    def index(self, base_year: int, years: list[int]) -> dict[int, float | None]:
        """Price level ``P_t`` with ``P_base = 1``; ``None`` where a year's growth is missing."""
        out: dict[int, float | None] = {base_year: 1.0}
        level: float | None = 1.0
        for y in range(base_year + 1, max(years + [base_year]) + 1):
            level = level * (1 + self.pct[y] / 100) if level is not None and y in self.pct else None
            out[y] = level
        level = 1.0
        for y in range(base_year, min(years + [base_year]), -1):
            level = level / (1 + self.pct[y] / 100) if level is not None and y in self.pct else None
            out[y - 1] = level
        return {y: out.get(y) for y in years}


def load_deflator(path: str | Path) -> Deflator:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    pct, status, notes = {}, {}, {}
    for y, entry in data.get("years", {}).items():
        year = int(y)
        if isinstance(entry, dict):
            pct[year] = float(entry["pct"])
            status[year] = entry.get("status", "uverifisert")
            if entry.get("note"):
                notes[year] = entry["note"]
        else:
            pct[year] = float(entry)
            status[year] = "uverifisert"
    return Deflator(data.get("name", ""), data.get("source", ""), pct, status, notes)


REAL_SCHEMA = {
    "item": pl.Utf8, "year": pl.Int32, "nominal": pl.Float64, "deflator_pct": pl.Float64,
    "price_index": pl.Float64, "fixed": pl.Float64, "nominal_growth": pl.Float64, "real_growth": pl.Float64,
}


def real_growth(nominal: dict[str, dict[int, float | None]], deflator: Deflator, base_year: int) -> pl.DataFrame:
    """Fixed-price series and real growth per year.

    ``nominal``: ``item → {year: amount}`` (e.g. ``revenues``, ``expenses`` in 1000 kr).
    Returns ``item, year, nominal, deflator_pct, price_index, fixed, nominal_growth,
    real_growth`` (growth in per cent from the year before).
    """
    rows = []
    for item, values in nominal.items():
        years = sorted(values)
        if not years:
            continue
        index = deflator.index(base_year, years)
        prev_nom = prev_fixed = None
        for y in years:
            nom = values[y]
            p = index.get(y)
            fixed = nom / p if nom is not None and p else None
            ng = (nom / prev_nom - 1) * 100 if nom is not None and prev_nom else None
            rg = (fixed / prev_fixed - 1) * 100 if fixed is not None and prev_fixed else None
            rows.append((item, y, nom, deflator.pct.get(y), p, fixed, ng, rg))
            prev_nom, prev_fixed = nom, fixed
    return pl.DataFrame(rows, schema=REAL_SCHEMA, orient="row")


# ------------------------------------------------------------------ ROBEK warning signs
@dataclass(frozen=True)
class Warning:
    """A warning sign; ``drivers`` are ``(key_figure, year, value)`` that trigger it."""

    code: str
    drivers: tuple[tuple[str, int, float], ...]
    ground: str = ""  # the ROBEK ground (kommuneloven § 28-1) it points towards, if any
    approximate: bool = False


#: ROBEK ground d: accumulated deficit larger than 3 % of operating revenue.
ACCUMULATED_DEFICIT_LIMIT = 3.0


def robek_warnings(table: pl.DataFrame) -> list[Warning]:
    """Warning signs computed from the key figures.

    * ``negativt_resultat``: netto driftsresultat < 0 in the latest year with a value.
    * ``merforbruk``: årets merforbruk (12134 KOSAGD290000) < 0 in the latest year.
    * ``merforbruk_ikke_dekket``: merforbruk in two years in a row (the deficit of the
      first was not covered the next year; cf. ground c, coverage within two years).
    * ``oppsamlet_merforbruk``: the sum of the merforbruk percentages over the run of
      consecutive deficit years ending in the latest year exceeds 3 % (ground d). An
      approximation: the balance sheet's accumulated deficit is not stored, and the
      percentages of different years have different bases.
    * ``fallende_resultat_og_fond``: netto driftsresultat and disposisjonsfond both fell
      in each of the last three years with values (three years, two falls each).
    """
    out: list[Warning] = []
    ndr = figure_values(table, "netto_driftsresultat")
    deficit = figure_values(table, "aarets_merforbruk")
    fund = figure_values(table, "disposisjonsfond")
    if ndr:
        last = max(ndr)
        if ndr[last] < 0:
            negatives = tuple(("netto_driftsresultat", y, ndr[y]) for y in sorted(ndr) if y > last - 3 and ndr[y] < 0)
            out.append(Warning("negativt_resultat", negatives))
    if deficit:
        last = max(deficit)
        if deficit[last] < 0:
            out.append(Warning("merforbruk", (("aarets_merforbruk", last, deficit[last]),), ground="a"))
            run = []
            y = last
            while y in deficit and deficit[y] < 0:
                run.insert(0, ("aarets_merforbruk", y, deficit[y]))
                y -= 1
            if len(run) >= 2:
                out.append(Warning("merforbruk_ikke_dekket", tuple(run), ground="c"))
            total = -sum(v for _, _, v in run)
            if total > ACCUMULATED_DEFICIT_LIMIT:
                out.append(Warning("oppsamlet_merforbruk", tuple(run), ground="d", approximate=True))
    falls = _three_year_fall(ndr, "netto_driftsresultat"), _three_year_fall(fund, "disposisjonsfond")
    if all(falls):
        out.append(Warning("fallende_resultat_og_fond", falls[0] + falls[1]))
    return out


def _three_year_fall(values: dict[int, float], key: str) -> tuple[tuple[str, int, float], ...] | None:
    years = sorted(values)[-3:]
    if len(years) < 3 or years[-1] - years[0] != 2:
        return None
    v = [values[y] for y in years]
    if v[0] > v[1] > v[2]:
        return tuple((key, y, values[y]) for y in years)
    return None


def parse_grounds(text: str) -> list[str]:
    """``"a, b, c og d"`` → ``["a", "b", "c", "d"]`` (the register's hjemmel field)."""
    cleaned = text.replace(" og ", ",").replace("og", ",")
    return [g.strip() for g in cleaned.split(",") if g.strip()]
