"""Time limits and periods computed by Art. 75 AMMR (``eupact.timelimits``): golden cases worked
by hand, and the properties every computation keeps.

Dates worked by hand from a calendar of 2026 (1 January 2026 is a Thursday, so 1 November is a
Sunday: 304 days later, 304 = 43 x 7 + 3; 25 December a Friday). Official holidays used, checked
against the `holidays` package's national calendars: Austria's All Saints' Day, Sunday 1 November
2026 (2 November, All Souls' Day, is not a public holiday in Austria); Germany's Christmas Day and
Second Day of Christmas, Friday 25 and Saturday 26 December 2026 (28 December is none); Italy's
Immaculate Conception, Tuesday 8 December 2026 (not a holiday in Germany). 2028 is a leap year,
2026 and 2027 are not.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eupact.errors import EupactError
from eupact.parameters import load_parameters
from eupact.timelimits import (
    Unit,
    add_months,
    ceased,
    national_holidays,
    non_working,
    period_end,
    time_limit,
    within,
)

D = dt.date
STATES = sorted(load_parameters()["scope.eu_member_states"].values[-1].value)


# --- golden cases ---------------------------------------------------------------------------


def test_a_month_with_no_such_date_ends_on_its_last_day():
    # Art. 75(b)-(c): 31 October 2024 + 20 months is June 2026, which has no 31st
    assert period_end(D(2024, 10, 31), 20, Unit.MONTHS) == D(2026, 6, 30)
    # 31 January + 1 month: 28 February in a common year, 29 February in a leap year
    assert period_end(D(2026, 1, 31), 1, Unit.MONTHS) == D(2026, 2, 28)
    assert period_end(D(2027, 1, 31), 1, Unit.MONTHS) == D(2027, 2, 28)
    assert period_end(D(2028, 1, 31), 1, Unit.MONTHS) == D(2028, 2, 29)
    # Art. 75(c) again: 30 January + 1 month is 28 February too
    assert period_end(D(2026, 1, 30), 1, Unit.MONTHS) == D(2026, 2, 28)


def test_weeks_end_on_the_same_weekday():
    # Art. 75(b): Monday 6 July 2026 + 4 weeks = Monday 3 August 2026; days count each day
    assert period_end(D(2026, 7, 6), 4, Unit.WEEKS) == D(2026, 8, 3)
    assert period_end(D(2026, 7, 6), 3, Unit.DAYS) == D(2026, 7, 9)
    assert period_end(D(2026, 7, 6), 0, Unit.WEEKS) == D(2026, 7, 6)


def test_a_limit_ending_on_a_sunday_ends_on_monday():
    # Art. 75(d): 15 September 2026 + 2 months = Sunday 15 November -> Monday 16 November
    lim = time_limit(D(2026, 9, 15), 2, Unit.MONTHS, [national_holidays("FR")])
    assert (lim.period_end, lim.due) == (D(2026, 11, 15), D(2026, 11, 16))
    assert lim.skipped == ((D(2026, 11, 15), "Sunday"),)


def test_all_saints_on_a_sunday_in_austria():
    # 1 September 2026 + 2 months = Sunday 1 November (All Saints' Day in AT); Monday 2 November
    # is a working day in Austria, so the limit ends then (Art. 75(d))
    lim = time_limit(D(2026, 9, 1), 2, Unit.MONTHS, [national_holidays("AT")])
    assert (lim.period_end, lim.due) == (D(2026, 11, 1), D(2026, 11, 2))
    assert national_holidays("AT").holiday(D(2026, 11, 1)) is not None
    assert non_working(D(2026, 11, 2), [national_holidays("AT")]) is None


def test_a_limit_ending_on_a_holiday_of_the_acting_state_moves():
    # 25 November 2026 + 1 month = Friday 25 December, Christmas Day in DE; Saturday 26
    # (Second Day of Christmas too) and Sunday 27 follow: the limit ends Monday 28 December
    lim = time_limit(D(2026, 11, 25), 1, Unit.MONTHS, [national_holidays("DE")])
    assert (lim.period_end, lim.due) == (D(2026, 12, 25), D(2026, 12, 28))
    assert [d for d, _ in lim.skipped] == [D(2026, 12, 25), D(2026, 12, 26), D(2026, 12, 27)]
    assert "in DE" in lim.skipped[0][1]
    assert "ends Mon 2026-12-28 (Art. 75(d))" in lim.formula()


def test_a_holiday_of_another_state_does_not_move_the_limit():
    # 8 November 2026 + 1 month = Tuesday 8 December: Immaculate Conception in IT, not in DE
    de = time_limit(D(2026, 11, 8), 1, Unit.MONTHS, [national_holidays("DE")])
    it = time_limit(D(2026, 11, 8), 1, Unit.MONTHS, [national_holidays("IT")])
    assert (de.due, de.skipped) == (D(2026, 12, 8), ())
    assert it.due == D(2026, 12, 9)
    both = time_limit(
        D(2026, 11, 8), 1, Unit.MONTHS, [national_holidays("DE"), national_holidays("IT")]
    )
    assert both.due == D(2026, 12, 9)  # both states' calendars: either's holiday counts


def test_two_states_days_off_add_up():
    # The longest run off for two states, 2000-2060 (checked day by day for every pair): Hungary
    # and Latvia, Saturday 21 December 2013 to New Year's Day 2014, 12 days, as each state's
    # substituted days off (HU 24 and 27 December, LV 23 and 30 December) fill the other's gaps
    cals = [national_holidays("HU"), national_holidays("LV")]
    lim = time_limit(D(2013, 12, 14), 1, Unit.WEEKS, cals)
    assert (lim.period_end, lim.due) == (D(2013, 12, 21), D(2014, 1, 2))
    assert len(lim.skipped) == 12


def test_within_and_ceased_read_the_last_day_as_within():
    # Art. 33(1): responsibility ceases 20 months after an irregular crossing on 31 October 2024;
    # the period ends on 30 June 2026 (Art. 75(c)), a Tuesday: no shift is applied to it
    assert within(D(2024, 10, 31), 20, Unit.MONTHS, D(2026, 6, 30))
    assert not ceased(D(2024, 10, 31), 20, Unit.MONTHS, D(2026, 6, 30))
    assert ceased(D(2024, 10, 31), 20, Unit.MONTHS, D(2026, 7, 1))
    # Art. 29(4): a visa that expired on Saturday 31 January 2026, application 18 months later
    # on Saturday 31 July 2027 (within) or on Sunday 1 August 2027 (not: a time limit would have
    # moved to Monday 2 August, a criterion period does not move)
    assert within(D(2026, 1, 31), 18, Unit.MONTHS, D(2027, 7, 31))
    assert not within(D(2026, 1, 31), 18, Unit.MONTHS, D(2027, 8, 1))


def test_states_are_those_of_the_parameter():
    assert national_holidays("EL").holiday(D(2026, 3, 25)) is not None  # Independence Day
    for bad in ("GR", "UK", "XX"):
        with pytest.raises(EupactError, match="Eurostat geo code"):
            national_holidays(bad)
    with pytest.raises(EupactError, match="whole number"):
        time_limit(D(2026, 1, 1), -1, Unit.DAYS, [national_holidays("DE")])


@dataclass
class _Mutable:
    """A calendar that is not the package's own: never cached."""

    state: str
    days: dict[dt.date, str] = field(default_factory=dict)

    def holiday(self, d: dt.date) -> str | None:
        return self.days.get(d)


def test_the_cache_keeps_other_calendars_live():
    cal = _Mutable("DE")
    assert time_limit(D(2026, 7, 6), 1, Unit.WEEKS, [cal]).due == D(2026, 7, 13)
    cal.days[D(2026, 7, 13)] = "a strike day"
    assert time_limit(D(2026, 7, 6), 1, Unit.WEEKS, [cal]).due == D(2026, 7, 14)
    # the package's calendars give the same limit from a list or a tuple
    cals = [national_holidays("BE"), national_holidays("IT")]
    assert time_limit(D(2026, 7, 14), 1, Unit.WEEKS, cals) == time_limit(
        D(2026, 7, 14), 1, Unit.WEEKS, tuple(cals)
    )


# --- properties -----------------------------------------------------------------------------

dates = st.dates(D(2000, 1, 1), D(2060, 12, 31))
units = st.sampled_from(list(Unit))
lengths = st.integers(0, 40)
calendars = st.lists(st.sampled_from(STATES), min_size=1, max_size=2, unique=True).map(
    lambda states: [national_holidays(s) for s in states]
)


@given(dates, lengths, units, calendars)
def test_the_due_day_is_a_working_day_soon_after_the_period_end(start, n, unit, cals):
    lim = time_limit(start, n, unit, cals)
    assert lim.due >= lim.period_end >= start
    # one state: at most 6 days in a row off over 2000-2060; two: 12 (HU + LV, see below)
    assert (lim.due - lim.period_end).days <= (10 if len(cals) == 1 else 12)
    assert non_working(lim.due, cals) is None
    assert [d for d, _ in lim.skipped] == [
        lim.period_end + dt.timedelta(days=k) for k in range((lim.due - lim.period_end).days)
    ]


@given(dates, st.integers(0, 400), lengths, units)
def test_a_later_start_never_ends_earlier(start, shift, n, unit):
    assert period_end(start + dt.timedelta(days=shift), n, unit) >= period_end(start, n, unit)


@given(dates, lengths)
def test_a_period_in_months_ends_on_the_same_date_or_the_months_last(start, n):
    end = period_end(start, n, Unit.MONTHS)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == n
    assert end.day == min(start.day, calendar.monthrange(end.year, end.month)[1])
    assert end == add_months(start, n)
    assert period_end(start, n, Unit.YEARS) == add_months(start, 12 * n)


@given(dates, lengths, units, dates)
def test_within_and_ceased_are_complements(event, n, unit, later):
    assert within(event, n, unit, later) is not ceased(event, n, unit, later)
    assert within(event, n, unit, period_end(event, n, unit))


@given(dates, st.integers(0, 40), st.integers(0, 40))
def test_months_add_up(start, a, b):
    twice = add_months(add_months(start, a), b)
    once = add_months(start, a + b)
    assert (twice.year, twice.month) == (once.year, once.month) and twice <= once
    if start.day <= 28:  # every month has the date: adding months is associative
        assert twice == once
        assert add_months(once, -(a + b)) == start
