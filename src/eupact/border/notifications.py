"""What a Member State tells the Commission about its border procedures, and the Commission's act
in reply: Arts 48(1), 49 and 50 of Regulation (EU) 2024/1348 (APR).

* :class:`CapacityNotification` (Art. 48(1)) with the content of Art. 49(1)(a)-(c), made within the
  AMMR notification or not (49(2)), the other Member States informed (49(3));
  :func:`check_notification` refuses one that lacks an element.
* :class:`MaximumAuthorisation`: the Commission's implementing act of Art. 50, third paragraph.
* :class:`MonthlyReport` (Art. 49(4)(a)-(e)) of a state applying the Art. 48 measure, with the
  inflow-outflow of each week of the month; :func:`check_monthly_report`.

Pure records and their checks; :mod:`eupact.border.monitoring` reads them month by month.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from eupact.border.acts import bound_states
from eupact.data.border_inputs import MAX_MONTHLY, unbound_rule
from eupact.errors import EupactError, Problem, fail
from eupact.parameters import ParameterSet, load_parameters

MAX_TEXT = 5_000  # characters of a reasoning (Art. 49(1)(c)): a page or two, not a file
MAX_DAYS = 3_650  # an average duration in days (Art. 49(4)(d)-(e)) above ten years is a typo


def _params(params: ParameterSet | None) -> ParameterSet:
    return params if params is not None else load_parameters()


def month_end(month: dt.date) -> dt.date:
    """The last day of ``month``'s month."""
    return dt.date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])


# --- the notifications and the Commission's act ---------------------------------------------------

Measure = Literal["apply", "continue"]


@dataclass(frozen=True, slots=True)
class CapacityNotification:
    """A state's notification that its adequate capacity is reached (Art. 48(1)), with the
    content Art. 49(1) requires: (a) the count at the time of notification (asylum and return
    border procedures); (b) whether it intends to apply or to continue applying the Art. 48
    measure; (c) its substantiated reasoning, and where applicable the other national measures
    (including those of Art. 6(3) AMMR). ``with_ammr_notification``: made within the Art. 58-59
    AMMR notification (49(2)); ``others_informed``: the other Member States informed (49(3))."""

    geo: str
    notified_on: dt.date
    in_procedure: int  # 49(1)(a)
    measure: Measure  # 49(1)(b)
    reasoning: str  # 49(1)(c)
    other_measures: str = ""  # 49(1)(c), where applicable
    with_ammr_notification: bool = False  # 49(2)
    others_informed: bool = False  # 49(3)

    def as_dict(self) -> dict[str, Any]:
        return {
            "geo": self.geo,
            "notified_on": self.notified_on.isoformat(),
            "in_procedure": self.in_procedure,
            "measure": self.measure,
            "reasoning": self.reasoning,
            "other_measures": self.other_measures,
            "with_ammr_notification": self.with_ammr_notification,
            "others_informed": self.others_informed,
            "articles": ["Art. 48(1) APR", "Art. 49(1)-(3) APR"],
        }


def text_problems(field: str, text: object, where: str, *, required: bool) -> list[Problem]:
    if not isinstance(text, str):
        return [Problem(field, text, "must be text", where)]
    if required and not text.strip():
        return [Problem(field, text, "is required and must not be empty", where)]
    if len(text) > MAX_TEXT:
        return [Problem(field, text, f"is longer than {MAX_TEXT:,} characters", where)]
    return []


def check_notification(
    notification: CapacityNotification,
    *,
    capacity: int | None = None,
    params: ParameterSet | None = None,
) -> None:
    """Refuse a notification whose content does not meet Art. 49(1)(a)-(c), from a state not bound
    by the APR, dated before the APR applies, or — where ``capacity`` is given — reporting a
    count below it (Art. 48(1) allows the notification only at or above the capacity)."""
    ps = _params(params)
    n = notification
    where = f"notification {n.geo} {n.notified_on}"
    problems: list[Problem] = []
    start: dt.date = ps["border.apr_applies_from"].values[-1].value
    if not isinstance(n.notified_on, dt.date):
        raise fail("notified_on", n.notified_on, "must be a date", where)
    if n.notified_on < start:
        problems.append(
            Problem("notified_on", n.notified_on, f"is before {start} (Art. 79(2) APR)", where)
        )
    bound = bound_states(max(n.notified_on, start), ps)
    if n.geo not in bound:
        problems.append(Problem("geo", n.geo, unbound_rule(n.geo, bound), where))
    count = n.in_procedure
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_MONTHLY:
        problems.append(
            Problem(
                "in_procedure",
                count,
                f"Art. 49(1)(a): the number in the border procedures at the time of notification, "
                f"a whole number from 0 to {MAX_MONTHLY:,}",
                where,
            )
        )
    elif capacity is not None and count < capacity:
        problems.append(
            Problem(
                "in_procedure",
                count,
                f"is below the adequate capacity {capacity:,}: Art. 48(1) allows the "
                "notification only when the count equals or exceeds it",
                where,
            )
        )
    if n.measure not in ("apply", "continue"):
        problems.append(
            Problem(
                "measure",
                n.measure,
                "Art. 49(1)(b): say whether the state intends to 'apply' or to 'continue' "
                "applying the Art. 48 measure",
                where,
            )
        )
    problems += text_problems("reasoning", n.reasoning, where, required=True)
    problems += text_problems("other_measures", n.other_measures, where, required=False)
    if problems:
        raise EupactError(problems, "notification refused (Art. 49(1) APR)")


@dataclass(frozen=True, slots=True)
class MaximumAuthorisation:
    """The Commission's implementing act authorising a state, after verifying that it examined its
    annual maximum, not to examine Art. 42(1)(c) and (j) cases in the border procedure (Art. 50,
    third paragraph). ``until``: the last day the act sets, where it sets one."""

    geo: str
    act: str
    adopted_on: dt.date
    until: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "geo": self.geo,
            "act": self.act,
            "adopted_on": self.adopted_on.isoformat(),
            "until": self.until.isoformat() if self.until else None,
            "articles": ["Art. 50 APR"],
        }


# --- the monthly report (Art. 49(4)) --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WeekFlow:
    """One week's inflow and outflow of the border procedures (Art. 49(4)(b)); ``week_start`` is
    its Monday."""

    week_start: dt.date
    entered: int
    left: int


@dataclass(frozen=True, slots=True)
class MonthlyReport:
    """The monthly information of a state applying the Art. 48 measure (Art. 49(4)): (a) the
    number in the border procedure at the time; (b) the inflow-outflow of each week of the month;
    (c) the staff examining applications in the border procedure; (d) the average duration of the
    administrative stage, in days; (e) the average duration of a court's examination of a request
    to remain pending the appeal, in days (``None``: no such request that month)."""

    geo: str
    month: dt.date
    in_procedure: int  # (a)
    weeks: tuple[WeekFlow, ...]  # (b)
    staff: int  # (c)
    administrative_days: Decimal  # (d)
    court_days: Decimal | None  # (e)

    def as_dict(self) -> dict[str, Any]:
        return {
            "geo": self.geo,
            "month": self.month.strftime("%Y-%m"),
            "in_procedure": self.in_procedure,
            "weeks": [
                {"week_start": w.week_start.isoformat(), "entered": w.entered, "left": w.left}
                for w in self.weeks
            ],
            "staff": self.staff,
            "administrative_days": str(self.administrative_days),
            "court_days": str(self.court_days) if self.court_days is not None else None,
            "articles": ["Art. 49(4)(a)-(e) APR"],
        }


def weeks_of(month: dt.date) -> tuple[dt.date, ...]:
    """The Mondays of the weeks that have a day in ``month``."""
    first, last = dt.date(month.year, month.month, 1), month_end(month)
    monday = first - dt.timedelta(days=first.weekday())
    out = []
    while monday <= last:
        out.append(monday)
        monday += dt.timedelta(days=7)
    return tuple(out)


def _count_ok(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and 0 <= value <= MAX_MONTHLY


def _days_ok(value: object) -> bool:
    return (
        isinstance(value, Decimal)
        and value.is_finite()
        and 0 <= value <= MAX_DAYS
        and value == value.quantize(Decimal("0.01"))
    )


def check_monthly_report(report: MonthlyReport) -> None:
    """Refuse a monthly report missing an element of Art. 49(4)(a)-(e) or holding an impossible
    one: counts whole and from 0; every week with a day in the month given once, by its Monday
    (no week of another month); durations in days from 0 to ten years, at most two decimals."""
    r = report
    where = f"report {r.geo} {r.month:%Y-%m}" if isinstance(r.month, dt.date) else "report"
    problems: list[Problem] = []
    if not isinstance(r.month, dt.date) or r.month.day != 1:
        raise fail("month", r.month, "must be the first day of a month", where)
    if not _count_ok(r.in_procedure):
        problems.append(
            Problem("in_procedure", r.in_procedure, "(a): a whole number, 0 or more", where)
        )
    if not _count_ok(r.staff):
        problems.append(Problem("staff", r.staff, "(c): a whole number of staff, 0 or more", where))
    expected = weeks_of(r.month)
    seen: set[dt.date] = set()
    for w in r.weeks:
        if w.week_start in seen:
            problems.append(Problem("weeks", w.week_start, "(b): this week is given twice", where))
        elif w.week_start not in expected:
            problems.append(
                Problem(
                    "weeks",
                    w.week_start,
                    "(b): must be the Monday of a week with a day in the month "
                    f"({', '.join(d.isoformat() for d in expected)})",
                    where,
                )
            )
        seen.add(w.week_start)
        for name in ("entered", "left"):
            if not _count_ok(getattr(w, name)):
                problems.append(
                    Problem(
                        f"weeks {w.week_start} {name}",
                        getattr(w, name),
                        "(b): a whole number of persons, 0 or more",
                        where,
                    )
                )
    absent = [d for d in expected if d not in seen]
    if absent:
        problems.append(
            Problem(
                "weeks",
                [d.isoformat() for d in absent],
                "(b): the inflow-outflow of each week of the month is required; these weeks "
                "are missing",
                where,
            )
        )
    if not _days_ok(r.administrative_days):
        problems.append(
            Problem(
                "administrative_days",
                r.administrative_days,
                f"(d): days from 0 to {MAX_DAYS:,}, at most two decimals",
                where,
            )
        )
    if r.court_days is not None and not _days_ok(r.court_days):
        problems.append(
            Problem(
                "court_days",
                r.court_days,
                f"(e): days from 0 to {MAX_DAYS:,}, at most two decimals (or none)",
                where,
            )
        )
    if problems:
        raise EupactError(problems, "monthly report refused (Art. 49(4) APR)")


__all__ = [
    "CapacityNotification",
    "MaximumAuthorisation",
    "Measure",
    "MonthlyReport",
    "WeekFlow",
    "check_monthly_report",
    "check_notification",
    "month_end",
    "text_problems",
    "weeks_of",
]
