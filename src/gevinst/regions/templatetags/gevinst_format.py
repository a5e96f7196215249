"""Template filters for Norwegian number formatting.

All of them call :mod:`gevinst.core.formatting`, so pages, CLI and exports
format numbers the same way. Load with ``{% load gevinst_format %}``.
"""

from __future__ import annotations

from django import template

from gevinst.core.formatting import format_number, format_percent, format_year_span

register = template.Library()


@register.filter
def no_number(value, decimals=0):
    """``{{ value|no_number:1 }}`` → ``1 234,5`` (non-breaking space, decimal comma)."""
    try:
        decimals = int(decimals)
    except (TypeError, ValueError):
        decimals = 0
    return format_number(value, decimals)


@register.filter
def no_percent(value, decimals=1):
    """``{{ share|no_percent }}`` → ``12,3 %``."""
    try:
        decimals = int(decimals)
    except (TypeError, ValueError):
        decimals = 1
    return format_percent(value, decimals)


@register.filter
def year_span(version):
    """A unit version's validity: ``2020–2023``, ``–2019``, ``2024–``."""
    return format_year_span(getattr(version, "first_year", None), getattr(version, "last_year", None))
