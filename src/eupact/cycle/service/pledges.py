"""Pledges during the High-Level Forum's pledging exercise (Art. 13(3), 57(3) AMMR): one per
state and type, changed with the version read (no lost update), withdrawn while pledging is open.

The writes run on prebuilt Core statements (this is the service's hot path). Before the Council
act a Member State sees its own pledges only; another state's pledge answers 404 on every verb,
so that no answer tells who pledged what (the embargo of ``permissions.EMBARGOES``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Delete, Update, delete, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from eupact.cycle.permissions import Actor, authorize, visible_states
from eupact.cycle.phases import PLEDGE_PHASES, PLEDGE_RULE, Phase, require_phase
from eupact.cycle.records import PledgeRecord, Withdrawn, cents
from eupact.cycle.service import repository as repo
from eupact.cycle.service.context import Context
from eupact.cycle.service.cycles import Cycles
from eupact.cycle.store.models import PledgeRow
from eupact.errors import Conflict, EupactError, PreconditionFailed, Problem
from eupact.pool.limits import MAX_EUR, MAX_PERSONS
from eupact.pool.pledges import Pledge, PledgeKind, validate_pledges


class Pledges:
    def __init__(self, ctx: Context, cycles: Cycles) -> None:
        self.ctx = ctx
        self.cycles = cycles

    # -- reading -------------------------------------------------------------------------------

    def page(
        self, actor: Actor, year: int, state: str | None = None, offset: int = 0, limit: int = 100
    ) -> tuple[list[PledgeRecord], int]:
        authorize(actor, "pledge.list")
        with self.ctx.uow.read() as session:
            cycle = repo.cycle(session, year)
            visible = visible_states(actor, "pledge.list", Phase(cycle.phase))
            stmt = select(PledgeRow).where(PledgeRow.year == year)
            if state:
                stmt = stmt.where(PledgeRow.state == state)
            if visible is not None:
                stmt = stmt.where(PledgeRow.state.in_(visible))
            total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
            rows = session.execute(
                stmt.order_by(PledgeRow.id).offset(offset).limit(limit)
            ).scalars()
            return [PledgeRecord.from_columns(_columns(r)) for r in rows], total

    def get(self, actor: Actor, year: int, pledge_id: int) -> PledgeRecord:
        authorize(actor, "pledge.read")
        with self.ctx.uow.read() as session:
            phase = repo.phase(session, year)
            row = repo.pledge_row(session, year, pledge_id)
            _hidden(actor, "pledge.read", phase, row.state, pledge_id)
            return PledgeRecord.from_columns(row)

    # -- writing -------------------------------------------------------------------------------

    def check(self, year: int, pledge: Pledge) -> None:
        pool = self.ctx.pool(year)
        validate_pledges([pledge], pool.act, pool.params)
        relocation = pledge.kind is PledgeKind.RELOCATION
        bound = Decimal(MAX_PERSONS) if relocation else MAX_EUR
        if pledge.amount > bound:
            unit = "persons" if relocation else "EUR"
            raise EupactError(
                [
                    Problem(
                        "amount",
                        str(pledge.amount),
                        f"at most {bound:,} {unit}: not a plausible pledge",
                    )
                ]
            )

    def create(
        self, actor: Actor, year: int, pledge: Pledge, key: str | None = None
    ) -> PledgeRecord:
        authorize(actor, "pledge.create", pledge.state)
        self.cycles.require(year)
        self.check(year, pledge)

        def work(session: Session) -> PledgeRecord:
            require_phase(repo.phase(session, year), PLEDGE_PHASES, PLEDGE_RULE, "pledge")
            conn = session.connection()
            slot = {"year": year, "state": pledge.state, "kind": str(pledge.kind)}
            exists = conn.execute(repo.PLEDGE_OF, slot).scalar_one_or_none()
            if exists is not None:
                raise Conflict(
                    [
                        Problem(
                            "kind",
                            str(pledge.kind),
                            f"{pledge.state} already has a {pledge.kind} pledge (id {exists}): "
                            "change it instead; the Council act records one pledge per state "
                            "and type (Art. 57(1))",
                        )
                    ],
                    "duplicate pledge",
                )
            row = {**slot, **_amounts(pledge), "version": 1, "updated_at": self.ctx.clock()}
            row["id"] = conn.execute(insert(PledgeRow).returning(PledgeRow.id), row).scalar_one()
            record = PledgeRecord.from_columns(row)
            return self.ctx.uow.record(session, actor, "pledge.create", "Art. 57(3) AMMR", record)

        payload = {"op": "pledge.create", "year": year, **_payload(pledge)}
        return self.ctx.uow.write(actor, key, payload, work)

    def update(
        self,
        actor: Actor,
        year: int,
        pledge_id: int,
        pledge: Pledge,
        if_match: int,
        key: str | None = None,
    ) -> PledgeRecord:
        authorize(actor, "pledge.update", pledge.state)
        self.cycles.require(year)
        self.check(year, pledge)

        def work(session: Session) -> PledgeRecord:
            phase = repo.phase(session, year)
            row = repo.pledge_row(session, year, pledge_id)
            _hidden(actor, "pledge.update", phase, row.state, pledge_id)
            authorize(actor, "pledge.update", row.state)
            require_phase(phase, PLEDGE_PHASES, PLEDGE_RULE, "pledge change")
            if (row.state, row.kind) != (pledge.state, str(pledge.kind)):
                raise EupactError(
                    [
                        Problem(
                            "kind",
                            str(pledge.kind),
                            "a pledge keeps its state and type; delete it and pledge anew",
                        )
                    ]
                )
            _match(row.version, if_match)
            changes = {**_amounts(pledge), "updated_at": self.ctx.clock()}
            _versioned(
                session,
                update(PledgeRow).values(**changes, version=row.version + 1),
                pledge_id,
                row.version,
            )
            before = PledgeRecord.from_columns(row)
            record = PledgeRecord.from_columns(
                {**row._mapping, **changes, "version": row.version + 1}
            )
            return self.ctx.uow.record(
                session, actor, "pledge.update", "Art. 57(3) AMMR", record, before.as_dict()
            )

        payload = {
            "op": "pledge.update",
            "id": pledge_id,
            "if_match": if_match,
            **_payload(pledge),
        }
        return self.ctx.uow.write(actor, key, payload, work)

    def delete(
        self, actor: Actor, year: int, pledge_id: int, if_match: int, key: str | None = None
    ) -> Withdrawn:
        authorize(actor, "pledge.delete", actor.state)

        def work(session: Session) -> Withdrawn:
            phase = repo.phase(session, year)
            row = repo.pledge_row(session, year, pledge_id)
            _hidden(actor, "pledge.delete", phase, row.state, pledge_id)
            authorize(actor, "pledge.delete", row.state)
            require_phase(phase, PLEDGE_PHASES, PLEDGE_RULE, "pledge withdrawal")
            _match(row.version, if_match)
            before = PledgeRecord.from_columns(row).as_dict()
            _versioned(session, delete(PledgeRow), pledge_id, row.version)
            self.ctx.uow.audit(
                session,
                actor,
                "pledge.delete",
                "Art. 57(3) AMMR",
                f"pledge:{pledge_id}",
                before,
                None,
            )
            return Withdrawn(pledge_id)

        payload = {"op": "pledge.delete", "id": pledge_id, "if_match": if_match}
        return self.ctx.uow.write(actor, key, payload, work)


def _hidden(actor: Actor, operation: str, phase: Phase, state: str, pledge_id: int) -> None:
    """A pledge the embargo hides from ``actor`` does not exist for it, on every verb."""
    visible = visible_states(actor, operation, phase)
    if visible is not None and state not in visible:
        raise repo.no_pledge(pledge_id)


def _columns(row: PledgeRow) -> dict[str, Any]:
    return {c: getattr(row, c) for c in _PLEDGE_COLUMNS}


_PLEDGE_COLUMNS = tuple(c.name for c in PledgeRow.__table__.columns)


def _amounts(p: Pledge) -> dict[str, Any]:
    relocation = p.kind is PledgeKind.RELOCATION
    return {
        "relocations": int(p.amount) if relocation else 0,
        "amount_cents": 0 if relocation else cents(p.amount),
        "requested_by": ",".join(p.requested_by),
        "note": p.note,
    }


def _payload(p: Pledge) -> dict[str, Any]:
    return {
        "state": p.state,
        "kind": str(p.kind),
        "amount": str(p.amount),
        "requested_by": list(p.requested_by),
        "note": p.note,
    }


def _versioned(session: Session, stmt: Update | Delete, pledge_id: int, version: int) -> None:
    """Update or delete the pledge at ``version``; StaleDataError if it changed since read
    (as the ORM's version counter does)."""
    stmt = stmt.where(PledgeRow.id == pledge_id, PledgeRow.version == version)
    if session.connection().execute(stmt).rowcount != 1:
        raise StaleDataError(f"pledge {pledge_id} is no longer at version {version}")


def _match(version: int, if_match: int) -> None:
    if version != if_match:
        raise PreconditionFailed(
            [
                Problem(
                    "If-Match",
                    if_match,
                    f"the record is at version {version}: read it again and retry "
                    "(no update was lost)",
                )
            ],
            "version conflict",
        )
