"""``gevinst run``: the embedded single-user mode (what ``make run`` starts).

Sets up the embedded database (``setup``: migrations and bundled data, both
idempotent, so a second run is quick and keeps everything entered), collects
the static files, then serves on http://127.0.0.1:8000/ until Ctrl+C.

The server is Django's own threaded WSGI server, without the autoreloader and
without ``runserver``'s developer banner: one analyst on one machine, bound to
the loopback address, on any operating system (gunicorn does not run on
Windows). WhiteNoise serves the static files here as in server mode. For
several users, use ``gevinst serve --production`` (gunicorn, PostgreSQL).

Once the server listens, a background thread loads the registry and computes
the most-read region and nullpunkt pages into the page cache (``GEVINST_WARMUP``
regions, default 8; 0 turns it off). Start-up does not wait for it.
"""

from __future__ import annotations

import errno
import logging
import sys
import threading
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.core.servers.basehttp import (
    WSGIRequestHandler,
    WSGIServer,
    get_internal_wsgi_application,
)
from django.core.servers.basehttp import run as run_wsgi_server
from django.db import connections
from django.utils.translation import gettext as _

logger = logging.getLogger("gevinst.run")


def prepare_database() -> None:
    """Migrate and load the bundled data (``setup``), or only migrate until it exists."""
    if "setup" in get_commands():
        call_command("setup")
    else:
        logger.warning("The 'setup' command is not available; running 'migrate' only")
        call_command("migrate", interactive=False, verbosity=0)


class _RequestHandler(WSGIRequestHandler):
    # Headers and body go out in separate writes: with Nagle's algorithm the body then waits
    # for the client's delayed ACK (~40 ms on Linux) on every kept-alive request.
    disable_nagle_algorithm = True


class EmbeddedServer(WSGIServer):
    """Django's WSGI server (threaded by ``run``) with a longer listen queue than its 10, so
    that many browser tabs or clients connecting at once are not refused or delayed by SYN
    retries, and with TCP_NODELAY on every connection."""

    request_queue_size = 128

    def __init__(self, server_address, handler_class, **kwargs):
        super().__init__(server_address, _RequestHandler, **kwargs)

    def shutdown_request(self, request):
        # Runs in the connection's own thread when its client has gone: the database connection
        # that thread kept open across the client's requests (CONN_MAX_AGE) goes with it.
        super().shutdown_request(request)
        connections.close_all()


def _warm_in_background() -> None:
    from gevinst.web import warmup

    try:
        warmup.prepare_process()
        warmup.warm(warmup.regions_to_warm(settings.GEVINST_WARMUP))
    except Exception:  # the warm-up must never take the server down
        logger.exception("warm-up failed")
    finally:
        connections.close_all()  # this thread's connections only


def start_warmup() -> None:
    if settings.GEVINST_WARMUP > 0:
        threading.Thread(target=_warm_in_background, name="gevinst-warmup", daemon=True).start()


class Command(BaseCommand):
    help = _("Starter gevinst lokalt (oppsett + webserver)")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help=_("Adressen serveren lytter på"))
        parser.add_argument("--port", type=int, default=8000, help=_("Porten serveren lytter på"))

    def handle(self, *args, host="127.0.0.1", port=8000, **options):
        # The embedded database and the collected static files live here.
        Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
        prepare_database()
        call_command("collectstatic", interactive=False, verbosity=0)
        connections.close_all()
        application = get_internal_wsgi_application()
        url_host = f"[{host}]" if ":" in host else host

        def announce(bound_port):
            self.stdout.write(
                _("gevinst kjører på http://%(host)s:%(port)s/ (Ctrl+C for å stoppe)")
                % {"host": url_host, "port": bound_port}
            )
            sys.stdout.flush()
            start_warmup()

        logger.info("Serving the embedded mode on %s:%s", host, port)
        try:
            run_wsgi_server(
                host,
                port,
                application,
                ipv6=":" in host,
                threading=True,
                on_bind=announce,
                server_cls=EmbeddedServer,
            )
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                self.stderr.write(
                    _(
                        "Porten %(port)s er allerede i bruk. Kjører gevinst allerede? "
                        "Velg en annen port med --port (make run PORT=8001)."
                    )
                    % {"port": port}
                )
                raise SystemExit(1) from None
            if exc.errno in (errno.EADDRNOTAVAIL, errno.EACCES):
                self.stderr.write(
                    _("Kan ikke lytte på %(host)s:%(port)s: %(error)s")
                    % {"host": host, "port": port, "error": exc.strerror}
                )
                raise SystemExit(1) from None
            raise
        except KeyboardInterrupt:
            self.stdout.write(_("gevinst er stoppet."))
