"""Integrity of the plan: audit trail, optimistic locking, soft delete and restore.

Every change to an initiative, benefit or measurement goes through the functions
here (the views, the importer and the automatic measurements all do): the row is
locked, its ``version`` compared with the one the user started from, saved with
the next version, and an :class:`~gevinst.plans.models.AuditEvent` with the
before and after snapshots is written in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AuditEvent, Benefit, Initiative, Measurement, Tracked

MODEL_NAMES = {Initiative: "initiative", Benefit: "benefit", Measurement: "measurement"}
MODELS_BY_NAME = {v: k for k, v in MODEL_NAMES.items()}


class StaleVersion(Exception):
    """The object was changed by someone else since the user opened it."""

    def __init__(self, current: Tracked, submitted: Tracked):
        super().__init__("stale version")
        self.current = current
        self.submitted = submitted


def _json_value(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def snapshot(obj: models.Model) -> dict:
    """The object's fields as JSON-friendly values (foreign keys as ids)."""
    exclude = set(getattr(obj, "AUDIT_EXCLUDE", ()))
    out = {}
    for f in obj._meta.concrete_fields:
        if f.name in exclude:
            continue
        out[f.attname] = _json_value(getattr(obj, f.attname))
    return out


def changed_fields(before: dict | None, after: dict | None) -> list[str]:
    before, after = before or {}, after or {}
    return [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k) and k != "version"]


def _actor(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return _("gevinst (automatisk)")
    return user.get_full_name() or user.get_username()


def record(obj: Tracked, user, action: str, before: dict | None, after: dict | None) -> AuditEvent:
    return AuditEvent.objects.create(
        organisation_id=obj.organisation_id,
        user=user if getattr(user, "is_authenticated", False) else None,
        actor=_actor(user), action=action, model=MODEL_NAMES[type(obj)], object_id=obj.pk,
        object_repr=str(obj)[:300], before=before, after=after,
    )


def save(obj: Tracked, user=None, *, expected_version: int | None = None, action: str | None = None) -> Tracked:
    """Create or update ``obj`` and record it; refuse a stale ``expected_version``.

    Raises :class:`StaleVersion` (nothing written) when the stored version differs
    from ``expected_version`` (for updates; ``None`` skips the comparison, for
    system changes that re-read the row first).
    """
    model = type(obj)
    with transaction.atomic():
        if obj.pk is None:
            obj.version = 1
            obj.save()
            record(obj, user, action or "create", None, snapshot(obj))
            return obj
        current = model.objects.select_for_update().get(pk=obj.pk)
        if expected_version is not None and current.version != expected_version:
            raise StaleVersion(current, obj)
        before = snapshot(current)
        obj.version = current.version + 1
        obj.deleted_at = current.deleted_at if action is None else obj.deleted_at
        obj.save()
        after = snapshot(obj)
        record(obj, user, action or "update", before, after)
        return obj


def soft_delete(obj: Tracked, user=None, *, expected_version: int | None = None) -> Tracked:
    obj.deleted_at = timezone.now()
    return save(obj, user, expected_version=expected_version, action="delete")


def restore(obj: Tracked, user=None) -> Tracked:
    obj.deleted_at = None
    return save(obj, user, action="restore")


def history(organisation, model_name: str | None = None, object_id: int | None = None):
    qs = AuditEvent.objects.filter(organisation=organisation).select_related("user")
    if model_name:
        qs = qs.filter(model=model_name)
    if object_id is not None:
        qs = qs.filter(object_id=object_id)
    return qs
