"""When the store writes a new data delivery, benefits on catalogue indicators get automatic measurements."""

from __future__ import annotations

import logging

from django.dispatch import receiver

from gevinst.store.ingest import vintage_stored

log = logging.getLogger("gevinst.plans")


@receiver(vintage_stored, dispatch_uid="plans_add_measurements_from_data")
def add_measurements_on_new_data(sender, vintage, **kwargs):
    from .data import add_measurements_everywhere

    added = add_measurements_everywhere()
    if added:
        log.info("added %s automatic measurements after vintage %s", added, vintage.pk)
