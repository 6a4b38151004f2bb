"""The cycle service's figures (issue targets): p95 latency of the pledge endpoint under 50 ms at
200 requests/s, and the pool outcome recomputed after a pledge change in under 5 ms.

(a) An open-loop load: a fixed schedule of requests, one every 1/200 s, sent whether or not the
earlier ones were answered, against `eupact serve` on 127.0.0.1. Each of the 78 (state, kind)
slots of the 26 bound states goes through POST, PUT, PUT, DELETE (If-Match from the known
version); a request waits for the previous one on its own slot, and its latency runs from the
time it was *scheduled*, so a slow server is not hidden by a slowed-down client (no coordinated
omission). The first seconds warm up and are not counted. The 50 ms target is reported in
``extra_info`` (``p95_target_met``), not asserted, and so is overload (timeouts, requests still
unanswered 20 s after the schedule ends); the run asserts only that no request met a 5xx. The
load comes from :mod:`benchmarks.http_load` (raw asyncio HTTP/1.1 on uvloop, one keep-alive
connection per slot, ~0.1 ms of CPU per request), since the client shares the two cores with
the server; the CPU both spent is reported per request. Bounded: 17 s of schedule, at most 20 s
more for stragglers, per backend. Knobs: EUPACT_BENCH_RATE, EUPACT_BENCH_SECONDS and (in
:class:`tests.test_stress.Server`) EUPACT_BENCH_WORKERS.

(b) ``CycleService.outcome`` (what GET /outcome runs: reads the pledges and deductions,
computes the outcome, renders the table) with all 26 bound states pledged, each round after one
pledge was changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from tests.databases import BACKENDS, fresh_database
from tests.test_stress import HOST, YEAR, C, Server, free_port, open_pledging

from eupact.cycle.examples import example_pledges_path
from eupact.cycle.inputs import read_pledges_file
from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Role
from eupact.cycle.service import CycleService
from eupact.cycle.store.db import make_engine, sessions, upgrade
from eupact.pool.pledges import Pledge, PledgeKind

from .http_load import Connection, run

RATE = float(os.environ.get("EUPACT_BENCH_RATE", "200"))  # requests per second, offered
DURATION = float(os.environ.get("EUPACT_BENCH_SECONDS", "15"))  # seconds measured
WARMUP = 2.0  # seconds sent first and not counted
GRACE = 20.0  # seconds after the last scheduled request before the rest count as unanswered
TIMEOUT = 10.0  # seconds a request may take before it counts as failed (status 0)
P95_TARGET_MS = 50.0
OUTCOME_TARGET_MS = 5.0
STEPS = ("POST", "PUT", "PUT", "DELETE")


@dataclass
class LoadSlot:
    state: str
    kind: str
    token: str
    step: int = 0
    id: int | None = None
    version: int = 0


@dataclass(frozen=True)
class Sample:
    method: str
    scheduled: float  # when the schedule says it is due
    issued: float  # when the load script got to it (late only if the client itself lags)
    sent: float  # when it went out (after the previous request on its slot was answered)
    done: float
    status: int


async def _one(
    conn: Connection, slot: LoadSlot, at: float, before: asyncio.Task[Sample] | None
) -> Sample:
    issued = time.perf_counter()
    if before is not None:
        await before  # one request at a time per slot, so the versions are known
    method = STEPS[slot.step % len(STEPS)]
    headers = {
        "authorization": f"Bearer {slot.token}",
        "idempotency-key": str(uuid.uuid4()),
        "content-type": "application/json",
    }
    pledges = f"/api/v1/cycles/{YEAR}/pledges"
    amount = str(100 + slot.step) if slot.kind == PledgeKind.RELOCATION else f"{slot.step}.50"
    body = b""
    if method != "DELETE":
        body = json.dumps({"state": slot.state, "kind": slot.kind, "amount": amount}).encode()
    if method != "POST":
        headers["if-match"] = f'"{slot.version}"'
    path = pledges if method == "POST" else f"{pledges}/{slot.id}"
    sent = time.perf_counter()
    try:
        answer = await asyncio.wait_for(conn.request(method, path, headers, body), TIMEOUT)
        status = answer.status
    except (OSError, TimeoutError):
        status = 0
    done = time.perf_counter()
    if status in (200, 201):
        slot.step += 1
        if method == "DELETE":
            slot.id, slot.version = None, 0
        else:
            reply = json.loads(answer.body)
            slot.id, slot.version = reply["id"], reply["version"]
    return Sample(method, at, issued, sent, done, status)


async def open_loop(
    host: str, port: int, slots: list[LoadSlot], rate: float, seconds: float
) -> list[Sample]:
    """Send ``rate × seconds`` requests on a fixed schedule; return one sample per request.

    Each slot has its own keep-alive connection (its requests go one after another anyway).
    """
    connections = [Connection(host, port) for _ in slots]
    start = time.perf_counter() + 0.1
    last: dict[int, asyncio.Task[Sample]] = {}
    tasks = []
    try:
        for i in range(int(rate * seconds)):
            at = start + i / rate
            delay = at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            n = i % len(slots)
            last[n] = asyncio.create_task(_one(connections[n], slots[n], at, last.get(n)))
            tasks.append(last[n])
        # bounded: whatever an overloaded server has not answered by then counts as unanswered
        await asyncio.wait(tasks, timeout=max(0.0, start + seconds + GRACE - time.perf_counter()))
        samples = []
        for i, task in enumerate(tasks):
            if task.done() and not task.cancelled() and task.exception() is None:
                samples.append(task.result())
            else:
                task.cancel()
                at = start + i / rate
                samples.append(Sample("?", at, at, at, time.perf_counter(), -1))
        await asyncio.gather(*tasks, return_exceptions=True)
        return samples
    finally:
        for conn in connections:
            conn.close()


def cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) of the processes of a process group (the server and its
    uvicorn workers), from /proc."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rpartition(")")[2].split()
            if int(fields[2]) == pgid:  # fields after the name: state, ppid, pgrp, ...
                total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def _ms(values: list[float], q: float) -> float:
    return round(float(np.percentile(np.array(values) * 1000, q)), 2)


def _summary(samples: list[Sample]) -> dict[str, object]:
    begin = min(s.scheduled for s in samples) + WARMUP
    measured = [s for s in samples if s.scheduled >= begin]
    ok = [s for s in measured if s.status in (200, 201)]
    latency = [s.done - s.scheduled for s in measured]
    window = max(s.done for s in measured) - begin
    info: dict[str, object] = {
        "offered_rps": RATE,
        "seconds": DURATION,
        "requests": len(measured),
        "ok": len(ok),
        "errors": len(measured) - len(ok),
        # 0: transport error or client timeout (10 s); -1: unanswered at the end
        "statuses": dict(sorted(Counter(str(s.status) for s in measured).items())),
        "server_errors": sum(s.status >= 500 for s in measured),
        "achieved_rps": round(len(ok) / window, 1),
        "p50_ms": _ms(latency, 50),
        "p95_ms": _ms(latency, 95),
        "p99_ms": _ms(latency, 99),
        "max_ms": _ms(latency, 100),
        # the load script's own lag behind the schedule (should stay near 0)
        "client_lag_p95_ms": _ms([s.issued - s.scheduled for s in measured], 95),
        # time queued behind the previous request of the same slot
        "slot_wait_p95_ms": _ms([s.sent - s.issued for s in measured], 95),
    }
    for method in ("POST", "PUT", "DELETE"):
        part = [s.done - s.scheduled for s in measured if s.method == method] or [0.0]
        info[f"{method.lower()}_p50_ms"] = _ms(part, 50)
        info[f"{method.lower()}_p95_ms"] = _ms(part, 95)
        info[f"{method.lower()}_p99_ms"] = _ms(part, 99)
    info["p95_target_met"] = _ms(latency, 95) < P95_TARGET_MS
    return info


@pytest.mark.parametrize("backend", BACKENDS)
def test_pledge_endpoint_p95_at_200_rps(benchmark, backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        server = Server(url, free_port(), tmp_path / "server.log", workers=None)
        try:
            tokens = open_pledging(CycleService(sessions(engine)))
            states = sorted(s for s in tokens if s != "commission")
            slots = [LoadSlot(s, str(k), tokens[s]) for s in states for k in PledgeKind]
            server.start()
            assert server.proc is not None
            load_before = os.getloadavg()[0]
            server_cpu, client_cpu = cpu_seconds(server.proc.pid), time.process_time()
            samples = benchmark.pedantic(
                lambda: run(lambda: open_loop(HOST, server.port, slots, RATE, WARMUP + DURATION)),
                rounds=1,
                iterations=1,
            )
            server_cpu = cpu_seconds(server.proc.pid) - server_cpu
            client_cpu = time.process_time() - client_cpu
        finally:
            server.kill()
            engine.dispose()
    info = _summary(samples)
    # `eupact serve`'s default unless set: 1 on SQLite, one per core (up to 4) on PostgreSQL
    default = "1" if backend == "sqlite" else str(max(1, min(4, os.cpu_count() or 1)))
    info["workers"] = int(os.environ.get("EUPACT_BENCH_WORKERS", default))
    # CPU per request sent (all of the run, warm-up included): the server's processes, this
    # load generator; PostgreSQL's own processes come on top
    info["server_cpu_ms_per_request"] = round(1000 * server_cpu / len(samples), 2)
    info["client_cpu_ms_per_request"] = round(1000 * client_cpu / len(samples), 2)
    # other work on the machine skews the figures: the 1-minute load average before the run
    info["loadavg_before"] = round(load_before, 2)
    benchmark.extra_info.update({"backend": backend, **info})
    print(f"\n[pledge endpoint, {backend}] {info}")
    # Overload shows as latency, timeouts and their knock-on 409/412 (reported above); a 5xx
    # is a bug whatever the load.
    assert info["server_errors"] == 0, info
    assert info["ok"], info


# -- (b) the outcome after a pledge change -------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_outcome_after_a_pledge_change(benchmark, backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        try:
            service = CycleService(sessions(engine))
            open_pledging(service)
            bound = service.parameters.at(service.clock().date())("scope.bound_member_states")
            pledges = list(read_pledges_file(example_pledges_path(YEAR)).pledges)
            pledged = {p.state for p in pledges}
            # the SYNTHETIC example leaves some states out: pledge for them too, so all 26 count
            pledges += [
                Pledge(s, PledgeKind.FINANCIAL, Decimal(1_000_000 + i))
                for i, s in enumerate(sorted(set(bound) - pledged))
            ]
            ids = []
            for p in pledges:
                actor = Actor(f"bench-{p.state}", Role.MEMBER_STATE, p.state)
                reply = service.create_pledge(actor, YEAR, p)
                ids.append((reply.id, actor, p))
            assert {p.state for _, _, p in ids} == set(bound) and len(bound) == 26
            versions = dict.fromkeys(range(len(ids)), 1)
            round_ = [0]

            def change_a_pledge() -> None:
                n = round_[0] % len(ids)
                pid, actor, p = ids[n]
                changed = Pledge(p.state, p.kind, p.amount + round_[0] + 1, p.requested_by)
                service.update_pledge(actor, YEAR, pid, changed, versions[n])
                versions[n] += 1
                round_[0] += 1

            outcome = benchmark.pedantic(
                service.outcome, args=(C, YEAR), setup=change_a_pledge, rounds=200, iterations=1
            )
        finally:
            engine.dispose()
    assert len(outcome["rows"]) == 26 and "totals" in outcome
    median_ms = benchmark.stats.stats.median * 1000
    benchmark.extra_info.update(
        {
            "backend": backend,
            "states_pledged": 26,
            "pledges": len(ids),
            "median_ms": round(median_ms, 3),
            "target_ms": OUTCOME_TARGET_MS,
            "target_met": median_ms < OUTCOME_TARGET_MS,
        }
    )
