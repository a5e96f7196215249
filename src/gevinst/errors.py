"""Errors that reach users.

A :class:`UserError` carries two texts: ``message`` in Norwegian bokmål for the
person in front of the screen (CLI output, web page), and ``log_message`` in
English for logs. Raise it for bad input (malformed files, unknown region codes,
wrong units); anything else is a bug and surfaces as such.
"""

from __future__ import annotations


class UserError(Exception):
    """An error caused by input the user can fix.

    ``message`` is shown to the user (bokmål), ``log_message`` goes to logs
    (English). ``message`` should name what is wrong and, where possible, where.
    """

    def __init__(self, message: str, log_message: str | None = None):
        super().__init__(message)
        self.message = message
        self.log_message = log_message or message

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class DataFormatError(UserError):
    """A file or response that does not have the expected form (JSON-stat, CSV, Excel)."""


class UnknownRegionError(UserError):
    """A region code that the registry does not know."""


class NetworkError(UserError):
    """A remote service (SSB, KLASS) could not be reached."""
