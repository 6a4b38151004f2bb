"""The border procedure through the REST API (/api/v1/border/*, APR Arts. 47-50), on SQLite and
PostgreSQL alike, one world per backend for the module: the notification flows end to end (a
state's figures with their ETag, its Art. 48 and Art. 50 notifications, the Commission's
verification and implementing act, the status released from 42(1)(c) and (j)); the capacities
computed from an inputs set beside the recorded act (hand-worked); hostile input answered 4xx in
words, never 500, changing nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from .api_support import World, assert_problem, make_world
from .databases import BACKENDS

TODAY = dt.date(2026, 12, 5)


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    with make_world(str(request.param), tmp_path_factory.mktemp("border-api")) as w:
        w.service.clock = lambda: dt.datetime.combine(TODAY, dt.time(9), dt.UTC)
        yield w


def months(*rows: tuple[str, int, int, int, int, int]) -> list[dict[str, Any]]:
    keys = ("month", "asylum_border", "return_border", "entered", "left", "examined")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def test_the_flows_end_to_end(world: World) -> None:
    """Spain: capacity 3,301 (recorded, SECONDARY), maximum 2 x 3,301 = 6,602 from 12 June 2026.
    July: 3,000 + 400 = 3,400 >= 3,301 (reached); examined 4,000 + 3,000 = 7,000 >= 6,602."""
    r = world.call(
        "POST",
        "/border/figures",
        "ES",
        json={"months": months(("2026-07", 3000, 400, 3400, 0, 4000))},
    )
    assert r.status_code == 201, r.text
    assert r.headers["ETag"] == '"1"' and r.json()["figures"][0]["in_procedure"] == 3400
    r = world.call("GET", "/border/figures/es", "observer")
    assert (r.status_code, r.headers["ETag"]) == (200, '"1"')
    stale = world.call(
        "POST",
        "/border/figures",
        "ES",
        json={"months": months(("2026-08", 3000, 400, 0, 0, 3000))},
        headers={"If-Match": '"0"'},
    )
    assert_problem(stale, 412, "If-Match", 'at revision "1"')
    r = world.call(
        "POST",
        "/border/figures",
        "ES",
        json={"months": months(("2026-08", 3000, 400, 0, 0, 3000))},
        headers={"If-Match": '"1"', "Idempotency-Key": "es-aug"},
    )
    assert r.status_code == 201 and r.headers["ETag"] == '"2"', r.text

    body = {
        "article": "48",
        "notified_on": "2026-08-03",
        "in_procedure": 3400,
        "measure": "apply",
        "reasoning": "the border facilities are full",
    }
    r = world.call("POST", "/border/notifications", "ES", json=body)
    assert r.status_code == 201 and r.headers["ETag"] == '"1"', r.text
    n48 = r.json()
    assert n48["ref"] == "ES-48-2026-1" and n48["check"]["capacity"] == 3301
    r = world.call("GET", f"/border/notifications/{n48['ref']}", "observer")
    assert r.json()["reasoning"] is None and r.headers["ETag"] == '"1"'
    assert world.call("GET", f"/border/notifications/{n48['ref']}", "DE").json()["reasoning"]

    r = world.call(
        "POST",
        "/border/notifications",
        "ES",
        json={"article": "50", "notified_on": "2026-09-01", "examined": 7000},
    )
    n50 = r.json()["ref"]
    act = {"notification_ref": n50, "kind": "verification", "act_date": "2026-09-08"}
    assert_problem(world.call("POST", "/border/acts", "ES", json=act), 403, "role", "border.decide")
    r = world.call("POST", "/border/acts", "commission", json={**act, "outcome": "verified"})
    assert r.status_code == 201, r.text
    r = world.call(
        "POST",
        "/border/acts",
        "commission",
        json={
            "notification_ref": n50,
            "kind": "implementing_act",
            "act_date": "2026-09-15",
            "reference": "Commission Implementing Decision (EU) 2026/TEST",
        },
    )
    assert r.status_code == 201 and len(r.json()["notification"]["acts"]) == 2, r.text

    r = world.call("GET", "/border/status/ES?year=2026", "observer")
    (es,) = r.json()["states"]
    july, august = es["months"]
    assert (july["used_percent"], july["released_from"]) == ("103.0", [])  # 3,400 / 3,301
    assert august["released_from"] == ["42(1)(j)"]  # notified 3 August, still at 3,400
    assert (august["examined_year"], august["maximum"]) == (7000, 6602)
    r = world.call("GET", "/border/notifications?geo=ES&year=2026", "council")
    assert [n["article"] for n in r.json()["items"]] == ["50", "48"]  # newest first
    log = [e.as_dict() for e in world.service.audit_log(world.actor("commission"), 0, 10_000)[0]]
    mine = [(e["action"], e["role"]) for e in log if e["action"].startswith("border.")]
    assert mine == [
        ("border.figures", "member_state"),
        ("border.figures", "member_state"),
        ("border.notify", "member_state"),
        ("border.notify", "member_state"),
        ("border.act", "commission"),
        ("border.act", "commission"),
    ]


def test_capacities_from_an_inputs_set_beside_the_recorded_act(world: World) -> None:
    """The 26 states bound by the APR (not Denmark) each with 900 crossings and 100 refusals a
    year over 2021-2023 (3,000), Italy four times as many (12,000): the Union's sum is 25 x 3,000
    + 12,000 = 87,000. Italy: 30,000 x 12,000 / 87,000 = 4,137.93 -> 4,138 (half up); each
    other: 30,000 x 3,000 / 87,000 = 1,034.48 -> 1,034. Italy's recorded figure: 8,016."""
    r = world.call("GET", "/border/capacities?year=2026", "observer")
    bound = [row["geo"] for row in r.json()["rows"]]
    assert len(bound) == 26 and "DK" not in bound
    figures = [
        {
            "geo": geo,
            "year": year,
            "irregular_crossings": 3600 if geo == "IT" else 900,
            "refusals_of_entry": 400 if geo == "IT" else 100,
            "source": "a hand-worked test set, not data",
        }
        for geo in bound
        for year in (2021, 2022, 2023)
    ]
    r = world.call(
        "POST", "/border/capacities", "FR", json={"act_date": "2024-08-05", "figures": figures}
    )
    assert r.status_code == 200, r.text
    rows = {row["geo"]: row for row in r.json()["rows"]}
    assert (rows["IT"]["computed"], rows["IT"]["recorded"], rows["IT"]["difference"]) == (
        4138,
        8016,
        4138 - 8016,
    )
    assert rows["AT"]["computed"] == 1034 and rows["AT"]["recorded_label"] == "not available"
    assert rows["IT"]["recorded_class"] == "secondary" and r.json()["same_window"] is True
    assert r.json()["computed"]["complete"] is True
    log = world.service.audit_log(world.actor("commission"), 0, 10_000)[0]
    assert not [e for e in log if "capacit" in e.action]  # a computation writes nothing


HOSTILE: list[tuple[str, str, str, Any, int, str]] = [
    # (method, path, who, json, status, field)
    ("POST", "/border/figures", "IT", {"months": []}, 422, "months"),
    (
        "POST",
        "/border/figures",
        "IT",
        {"months": months(("2026-07", -1, 0, 0, 0, 0))},
        422,
        "months.0.asylum_border",
    ),
    (
        "POST",
        "/border/figures",
        "IT",
        {"months": months(("2026-07", 10**30, 0, 0, 0, 0))},
        422,
        "months.0.asylum_border",
    ),
    (
        "POST",
        "/border/figures",
        "IT",
        {"months": months(("2026-07", 1e308, 0, 0, 0, 0))},
        422,
        "months.0.asylum_border",
    ),
    (
        "POST",
        "/border/figures",
        "IT",
        {"months": months(("2026-07", "12", 0, 0, 0, 0))},
        422,
        "months.0.asylum_border",
    ),
    (
        "POST",
        "/border/figures",
        "IT",
        {"months": months(("2026-13", 1, 0, 0, 0, 0))},
        422,
        "months[0].month",
    ),
    (
        "POST",
        "/border/figures",
        "IT",
        {"months": months(("2026-07", 1, 0, 1, 0, 0)) * 2},
        422,
        "months[1].month",
    ),
    (
        "POST",
        "/border/figures",
        "IT",
        {"geo": "XX", "months": months(("2026-07", 1, 0, 1, 0, 0))},
        422,
        "geo",
    ),
    (
        "POST",
        "/border/figures",
        "IT",
        {"geo": "DK", "months": months(("2026-07", 1, 0, 1, 0, 0))},
        422,
        "geo",
    ),
    (
        "POST",
        "/border/figures",
        "IT",
        {"geo": "FR", "months": months(("2026-07", 1, 0, 1, 0, 0))},
        403,
        "state",
    ),
    (
        "POST",
        "/border/figures",
        "IT",
        {"months": months(("2026-07", 1, 0, 1, 0, 0)), "x": 1},
        422,
        "x",
    ),
    (
        "POST",
        "/border/figures",
        "IT",
        {"months": [{**months(("2026-07", 1, 0, 1, 0, 0))[0], "avg_admin_days": "NaN"}]},
        422,
        "months[0].avg_admin_days",
    ),
    (
        "POST",
        "/border/figures",
        "commission",
        {"months": months(("2026-07", 1, 0, 1, 0, 0))},
        403,
        "role",
    ),
    (
        "POST",
        "/border/notifications",
        "IT",
        {"article": "49", "notified_on": "2026-08-01"},
        422,
        "article",
    ),
    (
        "POST",
        "/border/notifications",
        "IT",
        {"article": "48", "notified_on": "2026-02-30"},
        422,
        "notified_on",
    ),
    (
        "POST",
        "/border/notifications",
        "IT",
        {
            "article": "48",
            "notified_on": "2026-08-01",
            "in_procedure": 10,
            "measure": "apply",
            "reasoning": "r",
        },
        422,
        "in_procedure",
    ),
    (
        "POST",
        "/border/notifications",
        "IT",
        {
            "article": "48",
            "notified_on": "2026-08-01",
            "in_procedure": 9000,
            "measure": "apply",
            "reasoning": "r",
            "ref": "../../etc",
        },
        422,
        "ref",
    ),
    (
        "POST",
        "/border/acts",
        "commission",
        {"notification_ref": "IT-50-2099-9", "kind": "verification", "act_date": "2026-09-01"},
        404,
        "notification_ref",
    ),
    (
        "POST",
        "/border/acts",
        "commission",
        {"notification_ref": "IT-50-2099-9", "kind": "ruling", "act_date": "2026-09-01"},
        422,
        "kind",
    ),
    ("GET", "/border/figures/ZZ", "observer", None, 422, "geo"),
    (
        "POST",
        "/border/capacities",
        "observer",
        {"figures": [{"geo": "DK", "year": 2021, "source": "x"}]},
        422,
        "figures[0].geo",
    ),
    (
        "POST",
        "/border/capacities",
        "observer",
        {"figures": [{"geo": "IT", "year": 2021, "source": "x"}] * 2},
        422,
        "figures[1].year",
    ),
    (
        "POST",
        "/border/capacities",
        "observer",
        {"figures": [{"geo": "IT", "year": 2021, "irregular_crossings": -5, "source": "x"}]},
        422,
        "figures.0.irregular_crossings",
    ),
    ("GET", "/border/figures/IT/2026-7", "observer", None, 422, "month"),
    ("GET", "/border/status?year=99999999999999999999", "observer", None, 422, "year"),
    ("GET", "/border/notifications/%E2%80%AE", "observer", None, 422, "ref"),
    ("GET", "/border/capacities?act_date=2026-02-30", "observer", None, 422, "act_date"),
]


def test_hostile_input_is_answered_in_words_and_changes_nothing(world: World) -> None:
    before = world.snapshot()
    for method, path, who, body, status, field in HOSTILE:
        r = world.call(method, path, who, json=body)
        assert_problem(r, status, field, "")
        assert "Traceback" not in r.text and "Problem(" not in r.text
    r = world.call("GET", "/border/status", None)
    assert_problem(r, 401, "Authorization", "")
    assert world.snapshot() == before


def test_a_skipped_month_and_a_broken_stock_name_the_month_and_the_rule(world: World) -> None:
    first = months(("2026-07", 9000, 0, 9000, 0, 10))
    assert world.call("POST", "/border/figures", "IT", json={"months": first}).status_code == 201
    r = world.call(
        "POST", "/border/figures", "IT", json={"months": months(("2026-09", 9000, 0, 0, 0, 1))}
    )
    body = assert_problem(r, 422, "month", "2026-08 is missing")
    assert "IT 2026-09" in body["detail"]
    r = world.call(
        "POST", "/border/figures", "IT", json={"months": months(("2026-08", 9000, 0, 5, 0, 1))}
    )
    assert_problem(r, 422, "asylum_border + return_border", "does not follow inflow and outflow")
    note = {**months(("2026-08", 9005, 0, 5, 0, 1))[0], "note": "=1+1"}
    r = world.call("POST", "/border/figures", "IT", json={"months": [note]})
    assert r.status_code == 201, r.text
    items = world.call("GET", "/border/figures/IT", "IT").json()["items"]
    assert items[-1]["note"] == "=1+1"  # stored as typed (inert in any spreadsheet)
    assert world.call("GET", "/border/figures/IT", "FR").json()["items"][-1]["note"] is None
