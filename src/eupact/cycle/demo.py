"""A demonstration cycle, loaded in-process through :class:`CycleService` (the same calls the REST
API makes, audited the same way): the 2026 cycle on its real legal dates, with the SYNTHETIC
example pledges — not the real ones, which our data does not hold.

``until="pledging"`` stops with pledging open (the state in which Member States enter pledges);
``until="implementation"`` goes on through the Council act (19 December 2025), the states
identified under migratory pressure informing that they use the pool (Art. 58(1)), the
deductions, the reconvened Forum — all as the example file records them — then offsets requests
and their replies and the first implementation records: where the 2026 cycle stands on the date
of this code (the year is not closed).

One story: the dashboard (`eupact serve --demo`), `eupact cycle run 2026` and
``examples/run_cycle_2026.py`` (through the REST API) take their steps from the example file and
from the data below, so they show the same deductions, Forum, offsets, relocations to implement
and shortfall (tests/test_demo_story.py). The one way they may differ is the date the figures
stand at: :func:`differences` names it, and `eupact serve --demo` prints it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from eupact.cycle.examples import example_pledges_path
from eupact.cycle.inputs import PledgesFile, read_pledges_file
from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Action, Role
from eupact.cycle.service import CycleService
from eupact.pool.benefit import UseOfPool
from eupact.pool.outcome import PoolOutcome
from eupact.pool.pledges import Deduction, DeductionStatus, Pledge, PledgeKind

Until = Literal["pledging", "implementation"]
INSTITUTIONS: dict[str, Role] = {
    "commission": Role.COMMISSION,
    "council": Role.COUNCIL,
    "coordinator": Role.COORDINATOR,
    "observer": Role.OBSERVER,
}
SYNTHETIC_NOTE = "SYNTHETIC demonstration record"

# The steps up to open pledging: the Commission's report, decision and proposal (late against
# 15 October, Art. 9(4), 11(4), 12(6)), the Council presidency's Forum and pledging.
OPENING: tuple[tuple[Action, str, dt.date], ...] = (
    (Action.ADOPT_REPORT, "commission", dt.date(2025, 11, 11)),
    (Action.ADOPT_DECISION, "commission", dt.date(2025, 11, 11)),
    (Action.ADOPT_PROPOSAL, "commission", dt.date(2025, 11, 11)),
    (Action.CONVENE_FORUM, "council", dt.date(2025, 11, 18)),
    (Action.OPEN_PLEDGING, "council", dt.date(2025, 11, 27)),
)
# Pledging closes, and the Council adopts its implementing act (Art. 57(1)).
ADOPTION: tuple[tuple[Action, str, dt.date], ...] = (
    (Action.CLOSE_PLEDGING, "council", dt.date(2025, 12, 8)),
    (Action.ADOPT_COUNCIL_ACT, "council", dt.date(2025, 12, 19)),
)


@dataclass(frozen=True, slots=True)
class OffsetsCall:
    """A benefitting state identifies applicants for a contributing state to take over
    (Art. 63(3), (6)); ``identified``: the contributing state's reply, if it has replied."""

    benefitting: str
    contributing: str
    applications: int
    identified: int | None


@dataclass(frozen=True, slots=True)
class Carried:
    """An implementation record: what ``state`` carried out (Art. 60(3), 64, 68)."""

    state: str
    kind: PledgeKind
    benefitting: str  # a financial contribution may name the state whose actions it funds (64(2))
    amount: Decimal


# Art. 63(3): pledges below the number, so offsets are owed; DE identifies all those IT calls
# (63(6)); EL's call is left for FR to answer.
OFFSETS = (OffsetsCall("IT", "DE", 500, 500), OffsetsCall("EL", "FR", 300, None))
IMPLEMENTATION_STARTS = dt.date(2026, 6, 12)  # the Council act applies (Art. 85)
IMPLEMENTED = (
    Carried("DE", PledgeKind.RELOCATION, "IT", Decimal(120)),
    Carried("FR", PledgeKind.FINANCIAL, "EL", Decimal(1_000_000)),
)


def uses_recorded(story: PledgesFile, today: dt.date) -> tuple[UseOfPool, ...]:
    """The uses of the pool the example file records (SYNTHETIC dates and needs), never dated
    after ``today``: a record says what has happened."""
    return tuple(use for use in story.uses_of_pool if use.informed_on <= today)


def demo_tokens(service: CycleService, states: tuple[str, ...]) -> dict[str, str]:
    """One API token per institution and per Member State (name → token, shown once)."""
    tokens = {
        name: service.create_token(role, None, f"demo {name}")
        for name, role in INSTITUTIONS.items()
    }
    for geo in states:
        tokens[geo] = service.create_token(Role.MEMBER_STATE, geo, f"demo {geo}")
    return tokens


def load_demo(
    service: CycleService, year: int = 2026, until: Until = "implementation"
) -> dict[str, str]:
    """Create the demonstration cycle in an empty database; return the API tokens."""
    bound = tuple(service.parameters.at(service.clock().date())("scope.bound_member_states"))
    tokens = demo_tokens(service, bound)
    who = {name: service.authenticate(token) for name, token in tokens.items()}
    story = read_pledges_file(example_pledges_path(year))

    def steps(table: tuple[tuple[Action, str, dt.date], ...]) -> None:
        for action, name, day in table:
            service.transition(who[name], year, action, day)

    service.create_cycle(who["commission"], year, synthetic=True)
    steps(OPENING)
    for p in story.pledges:
        pledge = Pledge(p.state, p.kind, p.amount, p.requested_by, SYNTHETIC_NOTE, "demo")
        service.create_pledge(who[p.state], year, pledge)
    if until == "pledging":
        return tokens
    steps(ADOPTION)
    for use in uses_recorded(story, service.clock().date()):
        service.inform_use_of_pool(who[use.state], year, use)
    _deductions(service, who, year, story)
    _offsets_and_implementation(service, who, year, story)
    return tokens


def _deductions(
    service: CycleService, who: dict[str, Actor], year: int, story: PledgesFile
) -> None:
    """The example file's deductions: each requested, and those it records as granted assessed
    by the Commission and granted by the Council (Art. 61, 62)."""
    c, co = who["commission"], who["council"]
    for d in story.deductions:
        request = Deduction(d.state, d.article, d.full, d.relocations, d.financial)
        recorded = service.request_deduction(who[d.state], year, request, SYNTHETIC_NOTE)
        if d.status is DeductionStatus.GRANTED:
            service.assess_deduction(c, year, recorded.id, SYNTHETIC_NOTE)
            service.decide_deduction(co, year, recorded.id, True, d.council_act)


def _offsets_and_implementation(
    service: CycleService, who: dict[str, Actor], year: int, story: PledgesFile
) -> None:
    co = who["council"]
    if story.forum_reconvened:
        service.reconvene_forum(co, year)  # Art. 13(4): a pledging exercise, closed by the Council
        service.close_reconvened_pledging(co, year)
    for call in OFFSETS:
        o = service.request_offsets(
            who[call.benefitting], year, call.benefitting, call.contributing, call.applications
        )
        if call.identified is not None:
            service.reply_offsets(who[call.contributing], year, o.id, call.identified)
    service.transition(who["coordinator"], year, Action.START_IMPLEMENTATION, IMPLEMENTATION_STARTS)
    for done in IMPLEMENTED:
        service.record_implementation(
            who[done.state], year, done.state, done.kind, done.benefitting, done.amount
        )


def _eur(amount: Decimal) -> str:
    return f"EUR {amount:,.0f}"


def differences(served: PoolOutcome, filed: PoolOutcome, on: dt.date) -> list[str]:
    """Each way the dashboard's outcome (``served``, as of ``on``) differs from the files'
    (``filed``: `eupact cycle run`), in a sentence; none when they tell one story.

    The one expected difference: `eupact cycle run` without --as-of counts every recorded use
    and takes the year as over, so alternative measures no benefitting state requested are
    already financial contributions there (Art. 57(4), 65(1)); the dashboard, before the end of
    the year, still waits for a request. Same totals, split differently."""
    out: list[str] = []
    moved = {
        g: r.pledged_alternative
        for g, r in filed.states.items()
        if r.alternative_converted != served.states[g].alternative_converted
    }
    if moved:
        out.append(
            f"alternative measures nobody requested ({_eur(sum(moved.values(), Decimal(0)))}: "
            f"{', '.join(sorted(moved))}): the files (`eupact cycle run`, the year taken as over) "
            "count them as financial contributions (Art. 57(4), 65(1)); the dashboard, on "
            f"{on.isoformat()}, waits until the end of the year for a benefitting state to "
            "request them (totals and what each state implements are the same; "
            f"`eupact cycle run {filed.act.year} --as-of {on.isoformat()}` shows the dashboard's "
            "split)"
        )
    if served.benefitting_states != filed.benefitting_states:
        out.append(
            f"benefitting states: dashboard {', '.join(served.benefitting_states) or 'none'}, "
            f"files {', '.join(filed.benefitting_states) or 'none'}"
        )
    if served.offsets.forum_reconvened != filed.offsets.forum_reconvened:
        yes = {True: "reconvened", False: "not reconvened"}
        out.append(
            f"High-Level Forum: dashboard {yes[served.offsets.forum_reconvened]}, "
            f"files {yes[filed.offsets.forum_reconvened]} (Art. 13(4))"
        )
    figures = (
        ("role", "role", str),
        ("deducted_total", "deducted", _eur),
        ("to_implement_total", "to implement", _eur),
        ("to_implement_relocations", "relocations to implement", str),
    )
    for geo, row in filed.states.items():
        mine = served.states[geo]
        for field, label, show in figures:
            a, b = getattr(mine, field), getattr(row, field)
            if a != b:
                out.append(f"{geo} {label}: dashboard {show(a)}, files {show(b)}")
        owed, filed_owed = (
            served.offsets.obligations.get(geo, 0),
            filed.offsets.obligations.get(geo, 0),
        )
        if owed != filed_owed:
            out.append(f"{geo} offsets owed: dashboard {owed:,}, files {filed_owed:,}")
    totals = (
        ("shortfall", "shortfall", _eur),
        ("deducted_total", "granted deductions", _eur),
        ("to_implement_total", "to implement", _eur),
        ("to_implement_relocations", "relocations to implement", lambda n: f"{n:,}"),
    )
    for field, label, show in totals:
        a, b = getattr(served.totals, field), getattr(filed.totals, field)
        if a != b:
            out.append(f"{label} in total: dashboard {show(a)}, files {show(b)}")
    return out


__all__ = [
    "ADOPTION",
    "IMPLEMENTATION_STARTS",
    "IMPLEMENTED",
    "INSTITUTIONS",
    "OFFSETS",
    "OPENING",
    "SYNTHETIC_NOTE",
    "Carried",
    "OffsetsCall",
    "Until",
    "demo_tokens",
    "differences",
    "load_demo",
    "uses_recorded",
]
