"""Scaffolding for the Dublin workspace's tests (Part III AMMR): case documents, and the rows of the
authorization matrix (tests/test_api_permissions.py) for its routes.

The matrix's case is M-DE, held by DE, which FR's visa designates. It is seeded through the
service, as DE (and FR), on the first call of an actor the route allows: after the refused
actors, who must change nothing, and before the allowed ones act on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eupact.cycle.permissions import PERMISSIONS, Actor
from eupact.cycle.phases import Role
from eupact.cycle.service.dublin import DublinCases

from .api_support import World, role_of, state_of

DUBLIN_DE = Actor("test:DE", Role.MEMBER_STATE, "DE")
DUBLIN_FR = Actor("test:FR", Role.MEMBER_STATE, "FR")


def visa_case(
    ref: str, holder: str, criterion: str, registered: dt.date | None = None
) -> dict[str, Any]:
    """A case registered in ``holder`` on ``registered`` (default: 20 days ago, UTC), a short-stay
    visa of ``criterion``'s valid that day (Art. 29(2)): ``criterion`` is responsible."""
    registered = registered or dt.datetime.now(dt.UTC).date() - dt.timedelta(days=20)
    return {
        "case_id": ref,
        "applicant": {"date_of_birth": "1990-03-04"},
        "applications": [
            {
                "state": holder,
                "made_on": (registered - dt.timedelta(days=2)).isoformat(),
                "registered_on": registered.isoformat(),
            }
        ],
        "documents": [
            {
                "kind": "visa",
                "visa_type": "short_stay",
                "issuing_state": criterion,
                "valid_from": (registered - dt.timedelta(days=60)).isoformat(),
                "valid_to": registered.isoformat(),
            }
        ],
    }


def _seed(world: World, step: str) -> None:
    """M-DE once; ``step``: "sent" (DE asked FR to take charge), "accepted" (FR accepted)."""
    if "dublin:version" in world.ids:
        return
    cases = DublinCases(world.service.ctx)
    cases.create(DUBLIN_DE, visa_case("M-DE", "DE", "FR"))
    if step:
        sent = cases.send(DUBLIN_DE, "M-DE", "take_charge", "FR", article="29(2)")
        world.ids["dublin:request"] = sent.id
        if step == "accepted":
            cases.reply(DUBLIN_FR, "M-DE", sent.id, "accept")
    world.ids["dublin:version"] = cases.get(DUBLIN_DE, "M-DE").row.version


@dataclass(frozen=True)
class DublinRoute:
    """How to call one route as actor ``who`` (the matrix's ``Route``)."""

    scenario: str
    build: Callable[[World, str], dict[str, Any]]


def _route(operation: str, path: str, step: str = "sent", **request: Any) -> DublinRoute:
    def build(world: World, who: str) -> dict[str, Any]:
        if role_of(who) in PERMISSIONS[operation]:
            _seed(world, step)
        own = state_of(who) or "DE"
        out = {"path": path.format(request=world.ids.get("dublin:request", 1), own=own)}
        if "if_match" in request:
            out["headers"] = {"If-Match": f'"{world.ids.get("dublin:version", 1)}"'}
        body = request.get("json")
        if body == "new":
            body = visa_case(f"N-{own}", own, "IT")
        elif body == "same":
            body = visa_case("M-DE", "DE", "FR")
        if body is not None:
            out["json"] = body
        return out

    return DublinRoute("empty", build)


DUBLIN_ROUTES: dict[tuple[str, str], DublinRoute] = {
    ("GET", "/api/v1/dublin/cases"): _route("dublin.read", "/dublin/cases"),
    ("POST", "/api/v1/dublin/cases"): _route("dublin.write", "/dublin/cases", json="new"),
    ("GET", "/api/v1/dublin/cases/{ref}"): _route("dublin.read", "/dublin/cases/M-DE"),
    ("PUT", "/api/v1/dublin/cases/{ref}"): _route(
        "dublin.write", "/dublin/cases/M-DE", json="same", if_match=True
    ),
    ("GET", "/api/v1/dublin/cases/{ref}/decision"): _route(
        "dublin.read", "/dublin/cases/M-DE/decision"
    ),
    ("POST", "/api/v1/dublin/cases/{ref}/requests"): _route(
        "dublin.write",
        "/dublin/cases/M-DE/requests",
        step="",
        json={"kind": "take_charge", "to_state": "FR", "article": "29(2)"},
    ),
    ("POST", "/api/v1/dublin/cases/{ref}/requests/{request_id}/reply"): _route(
        "dublin.write", "/dublin/cases/M-DE/requests/{request}/reply", json={"kind": "accept"}
    ),
    ("POST", "/api/v1/dublin/cases/{ref}/transfer"): _route(
        "dublin.write", "/dublin/cases/M-DE/transfer", step="accepted", json={"kind": "decision"}
    ),
    ("GET", "/api/v1/dublin/deadlines.ics"): _route("dublin.read", "/dublin/deadlines.ics"),
    ("GET", "/api/v1/dublin/offset-cases"): _route(
        "dublin.read", "/dublin/offset-cases?benefitting_state={own}"
    ),
}

# Allowed by role, refused by Part III's own rule: only the holder (DE) changes its case, sends
# requests and transfers; only the state addressed (FR) replies.
DUBLIN_REFUSED: dict[tuple[tuple[str, str], str], tuple[int, str]] = {
    (("PUT", "/api/v1/dublin/cases/{ref}"), "FR"): (403, "state"),
    (("POST", "/api/v1/dublin/cases/{ref}/requests"), "FR"): (403, "state"),
    (("POST", "/api/v1/dublin/cases/{ref}/requests/{request_id}/reply"), "DE"): (403, "state"),
    (("POST", "/api/v1/dublin/cases/{ref}/transfer"), "FR"): (403, "state"),
}

__all__ = ["DUBLIN_DE", "DUBLIN_FR", "DUBLIN_REFUSED", "DUBLIN_ROUTES", "visa_case"]
