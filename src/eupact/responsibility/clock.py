"""The clock of one determination's procedure (Art. 75 AMMR): each time limit computed on the
calendar its reading names (``holiday_calendar``, AMBIG-30), judged open, met or missed on
``as_of``, and, where a Council implementing decision under Regulation (EU) 2024/1359 (CFMR)
changes it, the CFMR's period (Art. 12 CFMR, :mod:`.crisis`); the shift of responsibility a missed
limit causes (:class:`Shift`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from eupact.timelimits.periods import TimeLimit, national_time_limit

from .crisis import Derogated
from .decision import Deadline, Status
from .model import Case
from .rules import Length
from .trace import Trace


@dataclass(frozen=True, slots=True)
class Shift:
    """Responsibility moved by a missed time limit."""

    state: str
    basis: str
    eurodac: str
    why: str


@dataclass(slots=True)
class Outcome:
    deadlines: list[Deadline]
    shift: Shift | None = None
    accepted_on: dt.date | None = None  # acceptance or confirmation, explicit or by silence


class Clock:
    """Computes the time limits of one case on ``as_of``."""

    def __init__(self, case: Case, t: Trace) -> None:
        self.case = case
        self.t = t
        self.as_of = case.as_of
        self.out: list[Deadline] = []

    def limit(
        self, start: dt.date, length: Length, acting: str, other: str = ""
    ) -> tuple[TimeLimit, str]:
        reading = self.t.rules.readings["holiday_calendar"]
        self.t.used["holiday_calendar"] = reading
        if reading == "acting_state" or not other:
            return national_time_limit(start, length.n, length.unit, (acting,)), acting
        return national_time_limit(
            start, length.n, length.unit, (acting, other)
        ), f"{acting}+{other}"

    def derogated(
        self,
        point: str,
        what: str,
        acting: str,
        start: dt.date,
        length: Length,
        other: str = "",
        due: dt.date | None = None,
    ) -> Derogated | None:
        """Art. 12 CFMR: the CFMR's period for ``acting``'s limit ``length`` (the AMMR's, from
        ``start``, ending ``due`` or as computed) where a decision changes it; else None."""
        crises = self.t.crisis
        if crises is None or not crises.authorised(acting):
            return None
        if due is None:
            due = self.limit(start, length, acting, other)[0].due
        return crises.extend(point, what, acting, start, length, due)

    def add(
        self,
        id_: str,
        what: str,
        length: Length,
        start: dt.date,
        start_event: str,
        acting: str,
        if_missed: str,
        done: dt.date | None,
        *,
        other: str = "",
        information: bool = False,
        due: dt.date | None = None,
        derogation: Derogated | None = None,
    ) -> Deadline:
        tl, calendar = self.limit(start, length, acting, other)
        last = due or tl.due
        if done is not None:
            status = Status.MET if done <= last else Status.MISSED
        elif self.as_of > last:
            status = Status.MISSED
        else:
            status = Status.OPEN
        if information and status is Status.MISSED and done is None:
            status = Status.INFORMATION if not if_missed else status
        d = Deadline(
            id=id_,
            what=what,
            article=length.article,
            acting_state=acting,
            calendar=calendar,
            start_event=start_event,
            start=start,
            period=length.text(),
            period_end=tl.period_end,
            due=last,
            status=status,
            if_missed=if_missed,
            done_on=done,
            skipped=tuple(f"{day.isoformat()} {why}" for day, why in tl.skipped),
            derogation_detail=derogation.change if derogation else None,
        )
        self.out.append(d)
        return d


__all__ = ["Clock", "Outcome", "Shift"]
