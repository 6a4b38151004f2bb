"""How the CFMR's periods and time limits are counted ([reading]: the Regulation has no article on
computing time, so Regulation (EEC, Euratom) No 1182/71 applies, whose Art. 3 gives the same
results as Art. 75 AMMR; :mod:`eupact.timelimits` computes both).

* A *time limit on an act* -- the Commission's two weeks (Art. 3(8)), the Council's (4(3)), a
  Member State's four weeks to register (10(1)), the examination in four weeks (14(2)) -- runs
  from the day after the event and ends on the same weekday or date (Art. 3(1)-(2) of No
  1182/71; Art. 75(a)-(c) AMMR); ending on a Saturday, a Sunday or a holiday it ends on the next
  working day (Art. 3(4) of No 1182/71), as the [reading] ``crisis.time_limits.weekend_shift``
  says. The institutions' own holidays are not held: their limits move off weekends only; a
  Member State's move off its national holidays too.
* A *period of application* (Art. 4(5), 5) begins on the day the Council implementing decision
  sets, that day counted, and ends on the day before the date ``n`` months later (that date
  being the month's last day when the month is shorter, as Art. 75(c) AMMR): three months from
  17 March end on 16 June, from 31 January on 29 April (the date three months later being
  30 April). Chained periods therefore never exceed the 12 months of Art. 5(3) counted the same
  way. A period never moves off a weekend (it is not a time limit on an act).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from eupact.parameters import ParametersAt
from eupact.timelimits import (
    HolidayCalendar,
    TimeLimit,
    Unit,
    add_months,
    national_holidays,
    period_end,
)
from eupact.timelimits import time_limit as _time_limit

ONE_DAY = dt.timedelta(days=1)
SHIFT = "crisis.time_limits.weekend_shift"


def last_day(first: dt.date, months: int) -> dt.date:
    """The last day of a period of ``months`` months whose first day is ``first`` (Art. 5(1)-(3);
    [reading] see the module): the day before the same date ``months`` later."""
    return add_months(first, months) - ONE_DAY


def act_limit(
    start: dt.date,
    n: int,
    unit: Unit,
    params: ParametersAt,
    calendars: Sequence[HolidayCalendar] = (),
) -> TimeLimit:
    """A time limit of ``n`` ``unit`` on an act from the event of ``start`` (see the module):
    moved off a weekend (and off a holiday of ``calendars``) when the [reading] says so."""
    if params(SHIFT) == "none":
        end = period_end(start, n, unit)
        return TimeLimit(start, n, unit, end, end)
    return _time_limit(start, n, unit, list(calendars))


def state_limit(start: dt.date, n: int, unit: Unit, state: str, params: ParametersAt) -> TimeLimit:
    """A Member State's time limit (Art. 10(1), 14(2)): moved off its national holidays too."""
    return act_limit(start, n, unit, params, [national_holidays(state)])


def formula(limit: TimeLimit) -> str:
    """How a limit was counted, citing the rule the CFMR's limits follow ([reading], see the
    module) rather than the AMMR's article."""
    return (
        limit.formula()
        .replace("(Art. 75(a)-(b))", "(Reg. 1182/71 Art. 3(1)-(2), as Art. 75(a)-(b) AMMR)")
        .replace("(Art. 75(d))", "(Reg. 1182/71 Art. 3(4))")
    )


__all__ = ["ONE_DAY", "SHIFT", "act_limit", "formula", "last_day", "state_limit"]
