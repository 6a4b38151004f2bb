"""The service's statements: rows in, records and the pool's domain objects out.

Hot paths (the pledge writes) use prebuilt Core statements: no ORM unit of work for them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from eupact.cycle.phases import Phase
from eupact.cycle.records import eur
from eupact.cycle.store.models import (
    CycleRow,
    DeductionRow,
    NotificationRow,
    OffsetRequestRow,
    PledgeRow,
    PoolUseRow,
    ShortcomingsRow,
)
from eupact.errors import NotFound, Problem
from eupact.pool.benefit import Needs, Notification, ShortcomingsFinding, UseOfPool
from eupact.pool.pledges import Deduction, DeductionStatus, Pledge, PledgeKind

_PHASE = select(CycleRow.phase).where(CycleRow.year == bindparam("year"))
PLEDGE = select(*PledgeRow.__table__.columns).where(PledgeRow.id == bindparam("id"))
PLEDGE_OF = select(PledgeRow.id).where(
    PledgeRow.year == bindparam("year"),
    PledgeRow.state == bindparam("state"),
    PledgeRow.kind == bindparam("kind"),
)


def no_cycle(year: int) -> NotFound:
    return NotFound([Problem("year", year, "no cycle for this pool year")], "not found")


def cycle(session: Session, year: int, lock: bool = False) -> CycleRow:
    stmt = select(CycleRow).where(CycleRow.year == year)
    row = session.execute(stmt.with_for_update() if lock else stmt).scalar_one_or_none()
    if row is None:
        raise no_cycle(year)
    return row


def phase(session: Session, year: int) -> Phase:
    """The cycle's phase (one Core statement; NotFound without a cycle)."""
    found = session.connection().execute(_PHASE, {"year": year}).scalar_one_or_none()
    if found is None:
        raise no_cycle(year)
    return Phase(found)


def no_pledge(pledge_id: int) -> NotFound:
    return NotFound([Problem("id", pledge_id, "no such pledge")], "not found")


def pledge_row(session: Session, year: int, pledge_id: int) -> Row[Any]:
    row = session.connection().execute(PLEDGE, {"id": pledge_id}).one_or_none()
    if row is None or row.year != year:
        raise no_pledge(pledge_id)
    return row


def pledges(session: Session, year: int) -> list[Pledge]:
    rows = session.execute(select(PledgeRow).where(PledgeRow.year == year)).scalars()
    return [
        Pledge(
            r.state,
            PledgeKind(r.kind),
            Decimal(r.relocations) if r.kind == PledgeKind.RELOCATION else eur(r.amount_cents),
            tuple(s for s in r.requested_by.split(",") if s),
            r.note,
            f"pledge:{r.id}",
        )
        for r in rows
    ]


def deductions(session: Session, year: int) -> list[Deduction]:
    rows = session.execute(select(DeductionRow).where(DeductionRow.year == year)).scalars()
    return [
        Deduction(
            r.state,
            r.article,
            r.full,
            r.relocations,
            eur(r.amount_cents),
            DeductionStatus(r.status),
            r.council_act,
            r.self_assessed,
            f"deduction:{r.id}",
        )
        for r in rows
    ]


def _needs(row: PoolUseRow | NotificationRow) -> Needs:
    return Needs(row.relocations, eur(row.amount_cents), tuple(row.programmes or ()))


def uses(session: Session, year: int) -> list[UseOfPool]:
    """The states that informed that they use the pool (Art. 58(1)), in the order recorded."""
    rows = session.execute(
        select(PoolUseRow).where(PoolUseRow.year == year).order_by(PoolUseRow.id)
    ).scalars()
    return [UseOfPool(r.state, r.informed_on, _needs(r), f"pool_use:{r.id}") for r in rows]


def notifications(session: Session, year: int) -> list[Notification]:
    """The notifications of need (Art. 59(1)) with what followed them (59(4), (6))."""
    rows = session.execute(
        select(NotificationRow).where(NotificationRow.year == year).order_by(NotificationRow.id)
    ).scalars()
    return [
        Notification(
            r.state,
            r.notified_on,
            r.reasoning,
            _needs(r),
            r.stabilisation,
            r.vulnerabilities,
            r.decided_on,
            r.under_pressure,
            r.shortcomings,
            r.refused_on,
            r.refused_by,
            r.refusal_reason,
            f"notification:{r.id}",
        )
        for r in rows
    ]


def findings(session: Session, year: int) -> list[ShortcomingsFinding]:
    """Systemic shortcomings found by the Commission (Art. 60(3), fourth subparagraph)."""
    rows = session.execute(
        select(ShortcomingsRow).where(ShortcomingsRow.year == year).order_by(ShortcomingsRow.id)
    ).scalars()
    return [
        ShortcomingsFinding(r.state, r.decided_on, r.article, r.decision, f"shortcomings:{r.id}")
        for r in rows
    ]


def voluntary_offsets_accepted(session: Session, year: int) -> dict[str, int]:
    """Applications each contributing state took on request or offer (Art. 63(1)–(2), 69):
    they count toward its fair share (recital 33). Obligatory offsets (63(3)) are not counted
    here: they are already within the obligation they discharge."""
    rows = session.execute(
        select(OffsetRequestRow.contributing_state, OffsetRequestRow.accepted).where(
            OffsetRequestRow.year == year,
            OffsetRequestRow.status.in_(("accepted", "partly accepted")),
        )
    ).all()
    out: dict[str, int] = {}
    for state, accepted in rows:
        out[state] = out.get(state, 0) + int(accepted or 0)
    return out
