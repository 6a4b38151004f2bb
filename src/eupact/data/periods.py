"""Periods as the data label them — a year, a month (``2024-07``, ``2024M07``), a quarter
(``2024-Q3``), a half (``2024-H2``), a range of months (``2024-07/2025-06``) or a date — and
the months they cover, as ordinals (``year * 12 + month - 1``: consecutive months differ by
one). One parser for the assessment (Art. 9(3)(a) figures per reporting period) and for a
user's imported figures."""

from __future__ import annotations

import datetime as dt
import re

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})(?:-|M)(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
_RANGE = re.compile(r"^(\d{4})-(\d{2})/(\d{4})-(\d{2})$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def month(year: int, month_number: int) -> int:
    """A month as an ordinal (consecutive months differ by one)."""
    return year * 12 + month_number - 1


def month_label(ordinal: int) -> str:
    year, m = divmod(ordinal, 12)
    return f"{year}-{m + 1:02d}"


def parse_period(label: str, *, strict_dates: bool = False) -> tuple[int, int] | None:
    """The first and last month a period covers; None for a label we cannot place (e.g.
    '2023 (to 13 Aug)': a partial period is never used as a whole one). ``strict_dates``: a
    date must exist (an import's check)."""
    text = label.strip()
    if m := _YEAR.match(text):
        y = int(m[1])
        return month(y, 1), month(y, 12)
    if (m := _MONTH.match(text)) and 1 <= int(m[2]) <= 12:
        o = month(int(m[1]), int(m[2]))
        return o, o
    if m := _QUARTER.match(text):
        first = month(int(m[1]), 3 * int(m[2]) - 2)
        return first, first + 2
    if m := _HALF.match(text):
        first = month(int(m[1]), 6 * int(m[2]) - 5)
        return first, first + 5
    if (m := _RANGE.match(text)) and 1 <= int(m[2]) <= 12 and 1 <= int(m[4]) <= 12:
        start, end = month(int(m[1]), int(m[2])), month(int(m[3]), int(m[4]))
        return (start, end) if start <= end else None
    if (m := _DATE.match(text)) and 1 <= int(m[2]) <= 12:
        if strict_dates:
            try:
                dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
        o = month(int(m[1]), int(m[2]))
        return o, o
    return None


__all__ = ["month", "month_label", "parse_period"]
