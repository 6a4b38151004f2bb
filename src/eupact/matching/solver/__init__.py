"""Assignment: family units to states, maximising total points under the rules.

Formulation (a generalised assignment problem with side constraints; docs/matching.md)::

    max  Σ_{u,s} w[u,s]·x[u,s]  −  penalty · Σ_s short[s]
    s.t. Σ_s x[u,s] ≤ 1                        each unit at most once, whole (Art. 67(6))
         z[s,b] = Σ_{u from b} size[u]·x[u,s]   persons from b relocated to s
         z[s,b] − y[s,b] ≤ earmarked[s,b]       places pledged for b, then ...
         Σ_b y[s,b] ≤ general[s]                ... places pledged for any benefitting state
         T = Σ_{s,b} z[s,b]                     all persons relocated
         Σ_s z[s,b] ≥ floor[b] · T              balance among benefitting states (Art. 60(2))
         Σ_b z[s,b] + short[s] ≥ f[s] · T       fair sharing of places (Art. 67(4)), soft
         x[u,s] ∈ {0,1}, only where allowed      exclusions (Art. 2(22), 57(1), 60(4), 67(4))

Units that are identical for the model — same benefitting state, size, allowed states and
points everywhere — are interchangeable, so they are merged into *classes* with an integer count
variable per (class, state): an exact reformulation. Within a class, units are served first come,
first served (order of the applicants file) [reading].

Methods (HiGHS through ``scipy.optimize.linprog`` for LPs and ``scipy.optimize.milp`` for MIPs):

* ``lp-round`` — the LP relaxation (an upper bound); its integral part kept; the few classes the
  LP splits re-decided by a small MIP; leftover places filled greedily. A vertex of this LP
  splits at most as many classes as there are coupling rows (capacities, balance, fair sharing),
  so the loss against the bound is a handful of units.
* ``mip`` — the whole class model as one MIP, with HiGHS's own gap and bound.
* ``decomposed`` — for large instances: the units of each benefitting state are dealt round-robin
  (first-come order) into blocks of about ``block_persons``; earmarked places are split among a
  benefitting state's blocks by persons, general places first among benefitting states by need
  (the balance rule's proportions) and then among blocks; each block is solved with
  ``lp-round``; places left over anywhere are then filled across blocks, and the balance rule
  enforced on the whole. The upper bound is the Lagrangian dual function of the *whole* LP at the
  block LPs' average prices (valid for any prices), so the reported gap is proven.
* ``auto`` — ``lp-round`` when the class model is small enough, else ``decomposed``; then the
  full MIP if the gap is above the tolerance and the model is small.

:func:`greedy_first_come` is the baseline: units in file order, each to its best-scoring state
with room, then trimmed (last come first) to respect the balance rule.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from ..instance import MatchProblem
from ..model import IntArray
from ..scoring import UnitScores
from .caps import (
    Caps,
    available,
    balance_slack,
    evaluate,
    persons_by_state,
    problem_caps,
    shortfall,
    violations,
)
from .classes import build_classes, disaggregate
from .decomposed import _decomposed, _trim_units
from .model import _counts, _mip, build_model
from .prices import Prices, _prices, dual_bound
from .rounding import _lp_round
from .settings import Assignment, Infeasible, Method, SolverSettings, Stage


def solve(problem: MatchProblem, scores: UnitScores, settings: SolverSettings) -> Assignment:
    """The optimal (or within-gap) assignment; raises :class:`Infeasible` when none exists."""
    t0 = time.perf_counter()
    stages: list[Stage] = []
    cls = build_classes(problem, scores)
    caps = problem_caps(problem)
    n_s = len(problem.states)
    penalty = scores.weights.fair_penalty
    if len(cls) == 0 or n_s == 0:
        if problem.required.any():
            raise Infeasible("required units cannot be relocated anywhere")
        state = np.full(problem.n_units, -1, dtype=np.int64)
        return Assignment(state, 0.0, 0.0, "optimal", "trivial", (), time.perf_counter() - t0)
    stages.append(
        Stage(
            "classes",
            "built",
            time.perf_counter() - t0,
            f"{problem.n_units:,} units in {len(cls):,} classes",
        )
    )
    method = settings.method
    if method == "auto":
        large = len(cls) > settings.direct_class_limit and not problem.required.any()
        method = "decomposed" if large else "lp-round"
    best_state: IntArray | None = None
    best_obj = -np.inf
    bound: float | None = None
    n_variables = 0
    blocks = 0

    if method == "decomposed":
        state, bound, blocks = _decomposed(problem, scores, cls, caps, settings, stages)
        if not violations(problem, state):
            best_state, best_obj = state, evaluate(problem, scores, state)
    elif method == "lp-round":
        n, lp, model, exact = _lp_round(
            cls,
            caps,
            penalty,
            settings,
            stages,
            True,
            settings.columns_per_class,
            settings.pricing_rounds,
        )
        n_variables = model.n_variables
        if lp.status == 2:
            raise Infeasible(lp.message)
        bound = lp.bound
        if not exact and lp.row_duals is not None:
            bound = dual_bound(cls, caps, penalty, _prices(model, lp.row_duals, caps))
        if n is not None:
            state = np.full(problem.n_units, -1, dtype=np.int64)
            disaggregate(cls, n, state)
            if not violations(problem, state):
                best_state, best_obj = state, evaluate(problem, scores, state)

    gap_now = (
        None if bound is None or best_state is None else (bound - best_obj) / max(abs(bound), 1.0)
    )
    small = int(cls.allowed.sum()) <= settings.full_mip_limit
    wants_mip = settings.method == "mip" or (
        settings.method == "auto" and small and (gap_now is None or gap_now > settings.mip_rel_gap)
    )
    full = build_model(cls, caps, penalty) if wants_mip else None
    used = str(method)
    if full is not None:
        n_variables = full.n_variables
        res = _mip(
            full.c,
            full.a,
            full.row_lo,
            full.row_hi,
            full.lb,
            full.ub,
            full.integrality,
            settings,
        )
        stages.append(
            Stage(
                "full MIP",
                res.message,
                res.seconds,
                f"HiGHS: objective {res.objective}, dual bound {res.bound}, MIP gap {res.mip_gap}",
            )
        )
        if res.status == 2:
            raise Infeasible(res.message)
        if res.x is not None:
            state = np.full(problem.n_units, -1, dtype=np.int64)
            disaggregate(cls, _counts(full, res.x, len(cls), n_s), state)
            obj = evaluate(problem, scores, state)
            if obj > best_obj and not violations(problem, state):
                best_state, best_obj = state, obj
        if res.bound is not None:
            bound = res.bound if bound is None else min(bound, res.bound)
        used = "mip" if method == "mip" else f"{method} + full MIP"
    if best_state is None:
        raise Infeasible("no feasible assignment found within the time limit")
    if bound is not None:
        bound = max(bound, best_obj)
    gap = None if bound is None else (bound - best_obj) / max(abs(bound), 1.0)
    if gap is None:
        status = "feasible, no bound"
    elif gap <= 1e-9:
        status = "optimal"
    elif gap <= settings.mip_rel_gap:
        status = "within gap tolerance"
    else:
        status = "gap above tolerance"
    return Assignment(
        best_state,
        best_obj,
        bound,
        status,
        used,
        tuple(stages),
        time.perf_counter() - t0,
        len(cls),
        n_variables,
        blocks,
    )


def greedy_first_come(problem: MatchProblem, scores: UnitScores) -> Assignment:
    """Baseline: units in the order of the applicants file (required units first); each goes to
    its highest-scoring allowed state that still has room; then units are removed, last come
    first, until the balance rule holds."""
    t0 = time.perf_counter()
    allowed = problem.allowed
    cand = np.flatnonzero(allowed.any(axis=1))
    cand = cand[np.lexsort((problem.unit_first[cand], ~problem.required[cand]))]
    masked = np.where(allowed[cand], scores.total[cand], -1)
    prefs = np.argsort(-masked, axis=1, kind="stable")
    n_allowed = allowed[cand].sum(axis=1)
    earmarked = problem.cap_earmarked.copy()
    general = problem.cap_general.copy()
    state = np.full(problem.n_units, -1, dtype=np.int64)
    sizes = problem.unit_size.tolist()
    unit_b = problem.unit_b.tolist()
    for row, u in enumerate(cand.tolist()):
        size, b = sizes[u], unit_b[u]
        for j in prefs[row, : n_allowed[row]].tolist():
            room_e = int(earmarked[j, b])
            if room_e + int(general[j]) >= size:
                use_e = min(room_e, size)
                earmarked[j, b] -= use_e
                general[j] -= size - use_e
                state[u] = j
                break
    _trim_units(problem, scores, state, problem_caps(problem))
    missing = problem.required & (state < 0)
    obj = evaluate(problem, scores, state)
    status = "heuristic" if not missing.any() else "heuristic, required units left out"
    return Assignment(state, obj, None, status, "greedy", (), time.perf_counter() - t0)


__all__: Sequence[str] = (
    "Assignment",
    "Caps",
    "Infeasible",
    "Method",
    "Prices",
    "SolverSettings",
    "Stage",
    "available",
    "balance_slack",
    "build_classes",
    "dual_bound",
    "evaluate",
    "greedy_first_come",
    "persons_by_state",
    "problem_caps",
    "shortfall",
    "solve",
    "violations",
)
