"""The implementing acts of Art. 47(1) Regulation (EU) 2024/1348 (APR) and the annual maximum:
when each act is adopted (Art. 47(5): the first on 12 August 2024, then on 15 October every three
years), which years of data it uses (Art. 47(4)), the period it applies, by when the capacity it
sets must be in place (Art. 47(5), second subparagraph), and the annual maximum's phase-in (Art.
47(1), second subparagraph: 2, 3 and 4 times the capacity from 12 June 2026, 13 June 2027 and 13
June 2028). Who is bound: recitals 106-107 and Ireland's opt-in (``border.bound_member_states``).
Pure: the values come from :mod:`eupact.parameters`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from eupact.errors import fail
from eupact.parameters import ParameterSet, load_parameters
from eupact.register.load import load_register
from eupact.timelimits.periods import add_months

_ONE_DAY = dt.timedelta(days=1)
RECORDED = "border_2024_2150"  # the parameters of the recorded first act (parameters/acts/)


def recorded_citation(ps: ParameterSet) -> str:
    """The recorded first act as cited: "Commission Implementing Decision (EU) 2024/2150 of 5
    August 2024"; "" where the parameters do not record it."""
    if RECORDED + ".adopted_on" not in ps.parameters:
        return ""
    adopted = ps["border_2024_2150.adopted_on"].values[-1]
    day: dt.date = adopted.value
    return f"{adopted.reference.act} of {day.day} {day:%B %Y}"


def _params(params: ParameterSet | None) -> ParameterSet:
    return params if params is not None else load_parameters()


def bound_states(on: dt.date, params: ParameterSet | None = None) -> tuple[str, ...]:
    """The Member States bound by the APR on ``on`` (recitals 106-107; Ireland's opt-in)."""
    states: tuple[str, ...] = _params(params)["border.bound_member_states"].at(on)
    return states


# --- the implementing acts (Art. 47(1), (5)) ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Phase:
    """One step of the annual maximum's phase-in within an act's period (Art. 47(1))."""

    since: dt.date
    until: dt.date  # last day, inclusive
    multiplier: int
    maximum: int | None = None
    citation: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "multiplier": self.multiplier,
            "maximum": self.maximum,
            "citation": self.citation,
        }


@dataclass(frozen=True, slots=True)
class BorderAct:
    """An implementing act of Art. 47(1) APR: when it is adopted, which years of data it uses,
    the period it applies and by when the capacity it sets must be in place (Art. 47(5)).

    ``number`` is its place among the acts Art. 47(5) schedules (1 for 2024, 2 for 2027, ...), or
    0 for a date the text does not schedule (a what-if)."""

    number: int
    act_date: dt.date
    statutory_date: dt.date | None
    applies_from: dt.date
    applies_until: dt.date
    capacity_in_place_by: dt.date  # the last day
    window: tuple[int, ...]
    phases: tuple[Phase, ...]
    recorded: str = ""  # the act as adopted, where recorded

    @property
    def label(self) -> str:
        if self.recorded:
            return self.recorded
        if self.number:
            return (
                f"implementing act no. {self.number} of Art. 47(1) APR, due {self.statutory_date}"
            )
        return f"an implementing act dated {self.act_date} (not a date Art. 47(5) sets)"

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "number": self.number,
            "act_date": self.act_date.isoformat(),
            "statutory_date": self.statutory_date.isoformat() if self.statutory_date else None,
            "applies_from": self.applies_from.isoformat(),
            "applies_until": self.applies_until.isoformat(),
            "capacity_in_place_by": self.capacity_in_place_by.isoformat(),
            "window": list(self.window),
            "phases": [p.as_dict() for p in self.phases],
            "recorded": self.recorded,
            "articles": ["Art. 47(1) APR", "Art. 47(5) APR"],
        }


def act_dates(until_year: int, params: ParameterSet | None = None) -> tuple[dt.date, ...]:
    """The dates Art. 47(5) sets for the implementing acts, up to ``until_year``."""
    ps = _params(params)
    first: dt.date = ps["border.act.first_date"].values[-1].value
    second: dt.date = ps["border.act.second_date"].values[-1].value
    step: int = ps["border.act.interval_years"].values[-1].value
    out = [first]
    at = second
    while at.year <= until_year:
        out.append(at)
        at = dt.date(at.year + step, at.month, at.day)
    return tuple(out)


def border_act(act_date: dt.date, params: ParameterSet | None = None) -> BorderAct:
    """The implementing act adopted on ``act_date``: an act Art. 47(5) schedules when the year is
    one of its years (the first act was adopted on 5 August 2024, not 12 August), else a what-if
    act applying until the next scheduled one."""
    ps = _params(params)
    on = ps.at(act_date)
    scheduled = act_dates(act_date.year + 10, ps)
    number = next((i + 1 for i, d in enumerate(scheduled) if d.year == act_date.year), 0)
    statutory = scheduled[number - 1] if number else None
    following = next(d for d in scheduled if d.year > act_date.year)
    apr_from: dt.date = on("border.apr_applies_from")
    first = scheduled[0].year == act_date.year
    if first:
        in_place = on("border.capacity_in_place.first_act_before") - _ONE_DAY
    else:
        in_place = add_months(act_date, on("border.capacity_in_place.months_after_later_acts"))
    years: int = on("border.reference_years")
    applies_from = max(act_date, apr_from)
    applies_until = following - _ONE_DAY
    recorded = recorded_citation(ps) if number == 1 else ""
    return BorderAct(
        number=number,
        act_date=act_date,
        statutory_date=statutory,
        applies_from=applies_from,
        applies_until=applies_until,
        capacity_in_place_by=in_place,
        window=tuple(range(act_date.year - years, act_date.year)),
        phases=_phases(applies_from, applies_until, ps),
        recorded=recorded,
    )


def _phases(start: dt.date, end: dt.date, ps: ParameterSet) -> tuple[Phase, ...]:
    entries = ps["border.maximum.multiplier"].values
    out = []
    for i, entry in enumerate(entries):
        last = entries[i + 1].since - _ONE_DAY if i + 1 < len(entries) else dt.date.max
        since, until = max(entry.since, start), min(last, end)
        if since <= until:
            out.append(Phase(since, until, int(entry.value), None, entry.reference.cite()))
    return tuple(out)


def acts_in_year(year: int, params: ParameterSet | None = None) -> tuple[BorderAct, ...]:
    """The scheduled acts that apply on some day of ``year`` (none before the APR applies)."""
    ps = _params(params)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    acts = (border_act(d, ps) for d in act_dates(year, ps))
    return tuple(a for a in acts if a.applies_from <= last and a.applies_until >= first)


def default_act_date(year: int, params: ParameterSet | None = None) -> dt.date:
    """The scheduled act in force on 1 January of ``year`` (in 2026 and before: the first act,
    which applies from 12 June 2026)."""
    ps = _params(params)
    dates = act_dates(year, ps)
    acts = [border_act(d, ps) for d in dates]
    on = max(dt.date(year, 1, 1), acts[0].applies_from)
    return next(a.act_date for a in reversed(acts) if a.applies_from <= on)


def annual_maximum(capacity: int, on: dt.date, params: ParameterSet | None = None) -> int:
    """The maximum number of applications a state with adequate capacity ``capacity`` must
    examine in the border procedure per year, as in force on ``on`` (Art. 47(1), second
    subparagraph): the multiplier of the day times the capacity."""
    ps = _params(params)
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 0:
        raise fail("capacity", capacity, "must be a whole number, 0 or more")
    multiplier = ps["border.maximum.multiplier"]
    first = multiplier.values[0].since
    if on < first:
        raise fail(
            "on",
            on,
            f"no annual maximum is set before {first.isoformat()} (Art. 47(1), second "
            "subparagraph; the APR applies from that date, Art. 79(2))",
            summary="no annual maximum",
        )
    factor: int = multiplier.at(on)
    return factor * capacity


#: The register's entry for the Commission's review of the numbers (Art. 77, third paragraph):
#: the date lives there, once.
NUMBERS_REVIEW = "register.apr.77.border_numbers_review"


def numbers_review(after: dt.date) -> tuple[dt.date | None, str]:
    """The first day on or after ``after`` by which the Commission must assess whether the
    numbers of Art. 46 and Art. 47(1), second subparagraph, are still adequate (Art. 77 APR,
    third paragraph), read from the obligations register, and the article it cites."""
    (duty,) = (o for o in load_register() if o.id == NUMBERS_REVIEW)
    found = duty.due_dates(after, after.replace(year=after.year + 10))
    return (found[0] if found else None), duty.cite()


__all__ = [
    "BorderAct",
    "Phase",
    "act_dates",
    "acts_in_year",
    "annual_maximum",
    "border_act",
    "bound_states",
    "default_act_date",
    "numbers_review",
    "recorded_citation",
]
