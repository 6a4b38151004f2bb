"""Seeded SYNTHETIC pledges, for demonstrations and benchmarks only.

The per-state pledges recorded in Council Implementing Decision (EU) 2025/2642 are not in our
data. Where a demo needs pledges, they come from here, and every file and table made from them
says SYNTHETIC.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np

from eupact.parameters import ParametersAt
from eupact.pool.acts import CouncilAct
from eupact.pool.allocation import Allocation
from eupact.pool.benefit import Needs, UseOfPool
from eupact.pool.pledges import Deduction, DeductionStatus, Pledge, PledgeKind

LABEL = (
    "SYNTHETIC, ILLUSTRATIVE pledges made by eupact's seeded generator (seed {seed}). They are NOT "
    "the pledges recorded in {act}, which our data does not hold."
)


def synthetic_pledges(
    fair: Allocation, act: CouncilAct, seed: int = 2026
) -> tuple[list[Pledge], list[Deduction]]:
    """Pledges around each contributing state's fair share, split among the three types."""
    rng = np.random.default_rng(seed)
    per_relocation = Decimal(fair.key.params("pool.equivalence.relocation_eur"))
    pledges: list[Pledge] = []
    for geo, row in fair.rows.items():
        if geo in act.under_pressure_states:
            continue
        level = float(rng.beta(4, 3))  # share of the fair share pledged, typically 40-80 %
        mix = rng.dirichlet([1.0, 2.0, 0.5])  # relocation, financial, alternative
        eur = row.financial * Decimal(str(round(level, 4)))
        relocations = int(eur * Decimal(str(round(float(mix[0]), 4))) / per_relocation)
        financial = (eur * Decimal(str(round(float(mix[1]), 4)))).quantize(Decimal(1000))
        alternative = (eur * Decimal(str(round(float(mix[2]), 4)))).quantize(Decimal(1000))
        if relocations:
            pledges.append(Pledge(geo, PledgeKind.RELOCATION, Decimal(relocations)))
        if financial:
            pledges.append(Pledge(geo, PledgeKind.FINANCIAL, financial))
        if alternative:
            requested = (str(rng.choice(act.under_pressure_states)),) if rng.random() < 0.5 else ()
            pledges.append(Pledge(geo, PledgeKind.ALTERNATIVE, alternative, requested))
    deductions = _synthetic_deductions(act, rng)
    return pledges, deductions


# SYNTHETIC: when and with which needs the states identified under pressure inform that they
# use the pool (Art. 58(1)-(2)), from the first day Arts. 58-63 apply (Art. 85); invented for
# the demonstration: state -> (days after the date of application, relocations, EUR).
SYNTHETIC_USES: dict[str, tuple[int, int, int]] = {
    "IT": (0, 6_000, 120_000_000),
    "EL": (0, 4_000, 80_000_000),
    "ES": (3, 3_000, 60_000_000),
    "CY": (7, 1_000, 20_000_000),
}


def synthetic_uses(act: CouncilAct, params: ParametersAt) -> list[UseOfPool]:
    """Every state the Art. 11 decision identified under pressure informs, from the first day
    Art. 58 applies, that it uses the pool, with its needs (Art. 58(2)): SYNTHETIC."""
    start = max(params("cycle.date_of_application_part_iv"), act.act_date)
    out = []
    for geo in act.under_pressure_states:
        days, relocations, money = SYNTHETIC_USES.get(geo, (10, 500, 10_000_000))
        out.append(
            UseOfPool(
                geo,
                start + dt.timedelta(days=days),
                Needs(relocations, Decimal(money), ("AMIF (SYNTHETIC)",)),
            )
        )
    return out


def _synthetic_deductions(act: CouncilAct, rng: np.random.Generator) -> list[Deduction]:
    """One granted full deduction and one still-pending request among the eligible states."""
    eligible = list(act.deduction_eligible_states)
    if len(eligible) < 2:
        return []
    picked = rng.choice(len(eligible), size=2, replace=False)
    granted, pending = eligible[int(picked[0])], eligible[int(picked[1])]
    return [
        Deduction(
            granted,
            "62",
            True,
            status=DeductionStatus.GRANTED,
            council_act="SYNTHETIC illustrative Council implementing act",
        ),
        Deduction(pending, "62", True, status=DeductionStatus.REQUESTED),
    ]


def scenario_matrix(fair: Allocation, n: int, seed: int = 2026) -> np.ndarray:
    """``n`` SYNTHETIC pledge scenarios, shape (n, states, 3): relocations, financial EUR,
    alternative EUR, drawn around each state's fair share (for the batch API's benchmarks)."""
    rng = np.random.default_rng(seed)
    states = len(fair.rows)
    per_relocation = float(fair.key.params("pool.equivalence.relocation_eur"))
    fair_eur = np.array([float(r.financial) for r in fair.rows.values()])
    level = rng.beta(4, 3, size=(n, states)) * fair_eur
    mix = rng.dirichlet([1.0, 2.0, 0.5], size=(n, states))
    out = np.empty((n, states, 3))
    out[..., 0] = np.floor(level * mix[..., 0] / per_relocation)
    out[..., 1] = np.round(level * mix[..., 1], 2)
    out[..., 2] = np.round(level * mix[..., 2], 2)
    return out
