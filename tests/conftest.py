"""Shared fixtures: the bundled data is loaded into the test database once per session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def _static_root_exists():
    """WhiteNoise warns when STATIC_ROOT is missing; tests serve static files through the finders."""
    from pathlib import Path

    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from gevinst.store.bundled_load import load_all

    with django_db_blocker.unblock():
        load_all()


def ensure_bundled() -> None:
    """Load the bundled data unless it is there (a transactional test may have flushed it)."""
    from gevinst.store.bundled_load import load_all
    from gevinst.store.models import Vintage

    if not Vintage.objects.filter(source="bundled").exists():
        load_all()


@pytest.fixture
def bundled_db(db):
    """The test database with the bundled data (reloaded if a transactional test flushed it)."""
    ensure_bundled()
    return db


def pytest_collection_modifyitems(config, items):
    """Browser tests run against a live server and so in committed transactions, which Django
    undoes by emptying the tables afterwards. They only read the bundled observations, so the
    observation store is left out of that flush (``available_apps``): the bundled data is loaded
    once instead of after every browser test. Everything else is still emptied."""
    from django.conf import settings

    keep = [app for app in settings.INSTALLED_APPS if app != "gevinst.store"]
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.django_db(transaction=True, available_apps=keep), append=False)
    _refuse_undeclared_database_use(items)


_DB_FIXTURES = {"db", "transactional_db", "live_server"}


def _refuse_undeclared_database_use(items) -> None:
    """A test that reaches the database only through a module-scoped fixture (``django_db_setup`` +
    ``django_db_blocker``) must still declare it (``django_db`` marker or ``db``/``bundled_db``).
    pytest-django creates the test database only for the aliases the *selected* tests declare, and
    runs undeclared tests last, after the transactional ones have flushed the tables. Run alone,
    such a test would load the bundled data into the configured database (``var/gevinst.sqlite3``,
    or DATABASE_URL's own database) instead of a test database; so refuse it before anything runs."""
    undeclared = [
        item.nodeid for item in items
        if "django_db_setup" in getattr(item, "fixturenames", ())
        and not item.get_closest_marker("django_db")
        and not _DB_FIXTURES & set(item.fixturenames)
    ]
    if undeclared:
        raise pytest.UsageError(
            "These tests use the database through a fixture but do not declare it; add "
            "@pytest.mark.django_db (or the db/bundled_db fixture):\n  " + "\n  ".join(undeclared))


@pytest.fixture(autouse=True)
def _sync_orm_beside_playwright(request, monkeypatch):
    """Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
    there are still synchronous and safe. Set only for browser tests and only while they run,
    so it never leaks into a server started by another test (Django's deploy check rejects it)."""
    if request.node.get_closest_marker("browser"):
        monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def registry():
    from gevinst.sources.bundled import registry as build

    return build()


def db_checksum() -> str:
    """A checksum over every stored vintage, variable and observation (to prove nothing changed)."""
    import hashlib

    from gevinst.store.models import Observation, Variable, Vintage

    h = hashlib.sha256()
    for model, fields in (
        (Vintage, ("id", "key", "sha256")),
        (Variable, ("code", "unit", "kind")),
        (Observation, ("id", "variable_id", "region", "year", "period", "value", "status", "vintage_id")),
    ):
        for row in model.objects.order_by(fields[0]).values_list(*fields):
            h.update(repr(row).encode())
    return h.hexdigest()


# ------------------------------------------------------------ local SSB server
# A real HTTP server on 127.0.0.1 that answers like SSB's PxWebApi v2 with the
# saved real responses in tests/data/jsonstat: the real HTTP and parsing code runs.
import json as _json
import threading as _threading
from http.server import BaseHTTPRequestHandler as _Base
from http.server import ThreadingHTTPServer as _Server
from pathlib import Path as _Path
from urllib.parse import parse_qs as _parse_qs
from urllib.parse import urlsplit as _urlsplit

SSB_DATA = _Path(__file__).parent / "data" / "jsonstat"
SSB_12134 = SSB_DATA / "ssb_12134_v2_frie_inntekter_0301_4601_5001_2024.json"
SSB_12134_META = SSB_DATA / "ssb_12134_metadata_derived.json"
SSB_REGION_DIM = "KOKkommuneregion0000"


def ssb_subset(regions: list[str]) -> bytes:
    """The real 12134 response restricted to some regions (to answer chunked queries)."""
    doc = _json.loads(SSB_12134.read_bytes())
    cat = doc["dimension"][SSB_REGION_DIM]["category"]
    codes = list(cat["index"])
    keep = [c for c in codes if c in regions]
    doc["value"] = [doc["value"][codes.index(c)] for c in keep]
    cat["index"] = {c: i for i, c in enumerate(keep)}
    cat["label"] = {c: cat["label"][c] for c in keep}
    doc["size"][0] = len(keep)
    return _json.dumps(doc, ensure_ascii=False).encode("utf-8")


class _SsbHandler(_Base):
    def do_GET(self):  # noqa: N802
        srv = self.server
        srv.seen.append(self.path)
        if srv.fail_with:
            self._send(srv.fail_with, b'{"error": "intern feil"}')
            return
        parts = _urlsplit(self.path)
        if parts.path in srv.overrides:
            self._send(200, srv.overrides[parts.path])
        elif parts.path == "/api/pxwebapi/v2/tables/12134/metadata":
            self._send(200, SSB_12134_META.read_bytes())
        elif parts.path == "/api/pxwebapi/v2/tables/12134/data":
            regions = _parse_qs(parts.query).get(f"valueCodes[{SSB_REGION_DIM}]", [""])[0].split(",")
            if sorted(regions) == ["0301", "4601", "5001"]:
                self._send(200, SSB_12134.read_bytes())  # the real bytes, verbatim
            else:
                self._send(200, ssb_subset(regions))
        else:
            self._send(404, b'{"error": "not found"}')

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def ssb_server():
    """A local PxWebApi v2 server. ``.seen`` lists request paths; ``.fail_with`` an HTTP status;
    ``.overrides`` maps a path to bytes to serve instead (e.g. a malformed response)."""
    srv = _Server(("127.0.0.1", 0), _SsbHandler)
    srv.seen, srv.fail_with, srv.overrides = [], None, {}
    thread = _threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    srv.base_url = f"http://127.0.0.1:{srv.server_address[1]}/api/pxwebapi/v2"
    yield srv
    srv.shutdown()
    srv.server_close()


# ------------------------------------------------------------ browser tests
@pytest.fixture
def site(live_server, transactional_db):
    """The live server's address with the bundled data loaded (for browser tests)."""
    ensure_bundled()
    return live_server.url


@pytest.fixture
def page():
    """A Debian Chromium page (Playwright), Norwegian locale; ``page.csp_messages`` collects CSP errors."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from browser_helpers import launch

    with sync_api.sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        pg.set_default_timeout(15_000)
        blocked: list[str] = []
        pg.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
        pg.csp_messages = blocked
        yield pg
        context.close()
        browser.close()


# ------------------------------------------------------------ the annual cycle
@pytest.fixture
def year(demo, db):
    """The demo årshjul year, for modules whose ``demo`` fixture builds it (``demo["cycle"]``)."""
    from gevinst.cycle.models import CycleYear

    return CycleYear.objects.select_related("organisation").get(pk=demo["cycle"])


@pytest.fixture
def open_year(year):
    """The demo year with its adoption undone (the demo adopts its prioritisation), for tests that save and adopt."""
    year.candidates.filter(decision="vedtatt").update(decision="prioritert")
    year.adopted_at = None
    year.save(update_fields=["adopted_at"])
    return year
