"""PxWebApi v2 client against a real local HTTP server serving saved SSB responses."""

from __future__ import annotations

import io
import socket
import time
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from gevinst.errors import DataFormatError, NetworkError, UserError
from gevinst.sources.pxweb import PxWebClient, RateLimiter, progress_reporter

from conftest import SSB_12134, SSB_REGION_DIM as REGION

REAL = SSB_12134.read_bytes()


@pytest.fixture
def server(ssb_server):
    """The shared local PxWebApi v2 server (tests/conftest.py)."""
    return ssb_server


def _client(server, tmp_path, **kw) -> PxWebClient:
    return PxWebClient(server.base_url, cache_dir=tmp_path / "cache", **kw)


def _data_requests(server) -> list[str]:
    return [p for p in server.seen if "/data" in p]


def test_fetch_real_response(server, tmp_path):
    with _client(server, tmp_path) as c:
        df, meta = c.fetch(
            "12134", regions=["0301", "4601", "5001"], contents=["KOSAG110000"], years=[2024]
        )
    got = dict(zip(df[REGION], df["value"]))
    assert got == {"0301": 81240.0, "4601": 66605.0, "5001": 62853.0}
    assert meta["updated"] == "2026-03-16T07:00:00Z"
    assert meta["fetched_at"] and meta["table_id"] == "12134"
    import hashlib

    assert meta["sha256"] == hashlib.sha256(REAL).hexdigest()
    # the URL the server saw
    (path,) = _data_requests(server)
    assert meta["url"].endswith(path)
    parts = urlsplit(path)
    assert parts.path == "/api/pxwebapi/v2/tables/12134/data"
    qs = parse_qs(parts.query)
    assert qs["lang"] == ["no"]
    assert qs["outputFormat"] == ["json-stat2"]
    assert qs[f"valueCodes[{REGION}]"] == ["0301,4601,5001"]
    assert qs["valueCodes[ContentsCode]"] == ["KOSAG110000"]
    assert qs["valueCodes[Tid]"] == ["2024"]
    assert unquote(path).count("valueCodes[") == 3
    assert server.seen[0] == "/api/pxwebapi/v2/tables/12134/metadata?lang=no"


def test_cache_hit_makes_no_request_and_refresh_bypasses(server, tmp_path):
    kw = dict(regions=["0301", "4601", "5001"], contents=["KOSAG110000"], years=[2024])
    with _client(server, tmp_path) as c:
        c.fetch("12134", **kw)
    n = len(server.seen)
    with _client(server, tmp_path) as c:  # new client: metadata and data both from disk
        df, meta = c.fetch("12134", **kw)
        assert len(server.seen) == n
        assert meta["chunks"][0]["cached"] is True
        assert df["value"].to_list() == [81240.0, 66605.0, 62853.0]
        c.fetch("12134", refresh=True, **kw)
    assert len(server.seen) > n


def test_chunking_over_cell_limit(server, tmp_path):
    calls = []
    with _client(server, tmp_path, max_cells=1, progress=lambda d, t, l: calls.append((d, t))) as c:
        df, meta = c.fetch("12134", regions=["0301", "4601", "5001"], years=[2024])
    reqs = _data_requests(server)
    assert len(reqs) == 3
    assert [parse_qs(urlsplit(p).query)[f"valueCodes[{REGION}]"][0] for p in reqs] == [
        "0301",
        "4601",
        "5001",
    ]
    assert dict(zip(df[REGION], df["value"])) == {"0301": 81240, "4601": 66605, "5001": 62853}
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert len(meta["chunks"]) == 3


def test_chunking_two_per_request(server, tmp_path):
    with _client(server, tmp_path, max_cells=2) as c:
        df, _ = c.fetch("12134", regions=["0301", "4601", "5001"])
    reqs = _data_requests(server)
    assert [parse_qs(urlsplit(p).query)[f"valueCodes[{REGION}]"][0] for p in reqs] == [
        "0301,4601",
        "5001",
    ]
    assert df.height == 3


def test_rate_limiter_with_fake_clock():
    now = [0.0]
    slept = []

    def sleep(s):
        slept.append(s)
        now[0] += s

    rl = RateLimiter(max_calls=3, period=60.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        assert rl.wait() == 0.0
    now[0] = 10.0
    assert rl.wait() == pytest.approx(50.0)  # fourth call waits until the first leaves
    assert slept == [pytest.approx(50.0)]
    now[0] = 200.0
    assert rl.wait() == 0.0


def test_client_uses_rate_limiter(server, tmp_path):
    now = [0.0]
    slept = []

    def sleep(s):
        slept.append(s)
        now[0] += s

    rl = RateLimiter(max_calls=2, period=60.0, clock=lambda: now[0], sleep=sleep)
    with _client(server, tmp_path, max_cells=1, rate_limiter=rl) as c:
        c.fetch("12134", regions=["0301", "4601", "5001"])
    # metadata + 3 chunks = 4 requests at 2 per minute: requests 1-2 at t=0, the third
    # waits 60 s (faked, no real sleeping), the fourth fits in the same window.
    assert slept == [pytest.approx(60.0)]
    assert list(rl.calls) == [pytest.approx(60.0), pytest.approx(60.0)]


def test_unknown_content_code(server, tmp_path):
    with _client(server, tmp_path) as c:
        with pytest.raises(DataFormatError) as ei:
            c.fetch("12134", contents=["KOSFINNESIKKE"])
    assert "KOSFINNESIKKE" in ei.value.message and "12134" in ei.value.message
    assert "Ukjent kode" in ei.value.message
    assert not _data_requests(server)


def test_unknown_region_and_year(server, tmp_path):
    with _client(server, tmp_path) as c:
        with pytest.raises(DataFormatError, match="«9999»"):
            c.fetch("12134", regions=["0301", "9999"])
        with pytest.raises(DataFormatError, match="år 1990"):
            c.fetch("12134", years=[1990])


def test_server_error_is_user_error(server, tmp_path):
    server.fail_with = 500
    with _client(server, tmp_path) as c:
        with pytest.raises(UserError) as ei:
            c.fetch("12134")
    assert "HTTP 500" in ei.value.message and "12134" in ei.value.message


def test_unknown_table_404(server, tmp_path):
    with _client(server, tmp_path) as c:
        with pytest.raises(UserError, match="HTTP 404"):
            c.metadata("99999")


def test_connection_refused_fails_fast(tmp_path):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    t0 = time.monotonic()
    with PxWebClient(f"http://127.0.0.1:{port}/api/pxwebapi/v2", cache_dir=tmp_path) as c:
        with pytest.raises(NetworkError) as ei:
            c.fetch("12134")
    assert time.monotonic() - t0 < 5
    assert ei.value.message.startswith("Fikk ikke kontakt med SSB")
    assert "Sjekk nettverket" in ei.value.message


def test_progress_reporter_plain_and_tty():
    plain = io.StringIO()
    rep = progress_reporter(plain)
    rep(1, 2, "tabell 12134")
    rep(2, 2, "tabell 12134")
    assert plain.getvalue().splitlines() == [
        "Henter fra SSB: del 1 av 2 (tabell 12134)",
        "Henter fra SSB: del 2 av 2 (tabell 12134)",
    ]

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    rep = progress_reporter(tty)
    rep(1, 2, "x")
    rep(2, 2, "x")
    out = tty.getvalue()
    assert out.startswith("\r[") and "2/2" in out and out.endswith("\n")
