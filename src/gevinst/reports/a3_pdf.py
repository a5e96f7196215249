"""Render an :class:`~gevinst.reports.a3_model.A3Document` as a PDF: one A3 landscape page.

The page has a title band, three columns of section boxes and a footer with the
page number. Sections keep the column the model gives them: when the content is
too tall, the fonts shrink step by step (:data:`SCALES`, never below
:data:`MIN_SIZE`), and when it still does not fit, each column continues in the
same column of the next page, under the same title band marked «(forts.)».

To keep the columns apart, each column is paginated here with reportlab's own
:class:`~reportlab.platypus.Frame` (so the measure is exact) and the pages are
then built with one three-frame page template and a ``FrameBreak`` after each part.

The font is DejaVu Sans Condensed (regular and bold), bundled in ``fonts/`` with
its licence (``fonts/LICENSE.txt``) and embedded as a subset: it has the North
Sámi letters (ŋ, đ, ŧ, š, č, ž, á), so «Porsáŋgu» and «Kárášjohka» print as
written, and the real minus sign U+2212, ≥ and →. The condensed cut is the one
whose widths are closest to Helvetica's, which the layout was drawn for. A
character DejaVu lacks (CJK, for one) is replaced by a close equivalent or «?»
and logged (:func:`pdf_text`), never dropped silently or drawn as an empty box.

The first part of this module (measures, palette, text wrapping, table column
widths, chart heights) is shared with :mod:`gevinst.reports.a3_pptx`. Each
renderer measures text with the metrics of the font it uses: the shared
functions take ``fonts`` (regular, bold), by default Helvetica's metrics
(:data:`ARIAL_METRICS`: Arial in PowerPoint has the same widths); the PDF passes
its own (:data:`PDF_FONTS`). The two files lay out alike, each wrapped for its font.
"""

from __future__ import annotations

import io
import logging
import math
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A3, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    FrameBreak,
    KeepInFrame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import FrameBG

from gevinst.core.formatting import format_number
from gevinst.reports.a3_model import A3Document, BarChart, Section
from gevinst.reports.a3_model import Table as A3Table

logger = logging.getLogger(__name__)

# --- Shared layout (also used by a3_pptx) ------------------------------------------------------

MM = 72 / 25.4
PAGE_W, PAGE_H = landscape(A3)  # 1190.55 × 841.89 pt
MARGIN = 12 * MM
CONTENT_W = PAGE_W - 2 * MARGIN
GUTTER = 6 * MM  # between columns
PAD = 3.5 * MM  # inside a section box
SECTION_GAP = 4 * MM  # between section boxes
BLOCK_GAP = 2.5 * MM  # between text, table and chart inside a box
CELL_PAD = 1.6 * MM  # left/right padding of table cells
CELL_VPAD = 1.5  # top/bottom padding of table cells (pt)
BAND_PAD = 4 * MM
BAND_GAP = 5 * MM  # between the title band and the columns
BAND_RIGHT_W = 95 * MM  # badge, organisation and date
FOOTER_GAP = 4 * MM
PAGE_NO_W = 40 * MM
LEADING = 1.2  # line height / font size

#: The PDF's fonts (bundled TrueType, see :func:`_register_fonts`) as (regular, bold).
FONT, FONT_BOLD = "DejaVuSansCondensed", "DejaVuSansCondensed-Bold"
PDF_FONTS = (FONT, FONT_BOLD)
FONT_DIR = Path(__file__).with_name("fonts")
#: Metrics the shared layout measures with unless told otherwise: Helvetica's, which PowerPoint's
#: Arial (and LibreOffice's Liberation Sans) share; reportlab knows them without a font file.
ARIAL_METRICS = ("Helvetica", "Helvetica-Bold")


def _register_fonts() -> None:
    """Register the bundled fonts with reportlab, and as one family so ``<b>`` finds the bold."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name in PDF_FONTS:
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / f"{name}.ttf")))
    for bold, italic in ((0, 0), (1, 0), (0, 1), (1, 1)):  # no italic is used: upright stands in
        addMapping(FONT, bold, italic, FONT_BOLD if bold else FONT)


_register_fonts()

#: Colours as hex RGB. Text pairs have a contrast of at least 4.5:1 (tests check it),
#: chart series at least 3:1 against white (WCAG 1.4.11).
PALETTE = {
    "ink": "1B2633",  # body text
    "heading": "17375E",  # section headings
    "muted": "444E5A",  # descriptions, footer
    "band": "E8EEF5",  # title band
    "accent": "1F4E79",  # rule under the band, table header
    "box": "F3F6F9",  # section boxes
    "box_line": "C5CFDA",
    "zebra": "EAEFF5",
    "total": "D9E2EC",
    "grid": "D5DBE2",
    "badge": "8A3B00",
    "white": "FFFFFF",
}
SERIES_COLORS = ("1F4E79", "B04A00", "2E6B30", "6A3D9A")

TITLE_SIZES = (26, 23, 20)  # the largest that keeps the title within two lines
SUBTITLE_SIZE, ORG_SIZE, DATE_SIZE, BADGE_SIZE, FOOTER_SIZE = 14, 12, 11, 11, 8.5
BASE_SIZES = {"heading": 14, "body": 11, "table": 9.5, "caption": 9.5, "chart": 9, "note": 9}
#: Smallest font size the shrinking goes to.
MIN_SIZE = 8
#: Font scales tried in turn until every column fits on one page.
SCALES = (1.0, 0.92, 0.85, 0.79, 0.73)


def font_sizes(scale: float) -> dict[str, float]:
    """Font sizes (pt) of the column content at ``scale``, rounded to half points, never below
    :data:`MIN_SIZE`."""
    return {k: max(MIN_SIZE, round(v * scale * 2) / 2) for k, v in BASE_SIZES.items()}


def continued(text: str) -> str:
    """``text`` marked as continued from the previous page: «Status (forts.)»."""
    return f"{text} {_('(forts.)')}"


def table_label(number: int) -> str:
    """The label before a table caption: «Tabell 2»."""
    return f"{_('Tabell')} {number}"


def page_label(n: int, m: int) -> str:
    """«Side 1 av 2»."""
    return _("Side %(n)s av %(m)s") % {"n": n, "m": m}


def text_width(text: str, size: float, bold: bool = False,
               fonts: tuple[str, str] = ARIAL_METRICS) -> float:
    """Width (pt) of ``text`` in ``fonts`` (regular, bold)."""
    return pdfmetrics.stringWidth(text, fonts[1] if bold else fonts[0], size)


def wrap_lines(text: str, size: float, width: float, bold: bool = False,
               fonts: tuple[str, str] = ARIAL_METRICS) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points, as a word processor does:
    at ordinary spaces only (never at a non-breaking space); a word longer than a line is cut."""
    font = fonts[1] if bold else fonts[0]

    def fits(s: str) -> bool:
        return pdfmetrics.stringWidth(s, font, size) <= width

    lines: list[str] = []
    for raw in text.split("\n"):
        line = ""
        for word in raw.split(" "):
            candidate = f"{line} {word}" if line else word
            if fits(candidate):
                line = candidate
                continue
            if line:
                lines.append(line)
            while len(word) > 1 and not fits(word):
                cut = next((i for i in range(len(word) - 1, 0, -1) if fits(word[:i])), 1)
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def _cells(row: list[str], n: int) -> list[str]:
    return (list(row) + [""] * n)[:n]


def column_widths(table: A3Table, width: float, size: float,
                  fonts: tuple[str, str] = ARIAL_METRICS) -> list[float]:
    """Column widths (pt, summing to ``width``) for ``table`` at font ``size`` in ``fonts``: every
    column as wide as its longest text if that fits, else text columns wrap while numbers stay whole,
    and if even the longest words do not fit, as few of them as possible are cut."""
    measure = partial(text_width, fonts=fonts)
    n = len(table.columns)
    natural, minimum = [0.0] * n, [0.0] * n
    rows = [(table.columns, True)] + [(r, i in table.total_rows) for i, r in enumerate(table.rows)]
    for cells, bold in rows:
        for i, text in enumerate(_cells(cells, n)):
            natural[i] = max(natural[i], measure(text, size, bold))
            longest_word = max((measure(w, size, bold) for w in text.split(" ")), default=0.0)
            minimum[i] = max(minimum[i], longest_word)
    natural = [w + 2 * CELL_PAD + 1 for w in natural]
    minimum = [w + 2 * CELL_PAD + 1 for w in minimum]
    if sum(natural) <= width:
        return [width * w / sum(natural) for w in natural]
    if sum(minimum) <= width:
        flex = [a - b for a, b in zip(natural, minimum, strict=True)]
        spare = width - sum(minimum)
        return [m + spare * f / sum(flex) for m, f in zip(minimum, flex, strict=True)]
    # Too narrow even for the longest words. A number must never break: a numeric column is at least
    # as wide as its widest value (one word: a number's spaces are non-breaking). Beyond that, as
    # few words as possible are cut: every column gets its longest word up to a common width, so
    # the columns with the longest words (a long header over numbers among them) give way.
    numeric = [bool(table.numeric[i]) if i < len(table.numeric) else False for i in range(n)]
    floors = [max((measure(w, size, r_i in table.total_rows) for r_i, r in enumerate(table.rows)
                   for w in _cells(r, n)[i].split(" ")), default=0.0) + 2 * CELL_PAD + 1
              if numeric[i] else 0.0 for i in range(n)]
    if sum(floors) < width:
        cap = _cap(floors, minimum, width)
        return [min(max(cap, f), w) for f, w in zip(floors, minimum, strict=True)]
    return [width * w / sum(minimum) for w in minimum]


def _cap(floors: list[float], wishes: list[float], total: float) -> float:
    """The width ``c`` at which columns of ``c`` each, but no narrower than their floor and no wider
    than their wish, fill ``total`` (between the sum of the floors and the sum of the wishes)."""

    def filled(c: float) -> float:
        return sum(min(max(c, f), w) for f, w in zip(floors, wishes, strict=True))

    lo = 0.0
    for hi in sorted({*floors, *wishes}):  # filled() is linear between these points
        if filled(hi) >= total:
            below, above = filled(lo), filled(hi)
            return hi if above == below else lo + (hi - lo) * (total - below) / (above - below)
        lo = hi
    return lo


def chart_height(chart: BarChart, size: float, limit: float) -> float:
    """Height (pt) of ``chart`` with text at ``size``: fixed for columns; for horizontal bars,
    room for each bar to carry its value label. Never above ``limit``."""
    if chart.horizontal:
        n_cat = len(chart.categories)
        bars = n_cat * max(1, len(chart.series))
        height = max(80 + bars * size * 1.45 + n_cat * size * 0.9, 150)
    else:
        height = 22 * size
    return min(height, limit)


def show_value_labels(chart: BarChart, length: float, size: float,
                      fonts: tuple[str, str] = ARIAL_METRICS) -> bool:
    """Whether value labels fit the bars of a plot ``length`` points long (along the category
    axis): horizontal bars must be as thick as a line of text, columns as wide as the label
    (in ``fonts``)."""
    values = [v for _n, vs in chart.series for v in vs if v is not None]
    if not values:
        return False
    slot = length / (max(1, len(chart.categories)) * (max(1, len(chart.series)) + 0.6))
    if chart.horizontal:
        return slot >= size * 1.1
    return max(text_width(format_number(v, chart.decimals), size, fonts=fonts) for v in values) <= slot


@dataclass(frozen=True)
class Geometry:
    """Where things go on a page, in points from the top left corner."""

    title_size: float
    continued_title_size: float  # the title with «(forts.)» in as many lines
    title_width: float  # of the title and subtitle, left in the band
    band_height: float
    footer_height: float
    columns: tuple[tuple[float, float], ...]  # (x, width) of each column
    top: float  # of the columns
    bottom: float  # of the columns

    @property
    def column_height(self) -> float:
        return self.bottom - self.top


def badge_size(badge: str, fonts: tuple[str, str] = ARIAL_METRICS) -> tuple[float, float]:
    return text_width(badge, BADGE_SIZE, bold=True, fonts=fonts) + 6 * MM, BADGE_SIZE * LEADING + 3 * MM


def geometry(doc: A3Document, fonts: tuple[str, str] = ARIAL_METRICS) -> Geometry:
    """The page geometry for ``doc`` with text in ``fonts``: the band grows with a long title, the
    footer with its text."""
    wrap = partial(wrap_lines, fonts=fonts)
    title_w = CONTENT_W - BAND_RIGHT_W - 2 * BAND_PAD - GUTTER
    for size in TITLE_SIZES:
        title_lines = len(wrap(doc.title, size, title_w, bold=True))
        if title_lines <= 2:
            break
    cont_size = next((s for s in (size, size - 2, size - 4, size - 6)
                      if len(wrap(continued(doc.title), s, title_w, bold=True)) <= title_lines),
                     size - 6)
    left = title_lines * size * 1.15
    if doc.subtitle:
        left += 2 + len(wrap(doc.subtitle, SUBTITLE_SIZE, title_w)) * SUBTITLE_SIZE * 1.25
    right = (badge_size(doc.badge, fonts)[1] + 2 * MM) if doc.badge else 0
    right += len(wrap(doc.organisation, ORG_SIZE, BAND_RIGHT_W, bold=True)) * ORG_SIZE * 1.25
    right += DATE_SIZE * 1.25
    band = max(left, right) + 2 * BAND_PAD
    footer_lines = wrap(doc.footer, FOOTER_SIZE, CONTENT_W - PAGE_NO_W) if doc.footer else [""]
    footer = len(footer_lines) * FOOTER_SIZE * 1.25
    col_w = (CONTENT_W - 2 * GUTTER) / 3
    return Geometry(
        title_size=size, continued_title_size=cont_size, title_width=title_w, band_height=band,
        footer_height=footer,
        columns=tuple((MARGIN + i * (col_w + GUTTER), col_w) for i in range(3)),
        top=MARGIN + band + BAND_GAP, bottom=PAGE_H - MARGIN - footer - FOOTER_GAP,
    )


# --- Text the PDF fonts can draw ---------------------------------------------------------------


@lru_cache(maxsize=4096)
def _printable(ch: str) -> bool:
    """Whether both PDF fonts (regular and bold) have a glyph for ``ch``."""
    return ch in "\n\t" or all(ord(ch) in pdfmetrics.getFont(f).face.charWidths for f in PDF_FONTS)


def pdf_text(text: str) -> str:
    """``text`` with every character the PDF fonts cannot draw replaced by its nearest equivalent
    (the base letter without its accent, else ``?``); each replacement is logged. DejaVu has the
    Norwegian and Sámi letters, so in practice this touches only scripts it lacks, such as CJK."""
    if all(_printable(c) for c in text):
        return text
    out, replaced = [], []
    for ch in text:
        if _printable(ch):
            out.append(ch)
            continue
        base = unicodedata.normalize("NFKD", ch)
        sub = "".join(c for c in base if not unicodedata.combining(c) and _printable(c)) or "?"
        out.append(sub)
        replaced.append(f"{ch!r}→{sub!r}")
    logger.warning("A3 PDF: characters outside the PDF font replaced in %r: %s", text, ", ".join(replaced))
    return "".join(out)


def _markup(text: str) -> str:
    """``text`` as Paragraph markup: escaped, fitted to the fonts, line breaks kept."""
    return escape(pdf_text(text)).replace("\n", "<br/>")


def _color(key_or_hex: str) -> colors.Color:
    return colors.HexColor("#" + PALETTE.get(key_or_hex, key_or_hex))


# --- Flowables ---------------------------------------------------------------------------------

#: The shared measures in the PDF's own fonts.
_width = partial(text_width, fonts=PDF_FONTS)
_wrap = partial(wrap_lines, fonts=PDF_FONTS)


def _styles(sizes: dict[str, float]) -> dict[str, ParagraphStyle]:
    def style(name, size, **kw):
        kw.setdefault("fontName", FONT)
        kw.setdefault("textColor", _color("ink"))
        return ParagraphStyle(f"a3-{name}", fontSize=size, leading=size * LEADING, **kw)

    body, table = sizes["body"], sizes["table"]
    return {
        "heading": style("heading", sizes["heading"], fontName=FONT_BOLD, textColor=_color("heading")),
        "body": style("body", body, spaceBefore=body * 0.5),
        "bullet": style("bullet", body, spaceBefore=body * 0.3, leftIndent=body * 1.2,
                        bulletIndent=body * 0.2, bulletFontName=FONT, bulletFontSize=body),
        "caption": style("caption", sizes["caption"], spaceBefore=BLOCK_GAP, spaceAfter=2),
        "note": style("note", sizes["note"], textColor=_color("muted"), spaceBefore=2),
        "cell": style("cell", table),
        "cell-r": style("cell-r", table, alignment=TA_RIGHT),
        "total": style("total", table, fontName=FONT_BOLD),
        "total-r": style("total-r", table, fontName=FONT_BOLD, alignment=TA_RIGHT),
        "head": style("head", table, fontName=FONT_BOLD, textColor=_color("white")),
        "head-r": style("head-r", table, fontName=FONT_BOLD, textColor=_color("white"), alignment=TA_RIGHT),
    }


def _mark(flowable, **flags):
    """Tag a flowable for the paginator: ``keep`` (keep with next), ``gap`` (drop at a page top),
    ``end`` (closes a section box), ``heading`` (text to repeat on a continuation)."""
    for k, v in flags.items():
        setattr(flowable, f"_a3_{k}", v)
    return flowable


def _table(table: A3Table, width: float, styles, sizes) -> Table:
    n = len(table.columns)
    widths = column_widths(table, width, sizes["table"], PDF_FONTS)
    right = [i < len(table.numeric) and table.numeric[i] for i in range(n)]

    def row(cells, kind):
        return [Paragraph(_markup(t), styles[kind + ("-r" if right[i] else "")])
                for i, t in enumerate(_cells(cells, n))]

    data = [row(table.columns, "head")]
    data += [row(r, "total" if i in table.total_rows else "cell") for i, r in enumerate(table.rows)]
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), _color("accent")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [_color("white"), _color("zebra")]),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, _color("box_line")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), FONT),  # unused (the cells are Paragraphs), kept off Helvetica
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), CELL_VPAD),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_VPAD + 1),
    ]
    for i in table.total_rows:
        if 0 <= i < len(table.rows):
            commands += [("BACKGROUND", (0, i + 1), (-1, i + 1), _color("total")),
                         ("LINEABOVE", (0, i + 1), (-1, i + 1), 0.75, _color("ink"))]
    out = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    out.setStyle(TableStyle(commands))
    return out


def _nice_scale(chart: BarChart, ticks: int) -> tuple[float, float, float, int]:
    """Axis minimum, maximum, step and decimals for the values of ``chart`` (zero included),
    with about ``ticks`` steps."""
    values = [v for _n, vs in chart.series for v in vs if v is not None] or [0.0]
    lo, hi = min(0.0, min(values)), max(0.0, max(values))
    if hi == lo:
        hi = lo + 1
    raw = (hi - lo) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * 0.999)
    decimals = 0
    while decimals < 4 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-9:
        decimals += 1
    lo = math.floor(lo / step + 1e-9) * step
    hi = math.ceil(hi / step - 1e-9) * step
    if lo < 0 and min(values) - lo < (hi - lo) * 0.12:
        lo -= step  # room for the label of the lowest bar
    return lo, hi, step, decimals


def _value_axis(bc, chart: BarChart, length: float, size: float) -> None:
    """Scale, grid and Norwegian tick labels of the value axis, fewer ticks when they crowd."""
    for ticks in (5, 4, 3, 2):
        lo, hi, step, decimals = _nice_scale(chart, ticks)
        count = round((hi - lo) / step)
        widest = max(_width(format_number(lo + i * step, decimals), size) for i in range(count + 1))
        room = length / count
        if room >= (widest * 1.4 if chart.horizontal else size * 1.6):
            break
    axis = bc.valueAxis
    axis.valueMin, axis.valueMax, axis.valueStep = lo, hi, step
    axis.labelTextFormat = partial(format_number, decimals=decimals)
    axis.visibleGrid, axis.gridStrokeColor, axis.gridStrokeWidth = True, _color("grid"), 0.5


def _chart(chart: BarChart, width: float, height: float, size: float) -> Drawing:
    """``chart`` as vector graphics: title, unit, bars with value labels, legend."""
    d = Drawing(width, height, initialFontName=FONT)
    ink, muted = _color("ink"), _color("muted")
    top = height
    for line in _wrap(chart.title, size + 1.5, width, bold=True):
        d.add(String(0, top - (size + 1.5), pdf_text(line), fontName=FONT_BOLD, fontSize=size + 1.5,
                     fillColor=ink))
        top -= (size + 1.5) * LEADING
    if chart.unit:
        d.add(String(width, top - size, pdf_text(chart.unit), fontName=FONT, fontSize=size,
                     fillColor=muted, textAnchor="end"))
        top -= size * LEADING
    bottom = _legend(d, chart, width, size)
    values = [v for _n, vs in chart.series for v in vs if v is not None]
    label_w = max((_width(format_number(v, chart.decimals), size) for v in values), default=0.0)
    tick_w = max(_width(format_number(v, 0), size) for v in [0.0, *values]) + size
    categories = [pdf_text(c) for c in chart.categories]
    n_cat = max(1, len(categories))
    series = list(chart.series)
    bc = HorizontalBarChart() if chart.horizontal else VerticalBarChart()
    labels = bc.categoryAxis.labels
    if chart.horizontal:
        series.reverse()  # reportlab stacks a group's bars from below: the first series on top
        cat_w = min(max((_width(c, size) for c in categories), default=0.0), 0.38 * width)
        names = ["\n".join(_wrap(c, size, cat_w)) for c in categories]
        bc.x, bc.y = cat_w + 6, bottom + size * 1.8
        bc.width = width - bc.x - label_w - 4 - tick_w / 2
        bc.height = top - bc.y - 4
        bc.categoryAxis.reverseDirection = 1  # first category on top
        labels.boxAnchor, labels.textAnchor, labels.dx = "e", "end", -4
        length = bc.height
    else:
        bc.x = tick_w + 4
        bc.width = width - bc.x - 2
        slot = bc.width / n_cat - 4
        if all(_width(w, size) <= slot for c in categories for w in c.split(" ")):
            lines = [_wrap(c, size, slot) for c in categories]
            names = ["\n".join(ls) for ls in lines]
            below = max((len(ls) for ls in lines), default=1) * size * 1.15
            labels.boxAnchor, labels.dy = "n", -4
        else:  # words too long for their slot: slanted labels
            lines = [_wrap(c, size, min(90.0, width / 3)) for c in categories]
            names = ["\n".join(ls) for ls in lines]
            longest = max((_width(x, size) for ls in lines for x in ls), default=0.0)
            below = longest * 0.5 + max(len(ls) for ls in lines) * size * 1.15 * 0.87
            labels.boxAnchor, labels.textAnchor, labels.angle, labels.dy = "ne", "end", 30, -3
        bc.y = bottom + below + 6
        bc.height = top - bc.y - size * 1.6  # room for the labels on the tallest bars
        length = bc.width
    bc.data = [list(vs) for _n, vs in series] or [[None] * n_cat]
    bc.categoryAxis.categoryNames = names
    bc.categoryAxis.labelAxisMode = "low"  # labels at the edge, not at a zero line inside
    for axis in (bc.categoryAxis, bc.valueAxis):
        axis.labels.fontName, axis.labels.fontSize, axis.labels.fillColor = FONT, size, ink
        axis.strokeColor = muted
    _value_axis(bc, chart, bc.height if not chart.horizontal else bc.width, size)
    bc.groupSpacing, bc.barSpacing = 6, 1
    colours = [SERIES_COLORS[i % len(SERIES_COLORS)] for i in range(len(chart.series))]
    if chart.horizontal:
        colours.reverse()
    for i, colour in enumerate(colours):
        bc.bars[i].fillColor, bc.bars[i].strokeColor = _color(colour), None
    if show_value_labels(chart, length, size, PDF_FONTS):
        bc.barLabelFormat = partial(format_number, decimals=chart.decimals, missing="")
        bc.barLabels.fontName, bc.barLabels.fontSize, bc.barLabels.fillColor = FONT, size, ink
        # reportlab mirrors anchor and offset for negative bars
        bc.barLabels.boxAnchor = "w" if chart.horizontal else "s"
        bc.barLabels.dx, bc.barLabels.dy = (3, 0) if chart.horizontal else (0, 2)
    d.add(bc)
    return d


def _legend(d: Drawing, chart: BarChart, width: float, size: float) -> float:
    """Draw the legend (when there is more than one series) at the foot of ``d``, in rows that
    wrap; returns the height it takes."""
    if len(chart.series) < 2:
        return 0.0
    rows: list[list[tuple[int, str, float]]] = [[]]
    x = 0.0
    for i, (name, _v) in enumerate(chart.series):
        w = size + 4 + _width(name, size) + 12
        if rows[-1] and x + w > width:
            rows.append([])
            x = 0.0
        rows[-1].append((i, name, x))
        x += w
    line = size * 1.5
    for r, row in enumerate(rows):
        y = (len(rows) - 1 - r) * line + 2
        for i, name, x in row:
            d.add(Rect(x, y, size, size * 0.8, fillColor=_color(SERIES_COLORS[i % len(SERIES_COLORS)]),
                       strokeColor=None))
            d.add(String(x + size + 4, y, pdf_text(name), fontName=FONT, fontSize=size,
                         fillColor=_color("ink")))
    return len(rows) * line + 4


def _section(section: Section, width: float, limit: float, styles, sizes, counter):
    """The flowables of one section box (``limit``: the height of an empty column)."""
    heading = Paragraph(_markup(section.heading), styles["heading"])
    start = _mark(FrameBG(color=_color("box"), start=True), keep=True, heading=section.heading)
    out = [start, _mark(Spacer(0, PAD), keep=True), _mark(heading, keep=True)]
    out += [Paragraph(_markup(p), styles["body"]) for p in section.paragraphs]
    out += [Paragraph(_markup(b), styles["bullet"], bulletText="•") for b in section.bullets]
    if section.table and section.table.columns:
        counter[0] += 1
        label = f"<b>{escape(table_label(counter[0]))}</b>"
        if section.table.caption:
            label += ": " + _markup(section.table.caption)
        out.append(_mark(Paragraph(label, styles["caption"]), keep=True))
        out.append(_table(section.table, width, styles, sizes))
    if section.chart:
        chart = section.chart
        note = Paragraph(_markup(chart.description), styles["note"]) if chart.description else None
        room = limit - 2 * PAD - styles["heading"].leading * 2 - BLOCK_GAP
        if note:
            room -= note.wrap(width, limit)[1] + 2
        out.append(_mark(Spacer(0, BLOCK_GAP), keep=True))
        drawing = _chart(chart, width, chart_height(chart, sizes["chart"], room), sizes["chart"])
        out.append(_mark(drawing, keep=True) if note else drawing)
        if note:
            out.append(note)
    out += [_mark(Spacer(0, PAD), end=True), _mark(FrameBG(start=False), end=True)]
    return out


# --- Pagination --------------------------------------------------------------------------------


def _frame(geo: Geometry, i: int) -> Frame:
    """The frame of column ``i``; the section boxes fill it edge to edge, the text inside is padded."""
    x, w = geo.columns[i]
    return Frame(x, PAGE_H - geo.bottom, w, geo.column_height, leftPadding=PAD, rightPadding=PAD,
                 topPadding=0, bottomPadding=0, id=f"column{i + 1}")


def _flag(f, name: str) -> bool:
    return getattr(f, f"_a3_{name}", False)


def _is_content(f) -> bool:
    return not (_flag(f, "keep") or _flag(f, "gap") or _flag(f, "end"))


def _paginate(items: list, make_frame, canv: Canvas, styles) -> list[list]:
    """Split one column's flowables into parts that each fill one frame, the way the real build
    will place them (the same Frame code measures). A section split across pages is closed at
    the foot of one and reopened, heading marked «(forts.)», at the top of the next; headings
    and captions are never left alone at the foot."""
    pages, rest = [], list(items)
    while rest:
        frame = make_frame()
        frame._frameBGs = []
        while rest and _flag(rest[0], "gap"):
            rest.pop(0)
        placed: list = []
        while rest:
            item = rest[0]
            if frame.add(item, canv, trySplit=1):
                placed.append(rest.pop(0))
                continue
            parts = frame.split(item, canv)
            if len(parts) > 1 and frame.add(parts[0], canv):
                placed.append(parts[0])
                rest[0:1] = parts[1:]
            elif not any(_is_content(f) for f in placed):
                # Too tall for an empty column and cannot split: shrink it rather than lose it.
                room = frame._y - frame._y1p - 1
                logger.warning("A3 PDF: %s shrunk to fit a column", type(item).__name__)
                placed.append(KeepInFrame(frame._aW, room, [rest.pop(0)], mode="shrink"))
                frame.add(placed[-1], canv)
            break
        if any(_is_content(f) for f in placed):
            while placed and not _is_content(placed[-1]) and not _flag(placed[-1], "end"):
                item = placed.pop()
                if not _flag(item, "gap"):
                    rest.insert(0, item)
        opened = [f for f in placed if isinstance(f, FrameBG)]
        if opened and opened[-1].start:
            closed = False
            while rest and _flag(rest[0], "end"):
                closed = isinstance(rest.pop(0), FrameBG)
            placed.append(FrameBG(start=False))
            if not closed:
                heading = opened[-1]._a3_heading
                rest[0:0] = [_mark(FrameBG(color=_color("box"), start=True), keep=True, heading=heading),
                             _mark(Spacer(0, PAD), keep=True),
                             _mark(Paragraph(_markup(continued(heading)), styles["heading"]), keep=True)]
        pages.append(placed)
    return pages


def _layout(doc: A3Document, geo: Geometry) -> list[list[list]]:
    """Per column, the flowables of each page, at the largest scale that fits one page."""
    canv = Canvas(io.BytesIO(), pagesize=(PAGE_W, PAGE_H))
    for scale in SCALES:
        sizes = font_sizes(scale)
        styles = _styles(sizes)
        counter = [0]
        columns = []
        for i, sections in enumerate(doc.columns()):
            width = geo.columns[i][1] - 2 * PAD
            items: list = []
            for section in sections:
                items.append(_mark(Spacer(0, SECTION_GAP), gap=True))
                items += _section(section, width, geo.column_height, styles, sizes, counter)
            columns.append(_paginate(items, partial(_frame, geo, i), canv, styles))
        if all(len(c) <= 1 for c in columns):
            break
    return columns


# --- Page furniture and build ------------------------------------------------------------------


def _draw_page(canv: Canvas, _doc, *, doc: A3Document, geo: Geometry) -> None:
    """Title band and footer text (the page number comes from :func:`_numbered_canvas`)."""
    canv.saveState()
    band_bottom = PAGE_H - MARGIN - geo.band_height
    canv.setFillColor(_color("band"))
    canv.rect(MARGIN, band_bottom, CONTENT_W, geo.band_height, stroke=0, fill=1)
    canv.setStrokeColor(_color("accent"))
    canv.setLineWidth(2)
    canv.line(MARGIN, band_bottom, MARGIN + CONTENT_W, band_bottom)

    ink = _color("ink")
    first = canv.getPageNumber() == 1
    title = doc.title if first else continued(doc.title)
    size = geo.title_size if first else geo.continued_title_size
    y = PAGE_H - MARGIN - BAND_PAD
    left = [(title, ParagraphStyle("a3-title", fontName=FONT_BOLD, fontSize=size, leading=size * 1.15,
                                   textColor=_color("heading")))]
    if doc.subtitle:
        left.append((doc.subtitle, ParagraphStyle("a3-sub", fontName=FONT, fontSize=SUBTITLE_SIZE,
                                                  leading=SUBTITLE_SIZE * 1.25, textColor=ink)))
    for text, style in left:
        p = Paragraph(_markup(text), style)
        _w, h = p.wrap(geo.title_width, geo.band_height)
        p.drawOn(canv, MARGIN + BAND_PAD, y - h)
        y -= h + 2

    right_x = MARGIN + CONTENT_W - BAND_PAD
    y = PAGE_H - MARGIN - BAND_PAD
    if doc.badge:
        w, h = badge_size(doc.badge, PDF_FONTS)
        canv.setFillColor(_color("badge"))
        canv.roundRect(right_x - w, y - h, w, h, 1.5 * MM, stroke=0, fill=1)
        canv.setFillColor(_color("white"))
        canv.setFont(FONT_BOLD, BADGE_SIZE)
        canv.drawCentredString(right_x - w / 2, y - h / 2 - BADGE_SIZE * 0.35, pdf_text(doc.badge))
        y -= h + 2 * MM
    for text, font, fsize in ((doc.organisation, FONT_BOLD, ORG_SIZE), (doc.date, FONT, DATE_SIZE)):
        if text:
            p = Paragraph(_markup(text), ParagraphStyle("a3-right", fontName=font, fontSize=fsize,
                                                        leading=fsize * 1.25, textColor=ink, alignment=TA_RIGHT))
            _w, h = p.wrap(BAND_RIGHT_W, geo.band_height)
            p.drawOn(canv, right_x - BAND_RIGHT_W, y - h)
            y -= h

    canv.setStrokeColor(_color("box_line"))
    canv.setLineWidth(0.5)
    rule = MARGIN + geo.footer_height + FOOTER_GAP / 2
    canv.line(MARGIN, rule, MARGIN + CONTENT_W, rule)
    if doc.footer:
        p = Paragraph(_markup(doc.footer), ParagraphStyle(
            "a3-footer", fontName=FONT, fontSize=FOOTER_SIZE, leading=FOOTER_SIZE * 1.25,
            textColor=_color("muted")))
        _w, h = p.wrap(CONTENT_W - PAGE_NO_W, geo.footer_height + FOOTER_SIZE)
        p.drawOn(canv, MARGIN, MARGIN + geo.footer_height - h)
    canv.restoreState()


def _numbered_canvas():
    """A canvas class that writes «Side n av m» on every page once the page count is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._a3_pages: list[dict] = []

        def showPage(self):
            self._a3_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._a3_pages)
            for state in self._a3_pages:
                self.__dict__.update(state)
                self.setFont(FONT, FOOTER_SIZE)
                self.setFillColor(_color("muted"))
                label = page_label(self._pageNumber, total)
                self.drawRightString(MARGIN + CONTENT_W, MARGIN + FOOTER_SIZE * 0.3, label)
                super().showPage()
            super().save()

    return NumberedCanvas


def to_pdf(doc: A3Document, path_or_file) -> None:
    """Write ``doc`` as an A3 landscape PDF to a path or a binary file object."""
    geo = geometry(doc, PDF_FONTS)
    columns = _layout(doc, geo)
    pages = max([1, *(len(c) for c in columns)])
    story: list = []
    for page in range(pages):
        for i, column in enumerate(columns):
            if page < len(column):
                story += column[page]
            if page < pages - 1 or i < 2:
                story.append(FrameBreak())
    target = os.fspath(path_or_file) if isinstance(path_or_file, os.PathLike) else path_or_file
    template = BaseDocTemplate(
        target, pagesize=(PAGE_W, PAGE_H), title=doc.title, author="gevinst", subject=doc.subtitle,
        creator="gevinst", keywords=doc.kind, lang="nb-NO", displayDocTitle=True,
        initialFontName=FONT,  # every font the file names is embedded: no Helvetica for a start
    )
    template.addPageTemplates([PageTemplate(id="a3", frames=[_frame(geo, i) for i in range(3)],
                                            onPage=partial(_draw_page, doc=doc, geo=geo))])
    template.build(story, canvasmaker=_numbered_canvas())
