"""Pledges during the High-Level Forum's pledging exercise (Art. 13(3), 57(3) AMMR): one per
state and type, changed with the version read (no lost update), withdrawn while pledging is open.

After the Council act, the Forum the Council reconvenes asks for additional contributions
(Art. 13(4)): while that exercise is open a state adds a pledge or raises one, never lowers or
withdraws what the act records. In the implementation year a benefitting state may request
another state's alternative measures (Art. 57(4), 65(1)); measures nobody requested in the year
are converted into financial contributions.

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
from eupact.cycle.phases import (
    ADDITIONAL_ONLY_RULE,
    AFTER_ACT,
    PLEDGE_PHASES,
    PLEDGE_RULE,
    REPLEDGE_RULE,
    Phase,
    require_phase,
)
from eupact.cycle.records import PledgeRecord, Withdrawn, cents, eur
from eupact.cycle.service import repository as repo
from eupact.cycle.service.context import Context
from eupact.cycle.service.cycles import Cycles
from eupact.cycle.service.reads import not_benefitting, standing_of
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
        # who may request alternative measures (Art. 65(1)): read only when the pledge names one
        benefitting = standing_of(self.ctx, year).benefitting_states if pledge.requested_by else ()
        validate_pledges([pledge], pool.act, pool.params, benefitting=benefitting)
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
            reconvened = self.pledging(session, year, repo.phase(session, year), "pledge")
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
            return self.ctx.uow.record(
                session, actor, "pledge.create", _article(reconvened), record
            )

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
            reconvened = self.pledging(session, year, phase, "pledge change")
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
            if reconvened:
                _only_additional(row, changes)
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
                session, actor, "pledge.update", _article(reconvened), record, before.as_dict()
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
            if self.pledging(session, year, phase, "pledge withdrawal"):
                raise EupactError(
                    [Problem("id", pledge_id, ADDITIONAL_ONLY_RULE)], "pledge withdrawal refused"
                )
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

    def pledging(self, session: Session, year: int, phase: Phase, what: str) -> bool:
        """Whether a pledge may be written now: during the pledging exercise (False), or after
        the act while the reconvened Forum asks for additional pledges (True, Art. 13(4));
        else the rule that refuses ``what``."""
        if phase in PLEDGE_PHASES:
            return False
        if phase in AFTER_ACT:
            if self.cycles.additional_pledging(session, year):
                return True
            raise EupactError([Problem("phase", str(phase), REPLEDGE_RULE)], f"{what} refused")
        require_phase(phase, PLEDGE_PHASES, PLEDGE_RULE, what)
        return False  # not reached: require_phase refused

    def request_alternative(
        self, actor: Actor, year: int, pledge_id: int, benefitting: str, key: str | None = None
    ) -> PledgeRecord:
        """Art. 65(1), 57(4): a benefitting state requests another state's alternative measures
        after the act, in the implementation year; measures nobody requests in the year are
        converted into financial contributions (at the end of the year)."""
        authorize(actor, "pledge.update", benefitting)

        def work(session: Session) -> PledgeRecord:
            self.cycles.after_act(
                session,
                year,
                "alternative measures are requested under the pool the Council act "
                "established (Art. 57(4), 65(1) AMMR)",
                "request for alternative measures",
            )
            self.cycles.part_iv_applies("a request for alternative measures", "Art. 65")
            today = self.ctx.today()
            if today.year != year:
                raise EupactError(
                    [
                        Problem(
                            "date",
                            today.isoformat(),
                            f"alternative measures are requested in the year {year} itself: "
                            "those not requested in the year are converted into financial "
                            "contributions (Art. 57(4), 65(1) AMMR)",
                        )
                    ],
                    "request for alternative measures refused",
                )
            row = repo.pledge_row(session, year, pledge_id)
            problems = []
            if row.kind != str(PledgeKind.ALTERNATIVE):
                problems.append(
                    Problem(
                        "kind",
                        row.kind,
                        "only alternative solidarity measures are given on a benefitting "
                        "state's request (Art. 65(1)); this pledge is not one",
                    )
                )
            if row.state == benefitting:
                problems.append(
                    Problem(
                        "benefitting_state",
                        benefitting,
                        "a state requests another state's alternative measures, not its own",
                    )
                )
            problems += not_benefitting(
                standing_of(self.ctx, year, session),
                benefitting,
                "alternative measures are given at the request of a benefitting Member State "
                "(Art. 65(1))",
            )
            if problems:
                raise EupactError(problems, "request for alternative measures refused")
            requested = [s for s in row.requested_by.split(",") if s]
            if benefitting in requested:
                raise Conflict(
                    [
                        Problem(
                            "benefitting_state",
                            benefitting,
                            f"has already requested {row.state}'s alternative measures (Art. 65(1))",
                        )
                    ],
                    "already requested",
                )
            changes = {
                "requested_by": ",".join([*requested, benefitting]),
                "updated_at": self.ctx.clock(),
            }
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
                session,
                actor,
                "pledge.request_alternative",
                "Art. 65(1), 57(4) AMMR",
                record,
                before.as_dict(),
            )

        payload = {"op": "pledge.request_alternative", "id": pledge_id, "b": benefitting}
        return self.ctx.uow.write(actor, key, payload, work)


def _article(reconvened: bool) -> str:
    """A pledge at the Forum (Art. 57(3)), or at the Forum the Council reconvened (13(4))."""
    return "Art. 13(4), 57(3) AMMR" if reconvened else "Art. 57(3) AMMR"


def _only_additional(row: Any, changes: dict[str, Any]) -> None:
    """Art. 13(4): the reconvened Forum asks for more; what the act records is not lowered, and
    a benefitting state's request for alternative measures (65(1)) is not taken back."""
    problems = []
    for column in ("relocations", "amount_cents"):
        if changes[column] < getattr(row, column):
            was = getattr(row, column)
            shown = str(was) if column == "relocations" else f"EUR {eur(was)}"
            problems.append(
                Problem(
                    "amount",
                    str(changes[column] if column == "relocations" else eur(changes[column])),
                    f"{ADDITIONAL_ONLY_RULE}; it records {shown}",
                )
            )
    kept = set(changes["requested_by"].split(",")) if changes["requested_by"] else set()
    dropped = sorted({s for s in row.requested_by.split(",") if s} - kept)
    if dropped:
        problems.append(
            Problem(
                "requested_by",
                ",".join(dropped),
                "a benefitting state's request for alternative measures (Art. 65(1)) stays "
                "recorded: add states, do not remove them",
            )
        )
    if problems:
        raise EupactError(problems, "pledge change refused")


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
