"""The cycle itself: opening a pool year, the steps that move it on (Art. 7-13, 57, 60), the
Forum reconvened (Art. 13(4)), the cycle with its legal calendar, and the date from which Part IV
applies (Art. 85).

Reconvening the High-Level Forum is a pledging exercise (Art. 13(4): "any pledging exercise
shall follow the procedure set out in Article 57"): from the Council's reconvening until it
closes the exercise, Member States add or raise pledges. Both are steps of the cycle
(``cycle_steps``: ``reconvene_forum:n`` and ``close_reconvened_pledging:n``, n counting the
exercises of the year); the test of Art. 63(3) runs on the pledges after it, once closed."""

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
from eupact.pool.council import CouncilDecision, Vote, VoteResult, council_vote

RECONVENE_STEP = "reconvene_forum"
CLOSE_RECONVENED_STEP = "close_reconvened_pledging"
_ACTIONS = frozenset(str(a) for a in Action)


def _exercises(actions: list[str]) -> tuple[int, int]:
    """How many reconvened pledging exercises were opened and closed (Art. 13(4))."""
    kinds = [a.partition(":")[0] for a in actions]
    return kinds.count(RECONVENE_STEP), kinds.count(CLOSE_RECONVENED_STEP)


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

    def part_iv_applies(self, what: str, articles: str) -> None:
        """Art. 85, second paragraph: ``articles`` apply from the date of application (the
        [reading] ``cycle.date_of_application_part_iv``: 12 June or 1 July 2026, read at today's
        date); before it ``what`` is refused, naming the date."""
        today = self.ctx.today()
        start = self.ctx.parameters.at(today)("cycle.date_of_application_part_iv")
        if today < start:
            verb = "apply" if any(c in articles for c in (",", "–", " and ")) else "applies"
            raise EupactError(
                [
                    Problem(
                        "date",
                        today.isoformat(),
                        f"{articles} AMMR {verb} from {start.isoformat()} (Art. 85, second "
                        f"paragraph; [reading] cycle.date_of_application_part_iv): {what} is "
                        "refused before that date",
                    )
                ],
                f"{what} refused: Part IV does not apply yet",
            )

    @staticmethod
    def exercises(session: Session, year: int) -> tuple[int, int]:
        """Reconvened pledging exercises (Art. 13(4)) opened and closed in ``year``'s cycle."""
        actions = session.execute(select(StepRow.action).where(StepRow.year == year)).scalars()
        return _exercises(list(actions))

    def additional_pledging(self, session: Session, year: int) -> bool:
        """Whether the Forum the Council reconvened is asking for additional pledges now."""
        opened, closed = self.exercises(session, year)
        return opened > closed

    @staticmethod
    def reconvened_forum_met(session: Session, row: CycleRow) -> bool:
        """Art. 63(3): the test runs "following the meeting of the High-Level Forum convened in
        accordance with Article 13(4)", on the pledges after it: reconvened, exercise closed."""
        opened, closed = Cycles.exercises(session, row.year)
        return bool(row.forum_reconvened) and opened <= closed

    def count_vote(self, year: int, decision: CouncilDecision, vote: Vote) -> VoteResult:
        """The Council's recorded vote on ``decision``, counted among the Member States taking
        part with the population of the pool year's reference key (Art. 66); refused, naming the
        rule and the numbers, unless it reaches the majority the act needs (Art. 13(4), 57(1))."""
        pool = self.ctx.pool(year)
        population = pool.key.population
        counted = council_vote(
            vote,
            decision,
            pool.params,
            {geo: row.population for geo, row in pool.key.rows.items()},
            tuple(dict.fromkeys(population.source_of(geo) for geo in pool.key.states)),
        )
        counted.require()
        return counted

    def record(self, session: Session, row: CycleRow) -> CycleRecord:
        steps = session.execute(
            select(StepRow).where(StepRow.year == row.year).order_by(StepRow.id)
        ).scalars()
        done: dict[Action, dt.date] = {}
        others: list[str] = []
        for s in steps:
            if s.action in _ACTIONS:
                done[Action(s.action)] = s.on
            else:
                others.append(s.action)
        opened, closed = _exercises(others)
        params = self.ctx.pool(row.year).params
        today = self.ctx.today()
        return CycleRecord(
            row.year,
            row.phase,
            row.forum_reconvened,
            row.version,
            tuple(d.as_dict(today) for d in cycle_calendar(row.year, params, done)),
            bool(row.synthetic),
            opened > closed,
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
        vote: Vote | None = None,
    ) -> CycleRecord:
        """Move the cycle on; ``vote``, the Council's recorded vote on its act establishing the
        pool (Art. 57(1): qualified majority), is checked and kept in the audit entry."""
        authorize(actor, "cycle.transition")
        if vote is not None and action is not Action.ADOPT_COUNCIL_ACT:
            raise EupactError(
                [
                    Problem(
                        "vote",
                        str(action),
                        "a Council vote is recorded with the act establishing the pool "
                        f"('{Action.ADOPT_COUNCIL_ACT}', Art. 57(1) AMMR), not with this step",
                    )
                ],
                "transition refused",
            )
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

        if action is Action.ADOPT_COUNCIL_ACT and self.ctx.pool(year).draft:
            raise EupactError(
                [
                    Problem(
                        "year",
                        year,
                        "no Council implementing act is recorded for this pool year: its "
                        "reference numbers and pledges are recorded (parameters/acts/) before "
                        "the cycle moves past the act (Art. 57(1))",
                    )
                ],
                "transition refused",
            )

        def work(session: Session) -> CycleRecord:
            row = repo.cycle(session, year, lock=True)
            t = check_transition(Phase(row.phase), action, actor.role)
            counted = (
                None if vote is None else self.count_vote(year, CouncilDecision.POOL_ACT, vote)
            )
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
                {"phase": row.phase}
                | ({} if counted is None else {"council_vote": counted.as_dict()}),
            )
            return self.record(session, row)

        payload = {"op": "transition", "year": year, "action": str(action), "on": str(on)}
        if vote is not None:
            payload["vote"] = vote.as_dict()
        return self.ctx.uow.write(actor, key, payload, work)

    def reconvene_forum(
        self, actor: Actor, year: int, key: str | None = None, vote: Vote | None = None
    ) -> CycleRecord:
        """Art. 13(4): the Council reconvenes the Forum to ask for additional pledges (a pledging
        exercise under Art. 57, open until the Council closes it); then the test of Art. 63(3).
        ``vote``, the Council's recorded vote (simple majority), is checked and audited."""
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
            opened, closed = self.exercises(session, year)
            if opened > closed:
                raise Conflict(
                    [
                        Problem(
                            "forum_reconvened",
                            True,
                            "the reconvened Forum's pledging exercise is still open: the "
                            "Council closes it before reconvening the Forum again (Art. 13(4))",
                        )
                    ],
                    "conflict",
                )
            counted = (
                None
                if vote is None
                else self.count_vote(year, CouncilDecision.RECONVENE_FORUM, vote)
            )
            before = {"forum_reconvened": row.forum_reconvened, "additional_pledging": False}
            row.forum_reconvened = True
            session.add(
                StepRow(
                    year=year,
                    action=f"{RECONVENE_STEP}:{opened + 1}",
                    on=self.ctx.today(),
                    actor=actor.id,
                    article="Art. 13(4) AMMR",
                )
            )
            session.flush()
            self.ctx.uow.audit(
                session,
                actor,
                "cycle.reconvene_forum",
                "Art. 13(4), 57(3) AMMR",
                f"cycle:{year}",
                before,
                {"forum_reconvened": True, "additional_pledging": True}
                | ({} if counted is None else {"council_vote": counted.as_dict()}),
            )
            return self.record(session, row)

        payload: dict[str, object] = {"op": "reconvene", "year": year}
        if vote is not None:
            payload["vote"] = vote.as_dict()
        return self.ctx.uow.write(actor, key, payload, work)

    def close_reconvened_pledging(
        self, actor: Actor, year: int, key: str | None = None
    ) -> CycleRecord:
        """Art. 13(4), 57(1): the Council closes the pledging exercise of the reconvened Forum;
        the test of Art. 63(3) then runs on the pledges after it."""
        authorize(actor, "cycle.reconvene_forum")

        def work(session: Session) -> CycleRecord:
            row = self.after_act(
                session,
                year,
                "the reconvened Forum meets after the Council act (Art. 13(4) AMMR)",
                "closing the reconvened Forum's pledging",
                lock=True,
            )
            opened, closed = self.exercises(session, year)
            if opened <= closed:
                raise EupactError(
                    [
                        Problem(
                            "forum_reconvened",
                            bool(row.forum_reconvened),
                            "no pledging exercise of a reconvened Forum is open: the Council "
                            "reconvenes the Forum first (Art. 13(4) AMMR)",
                        )
                    ],
                    "nothing to close",
                )
            session.add(
                StepRow(
                    year=year,
                    action=f"{CLOSE_RECONVENED_STEP}:{opened}",
                    on=self.ctx.today(),
                    actor=actor.id,
                    article="Art. 13(4), 57(1) AMMR",
                )
            )
            session.flush()
            self.ctx.uow.audit(
                session,
                actor,
                "cycle.close_reconvened_pledging",
                "Art. 13(4), 57(1) AMMR",
                f"cycle:{year}",
                {"forum_reconvened": True, "additional_pledging": True},
                {"forum_reconvened": True, "additional_pledging": False},
            )
            return self.record(session, row)

        payload = {"op": "close_reconvened", "year": year}
        return self.ctx.uow.write(actor, key, payload, work)
