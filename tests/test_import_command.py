"""gevinst import: real StatBank-style files in, bad files refused with the database unchanged."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from conftest import db_checksum
from gevinst.store.models import Observation, Vintage

DATA = Path(__file__).parent / "data"
GOOD = sorted((DATA / "import").glob("*.csv")) + sorted((DATA / "import").glob("*.xlsx"))
BAD = sorted((DATA / "bad").glob("*.csv"))


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_statbank_files_are_stored_with_their_vintage(bundled_db, path):
    call_command("import", str(path))
    v = Vintage.objects.get(key=f"file:{path.name}")
    assert v.source == "file" and len(v.sha256) == 64
    values = dict(Observation.objects.filter(vintage=v, year=2024).values_list("region", "value"))
    if path.name.startswith("12134"):
        published = {"0301": 81240, "4601": 66605, "5001": 62853}  # frie inntekter per innbygger 2024
        assert {k: v for k, v in values.items() if k in published} == {k: published[k] for k in values if k in published}
        assert len([k for k in values if k in published]) >= 2
        assert all(v is None for k, v in values.items() if k not in published)  # ".." stays missing
    else:  # 07459 population 2024, as published
        assert values["3222"] == 48188


def test_same_file_twice_is_stored_once(bundled_db, capsys):
    path = DATA / "import" / "12134_long_utf8_semicolon_crlf.csv"
    call_command("import", str(path))
    call_command("import", str(path))
    assert Vintage.objects.filter(key=f"file:{path.name}").count() == 1
    assert "Ingen endring" in capsys.readouterr().out


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_file_leaves_database_unchanged(bundled_db, path):
    before = db_checksum()
    with pytest.raises(CommandError) as exc:
        call_command("import", str(path))
    message = str(exc.value)
    assert message and not message.startswith("Traceback")
    assert db_checksum() == before


def test_wrongly_encoded_csv_names_the_problem(bundled_db):
    before = db_checksum()
    with pytest.raises(CommandError, match="feil tegnkoding"):
        call_command("import", str(DATA / "bad" / "mojibake.csv"))
    assert db_checksum() == before


def test_unknown_region_in_file_stores_nothing(bundled_db, tmp_path):
    f = tmp_path / "ukjent.csv"
    f.write_text("variable,region,year,value\npopulation,3222,2030,1\npopulation,9876,2030,2\n", encoding="utf-8")
    before = db_checksum()
    with pytest.raises(CommandError, match="Ukjente regionkoder: 9876"):
        call_command("import", str(f))
    assert db_checksum() == before


def test_missing_file(bundled_db):
    with pytest.raises(CommandError, match="Fant ikke filen"):
        call_command("import", "/finnes/ikke.csv")
