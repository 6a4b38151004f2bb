"""Who benefits from the pool, from when, and toward whom pledges need not be implemented
(Art. 58, 59, 60(3) third and fourth subparagraphs, 61(1) AMMR).

A Member State is not *benefitting* because the Art. 11 decision lists it: it becomes one by
informing the Commission and the Council, after the Council act, that it intends to use the pool
(Art. 58(1)), or by a Commission decision that it is under pressure on its own notification
(Art. 59(4)) that neither the Commission nor the Council (within two weeks, Art. 59(6)) refused.
Only such states are exempt from implementing their own pledges (Art. 60(3)) and barred from
asking for a deduction under Art. 61(1). Systemic shortcomings found by the Commission (Art. 11 or
59(4) decision) release contributors from pledges and offsets toward that state (Art. 60(3),
fourth subparagraph).

Everything here is dated: :func:`standing` answers "as of this date", so a ministry can see who
benefitted on 1 September and what changes when a notification is decided.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from eupact.errors import EupactError, Problem
from eupact.parameters import ParametersAt
from eupact.pool.acts import CouncilAct

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Needs:
    """The type and level of solidarity a state says it needs (Art. 58(2), 59(2)(b))."""

    relocations: int = 0
    financial: Decimal = ZERO
    programmes: tuple[str, ...] = ()

    @property
    def given(self) -> bool:
        return self.relocations > 0 or self.financial > 0


@dataclass(frozen=True, slots=True)
class UseOfPool:
    """Art. 58(1)–(2): a state identified under pressure informs that it will use the pool."""

    state: str
    informed_on: dt.date
    needs: Needs = Needs()
    location: str = ""


@dataclass(frozen=True, slots=True)
class Notification:
    """Art. 59(1)–(2): a state not identified under pressure notifies its need; then the
    Commission's decision (59(4)) and, within two weeks of it, a possible refusal (59(6))."""

    state: str
    notified_on: dt.date
    reasoning: str  # 59(2)(a)
    needs: Needs  # 59(2)(b)
    stabilisation: str  # 59(2)(c)
    vulnerabilities: str  # 59(2)(d)
    decided_on: dt.date | None = None
    under_pressure: bool | None = None
    shortcomings: bool = False  # systemic shortcomings found in the same decision (60(3))
    refused_on: dt.date | None = None
    refused_by: str = ""  # "council" (implementing act) or "commission"
    refusal_reason: str = ""
    location: str = ""


@dataclass(frozen=True, slots=True)
class ShortcomingsFinding:
    """Art. 60(3), fourth subparagraph: systemic shortcomings identified in a benefitting state
    with regard to Part III, in a decision under Art. 11 or Art. 59(4)."""

    state: str
    decided_on: dt.date
    article: str  # "11" or "59(4)"
    decision: str = ""
    location: str = ""


@dataclass(frozen=True, slots=True)
class Benefit:
    """Why and since when one state benefits from the pool."""

    state: str
    article: str
    since: dt.date
    needs: Needs
    forum_due: dt.date  # Technical-Level Forum convened by (58(3), 59(6))

    def describe(self) -> str:
        return (
            f"benefitting Member State since {self.since.isoformat()} ({self.article}): not "
            "obliged to implement its own pledges this year (Art. 60(3))"
        )


@dataclass(frozen=True)
class Standing:
    """Who benefits as of ``on`` (``None``: everything recorded), and what follows from it."""

    on: dt.date | None
    benefitting: Mapping[str, Benefit] = field(default_factory=dict)
    shortcomings: Mapping[str, str] = field(default_factory=dict)  # state -> decision
    barred_from_deduction: frozenset[str] = frozenset()  # used (58) or notified (59): 61(1)
    pending: Mapping[str, str] = field(default_factory=dict)  # notifications not yet effective

    @property
    def benefitting_states(self) -> tuple[str, ...]:
        return tuple(sorted(self.benefitting))

    def is_benefitting(self, geo: str) -> bool:
        return geo in self.benefitting

    @property
    def affected(self) -> tuple[str, ...]:
        """Benefitting states with systemic shortcomings: pledges toward them are released."""
        return tuple(g for g in self.benefitting_states if g in self.shortcomings)

    def released_share(self, params: ParametersAt) -> Fraction:
        """The part of each contributor's relocations and offsets owed toward benefitting states
        with systemic shortcomings, which it need not implement (Art. 60(3), 4th subpara.).

        [reading] ``implementation.systemic_shortcomings.spread``: pledges are not earmarked to a
        benefitting state, so the part owed toward each is its equal part, or its part of the
        relocation needs the benefitting states declared (58(2), 59(2)(b))."""
        if not self.affected:
            return Fraction(0)
        if params("implementation.systemic_shortcomings.spread") == "declared_needs":
            total = sum(b.needs.relocations for b in self.benefitting.values())
            if total > 0:
                return Fraction(
                    sum(self.benefitting[g].needs.relocations for g in self.affected), total
                )
        return Fraction(len(self.affected), len(self.benefitting))


NOBODY = Standing(None)


def _bound(state: str, field_name: str, params: ParametersAt, where: str) -> list[Problem]:
    if state not in params("scope.bound_member_states"):
        return [
            Problem(
                field_name,
                state,
                "not a Member State bound by Part IV AMMR (Denmark is not: recital 90)",
                where,
            )
        ]
    return []


def _applies(field_name: str, day: dt.date, params: ParametersAt, where: str) -> list[Problem]:
    """Arts. 58–63 apply from the date of application (Art. 85, a [reading])."""
    start = params("cycle.date_of_application_part_iv")
    if day < start:
        return [
            Problem(
                field_name,
                day.isoformat(),
                f"Arts. 58–63 AMMR apply from {start.isoformat()} (Art. 85, second paragraph; "
                "[reading] cycle.date_of_application_part_iv)",
                where,
            )
        ]
    return []


def _use_problems(u: UseOfPool, act: CouncilAct, params: ParametersAt) -> list[Problem]:
    problems = _bound(u.state, "state", params, u.location)
    if problems:
        return problems
    problems += _applies("informed_on", u.informed_on, params, u.location)
    if u.state not in act.under_pressure_states:
        problems.append(
            Problem(
                "state",
                u.state,
                "only a state identified as under migratory pressure in the Art. 11 decision "
                f"informs under Art. 58(1) (for {act.year}: "
                f"{', '.join(act.under_pressure_states) or 'none'}); "
                "a state that considers itself so notifies under Art. 59(1)",
                u.location,
            )
        )
    if u.informed_on < act.act_date:
        problems.append(
            Problem(
                "informed_on",
                u.informed_on.isoformat(),
                f"a state informs after the Council act establishing the pool "
                f"({act.act_date.isoformat()}, Art. 58(1))",
                u.location,
            )
        )
    return problems


def _notification_problems(n: Notification, act: CouncilAct, params: ParametersAt) -> list[Problem]:
    where = n.location
    problems = _bound(n.state, "state", params, where)
    if problems:
        return problems
    problems += _applies("notified_on", n.notified_on, params, where)
    if n.state in act.under_pressure_states:
        problems.append(
            Problem(
                "state",
                n.state,
                "identified as under migratory pressure in the Art. 11 decision: it informs "
                "that it uses the pool under Art. 58(1), it does not notify under Art. 59(1)",
                where,
            )
        )
    if n.notified_on < act.act_date:
        problems.append(
            Problem(
                "notified_on",
                n.notified_on.isoformat(),
                f"the need to use the pool is notified once the Council act has established it "
                f"({act.act_date.isoformat()}, Art. 57, 59(1))",
                where,
            )
        )
    for name, value, point in (
        ("reasoning", n.reasoning, "(a) a substantiated reasoning on the pressure"),
        ("stabilisation", n.stabilisation, "(c) how the pool could stabilise the situation"),
        ("vulnerabilities", n.vulnerabilities, "(d) how vulnerabilities will be addressed"),
    ):
        if not value.strip():
            problems.append(Problem(name, "", f"a notification includes Art. 59(2){point}", where))
    if not n.needs.given:
        problems.append(
            Problem(
                "needs",
                "0",
                "a notification includes the type and level of solidarity needed "
                "(Art. 59(2)(b)): relocations or financial contributions above zero",
                where,
            )
        )
    if n.decided_on is not None:
        if n.under_pressure is None:
            problems.append(
                Problem("under_pressure", "", "a Commission decision says yes or no (59(4))", where)
            )
        if n.decided_on < n.notified_on:
            problems.append(
                Problem(
                    "decided_on",
                    n.decided_on.isoformat(),
                    f"the Commission decides on a notification after it ({n.notified_on}, 59(4))",
                    where,
                )
            )
    elif n.under_pressure is not None or n.shortcomings:
        problems.append(
            Problem("decided_on", "", "a decision's content needs the decision's date", where)
        )
    if n.refused_on is not None:
        problems += _refusal_problems(n, params)
    return problems


def _refusal_problems(n: Notification, params: ParametersAt) -> list[Problem]:
    where = n.location
    if n.decided_on is None or not n.under_pressure:
        return [
            Problem(
                "refused_on",
                str(n.refused_on),
                "access is refused only after a Commission decision that the state is under "
                "migratory pressure (Art. 59(6))",
                where,
            )
        ]
    assert n.refused_on is not None
    problems = []
    if n.refused_by not in ("council", "commission"):
        problems.append(
            Problem(
                "refused_by",
                n.refused_by,
                "access is refused by the Commission or by a Council implementing act (59(6))",
                where,
            )
        )
    window = dt.timedelta(weeks=int(params("benefit.refusal_window_weeks")))
    if not n.decided_on <= n.refused_on <= n.decided_on + window:
        problems.append(
            Problem(
                "refused_on",
                n.refused_on.isoformat(),
                f"a refusal is adopted within {window.days // 7} weeks of the transmission of the "
                f"Commission decision ({n.decided_on.isoformat()} to "
                f"{(n.decided_on + window).isoformat()}, Art. 59(6))",
                where,
            )
        )
    if not n.refusal_reason.strip():
        problems.append(
            Problem(
                "refusal_reason",
                "",
                "a refusal names insufficient capacity of the pool or other objective reasons "
                "(Art. 59(6))",
                where,
            )
        )
    return problems


def _finding_problems(f: ShortcomingsFinding, params: ParametersAt) -> list[Problem]:
    problems = _bound(f.state, "state", params, f.location)
    if f.article not in ("11", "59(4)"):
        problems.append(
            Problem(
                "article",
                f.article,
                "systemic shortcomings are identified in a decision under Art. 11 or 59(4) "
                "(Art. 60(3), fourth subparagraph)",
                f.location,
            )
        )
    return problems


def validate_standing(
    act: CouncilAct,
    params: ParametersAt,
    uses: Iterable[UseOfPool] = (),
    notifications: Iterable[Notification] = (),
    findings: Iterable[ShortcomingsFinding] = (),
) -> None:
    """Refuse the whole set if any event breaks a rule (each problem names its row)."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for u in uses:
        problems += _use_problems(u, act, params)
        if u.state in seen:
            problems.append(
                Problem(
                    "state",
                    u.state,
                    f"already informed or notified ({seen[u.state] or 'an earlier row'}): one "
                    "use of the pool per state and year (Art. 58(1))",
                    u.location,
                )
            )
        seen[u.state] = u.location
    for n in notifications:
        problems += _notification_problems(n, act, params)
    for f in findings:
        problems += _finding_problems(f, params)
    if problems:
        raise EupactError(problems, "use of the pool refused; nothing was computed")


def _notification_benefit(
    n: Notification, on: dt.date | None, params: ParametersAt
) -> tuple[Benefit | None, str]:
    """The benefit a notification gives as of ``on``, or why it gives none (yet)."""
    if n.decided_on is None or (on is not None and n.decided_on > on):
        return (
            None,
            f"notified on {n.notified_on.isoformat()} (Art. 59(1)): Commission decision pending",
        )
    if not n.under_pressure:
        return None, (
            f"Commission decided on {n.decided_on.isoformat()} that it is not under migratory "
            "pressure (Art. 59(4)); it may notify again with new information (59(7))"
        )
    window = dt.timedelta(weeks=int(params("benefit.refusal_window_weeks")))
    if n.refused_on is not None and (on is None or n.refused_on <= on):
        high_level = ""
        if n.refused_by == "council":
            weeks = int(params("forum.high_level.after_refusal_weeks"))
            by = n.decided_on + dt.timedelta(weeks=weeks)
            high_level = (
                f"; where the Council found the pool's capacity insufficient, the High-Level "
                f"Forum is convened by {by.isoformat()} (Art. 59(7), 13(4))"
            )
        return None, (
            f"access to the pool refused by the {n.refused_by} on {n.refused_on.isoformat()} "
            f"(Art. 59(6)): {n.refusal_reason}{high_level}"
        )
    since = n.decided_on
    if params("benefit.during_refusal_window") == "after_window":
        since = n.decided_on + window
        if on is not None and on < since:
            return None, (
                f"Commission decision of {n.decided_on.isoformat()} (Art. 59(4)); benefitting "
                f"from {since.isoformat()} unless refused (Art. 59(6), [reading])"
            )
    due = n.decided_on + dt.timedelta(weeks=int(params("forum.technical.convene_weeks_59")))
    return Benefit(n.state, "Art. 59(4) AMMR", since, n.needs, due), ""


def standing(
    act: CouncilAct,
    params: ParametersAt,
    uses: Iterable[UseOfPool] = (),
    notifications: Iterable[Notification] = (),
    findings: Iterable[ShortcomingsFinding] = (),
    on: dt.date | None = None,
) -> Standing:
    """Who benefits from ``act``'s pool as of ``on`` (every recorded event if ``None``).

    Inputs must be valid (:func:`validate_standing`). Shortcomings the Art. 11 decision of the
    act's cycle found (``act.systemic_shortcomings_states``) count from the proposal's date."""
    uses, notifications, findings = tuple(uses), tuple(notifications), tuple(findings)

    def by(day: dt.date) -> bool:
        return on is None or day <= on

    days = int(params("forum.technical.convene_days_58"))
    benefitting: dict[str, Benefit] = {
        u.state: Benefit(
            u.state, "Art. 58(1) AMMR", u.informed_on, u.needs, u.informed_on + dt.timedelta(days)
        )
        for u in uses
        if by(u.informed_on)
    }
    pending: dict[str, str] = {}
    barred = {u.state for u in uses if by(u.informed_on)}
    for n in sorted(notifications, key=lambda n: n.notified_on):
        if not by(n.notified_on):
            continue
        barred.add(n.state)
        benefit, why = _notification_benefit(n, on, params)
        if benefit is not None:
            benefitting.setdefault(n.state, benefit)
            pending.pop(n.state, None)
        elif n.state not in benefitting:
            pending[n.state] = why
    shortcomings = {
        g: f"Art. 11 decision of {act.proposal_date.isoformat()}"
        for g in act.systemic_shortcomings_states
        if by(act.proposal_date)
    }
    for f in findings:
        if by(f.decided_on):
            shortcomings.setdefault(
                f.state,
                f"Art. {f.article} decision of {f.decided_on.isoformat()}"
                + (f" ({f.decision})" if f.decision else ""),
            )
    for n in notifications:
        if n.shortcomings and n.decided_on is not None and by(n.decided_on):
            shortcomings.setdefault(n.state, f"Art. 59(4) decision of {n.decided_on.isoformat()}")
    return Standing(on, benefitting, shortcomings, frozenset(barred), pending)


__all__ = [
    "NOBODY",
    "Benefit",
    "Needs",
    "Notification",
    "ShortcomingsFinding",
    "Standing",
    "UseOfPool",
    "standing",
    "validate_standing",
]
