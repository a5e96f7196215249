"""The demo organisation that ``gevinst setup`` / ``make run`` creates in embedded mode.

«Lørenskog kommune (eksempel)» (slug ``lorenskog-demo``, region 3222,
``is_demo=True``) and a user ``demo`` with the role redaktør. The password is
``GEVINST_DEMO_PASSWORD`` if set, otherwise :data:`DEV_DEMO_PASSWORD` — the
fixed default exists only in embedded mode; in production mode
:func:`ensure_demo` refuses to run without the environment variable.

``gevinst setup`` also creates an example årshjul (:mod:`gevinst.cycle.demo`).
The example plan comes from ``gevinst.plans.demo.ensure_demo_plan(org)`` when
the plans app provides it. Everything here is idempotent: a second call
changes nothing (a demo password changed in the web UI is set back, so the
printed login always works).
"""

from __future__ import annotations

import importlib
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from .models import Membership, Organisation, Role

DEMO_SLUG = "lorenskog-demo"
DEMO_NAME = "Lørenskog kommune (eksempel)"
DEMO_REGION = "3222"
DEMO_USERNAME = "demo"
#: Embedded mode only (one analyst on 127.0.0.1); printed by `gevinst setup` and `make run`.
DEV_DEMO_PASSWORD = "lorenskog-eksempel"


def demo_password() -> str:
    pw = os.environ.get("GEVINST_DEMO_PASSWORD", "")
    if pw:
        return pw
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("GEVINST_DEMO_PASSWORD må være satt for en demobruker i servermodus.")
    return DEV_DEMO_PASSWORD


def ensure_demo() -> tuple[Organisation, str, str]:
    """Create (or find) the demo organisation and user; returns ``(org, username, password)``."""
    password = demo_password()
    User = get_user_model()
    with transaction.atomic():
        org, _ = Organisation.objects.get_or_create(
            slug=DEMO_SLUG, defaults={"name": DEMO_NAME, "region": DEMO_REGION, "is_demo": True}
        )
        user, created = User.objects.get_or_create(username=DEMO_USERNAME)
        # The printed login must work: (re)set the password only when it differs.
        if created or not user.check_password(password):
            user.set_password(password)
            user.save()
        Membership.objects.get_or_create(user=user, organisation=org, defaults={"role": Role.REDAKTOR})
    try:
        plans_demo = importlib.import_module("gevinst.plans.demo")
    except ModuleNotFoundError as exc:
        if exc.name != "gevinst.plans.demo":
            raise
    else:
        plans_demo.ensure_demo_plan(org)
    return org, DEMO_USERNAME, password


def ensure_demo_and_report(stdout) -> None:
    """``ensure_demo`` and print the login (called by ``gevinst setup`` outside production)."""
    from django.utils.translation import gettext as _

    org, username, password = ensure_demo()
    from gevinst.cycle.demo import ensure_demo_cycle

    ensure_demo_cycle(org)
    stdout.write(_("Demo-innlogging: %(user)s / %(password)s") % {"user": username, "password": password})
