"""Part IV through the REST API, on SQLite and PostgreSQL: the reconvened Forum's pledging
exercise (Art. 13(4), 57(3)), obligatory offsets (Art. 63(3), (6)), alternative measures
requested in the year (Art. 57(4), 65(1)), financial contributions to the Union budget
(Art. 64(1)), the date of application (Art. 85). The service's rules are tested in
tests/test_service_part_iv.py; here, what the routes answer."""

from __future__ import annotations

import datetime as dt

import pytest

from .api_support import YEAR, Worlds, assert_problem
from .databases import BACKENDS


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def world_of(backend, request, tmp_path):
    worlds = Worlds(request, tmp_path)
    yield lambda scenario: worlds(backend, scenario)
    worlds.close()


def noon(day: dt.date):
    return lambda: dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)


def test_art_13_4_pledges_while_the_reconvened_forum_asks_for_more(world_of):
    """Art. 13(4), 57(3): after the act a pledge is refused, until the Council reconvenes the
    Forum; then DE raises its pledge (never lowers it) and the Council closes the exercise."""
    world = world_of("act")
    world.service.clock = noon(dt.date(2026, 7, 1))
    pledges = f"/cycles/{YEAR}/pledges"
    body = {"state": "DE", "kind": "financial", "amount": "250000"}
    assert_problem(world.call("POST", pledges, "DE", json=body), 422, "phase", "Art. 13(4)")
    r = world.call("POST", f"/cycles/{YEAR}/forum/reconvene", "council")
    assert r.status_code == 200 and r.json()["additional_pledging"] is True, r.text
    r = world.call("POST", pledges, "DE", json=body)
    assert r.status_code == 201, r.text
    de = world.ids["pledge:DE"]
    lower = {"state": "DE", "kind": "relocation", "amount": "99"}
    r = world.call("PUT", f"{pledges}/{de}", "DE", json=lower, headers={"If-Match": '"1"'})
    assert_problem(r, 422, "amount", "not lowered or withdrawn")
    more = {"state": "DE", "kind": "relocation", "amount": "300"}
    r = world.call("PUT", f"{pledges}/{de}", "DE", json=more, headers={"If-Match": '"1"'})
    assert r.status_code == 200 and r.headers["ETag"] == '"2"', r.text
    assert_problem(world.call("POST", f"/cycles/{YEAR}/forum/close", "DE"), 403, "role", "")
    r = world.call("POST", f"/cycles/{YEAR}/forum/close", "council")
    assert r.status_code == 200 and r.json()["additional_pledging"] is False, r.text
    r = world.call("POST", f"/cycles/{YEAR}/forum/close", "council")
    assert_problem(r, 422, "forum_reconvened", "reconvenes the Forum first")
    assert world.call("GET", f"/cycles/{YEAR}", "observer").json()["forum_reconvened"] is True


def test_art_63_3_offsets_show_their_kind_and_are_identified_in_full(world_of):
    """Art. 63(3), (6): IT's calls to DE and FR are obligatory: no Art. 69 reply time limit,
    no declining; the list shows each record's kind."""
    world = world_of("act")
    offset = world.ids["offset:DE"]
    listed = world.call("GET", f"/cycles/{YEAR}/offsets", "DE").json()["items"]
    mine = next(o for o in listed if o["id"] == offset)
    assert (mine["kind"], mine["status"], mine["reply_due"]) == ("obligatory", "owed", None)
    reply = f"/cycles/{YEAR}/offsets/{offset}/reply"
    r = world.call("POST", reply, "DE", json={"accepted": 0})
    assert_problem(r, 422, "accepted", "cannot be declined")
    r = world.call("POST", reply, "DE", json={"accepted": 100})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["kind"], r.json()["accepted"]) == (
        "identified",
        "obligatory",
        100,
    )
    csv = world.call("GET", f"/cycles/{YEAR}/offsets?format=csv", "commission").text
    assert "kind" in csv.splitlines()[0] and "obligatory" in csv
    r = world.call(
        "POST",
        f"/cycles/{YEAR}/offsets",
        "DE",
        json={"benefitting_state": "IT", "contributing_state": "DE", "applications": 5},
    )
    assert r.status_code == 201 and r.json()["status"] == "identified", r.text  # 63(6)


def test_art_65_1_a_benefitting_state_requests_alternative_measures(world_of):
    """Art. 57(4), 65(1): IT (benefitting) requests DE's alternative measures in 2026."""
    world = world_of("act")
    world.service.clock = noon(dt.date(2026, 7, 1))
    world.reconvene(close=False)  # DE pledges alternative measures at the reconvened Forum
    alt = world.pledge("DE", "alternative", "500000")
    path = f"/cycles/{YEAR}/pledges/{alt['id']}/requests"
    r = world.call("POST", path, "FR", json={"benefitting_state": "FR"})
    assert_problem(r, 422, "benefitting_state", "Art. 65(1)")
    r = world.call("POST", path, "IT", json={"benefitting_state": "IT"})
    assert r.status_code == 200 and r.json()["requested_by"] == ["IT"], r.text
    assert r.headers["ETag"] == '"2"'
    r = world.call("POST", path, "IT", json={"benefitting_state": "IT"})
    assert_problem(r, 409, "benefitting_state", "already requested")
    world.service.clock = noon(dt.date(2027, 1, 5))
    r = world.call("POST", path, "CY", json={"benefitting_state": "CY"})
    assert_problem(r, 422, "date", "in the year 2026")


def test_art_64_1_a_financial_contribution_is_recorded_without_a_benefitting_state(world_of):
    world = world_of("implementation")
    body = {"state": "DE", "kind": "financial", "amount": "1000"}
    r = world.call("POST", f"/cycles/{YEAR}/implementation", "DE", json=body)
    assert r.status_code == 201 and r.json()["benefitting_state"] == "", r.text


def test_art_85_before_the_date_of_application(world_of):
    """Art. 85: on 1 June 2026 offsets and deductions are refused, naming the date."""
    world = world_of("act")
    world.service.clock = noon(dt.date(2026, 6, 1))
    r = world.call(
        "POST",
        f"/cycles/{YEAR}/offsets/{world.ids['offset:DE']}/reply",
        "DE",
        json={"accepted": 100},
    )
    assert_problem(r, 422, "date", "apply from 2026-06-12 (Art. 85")
    r = world.call(
        "POST",
        f"/cycles/{YEAR}/deductions",
        "PL",
        json={"state": "PL", "article": "62", "full": True, "reasons": "capacity"},
    )
    assert_problem(r, 422, "date", "Art. 62 AMMR applies from 2026-06-12")
