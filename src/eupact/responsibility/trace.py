"""What a determination carries while it runs: the facts as at the first registration (Art.
24(2), :class:`Snapshot`), the states designated (:class:`Hit`), and the chain, flags and readings
found on the way (:class:`Trace`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .decision import Flag, Step
from .model import Application, Case, FamilyMember, Status
from .rules import Rules

if TYPE_CHECKING:
    from .crisis import Crises


@dataclass(frozen=True, slots=True)
class Hit:
    """A state a criterion designates."""

    state: str
    article: str


@dataclass(slots=True)
class Trace:
    """The chain, the flags and the readings of one determination, as they are found."""

    rules: Rules
    steps: list[Step] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    used: dict[str, str] = field(default_factory=dict)
    manual: bool = False
    candidates: tuple[str, ...] = ()
    crisis: Crises | None = None  # the CFMR decisions read (Arts 12-13 CFMR), None without any

    def step(self, article: str, outcome: str, **facts: object) -> None:
        self.steps.append(Step(article, outcome, facts))  # facts shown in words when read

    def flag(self, code: str, text: str, reading: str = "") -> None:
        if reading:
            self.used[reading] = self.rules.readings[reading]
        if not any(f.code == code and f.text == text for f in self.flags):
            self.flags.append(Flag(code, text, f"responsibility.{reading}" if reading else ""))
        if code.startswith("manual"):
            self.manual = True

    def reading(self, name: str) -> str:
        value = self.rules.readings[name]
        self.used[name] = value
        return value


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The facts as at the first registration after the last cessation (Art. 24(2), AMBIG-3)."""

    case: Case
    first: Application  # the registration that fixes the facts
    on: dt.date
    cutoff: dt.date | None  # the last cessation: earlier facts belong to an earlier application
    age: int
    minor: bool
    unaccompanied: bool
    present_state: str
    excluded: frozenset[str] = frozenset()  # articles left out (Art. 68(2), Art. 13(3) CFMR)
    excluded_by: str = "68(2)"  # the article that leaves them out


def status_on(member: FamilyMember, on: dt.date) -> Status | None:
    """The member's status in force on ``on`` (the latest to start, if several)."""
    found = None
    for s in member.statuses:
        current = s.since <= on and (s.until is None or s.until >= on)
        if current and (found is None or s.since >= found.since):
            found = s
    return found


def age_on(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


__all__ = ["Hit", "Snapshot", "Trace", "age_on", "status_on"]
