"""What a pool year's implementation is checked against, and the implementation records
(Art. 56(2), 57(3), 60(3), 63(5), 65(1), (3), 67(9), (12) AMMR), for :mod:`eupact.pool.monitoring`.

:func:`from_outcome` takes from a :class:`~eupact.pool.outcome.PoolOutcome` each state's
relocations, alternative measures and financial contributions to implement (after deductions,
exemptions and the 60(3) release); :func:`validate_entries` refuses records that break a rule,
each problem naming the field, the value and the rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from eupact.errors import EupactError, Problem
from eupact.pool.limits import MAX_EUR, MAX_PERSONS
from eupact.pool.outcome import PoolOutcome
from eupact.pool.pledges import PledgeKind

ZERO = Decimal(0)
CENT = Decimal("0.01")
R, A, F = PledgeKind.RELOCATION, PledgeKind.ALTERNATIVE, PledgeKind.FINANCIAL
KINDS = (R, A, F)


@dataclass(frozen=True, slots=True)
class StateTargets:
    """What one state is to implement in the pool year: relocations (persons) and EUR."""

    geo: str
    relocations: int
    alternative: Decimal
    financial: Decimal
    exemption: str = ""  # why it is not obliged (60(3) third subparagraph), if it is not
    pledged_relocations: int = 0  # as in the Council act (57(3))
    offsets_accepted: int = 0  # taken instead of relocations (63(1), (2), 69)
    offset_obligation: int = 0  # owed under 63(3), (4): shown, never mixed with 63(5)

    def of(self, kind: PledgeKind) -> Decimal:
        return {R: Decimal(self.relocations), A: self.alternative, F: self.financial}[kind]


@dataclass(frozen=True)
class PoolTargets:
    year: int
    equivalence: Decimal  # EUR per relocation (pool.equivalence.relocation_eur)
    states: dict[str, StateTargets]
    act: str = ""


def from_outcome(outcome: PoolOutcome) -> PoolTargets:
    """Each state's relocations, alternative measures and financial contributions to implement
    (after deductions, exemptions and the 60(3) release), from a pool outcome."""
    eq = outcome.equivalence
    states = {}
    for geo, row in outcome.states.items():
        states[geo] = StateTargets(
            geo,
            row.to_implement_relocations,
            row.to_implement_alternative,
            row.to_implement_financial,
            row.exemption,
            row.pledged_relocations,
            row.offsets_accepted,
            outcome.offsets.obligations.get(geo, 0),
        )
    return PoolTargets(outcome.act.year, eq, states, outcome.act.citation)


@dataclass(frozen=True, slots=True)
class ImplementationEntry:
    """One implementation record. ``on``: the day a relocation was carried out, a measure
    finalised or money transferred — or, with ``accepted``, the day a relocation was accepted
    (67(9)) or a measure agreed (65(1), (3)) and not yet carried out. ``started``: the day a
    relocation was accepted or a measure agreed (default ``on``): what decides a carry-over."""

    state: str
    kind: PledgeKind
    amount: Decimal  # persons for relocations, EUR otherwise
    on: dt.date
    started: dt.date | None = None
    accepted: bool = False
    location: str = ""

    @property
    def start(self) -> dt.date:
        return self.started or self.on


def validate_entries(
    targets: PoolTargets, entries: Iterable[ImplementationEntry]
) -> tuple[ImplementationEntry, ...]:
    """Refuse the whole set if any record breaks a rule, naming field, value and rule."""
    entries = tuple(entries)
    first = dt.date(targets.year, 1, 1)
    problems: list[Problem] = []
    for e in entries:
        where = e.location

        def bad(name: str, value: object, rule: str, where: str = where) -> None:
            problems.append(Problem(name, value, rule, where))

        if e.state not in targets.states:
            bad("state", e.state, f"not a state of the {targets.year} pool outcome")
        if not isinstance(e.kind, PledgeKind):
            bad("kind", e.kind, f"one of {', '.join(map(str, KINDS))}")
            continue
        bound = Decimal(MAX_PERSONS) if e.kind is R else MAX_EUR
        if not e.amount.is_finite() or e.amount <= 0 or e.amount > bound:
            bad("amount", str(e.amount), f"must be positive and at most {bound:,}")
        elif e.kind is R and e.amount != e.amount.to_integral_value():
            bad("amount", str(e.amount), "relocations are whole persons")
        if e.accepted and e.kind is F:
            bad(
                "accepted",
                True,
                "only a relocation is accepted (Art. 67(9)) or an alternative measure agreed "
                "(Art. 65(1), (3)); a financial contribution is a transfer (Art. 64(1))",
            )
        if e.start > e.on:
            bad("started", e.start.isoformat(), f"after the record's day {e.on.isoformat()}")
        if e.start < first:
            bad(
                "started" if e.started else "on",
                e.start.isoformat(),
                f"before the pool year {targets.year}: pledges for a given year are implemented "
                "in that year (Art. 60(3))",
            )
    if problems:
        raise EupactError(problems, "implementation records refused")
    return entries
