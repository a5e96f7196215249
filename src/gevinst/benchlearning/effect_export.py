"""Text, CSV and JSON output of an effect estimate (numbers in Norwegian format for text)."""

from __future__ import annotations

import csv
import io

import orjson
from django.utils.translation import gettext as _

from gevinst.core.formatting import format_number
from gevinst.reports.baseline_export import safe_text

from .effect import EffectResult


def _n(v, d=2):
    return format_number(v, d) if v is not None else "–"


def summary_rows(r: EffectResult) -> list[dict]:
    """One row per method: estimate, interval, p-value, basis — the table on the page and in exports."""
    ba = r.before_after
    rows = [
        {"method": "raw", "label": _("Rå før/etter (snitt etter − snitt før)"), "estimate": ba.difference,
         "low": None, "high": None, "p": None, "n": None, "basis": _("ingen sammenligning")},
        {"method": "before_after", "label": _("Før/etter med trend (avvik fra lineær trend før)"),
         "estimate": ba.trend_effect, "low": ba.trend_ci[0], "high": ba.trend_ci[1], "p": None, "n": None,
         "basis": _("95 %-prediksjonsintervall, t-fordeling")},
    ]
    if r.did:
        d = r.did
        rows.append({"method": "did", "label": _("Forskjeller i forskjeller (kommune- og årseffekter)"),
                     "estimate": d.estimate, "low": d.ci[0], "high": d.ci[1], "p": d.p_value, "n": d.n_comparison,
                     "basis": _("Conley–Taber-intervall og randomiseringsinferens (placebo per sammenligningskommune, studentisert)")})
        rows.append({"method": "did_cr1", "label": _("DiD med klyngerobuste standardfeil (CR1) — for små med én behandlet kommune"),
                     "estimate": d.estimate, "low": d.ci_cr1[0], "high": d.ci_cr1[1], "p": d.p_cr1, "n": d.n_comparison,
                     "basis": _("t-fordeling med G−1 frihetsgrader")})
    if r.scm:
        s = r.scm
        rows.append({"method": "scm", "label": _("Syntetisk kontroll (snitt av gap etter endringen)"),
                     "estimate": s.estimate, "low": s.ci[0] if s.ci else None, "high": s.ci[1] if s.ci else None,
                     "p": s.p_value, "n": s.n_donors,
                     "basis": _("placebo i rom: rang av RMSPE-forholdet etter/før")})
    return rows


def to_text(r: EffectResult) -> str:
    lines = [
        _("Effekt for %(name)s (%(code)s): %(ind)s, endring fra %(y)s") % {
            "name": r.region_name, "code": r.region, "ind": r.indicator_name, "y": r.change_year},
        _("Kommunestruktur %(s)s; år %(a)s–%(b)s; sammenligning: %(c)s") % {
            "s": r.structure_year, "a": r.years[0], "b": r.years[-1], "c": r.comparison_label},
        _("Enhet: %(u)s") % {"u": r.unit},
        "",
    ]
    for row in summary_rows(r):
        interval = f" [{_n(row['low'])}; {_n(row['high'])}]" if row["low"] is not None else ""
        p = f", p = {_n(row['p'], 3)}" if row["p"] is not None else ""
        lines.append(f"{row['label']}: {_n(row['estimate'])}{interval}{p}")
    if r.scm:
        lines.append(_("Syntetisk kontroll: RMSPE før %(pre)s, etter %(post)s; %(n)s donorer") % {
            "pre": _n(r.scm.pre_rmspe, 3), "post": _n(r.scm.post_rmspe, 3), "n": r.scm.n_donors})
        lines.append(_("Vekter: ") + ", ".join(f"{n} {_n(w * 100, 1)} %" for _c, n, w in r.top_weights(6)))
    if r.did and r.did.pretrend_p is not None:
        lines.append(_("Test av parallelle trender før endringen: p = %(p)s") % {"p": _n(r.did.pretrend_p, 3)})
    if r.excluded:
        lines.append(_("Utelatt fordi grensene endret seg i perioden: %(n)s kommuner") % {"n": len(r.excluded)})
    for w in r.warnings:
        lines.append(_("Merk: %(w)s") % {"w": w})
    lines.append("")
    lines.append(_("År  %(t)s  sammenligning (snitt)  syntetisk") % {"t": r.region_name})
    for i, y in enumerate(r.years):
        synth = _n(r.scm.synthetic[i]) if r.scm else "–"
        lines.append(f"{y}  {_n(r.treated[i])}  {_n(r.comparison_mean[i])}  {synth}")
    return "\n".join(lines) + "\n"


def to_dict(r: EffectResult) -> dict:
    out = {
        "region": r.region, "region_name": r.region_name, "indicator": r.indicator_id, "indicator_name": r.indicator_name,
        "unit": r.unit, "change_year": r.change_year, "structure_year": r.structure_year, "years": r.years,
        "comparison": r.comparison, "comparison_regions": r.comparison_codes,
        "excluded_changed": [c for c, _n2 in r.excluded], "dropped_missing": r.dropped_missing,
        "treated": r.treated, "comparison_mean": r.comparison_mean,
        "estimates": [{k: v for k, v in row.items()} for row in summary_rows(r)],
        "warnings": r.warnings,
    }
    if r.did:
        out["event_study"] = {"event_time": r.did.event_time, "estimate": r.did.event_estimates,
                              "ci": [list(c) for c in r.did.event_ci], "pretrend_p": r.did.pretrend_p}
    if r.scm:
        out["synthetic_control"] = {"synthetic": r.scm.synthetic, "gaps": r.scm.gaps, "pre_rmspe": r.scm.pre_rmspe,
                                    "post_rmspe": r.scm.post_rmspe, "n_donors": r.scm.n_donors, "poor_fit": r.scm.poor_fit,
                                    "weights": [{"region": c, "name": n, "weight": w} for c, n, w in r.top_weights(50)]}
    return out


def to_json(r: EffectResult) -> str:
    return orjson.dumps(to_dict(r), option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY).decode()


def to_csv(r: EffectResult) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["region", "indicator", "change_year", "method", "estimate", "ci_low", "ci_high", "p_value", "n_comparison", "basis"])
    for row in summary_rows(r):
        w.writerow([r.region, r.indicator_id, r.change_year, row["method"], row["estimate"], row["low"], row["high"],
                    row["p"], row["n"], safe_text(row["basis"])])
    return buf.getvalue()
