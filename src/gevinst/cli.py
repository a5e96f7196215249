"""The ``gevinst`` command.

A thin wrapper over Django's management commands: ``gevinst region 3222`` runs
the ``region`` command with the project's settings. ``gevinst`` alone lists the
commands that belong to gevinst.
"""

from __future__ import annotations

import os
import sys

# The commands users type. Everything else Django offers stays reachable
# (``gevinst migrate``) but is not advertised.
GEVINST_COMMANDS = {
    "setup": "Oppretter databasen og laster de medfølgende dataene",
    "run": "Starter gevinst lokalt (oppsett + webserver)",
    "serve": "Starter webserveren (--production for servermodus)",
    "worker": "Kjører planlagte jobber (servermodus, PostgreSQL)",
    "warm": "Regner ut region- og nullpunktsidene på forhånd (delt hurtigbuffer)",
    "region": "Viser en kommune eller et fylke med kodehistorikk",
    "series": "Skriver ut en tidsserie omregnet til én kommunestruktur",
    "fetch": "Henter data fra SSB (PxWebApi v2)",
    "import": "Leser inn en CSV- eller Excel-fil fra SSB Statistikkbanken",
    "refresh": "Oppdaterer data fra SSB (planlagt jobb)",
    "indicators": "Lister indikatorsettet (område, bærekraftsmål, kilde)",
    "baseline": "Nullpunktsmåling for en region, med sammenligning",
    "followup": "Oppfølging mot en vedtatt nullpunktsmåling",
    "finance": "Økonomisk helse: nøkkeltall mot normer, ROBEK-varsler, realvekst",
    "potential": "Handlingsrom per tjeneste: behovsjusterte utgifter og potensial",
    "projection": "Perspektivanalyse: demografi, kostnader og årsverk fremover",
    "peers": "Finner lignende kommuner og viser hvorfor de ligner",
    "network": "Setter sammen nettverk for sammenligning og læring",
    "effect": "Virket det? Effekt mot en sammenligningsgruppe (DiD, syntetisk kontroll)",
    "plan": "Gevinstrealiseringsplan: eksport, import og helsesjekk",
    "a3": "Lager A3-ark fra dataene (PowerPoint eller PDF) for årshjulet",
    "reminders": "Viser (eller sender på e-post) aktiviteter i årshjulet med frist snart",
    "createorg": "Oppretter en organisasjon",
    "invite": "Inviterer en bruker til en organisasjon",
    "token": "Lager eller trekker tilbake API-nøkler",
}


def _usage() -> str:
    lines = ["Bruk: gevinst KOMMANDO [valg]", "", "Kommandoer:"]
    width = max(len(c) for c in GEVINST_COMMANDS)
    for name, text in GEVINST_COMMANDS.items():
        lines.append(f"  {name.ljust(width)}  {text}")
    lines += ["", "Skriv «gevinst KOMMANDO --help» for valgene til en kommando."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(_usage())
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gevinst.web.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["gevinst", *argv])
    except ImproperlyConfigured as exc:
        # Missing or wrong environment (e.g. GEVINST_SECRET_KEY in production):
        # the settings' message says what to set; a traceback adds nothing.
        print(exc, file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":  # pragma: no cover
    main()
