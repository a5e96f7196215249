"""The shared page cache (:mod:`gevinst.web.pagecache`) behind the region and nullpunkt pages.

What is proven here, and at which level:

* new data is never hidden: after a new vintage is stored, the region page and the nullpunkt page
  show the new number (through the test client, with the in-process level cleared so the value
  comes from the shared Django cache, the database table of the test database);
* values come from the cache: a second request does not compute the page again;
* nothing user- or organisation-specific is shared: a page first rendered for a logged-in member
  is served to an anonymous visitor without the member's menu, and a saved peer set's page never
  goes through the shared cache;
* two *processes* share values: two separate Python processes on one database (a fresh SQLite
  file, and a fresh PostgreSQL database when one is available) — the second gets the value the
  first computed. This is at the cache layer (``get_or_build``), with the real ``DatabaseCache``;
  the load test (``bench/load.py``, several gunicorn workers) exercises the pages end to end;
* a missing cache table (only ``migrate`` run) degrades to computing, not to errors;
* the warm-up fills the shared cache; gunicorn runs threaded workers with the prepare hook.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import polars as pl
import pytest
from django.test import Client, override_settings
from django.utils import translation

from gevinst.core.formatting import format_number
from gevinst.store.ingest import Delivery, store_observations
from gevinst.web import pagecache

ROOT = Path(__file__).resolve().parent.parent


def text_of(response) -> str:
    html = re.sub(r"<svg.*?</svg>", " ", response.content.decode(), flags=re.DOTALL)
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def row_text(response, name: str) -> str:
    for tr in re.findall(r"<tr>.*?</tr>", response.content.decode(), flags=re.DOTALL):
        cells = re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<svg.*?</svg>|<[^>]+>", " ", tr, flags=re.DOTALL)))
        if cells.strip().startswith(name):
            return cells
    raise AssertionError(f"no row for {name!r}")


@pytest.fixture(autouse=True)
def _fresh_local_level():
    pagecache.clear_local()
    yield
    pagecache.clear_local()


def _count_builds(monkeypatch, module, name: str) -> list:
    calls: list = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def _store_population(region: str, year: int, value: float, key: str) -> None:
    store_observations(
        pl.DataFrame({"variable": ["population"], "region": [region], "year": [year], "value": [value]}),
        Delivery("file", key, "revidert folketall (test)"), {},
    )


def test_region_page_is_cached_and_shows_new_data_after_an_import(bundled_db, monkeypatch):
    from gevinst.regions import views

    builds = _count_builds(monkeypatch, views, "_detail_body")
    c = Client()
    first = c.get("/region/3222/")
    assert first.status_code == 200 and len(builds) == 1
    pagecache.clear_local()  # the next answer must come from the shared (database) level
    second = c.get("/region/3222/")
    assert len(builds) == 1 and second.content == first.content
    last_year = int(re.search(r"Folkemengde 1\. januar (\d{4})", text_of(first)).group(1))
    assert format_number(123_456) not in text_of(first)

    _store_population("3222", last_year, 123_456.0, "test:pagecache-region")
    pagecache.clear_local()
    third = c.get("/region/3222/")
    assert len(builds) == 2
    assert f"Folkemengde 1. januar {last_year} {format_number(123_456)}" in text_of(third)


def test_nullpunkt_page_is_cached_and_shows_new_data_after_an_import(bundled_db, monkeypatch):
    from gevinst.baselines import views
    from gevinst.catalogue import load_catalogue

    name = next(i.name for i in load_catalogue().indicators if i.id == "folkemengde")
    builds = _count_builds(monkeypatch, views, "_nullpunkt_part")
    computes = _count_builds(monkeypatch, views, "compute_baseline")
    c = Client()
    params = {"year": "2024", "area": "samfunnsutvikling"}
    first = c.get("/region/3222/nullpunkt/", params)
    assert first.status_code == 200 and len(builds) == 1 and len(computes) == 1
    before = row_text(first, name)
    pagecache.clear_local()
    again = c.get("/region/3222/nullpunkt/", params)
    assert len(builds) == 1 and len(computes) == 1 and row_text(again, name) == before
    # the indicator page reuses the shared baseline (same region, year, area and peers)
    assert c.get("/region/3222/indikator/folkemengde/", {"year": "2024"}).status_code == 200
    assert len(computes) == 1

    _store_population("3222", 2024, 123_456.0, "test:pagecache-nullpunkt")
    pagecache.clear_local()
    after = c.get("/region/3222/nullpunkt/", params)
    assert len(builds) == 2 and len(computes) == 2
    assert f" {format_number(123_456)} " in row_text(after, name)
    assert "revidert folketall (test)" in text_of(after)  # the new vintage is listed as a source


def test_shared_fragments_carry_nothing_of_the_user(bundled_db, django_user_model):
    from gevinst.accounts.models import Membership, Organisation

    org = Organisation.objects.create(name="Cachekommune", slug="cachekommune", region="3222")
    user = django_user_model.objects.create_user("cache-bruker", password="x-Passord-123!")
    Membership.objects.create(user=user, organisation=org, role="redaktor")
    member = Client()
    member.force_login(user)
    for path in ("/region/3222/", "/region/3222/nullpunkt/"):
        mine = member.get(path).content.decode()
        assert "cache-bruker" in mine and "Cachekommune" in mine
        anonymous = Client().get(path).content.decode()
        assert "cache-bruker" not in anonymous and "Cachekommune" not in anonymous
        # the data part is the same shared fragment
        assert mine.split('<main id="main"')[1].split("<form")[0] == anonymous.split('<main id="main"')[1].split("<form")[0]


def test_saved_peer_set_pages_never_use_the_shared_page_cache(bundled_db, django_user_model, monkeypatch):
    from gevinst.accounts.models import Membership, Organisation
    from gevinst.benchlearning.models_peers import PeerSet

    org = Organisation.objects.create(name="Settkommune", slug="settkommune", region="3205")
    user = django_user_model.objects.create_user("sett-bruker", password="x-Passord-123!")
    Membership.objects.create(user=user, organisation=org, role="leser")
    PeerSet.objects.create(name="Hemmelige naboer", region="3205", members=["3222", "3220"], organisation=org)
    kinds: list[str] = []
    original = pagecache.get_or_build

    def recorded(kind, parts, build):
        kinds.append(kind)
        return original(kind, parts, build)

    monkeypatch.setattr(pagecache, "get_or_build", recorded)
    c = Client()
    c.force_login(user)
    r = c.get("/region/3205/nullpunkt/", {"peers": "set:Hemmelige naboer", "area": "økonomi"})
    assert r.status_code == 200 and "Hemmelige naboer" in r.content.decode()
    assert "nullpunkt" not in kinds  # the rendered page names the set: never shared
    assert kinds == ["baseline"]  # the numbers for the member codes are public data and may be


def test_key_holds_language_data_and_parts():
    sig = (10, 99, "2026-01-01T00:00:00+00:00")
    with translation.override("nb"):
        base = pagecache.make_key("region", ("3222",), sig)
        assert base == pagecache.make_key("region", ("3222",), sig)
        assert base != pagecache.make_key("region", ("3205",), sig)
        assert base != pagecache.make_key("nullpunkt", ("3222",), sig)
        assert base != pagecache.make_key("region", ("3222",), (11, 100, sig[2]))
    with translation.override("nn"):
        assert base != pagecache.make_key("region", ("3222",), sig)


def test_missing_cache_table_means_computing_not_errors(bundled_db, monkeypatch, caplog):
    monkeypatch.setattr(pagecache, "_warned", False)
    broken = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "gevinst_no_such_table"},
    }
    with override_settings(CACHES=broken):
        assert Client().get("/region/3222/").status_code == 200
        assert Client().get("/region/3222/nullpunkt/").status_code == 200
        # the session still works afterwards (the failed cache query did not break the transaction)
        assert Client().get("/region/3205/").status_code == 200
    assert "gevinst setup" in caplog.text  # said once, in the log


def test_warm_up_fills_the_shared_cache(bundled_db, monkeypatch):
    from gevinst.baselines import views as baseline_views
    from gevinst.regions import views as region_views
    from gevinst.web import warmup

    codes = warmup.regions_to_warm(3)
    assert len(codes) == 3 and codes[0] == "0301"  # the most populous first (no organisations here)
    assert warmup.warm(["3222"], seconds=120) == 2
    pagecache.clear_local()

    def must_not_run(*args, **kwargs):
        raise AssertionError("computed again")

    monkeypatch.setattr(region_views, "_detail_body", must_not_run)
    monkeypatch.setattr(baseline_views, "_nullpunkt_part", must_not_run)
    assert Client().get("/region/3222/").status_code == 200
    assert Client().get("/region/3222/nullpunkt/").status_code == 200


def test_gunicorn_runs_threaded_workers_with_the_prepare_hook():
    from gevinst.web import gunicorn_conf
    from gevinst.web.management.commands.serve import gunicorn_argv

    argv = gunicorn_argv("127.0.0.1", 8000, 3, 6)
    assert argv[argv.index("--worker-class") + 1] == "gthread"
    assert argv[argv.index("--threads") + 1] == "6" and argv[argv.index("--workers") + 1] == "3"
    assert argv[argv.index("--config") + 1] == "python:gevinst.web.gunicorn_conf"
    assert callable(gunicorn_conf.post_worker_init)


# ---------------------------------------------------------------- two processes, one database
PROCESS = r"""
import os, sys, django
django.setup()
from django.core.management import call_command
if sys.argv[1] == "init":
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    print("ok")
else:
    from gevinst.web import pagecache

    def build():
        if sys.argv[1] == "second":
            raise SystemExit("the second process had to compute the value itself")
        return {"pid": os.getpid()}

    print(pagecache.get_or_build("cross-process-test", ("3222", 2024), build)["pid"])
"""


def _run(env: dict, step: str) -> str:
    r = subprocess.run([sys.executable, "-c", PROCESS, step], env=env, capture_output=True, text=True,
                       timeout=300, cwd=ROOT, check=False)
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout.strip().splitlines()[-1]


def _env(data_dir: Path, database_url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GEVINST_") and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(GEVINST_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="gevinst.web.settings")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _postgres_url() -> str | None:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    p = urlsplit(url)
    url = urlunsplit((p.scheme, p.netloc, "/postgres", p.query, ""))
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.OperationalError:
        return None
    return url


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_two_processes_share_one_value(tmp_path, backend):
    if backend == "sqlite":
        env = _env(tmp_path, None)
        _run(env, "init")
        first = _run(env, "first")
        assert _run(env, "second") == first and first != str(os.getpid())
        return
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    admin = _postgres_url()
    if admin is None:
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    parts = urlsplit(admin)
    name = f"gevinst_pagecache_{os.getpid()}"
    with psycopg.connect(urlunsplit((parts.scheme, parts.netloc, "/postgres", "", "")), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')
    try:
        env = _env(tmp_path, urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, "")))
        _run(env, "init")
        first = _run(env, "first")
        assert _run(env, "second") == first
    finally:
        with psycopg.connect(urlunsplit((parts.scheme, parts.netloc, "/postgres", "", "")), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_embedded_server_sends_without_delay_and_queues_enough():
    """Django's server writes headers and body separately; with Nagle's algorithm each kept-alive
    answer then waited ~40 ms for the client's delayed ACK (measured: 44 ms for a static file)."""
    from gevinst.web.management.commands.run import EmbeddedServer, _RequestHandler

    assert _RequestHandler.disable_nagle_algorithm is True
    assert EmbeddedServer.request_queue_size >= 128
