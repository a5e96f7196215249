"""gunicorn configuration used by ``gevinst serve`` (``-c python:gevinst.web.gunicorn_conf``).

Options given on the command line or in ``GUNICORN_CMD_ARGS`` take precedence over this file.
"""

from __future__ import annotations

import logging

# Idle keep-alive connections are held by the worker's poller, not by a thread. Closing them after
# gunicorn's default 2 s races with clients (or a proxy) that reuse the connection just then: the
# request is lost with a connection error. Keep them longer than a proxy's usual idle timeout (60 s).
keepalive = 75


def post_worker_init(worker):
    """Import the views and load the registry and catalogue before the worker accepts requests,
    so that no visitor waits 2–4 s for a fresh worker (after start or a restart)."""
    try:
        from gevinst.web.warmup import prepare_process

        prepare_process()
    except Exception:  # a worker that is slow on its first request still works
        logging.getLogger("gevinst.serve").exception("preparing worker %s failed", worker.pid)
