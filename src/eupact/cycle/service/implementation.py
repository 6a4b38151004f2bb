"""Implementation (Art. 60(3), 64, 67, 68 AMMR): relocations carried out and money transferred,
once the Technical-Level Forum runs and Part IV applies (Art. 85).

Relocations and alternative measures go to a benefitting state; a financial contribution is a
transfer to the Union budget (Art. 64(1): external assigned revenue), so it needs no benefitting
state (it may name one whose identified actions it funds, Art. 64(2)).

A record may say when a relocation was accepted (Art. 67(9)) or an alternative measure agreed
(65(1), (3)) — ``started_on``, what decides a carry-over (65(3), 67(12)) — and that it is
accepted or agreed but not yet carried out (``accepted``); the pool's rules
(:func:`eupact.pool.monitoring_inputs.validate_entries`) refuse a start after the record's day or
before the pool year, and a financial contribution "accepted".

Each January a Member State confirms the levels it implemented during the preceding year
(Art. 60(6)): :meth:`Implementation.confirm`, once per state and year, in the month of
``implementation.confirmation_month`` (:func:`eupact.pool.confirmation.confirmation`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from eupact.cycle.permissions import Actor, authorize
from eupact.cycle.phases import IMPLEMENTATION_RULE, Phase, require_phase
from eupact.cycle.records import ConfirmationRecord, ImplementationRecord, cents
from eupact.cycle.service import repository as repo
from eupact.cycle.service.context import Context
from eupact.cycle.service.cycles import Cycles
from eupact.cycle.service.reads import not_benefitting, standing_of
from eupact.cycle.store.models import ConfirmationRow, ImplementationRow
from eupact.errors import Conflict, EupactError, Problem
from eupact.pool.confirmation import confirmation
from eupact.pool.limits import MAX_EUR, MAX_PERSONS
from eupact.pool.monitoring_inputs import (
    ImplementationEntry,
    PoolTargets,
    StateTargets,
    validate_entries,
)
from eupact.pool.pledges import PledgeKind

CONFIRMATION_ARTICLE = "Art. 60(6) AMMR"
# the pool's names of an entry's fields, as the record and the API name them
_FIELD_NAMES = {"started": "started_on", "on": "started_on"}


def _check_start(
    year: int,
    state: str,
    kind: PledgeKind,
    amount: Decimal,
    on: dt.date,
    started_on: dt.date | None,
    accepted: bool,
) -> list[Problem]:
    """The pool's rules on when a record started and what may be accepted (Art. 60(3), 64(1),
    65(1), (3), 67(9)): a start after the record's day or before the pool year, a financial
    contribution "accepted"."""
    if started_on is None and not accepted:
        return []
    # the state alone: whether it is bound by Part IV is checked by the record's own rules
    targets = PoolTargets(year, Decimal(0), {state: StateTargets(state, 0, Decimal(0), Decimal(0))})
    entry = ImplementationEntry(state, kind, amount, on, started_on, accepted)
    try:
        validate_entries(targets, [entry])
    except EupactError as refused:
        return [
            Problem(_FIELD_NAMES.get(p.field, p.field), p.value, p.rule)
            for p in refused.problems
            if p.field in ("started", "on", "accepted")
        ]
    return []


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
        started_on: dt.date | None = None,
        accepted: bool = False,
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
        else:
            problems += _check_start(
                year, state, kind, amount, self.ctx.today(), started_on, accepted
            )
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
                started_on=started_on,
                accepted=accepted,
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
        if started_on is not None or accepted:
            payload["started_on"] = started_on.isoformat() if started_on else ""
            payload["accepted"] = str(accepted)
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

    def confirm(
        self,
        actor: Actor,
        year: int,
        state: str,
        levels: Mapping[PledgeKind, Decimal],
        on: dt.date | None = None,
        key: str | None = None,
    ) -> ConfirmationRecord:
        """Art. 60(6): ``state`` confirms the levels of each measure it implemented during
        ``year`` (relocations in persons, the others in EUR), in the confirmation month of the
        following year; once."""
        authorize(actor, "confirmation.record", state)
        today = self.ctx.today()
        day = on or today
        pool = self.ctx.pool(year)
        problems: list[Problem] = []
        if state not in pool.bound_states:
            problems.append(Problem("state", state, "must be a Member State bound by Part IV AMMR"))
        unknown = sorted(str(k) for k in levels if not isinstance(k, PledgeKind))
        if unknown:
            problems.append(Problem("levels", unknown, "relocation, alternative or financial"))
        for kind, amount in levels.items():
            bound = Decimal(MAX_PERSONS) if kind is PledgeKind.RELOCATION else MAX_EUR
            if not amount.is_finite() or amount < 0 or amount > bound:
                problems.append(Problem(f"levels.{kind}", str(amount), f"must be 0 to {bound:,}"))
            elif kind is PledgeKind.RELOCATION and amount != amount.to_integral_value():
                problems.append(Problem(f"levels.{kind}", str(amount), "whole persons"))
        if day > today:
            problems.append(
                Problem("confirmed_on", day.isoformat(), "a record says what has happened")
            )
        if problems:
            raise EupactError(problems, "confirmation refused")
        window = confirmation(pool.params, year, day)
        if not window.opens <= day <= window.closes:
            raise EupactError(
                [
                    Problem(
                        "confirmed_on",
                        day.isoformat(),
                        f"Art. 60(6): the levels implemented during {year} are confirmed from "
                        f"{window.opens.isoformat()} to {window.closes.isoformat()}",
                    )
                ],
                "confirmation refused",
            )
        relocations = int(levels.get(PledgeKind.RELOCATION, Decimal(0)))
        alternative = cents(levels.get(PledgeKind.ALTERNATIVE, Decimal(0)))
        financial = cents(levels.get(PledgeKind.FINANCIAL, Decimal(0)))

        def work(session: Session) -> ConfirmationRecord:
            cycle = repo.cycle(session, year, lock=True)
            require_phase(
                Phase(cycle.phase),
                frozenset({Phase.IMPLEMENTATION, Phase.CLOSED}),
                IMPLEMENTATION_RULE,
                "confirmation",
            )
            earlier = session.execute(
                select(ConfirmationRow).where(
                    ConfirmationRow.year == year, ConfirmationRow.state == state
                )
            ).scalar_one_or_none()
            if earlier is not None:
                raise Conflict(
                    [
                        Problem(
                            "state",
                            state,
                            f"{state} confirmed the levels implemented during {year} on "
                            f"{earlier.confirmed_on.isoformat()}: once a year (Art. 60(6))",
                        )
                    ],
                    "confirmation refused",
                )
            row = ConfirmationRow(
                year=year,
                state=state,
                confirmed_on=day,
                relocations=relocations,
                alternative_cents=alternative,
                financial_cents=financial,
                recorded_at=self.ctx.clock(),
                actor=actor.id,
            )
            session.add(row)
            session.flush()
            record = ConfirmationRecord.from_row(row)
            return self.ctx.uow.record(
                session, actor, "confirmation.record", CONFIRMATION_ARTICLE, record
            )

        payload = {
            "op": "confirmation",
            "year": year,
            "state": state,
            "on": day.isoformat(),
            "relocations": relocations,
            "alternative": alternative,
            "financial": financial,
        }
        return self.ctx.uow.write(actor, key, payload, work)
