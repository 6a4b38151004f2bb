"""Responsibility offsets (Art. 63, 69 AMMR): a benefitting state's request to a contributing
state, possible once relocation pledges fall below the thresholds of Art. 63(1)-(3), and the
contributing state's reply within 30 days, which may accept fewer (Art. 69(2))."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from eupact.cycle.calendar import reply_due
from eupact.cycle.permissions import Actor, authorize
from eupact.cycle.phases import OFFSET_RULE, Role
from eupact.cycle.records import OffsetRequestRecord
from eupact.cycle.service import repository as repo
from eupact.cycle.service.context import Context
from eupact.cycle.service.cycles import Cycles
from eupact.cycle.service.reads import compute_outcome_of, not_benefitting
from eupact.cycle.store.models import OffsetRequestRow
from eupact.errors import Conflict, EupactError, NotFound, Problem


class Offsets:
    def __init__(self, ctx: Context, cycles: Cycles) -> None:
        self.ctx = ctx
        self.cycles = cycles

    def all(self, actor: Actor, year: int) -> list[OffsetRequestRecord]:
        authorize(actor, "offset.list")
        with self.ctx.uow.read() as session:
            repo.cycle(session, year)
            stmt = select(OffsetRequestRow).where(OffsetRequestRow.year == year)
            if actor.role is Role.MEMBER_STATE:
                stmt = stmt.where(
                    (OffsetRequestRow.benefitting_state == actor.state)
                    | (OffsetRequestRow.contributing_state == actor.state)
                )
            rows = session.execute(stmt.order_by(OffsetRequestRow.id)).scalars()
            return [OffsetRequestRecord.from_row(r) for r in rows]

    def request(
        self,
        actor: Actor,
        year: int,
        benefitting: str,
        contributing: str,
        applications: int,
        key: str | None = None,
    ) -> OffsetRequestRecord:
        authorize(actor, "offset.request", benefitting)
        pool = self.ctx.pool(year)
        problems = not_benefitting(
            pool.act, benefitting, "only a benefitting state requests offsets (Art. 63(1))"
        )
        if contributing not in pool.bound_states or contributing in pool.benefitting_states:
            problems.append(
                Problem(
                    "contributing_state",
                    contributing,
                    "must be a contributing Member State bound by Part IV",
                )
            )
        if applications <= 0:
            problems.append(Problem("applications", applications, "must be a positive number"))
        if problems:
            raise EupactError(problems, "offsets request refused")

        def work(session: Session) -> OffsetRequestRecord:
            cycle = self.cycles.after_act(session, year, OFFSET_RULE, "offsets request")
            outcome = compute_outcome_of(self.ctx, session, year, cycle.forum_reconvened)
            if not (
                outcome.offsets.requested_possible
                or outcome.offsets.obligatory
                or outcome.offsets.offer_possible.get(contributing, False)
            ):
                raise EupactError(
                    [
                        Problem(
                            "relocation pledges",
                            outcome.offsets.relocation_pledges,
                            f"below {outcome.offsets.requested_threshold} (50 % of the "
                            "proposal's relocations): offsets cannot be requested (Art. 63(1))",
                        )
                    ]
                )
            today = self.ctx.today()
            row = OffsetRequestRow(
                year=year,
                benefitting_state=benefitting,
                contributing_state=contributing,
                applications=applications,
                requested_on=today,
                reply_due=reply_due(today, pool.params),
                status="requested",
            )
            session.add(row)
            session.flush()
            record = OffsetRequestRecord.from_row(row)
            return self.ctx.uow.record(
                session, actor, "offset.request", "Art. 63(1), 69(1) AMMR", record
            )

        payload = {
            "op": "offset.request",
            "year": year,
            "b": benefitting,
            "c": contributing,
            "n": applications,
        }
        return self.ctx.uow.write(actor, key, payload, work)

    def reply(
        self, actor: Actor, year: int, offset_id: int, accepted: int, key: str | None = None
    ) -> OffsetRequestRecord:
        """Art. 69(2): the contributing state replies within 30 days and may accept fewer."""
        authorize(actor, "offset.reply", actor.state)

        def work(session: Session) -> OffsetRequestRecord:
            self.cycles.after_act(session, year, OFFSET_RULE, "offsets reply")
            row = session.get(OffsetRequestRow, offset_id)
            if row is None or row.year != year:
                raise NotFound([Problem("id", offset_id, "no such offsets request")], "not found")
            if actor.role is Role.MEMBER_STATE and actor.state not in (
                row.contributing_state,
                row.benefitting_state,
            ):
                # a request between two other states is not this state's to see
                raise NotFound([Problem("id", offset_id, "no such offsets request")], "not found")
            authorize(actor, "offset.reply", row.contributing_state)
            if row.status != "requested":
                raise Conflict([Problem("status", row.status, "already answered")], "conflict")
            if not 0 <= accepted <= row.applications:
                raise EupactError(
                    [
                        Problem(
                            "accepted",
                            accepted,
                            f"between 0 and the {row.applications} requested (Art. 69(2))",
                        )
                    ]
                )
            before = OffsetRequestRecord.from_row(row).as_dict()
            row.accepted, row.replied_on = accepted, self.ctx.today()
            row.status = (
                "accepted"
                if accepted == row.applications
                else "partly accepted"
                if accepted
                else "declined"
            )
            session.flush()
            record = OffsetRequestRecord.from_row(row)
            late = row.replied_on > row.reply_due
            self.ctx.uow.audit(
                session,
                actor,
                "offset.reply",
                "Art. 69(2) AMMR",
                f"offset:{row.id}",
                before,
                {**record.as_dict(), "late": late},
            )
            return record

        payload = {"op": "offset.reply", "id": offset_id, "n": accepted}
        return self.ctx.uow.write(actor, key, payload, work)
