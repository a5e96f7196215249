"""``gevinst worker``: runs the scheduled jobs (procrastinate worker).

Start one or more per installation, next to the ``gevinst serve --production``
processes and with the same environment. Every worker defers the periodic jobs
(SSB refresh on 16 March and 16 June, reminders daily); PostgreSQL makes sure
each tick is deferred once, and a job is fetched by one worker only. Stop with
SIGTERM or Ctrl+C: running jobs are allowed to finish.
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

logger = logging.getLogger("gevinst.worker")


class Command(BaseCommand):
    help = _("Starter arbeidsprosessen for planlagte jobber (SSB-oppdatering, påminnelser)")

    def add_arguments(self, parser):
        parser.add_argument(
            "--concurrency",
            type=int,
            default=1,
            help=_("Hvor mange jobber prosessen kjører samtidig (standard 1)"),
        )
        parser.add_argument(
            "--one-shot",
            action="store_true",
            help=_("Kjør jobbene som ligger i køen, og avslutt"),
        )

    def handle(self, *args, concurrency=1, one_shot=False, **options):
        if not apps.is_installed("procrastinate.contrib.django"):
            self.stderr.write(
                _(
                    "Planlagte jobber krever PostgreSQL: sett DATABASE_URL=postgres://… "
                    "Med den innebygde SQLite-databasen oppdaterer du data fra SSB "
                    "med «gevinst refresh»."
                )
            )
            raise SystemExit(2)

        from procrastinate.contrib.django import app

        from gevinst.web import tasks

        proc_logger = logging.getLogger("procrastinate")
        if not proc_logger.handlers and not logging.getLogger().handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
            proc_logger.addHandler(handler)
        proc_logger.setLevel(logging.INFO)

        logger.info(
            "Worker starting (queue %r, concurrency %d, one-shot %s)",
            tasks.QUEUE,
            concurrency,
            one_shot,
        )
        # The worker needs its own (async) connection pool, as procrastinate's
        # own Django command does.
        with app.replace_connector(app.connector.get_worker_connector()):
            app.run_worker(
                queues=[tasks.QUEUE],
                concurrency=concurrency,
                wait=not one_shot,
                install_signal_handlers=not one_shot,
            )
        logger.info("Worker stopped")
