"""The legal calendar of one cycle: each step's deadline from the parameters, what is late.

Year N's cycle prepares the pool for year N+1 (report, decision, proposal by 15 October N;
Council act before the end of N; implementation during N+1).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from eupact.cycle.phases import Action
from eupact.parameters import ParametersAt


@dataclass(frozen=True, slots=True)
class Deadline:
    step: str
    action: Action | None
    due: dt.date
    article: str
    done: dt.date | None = None

    @property
    def late_by(self) -> int | None:
        """Days late (done after the due date), or None when on time or not done."""
        if self.done is None or self.done <= self.due:
            return None
        return (self.done - self.due).days

    def status(self, today: dt.date) -> str:
        if self.done is not None:
            return f"late by {self.late_by} days" if self.late_by else "on time"
        return "overdue" if today > self.due else "pending"

    def as_dict(self, today: dt.date) -> dict[str, object]:
        return {
            "step": self.step,
            "action": str(self.action) if self.action else None,
            "due": self.due.isoformat(),
            "article": self.article,
            "done": self.done.isoformat() if self.done else None,
            "late_by_days": self.late_by,
            "status": self.status(today),
        }


def _month_day(year: int, text: str) -> dt.date:
    month, day = (int(x) for x in str(text).split("-"))
    return dt.date(year, month, day)


def cycle_calendar(
    pool_year: int, params: ParametersAt, done: Mapping[Action, dt.date]
) -> list[Deadline]:
    """Every legal deadline of the cycle that prepares the pool for ``pool_year``."""
    n = pool_year - 1
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
    implement_due = _month_day(pool_year, params("implementation.non_financial_deadline"))
    month = int(params("implementation.confirmation_month"))
    confirm_due = dt.date(pool_year + 1, month, calendar.monthrange(pool_year + 1, month)[1])
    steps = [
        (
            "European Annual Asylum and Migration Report",
            Action.ADOPT_REPORT,
            report,
            params.cite("cycle.report_deadline"),
        ),
        (
            "Decision on migratory pressure",
            Action.ADOPT_DECISION,
            _month_day(n, params("cycle.decision_deadline")),
            params.cite("cycle.decision_deadline"),
        ),
        (
            "Proposal for the Annual Solidarity Pool",
            Action.ADOPT_PROPOSAL,
            _month_day(n, params("cycle.proposal_deadline")),
            params.cite("cycle.proposal_deadline"),
        ),
        (
            "High-Level Forum convened",
            Action.CONVENE_FORUM,
            forum_due,
            params.cite("cycle.forum_convened_days"),
        ),
        (
            "Council implementing act (before the end of the year)",
            Action.ADOPT_COUNCIL_ACT,
            act_due,
            params.cite("cycle.council_act_deadline"),
        ),
        (
            "Non-financial pledges implemented",
            Action.CLOSE_YEAR,
            implement_due,
            params.cite("implementation.non_financial_deadline"),
        ),
        (
            "States confirm what they implemented",
            None,
            confirm_due,
            params.cite("implementation.confirmation_month"),
        ),
    ]
    return [
        Deadline(step, action, due, article, done.get(action) if action else None)
        for step, action, due, article in steps
    ]


def reply_due(requested: dt.date, params: ParametersAt) -> dt.date:
    """Art. 69(2): the contributing state replies to an offsets request within 30 days."""
    return requested + dt.timedelta(days=int(params("offsets.reply_days")))


def assessment_due(requested: dt.date, params: ParametersAt) -> dt.date:
    """Art. 61(3), 62(4): the Commission assesses a deduction request within four weeks."""
    return requested + dt.timedelta(weeks=int(params("deductions.commission_assessment_weeks")))
