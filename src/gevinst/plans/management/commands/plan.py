"""``gevinst plan export ORG --format json|xlsx [--out FIL]``, ``gevinst plan import FIL [--org ORG]``,
``gevinst plan check ORG [--format text|json]``."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gevinst.accounts.models import Organisation
from gevinst.errors import UserError


def _org(slug: str) -> Organisation:
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        raise CommandError(_("Organisasjonen «%(s)s» finnes ikke.") % {"s": slug})
    return org


class Command(BaseCommand):
    help = _("Gevinstrealiseringsplanen: eksport (JSON eller Excel), import (JSON) og helsesjekk.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ex = sub.add_parser("export", help=_("skriver planen som JSON eller Excel"))
        ex.add_argument("org", help=_("organisasjonens kortnavn"))
        ex.add_argument("--format", choices=["json", "xlsx"], default="json", help=_("utdataformat"))
        ex.add_argument("--out", help=_("fil å skrive til (påkrevd for xlsx)"))
        im = sub.add_parser("import", help=_("leser inn en plan fra en JSON-fil"))
        im.add_argument("file", help=_("JSON-fil fra «gevinst plan export»"))
        im.add_argument("--org", help=_("organisasjon å importere til (standard: den som står i filen)"))
        ch = sub.add_parser("check", help=_("helsesjekk av planen"))
        ch.add_argument("org", help=_("organisasjonens kortnavn"))
        ch.add_argument("--format", choices=["text", "json"], default="text", help=_("utdataformat"))

    def handle(self, *args, action, **opts):
        from gevinst.plans import check, io

        try:
            if action == "export":
                org = _org(opts["org"])
                if opts["format"] == "xlsx":
                    if not opts.get("out"):
                        raise CommandError(_("Excel-formatet trenger --out FIL.xlsx."))
                    io.to_xlsx(org, opts["out"])
                    self.stdout.write(_("Skrev %(f)s") % {"f": opts["out"]})
                    return
                text = io.to_json(org)
                if opts.get("out"):
                    Path(opts["out"]).write_text(text, encoding="utf-8")
                    self.stdout.write(_("Skrev %(f)s") % {"f": opts["out"]})
                else:
                    self.stdout.write(text, ending="")
            elif action == "import":
                path = opts["file"]
                try:
                    raw = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
                    doc = json.loads(raw)
                except FileNotFoundError:
                    raise CommandError(_("Fant ikke filen %(f)s.") % {"f": path}) from None
                except UnicodeDecodeError as exc:
                    raise CommandError(_("Filen %(f)s er ikke UTF-8-tekst (ugyldig byte ved posisjon %(p)s).")
                                       % {"f": path, "p": exc.start}) from None
                except json.JSONDecodeError as exc:
                    raise CommandError(_("Filen er ikke gyldig JSON (linje %(l)s).") % {"l": exc.lineno}) from None
                org = _org(opts["org"]) if opts.get("org") else None
                org, warnings = io.import_plan(doc, org)
                for w in warnings:
                    self.stderr.write(w)
                n = len(doc.get("initiatives") or [])
                self.stdout.write(_("Importerte %(n)s tiltak til %(org)s.") % {"n": n, "org": org.name})
            else:
                org = _org(opts["org"])
                findings = check.check_organisation(org)
                if opts["format"] == "json":
                    self.stdout.write(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
                else:
                    self.stdout.write(check.to_text(findings), ending="")
        except UserError as exc:
            raise CommandError(exc.message) from None
