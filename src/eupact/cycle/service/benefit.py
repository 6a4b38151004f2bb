"""Who uses the pool (Art. 58, 59, 60(3) AMMR): a Member State identified under migratory
pressure informs that it uses the pool (58(1)-(2)); a state not so identified notifies its need
(59(1)-(2)), the Commission decides on it (59(4)) and the Commission or the Council may refuse
access within two weeks (59(6)); the Commission records systemic shortcomings (60(3), fourth
subparagraph). The standing that follows — who benefits, since when — is read as of a date.

Every write loads the year's recorded events with the new one and passes them through the pool's
rules (:meth:`eupact.pool.year.PoolYear.standing`), so that the service cannot record what the
rules refuse; every write is audited under its article.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from eupact.cycle.permissions import Actor, authorize
from eupact.cycle.phases import Role
from eupact.cycle.records import (
    NotificationRecord,
    PoolUseRecord,
    ShortcomingsRecord,
    cents,
)
from eupact.cycle.service import repository as repo
from eupact.cycle.service.context import Context
from eupact.cycle.service.cycles import Cycles
from eupact.cycle.service.reads import standing_of
from eupact.cycle.store.models import NotificationRow, PoolUseRow, ShortcomingsRow
from eupact.errors import Conflict, EupactError, Forbidden, NotFound, Problem
from eupact.pool.benefit import Needs, Notification, ShortcomingsFinding, Standing, UseOfPool

USE_RULE = (
    "a state informs that it uses the pool, or notifies its need to use it, once the Council "
    "implementing act has established the pool (Art. 57, 58(1), 59(1) AMMR) and before the "
    "year is closed"
)
DECISION_RULE = (
    "the Commission decides on a notification, and access is refused, under the pool the Council "
    "act established (Art. 59(4), (6) AMMR), before the year is closed"
)
FINDING_RULE = (
    "systemic shortcomings release contributions to the pool the Council act established "
    "(Art. 60(3) AMMR): recorded after the act and before the year is closed"
)
CENT = Decimal("0.01")
MAY_USE = (
    "identified under migratory pressure in the Art. 11 decision: may use the pool by informing "
    "the Commission and the Council (Art. 58(1)); not benefitting until it does"
)


@dataclass(frozen=True)
class StandingRead:
    """Who benefits from ``year``'s pool as of ``on``, and who may still use it (Art. 58(1))."""

    year: int
    on: dt.date
    standing: Standing
    under_pressure: tuple[str, ...]

    @property
    def may_use(self) -> tuple[str, ...]:
        """Identified under pressure, not (yet) informed that they use the pool."""
        return tuple(
            g
            for g in self.under_pressure
            if g not in self.standing.benefitting and g not in self.standing.barred_from_deduction
        )

    def as_dict(self) -> dict[str, Any]:
        s = self.standing
        return {
            "year": self.year,
            "on": self.on.isoformat(),
            "benefitting": [
                {
                    "state": b.state,
                    "article": b.article,
                    "since": b.since.isoformat(),
                    "forum_due": b.forum_due.isoformat(),
                    "needs": _needs(b.needs),
                    "shortcomings": s.shortcomings.get(b.state),
                    "describe": b.describe(),
                }
                for b in (s.benefitting[g] for g in s.benefitting_states)
            ],
            "may_use_pool": [{"state": g, "rule": MAY_USE} for g in self.may_use],
            "pending": [{"state": g, "status": why} for g, why in sorted(s.pending.items())],
            "shortcomings": [
                {"state": g, "decision": why} for g, why in sorted(s.shortcomings.items())
            ],
            "barred_from_art_61": sorted(s.barred_from_deduction),
        }


def _needs(n: Needs) -> dict[str, Any]:
    return {
        "relocations": n.relocations,
        "financial_eur": str(n.financial.quantize(CENT)),
        "programmes": list(n.programmes),
    }


def _not_later(field: str, day: dt.date, latest: dt.date, why: str) -> list[Problem]:
    if day > latest:
        return [Problem(field, day.isoformat(), f"not after {latest.isoformat()}: {why}")]
    return []


def _use_record(row: PoolUseRow) -> PoolUseRecord:
    return replace(PoolUseRecord.from_row(row), programmes=tuple(row.programmes or ()))


def _notification_record(row: NotificationRow) -> NotificationRecord:
    return replace(NotificationRecord.from_row(row), programmes=tuple(row.programmes or ()))


def _needs_payload(n: Needs) -> dict[str, Any]:
    return {"r": n.relocations, "f": str(n.financial), "p": list(n.programmes)}


Listed = TypeVar("Listed", PoolUseRow, NotificationRow, ShortcomingsRow)
R = TypeVar("R")


class Benefits:
    """The uses of the pool of each year, and the standing that follows from them."""

    def __init__(self, ctx: Context, cycles: Cycles) -> None:
        self.ctx = ctx
        self.cycles = cycles

    # -- reading ---------------------------------------------------------------------------------

    def standing(self, actor: Actor, year: int, on: dt.date | None = None) -> StandingRead:
        """Who benefits as of ``on`` (default: today), from what is recorded."""
        authorize(actor, "standing.read")
        day = on or self.ctx.today()
        with self.ctx.uow.read() as session:
            repo.cycle(session, year)
            found = standing_of(self.ctx, year, session, day)
        return StandingRead(year, day, found, self.ctx.pool(year).under_pressure_states)

    def uses(self, actor: Actor, year: int) -> list[PoolUseRecord]:
        return self._listed(actor, year, "standing.read", PoolUseRow, _use_record)

    def notifications(self, actor: Actor, year: int) -> list[NotificationRecord]:
        return self._listed(actor, year, "notification.list", NotificationRow, _notification_record)

    def findings(self, actor: Actor, year: int) -> list[ShortcomingsRecord]:
        return self._listed(
            actor, year, "standing.read", ShortcomingsRow, ShortcomingsRecord.from_row
        )

    def _listed(
        self,
        actor: Actor,
        year: int,
        operation: str,
        table: type[Listed],
        record: Callable[[Listed], R],
    ) -> list[R]:
        """The year's rows of ``table`` as records, in the order recorded."""
        authorize(actor, operation)
        with self.ctx.uow.read() as session:
            repo.cycle(session, year)
            rows = session.execute(
                select(table).where(table.year == year).order_by(table.id)
            ).scalars()
            return [record(r) for r in rows]

    # -- the rules, on everything recorded plus the change -----------------------------------------

    def _check(
        self,
        session: Session,
        year: int,
        uses: list[UseOfPool] | None = None,
        notifications: list[Notification] | None = None,
        findings: list[ShortcomingsFinding] | None = None,
    ) -> None:
        """Refuse unless the year's events, with the change, keep the pool's rules (Art. 58-60)."""
        self.ctx.pool(year).standing(
            repo.uses(session, year) if uses is None else uses,
            repo.notifications(session, year) if notifications is None else notifications,
            repo.findings(session, year) if findings is None else findings,
        )

    def _dates(self, year: int, *dated: tuple[str, dt.date, bool]) -> None:
        """Refuse dates after today (a record says what happened) and, for ``True``, after the
        pool year (its pool is used during that year, Art. 60(3))."""
        today = self.ctx.today()
        problems: list[Problem] = []
        for name, day, in_year in dated:
            problems += _not_later(name, day, today, "a record says what has happened")
            if in_year:
                problems += _not_later(
                    name,
                    day,
                    dt.date(year, 12, 31),
                    f"the {year} pool is used during {year} (Art. 60(3))",
                )
        if problems:
            raise EupactError(problems, "date refused")

    # -- Art. 58: a state identified under pressure informs ----------------------------------------

    def inform(
        self, actor: Actor, year: int, use: UseOfPool, key: str | None = None
    ) -> PoolUseRecord:
        """Art. 58(1)-(2): a state identified under pressure informs, after the Council act,
        that it uses the pool, with the solidarity it needs; it benefits from that day."""
        authorize(actor, "pool_use.inform", use.state)
        self.cycles.require(year)
        self._dates(year, ("informed_on", use.informed_on, True))

        def work(session: Session) -> PoolUseRecord:
            # the cycle's row locked: one writer of a year's uses of the pool at a time
            self.cycles.after_act(session, year, USE_RULE, "use of the pool", lock=True)
            self._check(session, year, uses=[*repo.uses(session, year), use])
            row = PoolUseRow(
                year=year,
                state=use.state,
                informed_on=use.informed_on,
                relocations=use.needs.relocations,
                amount_cents=cents(use.needs.financial),
                programmes=list(use.needs.programmes),
                recorded_at=self.ctx.clock(),
                actor=actor.id,
            )
            session.add(row)
            session.flush()
            return self.ctx.uow.record(
                session, actor, "pool_use.inform", "Art. 58(1)-(2) AMMR", _use_record(row)
            )

        payload = {
            "op": "pool_use.inform",
            "year": year,
            "state": use.state,
            "on": use.informed_on.isoformat(),
            **_needs_payload(use.needs),
        }
        return self.ctx.uow.write(actor, key, payload, work)

    # -- Art. 59: a state not identified notifies; the Commission decides; access refused ---------

    def notify(
        self, actor: Actor, year: int, n: Notification, key: str | None = None
    ) -> NotificationRecord:
        """Art. 59(1)-(2): a state not identified under pressure notifies its need, with the
        reasoning, the needs, how the pool would stabilise the situation and how it addresses
        its vulnerabilities."""
        authorize(actor, "notification.create", n.state)
        self.cycles.require(year)
        self._dates(year, ("notified_on", n.notified_on, True))
        n = replace(n, decided_on=None, under_pressure=None, shortcomings=False, refused_on=None)

        def work(session: Session) -> NotificationRecord:
            # locked, so that two notifications of one state cannot both find none pending
            self.cycles.after_act(session, year, USE_RULE, "notification", lock=True)
            recorded = repo.notifications(session, year)
            for earlier in recorded:
                if earlier.state == n.state and (
                    earlier.decided_on is None
                    or (earlier.under_pressure and earlier.refused_on is None)
                ):
                    raise Conflict(
                        [
                            Problem(
                                "state",
                                n.state,
                                f"{n.state} notified already ({earlier.location}, "
                                f"{earlier.notified_on.isoformat()}) and that notification is "
                                + (
                                    "awaiting the Commission's decision (Art. 59(4))"
                                    if earlier.decided_on is None
                                    else "decided: it is under migratory pressure (Art. 59(4))"
                                )
                                + "; a new notification follows a decision rejecting the "
                                "earlier one (Art. 59(7))",
                            )
                        ],
                        "notification refused",
                    )
            self._check(session, year, notifications=[*recorded, n])
            row = NotificationRow(
                year=year,
                state=n.state,
                notified_on=n.notified_on,
                reasoning=n.reasoning,
                relocations=n.needs.relocations,
                amount_cents=cents(n.needs.financial),
                programmes=list(n.needs.programmes),
                stabilisation=n.stabilisation,
                vulnerabilities=n.vulnerabilities,
                decided_on=None,
                under_pressure=None,
                shortcomings=False,
                decision="",
                refused_on=None,
                refused_by="",
                refusal_reason="",
                refusal_act="",
                recorded_at=self.ctx.clock(),
                actor=actor.id,
            )
            session.add(row)
            session.flush()
            return self.ctx.uow.record(
                session,
                actor,
                "notification.create",
                "Art. 59(1)-(2) AMMR",
                _notification_record(row),
            )

        payload = {
            "op": "notification.create",
            "year": year,
            "state": n.state,
            "on": n.notified_on.isoformat(),
            "reasoning": n.reasoning,
            "stabilisation": n.stabilisation,
            "vulnerabilities": n.vulnerabilities,
            **_needs_payload(n.needs),
        }
        return self.ctx.uow.write(actor, key, payload, work)

    @staticmethod
    def _row(session: Session, year: int, notification_id: int) -> NotificationRow:
        row = session.get(NotificationRow, notification_id)
        if row is None or row.year != year:
            raise NotFound([Problem("id", notification_id, "no such notification")], "not found")
        return row

    def _change(
        self,
        session: Session,
        year: int,
        row: NotificationRow,
        changes: dict[str, Any],
    ) -> None:
        """Check the notification with ``changes`` against the rules, then apply them."""
        ident = f"notification:{row.id}"
        notifications = repo.notifications(session, year)
        changed = [
            replace(n, **{k: v for k, v in changes.items() if k in _DOMAIN})
            if n.location == ident
            else n
            for n in notifications
        ]
        self._check(session, year, notifications=changed)
        for name, value in changes.items():
            setattr(row, name, value)
        session.flush()

    def decide(
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
        """Art. 59(4): the Commission decides whether the notifying state is under migratory
        pressure (transmitted on ``decided_on``); it may find systemic shortcomings in the same
        decision (Art. 60(3))."""
        authorize(actor, "notification.decide")
        self.cycles.require(year)
        self._dates(year, ("decided_on", decided_on, False))

        def work(session: Session) -> NotificationRecord:
            self.cycles.after_act(session, year, DECISION_RULE, "decision on a notification")
            row = self._row(session, year, notification_id)
            if row.decided_on is not None:
                raise Conflict(
                    [
                        Problem(
                            "decided_on",
                            row.decided_on.isoformat(),
                            "the Commission decided on this notification already (Art. 59(4)); "
                            "a rejected state may notify again (59(7))",
                        )
                    ],
                    "conflict",
                )
            before = _notification_record(row).as_dict()
            self._change(
                session,
                year,
                row,
                {
                    "decided_on": decided_on,
                    "under_pressure": under_pressure,
                    "shortcomings": shortcomings,
                    "decision": decision,
                },
            )
            article = "Art. 59(4), 60(3) AMMR" if shortcomings else "Art. 59(4) AMMR"
            return self.ctx.uow.record(
                session, actor, "notification.decide", article, _notification_record(row), before
            )

        payload = {
            "op": "notification.decide",
            "year": year,
            "id": notification_id,
            "on": decided_on.isoformat(),
            "under_pressure": under_pressure,
            "shortcomings": shortcomings,
            "decision": decision,
        }
        return self.ctx.uow.write(actor, key, payload, work)

    def refuse(
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
        """Art. 59(6): within two weeks of the Commission decision, the Commission considers or
        the Council decides by an implementing act that the state may not benefit (insufficient
        capacity of the pool, or other objective reasons)."""
        authorize(actor, "notification.refuse")
        own = {Role.COUNCIL: "council", Role.COMMISSION: "commission"}[actor.role]
        if refused_by != own:
            raise Forbidden(
                [
                    Problem(
                        "refused_by",
                        refused_by,
                        f"this token is the {own}'s: it records the {own}'s refusal only "
                        "(the Commission considers, the Council decides by implementing act, "
                        "Art. 59(6))",
                    )
                ],
                "not allowed",
            )
        self.cycles.require(year)
        self._dates(year, ("refused_on", refused_on, False))

        def work(session: Session) -> NotificationRecord:
            self.cycles.after_act(session, year, DECISION_RULE, "refusal of access")
            row = self._row(session, year, notification_id)
            if row.refused_on is not None:
                raise Conflict(
                    [
                        Problem(
                            "refused_on",
                            row.refused_on.isoformat(),
                            f"access was refused already, by the {row.refused_by} (Art. 59(6))",
                        )
                    ],
                    "conflict",
                )
            before = _notification_record(row).as_dict()
            self._change(
                session,
                year,
                row,
                {
                    "refused_on": refused_on,
                    "refused_by": refused_by,
                    "refusal_reason": reason,
                    "refusal_act": act,
                },
            )
            return self.ctx.uow.record(
                session,
                actor,
                "notification.refuse",
                "Art. 59(6) AMMR",
                _notification_record(row),
                before,
            )

        payload = {
            "op": "notification.refuse",
            "year": year,
            "id": notification_id,
            "on": refused_on.isoformat(),
            "by": refused_by,
            "reason": reason,
            "act": act,
        }
        return self.ctx.uow.write(actor, key, payload, work)

    # -- Art. 60(3): systemic shortcomings -------------------------------------------------------

    def record_finding(
        self, actor: Actor, year: int, finding: ShortcomingsFinding, key: str | None = None
    ) -> ShortcomingsRecord:
        """Art. 60(3), fourth subparagraph: the Commission identified systemic shortcomings in
        a state in a decision under Art. 11 or 59(4); contributors need not implement their
        pledges or offsets toward it while it benefits."""
        authorize(actor, "shortcomings.record")
        self.cycles.require(year)
        self._dates(year, ("decided_on", finding.decided_on, False))

        def work(session: Session) -> ShortcomingsRecord:
            self.cycles.after_act(session, year, FINDING_RULE, "finding of systemic shortcomings")
            self._check(session, year, findings=[*repo.findings(session, year), finding])
            row = ShortcomingsRow(
                year=year,
                state=finding.state,
                decided_on=finding.decided_on,
                article=finding.article,
                decision=finding.decision,
                recorded_at=self.ctx.clock(),
                actor=actor.id,
            )
            session.add(row)
            session.flush()
            return self.ctx.uow.record(
                session,
                actor,
                "shortcomings.record",
                f"Art. 60(3) AMMR; decision under Art. {finding.article}",
                ShortcomingsRecord.from_row(row),
            )

        payload = {
            "op": "shortcomings.record",
            "year": year,
            "state": finding.state,
            "on": finding.decided_on.isoformat(),
            "article": finding.article,
            "decision": finding.decision,
        }
        return self.ctx.uow.write(actor, key, payload, work)


# The notification's fields the pool's rules know (the row's others are labels only).
_DOMAIN = frozenset(
    {"decided_on", "under_pressure", "shortcomings", "refused_on", "refused_by", "refusal_reason"}
)

__all__ = ["DECISION_RULE", "FINDING_RULE", "MAY_USE", "USE_RULE", "Benefits", "StandingRead"]
