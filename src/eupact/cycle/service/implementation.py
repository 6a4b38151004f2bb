"""Implementation (Art. 60(3), 64, 67, 68 AMMR): relocations carried out and money transferred,
once the Technical-Level Forum runs and Part IV applies (Art. 85).

Relocations and alternative measures go to a benefitting state; a financial contribution is a
transfer to the Union budget (Art. 64(1): external assigned revenue), so it needs no benefitting
state (it may name one whose identified actions it funds, Art. 64(2))."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from eupact.cycle.permissions import Actor, authorize
from eupact.cycle.phases import IMPLEMENTATION_RULE, Phase, require_phase
from eupact.cycle.records import ImplementationRecord, cents
from eupact.cycle.service import repository as repo
from eupact.cycle.service.context import Context
from eupact.cycle.service.cycles import Cycles
from eupact.cycle.service.reads import not_benefitting, standing_of
from eupact.cycle.store.models import ImplementationRow
from eupact.errors import EupactError, Problem
from eupact.pool.limits import MAX_EUR, MAX_PERSONS
from eupact.pool.pledges import PledgeKind


class Implementation:
    def __init__(self, ctx: Context, cycles: Cycles) -> None:
        self.ctx = ctx
        self.cycles = cycles

    def record(
        self,
        actor: Actor,
        year: int,
        state: str,
        kind: PledgeKind,
        benefitting: str,
        amount: Decimal,
        key: str | None = None,
    ) -> ImplementationRecord:
        authorize(actor, "implementation.record", state)
        pool = self.ctx.pool(year)
        to_budget = kind is PledgeKind.FINANCIAL and not benefitting  # Art. 64(1)
        problems = (
            []
            if to_budget
            else not_benefitting(
                standing_of(self.ctx, year),
                benefitting,
                "solidarity goes to a benefitting Member State (Art. 58, 60)",
            )
        )
        if state not in pool.bound_states:
            problems.append(Problem("state", state, "must be a Member State bound by Part IV AMMR"))
        elif state == benefitting:
            problems.append(
                Problem("state", state, "a state's solidarity goes to another Member State")
            )
        relocation = kind is PledgeKind.RELOCATION
        bound = Decimal(MAX_PERSONS) if relocation else MAX_EUR
        if not amount.is_finite() or amount <= 0 or amount > bound:
            problems.append(
                Problem("amount", str(amount), f"must be positive and at most {bound:,}")
            )
        elif relocation and amount != amount.to_integral_value():
            problems.append(Problem("amount", str(amount), "relocations are whole persons"))
        if problems:
            raise EupactError(problems, "implementation record refused")

        def work(session: Session) -> ImplementationRecord:
            cycle = repo.cycle(session, year)
            require_phase(
                Phase(cycle.phase),
                frozenset({Phase.IMPLEMENTATION}),
                IMPLEMENTATION_RULE,
                "implementation record",
            )
            self.cycles.part_iv_applies("an implementation record", "Art. 60, 64, 65, 67 and 68")
            row = ImplementationRow(
                year=year,
                state=state,
                kind=str(kind),
                benefitting_state=benefitting,
                relocations=int(amount) if relocation else 0,
                amount_cents=0 if relocation else cents(amount),
                on=self.ctx.today(),
            )
            session.add(row)
            session.flush()
            record = ImplementationRecord.from_row(row)
            article = "Art. 64(1) AMMR" if to_budget else "Art. 60(3), 64, 68 AMMR"
            return self.ctx.uow.record(session, actor, "implementation.record", article, record)

        payload = {
            "op": "impl",
            "year": year,
            "state": state,
            "kind": str(kind),
            "b": benefitting,
            "amount": str(amount),
        }
        return self.ctx.uow.write(actor, key, payload, work)

    def all(self, actor: Actor, year: int) -> list[ImplementationRecord]:
        authorize(actor, "implementation.list")
        with self.ctx.uow.read() as session:
            repo.cycle(session, year)
            rows = session.execute(
                select(ImplementationRow)
                .where(ImplementationRow.year == year)
                .order_by(ImplementationRow.id)
            ).scalars()
            return [ImplementationRecord.from_row(r) for r in rows]
