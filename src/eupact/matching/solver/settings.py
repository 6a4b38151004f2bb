"""What a solve is asked and what it returns: the method and :class:`SolverSettings`, the
:class:`Assignment` found (with the :class:`Stage` record of how), and :class:`Infeasible`, raised
when the rules (Art. 60(2), 67) cannot all hold.

The formulation and the methods are described in :mod:`eupact.matching.solver`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..model import IntArray

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


class Infeasible(Exception):
    """The rules cannot all hold (only possible with required units); see diagnosis."""
