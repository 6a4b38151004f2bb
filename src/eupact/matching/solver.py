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

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped]
from scipy.optimize import Bounds, LinearConstraint, linprog, milp  # type: ignore[import-untyped]

from .instance import MatchProblem
from .model import BoolArray, FloatArray, IntArray
from .scoring import UnitScores

Method = Literal["auto", "mip", "lp-round", "decomposed"]
EPS = 1e-7


@dataclass(frozen=True)
class SolverSettings:
    """``mip_rel_gap``: the relative gap accepted as solved (0.001 = 0.1 %). ``time_limit``:
    seconds for each HiGHS call. ``direct_class_limit``: the largest number of classes ``auto``
    solves as one LP (above it, ``decomposed``). ``block_persons``: persons per block of the
    decomposition. ``full_mip_limit``: the largest class model (variables) that ``auto`` hands to
    the full MIP when rounding leaves a gap above the tolerance. ``columns_per_class`` and
    ``pricing_rounds``: the column generation of the one-LP method (it starts from each class's
    best states and prices the others until none could improve the LP); blocks of the
    decomposition use ``block_columns_per_class`` columns and one round, their bound coming from
    the Lagrangian dual of the whole problem instead."""

    method: Method = "auto"
    mip_rel_gap: float = 1e-3
    time_limit: float = 60.0
    direct_class_limit: int = 8_000
    block_persons: int = 20_000
    full_mip_limit: int = 250_000
    block_columns_per_class: int = 10
    columns_per_class: int = 5
    pricing_rounds: int = 12


@dataclass(frozen=True)
class Stage:
    """One step of a solve, for the record."""

    name: str
    status: str
    seconds: float
    detail: str = ""


@dataclass(frozen=True, eq=False)
class Assignment:
    """A unit → state assignment (``state[u]`` is a column of ``problem.states`` or −1), with
    its objective, a proven upper bound when one is known, and how it was found."""

    state: IntArray
    objective: float
    bound: float | None
    status: str
    method: str
    stages: tuple[Stage, ...]
    seconds: float
    n_classes: int = 0
    n_variables: int = 0
    blocks: int = 0

    @property
    def gap(self) -> float | None:
        """(bound − objective) / bound: how far from optimal the assignment can at most be."""
        if self.bound is None:
            return None
        return max(0.0, (self.bound - self.objective) / max(abs(self.bound), 1.0))


# --------------------------------------------------------------------------------------------
# Capacities and rules as numbers, for the whole problem or for one block


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


# --------------------------------------------------------------------------------------------
# Classes of identical units


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


# --------------------------------------------------------------------------------------------
# The class model


@dataclass(frozen=True, eq=False)
class ClassModel:
    c: FloatArray  # minimised: −points, +penalty
    a: Any  # scipy.sparse.csc_matrix
    row_lo: FloatArray
    row_hi: FloatArray
    lb: FloatArray
    ub: FloatArray
    integrality: IntArray
    vc: IntArray  # class of each count variable
    vj: IntArray  # state of each count variable
    n_count: int
    rows_earmarked: tuple[int, IntArray, IntArray]  # first row, state, benefitting per row
    rows_general: tuple[int, IntArray]  # first row, state per row
    rows_balance: tuple[int, IntArray]  # first row, benefitting per row
    rows_fair: tuple[int, IntArray]  # first row, state per row
    z_index: IntArray  # (states, b) → z variable (and z-definition row offset), −1 if none
    zdef_row: int

    @property
    def n_variables(self) -> int:
        return len(self.c)


def build_model(
    cls: Classes, caps: Caps, penalty: int, columns: BoolArray | None = None
) -> ClassModel:
    """The class model; count variables only for ``columns`` (default: every allowed pair),
    but persons variables z for every (state, benefitting state) pair some class may use, so
    that the duals price every pair."""
    n_s, n_b = caps.earmarked.shape
    vc, vj = np.nonzero(cls.allowed if columns is None else columns & cls.allowed)
    nv = len(vc)
    pair = np.zeros((n_s, n_b), dtype=bool)
    for b in range(n_b):
        pair[:, b] = cls.allowed[cls.b == b].any(axis=0)
    z_j, z_b = np.nonzero(pair)
    nz = len(z_j)
    z_index = np.full((n_s, n_b), -1, dtype=np.int64)
    z_index[z_j, z_b] = np.arange(nz)
    zid = z_index[vj, cls.b[vc]]
    y_of = np.flatnonzero(caps.general[z_j] > 0)  # z index of each y
    ny = len(y_of)
    n_short = n_s if caps.fair else 0
    col_z, col_y, col_s = nv, nv + nz, nv + nz + ny
    col_t = col_s + n_short  # T: all persons relocated
    n_cols = col_t + 1
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    vals: list[FloatArray] = []
    lo: list[FloatArray] = []
    hi: list[FloatArray] = []
    r = 0

    def add(rr: IntArray, cc: IntArray, vv: FloatArray) -> None:
        rows.append(np.asarray(rr, dtype=np.int64))
        cols.append(np.asarray(cc, dtype=np.int64))
        vals.append(np.asarray(vv, dtype=float))

    # class rows: Σ_j n[c,j] ≤ count[c] (= for required classes)
    add(vc, np.arange(nv), np.ones(nv))
    lo.append(np.where(cls.required, cls.count, -np.inf).astype(float))
    hi.append(cls.count.astype(float))
    r += len(cls)
    # z definition: Σ size·n − z = 0
    zdef_row = r
    add(r + zid, np.arange(nv), cls.size[vc].astype(float))
    add(r + np.arange(nz), col_z + np.arange(nz), -np.ones(nz))
    lo.append(np.zeros(nz))
    hi.append(np.zeros(nz))
    r += nz
    # earmarked places: z − y ≤ earmarked
    rows_earmarked = (r, z_j, z_b)
    add(r + np.arange(nz), col_z + np.arange(nz), np.ones(nz))
    add(r + y_of, col_y + np.arange(ny), -np.ones(ny))
    lo.append(np.full(nz, -np.inf))
    hi.append(caps.earmarked[z_j, z_b].astype(float))
    r += nz
    # general places: Σ_b y ≤ general
    gen_states, y_row = np.unique(z_j[y_of], return_inverse=True)
    rows_general = (r, gen_states)
    add(r + np.asarray(y_row).ravel(), col_y + np.arange(ny), np.ones(ny))
    lo.append(np.full(len(gen_states), -np.inf))
    hi.append(caps.general[gen_states].astype(float))
    r += len(gen_states)
    # T = Σ z
    add(np.full(nz, r), col_z + np.arange(nz), np.ones(nz))
    add(np.full(1, r), np.full(1, col_t), -np.ones(1))
    lo.append(np.zeros(1))
    hi.append(np.zeros(1))
    r += 1
    # balance: Σ_j z[j,b] − floor[b]·T ≥ 0
    balance_b = np.flatnonzero(caps.balance_floor > 0)
    rows_balance = (r, balance_b)
    for b in balance_b.tolist():
        mine = np.flatnonzero(z_b == b)
        add(np.full(len(mine), r), col_z + mine, np.ones(len(mine)))
        add(np.full(1, r), np.full(1, col_t), np.full(1, -caps.balance_floor[b]))
        lo.append(np.zeros(1))
        hi.append(np.full(1, np.inf))
        r += 1
    # fair sharing: Σ_b z[j,b] + short[j] − f[j]·T ≥ 0
    rows_fair = (r, np.arange(n_short))
    for j in range(n_short):
        mine = np.flatnonzero(z_j == j)
        add(np.full(len(mine), r), col_z + mine, np.ones(len(mine)))
        add(np.full(2, r), np.asarray([col_s + j, col_t]), np.asarray([1.0, -caps.fair_floor[j]]))
        lo.append(np.zeros(1))
        hi.append(np.full(1, np.inf))
        r += 1
    a = sparse.csc_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(r, n_cols)
    )
    c = np.zeros(n_cols)
    c[:nv] = -cls.score[vc, vj]
    c[col_s:col_t] = penalty
    lb = np.zeros(n_cols)
    ub = np.full(n_cols, np.inf)
    ub[:nv] = cls.count[vc]
    ub[col_s:col_t] = np.inf
    integrality = np.zeros(n_cols, dtype=np.int64)
    integrality[:nv] = 1
    return ClassModel(
        c,
        a,
        np.concatenate(lo),
        np.concatenate(hi),
        lb,
        ub,
        integrality,
        vc,
        vj,
        nv,
        rows_earmarked,
        rows_general,
        rows_balance,
        rows_fair,
        z_index,
        zdef_row,
    )


# --------------------------------------------------------------------------------------------
# HiGHS calls


@dataclass(frozen=True)
class _Solved:
    status: int
    message: str
    x: FloatArray | None
    objective: float | None  # maximised objective
    bound: float | None  # proven upper bound on the maximised objective, if known
    seconds: float
    row_duals: FloatArray | None = None  # ∂(minimised objective)/∂(row bound), LP only
    mip_gap: float | None = None  # HiGHS's own relative MIP gap, MIP only


def _lp(model: ClassModel, settings: SolverSettings) -> _Solved:
    """The LP relaxation by HiGHS's dual simplex (a vertex solution, with row duals)."""
    t0 = time.perf_counter()
    a = model.a.tocsr()
    eq = model.row_lo == model.row_hi
    up = ~eq & np.isfinite(model.row_hi)
    down = ~eq & np.isfinite(model.row_lo)
    a_ub = sparse.vstack([a[up], -a[down]]).tocsc()
    b_ub = np.concatenate([model.row_hi[up], -model.row_lo[down]])
    res = linprog(
        model.c,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=a[eq].tocsc(),
        b_eq=model.row_lo[eq],
        bounds=np.column_stack([model.lb, model.ub]),
        method="highs-ds",
        options={"time_limit": settings.time_limit, "presolve": True},
    )
    seconds = time.perf_counter() - t0
    if res.status != 0 or res.x is None:
        return _Solved(int(res.status), str(res.message), None, None, None, seconds)
    duals = np.zeros(len(model.row_lo))
    n_up = int(up.sum())
    duals[np.flatnonzero(up)] = res.ineqlin.marginals[:n_up]
    duals[np.flatnonzero(down)] = -res.ineqlin.marginals[n_up:]
    duals[np.flatnonzero(eq)] = res.eqlin.marginals
    value = -float(res.fun)
    return _Solved(0, str(res.message), np.asarray(res.x), value, value, seconds, duals)


def _mip(
    c: FloatArray,
    a: Any,
    row_lo: FloatArray,
    row_hi: FloatArray,
    lb: FloatArray,
    ub: FloatArray,
    integrality: IntArray,
    settings: SolverSettings,
    gap: float | None = None,
) -> _Solved:
    t0 = time.perf_counter()
    res = milp(
        c,
        constraints=LinearConstraint(a, row_lo, row_hi),
        integrality=integrality,
        bounds=Bounds(lb, ub),
        options={
            "disp": False,
            "time_limit": settings.time_limit,
            "mip_rel_gap": settings.mip_rel_gap if gap is None else gap,
        },
    )
    x = None if res.x is None else np.asarray(res.x, dtype=float)
    objective = None if res.fun is None else -float(res.fun)
    dual = getattr(res, "mip_dual_bound", None)
    bound = -float(dual) if dual is not None and np.isfinite(dual) else None
    gap = getattr(res, "mip_gap", None)
    return _Solved(
        int(res.status),
        str(res.message),
        x,
        objective,
        bound,
        time.perf_counter() - t0,
        mip_gap=None if gap is None else float(gap),
    )


def _counts(model: ClassModel, x: FloatArray, n_classes: int, n_states: int) -> IntArray:
    n = np.zeros((n_classes, n_states), dtype=np.int64)
    n[model.vc, model.vj] = np.floor(x[: model.n_count] + EPS).astype(np.int64)
    return n


# --------------------------------------------------------------------------------------------
# Rounding: repair, fill, trim


def _z_of(cls: Classes, n: IntArray, n_b: int) -> IntArray:
    persons = n * cls.size[:, None]
    z = np.zeros((n.shape[1], n_b), dtype=np.int64)
    for b in range(n_b):
        z[:, b] = persons[cls.b == b].sum(axis=0)
    return z


def _repair(
    cls: Classes, model: ClassModel, x: FloatArray, n_states: int, settings: SolverSettings
) -> tuple[IntArray | None, Stage]:
    """Keep the LP's integral counts; re-decide the classes it split with a small MIP."""
    t0 = time.perf_counter()
    nv = model.n_count
    frac = np.abs(x[:nv] - np.round(x[:nv])) > EPS
    if not frac.any():
        return _counts(model, x, len(cls), n_states), Stage(
            "repair MIP", "not needed: the LP solution is integral", 0.0
        )
    split = np.zeros(len(cls), dtype=bool)
    split[model.vc[frac]] = True
    free = np.concatenate([split[model.vc], np.ones(model.n_variables - nv, dtype=bool)])
    fixed_x = np.where(free, 0.0, np.floor(x + EPS))
    shift = model.a @ fixed_x
    sub = model.a[:, free]
    keep = np.asarray(np.diff(sub.tocsr().indptr) > 0)
    res = _mip(
        model.c[free],
        sub[keep],
        (model.row_lo - shift)[keep],
        (model.row_hi - shift)[keep],
        model.lb[free],
        model.ub[free],
        model.integrality[free],
        settings,
        gap=1e-9,
    )
    detail = f"{int(split.sum())} split classes, {int(free[:nv].sum())} variables"
    if res.x is None or res.status not in (0, 1):
        return None, Stage("repair MIP", res.message, res.seconds, detail)
    full = fixed_x.copy()
    full[free] = res.x
    return _counts(model, full, len(cls), n_states), Stage(
        "repair MIP", res.message, time.perf_counter() - t0, detail
    )


def _trim(cls: Classes, n: IntArray, caps: Caps) -> IntArray:
    """Remove units, lowest points per person first, from the benefitting states with the
    largest surplus until the balance rule holds (a fallback; the repair MIP normally does it)."""
    n = n.copy()
    n_b = len(caps.balance_floor)
    per_person = cls.score / np.maximum(cls.size, 1)[:, None]
    while True:
        slack = balance_slack(caps, _z_of(cls, n, n_b))
        if (slack >= -1e-9).all():
            return n
        ok = slack >= -1e-9
        surplus = np.where(ok, np.where(caps.balance_floor > 0, slack, np.inf), -np.inf)
        for b in np.argsort(-surplus).tolist():
            if surplus[b] == -np.inf:
                return np.zeros_like(n)
            c_idx, j_idx = np.nonzero((n > 0) & (cls.b == b)[:, None])
            if len(c_idx):
                pick = int(np.argmin(per_person[c_idx, j_idx]))
                n[c_idx[pick], j_idx[pick]] -= 1
                break
        else:
            return np.zeros_like(n)


def _fill(cls: Classes, n: IntArray, caps: Caps, penalty: int) -> IntArray:
    """Use places left over: add the best-scoring remaining units that fit, as long as no rule
    breaks (only units worth more per person than the fair-sharing penalty, so that each
    addition raises the objective)."""
    n = n.copy()
    n_b = len(caps.balance_floor)
    z = _z_of(cls, n, n_b)
    rem = cls.count - n.sum(axis=1)
    avail = available(caps, z)
    c_idx, j_idx = np.nonzero(cls.allowed & (rem > 0)[:, None])
    fits = avail[j_idx, cls.b[c_idx]] >= cls.size[c_idx]
    c_idx, j_idx = c_idx[fits], j_idx[fits]
    good = cls.score[c_idx, j_idx] > penalty * cls.size[c_idx]
    c_idx, j_idx = c_idx[good], j_idx[good]
    order = np.argsort(-cls.score[c_idx, j_idx], kind="stable")
    floors = caps.balance_floor
    r_b = z.sum(axis=0).astype(float)
    total = float(z.sum())
    for c, j in zip(c_idx[order].tolist(), j_idx[order].tolist(), strict=True):
        if rem[c] <= 0:
            continue
        b, size = int(cls.b[c]), int(cls.size[c])
        zj = z[j]
        free_general = int(caps.general[j]) - int(np.maximum(0, zj - caps.earmarked[j]).sum())
        room = max(0, int(caps.earmarked[j, b]) - int(zj[b])) + free_general
        k = min(int(rem[c]), room // size)
        for bb in range(n_b):
            if bb != b and floors[bb] > 0:
                k = min(k, math.floor((r_b[bb] - floors[bb] * total) / (floors[bb] * size) + EPS))
        if k <= 0:
            continue
        n[c, j] += k
        rem[c] -= k
        z[j, b] += k * size
        r_b[b] += k * size
        total += k * size
    return n


def sparse_columns(cls: Classes, caps: Caps, per_class: int, seed: int = 0) -> BoolArray:
    """The ``per_class`` best states of each class, ties broken at random in proportion to the
    states' places (so that every state keeps enough candidates to be filled): the initial
    columns of the column generation."""
    if per_class >= cls.allowed.shape[1]:
        return cls.allowed.copy()
    rng = np.random.default_rng(seed)
    weight = np.maximum(caps.places.astype(float), 1e-9)
    with np.errstate(divide="ignore"):
        key = np.log(rng.random(cls.allowed.shape)) / weight[None, :]  # weighted sampling
    lo, hi = float(key.min(initial=0.0)), float(key.max(initial=0.0))
    tie = (key - lo) / max(hi - lo, 1e-12) * 0.999  # < 1 point: only breaks ties
    ranked = np.where(cls.allowed, cls.score + tie, -np.inf)
    kth = -np.partition(-ranked, per_class - 1, axis=1)[:, per_class - 1]
    return np.asarray(cls.allowed & (ranked >= kth[:, None]), dtype=bool)


def _attractive(
    cls: Classes, model: ClassModel, duals: FloatArray, columns: BoolArray
) -> BoolArray:
    """Allowed columns not in the model whose reduced cost at the LP duals is negative: adding
    them could raise the LP value (column-generation pricing)."""
    c_idx, j_idx = np.nonzero(cls.allowed & ~columns)
    out = np.zeros_like(columns)
    if len(c_idx) == 0:
        return out
    zrow = model.zdef_row + model.z_index[j_idx, cls.b[c_idx]]
    reduced = -cls.score[c_idx, j_idx] - duals[c_idx] - cls.size[c_idx] * duals[zrow]
    bad = reduced < -1e-6 * (1.0 + cls.score[c_idx, j_idx])
    out[c_idx[bad], j_idx[bad]] = True
    return out


def _with_all_columns_of_split_classes(
    cls: Classes, caps: Caps, penalty: int, model: ClassModel, x: FloatArray
) -> tuple[ClassModel, FloatArray]:
    """The model with every allowed column of the classes the LP split (so that the repair MIP
    may send their units anywhere), and the LP solution on it."""
    nv = model.n_count
    frac = np.abs(x[:nv] - np.round(x[:nv])) > EPS
    split = np.zeros(len(cls), dtype=bool)
    split[model.vc[frac]] = True
    columns = np.zeros_like(cls.allowed)
    columns[model.vc, model.vj] = True
    extra = cls.allowed & split[:, None] & ~columns
    if not extra.any():
        return model, x
    wider = build_model(cls, caps, penalty, columns | extra)
    position = np.full(cls.allowed.shape, -1, dtype=np.int64)
    position[model.vc, model.vj] = np.arange(nv)
    x2 = np.zeros(wider.n_variables)
    idx = position[wider.vc, wider.vj]
    x2[: wider.n_count][idx >= 0] = x[idx[idx >= 0]]
    x2[wider.n_count :] = x[nv:]  # persons, places, shortfall and T: same columns
    return wider, x2


def _lp_round(
    cls: Classes,
    caps: Caps,
    penalty: int,
    settings: SolverSettings,
    stages: list[Stage],
    repair: bool = True,
    per_class: int | None = None,
    rounds_max: int = 1,
) -> tuple[IntArray | None, _Solved, ClassModel, bool]:
    """Class counts from the LP relaxation, rounded down, repaired (a small MIP over the
    classes the LP split, unless ``repair`` is off) and filled.

    With ``per_class`` set, the LP is solved by column generation: the ``per_class`` best
    states of each class first, then every column with a negative reduced cost, until there is
    none (the LP of all columns is then solved: ``exact``) or ``rounds_max`` rounds are done."""
    n_states = caps.earmarked.shape[0]
    columns = cls.allowed.copy() if per_class is None else sparse_columns(cls, caps, per_class)
    exact = False
    t0 = time.perf_counter()
    rounds = 0
    for rounds in range(1, rounds_max + 1):  # noqa: B007
        model = build_model(cls, caps, penalty, columns)
        lp = _lp(model, settings)
        if lp.x is None or lp.row_duals is None:
            break
        more = _attractive(cls, model, lp.row_duals, columns)
        if not more.any():
            exact = True
            break
        columns |= more
    stages.append(
        Stage(
            "LP relaxation",
            lp.message,
            time.perf_counter() - t0,
            f"{rounds} round(s) of pricing, {model.n_count:,} of "
            f"{int(cls.allowed.sum()):,} columns; value {lp.objective}"
            + ("" if exact else " (pricing not finished)"),
        )
    )
    if lp.x is None:
        return None, lp, model, False
    n: IntArray | None = None
    if repair:
        model, x = _with_all_columns_of_split_classes(cls, caps, penalty, model, lp.x)
        n, stage = _repair(cls, model, x, n_states, settings)
        stages.append(stage)
    if n is None:
        n = _trim(cls, _counts(model, lp.x, len(cls), n_states), caps)
        stages.append(Stage("round", "LP counts rounded down, balance rule checked", 0.0))
    t1 = time.perf_counter()
    n = _fill(cls, n, caps, penalty)
    stages.append(Stage("fill", "leftover places filled", time.perf_counter() - t1))
    return n, lp, model, exact


# --------------------------------------------------------------------------------------------
# The Lagrangian bound (for the decomposition)


@dataclass(frozen=True)
class Prices:
    """Dual values of the coupling rows: earmarked places α (states × b), general places γ
    (states), balance β (b), fair sharing φ (states)."""

    alpha: FloatArray
    gamma: FloatArray
    beta: FloatArray
    phi: FloatArray


def _prices(model: ClassModel, duals: FloatArray, caps: Caps) -> Prices:
    n_s, n_b = caps.earmarked.shape
    alpha = np.zeros((n_s, n_b))
    first, z_j, z_b = model.rows_earmarked
    alpha[z_j, z_b] = -duals[first : first + len(z_j)]
    gamma = np.zeros(n_s)
    first, states = model.rows_general
    gamma[states] = -duals[first : first + len(states)]
    beta = np.zeros(n_b)
    first, bs = model.rows_balance
    beta[bs] = duals[first : first + len(bs)]
    phi = np.zeros(n_s)
    first, js = model.rows_fair
    phi[js] = duals[first : first + len(js)]
    return Prices(np.maximum(alpha, 0), np.maximum(gamma, 0), np.maximum(beta, 0), phi)


def dual_bound(cls: Classes, caps: Caps, penalty: int, prices: Prices) -> float:
    """The Lagrangian dual function of the LP at ``prices``: an upper bound on every feasible
    assignment's objective, for any prices with α, β ≥ 0 and 0 ≤ φ ≤ penalty (weak duality).

    price per person of a place of state s for benefitting state b:
        p[s,b] = α[s,b] + (Σ_b' floor[b']·β[b'] − β[b]) + (Σ_s' f[s']·φ[s'] − φ[s])
    bound = Σ_classes count × max(0, max_s (points[c,s] − size[c]·p[s,b_c]))
            + Σ earmarked·α + Σ general·γ,  with γ[s] = max_b α[s,b] where s has general places
    """
    alpha = np.maximum(prices.alpha, 0.0)
    beta = np.maximum(prices.beta, 0.0) * (caps.balance_floor > 0)
    phi = np.clip(prices.phi, 0.0, float(penalty)) if caps.fair else np.zeros(len(caps.general))
    general = caps.general > 0
    gamma = np.where(general, alpha.max(axis=1, initial=0.0), 0.0)
    p = (
        alpha
        + (float(caps.balance_floor @ beta) - beta)[None, :]
        + (float(caps.fair_floor @ phi) - phi)[:, None]
    )
    value = np.where(cls.allowed, cls.score - cls.size[:, None] * p.T[cls.b], -np.inf)
    best = np.maximum(value.max(axis=1, initial=0.0), 0.0)
    return float(
        (cls.count * best).sum() + (caps.earmarked * alpha).sum() + (caps.general * gamma).sum()
    )


# --------------------------------------------------------------------------------------------
# Decomposition


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


def _place_prices(prices: Prices, caps: Caps) -> Prices:
    """The same prices per person of a place, carried by the places alone (β = φ = 0)."""
    p = (
        prices.alpha
        + (float(caps.balance_floor @ prices.beta) - prices.beta)[None, :]
        + (float(caps.fair_floor @ prices.phi) - prices.phi)[:, None]
    )
    alpha = np.maximum(p, 0.0)
    return Prices(alpha, alpha.max(axis=1), np.zeros_like(prices.beta), np.zeros_like(prices.phi))


def _improve_prices(cls: Classes, caps: Caps, start: FloatArray, sweeps: int = 3) -> Prices:
    """Lower the Lagrangian bound by exact minimisation along one place price at a time.

    With β = φ = 0 the dual function is, in the prices p[s,b] ≥ 0 of a place of s for b,
        L(p) = Σ_c count·max(0, max_s (w[c,s] − size·p[s,b_c]))
               + Σ_{s,b} earmarked[s,b]·p[s,b] + Σ_s general[s]·max_b p[s,b],
    convex and piecewise linear; along one p[s,b] its minimum is where the persons of b who
    would rather take a place at s than their next best option stop exceeding the places there
    (a weighted quantile). Every p ≥ 0 gives a valid bound, so stopping anywhere is safe."""
    p = np.maximum(start.astype(float), 0.0)
    n_s, n_b = p.shape
    weight_all = (cls.count * cls.size).astype(float)
    for _ in range(sweeps):
        for b in range(n_b):
            mine = cls.b == b
            if not mine.any():
                continue
            w = cls.score[mine].astype(float)
            ok = cls.allowed[mine]
            size = cls.size[mine].astype(float)
            weight = weight_all[mine]
            value = np.where(ok, w - size[:, None] * p[:, b][None, :], -np.inf)
            for j in range(n_s):
                if not ok[:, j].any():
                    continue
                others = value.copy()
                others[:, j] = -np.inf
                outside = np.maximum(others.max(axis=1), 0.0)
                has = ok[:, j]
                t = (w[has, j] - outside[has]) / size[has]  # price below which c wants j
                order = np.argsort(-t, kind="stable")
                t, cum = t[order], np.cumsum(weight[has][order])
                m = float(np.delete(p[j], b).max(initial=0.0)) if caps.general[j] > 0 else np.inf

                def quantile(room: float, t: FloatArray = t, cum: FloatArray = cum) -> float:
                    k = int(np.searchsorted(cum, room, side="right"))
                    return max(float(t[k]), 0.0) if k < len(t) else 0.0

                x1 = quantile(float(caps.earmarked[j, b]))
                if x1 <= m:
                    x = x1
                else:
                    x2 = quantile(float(caps.earmarked[j, b] + caps.general[j]))
                    x = x2 if x2 >= m else m
                p[j, b] = x
                value[:, j] = np.where(ok[:, j], w[:, j] - size * x, -np.inf)
    return Prices(p, p.max(axis=1), np.zeros(n_b), np.zeros(n_s))


def _average_prices(found: list[tuple[Prices, Caps, float]]) -> Prices:
    """Block prices averaged: place prices weighted by each block's places in that pool (a
    block without places there says nothing about their price), the others by persons."""
    ear_w = sum(c.earmarked.astype(float) for _, c, _ in found)
    gen_w = sum(c.general.astype(float) for _, c, _ in found)
    persons = sum(w for _, _, w in found)
    alpha = sum(p.alpha * c.earmarked for p, c, _ in found) / np.maximum(ear_w, 1.0)
    gamma = sum(p.gamma * c.general for p, c, _ in found) / np.maximum(gen_w, 1.0)
    # pools without earmarked places are priced by the general places of the state
    alpha = np.where(np.asarray(ear_w) > 0, alpha, np.asarray(gamma)[:, None])
    beta = sum(p.beta * w for p, _, w in found) / max(persons, 1.0)
    phi = sum(p.phi * w for p, _, w in found) / max(persons, 1.0)
    return Prices(
        np.asarray(alpha, dtype=float),
        np.asarray(gamma, dtype=float),
        np.asarray(beta, dtype=float),
        np.asarray(phi, dtype=float),
    )


def _add_units(cls: Classes, added: IntArray, state: IntArray) -> None:
    """Relocate ``added[c, j]`` more units of class c to state j: the earliest unassigned."""
    for c, j in zip(*np.nonzero(added), strict=True):
        members = cls.units[cls.ptr[c] : cls.ptr[c + 1]]
        free = members[state[members] < 0][: int(added[c, j])]
        state[free] = j


# --------------------------------------------------------------------------------------------
# Entry points


class Infeasible(Exception):
    """The rules cannot all hold (only possible with required units); see diagnosis."""


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
    "SolverSettings",
    "Stage",
    "evaluate",
    "greedy_first_come",
    "solve",
    "violations",
)
