"""What the determination answers (Part III AMMR): the state responsible, the route, the chain of
articles with the facts each used, every time limit as a date with its article and what follows
if it is missed, and the flags a person must read (readings applied, manual decisions).

Plain frozen dataclasses: a decision is built a million times in a batch, and read by the CLI, the
API, the dashboard and the offsets workflow through :meth:`Decision.as_dict`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from eupact.timelimits.periods import day


class Route(StrEnum):
    TAKE_CHARGE = "take_charge"  # Arts. 39-40: the determining state asks another to take charge
    TAKE_BACK = "take_back"  # Arts. 36(1)(b)-(c), 38(4)-(5), 41: a notification, no new criteria
    NONE_NEEDED = "none_needed"  # the state where the person is present is responsible
    OUT_OF_SCOPE = "out_of_scope"  # registered before the AMMR applies (Art. 84(2))


class Status(StrEnum):
    OPEN = "open"  # not yet done, the time limit has not passed
    MET = "met"  # done on or before the last day
    MISSED = "missed"  # not done, or done late
    INFORMATION = "information"  # a period with no act to watch (shown, nothing follows)


@dataclass(frozen=True, slots=True)
class Step:
    """One link of the chain: an article, what it gave, and the facts it read (kept as values,
    put in words only when read: a batch of a million cases rarely reads them)."""

    article: str
    outcome: str
    values: Mapping[str, object] = field(default_factory=dict)

    @property
    def facts(self) -> tuple[tuple[str, str], ...]:
        """The facts in words: dates with their weekday, lists joined."""
        return tuple((k, _words(v)) for k, v in self.values.items())

    def as_dict(self) -> dict[str, Any]:
        return {"article": self.article, "outcome": self.outcome, "facts": dict(self.facts)}


def _words(value: object) -> str:
    if isinstance(value, dt.date):
        return day(value)
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_words(v) for v in value) or "none"
    return str(value)


@dataclass(frozen=True, slots=True)
class Deadline:
    """One time limit (Art. 75): from ``start`` (``start_event``), ``period``, ending ``due`` after
    the weekend and holiday shift of the ``calendar`` state (``period_end`` before it)."""

    id: str  # T-number of the spec's master table, e.g. "T6"
    what: str
    article: str
    acting_state: str
    calendar: str  # whose official holidays moved the last day ("" when none apply)
    start_event: str
    start: dt.date
    period: str
    period_end: dt.date
    due: dt.date
    status: Status
    if_missed: str
    done_on: dt.date | None = None
    skipped: tuple[str, ...] = ()  # the days moved past and why
    # a Council implementing decision changed it (Art. 12 CFMR): the CFMR article, the decision
    # and the AMMR limit it replaces; "" for the AMMR's own limit
    derogation: str = ""

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "id": self.id,
            "what": self.what,
            "article": self.article,
            "acting_state": self.acting_state,
            "calendar": self.calendar,
            "start_event": self.start_event,
            "start": self.start.isoformat(),
            "period": self.period,
            "period_end": self.period_end.isoformat(),
            "due": self.due.isoformat(),
            "status": self.status.value,
            "if_missed": self.if_missed,
            "done_on": self.done_on.isoformat() if self.done_on else None,
            "skipped": list(self.skipped),
        }
        if self.derogation:  # the key only where a crisis changed the limit: the AMMR's unchanged
            found["derogation"] = self.derogation
        return found


@dataclass(frozen=True, slots=True)
class Flag:
    """Something a person must read: a [reading] applied (``AMBIG-n``), or a decision the engine
    cannot take (``manual:...``)."""

    code: str
    text: str
    reading: str = ""  # the parameter holding the reading, if any

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "text": self.text, "reading": self.reading}


@dataclass(frozen=True, slots=True)
class Decision:
    case_id: str
    route: Route
    responsible_state: str
    basis: str  # the article that finally makes the state responsible, e.g. "33(1)", "46(2)"
    criterion: str  # the Chapter II/III criterion (or default) before any shift
    criterion_state: str
    determining_state: str  # Art. 38(1)
    present_state: str  # where the person's latest application is
    take_back_to: str  # the state a take back notification goes to ("" if none)
    snapshot_date: dt.date  # Art. 24(2): the first registration after the last cessation
    eurodac_basis: str  # Art. 38(3)(a)-(f), "" while pending
    chain: tuple[Step, ...]
    deadlines: tuple[Deadline, ...]
    flags: tuple[Flag, ...]
    readings: tuple[tuple[str, str], ...]  # (parameter, value) of every [reading] applied
    offsets_eligible: bool
    offsets_reasons: tuple[str, ...]  # the conditions of 63(8) that fail (empty if eligible)
    discretionary_clause_available: bool  # Art. 35: no first decision on the substance yet
    manual_review: bool
    as_of: dt.date
    group: str = ""
    candidates: tuple[str, ...] = field(default=())  # states a person chooses between (25(4))

    def next_deadline(self) -> Deadline | None:
        """The earliest open time limit, or None."""
        open_ = [d for d in self.deadlines if d.status is Status.OPEN]
        return min(open_, key=lambda d: d.due) if open_ else None

    def overdue(self) -> tuple[Deadline, ...]:
        return tuple(d for d in self.deadlines if d.status is Status.MISSED)

    def as_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "route": self.route.value,
            "responsible_state": self.responsible_state,
            "basis": self.basis,
            "criterion": self.criterion,
            "criterion_state": self.criterion_state,
            "determining_state": self.determining_state,
            "present_state": self.present_state,
            "take_back_to": self.take_back_to,
            "snapshot_date": self.snapshot_date.isoformat(),
            "eurodac_basis": self.eurodac_basis,
            "chain": [s.as_dict() for s in self.chain],
            "deadlines": [d.as_dict() for d in self.deadlines],
            "flags": [f.as_dict() for f in self.flags],
            "readings": dict(self.readings),
            "offsets_eligible": self.offsets_eligible,
            "offsets_reasons": list(self.offsets_reasons),
            "discretionary_clause_available": self.discretionary_clause_available,
            "manual_review": self.manual_review,
            "as_of": self.as_of.isoformat(),
            "group": self.group,
            "candidates": list(self.candidates),
        }


__all__ = ["Deadline", "Decision", "Flag", "Route", "Status", "Step"]
