"""Norwegian number formatting, in one place.

Every number a user sees (web pages, CLI output, exports meant to be read by
people) goes through :func:`format_number`: a non-breaking space (U+00A0) as
thousands separator, a comma as decimal separator and the typographic minus
sign (U+2212), as Språkrådet recommends: ``1 234,5``, ``−0,25``.

Pure functions, no Django: the web's ``no_number`` template filter, the CLI and
the report writers all call these.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

#: Thousands separator: a non-breaking space, so a number never wraps across lines.
NBSP = "\u00a0"
#: The minus sign (not the hyphen).
MINUS = "\u2212"
#: What is shown for a missing value.
MISSING = "–"


def format_number(
    value: object,
    decimals: int = 0,
    *,
    missing: str = MISSING,
    minus: str = MINUS,
    thousands: str = NBSP,
    sign: bool = False,
) -> str:
    """``value`` rounded to ``decimals`` places (half away from zero), Norwegian style.

    >>> format_number(1234.5, 1)
    '1\\xa0234,5'
    >>> format_number(-0.25, 2)
    '−0,25'
    >>> format_number(None)
    '–'

    Numbers below 10 000 also get the separator (``1 234``): SSB does the same
    in its tables. ``sign=True`` prefixes positive numbers with ``+`` (changes).
    ``None``, NaN and values that are not numbers give ``missing``.
    """
    if value is None or isinstance(value, bool):
        return missing
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return missing
    if not number.is_finite() or (isinstance(value, float) and math.isnan(value)):
        return missing
    decimals = max(int(decimals), 0)
    quantum = Decimal(1).scaleb(-decimals)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    negative = number < 0
    if number == 0:
        negative = False  # no "−0"
    text = f"{abs(number):.{decimals}f}"
    whole, _, fraction = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = thousands.join(groups)
    if fraction:
        result += "," + fraction
    if negative:
        result = minus + result
    elif sign and number > 0:
        result = "+" + result
    return result


def decimals_for(unit: str | None, value: float | None = None) -> int:
    """How many decimals an indicator's value is shown with: none for kroner and counts (and
    anything from 1 000 up), else one. The pages and the Excel export use the same rule."""
    unit = unit or ""
    if unit.startswith(("kr", "1000 kr", "antall")):
        return 0
    if value is not None and abs(value) >= 1000:
        return 0
    return 1


def excel_number_format(decimals: int) -> str:
    """The Excel number format for ``decimals`` places with thousands grouping (``#,##0.0``);
    Norwegian Excel shows it as ``1 234,5``."""
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def format_percent(value: object, decimals: int = 1, **kwargs) -> str:
    """A share (0.123) as a percentage: ``12,3 %`` (with a non-breaking space before %)."""
    if value is None:
        return kwargs.get("missing", MISSING)
    try:
        scaled = float(value) * 100  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return kwargs.get("missing", MISSING)
    text = format_number(scaled, decimals, **kwargs)
    if text == kwargs.get("missing", MISSING):
        return text
    return f"{text}{NBSP}%"


def format_year_span(first: int | None, last: int | None, *, before: str = "", until_now: str = "") -> str:
    """A validity period: ``2020–2023``, ``2024–`` or ``–2019`` (en dash, no spaces)."""
    left = str(first) if first is not None else before
    right = str(last) if last is not None else until_now
    if first is not None and last is not None and first == last:
        return str(first)
    return f"{left}–{right}"
