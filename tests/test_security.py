"""Security settings: CSRF, password hashing, secrets and DEBUG in production.

Production settings are imported in a subprocess, since settings are read once
per process and the test process runs with the development settings.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings

SHOW_SETTINGS = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gevinst.web.settings")
from django.conf import settings
names = ["DEBUG", "SECRET_KEY", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
         "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
         "SESSION_COOKIE_HTTPONLY", "ALLOWED_HOSTS", "X_FRAME_OPTIONS", "SESSION_ENGINE"]
print(json.dumps({n: getattr(settings, n) for n in names}))
"""


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GEVINST_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env.update(extra)
    return env


def _settings_in_subprocess(**extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        env=_env(**extra),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_csrf_middleware_is_on():
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


def test_security_middlewares_are_on_and_in_order():
    mw = settings.MIDDLEWARE
    assert mw[0] == "django.middleware.security.SecurityMiddleware"
    assert "django.middleware.clickjacking.XFrameOptionsMiddleware" in mw
    assert "gevinst.web.middleware.SecurityHeadersMiddleware" in mw
    assert mw.index("whitenoise.middleware.WhiteNoiseMiddleware") < mw.index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )


def test_argon2_is_the_first_password_hasher():
    from django.contrib.auth.hashers import make_password

    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert make_password("korrekt hest batteri stift").startswith("argon2$")


def test_production_without_secret_key_fails_with_clear_message():
    r = _settings_in_subprocess(GEVINST_PRODUCTION="1")
    assert r.returncode != 0
    assert "ImproperlyConfigured" in r.stderr
    assert "GEVINST_SECRET_KEY må være satt" in r.stderr


def test_cli_in_production_without_key_prints_message_not_traceback(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "gevinst.cli", "check"],
        env=_env(GEVINST_PRODUCTION="1", GEVINST_DATA_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2
    assert "GEVINST_SECRET_KEY må være satt" in r.stderr
    assert "Traceback" not in r.stderr


def test_production_with_empty_secret_key_fails_too():
    r = _settings_in_subprocess(GEVINST_PRODUCTION="1", GEVINST_SECRET_KEY="")
    assert r.returncode != 0
    assert "GEVINST_SECRET_KEY må være satt" in r.stderr


def test_production_settings_take_the_key_from_env_and_are_locked_down():
    key = secrets.token_urlsafe(50)
    r = _settings_in_subprocess(
        GEVINST_PRODUCTION="1", GEVINST_SECRET_KEY=key, GEVINST_ALLOWED_HOSTS="gevinst.example.no"
    )
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["SECRET_KEY"] == key
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["CSRF_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_HTTPONLY"] is True
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["ALLOWED_HOSTS"] == ["gevinst.example.no"]
    assert s["X_FRAME_OPTIONS"] == "DENY"
    # Sessions in the database: any app process can serve any request.
    assert s["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def test_development_key_is_never_the_production_key():
    r = _settings_in_subprocess()
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert "insecure" in s["SECRET_KEY"]
    # Production refuses to start without its own key (see above), so the
    # development key can never end up in production.


def test_embedded_mode_shows_no_debug_pages_unless_a_developer_asks():
    # `make run` is what a municipal analyst starts: an unknown address or an error must give
    # gevinst's own Norwegian page, not Django's English debug page with settings and traceback.
    r = _settings_in_subprocess()
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["DEBUG"] is False
    r = _settings_in_subprocess(GEVINST_DEBUG="1")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["DEBUG"] is True


def test_responses_carry_csp_and_permissions_policy(client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path  # WhiteNoise warns about a missing var/static otherwise
    # Any response passes the middleware; a 404 needs neither data nor templates.
    r = client.get("/finnes-ikke/csp-test/")
    assert r.status_code == 404
    csp = r["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "object-src 'none'" in csp
    assert "microphone=()" in r["Permissions-Policy"]


def test_view_may_set_its_own_csp(rf):
    from django.http import HttpResponse

    from gevinst.web.middleware import SecurityHeadersMiddleware

    def view(request):
        response = HttpResponse("x")
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    response = SecurityHeadersMiddleware(view)(rf.get("/"))
    assert response["Content-Security-Policy"] == "default-src 'none'"
