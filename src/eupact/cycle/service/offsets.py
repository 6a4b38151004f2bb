"""Responsibility offsets (Art. 63, 69 AMMR), of two kinds.

*Voluntary* (Art. 63(1) request, 63(2) offer): the benefitting state requests, the contributing
state replies within ``offsets.reply_days`` (30 days) and may accept fewer or none (Art. 69(2)).

*Obligatory* (Art. 63(3), (4)): when the outcome's offsets assessment is obligatory (after the
reconvened Forum's pledging exercise is closed, Art. 13(4)), each contributing state "shall take
responsibility" for its share (``OffsetAssessment.obligations``, capped at its fair share, 63(7)).
A benefitting state calls up to what a contributing state still owes (status ``owed``); the
contributing state identifies the applications (63(6), status ``identified``), all of them: it
cannot decline or accept fewer, since Art. 69's reply is for requests under 63(1)-(2) only. The
contributing state may also record applications it identified before any call, up to what it
owes. Nothing is obligatory toward a benefitting state with systemic shortcomings (Art. 60(3),
fourth subparagraph). The kind is carried by the status: ``owed``/``identified`` are obligatory;
an obligatory row's ``reply_due`` is the day it was called (no Art. 69 time limit applies).
Arts. 63 and 69 apply from the date of application (Art. 85).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eupact.cycle.calendar import reply_due
from eupact.cycle.permissions import Actor, authorize
from eupact.cycle.phases import OFFSET_RULE, Role
from eupact.cycle.records import OffsetRequestRecord
from eupact.cycle.service import repository as repo
from eupact.cycle.service.context import Context
from eupact.cycle.service.cycles import Cycles
from eupact.cycle.service.dublin import identify_cases
from eupact.cycle.service.reads import compute_outcome_of, not_benefitting, standing_of
from eupact.cycle.store.models import OffsetRequestRow
from eupact.errors import Conflict, EupactError, NotFound, Problem
from eupact.pool.outcome import PoolOutcome

REQUESTED = "requested"  # voluntary, awaiting the reply of Art. 69(2)
OWED = "owed"  # obligatory, called by the benefitting state, awaiting identification (63(6))
IDENTIFIED = "identified"  # obligatory, applications identified by the contributing state
OBLIGATORY_STATUSES = frozenset({OWED, IDENTIFIED})
NO_REPLY = "Art. 69(2)'s reply, which may accept fewer, is for requests under Art. 63(1)-(2) only"


def kind_of(status: str) -> str:
    """``obligatory`` (Art. 63(3), (4)) or ``voluntary`` (Art. 63(1), (2), 69), from the status."""
    return "obligatory" if status in OBLIGATORY_STATUSES else "voluntary"


def _called(session: Session, year: int, contributing: str) -> int:
    """Obligatory offsets already called from, or identified by, ``contributing``."""
    total = session.execute(
        select(func.coalesce(func.sum(OffsetRequestRow.applications), 0)).where(
            OffsetRequestRow.year == year,
            OffsetRequestRow.contributing_state == contributing,
            OffsetRequestRow.status.in_(OBLIGATORY_STATUSES),
        )
    ).scalar_one()
    return int(total)


def _paragraph(outcome: PoolOutcome) -> str:
    """Art. 63(3) (pledges below the number) or 63(4) (below it after deductions, exemptions)."""
    return "63(3)" if outcome.offsets.below_by_pledges else "63(4)"


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
        # a contributing state records the applications it identified for obligatory offsets
        # (Art. 63(6)); every other request is the benefitting state's (Art. 63(1), 69(1))
        identifies = actor.role is Role.MEMBER_STATE and actor.state == contributing
        authorize(actor, "offset.request", contributing if identifies else benefitting)
        pool = self.ctx.pool(year)
        standing = standing_of(self.ctx, year)
        problems = not_benefitting(
            standing, benefitting, "only a benefitting state requests offsets (Art. 63(1))"
        )
        if contributing not in pool.bound_states or standing.is_benefitting(contributing):
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
            # locked: two calls at once must not both take what a state still owes (63(7))
            cycle = self.cycles.after_act(session, year, OFFSET_RULE, "offsets request", lock=True)
            self.cycles.part_iv_applies("an offsets request", "Art. 63 and 69")
            met = self.cycles.reconvened_forum_met(session, cycle)
            outcome = compute_outcome_of(self.ctx, session, year)
            owed = self._owed(session, year, outcome, benefitting, contributing)
            if owed:
                return self._obligatory(
                    session, actor, year, outcome, benefitting, contributing, applications, owed
                )
            if identifies:
                raise EupactError(
                    [
                        Problem(
                            "contributing_state",
                            contributing,
                            f"owes no obligatory offsets toward {benefitting} now (Art. 63(3), "
                            "(4)); a contributing state may offer offsets (Art. 63(2)) and the "
                            "benefitting state that agrees sends the request (Art. 69(1))",
                        )
                    ],
                    "offsets record refused",
                )
            offsets = outcome.offsets
            if not (offsets.requested_possible or offsets.offer_possible.get(contributing, False)):
                problems = [
                    Problem(
                        "relocation pledges",
                        offsets.relocation_pledges,
                        f"below {offsets.requested_threshold} (50 % of the proposal's "
                        "relocations), and the contributing state pledged less than 50 % of "
                        "its fair share as relocations: offsets cannot be requested (Art. "
                        "63(1), (2))",
                    )
                ]
                if cycle.forum_reconvened and not met:
                    problems.append(
                        Problem(
                            "forum_reconvened",
                            True,
                            "the reconvened Forum's pledging exercise is still open: the test "
                            "of Art. 63(3) runs on the pledges after it (Art. 13(4))",
                        )
                    )
                elif owed == 0:
                    due = offsets.obligations.get(contributing, 0)
                    problems.append(
                        Problem(
                            "contributing_state",
                            contributing,
                            f"all it owes under Art. {_paragraph(outcome)} ({due}) has been called"
                            if due
                            else f"owes no obligatory offsets under Art. {_paragraph(outcome)}: "
                            "its fair share is met, or it is exempt (Art. 63(7), 60(3))",
                        )
                    )
                raise EupactError(problems, "offsets request refused")
            today = self.ctx.today()
            row = OffsetRequestRow(
                year=year,
                benefitting_state=benefitting,
                contributing_state=contributing,
                applications=applications,
                requested_on=today,
                reply_due=reply_due(today, pool.params),
                status=REQUESTED,
            )
            session.add(row)
            session.flush()
            record = OffsetRequestRecord.from_row(row)
            article = "63(1)" if offsets.requested_possible else "63(2)"
            return self.ctx.uow.record(
                session, actor, "offset.request", f"Art. {article}, 69(1) AMMR", record
            )

        payload = {
            "op": "offset.request",
            "year": year,
            "b": benefitting,
            "c": contributing,
            "n": applications,
        }
        return self.ctx.uow.write(actor, key, payload, work)

    @staticmethod
    def _owed(
        session: Session, year: int, outcome: PoolOutcome, benefitting: str, contributing: str
    ) -> int | None:
        """What ``contributing`` still owes under Art. 63(3)/(4); None when nothing is
        obligatory toward ``benefitting`` (not triggered, or systemic shortcomings, 60(3))."""
        if not outcome.offsets.obligatory or benefitting in outcome.standing.affected:
            return None
        owed = outcome.offsets.obligations.get(contributing, 0)
        return max(0, owed - _called(session, year, contributing))

    def _obligatory(
        self,
        session: Session,
        actor: Actor,
        year: int,
        outcome: PoolOutcome,
        benefitting: str,
        contributing: str,
        applications: int,
        owed: int,
    ) -> OffsetRequestRecord:
        """Art. 63(3)/(4), (6): called by the benefitting state (owed), or identified by the
        contributing state (identified); never beyond what it still owes (63(7))."""
        article = f"Art. {_paragraph(outcome)}, 63(6) AMMR"
        if applications > owed:
            raise EupactError(
                [
                    Problem(
                        "applications",
                        applications,
                        f"{contributing} owes {owed} more obligatory responsibility offsets "
                        f"({article}; its share, capped at its fair share, Art. 63(7)): at most "
                        "that many; once they are called, further offsets are voluntary "
                        "(Art. 63(1), (2), 69)",
                    )
                ],
                "offsets request refused",
            )
        today = self.ctx.today()
        identified = actor.role is Role.MEMBER_STATE and actor.state == contributing
        row = OffsetRequestRow(
            year=year,
            benefitting_state=benefitting,
            contributing_state=contributing,
            applications=applications,
            requested_on=today,
            reply_due=today,  # owed at once: no time limit of Art. 69(2)
            status=IDENTIFIED if identified else OWED,
            accepted=applications if identified else None,
            replied_on=today if identified else None,
        )
        session.add(row)
        session.flush()
        record = OffsetRequestRecord.from_row(row)
        action = "offset.identify" if identified else "offset.request"
        return self.ctx.uow.record(session, actor, action, article, record)

    def reply(
        self,
        actor: Actor,
        year: int,
        offset_id: int,
        accepted: int,
        key: str | None = None,
        cases: tuple[str, ...] = (),
    ) -> OffsetRequestRecord:
        """Art. 69(2): the contributing state replies within 30 days and may accept fewer; to
        obligatory offsets (Art. 63(3), (4)) it answers by identifying them all (63(6)).
        ``cases``: the applications it identifies, by reference, from the Dublin workspace (each
        must qualify under 63(8); as many as it accepts)."""
        authorize(actor, "offset.reply", actor.state)

        def work(session: Session) -> OffsetRequestRecord:
            self.cycles.after_act(session, year, OFFSET_RULE, "offsets reply")
            self.cycles.part_iv_applies("an offsets reply", "Art. 63 and 69")
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
            if cases:
                n = row.applications if row.status == OWED else accepted
                identify_cases(
                    self.ctx, session, actor, cases, row.benefitting_state, actor.state or "", n
                )
            if row.status == OWED:
                return self._identify(session, actor, row, accepted)
            if row.status != REQUESTED:
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

        payload: dict[str, object] = {"op": "offset.reply", "id": offset_id, "n": accepted}
        if cases:
            payload["cases"] = list(cases)
        return self.ctx.uow.write(actor, key, payload, work)

    def _identify(
        self, session: Session, actor: Actor, row: OffsetRequestRow, accepted: int
    ) -> OffsetRequestRecord:
        """Art. 63(3), (6): obligatory offsets are identified, all of them."""
        n, state = row.applications, row.contributing_state
        if accepted != n:
            what = (
                "cannot be declined"
                if accepted == 0
                else "cannot be accepted in part"
                if accepted < n
                else f"are the {n} called, no more (Art. 63(7))"
            )
            raise EupactError(
                [
                    Problem(
                        "accepted",
                        accepted,
                        f"obligatory responsibility offsets {what}: {state} shall take "
                        f"responsibility for the {n} applications called and identify them "
                        f"(Art. 63(3), (6) AMMR); {NO_REPLY}",
                    )
                ],
                "offsets reply refused",
            )
        before = OffsetRequestRecord.from_row(row).as_dict()
        row.accepted, row.replied_on, row.status = n, self.ctx.today(), IDENTIFIED
        session.flush()
        record = OffsetRequestRecord.from_row(row)
        return self.ctx.uow.record(
            session, actor, "offset.identify", "Art. 63(3), (6) AMMR", record, before
        )
