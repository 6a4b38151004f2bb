"""Monitoring a pool year's implementation at a date (Art. 60(3), 60(6), 63(5), 65(3), 67(12)
AMMR): the pure rules of :mod:`eupact.pool.monitoring` over what the cycle records.

- What is to be implemented: the pool outcome (:func:`~eupact.cycle.service.reads.compute_outcome_of`)
  from the pledges and deductions recorded, with who benefits *as of the date*
  (Art. 60(3): a benefitting state need not implement its pledges); the reconvened Forum counts as
  it stands when read (Art. 13(4), 63(3)).
- What was implemented: every implementation record (:class:`ImplementationRow`), carried out
  (a relocation done, a measure finalised, money transferred) on its day, ``on``, unless it is
  ``accepted``: accepted (67(9)) or agreed (65(1), (3)) and not yet carried out, which covers
  relocations for the year-end offsets (63(5)) but is not implemented. ``started_on`` (default
  ``on``) is the day it was accepted or agreed: carried out after the year end, a record started
  by it counts for the year as carried over (65(3), 67(12)), one started after it is late. A
  record started before the pool year (one recorded in the preceding December) does not count
  for the year (Art. 60(3): "pledges for a given year are implemented in that year") and is left
  out rather than refusing the whole read.
- The January confirmations (Art. 60(6)): each state's recorded confirmation
  (:class:`ConfirmationRow`), received on its ``confirmed_on``; without one the status runs
  upcoming → due → late.

Who may read: everyone who may read the outcome (``monitoring.read``), under the outcome's
embargo (Art. 12(6)): before the Council act the Commission and the Council see every state, a
Member State its own, an observer or the Coordinator nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from eupact.cycle.permissions import Actor, authorize, embargoed, visible_states
from eupact.cycle.phases import Phase
from eupact.cycle.records import eur
from eupact.cycle.service import repository as repo
from eupact.cycle.service.context import Context
from eupact.cycle.service.reads import compute_outcome_of
from eupact.cycle.store.models import ConfirmationRow, ImplementationRow
from eupact.pool.monitoring import (
    ImplementationEntry,
    PoolMonitoring,
    from_outcome,
    monitor,
)
from eupact.pool.pledges import PledgeKind

OPERATION = "monitoring.read"


def entry_of(row: ImplementationRow) -> ImplementationEntry:
    """One record as the pure rules read it (see the module's doc)."""
    kind = PledgeKind(row.kind)
    amount = Decimal(row.relocations) if kind is PledgeKind.RELOCATION else eur(row.amount_cents)
    return ImplementationEntry(
        row.state,
        kind,
        amount,
        row.on,
        row.started_on,
        bool(row.accepted),
        location=f"implementation record {row.id}",
    )


class Monitoring:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def read(self, actor: Actor, year: int, on: dt.date | None = None) -> PoolMonitoring:
        """Every state's implementation of ``year``'s pool as of ``on`` (default: today), as
        ``actor`` may see it (before the Council act a Member State sees its own state only)."""
        authorize(actor, OPERATION)
        as_of = on or self.ctx.today()
        with self.ctx.uow.read() as session:
            cycle = repo.cycle(session, year)
            phase = Phase(cycle.phase)
            embargoed(actor, OPERATION, phase)
            outcome = compute_outcome_of(self.ctx, session, year, on=as_of)
            rows = session.execute(
                select(ImplementationRow)
                .where(ImplementationRow.year == year)
                .order_by(ImplementationRow.id)
            ).scalars()
            first = dt.date(year, 1, 1)
            entries = [entry_of(r) for r in rows if (r.started_on or r.on) >= first]
            confirmed = {
                r.state: r.confirmed_on
                for r in session.execute(
                    select(ConfirmationRow).where(ConfirmationRow.year == year)
                ).scalars()
            }
        targets = from_outcome(outcome)
        # a state no longer in the outcome has nothing to confirm against
        confirmed = {g: d for g, d in confirmed.items() if g in targets.states}
        result = monitor(self.ctx.pool(year).params, targets, entries, as_of, confirmed)
        visible = visible_states(actor, OPERATION, phase)
        if visible is None:
            return result
        # Before the act: the actor's own state only, and no pool-wide rate (Art. 12(6)).
        states = {g: s for g, s in result.states.items() if g in visible}
        return PoolMonitoring(
            result.year,
            result.as_of,
            result.deadline,
            states,
            dict.fromkeys(result.pool_rates),
        )
