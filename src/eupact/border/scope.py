"""What the asylum border procedure requires of a Member State on a day: Regulation (EU)
2024/1348 (APR) Arts 43(1), 44, 45(1), 47(2)-(3), 48, 50, 51(2) and 53, changed by the Art. 11
derogations of Regulation (EU) 2024/1359 (CFMR) that a Council implementing decision authorises
for the state and the day (CFMR Art. 1(4)-(5), 4(3)). One place joins them:

* grounds for which the border procedure is mandatory: the cases of Art. 43(1) with Art. 42(1)(c),
  (f) or (j) (Art. 45(1); ``border.scope.mandatory_points``), and 42(3)(b) for unaccompanied
  minors (Art. 53(1));
* grounds released, and why: 42(1)(j) after an Art. 48 notification while the count is at or
  above the adequate capacity (Art. 47(2), 48(2)-(4)); 42(1)(c) and (j) after the Commission's
  Art. 50 implementing act (Art. 47(3)); 42(1)(j) under CFMR Art. 11(2) in a crisis of mass
  arrivals (1(4)(a)) or force majeure (1(5)), never in one of instrumentalisation (1(4)(b));
* grounds never released: 42(1)(f) and 42(3)(b) (Art. 47(3), second sentence; Art. 50, fourth
  paragraph, which names "42(5)(b)": ``border.watch.always_bound``);
* the 42(1)(j) recognition-rate threshold: 20 %, or 5 % under CFMR Art. 11(3) (1(4)(a) only);
* decisions on the merits the border procedure may take: Art. 44(1)(b); nationalities at or below
  50 % under CFMR 11(4) (1(4)(a) only); every application of a person subject to
  instrumentalisation registered while 11(6) applies (1(4)(b) only), with the decision's 11(7)
  exclusion (11(8)) and 11(9)'s stops;
* the maximum duration for an application made that day: 12 weeks, 16 after a relocation (Art.
  51(2)); 6 weeks more under CFMR 11(1), never on top of the 16;
* whom to select first when the applicants exceed the Art. 47(1) number (Art. 44(2);
  ``border.scope.priority_when``), with Art. 44(3) and CFMR 11(5).

The values come from the parameters and from :mod:`eupact.crisis.border` (the CFMR's values in
force), the releases of Arts 48 and 50 from the month's :class:`MonthStatus` of
:func:`eupact.border.monitoring.watch`. Which derogations a situation allows is
:data:`eupact.crisis.rules.ALLOWED`; a decision that breaks it is refused. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from eupact.border.acts import bound_states
from eupact.border.monitoring import MonthStatus
from eupact.border.scope_result import (
    POINT_WORDS,
    PRIORITY_44_2,
    BorderScope,
    Ground,
    Merits,
    Priority,
    Release,
    compact,
)
from eupact.crisis.border import border_duration, j_threshold, merits_threshold
from eupact.crisis.measures import AuthorisedMeasures, Derogation, in_force
from eupact.crisis.rules import SITUATION_WORDS, derogations_allowed, exclusion_problems
from eupact.data.border_inputs import unbound_rule
from eupact.errors import EupactError, Problem, fail
from eupact.explain import ParameterUse, show
from eupact.parameters import ParametersAt, ParameterSet, load_parameters

_ALWAYS = "border.watch.always_bound"
_MANDATORY = "border.scope.mandatory_points"
_MERITS = "border.scope.merits_points"
_CRISIS_RELEASE = "border.scope.crisis_release.points"
_PRIORITY = "border.scope.priority_when"
_R48 = "border.watch.release_48.points"
_R48_START = "border.watch.release_48.start_days_after_notification"
_R50 = "border.watch.release_50.points"
_READINGS = (
    _PRIORITY,
    "border.watch.count_for_release",
    "border.watch.release_50.period",
    "border.watch.maximum_on",
)


def _check(
    state: object,
    on: object,
    status: MonthStatus | None,
    crises: Sequence[AuthorisedMeasures],
    ps: ParameterSet,
) -> None:
    if not isinstance(on, dt.date) or isinstance(on, dt.datetime):
        raise fail("on", on, "must be a date (YYYY-MM-DD)")
    start: dt.date = ps["border.apr_applies_from"].values[-1].value
    if on < start:
        raise fail(
            "on",
            on.isoformat(),
            f"is before the APR applies ({start.isoformat()}, Art. 79(2)): the border procedure "
            "of Arts 43-54 does not yet exist",
        )
    bound = bound_states(on, ps)
    if not isinstance(state, str) or state not in bound:
        raise fail("state", state, unbound_rule(str(state), bound))
    problems: list[Problem] = []
    if status is not None:
        month = dt.date(on.year, on.month, 1)
        if not isinstance(status, MonthStatus):
            problems.append(Problem("status", type(status).__name__, "must be a MonthStatus"))
        elif status.geo != state:
            problems.append(
                Problem("status.geo", status.geo, f"the month of another state: {state}")
            )
        elif status.month != month:
            problems.append(
                Problem(
                    "status.month",
                    status.month.strftime("%Y-%m"),
                    f"must be the month of the day asked ({month:%Y-%m})",
                )
            )
    for i, m in enumerate(crises):
        if not isinstance(m, AuthorisedMeasures):
            problems.append(
                Problem(f"crises.{i}", type(m).__name__, "must be a Council decision's measures")
            )
            continue
        found = derogations_allowed(m.derogations, m.situation, "derogations")
        found += exclusion_problems(m.derogations, m.instrumentalisation_exclusion, "11(8) CFMR")
        problems += [Problem(f"crises.{i}.{f}", v, r, m.decision) for f, v, r in found]
    if problems:
        raise EupactError(problems, "border scope refused")


def _covering(
    mine: Sequence[AuthorisedMeasures], d: Derogation, on: dt.date
) -> AuthorisedMeasures | None:
    return next((m for m in mine if m.covers(d, on)), None)


def _releases(
    on: dt.date,
    status: MonthStatus | None,
    mine: Sequence[AuthorisedMeasures],
    at: ParametersAt,
    notes: list[str],
) -> dict[str, list[Release]]:
    out: dict[str, list[Release]] = {}
    if status is not None:
        start = None
        if status.notified_on is not None:
            start = status.notified_on + dt.timedelta(days=int(at(_R48_START)))
        if status.released_48 and start is not None and on >= start:
            why = (
                f"notified on {status.notified_on}; {status.counted:,} in the border procedures "
                f"at the end of {status.month:%Y-%m}, at or above the adequate capacity "
                f"{status.capacity:,}"
            )
            for p in at(_R48):
                out.setdefault(p, []).append(
                    Release(
                        "48",
                        ("Art. 47(2) APR", "Art. 48(2)-(4) APR"),
                        why,
                        f"notification of {status.notified_on}",
                    )
                )
        elif status.released_48 and start is not None:
            notes.append(
                f"Notified on {status.notified_on}: the release from the Art. 48(2) measure "
                f"applies from {start.isoformat()} (Art. 48(4) APR)."
            )
        if (
            status.released_50
            and status.authorised_by
            and (status.authorised_on is None or on >= status.authorised_on)
        ):
            limit = f"{status.maximum:,}" if status.maximum is not None else "not set"
            why = (
                f"{status.authorised_by}; {status.examined_year:,} applications examined since 1 "
                f"January (annual maximum {limit})"
            )
            for p in at(_R50):
                out.setdefault(p, []).append(
                    Release("50", ("Art. 47(3) APR", "Art. 50 APR"), why, status.authorised_by)
                )
    m = _covering(mine, Derogation.BORDER_NOT_J, on)
    if m is not None:
        why = (
            f"{m.decision}, {SITUATION_WORDS[m.situation]}, where the contingency plan's "
            "measures (Art. 32 Directive (EU) 2024/1346) do not suffice"
        )
        for p in at(_CRISIS_RELEASE):
            out.setdefault(p, []).append(
                Release("11(2)", ("Art. 11(2) CFMR", "Art. 45(1) APR"), why, m.decision)
            )
    return out


def _merits(
    state: str,
    on: dt.date,
    crises: Sequence[AuthorisedMeasures],
    mine: Sequence[AuthorisedMeasures],
    at: ParametersAt,
) -> Merits:
    articles = ["Art. 44(1)(b) APR"]
    notes = ["Art. 44(1)(a) APR: inadmissibility (Art. 38) may also be decided."]
    rate = merits_threshold(state, on, crises, at)
    if rate is not None:
        articles.append("Art. 11(4) CFMR")
    m6 = _covering(mine, Derogation.BORDER_INSTRUMENTALISATION, on)
    exclusion = None
    if m6 is not None:
        exclusion = m6.instrumentalisation_exclusion
        articles += ["Art. 11(6) CFMR", f"Art. {exclusion} CFMR", "Art. 11(9) CFMR"]
        if exclusion == "11(7)(a)":
            notes.append(
                "Art. 11(7)(a) CFMR: minors under 12 and their family members, and persons with "
                "special procedural or reception needs, are excluded from the border procedure."
            )
        else:
            notes.append(
                "Art. 11(7)(b) CFMR: the border procedure ceases for minors under 12 and their "
                "family members and for vulnerable persons with special needs whose applications "
                "an individual assessment finds likely well-founded."
            )
        notes.append(
            "Art. 11(9) CFMR: not applied, or ceases, for medical reasons (Art. 53(2)(d) APR) or "
            "where the support needed cannot be provided (Art. 53(2)(c) APR)."
        )
    return Merits(
        tuple(at(_MERITS)),
        rate,
        m6.decision if m6 is not None else "",
        exclusion,
        tuple(articles),
        tuple(notes),
    )


def _priority(
    status: MonthStatus | None, at: ParametersAt, mine: Sequence[AuthorisedMeasures], on: dt.date
) -> Priority:
    examination = [
        (
            "Art. 44(3) APR",
            "minors and their family members in the border procedure (others with a higher "
            "prospect of return may also be taken first)",
        )
    ]
    applied = {d for m in mine for d in m.derogations if m.covers(d, on)}
    if applied & {Derogation.BORDER_THRESHOLD, Derogation.BORDER_MERITS}:
        examination.append(
            (
                "Art. 11(5) CFMR",
                "with Art. 11(3) or (4) applied: persons with special procedural or reception "
                "needs, minors and their family members",
            )
        )
    if applied & {
        Derogation.BORDER_THRESHOLD,
        Derogation.BORDER_MERITS,
        Derogation.BORDER_INSTRUMENTALISATION,
    }:
        examination.append(
            ("Art. 11(5) CFMR", "applications likely to be well-founded (the state may)")
        )
    how = at(_PRIORITY)
    if status is None:
        return Priority(
            None,
            "Art. 44(2) APR: not known whether the applicants exceed the Art. 47(1) number (no "
            "monthly figures given)",
            PRIORITY_44_2,
            tuple(examination),
        )
    if how == "examined_above_maximum":
        above = status.maximum is not None and status.examined_year > status.maximum
        limit = f"{status.maximum:,}" if status.maximum is not None else "not set"
        said = f"{status.examined_year:,} examined since 1 January against the maximum {limit}"
    else:
        above = status.counted > status.capacity
        said = (
            f"{status.counted:,} in the border procedures at the end of {status.month:%Y-%m} "
            f"against the adequate capacity {status.capacity:,}"
        )
    why = f"Art. 44(2) APR {'applies' if above else 'does not apply'}: {said}"
    if not above:
        why += " (it applies only above, [reading] border.scope.priority_when)"
    return Priority(above, why, PRIORITY_44_2, tuple(examination))


def _points_use(at: ParametersAt, name: str) -> ParameterUse:
    entry = at.entry(name)
    value = entry.value
    shown = ", ".join(value) if isinstance(value, tuple) else show(value)
    return ParameterUse(name, shown, entry.reference.cite(), entry.reference.note)


def border_scope(
    state: str,
    on: dt.date,
    *,
    status: MonthStatus | None = None,
    crises: Sequence[AuthorisedMeasures] = (),
    params: ParameterSet | None = None,
) -> BorderScope:
    """What the asylum border procedure requires of ``state`` on ``on`` (APR Arts 43-53, CFMR
    Art. 11): given the month's ``status`` from :func:`eupact.border.monitoring.watch` (the
    releases of Arts 48 and 50, judged at the month's end) and the Council implementing decisions
    ``crises`` (those of ``state`` in force on ``on`` apply). Refuses a day before the APR
    applies, a state it does not bind, a status of another state or month, and a decision
    authorising a derogation its situation does not allow (CFMR Art. 11(2)-(4), (6), 11(8))."""
    ps = params if params is not None else load_parameters()
    crises = tuple(crises)
    _check(state, on, status, crises, ps)
    at = ps.at(on)
    mine = in_force(crises, state, on)
    notes: list[str] = []
    always = tuple(at(_ALWAYS))
    mandatory = tuple(dict.fromkeys((*at(_MANDATORY), *always)))
    releases = _releases(on, status, mine, at, notes)
    grounds = []
    for p in mandatory:
        articles = ["Art. 45(1) APR", "Art. 43(1) APR"]
        if p in always:
            articles += ["Art. 47(3) APR", "Art. 50 APR"]
        if p.startswith("42(3)"):
            articles = ["Art. 53(1) APR", "Art. 47(3) APR", "Art. 50 APR"]
        grounds.append(
            Ground(
                p,
                POINT_WORDS.get(p, ""),
                p in always,
                tuple(articles),
                () if p in always else tuple(releases.get(p, ())),
            )
        )
    threshold = j_threshold(state, on, crises, at)
    duration = border_duration(state, on, crises, at)
    relocated = border_duration(state, on, crises, at, after_relocation=True)
    merits = _merits(state, on, crises, mine, at)
    priority = _priority(status, at, mine, on)
    decisions = tuple(f"{m.decision}: {SITUATION_WORDS[m.situation]}" for m in mine)
    if status is None:
        notes.append(
            "No monthly figures given: whether Arts 48 and 50 APR release the state from "
            "42(1)(j), or (c) and (j), is not assessed."
        )
    else:
        notes.append(
            f"Figures are monthly (Art. 49(1) APR): the count and the releases are those at the "
            f"end of {status.month:%Y-%m}."
        )
        if status.may_notify_capacity and status.notified_on is None:
            notes.append(
                "The adequate capacity is reached: the state may notify the Commission, then "
                "need not examine 42(1)(j) cases while at or above it (Art. 48(1)-(2) APR)."
            )
        if status.may_notify_maximum and not status.released_50:
            notes.append(
                "The annual maximum is reached: the state may notify the Commission; (c) and (j) "
                "are released only by the Commission's implementing act (Art. 50 APR)."
            )
    if merits.instrumentalisation:
        notes.append(
            "Art. 11(7) CFMR, last subparagraph, keeps the border procedure mandatory where it is "
            "(it names Art. 46 APR; the mandatory border procedure is Art. 45)."
        )
    notes.append(
        "Each applicant: unaccompanied minors only under 42(3)(b) (Art. 53(1) APR); the "
        "procedure is not applied or ceases in the cases of Art. 53(2) APR."
    )
    used = [_ALWAYS, _MANDATORY, _MERITS, _PRIORITY, "border.watch.count_for_release"]
    if status is not None:
        used += [_R48, _R48_START, _R50]
    if mine:
        used.append(_CRISIS_RELEASE)
    parameters = [_points_use(at, n) for n in used]
    for answer in (threshold, duration, relocated, merits.rate):
        if answer is not None and answer.parameter:
            parameters.append(ParameterUse.of(at, answer.parameter))
    articles = [a for g in grounds for a in g.articles]
    articles += [a for g in grounds for r in g.releases for a in r.articles]
    articles += [*threshold.articles, *merits.articles, *duration.articles, *relocated.articles]
    articles += [a for a, _ in priority.categories] + [a for a, _ in priority.examination]
    inputs: list[dict[str, Any]] = [
        {"name": "state", "value": state, "source_class": "user"},
        {"name": "on", "value": on.isoformat(), "source_class": "user"},
    ]
    if status is not None:
        inputs.append(
            {"name": "status", "value": status.as_dict(), "source_class": "user"},
        )
    inputs += [
        {"name": "crisis decision", "value": m.as_dict(), "source_class": "user"} for m in mine
    ]
    return BorderScope(
        state=state,
        on=on,
        grounds=tuple(grounds),
        threshold_j=threshold,
        merits=merits,
        duration=duration,
        duration_after_relocation=relocated,
        priority=priority,
        decisions=decisions,
        month=status.month.strftime("%Y-%m") if status is not None else None,
        inputs=tuple(inputs),
        parameters=tuple(dict.fromkeys(parameters)),
        readings=tuple(r for r in ps.readings_at(on) if r.name in _READINGS),
        articles=tuple(dict.fromkeys(articles)),
        notes=tuple(dict.fromkeys(notes)),
    )


__all__ = [
    "POINT_WORDS",
    "PRIORITY_44_2",
    "BorderScope",
    "Ground",
    "Merits",
    "Priority",
    "Release",
    "border_scope",
    "compact",
]
