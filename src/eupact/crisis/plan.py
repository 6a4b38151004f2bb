"""The Solidarity Response Plan of Regulation (EU) 2024/1359 (CFMR Art. 4(2)(b), 4(5)(b); Art.
8(1); recital 30): what a state in a situation of crisis needs, what is drawn first from the
pledges available in the Annual Solidarity Pool, the additional pledges needed when the pool
falls short, and each other Member State's indicative contribution by the reference key of
Art. 66 AMMR.

* (i) relocations needed; (ii) the other measures: financial contributions (8(1)(b)) and
  alternative measures (8(1)(c)), the latter counted as financial solidarity at their value;
* (iii) drawn from the pool first, type by type, up to what the pool holds (recital 30: the
  state in crisis has priority on unallocated or not yet implemented pledges);
* (iv) the rest is the additional pledges needed;
* (v) indicative contributions: share × the basis ([reading] ``crisis.plan.indicative_basis``:
  the additional pledges, or the whole needs), by the key of Art. 66 AMMR
  (:func:`eupact.key.reference_key.compute_reference_key`, not recomputed here) over the
  contributing states ([reading] ``crisis.plan.crisis_state_share``), rounded as the key's
  allocations are (:func:`eupact.pool.allocation.allocate`);
* 4(2), second subparagraph: whether the state already benefits from the pool (Arts 58, 59
  AMMR) is recorded, or what the pool already allocates to it is counted against the needs
  ([reading] ``crisis.plan.already_benefitting``);
* a plan only in a situation of crisis (4(2)(b), 8(1)): not for force majeure.

Contributing states keep full discretion between the types of measures (4(2)(b)): the
indicative contributions are figures to pledge against, not an allocation of persons. Pure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from eupact.errors import EupactError, Problem
from eupact.explain import Explanation, ParameterUse, show
from eupact.key.reference_key import ReferenceKey, compute_reference_key
from eupact.parameters import ParametersAt
from eupact.pool.allocation import Allocation, PoolNumbers, allocate
from eupact.pool.limits import MAX_EUR, MAX_PERSONS

from .measures import Situation

ARTICLE = "Art. 4(2)(b), 4(5)(b), 8(1) CFMR"
READINGS = (
    "crisis.plan.crisis_state_share",
    "crisis.plan.indicative_basis",
    "crisis.plan.already_benefitting",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanRequest:
    """What the plan is computed from: the state, its situation, the day (the proposal's or the
    decision's), the needs and what the Annual Solidarity Pool holds."""

    state: str
    situation: Situation
    on: dt.date
    relocation_needs: int  # (i)
    financial_needs: Decimal = Decimal(0)  # (ii), 8(1)(b), EUR
    alternative_needs: Decimal = Decimal(0)  # (ii), 8(1)(c), EUR: counted as financial
    pool_relocations: int = 0  # relocation pledges available in the pool (recital 30)
    pool_financial: Decimal = Decimal(0)  # financial and alternative pledges available, EUR
    already_benefitting: bool = False  # Arts 58, 59 AMMR (4(2), second subparagraph)
    allocated_relocations: int = 0  # already allocated to it as a benefitting state
    allocated_financial: Decimal = Decimal(0)
    relocation_primary: bool = False  # 4(2), third subparagraph


@dataclass(frozen=True)
class SolidarityResponsePlan:
    """The plan's figures (4(5)(b)(i)-(v)) with the key and the readings they rest on."""

    request: PlanRequest
    needs: PoolNumbers  # (i) and (ii), 8(1)(c) counted as financial
    counted_as_covered: PoolNumbers  # what the pool already gives it ([reading])
    from_pool: PoolNumbers  # (iii)
    additional: PoolNumbers  # (iv)
    basis: PoolNumbers  # what the indicative contributions are a share of ([reading])
    contributing: tuple[str, ...]
    key: ReferenceKey  # the key the contributions are computed by
    indicative: Allocation  # (v)
    params: ParametersAt

    @property
    def pool_short(self) -> bool:
        """Whether the pool's pledges do not cover the needs (4(2)(b)(iv))."""
        return self.additional.relocations > 0 or self.additional.financial > 0

    @property
    def uncovered_by_contributions(self) -> PoolNumbers:
        """What the indicative contributions leave of the basis: the share of the state in
        crisis under ``left_uncovered``, and rounding."""
        rows = self.indicative.rows.values()
        return PoolNumbers(
            self.basis.relocations - sum(r.relocations for r in rows),
            self.basis.financial - sum((r.financial for r in rows), Decimal(0)),
        )

    def explain(self, geo: str) -> Explanation:
        row = self.indicative.rows[geo]
        return Explanation(
            quantity=f"indicative contribution of {geo} to {self.request.state}'s plan",
            value=f"{show(row.relocations)} relocations, EUR {show(row.financial)}",
            rule="eupact.crisis.plan.response_plan",
            article="Art. 4(2)(b)(v), 4(5)(b)(v) CFMR; Art. 66 AMMR",
            formula="share of the key over the contributing states × basis, rounded as the "
            "key's allocations",
            inputs={
                "share": show(row.share),
                "basis: relocations": show(self.basis.relocations),
                "basis: financial (EUR)": show(self.basis.financial),
                "contributing states": " ".join(self.contributing),
            },
            parameters=(
                *(ParameterUse.of(self.params, n) for n in READINGS),
                ParameterUse.of(self.key.params, "key.rounding.relocations"),
            ),
            sources=(self.key.population.source, self.key.gdp.source),
            notes=(
                "contributing states choose freely between the types of measures (4(2)(b))",
                f"the state in crisis, {self.request.state}, does not contribute to its own plan",
            ),
        )

    def as_dict(self) -> dict[str, Any]:
        def pair(p: PoolNumbers) -> dict[str, str | int]:
            return {"relocations": p.relocations, "financial": str(p.financial)}

        r = self.request
        return {
            "state": r.state,
            "situation": r.situation.value,
            "on": r.on.isoformat(),
            "article": ARTICLE,
            "needs": pair(self.needs),
            "of_which_alternative_measures": str(r.alternative_needs),
            "already_benefitting": r.already_benefitting,
            "counted_as_covered": pair(self.counted_as_covered),
            "from_pool": pair(self.from_pool),
            "additional_pledges_needed": pair(self.additional),
            "pool_short": self.pool_short,
            "relocation_primary": r.relocation_primary,
            "basis": pair(self.basis),
            "indicative_contributions": {
                g: {
                    "share": str(row.share),
                    "relocations": row.relocations,
                    "financial": str(row.financial),
                }
                for g, row in self.indicative.rows.items()
            },
            "uncovered_by_contributions": pair(self.uncovered_by_contributions),
            "readings": {n: str(self.params(n)) for n in READINGS},
            "key_data": self.key.vintage.label() if self.key.vintage else "",
        }


def _check(req: PlanRequest, key: ReferenceKey, params: ParametersAt) -> None:
    problems = []
    if req.situation is Situation.FORCE_MAJEURE:
        problems.append(
            Problem(
                "situation",
                req.situation.value,
                "a Solidarity Response Plan is for a situation of crisis (Art. 4(2)(b), 8(1)), "
                "not force majeure",
            )
        )
    if req.state not in params("crisis.bound_member_states"):
        problems.append(Problem("state", req.state, "not bound by the CFMR (recitals 64-65)"))
    elif req.state not in key.states:
        problems.append(
            Problem("state", req.state, "not among the states of the reference key (Art. 66 AMMR)")
        )
    for name in ("relocation_needs", "pool_relocations", "allocated_relocations"):
        value = getattr(req, name)
        if not 0 <= value <= MAX_PERSONS:
            problems.append(Problem(name, value, f"must be between 0 and {MAX_PERSONS:,}"))
    for name in ("financial_needs", "alternative_needs", "pool_financial", "allocated_financial"):
        value = getattr(req, name)
        if not Decimal(0) <= value <= MAX_EUR:
            problems.append(Problem(name, str(value), f"must be between 0 and EUR {MAX_EUR:,}"))
    if problems:
        raise EupactError(problems, "Solidarity Response Plan refused")


def response_plan(
    req: PlanRequest, key: ReferenceKey, params: ParametersAt
) -> SolidarityResponsePlan:
    """The plan for ``req`` (CFMR Art. 4(2)(b), 4(5)(b), 8(1)); ``key`` is the reference key of
    Art. 66 AMMR over the bound states on the plan's date (e.g. ``key_from_snapshot``);
    ``params`` the parameters in force on ``req.on`` with the [reading]s chosen."""
    _check(req, key, params)
    needs = PoolNumbers(req.relocation_needs, req.financial_needs + req.alternative_needs)
    covered = PoolNumbers(0, Decimal(0))
    if req.already_benefitting and params("crisis.plan.already_benefitting") == "deduct_allocated":
        covered = PoolNumbers(
            min(req.allocated_relocations, needs.relocations),
            min(req.allocated_financial, needs.financial),
        )
    open_r = needs.relocations - covered.relocations
    open_f = needs.financial - covered.financial
    from_pool = PoolNumbers(min(req.pool_relocations, open_r), min(req.pool_financial, open_f))
    additional = PoolNumbers(open_r - from_pool.relocations, open_f - from_pool.financial)
    basis = additional if params("crisis.plan.indicative_basis") == "additional_pledges" else needs
    contributing = tuple(g for g in key.states if g != req.state)
    if params("crisis.plan.crisis_state_share") == "renormalised":
        plan_key = compute_reference_key(
            key.population, key.gdp, key.params, contributing, key.vintage
        )
        indicative = allocate(plan_key, basis, "indicative contribution", ARTICLE)
    else:
        plan_key = key
        full = allocate(key, basis, "indicative contribution", ARTICLE)
        indicative = Allocation(
            full.label,
            full.article,
            full.totals,
            {g: row for g, row in full.rows.items() if g != req.state},
            key,
        )
    return SolidarityResponsePlan(
        req,
        needs,
        covered,
        from_pool,
        additional,
        basis,
        contributing,
        plan_key,
        indicative,
        params,
    )


__all__ = ["ARTICLE", "READINGS", "PlanRequest", "SolidarityResponsePlan", "response_plan"]
