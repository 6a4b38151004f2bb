"""Issue targets: the full outcome for all states with pledges, deductions and offsets, median
under 1 ms; 100,000 pledge scenarios through the batch API in under 1 s."""

from __future__ import annotations

from eupact.data.snapshot import load_snapshot
from eupact.key.reference_key import key_from_snapshot
from eupact.parameters import load_parameters
from eupact.pool.allocation import allocate
from eupact.pool.batch import batch_context, evaluate_scenarios
from eupact.pool.benefit import standing
from eupact.pool.outcome import compute_outcome
from eupact.pool.proposal import propose_pool
from eupact.pool.synthetic import scenario_matrix


def test_full_outcome(benchmark, key, act, pledges):
    """26 bound states (27 minus Denmark), SYNTHETIC pledges of all three types, one granted
    and one pending deduction, the four states under pressure using the pool (Art. 58), the
    Forum reconvened so that Art. 63(3) offsets are apportioned."""
    who = standing(act, key.params, pledges.uses_of_pool)
    outcome = benchmark(
        compute_outcome,
        key,
        act,
        pledges.pledges,
        pledges.deductions,
        forum_reconvened=True,
        standing=who,
    )
    assert sum(outcome.offsets.obligations.values()) > 0


def test_batch_100k_scenarios(benchmark, key, act):
    scenarios = scenario_matrix(allocate(key, act.reference, "fair share", "Art. 57(3)"), 100_000)
    ctx = batch_context(key, act, (), standing(act, key.params, ()))
    result = benchmark.pedantic(evaluate_scenarios, args=(ctx, scenarios), rounds=5, iterations=1)
    assert result.obligations.shape == (100_000, len(key.states))


def test_reference_key(benchmark, act):
    params = load_parameters().at(act.act_date)
    snapshot = load_snapshot()
    key = benchmark(key_from_snapshot, snapshot, params)
    assert len(key.states) == 26


def test_proposal(benchmark, key):
    proposal = benchmark(propose_pool, key)
    assert proposal.totals.relocations >= 30000


def test_snapshot_load_at_start_up(benchmark):
    """Issue target: snapshot load at start-up under 100 ms (validated once, then served from
    the content-keyed validation cache)."""
    from eupact.data.snapshot import SNAPSHOT_DIR, _load

    _load.__wrapped__(str(SNAPSHOT_DIR))  # the first run validates and fills the cache
    snapshot = benchmark(_load.__wrapped__, str(SNAPSHOT_DIR))
    assert snapshot.classification
