"""The content of an A3 document, independent of its file format.

An A3 sheet (*A3-ark*) in KS' Helhetsmodellen is one landscape A3 page that a
leadership group reads together: the state, the gap, the analysis, the choices.
:mod:`gevinst.cycle.a3` builds an :class:`A3Document` from an organisation's
data; :mod:`gevinst.reports.a3_pptx` and :mod:`gevinst.reports.a3_pdf` render
it. The renderers know nothing about municipalities; the builder knows nothing
about files.

All texts arrive finished: translated, and numbers already in Norwegian format
(``1 234,5``) in tables and paragraphs. Charts carry raw numbers (so PowerPoint
keeps an editable native chart) plus ``value_format`` for labels the renderer
draws itself, and a text alternative (``description``) that is shown with the
chart (universal design: a chart never stands alone).

Pure data, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Page size of A3 landscape in millimetres (ISO 216).
A3_LANDSCAPE_MM = (420.0, 297.0)
#: Kinds of A3 in the annual cycle: the organisation as a whole (Q1), one deep dive (Q2),
#: one prioritised deep dive with its initiatives (Q3), one area with adopted initiatives (Q4).
KINDS = ("helhet", "dypdykk", "tiltak", "omrade")


@dataclass
class Table:
    """A table of preformatted cells. ``numeric[i]`` right-aligns column ``i``."""

    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool] = field(default_factory=list)
    caption: str = ""
    #: Rows that sum up the others (shown in bold), by index into ``rows``.
    total_rows: list[int] = field(default_factory=list)


@dataclass
class BarChart:
    """A bar chart with one or more series over the same categories.

    ``series`` is ``[(name, [value or None, …]), …]`` with one value per category.
    ``unit`` names the unit of the values (e.g. «kr per år»); ``description`` is
    the text alternative shown beside the chart.
    """

    title: str
    categories: list[str]
    series: list[tuple[str, list[float | None]]]
    unit: str = ""
    description: str = ""
    #: Decimals for value labels drawn by the renderer.
    decimals: int = 0
    horizontal: bool = False


@dataclass
class Section:
    """One box of the sheet: a heading and any of paragraphs, bullets, a table and a chart."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    table: Table | None = None
    chart: BarChart | None = None
    #: Column of the sheet (0, 1 or 2); sections fill each column from the top in order.
    column: int = 0


@dataclass
class A3Document:
    kind: str
    title: str
    subtitle: str
    organisation: str
    #: Date the sheet was generated, already formatted (``04.12.2026``).
    date: str
    sections: list[Section] = field(default_factory=list)
    #: Sources and notes printed at the foot of the sheet («Kilde: Statistisk sentralbyrå …»).
    footer: str = ""
    #: Label shown in the top corner, e.g. «Eksempel» for demo data.
    badge: str = ""

    def columns(self) -> list[list[Section]]:
        """The sections per column (three columns, empty ones included)."""
        cols: list[list[Section]] = [[], [], []]
        for s in self.sections:
            cols[min(max(s.column, 0), 2)].append(s)
        return cols

    def all_text(self) -> list[str]:
        """Every text of the document, in reading order (for tests and search)."""
        out = [self.title, self.subtitle, self.organisation, self.date, self.badge]
        for s in self.sections:
            out.append(s.heading)
            out += s.paragraphs + s.bullets
            if s.table:
                out += [s.table.caption, *s.table.columns] + [c for r in s.table.rows for c in r]
            if s.chart:
                out += [s.chart.title, s.chart.description, s.chart.unit, *s.chart.categories]
                out += [name for name, _ in s.chart.series]
        out.append(self.footer)
        return [t for t in out if t]
