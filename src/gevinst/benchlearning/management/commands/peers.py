import csv
import io
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gevinst.benchlearning import peers as service
from gevinst.core.formatting import format_number
from gevinst.errors import UserError
from gevinst.reports.baseline_export import safe_text


def to_json(r: service.PeerResult) -> str:
    bd = {}
    for row in r.breakdown.iter_rows(named=True):
        bd.setdefault(row["region"], {})[row["variable"]] = {
            "z_target": row["z_target"], "z_region": row["z_region"], "weight": row["weight"],
            "contribution": row["contribution"], "share": row["share"], "part_of_distance": row["part"]}
    return json.dumps({
        "region": r.region, "name": r.name, "kostra_group": r.kostra_group, "variables": r.variables,
        "weights": r.weights, "standardisation": r.method, "candidates": r.candidates,
        "stability": {"spread": service.STABILITY_SPREAD, "draws": service.STABILITY_DRAWS, "mean_jaccard": r.mean_jaccard},
        "peers": [{**p, "breakdown": bd.get(p["region"], {})} for p in r.peers.iter_rows(named=True)],
        "notes": r.notes,
    }, ensure_ascii=False, indent=2)


def to_csv(r: service.PeerResult) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["rang", "kommunenummer", "kommune", "avstand", "kostra_gruppe", "samme_gruppe", "stabilitet",
                *[f"bidrag_{v}" for v in r.variables]])
    parts = {(row["region"], row["variable"]): row["part"] for row in r.breakdown.iter_rows(named=True)}
    for p in r.peers.iter_rows(named=True):
        w.writerow([p["rank"], p["region"], safe_text(p["name"]), f"{p['distance']:.4f}", p["kostra_group"],
                    "ja" if p["same_group"] else "nei", f"{p['inclusion']:.3f}",
                    *[f"{parts[(p['region'], v)]:.4f}" for v in r.variables]])
    return buf.getvalue()


def to_text(r: service.PeerResult) -> str:
    lines = [_("De %(n)s kommunene som ligner mest på %(code)s %(name)s") % {"n": r.n, "code": r.region, "name": r.name}]
    lines.append(_("Variabler (vekt): %(v)s") % {"v": ", ".join(
        f"{service.variable_label(v)} ({format_number(r.weights[v] * 100, 0)} %)" for v in r.variables)})
    lines.append("")
    parts = {(row["region"], row["variable"]): row["share"] for row in r.breakdown.iter_rows(named=True)}
    for p in r.peers.iter_rows(named=True):
        biggest = max(r.variables, key=lambda v: parts[(p["region"], v)])
        lines.append(_("%(rank)3s. %(code)s %(name)-22s avstand %(d)s  %(group)s  stabil %(s)s %%  størst forskjell: %(big)s")
                     % {"rank": p["rank"], "code": p["region"], "name": p["name"], "d": format_number(p["distance"], 2),
                        "group": p["kostra_group"] + ("*" if p["same_group"] else " "), "s": format_number(p["inclusion"] * 100, 0),
                        "big": service.variable_label(biggest)})
    lines.append("")
    lines.append(_("* samme KOSTRA-gruppe som %(code)s (%(group)s). Stabil: andel av %(draws)s trekk med vektene endret "
                   "±%(spread)s %% der kommunen fortsatt er blant de %(n)s nærmeste; gjennomsnittlig Jaccard %(j)s.")
                 % {"code": r.region, "group": r.kostra_group, "draws": service.STABILITY_DRAWS,
                    "spread": format_number(service.STABILITY_SPREAD * 100, 0), "n": r.n, "j": format_number(r.mean_jaccard, 2)})
    lines.extend(r.notes)
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = _("Kommuner som ligner mest på en kommune: velg strukturvariabler og vekter; avstanden vises fordelt "
             "på variablene, med stabilitet når vektene endres litt. --save lagrer settet til bruk i "
             "nullpunktsmålingen (--peers set:NAVN).")

    def add_arguments(self, parser):
        parser.add_argument("region", help=_("kommunenummer"))
        parser.add_argument("--vars", help=_("variabler skilt med komma (standard: %(d)s). Mulige: %(all)s")
                            % {"d": ",".join(service.DEFAULT_VARIABLES), "all": ",".join(service.VARIABLES)})
        parser.add_argument("--weights", help=_("vekter i samme rekkefølge (2,1,1,1) eller navn=vekt"))
        parser.add_argument("--n", type=int, default=service.DEFAULT_N, help=_("antall kommuner (standard 10)"))
        parser.add_argument("--standardise", choices=["z", "robust"], default="z", help=_("z-verdier eller robust (median/MAD)"))
        parser.add_argument("--save", metavar="NAVN", help=_("lagre settet under dette navnet"))
        parser.add_argument("--org", help=_("organisasjonens kortnavn: settet lagres for organisasjonen"))
        parser.add_argument("--format", choices=["text", "json", "csv"], default="text", help=_("utdataformat"))

    def handle(self, *args, region, vars, weights, n, standardise, save, format, org=None, **options):
        try:
            result = service.find_peers(region, vars, weights, n, method=standardise)
            if save:
                from gevinst.accounts.cli import organisation_by_slug

                service.save_peer_set(save, result, organisation_by_slug(org) if org else None)
                self.stderr.write(_("Lagret sammenligningssettet «%(name)s» (%(k)s kommuner).") % {"name": save.strip(), "k": len(result.members)})
        except UserError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write({"json": to_json, "csv": to_csv, "text": to_text}[format](result), ending="")
