"""Where one crisis procedure stands, as :func:`eupact.crisis.procedure.replay` computes it from
its acts (Regulation (EU) 2024/1359, Arts 2-7, 10(6), 14, 16(3)): the phase, every due date with
its article and status, the periods of application, the 12-month limit (5(3)), the flags, and the
:class:`~eupact.crisis.measures.AuthorisedMeasures` of each Council implementing decision. Pure
data, JSON-ready through ``as_dict``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .events import Event, PlanFigures, Recommendation
from .measures import AuthorisedMeasures, Situation


class Phase(StrEnum):
    """Where the procedure stands on the day it is judged."""

    ASSESSING = "assessing"  # request submitted, no Commission decision yet (Art. 3)
    NOT_ESTABLISHED = "not established"  # the Commission found the conditions not met (3(8))
    ESTABLISHED = "established"  # situation established, no proposal for the Council (4(1))
    PROPOSED = "proposed"  # a proposal awaits the Council (4(3), 5(2))
    ADOPTED = "adopted"  # decided; its measures do not apply yet (4(5))
    APPLYING = "applying"  # the measures apply (Art. 5)
    ENDED = "ended"  # the period is over (Art. 5)
    REPEALED = "repealed"  # the decision was repealed (6(3))


class Status(StrEnum):
    DONE = "done"
    DONE_LATE = "done late"
    PENDING = "pending"
    OVERDUE = "overdue"
    NOT_RECORDED = "not recorded here"  # eupact holds no act for it (a national strategy)


@dataclass(frozen=True, slots=True)
class Due:
    """One act the law expects by a date: who, what, the article, the count, and its status."""

    key: str  # stable id: commission_decision, council_decision.1, report.2, bulletin.7 ...
    what: str
    by: str  # Commission, Council, EU Solidarity Coordinator, the Member State
    article: str
    start: dt.date
    due: dt.date
    formula: str
    status: Status
    done_on: dt.date | None = None
    parameter: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "what": self.what,
            "by": self.by,
            "article": self.article,
            "start": self.start.isoformat(),
            "due": self.due.isoformat(),
            "formula": self.formula,
            "status": self.status.value,
            "done_on": self.done_on.isoformat() if self.done_on else None,
            "parameter": self.parameter,
        }


@dataclass(frozen=True, slots=True)
class Flag:
    """Something to read: a late act (valid, but late), a mismatch, a missing statement."""

    code: str
    text: str
    article: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "text": self.text, "article": self.article}


@dataclass(frozen=True, slots=True)
class Period:
    """One period of application: a decision's initial period, its extension, a new decision's."""

    kind: str  # initial, extension, new decision, new decision extension
    decision: str
    first: dt.date
    last: dt.date
    article: str

    @property
    def days(self) -> int:
        return max(0, (self.last - self.first).days + 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "decision": self.decision,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "days": self.days,
            "article": self.article,
        }


@dataclass(frozen=True)
class CrisisState:
    """One crisis procedure judged on ``as_of`` (the last act's day when none was given)."""

    state: str
    claimed: Situation
    situation: Situation | None  # as the Commission established it (3(8))
    requested_on: dt.date
    as_of: dt.date
    phase: Phase
    dues: tuple[Due, ...]
    periods: tuple[Period, ...]
    latest_end: dt.date | None  # the last day the measures may apply at most (5(3))
    months_used_days: int  # days of application so far planned (5(3))
    measures: tuple[AuthorisedMeasures, ...]
    flags: tuple[Flag, ...]
    assessment_window: tuple[dt.date, dt.date]  # the two months before the request (3(5))
    early_registration: tuple[dt.date, dt.date] | None  # Art. 10(6)
    early_registration_continued: bool  # the Council decision lets it continue (10(6))
    plan: PlanFigures | None  # the latest decision's Solidarity Response Plan (4(5)(b))
    recommendations: tuple[Recommendation, ...]  # expedited procedure (Art. 14)
    events: tuple[Event, ...]
    parameters: tuple[tuple[str, str, str], ...]  # (name, value, citation) read

    def due(self, key: str) -> Due:
        return next(d for d in self.dues if d.key == key)

    def open_dues(self) -> tuple[Due, ...]:
        """What is pending or overdue on ``as_of``, earliest first."""
        return tuple(
            sorted(
                (d for d in self.dues if d.status in (Status.PENDING, Status.OVERDUE)),
                key=lambda d: d.due,
            )
        )

    def measures_on(self, on: dt.date) -> tuple[AuthorisedMeasures, ...]:
        return tuple(m for m in self.measures if m.applies_on(on))

    def as_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "situation_claimed": self.claimed.value,
            "situation": self.situation.value if self.situation else None,
            "requested_on": self.requested_on.isoformat(),
            "as_of": self.as_of.isoformat(),
            "phase": self.phase.value,
            "assessment_window": [d.isoformat() for d in self.assessment_window],
            "early_registration": (
                [d.isoformat() for d in self.early_registration]
                if self.early_registration
                else None
            ),
            "early_registration_continued": self.early_registration_continued,
            "periods": [p.as_dict() for p in self.periods],
            "latest_end": self.latest_end.isoformat() if self.latest_end else None,
            "days_of_application": self.months_used_days,
            "dues": [d.as_dict() for d in self.dues],
            "flags": [f.as_dict() for f in self.flags],
            "measures": [m.as_dict() for m in self.measures],
            "plan": self.plan.as_dict() if self.plan else None,
            "recommendations": [r.as_dict() for r in self.recommendations],
            "events": [e.as_dict() for e in self.events],
            "parameters": [{"name": n, "value": v, "citation": c} for n, v, c in self.parameters],
        }


__all__ = ["CrisisState", "Due", "Flag", "Period", "Phase", "Status"]
