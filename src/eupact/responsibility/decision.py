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
    detail: Suspension | None = None  # the step's data where a page needs it (Art. 12(4) CFMR)

    @property
    def facts(self) -> tuple[tuple[str, str], ...]:
        """The facts in words: dates with their weekday, lists joined."""
        return tuple((k, _words(v)) for k, v in self.values.items())

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "article": self.article,
            "outcome": self.outcome,
            "facts": dict(self.facts),
        }
        if self.detail is not None:  # the key only on a step with data (Art. 12(4) CFMR)
            found["suspension"] = self.detail.as_dict()
        return found


def _words(value: object) -> str:
    if isinstance(value, dt.date):
        return day(value)
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_words(v) for v in value) or "none"
    return str(value)


@dataclass(frozen=True, slots=True)
class CrisisChange:
    """What a Council implementing decision under Regulation (EU) 2024/1359 (CFMR) changed in a
    time limit, as data: the CFMR article applied (``12(2)(a)``-``(d)``, Art. 12(2); ``12(4)``,
    the transfer to the state in crisis), the decision, the state facing the situation, the
    CFMR's period in words (``4 months``), and the AMMR limit it replaced (article, period) with
    the day that limit would have ended. Built by :meth:`~.crisis.Crises.extend` only where a
    decision changes a limit; :meth:`text` is the note the CLI and the JSON's ``derogation``
    show, :meth:`as_dict` the JSON's ``derogation_detail``."""

    cfmr_article: str  # "12(2)(a)", without "CFMR"
    decision: str
    state: str
    period: str
    replaced_article: str  # the AMMR's, "39(1)", without "AMMR"
    replaced_period: str
    ammr_due: dt.date  # the AMMR limit's last day, after the Art. 75(d) shift

    @property
    def cited(self) -> str:
        """``12(2)(a) CFMR``: the article as the deadline and the chain cite it."""
        return f"{self.cfmr_article} CFMR"

    def text(self) -> str:
        """The change in words: 'Art. 12(2)(a) CFMR, <decision> (IT): 4 months instead of 2
        months (Art. 39(1) AMMR, which would end Mon 2026-11-16)'."""
        return (
            f"Art. {self.cited}, {self.decision} ({self.state}): {self.period} instead of "
            f"{self.replaced_period} (Art. {self.replaced_article} AMMR, which would end "
            f"{day(self.ammr_due)})"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "cfmr_article": self.cfmr_article,
            "decision": self.decision,
            "state": self.state,
            "period": self.period,
            "replaced_article": self.replaced_article,
            "replaced_period": self.replaced_period,
            "ammr_due": self.ammr_due.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Suspension:
    """Art. 12(4) CFMR, first sentence, as data: transfers to ``state`` (facing ``situation``,
    a :class:`~eupact.crisis.measures.Situation` value) suspended under ``decision`` from
    ``begins`` until transfers resume on ``resumes`` (None: no end recorded, the state is taken
    to face the situation still). The detail of the chain's ``12(4) CFMR`` step."""

    state: str
    situation: str
    decision: str
    begins: dt.date
    resumes: dt.date | None

    @property
    def until(self) -> dt.date | None:
        """The suspension's last day (the day before transfers resume), None if not known."""
        return self.resumes - dt.timedelta(days=1) if self.resumes else None

    def as_dict(self) -> dict[str, Any]:
        until = self.until
        return {
            "state": self.state,
            "situation": self.situation,
            "decision": self.decision,
            "from": self.begins.isoformat(),
            "until": until.isoformat() if until else None,
        }


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
    # and the AMMR limit it replaces; None for the AMMR's own limit
    derogation_detail: CrisisChange | None = None

    @property
    def derogation(self) -> str:
        """The change in words (:meth:`CrisisChange.text`), "" for the AMMR's own limit."""
        return self.derogation_detail.text() if self.derogation_detail else ""

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
        if self.derogation_detail:  # the keys only where a crisis changed the limit
            found["derogation"] = self.derogation_detail.text()  # in words, as before
            found["derogation_detail"] = self.derogation_detail.as_dict()
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


__all__ = [
    "CrisisChange",
    "Deadline",
    "Decision",
    "Flag",
    "Route",
    "Status",
    "Step",
    "Suspension",
]
