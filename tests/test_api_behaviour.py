"""How the REST API behaves for a client: ETags and If-Match, pagination, CSV exports,
idempotent retries, the OpenAPI document, `eupact audit verify`, and the whole 2026 cycle of
examples/run_cycle_2026.py against a real `eupact serve` on SQLite and on PostgreSQL.

Cases marked xfail(strict=True) document bugs; fix the bug, then drop the mark.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import importlib.util
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel
from sqlalchemy import update
from typer.testing import CliRunner

from eupact.api import dublin_requests
from eupact.api import requests as api
from eupact.cli.main import app as cli
from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Phase, Role
from eupact.cycle.store.models import AuditRow
from eupact.pool.pledges import Pledge, PledgeKind
from eupact.responsibility import read_case

from .api_support import YEAR, World, Worlds, assert_problem, make_world
from .audit_attacks import drop_audit_guards
from .databases import BACKENDS, fresh_database

# where the API's request models live (the register's, once there: eupact.api.register_requests)
REQUEST_MODULES = [api, dublin_requests] + [
    importlib.import_module(name)
    for name in (
        "eupact.api.register_requests",
        "eupact.api.border_requests",
        "eupact.api.crisis_requests",
    )
    if importlib.util.find_spec(name) is not None
]
ROOT = Path(__file__).resolve().parents[1]
Y = f"/cycles/{YEAR}"


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def world_of(backend, request, tmp_path):
    worlds = Worlds(request, tmp_path)
    yield lambda scenario: worlds(backend, scenario)
    worlds.close()


def etag(response: httpx.Response) -> str:
    return response.headers["ETag"]


# -- ETag and If-Match ------------------------------------------------------------------------


def test_etag_on_get_post_put_and_the_if_match_round_trip(world_of):
    world = world_of("pledging")
    created = world.call(
        "POST", f"{Y}/pledges", "DE", json={"state": "DE", "kind": "financial", "amount": "1000"}
    )
    assert created.status_code == 201 and etag(created) == '"1"', created.headers
    pid = created.json()["id"]
    read = world.call("GET", f"{Y}/pledges/{pid}", "DE")
    assert etag(read) == '"1"' and read.json()["version"] == 1

    body = {"state": "DE", "kind": "financial", "amount": "1500.50"}
    changed = world.call(
        "PUT", f"{Y}/pledges/{pid}", "DE", json=body, headers={"If-Match": etag(read)}
    )
    assert changed.status_code == 200 and etag(changed) == '"2"', changed.text
    assert changed.json()["amount_eur"] == "1500.50"

    # A second writer with the old ETag loses: 412, and the first write stands.
    lost = world.call(
        "PUT", f"{Y}/pledges/{pid}", "DE", json={**body, "amount": "1"}, headers={"If-Match": '"1"'}
    )
    assert_problem(lost, 412, "If-Match", "the record is at version 2")
    again = world.call("GET", f"{Y}/pledges/{pid}", "DE")
    assert etag(again) == '"2"' and again.json()["amount_eur"] == "1500.50"

    # A weak ETag is the same version.
    weak = world.call(
        "PUT",
        f"{Y}/pledges/{pid}",
        "DE",
        json={**body, "amount": "7"},
        headers={"If-Match": 'W/"2"'},
    )
    assert weak.status_code == 200 and etag(weak) == '"3"', weak.text

    gone = world.call("DELETE", f"{Y}/pledges/{pid}", "DE", headers={"If-Match": etag(weak)})
    assert gone.status_code == 200 and gone.json() == {"deleted": pid}
    assert world.call("GET", f"{Y}/pledges/{pid}", "DE").status_code == 404
    assert world.service.verify_audit()["ok"]


@pytest.mark.parametrize(
    "backend",
    ["sqlite", "postgresql"],
    indirect=True,
)
def test_timestamps_carry_their_utc_offset(world_of):
    """A pledge's updated_at reads the same in the answer to the write and in every read."""
    world = world_of("pledging")
    created = world.call(
        "POST", f"{Y}/pledges", "DE", json={"state": "DE", "kind": "financial", "amount": "1"}
    ).json()
    read = world.call("GET", f"{Y}/pledges/{created['id']}", "DE").json()
    assert read["updated_at"] == created["updated_at"]
    assert read["updated_at"].endswith("+00:00")


# -- pagination -------------------------------------------------------------------------------

MORE_STATES = ("AT", "BE", "BG", "CZ", "EE", "FI", "HR", "LT", "LU", "NL", "PT", "SE")


def many_pledges(world: World) -> None:
    """Pledges by 12 more states (14 in all), not in the order of their ids' states."""
    for geo in MORE_STATES:
        actor = Actor(f"test:{geo}", Role.MEMBER_STATE, geo)
        world.service.create_pledge(actor, YEAR, Pledge(geo, PledgeKind.RELOCATION, Decimal(10)))


def test_pagination_total_offset_limit_and_a_stable_order(world_of):
    world = world_of("pledging")
    many_pledges(world)
    everything = world.call("GET", f"{Y}/pledges?limit=1000", "commission").json()
    assert everything["total"] == len(everything["items"]) == 14
    ids = [p["id"] for p in everything["items"]]
    assert ids == sorted(ids)

    pages = []
    for offset in range(0, 20, 5):
        page = world.call("GET", f"{Y}/pledges?offset={offset}&limit=5", "council").json()
        assert (page["total"], page["offset"], page["limit"]) == (14, offset, 5)
        pages += page["items"]
    assert [p["id"] for p in pages] == ids  # no gap, no duplicate across pages
    beyond = world.call("GET", f"{Y}/pledges?offset=14&limit=5", "council").json()
    assert beyond["items"] == [] and beyond["total"] == 14

    # A change does not move a pledge between pages; a filter counts what it selects.
    pid = ids[0]
    r = world.call(
        "PUT",
        f"{Y}/pledges/{pid}",
        "DE",
        json={"state": "DE", "kind": "relocation", "amount": "101"},
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    first = world.call("GET", f"{Y}/pledges?limit=5", "council").json()["items"]
    assert [p["id"] for p in first] == ids[:5]
    only = world.call("GET", f"{Y}/pledges?state=NL", "council").json()
    assert only["total"] == 1 and only["items"][0]["state"] == "NL"
    assert world.call("GET", f"{Y}/pledges", "commission").json()["limit"] == 100  # the default


def test_audit_log_pages_follow_the_chain(world_of):
    world = world_of("act")
    full = world.call("GET", "/audit?limit=1000", "coordinator").json()
    n = full["total"]
    assert n == len(full["items"]) > 10
    seen = []
    for offset in range(0, n, 4):
        page = world.call("GET", f"/audit?offset={offset}&limit=4", "coordinator").json()
        assert page["total"] == n
        seen += page["items"]
    assert [e["seq"] for e in seen] == list(range(1, n + 1))
    assert all(b["prev_hash"] == a["hash"] for a, b in pairwise(seen))


# -- CSV exports ------------------------------------------------------------------------------


def read_csv(response: httpx.Response, name: str) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == f'attachment; filename="{name}.csv"'
    return list(csv.DictReader(io.StringIO(response.text)))


def as_cells(row: dict[str, Any]) -> dict[str, str]:
    return {
        k: "" if v is None else str(v) for k, v in row.items() if not isinstance(v, list | dict)
    }


def test_csv_exports_of_pledges_outcome_and_audit(world_of):
    world = world_of("act")
    for who in ("observer", "commission"):
        items = world.call("GET", f"{Y}/pledges", who).json()["items"]
        rows = read_csv(world.call("GET", f"{Y}/pledges?format=csv", who), "pledges")
        assert len(rows) == len(items) == 2
        for row, item in zip(rows, items, strict=True):
            assert {k: row[k] for k in as_cells(item)} == as_cells(item)
    paged = read_csv(
        world.call("GET", f"{Y}/pledges?format=csv&offset=1&limit=1", "council"), "pledges"
    )
    assert [r["state"] for r in paged] == ["FR"]

    outcome = world.call("GET", f"{Y}/outcome", "observer").json()
    rows = read_csv(world.call("GET", f"{Y}/outcome?format=csv", "observer"), "outcome")
    assert [r["geo"] for r in rows] == [r["geo"] for r in outcome["rows"]]
    de = next(r for r in rows if r["geo"] == "DE")
    assert de == as_cells(next(r for r in outcome["rows"] if r["geo"] == "DE"))
    assert Decimal(de["fair_share_eur"]) == Decimal("91099219.99")  # 21.6903 % of EUR 420 m

    log = world.call("GET", "/audit?limit=1000", "commission").json()["items"]
    rows = read_csv(world.call("GET", "/audit?format=csv&limit=1000", "commission"), "audit")
    assert [(r["seq"], r["action"], r["hash"]) for r in rows] == [
        (str(e["seq"]), e["action"], e["hash"]) for e in log
    ]
    proposal = read_csv(world.call("GET", f"{Y}/proposal?format=csv", "observer"), "proposal")
    assert len(proposal) >= 26


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_csv_nested_cells_are_json(world_of):
    world = world_of("pledging")
    rows = read_csv(world.call("GET", "/audit?format=csv", "commission"), "audit")
    assert json.loads(rows[-1]["after"])  # the last pledge's view
    assert json.loads(next(r for r in rows if r["before"])["before"])


# -- idempotent retries -----------------------------------------------------------------------


def test_an_idempotent_retry_returns_the_same_answer_and_creates_nothing(world_of):
    world = world_of("pledging")
    pledge = {"state": "DE", "kind": "alternative", "amount": "25000", "requested_by": ["CY"]}
    first = world.call(
        "POST", f"{Y}/pledges", "DE", json=pledge, headers={"Idempotency-Key": "p-1"}
    )
    assert first.status_code == 201, first.text
    after_first = world.snapshot()
    for _ in range(2):
        retry = world.call(
            "POST", f"{Y}/pledges", "DE", json=pledge, headers={"Idempotency-Key": "p-1"}
        )
        assert retry.status_code == 201
        assert retry.content == first.content and etag(retry) == etag(first)
        assert world.snapshot() == after_first
    # Without the key, the same body is a second (refused) pledge: the key is what dedupes.
    duplicate = world.call("POST", f"{Y}/pledges", "DE", json=pledge)
    assert_problem(duplicate, 409, "kind", "already has a alternative pledge")
    # Keys are per caller: FR's 'p-1' is FR's own write.
    fr = world.call(
        "POST",
        f"{Y}/pledges",
        "FR",
        json={**pledge, "state": "FR"},
        headers={"Idempotency-Key": "p-1"},
    )
    assert fr.status_code == 201 and fr.json()["id"] != first.json()["id"]


def test_a_retried_transition_moves_the_cycle_once(world_of):
    world = world_of("pledging")
    step = {"action": "close_pledging", "on": "2025-12-08"}
    first = world.call(
        "POST", f"{Y}/transitions", "council", json=step, headers={"Idempotency-Key": "t"}
    )
    assert first.status_code == 200 and first.json()["phase"] == "pledging_closed"
    state = world.snapshot()
    retry = world.call(
        "POST", f"{Y}/transitions", "council", json=step, headers={"Idempotency-Key": "t"}
    )
    assert retry.status_code == 200 and retry.content == first.content
    assert world.snapshot() == state
    # The same key for another request is refused, and nothing happens.
    other = world.call(
        "POST",
        f"{Y}/transitions",
        "council",
        json={"action": "adopt_council_act"},
        headers={"Idempotency-Key": "t"},
    )
    assert_problem(other, 409, "Idempotency-Key", "already used for a different request")
    assert world.phase() is Phase.PLEDGING_CLOSED and world.snapshot() == state


# -- the OpenAPI document ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def openapi(tmp_path_factory):
    with make_world("sqlite", tmp_path_factory.mktemp("openapi")) as world:
        response = world.client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m.upper(), p, op) for p, ops in doc["paths"].items() for m, op in ops.items()]


def resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    return doc["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema


def test_every_request_body_has_a_valid_example(openapi):
    bodies = 0
    for method, path, op in operations(openapi):
        if "requestBody" not in op:
            continue
        bodies += 1
        media = op["requestBody"]["content"]["application/json"]
        schema = resolve(openapi, media["schema"])
        examples = [*schema.get("examples", []), *media.get("examples", {}).values()]
        assert examples, f"{method} {path}: no example"
        if schema["title"] == "Body":  # a Dublin case's facts: read by the engine's own reader
            for example in examples:  # the service dates the facts (as_of) itself
                read_case({"as_of": dt.date.today().isoformat(), **example})
            continue
        model: type[BaseModel] = next(
            getattr(m, schema["title"]) for m in REQUEST_MODULES if hasattr(m, schema["title"])
        )
        for example in examples:
            model.model_validate(example)  # the examples are requests the API accepts
    assert bodies >= 27  # 21 of the cycle and scenarios, 5 of the Dublin workspace, the register


def test_every_operation_has_a_summary_and_the_api_a_description(openapi):
    assert openapi["info"]["description"] and openapi["info"]["version"]
    for method, path, op in operations(openapi):
        assert op.get("summary"), f"{method} {path}: no summary"
        if path != "/healthz":
            assert len(op.get("description", "")) > 20, f"{method} {path}: no description"
            assert op.get("tags"), f"{method} {path}: no tag"


def test_healthz_has_a_description(openapi):
    assert openapi["paths"]["/healthz"]["get"].get("description")


# -- `eupact audit verify` --------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_cli_audit_verify_exits_0_when_intact_and_1_after_an_edit(backend, tmp_path):
    with make_world(backend, tmp_path) as world:
        world.create_cycle()
        world.advance(Phase.FORUM_CONVENED)
        args = ["audit", "verify", "--database-url", world.url]
        intact = CliRunner().invoke(cli, args)
        assert intact.exit_code == 0, intact.output
        assert "chain intact" in intact.output
        drop_audit_guards(world.engine)  # as the database's owner could; else UPDATE is refused
        with world.engine.begin() as conn:
            conn.execute(update(AuditRow).where(AuditRow.seq == 2).values(article="Art. 1"))
        edited = CliRunner().invoke(cli, args)
        assert edited.exit_code == 1, edited.output
        assert "entry 2 was altered" in edited.output


# -- the whole cycle through a real server ----------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load_example() -> Any:
    spec = importlib.util.spec_from_file_location(
        "run_cycle_2026", ROOT / "examples" / "run_cycle_2026.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_2026_example_runs_against_eupact_serve(backend, tmp_path, capsys):
    eupact = Path(sys.executable).with_name("eupact")
    with fresh_database(backend, tmp_path) as url:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = (tmp_path / "serve.log").open("w")
        server = subprocess.Popen(
            [str(eupact), "serve", "--database-url", url, "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_COLOR": "1"},
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "eupact serve did not answer /healthz"
                time.sleep(0.2)
            assert load_example().main(["--base-url", base, "--database-url", url]) == 0
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
            log.close()
    out = capsys.readouterr().out
    assert "SYNTHETIC pledges recorded" in out
    assert "audit chain: chain intact" in out


def test_matching_endpoint_keeps_the_family_together_and_explains(tmp_path):
    """Art. 67(6): the two members of F1 go to the same state; DE, where one has family."""
    from eupact.api.app import create_app
    from eupact.cycle.service import CycleService
    from eupact.cycle.store.db import make_engine, sessions, upgrade

    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    service = CycleService(sessions(make_engine(url)))
    from eupact.cycle.permissions import Actor
    from eupact.cycle.phases import Action, Role

    c, co = Actor("c", Role.COMMISSION), Actor("co", Role.COUNCIL)
    service.create_cycle(c, 2026)
    for action, who in [
        (Action.ADOPT_REPORT, c),
        (Action.ADOPT_DECISION, c),
        (Action.ADOPT_PROPOSAL, c),
        (Action.CONVENE_FORUM, co),
        (Action.OPEN_PLEDGING, co),
        (Action.CLOSE_PLEDGING, co),
        (Action.ADOPT_COUNCIL_ACT, co),
    ]:
        service.transition(who, 2026, action)
    token = service.create_token(Role.COORDINATOR)
    from fastapi.testclient import TestClient

    client = TestClient(create_app(service))
    body = {
        "applicants": [
            {
                "id": "A1",
                "benefitting_state": "IT",
                "family_unit": "F1",
                "links": [{"state": "DE", "kind": "family"}],
            },
            {"id": "A2", "benefitting_state": "IT", "family_unit": "F1"},
            {"id": "A3", "benefitting_state": "EL"},
        ],
        "places": [
            {"contributing_state": "DE", "places": 2},
            {"contributing_state": "FR", "places": 1},
        ],
    }
    r = client.post(
        "/api/v1/cycles/2026/matching", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 200, r.text
    states = {a["applicant"]: a["assigned_state"] for a in r.json()["assignments"]}
    assert states["A1"] == states["A2"] == "DE"


def test_every_list_pages_the_same_way(world_of):
    """Deductions, offsets and implementation records page like pledges: total, offset, limit
    (the default 100), each page a slice of the stable order."""
    world = world_of("act")
    for table in ("deductions", "offsets", "implementation"):
        everything = world.call("GET", f"{Y}/{table}?limit=1000", "commission").json()
        assert everything["limit"] == 1000 and everything["offset"] == 0
        assert everything["total"] == len(everything["items"])
        default = world.call("GET", f"{Y}/{table}", "commission").json()
        assert (default["offset"], default["limit"]) == (0, 100)
        beyond = world.call("GET", f"{Y}/{table}?offset={everything['total']}", "council").json()
        assert beyond["items"] == [] and beyond["total"] == everything["total"]
        if everything["total"]:
            second = world.call("GET", f"{Y}/{table}?offset=1&limit=1", "council").json()
            assert second["items"] == everything["items"][1:2]
