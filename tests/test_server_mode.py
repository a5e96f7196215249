"""Server mode: ``gevinst serve --production`` against a real PostgreSQL.

The module starts one server (gunicorn, two workers) on 127.0.0.1 against a
fresh database that the fixture creates and drops, and talks to it over HTTP as
the TLS-terminating proxy would (``X-Forwarded-Proto: https``). It also checks
the schedule of the periodic jobs and runs the SSB refresh job through the real
procrastinate worker.

The server's settings module is the production one plus two test-only lines
(an extra static directory, and the refresh function pointed at a recorder),
written to a temporary directory; see ``_test_settings``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

pytestmark = pytest.mark.server

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
STARTUP_TIMEOUT = 30.0


# --------------------------------------------------------------------------- helpers


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _with_dbname(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


def _admin_url() -> tuple[str, bool]:
    """The maintenance database URL, and whether DATABASE_URL asked for PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return _with_dbname(url, "postgres"), True
    return DEFAULT_PG, False


def _base_env(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GEVINST_")
        and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env["GEVINST_DATA_DIR"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _gevinst(*args: str) -> list[str]:
    return [sys.executable, "-m", "gevinst.cli", *args]


def _wait_until_listening(proc: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"gevinst serve exited with {proc.returncode}:\n{log.read_text()}")
        try:
            r = httpx.get(
                f"http://127.0.0.1:{port}/",
                headers={"X-Forwarded-Proto": "https"},
                timeout=2,
            )
            # Any HTTP answer means gunicorn is up; the tests judge the answers.
            if r.status_code:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"gevinst serve did not answer within {STARTUP_TIMEOUT}s:\n{log.read_text()}")


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the gunicorn master (graceful), then to our own process group."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def fresh_database():
    """A new PostgreSQL database for this module, dropped afterwards."""
    import psycopg

    admin, requested = _admin_url()
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        if requested:
            pytest.fail(f"DATABASE_URL is set but PostgreSQL does not answer: {exc}")
        pytest.skip(f"No DATABASE_URL and no PostgreSQL on 127.0.0.1:5432 ({exc})")
    name = f"gevinst_server_test_{os.getpid()}"
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_dbname(admin, name)
    finally:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def test_settings(tmp_path_factory):
    """A settings module: production settings + a test static dir + a refresh recorder."""
    root = tmp_path_factory.mktemp("settings")
    static_src = root / "static_src" / "servertest"
    static_src.mkdir(parents=True)
    # Large and repetitive enough that WhiteNoise keeps a gzip variant.
    rules = "\n".join(f".servertest-{i} {{ margin: {i}px; padding: 0; }}" for i in range(200))
    (static_src / "servertest.css").write_text(rules + "\n")
    (root / "gevinst_test_recorder.py").write_text(
        "import os, json, datetime\n"
        "def record():\n"
        "    with open(os.environ['GEVINST_TEST_RECORD_FILE'], 'a') as f:\n"
        "        f.write(json.dumps({'called': datetime.datetime.now().isoformat()}) + '\\n')\n"
        "    return 'recorded'\n"
    )
    (root / "gevinst_test_settings.py").write_text(
        "from gevinst.web.settings import *  # noqa: F403\n"
        f"STATICFILES_DIRS = [{str(static_src.parent)!r}]\n"
        "GEVINST_REFRESH_FUNCTION = 'gevinst_test_recorder.record'\n"
    )
    return root


@pytest.fixture(scope="module")
def production_env(fresh_database, test_settings, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    env = _base_env(data_dir)
    env.update(
        DATABASE_URL=fresh_database,
        GEVINST_SECRET_KEY=secrets.token_urlsafe(50),
        GEVINST_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="gevinst_test_settings",
        PYTHONPATH=os.pathsep.join(
            [str(test_settings), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
        GEVINST_TEST_RECORD_FILE=str(data_dir / "refresh-calls.jsonl"),
    )
    return env


@pytest.fixture(scope="module")
def server(production_env, tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("log") / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            _gevinst(
                "serve", "--production", "--host", "127.0.0.1", "--port", str(port),
                "--workers", "2",
            ),
            env=production_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=tmp_path_factory.mktemp("cwd"),
        )
    try:
        _wait_until_listening(proc, port, log)
        yield {
            "url": f"http://127.0.0.1:{port}",
            "proc": proc,
            "log": log,
            "data_dir": Path(production_env["GEVINST_DATA_DIR"]),
        }
    finally:
        _stop(proc)


# --------------------------------------------------------------------------- HTTP


def test_home_page_has_security_headers(server):
    r = httpx.get(server["url"] + "/", headers={"X-Forwarded-Proto": "https"}, timeout=10)
    assert r.status_code == 200
    h = r.headers
    hsts = h["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "same-origin"
    assert h["X-Frame-Options"] == "DENY"
    csp = h["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert "camera=()" in h["Permissions-Policy"]
    assert h["Server"].startswith("gunicorn")
    # Access log on stdout.
    assert '"GET / HTTP/1.1" 200' in server["log"].read_text()


def test_plain_http_is_redirected_and_unknown_hosts_refused(server):
    r = httpx.get(server["url"] + "/", timeout=10)
    assert r.status_code == 301
    assert r.headers["Location"].startswith("https://127.0.0.1")
    r = httpx.get(
        server["url"] + "/",
        headers={"X-Forwarded-Proto": "https", "Host": "evil.example"},
        timeout=10,
    )
    assert r.status_code == 400


def test_static_file_served_hashed_cached_and_compressed(server):
    static_root = server["data_dir"] / "static"
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["servertest/servertest.css"]
    assert hashed != "servertest/servertest.css"
    assert (static_root / (hashed + ".gz")).exists()

    r = httpx.get(
        f"{server['url']}/static/{hashed}",
        headers={"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"},
        timeout=10,
    )
    assert r.status_code == 200
    assert r.headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in r.headers["Cache-Control"]
    assert "immutable" in r.headers["Cache-Control"]
    assert "Accept-Encoding" in r.headers["Vary"]
    assert ".servertest-199" in r.text  # httpx decompressed it


def test_deploy_check_clean_in_production_env(production_env):
    env = dict(production_env, GEVINST_PRODUCTION="1")
    r = subprocess.run(
        _gevinst("check", "--deploy", "--fail-level", "WARNING"),
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


def test_debug_in_production_is_refused_by_deploy_check(production_env):
    env = dict(production_env, GEVINST_DEBUG="1")
    r = subprocess.run(
        _gevinst("serve", "--production", "--port", str(_free_port())),
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert r.returncode != 0
    assert "check --deploy" in r.stderr and "security.W018" in r.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("GEVINST_SECRET_KEY", "GEVINST_SECRET_KEY mangler"),
        ("DATABASE_URL", "DATABASE_URL mangler"),
    ],
)
def test_missing_setting_exits_with_message_and_no_server(production_env, missing, message):
    env = {k: v for k, v in production_env.items() if k != missing}
    port = _free_port()
    r = subprocess.run(
        _gevinst("serve", "--production", "--host", "127.0.0.1", "--port", str(port)),
        env=env, capture_output=True, text=True, timeout=30,
    )
    assert r.returncode != 0
    assert message in r.stderr
    assert "Ingenting ble startet." in r.stderr
    assert "gunicorn" not in (r.stdout + r.stderr).lower()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0, "something listens on the port"


def test_sqlite_url_is_refused_in_production(production_env, tmp_path):
    env = dict(production_env, DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    r = subprocess.run(
        _gevinst("serve", "--production", "--port", str(_free_port())),
        env=env, capture_output=True, text=True, timeout=30,
    )
    assert r.returncode != 0
    assert "PostgreSQL" in r.stderr


# --------------------------------------------------------------------------- schedule


def _periodic_tasks():
    from procrastinate.contrib.django import app

    from gevinst.web import tasks  # noqa: F401  (registers the tasks)

    return {name: pt for (name, _pid), pt in app.periodic_registry.periodic_tasks.items()}


def _fire_times(cron: str, year: int) -> list[dt.datetime]:
    import croniter

    start = dt.datetime(year, 1, 1) - dt.timedelta(seconds=1)
    it = croniter.croniter(cron, start)
    out = []
    while (t := it.get_next(dt.datetime)).year == year:
        out.append(t)
    return out


def test_schedule_refresh_16_march_and_16_june_and_daily_reminders():
    periodic = _periodic_tasks()
    assert set(periodic) >= {"gevinst.refresh_from_ssb", "gevinst.send_reminders"}

    refresh = _fire_times(periodic["gevinst.refresh_from_ssb"].cron, 2027)
    assert [(t.month, t.day) for t in refresh] == [(3, 16), (6, 16)]

    reminders = _fire_times(periodic["gevinst.send_reminders"].cron, 2027)
    assert len(reminders) == 365
    assert len({t.date() for t in reminders}) == 365


def test_refresh_task_calls_the_refresh_function(tmp_path, settings):
    from gevinst.web import tasks

    record = tmp_path / "calls.txt"

    settings.GEVINST_REFRESH_FUNCTION = f"{__name__}._record_refresh_for_test"
    _RECORD["path"] = record
    try:
        assert tasks.refresh_from_ssb(timestamp=0) == "recorded"
    finally:
        _RECORD.clear()
    assert record.read_text() == "called\n"


_RECORD: dict[str, Path] = {}


def _record_refresh_for_test():
    with open(_RECORD["path"], "a") as f:
        f.write("called\n")
    return "recorded"


@pytest.mark.django_db
def test_send_reminders_without_any_year_sends_nothing_and_logs(caplog):
    from gevinst.web import tasks

    with caplog.at_level("INFO", logger="gevinst.web.tasks"):
        assert tasks.send_reminders() == 0
    assert "0 e-mails sent" in caplog.text


DEFER_TWICE = """
import asyncio, django
django.setup()
from procrastinate.contrib.django import app
from procrastinate.periodic import PeriodicDeferrer
from django.db import connection

TICK = 1805173200  # 2027-03-16 05:00 UTC

async def defer_as(worker_name):
    # Each call stands for another worker process with its own deferrer.
    deferrer = PeriodicDeferrer(registry=app.periodic_registry)
    pt = [p for (name, _), p in app.periodic_registry.periodic_tasks.items()
          if name == "gevinst.refresh_from_ssb"][0]
    await deferrer.defer_jobs([(pt, TICK)])

async def main():
    async with app.open_async():
        await defer_as("a")
        await defer_as("b")

with app.replace_connector(app.connector.get_worker_connector()):
    asyncio.run(main())
with connection.cursor() as c:
    c.execute("SELECT count(*) FROM procrastinate_jobs WHERE task_name = %s",
              ["gevinst.refresh_from_ssb"])
    print("jobs", c.fetchone()[0])
"""


def test_refresh_job_deferred_once_and_run_by_worker(server, production_env):
    """Two workers defer the same tick: one job; the worker runs the real function."""
    env = production_env
    record = Path(env["GEVINST_TEST_RECORD_FILE"])
    record.unlink(missing_ok=True)

    r = subprocess.run(
        [sys.executable, "-c", DEFER_TWICE], env=env, capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "jobs 1" in r.stdout

    r = subprocess.run(
        _gevinst("worker", "--one-shot"), env=env, capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ended with status: Success" in r.stderr
    calls = record.read_text().splitlines()
    assert len(calls) == 1


def test_worker_refuses_sqlite(tmp_path):
    env = _base_env(tmp_path)
    r = subprocess.run(
        _gevinst("worker", "--one-shot"), env=env, capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 2
    assert "krever PostgreSQL" in r.stderr
