"""The vectorised batch path gives the exact path's figures (Art. 57 totals, Art. 60(3), Art. 63)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import numpy as np
import pytest

from eupact.parameters import load_parameters
from eupact.pool.allocation import PoolNumbers, allocate
from eupact.pool.batch import batch_context, evaluate_scenarios
from eupact.pool.benefit import Needs, UseOfPool, standing
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


READINGS = [
    {},
    {"offsets.cap.contributions_counted": "relocations_only"},
    {"offsets.cap.granted_deductions": "none"},
    {
        "offsets.obligatory.distribution": "pro_rata_remaining_fair_share",
        "implementation.systemic_shortcomings.spread": "declared_needs",
    },
    {"offsets.obligatory.retest_needs_reconvened_forum": "not_required"},
]


@pytest.mark.parametrize("readings", READINGS, ids=lambda r: ",".join(r.values()) or "default")
@pytest.mark.parametrize("reference", [21000, 80000], ids=["2026-caps-bind", "large-pool"])
@pytest.mark.parametrize("forum", [True, False], ids=["reconvened", "not-reconvened"])
def test_batch_equals_exact_path(key2026, act, reference, readings, forum):
    """Art. 57, 60(3), 63(3)-(7): same totals, gaps and per-state offsets as compute_outcome,
    with benefitting states (Art. 58), systemic shortcomings (60(3)), a full and a partial
    deduction (61, 62) and every [reading] of the offsets."""
    params = load_parameters().with_readings(readings).at(act.act_date)
    key = replace(key2026, params=params)
    act1 = replace(
        act,
        reference=PoolNumbers(reference, Decimal(reference) * 20000),
        systemic_shortcomings_states=("EL",),
    )
    day = params("cycle.date_of_application_part_iv")
    uses = [UseOfPool("IT", day, Needs(3000)), UseOfPool("EL", day, Needs(1000))]
    who = standing(act1, params, uses)
    fair = allocate(key, act1.reference, "fair share", "Art. 57(3)")
    scenarios = scenario_matrix(fair, 30, seed=reference)
    deductions = [
        Deduction(
            "PL",
            "62",
            False,
            financial=Decimal(1000),
            status=DeductionStatus.GRANTED,
            council_act="X",
        ),
        Deduction("CZ", "62", True, status=DeductionStatus.GRANTED, council_act="X"),
    ]
    result = evaluate_scenarios(
        batch_context(key, act1, deductions, who), scenarios, forum_reconvened=forum
    )
    for i in range(len(scenarios)):
        exact = compute_outcome(
            key,
            act1,
            _pledges(key.states, scenarios[i]),
            deductions,
            forum_reconvened=forum,
            standing=who,
        )
        assert exact.offsets.gap == result.gap[i]
        assert abs(float(exact.totals.pledged_total) - result.pledged_total[i]) < 0.01
        assert abs(float(exact.totals.shortfall) - result.shortfall[i]) < 0.01
        assert exact.totals.to_implement_relocations == result.to_implement_relocations[i]
        expected = np.array([exact.offsets.obligations.get(g, 0) for g in key.states])
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
