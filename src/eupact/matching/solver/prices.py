"""The Lagrangian bound: prices of the coupling rows — earmarked and general places (Art. 67),
the balance rule (Art. 60(2)), fair sharing (Art. 67(4)) — read from LP duals, moved onto the
places, averaged over blocks or improved by coordinate descent, and the dual function at them: an
upper bound on every feasible assignment, valid for any prices (used by the decomposition).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model import FloatArray
from .caps import Caps
from .classes import Classes
from .model import ClassModel


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
