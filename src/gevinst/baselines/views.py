"""Baseline pages: the nullpunktsmåling per area, one page per indicator (chart and map),
the region's indicators per UN Sustainable Development Goal, and the exports.

Thin views over :func:`gevinst.baselines.service.compute_baseline` and
:func:`gevinst.reports.baseline_export.flat_rows`: nothing is recomputed here
except what a figure needs to draw (a peer median per year for the chart).
Texts are bokmål through gettext; numbers are formatted with
:func:`gevinst.core.formatting.format_number` (or ``no_number`` in templates).
Figures are server-rendered SVG (:mod:`gevinst.regions.charts`,
:mod:`gevinst.regions.maps`): the CSP forbids inline scripts and styles.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import polars as pl
from django import forms
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gevinst.accounts.cli import user_organisations
from gevinst.baselines.service import compute_baseline, default_year
from gevinst.benchlearning.peers import peer_set_members, peer_sets_for
from gevinst.catalogue import load_catalogue
from gevinst.core.formatting import decimals_for, format_number
from gevinst.core.regions import KOMMUNE
from gevinst.errors import UnknownRegionError, UserError
from gevinst.regions import charts, maps
from gevinst.reports import baseline_export
from gevinst.sources import bundled
from gevinst.web import pagecache
from gevinst.web.downloads import EXPORT_TYPES, download
from gevinst.web.forms import DescribedErrorsMixin

#: The UN Sustainable Development Goals, with their Norwegian names (FN-sambandet).
SDG_NAMES = {
    1: gettext_lazy("Utrydde fattigdom"),
    2: gettext_lazy("Utrydde sult"),
    3: gettext_lazy("God helse og livskvalitet"),
    4: gettext_lazy("God utdanning"),
    5: gettext_lazy("Likestilling mellom kjønnene"),
    6: gettext_lazy("Rent vann og gode sanitærforhold"),
    7: gettext_lazy("Ren energi til alle"),
    8: gettext_lazy("Anstendig arbeid og økonomisk vekst"),
    9: gettext_lazy("Industri, innovasjon og infrastruktur"),
    10: gettext_lazy("Mindre ulikhet"),
    11: gettext_lazy("Bærekraftige byer og lokalsamfunn"),
    12: gettext_lazy("Ansvarlig forbruk og produksjon"),
    13: gettext_lazy("Stoppe klimaendringene"),
    14: gettext_lazy("Livet i havet"),
    15: gettext_lazy("Livet på land"),
    16: gettext_lazy("Fred, rettferdighet og velfungerende institusjoner"),
    17: gettext_lazy("Samarbeid for å nå målene"),
}

DIRECTION_LABELS = {
    "higher_better": gettext_lazy("Høyere verdi er bedre"),
    "lower_better": gettext_lazy("Lavere verdi er bedre"),
    "neutral": gettext_lazy("Ingen retning: et behovs- eller beskrivelsesmål"),
}
RESULT_TYPE_LABELS = {
    "resultat": gettext_lazy("Resultat (det tjenesten leverer)"),
    "effekt": gettext_lazy("Effekt (virkningen for innbyggerne eller økonomien)"),
}
FLAG_LABELS = {
    "estimated": gettext_lazy("anslag"),
    "split": gettext_lazy("fordelt ved deling"),
    "missing_part": gettext_lazy("mangler del"),
}
NOISE_LABEL = gettext_lazy("lite tallgrunnlag")
POSITION_LABELS = {
    ("bedre", "landet"): gettext_lazy("bedre enn landet"),
    ("dårligere", "landet"): gettext_lazy("dårligere enn landet"),
    ("likt", "landet"): gettext_lazy("som landet"),
    ("bedre", "median"): gettext_lazy("bedre enn medianen"),
    ("dårligere", "median"): gettext_lazy("dårligere enn medianen"),
    ("likt", "median"): gettext_lazy("som medianen"),
}
PEER_CHOICES = [
    ("", gettext_lazy("KOSTRA-gruppen, fylket og landet")),
    ("kostra", gettext_lazy("Bare KOSTRA-gruppen")),
    ("county", gettext_lazy("Bare fylket")),
    ("country", gettext_lazy("Bare landet")),
]
ALL_AREAS = "alle"
FIRST_YEAR = 2000
_CODES = re.compile(r"^\s*\d{2}(\d{2})?(\s*,\s*\d{2}(\d{2})?)*\s*,?\s*$")


# ------------------------------------------------------------------ the form
class BaselineForm(DescribedErrorsMixin, forms.Form):
    """Year, area and comparison of a baseline (GET; every field optional)."""

    year = forms.IntegerField(
        label=gettext_lazy("År"),
        required=False,
        help_text=gettext_lazy("Nullpunktsåret, for eksempel 2024. Tomt: standardåret for regionen."),
        error_messages={"invalid": gettext_lazy("Året må være et helt tall, for eksempel 2024.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 6}),
    )
    area = forms.ChoiceField(label=gettext_lazy("Område"), required=False)
    peers = forms.ChoiceField(label=gettext_lazy("Sammenlign med"), required=False, choices=PEER_CHOICES)
    custom = forms.CharField(
        label=gettext_lazy("Egne sammenligningskommuner"),
        required=False,
        max_length=400,
        help_text=gettext_lazy("Valgfritt: kommunenummer skilt med komma, for eksempel 3205, 3220."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, last_year: int, with_area: bool = True, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.last_year = last_year
        self.user = user
        self.organisations = user_organisations(user)
        #: Whether the form offers the user's organisations' saved sets (then it is the user's own).
        self.private_choices = False
        if self.organisations:  # the user's organisations' saved peer sets (never another organisation's)
            sets = peer_sets_for(self.organisations)
            self.fields["peers"].choices = PEER_CHOICES + [
                (f"set:{ps.name}", _("Sammenligningssett: %(name)s (%(org)s)") % {"name": ps.name, "org": ps.organisation.name})
                for ps in sets]
            self.private_choices = len(self.fields["peers"].choices) > len(PEER_CHOICES)
        cat = load_catalogue()
        self.fields["area"].choices = [(a.id, a.name) for a in cat.areas] + [(ALL_AREAS, _("Alle områder"))]
        self.fields["area"].error_messages["invalid_choice"] = _(
            "Ukjent område «%(value)s». Velg et område i listen."
        )
        if not with_area:
            del self.fields["area"]

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and not (FIRST_YEAR <= year <= self.last_year):
            raise forms.ValidationError(
                _("Året må være mellom %(first)s og %(last)s.") % {"first": FIRST_YEAR, "last": self.last_year}
            )
        return year

    def clean_custom(self):
        text = (self.cleaned_data.get("custom") or "").strip()
        if text and not _CODES.match(text):
            raise forms.ValidationError(
                _("Skriv kommunenummer med fire sifre, skilt med komma, for eksempel 3205, 3220.")
            )
        return ",".join(c.strip() for c in text.split(",") if c.strip())


    @property
    def peers_value(self) -> str | None:
        """The peers argument for the baseline: a saved set is resolved to its member codes here
        (within the user's organisations), so the per-process cache never mixes users' sets."""
        value = self.cleaned_data.get("custom") or self.cleaned_data.get("peers") or None
        if value and value.startswith("set:"):
            value = ",".join(peer_set_members(value[4:], self.organisations))
        return value


# ------------------------------------------------------------------ helpers
def baseline(region: str, year: int | None, area: str | None, peers: str | None):
    """:func:`compute_baseline`, shared by all server processes for the same arguments, language
    and data (:mod:`gevinst.web.pagecache`). ``peers`` is never a saved set's name here: views
    resolve a set to its member codes first, so the value depends on public data only."""
    return pagecache.get_or_build(
        "baseline", (region, year, area, peers), lambda: compute_baseline(region, year=year, area=area, peers=peers)
    )


def _error(request, message: str, status: int, code: str | None = None):
    return render(request, "baselines/error.html", {"message": message, "code": code}, status=status)


def _flag_words(flag: str | None, noise: str | None, ci_low, ci_high, unit: str) -> list[str]:
    words = [str(FLAG_LABELS.get(f, f)) for f in (flag or "").split(",") if f]
    if noise == "small":
        text = str(NOISE_LABEL)
        if ci_low is not None and ci_high is not None:
            text += " " + _("(95 %% sikkert mellom %(lo)s og %(hi)s)") % {
                "lo": format_number(ci_low, 1), "hi": format_number(ci_high, 1)}
        words.append(text)
    return words


def _position_text(position: str | None, basis: str | None, direction: str | None) -> str:
    if direction == "neutral":
        return _("ingen retning")
    return str(POSITION_LABELS.get((position or "", basis or ""), ""))


def _region_codes(region: str) -> set[str]:
    """The region's own codes through time and those of its predecessors (to look for data)."""
    reg = bundled.registry()
    lineage = reg.history(region)
    codes = {v.code for v in lineage}
    if lineage[0].first_year is not None:
        codes |= {c.from_code for c in reg.predecessors(lineage[0].code)}
    return codes


def areas_with_data(region: str, year: int, level: str) -> list[str]:
    """The catalogue areas with a value for the region (or its predecessors) in ``year``, in order.

    One query for the store variables that have a number then; an indicator counts
    when its published variable, or every part of its ratio, is among them.
    """
    from gevinst.store.models import Observation

    cat = load_catalogue()
    wanted = "kommune" if level == KOMMUNE else "fylkeskommune"
    present = set(
        Observation.objects.filter(year=year, region__in=_region_codes(region), value__isnull=False)
        .values_list("variable_id", flat=True).distinct()
    )

    def has_data(ind) -> bool:
        needed = ind.variables
        return bool(needed) and all(v in present for v in needed)

    return [
        area.id for area in cat.areas
        if any(has_data(i) for i in cat.by_area(area.id) if i.level in (wanted, "begge"))
    ]


def _vintages(ids) -> list[dict]:
    from gevinst.store.models import Vintage

    return [
        {"label": v.label, "publisher": v.publisher, "published": v.published, "fetched": v.fetched_at}
        for v in Vintage.objects.filter(pk__in=list(ids)).order_by("label")
    ]


def _indicator_vintages(ind, years: list[int]) -> list[dict]:
    from gevinst.store.queries import observations, select_vintages

    ids: set[int] = set()
    for code in ind.store_variables:
        if code:
            ids |= set(select_vintages(observations(code, years))["vintage_id"].unique().to_list())
    return _vintages(ids)


def _source(ind) -> dict:
    s = ind.source
    return {
        "publisher": s.publisher,
        "table": s.table,
        "contents": ", ".join(s.contents),
        "url": s.url if s.url.startswith("https://") else "",
        "how": s.how,
    }


def _fetch_hint(ind) -> str:
    if ind.source.how:
        return ind.source.how
    return _("Hent med «gevinst fetch catalogue --area %(area)s».") % {"area": ind.area}


def _sdg_goals(targets) -> list[dict]:
    goals: dict[int, list[str]] = {}
    for t in targets:
        goals.setdefault(int(str(t).split(".")[0]), []).append(str(t).strip())
    return [{"goal": g, "name": SDG_NAMES.get(g, ""), "targets": ts} for g, ts in sorted(goals.items())]


def _unit_label(unit: str | None) -> str:
    return "%" if unit == "prosent" else (unit or "")


def _query(**params) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return ("?" + urlencode(clean)) if clean else ""


def _resolve_region(request, code: str):
    """``(unit, None)`` or ``(None, error response)``."""
    reg = bundled.registry()
    try:
        return reg.latest_version(code.strip()), None
    except UnknownRegionError as exc:
        return None, _error(request, exc.message, 404)


# ------------------------------------------------------------------ rows
def _rows(result) -> tuple[list[dict], dict[str, dict]]:
    """Table rows (flat export rows with display texts) and the catalogue entry per indicator."""
    rows = []
    cat = load_catalogue()
    for r in baseline_export.flat_rows(result):
        ind = cat.find(r["indicator"])
        dec = decimals_for(r["unit"], r["value"])
        name = r["name"] or r["indicator"]
        trend = [charts.LinePoint(p["year"], p["value"]) for p in r["trend"] if p["value"] is not None]
        spark = ""
        if r["value"] is not None and len(trend) > 1:
            spark = mark_safe(
                charts.sparkline(
                    trend,
                    chart_id=f"spark-{r['indicator']}",
                    title=_("Utvikling %(first)s–%(last)s: %(name)s")
                    % {"first": trend[0].x, "last": trend[-1].x, "name": name},
                    description="; ".join(f"{p.x}: {format_number(p.value, dec)}" for p in trend),
                )
            )
        rows.append(
            {
                **r,
                "name": name,
                "decimals": dec,
                "unit_label": _unit_label(r["unit"]),
                "spark": spark,
                "trend_text": (
                    _("%(change)s siden %(year)s")
                    % {"change": format_number(r["trend_change"], dec, sign=True), "year": r["trend_first_year"]}
                    if r["trend_change"] is not None and r["trend_first_year"] else ""
                ),
                "flags": _flag_words(r["flag"], r["noise"], r["ci_low"], r["ci_high"], r["unit"] or ""),
                "position_text": _position_text(r["position"], r["position_basis"], r["direction"]),
                "partial": bool(r["country_n"] is not None and r["country_size"] and r["country_n"] < r["country_size"]),
                "fetch_hint": _fetch_hint(ind) if ind else "",
                "sdg_goals": _sdg_goals((r["sdg"] or "").split(",")) if r["sdg"] else [],
            }
        )
    return rows, {}


def _area_sections(result, rows: list[dict]) -> list[dict]:
    cat = load_catalogue()
    names = {a.id: a.name for a in cat.areas}
    sections = []
    for area in cat.areas:
        mine = [r for r in rows if r["area"] == area.id]
        if not mine:
            continue
        sections.append(
            {
                "id": area.id,
                "slug": _slug(area.id),
                "name": names[area.id],
                "rows": [r for r in mine if r["value"] is not None],
                "missing": [r for r in mine if r["value"] is None],
                "fetch_command": f"gevinst fetch catalogue --area {area.id}",
                "sources": _sources_text([r["indicator"] for r in mine if r["value"] is not None]),
            }
        )
    return sections


def _sources_text(indicator_ids: list[str]) -> list[str]:
    """«Statistisk sentralbyrå, tabell 12134 og 12137» per publisher, for a table's source line."""
    tables: dict[str, list[str]] = {}
    cat = load_catalogue()
    for i in indicator_ids:
        ind = cat.find(i)
        if ind is None:
            continue
        ts = tables.setdefault(ind.source.publisher, [])
        if ind.source.table and ind.source.table not in ts:
            ts.append(ind.source.table)
    out = []
    for publisher, ts in tables.items():
        if not ts:
            out.append(publisher)
        elif len(ts) == 1:
            out.append(_("%(publisher)s, tabell %(table)s") % {"publisher": publisher, "table": ts[0]})
        else:
            out.append(_("%(publisher)s, tabell %(tables)s og %(last)s")
                       % {"publisher": publisher, "tables": ", ".join(sorted(ts)[:-1]), "last": sorted(ts)[-1]})
    return out


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("ø", "o").replace("æ", "ae").replace("å", "a"))
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.encode("ascii", "ignore").decode().lower()).strip("-") or "omrade"


def _download_links(code: str, form_params: dict) -> list[dict]:
    q = _query(**form_params)
    return [
        {"label": _("Last ned Excel (.xlsx)"), "url": reverse("baselines:export", args=[code, "xlsx"]) + q},
        {"label": _("Last ned CSV"), "url": reverse("baselines:export", args=[code, "csv"]) + q},
        {"label": _("Last ned JSON"), "url": reverse("baselines:export", args=[code, "json"]) + q},
    ]


def _params_from(request, unit, data_sig: tuple | None = None) -> tuple[BaselineForm, dict | None]:
    """The bound form and, when valid, the baseline parameters (year, area, peers).

    ``data_sig``: the store's :func:`data_signature`, when the caller has just read it."""
    reg = bundled.registry()
    form = BaselineForm(request.GET or None, last_year=reg.last_year, user=request.user)
    if request.GET and not form.is_valid():
        return form, None
    data = form.cleaned_data if request.GET else {}
    year = data.get("year") or default_year(unit.code, data_sig=data_sig)
    area = data.get("area") or ""
    try:
        peers = form.peers_value if request.GET else None
    except UserError as exc:
        form.add_error("peers", exc.message)
        return form, None
    return form, {"year": year, "area": area, "peers": peers,
                  "peers_choice": data.get("peers") or "", "custom": data.get("custom") or ""}


def _shown_form(form: BaselineForm, year: int, with_area: bool = False) -> BaselineForm:
    """The form with the year actually used filled in (peers as the user gave them)."""
    data = form.cleaned_data if form.is_bound else {}
    shown = BaselineForm({"year": year, "peers": data.get("peers") or "", "custom": data.get("custom") or ""},
                         last_year=form.last_year, with_area=with_area, user=form.user)
    shown.is_valid()
    return shown


def _bind_defaults(form: BaselineForm, params: dict) -> BaselineForm:
    """A form showing the values actually used (the defaults filled in)."""
    reg = bundled.registry()
    return BaselineForm(
        {"year": params["year"], "area": params["area"], "peers": params["peers_choice"], "custom": params["custom"]},
        last_year=reg.last_year, user=form.user,
    )


# ------------------------------------------------------------------ views
def _default_or_chosen(unit, params: dict):
    """The baseline for the chosen area; without one, the first area whose baseline has a value.

    Sets ``params["area"]`` to the area used (so the form and the download links show it).
    """
    if params["area"]:
        area = None if params["area"] == ALL_AREAS else params["area"]
        return baseline(unit.code, params["year"], area, params["peers"])
    candidates = areas_with_data(unit.code, params["year"], unit.level)[:3] or [load_catalogue().areas[0].id]
    result = None
    for area in candidates:
        result = baseline(unit.code, params["year"], area, params["peers"])
        if result.rows.filter(pl.col("value").is_not_null()).height:
            break
    params["area"] = result.area
    return result


def nullpunkt(request, code: str):
    unit, err = _resolve_region(request, code)
    if err:
        return err
    # Read once, before the data the page is computed from: the default year and the cache key.
    sig = pagecache.data_signature()
    form, params = _params_from(request, unit, sig)
    context: dict = {"unit": unit, "form": form}
    if params is None:
        context["form_invalid"] = True
        return render(request, "baselines/nullpunkt.html", context, status=400)
    try:
        key = (unit.code, params["year"], params["area"], params["peers"], params["peers_choice"], params["custom"])
        if params["peers_choice"].startswith("set:"):
            # An organisation's saved peer set: its name is in the links; never shared.
            part = _nullpunkt_part(unit, params)
        else:
            part = pagecache.get_or_build("nullpunkt", key, lambda: _nullpunkt_part(unit, dict(params)), sig)
    except UserError as exc:
        context["error"] = exc.message
        return render(request, "baselines/nullpunkt.html", context, status=400)
    params["area"] = part["area"]
    if form.private_choices or params["peers_choice"].startswith("set:"):
        form = _bind_defaults(form, params)
        form.is_valid()
        context["form"] = form
    else:
        # Without saved sets the form is the same for everyone who asks the same question.
        context["form_html"] = mark_safe(pagecache.get_or_build(  # rendered by us, without the request
            "nullpunkt-form", key, lambda: _form_html(_bind_defaults(form, params)), sig))
    context["result_html"] = mark_safe(part["html"])  # rendered by us, without the request
    return render(request, "baselines/nullpunkt.html", context)


def _form_html(form: BaselineForm) -> str:
    form.is_valid()
    return str(render_to_string("baselines/_form.html", {"form": form, "legend": _("Velg år, område og sammenligning")}))


def _nullpunkt_part(unit, params: dict) -> dict:
    """The data part of the nullpunkt page, rendered without the request, and the area and
    year it shows (for the form). Depends only on ``unit``, ``params``, the language and the data."""
    result = _default_or_chosen(unit, params)
    area = result.area
    rows, _meta = _rows(result)
    export_params = {"year": result.year, "area": params["area"], "peers": params["peers_choice"],
                     "custom": params["custom"]}
    context = {
        "unit": unit,
        "result": result,
        "sections": _area_sections(result, rows),
        "vintages": _vintages(result.vintage_ids),
        "downloads": _download_links(unit.code, export_params),
        "indicator_query": _query(year=result.year, peers=params["peers_choice"], custom=params["custom"]),
        "sdg_url": reverse("baselines:sdg", args=[unit.code]) + _query(year=result.year),
        "area_name": next((a.name for a in load_catalogue().areas if a.id == area), None),
        "n_values": sum(1 for r in rows if r["value"] is not None),
        "n_missing": sum(1 for r in rows if r["value"] is None),
        "any_partial": any(r["partial"] for r in rows if r["value"] is not None),
    }
    html = str(render_to_string("baselines/_nullpunkt_result.html", context))
    return {"html": html, "area": params["area"], "year": result.year}


def export(request, code: str, fmt: str):
    if fmt not in EXPORT_TYPES:
        return _error(request, _("Ukjent filformat «%(fmt)s». Velg xlsx, csv eller json.") % {"fmt": fmt}, 404)
    unit, err = _resolve_region(request, code)
    if err:
        return err
    form, params = _params_from(request, unit)
    if params is None:
        messages = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return _error(request, messages, 400, unit.code)
    try:
        result = _default_or_chosen(unit, params)
    except UserError as exc:
        return _error(request, exc.message, 400, unit.code)
    stem = f"nullpunkt_{unit.code}_{result.year}_{_slug(params['area'])}"
    return download(result, baseline_export, stem, fmt)


def _series_points(frame: pl.DataFrame, years: list[int]) -> list[charts.LinePoint]:
    by_year = {r["year"]: r for r in frame.iter_rows(named=True)}
    return [
        charts.LinePoint(y, by_year[y]["value"] if y in by_year else None, (by_year.get(y) or {}).get("flag") or "")
        for y in years
    ]


@lru_cache(maxsize=8)
def _to_map_codes(structure_year: int) -> dict[str, str]:
    """Municipality codes of ``structure_year`` → the 2024 code of the same territory (the map's)."""
    reg = bundled.registry()
    out = {}
    for code in reg.codes_at(structure_year, KOMMUNE):
        mapped = code if structure_year == maps.MAP_STRUCTURE_YEAR else reg.code_in_structure(code, maps.MAP_STRUCTURE_YEAR)
        if mapped:
            out[code] = mapped
    return out


def _map(result, ind, name: str, dec: int) -> dict | None:
    """The choropleth of the indicator in the baseline year, with its table alternative."""
    if result.level != KOMMUNE:
        return None
    frame = result.values.filter((pl.col("indicator") == ind.id) & (pl.col("year") == result.year))
    to_map = _to_map_codes(result.structure_year)
    geo = maps.municipalities()
    values: dict[str, float | None] = {}
    for r in frame.iter_rows(named=True):
        code = to_map.get(r["region"])
        if code in geo.shapes:
            values[code] = r["value"]
    region = to_map.get(result.region)
    peer_codes = result.peer_groups.get("custom") or result.peer_groups.get("kostra") or []
    peers = [to_map[c] for c in peer_codes if c in to_map and c != result.region]
    known = [v for v in values.values() if v is not None]
    if not known:
        return None
    breaks = maps.quantile_breaks(known)
    reg = bundled.registry()
    rows = sorted(
        (
            {"code": c, "name": reg.name(c) if reg.knows(c) else s.name, "value": values.get(c), "is_region": c == region, "is_peer": c in peers,
             "cls": maps.classify(values.get(c), breaks)}
            for c, s in geo.shapes.items()
        ),
        key=lambda r: (r["value"] is None, -(r["value"] or 0), r["code"]),
    )
    reg_value = values.get(region) if region else None
    svg = maps.choropleth(
        values,
        chart_id="indicator-map",
        title=_("Kart: %(name)s, %(year)s, alle kommuner") % {"name": name, "year": result.year},
        description=_(
            "Kart over Norge der kommunene er farget i fem like store grupper etter verdien, fra lys (lavest) til "
            "mørk (høyest); grå betyr at tallet mangler. %(n)s av %(total)s kommuner har tall. %(region)s er "
            "markert med tykk kant og ring (%(value)s), sammenligningskommunene med stiplet kant. "
            "Tallene står i tabellen under kartet."
        ) % {"n": len(known), "total": len(geo.shapes), "region": result.region_name,
             "value": format_number(reg_value, dec)},
        legend=maps.LegendTexts(missing=_("Mangler tall"), region=result.region_name, peers=_("Sammenligning")),
        region=region,
        peers=peers,
        decimals=dec,
    )
    inset = None
    county = reg.county_of(region, maps.MAP_STRUCTURE_YEAR) if region else None
    box = maps.focus_box([region], county=county.code if county else None) if region else None
    if box:
        inset = maps.choropleth(
            values,
            chart_id="indicator-map-inset",
            title=_("Utsnitt av kartet: %(county)s med %(region)s")
            % {"county": county.name if county else "", "region": result.region_name},
            description=_(
                "Samme farger som kartet over hele landet. %(region)s er markert med tykk kant, "
                "sammenligningskommuner i utsnittet med stiplet kant."
            ) % {"region": result.region_name},
            legend=maps.LegendTexts("", "", ""),
            region=region,
            peers=peers,
            focus=box,
        )
    return {
        "svg": mark_safe(svg),
        "inset": mark_safe(inset) if inset else "",
        "county_name": county.name if county else "",
        "rows": rows,
        "n": len(known),
        "total": len(geo.shapes),
        "mapped": result.structure_year != maps.MAP_STRUCTURE_YEAR,
        "classes": [
            {"cls": i, "lo": breaks[i], "hi": breaks[i + 1]} for i in range(len(breaks) - 1)
        ],
    }


def indicator(request, code: str, indicator_id: str):
    unit, err = _resolve_region(request, code)
    if err:
        return err
    cat = load_catalogue()
    ind = cat.find(indicator_id)
    if ind is None:
        return _error(
            request,
            _("Fant ingen indikator med id «%(id)s». Se listen over indikatorer på nullpunktsmålingen.")
            % {"id": indicator_id[:80]},
            404,
            unit.code,
        )
    reg = bundled.registry()
    form = BaselineForm(request.GET or None, last_year=reg.last_year, with_area=False, user=request.user)
    if request.GET and not form.is_valid():
        return render(request, "baselines/indicator.html", {"unit": unit, "ind": ind, "form": form,
                                                             "form_invalid": True}, status=400)
    data = form.cleaned_data if request.GET else {}
    year = data.get("year") or default_year(unit.code, ind.id)
    try:
        peers = form.peers_value if request.GET else None
        result = baseline(unit.code, year, ind.area, peers)
    except UserError as exc:
        return render(request, "baselines/indicator.html", {"unit": unit, "ind": ind, "form": form,
                                                             "error": exc.message}, status=400)
    rows, _meta = _rows(result)
    row = next((r for r in rows if r["indicator"] == ind.id), None)
    if row is None:
        return _error(request, _("Indikatoren «%(name)s» gjelder ikke for %(region)s.")
                      % {"name": ind.name, "region": unit.name}, 404, unit.code)
    dec = row["decimals"]
    years = list(range(result.year - 4, result.year + 1))
    values = result.values.filter(pl.col("indicator") == ind.id)
    own = values.filter(pl.col("region") == result.region)
    agg = result.aggregates if result.aggregates is not None else pl.DataFrame()
    agg = agg.filter(pl.col("indicator") == ind.id) if agg.height else agg
    peer_group = "custom" if "custom" in result.peer_groups else ("kostra" if "kostra" in result.peer_groups else "county")
    members = [m for m in result.peer_groups.get(peer_group, []) if m != result.region]
    median = (
        values.filter(pl.col("region").is_in(members) & pl.col("value").is_not_null())
        .group_by("year").agg(pl.col("value").median().alias("value"), pl.len().alias("n")).sort("year")
    )
    group_label = {
        "custom": _("Median, egne sammenligningskommuner"),
        "kostra": _("Median, KOSTRA-gruppen"),
        "county": _("Median, fylket"),
    }[peer_group]
    series = [charts.Series(f"{result.region_name}", _series_points(own, years), 0)]
    if agg.height:
        country = agg.filter(pl.col("region") == "EAK")
        if country.filter(pl.col("value").is_not_null()).height:
            series.append(charts.Series(_("Landet"), _series_points(country, years), 1))
        if result.kostra_group:
            grp = agg.filter(pl.col("region") == result.kostra_group)
            if grp.filter(pl.col("value").is_not_null()).height:
                series.append(charts.Series(_("KOSTRA-gruppen (%(g)s)") % {"g": result.kostra_group},
                                            _series_points(grp, years), 2))
    if median.height:
        series.append(charts.Series(group_label, _series_points(median, years), 3))
    has_points = any(p.value is not None for s in series for p in s.points)
    chart = None
    if has_points:
        chart = mark_safe(
            charts.multi_line_chart(
                series,
                chart_id="indicator-chart",
                title=_("%(name)s, %(region)s og sammenligning %(y1)s–%(y2)s")
                % {"name": ind.name, "region": result.region_name, "y1": years[0], "y2": years[-1]},
                description=_(
                    "Linjediagram med %(n)s linjer: %(labels)s. Nullpunktsåret %(year)s er markert med en loddrett "
                    "linje. %(region)s hadde %(value)s i %(year)s. Tallene står i tabellen under diagrammet."
                ) % {"n": len(series), "labels": ", ".join(s.label for s in series), "year": result.year,
                     "region": result.region_name, "value": format_number(row["value"], dec)},
                marker_x=result.year,
                marker_label=_("Nullpunkt %(year)s") % {"year": result.year},
                decimals=None,
            )
        )
    table = [
        {"year": y, "cells": [next((p for p in s.points if p.x == y), None) for s in series]} for y in years
    ]
    context = {
        "unit": unit,
        "ind": ind,
        "form": _shown_form(form, result.year),
        "result": result,
        "row": row,
        "direction": DIRECTION_LABELS.get(ind.direction, ind.direction),
        "result_type": RESULT_TYPE_LABELS.get(ind.result_type, ind.result_type),
        "area_name": next((a.name for a in cat.areas if a.id == ind.area), ind.area),
        "sdg_goals": _sdg_goals(ind.sdg),
        "source": _source(ind),
        "vintages": _indicator_vintages(ind, years),
        "chart": chart,
        "series": series,
        "table": table,
        "map": _map(result, ind, ind.name, dec),
        "map_source": maps.MAP_SOURCE,
        "dec": dec,
        "nullpunkt_url": reverse("baselines:nullpunkt", args=[unit.code])
        + _query(year=result.year, area=ind.area),
        "sdg_url": reverse("baselines:sdg", args=[unit.code]) + _query(year=result.year),
    }
    return render(request, "baselines/indicator.html", context)


def sdg(request, code: str):
    unit, err = _resolve_region(request, code)
    if err:
        return err
    reg = bundled.registry()
    form = BaselineForm(request.GET or None, last_year=reg.last_year, with_area=False, user=request.user)
    if request.GET and not form.is_valid():
        return render(request, "baselines/sdg.html", {"unit": unit, "form": form, "form_invalid": True}, status=400)
    data = form.cleaned_data if request.GET else {}
    year = data.get("year") or default_year(unit.code)
    try:
        result = baseline(unit.code, year, None, form.peers_value if request.GET else None)
    except UserError as exc:
        return render(request, "baselines/sdg.html", {"unit": unit, "form": form, "error": exc.message}, status=400)
    rows, _meta = _rows(result)
    goals = []
    for g in range(1, 18):
        mine = [r for r in rows if any(x["goal"] == g for x in r["sdg_goals"])]
        goals.append(
            {
                "goal": g,
                "name": SDG_NAMES[g],
                "rows": [
                    {**r, "targets": next(x["targets"] for x in r["sdg_goals"] if x["goal"] == g)}
                    for r in mine if r["value"] is not None
                ],
                "missing": [r for r in mine if r["value"] is None],
            }
        )
    context = {
        "unit": unit,
        "form": _shown_form(form, result.year),
        "result": result,
        "goals": goals,
        "goals_with_data": [g for g in goals if g["rows"]],
        "goals_without_data": [g for g in goals if not g["rows"]],
        "indicator_query": _query(year=result.year),
        "nullpunkt_url": reverse("baselines:nullpunkt", args=[unit.code]) + _query(year=result.year),
        "vintages": _vintages(result.vintage_ids),
    }
    return render(request, "baselines/sdg.html", context)
