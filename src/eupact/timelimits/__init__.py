"""Time limits and periods computed by Art. 75 AMMR, for every part of the package that counts
days: the relocation procedure (Art. 67), the date rules of relocation (Art. 56(2)(a)(ii)) and the
responsibility criteria (Arts 29(4), 30(1), 33).

    from eupact.timelimits import Unit, national_holidays, time_limit
    lim = time_limit(dt.date(2026, 7, 14), 1, Unit.WEEKS, [national_holidays("BE")])
    lim.due                          # Wed 2026-07-22: Tue 21 July is Belgium's National Day

A low layer: it imports only ``parameters`` and ``errors``, so ``responsibility`` and ``matching``
both use it. Module: ``periods`` (periods, the weekend and holiday shift, holiday calendars).
"""

from __future__ import annotations

from .periods import (
    CalendarFor,
    HolidayCalendar,
    NationalHolidays,
    TimeLimit,
    Unit,
    add_months,
    ceased,
    day,
    earliest_within_years,
    national_holidays,
    non_working,
    period_end,
    time_limit,
    within,
    within_years,
)

__all__ = [
    "CalendarFor",
    "HolidayCalendar",
    "NationalHolidays",
    "TimeLimit",
    "Unit",
    "add_months",
    "ceased",
    "day",
    "earliest_within_years",
    "national_holidays",
    "non_working",
    "period_end",
    "time_limit",
    "within",
    "within_years",
]
