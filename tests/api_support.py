"""Scaffolding for the REST API tests (tests/test_api_*.py).

A :class:`World` is one fresh database (SQLite or PostgreSQL, see :mod:`tests.databases`), the
FastAPI app on it behind a TestClient, and one API token per actor. Scenarios drive the cycle to
a phase through the service (fast, and independent of the routes under test) and seed the
records an endpoint needs: pledges, deduction requests, offsets requests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from eupact.api.app import create_app
from eupact.cycle.permissions import Actor
from eupact.cycle.phases import ORDER, TRANSITIONS, Action, Phase, Role
from eupact.cycle.service import CycleService
from eupact.cycle.store.db import make_engine, sessions, upgrade
from eupact.cycle.store.models import AuditHeadRow, Base
from eupact.data.snapshot import load_snapshot
from eupact.parameters import load_parameters
from eupact.pool.benefit import Needs, Notification, UseOfPool
from eupact.pool.pledges import Deduction, Pledge, PledgeKind
from eupact.web.security import FailureLimiter

from .databases import PG_ADMIN, fresh_database

YEAR = 2026
V1 = "/api/v1"
PROBLEM = "application/problem+json"

# The six actors of the authorization matrix, and the extra states that scenarios need (IT is a
# benefitting state that requests offsets; AT and PL are eligible for Art. 62 deductions; CY, EL,
# ES and IT, identified under pressure, inform that they use the pool, Art. 58(1); MT and SI,
# not identified, notify their need, Art. 59(1)).
INSTITUTIONS = {
    "commission": Role.COMMISSION,
    "council": Role.COUNCIL,
    "coordinator": Role.COORDINATOR,
    "observer": Role.OBSERVER,
}
MATRIX_ACTORS = ("commission", "council", "coordinator", "observer", "DE", "FR")
EXTRA_STATES = ("IT", "AT", "PL", "CY", "EL", "ES", "MT", "SI")
UNDER_PRESSURE = ("CY", "EL", "ES", "IT")  # the 2026 Art. 11 decision
# Arts. 58-63 apply from 12 June 2026 (Art. 85): the earliest day a state informs.
INFORMED_ON = dt.date(2026, 6, 12)

# The cycle's steps in order, by the actor the regulation names, on the dates of the 2026 cycle.
STEPS: list[tuple[Action, str, dt.date]] = [
    (Action.ADOPT_REPORT, "commission", dt.date(2025, 11, 11)),
    (Action.ADOPT_DECISION, "commission", dt.date(2025, 11, 11)),
    (Action.ADOPT_PROPOSAL, "commission", dt.date(2025, 11, 11)),
    (Action.CONVENE_FORUM, "council", dt.date(2025, 11, 18)),
    (Action.OPEN_PLEDGING, "council", dt.date(2025, 11, 27)),
    (Action.CLOSE_PLEDGING, "council", dt.date(2025, 12, 8)),
    (Action.ADOPT_COUNCIL_ACT, "council", dt.date(2025, 12, 19)),
    (Action.START_IMPLEMENTATION, "coordinator", dt.date(2026, 6, 12)),
    (Action.CLOSE_YEAR, "coordinator", dt.date(2026, 12, 31)),
]

# Loaded once per test process and shared by every world's service (both are read-only).
PARAMETERS = load_parameters()
SNAPSHOT = load_snapshot()


def role_of(name: str) -> Role:
    return INSTITUTIONS.get(name, Role.MEMBER_STATE)


def state_of(name: str) -> str | None:
    return None if name in INSTITUTIONS else name


@dataclass
class World:
    backend: str
    url: str
    engine: Engine
    service: CycleService
    app: FastAPI
    client: TestClient
    tokens: dict[str, str]
    ids: dict[str, int] = field(default_factory=dict)

    # -- HTTP -----------------------------------------------------------------------------------

    def headers(self, who: str | None, **extra: str) -> dict[str, str]:
        out = {} if who is None else {"Authorization": f"Bearer {self.tokens[who]}"}
        out.update(extra)
        return out

    def call(
        self,
        method: str,
        path: str,
        who: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """A request to ``/api/v1`` + ``path`` as ``who`` (no Authorization header if None)."""
        return self.client.request(
            method, V1 + path, headers={**self.headers(who), **(headers or {})}, **kwargs
        )

    # -- the service, as the actors ---------------------------------------------------------------

    def actor(self, who: str) -> Actor:
        return self.service.authenticate(self.tokens[who])

    def phase(self) -> Phase:
        return Phase(self.service.get_cycle(self.actor("commission"), YEAR).phase)

    def create_cycle(self) -> None:
        self.service.create_cycle(self.actor("commission"), YEAR)

    def advance(self, target: Phase) -> None:
        """Take the cycle's steps, each by its actor, until it is in ``target``."""
        for action, who, on in STEPS:
            if ORDER.index(self.phase()) >= ORDER.index(target):
                return
            if self.phase() is TRANSITIONS[action].source:
                self.service.transition(self.actor(who), YEAR, action, on)
        assert self.phase() is target

    def pledge(
        self, state: str, kind: str, amount: str | int, requested_by: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        p = Pledge(state, PledgeKind(kind), Decimal(amount), requested_by)
        return self.service.create_pledge(self.actor(state), YEAR, p).as_dict()

    def deduction(self, state: str, article: str = "62", **kw: Any) -> dict[str, Any]:
        d = Deduction(state, article, kw.pop("full", True), **kw)
        return self.service.request_deduction(self.actor(state), YEAR, d, "test").as_dict()

    def assess(self, deduction_id: int) -> dict[str, Any]:
        return self.service.assess_deduction(
            self.actor("commission"), YEAR, deduction_id, "substantiated"
        ).as_dict()

    def decide(self, deduction_id: int, granted: bool = True) -> dict[str, Any]:
        return self.service.decide_deduction(
            self.actor("council"), YEAR, deduction_id, granted, "Council Implementing Decision (T)"
        ).as_dict()

    def use_pool(self, state: str, on: dt.date = INFORMED_ON) -> dict[str, Any]:
        """``state`` informs that it uses the pool (Art. 58(1)): it benefits from ``on``."""
        use = UseOfPool(state, on, Needs(100))
        return self.service.inform_use_of_pool(self.actor(state), YEAR, use).as_dict()

    def notify(self, state: str, on: dt.date = dt.date(2026, 7, 1)) -> dict[str, Any]:
        """``state`` notifies its need to use the pool (Art. 59(1)-(2))."""
        n = Notification(
            state, on, "arrivals doubled (Art. 9(3)(a))", Needs(200), "frees reception", "a plan"
        )
        return self.service.notify_need(self.actor(state), YEAR, n).as_dict()

    def decide_notification(
        self, notification_id: int, on: dt.date = dt.date(2026, 7, 10), under_pressure: bool = True
    ) -> dict[str, Any]:
        """The Commission decides on a notification (Art. 59(4))."""
        return self.service.decide_notification(
            self.actor("commission"), YEAR, notification_id, on, under_pressure
        ).as_dict()

    def reconvene(self, close: bool = True) -> None:
        """Art. 13(4): the Council reconvenes the Forum and (``close``) closes its pledging
        exercise, after which the test of Art. 63(3) runs."""
        self.service.reconvene_forum(self.actor("council"), YEAR)
        if close:
            self.service.close_reconvened_pledging(self.actor("council"), YEAR)

    def offsets(self, benefitting: str, contributing: str, n: int) -> dict[str, Any]:
        return self.service.request_offsets(
            self.actor(benefitting), YEAR, benefitting, contributing, n
        ).as_dict()

    # -- the database as a whole ------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """Row counts of every table, the audit chain's head, and a digest of every row."""
        out: dict[str, Any] = {}
        digest = hashlib.sha256()
        with self.engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
                out[table.name] = len(rows)
                digest.update(f"{table.name}:{[tuple(r) for r in rows]!r}".encode())
            head = conn.execute(select(AuditHeadRow.seq, AuditHeadRow.hash)).one()
        out["audit_head"] = (head.seq, head.hash)
        out["digest"] = digest.hexdigest()
        return out


@contextmanager
def open_world(backend: str, url: str, tokens: dict[str, str] | None = None) -> Iterator[World]:
    """The app on the database at ``url`` (with the schema); creates the tokens if not given."""
    engine = make_engine(url)
    try:
        service = CycleService(sessions(engine), parameters=PARAMETERS, snapshot=SNAPSHOT)
        app = create_app(service)
        # the API's tests send many refused tokens on purpose; the limiter's own tests are in
        # tests/test_web_security.py
        app.state.auth_limiter = FailureLimiter(limit=1_000_000)
        if tokens is None:
            tokens = {
                name: service.create_token(role_of(name), state_of(name), f"test {name}")
                for name in (*MATRIX_ACTORS, *EXTRA_STATES)
            }
        with TestClient(app, raise_server_exceptions=False) as client:
            yield World(backend, url, engine, service, app, client, dict(tokens))
    finally:
        engine.dispose()


@contextmanager
def make_world(backend: str, tmp: Path) -> Iterator[World]:
    """A fresh database of ``backend`` with the schema, the app, and a token per actor."""
    with fresh_database(backend, tmp) as url:
        upgrade(url)
        with open_world(backend, url) as world:
            yield world


SCENARIOS = ("empty", "opened", "pledging", "closed", "act", "implementation")


def build(world: World, scenario: str) -> World:
    """Drive ``world`` to ``scenario``, seeding what the endpoints of that phase act on.

    - pledging: DE and FR each have a relocation pledge (ids ``pledge:DE``, ``pledge:FR``);
    - act: the Council act is adopted; CY, EL, ES and IT informed that they use the pool
      (Art. 58(1), ids ``use:CY`` ...); MT notified its need and the Commission decided that
      it is under pressure (``notification:decided``), SI's notification awaits the decision
      (``notification:pending``); AT's Art. 62 deduction request is assessed
      (``deduction:assessed``) and PL's is not (``deduction:requested``); the Forum was
      reconvened (its pledging exercise closed) and IT called obligatory offsets from DE and
      FR (``offset:DE``, ``offset:FR``: Art. 63(3), owed in full);
    - implementation: the Technical-Level Forum runs.
    """
    assert scenario in SCENARIOS, scenario
    if scenario == "empty":
        return world
    world.create_cycle()
    if scenario == "opened":
        return world
    world.advance(Phase.PLEDGING_OPEN)
    world.ids["pledge:DE"] = world.pledge("DE", "relocation", 100)["id"]
    world.ids["pledge:FR"] = world.pledge("FR", "relocation", 50)["id"]
    if scenario == "pledging":
        return world
    world.advance(Phase.PLEDGING_CLOSED)
    if scenario == "closed":
        return world
    world.advance(Phase.COUNCIL_ACT_ADOPTED)
    for geo in UNDER_PRESSURE:
        world.ids[f"use:{geo}"] = world.use_pool(geo)["id"]
    world.ids["notification:decided"] = world.notify("MT")["id"]
    world.decide_notification(world.ids["notification:decided"])
    world.ids["notification:pending"] = world.notify("SI")["id"]
    world.ids["deduction:assessed"] = world.deduction("AT")["id"]
    world.assess(world.ids["deduction:assessed"])
    world.ids["deduction:requested"] = world.deduction("PL")["id"]
    world.reconvene()
    world.ids["offset:DE"] = world.offsets("IT", "DE", 100)["id"]
    world.ids["offset:FR"] = world.offsets("IT", "FR", 100)["id"]
    if scenario == "act":
        return world
    world.advance(Phase.IMPLEMENTATION)
    return world


def assert_problem(response: httpx.Response, status: int, field: str, rule: str) -> dict[str, Any]:
    """``response`` is a problem+json of ``status`` with an error on ``field`` whose rule
    contains ``rule`` (case-insensitive)."""
    assert response.status_code == status, (status, response.status_code, response.text)
    assert response.headers["content-type"].startswith(PROBLEM), response.headers
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"], body
    errors = body["errors"]
    assert any(e["field"] == field and rule.lower() in e["rule"].lower() for e in errors), (
        f"no error on {field!r} with rule containing {rule!r}: {errors}"
    )
    return body


# -- worlds from templates ------------------------------------------------------------------------
#
# Building a scenario takes a dozen writes; a test that needs many worlds of one scenario gets
# copies of a template built once per test process: a copied SQLite file, or a PostgreSQL
# database created with TEMPLATE. Templates are removed when the test session ends.


@dataclass(frozen=True)
class Template:
    backend: str
    url: str
    name: str  # the file (SQLite) or the database (PostgreSQL)
    tokens: dict[str, str]
    ids: dict[str, int]


_TEMPLATES: dict[tuple[str, str], Template] = {}
_TEMPLATE_DIR: list[Path] = []


def _admin(sql: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(sql)


def _pg_url(name: str) -> str:
    return f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"


def _template(config: pytest.Config, backend: str, scenario: str) -> Template:
    if (backend, scenario) in _TEMPLATES:
        return _TEMPLATES[(backend, scenario)]
    if not _TEMPLATE_DIR:
        _TEMPLATE_DIR.append(Path(tempfile.mkdtemp(prefix="eupact-templates-")))
        config.add_cleanup(lambda: shutil.rmtree(_TEMPLATE_DIR.pop(), ignore_errors=True))
    tag = uuid.uuid4().hex[:12]
    if backend == "sqlite":
        name = str(_TEMPLATE_DIR[0] / f"{scenario}-{tag}.db")
        url = f"sqlite:///{name}"
    else:
        name = f"eupact_t_tmpl_{tag}"
        _admin(f'CREATE DATABASE "{name}"')
        config.add_cleanup(lambda: _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        url = _pg_url(name)
    upgrade(url)
    with open_world(backend, url) as world:
        build(world, scenario)
        template = Template(backend, url, name, dict(world.tokens), dict(world.ids))
    _TEMPLATES[(backend, scenario)] = template
    return template


class Worlds:
    """Make worlds for one test: ``worlds(backend, scenario)``; all are dropped at the end."""

    def __init__(self, request: pytest.FixtureRequest, tmp: Path) -> None:
        self.config = request.config
        self.tmp = tmp
        self.stack = ExitStack()

    def __call__(self, backend: str, scenario: str) -> World:
        t = _template(self.config, backend, scenario)
        tag = uuid.uuid4().hex[:12]
        if backend == "sqlite":
            path = self.tmp / f"eupact-{tag}.db"
            shutil.copyfile(t.name, path)
            url = f"sqlite:///{path}"
        else:
            name = f"eupact_t_{tag}"
            _admin(f'CREATE DATABASE "{name}" TEMPLATE "{t.name}"')
            self.stack.callback(_admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            url = _pg_url(name)
        world = self.stack.enter_context(open_world(backend, url, t.tokens))
        world.ids = dict(t.ids)
        return world

    def close(self) -> None:
        self.stack.close()
