"""The REST API's authorization matrix: every route × every role, on SQLite and PostgreSQL.

Each route declares its permission (``x-permission``, from the one table in
:mod:`eupact.cycle.permissions`); a route without one, or one the matrix does not list, fails
the suite. For every route the cycle is driven to the phase the route needs (on a fresh
database: a copy of that phase's template), then each of the six actors calls it: a role the
table allows succeeds (or is refused by a rule other than authorization, listed below), any other
gets 403 with a problem+json naming the rule and changes nothing. The narrower rules follow: a
Member State acts only for itself; the proposal and the outcome are RESTREINT UE until the
Council act; no token or a bad one is 401 everywhere. Cases marked xfail(strict=True) document
bugs; fix the bug, then drop the mark.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from eupact.cycle.permissions import OWN_STATE, PERMISSIONS
from eupact.cycle.phases import TRANSITIONS, Action, Phase, Role
from eupact.cycle.store.models import TokenRow

from .api_support import (
    MATRIX_ACTORS,
    PROBLEM,
    V1,
    YEAR,
    World,
    Worlds,
    assert_problem,
    make_world,
    role_of,
    state_of,
)
from .border_support import BORDER_REFUSED, BORDER_ROUTES
from .crisis_support import CRISIS_REFUSED, CRISIS_ROUTES
from .databases import BACKENDS
from .dublin_support import DUBLIN_REFUSED, DUBLIN_ROUTES
from .register_support import REGISTER_REFUSED, REGISTER_ROUTES

# Routes open without a token, on purpose.
PUBLIC = {("GET", "/healthz")}

Request = dict[str, Any]  # path (below /api/v1), json, headers
Builder = Callable[[World, str], Request]


@dataclass(frozen=True)
class Route:
    """How to call one route as actor ``who`` in a world built to ``scenario``."""

    scenario: str
    build: Builder


def own(who: str, default: str = "DE") -> str:
    """The state an actor acts for: its own for a Member State, else ``default``."""
    return state_of(who) or default


def target(world: World, kind: str, who: str) -> int:
    """The record of ``kind`` that ``who`` may act on (its own state's; DE's for the others)."""
    return world.ids[f"{kind}:{own(who)}"]


def _transition(world: World, who: str) -> Request:
    # Each institution asks for an action its role may take: the Commission's succeeds (the cycle
    # is 'opened'); the Council's and the Coordinator's are refused for the phase (422), which
    # is not an authorization failure. Member States and observers ask for the Commission's.
    action = {"council": "convene_forum", "coordinator": "start_implementation"}.get(
        who, "adopt_report"
    )
    return {"path": f"/cycles/{YEAR}/transitions", "json": {"action": action, "on": "2025-11-11"}}


def _close_reconvened(world: World, who: str) -> Request:
    # Art. 13(4): the Council closes the pledging exercise of the Forum it reconvened (the
    # scenario's exercise is closed: the Council reconvenes again before it closes)
    if who == "council":
        world.reconvene(close=False)
    return {"path": f"/cycles/{YEAR}/forum/close"}


def _pledge_body(who: str, amount: str = "200") -> dict[str, Any]:
    return {"state": own(who), "kind": "relocation", "amount": amount}


MATCH_BODY = {
    "applicants": [
        {
            "id": "A1",
            "benefitting_state": "IT",
            "family_unit": "F1",
            "links": [{"state": "DE", "kind": "family"}],
        },
        {"id": "A2", "benefitting_state": "IT", "family_unit": "F1"},
    ],
    "places": [
        {"contributing_state": "DE", "places": 2},
        {"contributing_state": "FR", "places": 1},
    ],
}

SCENARIO = {"label": "reference 25,000", "base": 2026}
#: Operations that compute and record nothing: no audit entry is expected of them.
UNRECORDED = {"scenario.run"}

ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "/api/v1/scenarios/run"): Route(
        "act", lambda w, who: {"path": "/scenarios/run", "json": SCENARIO}
    ),
    ("POST", "/api/v1/scenarios/compare"): Route(
        "act",
        lambda w, who: {"path": "/scenarios/compare", "json": {"a": SCENARIO, "b": SCENARIO}},
    ),
    ("POST", "/api/v1/cycles/{year}/matching"): Route(
        "act", lambda w, who: {"path": f"/cycles/{YEAR}/matching", "json": MATCH_BODY}
    ),
    ("GET", "/api/v1/cycles"): Route("act", lambda w, who: {"path": "/cycles"}),
    ("POST", "/api/v1/cycles"): Route(
        "empty", lambda w, who: {"path": "/cycles", "json": {"year": YEAR}}
    ),
    ("GET", "/api/v1/cycles/{year}"): Route("act", lambda w, who: {"path": f"/cycles/{YEAR}"}),
    ("POST", "/api/v1/cycles/{year}/transitions"): Route("opened", _transition),
    ("POST", "/api/v1/cycles/{year}/forum/reconvene"): Route(
        "act", lambda w, who: {"path": f"/cycles/{YEAR}/forum/reconvene"}
    ),
    ("POST", "/api/v1/cycles/{year}/forum/close"): Route("act", _close_reconvened),
    ("GET", "/api/v1/cycles/{year}/proposal"): Route(
        "act", lambda w, who: {"path": f"/cycles/{YEAR}/proposal"}
    ),
    ("GET", "/api/v1/cycles/{year}/outcome"): Route(
        "act", lambda w, who: {"path": f"/cycles/{YEAR}/outcome"}
    ),
    ("GET", "/api/v1/cycles/{year}/pledges"): Route(
        "act", lambda w, who: {"path": f"/cycles/{YEAR}/pledges"}
    ),
    ("POST", "/api/v1/cycles/{year}/pledges"): Route(
        "pledging",
        lambda w, who: {
            "path": f"/cycles/{YEAR}/pledges",
            "json": {"state": own(who), "kind": "financial", "amount": "1000"},
        },
    ),
    ("GET", "/api/v1/cycles/{year}/pledges/{pledge_id}"): Route(
        "act", lambda w, who: {"path": f"/cycles/{YEAR}/pledges/{target(w, 'pledge', who)}"}
    ),
    ("PUT", "/api/v1/cycles/{year}/pledges/{pledge_id}"): Route(
        "pledging",
        lambda w, who: {
            "path": f"/cycles/{YEAR}/pledges/{target(w, 'pledge', who)}",
            "json": _pledge_body(who),
            "headers": {"If-Match": '"1"'},
        },
    ),
    ("DELETE", "/api/v1/cycles/{year}/pledges/{pledge_id}"): Route(
        "pledging",
        lambda w, who: {
            "path": f"/cycles/{YEAR}/pledges/{target(w, 'pledge', who)}",
            "headers": {"If-Match": '"1"'},
        },
    ),
    ("POST", "/api/v1/cycles/{year}/pledges/{pledge_id}/requests"): Route(
        # DE and FR do not benefit: allowed by role, refused by Art. 65(1) (422).
        "act",
        lambda w, who: {
            "path": f"/cycles/{YEAR}/pledges/{target(w, 'pledge', who)}/requests",
            "json": {"benefitting_state": own(who)},
        },
    ),
    ("GET", "/api/v1/cycles/{year}/deductions"): Route(
        "act", lambda w, who: {"path": f"/cycles/{YEAR}/deductions"}
    ),
    ("POST", "/api/v1/cycles/{year}/deductions"): Route(
        "act",
        lambda w, who: {
            "path": f"/cycles/{YEAR}/deductions",
            "json": {
                "state": own(who),
                "article": "62",
                "full": True,
                "self_assessed": True,
                "reasons": "reception capacity exhausted (Art. 62(2))",
            },
        },
    ),
    ("POST", "/api/v1/cycles/{year}/deductions/{deduction_id}/assessment"): Route(
        "act",
        lambda w, who: {
            "path": f"/cycles/{YEAR}/deductions/{w.ids['deduction:requested']}/assessment",
            "json": {"assessment": "substantiated"},
        },
    ),
    ("POST", "/api/v1/cycles/{year}/deductions/{deduction_id}/decision"): Route(
        "act",
        lambda w, who: {
            "path": f"/cycles/{YEAR}/deductions/{w.ids['deduction:assessed']}/decision",
            "json": {"granted": True, "council_act": "Council Implementing Decision (T)"},
        },
    ),
    ("GET", "/api/v1/cycles/{year}/offsets"): Route(
        "act", lambda w, who: {"path": f"/cycles/{YEAR}/offsets"}
    ),
    ("POST", "/api/v1/cycles/{year}/offsets"): Route(
        # DE and FR are not benefitting states: allowed by role, refused by Art. 63(1) (422).
        "act",
        lambda w, who: {
            "path": f"/cycles/{YEAR}/offsets",
            "json": {
                "benefitting_state": own(who),
                "contributing_state": "NL",
                "applications": 10,
            },
        },
    ),
    ("POST", "/api/v1/cycles/{year}/offsets/{offset_id}/reply"): Route(
        "act",
        lambda w, who: {
            "path": f"/cycles/{YEAR}/offsets/{target(w, 'offset', who)}/reply",
            # obligatory offsets called (Art. 63(3)): identified in full (63(6))
            "json": {"accepted": 100},
        },
    ),
    ("GET", "/api/v1/cycles/{year}/implementation"): Route(
        "implementation", lambda w, who: {"path": f"/cycles/{YEAR}/implementation"}
    ),
    ("POST", "/api/v1/cycles/{year}/implementation"): Route(
        "implementation",
        lambda w, who: {
            "path": f"/cycles/{YEAR}/implementation",
            "json": {
                "state": own(who),
                "kind": "relocation",
                "benefitting_state": "IT",
                "amount": "5",
            },
        },
    ),
    ("POST", "/api/v1/cycles/{year}/confirmations"): Route(
        # Art. 60(6): in January of the following year; the scenario's day is in the pool year
        "implementation",
        lambda w, who: {
            "path": f"/cycles/{YEAR}/confirmations",
            "json": {"state": own(who), "relocations": 5},
        },
    ),
    ("GET", "/api/v1/cycles/{year}/monitoring"): Route(
        "implementation", lambda w, who: {"path": f"/cycles/{YEAR}/monitoring?on=2026-07-15"}
    ),
    ("GET", "/api/v1/cycles/{year}/standing"): Route(
        "act", lambda w, who: {"path": f"/cycles/{YEAR}/standing?on=2026-07-15"}
    ),
    ("GET", "/api/v1/cycles/{year}/uses-of-pool"): Route(
        "act", lambda w, who: {"path": f"/cycles/{YEAR}/uses-of-pool"}
    ),
    ("POST", "/api/v1/cycles/{year}/uses-of-pool"): Route(
        # DE and FR were not identified under pressure: allowed by role, refused by Art. 58(1).
        "act",
        lambda w, who: {
            "path": f"/cycles/{YEAR}/uses-of-pool",
            "json": {"state": own(who), "informed_on": "2026-06-15"},
        },
    ),
    ("GET", "/api/v1/cycles/{year}/notifications"): Route(
        "act", lambda w, who: {"path": f"/cycles/{YEAR}/notifications"}
    ),
    ("POST", "/api/v1/cycles/{year}/notifications"): Route(
        "act",
        lambda w, who: {
            "path": f"/cycles/{YEAR}/notifications",
            "json": {
                "state": own(who),
                "notified_on": "2026-07-01",
                "reasoning": "arrivals doubled (Art. 9(3)(a))",
                "needs": {"relocations": 100},
                "stabilisation": "frees reception capacity",
                "vulnerabilities": "contingency plan",
            },
        },
    ),
    ("POST", "/api/v1/cycles/{year}/notifications/{notification_id}/decision"): Route(
        "act",
        lambda w, who: {
            "path": f"/cycles/{YEAR}/notifications/{w.ids['notification:pending']}/decision",
            "json": {"decided_on": "2026-07-10", "under_pressure": True},
        },
    ),
    ("POST", "/api/v1/cycles/{year}/notifications/{notification_id}/refusal"): Route(
        "act",
        lambda w, who: {
            "path": f"/cycles/{YEAR}/notifications/{w.ids['notification:decided']}/refusal",
            "json": {
                "refused_on": "2026-07-20",
                "refused_by": who if who in ("commission", "council") else "council",
                "reason": "insufficient capacity in the pool",
            },
        },
    ),
    ("GET", "/api/v1/cycles/{year}/shortcomings"): Route(
        "act", lambda w, who: {"path": f"/cycles/{YEAR}/shortcomings"}
    ),
    ("POST", "/api/v1/cycles/{year}/shortcomings"): Route(
        "act",
        lambda w, who: {
            "path": f"/cycles/{YEAR}/shortcomings",
            "json": {"state": "IT", "decided_on": "2026-09-01", "article": "11"},
        },
    ),
    ("GET", "/api/v1/audit"): Route("act", lambda w, who: {"path": "/audit"}),
    ("GET", "/api/v1/audit/verify"): Route("act", lambda w, who: {"path": "/audit/verify"}),
}

ROUTES.update(DUBLIN_ROUTES)  # the Dublin workspace (Part III AMMR)
ROUTES.update(REGISTER_ROUTES)  # the obligations register's progress (issue 19)
ROUTES.update(BORDER_ROUTES)  # the border procedure's watching (APR Arts. 47-50)
ROUTES.update(CRISIS_ROUTES)  # the crisis procedure (CFMR)


def api_routes(app: Any) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every operation of the API, from its OpenAPI document (routers are included lazily by
    FastAPI, so the document, not ``app.routes``, lists them all)."""
    for path, operations in app.openapi()["paths"].items():
        for method, operation in sorted(operations.items()):
            yield method.upper(), path, operation


def permission_of(app: Any) -> dict[tuple[str, str], str]:
    return {(m, p): op["x-permission"] for m, p, op in api_routes(app) if "x-permission" in op}


def send(world: World, method: str, who: str | None, request: Request) -> Any:
    return world.call(
        method,
        request["path"],
        who,
        json=request.get("json"),
        headers=request.get("headers"),
    )


def assert_forbidden(response: Any, operation: str) -> None:
    """403 problem+json naming the rule: the role's (or, for own-state operations, the state's)."""
    assert response.status_code == 403, (response.status_code, response.text)
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == 403 and body["title"] == "not allowed", body
    error = body["errors"][0]
    if error["field"] == "role":
        assert f"'{operation}' is open to" in error["rule"], error
    else:
        assert error["field"] == "state" and "acts only for itself" in error["rule"], error
        assert operation in OWN_STATE, error


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def world_of(backend, request, tmp_path):
    """Worlds of the test's backend, on demand, each a copy of its scenario's template."""
    worlds = Worlds(request, tmp_path)
    yield lambda scenario: worlds(backend, scenario)
    worlds.close()


@pytest.fixture
def sqlite_world(tmp_path):
    with make_world("sqlite", tmp_path) as world:
        yield world


# -- the matrix covers every route, and every route declares its permission -------------------


def test_every_route_declares_a_permission_from_the_table(sqlite_world):
    app = sqlite_world.app
    undeclared = [
        (m, p) for m, p, r in api_routes(app) if (m, p) not in PUBLIC and not r.get("x-permission")
    ]
    assert undeclared == [], f"routes without x-permission: {undeclared}"
    declared = permission_of(app)
    assert set(declared.values()) <= set(PERMISSIONS), set(declared.values()) - set(PERMISSIONS)
    assert set(declared.values()) == set(PERMISSIONS), "a permission no route uses"
    # The OpenAPI document says the same as the routes.
    paths = app.openapi()["paths"]
    for (method, path), operation in declared.items():
        assert paths[path][method.lower()]["x-permission"] == operation, (method, path)
    documented = {
        (m.upper(), p)
        for p, ops in paths.items()
        for m, op in ops.items()
        if "x-permission" not in op
    }
    assert documented <= PUBLIC, documented - PUBLIC


def test_the_matrix_covers_exactly_the_routes_of_the_app(sqlite_world):
    declared = set(permission_of(sqlite_world.app))
    assert declared - set(ROUTES) == set(), (
        f"routes the matrix does not test: {declared - ROUTES.keys()}"
    )
    assert set(ROUTES) - declared == set(), f"matrix rows for no route: {ROUTES.keys() - declared}"


# -- the matrix: every route × every role ------------------------------------------------------


# An allowed role's request succeeds (2xx) unless a rule other than authorization refuses it.
REFUSED_BY_ANOTHER_RULE = {
    # The Council and the Coordinator may take transitions, not these in phase 'opened'.
    (("POST", "/api/v1/cycles/{year}/transitions"), "council"): (422, "phase"),
    (("POST", "/api/v1/cycles/{year}/transitions"), "coordinator"): (422, "phase"),
    # DE and FR may request offsets, but only a benefitting state does (Art. 63(1)).
    (("POST", "/api/v1/cycles/{year}/offsets"), "DE"): (422, "benefitting_state"),
    (("POST", "/api/v1/cycles/{year}/offsets"), "FR"): (422, "benefitting_state"),
    # Once 'matching.run' opens to Member States (Art. 67(3)-(4)): DE and FR match their own
    # candidates only, and MATCH_BODY's are IT's.
    (("POST", "/api/v1/cycles/{year}/matching"), "DE"): (403, "applicants[0].benefitting_state"),
    (("POST", "/api/v1/cycles/{year}/matching"), "FR"): (403, "applicants[0].benefitting_state"),
    # DE and FR may change pledges, but only a benefitting state requests alternative measures.
    (("POST", "/api/v1/cycles/{year}/pledges/{pledge_id}/requests"), "DE"): (
        422,
        "benefitting_state",
    ),
    (("POST", "/api/v1/cycles/{year}/pledges/{pledge_id}/requests"), "FR"): (
        422,
        "benefitting_state",
    ),
    # DE and FR may confirm their levels, but in January of the following year (Art. 60(6)).
    (("POST", "/api/v1/cycles/{year}/confirmations"), "DE"): (422, "confirmed_on"),
    (("POST", "/api/v1/cycles/{year}/confirmations"), "FR"): (422, "confirmed_on"),
    # DE and FR may inform, but only a state identified under pressure does (Art. 58(1)).
    (("POST", "/api/v1/cycles/{year}/uses-of-pool"), "DE"): (422, "state"),
    (("POST", "/api/v1/cycles/{year}/uses-of-pool"), "FR"): (422, "state"),
    # The Commission refused MT's access first; access is refused once (Art. 59(6)).
    (("POST", "/api/v1/cycles/{year}/notifications/{notification_id}/refusal"), "council"): (
        409,
        "refused_on",
    ),
    **DUBLIN_REFUSED,
    **REGISTER_REFUSED,
    **BORDER_REFUSED,
    **CRISIS_REFUSED,
}
MATRIX = [(b, r) for b in BACKENDS for r in sorted(ROUTES)]


@pytest.mark.parametrize(
    ("backend", "route"),
    MATRIX,
    ids=[f"{b}-{r[0]} {r[1].removeprefix(V1)}" for b, r in MATRIX],
    indirect=["backend"],
)
def test_matrix(route, world_of):
    method, _ = route
    case = ROUTES[route]
    world = world_of(case.scenario)
    operation = permission_of(world.app)[route]
    allowed = PERMISSIONS[operation]
    # Refused roles first: they must change nothing that the allowed roles then act on.
    order = sorted(MATRIX_ACTORS, key=lambda who: role_of(who) in allowed)
    before = world.snapshot()
    succeeded = 0
    for who in order:
        response = send(world, method, who, case.build(world, who))
        if role_of(who) not in allowed:
            assert_forbidden(response, operation)
            assert world.snapshot() == before, f"a refused {who} changed the database"
        elif (route, who) in REFUSED_BY_ANOTHER_RULE:
            status, field = REFUSED_BY_ANOTHER_RULE[(route, who)]
            assert_problem(response, status, field, "")
        else:
            assert 200 <= response.status_code < 300, (who, response.status_code, response.text)
            succeeded += 1
    # What the allowed roles did is audited under their own roles.
    if method != "GET" and operation not in UNRECORDED:
        log = [e.as_dict() for e in world.service.audit_log(world.actor("commission"), 0, 1000)[0]]
        roles = {e["role"] for e in log[before["audit_head"][0] :]}
        assert roles <= {str(r) for r in allowed}, roles
        assert bool(roles) == bool(succeeded), (roles, succeeded)


# -- transitions: the state machine names who may take each step -----------------------------


def test_each_transition_only_by_its_role(world_of):
    """Art. 9-14, 57: each step is taken by the actor the state machine names; the others are
    refused with the rule that names that actor, and the cycle does not move."""
    world = world_of("opened")
    for action, t in TRANSITIONS.items():
        assert world.phase() is t.source
        for who in MATRIX_ACTORS:
            if role_of(who) in t.roles:
                continue
            r = world.call("POST", f"/cycles/{YEAR}/transitions", who, json={"action": action})
            assert r.status_code in (403, 422), (action, who, r.text)
            if role_of(who) in (Role.MEMBER_STATE, Role.OBSERVER):
                assert_forbidden(r, "cycle.transition")
            else:
                allowed = ", ".join(sorted(t.roles))
                assert_problem(r, r.status_code, "role", f"only {allowed} may")
            assert world.phase() is t.source
        (who,) = [w for w in MATRIX_ACTORS if role_of(w) in t.roles]
        r = world.call("POST", f"/cycles/{YEAR}/transitions", who, json={"action": action})
        assert r.status_code == 200 and r.json()["phase"] == t.target, r.text
    assert world.phase() is Phase.CLOSED


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_transition_by_the_wrong_institution_is_403(world_of):
    world = world_of("opened")
    r = world.call(
        "POST", f"/cycles/{YEAR}/transitions", "council", json={"action": "adopt_report"}
    )
    assert_problem(r, 403, "role", "only commission may adopt report")


# -- the own-state rule ------------------------------------------------------------------------


def test_a_member_state_acts_only_for_itself_on_pledges(world_of):
    world = world_of("pledging")
    fr = world.ids["pledge:FR"]
    before = world.snapshot()
    attempts = [
        ("POST", f"/cycles/{YEAR}/pledges", {"state": "FR", "kind": "financial", "amount": "1"}),
        (
            "PUT",
            f"/cycles/{YEAR}/pledges/{fr}",
            {"state": "FR", "kind": "relocation", "amount": "9"},
        ),
        # DE's own state in the body does not open FR's pledge to DE.
        (
            "PUT",
            f"/cycles/{YEAR}/pledges/{fr}",
            {"state": "DE", "kind": "relocation", "amount": "9"},
        ),
        ("DELETE", f"/cycles/{YEAR}/pledges/{fr}", None),
    ]
    for method, path, body in attempts:
        r = world.call(method, path, "DE", json=body, headers={"If-Match": '"1"'})
        if body and body["state"] == "FR":  # the body names another state: refused as such
            body_ = assert_problem(r, 403, "state", "acts only for itself; this token is DE's")
            assert body_["title"] == "not allowed"
        else:  # FR's pledge is embargoed from DE: it does not exist for DE, on every verb
            body_ = assert_problem(r, 404, "id", "no such pledge")
            assert "FR" not in r.text
    assert world.snapshot() == before
    assert world.call("GET", f"/cycles/{YEAR}/pledges/{fr}", "FR").json()["relocations"] == 50


def test_a_member_state_acts_only_for_itself_after_the_act(world_of):
    world = world_of("act")
    before = world.snapshot()
    attempts = [
        (
            "DE",
            f"/cycles/{YEAR}/deductions",
            {"state": "FR", "article": "62", "full": True, "self_assessed": True},
        ),
        # IT's request to FR is FR's to answer, not DE's.
        ("DE", f"/cycles/{YEAR}/offsets/{world.ids['offset:FR']}/reply", {"accepted": 1}),
        # A benefitting state asks for offsets for itself only.
        (
            "IT",
            f"/cycles/{YEAR}/offsets",
            {"benefitting_state": "ES", "contributing_state": "DE", "applications": 5},
        ),
        (
            "DE",
            f"/cycles/{YEAR}/implementation",
            {"state": "FR", "kind": "financial", "benefitting_state": "IT", "amount": "5"},
        ),
    ]
    for who, path, body in attempts:
        r = world.call("POST", path, who, json=body)
        if path.endswith("/reply"):  # a request between two other states is not DE's to see
            assert_problem(r, 404, "id", "no such offsets request")
        else:
            assert_problem(r, 403, "state", f"acts only for itself; this token is {who}'s")
    assert world.snapshot() == before
    # ... and the state the request was for can.
    r = world.call(
        "POST",
        f"/cycles/{YEAR}/offsets/{world.ids['offset:FR']}/reply",
        "FR",
        json={"accepted": 100},  # obligatory offsets are identified in full (Art. 63(3), (6))
    )
    assert r.status_code == 200, r.text


# -- the embargo (Art. 12(6) AMMR): before the Council act ------------------------------------


def test_proposal_is_restreint_ue_until_the_act(world_of):
    """Art. 12(6): not public until the Council act; the Member States, who sit in the Council
    and pledge from it, read it while the High-Level Forum meets and pledging runs."""
    world = world_of("pledging")
    for who in MATRIX_ACTORS:
        r = world.call("GET", f"/cycles/{YEAR}/proposal", who)
        if who in ("commission", "council", "DE", "FR"):
            assert r.status_code == 200 and r.json()["rows"], r.text
        else:
            body = assert_problem(r, 403, "phase", "RESTREINT UE until the Council act")
            assert body["title"] == "embargoed"
    r = world.call("GET", f"/cycles/{YEAR}/proposal?format=csv", "observer")
    assert r.status_code == 403 and r.headers["content-type"].startswith(PROBLEM)
    r = world.call("GET", f"/cycles/{YEAR}/proposal?format=csv", "DE")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")


def test_member_states_read_the_proposal_from_the_forum_on(world_of):
    """Before the High-Level Forum meets, the proposal is the Commission's and the Council's
    (Art. 12(6), 13(2)); from its convening, Member States read it too; observers never before
    the act."""
    world = world_of("opened")
    world.advance(Phase.PROPOSAL_ADOPTED)
    for who in ("DE", "observer", "coordinator"):
        r = world.call("GET", f"/cycles/{YEAR}/proposal", who)
        assert_problem(r, 403, "phase", "RESTREINT UE until the Council act")
    for phase in (Phase.FORUM_CONVENED, Phase.PLEDGING_OPEN, Phase.PLEDGING_CLOSED):
        world.advance(phase)
        assert world.call("GET", f"/cycles/{YEAR}/proposal", "FR").status_code == 200, phase
        r = world.call("GET", f"/cycles/{YEAR}/proposal", "observer")
        assert_problem(r, 403, "phase", "RESTREINT UE")
    world.advance(Phase.COUNCIL_ACT_ADOPTED)
    assert world.call("GET", f"/cycles/{YEAR}/proposal", "observer").status_code == 200


def test_outcome_before_the_act_commission_council_full_states_their_own_row(world_of):
    world = world_of("pledging")
    for who in ("commission", "council"):
        body = world.call("GET", f"/cycles/{YEAR}/outcome", who).json()
        assert "totals" in body and len(body["rows"]) >= 26, body
    for who in ("DE", "FR"):
        r = world.call("GET", f"/cycles/{YEAR}/outcome", who)
        assert r.status_code == 200, r.text
        body = r.json()
        assert [row["geo"] for row in body["rows"]] == [who], body
        assert "totals" not in body and "offsets" not in body
        csv_text = world.call("GET", f"/cycles/{YEAR}/outcome?format=csv", who).text
        assert len(csv_text.strip().splitlines()) == 2 and f"\n{who}," in csv_text
    r = world.call("GET", f"/cycles/{YEAR}/outcome", "observer")
    assert_problem(r, 403, "phase", "RESTREINT UE")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_outcome_before_the_act_is_embargoed_for_the_coordinator(world_of):
    world = world_of("pledging")
    r = world.call("GET", f"/cycles/{YEAR}/outcome", "coordinator")
    assert_problem(r, 403, "phase", "RESTREINT UE")


def test_pledges_before_the_act_states_see_their_own_observers_none(world_of):
    world = world_of("pledging")
    de, fr = world.ids["pledge:DE"], world.ids["pledge:FR"]
    seen = {
        who: {p["id"] for p in world.call("GET", f"/cycles/{YEAR}/pledges", who).json()["items"]}
        for who in MATRIX_ACTORS
    }
    assert seen["commission"] == seen["council"] == {de, fr}
    assert seen["DE"] == {de} and seen["FR"] == {fr}
    assert seen["observer"] == set()
    assert world.call("GET", f"/cycles/{YEAR}/pledges", "observer").json()["total"] == 0
    # One by one: what a caller may not see does not exist for it.
    for who, pid in [("observer", de), ("FR", de), ("DE", fr)]:
        r = world.call("GET", f"/cycles/{YEAR}/pledges/{pid}", who)
        assert_problem(r, 404, "id", "no such pledge")
    # After the act, everything is public.
    world.advance(Phase.COUNCIL_ACT_ADOPTED)
    for who in MATRIX_ACTORS:
        items = world.call("GET", f"/cycles/{YEAR}/pledges", who).json()["items"]
        assert {p["id"] for p in items} == {de, fr}, who
        assert world.call("GET", f"/cycles/{YEAR}/outcome", who).json()["totals"]


def test_deduction_requests_are_seen_by_their_state_and_the_institutions(world_of):
    world = world_of("act")
    world.decide(world.ids["deduction:assessed"])  # AT's is granted, PL's is still requested
    states = {
        who: {
            d["state"] for d in world.call("GET", f"/cycles/{YEAR}/deductions", who).json()["items"]
        }
        for who in MATRIX_ACTORS
    }
    assert states["commission"] == states["council"] == states["coordinator"] == {"AT", "PL"}
    assert states["observer"] == states["DE"] == {"AT"}
    assert world.call("GET", f"/cycles/{YEAR}/deductions", "PL").json()["total"] == 2


# -- authentication ---------------------------------------------------------------------------


def test_no_token_or_a_bad_token_is_401_on_every_route(world_of):
    world = world_of("act")
    revoked = world.tokens["FR"]
    with world.service.sessions() as session, session.begin():
        session.query(TokenRow).filter(TokenRow.state == "FR").update({"revoked": True})
    # every request built first: a builder may seed what its route acts on (a Dublin case)
    requests = [(method, case.build(world, "DE")) for (method, _), case in ROUTES.items()]
    before = world.snapshot()
    variants: list[tuple[dict[str, str], str]] = [
        ({}, "send 'Authorization: Bearer <token>'"),
        ({"Authorization": "Bearer "}, "send 'Authorization: Bearer <token>'"),
        ({"Authorization": "Bearer eup_not-a-token"}, "unknown or revoked token"),
        ({"Authorization": f"Bearer {world.tokens['commission']}x"}, "unknown or revoked token"),
        ({"Authorization": f"Basic {world.tokens['commission']}"}, "use the Bearer scheme"),
        ({"Authorization": f"Bearer {revoked}"}, "unknown or revoked token"),
    ]
    for method, request in requests:
        for headers, rule in variants:
            r = world.client.request(
                method, V1 + request["path"], json=request.get("json"), headers=headers
            )
            assert_problem(r, 401, "Authorization", rule)
    assert world.snapshot() == before
    assert world.client.get("/healthz").status_code == 200  # the one public route


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_token_without_the_bearer_scheme_is_refused(world_of):
    world = world_of("opened")
    r = world.client.get(f"{V1}/cycles", headers={"Authorization": world.tokens["commission"]})
    assert_problem(r, 401, "Authorization", "Bearer")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_bearer_scheme_is_case_insensitive(world_of):
    world = world_of("opened")
    r = world.client.get(
        f"{V1}/cycles", headers={"Authorization": f"bearer {world.tokens['commission']}"}
    )
    assert r.status_code == 200, r.text


def test_who_may_do_what_pins_the_regulation():
    """The table's key facts, stated independently of it (a change to them is a legal change)."""
    c, co, sc, ms, ob = (
        Role.COMMISSION,
        Role.COUNCIL,
        Role.COORDINATOR,
        Role.MEMBER_STATE,
        Role.OBSERVER,
    )
    assert PERMISSIONS["cycle.create"] == {c}
    assert PERMISSIONS["deduction.assess"] == {c}  # Art. 61(3), 62(4)
    assert PERMISSIONS["deduction.decide"] == {co}  # Art. 61(4), 62(5)
    assert PERMISSIONS["cycle.reconvene_forum"] == {co}  # Art. 13(4)
    for op in ("pledge.create", "pledge.update", "pledge.delete", "deduction.request"):
        assert PERMISSIONS[op] == {ms}, op
    assert PERMISSIONS["implementation.record"] == {ms, sc}
    assert PERMISSIONS["pool_use.inform"] == PERMISSIONS["notification.create"] == {ms}  # 58, 59
    assert PERMISSIONS["notification.decide"] == {c}  # Art. 59(4)
    assert PERMISSIONS["notification.refuse"] == {c, co}  # Art. 59(6)
    assert PERMISSIONS["shortcomings.record"] == {c}  # Art. 60(3)
    assert {"pool_use.inform", "notification.create"} <= OWN_STATE
    assert PERMISSIONS["dublin.write"] == {ms} and co not in PERMISSIONS["dublin.read"]  # Part III
    assert ob not in PERMISSIONS["offset.list"] and ms not in PERMISSIONS["audit.read"]
    assert {t.action: set(t.roles) for t in TRANSITIONS.values()} == {
        Action.ADOPT_REPORT: {c},
        Action.ADOPT_DECISION: {c},
        Action.ADOPT_PROPOSAL: {c},
        Action.CONVENE_FORUM: {co},
        Action.OPEN_PLEDGING: {co},
        Action.CLOSE_PLEDGING: {co},
        Action.ADOPT_COUNCIL_ACT: {co},
        Action.START_IMPLEMENTATION: {sc},
        Action.CLOSE_YEAR: {sc},
    }
