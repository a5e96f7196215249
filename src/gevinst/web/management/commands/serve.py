"""``gevinst serve [--production]``: the shared installation's web server.

``--production`` is server mode for an organisation (see docs/server.md):

1. The environment is checked first (PostgreSQL through ``DATABASE_URL``,
   ``GEVINST_SECRET_KEY``, ``GEVINST_ALLOWED_HOSTS``); if anything is missing
   the command says so in bokmål and starts nothing.
2. The command re-executes itself with ``GEVINST_PRODUCTION=1`` so that the
   production settings are the ones loaded (settings are read once, at start).
3. ``check --deploy --fail-level WARNING`` must pass.
4. ``setup`` (migrations + bundled data, idempotent) or, where that command is
   not there yet, ``migrate`` runs under a PostgreSQL advisory lock, so several
   app servers starting at once against one database take turns.
5. ``collectstatic`` writes the hashed, compressed static files to
   ``GEVINST_DATA_DIR/static``; WhiteNoise serves them with far-future cache
   headers.
6. Unless ``GEVINST_WARMUP=0``, ``gevinst warm`` starts in the background (low
   priority; it stops when the server does) and computes the most-read region
   and nullpunkt pages into the shared page cache; start-up does not wait for it.
7. The process becomes gunicorn (``exec``): N worker processes with T threads
   each (``gthread``; ``--threads`` / ``GEVINST_THREADS``, default 4), so a
   static file or a cached page is not queued behind a page being computed;
   access log on stdout. Each worker imports the views and loads the registry
   before it accepts requests (:mod:`gevinst.web.gunicorn_conf`). SIGTERM to
   this process id stops the server gracefully.

Without ``--production`` the same steps run with the current settings (no
deploy check), which is useful for trying gunicorn against the embedded
database.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, SystemCheckError
from django.db import connection, connections
from django.utils.translation import gettext as _

logger = logging.getLogger("gevinst.serve")

POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "postgis"}
# Any constant shared by all gevinst processes; "gevinst" in ASCII.
MIGRATION_LOCK_ID = 0x67657669_6E7374


def production_problems(env: dict[str, str]) -> list[str]:
    """What in ``env`` keeps server mode from starting (bokmål, one line each)."""
    problems = []
    url = env.get("DATABASE_URL", "").strip()
    if not url:
        problems.append(
            _(
                "DATABASE_URL mangler: servermodus krever PostgreSQL, for eksempel "
                "DATABASE_URL=postgres://gevinst@db.kommune.no:5432/gevinst"
            )
        )
    elif urlsplit(url).scheme.split("+")[0] not in POSTGRES_SCHEMES:
        problems.append(
            _("DATABASE_URL må peke på en PostgreSQL-database (postgres://…) i servermodus")
        )
    if not env.get("GEVINST_SECRET_KEY", "").strip():
        problems.append(
            _(
                "GEVINST_SECRET_KEY mangler: sett en lang, tilfeldig og hemmelig verdi, "
                "for eksempel fra «python -c 'import secrets; print(secrets.token_urlsafe(50))'»"
            )
        )
    if not env.get("GEVINST_ALLOWED_HOSTS", "").strip():
        problems.append(
            _(
                "GEVINST_ALLOWED_HOSTS mangler: vertsnavnene tjenesten svarer på, "
                "kommaseparert (for eksempel gevinst.kommune.no)"
            )
        )
    return problems


def _gunicorn_has_setting(name: str) -> bool:
    from gunicorn.config import KNOWN_SETTINGS

    return any(s.name == name for s in KNOWN_SETTINGS)


def gunicorn_argv(host: str, port: int, workers: int, threads: int = 4) -> list[str]:
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "gevinst.web.wsgi:application",
        "--config",
        "python:gevinst.web.gunicorn_conf",
        "--bind",
        bind,
        "--workers",
        str(workers),
        # Threads: a static file or a cached page is served while another thread computes.
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
        # Heartbeat files in memory, not on a possibly slow or read-only disk.
        "--worker-tmp-dir",
        "/dev/shm" if os.path.isdir("/dev/shm") else "/tmp",
    ]
    if _gunicorn_has_setting("control_socket_disable"):
        # gunicorn >= 24 opens a control socket in $HOME; the app keeps no local
        # state, and several instances on one host would fight over the path.
        argv.append("--no-control-socket")
    return argv


class Command(BaseCommand):
    help = _("Starter webserveren (gunicorn); --production for servermodus mot PostgreSQL")
    # Checks run explicitly (with --deploy) once the production settings are loaded.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--production",
            action="store_true",
            help=_("Servermodus: PostgreSQL, sikkerhetssjekk, statiske filer, gunicorn"),
        )
        parser.add_argument("--host", default="127.0.0.1", help=_("Adressen serveren lytter på"))
        parser.add_argument("--port", type=int, default=8000, help=_("Porten serveren lytter på"))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("GEVINST_WORKERS", "2")),
            help=_("Antall gunicorn-arbeidsprosesser (standard 2, eller GEVINST_WORKERS)"),
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("GEVINST_THREADS", "4")),
            help=_("Tråder per arbeidsprosess (standard 4, eller GEVINST_THREADS)"),
        )

    def handle(self, *args, production=False, host="127.0.0.1", port=8000, workers=2, threads=4, **opts):
        if workers < 1:
            self._fail(_("--workers må være minst 1"))
        if threads < 1:
            self._fail(_("--threads må være minst 1"))
        env = dict(os.environ)
        if production:
            problems = production_problems(env)
            if problems:
                self._fail(
                    "\n".join(
                        [_("Kan ikke starte servermodus:")]
                        + [f"  - {p}" for p in problems]
                        + [_("Ingenting ble startet.")]
                    ),
                    code=2,
                )
            if not settings.PRODUCTION:
                # Settings were loaded without GEVINST_PRODUCTION: start over with it.
                env["GEVINST_PRODUCTION"] = "1"
                argv = [sys.executable, "-m", "gevinst.cli", "serve", "--production"]
                argv += ["--host", host, "--port", str(port), "--workers", str(workers), "--threads", str(threads)]
                sys.stdout.flush()
                sys.stderr.flush()
                os.execve(sys.executable, argv, env)
            self._deploy_check()

        Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
        self._prepare_database()
        call_command("collectstatic", interactive=False, verbosity=0)
        connections.close_all()
        self._start_warmup(env)

        url_host = f"[{host}]" if ":" in host else host
        mode = _("servermodus") if production else _("uten servermodus")
        self.stdout.write(
            _("gevinst kjører på http://%(host)s:%(port)s/ (%(mode)s, %(workers)d prosesser)")
            % {"host": url_host, "port": port, "mode": mode, "workers": workers}
        )
        logger.info("Starting gunicorn on %s:%s with %d workers", host, port, workers)
        sys.stdout.flush()
        sys.stderr.flush()
        argv = gunicorn_argv(host, port, workers, threads)
        os.execve(sys.executable, argv, env)

    def _start_warmup(self, env: dict[str, str]) -> None:
        """``gevinst warm`` in the background: a child of this process, which becomes the
        gunicorn master (same process id), so the child stops when the server stops."""
        if settings.GEVINST_WARMUP <= 0:
            return
        argv = [sys.executable, "-m", "gevinst.cli", "warm", "--parent", str(os.getpid()), "--nice", "10"]
        try:
            subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, close_fds=True)
        except OSError as exc:
            logger.warning("Could not start the warm-up: %s", exc)

    def _fail(self, message: str, code: int = 1):
        self.stderr.write(message)
        raise SystemExit(code)

    def _deploy_check(self):
        try:
            call_command("check", deploy=True, fail_level="WARNING", databases=["default"])
        except SystemCheckError as exc:
            self._fail(
                _("Djangos sikkerhetssjekk (check --deploy) fant problemer; ingenting ble startet.")
                + "\n"
                + str(exc)
            )

    def _prepare_database(self):
        """Migrate (and load the bundled data) once, whoever starts first."""
        prepare = "setup" if "setup" in get_commands() else "migrate"
        if prepare == "migrate":
            logger.warning("The 'setup' command is not available; running 'migrate' only")
        postgres = connection.vendor == "postgresql"
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_ID])
        try:
            if prepare == "setup":
                call_command("setup", verbosity=0)
            else:
                call_command("migrate", interactive=False, verbosity=0)
        finally:
            if postgres:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_ID])
