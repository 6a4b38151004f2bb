"""Issue 18 item 4: one sweep of 400 scenarios on a LocalCluster of one worker process and on one
of two; the speed-up is their ratio (docs/performance.md, docs/sweeps.md).

Both clusters are started and their workers warmed (code, parameters and snapshot loaded) before
the clock starts: what is timed is submitting the chunks, computing 400 scenarios and reducing
their results. The two are run in turns — each round of the two-worker sweep (timed by
pytest-benchmark) follows a run on one worker (timed here, in ``extra_info``) — so that load from
other jobs on the machine falls on both alike."""

from __future__ import annotations

import statistics
import time
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
ROUNDS = 5


@pytest.fixture(scope="module")
def sweep() -> Sweep:
    s = make_sweep(load_scenario(EXAMPLES / "as_recorded_2026.yaml"), GRID, label="bench")
    assert s.size == 400
    return s


@pytest.fixture(scope="module")
def clusters() -> Iterator[tuple[object, object]]:
    with (
        pytest.MonkeyPatch.context() as patch,
        connect(workers=1) as one,
        connect(workers=2) as two,
    ):
        patch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
        yield one, two


def test_sweep_400_scenarios_1_vs_2_workers(benchmark, sweep: Sweep, clusters) -> None:
    one, two = clusters
    alone: list[float] = []
    outputs: set[str] = set()

    def on_one_worker() -> None:
        started = time.perf_counter()
        run = run_sweep(sweep, client=one)
        alone.append(time.perf_counter() - started)
        outputs.add(sweep_json(run.result))

    run = benchmark.pedantic(
        run_sweep, (sweep,), {"client": two}, setup=on_one_worker, rounds=ROUNDS, iterations=1
    )
    outputs.add(sweep_json(run.result))
    assert len(outputs) == 1  # the same bytes on one worker and on two, every round
    assert run.workers == 2 and run.result.summary["computed"] == 400
    stats = benchmark.stats.stats
    benchmark.extra_info.update(
        scenarios=sweep.size,
        chunks_on_2_workers=run.chunks,
        one_worker_min_s=round(min(alone), 3),
        one_worker_median_s=round(statistics.median(alone), 3),
        speed_up_min=round(min(alone) / stats.min, 2),
        speed_up_median=round(statistics.median(alone) / stats.median, 2),
    )
    print(f"\n1 worker: {benchmark.extra_info}")
