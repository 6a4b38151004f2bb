"""The ``decomposed`` method, for large instances: units dealt round-robin (first-come order)
into blocks, each block given its share of the places (earmarked by persons, general by need;
Art. 67), each block solved by ``lp-round``, places left over filled across blocks and the
balance rule (Art. 60(2)) enforced on the whole; the bound is the Lagrangian dual function of
the whole LP at the blocks' prices (:mod:`.prices`).
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import numpy.typing as npt

from ..instance import MatchProblem
from ..model import IntArray
from ..scoring import UnitScores
from .caps import Caps, fair_floors, persons_by_state
from .classes import Classes, build_classes, counts_of, disaggregate
from .prices import Prices, _average_prices, _improve_prices, _place_prices, _prices, dual_bound
from .rounding import _fill, _lp_round
from .settings import SolverSettings, Stage


def split_integer(total: int, weights: npt.NDArray[Any]) -> IntArray:
    """``total`` split in proportion to ``weights`` by largest remainder (sums to ``total``)."""
    out = np.zeros(len(weights), dtype=np.int64)
    w_sum = float(weights.sum())
    if total <= 0 or w_sum <= 0:
        return out
    raw = total * weights / w_sum
    out[:] = np.floor(raw)
    rest = total - int(out.sum())
    if rest:
        out[np.argsort(-(raw - out), kind="stable")[:rest]] += 1
    return out


def _blocks(problem: MatchProblem, units: IntArray, block_persons: int) -> list[IntArray]:
    """Units dealt round-robin, in first-come order, into blocks of about ``block_persons``:
    every block is a small copy of the whole (same mix of benefitting states, sizes, links)."""
    order = units[np.argsort(problem.unit_first[units], kind="stable")]
    persons = int(problem.unit_size[order].sum())
    k = max(1, math.ceil(persons / block_persons))
    return [order[i::k] for i in range(k) if len(order[i::k])]


def _block_caps(problem: MatchProblem, caps: Caps, blocks: list[IntArray]) -> list[Caps]:
    """Each block's share of every pool: places earmarked for b in proportion to the block's
    persons from b, general places in proportion to the block's persons; the same floors."""
    n_s, n_b = caps.earmarked.shape
    by_b = np.stack(
        [
            np.bincount(problem.unit_b[blk], weights=problem.unit_size[blk], minlength=n_b)
            for blk in blocks
        ]
    )  # (blocks, b)
    ear = np.zeros((len(blocks), n_s, n_b), dtype=np.int64)
    gen = np.zeros((len(blocks), n_s), dtype=np.int64)
    for j in range(n_s):
        gen[:, j] = split_integer(int(caps.general[j]), by_b.sum(axis=1))
        for b in range(n_b):
            if caps.earmarked[j, b]:
                ear[:, j, b] = split_integer(int(caps.earmarked[j, b]), by_b[:, b])
    tol = float(problem.fair_tolerance)
    return [
        Caps(
            ear[k],
            gen[k],
            np.zeros(n_b),  # the balance rule is enforced on the whole, after the merge
            fair_floors(ear[k].sum(axis=1) + gen[k], tol, caps.fair),
            caps.fair,
        )
        for k in range(len(blocks))
    ]


def _trim_units(problem: MatchProblem, scores: UnitScores, state: IntArray, caps: Caps) -> None:
    """Enforce the balance rule on a unit assignment: remove units of the benefitting states
    with the largest surplus, last come first, until it holds (in place)."""
    floors = caps.balance_floor
    if not (floors > 0).any():
        return
    z = persons_by_state(problem, state)
    r_b = z.sum(axis=0).astype(float)
    total = float(r_b.sum())
    if (r_b - floors * total >= -1e-9).all():
        return
    n_b = len(floors)
    on = np.flatnonzero(state >= 0)
    on = on[np.argsort(-problem.unit_first[on], kind="stable")]
    by_b = [on[problem.unit_b[on] == b].tolist() for b in range(n_b)]
    nxt = [0] * n_b
    sizes = problem.unit_size
    while (r_b - floors * total < -1e-9).any():
        surplus = np.where(floors > 0, r_b - floors * total, np.inf)
        for b in range(n_b):
            if nxt[b] >= len(by_b[b]):
                surplus[b] = -np.inf
        b = int(np.argmax(surplus))
        if surplus[b] == -np.inf:
            break
        u = by_b[b][nxt[b]]
        nxt[b] += 1
        state[u] = -1
        r_b[b] -= sizes[u]
        total -= sizes[u]


def _decomposed(
    problem: MatchProblem,
    scores: UnitScores,
    cls: Classes,
    caps: Caps,
    settings: SolverSettings,
    stages: list[Stage],
) -> tuple[IntArray, float | None, int]:
    penalty = scores.weights.fair_penalty
    n_s = caps.earmarked.shape[0]
    t0 = time.perf_counter()
    blocks = _blocks(problem, cls.units, settings.block_persons)
    block_caps = _block_caps(problem, caps, blocks)
    state = np.full(problem.n_units, -1, dtype=np.int64)
    found: list[tuple[Prices, Caps, float]] = []
    solved = 0
    lp_seconds = 0.0
    for blk, bcaps in zip(blocks, block_caps, strict=True):
        sub = build_classes(problem, scores, blk)
        inner: list[Stage] = []
        n, lp, model, _ = _lp_round(
            sub, bcaps, penalty, settings, inner, False, settings.block_columns_per_class, 1
        )
        lp_seconds += sum(s.seconds for s in inner)
        if n is None or lp.row_duals is None:
            continue
        solved += 1
        disaggregate(sub, n, state)
        found.append(
            (_prices(model, lp.row_duals, bcaps), bcaps, float(problem.unit_size[blk].sum()))
        )
    stages.append(
        Stage(
            "blocks",
            f"{solved} of {len(blocks)} blocks solved (LP on each class's best states, rounded down, filled)",
            time.perf_counter() - t0,
            f"about {settings.block_persons:,} persons per block; HiGHS and rounding "
            f"{lp_seconds:.1f} s",
        )
    )
    t1 = time.perf_counter()
    n_all = _fill(cls, counts_of(cls, state, n_s), caps, penalty)
    added = n_all - counts_of(cls, state, n_s)
    _add_units(cls, added, state)
    _trim_units(problem, scores, state, caps)
    stages.append(Stage("merge", "leftover places filled across blocks", time.perf_counter() - t1))
    t2 = time.perf_counter()
    step = max(1, len(found) // 16)
    candidates = [pr for pr, _, _ in found[::step]]
    if found:
        candidates.append(_average_prices(found))
    candidates += [_place_prices(pr, caps) for pr in candidates]
    values = [dual_bound(cls, caps, penalty, pr) for pr in candidates]
    bound: float | None = None
    if values:
        best = candidates[int(np.argmin(values))]
        improved = _improve_prices(cls, caps, _place_prices(best, caps).alpha)
        bound = min(min(values), dual_bound(cls, caps, penalty, improved))
    stages.append(
        Stage(
            "bound",
            "Lagrangian dual of the whole LP at the blocks' prices, improved by coordinate descent",
            time.perf_counter() - t2,
            f"{len(candidates)} price vectors tried; bound {bound}",
        )
    )
    return state, bound, len(blocks)


def _add_units(cls: Classes, added: IntArray, state: IntArray) -> None:
    """Relocate ``added[c, j]`` more units of class c to state j: the earliest unassigned."""
    for c, j in zip(*np.nonzero(added), strict=True):
        members = cls.units[cls.ptr[c] : cls.ptr[c + 1]]
        free = members[state[members] < 0][: int(added[c, j])]
        state[free] = j
