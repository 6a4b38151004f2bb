"""The vectorised batch path gives the exact path's figures (Art. 57 totals, Art. 60(3), Art. 63)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import numpy as np
import pytest

from eupact.pool.allocation import PoolNumbers, allocate
from eupact.pool.batch import batch_context, evaluate_scenarios
from eupact.pool.outcome import compute_outcome
from eupact.pool.pledges import Deduction, DeductionStatus, Pledge, PledgeKind
from eupact.pool.synthetic import scenario_matrix


def _pledges(states, row):
    out = []
    for geo, (reloc, fin, alt) in zip(states, row, strict=True):
        if reloc:
            out.append(Pledge(geo, PledgeKind.RELOCATION, Decimal(int(reloc))))
        if fin:
            out.append(Pledge(geo, PledgeKind.FINANCIAL, Decimal(str(fin))))
        if alt:
            out.append(Pledge(geo, PledgeKind.ALTERNATIVE, Decimal(str(alt)), ("IT",)))
    return out


@pytest.mark.parametrize("reference", [21000, 80000], ids=["2026-caps-bind", "large-pool"])
def test_batch_equals_exact_path(key2026, act, reference):
    """Art. 57, 60(3), 63(3)-(7): same totals, gaps and per-state offsets as compute_outcome."""
    act1 = replace(act, reference=PoolNumbers(reference, Decimal(reference) * 20000))
    fair = allocate(key2026, act1.reference, "fair share", "Art. 57(3)")
    scenarios = scenario_matrix(fair, 40, seed=reference)
    deduction = Deduction(
        "PL", "62", False, relocations=0, status=DeductionStatus.GRANTED, council_act="X"
    )
    result = evaluate_scenarios(batch_context(key2026, act1, [deduction]), scenarios)
    for i in range(len(scenarios)):
        exact = compute_outcome(
            key2026, act1, _pledges(key2026.states, scenarios[i]), forum_reconvened=True
        )
        assert exact.offsets.gap == result.gap[i]
        assert abs(float(exact.totals.pledged_total) - result.pledged_total[i]) < 0.01
        assert abs(float(exact.totals.shortfall) - result.shortfall[i]) < 0.01
        expected = np.array([exact.offsets.obligations.get(g, 0) for g in key2026.states])
        assert np.array_equal(expected, result.obligations[i])
        assert exact.offsets.uncovered == result.uncovered[i]


def test_batch_rejects_wrong_shape(key2026, act):
    with pytest.raises(ValueError, match="shape"):
        evaluate_scenarios(batch_context(key2026, act), np.zeros((3, 5, 3)))


def test_batch_forum_not_reconvened_owes_nothing(key2026, act):
    """Art. 63(3): without the reconvened Forum no offsets are owed."""
    fair = allocate(key2026, act.reference, "fair share", "Art. 57(3)")
    result = evaluate_scenarios(
        batch_context(key2026, act), scenario_matrix(fair, 10), forum_reconvened=False
    )
    assert result.triggered.all() and (result.obligations == 0).all()
