"""The due dates and the state of one crisis procedure (Regulation (EU) 2024/1359, Arts 3(5),
3(8), 4(3), 5, 6(4), 7, 10(6), 16(3)): the Commission's and the Council's two weeks, the
Commission's reports every three months, the Coordinator's bulletins every two weeks, the
revision of the national strategy within a year, the early registration of Art. 10(6), the
phase, and the :class:`~eupact.crisis.measures.AuthorisedMeasures` of each Council implementing
decision. Built by :func:`eupact.crisis.procedure.replay` from its replayed acts. Pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from eupact.explain import show
from eupact.parameters import ParametersAt
from eupact.timelimits import Unit, add_months, day, period_end

from .events import (
    AssessmentNotified,
    Bulletin,
    CommissionDecision,
    CouncilDecision,
    Event,
    NewDecision,
    Proposal,
    ReasonedRequest,
    Recommendation,
    Repeal,
    RepealProposal,
    Report,
)
from .measures import AuthorisedMeasures, Derogation, Situation
from .state import CrisisState, Due, Flag, Period, Phase, Status
from .timing import ONE_DAY, act_limit, formula, last_day

MA, IN = Situation.MASS_ARRIVALS, Situation.INSTRUMENTALISATION

USED = (
    "crisis.bound_member_states",
    "crisis.date_of_application",
    "crisis.assessment_window_months",
    "crisis.commission_decision_weeks",
    "crisis.council_decision_weeks",
    "crisis.time_limits.weekend_shift",
    "crisis.period_months",
    "crisis.extension_months",
    "crisis.extensions_per_decision",
    "crisis.new_decision_months",
    "crisis.maximum_months",
    "crisis.report_months",
    "crisis.bulletin_weeks",
    "crisis.strategy_revision_years",
    "crisis.registration.early_days",
    "crisis.art13.window_months",
)


@dataclass
class DecisionRun:
    """A Council implementing decision as replayed: its periods and what happened to it."""

    act: CouncilDecision
    situation: Situation
    first: dt.date
    initial_last: dt.date
    last: dt.date
    extensions: int = 0
    repealed_from: dt.date | None = None

    @property
    def name(self) -> str:
        return self.act.reference or f"Council implementing decision of {self.act.on.isoformat()}"

    @property
    def new(self) -> bool:
        return isinstance(self.act, NewDecision)


@dataclass
class Run:
    """The replay's working state (private; :class:`CrisisState` is what it returns)."""

    params: ParametersAt
    others: Sequence[AuthorisedMeasures]
    request: ReasonedRequest
    events: list[Event] = field(default_factory=list)
    notified: AssessmentNotified | None = None
    commission: CommissionDecision | None = None
    proposals: list[Proposal] = field(default_factory=list)
    pending: Proposal | None = None
    decisions: list[DecisionRun] = field(default_factory=list)
    periods: list[Period] = field(default_factory=list)
    repeal_proposals: list[RepealProposal] = field(default_factory=list)
    repealed: Repeal | None = None
    reports: list[Report] = field(default_factory=list)
    bulletins: list[Bulletin] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)

    def p(self, name: str) -> int:
        return int(self.params(name))

    @property
    def situation(self) -> Situation:
        assert self.commission is not None and self.commission.situation is not None
        return self.commission.situation


def commission_due(run: Run) -> Due:
    weeks = run.p("crisis.commission_decision_weeks")
    lim = act_limit(run.request.on, weeks, Unit.WEEKS, run.params)
    done = run.commission.on if run.commission else None
    return Due(
        "commission_decision",
        "implementing decision establishing (or not) the situation",
        "Commission",
        "Art. 3(8) CFMR",
        run.request.on,
        lim.due,
        f"request {formula(lim)}",
        _status(lim.due, done, None),
        done,
        "crisis.commission_decision_weeks",
    )


def council_due(run: Run, proposal: Proposal, done: dt.date | None = None) -> Due:
    weeks = run.p("crisis.council_decision_weeks")
    lim = act_limit(proposal.on, weeks, Unit.WEEKS, run.params)
    return Due(
        "council_decision",
        "implementing decision on the proposal",
        "Council",
        "Art. 4(3) CFMR",
        proposal.on,
        lim.due,
        f"proposal {formula(lim)}",
        _status(lim.due, done, None),
        done,
        "crisis.council_decision_weeks",
    )


def _status(due: dt.date, done: dt.date | None, as_of: dt.date | None) -> Status:
    if done is not None:
        return Status.DONE if done <= due else Status.DONE_LATE
    if as_of is not None and as_of > due:
        return Status.OVERDUE
    return Status.PENDING


def _rejudge(d: Due, as_of: dt.date) -> Due:
    status = _status(d.due, d.done_on, as_of)
    return (
        d
        if status is d.status
        else Due(
            d.key,
            d.what,
            d.by,
            d.article,
            d.start,
            d.due,
            d.formula,
            status,
            d.done_on,
            d.parameter,
        )
    )


def _recurring(
    key: str,
    what: str,
    by: str,
    article: str,
    parameter: str,
    schedule: list[tuple[dt.date, dt.date, str]],
    done: list[dt.date],
) -> list[Due]:
    """The k-th act recorded answers the k-th due date."""
    out = []
    for k, (start, due, counted) in enumerate(schedule):
        on = done[k] if k < len(done) else None
        out.append(
            Due(
                f"{key}.{k + 1}",
                what,
                by,
                article,
                start,
                due,
                counted,
                _status(due, on, None),
                on,
                parameter,
            )
        )
    return out


def _schedules(
    run: Run,
) -> tuple[list[tuple[dt.date, dt.date, str]], list[tuple[dt.date, dt.date, str]]]:
    months = run.p("crisis.report_months")
    weeks = run.p("crisis.bulletin_weeks")
    reports: list[tuple[dt.date, dt.date, str]] = []
    bulletins: list[tuple[dt.date, dt.date, str]] = []
    for d in run.decisions:
        start = d.act.in_force_on or d.act.on
        k = 1
        while add_months(start, months * (k - 1)) < d.last:
            due = add_months(start, months * k)
            reports.append(
                (start, due, f"in force {day(start)} + {months * k} months = {day(due)}")
            )
            k += 1
        if d.act.plan is None:
            continue
        k = 1
        while period_end(start, weeks * (k - 1), Unit.WEEKS) < d.last:
            due = period_end(start, weeks * k, Unit.WEEKS)
            bulletins.append(
                (start, due, f"in force {day(start)} + {weeks * k} weeks = {day(due)}")
            )
            k += 1
    return reports, bulletins


def build_state(run: Run, as_of: dt.date) -> CrisisState:
    r = run.request
    dues = [commission_due(run)]
    for n, proposal in enumerate(run.proposals, start=1):
        # each Council decision answers the proposal pending before it, in turn
        decided = run.decisions[n - 1].act.on if n <= len(run.decisions) else None
        due = council_due(run, proposal, decided)
        dues.append(
            Due(
                f"council_decision.{n}",
                due.what,
                due.by,
                due.article,
                due.start,
                due.due,
                due.formula,
                due.status,
                due.done_on,
                due.parameter,
            )
        )
    reports, bulletins = _schedules(run)
    dues += _recurring(
        "report",
        "report on the application of the decision",
        "Commission",
        "Art. 6(4) CFMR",
        "crisis.report_months",
        reports,
        [x.on for x in run.reports],
    )
    dues += _recurring(
        "bulletin",
        "bulletin on relocation",
        "EU Solidarity Coordinator",
        "Art. 7 CFMR",
        "crisis.bulletin_weeks",
        bulletins,
        [x.on for x in run.bulletins],
    )
    situation = run.commission.situation if run.commission and run.commission.established else None
    if run.decisions and situation in (MA, IN):
        end = run.decisions[-1].last
        years = run.p("crisis.strategy_revision_years")
        due_day = period_end(end, years, Unit.YEARS)
        dues.append(
            Due(
                "strategy_revision",
                "national strategy revised where necessary",
                r.state,
                "Art. 16(3) CFMR",
                end,
                due_day,
                f"end of the measures {day(end)} + {years} year = {day(due_day)}",
                Status.NOT_RECORDED,
                None,
                "crisis.strategy_revision_years",
            )
        )
    dues = [_rejudge(d, as_of) if d.status is not Status.NOT_RECORDED else d for d in dues]
    flags = list(run.flags)
    for d in dues:
        if d.status is Status.OVERDUE and d.key.startswith(("commission_decision", "council")):
            flags.append(
                Flag(
                    f"overdue_{d.key.split('.')[0]}",
                    f"{d.by}: {d.what} was due on {day(d.due)} ({d.article}); none "
                    f"recorded by {as_of.isoformat()}",
                    d.article,
                )
            )
    measures = tuple(_measures(run, d) for d in run.decisions)
    window_months = run.p("crisis.assessment_window_months")
    early, continued = _early(run, measures)
    latest = last_day(run.periods[0].first, run.p("crisis.maximum_months")) if run.periods else None
    used = tuple((n, show(run.params(n)), run.params.cite(n)) for n in USED)
    return CrisisState(
        state=r.state,
        claimed=r.situation,
        situation=situation,
        requested_on=r.on,
        as_of=as_of,
        phase=_phase(run, as_of),
        dues=tuple(dues),
        periods=tuple(run.periods),
        latest_end=latest,
        months_used_days=sum(p.days for p in run.periods),
        measures=measures,
        flags=tuple(flags),
        assessment_window=(add_months(r.on, -window_months), r.on - ONE_DAY),
        early_registration=early,
        early_registration_continued=continued,
        plan=next((d.act.plan for d in reversed(run.decisions) if d.act.plan is not None), None),
        recommendations=tuple(run.recommendations),
        events=tuple(run.events),
        parameters=used,
    )


def _early(
    run: Run, measures: tuple[AuthorisedMeasures, ...]
) -> tuple[tuple[dt.date, dt.date] | None, bool]:
    """Art. 10(6): up to ten days from the day after the request; longer only if the Council
    decision authorises Art. 10 from the day after those ten days at the latest."""
    if not run.request.early_registration:
        return None, False
    n = run.p("crisis.registration.early_days")
    first = run.request.on + ONE_DAY
    last = period_end(run.request.on, n, Unit.DAYS)
    continued = bool(
        measures
        and Derogation.REGISTRATION in measures[0].derogations
        and measures[0].applies_from <= last + ONE_DAY
    )
    return (first, last), continued


def _measures(run: Run, d: DecisionRun) -> AuthorisedMeasures:
    return AuthorisedMeasures(
        state=run.request.state,
        situation=d.situation,
        decision=d.name,
        adopted_on=d.act.on,
        applies_from=d.first,
        applies_until=d.last,
        initial_until=min(d.initial_last, d.last),
        derogations=d.act.derogations,
        take_back_window=d.act.take_back_window,
        ended_on=d.repealed_from,
        instrumentalisation_exclusion=d.act.instrumentalisation_exclusion,
        identification=d.act.identification,
    )


def _phase(run: Run, as_of: dt.date) -> Phase:
    if run.commission is None or run.commission.on > as_of:
        return Phase.ASSESSING
    if not run.commission.established:
        return Phase.NOT_ESTABLISHED
    decided = [d for d in run.decisions if d.act.on <= as_of]
    if run.repealed is not None and (run.repealed.effective_on or run.repealed.on) <= as_of:
        return Phase.REPEALED
    if any(d.first <= as_of <= d.last for d in decided):
        return Phase.APPLYING
    if run.pending is not None and run.pending.on <= as_of:
        return Phase.PROPOSED
    if any(as_of < d.first for d in decided):
        return Phase.ADOPTED
    if decided:
        return Phase.ENDED
    if any(p.on <= as_of for p in run.proposals):
        return Phase.PROPOSED
    return Phase.ESTABLISHED


__all__ = ["USED", "DecisionRun", "Run", "build_state", "commission_due", "council_due"]
