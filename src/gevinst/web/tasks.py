"""Scheduled work: the SSB refresh and the daily reminders.

The jobs run through procrastinate, a task queue that lives in the PostgreSQL
database the server already uses (see docs/server.md for why). ``gevinst
worker`` starts a worker; every worker defers the periodic jobs, and a unique
constraint in the database makes sure each tick is deferred exactly once, so
any number of workers (on any number of machines) can run side by side.

The tasks are thin: they call plain functions that can also be run by hand
(``gevinst refresh``) or from tests. Cron expressions are evaluated in UTC.

In the embedded SQLite mode there is no worker: this module still imports (the
tasks register on procrastinate's not-yet-bound app), and the functions can be
called directly.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string
from procrastinate.contrib.django import app

logger = logging.getLogger(__name__)

#: The function the SSB refresh job calls; the setting ``GEVINST_REFRESH_FUNCTION``
#: (a dotted path) replaces it, which the tests use to observe a real run.
DEFAULT_REFRESH_FUNCTION = "gevinst.store.ssb.refresh_from_ssb"

#: SSB publishes the preliminary KOSTRA figures on 15 March and the final ones
#: on 15 June; the refresh runs at 05:00 UTC the day after each.
REFRESH_CRON = "0 5 16 3,6 *"
#: Reminders are checked every morning (04:00 UTC: 05:00/06:00 in Norway).
REMINDERS_CRON = "0 4 * * *"

QUEUE = "gevinst"


def send_reminders(today=None) -> int:
    """Send the årshjul reminders that are due today; returns how many e-mails were sent.

    Each organisation's open activities due in 7 days or today, and on Mondays the
    overdue ones (:func:`gevinst.cycle.service.daily_reminders`), to the responsible
    user or else the organisation's editors. ``gevinst reminders --email`` sends the
    same by hand for any window.
    """
    from django.utils import timezone

    from gevinst.accounts.models import Organisation
    from gevinst.cycle import service

    today = today or timezone.localdate()
    sent = 0
    for org in Organisation.objects.order_by("pk"):
        items = service.daily_reminders(org, today)
        if items:
            sent += service.email_reminders(org, items)
    logger.info("Reminders for %s: %s e-mails sent", today.isoformat(), sent)
    return sent


def _refresh_function():
    path = getattr(settings, "GEVINST_REFRESH_FUNCTION", DEFAULT_REFRESH_FUNCTION)
    # Imported at run time: the refresh code is heavy (Polars, HTTP client)
    # and the web processes never need it.
    return import_string(path)


@app.periodic(cron=REFRESH_CRON, periodic_id="kostra")
@app.task(
    name="gevinst.refresh_from_ssb",
    queue=QUEUE,
    lock="refresh_from_ssb",
    queueing_lock="refresh_from_ssb",
)
def refresh_from_ssb(timestamp: int):
    """Periodic job: fetch the newest KOSTRA figures from SSB."""
    logger.info("Scheduled SSB refresh starting (tick %s)", timestamp)
    result = _refresh_function()()
    logger.info("Scheduled SSB refresh finished")
    return result


@app.periodic(cron=REMINDERS_CRON, periodic_id="daily")
@app.task(
    name="gevinst.send_reminders",
    queue=QUEUE,
    lock="send_reminders",
    queueing_lock="send_reminders",
)
def send_reminders_task(timestamp: int):
    """Periodic job: send the reminders that are due today."""
    return send_reminders()
