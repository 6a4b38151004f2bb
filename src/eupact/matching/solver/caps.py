"""Capacities and rules as numbers, for the whole problem or for one block: places earmarked
per benefitting state and general places (Art. 67), the balance floors among benefitting states
(Art. 60(2)) and the fair-sharing floors (Art. 67(4)); and the evaluation and feasibility of a
unit assignment (units whole, Art. 67(6); exclusions, Art. 2(22), 57(1), 60(4), 67(4)), shared by
every method and by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..instance import MatchProblem
from ..model import FloatArray, IntArray
from ..scoring import UnitScores


@dataclass(frozen=True, eq=False)
class Caps:
    """Places (earmarked per benefitting state, general) and the proportional floors."""

    earmarked: IntArray  # (states, benefitting)
    general: IntArray  # (states,)
    balance_floor: FloatArray  # (benefitting,), 0 = no floor
    fair_floor: FloatArray  # (states,), 0 = no floor
    fair: bool

    @property
    def places(self) -> IntArray:
        return np.asarray(self.earmarked.sum(axis=1) + self.general, dtype=np.int64)


def fair_floors(places: IntArray, tolerance: float, on: bool) -> FloatArray:
    """f[s] = (1 − tolerance) × places[s] / Σ places: the share of all relocated persons state s
    should at least receive (Art. 67(4) [reading])."""
    total = float(places.sum())
    if not on or total <= 0:
        return np.zeros(len(places))
    return np.asarray((1 - tolerance) * places / total, dtype=float)


def problem_caps(problem: MatchProblem) -> Caps:
    return Caps(
        problem.cap_earmarked,
        problem.cap_general,
        np.asarray([float(f) for f in problem.balance_floor], dtype=float),
        fair_floors(problem.places, float(problem.fair_tolerance), problem.rules.fair_sharing),
        problem.rules.fair_sharing and len(problem.states) > 0,
    )


# --------------------------------------------------------------------------------------------
# Evaluation and feasibility (shared by every method, and by the tests)


def persons_by_state(problem: MatchProblem, state: IntArray) -> IntArray:
    """Persons relocated to each state and from each benefitting state: shape (states, b)."""
    on = state >= 0
    n_s, n_b = len(problem.states), len(problem.benefitting)
    flat = np.bincount(
        state[on] * n_b + problem.unit_b[on],
        weights=problem.unit_size[on],
        minlength=n_s * n_b,
    )
    return np.asarray(flat.reshape(n_s, n_b), dtype=np.int64)


def shortfall(caps: Caps, z: IntArray) -> FloatArray:
    """Persons by which each state's fill falls below its fair-sharing floor."""
    used = z.sum(axis=1).astype(float)
    return np.asarray(np.maximum(0.0, caps.fair_floor * float(z.sum()) - used), dtype=float)


def evaluate(problem: MatchProblem, scores: UnitScores, state: IntArray) -> float:
    """The objective: points of every relocated unit less the fair-sharing penalty."""
    on = np.flatnonzero(state >= 0)
    points = float(scores.total[on, state[on]].sum())
    z = persons_by_state(problem, state)
    penalty = scores.weights.fair_penalty * float(shortfall(problem_caps(problem), z).sum())
    return points - penalty


def general_overflow(caps: Caps, z: IntArray) -> IntArray:
    """Persons per state that use the general places (beyond each earmark)."""
    return np.asarray(np.maximum(0, z - caps.earmarked).sum(axis=1), dtype=np.int64)


def available(caps: Caps, z: IntArray) -> IntArray:
    """Places still open to each benefitting state in each state: shape (states, b)."""
    free_general = caps.general - general_overflow(caps, z)
    free_earmarked = np.maximum(0, caps.earmarked - z)
    return np.asarray(free_earmarked + free_general[:, None], dtype=np.int64)


def balance_slack(caps: Caps, z: IntArray) -> FloatArray:
    """R[b] − floor[b]·T for each benefitting state (negative = balance rule broken)."""
    r = z.sum(axis=0).astype(float)
    return np.asarray(r - caps.balance_floor * float(z.sum()), dtype=float)


def violations(problem: MatchProblem, state: IntArray) -> list[str]:
    """Every hard rule the assignment breaks (empty for a feasible one)."""
    caps = problem_caps(problem)
    out: list[str] = []
    on = np.flatnonzero(state >= 0)
    bad = on[~problem.allowed[on, state[on]]]
    out += [f"unit {problem.table.unit_names[u]} sent to an excluded state" for u in bad[:5]]
    z = persons_by_state(problem, state)
    over = general_overflow(caps, z) - caps.general
    out += [f"{problem.states[j]} above capacity by {over[j]}" for j in np.flatnonzero(over > 0)]
    slack = balance_slack(caps, z)
    out += [
        f"balance rule broken for {problem.benefitting[b]} by {-slack[b]:.3f} persons"
        for b in np.flatnonzero(slack < -1e-6)
    ]
    missing = np.flatnonzero(problem.required & (state < 0))
    out += [f"required unit {problem.table.unit_names[u]} not relocated" for u in missing[:5]]
    return out
