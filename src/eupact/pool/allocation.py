"""Turning Union-level numbers into per-state figures by the reference key.

Used for the Commission's indicative contributions (Art. 12(1)) and for the mandatory fair share
of the Council's reference number (Art. 57(3), Art. 66): the same product, share × total, with the
rounding rules of the parameter files.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from eupact.explain import Explanation, ParameterUse, show
from eupact.key.reference_key import ReferenceKey, round_fraction


@dataclass(frozen=True, slots=True)
class PoolNumbers:
    """A Union-level pair: relocations and financial contributions (EUR)."""

    relocations: int
    financial: Decimal


@dataclass(frozen=True, slots=True)
class StateAllocation:
    geo: str
    share: Fraction
    relocations: int
    relocations_exact: Fraction
    financial: Decimal


@dataclass(frozen=True)
class Allocation:
    """Per-state figures of one Union-level pair of numbers."""

    label: str
    article: str
    totals: PoolNumbers
    rows: dict[str, StateAllocation]
    key: ReferenceKey

    def explain(self, geo: str, measure: str = "relocations") -> Explanation:
        row = self.rows[geo]
        params = self.key.params
        if measure == "relocations":
            value, total = show(row.relocations), show(self.totals.relocations)
            rounding = ParameterUse.of(params, "key.rounding.relocations")
            formula = "round(share × reference relocations) by the rounding rule"
        else:
            value, total = f"EUR {show(row.financial)}", f"EUR {show(self.totals.financial)}"
            rounding = ParameterUse.of(params, "key.rounding.financial_quantum")
            formula = "share × reference financial contributions, rounded half up to the quantum"
        return Explanation(
            quantity=f"{self.label} of {geo} ({measure})",
            value=value,
            rule="eupact.pool.allocation.allocate",
            article=self.article,
            formula=formula,
            inputs={"share": show(row.share), f"Union total ({measure})": total},
            parameters=(rounding,),
            sources=(self.key.population.source, self.key.gdp.source),
            notes=("the share itself: " + self.key.explain(geo).render().replace("\n", "; "),),
        )


def allocate(key: ReferenceKey, totals: PoolNumbers, label: str, article: str) -> Allocation:
    """Each state's part of ``totals`` by its reference-key share.

    Computed in integers (the share's numerator and denominator, the total in quanta), so the
    results are exact and the rounding is the parameter's, not the float's.
    """
    mode = str(key.params("key.rounding.relocations"))
    quantum = Decimal(key.params("key.rounding.financial_quantum"))
    total_quanta = Fraction(totals.financial) / Fraction(quantum)
    rows = {}
    for geo in key.states:
        share = key.rows[geo].share
        exact = share * totals.relocations
        quanta = round_fraction(share * total_quanta, "half_up")
        rows[geo] = StateAllocation(
            geo, share, round_fraction(exact, mode), exact, (quantum * quanta).quantize(quantum)
        )
    return Allocation(label, article, totals, rows, key)


def apportion(
    total: int, weights: Mapping[str, Fraction], caps: Mapping[str, int]
) -> dict[str, int]:
    """Share a whole number among states in proportion to ``weights``, none above its cap.

    Exact: capped states are filled first and the rest re-shared among the others (water
    filling), then whole units by largest remainder (Hamilton), ties to the earlier state. The
    result sums to min(total, Σ caps). Weights are brought to one denominator so that the work
    is done in integers.
    """
    scale = math.lcm(*(w.denominator for w in weights.values())) if weights else 1
    w = {g: int(weights[g] * scale) for g in weights}
    target = min(total, sum(caps[g] for g in weights))
    whole = {g: 0 for g in weights}
    remainder = {g: Fraction(0) for g in weights}
    free = [g for g in weights if caps[g] > 0 and w[g] > 0]
    remaining = target
    while free and remaining > 0:
        weight_sum = sum(w[g] for g in free)
        over = [g for g in free if remaining * w[g] >= caps[g] * weight_sum]
        if not over:
            for g in free:
                whole[g], rest = divmod(remaining * w[g], weight_sum)
                remainder[g] = Fraction(rest, weight_sum)
            break
        for g in over:
            whole[g] = caps[g]
            remaining -= caps[g]
        free = [g for g in free if g not in over]
    else:
        # Uncapped states all have zero weight: fill the rest in the given order, up to the caps.
        for g in weights:
            take = min(caps[g] - whole[g], target - sum(whole.values()))
            whole[g] += max(take, 0)
    left = target - sum(whole.values())
    order = sorted(
        (g for g in weights if whole[g] < caps[g]), key=lambda g: remainder[g], reverse=True
    )
    for g in order[:left]:
        whole[g] += 1
    return whole
