"""What a Council implementing decision under Regulation (EU) 2024/1359 (CFMR) authorises one
Member State to do, and when (Art. 4(3) and (5)(a), Art. 5): the one type the other parts read to
learn which derogations of Arts 10-13 apply to a case, a request or a border procedure.

The crisis procedure (:mod:`eupact.crisis.procedure`) builds it from a recorded decision; the
responsibility engine (Art. 12, 13 CFMR changing Arts 36, 38-41, 46 AMMR) and the border procedure
(Art. 11 CFMR changing Arts 42, 44, 45, 51 APR) consult it. Pure data: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Situation(StrEnum):
    """The situation the Commission established (Art. 3(8)): Art. 1(4)(a), 1(4)(b) or 1(5)."""

    MASS_ARRIVALS = "mass_arrivals"  # Art. 1(4)(a)
    INSTRUMENTALISATION = "instrumentalisation"  # Art. 1(4)(b)
    FORCE_MAJEURE = "force_majeure"  # Art. 1(5)


class Derogation(StrEnum):
    """A derogation of Chapter IV the Council may authorise (Art. 4(5)(a)), by article/paragraph."""

    REGISTRATION = "10"  # registration within four weeks (Art. 10(1))
    BORDER_EXTENSION = "11(1)"  # border procedure + up to six weeks (Art. 11(1))
    BORDER_NOT_J = "11(2)"  # not required to examine 42(1)(j) cases in the border procedure
    BORDER_THRESHOLD = "11(3)"  # 42(1)(j) threshold 20 % -> 5 %
    BORDER_MERITS = "11(4)"  # merits in the border procedure up to 50 %
    BORDER_INSTRUMENTALISATION = "11(6)"  # all applications of instrumentalised persons
    TIME_LIMITS = "12"  # Part III AMMR time limits extended; transfers to the state suspended
    TAKE_BACK_RELEASE = "13"  # released from take back (36(1)(b), 38(4) AMMR)


@dataclass(frozen=True, slots=True)
class AuthorisedMeasures:
    """One Council implementing decision's derogations for one Member State.

    ``applies_from``/``applies_until`` are the first and last day (inclusive) of the period of
    application set by the decision (Art. 4(5), first subparagraph), extensions included
    (Art. 5(1)); ``initial_until`` is the last day of the initial period (Art. 10(4): the
    registration derogation in a 1(4)(a) crisis only in the initial period); ``take_back_window``
    the period of registration the decision sets for Art. 13 (at most four months before its
    adoption, Art. 13(1) last subparagraph); ``ended_on`` the day the situation ended or the
    decision was repealed (Art. 6(3)), when known: Art. 12(4) suspends transfers until then.
    """

    state: str
    situation: Situation
    decision: str  # e.g. "Council Implementing Decision (EU) 2027/123"
    adopted_on: dt.date
    applies_from: dt.date
    applies_until: dt.date
    initial_until: dt.date
    derogations: frozenset[Derogation]
    take_back_window: tuple[dt.date, dt.date] | None = None
    ended_on: dt.date | None = None
    instrumentalisation_exclusion: str | None = None  # "11(7)(a)" or "11(7)(b)" (Art. 11(8))
    # the persons subject to instrumentalisation the decision identifies (Art. 4(5)(c))
    identification: str = ""

    def last_day(self) -> dt.date:
        """The last day the decision's derogations apply: its period (Art. 4(5), 5), cut short
        by a repeal or the end of the situation (Art. 6(3)) when one is recorded."""
        if self.ended_on is not None:
            return min(self.applies_until, self.ended_on - dt.timedelta(days=1))
        return self.applies_until

    def covers(self, derogation: Derogation, on: dt.date) -> bool:
        """Whether ``derogation`` is authorised and ``on`` falls in its period of application."""
        last = self.derogation_until(derogation)
        return last is not None and self.applies_from <= on <= last

    def applies_on(self, on: dt.date) -> bool:
        """Whether ``on`` falls in the decision's period of application (Art. 4(5), 5, 6(3))."""
        return self.applies_from <= on <= self.last_day()

    def derogation_until(self, derogation: Derogation) -> dt.date | None:
        """The last day ``derogation`` may be applied under this decision (None if it is not
        authorised): the end of the period, or of the initial period for the registration
        derogation in a 1(4)(a) crisis (Art. 10(4)), never after a repeal."""
        if derogation not in self.derogations:
            return None
        if derogation is Derogation.REGISTRATION and self.situation is Situation.MASS_ARRIVALS:
            return min(self.initial_until, self.last_day())
        return self.last_day()

    def situation_over_from(self) -> dt.date:
        """The first day the state is, for eupact, no longer facing the situation on this
        decision alone: the repeal (Art. 6(3)) or the day after the period's last day (Art. 5);
        :func:`transfers_resume` chains the state's following decisions."""
        return self.ended_on or self.applies_until + dt.timedelta(days=1)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: dates ISO, derogations by article, sorted."""
        return {
            "state": self.state,
            "situation": self.situation.value,
            "decision": self.decision,
            "adopted_on": self.adopted_on.isoformat(),
            "applies_from": self.applies_from.isoformat(),
            "applies_until": self.applies_until.isoformat(),
            "initial_until": self.initial_until.isoformat(),
            "derogations": sorted(d.value for d in self.derogations),
            "take_back_window": (
                [d.isoformat() for d in self.take_back_window] if self.take_back_window else None
            ),
            "ended_on": self.ended_on.isoformat() if self.ended_on else None,
            "instrumentalisation_exclusion": self.instrumentalisation_exclusion,
            "identification": self.identification,
        }


def in_force(
    measures: Iterable[AuthorisedMeasures], state: str, on: dt.date
) -> tuple[AuthorisedMeasures, ...]:
    """The decisions whose period of application covers ``on`` for ``state`` (Art. 4(5), 5)."""
    return tuple(m for m in measures if m.state == state and m.applies_on(on))


def transfers_resume(
    m: AuthorisedMeasures, same_state: Iterable[AuthorisedMeasures], *, ended_only: bool = False
) -> dt.date | None:
    """Art. 12(4) CFMR: the first day transfers to ``m.state`` may be carried out again, the
    state no longer facing the situation: the recorded end (repeal, Art. 6(3)), else the day after
    the period, chained through the state's following decisions on the same situation with
    Art. 12 that start by the next day (Art. 5(2)); None when only a recorded end counts
    (reading ``crisis.suspension_end`` = ``ended_only``) and none is recorded."""
    end, last = m.ended_on, m.last_day()
    for other in sorted(same_state, key=lambda o: o.applies_from):
        if end is not None:
            break
        if (
            Derogation.TIME_LIMITS in other.derogations
            and other.situation is m.situation
            and other.applies_from <= last + dt.timedelta(days=1)
        ):
            end, last = other.ended_on, max(last, other.last_day())
    if end is not None or ended_only:
        return end
    return last + dt.timedelta(days=1)
