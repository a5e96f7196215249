"""Login throttling, stored in the database.

Server mode runs several processes, so the count of failed logins cannot live
in process memory: each failure is a :class:`~gevinst.accounts.models.LoginAttempt`
row keyed by (username, IP address). After :data:`MAX_FAILURES` failures within
:data:`WINDOW`, further attempts for that key are refused *before* the password
is checked, until the oldest failure leaves the window. Refused attempts are not
recorded, so the lock does not extend itself. A successful login clears the key.

The IP address is ``REMOTE_ADDR``. Behind a proxy that is the proxy's address,
so the limit is effectively per username — still what stops password guessing.
"""

from __future__ import annotations

import math
from datetime import timedelta

from django.utils import timezone

from .models import LoginAttempt

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


def _key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def client_ip(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "")[:45] if request is not None else ""


def minutes_locked(username: str, ip: str) -> int:
    """Minutes until ``username`` may try again from ``ip``; 0 if not locked."""
    since = timezone.now() - WINDOW
    failures = list(
        LoginAttempt.objects.filter(username=_key(username), ip=ip, created_at__gte=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:MAX_FAILURES]
    )
    if len(failures) < MAX_FAILURES:
        return 0
    # Free again when the oldest of the last MAX_FAILURES failures leaves the window.
    free_at = failures[-1] + WINDOW
    return max(1, math.ceil((free_at - timezone.now()).total_seconds() / 60))


def record_failure(username: str, ip: str) -> None:
    LoginAttempt.objects.filter(created_at__lt=timezone.now() - WINDOW).delete()
    LoginAttempt.objects.create(username=_key(username), ip=ip)


def clear(username: str, ip: str) -> None:
    LoginAttempt.objects.filter(username=_key(username), ip=ip).delete()
