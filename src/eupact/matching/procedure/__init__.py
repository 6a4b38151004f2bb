"""The relocation procedure of one person (Art. 67(2)-(11), 68 AMMR), with time limits computed
by Art. 75: pure functions of a dated record of events.

    from eupact.matching.procedure import RelocationCase, procedure_status
    status = procedure_status(case, load_parameters(), on=dt.date(2026, 7, 14))
    status.step("reply").state      # StepState.DEEMED: silence is confirmation (Art. 67(9))
    print("\\n".join(status.table()))

Modules: ``case`` (the record, its checks), ``compute`` (the steps from the record), ``status``
(each step's due date and state). The Art. 75 computation (periods, the weekend and holiday shift,
holiday calendars) is ``eupact.timelimits``, shared with the responsibility criteria.
"""

from __future__ import annotations

from .case import Appeal, Exclusion, Ground, RelocationCase, as_of, check_case
from .compute import procedure_status
from .status import Outcome, ProcedureStatus, Step, StepState

__all__ = [
    "Appeal",
    "Exclusion",
    "Ground",
    "Outcome",
    "ProcedureStatus",
    "RelocationCase",
    "Step",
    "StepState",
    "as_of",
    "check_case",
    "procedure_status",
]
