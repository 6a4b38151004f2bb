"""The cycle itself: opening a pool year, the steps that move it on (Art. 7-13, 57, 60), the
Forum reconvened (Art. 13(4)), and the cycle with its legal calendar."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from eupact.cycle.calendar import cycle_calendar
from eupact.cycle.permissions import Actor, authorize
from eupact.cycle.phases import AFTER_ACT, Action, Phase, check_transition, require_phase
from eupact.cycle.records import CycleRecord
from eupact.cycle.service import repository as repo
from eupact.cycle.service.context import Context
from eupact.cycle.store.models import CycleRow, StepRow
from eupact.errors import Conflict, EupactError, Problem


class Cycles:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        # Pool years seen to have a cycle: the service never deletes one, so a year once found
        # is not looked up again before a write (the write's transaction reads the cycle anyway).
        self._known: set[int] = set()

    def require(self, year: int) -> None:
        if year not in self._known:
            with self.ctx.uow.read() as session:
                repo.cycle(session, year)
            self._known.add(year)

    def after_act(
        self, session: Session, year: int, rule: str, what: str, lock: bool = False
    ) -> CycleRow:
        """The cycle, if the Council act establishing its pool has been adopted (else ``rule``)."""
        cycle = repo.cycle(session, year, lock=lock)
        require_phase(Phase(cycle.phase), AFTER_ACT, rule, what)
        return cycle

    def record(self, session: Session, row: CycleRow) -> CycleRecord:
        steps = session.execute(
            select(StepRow).where(StepRow.year == row.year).order_by(StepRow.id)
        ).scalars()
        done = {Action(s.action): s.on for s in steps}
        params = self.ctx.pool(row.year).params
        today = self.ctx.today()
        return CycleRecord(
            row.year,
            row.phase,
            row.forum_reconvened,
            row.version,
            tuple(d.as_dict(today) for d in cycle_calendar(row.year, params, done)),
            bool(row.synthetic),
        )

    def create(
        self, actor: Actor, year: int, key: str | None = None, *, synthetic: bool = False
    ) -> CycleRecord:
        """Open the cycle of pool year ``year``; ``synthetic`` marks the demonstration's cycle
        (the demo loader's, never the API's)."""
        authorize(actor, "cycle.create")
        self.ctx.pool(year)  # refuses a year with no recorded act parameters

        def work(session: Session) -> CycleRecord:
            if session.get(CycleRow, year) is not None:
                raise Conflict(
                    [Problem("year", year, "a cycle for this pool year exists")], "conflict"
                )
            row = CycleRow(
                year=year,
                phase=str(Phase.OPENED),
                forum_reconvened=False,
                created_at=self.ctx.clock(),
                synthetic=synthetic,
            )
            session.add(row)
            session.flush()
            record = self.record(session, row)
            self.ctx.uow.audit(
                session,
                actor,
                "cycle.create",
                "Art. 7-9 AMMR",
                f"cycle:{year}",
                None,
                record.as_dict(),
            )
            return record

        payload = {"op": "cycle.create", "year": year, "synthetic": synthetic}
        return self.ctx.uow.write(actor, key, payload, work)

    def get(self, actor: Actor, year: int) -> CycleRecord:
        authorize(actor, "cycle.read")
        with self.ctx.uow.read() as session:
            return self.record(session, repo.cycle(session, year))

    def years(self, actor: Actor) -> list[int]:
        """The pool years that have a cycle (the dashboard's year picker)."""
        authorize(actor, "cycle.read")
        with self.ctx.uow.read() as session:
            return list(session.execute(select(CycleRow.year).order_by(CycleRow.year)).scalars())

    def all(self, actor: Actor) -> list[CycleRecord]:
        authorize(actor, "cycle.read")
        with self.ctx.uow.read() as session:
            rows = session.execute(select(CycleRow).order_by(CycleRow.year)).scalars().all()
            return [self.record(session, r) for r in rows]

    def transition(
        self,
        actor: Actor,
        year: int,
        action: Action,
        on: dt.date | None = None,
        key: str | None = None,
    ) -> CycleRecord:
        authorize(actor, "cycle.transition")
        if on is not None and not dt.date(year - 2, 1, 1) <= on <= dt.date(year + 1, 12, 31):
            raise EupactError(
                [
                    Problem(
                        "on",
                        on.isoformat(),
                        f"a step of the {year} cycle happens between {year - 2} and {year + 1}",
                    )
                ]
            )

        def work(session: Session) -> CycleRecord:
            row = repo.cycle(session, year, lock=True)
            t = check_transition(Phase(row.phase), action, actor.role)
            before = {"phase": row.phase}
            row.phase = str(t.target)
            session.add(
                StepRow(
                    year=year,
                    action=str(action),
                    on=on or self.ctx.today(),
                    actor=actor.id,
                    article=t.article,
                )
            )
            session.flush()
            self.ctx.uow.audit(
                session,
                actor,
                f"cycle.{action}",
                t.article,
                f"cycle:{year}",
                before,
                {"phase": row.phase},
            )
            return self.record(session, row)

        payload = {"op": "transition", "year": year, "action": str(action), "on": str(on)}
        return self.ctx.uow.write(actor, key, payload, work)

    def reconvene_forum(self, actor: Actor, year: int, key: str | None = None) -> CycleRecord:
        """Art. 13(4): the Council reconvenes the Forum; obligatory offsets may then apply."""
        authorize(actor, "cycle.reconvene_forum")

        def work(session: Session) -> CycleRecord:
            row = self.after_act(
                session,
                year,
                "the Forum is reconvened after the Council act, when pledges fall short "
                "(Art. 13(4), 63(3) AMMR)",
                "reconvening",
                lock=True,
            )
            row.forum_reconvened = True
            session.flush()
            self.ctx.uow.audit(
                session,
                actor,
                "cycle.reconvene_forum",
                "Art. 13(4) AMMR",
                f"cycle:{year}",
                {"forum_reconvened": False},
                {"forum_reconvened": True},
            )
            return self.record(session, row)

        return self.ctx.uow.write(actor, key, {"op": "reconvene", "year": year}, work)
