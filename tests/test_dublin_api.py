"""The Dublin workspace through the REST API (/api/v1/dublin/*), on SQLite and PostgreSQL alike: the
take charge flow with ETags and idempotency keys, acceptance by silence read ahead (``as_of``)
and observed (the clock), who sees a case (404 otherwise), the open time limits as iCalendar,
the cases a responsibility offset may take, and hostile input answered 4xx in words, never 500.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from icalendar import Calendar

from eupact.cycle.phases import Role

from .api_support import PROBLEM, World, assert_problem, make_world
from .databases import BACKENDS
from .dublin_support import visa_case

REF = "IT-2026-0001"
CASE = f"/dublin/cases/{REF}"
REGISTERED = dt.date(2026, 9, 10)


def at(world: World, day: dt.date) -> None:
    world.service.clock = lambda: dt.datetime.combine(day, dt.time(9), dt.UTC)


@pytest.fixture(params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path) -> Iterator[World]:
    with make_world(str(request.param), tmp_path) as w:
        at(w, dt.date(2026, 10, 1))
        # tokens that outlive the months these tests move the clock through
        for name in ("IT", "DE", "FR"):
            w.tokens[name] = w.service.create_token(Role.MEMBER_STATE, name, "t", 3650)
        for name in ("commission", "observer", "council"):
            w.tokens[name] = w.service.create_token(Role(name), None, "t", 3650)
        yield w


def opened(world: World, sent: bool = True) -> int:
    """IT's case REF (DE's visa, Art. 29(2)); ``sent``: IT asked DE to take charge."""
    r = world.call("POST", "/dublin/cases", "IT", json=visa_case(REF, "IT", "DE", REGISTERED))
    assert r.status_code == 201, r.text
    if not sent:
        return 0
    r = world.call("POST", f"{CASE}/requests", "IT", json={"kind": "take_charge", "to_state": "DE"})
    assert r.status_code == 201, r.text
    return int(r.json()["message"]["id"])


def test_the_flow_through_the_api(world: World) -> None:
    r = world.call("POST", "/dublin/cases", "IT", json=visa_case(REF, "IT", "DE", REGISTERED))
    assert r.status_code == 201 and r.headers["ETag"] == '"1"', r.text
    body = r.json()
    assert (body["ref"], body["holder_state"]) == (REF, "IT")
    assert body["status"]["responsible_state"] == "DE"
    assert body["status"]["next_deadline"]["id"] == "T6"
    assert body["facts"]["as_of"] == "2026-10-01"  # the service's day, not the client's

    assert_problem(world.call("GET", CASE, "FR"), 404, "ref", "no such case")
    sent = world.call(
        "POST",
        f"{CASE}/requests",
        "IT",
        json={"kind": "take_charge", "to_state": "DE", "article": "29(2)", "note": "VIS hit"},
        headers={"Idempotency-Key": "tcr-1"},
    )
    assert sent.status_code == 201, sent.text
    again = world.call(
        "POST",
        f"{CASE}/requests",
        "IT",
        json={"kind": "take_charge", "to_state": "DE", "article": "29(2)", "note": "VIS hit"},
        headers={"Idempotency-Key": "tcr-1"},
    )
    assert again.json()["message"] == sent.json()["message"]  # answered, not repeated
    request_id = sent.json()["message"]["id"]
    assert [r["state"] for r in sent.json()["requests"]] == ["pending"]

    assert_problem(
        world.call("POST", f"{CASE}/requests/{request_id}/reply", "FR", json={"kind": "accept"}),
        404,
        "ref",
        "no such case",
    )
    at(world, dt.date(2026, 10, 5))
    accepted = world.call(
        "POST", f"{CASE}/requests/{request_id}/reply", "DE", json={"kind": "accept"}
    )
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["requests"][0]["state"] == "accepted"

    decided = world.call("POST", f"{CASE}/transfer", "IT", json={"kind": "decision"})
    assert decided.status_code == 201, decided.text
    at(world, dt.date(2026, 11, 5))
    done = world.call("POST", f"{CASE}/transfer", "IT", json={"kind": "done"})
    assert done.status_code == 201, done.text

    decision = world.call("GET", f"{CASE}/decision", "observer").json()
    assert (decision["responsible_state"], decision["basis"]) == ("DE", "29(2)")
    assert {d["id"]: d["status"] for d in decision["deadlines"]} == {
        "T6": "met",
        "T11": "met",
        "T16": "met",
        "T24": "met",
    }
    assert decision["workflow"]["next_deadline"] is None
    read = world.call("GET", CASE, "DE")
    assert read.headers["ETag"] == '"5"'
    assert [m["kind"] for m in read.json()["messages"]] == [
        "take_charge_request",
        "reply_accept",
        "transfer_decision",
        "transfer_done",
    ]
    listed = world.call("GET", "/dublin/cases", "DE").json()
    assert [c["ref"] for c in listed["items"]] == [REF] and listed["total"] == 1
    assert world.call("GET", "/dublin/cases", "FR").json()["total"] == 0

    log = world.call("GET", "/audit?limit=1000", "commission").json()["items"]
    assert [e["action"] for e in log if e["action"].startswith("dublin.")][:3] == [
        "dublin.create",
        "dublin.send",
        "dublin.take_charge_request",
    ]
    verdict = world.call("GET", "/audit/verify", "commission").json()
    assert verdict["ok"], verdict


def test_updating_a_case_needs_its_etag(world: World) -> None:
    opened(world, sent=False)
    facts = visa_case(REF, "IT", "DE", REGISTERED)
    assert_problem(world.call("PUT", CASE, "IT", json=facts), 422, "If-Match", "ETag")
    stale = world.call("PUT", CASE, "IT", json=facts, headers={"If-Match": '"7"'})
    assert_problem(stale, 412, "If-Match", 'version "1"')
    ok = world.call("PUT", CASE, "IT", json=facts, headers={"If-Match": '"1"'})
    assert ok.status_code == 200 and ok.headers["ETag"] == '"2"', ok.text
    other = world.call("PUT", CASE, "DE", json=facts, headers={"If-Match": '"2"'})
    assert_problem(other, 403, "state", "only the state that holds the case (IT)")


def test_acceptance_by_silence_read_ahead_then_observed(world: World) -> None:
    request_id = opened(world)
    ahead = world.call("GET", f"{CASE}/decision?as_of=2026-11-03", "IT").json()
    assert ahead["requests"][0]["state"] == "deemed_accepted"
    assert ahead["workflow"]["deemed"] == [
        {"request": request_id, "state": "deemed_accepted", "on": "2026-11-02"}
    ]
    assert ahead["observed"] == []  # a question about another day records nothing

    at(world, dt.date(2026, 11, 3))
    now = world.call("GET", CASE, "DE").json()
    assert now["requests"][0]["state"] == "deemed_accepted"
    assert [o["key"] for o in now["observed"]] == [f"deemed:{request_id}"]
    world.call("GET", CASE, "IT")
    log = world.call("GET", "/audit?limit=1000", "commission").json()["items"]
    observed = [e for e in log if e["action"] == "dublin.observe"]
    assert [e["article"] for e in observed] == ["Art. 40(8) AMMR"]


def test_a_request_not_sent_in_time_leaves_it_responsible(world: World) -> None:
    opened(world, sent=False)
    at(world, dt.date(2026, 11, 11))
    status = world.call("GET", CASE, "IT").json()["status"]
    assert (status["responsible_state"], status["basis"]) == ("IT", "39(1)")
    assert status["responsibility_shift"]["deadline"] == "T6"


def test_the_open_time_limits_as_icalendar(world: World) -> None:
    opened(world)
    r = world.call("GET", "/dublin/deadlines.ics", "DE")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(r.content).walk("VEVENT")
    assert [(str(e["SUMMARY"]), e["DTSTART"].dt) for e in events] == [
        (f"{REF}: reply to the take charge request (Art. 40(1) AMMR)", dt.date(2026, 11, 2))
    ]
    assert "If missed: silence is acceptance" in str(events[0]["DESCRIPTION"])
    for who in ("IT", "FR"):  # IT sent in time; FR is not concerned
        empty = world.call("GET", "/dublin/deadlines.ics", who)
        assert Calendar.from_ical(empty.content).walk("VEVENT") == []
    every = world.call("GET", "/dublin/deadlines.ics?state=DE", "commission")
    assert len(Calendar.from_ical(every.content).walk("VEVENT")) == 1
    other = world.call("GET", "/dublin/deadlines.ics?state=IT", "DE")
    assert_problem(other, 403, "state", "its own time limits")


def test_the_cases_an_offset_may_take(world: World) -> None:
    opened(world, sent=False)
    r = world.call("GET", "/dublin/offset-cases?benefitting_state=DE", "DE")
    assert r.status_code == 200, r.text
    (item,) = r.json()["items"]
    assert (item["case"], item["benefitting_state"], item["responsibility_article"]) == (
        REF,
        "DE",
        "29",
    )
    assert item["transfer_time_limit"] == "2026-11-10"  # the request's, not yet met (39(1))
    assert (
        world.call("GET", "/dublin/offset-cases?benefitting_state=IT", "IT").json()["items"] == []
    )
    refused = world.call("GET", "/dublin/offset-cases?benefitting_state=DE", "FR")
    assert_problem(refused, 403, "benefitting_state", "asked it for responsibility offsets")


def _denmark() -> dict[str, Any]:
    facts = visa_case("IT-DK", "IT", "DE", REGISTERED)
    facts["applications"][0]["state"] = "DK"
    return facts


def _nested(depth: int) -> bytes:
    """A case whose family is ``depth`` arrays deep (JSON text: no Python structure that deep
    can be serialised to send it)."""
    return b'{"case_id": "IT-DEEP", "family": ' + b"[" * depth + b"]" * depth + b"}"


# (method, path, who, request keywords, status, field, words of the rule)
HOSTILE: list[tuple[str, str, str, dict[str, Any], int, str, str]] = [
    (
        "POST",
        "/dublin/cases",
        "IT",
        {"json": _denmark()},
        422,
        "applications.0.state",
        "Dublin III",
    ),
    (
        "POST",
        "/dublin/cases",
        "IT",
        {"json": {**visa_case("IT-X", "XX", "DE", REGISTERED)}},
        422,
        "applications.0.state",
        "unknown Member State",
    ),
    (
        "POST",
        "/dublin/cases",
        "IT",
        {"json": visa_case("Jean Dupont", "IT", "DE", REGISTERED)},
        422,
        "case_id",
        "pseudonymous",
    ),
    (
        "POST",
        "/dublin/cases",
        "IT",
        {"json": {"case_id": "IT-Y", "padding": "x" * 70_000}},
        413,
        "Content-Length",
        "at most",
    ),
    ("POST", "/dublin/cases", "IT", {"json": [1, 2]}, 422, "", ""),
    (
        "POST",
        "/dublin/cases",
        "IT",
        {"content": b"{not json", "headers": {"Content-Type": "application/json"}},
        422,
        "",
        "",
    ),
    (
        "POST",
        "/dublin/cases",
        "IT",
        {"content": _nested(20_000), "headers": {"Content-Type": "application/json"}},
        400,
        "",
        "",
    ),
    (
        "POST",
        "/dublin/cases",
        "IT",
        {"content": _nested(500), "headers": {"Content-Type": "application/json"}},
        422,
        "",
        "",
    ),
    (
        "POST",
        "/dublin/cases",
        "IT",
        {"json": {"case_id": "IT-Z", "applicant": 5}},
        422,
        "applicant",
        "",
    ),
    ("GET", "/dublin/cases/a%20name", "IT", {}, 422, "ref", "pseudonymous"),
    ("GET", "/dublin/cases/" + "A" * 65, "IT", {}, 422, "ref", ""),
    ("GET", f"{CASE}?as_of=2026-13-01", "IT", {}, 422, "as_of", ""),
    ("GET", f"{CASE}?as_of=2026-09-01", "IT", {}, 422, "as_of", "latest fact"),
    (
        "POST",
        f"{CASE}/requests",
        "IT",
        {"json": {"kind": "take_charge", "to_state": "DK"}},
        422,
        "to_state",
        "Dublin III",
    ),
    (
        "POST",
        f"{CASE}/requests",
        "IT",
        {"json": {"kind": "take_charge", "to_state": "GR"}},
        422,
        "to_state",
        "EL",
    ),
    (
        "POST",
        f"{CASE}/requests",
        "IT",
        {"json": {"kind": "take_charge", "to_state": "DE", "article": "Art. 29"}},
        422,
        "article",
        "",
    ),
    (
        "POST",
        f"{CASE}/requests",
        "IT",
        {"json": {"kind": "take_charge", "to_state": "DE", "note": "a\x00b"}},
        422,
        "note",
        "control characters",
    ),
    (
        "POST",
        f"{CASE}/requests",
        "IT",
        {"json": {"kind": "take_charge", "to_state": "DE", "urgent_period_days": 3}},
        422,
        "urgent_period_days",
        "",
    ),
    (
        "POST",
        f"{CASE}/requests",
        "IT",
        {"json": {"kind": "take_charge", "to_state": "DE", "sent_on": "1066-10-14"}},
        422,
        "sent_on",
        "between",
    ),
    (
        "POST",
        f"{CASE}/requests",
        "IT",
        {"json": {"kind": "take_charge", "to_state": "DE", "name": "Jean"}},
        422,
        "name",
        "",
    ),
    (
        "POST",
        f"{CASE}/requests/999999/reply",
        "DE",
        {"json": {"kind": "accept"}},
        404,
        "id",
        "no request or notification",
    ),
    ("POST", f"{CASE}/requests/1/reply", "DE", {"json": {"kind": "maybe"}}, 422, "kind", ""),
    (
        "POST",
        f"{CASE}/transfer",
        "IT",
        {"json": {"kind": "extension"}},
        422,
        "extension",
        "names its reason",
    ),
    (
        "PUT",
        CASE,
        "IT",
        {"json": visa_case(REF, "IT", "DE", REGISTERED), "headers": {"If-Match": "abc"}},
        422,
        "If-Match",
        "ETag",
    ),
    ("GET", "/dublin/offset-cases?benefitting_state=1X", "IT", {}, 422, "benefitting_state", ""),
]


def test_hostile_input_is_answered_in_words_never_500(world: World) -> None:
    opened(world)
    for method, path, who, kwargs, status, field, rule in HOSTILE:
        r = world.call(method, path, who, **kwargs)
        assert r.status_code == status, (method, path, r.status_code, r.text)
        assert r.headers["content-type"].startswith(PROBLEM), (path, r.headers)
        errors = r.json()["errors"]
        assert errors and all(e["rule"] for e in errors), (path, errors)
        if field:
            assert any(e["field"] == field and rule.lower() in e["rule"].lower() for e in errors), (
                method,
                path,
                errors,
            )
    listed = world.call("GET", "/dublin/cases", "commission").json()
    assert [c["ref"] for c in listed["items"]] == [REF]  # nothing refused was stored


def test_an_offsets_reply_names_the_cases_by_reference(world: World) -> None:
    """Art. 63(6) through the API: the reply carries the Dublin references it identifies (the
    service checks each under 63(8), tests/test_dublin_service.py); a reference that is not a
    pseudonym is refused before anything is looked up."""
    path = "/cycles/2026/offsets/1/reply"
    bad = world.call("POST", path, "DE", json={"accepted": 1, "cases": ["Maria Rossi"]})
    assert_problem(bad, 422, "cases.0", "pseudonymous reference")
    many = world.call("POST", path, "DE", json={"accepted": 1, "cases": ["IT-1"] * 1_001})
    assert many.status_code == 422, many.text
    known = world.call("POST", path, "DE", json={"accepted": 1, "cases": ["IT-1"]})
    assert known.status_code != 422, known.text  # the body is read; the request id is the rule
