"""The register's progress through the REST API (/api/v1/register/*), on SQLite and PostgreSQL alike,
against the fixed register of tests/register_support.py: a state records, everyone reads with
late and done late computed by the service, an idempotent retry answers the same, If-Match
guards the history, the matrix adds up, the upcoming duties parse as iCalendar; hostile input is
answered 4xx in words, never 500."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from eupact.cycle.phases import Role
from eupact.cycle.service.register import RegisterProgress

from .api_support import PROBLEM, World, assert_problem, make_world
from .databases import BACKENDS
from .register_support import REGISTER, REPORT, SATURDAY, STRATEGY


def at(world: World, day: dt.date) -> None:
    world.service.clock = lambda: dt.datetime.combine(day, dt.time(9), dt.UTC)


@pytest.fixture(params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    with make_world(str(request.param), tmp_path) as w:
        at(w, dt.date(2025, 5, 1))
        # no token is issued for Denmark (not bound by Part IV AMMR): DK's Eurodac progress is
        # recorded through the service (tests/test_register_service.py)
        for name in ("DE", "FR"):
            w.tokens[name] = w.service.create_token(Role.MEMBER_STATE, name, "t", 3650)
        for name in ("commission", "observer", "council"):
            w.tokens[name] = w.service.create_token(Role(name), None, "t", 3650)
        progress = RegisterProgress(w.service.ctx)
        progress.register = lambda: REGISTER  # type: ignore[method-assign]
        w.app.state.register = progress
        yield w


def post(world: World, who: str, headers: dict[str, str] | None = None, **body: Any) -> Any:
    return world.call("POST", "/register/progress", who, json=body, headers=headers)


def test_the_flow_through_the_api(world: World) -> None:
    r = post(world, "DE", obligation_id=STRATEGY, status="in_progress", evidence="draft")
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["record"]["party"], body["record"]["version"]) == ("DE", 1)
    assert (body["progress"]["status"], body["progress"]["late"]) == ("in_progress", False)

    at(world, dt.date(2025, 7, 10))
    r = world.call("GET", "/register/progress?state=de&block=7", "observer")
    assert r.status_code == 200, r.text
    (item,) = [i for i in r.json()["items"] if i["obligation_id"] == STRATEGY]
    assert (item["status"], item["late"], item["days_late"]) == ("in_progress", True, 28)

    done = {
        "obligation_id": STRATEGY,
        "status": "done",
        "status_date": "2025-07-01",
        "evidence": "https://example.org/strategy",
    }
    first = post(world, "DE", headers={"Idempotency-Key": "s-1", "If-Match": '"1"'}, **done)
    again = post(world, "DE", headers={"Idempotency-Key": "s-1", "If-Match": '"1"'}, **done)
    assert first.status_code == 201 and again.json()["record"] == first.json()["record"]
    assert first.json()["progress"]["done_late"] is True
    assert first.json()["progress"]["days_late"] == 19
    stale = post(world, "DE", headers={"If-Match": '"1"'}, **done)
    assert_problem(stale, 412, "If-Match", 'at version "2"')

    r = post(world, "commission", obligation_id=REPORT, status="in_progress")
    assert r.status_code == 201 and r.json()["record"]["party"] == "commission", r.text

    r = world.call("GET", "/register/checklist/DE", "FR")
    assert r.status_code == 200, r.text
    check = r.json()
    assert check["party"] == "DE" and check["counts"]["done"] == 1
    dues = [i["due"] for i in check["items"]]
    assert dues == [
        *sorted(d for d in dues if d),
        None,
    ]  # soonest first, the time limit after an event last

    r = world.call("GET", "/register/matrix", "council")
    assert r.status_code == 200, r.text
    m = r.json()
    for row in m["states"] + m["institutions"]:
        cell = row["total"]
        assert sum(cell[k] for k in ("not_started", "in_progress", "done", "late")) == cell["total"]
    (de,) = [row for row in m["states"] if row["party"] == "DE"]
    assert de["cells"]["7"]["done_late"] == 1

    r = world.call("GET", "/register/obligations?block=7&addressee=member_states", "observer")
    assert [o["id"] for o in r.json()["items"]] == [STRATEGY]
    assert r.json()["items"][0]["recorded_by"] == "member_state"

    r = world.call("GET", "/register/DE.ics", "DE")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    assert 'filename="register-DE.ics"' in r.headers["content-disposition"]
    cal = Calendar.from_ical(r.content)
    uids = [str(e["uid"]) for e in cal.walk("VEVENT")]
    assert f"register-{SATURDAY}-DE-2026-06-13@eupact" in uids
    assert not any(STRATEGY in u for u in uids)  # done, and in the past
    r = world.call("GET", "/register/commission.ics?until=2027-12-31", "observer")
    assert [e.decoded("dtstart") for e in Calendar.from_ical(r.content).walk("VEVENT")] == [
        dt.date(2025, 10, 15),
        dt.date(2026, 10, 15),
        dt.date(2027, 10, 15),
    ]
    log = [e.as_dict() for e in world.service.audit_log(world.actor("commission"), 0, 1000)[0]]
    assert [e["role"] for e in log if e["action"] == "register.progress"] == [
        "member_state",
        "member_state",
        "commission",
    ]


HOSTILE: list[tuple[str, str, str, Any, dict[str, str], int, str]] = [
    # (who, method, path, body, headers, status, field)
    (
        "DE",
        "POST",
        "",
        {"obligation_id": "register.x.1.y", "status": "done"},
        {},
        404,
        "obligation_id",
    ),
    (
        "DE",
        "POST",
        "",
        {"obligation_id": STRATEGY, "status": "in_progress", "party": "FR"},
        {},
        403,
        "party",
    ),
    (
        "DE",
        "POST",
        "",
        {"obligation_id": REPORT, "status": "in_progress"},
        {},
        403,
        "obligation_id",
    ),
    (
        "commission",
        "POST",
        "",
        {"obligation_id": STRATEGY, "status": "done"},
        {},
        403,
        "obligation_id",
    ),
    ("observer", "POST", "", {"obligation_id": STRATEGY, "status": "done"}, {}, 403, "role"),
    (
        "DE",
        "POST",
        "",
        {"obligation_id": STRATEGY, "status": "in_progress", "party": "DK"},
        {},
        422,
        "party",
    ),
    ("DE", "POST", "", {"obligation_id": STRATEGY, "status": "finished"}, {}, 422, "status"),
    (
        "DE",
        "POST",
        "",
        {"obligation_id": STRATEGY, "status": "done", "status_date": "2025-02-30"},
        {},
        422,
        "status_date",
    ),
    (
        "DE",
        "POST",
        "",
        {"obligation_id": STRATEGY, "status": "done", "status_date": "2031-01-01"},
        {},
        422,
        "status_date",
    ),
    ("DE", "POST", "", {"obligation_id": STRATEGY, "status": "done"}, {}, 422, "evidence"),
    (
        "DE",
        "POST",
        "",
        {"obligation_id": STRATEGY, "status": "done", "evidence": "javascript:alert(1)"},
        {},
        422,
        "evidence",
    ),
    (
        "DE",
        "POST",
        "",
        {"obligation_id": STRATEGY, "status": "done", "evidence": "a\u0000b"},
        {},
        422,
        "evidence",
    ),
    (
        "DE",
        "POST",
        "",
        {"obligation_id": STRATEGY, "status": "done", "evidence": "x" * 2001},
        {},
        422,
        "evidence",
    ),
    (
        "DE",
        "POST",
        "",
        {"obligation_id": STRATEGY, "status": "done", "due_on": "2025-06-13", "evidence": "x"},
        {},
        422,
        "due_on",
    ),
    ("DE", "POST", "", {"obligation_id": STRATEGY, "status": "done", "extra": 1}, {}, 422, "extra"),
    (
        "DE",
        "POST",
        "",
        {"obligation_id": STRATEGY, "status": "in_progress", "party": "Germany"},
        {},
        422,
        "party",
    ),
    ("DE", "POST", "", {"obligation_id": ["x"], "status": "done"}, {}, 422, "obligation_id"),
    ("DE", "POST", "", [1, 2], {}, 422, "body"),
    (
        "DE",
        "POST",
        "",
        {"obligation_id": STRATEGY, "status": "in_progress"},
        {"If-Match": '"7"'},
        412,
        "If-Match",
    ),
    (
        "DE",
        "POST",
        "",
        {"obligation_id": STRATEGY, "status": "in_progress"},
        {"If-Match": "abc"},
        422,
        "If-Match",
    ),
    ("DE", "GET", "/progress?state=ZZ", None, {}, 422, "state"),
    ("DE", "GET", "/progress?state=%3Cscript%3E", None, {}, 422, "state"),
    ("DE", "GET", "/progress?block=11", None, {}, 422, "block"),
    ("DE", "GET", "/progress?block=abc", None, {}, 422, "block"),
    ("DE", "GET", "/obligations?act=nope", None, {}, 422, "act"),
    ("DE", "GET", "/obligations?addressee=pope", None, {}, 422, "addressee"),
    ("DE", "GET", "/matrix?block=0", None, {}, 422, "block"),
    ("DE", "GET", "/checklist/ZZ", None, {}, 422, "geo"),
    ("DE", "GET", "/checklist/a%00b", None, {}, 422, "geo"),
    ("DE", "GET", "/ZZ.ics", None, {}, 422, "geo"),
    ("DE", "GET", "/DE.ics?until=2099-01-01", None, {}, 422, "until"),
    ("DE", "GET", "/DE.ics?until=yesterday", None, {}, 422, "until"),
]


@pytest.mark.parametrize(
    ("who", "method", "path", "body", "headers", "status", "field"),
    HOSTILE,
    ids=[f"{h[1]} {h[2] or '/progress'} {h[6]} {i}" for i, h in enumerate(HOSTILE)],
)
def test_hostile_input_is_answered_in_words(
    world: World,
    who: str,
    method: str,
    path: str,
    body: Any,
    headers: dict[str, str],
    status: int,
    field: str,
) -> None:
    before = world.snapshot()
    r = world.call(method, f"/register{path or '/progress'}", who, json=body, headers=headers)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    assert any(e["field"] == field for e in r.json()["errors"]), r.json()
    assert world.snapshot() == before


def test_no_token_is_401_and_everyone_signed_in_reads(world: World) -> None:
    for path in ("/register/matrix", "/register/progress", "/register/DE.ics"):
        assert world.call("GET", path).status_code == 401
        for who in ("observer", "council", "FR", "commission"):
            assert world.call("GET", path, who).status_code == 200, (path, who)
    r = world.call("GET", "/register/checklist/DK", "observer")
    assert [i["obligation_id"] for i in r.json()["items"]] == ["register.eurodac.1.readiness"]
