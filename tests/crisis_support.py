"""The rows of the authorization matrix (tests/test_api_permissions.py) for the crisis procedure's
routes (/api/v1/crises, CFMR): a Member State opens its own crisis; everyone reads one opened by
IT (seeded for the reads, whose roles are all allowed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Role
from eupact.cycle.service.crisis import Crises

from .api_support import World

SEEDED_BY = Actor("test:IT", Role.MEMBER_STATE, "IT")


def state(geo: str) -> Actor:
    """A Member State's test actor."""
    return Actor(f"test:{geo}", Role.MEMBER_STATE, geo)


def seed(world: World) -> int:
    """IT's crisis, requested today (UTC), once per world."""
    if "crisis" not in world.ids:
        record = Crises(world.service.ctx).open(
            SEEDED_BY,
            {"situation": "force_majeure", "description": "the matrix's crisis"},
        )
        world.ids["crisis"] = record.crisis_id
    return world.ids["crisis"]


@dataclass(frozen=True)
class CrisisRoute:
    """How to call one route as actor ``who`` (the matrix's ``Route``)."""

    scenario: str
    build: Callable[[World, str], dict[str, Any]]


def _read(path: str) -> CrisisRoute:
    return CrisisRoute("empty", lambda w, who: {"path": path.format(id=seed(w))})


def _open(world: World, who: str) -> dict[str, Any]:
    return {
        "path": "/crises",
        "json": {"situation": "force_majeure", "description": f"{who}'s matrix request"},
    }


def _act(world: World, who: str) -> dict[str, Any]:
    # no crisis is seeded: its request is a Member State's act, which the audit check of a
    # route open to institutions only would count (the acts themselves: tests/test_crisis_api.py)
    kind = {"council": "repeal", "coordinator": "bulletin"}.get(who, "report")
    body = {"kind": kind, "date": dt.datetime.now(dt.UTC).date().isoformat()}
    return {"path": "/crises/1/events", "json": body}


CRISIS_ROUTES: dict[tuple[str, str], CrisisRoute] = {
    ("GET", "/api/v1/crises"): _read("/crises"),
    ("POST", "/api/v1/crises"): CrisisRoute("empty", _open),
    ("GET", "/api/v1/crises/in-force"): _read("/crises/in-force?state=IT"),
    ("GET", "/api/v1/crises/{crisis_id}"): _read("/crises/{id}"),
    ("POST", "/api/v1/crises/{crisis_id}/events"): CrisisRoute("empty", _act),
    ("GET", "/api/v1/crises/{crisis_id}/calendar.ics"): _read("/crises/{id}/calendar.ics"),
    ("GET", "/api/v1/crises/{crisis_id}/plan"): _read("/crises/{id}/plan"),
    ("GET", "/api/v1/crises/{crisis_id}/offsets"): _read("/crises/{id}/offsets"),
}

# Allowed by role, refused because there is no crisis 1 in the matrix's world (see _act).
CRISIS_REFUSED: dict[tuple[tuple[str, str], str], tuple[int, str]] = {
    (("POST", "/api/v1/crises/{crisis_id}/events"), who): (404, "crisis_id")
    for who in ("commission", "council", "coordinator")
}
# The matrix's crisis is one of force majeure, opened only: no plan (Art. 4(2)(b), 8(1)) and no
# Council decision to offset under (Art. 9(1)); every reader is told so alike.
CRISIS_REFUSED.update(
    {
        (("GET", f"/api/v1/crises/{{crisis_id}}/{what}"), who): (422, field)
        for what, field in (("plan", "situation"), ("offsets", "crisis_id"))
        for who in ("commission", "council", "coordinator", "observer", "DE", "FR")
    }
)

__all__ = ["CRISIS_REFUSED", "CRISIS_ROUTES", "seed"]
