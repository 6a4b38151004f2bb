"""The uses of the pool through the REST API, on SQLite and PostgreSQL (Art. 58, 59, 60(3)).

Golden flows with their dates (Italy informs; Malta notifies, the Commission decides, the Council
refuses), the refusals each rule gives as problem+json naming field and rule, and hostile input:
every bad request is refused 4xx, never 500, and changes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from eupact.cycle.phases import Phase

from .api_support import PROBLEM, YEAR, World, Worlds, assert_problem
from .databases import BACKENDS

Y = f"/cycles/{YEAR}"
MT_NOTIFICATION: dict[str, Any] = {
    "state": "MT",
    "notified_on": "2026-07-01",
    "reasoning": "Sea arrivals doubled in the last 12 months (Art. 9(3)(a)).",
    "needs": {"relocations": 400, "financial": "5000000", "programmes": ["AMIF"]},
    "stabilisation": "Relocation frees reception capacity in Hal Far.",
    "vulnerabilities": "Reception contingency plan activated on 1 June.",
}


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def world_of(backend, request, tmp_path):
    worlds = Worlds(request, tmp_path)
    yield lambda scenario: worlds(backend, scenario)
    worlds.close()


def after_act(world_of: Any) -> World:
    """Pledging closed with DE's and FR's pledges, then the Council act (no use of the pool)."""
    world: World = world_of("closed")
    world.advance(Phase.COUNCIL_ACT_ADOPTED)
    return world


def standing(world: World, on: str, who: str = "observer") -> dict[str, Any]:
    r = world.call("GET", f"{Y}/standing?on={on}", who)
    assert r.status_code == 200, r.text
    return r.json()


def benefitting(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["state"]: b for b in body["benefitting"]}


# -- golden flows -----------------------------------------------------------------------------


def test_italy_informs_and_benefits_from_that_day(world_of):
    """Art. 58(1), (3): informed on 15 June 2026, benefitting since then, Technical-Level Forum
    due by 25 June; the day before, Italy may use the pool but does not benefit."""
    world = after_act(world_of)
    body = {"state": "IT", "informed_on": "2026-06-15", "needs": {"relocations": 5000}}
    r = world.call("POST", f"{Y}/uses-of-pool", "IT", json=body)
    assert r.status_code == 201, r.text
    use = r.json()
    assert (use["state"], use["informed_on"], use["relocations"]) == ("IT", "2026-06-15", 5000)
    assert use["amount_eur"] == "0.00" and use["programmes"] == []
    on = standing(world, "2026-06-15")
    it = benefitting(on)["IT"]
    assert (it["article"], it["since"], it["forum_due"]) == (
        "Art. 58(1) AMMR",
        "2026-06-15",
        "2026-06-25",
    )
    assert it["needs"] == {"relocations": 5000, "financial_eur": "0.00", "programmes": []}
    assert {m["state"] for m in on["may_use_pool"]} == {"CY", "EL", "ES"}
    assert on["barred_from_art_61"] == ["IT"]
    before = standing(world, "2026-06-14")
    assert before["benefitting"] == [] and "IT" in {m["state"] for m in before["may_use_pool"]}
    listed = world.call("GET", f"{Y}/uses-of-pool", "observer").json()
    assert listed["total"] == 1 and listed["items"] == [use]
    # the outcome follows: IT is benefitting as of today
    rows = {r["geo"]: r for r in world.call("GET", f"{Y}/outcome", "observer").json()["rows"]}
    assert rows["IT"]["role"] == "benefitting" and rows["ES"]["role"] == "contributing"


def test_malta_notifies_is_decided_under_pressure_and_refused_by_the_council(world_of):
    """Art. 59(1), (4), (6): notified 1 July, decided 10 July, refused 20 July: benefitting from
    10 to 19 July, not from 20 July; a refusal on 25 July would be out of time."""
    world = after_act(world_of)
    r = world.call("POST", f"{Y}/notifications", "MT", json=MT_NOTIFICATION)
    assert r.status_code == 201, r.text
    nid = r.json()["id"]
    assert "MT" in {p["state"] for p in standing(world, "2026-07-05")["pending"]}
    decision = {"decided_on": "2026-07-10", "under_pressure": True, "decision": "C(2026) 1"}
    r = world.call("POST", f"{Y}/notifications/{nid}/decision", "commission", json=decision)
    assert r.status_code == 200 and r.json()["version"] == 2, r.text
    mt = benefitting(standing(world, "2026-07-15"))["MT"]
    assert (mt["article"], mt["since"], mt["forum_due"]) == (
        "Art. 59(4) AMMR",
        "2026-07-10",
        "2026-07-24",
    )
    late = {"refused_on": "2026-07-25", "refused_by": "council", "reason": "no capacity"}
    r = world.call("POST", f"{Y}/notifications/{nid}/refusal", "council", json=late)
    assert_problem(r, 422, "refused_on", "2026-07-10 to 2026-07-24")
    refusal = {**late, "refused_on": "2026-07-20", "act": "CID (EU) 2026/1"}
    r = world.call("POST", f"{Y}/notifications/{nid}/refusal", "council", json=refusal)
    assert r.status_code == 200, r.text
    assert (r.json()["refused_by"], r.json()["refusal_act"]) == ("council", "CID (EU) 2026/1")
    assert "MT" not in benefitting(standing(world, "2026-07-20"))
    assert "MT" in benefitting(standing(world, "2026-07-19"))
    items = world.call("GET", f"{Y}/notifications", "DE").json()["items"]
    assert [(n["state"], n["refused_on"]) for n in items] == [("MT", "2026-07-20")]
    r = world.call("GET", f"{Y}/notifications", "observer")
    assert_problem(r, 403, "role", "'notification.list' is open to")


def test_shortcomings_found_by_the_commission(world_of):
    world = after_act(world_of)
    assert world.call(
        "POST", f"{Y}/uses-of-pool", "EL", json={"state": "EL", "informed_on": "2026-06-12"}
    ).is_success
    finding = {"state": "EL", "decided_on": "2026-09-01", "article": "11", "decision": "C(1)"}
    r = world.call("POST", f"{Y}/shortcomings", "commission", json=finding)
    assert r.status_code == 201 and r.json()["article"] == "11", r.text
    found = standing(world, "2026-09-01")
    assert [s["state"] for s in found["shortcomings"]] == ["EL"]
    assert benefitting(found)["EL"]["shortcomings"].startswith("Art. 11 decision of 2026-09-01")
    assert world.call("GET", f"{Y}/shortcomings", "observer").json()["total"] == 1
    r = world.call("POST", f"{Y}/shortcomings", "EL", json=finding)
    assert_problem(r, 403, "role", "'shortcomings.record' is open to commission only")


# -- the rules, as problem+json ---------------------------------------------------------------


def test_before_the_act_informing_is_refused(world_of):
    world = world_of("pledging")
    before = world.snapshot()
    body = {"state": "IT", "informed_on": "2026-06-15"}
    r = world.call("POST", f"{Y}/uses-of-pool", "IT", json=body)
    assert_problem(r, 422, "phase", "once the Council implementing act has established the pool")
    world.advance(Phase.COUNCIL_ACT_ADOPTED)
    before = world.snapshot()
    r = world.call("POST", f"{Y}/uses-of-pool", "IT", json={**body, "informed_on": "2025-12-18"})
    assert_problem(r, 422, "informed_on", "after the Council act")
    assert world.snapshot() == before


def test_a_state_not_identified_is_refused_naming_art_59_and_acts_for_itself_only(world_of):
    world = after_act(world_of)
    before = world.snapshot()
    r = world.call(
        "POST", f"{Y}/uses-of-pool", "DE", json={"state": "DE", "informed_on": "2026-06-15"}
    )
    assert_problem(r, 422, "state", "notifies under Art. 59(1)")
    r = world.call(
        "POST", f"{Y}/uses-of-pool", "DE", json={"state": "FR", "informed_on": "2026-06-15"}
    )
    assert_problem(r, 403, "state", "acts only for itself; this token is DE's")
    r = world.call("POST", f"{Y}/notifications", "DE", json={**MT_NOTIFICATION, "state": "FR"})
    assert_problem(r, 403, "state", "acts only for itself")
    r = world.call("POST", f"{Y}/notifications", "IT", json={**MT_NOTIFICATION, "state": "IT"})
    assert_problem(r, 422, "state", "Art. 58(1)")
    assert world.snapshot() == before


def test_art_61_is_closed_to_a_state_that_informed_art_62_is_not(world_of):
    """Art. 61(1): "which has not made use of the Annual Solidarity Pool in accordance with
    Article 58"; Art. 62 has no such condition."""
    world = after_act(world_of)
    r = world.call(
        "POST", f"{Y}/deductions", "ES", json={"state": "ES", "article": "61", "full": True}
    )
    assert r.status_code == 201, r.text  # ES, under pressure, has not used the pool
    world.use_pool("IT")
    r = world.call(
        "POST", f"{Y}/deductions", "IT", json={"state": "IT", "article": "61", "full": True}
    )
    assert_problem(r, 422, "article", "made use of the pool (Art. 58)")
    body = {"state": "IT", "article": "62", "full": True, "self_assessed": True, "reasons": "full"}
    assert world.call("POST", f"{Y}/deductions", "IT", json=body).status_code == 201


def test_an_idempotent_retry_records_once(world_of):
    world = after_act(world_of)
    body = {"state": "CY", "informed_on": "2026-06-20"}
    key = {"Idempotency-Key": "cy-informs-1"}
    first = world.call("POST", f"{Y}/uses-of-pool", "CY", json=body, headers=key)
    again = world.call("POST", f"{Y}/uses-of-pool", "CY", json=body, headers=key)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert world.call("GET", f"{Y}/uses-of-pool", "commission").json()["total"] == 1
    r = world.call(
        "POST", f"{Y}/uses-of-pool", "CY", json={**body, "informed_on": "2026-06-21"}, headers=key
    )
    assert_problem(r, 409, "Idempotency-Key", "already used for a different request")


# -- hostile input: 4xx, never 500, nothing changed -------------------------------------------

HOSTILE: list[tuple[str, str, str, Any, int, str]] = [
    (
        "IT",
        "POST",
        "/uses-of-pool",
        {"state": "IT", "informed_on": "2026-02-30"},
        422,
        "informed_on",
    ),
    (
        "IT",
        "POST",
        "/uses-of-pool",
        {"state": "IT", "informed_on": "1999-01-01"},
        422,
        "informed_on",
    ),
    (
        "IT",
        "POST",
        "/uses-of-pool",
        {"state": "IT", "informed_on": "9999-12-31"},
        422,
        "informed_on",
    ),
    (
        "IT",
        "POST",
        "/uses-of-pool",
        {"state": "IT", "informed_on": "2026-06-15T00:00"},
        422,
        "informed_on",
    ),
    ("IT", "POST", "/uses-of-pool", {"state": "IT", "informed_on": 20260615}, 422, "informed_on"),
    (
        "IT",
        "POST",
        "/uses-of-pool",
        {"state": "IT", "informed_on": "2100-12-31"},
        422,
        "informed_on",
    ),
    (
        "IT",
        "POST",
        "/uses-of-pool",
        {"state": "IT", "informed_on": "2026-06-15", "needs": {"relocations": 10**30}},
        422,
        "needs.relocations",
    ),
    (
        "IT",
        "POST",
        "/uses-of-pool",
        {"state": "IT", "informed_on": "2026-06-15", "needs": {"financial": "1e400"}},
        422,
        "needs.financial",
    ),
    (
        "IT",
        "POST",
        "/uses-of-pool",
        {"state": "IT", "informed_on": "2026-06-15", "needs": {"relocations": -1}},
        422,
        "needs.relocations",
    ),
    (
        "IT",
        "POST",
        "/uses-of-pool",
        {"state": "IT", "informed_on": "2026-06-15", "needs": {"programmes": ["x"] * 21}},
        422,
        "needs.programmes",
    ),
    ("IT", "POST", "/uses-of-pool", {"state": "IT", "informed_on": "2026-06-15", "x": 1}, 422, "x"),
    (
        "MT",
        "POST",
        "/notifications",
        {**MT_NOTIFICATION, "reasoning": "x" * 10_001},
        422,
        "reasoning",
    ),
    ("MT", "POST", "/notifications", {**MT_NOTIFICATION, "reasoning": ""}, 422, "reasoning"),
    ("MT", "POST", "/notifications", {**MT_NOTIFICATION, "state": "GR"}, 422, "state"),
    (
        "commission",
        "POST",
        "/notifications/2147483648/decision",
        {"decided_on": "2026-07-10", "under_pressure": True},
        422,
        "notification_id",
    ),
    (
        "commission",
        "POST",
        "/notifications/1/decision",
        {"decided_on": "2026-07-10", "under_pressure": True},
        404,
        "id",
    ),
    (
        "commission",
        "POST",
        "/notifications/1/decision",
        {"decided_on": "2026-07-10", "under_pressure": "perhaps"},
        422,
        "under_pressure",
    ),
    (
        "council",
        "POST",
        "/notifications/1/refusal",
        {"refused_on": "2026-07-10", "refused_by": "parliament", "reason": "x"},
        422,
        "refused_by",
    ),
    (
        "commission",
        "POST",
        "/shortcomings",
        {"state": "EL", "decided_on": "2026-09-01", "article": "60"},
        422,
        "article",
    ),
    (
        "commission",
        "POST",
        "/shortcomings",
        {"state": "EL", "decided_on": "2026-09-01", "article": "11", "decision": "a\nb"},
        422,
        "decision",
    ),
    ("observer", "GET", "/standing?on=2026-13-01", None, 422, "on"),
    ("observer", "GET", "/standing?on=3000-01-01", None, 422, "on"),
    ("observer", "GET", "/standing?on=" + "9" * 5000, None, 422, "on"),
]


def test_hostile_input_is_refused_never_a_500_and_changes_nothing(world_of):
    world = after_act(world_of)
    before = world.snapshot()
    for who, method, path, body, status, field in HOSTILE:
        r = world.call(method, f"{Y}{path}", who, json=body)
        assert r.status_code == status, (path, body, r.status_code, r.text[:300])
        assert r.headers["content-type"].startswith(PROBLEM)
        fields = {e["field"] for e in r.json()["errors"]}
        assert any(f == field or f.endswith(f".{field}") for f in fields), (path, fields)
    r = world.client.post(
        f"/api/v1{Y}/uses-of-pool",
        content=b"{not json",
        headers={**world.headers("IT"), "Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text
    assert world.snapshot() == before
