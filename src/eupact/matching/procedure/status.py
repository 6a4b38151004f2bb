"""The status of one person's relocation procedure on a date (Art. 67, 68 AMMR), as records: each
step with its article, due date (Art. 75), done date and state, the outcome, and a rendering as
rows for an 80-column terminal. Computed by :func:`eupact.matching.procedure.compute.procedure_status`.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from eupact.errors import fail
from eupact.explain import Explanation, ParameterUse
from eupact.timelimits import day

from .case import RelocationCase


class StepState(StrEnum):
    MET = "met"  # done within its time limit
    MISSED = "missed"  # done late, or not done and the time limit has passed
    PENDING = "pending"  # not done, and still time (or no time limit yet)
    DEEMED = "deemed"  # silence at the end of the time limit counts as done (Art. 67(9))
    DONE = "done"  # done; the step has no time limit
    NOT_APPLICABLE = "not applicable"


class Outcome(StrEnum):
    IN_PROGRESS = "in progress"
    EXCLUDED = "excluded"
    TRANSFER_ANNULLED = "transfer annulled"
    TRANSFERRED = "transferred"
    RELOCATED = "relocated"
    DID_NOT_APPEAR = "did not appear"


@dataclass(frozen=True)
class Step:
    """One step of the procedure on the status date."""

    key: str
    title: str
    ref: str  # short article reference for tables, e.g. "67(9)"
    article: str  # full citation
    actor: str  # the state that acts (geo code), or "person"
    state: StepState
    due: dt.date | None
    done: dt.date | None
    reason: str
    formula: str = ""
    parameters: tuple[ParameterUse, ...] = ()

    def explanation(self) -> Explanation:
        value = str(self.state) + (f", due {day(self.due)}" if self.due else "")
        inputs = {"actor": self.actor}
        if self.done:
            inputs["done"] = day(self.done)
        return Explanation(
            quantity=self.title,
            value=value,
            rule=self.reason,
            article=self.article,
            formula=self.formula or "no time limit",
            inputs=inputs,
            parameters=self.parameters,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "article": self.article,
            "actor": self.actor,
            "state": str(self.state),
            "due": self.due.isoformat() if self.due else None,
            "done": self.done.isoformat() if self.done else None,
            "reason": self.reason,
            "formula": self.formula,
            "parameters": [p.__dict__ for p in self.parameters],
        }


@dataclass(frozen=True)
class ProcedureStatus:
    """The procedure of ``case`` as it stood at the end of ``on``."""

    case: RelocationCase
    on: dt.date
    steps: tuple[Step, ...]
    outcome: Outcome
    outcome_reason: str
    confirmation: dt.date | None = None  # explicit or deemed confirmation (Art. 67(9))
    notes: tuple[str, ...] = field(default=())

    def step(self, key: str) -> Step:
        for s in self.steps:
            if s.key == key:
                return s
        raise fail("step", key, "no such step: " + ", ".join(s.key for s in self.steps))

    @property
    def next_due(self) -> Step | None:
        """The pending step with the earliest due date."""
        pending = [s for s in self.steps if s.state is StepState.PENDING and s.due is not None]
        return min(pending, key=lambda s: s.due or dt.date.max, default=None)

    @property
    def missed(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.state is StepState.MISSED)

    def as_dict(self) -> dict[str, Any]:
        c = self.case
        return {
            "person": c.person,
            "benefitting_state": c.benefitting_state,
            "relocation_state": c.relocation_state,
            "status": str(c.status),
            "on": self.on.isoformat(),
            "outcome": str(self.outcome),
            "outcome_reason": self.outcome_reason,
            "confirmation": self.confirmation.isoformat() if self.confirmation else None,
            "steps": [s.as_dict() for s in self.steps],
            "notes": list(self.notes),
        }

    def table(self, reasons: bool = True, width: int = 80) -> list[str]:
        """The steps as text rows of at most ``width`` (≥ 77) characters, each reason wrapped
        under its step."""
        c = self.case
        head = (
            f"{c.person}: {c.benefitting_state} → {c.relocation_state} ({c.status}), "
            f"on {day(self.on)}: {self.outcome}"
        )
        rows = textwrap.wrap(head, width) or [head[:width]]
        rows.append(f"{'step':<20} {'article':<11} {'due':<14} {'done':<14} {'state':<14}")
        rows.append("-" * min(width, 77))
        for s in self.steps:
            due = day(s.due) if s.due else "—"
            done = day(s.done) if s.done else "—"
            rows.append(f"{s.title[:20]:<20} {s.ref[:11]:<11} {due:<14} {done:<14} {s.state!s:<14}")
            if reasons and s.state is not StepState.NOT_APPLICABLE:
                rows += textwrap.wrap(
                    s.reason, width, initial_indent="    ", subsequent_indent="    "
                )
        rows += textwrap.wrap(self.outcome_reason, width)
        return [r.rstrip() for r in rows]
