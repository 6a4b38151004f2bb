"""Read models: the pool's figures from what is recorded (proposal, outcome), the audit log, and
what the dashboard asks besides (years, the SYNTHETIC label). Every read goes through the
permission table, the embargo included (Art. 12(6) AMMR)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eupact.cycle import audit
from eupact.cycle.permissions import Actor, authorize, embargoed, visible_states
from eupact.cycle.phases import Phase
from eupact.cycle.service import repository as repo
from eupact.cycle.service.context import Context
from eupact.cycle.service.crisis_credits import cycle_credits
from eupact.cycle.service.cycles import Cycles
from eupact.cycle.store.models import AuditRow, CycleRow, TokenRow
from eupact.errors import NotFound, Problem
from eupact.pool.benefit import Standing
from eupact.pool.outcome import PoolOutcome, compute_outcome
from eupact.pool.proposal import Proposal


def standing_of(
    ctx: Context, year: int, session: Session | None = None, on: dt.date | None = None
) -> Standing:
    """Who benefits from ``year``'s pool as of ``on`` (default: today), from the uses of the pool,
    notifications and findings recorded (Art. 58, 59, 60(3)); read in ``session`` if given (a
    write's transaction), else in a read of its own."""
    if session is None:
        with ctx.uow.read() as own:
            return standing_of(ctx, year, own, on)
    return ctx.pool(year).standing(
        repo.uses(session, year),
        repo.notifications(session, year),
        repo.findings(session, year),
        on or ctx.today(),
    )


def compute_outcome_of(
    ctx: Context, session: Session, year: int, on: dt.date | None = None
) -> PoolOutcome:
    """The pool's outcome from the pledges and deductions recorded for ``year``, with who
    benefits as of ``on`` (default: today; Art. 60(3): a benefitting state need not implement
    its pledges) and the reconvened Forum counted once its pledging is closed (Art. 63(3)); the
    crisis credits the Commission authorised by then reduce the fair shares (CFMR Art. 9(4)(a),
    9(5); :func:`~eupact.cycle.service.crisis_credits.cycle_credits`)."""
    pool = ctx.pool(year)
    day = on or ctx.today()
    return compute_outcome(
        pool.key,
        pool.act,
        repo.pledges(session, year),
        repo.deductions(session, year),
        forum_reconvened=Cycles.reconvened_forum_met(session, repo.cycle(session, year)),
        standing=standing_of(ctx, year, session, on),
        offsets_accepted=repo.voluntary_offsets_accepted(session, year),
        sar_states=pool.sar_states,
        crisis_credits=cycle_credits(ctx, session, year, day),
    )


def not_benefitting(standing: Standing, state: str, rule: str) -> list[Problem]:
    """No problem if ``state`` benefits as of the standing's date; else one naming ``rule``
    (a state identified under pressure benefits once it informs that it uses the pool,
    Art. 58(1); another once the Commission decides on its notification, Art. 59(4))."""
    if standing.is_benefitting(state):
        return []
    states = ", ".join(standing.benefitting_states) or "none"
    on = f" on {standing.on.isoformat()}" if standing.on else ""
    return [
        Problem(
            "benefitting_state",
            state,
            f"{rule}; benefitting{on}: {states} (a state becomes one by informing that it "
            "uses the pool, Art. 58(1), or by a Commission decision on its notification, 59(4))",
        )
    ]


@dataclass(frozen=True)
class OutcomeRead:
    """The outcome as ``actor`` may see it: whole, or (before the act) one state's row."""

    outcome: PoolOutcome
    phase: Phase
    own_state: str | None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    role: str
    action: str
    article: str
    entity: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    prev_hash: str
    hash: str

    def as_dict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__slots__}


class Reads:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def proposal(self, actor: Actor, year: int) -> Proposal:
        authorize(actor, "proposal.read")
        with self.ctx.uow.read() as session:
            phase = Phase(repo.cycle(session, year).phase)
        if phase in (Phase.OPENED, Phase.REPORT_ADOPTED, Phase.DECISION_ADOPTED):
            raise NotFound(
                [
                    Problem(
                        "phase",
                        str(phase),
                        "the Commission has not adopted the proposal yet (Art. 12)",
                    )
                ],
                "not found",
            )
        embargoed(actor, "proposal.read", phase)
        return self.ctx.pool(year).proposal()

    def outcome(self, actor: Actor, year: int) -> OutcomeRead:
        authorize(actor, "outcome.read")
        with self.ctx.uow.read() as session:
            cycle = repo.cycle(session, year)
            phase = Phase(cycle.phase)
            embargoed(actor, "outcome.read", phase)
            outcome = compute_outcome_of(self.ctx, session, year)
        visible = visible_states(actor, "outcome.read", phase)
        own = next(iter(visible)) if visible else None
        return OutcomeRead(outcome, phase, own)

    def audit_log(
        self, actor: Actor, offset: int = 0, limit: int = 100
    ) -> tuple[list[AuditEntry], int]:
        authorize(actor, "audit.read")
        with self.ctx.uow.read() as session:
            total = session.execute(select(func.count()).select_from(AuditRow)).scalar_one()
            rows = session.execute(
                select(AuditRow).order_by(AuditRow.seq).offset(offset).limit(limit)
            ).scalars()
            return [
                AuditEntry(
                    r.seq,
                    r.at.isoformat(),
                    r.actor,
                    r.role,
                    r.action,
                    r.article,
                    r.entity,
                    r.before,
                    r.after,
                    r.prev_hash,
                    r.hash,
                )
                for r in rows
            ], total

    def audit_actors(self, actor: Actor) -> dict[str, dict[str, str | None]]:
        """Who stands behind each actor of the audit log (``token:N``): its role and, for a
        Member State, its state; the audit trail's readers only."""
        authorize(actor, "audit.read")
        with self.ctx.uow.read() as session:
            rows = session.execute(select(TokenRow.id, TokenRow.role, TokenRow.state)).all()
        return {f"token:{i}": {"role": role, "state": state} for i, role, state in rows}

    def verify_audit(self, actor: Actor | None = None) -> dict[str, Any]:
        if actor is not None:
            authorize(actor, "audit.verify")
        with self.ctx.uow.read() as session:
            return audit.verify(session).as_dict()

    def synthetic(self, year: int) -> bool:
        """Whether the year's cycle is the demonstration's, whose records are SYNTHETIC (a flag
        the demo loader sets; nothing a state writes can set it)."""
        with self.ctx.uow.read() as session:
            found = session.execute(
                select(CycleRow.synthetic).where(CycleRow.year == year)
            ).scalar_one_or_none()
        return bool(found)
