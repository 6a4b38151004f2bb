"""The cycle service: every step of the annual cycle, recorded, authorised and audited.

One module per job: ``uow`` (transaction, idempotency, audit buffer), ``repository``
(statements, rows to domain objects), ``tokens``, ``cycles`` (phases and calendar, Art. 7-13),
``pledges`` (Art. 57(3)), ``deductions`` (Art. 61, 62), ``offsets`` (Art. 63, 69),
``implementation`` (Art. 60, 64, 68), ``monitoring`` (implementation at a date, Art. 60(3), (6),
63(5)), ``benefit`` (uses of the pool and who benefits,
Art. 58-60), ``reads`` (proposal, outcome, audit log), ``matching`` (Art. 67). Operations return
records (:mod:`eupact.cycle.records`) and domain objects; HTTP statuses and JSON documents are
the API's. :class:`CycleService` assembles them and keeps one
method per operation for the API, the dashboard, the CLI and the demo loader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Action, Role
from eupact.cycle.records import (
    ConfirmationRecord,
    CycleRecord,
    DeductionRecord,
    ImplementationRecord,
    NotificationRecord,
    OffsetRequestRecord,
    PledgeRecord,
    PoolUseRecord,
    ShortcomingsRecord,
    Withdrawn,
)
from eupact.cycle.service.benefit import Benefits, StandingRead
from eupact.cycle.service.context import Context
from eupact.cycle.service.cycles import Cycles
from eupact.cycle.service.deductions import Deductions
from eupact.cycle.service.implementation import Implementation
from eupact.cycle.service.matching import Matching
from eupact.cycle.service.monitoring import Monitoring
from eupact.cycle.service.offsets import Offsets
from eupact.cycle.service.pledges import Pledges
from eupact.cycle.service.reads import AuditEntry, OutcomeRead, Reads
from eupact.cycle.service.tokens import Tokens, hash_token
from eupact.cycle.service.uow import UnitOfWork
from eupact.data.snapshot import Snapshot, load_snapshot
from eupact.parameters import ParameterSet, load_parameters
from eupact.pool.benefit import Notification, ShortcomingsFinding, UseOfPool
from eupact.pool.council import Vote
from eupact.pool.monitoring import PoolMonitoring
from eupact.pool.pledges import Deduction, Pledge, PledgeKind
from eupact.pool.proposal import Proposal
from eupact.pool.year import PoolYear


class CycleService:
    """All operations of the cycle; the REST API, the dashboard and the CLI are shells over it."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        parameters: ParameterSet | None = None,
        snapshot: Snapshot | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.uow = UnitOfWork(sessions, clock or (lambda: dt.datetime.now(dt.UTC)))
        self.ctx = Context(
            self.uow,
            parameters or load_parameters(),
            snapshot or load_snapshot(),
            self.uow.clock,
        )
        self.tokens = Tokens(self.ctx)
        self.cycles = Cycles(self.ctx)
        self.pledges = Pledges(self.ctx, self.cycles)
        self.deductions = Deductions(self.ctx, self.cycles)
        self.offsets = Offsets(self.ctx, self.cycles)
        self.implementation = Implementation(self.ctx, self.cycles)
        self.reads = Reads(self.ctx)
        self.matching = Matching(self.ctx, self.cycles)
        self.benefits = Benefits(self.ctx, self.cycles)
        self.monitor = Monitoring(self.ctx)

    # -- what the shells share -------------------------------------------------------------------

    @property
    def sessions(self) -> sessionmaker[Session]:
        return self.uow.sessions

    @property
    def engine(self) -> Engine:
        return self.uow.engine

    @property
    def parameters(self) -> ParameterSet:
        return self.ctx.parameters

    @property
    def snapshot(self) -> Snapshot:
        return self.ctx.snapshot

    @property
    def clock(self) -> Callable[[], dt.datetime]:
        return self.ctx.clock

    @clock.setter
    def clock(self, value: Callable[[], dt.datetime]) -> None:
        self.uow.clock = value
        self.ctx.clock = value

    def pool(self, year: int) -> PoolYear:
        """The pool year's act, parameters, snapshot, vintage and key."""
        return self.ctx.pool(year)

    # -- tokens ------------------------------------------------------------------------------------

    def create_token(
        self,
        role: Role,
        state: str | None = None,
        label: str = "",
        expires_in_days: int | None = None,
    ) -> str:
        return self.tokens.create(role, state, label, expires_in_days)

    def authenticate(self, token: str | None) -> Actor:
        return self.tokens.authenticate(token)

    # -- the cycle ---------------------------------------------------------------------------------

    def create_cycle(
        self, actor: Actor, year: int, key: str | None = None, *, synthetic: bool = False
    ) -> CycleRecord:
        return self.cycles.create(actor, year, key, synthetic=synthetic)

    def get_cycle(self, actor: Actor, year: int) -> CycleRecord:
        return self.cycles.get(actor, year)

    def list_cycles(self, actor: Actor) -> list[CycleRecord]:
        return self.cycles.all(actor)

    def transition(
        self,
        actor: Actor,
        year: int,
        action: Action,
        on: dt.date | None = None,
        key: str | None = None,
        vote: Vote | None = None,
    ) -> CycleRecord:
        return self.cycles.transition(actor, year, action, on, key, vote)

    def reconvene_forum(
        self, actor: Actor, year: int, key: str | None = None, vote: Vote | None = None
    ) -> CycleRecord:
        return self.cycles.reconvene_forum(actor, year, key, vote)

    def close_reconvened_pledging(
        self, actor: Actor, year: int, key: str | None = None
    ) -> CycleRecord:
        return self.cycles.close_reconvened_pledging(actor, year, key)

    # -- pledges -----------------------------------------------------------------------------------

    def list_pledges(
        self, actor: Actor, year: int, state: str | None = None, offset: int = 0, limit: int = 100
    ) -> tuple[list[PledgeRecord], int]:
        return self.pledges.page(actor, year, state, offset, limit)

    def get_pledge(self, actor: Actor, year: int, pledge_id: int) -> PledgeRecord:
        return self.pledges.get(actor, year, pledge_id)

    def create_pledge(
        self, actor: Actor, year: int, pledge: Pledge, key: str | None = None
    ) -> PledgeRecord:
        return self.pledges.create(actor, year, pledge, key)

    def update_pledge(
        self,
        actor: Actor,
        year: int,
        pledge_id: int,
        pledge: Pledge,
        if_match: int,
        key: str | None = None,
    ) -> PledgeRecord:
        return self.pledges.update(actor, year, pledge_id, pledge, if_match, key)

    def delete_pledge(
        self, actor: Actor, year: int, pledge_id: int, if_match: int, key: str | None = None
    ) -> Withdrawn:
        return self.pledges.delete(actor, year, pledge_id, if_match, key)

    def request_alternative(
        self, actor: Actor, year: int, pledge_id: int, benefitting: str, key: str | None = None
    ) -> PledgeRecord:
        return self.pledges.request_alternative(actor, year, pledge_id, benefitting, key)

    # -- deductions --------------------------------------------------------------------------------

    def list_deductions(self, actor: Actor, year: int) -> list[DeductionRecord]:
        return self.deductions.all(actor, year)

    def request_deduction(
        self, actor: Actor, year: int, d: Deduction, reasons: str = "", key: str | None = None
    ) -> DeductionRecord:
        return self.deductions.request(actor, year, d, reasons, key)

    def assess_deduction(
        self, actor: Actor, year: int, deduction_id: int, assessment: str, key: str | None = None
    ) -> DeductionRecord:
        return self.deductions.assess(actor, year, deduction_id, assessment, key)

    def decide_deduction(
        self,
        actor: Actor,
        year: int,
        deduction_id: int,
        granted: bool,
        council_act: str,
        key: str | None = None,
        vote: Vote | None = None,
    ) -> DeductionRecord:
        return self.deductions.decide(actor, year, deduction_id, granted, council_act, key, vote)

    # -- offsets -----------------------------------------------------------------------------------

    def list_offsets(self, actor: Actor, year: int) -> list[OffsetRequestRecord]:
        return self.offsets.all(actor, year)

    def request_offsets(
        self,
        actor: Actor,
        year: int,
        benefitting: str,
        contributing: str,
        applications: int,
        key: str | None = None,
    ) -> OffsetRequestRecord:
        return self.offsets.request(actor, year, benefitting, contributing, applications, key)

    def reply_offsets(
        self,
        actor: Actor,
        year: int,
        offset_id: int,
        accepted: int,
        key: str | None = None,
        cases: tuple[str, ...] = (),
    ) -> OffsetRequestRecord:
        """``cases``: the applications identified, by their Dublin workspace references."""
        return self.offsets.reply(actor, year, offset_id, accepted, key, cases)

    # -- implementation ----------------------------------------------------------------------------

    def record_implementation(
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
        """What ``state`` carried out, or (``accepted``) accepted or agreed and not yet carried
        out; ``started_on``: the day it was accepted or agreed (Art. 65(3), 67(9), (12))."""
        return self.implementation.record(
            actor, year, state, kind, benefitting, amount, key, started_on, accepted
        )

    def confirm_implementation(
        self,
        actor: Actor,
        year: int,
        state: str,
        levels: Mapping[PledgeKind, Decimal],
        on: dt.date | None = None,
        key: str | None = None,
    ) -> ConfirmationRecord:
        """Art. 60(6): ``state`` confirms the levels it implemented during ``year``, in the
        confirmation month of the following year; once."""
        return self.implementation.confirm(actor, year, state, levels, on, key)

    def list_implementation(self, actor: Actor, year: int) -> list[ImplementationRecord]:
        return self.implementation.all(actor, year)

    def monitoring(self, actor: Actor, year: int, on: dt.date | None = None) -> PoolMonitoring:
        """Every state's implementation as of ``on`` (default: today): Art. 60(3), (6), 63(5)."""
        return self.monitor.read(actor, year, on)

    # -- uses of the pool: who benefits (Art. 58-60) -----------------------------------------------

    def inform_use_of_pool(
        self, actor: Actor, year: int, use: UseOfPool, key: str | None = None
    ) -> PoolUseRecord:
        return self.benefits.inform(actor, year, use, key)

    def notify_need(
        self, actor: Actor, year: int, notification: Notification, key: str | None = None
    ) -> NotificationRecord:
        return self.benefits.notify(actor, year, notification, key)

    def decide_notification(
        self,
        actor: Actor,
        year: int,
        notification_id: int,
        decided_on: dt.date,
        under_pressure: bool,
        shortcomings: bool = False,
        decision: str = "",
        key: str | None = None,
    ) -> NotificationRecord:
        return self.benefits.decide(
            actor, year, notification_id, decided_on, under_pressure, shortcomings, decision, key
        )

    def refuse_access(
        self,
        actor: Actor,
        year: int,
        notification_id: int,
        refused_on: dt.date,
        refused_by: str,
        reason: str,
        act: str = "",
        key: str | None = None,
    ) -> NotificationRecord:
        return self.benefits.refuse(
            actor, year, notification_id, refused_on, refused_by, reason, act, key
        )

    def record_shortcomings(
        self, actor: Actor, year: int, finding: ShortcomingsFinding, key: str | None = None
    ) -> ShortcomingsRecord:
        return self.benefits.record_finding(actor, year, finding, key)

    def standing(self, actor: Actor, year: int, on: dt.date | None = None) -> StandingRead:
        return self.benefits.standing(actor, year, on)

    def list_uses_of_pool(self, actor: Actor, year: int) -> list[PoolUseRecord]:
        return self.benefits.uses(actor, year)

    def list_notifications(self, actor: Actor, year: int) -> list[NotificationRecord]:
        return self.benefits.notifications(actor, year)

    def list_shortcomings(self, actor: Actor, year: int) -> list[ShortcomingsRecord]:
        return self.benefits.findings(actor, year)

    # -- reads -------------------------------------------------------------------------------------

    def proposal(self, actor: Actor, year: int) -> Proposal:
        return self.reads.proposal(actor, year)

    def outcome(self, actor: Actor, year: int) -> OutcomeRead:
        return self.reads.outcome(actor, year)

    def audit_log(
        self, actor: Actor, offset: int = 0, limit: int = 100
    ) -> tuple[list[AuditEntry], int]:
        return self.reads.audit_log(actor, offset, limit)

    def verify_audit(self, actor: Actor | None = None) -> dict[str, Any]:
        return self.reads.verify_audit(actor)

    def match(
        self,
        actor: Actor,
        year: int,
        applicants: list[Any],
        places: list[Any],
        agreements: tuple[Any, ...] = (),
    ) -> Any:
        return self.matching.run(actor, year, applicants, places, agreements)


__all__ = ["AuditEntry", "CycleService", "OutcomeRead", "StandingRead", "hash_token"]
