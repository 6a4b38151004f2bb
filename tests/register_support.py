"""Scaffolding for the register's progress tests (issue 19 item 2): a fixed register of obligations
(the curated files in parameters/register/ are still growing; the tests' dates must not move
with them), and the rows of the authorization matrix (tests/test_api_permissions.py) for the
/register routes, which use the curated register itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eupact.cycle.permissions import PERMISSIONS
from eupact.cycle.service.register_rules import RECORDED_BY, binds
from eupact.register import Addressee, Block, Kind, Obligation, load_register

from .api_support import World, role_of, state_of


def obligation(
    id_: str,
    addressee: Addressee,
    block: Block,
    *,
    due: dt.date | None = None,
    recurrence: str = "",
    period: str = "",
    since: dt.date = dt.date(2024, 6, 11),
) -> Obligation:
    act, article = id_.split(".")[1:3]
    kind = Kind.DATE if due else Kind.RECURRING if recurrence else Kind.TIME_LIMIT
    return Obligation(
        id=id_,
        act=act,
        article=article,
        paragraph="1",
        subject="a subject",
        block=block,
        addressee=addressee,
        duty=f"do what {id_} says",
        kind=kind,
        due=due,
        recurrence=recurrence,
        period=period,
        after="the event" if period else "",
        note="",
        since=since,
    )


MS, C = Addressee.MEMBER_STATES, Addressee.COMMISSION
STRATEGY = "register.ammr.7.national_strategies"  # by Thursday 12 June 2025
REPORT = "register.ammr.9.annual_report"  # by 15 October each year
SATURDAY = "register.rcd.32.contingency"  # by Saturday 13 June 2026 (a fixed date)
EURODAC = "register.eurodac.1.readiness"  # Denmark takes part
COUNCIL = "register.ammr.57.council_act"
AGENCY = "register.qr.1.euaa_guidance"
AFTER = "register.apr.1.within"  # a time limit after an event: no date
REGISTER: tuple[Obligation, ...] = (
    obligation(STRATEGY, MS, Block.SOLIDARITY, due=dt.date(2025, 6, 12)),
    obligation(REPORT, C, Block.SOLIDARITY, recurrence="yearly 10-15"),
    obligation(SATURDAY, MS, Block.RECEPTION, due=dt.date(2026, 6, 13)),
    obligation(EURODAC, MS, Block.EURODAC, due=dt.date(2026, 6, 12)),
    obligation(COUNCIL, Addressee.COUNCIL, Block.SOLIDARITY, recurrence="yearly 12-31"),
    obligation(AGENCY, Addressee.EUAA, Block.PROCEDURES, due=dt.date(2026, 3, 1)),
    obligation(AFTER, MS, Block.PROCEDURES, period="2 weeks"),
)


# -- the authorization matrix's rows ----------------------------------------------------------


def _owed_by(who: str) -> Obligation | None:
    """An obligation of the curated register that ``who`` records (a state: its own)."""
    role = role_of(who)
    for ob in load_register():
        if RECORDED_BY[ob.addressee] is not role:
            continue
        if ob.addressee is Addressee.MEMBER_STATES and not binds(ob.act, state_of(who) or ""):
            continue
        if ob.kind is not Kind.TIME_LIMIT:
            return ob
    return None


@dataclass(frozen=True)
class RegisterRoute:
    """How to call one route as actor ``who`` (the matrix's ``Route``)."""

    scenario: str
    build: Callable[[World, str], dict[str, Any]]


def _get(path: str) -> RegisterRoute:
    return RegisterRoute(
        "empty", lambda w, who: {"path": path.format(own=(state_of(who) or "commission"))}
    )


def _post(world: World, who: str) -> dict[str, Any]:
    ob = _owed_by(who) or load_register()[0]
    body = {"obligation_id": ob.id, "status": "in_progress", "evidence": "matrix"}
    if role_of(who) in PERMISSIONS["register.write"] and _owed_by(who) is None:
        body["party"] = "DE"  # nothing of the register is this institution's yet: refused
    return {"path": "/register/progress", "json": body}


REGISTER_ROUTES: dict[tuple[str, str], RegisterRoute] = {
    ("GET", "/api/v1/register/obligations"): _get("/register/obligations?block=7"),
    ("GET", "/api/v1/register/progress"): _get("/register/progress?state={own}"),
    ("POST", "/api/v1/register/progress"): RegisterRoute("empty", _post),
    ("GET", "/api/v1/register/matrix"): _get("/register/matrix"),
    ("GET", "/api/v1/register/checklist/{geo}"): _get("/register/checklist/{own}"),
    ("GET", "/api/v1/register/{geo}.ics"): _get("/register/{own}.ics"),
}

# Allowed by role, refused by the register's own rule: an institution with no obligation of its
# own in the curated register yet records nothing (the Member States' duties are theirs).
REGISTER_REFUSED: dict[tuple[tuple[str, str], str], tuple[int, str]] = {
    (("POST", "/api/v1/register/progress"), who): (403, "obligation_id")
    for who in ("commission", "council", "coordinator")
    if _owed_by(who) is None
}

__all__ = [
    "AFTER",
    "AGENCY",
    "COUNCIL",
    "EURODAC",
    "REGISTER",
    "REGISTER_REFUSED",
    "REGISTER_ROUTES",
    "REPORT",
    "SATURDAY",
    "STRATEGY",
    "obligation",
]
