"""Render an :class:`~gevinst.reports.a3_model.A3Document` as PowerPoint: one A3 landscape slide.

Everything stays editable in PowerPoint: text in text boxes (bullets are real bullet
paragraphs), tables as native tables, charts as native charts with their data in
an embedded workbook. The layout is the PDF's (:mod:`gevinst.reports.a3_pdf`
holds the shared measures): a title band, three columns of section boxes filled
from the top, and the footer.

PowerPoint does not reflow a slide, so the height of every box is computed here:
text is measured with Helvetica's metrics, which Arial (the font used) shares, and
wrapped as PowerPoint wraps it. When a column is too tall, the fonts shrink step by
step down to :data:`~gevinst.reports.a3_pdf.MIN_SIZE`; when it is still too tall, the
column continues in the same column of a second slide, under the same title band
marked «(forts.)». Nothing is placed beyond the slide.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Mm, Pt

from gevinst.reports.a3_model import A3_LANDSCAPE_MM, A3Document, BarChart, Section
from gevinst.reports.a3_model import Table as A3Table
from gevinst.reports.a3_pdf import (
    BADGE_SIZE,
    BAND_PAD,
    BAND_RIGHT_W,
    BLOCK_GAP,
    CELL_PAD,
    CELL_VPAD,
    CONTENT_W,
    DATE_SIZE,
    FOOTER_GAP,
    FOOTER_SIZE,
    LEADING,
    MARGIN,
    MM,
    ORG_SIZE,
    PAD,
    PAGE_H,
    PAGE_NO_W,
    PALETTE,
    SCALES,
    SECTION_GAP,
    SERIES_COLORS,
    SUBTITLE_SIZE,
    Geometry,
    badge_size,
    chart_height,
    column_widths,
    continued,
    font_sizes,
    geometry,
    page_label,
    show_value_labels,
    table_label,
    wrap_lines,
)

logger = logging.getLogger(__name__)

#: Arial has Helvetica's widths, so the measured layout holds in PowerPoint (and in
#: LibreOffice, whose Liberation Sans has them too).
FONT = "Arial"
LANGUAGE = MSO_LANGUAGE_ID.NORWEGIAN_BOKMOL
#: PowerPoint's built-in table style «No Style, No Grid»: every colour comes from here.
NO_STYLE = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}"


# --- Blocks and pagination ---------------------------------------------------------------------


@dataclass
class _Text:
    """A paragraph: ``kind`` is heading, para, bullet, or more (a bullet continued)."""

    kind: str
    text: str
    lines: list[str]
    size: float
    space: float = 0.0  # before it, unless it opens its text box

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING

    def split(self, room: float):
        fit = int(room // (self.size * LEADING))
        if self.kind == "heading" or fit < 2 or fit >= len(self.lines):
            return None
        rest_kind = "more" if self.kind in ("bullet", "more") else "para"
        return (replace(self, text=" ".join(self.lines[:fit]), lines=self.lines[:fit]),
                replace(self, kind=rest_kind, text=" ".join(self.lines[fit:]), lines=self.lines[fit:]))


@dataclass
class _TablePart:
    """Some rows of a table under its header; the caption goes with the first part only."""

    table: A3Table
    rows: list[int]
    widths: list[float]
    head_height: float
    row_heights: dict[int, float]
    size: float
    caption: str = ""
    caption_lines: int = 0
    caption_size: float = 0.0

    @property
    def caption_height(self) -> float:
        return self.caption_lines * self.caption_size * LEADING + 2 if self.caption_lines else 0.0

    @property
    def height(self) -> float:
        return self.caption_height + self.head_height + sum(self.row_heights[r] for r in self.rows)

    def split(self, room: float):
        used, fit = self.caption_height + self.head_height, 0
        for r in self.rows:
            used += self.row_heights[r]
            if used > room:
                break
            fit += 1
        if fit < 1 or fit >= len(self.rows):
            return None
        return (replace(self, rows=self.rows[:fit]),
                replace(self, rows=self.rows[fit:], caption="", caption_lines=0))


@dataclass
class _ChartBlock:
    chart: BarChart
    chart_height: float
    size: float
    note_lines: int
    note_size: float

    @property
    def note_height(self) -> float:
        return self.note_lines * self.note_size * LEADING

    @property
    def height(self) -> float:
        return self.chart_height + (2 + self.note_height if self.note_lines else 0.0)

    def split(self, room: float):
        return None


def _gap(prev, unit) -> float:
    """Space between two blocks of a section box."""
    if isinstance(prev, _Text) and isinstance(unit, _Text):
        return unit.space
    return BLOCK_GAP


@dataclass
class _Piece:
    """The part of a section box on one slide; ``top`` is from the top of the column."""

    heading: _Text
    units: list
    top: float

    @property
    def height(self) -> float:
        height, prev = 2 * PAD + self.heading.height, self.heading
        for unit in self.units:
            height += _gap(prev, unit) + unit.height
            prev = unit
        return height


def _heading(text: str, cont: bool, width: float, sizes) -> _Text:
    text = continued(text) if cont else text
    return _Text("heading", text, wrap_lines(text, sizes["heading"], width, bold=True), sizes["heading"])


def _units(section: Section, width: float, limit: float, sizes, counter: list[int]) -> list:
    """The blocks of ``section`` below its heading, measured for a column ``width`` wide."""
    body = sizes["body"]
    units: list = [_Text("para", p, wrap_lines(p, body, width), body, body * 0.5) for p in section.paragraphs]
    units += [_Text("bullet", b, wrap_lines(b, body, width - body * 1.2), body, body * 0.3)
              for b in section.bullets]
    table = section.table
    if table and table.columns:
        counter[0] += 1
        size, n = sizes["table"], len(table.columns)
        widths = column_widths(table, width, size)

        def row_height(cells, bold):
            lines = max(len(wrap_lines(t, size, w - 2 * CELL_PAD - 1, bold))
                        for t, w in zip((list(cells) + [""] * n)[:n], widths, strict=True))
            return lines * size * LEADING + 2 * CELL_VPAD + 1

        caption = table_label(counter[0]) + (f": {table.caption}" if table.caption else "")
        units.append(_TablePart(
            table=table, rows=list(range(len(table.rows))), widths=widths,
            head_height=row_height(table.columns, True),
            row_heights={i: row_height(r, i in table.total_rows) for i, r in enumerate(table.rows)},
            size=size, caption=caption, caption_size=sizes["caption"],
            caption_lines=len(wrap_lines(caption, sizes["caption"], width, bold=True)),
        ))
    if section.chart:
        chart = section.chart
        note = len(wrap_lines(chart.description, sizes["note"], width)) if chart.description else 0
        room = limit - 2 * PAD - 2 * sizes["heading"] * LEADING - BLOCK_GAP - (note * sizes["note"] * LEADING + 2)
        units.append(_ChartBlock(chart, chart_height(chart, sizes["chart"], room), sizes["chart"], note,
                                 sizes["note"]))
    return units


def _take(heading: _Text, units: list, room: float) -> tuple[list, list]:
    """The blocks (the last perhaps split) that fit in ``room`` under ``heading``, and the rest."""
    taken, used, prev = [], 0.0, heading
    for i, unit in enumerate(units):
        gap = _gap(prev, unit)
        if used + gap + unit.height <= room:
            taken.append(unit)
            used += gap + unit.height
            prev = unit
            continue
        parts = unit.split(room - used - gap)
        if parts:
            return [*taken, parts[0]], [parts[1], *units[i + 1:]]
        return taken, units[i:]
    return taken, []


def _paginate(sections: list[tuple[str, list]], width: float, height: float, sizes) -> list[list[_Piece]]:
    """Section boxes of one column, per slide: each fills from the top; a box that does not fit
    moves on or splits, its heading repeated «(forts.)» on the next slide."""
    pages: list[list[_Piece]] = [[]]
    used = 0.0
    for text, units in sections:
        cont = False
        while True:
            head = _heading(text, cont, width, sizes)
            top = used + SECTION_GAP if pages[-1] else 0.0
            room = height - top - 2 * PAD - head.height
            taken, rest = _take(head, units, room) if room > 0 else ([], units)
            if pages[-1] and (room < 0 or (units and not taken)):
                pages.append([])
                used = 0.0
                continue
            if units and not taken:  # taller than an empty column and cannot split
                logger.warning("A3 PowerPoint: a block of «%s» is taller than a column", text)
                taken, rest = units[:1], units[1:]
            piece = _Piece(head, taken, top)
            pages[-1].append(piece)
            used = top + piece.height
            if not rest:
                break
            units, cont = rest, True
            pages.append([])
            used = 0.0
    return pages


def _layout(doc: A3Document, geo: Geometry):
    """Per column, the section pieces of each slide, and the font sizes that made them."""
    for scale in SCALES:
        sizes = font_sizes(scale)
        counter = [0]
        columns = []
        for i, sections in enumerate(doc.columns()):
            width = geo.columns[i][1] - 2 * PAD
            measured = [(s.heading, _units(s, width, geo.column_height, sizes, counter)) for s in sections]
            columns.append(_paginate(measured, width, geo.column_height, sizes))
        if all(len(c) <= 1 for c in columns):
            break
    return columns, sizes


# --- Drawing -----------------------------------------------------------------------------------


def _rgb(key: str) -> RGBColor:
    return RGBColor.from_string(PALETTE.get(key, key))


def _rect(slide, x, y, w, h, fill: str, line: str | None = None, name: str = "", shape=MSO_SHAPE.RECTANGLE):
    s = slide.shapes.add_shape(shape, Pt(x), Pt(y), Pt(w), Pt(h))
    s.fill.solid()
    s.fill.fore_color.rgb = _rgb(fill)
    if line:
        s.line.color.rgb = _rgb(line)
        s.line.width = Pt(0.75)
    else:
        s.line.fill.background()
    s.shadow.inherit = False
    if name:
        s.name = name
    return s


def _textbox(slide, x, y, w, h, name: str = ""):
    shape = slide.shapes.add_textbox(Pt(x), Pt(y), Pt(w), Pt(h))
    if name:
        shape.name = name
    tf = shape.text_frame
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.margin_left = tf.margin_right = tf.margin_top = tf.margin_bottom = 0
    tf.vertical_anchor = MSO_ANCHOR.TOP
    return tf


def _run(paragraph, text: str, size: float, color: str = "ink", bold: bool = False):
    run = paragraph.add_run()
    run.text = text.replace("\n", " ")
    font = run.font
    font.name, font.size, font.bold = FONT, Pt(size), bold
    font.color.rgb = _rgb(color)
    font.language_id = LANGUAGE
    return run


def _paragraph(tf, index: int):
    return tf.paragraphs[0] if index == 0 else tf.add_paragraph()


def _bullet(paragraph, indent: float, sign: bool = True) -> None:
    """Make ``paragraph`` a real bullet paragraph (hanging indent, «•»), or, without ``sign``,
    the indented continuation of one."""
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.set("marL", str(Pt(indent)))
    p_pr.set("indent", str(-Pt(indent) if sign else 0))
    if sign:
        p_pr.append(p_pr.makeelement(qn("a:buFont"), {"typeface": FONT}))
        p_pr.append(p_pr.makeelement(qn("a:buChar"), {"char": "•"}))
    else:
        p_pr.append(p_pr.makeelement(qn("a:buNone"), {}))


def _texts(slide, texts: list[_Text], x, y, w, h, name: str) -> None:
    tf = _textbox(slide, x, y, w, h, name)
    for i, t in enumerate(texts):
        p = _paragraph(tf, i)
        if i:
            p.space_before = Pt(t.space)
        if t.kind == "heading":
            _run(p, t.text, t.size, "heading", bold=True)
            continue
        if t.kind in ("bullet", "more"):
            _bullet(p, t.size * 1.2, sign=t.kind == "bullet")
        _run(p, t.text, t.size)


def _cell(cell, text: str, size: float, color: str, fill: str, bold: bool, right: bool) -> None:
    cell.fill.solid()
    cell.fill.fore_color.rgb = _rgb(fill)
    cell.margin_left = cell.margin_right = Pt(CELL_PAD)
    cell.margin_top, cell.margin_bottom = Pt(CELL_VPAD), Pt(CELL_VPAD + 1)
    cell.vertical_anchor = MSO_ANCHOR.TOP
    p = cell.text_frame.paragraphs[0]
    p.alignment = PP_ALIGN.RIGHT if right else PP_ALIGN.LEFT
    _run(p, text, size, color, bold)


def _rule_above(cell, color: str, width: float) -> None:
    """A line along the top of ``cell`` (python-pptx has no API for cell borders)."""
    tc_pr = cell._tc.get_or_add_tcPr()
    line = tc_pr.makeelement(qn("a:lnT"), {"w": str(Pt(width)), "cmpd": "sng"})
    fill = line.makeelement(qn("a:solidFill"), {})
    fill.append(fill.makeelement(qn("a:srgbClr"), {"val": PALETTE[color]}))
    line.append(fill)
    tc_pr.insert(0, line)


def _table(slide, part: _TablePart, x, y, w) -> None:
    table, n = part.table, len(part.table.columns)
    if part.caption_lines:
        tf = _textbox(slide, x, y, w, part.caption_height, name=part.caption)
        label, _sep, caption = part.caption.partition(": ")
        p = tf.paragraphs[0]
        _run(p, label, part.caption_size, bold=True)
        if caption:
            _run(p, f": {caption}", part.caption_size)
        y += part.caption_height
    heights = [part.head_height] + [part.row_heights[r] for r in part.rows]
    emu_w = [int(Pt(cw)) for cw in part.widths]
    emu_w[-1] += int(Pt(sum(part.widths))) - sum(emu_w)
    frame = slide.shapes.add_table(len(heights), n, Pt(x), Pt(y), Emu(sum(emu_w)), Pt(sum(heights)))
    frame.name = part.caption or table.caption
    frame._element.nvGraphicFramePr.cNvPr.set("descr", table.caption)
    grid = frame.table
    grid.first_row, grid.horz_banding = True, False
    grid._tbl.tblPr.find(qn("a:tableStyleId")).text = NO_STYLE
    for i, width in enumerate(emu_w):
        grid.columns[i].width = Emu(width)
    for i, height in enumerate(heights):
        grid.rows[i].height = Pt(height)
    right = [i < len(table.numeric) and table.numeric[i] for i in range(n)]
    for c, text in enumerate(table.columns):
        _cell(grid.cell(0, c), text, part.size, "white", "accent", True, right[c])
    for i, r in enumerate(part.rows, start=1):
        total = r in table.total_rows
        fill = "total" if total else ("white" if i % 2 else "zebra")
        for c, text in enumerate((list(table.rows[r]) + [""] * n)[:n]):
            _cell(grid.cell(i, c), text, part.size, "ink", fill, total, right[c])
            if total:
                _rule_above(grid.cell(i, c), "ink", 0.75)


def _chart(slide, block: _ChartBlock, x, y, w) -> None:
    chart, size = block.chart, block.size
    fmt = "#,##0" + ("." + "0" * chart.decimals if chart.decimals > 0 else "")
    data = CategoryChartData(number_format=fmt)
    data.categories = chart.categories
    for name, values in chart.series:
        data.add_series(name, values)
    kind = XL_CHART_TYPE.BAR_CLUSTERED if chart.horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED
    frame = slide.shapes.add_chart(kind, Pt(x), Pt(y), Pt(w), Pt(block.chart_height), data)
    frame.name = chart.title
    frame._element.nvGraphicFramePr.cNvPr.set("descr", chart.description or chart.title)
    c = frame.chart
    date1904 = c._chartSpace.find(qn("c:date1904"))
    c._chartSpace.insert(0 if date1904 is None else 1, c._chartSpace.makeelement(qn("c:lang"), {"val": "nb-NO"}))
    c.font.name, c.font.size = FONT, Pt(size)
    c.font.color.rgb = _rgb("ink")
    c.font.language_id = LANGUAGE
    c.has_title = True
    c.chart_title.text_frame.text = ""
    _run(c.chart_title.text_frame.paragraphs[0], chart.title, size + 1.5, bold=True)
    c.has_legend = len(chart.series) > 1
    if c.has_legend:
        c.legend.position, c.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
    axis = c.value_axis
    axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = fmt, False
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = _rgb("grid")
    axis.format.line.fill.background()
    if chart.unit:
        axis.has_title = True
        axis.axis_title.text_frame.text = ""
        _run(axis.axis_title.text_frame.paragraphs[0], chart.unit, size)
    if chart.horizontal:  # first category on top, value axis still below
        c.category_axis.reverse_order = True
        crosses = axis._element.find(qn("c:crosses"))
        if crosses is not None:
            crosses.set("val", "max")
    plot = c.plots[0]
    plot.gap_width, plot.overlap = 60, 0
    for i, series in enumerate(plot.series):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = _rgb(SERIES_COLORS[i % len(SERIES_COLORS)])
        series.invert_if_negative = False
    length = block.chart_height - 70 if chart.horizontal else w * 0.85
    if show_value_labels(chart, length, size):
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format, labels.number_format_is_linked = fmt, False
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
        labels.font.size = Pt(size)
    if block.note_lines:
        tf = _textbox(slide, x, y + block.chart_height + 2, w, block.note_height, name=chart.description[:60])
        _run(tf.paragraphs[0], chart.description, block.note_size, "muted")


def _piece(slide, piece: _Piece, x: float, y: float, w: float) -> None:
    """One section box: background, then its blocks top down, heading and text in one text box."""
    _rect(slide, x, y, w, piece.height, "box", "box_line", name=piece.heading.text)
    cx, cw = x + PAD, w - 2 * PAD
    top = y + PAD
    texts, text_top, prev = [piece.heading], top, piece.heading
    cursor = top + piece.heading.height
    for unit in piece.units:
        gap = _gap(prev, unit)
        if isinstance(unit, _Text) and texts:
            texts.append(unit)
            cursor += gap + unit.height
        else:
            if texts:
                _texts(slide, texts, cx, text_top, cw, cursor - text_top, piece.heading.text)
                texts = []
            cursor += gap
            if isinstance(unit, _Text):
                texts, text_top = [unit], cursor
            elif isinstance(unit, _TablePart):
                _table(slide, unit, cx, cursor, cw)
            else:
                _chart(slide, unit, cx, cursor, cw)
            cursor += unit.height
        prev = unit
    if texts:
        _texts(slide, texts, cx, text_top, cw, cursor - text_top, piece.heading.text)


def _band(slide, doc: A3Document, geo: Geometry, first: bool) -> None:
    """The title band: title and subtitle on the left; badge, organisation and date on the right."""
    _rect(slide, MARGIN, MARGIN, CONTENT_W, geo.band_height, "band", name=doc.title)
    _rect(slide, MARGIN, MARGIN + geo.band_height - 1, CONTENT_W, 2, "accent")
    inner = geo.band_height - 2 * BAND_PAD
    tf = _textbox(slide, MARGIN + BAND_PAD, MARGIN + BAND_PAD, geo.title_width, inner, name=doc.title)
    title_size = geo.title_size if first else geo.continued_title_size
    _run(tf.paragraphs[0], doc.title if first else continued(doc.title), title_size, "heading", bold=True)
    if doc.subtitle:
        p = tf.add_paragraph()
        p.space_before = Pt(2)
        _run(p, doc.subtitle, SUBTITLE_SIZE)

    right = MARGIN + CONTENT_W - BAND_PAD
    y = MARGIN + BAND_PAD
    if doc.badge:
        w, h = badge_size(doc.badge)
        badge = _rect(slide, right - w, y, w, h, "badge", name=doc.badge, shape=MSO_SHAPE.ROUNDED_RECTANGLE)
        tf = badge.text_frame
        tf.margin_left = tf.margin_right = tf.margin_top = tf.margin_bottom = 0
        tf.vertical_anchor = MSO_ANCHOR.MIDDLE
        tf.paragraphs[0].alignment = PP_ALIGN.CENTER
        _run(tf.paragraphs[0], doc.badge, BADGE_SIZE, "white", bold=True)
        y += h + 2 * MM
    tf = _textbox(slide, right - BAND_RIGHT_W, y, BAND_RIGHT_W, MARGIN + geo.band_height - BAND_PAD - y,
                  name=doc.organisation)
    lines = [(t, s, b) for t, s, b in ((doc.organisation, ORG_SIZE, True), (doc.date, DATE_SIZE, False)) if t]
    for i, (text, size, bold) in enumerate(lines):
        p = _paragraph(tf, i)
        p.alignment = PP_ALIGN.RIGHT
        _run(p, text, size, bold=bold)


def _footer(slide, doc: A3Document, geo: Geometry, page: int, pages: int) -> None:
    top = PAGE_H - MARGIN - geo.footer_height
    _rect(slide, MARGIN, top - FOOTER_GAP / 2 - 0.25, CONTENT_W, 0.5, "box_line")
    if doc.footer:
        tf = _textbox(slide, MARGIN, top, CONTENT_W - PAGE_NO_W, geo.footer_height, name=doc.footer[:60])
        _run(tf.paragraphs[0], doc.footer, FOOTER_SIZE, "muted")
    line = FOOTER_SIZE * 1.25
    tf = _textbox(slide, MARGIN + CONTENT_W - PAGE_NO_W, PAGE_H - MARGIN - line, PAGE_NO_W, line)
    tf.paragraphs[0].alignment = PP_ALIGN.RIGHT
    _run(tf.paragraphs[0], page_label(page, pages), FOOTER_SIZE, "muted")


def to_pptx(doc: A3Document, path_or_file) -> None:
    """Write ``doc`` as a PowerPoint file (one A3 landscape slide, more if it overflows) to a path
    or a binary file object."""
    geo = geometry(doc)
    columns, _sizes = _layout(doc, geo)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Mm(A3_LANDSCAPE_MM[0]), Mm(A3_LANDSCAPE_MM[1])
    pages = max([1, *(len(c) for c in columns)])
    for page in range(pages):
        slide = prs.slides.add_slide(prs.slide_layouts[6])  # «Blank»
        _band(slide, doc, geo, first=page == 0)
        for (x, w), column in zip(geo.columns, columns, strict=True):
            for piece in column[page] if page < len(column) else []:
                _piece(slide, piece, x, geo.top + piece.top, w)
        _footer(slide, doc, geo, page + 1, pages)
    props = prs.core_properties
    props.title, props.subject, props.keywords = doc.title, doc.subtitle, doc.kind
    props.author = props.last_modified_by = "gevinst"
    props.language = "nb-NO"
    prs.save(path_or_file)

