"""Similar municipalities and benchlearning networks: the database side of
:mod:`gevinst.core.similarity` and :mod:`gevinst.core.networks`.

Structural variables for all 357 municipalities (2024 structure) from the
bundled data: population (SSB 07459), centrality and KOSTRA group (SSB),
expenditure-need indices (KDD Grønt hefte 2026), age shares, population growth
2019→2024 (``series`` recomposes 2019 onto the 2024 structure) and frie
inntekter per innbygger (12134; only the few regions stored). Settlement
pattern (*bosettingsmønster*, e.g. travel distance to the centre) is not
bundled and cannot be chosen.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gevinst.catalogue import load_catalogue
from gevinst.core import networks as core_networks
from gevinst.core import similarity as core
from gevinst.core.baseline import wilson_interval
from gevinst.core.regions import KOMMUNE
from gevinst.errors import UserError
from gevinst.sources import bundled

from .models_peers import PeerSet

log = logging.getLogger("gevinst.benchlearning")

STRUCTURE_YEAR = 2024
NEED_VINTAGE = 2026

#: Structural variables: key → label (bokmål), unit.
VARIABLES: dict[str, tuple] = {
    "population": (gettext_lazy("Innbyggere (log)"), gettext_lazy("innbyggere")),
    "centrality": (gettext_lazy("Sentralitet (1 = mest sentral)"), gettext_lazy("klasse 1–6")),
    "need": (gettext_lazy("Utgiftsbehov, samlet indeks"), gettext_lazy("indeks")),
    "age_67p": (gettext_lazy("Andel 67 år og eldre"), gettext_lazy("prosent")),
    "age_0_5": (gettext_lazy("Andel 0–5 år"), gettext_lazy("prosent")),
    "age_6_15": (gettext_lazy("Andel 6–15 år"), gettext_lazy("prosent")),
    "age_67_79": (gettext_lazy("Andel 67–79 år"), gettext_lazy("prosent")),
    "age_80p": (gettext_lazy("Andel 80 år og eldre"), gettext_lazy("prosent")),
    "growth": (gettext_lazy("Befolkningsvekst 2019–2024"), gettext_lazy("prosent")),
    **{f"need_{s}": (gettext_lazy("Utgiftsbehov, %(sector)s") % {"sector": bundled.NEED_SECTOR_LABELS[s].lower()},
                     gettext_lazy("indeks")) for s in bundled.NEED_SECTORS},
    "free_income": (gettext_lazy("Frie inntekter per innbygger (få kommuner)"), gettext_lazy("kr")),
}
#: In the spirit of the KOSTRA groups: size, bound costs (≈ expenditure need, centrality, age) — free
#: income would be the third criterion but is stored for a few municipalities only.
DEFAULT_VARIABLES = ("population", "centrality", "need", "age_67p")
DEFAULT_N = 10
MAX_N = 50
STABILITY_SPREAD = 0.2
STABILITY_DRAWS = 200
#: Network defaults: comparable on size, centrality and need.
DEFAULT_COMPARE = ("population", "centrality", "need")
FALLBACK_LEARN = ("age_0_5", "age_6_15", "age_80p", "growth")
DEFAULT_LAMBDA = 1.0
#: "clearly better": at least this many standard deviations (all municipalities with a value) apart.
CLEAR_SD = 0.25


def variable_label(key: str) -> str:
    return str(VARIABLES[key][0]) if key in VARIABLES else key


# ------------------------------------------------------------------ data
def _bundled_structure() -> pl.DataFrame:
    p = bundled.population_2024_structure().filter(pl.col("year") == STRUCTURE_YEAR)
    share = lambda *cols: (sum(pl.col(c) for c in cols) / pl.col("total") * 100)
    f = p.select(
        pl.col("kommunenummer").alias("region"),
        pl.col("kommunenavn").alias("name"),
        pl.col("total").cast(pl.Float64).alias("inhabitants"),
        pl.col("total").cast(pl.Float64).log().alias("population"),
        share("age_0", "age_1_5").alias("age_0_5"),
        share("age_6_15").alias("age_6_15"),
        share("age_67_79").alias("age_67_79"),
        share("age_80_89", "age_90p").alias("age_80p"),
        share("age_67_79", "age_80_89", "age_90p").alias("age_67p"),
    )
    attrs = bundled.region_attributes().filter(pl.col("year") == STRUCTURE_YEAR).select(
        "region", pl.col("centrality").cast(pl.Float64), "kostra_group")
    need = bundled.need_indices().filter(pl.col("vintage") == NEED_VINTAGE).pivot(
        on="sector", index="region", values="index")
    need = need.select("region", *[pl.col(s).alias("need" if s == "samlet" else f"need_{s}") for s in need.columns if s != "region"])
    reg = bundled.registry()
    f = f.with_columns(pl.col("region").map_elements(reg.name, return_dtype=pl.Utf8).alias("name"))
    return f.join(attrs, on="region", how="left").join(need, on="region", how="left")


def structure_frame(variables: tuple[str, ...] | list[str] | None = None) -> pl.DataFrame:
    """``region, name, inhabitants, kostra_group`` and every structural variable (nulls where unknown)."""
    f = _bundled_structure()
    wanted = set(variables or VARIABLES)
    if "growth" in wanted:
        from gevinst.store.models import Variable
        from gevinst.store.queries import series

        if Variable.objects.filter(code="population").exists():
            s = series("population", STRUCTURE_YEAR, [2019, STRUCTURE_YEAR]).pivot(on="year", index="region", values="value")
            g = s.select("region", ((pl.col(str(STRUCTURE_YEAR)) / pl.col("2019") - 1) * 100).alias("growth"))
            f = f.join(g, on="region", how="left")
        else:  # no stored population: growth is simply unavailable
            log.warning("population growth unavailable: population not stored")
    if "free_income" in wanted:
        from gevinst.store.models import Variable
        from gevinst.store.queries import observations, select_vintages

        if Variable.objects.filter(code="12134:KOSAG110000").exists():
            o = select_vintages(observations("12134:KOSAG110000")).filter(pl.col("value").is_not_null())
            latest = o.sort("year").group_by("region").last().select("region", pl.col("value").cast(pl.Float64).alias("free_income"))
            f = f.join(latest, on="region", how="left")
        else:
            log.warning("free income unavailable: 12134:KOSAG110000 not stored")
    for v in VARIABLES:
        if v not in f.columns:
            f = f.with_columns(pl.lit(None, pl.Float64).alias(v))
    return f


# ------------------------------------------------------------------ parsing
def parse_variables(text: str | list[str] | None) -> list[str]:
    if not text:
        return list(DEFAULT_VARIABLES)
    items = text if isinstance(text, list) else [t.strip() for t in text.split(",")]
    items = [t for t in items if t]
    unknown = [t for t in items if t not in VARIABLES]
    if unknown:
        raise UserError(
            _("Ukjent variabel «%(v)s». Velg blant: %(names)s.") % {"v": unknown[0], "names": ", ".join(VARIABLES)},
            f"unknown structural variable {unknown[0]!r}")
    if len(set(items)) != len(items):
        raise UserError(_("En variabel er valgt to ganger."), "duplicate variable")
    return items


def parse_weights(text: str | list | None, variables: list[str]) -> dict[str, float]:
    """``"2,1,1,1"`` (in the order of the variables) or ``"population=2,need=1"``; missing weights are 1."""
    raw: dict[str, float] = {}
    if text:
        items = text if isinstance(text, list) else [t.strip() for t in str(text).split(",") if t.strip()]
        try:
            if all("=" in str(i) for i in items):
                for i in items:
                    k, v = str(i).split("=", 1)
                    if k.strip() not in variables:
                        raise UserError(_("Vekten «%(k)s» gjelder ingen valgt variabel.") % {"k": k.strip()},
                                        f"weight for unselected variable {k!r}")
                    raw[k.strip()] = float(v.replace(",", "."))
            else:
                if len(items) != len(variables):
                    raise UserError(
                        _("Det er %(w)s vekter, men %(v)s variabler.") % {"w": len(items), "v": len(variables)},
                        "weight count mismatch")
                raw = {v: float(str(w).replace(",", ".")) for v, w in zip(variables, items)}
        except ValueError:
            raise UserError(_("Vektene må være tall, f.eks. 2,1,1,1."), f"bad weights {text!r}") from None
    try:
        return core.normalise_weights(variables, raw)
    except ValueError:
        raise UserError(_("Vektene må være null eller positive, og minst én må være større enn null."),
                        f"bad weights {text!r}") from None


def _current_code(code: str) -> str:
    reg = bundled.registry()
    code = code.strip()
    reg.versions_of(code)  # unknown → UnknownRegionError
    mapped = reg.code_in_structure(code, STRUCTURE_YEAR)
    if mapped is None or reg.latest_version(mapped).level != KOMMUNE:
        raise UserError(_("%(code)s er ikke en kommune i dagens kommunestruktur.") % {"code": code},
                        f"{code} not a municipality in the {STRUCTURE_YEAR} structure")
    return mapped


# ------------------------------------------------------------------ similar municipalities
@dataclass
class PeerResult:
    region: str
    name: str
    variables: list[str]
    weights: dict[str, float]
    n: int
    method: str
    peers: pl.DataFrame  # region, name, distance, rank, kostra_group, same_group, inclusion
    breakdown: pl.DataFrame  # core.breakdown + name
    values: pl.DataFrame  # region, name, raw values of the variables (target first)
    mean_jaccard: float
    entering: pl.DataFrame  # regions that entered the top N in some perturbed draw
    candidates: int
    kostra_group: str | None
    notes: list[str] = field(default_factory=list)

    @property
    def members(self) -> list[str]:
        return self.peers["region"].to_list()

    def spec(self) -> dict:
        return {"variables": self.variables, "weights": self.weights, "n": self.n, "method": self.method}


def find_peers(region: str, variables=None, weights=None, n: int = DEFAULT_N, *, method: str = "z",
               spread: float = STABILITY_SPREAD, draws: int = STABILITY_DRAWS, seed: int = 0) -> PeerResult:
    """The ``n`` municipalities most similar to ``region`` with the distance broken down by variable."""
    variables = parse_variables(variables)
    w = weights if isinstance(weights, dict) and weights and abs(sum(weights.values()) - 1) < 1e-9 else parse_weights(weights, variables)
    if not isinstance(n, int) or not 1 <= n <= MAX_N:
        raise UserError(_("Antallet må være mellom 1 og %(max)s.") % {"max": MAX_N}, f"bad n {n!r}")
    if method not in ("z", "robust"):
        raise UserError(_("Standardiseringen må være z eller robust."), f"bad method {method!r}")
    code = _current_code(region)
    frame = structure_frame(variables)
    notes: list[str] = []
    target_row = frame.filter(pl.col("region") == code)
    missing = [v for v in variables if target_row[v][0] is None]
    if missing:
        raise UserError(
            _("%(code)s %(name)s mangler verdi for %(vars)s og kan ikke sammenlignes på den variabelen.")
            % {"code": code, "name": target_row["name"][0], "vars": ", ".join(variable_label(v) for v in missing)},
            f"{code} lacks {missing}")
    std = core.standardise(frame, variables, method)
    dropped = frame.height - std.height
    if dropped:
        notes.append(_("%(n)s kommuner mangler verdi for en av variablene og er utelatt.") % {"n": dropped})
    if "free_income" in variables:
        notes.append(_("Frie inntekter per innbygger finnes bare for noen få kommuner i databasen; "
                       "sammenligningen gjelder bare dem."))
    top = core.nearest(std, code, w, n)
    stab, jaccard = core.stability(std, code, w, n, spread=spread, draws=draws, seed=seed)
    names = frame.select("region", "name", "kostra_group")
    own_group = names.filter(pl.col("region") == code)["kostra_group"][0]
    peers = (
        top.select("region", "distance", "rank")
        .join(names, on="region", how="left")
        .join(stab.filter(pl.col("base")).select("region", "inclusion"), on="region", how="left")
        .with_columns((pl.col("kostra_group") == pl.lit(own_group)).alias("same_group"))
        .sort("rank")
        .select("region", "name", "distance", "rank", "kostra_group", "same_group", "inclusion")
    )
    entering = stab.filter(~pl.col("base") & (pl.col("inclusion") > 0)).join(names, on="region", how="left")
    bd = core.breakdown(std, code, w, peers["region"].to_list()).join(names.select("region", "name"), on="region")
    values = frame.filter(pl.col("region").is_in([code, *peers["region"].to_list()])).select(
        "region", "name", "inhabitants", *variables)
    order = {c: i for i, c in enumerate([code, *peers["region"].to_list()])}
    values = values.with_columns(pl.col("region").replace_strict(order, default=999).alias("_o")).sort("_o").drop("_o")
    return PeerResult(
        region=code, name=target_row["name"][0], variables=variables, weights=w, n=n, method=method,
        peers=peers, breakdown=bd.sort(["rank", "variable"]), values=values, mean_jaccard=jaccard,
        entering=entering, candidates=std.height - 1, kostra_group=own_group, notes=notes,
    )


def kostra_agreement(variables=None, weights=None, n: int = DEFAULT_N, method: str = "z") -> dict[str, float]:
    """How often the ``n`` nearest neighbours share a municipality's KOSTRA group (2024), against chance."""
    variables = parse_variables(variables)
    w = parse_weights(weights, variables)
    frame = structure_frame(variables)
    std = core.standardise(frame, variables, method)
    return core.group_agreement(std, w, n, frame.select("region", pl.col("kostra_group").alias("group")).drop_nulls())


# ------------------------------------------------------------------ peer sets
def save_peer_set(name: str, result: PeerResult, organisation=None) -> PeerSet:
    """Save ``result`` as a peer set named ``name`` for ``organisation`` (None: a set without one).

    Names are unique per organisation (and among the sets without one).
    """
    name = (name or "").strip()
    if not name or len(name) > 80 or ":" in name or "," in name:
        raise UserError(_("Navnet må ha 1–80 tegn og kan ikke inneholde komma eller kolon."), f"bad peer set name {name!r}")
    try:
        with transaction.atomic():
            ps = PeerSet.objects.create(name=name, region=result.region, members=result.members, variables=result.spec(),
                                        organisation=organisation)
    except IntegrityError:
        raise UserError(_("Et sammenligningssett med navnet «%(name)s» finnes allerede.") % {"name": name},
                        f"duplicate peer set {name!r}") from None
    log.info("saved peer set %r for %s (%d members, organisation %s)", name, result.region, len(result.members),
             getattr(organisation, "slug", None))
    return ps


def peer_sets_for(organisations=None):
    """The peer sets visible with ``organisations``: theirs, or (None) the sets without an organisation."""
    if organisations is None:
        return PeerSet.objects.filter(organisation__isnull=True)
    return PeerSet.objects.filter(organisation__in=list(organisations)).select_related("organisation")


def peer_set_members(name: str, organisations=None) -> list[str]:
    """Member codes of the saved set ``name`` (unknown name → UserError).

    ``organisations``: look among these organisations' sets only (never another
    organisation's); None: among the sets without an organisation.
    """
    sets = peer_sets_for(organisations)
    found = list(sets.filter(name=name.strip())[:2])
    if len(found) > 1:
        raise UserError(_("Flere av organisasjonene dine har et sammenligningssett med navnet «%(name)s».")
                        % {"name": name.strip()}, f"ambiguous peer set {name!r}")
    if not found:
        known = ", ".join(sets.values_list("name", flat=True)[:20])
        raise UserError(
            _("Fant ikke sammenligningssettet «%(name)s».") % {"name": name.strip()}
            + (" " + _("Lagrede sett: %(names)s.") % {"names": known} if known else ""),
            f"unknown peer set {name!r}")
    return list(found[0].members)


# ------------------------------------------------------------------ networks
@dataclass
class NetworkResult:
    members: list[str]
    names: dict[str, str]
    groups: list[list[str]]
    objective: float
    solver: str
    min_size: int
    max_size: int
    lam: float
    learn: list[str]
    compare: list[str]
    learn_kind: str  # "indicators" or "structure"
    group_stats: list[dict]  # per group: mean het, mean cmp
    random_het: float  # mean within-group het of random partitions (for comparison)
    random_cmp: float
    notes: list[str] = field(default_factory=list)


def parse_sizes(text: str | int | None) -> tuple[int, int]:
    """``"4-6"``, ``"5"`` or None (4–6)."""
    if text is None or text == "":
        return 4, 6
    s = str(text).replace("–", "-").strip()
    try:
        if "-" in s:
            a, b = (int(x) for x in s.split("-", 1))
        else:
            a = b = int(s)
    except ValueError:
        raise UserError(_("Størrelsen må være et tall eller et intervall, f.eks. 5 eller 4-6."), f"bad size {text!r}") from None
    if a < 2 or b < a or b > 12:
        raise UserError(_("Størrelsen må være mellom 2 og 12, og minste størrelse kan ikke være større enn største."),
                        f"bad size {text!r}")
    return a, b


def parse_members(text: str | list[str]) -> list[str]:
    items = text if isinstance(text, list) else [c.strip() for c in str(text or "").replace(";", ",").split(",")]
    codes = [c for c in items if c]
    mapped = [_current_code(c) for c in codes]
    if len(set(mapped)) != len(mapped):
        raise UserError(_("En kommune står flere ganger i deltakerlisten."), "duplicate member")
    return mapped


def _indicator_matrix(members: list[str], indicators: list[str] | None):
    """Latest values of indicators for the members: (frame indicator, region, year, value, flag, denominator), catalogue."""
    from gevinst.baselines.service import indicator_values
    from gevinst.store.queries import read_cache

    cat = load_catalogue()
    # counts (e.g. number of cases) do not compare across municipalities of different size
    chosen = [i for i in cat.indicators if i.level in ("kommune", "begge") and i.kind != "count"]
    if indicators:
        ids = {i.id for i in chosen}
        bad = [i for i in indicators if i not in ids]
        if bad:
            raise UserError(_("Ukjent indikator «%(id)s».") % {"id": bad[0]}, f"unknown indicator {bad[0]!r}")
        chosen = [i for i in chosen if i.id in indicators]
    last = bundled.registry().last_year
    years = list(range(last - 4, last + 1))
    with read_cache():
        values, _ids = indicator_values(chosen, STRUCTURE_YEAR, years, KOMMUNE)
    values = values.filter(pl.col("value").is_not_null() & pl.col("value").is_finite())
    return values, cat


def _latest_per_indicator(values: pl.DataFrame, members: list[str]) -> pl.DataFrame:
    """Per indicator, the latest year with the most members having a value; those members' rows."""
    m = values.filter(pl.col("region").is_in(members))
    if m.is_empty():
        return m
    counts = m.group_by(["indicator", "year"]).agg(pl.len().alias("k"))
    best = counts.sort(["indicator", "k", "year"], descending=[False, True, True]).group_by("indicator").first()
    return m.join(best.select("indicator", "year"), on=["indicator", "year"], how="inner")


def compose_networks(members, size=None, *, learn=None, compare=None, lam: float = DEFAULT_LAMBDA,
                     seed: int = 0) -> NetworkResult:
    """Partition ``members`` into networks (see :mod:`gevinst.core.networks` for the objective)."""
    codes = parse_members(members)
    lo, hi = parse_sizes(size)
    if core_networks.feasible_sizes(len(codes), lo, hi) is None:
        raise UserError(
            _("%(n)s deltakere kan ikke deles i nettverk med %(lo)s–%(hi)s medlemmer. Endre størrelsen eller listen.")
            % {"n": len(codes), "lo": lo, "hi": hi}, f"{len(codes)} members cannot be split into {lo}-{hi}")
    if not (lam >= 0 and math.isfinite(lam)):
        raise UserError(_("Vekten på sammenlignbarhet (λ) må være null eller positiv."), f"bad lambda {lam!r}")
    compare = parse_variables(compare or list(DEFAULT_COMPARE))
    notes: list[str] = []
    frame = structure_frame()
    names = dict(frame.select("region", "name").iter_rows())
    # comparability: standardised over all municipalities, so distances mean the same for any participant list
    cstd = core.standardise(frame, compare)
    cw = core.normalise_weights(compare, None)
    missing = [c for c in codes if c not in set(cstd["region"].to_list())]
    if missing:
        raise UserError(_("%(codes)s mangler strukturdata og kan ikke være med.") % {"codes": ", ".join(missing)},
                        f"no structure data for {missing}")
    cm = cstd.filter(pl.col("region").is_in(codes))
    cm = cm.with_columns(pl.col("region").replace_strict({c: i for i, c in enumerate(codes)}).alias("_o")).sort("_o")
    cmp = core_networks.pairwise(cm.select([pl.col(v) * math.sqrt(cw[v]) for v in compare]).to_numpy())
    # learning: indicators complete for every participant, else structural variables not used for comparability
    wanted = [x.strip() for x in (learn if isinstance(learn, list) else str(learn or "").split(",")) if x.strip()]
    het = None
    learn_list: list[str] = []
    learn_kind = "indicators"
    if not wanted or not all(x in VARIABLES for x in wanted):
        values, _cat = _indicator_matrix(codes, wanted or None)
        if not wanted:  # results only: descriptive (neutral) indicators are not something to learn from
            directed = {i.id for i in _cat.indicators if i.direction in ("higher_better", "lower_better")}
            values = values.filter(pl.col("indicator").is_in(list(directed)))
        latest = _latest_per_indicator(values, codes)
        counts = latest.group_by("indicator").agg(pl.len().alias("k"))
        complete = counts.filter(pl.col("k") == len(codes))["indicator"].sort().to_list()
        if wanted and len(complete) < len(wanted):
            notes.append(_("Indikatorer uten verdi for alle deltakerne er utelatt: %(ids)s.")
                         % {"ids": ", ".join(sorted(set(wanted) - set(complete)))})
        if complete:
            zcols = []
            for ind in complete:
                year = latest.filter(pl.col("indicator") == ind)["year"][0]
                allv = values.filter((pl.col("indicator") == ind) & (pl.col("year") == year))["value"].to_numpy()
                sd = float(np.std(allv, ddof=1)) if len(allv) > 1 else 0.0
                mv = latest.filter(pl.col("indicator") == ind)
                vals = dict(zip(mv["region"].to_list(), mv["value"].to_list()))
                x = np.array([vals[c] for c in codes])
                zcols.append((x - allv.mean()) / sd if sd > 0 else np.zeros(len(codes)))
            het = core_networks.pairwise(np.column_stack(zcols) / math.sqrt(len(zcols)))
            learn_list = complete
    if het is None:
        learn_kind = "structure"
        if wanted and all(x in VARIABLES for x in wanted):
            learn_list = parse_variables(wanted)
        else:
            learn_list = [v for v in FALLBACK_LEARN if v not in compare]
            notes.append(_("Ingen indikator har verdi for alle deltakerne; ulikhet måles på strukturvariablene %(vars)s.")
                         % {"vars": ", ".join(variable_label(v) for v in learn_list)})
        lstd = core.standardise(frame, learn_list)
        lw = core.normalise_weights(learn_list, None)
        lm = lstd.filter(pl.col("region").is_in(codes))
        if lm.height != len(codes):
            raise UserError(_("Noen deltakere mangler verdier for læringsvariablene."), "learn variables missing")
        lm = lm.with_columns(pl.col("region").replace_strict({c: i for i, c in enumerate(codes)}).alias("_o")).sort("_o")
        het = core_networks.pairwise(lm.select([pl.col(v) * math.sqrt(lw[v]) for v in learn_list]).to_numpy())
    score = core_networks.pair_score(het, cmp, lam)
    sol = core_networks.solve(score, lo, hi, seed=seed)
    groups = [[codes[i] for i in g] for g in sol.groups]
    stats = []
    for g in sol.groups:
        stats.append({"het": core_networks.mean_within(het, [g]), "cmp": core_networks.mean_within(cmp, [g])})
    rng = np.random.default_rng(seed)
    sizes = core_networks.feasible_sizes(len(codes), lo, hi)
    rnd = [core_networks._random_start(len(codes), sizes, rng) for _ in range(200)]
    return NetworkResult(
        members=codes, names=names, groups=groups, objective=sol.objective, solver=sol.method,
        min_size=lo, max_size=hi, lam=lam, learn=learn_list, compare=compare, learn_kind=learn_kind,
        group_stats=stats,
        random_het=float(np.mean([core_networks.mean_within(het, p) for p in rnd])),
        random_cmp=float(np.mean([core_networks.mean_within(cmp, p) for p in rnd])),
        notes=notes,
    )


@dataclass
class NetworkReport:
    members: list[str]
    names: dict[str, str]
    table: pl.DataFrame  # indicator, name, unit, direction, year, one column per member, best
    lessons: pl.DataFrame  # indicator, name, learner, teacher, learner_value, teacher_value, difference
    notes: list[str] = field(default_factory=list)


def _clearly_better(a: dict, b: dict, direction: str, unit: str, sd: float) -> bool:
    """``b`` clearly better than ``a``: neither noisy, beyond 0.25 SD, and non-overlapping Wilson intervals for shares."""
    if a["noisy"] or b["noisy"]:
        return False
    diff = (b["value"] - a["value"]) * (1 if direction == "higher_better" else -1)
    if diff <= 0 or sd <= 0 or diff < CLEAR_SD * sd:
        return False
    if unit == "prosent" and a["denominator"] and b["denominator"]:
        ia, ib = wilson_interval(a["value"], a["denominator"]), wilson_interval(b["value"], b["denominator"])
        if ia and ib and not (ia[1] < ib[0] or ib[1] < ia[0]):
            return False
    return True


def network_report(members, indicators=None) -> NetworkReport:
    """Members' indicator values side by side, best practice per indicator, who can learn what from whom."""
    codes = parse_members(members)
    if len(codes) < 2:
        raise UserError(_("Et nettverk trenger minst to kommuner."), "network with fewer than two members")
    names = {c: bundled.registry().name(c) for c in codes}
    values, cat = _indicator_matrix(codes, indicators)
    latest = _latest_per_indicator(values, codes)
    notes: list[str] = []
    rows, lessons = [], []
    for ind_id in latest["indicator"].unique().sort().to_list():
        ind = cat.get(ind_id)
        sub = latest.filter(pl.col("indicator") == ind_id)
        year = int(sub["year"][0])
        allv = values.filter((pl.col("indicator") == ind_id) & (pl.col("year") == year))["value"].to_numpy()
        sd = float(np.std(allv, ddof=1)) if len(allv) > 1 else 0.0
        info = {}
        for r in sub.iter_rows(named=True):
            noisy = bool(ind.small_denominator and r["denominator"] is not None and r["denominator"] < ind.small_denominator)
            noisy = noisy or any(f in (r["flag"] or "") for f in ("estimated", "missing_part"))
            info[r["region"]] = {"value": r["value"], "denominator": r["denominator"], "noisy": noisy}
        best = ""
        if ind.direction in ("higher_better", "lower_better") and info:
            clean = {c: i for c, i in info.items() if not i["noisy"]} or info
            pick = max if ind.direction == "higher_better" else min
            best = pick(clean, key=lambda c: clean[c]["value"])
            for learner in codes:
                for teacher in codes:
                    if learner != teacher and learner in info and teacher in info and \
                            _clearly_better(info[learner], info[teacher], ind.direction, ind.unit, sd):
                        lessons.append((ind_id, ind.name, learner, teacher, info[learner]["value"], info[teacher]["value"],
                                        info[teacher]["value"] - info[learner]["value"]))
        rows.append({"indicator": ind_id, "name": ind.name, "unit": ind.unit, "direction": ind.direction, "year": year,
                     "sd": sd, **{c: info.get(c, {}).get("value") for c in codes},
                     **{f"noisy_{c}": info.get(c, {}).get("noisy", False) for c in codes}, "best": best})
    schema = {"indicator": pl.Utf8, "name": pl.Utf8, "unit": pl.Utf8, "direction": pl.Utf8, "year": pl.Int32, "sd": pl.Float64,
              **{c: pl.Float64 for c in codes}, **{f"noisy_{c}": pl.Boolean for c in codes}, "best": pl.Utf8}
    table = pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
    lesson_frame = pl.DataFrame(lessons, orient="row", schema={
        "indicator": pl.Utf8, "name": pl.Utf8, "learner": pl.Utf8, "teacher": pl.Utf8,
        "learner_value": pl.Float64, "teacher_value": pl.Float64, "difference": pl.Float64})
    if table.is_empty():
        notes.append(_("Ingen av indikatorene har verdier for disse kommunene i databasen."))
    return NetworkReport(members=codes, names=names, table=table, lessons=lesson_frame, notes=notes)

