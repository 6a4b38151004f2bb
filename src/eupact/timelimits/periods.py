"""Computing time limits (Art. 75 AMMR), for the relocation procedure (Art. 67), the date rules
of relocation (Art. 56(2)(a)(ii)) and the periods of the responsibility criteria (Arts 29(4),
30(1), 33(1)-(2)).

* (a) a period runs from an event; the day of the event is not counted;
* (b) a period in weeks or months ends at the end of the day of the last week or month that has
  the same weekday, or the same date, as the event's day;
* (c) a period in months whose last month has no such date ends on that month's last day;
* (d) a *time limit* that ends on a Saturday, a Sunday or an official holiday of the Member State
  concerned ends on the next working day instead.

A period in years is read as twelve months each ([reading]: Art. 75 names days, weeks and months
only; AMBIG-31 of the responsibility spec). Official holidays are the nationwide public holidays of
the `holidays` package's calendar of the state (Eurostat ``EL`` is ISO ``GR``); regional holidays are
not counted ([reading], see ``relocation.holiday_calendar``). A state is known by the parameter
``scope.eu_member_states``.

Fast path: a state's holidays are read once per year into a dict, and time limits on the package's
own calendars (:class:`NationalHolidays`, immutable) are cached, so a batch of millions of synthetic
cases computes each distinct limit once.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from typing import Protocol

from eupact.errors import fail
from eupact.parameters import load_parameters

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_ISO = {"EL": "GR"}  # Eurostat geo code -> ISO 3166 code, where they differ


class Unit(StrEnum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"


_DAYS, _WEEKS, _MONTHS = Unit.DAYS, Unit.WEEKS, Unit.MONTHS
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_ONE_DAY = dt.timedelta(1)


def day(d: dt.date) -> str:
    """``Mon 2026-07-13``: the weekday matters to every reader of a time limit."""
    return f"{WEEKDAYS[d.weekday()]} {d.isoformat()}"


def add_months(start: dt.date, months: int) -> dt.date:
    """The same date ``months`` later (or earlier), or the last day of that month if it has no such
    date (Art. 75(b)-(c))."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    if start.day <= 28:  # every month has the date
        return dt.date(year, month + 1, start.day)
    last = 29 if month == 1 and calendar.isleap(year) else _MONTH_DAYS[month]
    return dt.date(year, month + 1, min(start.day, last))


def period_end(start: dt.date, n: int, unit: Unit) -> dt.date:
    """The last day of a period of ``n`` ``unit`` that starts with the event of ``start``
    (Art. 75(a)-(c)), before any weekend or holiday shift."""
    if n < 0:
        raise fail("period", n, "a period is a whole number ≥ 0", summary="invalid period")
    if unit is _DAYS:  # module constants and positional timedelta: called millions of times
        return start + dt.timedelta(n)
    if unit is _WEEKS:
        return start + dt.timedelta(7 * n)
    if unit is _MONTHS:
        return add_months(start, n)
    return add_months(start, 12 * n)


class HolidayCalendar(Protocol):
    """Official holidays of one Member State (Art. 75(d))."""

    @property
    def state(self) -> str:
        """The state's Eurostat geo code."""

    def holiday(self, d: dt.date) -> str | None:
        """The holiday's name if ``d`` is an official holiday, else None."""


@dataclass(frozen=True)
class NationalHolidays:
    """The nationwide public holidays of ``state`` (a Eurostat geo code) from the `holidays`
    package."""

    state: str

    def __post_init__(self) -> None:
        if self.state not in _member_states():
            raise fail(
                "state",
                self.state,
                "must be a Member State's Eurostat geo code (e.g. DE, EL, IT) to know its holidays",
                summary="unknown state",
            )

    def holiday(self, d: dt.date) -> str | None:
        return _holidays_of(_ISO.get(self.state, self.state), d.year).get(d)


@cache
def _member_states() -> frozenset[str]:
    """Every state the parameter ``scope.eu_member_states`` has listed (at any date: a time limit
    of an earlier year stays computable); read once, when a calendar is first asked for."""
    param = load_parameters()["scope.eu_member_states"]
    return frozenset(str(geo) for entry in param.values for geo in entry.value)


@cache
def _holidays_of(iso: str, year: int) -> dict[dt.date, str]:
    """The nationwide public holidays of ``iso`` in ``year``, by date (read once per state and
    year: a dict lookup is what a time limit's walk over the days costs)."""
    import holidays  # only where holidays are asked for: periods alone do not need the package

    found = holidays.country_holidays(iso, years=year)
    return {d: str(name) for d, name in found.items() if d.year == year}


def national_holidays(state: str) -> HolidayCalendar:
    """The calendar of official holidays of ``state`` used by default (Art. 75(d))."""
    return _national(state)


@cache
def _national(state: str) -> NationalHolidays:
    return NationalHolidays(state)


CalendarFor = Callable[[str], HolidayCalendar]


def non_working(d: dt.date, calendars: Sequence[HolidayCalendar]) -> str | None:
    """Why ``d`` is not a working day in one of ``calendars`` (None if it is one in all)."""
    weekday = d.weekday()
    if weekday >= 5:
        return "Saturday" if weekday == 5 else "Sunday"
    for cal in calendars:
        name = cal.holiday(d)
        if name:
            return f"{name} in {cal.state}"
    return None


@dataclass(frozen=True)
class TimeLimit:
    """A time limit computed by Art. 75: its start, length, the end of the period and the day it
    ends on after the shift of Art. 75(d), with the days skipped and why."""

    start: dt.date
    n: int
    unit: Unit
    period_end: dt.date
    due: dt.date
    skipped: tuple[tuple[dt.date, str], ...] = ()

    def formula(self) -> str:
        unit = self.unit.value[:-1] if self.n == 1 else self.unit.value
        text = f"{day(self.start)} + {self.n} {unit} = {day(self.period_end)} (Art. 75(a)-(b))"
        if self.skipped:
            why = "; ".join(f"{d.isoformat()} {reason}" for d, reason in self.skipped)
            text += f"; not a working day ({why}): ends {day(self.due)} (Art. 75(d))"
        return text


def time_limit(
    start: dt.date, n: int, unit: Unit, calendars: Sequence[HolidayCalendar]
) -> TimeLimit:
    """The time limit of ``n`` ``unit`` from the event of ``start``: the period's end, moved to the
    next working day of every state in ``calendars`` if it is a Saturday, Sunday or official
    holiday (Art. 75).

    Cached when every calendar is a :class:`NationalHolidays` (frozen, the same holidays for ever),
    keyed by the states' codes; any other calendar may change or be unhashable, so its limits are
    computed each time."""
    states = tuple([c.state for c in calendars if type(c) is NationalHolidays])
    if len(states) == len(calendars):
        return _national_limit(start, n, unit, states)
    return _time_limit(start, n, unit, calendars)


def national_time_limit(start: dt.date, n: int, unit: Unit, states: tuple[str, ...]) -> TimeLimit:
    """:func:`time_limit` on the national calendars of ``states`` (Eurostat geo codes), cached:
    the form a batch of a million determinations calls."""
    return _national_limit(start, n, unit, states)


# A TimeLimit is frozen, so one instance may be handed to every caller. `typed`: a plain "weeks"
# string is not mixed up with Unit.WEEKS, nor a datetime with its date.
@lru_cache(maxsize=1 << 16, typed=True)
def _national_limit(start: dt.date, n: int, unit: Unit, states: tuple[str, ...]) -> TimeLimit:
    return _time_limit(start, n, unit, [_national(s) for s in states])


def _time_limit(
    start: dt.date, n: int, unit: Unit, calendars: Sequence[HolidayCalendar]
) -> TimeLimit:
    end = period_end(start, n, unit)
    due = end
    skipped: list[tuple[dt.date, str]] = []
    while (why := non_working(due, calendars)) is not None:
        skipped.append((due, why))
        due += _ONE_DAY
    return TimeLimit(start, n, unit, end, due, tuple(skipped))


def within(event: dt.date, n: int, unit: Unit, later: dt.date) -> bool:
    """Whether ``later`` is still within ``n`` ``unit`` of ``event``: on or before the period's last
    day (Art. 75(a)-(c)). For the criterion periods of Art. 29(4) (a residence document or visa that
    expired "less than" N years or months before the application) and Art. 30(1): the period's
    last day itself counts as within (the inclusive reading of Art. 75(b)), and there is no
    weekend or holiday shift (Art. 75(d) moves time limits on an action, not these periods)."""
    return later <= period_end(event, n, unit)


def ceased(event: dt.date, n: int, unit: Unit, later: dt.date) -> bool:
    """Whether a responsibility that ceases ``n`` ``unit`` after ``event`` has ceased by ``later``:
    ``later`` is after the period's last day (Art. 33(1), irregular crossing; Art. 33(2),
    disembarkation after a search and rescue operation; periods by Art. 75(a)-(c), no shift).
    Always the complement of :func:`within`."""
    return later > period_end(event, n, unit)


def within_years(event: dt.date, years: int, later: dt.date, anniversary_within: bool) -> bool:
    """Whether ``later`` is less than ``years`` years after ``event`` (Art. 75(a)-(c), years as
    twelve months, no weekend shift: not a time limit on an action). ``anniversary_within``: the
    period's last day itself counts as within ([reading], see
    ``relocation.beneficiary.exact_anniversary``)."""
    end = period_end(event, years, Unit.YEARS)
    return later <= end if anniversary_within else later < end


def earliest_within_years(later: dt.date, years: int, anniversary_within: bool) -> dt.date:
    """The earliest event date from which ``later`` is still within ``years`` years: the inverse of
    :func:`within_years` (monotone in the event date), for comparing many dates at once."""
    guess = add_months(later, -12 * years)
    while not within_years(guess, years, later, anniversary_within):
        guess += dt.timedelta(days=1)
    while within_years(guess - dt.timedelta(days=1), years, later, anniversary_within):
        guess -= dt.timedelta(days=1)
    return guess
