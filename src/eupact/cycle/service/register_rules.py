"""The rules of the register's progress (issue 19 item 2), pure: who records for which party, which
states an act binds, which occurrence of an obligation a status is about, and when it is late.

- **Parties.** An obligation addressed to ``member_states`` is each bound Member State's (its
  geo code); any other is its addressee's (``commission``, ``council``, ``euaa``, ...).
- **Who records.** A Member State for itself only; the Commission for the Commission; the
  Council for the Council and for the High-Level EU Solidarity Forum, which it convenes and
  whose chair is the Council's Presidency (Art. 13(2), 13(3) AMMR) [reading]; the EU Solidarity
  Coordinator for itself. The agencies (EUAA, Frontex, eu-LISA, FRA) and the European
  Parliament have no role in the service: the Commission records for them, as it keeps the
  Common Implementation Plan.
- **Denmark** is bound by none of the Pact's acts (Protocol No 22); it takes part in Eurodac by
  its agreement with the Union on the criteria and mechanisms for determining the state
  responsible and on Eurodac (OJ L 66, 8.3.2006, p. 38), so it records for the Eurodac
  Regulation's obligations only [reading: the agreement's other parts are not modelled].
- **Dates.** The register's dates are fixed calendar dates ("by 12 June 2025", "by 15 October
  each year"): unlike the procedural time limits of Art. 75 AMMR and the Dublin time limits
  (:mod:`eupact.timelimits`), a date that falls on a Saturday, a Sunday or a holiday does NOT
  move to the next working day. The date is the last day: late from the day after.
- **Occurrences.** An obligation by a date has one; a recurring duty one per year (or every N
  years) from its entry into force; a time limit counted from an event none here (it needs its
  event). The occurrence a status shows is the latest due on or before the day read (the one
  that must be done by then), or, if none has fallen due yet, the next one.
- **Late**: not done and its occurrence has passed; **done late**: done on a day after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eupact.cycle.phases import Role
from eupact.register import Addressee, Kind, Obligation

#: How far ahead an occurrence is looked for (every N years: the longest period is 5 years).
HORIZON_DAYS = 366 * 6
#: No status before the Pact's acts were published (OJ L, 22.5.2024).
EARLIEST = dt.date(2024, 5, 22)
#: Denmark takes part in these acts only (its 2006 agreement with the Union on Eurodac).
DENMARK_ACTS = frozenset({"eurodac"})
DENMARK = "DK"

RECORDED_BY: dict[Addressee, Role] = {
    Addressee.MEMBER_STATES: Role.MEMBER_STATE,
    Addressee.COMMISSION: Role.COMMISSION,
    Addressee.COUNCIL: Role.COUNCIL,
    Addressee.HIGH_LEVEL_FORUM: Role.COUNCIL,
    Addressee.COORDINATOR: Role.COORDINATOR,
    # no role of their own in the service: the Commission, which keeps the plan, records
    Addressee.EUROPEAN_PARLIAMENT: Role.COMMISSION,
    Addressee.EUAA: Role.COMMISSION,
    Addressee.FRONTEX: Role.COMMISSION,
    Addressee.EU_LISA: Role.COMMISSION,
    Addressee.FRA: Role.COMMISSION,
}
INSTITUTION_PARTIES = frozenset(a.value for a in Addressee if a is not Addressee.MEMBER_STATES)


def binds(act: str, geo: str) -> bool:
    """Whether the act binds Member State ``geo`` (Denmark: Eurodac only)."""
    return geo != DENMARK or act in DENMARK_ACTS


def parties(ob: Obligation, members: Sequence[str]) -> list[str]:
    """The parties that owe ``ob``: the Member States it binds, or its addressee."""
    if ob.addressee is Addressee.MEMBER_STATES:
        return [geo for geo in members if binds(ob.act, geo)]
    return [ob.addressee.value]


def owes(ob: Obligation, party: str) -> bool:
    if ob.addressee is Addressee.MEMBER_STATES:
        return len(party) == 2 and binds(ob.act, party)
    return party == ob.addressee.value


def occurrences(ob: Obligation, start: dt.date, end: dt.date) -> list[dt.date]:
    return sorted(ob.due_dates(max(start, dt.date(1900, 1, 1)), end))


def last_due(ob: Obligation, on: dt.date) -> dt.date | None:
    """The latest occurrence on or before ``on``."""
    if ob.kind is Kind.DATE:
        return ob.due if ob.due and ob.due <= on else None
    found = occurrences(ob, on - dt.timedelta(days=HORIZON_DAYS), on)
    return found[-1] if found else None


def next_due(ob: Obligation, after: dt.date) -> dt.date | None:
    """The first occurrence after ``after``."""
    if ob.kind is Kind.DATE:
        return ob.due if ob.due and ob.due > after else None
    found = occurrences(ob, after + dt.timedelta(days=1), after + dt.timedelta(days=HORIZON_DAYS))
    return found[0] if found else None


def shown_due(ob: Obligation, on: dt.date) -> dt.date | None:
    """The occurrence a status read on ``on`` is about (see the module's docstring)."""
    return last_due(ob, on) or next_due(ob, on)


def is_occurrence(ob: Obligation, day: dt.date) -> bool:
    return day in ob.due_dates(day, day)


def default_due_on(
    ob: Obligation, status_date: dt.date, done: frozenset[dt.date]
) -> dt.date | None:
    """The occurrence a new status is about when the recorder does not say: the latest one on or
    before its date unless already done (then the next one)."""
    if ob.kind is Kind.TIME_LIMIT:
        return None
    if ob.kind is Kind.DATE:
        return ob.due
    last = last_due(ob, status_date)
    if last is not None and last not in done:
        return last
    return next_due(ob, status_date)


@dataclass(frozen=True, slots=True)
class Status:
    """One status as stored (a row of ``obligation_progress``, as plain values)."""

    id: int
    status: str
    status_date: dt.date
    due_on: dt.date | None
    evidence: str
    actor: str
    recorded_at: dt.datetime
    version: int


@dataclass(frozen=True, slots=True)
class View:
    """A party's progress on one obligation as read on ``as_of``, late computed here."""

    ob: Obligation
    party: str
    as_of: dt.date
    due: dt.date | None  # the occurrence shown
    current: Status | None  # the latest status about that occurrence
    version: int  # the pair's latest version (0: nothing recorded)
    next_due: dt.date | None
    next_status: str  # of the next occurrence

    @property
    def status(self) -> str:
        return self.current.status if self.current else "not_started"

    @property
    def late(self) -> bool:
        # A fixed date, the last day: late from the day after, even if it fell on a weekend or a
        # holiday (not an Art. 75 AMMR procedural time limit: no shift to a working day).
        return self.status != "done" and self.due is not None and self.due < self.as_of

    @property
    def done_late(self) -> bool:
        c = self.current
        return (
            c is not None
            and c.status == "done"
            and self.due is not None
            and (c.status_date > self.due)
        )

    @property
    def days_late(self) -> int:
        if self.late and self.due is not None:
            return (self.as_of - self.due).days
        if self.done_late and self.current is not None and self.due is not None:
            return (self.current.status_date - self.due).days
        return 0

    @property
    def category(self) -> str:
        """For the matrix, one of not_started, in_progress, done, late (exclusive)."""
        return "late" if self.late else self.status

    def as_dict(self) -> dict[str, Any]:
        ob, c = self.ob, self.current
        return {
            "obligation_id": ob.id,
            "act": ob.act,
            "cite": ob.cite(),
            "block": int(ob.block),
            "addressee": ob.addressee.value,
            "duty": ob.duty,
            "kind": ob.kind.value,
            "party": self.party,
            "due": _iso(self.due),
            "status": self.status,
            "recorded": c is not None,
            "status_date": _iso(c.status_date) if c else None,
            "evidence": c.evidence if c else "",
            "recorded_by": c.actor if c else None,
            "recorded_at": c.recorded_at.isoformat() if c else None,
            "version": self.version,
            "late": self.late,
            "done_late": self.done_late,
            "days_late": self.days_late,
            "next_due": _iso(self.next_due),
            "next_status": self.next_status,
            "as_of": self.as_of.isoformat(),
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def view(ob: Obligation, party: str, history: Sequence[Status], on: dt.date) -> View:
    """``party``'s progress on ``ob`` read on ``on``, from its history (oldest first)."""
    latest_version = history[-1].version if history else 0
    if ob.kind is Kind.TIME_LIMIT:
        current = history[-1] if history else None
        return View(ob, party, on, None, current, latest_version, None, "")
    due = shown_due(ob, on)
    about = [s for s in history if s.due_on == due]
    current = about[-1] if about else None
    nxt = next_due(ob, on) if due is not None and due <= on else None
    later = [s for s in history if nxt is not None and s.due_on == nxt]
    next_status = later[-1].status if later else ("not_started" if nxt else "")
    return View(ob, party, on, due, current, latest_version, nxt, next_status)


def count(views: Sequence[View]) -> dict[str, int]:
    """The matrix's cell: not_started + in_progress + done + late = total; done_late is part of
    done."""
    out = {"not_started": 0, "in_progress": 0, "done": 0, "late": 0, "done_late": 0}
    for v in views:
        out[v.category] += 1
        out["done_late"] += v.done_late
    out["total"] = len(views)
    return out


__all__ = [
    "DENMARK_ACTS",
    "EARLIEST",
    "INSTITUTION_PARTIES",
    "RECORDED_BY",
    "Status",
    "View",
    "binds",
    "count",
    "default_due_on",
    "is_occurrence",
    "last_due",
    "next_due",
    "occurrences",
    "owes",
    "parties",
    "shown_due",
    "view",
]
