"""A demonstration cycle, loaded in-process through :class:`CycleService` (the same calls the REST
API makes, audited the same way): the 2026 cycle on its real legal dates, with the SYNTHETIC
example pledges — not the real ones, which our data does not hold.

``until="pledging"`` stops with pledging open (the state in which Member States enter pledges);
``until="implementation"`` goes on through the Council act (19 December 2025), the states
identified under migratory pressure informing that they use the pool (Art. 58(1)), the
deductions, the reconvened Forum — all as the example file records them, so that the dashboard
and `eupact cycle run 2026` tell one story (tests/test_demo_story.py) — then offsets requests and
their replies and the first implementation records: where the 2026 cycle stands on the date of
this code (the year is not closed).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

import yaml

from eupact.cycle.examples import example_pledges_path
from eupact.cycle.inputs import PledgesFile, read_pledges_file
from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Action, Role
from eupact.cycle.service import CycleService
from eupact.pool.pledges import Deduction, DeductionStatus, Pledge, PledgeKind

Until = Literal["pledging", "implementation"]
INSTITUTIONS: dict[str, Role] = {
    "commission": Role.COMMISSION,
    "council": Role.COUNCIL,
    "coordinator": Role.COORDINATOR,
    "observer": Role.OBSERVER,
}
SYNTHETIC_NOTE = "SYNTHETIC demonstration record"


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
    c, co = who["commission"], who["council"]

    def step(actor: Actor, action: Action, day: str) -> None:
        service.transition(actor, year, action, dt.date.fromisoformat(day))

    service.create_cycle(c, year, synthetic=True)
    step(c, Action.ADOPT_REPORT, "2025-11-11")
    step(c, Action.ADOPT_DECISION, "2025-11-11")
    step(c, Action.ADOPT_PROPOSAL, "2025-11-11")
    step(co, Action.CONVENE_FORUM, "2025-11-18")
    step(co, Action.OPEN_PLEDGING, "2025-11-27")
    document = yaml.safe_load(example_pledges_path(year).read_text(encoding="utf-8"))
    for p in document["pledges"]:
        pledge = Pledge(
            p["state"],
            PledgeKind(p["kind"]),
            Decimal(p["amount"]),
            tuple(p.get("requested_by", ())),
            SYNTHETIC_NOTE,
            "demo",
        )
        service.create_pledge(who[p["state"]], year, pledge)
    if until == "pledging":
        return tokens
    step(co, Action.CLOSE_PLEDGING, "2025-12-08")
    step(co, Action.ADOPT_COUNCIL_ACT, "2025-12-19")
    story = read_pledges_file(example_pledges_path(year))
    _uses_of_the_pool(service, who, year, story)
    _deductions(service, who, year, story)
    _offsets_and_implementation(service, who, year, story)
    return tokens


def _uses_of_the_pool(
    service: CycleService, who: dict[str, Actor], year: int, story: PledgesFile
) -> None:
    """The uses of the pool the example file records (SYNTHETIC dates and needs), never dated
    after today: a record says what has happened."""
    today = service.clock().date()
    for use in story.uses_of_pool:
        if use.informed_on <= today:
            service.inform_use_of_pool(who[use.state], year, use)


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
    co, sc = who["council"], who["coordinator"]
    if story.forum_reconvened:
        service.reconvene_forum(co, year)  # Art. 13(4): a pledging exercise, closed by the Council
        service.close_reconvened_pledging(co, year)
    # Art. 63(3): pledges below the number, so offsets are owed; DE identifies all those IT
    # calls (63(6)); EL's call is left for FR to answer
    o = service.request_offsets(who["IT"], year, "IT", "DE", 500)
    service.reply_offsets(who["DE"], year, o.id, 500)
    service.request_offsets(who["EL"], year, "EL", "FR", 300)
    service.transition(sc, year, Action.START_IMPLEMENTATION, dt.date(2026, 6, 12))
    service.record_implementation(who["DE"], year, "DE", PledgeKind.RELOCATION, "IT", Decimal(120))
    service.record_implementation(
        who["FR"], year, "FR", PledgeKind.FINANCIAL, "EL", Decimal(1_000_000)
    )


__all__ = ["INSTITUTIONS", "SYNTHETIC_NOTE", "Until", "demo_tokens", "load_demo"]
