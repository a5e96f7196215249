import csv
import io
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gevinst.benchlearning import peers as service
from gevinst.core.formatting import format_number
from gevinst.errors import UserError
from gevinst.reports.baseline_export import safe_text


def _reports(result: service.NetworkResult) -> list[service.NetworkReport]:
    return [service.network_report(g) for g in result.groups]


def to_json(result: service.NetworkResult, reports) -> str:
    return json.dumps({
        "members": result.members, "size": [result.min_size, result.max_size], "lambda": result.lam,
        "objective": result.objective, "solver": result.solver, "learning_variables": result.learn,
        "learning_kind": result.learn_kind, "comparability_variables": result.compare,
        "random_partition_mean": {"heterogeneity": result.random_het, "structural_distance": result.random_cmp},
        "networks": [{
            "members": [{"region": c, "name": result.names.get(c, "")} for c in g],
            "mean_heterogeneity": s["het"], "mean_structural_distance": s["cmp"],
            "indicators": [{k: v for k, v in row.items() if not k.startswith("noisy_")} for row in rep.table.iter_rows(named=True)],
            "learning": rep.lessons.to_dicts(),
        } for g, s, rep in zip(result.groups, result.group_stats, reports)],
        "notes": result.notes,
    }, ensure_ascii=False, indent=2)


def to_csv(result: service.NetworkResult, reports) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["nettverk", "kommunenummer", "kommune", "indikator", "år", "verdi", "beste_praksis"])
    for k, (g, rep) in enumerate(zip(result.groups, reports), 1):
        for row in rep.table.iter_rows(named=True):
            for c in g:
                w.writerow([k, c, safe_text(result.names.get(c, "")), row["indicator"], row["year"],
                            "" if row[c] is None else row[c], "ja" if row["best"] == c else ""])
    return buf.getvalue()


def to_text(result: service.NetworkResult, reports) -> str:
    out = [_("%(n)s deltakere delt i %(k)s nettverk (%(lo)s–%(hi)s medlemmer), løst med %(solver)s; målverdi %(f)s.")
           % {"n": len(result.members), "k": len(result.groups), "lo": result.min_size, "hi": result.max_size,
              "solver": _("eksakt optimering") if result.solver == "exact" else _("lokalsøk"), "f": format_number(result.objective, 2)},
           _("Ulikhet på: %(l)s. Sammenlignbar på: %(c)s. λ = %(lam)s.")
           % {"l": ", ".join(service.variable_label(v) for v in result.learn), "c": ", ".join(service.variable_label(v) for v in result.compare),
              "lam": format_number(result.lam, 2)},
           _("Tilfeldig inndeling i snitt: ulikhet %(h)s, strukturavstand %(c)s.")
           % {"h": format_number(result.random_het, 2), "c": format_number(result.random_cmp, 2)}]
    for k, (g, s, rep) in enumerate(zip(result.groups, result.group_stats, reports), 1):
        out.append("")
        out.append(_("Nettverk %(k)s: %(m)s") % {"k": k, "m": ", ".join(f"{c} {result.names.get(c, '')}" for c in g)})
        out.append(_("  ulikhet %(h)s, strukturavstand %(c)s") % {"h": format_number(s["het"], 2), "c": format_number(s["cmp"], 2)})
        best = rep.table.filter(rep.table["best"] != "")
        for row in best.iter_rows(named=True):
            out.append(_("  Beste praksis, %(ind)s (%(y)s): %(code)s %(name)s")
                       % {"ind": row["name"], "y": row["year"], "code": row["best"], "name": result.names.get(row["best"], "")})
        for row in rep.lessons.iter_rows(named=True):
            out.append(_("  %(l)s kan lære av %(t)s om %(ind)s (%(lv)s mot %(tv)s)")
                       % {"l": result.names.get(row["learner"], row["learner"]), "t": result.names.get(row["teacher"], row["teacher"]),
                          "ind": row["name"], "lv": format_number(row["learner_value"], 1), "tv": format_number(row["teacher_value"], 1)})
    out.extend(result.notes)
    return "\n".join(out) + "\n"


class Command(BaseCommand):
    help = _("Sett sammen benchlearning-nettverk av deltakerkommunene: små (standard 4–6), ulike på "
             "læringsvariablene og sammenlignbare på strukturen. Rapporten viser indikatorene side om side, "
             "beste praksis og hvem som kan lære hva av hvem.")

    def add_arguments(self, parser):
        parser.add_argument("--members", required=True, help=_("kommunenumre skilt med komma"))
        parser.add_argument("--size", default="4-6", help=_("nettverksstørrelse, f.eks. 5 eller 4-6 (standard)"))
        parser.add_argument("--learn", help=_("indikatorer eller strukturvariabler det skal være ulikhet på"))
        parser.add_argument("--compare", help=_("strukturvariabler nettverkene skal være like på (standard: %(d)s)")
                            % {"d": ",".join(service.DEFAULT_COMPARE)})
        parser.add_argument("--lambda", dest="lam", type=float, default=service.DEFAULT_LAMBDA,
                            help=_("vekt på sammenlignbarhet mot ulikhet (standard 1)"))
        parser.add_argument("--seed", type=int, default=0, help=_("frø for lokalsøket"))
        parser.add_argument("--format", choices=["text", "json", "csv"], default="text", help=_("utdataformat"))

    def handle(self, *args, members, size, learn, compare, lam, seed, format, **options):
        try:
            result = service.compose_networks(members, size, learn=learn, compare=compare, lam=lam, seed=seed)
            reports = _reports(result)
        except UserError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write({"json": to_json, "csv": to_csv, "text": to_text}[format](result, reports), ending="")
