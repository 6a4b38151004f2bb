"""The ``lp-round`` method: the LP relaxation by column generation, its integral part kept, the
classes it splits re-decided by a small repair MIP, the balance rule (Art. 60(2)) enforced by
trimming when the repair fails, and leftover places (Art. 67) filled greedily without breaking
any rule.
"""

from __future__ import annotations

import math
import time

import numpy as np

from ..model import BoolArray, FloatArray, IntArray
from .caps import Caps, available, balance_slack
from .classes import Classes
from .model import ClassModel, _counts, _lp, _mip, _Solved, _z_of, build_model
from .settings import EPS, SolverSettings, Stage


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
            # never a required unit (Art. 60(4) read as absolute): trimming one breaks the rule
            c_idx, j_idx = np.nonzero((n > 0) & ((cls.b == b) & ~cls.required)[:, None])
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
    x = lp.x
    if repair:
        # the widened model's columns differ from the LP's: round its copy of the solution
        model, x = _with_all_columns_of_split_classes(cls, caps, penalty, model, lp.x)
        n, stage = _repair(cls, model, x, n_states, settings)
        stages.append(stage)
    if n is None:
        n = _trim(cls, _counts(model, x, len(cls), n_states), caps)
        stages.append(Stage("round", "LP counts rounded down, balance rule checked", 0.0))
    t1 = time.perf_counter()
    n = _fill(cls, n, caps, penalty)
    stages.append(Stage("fill", "leftover places filled", time.perf_counter() - t1))
    return n, lp, model, exact
