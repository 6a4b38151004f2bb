"""Fault test of the cycle service: 50 concurrent clients × 10,000 pledge operations against a
running `eupact serve`, killed with SIGKILL and restarted on the same port and database part-way
through, on SQLite and on PostgreSQL.

Every client owns distinct (state, kind) pledge slots, so the final state it expects follows from
the operations it saw acknowledged. Each operation (create; update with If-Match; delete) carries
its own Idempotency-Key; on a connection error or a 5xx the client sends the *same* request with
the *same* key again until it is answered. The test then checks that the database holds exactly
the acknowledged state (state, kind, amount, version), that each acknowledged operation left one
audit entry and one idempotency record (nothing lost, nothing applied twice), and that the audit
chain verifies.

Traffic stays on 127.0.0.1; every loop is bounded in count and time, and the server is killed in
a ``finally`` whatever happens. The two backends never run at once, even under pytest-xdist (a
file lock), so that they do not share the two cores.

Knobs for measuring (the defaults are the acceptance figures): EUPACT_STRESS_OPS (operations per
backend), EUPACT_STRESS_CLIENTS, EUPACT_STRESS_KILL_AT (fraction of the operations acknowledged
when the server is killed), EUPACT_STRESS_TIMEOUT (seconds per backend).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy import func, select

from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Action, Role
from eupact.cycle.records import cents
from eupact.cycle.service import CycleService
from eupact.cycle.store.db import make_engine, sessions, upgrade
from eupact.cycle.store.models import AuditRow, IdempotencyRow, PledgeRow
from eupact.pool.pledges import Pledge, PledgeKind

from .databases import BACKENDS, fresh_database

YEAR = 2026
HOST = "127.0.0.1"  # loopback only
OPS = int(os.environ.get("EUPACT_STRESS_OPS", "10000"))
CLIENTS = int(os.environ.get("EUPACT_STRESS_CLIENTS", "50"))
KILL_AT = float(os.environ.get("EUPACT_STRESS_KILL_AT", "0.4"))
TIMEOUT = float(os.environ.get("EUPACT_STRESS_TIMEOUT", "240"))
MAX_ATTEMPTS = 400  # per operation; with the back-off below, about 60 s of retrying
SERVER_START_TIMEOUT = 60.0
REQUEST_TIMEOUT = httpx.Timeout(30.0, connect=5.0)

C = Actor("stress-commission", Role.COMMISSION)
CO = Actor("stress-council", Role.COUNCIL)
KINDS = tuple(str(k) for k in PledgeKind)


# -- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class Server:
    """`eupact serve` in a subprocess of its own process group, on a fixed port and database."""

    def __init__(self, url: str, port: int, log: Path, workers: str | None = "1") -> None:
        """``workers=None``: `eupact serve`'s own default (1 on SQLite, per core on PostgreSQL)."""
        self.url, self.port, self.log, self.workers = url, port, log, workers
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.kills = 0

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        assert self.proc is None
        argv = [
            sys.executable,
            "-c",
            "from eupact.cli.main import main; main()",
            "serve",
            "--database-url",
            self.url,
            "--host",
            HOST,
            "--port",
            str(self.port),
        ]
        workers = os.environ.get("EUPACT_BENCH_WORKERS", self.workers)
        if workers:
            argv += ["--workers", workers]
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.starts += 1
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        with httpx.Client(base_url=self.base, timeout=2.0) as http:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"eupact serve exited: {self.log.read_text()[-2000:]}")
                with contextlib.suppress(httpx.TransportError):
                    if http.get("/healthz").status_code == 200:
                        return
                time.sleep(0.05)
        raise RuntimeError(f"eupact serve not up in {SERVER_START_TIMEOUT} s")

    def kill(self) -> None:
        """SIGKILL, no goodbye: whatever was in flight is cut off."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        self.proc = None
        self.kills += 1


@contextlib.contextmanager
def one_backend_at_a_time() -> Iterator[None]:
    """A file lock, so that the SQLite and PostgreSQL runs never share the cores (xdist)."""
    path = Path(tempfile.gettempdir()) / "eupact-stress.lock"
    with path.open("w") as handle:
        deadline = time.monotonic() + 2 * (TIMEOUT + 60)  # another run may hold it
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail("the other backend's stress run still holds the lock")
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# -- the clients --------------------------------------------------------------------------------


@dataclass
class Slot:
    """One (state, kind) pledge owned by one client: what the client saw acknowledged."""

    state: str
    kind: str
    token: str
    id: int | None = None
    version: int = 0
    relocations: int = 0
    amount_cents: int = 0


@dataclass
class Stats:
    acked: Counter[str] = field(default_factory=Counter)
    retried_keys: list[tuple[str, str]] = field(default_factory=list)  # (state, key)
    transport_errors: int = 0
    server_errors: int = 0
    anomalies: list[str] = field(default_factory=list)
    unacknowledged: int = 0


class Unacknowledged(Exception):
    pass


class Run:
    """The shared state of one backend's run: the operation counter, the stop flag."""

    def __init__(self, base: str, total: int) -> None:
        self.base = base
        self.total = total
        self.lock = threading.Lock()
        self.done = 0
        self.stop = threading.Event()
        self.deadline = time.monotonic() + TIMEOUT

    def count(self) -> None:
        with self.lock:
            self.done += 1


class Client(threading.Thread):
    def __init__(self, n: int, run: Run, slots: list[Slot], ops: int) -> None:
        super().__init__(name=f"stress-client-{n}", daemon=True)
        self.run_ = run
        self.slots = slots
        self.ops = ops
        self.rng = random.Random(n)
        self.stats = Stats()

    def run(self) -> None:
        with httpx.Client(base_url=self.run_.base, timeout=REQUEST_TIMEOUT) as http:
            self.http = http
            try:
                for i in range(self.ops):
                    if self.run_.stop.is_set() or time.monotonic() > self.run_.deadline:
                        return
                    self.operate(self.slots[i % len(self.slots)])
                    self.run_.count()
            except Unacknowledged:
                self.stats.unacknowledged += 1
            except Exception as exc:  # recorded, and the test fails on it
                self.stats.anomalies.append(f"{self.name}: {type(exc).__name__}: {exc}")

    def send(
        self, slot: Slot, method: str, path: str, body: Any = None, if_match: int | None = None
    ) -> httpx.Response:
        """Send until answered: a transport error or a 5xx is retried with the same key."""
        key = str(uuid.uuid4())
        headers = {"Authorization": f"Bearer {slot.token}", "Idempotency-Key": key}
        if if_match is not None:
            headers["If-Match"] = f'"{if_match}"'
        for attempt in range(1, MAX_ATTEMPTS + 1):
            if time.monotonic() > self.run_.deadline:
                break
            try:
                response = self.http.request(method, path, headers=headers, json=body)
            except httpx.TransportError:
                self.stats.transport_errors += 1
            else:
                if response.status_code < 500:
                    if attempt > 1:
                        self.stats.retried_keys.append((slot.state, key))
                    return response
                self.stats.server_errors += 1
            time.sleep(min(0.02 * attempt, 0.25))
        raise Unacknowledged(f"{method} {path} (key {key})")

    def amount(self, kind: str) -> str:
        if kind == PledgeKind.RELOCATION:
            return str(self.rng.randint(1, 50_000))
        return f"{self.rng.randint(1, 10**9)}.{self.rng.randint(0, 99):02d}"

    def operate(self, slot: Slot) -> None:
        pledges = f"/api/v1/cycles/{YEAR}/pledges"
        op = "create" if slot.id is None else "update" if self.rng.random() < 0.75 else "delete"
        if op == "delete":
            r = self.send(slot, "DELETE", f"{pledges}/{slot.id}", if_match=slot.version)
            self.expect(r, 200, op, slot)
            if r.json() != {"deleted": slot.id}:
                raise AssertionError(f"delete answered {r.json()}")
            slot.id, slot.version, slot.relocations, slot.amount_cents = None, 0, 0, 0
        else:
            amount = self.amount(slot.kind)
            body = {"state": slot.state, "kind": slot.kind, "amount": amount}
            if op == "create":
                r = self.send(slot, "POST", pledges, body)
                self.expect(r, 201, op, slot)
            else:
                r = self.send(slot, "PUT", f"{pledges}/{slot.id}", body, if_match=slot.version)
                self.expect(r, 200, op, slot)
            got = r.json()
            version = 1 if op == "create" else slot.version + 1
            relocation = slot.kind == PledgeKind.RELOCATION
            want = {
                "state": slot.state,
                "kind": slot.kind,
                "version": version,
                "relocations": int(amount) if relocation else 0,
                "amount_eur": "0.00" if relocation else amount,
            }
            if {k: got.get(k) for k in want} != want or (op == "update" and got["id"] != slot.id):
                raise AssertionError(f"{op} answered {got}, expected {want}")
            if r.headers.get("ETag") != f'"{version}"':
                raise AssertionError(f"{op}: ETag {r.headers.get('ETag')}, expected {version}")
            slot.id, slot.version = got["id"], version
            slot.relocations = want["relocations"]
            slot.amount_cents = 0 if relocation else cents(Decimal(amount))
        self.stats.acked[op] += 1

    def expect(self, r: httpx.Response, status: int, op: str, slot: Slot) -> None:
        if r.status_code != status:
            # A 412 or 409 here would mean a retried write was applied twice or lost its stored
            # answer: the slot is owned by this client alone, so nothing else changed it.
            raise AssertionError(
                f"{op} {slot.state}/{slot.kind} (v{slot.version}): {r.status_code} {r.text[:300]}"
            )


# -- setting up the cycle -----------------------------------------------------------------------


def open_pledging(service: CycleService) -> dict[str, str]:
    """Cycle 2026 in `pledging_open`; one token per bound state (26: Denmark is not bound)."""
    service.create_cycle(C, YEAR, key="stress-cycle")
    for action, who in [
        (Action.ADOPT_REPORT, C),
        (Action.ADOPT_DECISION, C),
        (Action.ADOPT_PROPOSAL, C),
        (Action.CONVENE_FORUM, CO),
        (Action.OPEN_PLEDGING, CO),
    ]:
        service.transition(who, YEAR, action, dt.date(2025, 11, 27), key=f"stress-{action}")
    bound = service.parameters.at(service.clock().date())("scope.bound_member_states")
    assert len(bound) == 26 and "DK" not in bound
    tokens = {s: service.create_token(Role.MEMBER_STATE, s, f"stress {s}") for s in bound}
    tokens["commission"] = service.create_token(Role.COMMISSION, None, "stress commission")
    return tokens


def deal_slots(tokens: dict[str, str], clients: int) -> list[list[Slot]]:
    states = sorted(s for s in tokens if s != "commission")
    slots = [Slot(s, k, tokens[s]) for s in states for k in KINDS]
    random.Random(2026).shuffle(slots)
    dealt = [slots[i::clients] for i in range(clients)]
    assert all(dealt), "more clients than (state, kind) slots"
    return dealt


# -- the test -----------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_kill_and_restart_loses_and_duplicates_nothing(backend: str, tmp_path: Path) -> None:
    with one_backend_at_a_time(), fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        server = Server(url, free_port(), tmp_path / "server.log")
        try:
            service = CycleService(sessions(engine))
            tokens = open_pledging(service)
            dealt = deal_slots(tokens, CLIENTS)
            per_client = [OPS // CLIENTS + (i < OPS % CLIENTS) for i in range(CLIENTS)]
            server.start()
            run = Run(server.base, OPS)
            clients = [Client(i, run, dealt[i], per_client[i]) for i in range(CLIENTS)]
            started = time.monotonic()
            for c in clients:
                c.start()
            killed_at_wall: dt.datetime | None = None
            killed_after = 0
            downtime = 0.0
            while any(c.is_alive() for c in clients) and time.monotonic() < run.deadline:
                if killed_at_wall is None and run.done >= KILL_AT * OPS:
                    killed_after = run.done
                    t0 = time.monotonic()
                    killed_at_wall = dt.datetime.now(dt.UTC)
                    server.kill()
                    server.start()
                    downtime = time.monotonic() - t0
                time.sleep(0.005)
            run.stop.set()
            for c in clients:
                c.join(timeout=max(1.0, REQUEST_TIMEOUT.read or 30.0) + 5)
            elapsed = time.monotonic() - started
            alive = [c.name for c in clients if c.is_alive()]

            # the API's view, as the Commission reads it, before the server goes
            with httpx.Client(base_url=server.base, timeout=REQUEST_TIMEOUT) as http:
                listed = http.get(
                    f"/api/v1/cycles/{YEAR}/pledges",
                    params={"limit": 1000},
                    headers={"Authorization": f"Bearer {tokens['commission']}"},
                ).json()
        finally:
            server.kill()

        acked: Counter[str] = Counter()
        retried: list[tuple[str, str]] = []
        anomalies: list[str] = []
        transport = server_errors = unacked = 0
        for c in clients:
            acked += c.stats.acked
            retried += c.stats.retried_keys
            anomalies += c.stats.anomalies
            transport += c.stats.transport_errors
            server_errors += c.stats.server_errors
            unacked += c.stats.unacknowledged
        total = sum(acked.values())
        expected = {
            (s.state, s.kind): (s.relocations, s.amount_cents, s.version)
            for c in clients
            for s in c.slots
            if s.id is not None
        }

        with service.sessions() as session:
            rows = session.execute(select(PledgeRow).where(PledgeRow.year == YEAR)).scalars()
            stored = [((r.state, r.kind), (r.relocations, r.amount_cents, r.version)) for r in rows]
            audited = Counter(
                dict(
                    session.execute(
                        select(AuditRow.action, func.count())
                        .where(AuditRow.action.like("pledge.%"))
                        .group_by(AuditRow.action)
                    ).all()
                )
            )
            recorded = session.execute(
                select(func.count())
                .select_from(IdempotencyRow)
                .where(IdempotencyRow.actor != C.id, IdempotencyRow.actor != CO.id)
            ).scalar_one()
            # retried operations that the killed server had committed: answered on retry from
            # the stored record (a retried key is recorded once, by whichever attempt committed)
            keys = [k for _, k in retried]
            committed_before_kill = 0
            if keys and killed_at_wall is not None:
                naive_kill = killed_at_wall.replace(tzinfo=None)
                for (created,) in session.execute(
                    select(IdempotencyRow.created_at).where(IdempotencyRow.key.in_(keys))
                ):
                    if created.tzinfo is not None:  # PostgreSQL: in the session's time zone
                        created = created.astimezone(dt.UTC).replace(tzinfo=None)
                    committed_before_kill += created < naive_kill
        verdict = service.verify_audit()
        engine.dispose()

        report = (
            f"[stress {backend}] {total} operations acknowledged "
            f"({acked['create']} create, {acked['update']} update, {acked['delete']} delete) "
            f"by {CLIENTS} clients in {elapsed:.1f} s = {total / elapsed:.0f} ops/s; "
            f"server killed (SIGKILL) after {killed_after} and restarted {server.starts - 1}x "
            f"({downtime:.2f} s to be back); {transport} transport errors, {server_errors} 5xx, "
            f"{len(retried)} operations retried, {committed_before_kill} of them committed by "
            f"the killed server and answered from the idempotency record; "
            f"{len(expected)} pledges at the end; audit: {verdict['entries']} entries, "
            f"{verdict['reason']}"
        )
        print(report)
        sys.stdout.flush()

        assert not anomalies, anomalies[:10]
        assert not alive and not unacked, f"{len(alive)} clients stuck, {unacked} unacknowledged"
        assert total == OPS, f"{total} of {OPS} operations acknowledged in {TIMEOUT} s"
        assert killed_at_wall is not None and server.starts == 2, "the server was not restarted"
        # the database holds exactly the acknowledged state, each pledge once
        assert max(Counter(slot for slot, _ in stored).values(), default=1) == 1
        assert dict(stored) == expected
        listed_state = {
            (p["state"], p["kind"]): (
                p["relocations"],
                cents(Decimal(p["amount_eur"])),
                p["version"],
            )
            for p in listed["items"]
        }
        assert listed["total"] == len(expected) and listed_state == expected
        # every acknowledged operation was applied exactly once: one audit entry, one record
        assert audited == Counter({f"pledge.{op}": n for op, n in acked.items() if n})
        assert recorded == total
        assert verdict["ok"], verdict


# -- a retry that races its own first attempt ---------------------------------------------------


@pytest.mark.parametrize("op", ["update", "delete"])
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_retry_racing_its_first_attempt_gets_the_stored_answer(
    backend: str, op: str, tmp_path: Path
) -> None:
    """Two calls with one Idempotency-Key, both in flight at once: one write, one answer."""
    de = Actor("race-de", Role.MEMBER_STATE, "DE")
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        try:
            service = CycleService(sessions(engine))
            open_pledging(service)
            pledge = Pledge("DE", PledgeKind.RELOCATION, Decimal(10))
            pid = service.create_pledge(de, YEAR, pledge, key="race-create").id
            replies: list[Any] = []

            def call() -> None:
                try:
                    if op == "update":
                        changed = Pledge("DE", PledgeKind.RELOCATION, Decimal(20))
                        reply = service.update_pledge(de, YEAR, pid, changed, 1, key="race")
                    else:
                        reply = service.delete_pledge(de, YEAR, pid, 1, key="race")
                    replies.append(("ok", reply.as_dict()))
                except Exception as exc:
                    replies.append((type(exc).__name__, str(exc).splitlines()[0]))

            # Hold the pledge (PostgreSQL) or the write lock (SQLite) so both calls queue up.
            if backend == "postgresql":
                holder: Any = psycopg.connect(url)
                holder.execute("SELECT 1 FROM pledges WHERE id = %s FOR UPDATE", (pid,))
            else:
                holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
                holder.execute("BEGIN IMMEDIATE")
            threads = [threading.Thread(target=call) for _ in range(2)]
            try:
                for t in threads:
                    t.start()
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    if backend == "sqlite":
                        time.sleep(0.5)  # both wait on BEGIN IMMEDIATE (busy timeout 30 s)
                        break
                    waiting = holder.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                    if waiting.fetchone()[0] >= 2:
                        break
                    time.sleep(0.02)
            finally:
                holder.rollback() if backend == "postgresql" else holder.execute("ROLLBACK")
                holder.close()
                for t in threads:
                    t.join(timeout=30)
        finally:
            engine.dispose()
        assert len(replies) == 2 and replies[0] == replies[1], replies
        assert replies[0][0] == "ok"
