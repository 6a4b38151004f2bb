"""Scaffolding for the border procedure's tests (APR Arts. 47-50): the rows of the authorization
matrix (tests/test_api_permissions.py) for the /border routes.

Italy's notifications are seeded through the service for the reads of one notification: an
Art. 48 notification (its
recorded capacity is 8,016, Decision (EU) 2024/2150 as recorded; 9,000 in the procedures) and an
Art. 50 one (16,100 examined in 2026, at or above its maximum 2 × 8,016 = 16,032).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Role
from eupact.cycle.service.border import BorderWatch

from .api_support import World, state_of

BORDER_IT = Actor("test:IT", Role.MEMBER_STATE, "IT")
REFS = {"48": "IT-48-2026-1", "50": "IT-50-2026-1"}


def seed_notifications(world: World) -> dict[str, str]:
    """IT's Art. 48 and Art. 50 notifications of 2026, once per world: their refs."""
    if "border:48" not in world.ids:
        watch = BorderWatch(world.service.ctx)
        n48 = watch.notify(
            BORDER_IT,
            "48",
            dt.date(2026, 9, 2),
            in_procedure=9000,
            measure="apply",
            reasoning="the border facilities are full",
        )
        n50 = watch.notify(BORDER_IT, "50", dt.date(2026, 11, 20), examined=16100)
        assert (n48.ref, n50.ref) == (REFS["48"], REFS["50"])  # a world's first of each
        world.ids["border:48"], world.ids["border:50"] = n48.id, n50.id
    return REFS


@dataclass(frozen=True)
class BorderRoute:
    """How to call one route as actor ``who`` (the matrix's ``Route``)."""

    scenario: str
    build: Callable[[World, str], dict[str, Any]]


def _get(path: str) -> BorderRoute:
    return BorderRoute("empty", lambda w, who: {"path": path})


def _own(who: str) -> str:
    return state_of(who) or "IT"


def _figures(world: World, who: str) -> dict[str, Any]:
    month = {
        "month": "2026-07",
        "asylum_border": 300,
        "return_border": 50,
        "entered": 120,
        "left": 40,
        "examined": 90,
    }
    return {"path": "/border/figures", "json": {"months": [month]}}


def _notify(world: World, who: str) -> dict[str, Any]:
    body = {
        "article": "48",
        "notified_on": "2026-07-01",
        "in_procedure": 400,  # DE's recorded capacity: 374; FR's: not available
        "measure": "apply",
        "reasoning": "the matrix's notification",
    }
    return {"path": "/border/notifications", "json": body}


def _act(world: World, who: str) -> dict[str, Any]:
    body = {
        "notification_ref": REFS["50"],  # not seeded: the matrix counts every audit entry
        "kind": "verification",
        "act_date": "2026-11-27",
        "outcome": "verified",
    }
    return {"path": "/border/acts", "json": body}


def _one_notification(world: World, who: str) -> dict[str, Any]:
    return {"path": f"/border/notifications/{seed_notifications(world)['48']}"}


BORDER_ROUTES: dict[tuple[str, str], BorderRoute] = {
    ("GET", "/api/v1/border/capacities"): _get("/border/capacities?year=2026"),
    ("POST", "/api/v1/border/capacities"): BorderRoute(
        "empty",
        lambda w, who: {
            "path": "/border/capacities",
            "json": {
                "act_date": "2024-08-05",
                "figures": [
                    {"geo": "IT", "year": 2021, "irregular_crossings": 10, "source": "matrix"}
                ],
            },
        },
    ),
    ("GET", "/api/v1/border/figures"): _get("/border/figures"),
    ("GET", "/api/v1/border/figures/{geo}"): BorderRoute(
        "empty", lambda w, who: {"path": f"/border/figures/{_own(who)}"}
    ),
    ("GET", "/api/v1/border/figures/{geo}/{month}"): BorderRoute(
        "empty", lambda w, who: {"path": f"/border/figures/{_own(who)}/2026-07"}
    ),
    ("POST", "/api/v1/border/figures"): BorderRoute("empty", _figures),
    ("GET", "/api/v1/border/notifications"): _get("/border/notifications?year=2026"),
    ("GET", "/api/v1/border/notifications/{ref}"): BorderRoute("empty", _one_notification),
    ("POST", "/api/v1/border/notifications"): BorderRoute("empty", _notify),
    ("POST", "/api/v1/border/acts"): BorderRoute("empty", _act),
    ("GET", "/api/v1/border/status"): _get("/border/status?year=2026"),
    ("GET", "/api/v1/border/status/{geo}"): BorderRoute(
        "empty", lambda w, who: {"path": f"/border/status/{_own(who)}"}
    ),
}

# Allowed by role, refused by another rule: the Commission acts on an Art. 50 notification, and
# the matrix's world holds none (seeding one, as IT, would add a Member State's audit entry to
# the route's; the flow itself: tests/test_border_api.py).
BORDER_REFUSED: dict[tuple[tuple[str, str], str], tuple[int, str]] = {
    (("POST", "/api/v1/border/acts"), "commission"): (404, "notification_ref"),
}

__all__ = ["BORDER_IT", "BORDER_REFUSED", "BORDER_ROUTES", "seed_notifications"]
