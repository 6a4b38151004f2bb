"""Cells for CSV and XLSX files that no spreadsheet runs as a formula.

A note typed by a Member State (``=HYPERLINK("http://…","click")``) is data, not a formula: text
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a leading
``'`` (OWASP's rule for CSV injection). Numbers stay numbers, negative ones included, so that a
spreadsheet can still sum them. Every CSV and XLSX writer of eupact goes through :func:`inert`.

A CSV cell is also made inert where another reader would start a cell inside it: after a ';' or
a tab (a spreadsheet splitting on those), and after a line break — a spreadsheet splitting on ';'
sees the quote that opens a comma-separated field in the middle of its own first cell, so it
does not read a quoted field and the line break starts a new row (found by probing the running
server with ``x⏎=cmd|' /C calc'!A0;``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A number as eupact writes one (Decimal and int as text): a spreadsheet reads it as a number.
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?", re.ASCII)
# A trigger that would start a cell if the text were split on ';', a tab or a line break (spaces
# and quotes before it do not stop a spreadsheet from reading a formula).
_SPLIT_TRIGGER = re.compile(r"([;\t\n][ \u00a0\"]*)([=+\-@])")
_INTEGER = re.compile(r"-?[0-9]{1,15}", re.ASCII)
_DECIMAL = re.compile(r"-?[0-9]{1,15}\.[0-9]{1,15}", re.ASCII)
# Characters XML 1.0 cannot hold (openpyxl refuses them) and lone surrogates (not encodable).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def inert(value: Any, *, split: bool = True) -> Any:
    """``value`` as a cell that cannot run: formula-like text gets a leading ``'``, and a
    carriage return becomes a line feed (Python's CSV writer with ``\\n`` line ends leaves a
    lone ``\\r`` unquoted, and readers start a new row there, whose first cell could be one).

    With ``split`` (CSV), a trigger after a ';', a tab or a line break inside the text gets its
    ``'`` too: a spreadsheet that splits on ';' (German and French Excel) or a tab would make a
    cell of it, and one splitting on ';' starts a new row at the line break.
    """
    if not isinstance(value, str):
        return value
    if value.startswith(_TRIGGERS) and not _NUMBER.fullmatch(value):
        value = "'" + value
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if split and (";" in value or "\t" in value or "\n" in value):
        value = _SPLIT_TRIGGER.sub(r"\1'\2", value)
    return value


def xlsx_value(value: Any) -> Any:
    """A cell for openpyxl: numbers (and numbers written as text) as numbers, so that they can
    be summed; everything else as inert text that XML can hold."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else str(value)
    text = str(value)
    # Up to 15 digits a float holds the figure exactly; longer ones stay text, as written.
    if _INTEGER.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        return float(text)
    text = _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return inert(text, split=False)  # an XLSX cell is never split


__all__ = ["inert", "xlsx_value"]
