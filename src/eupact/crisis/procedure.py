"""The crisis and force majeure procedure of Regulation (EU) 2024/1359 (CFMR) as a pure state
machine: :func:`replay` reads the acts of one crisis in order and says where it stands.

* Art. 2: a reasoned request by a bound Member State (not Denmark, recital 64; Ireland since its
  opt-in, ``crisis.bound_member_states``), from the date of application (Art. 20, a [reading]),
  asking only for what its situation allows (8(1): solidarity in a crisis; Arts 10-13 by
  situation; 2(2)(d) the 11(7) choice with 11(6); 10(6) early registration with its reasons).
* Art. 3: the Commission's notice (3(3)); its decision within two weeks of the request (3(8)),
  on the two months before it (3(5)).
* Art. 4: the proposal together with the decision (4(1)); the Council's decision within two
  weeks of the proposal (4(3)), authorising only requested derogations (1(3)) the situation
  allows, with the 11(7) choice (11(8)), the persons concerned in a 1(4)(b) crisis (4(5)(c)), the
  Art. 13 registration window of at most four months before adoption (13(1)); a plan only in a
  crisis (4(5)(b)).
* Art. 5: three months, one extension of three on the Commission's confirmation (5(1)); a new
  decision for three at most, itself extended once (5(2)); twelve months in all (5(3)); no
  overlap with another crisis of the same state; Art. 10 in a 1(4)(a) crisis only in the
  initial decision's period (10(4)).
* Art. 6-7: repeal (6(3)); reports every three months (6(4)); bulletins every two weeks (Art. 7).
* Art. 14 recommendations and Art. 16(3)'s revision of the national strategy within a year.
* Art. 9(4)-(5): after a Council decision, a contributing state's notification that it took
  responsibility above its fair share (not the state in crisis; one per state; within the five
  years of 9(4)(b)), then the Commission's implementing act authorising at most the reduction
  notified (:class:`~eupact.pool.credits.CrisisCredit`); whether the number exceeds what the
  offsets of 9(1)(b) put above the state's fair share needs the pool's pledges and is the
  service's check.

A Commission or Council act after its two weeks is *flagged*, not refused: the law puts the
institutions under a duty to act in time, it does not make a late act invalid; the act stays
valid and the procedure goes on. What the law rules out (an act out of order, a second
extension, more than twelve months, a derogation the situation does not allow) is refused with
the field, the value and the article. How time is counted: :mod:`eupact.crisis.timing`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from eupact.errors import EupactError, Problem
from eupact.parameters import ParameterSet, load_parameters
from eupact.timelimits import day

from .credit_acts import credit_problems
from .events import (
    AssessmentNotified,
    Bulletin,
    CommissionDecision,
    CouncilDecision,
    CreditAuthorisation,
    CreditNotification,
    Event,
    Extension,
    NewDecision,
    Proposal,
    ReasonedRequest,
    Recommendation,
    Repeal,
    RepealProposal,
    Report,
)
from .measures import AuthorisedMeasures, Derogation, Situation
from .rules import (
    SITUATION_WORDS,
    Problems,
    derogations_allowed,
    exclusion_problems,
    plan_problems,
    request_problems,
    requested_problems,
    window_problems,
)
from .schedule import DecisionRun, Run, build_state, commission_due, council_due
from .state import CrisisState, Flag, Period
from .timing import ONE_DAY, last_day

MA, IN, FM = Situation.MASS_ARRIVALS, Situation.INSTRUMENTALISATION, Situation.FORCE_MAJEURE
SUMMARY = "crisis procedure refused"


def _refuse(index: int, event: Event, problems: Problems) -> EupactError:
    where = f"events[{index}] ({event.kind.value} of {event.on.isoformat()})"
    return EupactError([Problem(f, v, r, where) for f, v, r in problems], SUMMARY)


def replay(
    events: Iterable[Event],
    parameters: ParameterSet | None = None,
    *,
    as_of: dt.date | None = None,
    others: Sequence[AuthorisedMeasures] = (),
) -> CrisisState:
    """Where the crisis opened by ``events[0]`` (a :class:`ReasonedRequest`) stands on ``as_of``
    (default: the day of the last act). ``others`` are the measures of the state's other crises
    (their periods may not overlap this one's, Art. 5). Refuses acts out of order or against the
    CFMR with an :class:`~eupact.errors.EupactError` naming the act, the field and the article;
    flags late acts, which stay valid."""
    acts = tuple(events)
    if not acts or not isinstance(acts[0], ReasonedRequest):
        first = acts[0] if acts else None
        raise EupactError(
            [
                Problem(
                    "events[0]",
                    first.kind.value if first else None,
                    "the procedure opens with the Member State's reasoned request (Art. 2(1))",
                )
            ],
            SUMMARY,
        )
    request = acts[0]
    params = (parameters or load_parameters()).at(request.on)
    run = Run(params, others, request)
    problems = request_problems(request, params)
    if problems:
        raise _refuse(0, request, problems)
    run.events.append(request)
    previous = request.on
    for i, act in enumerate(acts[1:], start=1):
        if act.on < previous:
            raise _refuse(
                i,
                act,
                [
                    (
                        "date",
                        act.on,
                        f"is before the previous act ({previous.isoformat()}): acts are recorded "
                        "in the order they were adopted",
                    )
                ],
            )
        problems = _step(run, act)
        if problems:
            raise _refuse(i, act, problems)
        run.events.append(act)
        previous = act.on
    judged = as_of or previous
    if judged < request.on:
        raise EupactError(
            [
                Problem(
                    "as_of", judged, f"is before the reasoned request ({request.on.isoformat()})"
                )
            ],
            SUMMARY,
        )
    return build_state(run, judged)


def _step(run: Run, act: Event) -> Problems:
    if run.commission is not None and not run.commission.established:
        return [
            (
                "kind",
                act.kind.value,
                "the Commission found the conditions of Art. 1 not met (Art. 3(8)): the procedure "
                "ends there; a new situation needs a new reasoned request",
            )
        ]
    if isinstance(act, ReasonedRequest):
        return [
            (
                "kind",
                "request",
                "one reasoned request per procedure (Art. 2); a new decision is asked for under "
                "Art. 5(2) (a proposal with requested_on)",
            )
        ]
    if isinstance(act, AssessmentNotified):
        if run.notified is not None or run.commission is not None:
            return [
                ("kind", act.kind.value, "the notice comes once, before the decision (Art. 3(3))")
            ]
        run.notified = act
        return []
    if isinstance(act, CommissionDecision):
        return _commission(run, act)
    if isinstance(act, Recommendation):
        run.recommendations.append(act)
        return []
    if run.commission is None:
        return [
            (
                "kind",
                act.kind.value,
                "comes after the Commission's implementing decision establishing the situation "
                "(Art. 3(8))",
            )
        ]
    if isinstance(act, Proposal):
        return _proposal(run, act)
    if isinstance(act, CouncilDecision):
        return _council(run, act)
    if not run.decisions:
        return [
            (
                "kind",
                act.kind.value,
                "comes after the Council implementing decision (Art. 4(3))",
            )
        ]
    if isinstance(act, Extension):
        return _extension(run, act)
    if isinstance(act, RepealProposal):
        if run.repealed is not None:
            return [("kind", act.kind.value, "the decision is already repealed (Art. 6(3))")]
        run.repeal_proposals.append(act)
        return []
    if isinstance(act, Repeal):
        return _repeal(run, act)
    if isinstance(act, Report):
        run.reports.append(act)
        return []
    if isinstance(act, Bulletin):
        run.bulletins.append(act)
        return []
    if isinstance(act, CreditNotification | CreditAuthorisation):
        return credit_problems(run, act)
    raise AssertionError(act.kind)  # every kind is handled above


def _commission(run: Run, act: CommissionDecision) -> Problems:
    if run.commission is not None:
        return [("kind", act.kind.value, "the Commission decides once on a request (Art. 3(8))")]
    run.commission = act
    due = commission_due(run)
    if act.on > due.due:
        run.flags.append(
            Flag(
                "late_commission_decision",
                f"the Commission decided on {day(act.on)}, after {day(due.due)} "
                f"({due.formula}): late, still valid — Art. 3(8) sets a duty to decide in time, "
                "not a condition of validity",
                "Art. 3(8) CFMR",
            )
        )
    if act.established and act.situation is not run.request.situation:
        assert act.situation is not None
        run.flags.append(
            Flag(
                "situation_differs",
                f"the request claimed {SITUATION_WORDS[run.request.situation]}; the Commission "
                f"established {SITUATION_WORDS[act.situation]}: derogations are judged against "
                "the situation established",
                "Art. 3(8) CFMR",
            )
        )
    return []


def _proposal(run: Run, act: Proposal) -> Problems:
    if run.repealed is not None:
        return [
            (
                "kind",
                act.kind.value,
                "the decision was repealed (Art. 6(3)): a new situation needs a new request",
            )
        ]
    if run.pending is not None:
        return [
            (
                "kind",
                act.kind.value,
                f"the proposal of {run.pending.on.isoformat()} still awaits the Council (Art. 4(3))",
            )
        ]
    problems = derogations_allowed(act.derogations, run.situation, "derogations")
    problems += requested_problems(run.request, act.derogations, act.plan)
    problems += plan_problems(run.situation, act.plan)
    if problems:
        return problems
    assert run.commission is not None
    if not run.proposals and act.on != run.commission.on:
        run.flags.append(
            Flag(
                "proposal_not_simultaneous",
                f"the proposal is of {day(act.on)}, the Commission's decision of "
                f"{day(run.commission.on)}: Art. 4(1) has them made together",
                "Art. 4(1) CFMR",
            )
        )
    run.proposals.append(act)
    run.pending = act
    return []


def _council(run: Run, act: CouncilDecision) -> Problems:
    new = isinstance(act, NewDecision)
    if run.pending is None:
        return [
            (
                "kind",
                act.kind.value,
                "the Council decides on a Commission proposal (Art. 4(1), (3))",
            )
        ]
    if run.decisions and not new:
        return [
            (
                "kind",
                act.kind.value,
                "a decision after the first is a new decision (Art. 5(2)): kind new_decision",
            )
        ]
    if new and not run.decisions:
        return [("kind", act.kind.value, "the first decision is a council_decision (Art. 4(3))")]
    situation = run.situation
    problems = derogations_allowed(act.derogations, situation, "derogations")
    problems += requested_problems(run.request, act.derogations, act.plan)
    problems += plan_problems(run.situation, act.plan)
    problems += exclusion_problems(act.derogations, act.instrumentalisation_exclusion, "11(8)")
    if new and situation is MA and Derogation.REGISTRATION in act.derogations:
        problems.append(
            (
                "derogations",
                "10",
                "in a 1(4)(a) crisis Art. 10 applies only in the initial decision's period, not in "
                "a new decision under Art. 5(2) (Art. 10(4))",
            )
        )
    problems += window_problems(act, run.p("crisis.art13.window_months"))
    first = act.applies_from or act.on
    months = run.p("crisis.new_decision_months" if new else "crisis.period_months")
    longest = last_day(first, months)
    last = act.applies_until or longest
    article = "5(2)" if new else "5(1)"
    if last < first:
        problems.append(("applies_until", last, f"is before applies_from ({first.isoformat()})"))
    elif last > longest:
        problems.append(
            (
                "applies_until",
                last,
                f"a period of at most {months} months from {first.isoformat()} ends on "
                f"{longest.isoformat()} (Art. {article})",
            )
        )
    if run.decisions:
        prev = run.decisions[-1]
        if first <= prev.last:
            problems.append(
                (
                    "applies_from",
                    first,
                    f"the new decision comes at the end of the period, which runs until "
                    f"{prev.last.isoformat()} (Art. 5(2))",
                )
            )
    if problems:
        return problems
    kind = "new decision" if new else "initial"
    period = Period(
        kind,
        act.reference or f"decision of {act.on.isoformat()}",
        first,
        last,
        f"Art. {article} CFMR",
    )
    problems = _add_period(run, period, "applies_until")
    if problems:
        return problems
    due = council_due(run, run.pending)
    if act.on > due.due:
        run.flags.append(
            Flag(
                "late_council_decision",
                f"the Council decided on {day(act.on)}, after {day(due.due)} ({due.formula}): "
                "late, still valid — Art. 4(3) sets a duty to decide in time, not a condition "
                "of validity",
                "Art. 4(3) CFMR",
            )
        )
    if first < act.on:
        run.flags.append(
            Flag(
                "applies_before_adoption",
                f"the derogations apply from {first.isoformat()}, before the decision's adoption "
                f"on {act.on.isoformat()}: read the decision (Art. 4(5) lets it set the date)",
                "Art. 4(5) CFMR",
            )
        )
    if situation is IN and not act.identification:
        run.flags.append(
            Flag(
                "identification_missing",
                "a 1(4)(b) decision identifies the persons subject to instrumentalisation "
                "(Art. 4(5)(c)); none is recorded",
                "Art. 4(5)(c) CFMR",
            )
        )
    asked = run.request.instrumentalisation_exclusion
    if act.instrumentalisation_exclusion and asked and asked != act.instrumentalisation_exclusion:
        run.flags.append(
            Flag(
                "exclusion_differs",
                f"the request indicated {asked}, the decision specifies "
                f"{act.instrumentalisation_exclusion}: Art. 11(8) bases it on the state's "
                "indication (Art. 2(2)(d))",
                "Art. 11(8) CFMR",
            )
        )
    run.decisions.append(DecisionRun(act, situation, first, last, last))
    run.pending = None
    return []


def _add_period(run: Run, period: Period, name: str) -> Problems:
    """Art. 5(3): no more than twelve months in all; no overlap with the state's other crises."""
    state = run.request.state
    for m in run.others:
        if m.state == state and m.applies_from <= period.last and period.first <= m.applies_until:
            return [
                (
                    name,
                    period.last,
                    f"{period.first.isoformat()}–{period.last.isoformat()} overlaps {m.decision} "
                    f"({m.applies_from.isoformat()}–{m.applies_until.isoformat()}) for {state}: "
                    "one state's crisis periods may not overlap (Art. 5)",
                )
            ]
    months = run.p("crisis.maximum_months")
    start = run.periods[0].first if run.periods else period.first
    cap = last_day(start, months)
    allowed = (cap - start).days + 1
    used = sum(p.days for p in run.periods) + period.days
    if used > allowed:
        return [
            (
                name,
                period.last,
                f"the measures would apply {used} days in all, more than {months} months "
                f"({allowed} days from {start.isoformat()} to {cap.isoformat()}) (Art. 5(3))",
            )
        ]
    run.periods.append(period)
    return []


def _extension(run: Run, act: Extension) -> Problems:
    current = run.decisions[-1]
    if run.repealed is not None:
        return [
            ("kind", act.kind.value, "the decision was repealed: no extension (Art. 5(1), 6(3))")
        ]
    if current.extensions >= run.p("crisis.extensions_per_decision"):
        return [
            (
                "kind",
                act.kind.value,
                f"{current.name} was already extended: a period may be extended once "
                "(Art. 5(1)); ask for a new decision (Art. 5(2))",
            )
        ]
    if act.on > current.last:
        return [
            (
                "date",
                act.on,
                f"the period ended on {current.last.isoformat()}: an ended period cannot be "
                "extended (Art. 5(1)); ask for a new decision (Art. 5(2))",
            )
        ]
    if act.derogations is not None:
        extra = act.derogations - current.act.derogations
        if extra:
            return [
                (
                    "derogations",
                    sorted(d.value for d in extra),
                    "an extension keeps the decision's derogations; new ones need a new decision "
                    "(Art. 5(1)-(2))",
                )
            ]
        if current.situation is MA and Derogation.REGISTRATION in act.derogations:
            return [
                (
                    "derogations",
                    "10",
                    "in a 1(4)(a) crisis Art. 10 applies only in the initial decision's period, "
                    "not in an extension under Art. 5(1) (Art. 10(4))",
                )
            ]
    first = current.last + ONE_DAY
    months = run.p("crisis.extension_months")
    longest = last_day(first, months)
    last = act.until or longest
    if last < first or last > longest:
        return [
            (
                "until",
                last,
                f"an extension runs from {first.isoformat()} for at most {months} months, to "
                f"{longest.isoformat()} (Art. 5(1))",
            )
        ]
    kind = "new decision extension" if current.new else "extension"
    article = "Art. 5(2) CFMR" if current.new else "Art. 5(1) CFMR"
    problems = _add_period(run, Period(kind, current.name, first, last, article), "until")
    if problems:
        return problems
    current.extensions += 1
    current.last = last
    return []


def _repeal(run: Run, act: Repeal) -> Problems:
    if run.repealed is not None:
        return [("kind", act.kind.value, "the decision is already repealed (Art. 6(3))")]
    current = run.decisions[-1]
    effective = act.effective_on or act.on
    if effective > current.last:
        return [
            (
                "effective_on",
                effective,
                f"the period already ends on {current.last.isoformat()}: nothing left to repeal "
                "(Art. 6(3))",
            )
        ]
    run.repealed = act
    current.repealed_from = effective
    new_last = effective - ONE_DAY
    current.last = new_last
    current.initial_last = min(current.initial_last, new_last)
    kept = []
    for p in run.periods:
        if p.first > new_last:
            continue  # a period that never began
        kept.append(
            Period(p.kind, p.decision, p.first, min(p.last, new_last), p.article)
            if p.last > new_last
            else p
        )
    run.periods[:] = kept
    return []


__all__ = ["SUMMARY", "replay"]
