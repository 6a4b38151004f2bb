"""The relocation procedure of one person (Art. 67(2)-(11), 68 AMMR), with time limits computed
by Art. 75: pure functions of a dated record of events.

    from eupact.matching.procedure import RelocationCase, procedure_status
    status = procedure_status(case, load_parameters(), on=dt.date(2026, 7, 14))
    status.step("reply").state      # StepState.DEEMED: silence is confirmation (Art. 67(9))
    print("\\n".join(status.table()))

Modules: ``periods`` (Art. 75: periods, weekend and holiday shift, holiday calendars), ``case``
(the record, its checks), ``status`` (each step's due date and state).
"""

from __future__ import annotations

from .case import Appeal, Exclusion, Ground, RelocationCase, as_of, check_case
from .compute import procedure_status
from .periods import (
    HolidayCalendar,
    NationalHolidays,
    TimeLimit,
    Unit,
    national_holidays,
    period_end,
    time_limit,
    within_years,
)
from .status import Outcome, ProcedureStatus, Step, StepState

__all__ = [
    "Appeal",
    "Exclusion",
    "Ground",
    "HolidayCalendar",
    "NationalHolidays",
    "Outcome",
    "ProcedureStatus",
    "RelocationCase",
    "Step",
    "StepState",
    "TimeLimit",
    "Unit",
    "as_of",
    "check_case",
    "national_holidays",
    "period_end",
    "procedure_status",
    "time_limit",
    "within_years",
]
