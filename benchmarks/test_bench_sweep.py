"""Issue 18 item 4: one sweep of 400 scenarios on a LocalCluster of one worker process, then of
two; the speed-up is their ratio (docs/performance.md, docs/sweeps.md). Each cluster is started
and its workers warmed (code, parameters and snapshot loaded) before the clock starts: what is
timed is submitting the chunks, computing 400 scenarios and reducing their results."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from eupact.scenarios import load_scenario
from eupact.scenarios.sweep import Sweep, connect, make_sweep, run_sweep
from eupact.scenarios.sweep_reduce import sweep_json

EXAMPLES = Path(str(resources.files("eupact.scenarios") / "examples"))
# 20 reference numbers × the Forum reconvened or not × 10 pledge scales = 400 scenarios
GRID = {
    "parameters.pool_2026.reference.relocations": {"from": 15000, "to": 34000, "step": 1000},
    "forum_reconvened": [True, False],
    "pledges.scale_pledges": {"from": "0.6", "to": "1.5", "step": "0.1"},
}
RESULTS: dict[int, str] = {}


@pytest.fixture(scope="module")
def sweep() -> Sweep:
    s = make_sweep(load_scenario(EXAMPLES / "as_recorded_2026.yaml"), GRID, label="bench")
    assert s.size == 400
    return s


@pytest.fixture(params=[1, 2], ids=["1_worker", "2_workers"])
def client(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    with connect(workers=request.param) as c:
        yield c


def test_sweep_400_scenarios(benchmark, sweep: Sweep, client) -> None:
    workers = len(client.scheduler_info()["workers"])
    run = benchmark.pedantic(run_sweep, (sweep,), {"client": client}, rounds=3, iterations=1)
    benchmark.extra_info.update(workers=workers, chunks=run.chunks, scenarios=sweep.size)
    RESULTS[workers] = sweep_json(run.result)
    assert run.result.summary["computed"] == 400
    if len(RESULTS) == 2:  # the same bytes on one worker and on two
        assert RESULTS[1] == RESULTS[2]
