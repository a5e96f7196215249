"""Django settings for gevinst.

Everything that differs between a single analyst's laptop and an organisation's
shared installation comes from environment variables:

- ``GEVINST_DATA_DIR``: where the embedded SQLite database, caches and collected
  static files live (default: ``./var``).
- ``DATABASE_URL``: a PostgreSQL (or other) database URL; without it, SQLite in
  ``GEVINST_DATA_DIR``.
- ``GEVINST_SECRET_KEY``: required in production mode.
- ``GEVINST_PRODUCTION=1``: server mode (set by ``gevinst serve --production``).
- ``GEVINST_ALLOWED_HOSTS``: comma-separated host names for production.
- ``GEVINST_CACHE``: the shared page cache (``database``, ``file``, ``memory``, ``off``).
- ``GEVINST_DEBUG=1``: Django's debug pages (tracebacks, English 404 page) for developers;
  off by default in both modes, so a user sees gevinst's own Norwegian error pages.
- ``GEVINST_CONN_MAX_AGE``: seconds a database connection is kept and reused by a server
  thread (default 60; 0 opens one per request).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("GEVINST_DATA_DIR", Path.cwd() / "var")).resolve()

PRODUCTION = os.environ.get("GEVINST_PRODUCTION", "") == "1"
DEBUG = os.environ.get("GEVINST_DEBUG", "0") == "1"

if PRODUCTION:
    SECRET_KEY = os.environ.get("GEVINST_SECRET_KEY", "")
    if not SECRET_KEY:
        # Translations are not available while settings load, hence plain bokmål.
        raise ImproperlyConfigured(
            "GEVINST_SECRET_KEY må være satt i servermodus (GEVINST_PRODUCTION=1): "
            "en lang, tilfeldig og hemmelig verdi, for eksempel fra "
            "«python -c 'import secrets; print(secrets.token_urlsafe(50))'»."
        )
else:
    SECRET_KEY = os.environ.get(
        "GEVINST_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production"
    )

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "GEVINST_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
    ).split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "gevinst.web",
    "gevinst.store",
    "gevinst.regions",
    "gevinst.baselines",
    "gevinst.economy",
    "gevinst.benchlearning",
    "gevinst.accounts",
    "gevinst.plans",
    "gevinst.cycle",
    "gevinst.catalogue",
    "gevinst.api",
    "ninja",  # the API docs page serves Swagger UI from ninja's own static files, no CDN
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gevinst.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "gevinst.web.urls"
WSGI_APPLICATION = "gevinst.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{DATA_DIR / 'gevinst.sqlite3'}"
DATABASES = {
    # Connections are reused by a server thread for CONN_MAX_AGE seconds: opening one per request
    # (SQLite: the file plus two PRAGMAs; PostgreSQL: a new backend process) was the largest
    # single cost of a cached page. ``gevinst run`` closes a thread's connection when its client
    # disconnects; gunicorn's threads keep theirs.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite),
        conn_max_age=int(os.environ.get("GEVINST_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL lets page reads continue while the bundled data loads or a plan is saved.
    DATABASES["default"]["OPTIONS"].update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20}
    )

# Scheduled work (SSB refresh, reminders) runs through procrastinate, a task
# queue inside PostgreSQL; its migrations are PostgreSQL-only, so the embedded
# SQLite mode leaves it out (see docs/server.md).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.append("procrastinate.contrib.django")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Accounts: login, sessions in the database, invitation e-mail.
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_AGE = 60 * 60 * 10  # a working day
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
DEFAULT_FROM_EMAIL = os.environ.get("GEVINST_FROM_EMAIL", "gevinst@localhost")
if PRODUCTION:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ.get("GEVINST_EMAIL_HOST", "localhost")
    EMAIL_PORT = int(os.environ.get("GEVINST_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("GEVINST_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("GEVINST_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("GEVINST_EMAIL_TLS", "1") == "1"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norsk bokmål")), ("nn", _("Norsk nynorsk"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Where SSB responses are cached on disk.
CACHE_DIR = DATA_DIR / "cache"

# The computed parts of the public region and baseline pages, shared by every server process
# (gevinst.web.pagecache; keys carry the data signature, so new data is never hidden).
# GEVINST_CACHE: "database" (default: a table in the same database, created by `gevinst setup`;
# shared by all processes and all app servers on one PostgreSQL, and by the embedded mode across
# restarts), "file" (GEVINST_DATA_DIR/cache/pages: shared by the processes of one machine),
# "memory" (per process) or "off".
_PAGE_CACHE = os.environ.get("GEVINST_CACHE", "database").strip().lower() or "database"
_PAGE_CACHE_BACKENDS = {
    "database": ("django.core.cache.backends.db.DatabaseCache", "gevinst_page_cache"),
    "file": ("django.core.cache.backends.filebased.FileBasedCache", str(CACHE_DIR / "pages")),
    "memory": ("django.core.cache.backends.locmem.LocMemCache", "gevinst-pages"),
    "off": ("django.core.cache.backends.dummy.DummyCache", ""),
}
if _PAGE_CACHE not in _PAGE_CACHE_BACKENDS:
    raise ImproperlyConfigured(
        f"GEVINST_CACHE={_PAGE_CACHE!r} er ukjent; bruk database, file, memory eller off."
    )
GEVINST_PAGE_CACHE = _PAGE_CACHE != "off"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": _PAGE_CACHE_BACKENDS[_PAGE_CACHE][0],
        "LOCATION": _PAGE_CACHE_BACKENDS[_PAGE_CACHE][1],
        # Entries never go stale (the key changes with the data); the timeout only clears out
        # keys of data that has since changed.
        "TIMEOUT": int(os.environ.get("GEVINST_CACHE_TIMEOUT", str(7 * 24 * 3600))),
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("GEVINST_CACHE_MAX_ENTRIES", "3000"))},
    },
}
# Regions whose pages are computed in the background at start (0: none); see `gevinst warm`.
GEVINST_WARMUP = int(os.environ.get("GEVINST_WARMUP", "8"))
# SSB PxWebApi v2 (tests point it at a local server with saved real responses).
SSB_BASE_URL = os.environ.get("GEVINST_SSB_BASE_URL", "https://data.ssb.no/api/pxwebapi/v2")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {"gevinst": {"handlers": ["console"], "level": os.environ.get("GEVINST_LOG_LEVEL", "INFO")}},
}

if PRODUCTION:
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
    SESSION_COOKIE_SECURE = os.environ.get("GEVINST_INSECURE_COOKIES", "") != "1"
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SESSION_COOKIE_HTTPONLY = True
    SECURE_SSL_REDIRECT = os.environ.get("GEVINST_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("GEVINST_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [
        o.strip() for o in os.environ.get("GEVINST_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
    ]
