"""Import of StatBank downloads (CSV in several encodings/separators, xlsx) and long CSV."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from gevinst.errors import DataFormatError
from gevinst.sources.files import STORE_COLUMNS, decode_text, read_long_csv, read_statbank_file

IMP = Path(__file__).parent / "data" / "import"
BAD = Path(__file__).parent / "data" / "bad"
FRIE = {"0301": 81240.0, "4601": 66605.0, "5001": 62853.0}


def _check_schema(df: pl.DataFrame) -> None:
    assert df.columns == STORE_COLUMNS
    assert df.schema["year"] == pl.Int32 and df.schema["value"] == pl.Float64


@pytest.mark.parametrize(
    "name",
    ["12134_long_utf8_semicolon_crlf.csv", "12134_wide_utf8bom_comma.csv", "12134_long.xlsx"],
)
def test_12134_files(name):
    df = read_statbank_file(IMP / name)
    _check_schema(df)
    assert dict(zip(df["region"], df["value"])) == FRIE
    row = df.row(0, named=True)
    assert row["variable"] == "12134:Frie inntekter per innbygger (kr)"
    assert (row["year"], row["period"], row["unit"], row["status"]) == (2024, "", "kr", "")
    assert row["label"] == "Frie inntekter per innbygger (kr)"


def test_population_wide_latin1():
    df = read_statbank_file(IMP / "07459_wide_iso8859-1_semicolon.csv")
    _check_schema(df)
    got = {(r["region"], r["year"]): r["value"] for r in df.to_dicts()}
    assert got[("3222", 2024)] == 48188 and got[("3222", 2023)] == 46797
    assert got[("0301", 2024)] == 717710 and got[("5001", 2024)] == 214565
    assert set(df["variable"]) == {"07459:Personer"}


def test_cp1252_decimal_comma_spaces_and_missing():
    df = read_statbank_file(IMP / "12134_long_cp1252_decimal_comma.csv")
    rows = {r["region"]: r for r in df.to_dicts()}
    assert rows["0301"]["value"] == 81240.0
    assert rows["5001"]["value"] == 62853.0  # "62 853"
    assert rows["EAKUO"]["value"] is None and rows["EAKUO"]["status"] == ".."


def test_explicit_variable_and_no_title(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text('"region";"år";"value"\n"3222 Lørenskog";"2024";48188\n', encoding="utf-8")
    with pytest.raises(DataFormatError, match="tabellnummeret"):
        read_statbank_file(p)
    df = read_statbank_file(p, variable="07459:folkemengde")
    assert df.row(0, named=True)["variable"] == "07459:folkemengde"
    assert df["region"][0] == "3222"


def test_nil_symbol_is_zero(tmp_path):
    p = tmp_path / "nil.csv"
    p.write_text(
        '"12134: x"\n"region";"statistikkvariabel";"år";"value"\n'
        '"3222 Lørenskog";"Antall (antall)";"2024";"-"\n"0301 Oslo";"Antall (antall)";"2024";":"\n',
        encoding="utf-8",
    )
    df = read_statbank_file(p)
    assert df["value"].to_list() == [0.0, None]
    assert df["status"].to_list() == ["-", ":"]
    assert df["unit"].to_list() == ["antall", "antall"]


@pytest.mark.parametrize(
    "name, needles",
    [
        ("mojibake.csv", ["feil tegnkoding", "linje 1"]),
        ("replacement_char.csv", ["ugyldige tegn", "linje 5"]),
        ("truncated.csv", ["linje"]),
        ("wrong_columns.csv", ["regionkolonne", "linje 2"]),
        ("text_in_value.csv", ["«mange»", "linje 4", "«value»"]),
        ("duplicate_rows.csv", ["Linje 6 gjentar region 5001", "linje 5"]),
        ("unknown_unit.csv", ["Ukjent enhet «kr per kvm»", "linje 3"]),
        ("empty.csv", ["tom"]),
    ],
)
def test_bad_files(name, needles):
    with pytest.raises(DataFormatError) as ei:
        read_statbank_file(BAD / name)
    for n in needles:
        assert n in ei.value.message, (n, ei.value.message)


def test_region_without_code(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text('"12134: x"\n"region";"år";"value"\n"Lørenskog";"2024";1\n', encoding="utf-8")
    with pytest.raises(DataFormatError, match="regionkode i «Lørenskog» på linje 3"):
        read_statbank_file(p)


def test_decode_text_strictness():
    assert decode_text("Tråante".encode("utf-8")) == "Tråante"
    assert decode_text(b"\xef\xbb\xbfTr\xc3\xa5ante") == "Tråante"
    assert decode_text("Tråante – ø".encode("cp1252")) == "Tråante – ø"
    with pytest.raises(DataFormatError, match="feil tegnkoding"):
        decode_text("Ã¸".encode("utf-8"))


def test_long_csv(tmp_path):
    p = tmp_path / "long.csv"
    p.write_text(
        "variable,region,year,value,status,unit,period\n"
        "12134:KOSAG110000,0301,2024,81240,,kr,\n"
        "07221:Boligindeks,TOTAL,2022,136.2,,indeks,K1\n"
        "07221:Boligindeks,007,2022,,..,indeks,K2\n",
        encoding="utf-8",
    )
    df = read_long_csv(p)
    _check_schema(df)
    assert df["value"].to_list() == [81240.0, 136.2, None]
    assert df["period"].to_list() == ["", "K1", "K2"]
    assert df["status"].to_list() == ["", "", ".."]


@pytest.mark.parametrize(
    "body, needle",
    [
        ("variable,region,value\nx,0301,1\n", "mangler kolonnen «year»"),
        ("variable,region,year,value\nx,0301,2024,abc\n", "«abc» i kolonnen «value» på linje 2"),
        ("variable,region,year,value\nx,0301,2024,1\nx,0301,2024,2\n", "Linje 3 gjentar"),
        ("variable,region,year,value\nx,0301,tjue,1\n", "linje 2"),
        ("variable,region,year,value,farge\nx,0301,2024,1,blå\n", "Ukjent kolonne «farge»"),
    ],
)
def test_long_csv_errors(tmp_path, body, needle):
    p = tmp_path / "bad.csv"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(DataFormatError) as ei:
        read_long_csv(p)
    assert needle in ei.value.message
