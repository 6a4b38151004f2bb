"""Deductions (Art. 61, 62 AMMR): a Member State's request of the contributions the Council act
set, the Commission's assessment within four weeks, the Council's implementing act that grants or
refuses it. A request changes no figure until granted (Art. 61(4), 62(5))."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from eupact.cycle.calendar import assessment_due
from eupact.cycle.permissions import Actor, authorize
from eupact.cycle.phases import DEDUCTION_RULE, Role
from eupact.cycle.records import DeductionRecord, cents
from eupact.cycle.service import repository as repo
from eupact.cycle.service.context import Context
from eupact.cycle.service.cycles import Cycles
from eupact.cycle.service.reads import standing_of
from eupact.cycle.store.models import DeductionRow
from eupact.errors import Conflict, EupactError, NotFound, Problem
from eupact.pool.council import CouncilDecision, Vote
from eupact.pool.pledges import Deduction, DeductionStatus, validate_deductions


class Deductions:
    def __init__(self, ctx: Context, cycles: Cycles) -> None:
        self.ctx = ctx
        self.cycles = cycles

    def all(self, actor: Actor, year: int) -> list[DeductionRecord]:
        authorize(actor, "deduction.list")
        with self.ctx.uow.read() as session:
            repo.cycle(session, year)
            rows = (
                session.execute(
                    select(DeductionRow).where(DeductionRow.year == year).order_by(DeductionRow.id)
                )
                .scalars()
                .all()
            )
            if actor.role is Role.OBSERVER:  # observers see the Council's decisions only
                rows = [r for r in rows if r.status != str(DeductionStatus.REQUESTED)]
            elif actor.role is Role.MEMBER_STATE:
                rows = [r for r in rows if r.state == actor.state or r.status != "requested"]
            return [DeductionRecord.from_row(r) for r in rows]

    def request(
        self, actor: Actor, year: int, d: Deduction, reasons: str = "", key: str | None = None
    ) -> DeductionRecord:
        authorize(actor, "deduction.request", d.state)
        pool = self.ctx.pool(year)
        if d.status is not DeductionStatus.REQUESTED:
            raise EupactError(
                [
                    Problem(
                        "status",
                        str(d.status),
                        "a request starts as 'requested'; the Council decides (Art. 61(4), 62(5))",
                    )
                ]
            )

        def work(session: Session) -> DeductionRecord:
            self.cycles.after_act(session, year, DEDUCTION_RULE, "deduction request")
            self.cycles.part_iv_applies("a deduction request", f"Art. {d.article}")
            pledges = repo.pledges(session, year)
            validate_deductions(
                [d],
                pledges,
                pool.act,
                pool.params,
                self.ctx.snapshot.classification,
                # Art. 61(1): not a state that used the pool (58) or notified its need (59)
                used_pool=standing_of(self.ctx, year, session).barred_from_deduction,
            )
            today = self.ctx.today()
            row = DeductionRow(
                year=year,
                state=d.state,
                article=d.article,
                full=d.full,
                relocations=d.relocations,
                amount_cents=cents(d.financial),
                self_assessed=d.self_assessed,
                reasons=reasons,
                status=str(DeductionStatus.REQUESTED),
                requested_on=today,
                assessment_due=assessment_due(today, pool.params),
            )
            session.add(row)
            session.flush()
            record = DeductionRecord.from_row(row)
            return self.ctx.uow.record(
                session, actor, "deduction.request", f"Art. {d.article}(1) AMMR", record
            )

        payload = {
            "op": "deduction.request",
            "year": year,
            "state": d.state,
            "article": d.article,
            "full": d.full,
            "relocations": d.relocations,
            "financial": str(d.financial),
            "self_assessed": d.self_assessed,
            "reasons": reasons,
        }
        return self.ctx.uow.write(actor, key, payload, work)

    @staticmethod
    def _row(session: Session, year: int, deduction_id: int) -> DeductionRow:
        row = session.get(DeductionRow, deduction_id)
        if row is None or row.year != year:
            raise NotFound([Problem("id", deduction_id, "no such deduction request")], "not found")
        return row

    def assess(
        self, actor: Actor, year: int, deduction_id: int, assessment: str, key: str | None = None
    ) -> DeductionRecord:
        """Art. 61(3), 62(4): the Commission's assessment to the Council (within four weeks)."""
        authorize(actor, "deduction.assess")

        def work(session: Session) -> DeductionRecord:
            self.cycles.after_act(session, year, DEDUCTION_RULE, "deduction assessment")
            row = self._row(session, year, deduction_id)
            if row.status != str(DeductionStatus.REQUESTED) or row.assessed_on is not None:
                raise Conflict(
                    [Problem("status", row.status, "already assessed or decided")], "conflict"
                )
            before = DeductionRecord.from_row(row).as_dict()
            row.assessment, row.assessed_on = assessment, self.ctx.today()
            session.flush()
            record = DeductionRecord.from_row(row)
            return self.ctx.uow.record(
                session,
                actor,
                "deduction.assess",
                f"Art. {row.article}({3 if row.article == '61' else 4}) AMMR",
                record,
                before,
            )

        payload = {"op": "assess", "id": deduction_id, "text": assessment}
        return self.ctx.uow.write(actor, key, payload, work)

    def decide(
        self,
        actor: Actor,
        year: int,
        deduction_id: int,
        granted: bool,
        council_act: str,
        key: str | None = None,
        vote: Vote | None = None,
    ) -> DeductionRecord:
        """Art. 61(4), 62(5): only a Council implementing act grants a deduction. ``vote``, the
        Council's recorded vote on that act, must reach its majority (a qualified majority,
        ``council.majority.deduction_authorisation``); it is kept in the audit entry."""
        authorize(actor, "deduction.decide")
        if not council_act.strip():
            raise EupactError(
                [
                    Problem(
                        "council_act",
                        council_act,
                        "name the Council implementing act that decides (Art. 61(4), 62(5))",
                    )
                ]
            )

        def work(session: Session) -> DeductionRecord:
            self.cycles.after_act(session, year, DEDUCTION_RULE, "deduction decision")
            row = self._row(session, year, deduction_id)
            if row.status != str(DeductionStatus.REQUESTED):
                raise Conflict([Problem("status", row.status, "already decided")], "conflict")
            other = session.execute(
                select(DeductionRow.id).where(
                    DeductionRow.year == year,
                    DeductionRow.state == row.state,
                    DeductionRow.status == str(DeductionStatus.GRANTED),
                )
            ).scalar_one_or_none()
            if granted and other is not None:
                raise Conflict(
                    [
                        Problem(
                            "state",
                            row.state,
                            f"already granted a deduction (id {other}) this year: one granted "
                            "deduction per state; amend that one",
                        )
                    ],
                    "conflict",
                )
            if row.assessed_on is None:
                raise EupactError(
                    [
                        Problem(
                            "assessment",
                            "",
                            "the Council decides after receiving the Commission's assessment "
                            "(Art. 61(4), 62(5))",
                        )
                    ]
                )
            counted = (
                None
                if vote is None
                else self.cycles.count_vote(year, CouncilDecision.DEDUCTION_AUTHORISATION, vote)
            )
            before = DeductionRecord.from_row(row).as_dict()
            row.status = str(DeductionStatus.GRANTED if granted else DeductionStatus.REFUSED)
            row.council_act, row.decided_on = council_act, self.ctx.today()
            session.flush()
            record = DeductionRecord.from_row(row)
            self.ctx.uow.audit(
                session,
                actor,
                "deduction.decide",
                f"Art. {row.article}({4 if row.article == '61' else 5}) AMMR",
                f"{record.kind_name}:{record.id}",
                before,
                record.as_dict() | ({} if counted is None else {"council_vote": counted.as_dict()}),
            )
            return record

        payload: dict[str, object] = {
            "op": "decide",
            "id": deduction_id,
            "granted": granted,
            "act": council_act,
        }
        if vote is not None:
            payload["vote"] = vote.as_dict()
        return self.ctx.uow.write(actor, key, payload, work)
