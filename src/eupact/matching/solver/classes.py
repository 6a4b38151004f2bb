"""Classes of identical units: units that are identical for the model — same benefitting state,
size, required flag, allowed states and points everywhere — are interchangeable and merged into
classes with an integer count per (class, state), an exact reformulation. Units stay whole
(Art. 67(6)); within a class they are served first come, first served (order of the applicants
file) [reading].
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..instance import MatchProblem
from ..model import BoolArray, IntArray
from ..scoring import UnitScores


@dataclass(frozen=True, eq=False)
class Classes:
    """Units merged by (benefitting state, size, required, points in every allowed state)."""

    count: IntArray
    b: IntArray
    size: IntArray
    required: BoolArray
    score: IntArray  # (classes, states)
    allowed: BoolArray  # (classes, states)
    units: IntArray  # units grouped by class, first come first within a class
    ptr: IntArray  # class c holds units[ptr[c]:ptr[c + 1]]
    of_unit: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.count)


def build_classes(
    problem: MatchProblem, scores: UnitScores, units: IntArray | None = None
) -> Classes:
    """Merge the units (all, or ``units``) that can be relocated somewhere into classes."""
    allowed = problem.allowed
    pool = np.arange(problem.n_units) if units is None else units
    cand = pool[allowed[pool].any(axis=1)]
    n_s = len(problem.states)
    key = np.empty((len(cand), 3 + n_s), dtype=np.int64)
    key[:, 0] = problem.unit_b[cand]
    key[:, 1] = problem.unit_size[cand]
    key[:, 2] = problem.required[cand]
    key[:, 3:] = np.where(allowed[cand], scores.total[cand], -1)
    rows = np.ascontiguousarray(key).view(np.dtype((np.void, key.dtype.itemsize * key.shape[1])))
    _, first, inverse, count = np.unique(
        rows.ravel(), return_index=True, return_inverse=True, return_counts=True
    )
    inverse = np.asarray(inverse, dtype=np.int64).ravel()
    order = np.lexsort((problem.unit_first[cand], inverse))
    ptr = np.zeros(len(count) + 1, dtype=np.int64)
    np.cumsum(count, out=ptr[1:])
    head = key[first]
    of_unit = np.full(problem.n_units, -1, dtype=np.int64)
    of_unit[cand] = inverse
    return Classes(
        count=np.asarray(count, dtype=np.int64),
        b=head[:, 0].copy(),
        size=head[:, 1].copy(),
        required=head[:, 2].astype(bool),
        score=np.maximum(head[:, 3:], 0),
        allowed=head[:, 3:] >= 0,
        units=cand[order],
        ptr=ptr,
        of_unit=of_unit,
    )


def disaggregate(cls: Classes, n: IntArray, state: IntArray) -> None:
    """Write into ``state`` the unit assignment of class counts ``n`` (classes × states): within a
    class the earliest units are relocated, to the states in column order."""
    c_idx, j_idx = np.nonzero(n)
    k = n[c_idx, j_idx]
    seq_state = np.repeat(j_idx, k)
    seq_class = np.repeat(c_idx, k)
    taken = n.sum(axis=1)
    start_in_seq = np.zeros(len(cls) + 1, dtype=np.int64)
    np.cumsum(taken, out=start_in_seq[1:])
    rank = np.arange(len(seq_state)) - start_in_seq[seq_class]
    state[cls.units[cls.ptr[seq_class] + rank]] = seq_state


def counts_of(cls: Classes, state: IntArray, n_states: int) -> IntArray:
    """Class counts (classes × states) of a unit assignment."""
    on = (state >= 0) & (cls.of_unit >= 0)
    flat = np.bincount(
        cls.of_unit[on] * n_states + state[on], minlength=len(cls) * n_states
    ).astype(np.int64)
    return flat.reshape(len(cls), n_states)
