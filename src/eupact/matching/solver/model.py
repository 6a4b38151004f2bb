"""The class model as a sparse LP/MIP — class counts, persons per (state, benefitting state),
earmarked and general places (Art. 67), the balance rule (Art. 60(2)), fair sharing as a soft
rule (Art. 67(4)), exclusions as missing columns (Art. 2(22), 57(1), 60(4), 67(4)); the
formulation is in :mod:`eupact.matching.solver` — and the HiGHS calls that solve it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse  # type: ignore[import-untyped]
from scipy.optimize import Bounds, LinearConstraint, linprog, milp  # type: ignore[import-untyped]

from ..model import BoolArray, FloatArray, IntArray
from .caps import Caps
from .classes import Classes
from .settings import EPS, SolverSettings


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
    options = {
        "disp": False,
        "time_limit": settings.time_limit,
        "mip_rel_gap": settings.mip_rel_gap if gap is None else gap,
    }
    problem = {
        "constraints": LinearConstraint(a, row_lo, row_hi),
        "integrality": integrality,
        "bounds": Bounds(lb, ub),
    }
    res = milp(c, options=options, **problem)
    if res.status == INFEASIBLE and _zero_is_feasible(row_lo, row_hi, lb, ub):
        # HiGHS's MIP presolve can call a tiny instance infeasible when relocating no one is a
        # solution (seen on synthetic_instance(60, seed=4)); without presolve it solves
        res = milp(c, options={**options, "presolve": False}, **problem)
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


#: scipy.optimize.milp's status for an infeasible problem.
INFEASIBLE = 2


def _zero_is_feasible(
    row_lo: FloatArray, row_hi: FloatArray, lb: FloatArray, ub: FloatArray
) -> bool:
    """Whether x = 0 meets every bound and row (then the problem cannot be infeasible)."""
    return bool(np.all(lb <= 0) and np.all(ub >= 0) and np.all(row_lo <= 0) and np.all(row_hi >= 0))


def _counts(model: ClassModel, x: FloatArray, n_classes: int, n_states: int) -> IntArray:
    n = np.zeros((n_classes, n_states), dtype=np.int64)
    n[model.vc, model.vj] = np.floor(x[: model.n_count] + EPS).astype(np.int64)
    return n


def _z_of(cls: Classes, n: IntArray, n_b: int) -> IntArray:
    persons = n * cls.size[:, None]
    z = np.zeros((n.shape[1], n_b), dtype=np.int64)
    for b in range(n_b):
        z[:, b] = persons[cls.b == b].sum(axis=0)
    return z
