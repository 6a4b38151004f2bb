"""The crisis procedure through the REST API (/api/v1/crises, CFMR Arts 2-9), on SQLite and
PostgreSQL, one world per backend: the 2026 cycle after its Council act (DE pledged 100
relocations, FR 50; IT uses the pool, Art. 58(1) AMMR), the service's clock fixed.

The state machine act by act (ETag = the number of acts, If-Match, Idempotency-Key), a late
Commission decision flagged, the plan drawing on the pool's recorded pledges, the offsets of
Art. 9, the measures in force by day, the calendar; hostile input answered 4xx in words, never
500, changing nothing.

Hand-worked: request Tue 1 Sep 2026 -> the Commission decides by Tue 15 Sep (Art. 3(8), two
weeks); proposal Fri 18 Sep -> the Council by Fri 2 Oct (4(3)); a decision applying from 1 Oct
runs to 31 Dec (3 months, Art. 5(1)). Plan: needs 1,000 relocations; the pool holds 100 + 50 =
150 pledged relocations, drawn first (4(2)(b)(iii)); 1,000 - 150 = 850 additional pledges needed
(iv). Offsets: 100 % of 1,000 = 1,000 (9(1)(a)); pledged 150 < 1,000: triggered; the gap 850.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from icalendar import Calendar

from .api_support import World, Worlds, assert_problem
from .clock_support import Clock
from .databases import BACKENDS

CRISES = "/crises"


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[World, Clock]]:
    worlds = Worlds(request, tmp_path_factory.mktemp("crisis-api"))
    try:
        w = worlds(str(request.param), "act")
        clock = Clock(dt.date(2026, 9, 1))
        w.service.clock = clock
        yield w, clock
    finally:
        worlds.close()


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text[:600])
    return response.json() if "json" in response.headers.get("content-type", "") else response


@pytest.fixture(scope="module")
def crisis(world: tuple[World, Clock]) -> dict[str, Any]:
    """IT's crisis through its acts up to the Council decision (each write checked here)."""
    w, clock = world
    body = {
        "date": "2026-09-01",
        "situation": "mass_arrivals",
        "description": "arrivals tripled in two months; reception full",
        "derogations": ["10", "12"],
        "solidarity": {"relocations": 1000, "relocation_primary": True},
    }
    r = w.call("POST", CRISES, "IT", json=body, headers={"Idempotency-Key": "it-request"})
    opened = ok(r, 201)
    cid = opened["crisis"]["id"]
    assert r.headers["Location"] == f"/api/v1/crises/{cid}" and r.headers["ETag"] == '"1"'
    assert opened["crisis"]["phase"] == "assessing"
    assert opened["crisis"]["next"]["key"] == "commission_decision"
    assert opened["crisis"]["next"]["due"] == "2026-09-15"
    # the retry is answered from the first write: still one crisis
    again = ok(
        w.call("POST", CRISES, "IT", json=body, headers={"Idempotency-Key": "it-request"}), 201
    )
    assert again["act"] == opened["act"]
    plan = {"relocations": 1000, "from_pool_relocations": 150, "additional_relocations": 850}
    steps = [
        ("commission", "2026-09-02", {"kind": "assessment_notified"}),
        (
            "commission",
            "2026-09-18",
            {"kind": "commission_decision", "established": True, "situation": "mass_arrivals"},
        ),
        (
            "commission",
            "2026-09-18",
            {"kind": "proposal", "derogations": ["10", "12"], "plan": plan},
        ),
        (
            "council",
            "2026-09-30",
            {
                "kind": "council_decision",
                "applies_from": "2026-10-01",
                "derogations": ["10", "12"],
                "plan": plan,
                "reference": "Council Implementing Decision (EU) 2026/9999 (test)",
            },
        ),
    ]
    version = 1
    for who, day, act in steps:
        clock.to(dt.date.fromisoformat(day))
        r = w.call(
            "POST",
            f"{CRISES}/{cid}/events",
            who,
            json={**act, "date": day},
            headers={"If-Match": f'"{version}"'},
        )
        ok(r, 201)
        version += 1
        assert r.headers["ETag"] == f'"{version}"'
    clock.to(dt.date(2026, 10, 2))
    return {"id": cid}


def test_the_crisis_as_every_reader_sees_it(
    world: tuple[World, Clock], crisis: dict[str, Any]
) -> None:
    w, _ = world
    cid = crisis["id"]
    for who in ("commission", "council", "coordinator", "observer", "DE", "IT"):
        view = ok(w.call("GET", f"{CRISES}/{cid}", who))
        assert view["phase"] == "applying" and view["version"] == 5
        assert [f["code"] for f in view["flags"]] == ["late_commission_decision"]
        assert [(p["first"], p["last"]) for p in view["periods"]] == [("2026-10-01", "2026-12-31")]
        assert view["measures_in_force"][0]["derogations"] == ["10", "12"]
        reasoning = view["acts"][0]["payload"]["description"]
        assert (reasoning.startswith("arrivals tripled")) is (who != "DE" and who != "observer")
    listed = ok(w.call("GET", f"{CRISES}?state=it", "observer"))
    assert [i["id"] for i in listed["items"]] == [cid] and listed["items"][0]["flags"] == 1
    before = ok(w.call("GET", f"{CRISES}/{cid}?as_of=2026-09-10", "observer"))
    assert before["phase"] == "assessing" and before["flags"] == []
    on = ok(w.call("GET", f"{CRISES}/in-force?on=2026-10-01&state=IT", "DE"))
    assert [m["state"] for m in on["items"]] == ["IT"]
    assert ok(w.call("GET", f"{CRISES}/in-force?on=2026-09-30", "DE"))["total"] == 0
    ics = ok(w.call("GET", f"{CRISES}/{cid}/calendar.ics", "coordinator"))
    assert ics.headers["content-type"].startswith("text/calendar")
    events = {str(e["UID"]): e for e in Calendar.from_ical(ics.content).walk("VEVENT")}
    assert events[f"crisis-{cid}-commission_decision@eupact"]["DTSTART"].dt == dt.date(2026, 9, 15)


def test_the_plan_draws_on_the_pools_pledges(
    world: tuple[World, Clock], crisis: dict[str, Any]
) -> None:
    w, _ = world
    got = ok(w.call("GET", f"{CRISES}/{crisis['id']}/plan", "FR"))
    assert got["needs_from"] == "council_decision" and got["pool_pledges_counted"] is True
    assert got["pool_pledges"]["relocations"] == 150  # DE 100 + FR 50
    c = got["computed"]
    assert c["needs"]["relocations"] == 1000
    assert c["from_pool"]["relocations"] == 150
    assert c["additional_pledges_needed"]["relocations"] == 850
    assert c["already_benefitting"] is True  # IT informed that it uses the 2026 pool
    assert "IT" not in c["indicative_contributions"]
    assert got["recorded"]["additional_relocations"] == 850
    off = ok(w.call("GET", f"{CRISES}/{crisis['id']}/offsets", "observer"))["computed"]
    assert (off["target"], off["pledged_relocations"], off["triggered"], off["gap"]) == (
        1000,
        150,
        True,
        850,
    )


def test_the_institutions_record_the_rest(
    world: tuple[World, Clock], crisis: dict[str, Any]
) -> None:
    w, clock = world
    cid = crisis["id"]
    clock.to(dt.date(2026, 10, 14))
    ok(w.call("POST", f"{CRISES}/{cid}/events", "coordinator", json={"kind": "bulletin"}), 201)
    assert_problem(
        w.call("POST", f"{CRISES}/{cid}/events", "council", json={"kind": "bulletin"}),
        403,
        "kind",
        "Coordinator",
    )
    assert_problem(
        w.call("POST", f"{CRISES}/{cid}/events", "IT", json={"kind": "report"}),
        403,
        "role",
        "crisis.record",
    )
    view = ok(w.call("GET", f"{CRISES}/{cid}", "observer"))
    assert view["next_bulletin"]["due"] == "2026-10-28"  # 14 Oct + 2 weeks (Art. 7)
    log = ok(w.call("GET", "/audit?limit=1000", "commission"))["items"]
    crisis_entries = [(e["action"], e["role"]) for e in log if e["action"].startswith("crisis.")]
    assert ("crisis.bulletin", "coordinator") in crisis_entries
    assert ("crisis.council_decision", "council") in crisis_entries


HOSTILE: list[tuple[str, str, str, Any, dict[str, str], int, str]] = [
    # (who, method, path, json, headers, status, field)
    ("DE", "POST", CRISES, {"situation": "war", "description": "x"}, {}, 422, "situation"),
    ("DE", "POST", CRISES, {"situation": "force_majeure"}, {}, 422, "description"),
    (
        "DE",
        "POST",
        CRISES,
        {"situation": "force_majeure", "description": "x", "x": 1},
        {},
        422,
        "x",
    ),
    (
        "DE",
        "POST",
        CRISES,
        {"situation": "force_majeure", "description": "x", "date": "2026-13-01"},
        {},
        422,
        "date",
    ),
    (
        "DE",
        "POST",
        CRISES,
        {"situation": "force_majeure", "description": "x" * 70000},
        {},
        413,
        "-",
    ),
    (
        "DE",
        "POST",
        CRISES,
        {"situation": "force_majeure", "description": "x", "derogations": ["99"]},
        {},
        422,
        "derogations",
    ),
    (
        "DE",
        "POST",
        CRISES,
        {"situation": "force_majeure", "description": "x", "state": "IT"},
        {},
        403,
        "state",
    ),
    (
        "DE",
        "POST",
        CRISES,
        {"situation": "mass_arrivals", "description": "x", "date": "2026-05-01"},
        {},
        422,
        "date",
    ),
    (
        "commission",
        "POST",
        CRISES,
        {"situation": "force_majeure", "description": "x"},
        {},
        403,
        "role",
    ),
    ("commission", "POST", "/crises/{id}/events", {"kind": "verdict"}, {}, 422, "kind"),
    (
        "commission",
        "POST",
        "/crises/{id}/events",
        {"kind": "report", "date": "2026-09-29"},  # before the Council decision of 09-30
        {},
        422,
        "date",
    ),
    (
        "commission",
        "POST",
        "/crises/{id}/events",
        {"kind": "report", "date": "2027-01-01"},
        {},
        422,
        "date",
    ),
    (
        "commission",
        "POST",
        "/crises/{id}/events",
        {"kind": "report"},
        {"If-Match": '"1"'},
        412,
        "If-Match",
    ),
    (
        "commission",
        "POST",
        "/crises/{id}/events",
        {"kind": "report"},
        {"If-Match": "abc"},
        422,
        "If-Match",
    ),
    (
        "commission",
        "POST",
        "/crises/{id}/events",
        {"kind": "extension", "until": "2027-09-30"},
        {},
        422,
        "until",
    ),
    ("commission", "POST", "/crises/99999/events", {"kind": "report"}, {}, 404, "crisis_id"),
    ("commission", "POST", "/crises/0/events", {"kind": "report"}, {}, 422, "crisis_id"),
    ("observer", "GET", "/crises/1180591620717411303424", None, {}, 422, "crisis_id"),
    ("observer", "GET", "/crises/{id}?as_of=2026-08-01", None, {}, 422, "as_of"),
    ("observer", "GET", "/crises?state=ITA", None, {}, 422, "state"),
    (None, "GET", CRISES, None, {}, 401, "Authorization"),
]


def test_hostile_input_is_refused_in_words_and_changes_nothing(
    world: tuple[World, Clock], crisis: dict[str, Any]
) -> None:
    w, clock = world
    clock.to(dt.date(2026, 10, 20))
    before = w.snapshot()
    for who, method, path, body, headers, status, field in HOSTILE:
        r = w.call(method, path.format(id=crisis["id"]), who, json=body, headers=headers)
        assert r.status_code == status, (path, body, r.status_code, r.text[:400])
        if status != 413:
            errors = r.json()["errors"]
            assert any(e["field"].split(".")[0] == field for e in errors), (body, errors)
    assert w.snapshot() == before
    # a key reused for another act is refused, and the first act stays the only one
    first = {"kind": "report"}
    ok(
        w.call(
            "POST",
            f"{CRISES}/{crisis['id']}/events",
            "commission",
            json=first,
            headers={"Idempotency-Key": "k-report"},
        ),
        201,
    )
    assert_problem(
        w.call(
            "POST",
            f"{CRISES}/{crisis['id']}/events",
            "commission",
            json={"kind": "repeal_proposal"},
            headers={"Idempotency-Key": "k-report"},
        ),
        409,
        "Idempotency-Key",
        "different request",
    )
