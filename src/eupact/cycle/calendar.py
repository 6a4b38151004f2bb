"""The legal calendar of one cycle (Art. 9(4), 9(7)-(10), 11(4), 12(6), 13(2), 14(5), 57(1),
60(3), 60(6) AMMR): each step's deadline from the parameters, what is late.

Year N's cycle prepares the pool for year N+1: the Art. 10 information by 1 June N, the initial
assessment in the first half of July, updated information by 1 September, the consolidated
assessment by 30 September; report, decision, proposal by 15 October N; Council act before the
end of N, then the first Technical-Level Forum (no time limit); implementation during N+1.

A step the cycle records (it has an :class:`Action`) is on time, late, overdue or pending. A step
it does not record (the information and assessment meetings of Art. 9(7)-(10), the Forum of
Art. 14(5), the states' confirmations) is pending until its due date and "not recorded" after it
— never "overdue", since the cycle cannot know whether it was taken. A step for which the law
sets no time limit has no due date (``None``) and says so in its note.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from eupact.cycle.phases import Action
from eupact.parameters import ParametersAt

NOT_RECORDED = "not recorded"
NO_TIME_LIMIT = "no time limit"


@dataclass(frozen=True, slots=True)
class Deadline:
    step: str
    action: Action | None  # None: a step the cycle does not record
    due: dt.date | None  # None: the law sets no time limit
    article: str
    done: dt.date | None = None
    note: str = ""

    @property
    def late_by(self) -> int | None:
        """Days late (done after the due date), or None when on time or not done."""
        if self.done is None or self.due is None or self.done <= self.due:
            return None
        return (self.done - self.due).days

    def status(self, today: dt.date) -> str:
        if self.done is not None:
            return f"late by {self.late_by} days" if self.late_by else "on time"
        if self.due is None:
            return NO_TIME_LIMIT
        if today > self.due:
            return "overdue" if self.action is not None else NOT_RECORDED
        return "pending"

    def as_dict(self, today: dt.date) -> dict[str, object]:
        return {
            "step": self.step,
            "action": str(self.action) if self.action else None,
            "due": self.due.isoformat() if self.due else None,
            "article": self.article,
            "done": self.done.isoformat() if self.done else None,
            "late_by_days": self.late_by,
            "status": self.status(today),
            "note": self.note,
        }


def _month_day(year: int, text: str) -> dt.date:
    month, day = (int(x) for x in str(text).split("-"))
    return dt.date(year, month, day)


def _days_after(start: dt.date, days: object) -> dt.date | None:
    """``days`` after ``start``; None when the parameter says the law sets none."""
    return None if days in (None, "none") else start + dt.timedelta(days=int(str(days)))


def cycle_calendar(
    pool_year: int, params: ParametersAt, done: Mapping[Action, dt.date]
) -> list[Deadline]:
    """Every legal deadline of the cycle that prepares the pool for ``pool_year``, in the order
    of the cycle."""
    n = pool_year - 1

    def dated(name: str) -> tuple[dt.date, str]:
        return _month_day(n, params(name)), params.cite(name)

    def note(name: str) -> str:
        """A [reading]'s note: the alternative chosen for this run, else the parameter's."""
        entry = params.entry(name)
        text = entry.note if entry.note.startswith("[reading]") else entry.reference.note
        return text if text.startswith("[reading]") else ""

    report = _month_day(n, params("cycle.report_deadline"))
    three_done = max(
        (
            done[a]
            for a in (Action.ADOPT_REPORT, Action.ADOPT_DECISION, Action.ADOPT_PROPOSAL)
            if a in done
        ),
        default=report,
    )
    forum_due = three_done + dt.timedelta(days=int(params("cycle.forum_convened_days")))
    act_due = _month_day(n, params("cycle.council_act_deadline"))
    forum_days = params("cycle.technical_forum_first_meeting_days")
    technical_due = _days_after(done.get(Action.ADOPT_COUNCIL_ACT, act_due), forum_days)
    technical_note = (
        "Art. 14(5) sets no time limit: the first meeting follows the Council implementing act"
        if technical_due is None
        else ""
    )
    implement_due = _month_day(pool_year, params("implementation.non_financial_deadline"))
    month = int(params("implementation.confirmation_month"))
    confirm_due = dt.date(pool_year + 1, month, calendar.monthrange(pool_year + 1, month)[1])
    steps: list[tuple[str, Action | None, dt.date | None, str, str]] = [
        (
            "Art. 10 information provided by the Member States and agencies",
            None,
            *dated("cycle.information_deadline"),
            "",
        ),
        (
            "Initial assessment presented (EU migration preparedness and crisis mechanism)",
            None,
            *dated("cycle.initial_assessment_deadline"),
            note("cycle.initial_assessment_deadline"),
        ),
        (
            "Updated information provided",
            None,
            *dated("cycle.updated_information_deadline"),
            "",
        ),
        (
            "Consolidated assessment presented (EU migration preparedness and crisis mechanism)",
            None,
            *dated("cycle.consolidated_assessment_deadline"),
            "",
        ),
        (
            "European Annual Asylum and Migration Report",
            Action.ADOPT_REPORT,
            report,
            params.cite("cycle.report_deadline"),
            "",
        ),
        (
            "Decision on migratory pressure",
            Action.ADOPT_DECISION,
            _month_day(n, params("cycle.decision_deadline")),
            params.cite("cycle.decision_deadline"),
            "",
        ),
        (
            "Proposal for the Annual Solidarity Pool",
            Action.ADOPT_PROPOSAL,
            _month_day(n, params("cycle.proposal_deadline")),
            params.cite("cycle.proposal_deadline"),
            "",
        ),
        (
            "High-Level Forum convened",
            Action.CONVENE_FORUM,
            forum_due,
            params.cite("cycle.forum_convened_days"),
            "",
        ),
        (
            "Council implementing act (before the end of the year)",
            Action.ADOPT_COUNCIL_ACT,
            act_due,
            params.cite("cycle.council_act_deadline"),
            "",
        ),
        (
            "Technical-Level Forum: first meeting",
            None,
            technical_due,
            params.cite("cycle.technical_forum_first_meeting_days"),
            technical_note,
        ),
        (
            "Non-financial pledges implemented",
            Action.CLOSE_YEAR,
            implement_due,
            params.cite("implementation.non_financial_deadline"),
            "",
        ),
        (
            "States confirm what they implemented",
            None,
            confirm_due,
            params.cite("implementation.confirmation_month"),
            "",
        ),
    ]
    return [
        Deadline(step, action, due, article, done.get(action) if action else None, text)
        for step, action, due, article, text in steps
    ]


def reply_due(requested: dt.date, params: ParametersAt) -> dt.date:
    """Art. 69(2): the contributing state replies to an offsets request within 30 days."""
    return requested + dt.timedelta(days=int(params("offsets.reply_days")))


def assessment_due(requested: dt.date, params: ParametersAt) -> dt.date:
    """Art. 61(3), 62(4): the Commission assesses a deduction request within four weeks."""
    return requested + dt.timedelta(weeks=int(params("deductions.commission_assessment_weeks")))
