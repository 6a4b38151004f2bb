"""Watching a Member State's border procedures month by month: Arts 47(2)-(3), 48, 49 and 50 of
Regulation (EU) 2024/1348 (APR).

* Art. 48(1): the count is the applicants in the asylum border procedure plus the persons in a
  return border procedure (Regulation (EU) 2024/1349 or a national equivalent); at or above the
  state's adequate capacity it may notify the Commission, with the content of Art. 49(1)
  (:class:`CapacityNotification`, :func:`check_notification`).
* Art. 48(2)-(4), with 47(2): after the notification, and while the count is at or above the
  capacity, the state need not examine Art. 42(1)(j) cases in the border procedure; the count is
  kept inflow-outflow (48(3): bound again as soon as it is below); the measure runs for the rest of
  the calendar year from the day after the notification (48(4)). Which count 48(2)-(3) compare is
  a [reading] (``border.watch.count_for_release``).
* Art. 49(4): while applying the measure, a monthly report (:class:`MonthlyReport`, elements (a)-(e)).
* Art. 50, with 47(3): applications examined in the border procedure since 1 January at or above
  the annual maximum — the state may notify; after the Commission's implementing act
  (:class:`MaximumAuthorisation`) it need not examine Art. 42(1)(c) and (j) cases there.
* Always bound (47(3), second sentence; 50, fourth paragraph): Art. 42(1)(f) and 42(3)(b) cases.
  Art. 50 names "Article 42(5), point (b)", a paragraph Art. 42 does not have: read as 42(3)(b)
  (``border.watch.always_bound``).

Each month is judged at its last day, on the figures the state reports (:class:`MonthlyFigures`);
:func:`check_monthly` refuses a series that skips or repeats a month, goes negative, or whose stock
does not follow inflow and outflow. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from eupact.border.acts import annual_maximum, bound_states
from eupact.border.notifications import (
    CapacityNotification,
    MaximumAuthorisation,
    MonthlyReport,
    WeekFlow,
    check_monthly_report,
    check_notification,
    month_end,
    text_problems,
    weeks_of,
)
from eupact.data.border_inputs import MAX_MONTHLY, MonthlyFigures, unbound_rule
from eupact.errors import EupactError, Problem, fail
from eupact.parameters import ParameterSet, load_parameters

_COUNTS = ("asylum_border", "return_border", "entered", "left", "examined")


def _params(params: ParameterSet | None) -> ParameterSet:
    return params if params is not None else load_parameters()


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _where(f: MonthlyFigures) -> str:
    return f"{f.geo} {f.month:%Y-%m}" if isinstance(f.month, dt.date) else f.geo


# --- the series of months (Art. 48(3), 49(1)) -----------------------------------------------------


def check_monthly(figures: Sequence[MonthlyFigures]) -> None:
    """Refuse monthly figures that break the rules of a series, naming field, month and rule:
    a count that is not a whole number from 0 to :data:`MAX_MONTHLY`; a month not given by its
    first day; a month repeated or skipped; a month whose stock (asylum + return border
    procedures) is not the previous month's plus those who entered less those who left (the
    inflow-outflow count of Art. 48(3))."""
    problems: list[Problem] = []
    by_geo: dict[str, list[MonthlyFigures]] = {}
    for f in figures:
        where = _where(f)
        if not isinstance(f.month, dt.date) or f.month.day != 1:
            problems.append(Problem("month", f.month, "must be the first day of a month", where))
            continue
        bad = False
        for name in _COUNTS:
            value = getattr(f, name)
            if isinstance(value, bool) or not isinstance(value, int):
                problems.append(Problem(name, value, "must be a whole number of persons", where))
                bad = True
            elif value < 0:
                problems.append(
                    Problem(
                        name, value, "must not be negative: a count of persons is 0 or more", where
                    )
                )
                bad = True
            elif value > MAX_MONTHLY:
                problems.append(
                    Problem(name, value, f"is above {MAX_MONTHLY:,}: not a plausible count", where)
                )
                bad = True
        if not bad:
            by_geo.setdefault(f.geo, []).append(f)
    for series in by_geo.values():
        series.sort(key=lambda f: f.month)
        for prev, cur in itertools.pairwise(series):
            where = _where(cur)
            if cur.month == prev.month:
                problems.append(
                    Problem(
                        "month",
                        cur.month.strftime("%Y-%m"),
                        "is given twice: one row a month",
                        where,
                    )
                )
                continue
            expected = _next_month(prev.month)
            if cur.month != expected:
                problems.append(
                    Problem(
                        "month",
                        cur.month.strftime("%Y-%m"),
                        f"follows {prev.month:%Y-%m}: {expected:%Y-%m} is missing (no month may "
                        "be skipped: the count runs inflow-outflow, Art. 48(3) APR)",
                        where,
                    )
                )
                continue
            should = prev.in_procedure + cur.entered - cur.left
            if cur.in_procedure != should:
                problems.append(
                    Problem(
                        "asylum_border + return_border",
                        cur.in_procedure,
                        f"does not follow inflow and outflow (Art. 48(3) APR): "
                        f"{prev.in_procedure:,} at the end of {prev.month:%Y-%m} + "
                        f"{cur.entered:,} entered - {cur.left:,} left = {should:,}",
                        where,
                    )
                )
    if problems:
        raise EupactError(problems, "monthly border figures refused")


# --- one month's status -------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthStatus:
    """One month of a state's border procedures, judged at the month's last day."""

    geo: str
    month: dt.date
    asylum_border: int
    return_border: int
    in_procedure: int  # Art. 48(1)
    counted: int  # the count Art. 48(2)-(3) compare ([reading])
    capacity: int
    capacity_reached: bool  # in_procedure >= capacity (48(1))
    may_notify_capacity: bool  # 48(1)
    notified_on: dt.date | None  # the notification in effect this calendar year
    released_48: bool  # not required to examine 42(1)(j) cases in the border procedure
    examined: int
    examined_year: int  # since 1 January (Art. 50, first paragraph)
    maximum: int | None
    maximum_reached: bool
    may_notify_maximum: bool  # Art. 50, first paragraph
    authorised_by: str | None  # the Art. 50 implementing act in effect
    released_50: bool
    released_from: tuple[str, ...]
    always_bound: tuple[str, ...]
    report_due: bool  # Art. 49(4): the measure is applied this month
    articles: tuple[str, ...]
    notes: tuple[str, ...] = ()
    authorised_on: dt.date | None = (
        None  # the day of that act: a day of the month before it is not released
    )

    @property
    def used(self) -> Fraction | None:
        """The share of the capacity in use (Art. 48(1) count over capacity)."""
        return Fraction(self.in_procedure, self.capacity) if self.capacity else None

    @property
    def used_percent(self) -> Decimal | None:
        used = self.used
        if used is None:
            return None
        tenths = (used * 1000 + Fraction(1, 2)).__floor__()
        return Decimal(tenths).scaleb(-1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "geo": self.geo,
            "month": self.month.strftime("%Y-%m"),
            "asylum_border": self.asylum_border,
            "return_border": self.return_border,
            "in_procedure": self.in_procedure,
            "counted": self.counted,
            "capacity": self.capacity,
            "used_percent": str(self.used_percent) if self.used_percent is not None else None,
            "capacity_reached": self.capacity_reached,
            "may_notify_capacity": self.may_notify_capacity,
            "notified_on": self.notified_on.isoformat() if self.notified_on else None,
            "released_48": self.released_48,
            "examined": self.examined,
            "examined_year": self.examined_year,
            "maximum": self.maximum,
            "maximum_reached": self.maximum_reached,
            "may_notify_maximum": self.may_notify_maximum,
            "authorised_by": self.authorised_by,
            "authorised_on": self.authorised_on.isoformat() if self.authorised_on else None,
            "released_50": self.released_50,
            "released_from": list(self.released_from),
            "always_bound": list(self.always_bound),
            "report_due": self.report_due,
            "articles": list(self.articles),
            "notes": list(self.notes),
        }


def _check_records(
    geo: str,
    notifications: Sequence[CapacityNotification],
    authorisations: Sequence[MaximumAuthorisation],
    ps: ParameterSet,
) -> None:
    problems = [
        Problem("geo", r.geo, f"a record of another state given for {geo}", "notification")
        for r in notifications
        if r.geo != geo
    ]
    problems += [
        Problem("geo", r.geo, f"a record of another state given for {geo}", "authorisation")
        for r in authorisations
        if r.geo != geo
    ]
    for a in authorisations:
        if not isinstance(a.adopted_on, dt.date):
            problems.append(Problem("adopted_on", a.adopted_on, "must be a date", a.act))
        elif a.until is not None and a.until < a.adopted_on:
            problems.append(
                Problem("until", a.until, f"is before the act's adoption {a.adopted_on}", a.act)
            )
        problems += text_problems("act", a.act, "authorisation", required=True)
    if problems:
        raise EupactError(problems, "border records refused")
    for n in notifications:
        check_notification(n, params=ps)


def _maximum_on(day: dt.date, capacity: int, ps: ParameterSet) -> int | None:
    first = ps["border.maximum.multiplier"].values[0].since
    return annual_maximum(capacity, day, ps) if day >= first else None


def watch(
    geo: str,
    figures: Sequence[MonthlyFigures],
    *,
    capacity: int,
    maximum: int | None = None,
    notifications: Collection[CapacityNotification] = (),
    authorisations: Collection[MaximumAuthorisation] = (),
    params: ParameterSet | None = None,
) -> tuple[MonthStatus, ...]:
    """Each month's status of ``geo``'s border procedures against its adequate ``capacity`` and
    annual ``maximum`` (given, or, when ``None``, the multiplier in force times the capacity, on
    the day the [reading] ``border.watch.maximum_on`` names), with the notifications made and the
    Commission's Art. 50 acts. Refuses figures that break :func:`check_monthly`, figures or
    records of another state, a state not bound, and months before the APR applies."""
    ps = _params(params)
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 0:
        raise fail("capacity", capacity, "must be a whole number, 0 or more")
    if maximum is not None and (
        isinstance(maximum, bool) or not isinstance(maximum, int) or maximum < 0
    ):
        raise fail("maximum", maximum, "must be a whole number, 0 or more")
    others = sorted({f.geo for f in figures if f.geo != geo})
    if others:
        raise fail("geo", others, f"figures of other states given for {geo}: one state at a time")
    check_monthly(figures)
    series = sorted(figures, key=lambda f: f.month)
    start: dt.date = ps["border.apr_applies_from"].values[-1].value
    if series and month_end(series[0].month) < start:
        raise fail(
            "month",
            series[0].month.strftime("%Y-%m"),
            f"is before the APR applies ({start}, Art. 79(2)): the border procedure's capacity "
            "is watched from that month on",
            _where(series[0]),
        )
    bound = bound_states(start, ps)
    if geo not in bound:
        raise fail("geo", geo, unbound_rule(geo, bound))
    _check_records(geo, tuple(notifications), tuple(authorisations), ps)
    out = []
    year_total = 0
    for i, f in enumerate(series):
        if i == 0 or f.month.year != series[i - 1].month.year:
            year_total = 0
        year_total += f.examined
        out.append(
            _month_status(f, year_total, capacity, maximum, notifications, authorisations, ps)
        )
    return tuple(out)


def _month_status(
    f: MonthlyFigures,
    examined_year: int,
    capacity: int,
    maximum: int | None,
    notifications: Collection[CapacityNotification],
    authorisations: Collection[MaximumAuthorisation],
    ps: ParameterSet,
) -> MonthStatus:
    end = month_end(f.month)
    at = ps.at(end)
    notes: list[str] = []
    articles = ["Art. 48(1) APR"]
    counted = f.in_procedure
    if at("border.watch.count_for_release") == "asylum_only":
        counted = f.asylum_border
    reached = f.in_procedure >= capacity
    # Art. 48(1), (2), (4): the notification of this calendar year in effect by the month's end
    offset = dt.timedelta(days=at("border.watch.release_48.start_days_after_notification"))
    valid = []
    for n in sorted(notifications, key=lambda n: n.notified_on):
        if n.notified_on.year != end.year or n.notified_on > end:
            continue
        if n.in_procedure < capacity:
            notes.append(
                f"the notification of {n.notified_on} reports {n.in_procedure:,}, below the "
                f"capacity {capacity:,}: Art. 48(1) allows it only at or above; not counted"
            )
            continue
        valid.append(n)
        if not n.others_informed:
            notes.append(
                f"notification of {n.notified_on}: the other Member States are to be informed "
                "(Art. 49(3))"
            )
    notice = valid[0] if valid else None
    in_effect = notice is not None and notice.notified_on + offset <= end
    released_48 = in_effect and counted >= capacity
    if notice is not None:
        articles += ["Art. 48(2)-(4) APR", "Art. 47(2) APR"]
        if not in_effect:
            notes.append(
                f"notified on {notice.notified_on}: the measure applies from the next day "
                "(Art. 48(4))"
            )
        elif not released_48:
            notes.append(
                f"below the capacity ({counted:,} < {capacity:,}): bound again for Art. 42(1)(j) "
                "cases (Art. 48(3))"
            )
    elif reached:
        notes.append("the capacity is reached: the state may notify the Commission (Art. 48(1))")
    # Art. 50: the year's count against the annual maximum
    limit = maximum
    if limit is None:
        on = end
        if at("border.watch.maximum_on") == "year_start":
            apr: dt.date = at("border.apr_applies_from")
            on = max(dt.date(end.year, 1, 1), apr)
        limit = _maximum_on(on, capacity, ps) if on <= end else None
    max_reached = limit is not None and examined_year >= limit
    articles.append("Art. 50 APR")
    act = next(
        (
            a
            for a in sorted(authorisations, key=lambda a: a.adopted_on)
            if a.adopted_on.year == end.year and a.adopted_on <= end
        ),
        None,
    )
    released_50 = False
    if act is not None:
        last = dt.date(end.year, 12, 31)
        if at("border.watch.release_50.period") == "as_set_in_the_act":
            if act.until is None:
                raise fail(
                    "until",
                    None,
                    "the [reading] border.watch.release_50.period=as_set_in_the_act needs the "
                    "period the implementing act sets",
                    act.act,
                )
            last = act.until
        released_50 = act.adopted_on <= end <= last
        articles.append("Art. 47(3) APR")
        if not max_reached:
            notes.append(
                f"{act.act}: the figures given show {examined_year:,} examined this year, "
                f"below the maximum {limit if limit is not None else 'not set'}; the act applies "
                "as adopted"
            )
    points: list[str] = []
    if released_48:
        points += at("border.watch.release_48.points")
    if released_50:
        points += at("border.watch.release_50.points")
    released = tuple(sorted(set(points)))
    always: tuple[str, ...] = tuple(at("border.watch.always_bound"))
    articles.append("Art. 47(3) APR, second sentence")
    if released_48:
        articles.append("Art. 49(4) APR")
    return MonthStatus(
        geo=f.geo,
        month=f.month,
        asylum_border=f.asylum_border,
        return_border=f.return_border,
        in_procedure=f.in_procedure,
        counted=counted,
        capacity=capacity,
        capacity_reached=reached,
        may_notify_capacity=reached,
        notified_on=notice.notified_on if notice else None,
        released_48=released_48,
        examined=f.examined,
        examined_year=examined_year,
        maximum=limit,
        maximum_reached=max_reached,
        may_notify_maximum=max_reached,
        authorised_by=act.act if act is not None and released_50 else None,
        authorised_on=act.adopted_on if act is not None and released_50 else None,
        released_50=released_50,
        released_from=tuple(p for p in released if p not in always),
        always_bound=always,
        report_due=released_48,
        articles=tuple(dict.fromkeys(articles)),
        notes=tuple(dict.fromkeys(notes)),
    )


__all__ = [
    "CapacityNotification",
    "MaximumAuthorisation",
    "MonthStatus",
    "MonthlyFigures",
    "MonthlyReport",
    "WeekFlow",
    "check_monthly",
    "check_monthly_report",
    "check_notification",
    "month_end",
    "watch",
    "weeks_of",
]
