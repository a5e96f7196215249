"""The A3 renderers: a PowerPoint file with native, editable content, and a PDF, from one A3Document.

The PDF checks use poppler-utils (``pdftoppm``, ``pdftotext``, ``pdfinfo``); they fail, not skip,
when it is missing.
"""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Mm

from gevinst.core.formatting import NBSP, format_number
from gevinst.reports.a3_model import KINDS, A3Document, BarChart, Section, Table
from gevinst.reports.a3_pdf import MIN_SIZE, PALETTE, SERIES_COLORS, to_pdf
from gevinst.reports.a3_pptx import to_pptx

SERVICES = [
    "Grunnskole", "Barnehage", "Pleie og omsorg", "Kommunehelse", "Barnevern", "Sosialtjenesten",
    "Kultur og idrett", "Samferdsel", "Plan, byggesak og miljø", "Brann- og ulykkesvern",
    "Administrasjon, styring og fellesutgifter", "Kirke",
]
TITLES = {
    "helhet": "Helhetlig A3: Ås kommune – økonomisk handlingsrom 2026–2029",
    "dypdykk": "Dypdykk: pleie og omsorg i Ås",
    "tiltak": "Prioritert dypdykk: hjemmetjenesten, med tiltak",
    "omrade": "Område: oppvekst – vedtatte tiltak og gevinster",
}
LONG = ("Kommunen har over flere år hatt høyere utgiftsvekst enn inntektsvekst, særlig innen pleie "
        "og omsorg, og må derfor prioritere tydeligere mellom tjenesteområdene. ")


def _table(n: int = 12) -> Table:
    rows = []
    for i in range(n):
        name = SERVICES[i % len(SERVICES)] + ("" if i < len(SERVICES) else f" {i + 1}")
        rows.append([name, format_number(1234567 + i * 98765), format_number(-2345.5 + i * 1000, 1),
                     f"{format_number(0.5 + i / 10, 1)}{NBSP}%"])
    rows.append(["Sum", format_number(99876543), format_number(12345.6, 1), f"100,0{NBSP}%"])
    return Table(
        columns=["Tjenesteområde", "Netto driftsutgifter (kr)", "Endring (kr per innbygger)", "Andel"],
        rows=rows, numeric=[False, True, True, True], total_rows=[n],
        caption="Netto driftsutgifter 2025 etter tjenesteområde (KOSTRA)",
    )


def _chart(horizontal: bool = False) -> BarChart:
    return BarChart(
        title="Utgifter per innbygger, Ås og KOSTRA-gruppe 7",
        categories=["Grunnskole", "Barnehage", "Pleie og omsorg", "Barnevern", "Kultur og idrett",
                    "Kommunehelse"],
        series=[("Ås kommune", [15234.0, 9876.0, 21000.0, 2500.0, None, -1200.0]),
                ("KOSTRA-gruppe 7", [14000.0, 10100.0, 19500.0, 2800.0, 1900.0, 3100.0])],
        unit="kr per innbygger", horizontal=horizontal,
        description="Ås bruker mer enn gruppa på pleie og omsorg (21 000 mot 19 500 kr) og mindre "
                    "på barnehage.",
    )


def _document(kind: str = "helhet", sections: list[Section] | None = None, **fields) -> A3Document:
    if sections is None:
        sections = [
            Section("Nåsituasjon", column=0, paragraphs=[
                "Netto driftsresultat var −1,2 % av brutto driftsinntekter i 2025, under anbefalt nivå.",
                "Disposisjonsfondet utgjør 4 % & faller <raskt>."],
                bullets=["Lånegjeld per innbygger: 98 765 kr", "Økte utgifter til ressurskrevende tjenester",
                         "Færre barn i barnehagealder enn forventet"]),
            Section("Utgifter per tjenesteområde", column=0, table=_table()),
            Section("Sammenligning", column=1, chart=_chart()),
            Section("Gap", column=1, paragraphs=["Samlet gap mot målet er 23 456 789 kr per år."],
                    chart=_chart(horizontal=True)),
            Section("Analyse og veivalg", column=2, paragraphs=["Pleie og omsorg står for den største delen."],
                    bullets=["Vurdere tjenestenivået i hjemmetjenesten", "Øke andelen heltid",
                             "Digitalisere søknadsbehandlingen"]),
        ]
    fields = {
        "title": TITLES[kind], "subtitle": "Nåsituasjon, gap og analyse «før vi velger»",
        "organisation": "Ås kommune (3218)", "date": "04.12.2026", "badge": "Eksempel",
        "footer": "Kilde: Statistisk sentralbyrå (SSB), KOSTRA-tabellene 12362 og 12134. Tall i kroner.",
        **fields,
    }
    return A3Document(kind=kind, sections=sections, **fields)


def _oversized() -> A3Document:
    return _document(sections=[
        Section("Bakgrunn", column=0, paragraphs=[f"{i + 1}. {LONG * 3}" for i in range(14)],
                bullets=[f"Punkt {i + 1}: {LONG}" for i in range(10)]),
        Section("Store tall", column=1, table=_table(60)),
        Section("Graf 1", column=2, chart=_chart(horizontal=True)),
        Section("Graf 2", column=2, chart=_chart(), paragraphs=[LONG * 4] * 3),
        Section("Graf 3", column=2, chart=_chart(horizontal=True)),
    ])


def _shrinking() -> A3Document:
    """Too tall for one page at the normal font sizes, not at the smallest."""
    return _document(sections=[Section("Bakgrunn", column=0, paragraphs=[LONG * 2] * 12)])


# --- PowerPoint --------------------------------------------------------------------------------


def _render_pptx(doc, path) -> Presentation:
    to_pptx(doc, path)
    return Presentation(path)


def _paragraphs(slides) -> list[str]:
    """Every text of ``slides``: paragraphs of text boxes and cells, chart titles, categories, series."""
    out = []
    for slide in slides:
        for shape in slide.shapes:
            frames = [shape.text_frame] if shape.has_text_frame else []
            if shape.has_table:
                frames += [cell.text_frame for row in shape.table.rows for cell in row.cells]
            out += [p.text for tf in frames for p in tf.paragraphs]
            if shape.has_chart:
                chart = shape.chart
                out.append(chart.chart_title.text_frame.text)
                out += [str(c) for c in chart.plots[0].categories]
                out += [s.name for s in chart.plots[0].series]
    return out


def _missing(doc: A3Document, paragraphs: list[str]) -> list[str]:
    """Texts of ``doc`` not found in ``paragraphs`` (a paragraph split across slides counts)."""
    known = set(paragraphs)

    def found(text):
        if any(text in p for p in paragraphs):
            return True
        return any(text.startswith(p + " ") and text[len(p) + 1:] in known for p in paragraphs if p)

    return [t for t in doc.all_text() if not found(t)]


def _assert_within(prs) -> None:
    for n, slide in enumerate(prs.slides, 1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (n, shape.name)
            assert shape.top + shape.height <= prs.slide_height, (n, shape.name)
            assert shape.left + shape.width <= prs.slide_width, (n, shape.name)


@pytest.fixture(scope="module")
def pptx_docs(tmp_path_factory):
    out = {}
    for kind in KINDS:
        doc = _document(kind)
        out[kind] = doc, _render_pptx(doc, tmp_path_factory.mktemp("pptx") / f"{kind}.pptx")
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_pptx_is_one_a3_landscape_slide_with_every_text(pptx_docs, kind):
    doc, prs = pptx_docs[kind]
    assert prs.slide_width == Mm(420) and prs.slide_height == Mm(297)
    assert len(prs.slides) == 1
    assert _missing(doc, _paragraphs(prs.slides)) == []
    _assert_within(prs)
    assert not [s for s in prs.slides[0].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_pptx_table_is_native_with_aligned_numbers_and_bold_total(pptx_docs):
    doc, prs = pptx_docs["helhet"]
    (frame,) = [s for s in prs.slides[0].shapes if s.has_table]
    grid, model = frame.table, doc.sections[1].table
    cells = [[c.text_frame.text for c in row.cells] for row in grid.rows]
    assert cells == [model.columns, *model.rows]
    assert cells[1][1] == f"1{NBSP}234{NBSP}567"
    for row in grid.rows:
        aligns = [c.text_frame.paragraphs[0].alignment for c in row.cells]
        assert aligns == [PP_ALIGN.LEFT, PP_ALIGN.RIGHT, PP_ALIGN.RIGHT, PP_ALIGN.RIGHT]
    total = grid.rows[len(model.rows)]
    assert all(c.text_frame.paragraphs[0].runs[0].font.bold for c in total.cells)
    assert not grid.rows[1].cells[0].text_frame.paragraphs[0].runs[0].font.bold
    caption = [s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame]
    assert f"Tabell 1: {model.caption}" in caption


def test_pptx_charts_are_native_with_data_legend_and_number_format(pptx_docs):
    from pptx.enum.chart import XL_CHART_TYPE

    doc, prs = pptx_docs["helhet"]
    charts = [s.chart for s in prs.slides[0].shapes if s.has_chart]
    assert [c.chart_type for c in charts] == [XL_CHART_TYPE.COLUMN_CLUSTERED, XL_CHART_TYPE.BAR_CLUSTERED]
    model = doc.sections[2].chart
    for chart in charts:
        plot = chart.plots[0]
        assert list(plot.categories) == model.categories
        assert [(s.name, list(s.values)) for s in plot.series] == [(n, v) for n, v in model.series]
        assert chart.has_legend
        assert chart.chart_title.text_frame.text == model.title
        assert chart.value_axis.tick_labels.number_format == "#,##0"
        assert not chart.value_axis.tick_labels.number_format_is_linked
        assert chart.value_axis.axis_title.text_frame.text == model.unit
    shapes = prs.slides[0].shapes
    chart_frame = next(s for s in shapes if s.has_chart)
    assert chart_frame._element.nvGraphicFramePr.cNvPr.get("descr") == model.description
    below = [s for s in shapes if s.has_text_frame and s.text_frame.text == model.description]
    assert below and below[0].top >= chart_frame.top + chart_frame.height


def test_pptx_single_series_has_no_legend(tmp_path):
    chart = BarChart("Lånegjeld", ["2024", "2025"], [("Ås", [98765.0, 101234.0])])
    prs = _render_pptx(_document(sections=[Section("Gjeld", chart=chart)]), tmp_path / "a.pptx")
    (frame,) = [s for s in prs.slides[0].shapes if s.has_chart]
    assert not frame.chart.has_legend


def test_pptx_bullets_language_badge_and_properties(pptx_docs):
    doc, prs = pptx_docs["helhet"]
    slide = prs.slides[0]
    bullets = [p for s in slide.shapes if s.has_text_frame for p in s.text_frame.paragraphs
               if p._p.pPr is not None and p._p.pPr.find(qn("a:buChar")) is not None]
    assert [p.text for p in bullets] == doc.sections[0].bullets + doc.sections[4].bullets
    runs = [r for s in slide.shapes if s.has_text_frame for p in s.text_frame.paragraphs for r in p.runs]
    assert runs and all(r.font._rPr.get("lang") == "nb-NO" for r in runs)
    (badge,) = [s for s in slide.shapes if s.has_text_frame and s.text_frame.text == doc.badge]
    assert badge.top < Mm(30) and badge.left + badge.width > Mm(390)
    props = prs.core_properties
    assert (props.title, props.author, props.language) == (doc.title, "gevinst", "nb-NO")


def test_pptx_shrinks_fonts_before_adding_a_slide(tmp_path):
    prs = _render_pptx(_shrinking(), tmp_path / "shrink.pptx")
    assert len(prs.slides) == 1
    _assert_within(prs)
    body = {r.font.size.pt for s in prs.slides[0].shapes if s.has_text_frame
            for p in s.text_frame.paragraphs for r in p.runs if r.text.startswith(LONG[:20])}
    assert body and max(body) < 11 and min(body) >= MIN_SIZE


def test_pptx_oversized_continues_on_a_second_slide_within_bounds(tmp_path):
    doc = _oversized()
    prs = _render_pptx(doc, tmp_path / "big.pptx")
    assert len(prs.slides) >= 2
    _assert_within(prs)
    assert _missing(doc, _paragraphs(prs.slides)) == []
    second = _paragraphs(list(prs.slides)[1:])
    assert f"{doc.title} (forts.)" in second and "Bakgrunn (forts.)" in second
    sizes = {r.font.size.pt for sl in prs.slides for s in sl.shapes if s.has_text_frame
             for p in s.text_frame.paragraphs for r in p.runs}
    assert min(sizes) >= MIN_SIZE


def test_pptx_paragraph_longer_than_a_column_is_split_not_cut(tmp_path):
    words = [f"ord{i}" for i in range(2500)]
    doc = _document(sections=[Section("Langt", paragraphs=[" ".join(words)])])
    prs = _render_pptx(doc, tmp_path / "long.pptx")
    assert len(prs.slides) >= 2
    _assert_within(prs)
    text = " ".join(p for p in _paragraphs(prs.slides) if p.startswith("ord"))
    assert text.split() == words


def test_pptx_to_file_object_and_empty_document():
    buffer = io.BytesIO()
    to_pptx(_document(sections=[], footer="", badge=""), buffer)
    prs = Presentation(io.BytesIO(buffer.getvalue()))
    assert len(prs.slides) == 1


# --- PDF ---------------------------------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} not found: the PDF tests need poppler-utils (apt-get install poppler-utils)")
    return path


def _pdf_pages(path) -> int:
    info = subprocess.run([_tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def _pdf_text(path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run([_tool("pdftotext"), *pages, str(path), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").replace(NBSP, " ").split())  # lines joined


def _png_sizes(pdf, tmp_path) -> list[tuple[int, int]]:
    """Render every page with pdftoppm at 40 dpi; the (width, height) of each PNG."""
    subprocess.run([_tool("pdftoppm"), "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True,
                   capture_output=True)
    sizes = []
    for png in sorted(tmp_path.glob("page-*.png")):
        head = png.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        sizes.append(struct.unpack(">II", head[16:24]))
    return sizes


def _flat(text: str) -> str:
    return text.replace(NBSP, " ")


@pytest.fixture(scope="module")
def pdf_docs(tmp_path_factory):
    out = {}
    for kind in KINDS:
        doc, path = _document(kind), tmp_path_factory.mktemp("pdf") / f"{kind}.pdf"
        to_pdf(doc, path)
        out[kind] = doc, path
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_pdf_is_one_a3_landscape_page_that_renders(pdf_docs, kind, tmp_path):
    doc, path = pdf_docs[kind]
    assert _pdf_pages(path) == 1
    sizes = _png_sizes(path, tmp_path)
    assert len(sizes) == 1
    width, height = sizes[0]
    assert abs(width / height - 420 / 297) < 0.01 and width == pytest.approx(420 / 25.4 * 40, abs=2)
    text = _pdf_text(path)
    for key in (doc.title, "Nåsituasjon", "Færre barn i barnehagealder enn forventet", "Tjenesteområde",
                "Økte utgifter", "Side 1 av 1", "Tabell 1"):
        assert key in text, key


def test_pdf_keeps_numbers_minus_signs_and_markup_characters(pdf_docs):
    doc, path = pdf_docs["helhet"]
    text = _pdf_text(path)
    assert "1 234 567" in text and "99 876 543" in text
    assert "−1 345,5" in text, "the real minus sign (U+2212) survives"
    assert "−1,2 %" in text
    assert "15 234" in text and "−1 200" in text, "value labels of the horizontal chart"
    assert "4 % & faller <raskt>." in text
    assert _flat(doc.sections[2].chart.description) in text


def test_pdf_metadata(pdf_docs):
    doc, path = pdf_docs["helhet"]
    info = subprocess.run([_tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(rf"^Title:\s+{re.escape(doc.title)}$", info, re.MULTILINE)
    assert re.search(r"^Author:\s+gevinst$", info, re.MULTILINE)
    assert b"/Lang (nb-NO)" in path.read_bytes()


def test_pdf_shrinks_fonts_before_adding_a_page(tmp_path):
    to_pdf(_shrinking(), tmp_path / "shrink.pdf")
    assert _pdf_pages(tmp_path / "shrink.pdf") == 1


def test_pdf_oversized_flows_onto_further_pages(tmp_path):
    doc, path = _oversized(), tmp_path / "big.pdf"
    to_pdf(doc, path)
    pages = _pdf_pages(path)
    assert pages >= 2
    assert len(_png_sizes(path, tmp_path)) == pages
    second = _pdf_text(path, 2)
    assert f"Side 2 av {pages}" in second and "(forts.)" in second and "Bakgrunn (forts.)" in second
    text = _pdf_text(path)
    numbers = [_flat(c) for r in doc.sections[1].table.rows for c in r[1:3]]
    assert [n for n in numbers if n not in text] == [], "no table row is lost"
    for n in range(1, 11):
        assert f"Punkt {n}:" in text


def test_pdf_paragraph_longer_than_a_column_is_split_not_cut(tmp_path):
    words = [f"ord{i}" for i in range(2500)]
    path = tmp_path / "long.pdf"
    to_pdf(_document(sections=[Section("Langt", paragraphs=[" ".join(words)])]), path)
    assert _pdf_pages(path) >= 2
    assert [w for w in _pdf_text(path).split() if w.startswith("ord")] == words


SAMI = ("Porsáŋgu", "Guovdageaidnu", "Kárášjohka")


def test_pdf_prints_sami_names_as_written(tmp_path, caplog):
    """Municipalities in the Sámi administrative area print their names with ŋ, á, š (the bundled
    DejaVu font has them), in the title, the band and a table, and nothing is replaced."""
    table = Table(columns=["Kommune", "Innbyggere"], numeric=[False, True],
                  rows=[[f"{name} suohkan", format_number(3900 + i)] for i, name in enumerate(SAMI)]
                  + [["Unjárga gielda – Nesseby kommune ŧ Ŧ đ Đ č ž Ŋ", "900"]])
    doc = _document(title=" – ".join(SAMI), organisation="Porsáŋgu gielda – Porsanger kommune",
                    sections=[Section("Kommunene", table=table)])
    with caplog.at_level("WARNING", logger="gevinst.reports.a3_pdf"):
        to_pdf(doc, tmp_path / "sami.pdf")
    text = _pdf_text(tmp_path / "sami.pdf")
    assert " – ".join(SAMI) in text, "the title"
    assert "Porsáŋgu gielda – Porsanger kommune" in text
    for name in SAMI:
        assert f"{name} suohkan" in text
    assert "Unjárga gielda – Nesseby kommune ŧ Ŧ đ Đ č ž Ŋ" in text
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == []


def test_pdf_embeds_its_fonts(pdf_docs):
    """Every font the PDF names is embedded (no bare Helvetica that the viewer must stand in for)."""
    _doc, path = pdf_docs["helhet"]
    out = subprocess.run([_tool("pdffonts"), str(path)], capture_output=True, text=True, check=True).stdout
    fonts = [line.split() for line in out.splitlines()[2:]]
    assert sorted(f[0].split("+")[-1] for f in fonts) == ["DejaVuSansCondensed", "DejaVuSansCondensed-Bold"]
    assert all(f[-5:-2] == ["yes", "yes", "yes"] for f in fonts), out  # embedded, subset, ToUnicode


def test_pdf_replaces_characters_outside_the_font_loudly(tmp_path, caplog):
    doc = _document(organisation="Tokyo 東京 kommune")
    with caplog.at_level("WARNING", logger="gevinst.reports.a3_pdf"):
        to_pdf(doc, tmp_path / "cjk.pdf")
    assert "Tokyo ?? kommune" in _pdf_text(tmp_path / "cjk.pdf")
    assert any("東" in r.getMessage() for r in caplog.records)


def test_fonts_ship_with_the_package():
    """The bundled font files and their licence sit in the package, and package-data takes .ttf."""
    import tomllib
    from pathlib import Path

    from gevinst.reports.a3_pdf import FONT_DIR, PDF_FONTS

    assert all((FONT_DIR / f"{name}.ttf").is_file() for name in PDF_FONTS)
    assert "Bitstream Vera" in (FONT_DIR / "LICENSE.txt").read_text(encoding="utf-8")
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    package_data = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    assert "*.ttf" in package_data["*"]


def test_pdf_to_file_object_and_empty_document():
    buffer = io.BytesIO()
    to_pdf(_document(sections=[], footer="", badge=""), buffer)
    assert buffer.getvalue().startswith(b"%PDF")


# --- Palette -----------------------------------------------------------------------------------


def _contrast(a: str, b: str) -> float:
    def luminance(hex_colour):
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_palette_contrast():
    text_pairs = [("ink", "white"), ("ink", "box"), ("ink", "zebra"), ("ink", "total"), ("ink", "band"),
                  ("heading", "box"), ("heading", "band"), ("muted", "white"), ("muted", "box"),
                  ("white", "accent"), ("white", "badge")]
    for fg, bg in text_pairs:
        assert _contrast(PALETTE[fg], PALETTE[bg]) >= 4.5, (fg, bg)
    for colour in SERIES_COLORS:
        assert _contrast(colour, PALETTE["white"]) >= 3, colour


@pytest.mark.parametrize("fonts", ["ARIAL_METRICS", "PDF_FONTS"])
def test_numbers_never_break_when_a_table_is_too_narrow(fonts):
    """In a table too narrow for its longest words, numeric columns keep the width of their widest
    value (a number broken over two lines is misread); the text columns share what is left. Both
    with PowerPoint's metrics and with the PDF's wider font."""
    from gevinst.reports import a3_pdf
    from gevinst.reports.a3_model import Table
    from gevinst.reports.a3_pdf import CELL_PAD, column_widths, text_width

    fonts = getattr(a3_pdf, fonts)
    table = Table(columns=["Tiltak", "Gevinst per år", "Kostnad i perioden", "Nåverdi", "Eier"],
                  rows=[["Hverdagsrehabilitering i hjemmetjenesten", "3\u00a0500\u00a0000", "4\u00a0400\u00a0000",
                         "\u22128\u00a0992\u00a0746", "Kommunalsjef"]],
                  numeric=[False, True, True, True, False])
    size, width = 8.0, 230.0
    widths = column_widths(table, width, size, fonts)
    assert abs(sum(widths) - width) < 1e-6
    for i in (1, 2, 3):
        assert widths[i] >= text_width(table.rows[0][i], size, fonts=fonts) + 2 * CELL_PAD, table.columns[i]
    assert widths[0] > 0 and widths[4] > 0


@pytest.mark.parametrize("fonts", ["ARIAL_METRICS", "PDF_FONTS"])
def test_a_table_slightly_too_narrow_cuts_only_its_longest_words(fonts):
    """When the longest words do not all fit, the column with the longest words gives way and the
    others keep theirs whole; a value with an ordinary space («19,0 (12.2024)») may wrap there."""
    from gevinst.reports import a3_pdf
    from gevinst.reports.a3_pdf import CELL_PAD, column_widths, text_width

    fonts = getattr(a3_pdf, fonts)
    table = Table(columns=["Gevinst", "Indikator", "Nullpunkt", "Måles"],
                  rows=[["Færre turer", "Andel innbyggere som bruker hjemmetjenester", "19,0 (12.2024)", "Årlig"]],
                  numeric=[False, False, True, False])
    size = 9.5
    longest = [max(text_width(w, size, bold, fonts=fonts) for row, bold in ((table.columns, True),
                                                                           (table.rows[0], False))
                   for w in row[i].split(" ")) + 2 * CELL_PAD + 1 for i in range(4)]
    widths = column_widths(table, sum(longest) - 10, size, fonts)
    assert widths == pytest.approx([longest[0], longest[1] - 10, longest[2], longest[3]])
