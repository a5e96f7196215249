"""gevinst fetch ssb: the real HTTP path into the store, and bad responses that change nothing."""

import pytest
from django.core.management import CommandError, call_command

from conftest import db_checksum
from gevinst.store.models import Observation, Vintage
from gevinst.store.ssb import refresh_from_ssb


@pytest.fixture
def local_ssb(ssb_server, settings, tmp_path):
    settings.SSB_BASE_URL = ssb_server.base_url
    settings.CACHE_DIR = tmp_path / "cache"
    return ssb_server


def test_fetch_stores_published_values_with_vintage(bundled_db, local_ssb, capsys):
    call_command("fetch", "ssb", "12134", "--region", "0301,4601,5001", "--content", "KOSAG110000", "--years", "2024")
    v = Vintage.objects.get(source="ssb")
    assert v.table_id == "12134" and v.url.startswith(local_ssb.base_url) and len(v.sha256) == 64
    assert v.published is not None  # SSB's "updated" is the data vintage
    values = dict(Observation.objects.filter(vintage=v, year=2024).values_list("region", "value"))
    # the published figures (frie inntekter per innbygger 2024, kr)
    assert values == {"0301": 81240, "4601": 66605, "5001": 62853}
    assert "Lagret 3 tall" in capsys.readouterr().out


def test_fetching_same_numbers_twice_stores_one_vintage(bundled_db, local_ssb):
    args = ("fetch", "ssb", "12134", "--region", "0301,4601,5001", "--content", "KOSAG110000", "--years", "2024")
    call_command(*args)
    call_command(*args, "--refresh")
    assert Vintage.objects.filter(source="ssb").count() == 1
    assert refresh_from_ssb() == [(Vintage.objects.get(source="ssb").key, False)]


def test_malformed_response_changes_nothing(bundled_db, local_ssb):
    before = db_checksum()
    local_ssb.overrides["/api/pxwebapi/v2/tables/12134/data"] = b'{"class": "dataset", "id": ["A"], "size": [2], "dimension": {'
    with pytest.raises(CommandError) as exc:
        call_command("fetch", "ssb", "12134", "--region", "0301", "--content", "KOSAG110000", "--years", "2024")
    assert "JSON" in str(exc.value) or "ufullstendig" in str(exc.value).lower()
    assert db_checksum() == before


def test_unknown_content_code_is_refused_before_download(bundled_db, local_ssb):
    before = db_checksum()
    with pytest.raises(CommandError) as exc:
        call_command("fetch", "ssb", "12134", "--content", "KOSFINNESIKKE")
    assert "KOSFINNESIKKE" in str(exc.value)
    assert not [p for p in local_ssb.seen if "/data" in p]
    assert db_checksum() == before


def test_no_network_fails_fast_with_clear_message(bundled_db, settings, tmp_path):
    import socket
    import time

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens here
    settings.SSB_BASE_URL = f"http://127.0.0.1:{port}/api/pxwebapi/v2"
    settings.CACHE_DIR = tmp_path / "cache"
    before = db_checksum()
    t0 = time.monotonic()
    with pytest.raises(CommandError) as exc:
        call_command("fetch", "ssb", "12134", "--content", "KOSAG110000")
    assert time.monotonic() - t0 < 10
    assert "SSB" in str(exc.value)
    assert db_checksum() == before
