"""A cache shared by every server process for what the public region and baseline pages compute.

What is cached is the same for every visitor: the computed baseline
(:class:`~gevinst.baselines.service.BaselineResult`) and the rendered *data part* of the region
page and of the nullpunkt page, rendered without the request (no user, no session, no CSRF
token; the page around it, with the user menu and the form, is rendered per request). Nothing
that belongs to a user or an organisation goes in: the nullpunkt page of an organisation's
saved peer set is rendered afresh each time (see :mod:`gevinst.baselines.views`).

Every key holds everything the value depends on, so a value can never be stale; old keys are
simply no longer asked for and expire or are culled:

* the caller's parts (page, region, year, area, peers …);
* the active language (texts and chart titles are translated when computed);
* the **data signature**: number, highest id and latest fetch time of the stored vintages.
  Observations are only ever added together with a new vintage and removed with it
  (:func:`gevinst.store.ingest.store_observations`, cascade), so any import or removal changes
  it. It is read from the database on every request, before the data, so a page computed
  while an import commits is at worst stored under the old signature, which is never asked
  for again;
* the **code signature**: the gevinst version and a digest of every file in the package
  (templates, code, bundled data, translations), and the indicator catalogue in use
  (``GEVINST_CATALOGUE``, with its modification time). An upgrade or a new catalogue therefore
  never shows fragments rendered by the old one;
* the script prefix (the links in the fragments start with it).

Two levels: a small in-process LRU in front of the shared Django cache ``pages`` (settings:
``GEVINST_CACHE``, by default the database: ``DatabaseCache``, which every app server shares
through PostgreSQL, or the SQLite file in the embedded mode). The in-process level only saves
the round trip and the unpickling; it is keyed exactly as the shared one.

A value that is missing is computed once: threads of a process wait for each other, and
processes take a short lock in the shared cache (``add``) and poll for the value, for at most
:data:`WAIT_SECONDS`, after which they compute it themselves. If the shared cache fails (for
example its table is missing because only ``migrate`` was run, not ``gevinst setup``), the
pages are computed as if there were no cache, and a warning is logged once.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import InvalidCacheBackendError, caches
from django.db import DatabaseError, connection, transaction
from django.urls import get_script_prefix
from django.utils import translation

from gevinst.store.queries import data_signature  # noqa: F401 - part of this module's interface

log = logging.getLogger("gevinst.pagecache")

CACHE_ALIAS = "pages"
#: Bump when the format of cached values changes without any file size/mtime changing.
FORMAT = 1
#: How long a process waits for another process computing the same value.
WAIT_SECONDS = 20.0
POLL_SECONDS = 0.1
LOCK_SECONDS = 60

#: Per-process entries per kind (fragments are ~20–100 kB, baselines up to a few MB).
LOCAL_SIZES = {"baseline": 24}
LOCAL_DEFAULT = 256

_local: dict[str, OrderedDict] = {}
_local_lock = threading.Lock()
_key_locks: dict[str, threading.Lock] = {}
_warned = False
_code_sig: str | None = None

_MISSING = object()


# ------------------------------------------------------------------ signatures
def code_signature() -> str:
    """The gevinst version and a digest of every file in the package (templates, code, bundled
    data, translations): computed once per process (≈ 12 MB read, some 30 ms), the same on every
    app server with the same installation."""
    global _code_sig
    if _code_sig is None:
        import gevinst

        root = Path(gevinst.__file__).resolve().parent
        h = hashlib.sha256(f"{gevinst.__version__}:{FORMAT}".encode())
        for path in sorted(root.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            h.update(f"{path.relative_to(root).as_posix()}\0".encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())
        _code_sig = h.hexdigest()[:16]
    return _code_sig


def _catalogue_signature() -> tuple:
    from gevinst.catalogue.loader import ENV_VAR, default_path

    chosen = Path(os.environ.get(ENV_VAR) or default_path())
    try:
        return (str(chosen), chosen.stat().st_mtime_ns)
    except OSError:
        return (str(chosen), 0)


def make_key(kind: str, parts: tuple, data_sig: tuple | None = None) -> str:
    """The cache key of ``kind``/``parts`` in the current language, data and code."""
    sig = data_signature() if data_sig is None else data_sig
    # The script prefix: links in the fragments start with it (an installation under /gevinst/).
    raw = repr((parts, translation.get_language(), get_script_prefix(), sig, code_signature(), _catalogue_signature()))
    return f"gevinst:{kind}:{hashlib.sha256(raw.encode()).hexdigest()}"


# ------------------------------------------------------------------ the shared cache
def _shared():
    try:
        return caches[CACHE_ALIAS]
    except InvalidCacheBackendError:
        return None


def _guard(op: Callable[[], Any], default: Any) -> Any:
    """Run a shared-cache operation; on a database error log once and return ``default``.

    Inside a transaction (tests, atomic views) the operation gets a savepoint so that a failure
    does not break the caller's transaction.
    """
    global _warned
    try:
        if connection.in_atomic_block:
            with transaction.atomic():
                return op()
        return op()
    except DatabaseError as exc:
        if not _warned:
            _warned = True
            log.warning("Den delte hurtigbufferen svarer ikke (%s); sidene regnes ut uten den. "
                        "Kjør «gevinst setup» (createcachetable).", exc)
        return default


def _dumps(value: Any) -> bytes:
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 3)


def _loads(blob: Any) -> Any:
    if not isinstance(blob, bytes):
        return _MISSING
    try:
        return pickle.loads(zlib.decompress(blob))  # our own values, from our own cache
    except Exception:  # noqa: BLE001 - a damaged or foreign entry is a miss
        return _MISSING


def shared_get(key: str) -> Any:
    cache = _shared()
    if cache is None:
        return _MISSING
    return _loads(_guard(lambda: cache.get(key), None))


def shared_set(key: str, value: Any) -> None:
    cache = _shared()
    if cache is not None:
        blob = _dumps(value)
        _guard(lambda: cache.set(key, blob), None)


def _shared_add(key: str) -> bool:
    cache = _shared()
    if cache is None:
        return True
    return bool(_guard(lambda: cache.add(key, os.getpid(), timeout=LOCK_SECONDS), True))


def _shared_delete(key: str) -> None:
    cache = _shared()
    if cache is not None:
        _guard(lambda: cache.delete(key), None)


# ------------------------------------------------------------------ the local level
def _local_get(kind: str, key: str) -> Any:
    with _local_lock:
        lru = _local.get(kind)
        if lru is not None and key in lru:
            lru.move_to_end(key)
            return lru[key]
    return _MISSING


def _local_put(kind: str, key: str, value: Any) -> None:
    with _local_lock:
        lru = _local.setdefault(kind, OrderedDict())
        lru[key] = value
        lru.move_to_end(key)
        while len(lru) > LOCAL_SIZES.get(kind, LOCAL_DEFAULT):
            lru.popitem(last=False)


def clear_local() -> None:
    """Forget the in-process level (tests; the shared level is untouched)."""
    with _local_lock:
        _local.clear()


def _enabled() -> bool:
    return getattr(settings, "GEVINST_PAGE_CACHE", True)


# ------------------------------------------------------------------ the entry point
def get_or_build(kind: str, parts: tuple, build: Callable[[], Any], data_sig: tuple | None = None) -> Any:
    """The cached value for ``kind``/``parts``, computing it with ``build()`` when missing.

    ``parts`` must hold everything ``build`` depends on apart from the language, the stored
    data and the code (those are added here). ``data_sig``: :func:`data_signature`, when the
    caller has just read it (it must have been read before the data ``build`` reads). Exceptions
    from ``build`` propagate and nothing is stored.
    """
    if not _enabled():
        return build()
    key = make_key(kind, parts, data_sig)
    value = _local_get(kind, key)
    if value is not _MISSING:
        return value
    value = shared_get(key)
    if value is not _MISSING:
        _local_put(kind, key, value)
        return value
    with _local_lock:
        key_lock = _key_locks.setdefault(key, threading.Lock())
    with key_lock:  # one thread per process computes; the others find it afterwards
        value = _local_get(kind, key)
        if value is not _MISSING:
            return value
        value, lock_key = _claim_or_wait(key)
        try:
            if value is _MISSING:
                value = build()
                shared_set(key, value)
            _local_put(kind, key, value)
        finally:
            if lock_key:
                _shared_delete(lock_key)
            with _local_lock:
                _key_locks.pop(key, None)
        return value


def _claim_or_wait(key: str) -> tuple[Any, str | None]:
    """``(value, None)`` when another process stored it meanwhile; else ``(_MISSING, lock)``:
    compute it (and release ``lock``, if we hold it, afterwards)."""
    lock_key = key + ":lock"
    if _shared_add(lock_key):
        # Ours to compute; the lock expires by itself should this process die on the way.
        value = shared_get(key)  # it may have landed between our first look and the lock
        return value, lock_key
    deadline = time.monotonic() + WAIT_SECONDS
    cache = _shared()
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        value = shared_get(key)
        if value is not _MISSING:
            return value, None
        if cache is not None and _guard(lambda: cache.get(lock_key), None) is None:
            break  # the other process gave up (an error): compute it here
    return _MISSING, None
