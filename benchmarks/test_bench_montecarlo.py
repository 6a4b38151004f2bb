"""Issue 18 item 2: a Monte Carlo of 1,000,000 draws of the 2026 pool (SYNTHETIC pledge
behaviour, population revisions on 64 revised keys, arrivals and categories), on one thread."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from eupact.scenarios import load_scenario, run_scenario
from eupact.scenarios.montecarlo import MonteCarloModel, draw_pledges, run_montecarlo
from eupact.scenarios.run import CycleResult


@pytest.fixture
def one_thread() -> Iterator[None]:
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        yield
        return
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def base() -> CycleResult:
    from importlib import resources
    from pathlib import Path

    examples = Path(str(resources.files("eupact.scenarios") / "examples"))
    return run_scenario(load_scenario(examples / "as_recorded_2026.yaml"))


def test_montecarlo_1m_draws(benchmark, base, one_thread):
    """Everything: revised keys, pledges drawn, outcomes, quantiles, 2,000 arrivals draws."""
    result = benchmark.pedantic(
        run_montecarlo,
        args=(base,),
        kwargs={"draws": 1_000_000, "seed": 1},
        rounds=3,
        iterations=1,
    )
    assert result.draws == 1_000_000 and result.p_triggered == 1.0


def test_montecarlo_pledge_draws_8192(benchmark, base, one_thread):
    """The share of the time spent drawing pledges (one block of 8,192 draws)."""
    import numpy as np

    from eupact.pool.batch import batch_context

    ctx = batch_context(base.key, base.act, base.pledges.deductions, base.outcome.standing)
    rng = np.random.default_rng(1)
    relocations, _ = benchmark(draw_pledges, ctx, MonteCarloModel(), rng, 8192)
    assert relocations.shape == (8192, 26)
