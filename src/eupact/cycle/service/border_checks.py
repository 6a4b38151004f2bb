"""What the border procedure's service reads from a caller, checked before anything is stored
(APR Arts. 48-50): the Member State (bound by the APR), a calendar month, counts of persons, the
average durations and weekly evolution of Art. 49(4)(b), (d), (e), and free text.

Every number is bounded before it is converted (``1e1000000`` costs nothing here); each refusal
names the field, the value and the rule. The series' own rules — no month skipped or repeated,
the stock following inflow and outflow (Art. 48(3)) — are :func:`eupact.border.monitoring.
check_monthly`'s, called by the service on the whole series.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from eupact.border.notifications import MAX_TEXT, WeekFlow
from eupact.boundary import MAX_NOTE, MAX_NUMBER_CHARS
from eupact.boundary.text import clean_text
from eupact.data.border_inputs import MAX_MONTHLY, unbound_rule
from eupact.errors import EupactError, Problem

MAX_MONTHS = 36  # months one write records: three years (a correction and the months after it)
MAX_WEEKS = 6  # weeks that touch one calendar month (Art. 49(4)(b): "each week that month")
MAX_DAYS = Decimal(3650)  # an average duration in days: ten years is not a duration, a typo
MAX_REF = 64
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})(-01)?", re.ASCII)
_DIGITS = re.compile(r"[0-9]{1,12}", re.ASCII)
_DAYS = re.compile(r"[0-9]{1,5}(\.[0-9]{1,2})?", re.ASCII)
_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", re.ASCII)
COUNTS = ("asylum_border", "return_border", "entered", "left", "examined")


def refuse(problems: Sequence[Problem], summary: str = "refused") -> EupactError:
    return EupactError(list(problems), summary)


def state(value: object, bound: Sequence[str], field: str = "geo") -> str:
    """A Member State bound by the APR (its Eurostat geo code, EL = Greece), upper-cased."""
    text = value.strip().upper() if isinstance(value, str) else ""
    if len(text) == 2 and text in bound:
        return text
    shown = value if isinstance(value, str | int) else type(value).__name__
    raise refuse([Problem(field, shown, unbound_rule(text, bound))])


def month(value: object, field: str = "month") -> dt.date:
    """A calendar month written ``2026-07`` (or its first day ``2026-07-01``): its first day."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        if value.day != 1:
            raise refuse(
                [Problem(field, value, "a month is given by its first day, e.g. 2026-07-01")]
            )
        return value
    text = value.strip() if isinstance(value, str) else ""
    found = _MONTH.fullmatch(text[:16])
    if found is None or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 2000:
        shown = value if isinstance(value, str | int) else type(value).__name__
        raise refuse([Problem(field, shown, "a month written 2026-07 (or 2026-07-01)")])
    return dt.date(int(found.group(1)), int(found.group(2)), 1)


def count(
    value: object, field: str, *, required: bool = True, limit: int = MAX_MONTHLY
) -> int | None:
    """A whole number of persons or applications from 0 to ``limit`` (digits only)."""
    if value is None:
        if required:
            raise refuse([Problem(field, None, "is required: a whole number, 0 or more")])
        return None
    if isinstance(value, bool):
        raise refuse([Problem(field, value, "a whole number, 0 or more (not true/false)")])
    if isinstance(value, int):
        if value < 0:
            raise refuse([Problem(field, value, "must not be negative: a count is 0 or more")])
        if value > limit:
            raise refuse([Problem(field, value, f"is above {limit:,}: not a plausible count")])
        return value
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > MAX_NUMBER_CHARS or not _DIGITS.fullmatch(text.removeprefix("-")):
        shown = value if isinstance(value, str) else type(value).__name__
        raise refuse([Problem(field, shown, "a whole number written with digits, 0 or more")])
    return count(int(text), field, limit=limit)


def days(value: object, field: str) -> Decimal | None:
    """An average duration in days (Art. 49(4)(d)-(e)), 0 to 3,650, at most two decimals."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal | float):
        raise refuse([Problem(field, type(value).__name__, "a number of days, e.g. 12.5")])
    text = (value if isinstance(value, str) else str(value)).strip()
    if len(text) > MAX_NUMBER_CHARS or not _DAYS.fullmatch(text):
        raise refuse(
            [Problem(field, text, "a number of days from 0 to 3,650, at most two decimals")]
        )
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits and a point
        raise refuse([Problem(field, text, "a number of days")]) from None
    if number > MAX_DAYS:
        raise refuse([Problem(field, text, "at most 3,650 days (ten years)")])
    return number


def text(value: object, field: str, *, limit: int = MAX_NOTE, required: bool = False) -> str:
    """Free text (a note, a measure, a reasoning): printable, bounded; stored as typed and written
    inert into any spreadsheet (:mod:`eupact.cells`)."""
    found = clean_text("" if value is None else value, field, limit=limit)
    if required and not found.strip():
        raise refuse([Problem(field, "", "is required: say it in words")])
    return found


def reasoning(value: object, field: str = "reasoning") -> str:
    return text(value, field, limit=MAX_TEXT, required=True)


def ref(value: object, field: str = "ref") -> str:
    """A notification's or an act's reference as the service gave it (e.g. IT-48-2026-1)."""
    found = value.strip() if isinstance(value, str) else ""
    if not _REF.fullmatch(found):
        shown = value if isinstance(value, str | int) else type(value).__name__
        raise refuse(
            [Problem(field, shown, "a reference the service gave, e.g. IT-48-2026-1 (64 at most)")]
        )
    return found


def weeks(value: object, field: str = "weekly") -> tuple[WeekFlow, ...]:
    """The weekly inflow-outflow of a month (Art. 49(4)(b)), each week by its Monday, bounded;
    which weeks a month needs is the rules' check (:func:`eupact.border.monitoring.
    check_monthly_report`)."""
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        raise refuse([Problem(field, type(value).__name__, "a list of weeks")])
    if len(value) > MAX_WEEKS:
        raise refuse([Problem(field, len(value), f"at most {MAX_WEEKS} weeks touch one month")])
    out: list[WeekFlow] = []
    for i, item in enumerate(value):
        where = f"{field}[{i}]"
        if not isinstance(item, Mapping):
            raise refuse([Problem(where, type(item).__name__, "{week_start, entered, left}")])
        start = item.get("week_start")
        if isinstance(start, str) and len(start) == 10:
            try:
                start = dt.date.fromisoformat(start)
            except ValueError:
                start = None
        if not isinstance(start, dt.date) or start.weekday() != 0:
            shown = start if isinstance(start, str | dt.date) else type(start).__name__
            raise refuse(
                [Problem(f"{where}.week_start", shown, "the Monday of the week, YYYY-MM-DD")]
            )
        entered = count(item.get("entered"), f"{where}.entered") or 0
        left = count(item.get("left"), f"{where}.left") or 0
        out.append(WeekFlow(start, entered, left))
    return tuple(sorted(out, key=lambda w: w.week_start))


def week_dict(w: WeekFlow) -> dict[str, Any]:
    return {"week_start": w.week_start.isoformat(), "entered": w.entered, "left": w.left}


__all__ = [
    "COUNTS",
    "MAX_MONTHS",
    "MAX_REF",
    "WeekFlow",
    "count",
    "days",
    "month",
    "reasoning",
    "ref",
    "refuse",
    "state",
    "text",
    "week_dict",
    "weeks",
]
