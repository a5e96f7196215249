import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gevinst.core.formatting import format_number
from gevinst.errors import UserError
from gevinst.regions.summary import region_summary


def _period(p: dict) -> str:
    start = str(p["from"]) if p["from"] else "…"
    end = str(p["to"]) if p["to"] else ""
    return f"{start}–{end}"


class Command(BaseCommand):
    help = _("Viser en kommune eller et fylke: navn, gyldighet, kodehistorikk, forgjengere og etterfølgere, "
             "fylke, KOSTRA-gruppe og siste folketall.")

    def add_arguments(self, parser):
        parser.add_argument("code", help=_("kommunenummer (f.eks. 3222) eller fylkesnummer (f.eks. 32)"))
        parser.add_argument("--format", choices=["text", "json"], default="text", help=_("utdataformat"))

    def handle(self, *args, code, format, **options):
        try:
            s = region_summary(code.strip())
        except UserError as exc:
            raise CommandError(exc.message) from None
        if format == "json":
            self.stdout.write(json.dumps(s, ensure_ascii=False, indent=2))
            return
        w = self.stdout.write
        w(f"{s['code']} {s['name']} ({s['level_label']})")
        if s["level"] == "aggregat":
            w(s["description"])
            w(_("%(n)s kommuner i %(y)s:") % {"n": len(s["members"]), "y": s["members_year"]})
            for m in s["members"]:
                w(f"  {m['code']} {m['name']}")
            w(_("Kilde: %(s)s") % {"s": s["source"]})
            return
        if not s["current"]:
            w(_("Ikke lenger gyldig.") + (f" {_('Nå')}: {s['current_code']}" if s.get("current_code") else ""))
        if s.get("county"):
            w(f"{_('Fylke')}: {s['county']['code']} {s['county']['name']}")
        if s.get("kostra_group"):
            w(f"{_('KOSTRA-gruppe')}: {s['kostra_group']['name']} ({s['kostra_group']['year']})")
        if s.get("population"):
            p = s["population"]
            w(f"{_('Folketall')} {p['year']} ({p['region']}): {format_number(p['value'])} ({p['source']})")
        if s.get("robek"):
            r = s["robek"]
            w(f"ROBEK ({r['date']}): " + (_("oppført, hjemmel %(g)s") % {"g": r["grounds"]} if r["listed"] else _("ikke oppført")))
        w("")
        w(_("Kodehistorikk:"))
        for h in s["history"]:
            ended = "; ".join(f"{c['kind_label']} → {c['to_code']} {c['to_name']}" for c in h["ended_by"])
            w(f"  {h['code']} {h['name']:<30} {_period(h):<12} {ended}")
        if s["predecessors"]:
            w(_("Forgjengere:"))
            for c in s["predecessors"]:
                share = f" ({format_number(c['share'] * 100, 1)} %)" if c["share"] is not None else ""
                w(f"  {c['from_code']} {c['from_name']} – {c['kind_label']} {c['year']}{share}")
        if s["successors"]:
            w(_("Etterfølgere:"))
            for c in s["successors"]:
                share = f" ({format_number(c['share'] * 100, 1)} %)" if c["share"] is not None else ""
                w(f"  {c['to_code']} {c['to_name']} – {c['kind_label']} {c['year']}{share}")
        w("")
        w(_("«…» betyr gyldig fra før %(y)s, det første året gevinst har kodelister for.") % {"y": s["first_year_covered"]})
        w(_("Kilde: %(s)s") % {"s": s["source"]})
