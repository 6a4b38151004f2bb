"""The Dublin units' case workflow (Part III AMMR, Arts. 38–46, 51; issue 16 item 5), its reads
and first writes: a case held by the state that runs the procedure, the messages Member States
exchange about it, and the responsibility engine's decision on it, computed on every read.

- A case is created by the state that determines (Art. 38(1): first registration), or for a
  take back by the state where the person is (Art. 41(1)): the token's state must be that state.
  Only the holder changes the facts (with the ETag it read) and sends take charge requests,
  take back notifications and requests for information; only the addressed state replies (a
  refusal or rebuttal with its reasons, Art. 40(6), 41(3)); only the holder, which transfers,
  records the transfer decision, the transfer and its extensions (Art. 42, 46). Each message is
  also written into the case's facts (``procedure``), so that the engine sees it.
- The decision is :func:`eupact.responsibility.determine` on the case as of today (UTC), or a
  reader's ``as_of`` (not before the case's latest fact), under the Council implementing
  decisions of Regulation (EU) 2024/1359 the service records (Arts 12-13 CFMR: the crisis
  state's time limits extended, transfers to it suspended, take back released; the crisis
  procedure: :mod:`eupact.cycle.service.crisis`). What the service finds by itself —
  an acceptance or confirmation by silence (40(8), 41(4)) and responsibility moved by a missed
  time limit (39(1), 46(2)) — is shown and, read as of today, audited once
  (``dublin.observe``).
- A Member State sees the cases it holds, those it sent or received a message about and those
  it is responsible for; any other answers 404, as if it did not exist. The Commission, the
  Coordinator and observers see all; the Council has no part in Part III.

Every write goes through the unit of work: one transaction, its Idempotency-Key, its audit
entries. The facts are audited as their SHA-256 (``facts_sha256``), not copied into the log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from eupact.cycle.permissions import Actor, authorize
from eupact.cycle.phases import Role
from eupact.cycle.records import utc
from eupact.cycle.service import dublin_facts as facts_
from eupact.cycle.service.context import Context
from eupact.cycle.service.crisis import Crises
from eupact.cycle.service.dublin_records import (
    CaseRead,
    DublinCaseRecord,
    DublinMessageRecord,
    message_dict,
    not_found,
    raise_stale,
)
from eupact.cycle.store.dublin import DublinCaseRow, DublinMessageRow, DublinObservationRow
from eupact.errors import Conflict, EupactError, Forbidden, Problem
from eupact.responsibility import Case, Deadline, Decision, Status, determine

SEES_ALL = frozenset({Role.COMMISSION, Role.COORDINATOR, Role.OBSERVER})


class DublinWorkspace:
    """Reading cases, creating and changing them, sending requests (replies, transfers and
    offsets: :class:`eupact.cycle.service.dublin.DublinCases`)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.crises = Crises(ctx)

    # -- reading ----------------------------------------------------------------------------

    def determine(self, case: Case) -> Decision:
        """The engine's decision, under the Council implementing decisions of the CFMR the
        service records (Arts 12-13 CFMR: the engine applies each to the dates it covers)."""
        return determine(case, self.ctx.parameters, crises=self.crises.measures())

    def _messages(self, session: Session, case_id: int) -> list[dict[str, Any]]:
        rows = session.execute(
            select(DublinMessageRow)
            .where(DublinMessageRow.case_id == case_id)
            .order_by(DublinMessageRow.id)
        ).scalars()
        return [message_dict(r) for r in rows]

    @staticmethod
    def _sees(actor: Actor, row: DublinCaseRow, messages: list[dict[str, Any]], *also: str) -> bool:
        if actor.role in SEES_ALL:
            return True
        if actor.role is not Role.MEMBER_STATE or not actor.state:
            return False
        s = actor.state
        parties = {m["from_state"] for m in messages} | {m["to_state"] for m in messages}
        return s in (row.holder_state, *also) or s in parties

    def _row(self, session: Session, actor: Actor, ref: str, lock: bool = False) -> DublinCaseRow:
        facts_.check_ref(ref)
        stmt = select(DublinCaseRow).where(DublinCaseRow.case_ref == ref)
        row = session.execute(stmt.with_for_update() if lock else stmt).scalar_one_or_none()
        if row is None:
            raise not_found(ref)
        return row

    def _read(
        self, session: Session, actor: Actor, ref: str, as_of: dt.date | None = None
    ) -> CaseRead:
        row = self._row(session, actor, ref)
        messages = self._messages(session, row.id)
        today = self.ctx.today()
        case = facts_.case_on(row.facts, today, f"case {ref}")
        decision = self.determine(case)
        # the state responsible today sees the case too; nothing about a case a state cannot
        # see is said before this (not even that an ``as_of`` is out of its bounds)
        if not self._sees(actor, row, messages, row.responsible_state, decision.responsible_state):
            raise not_found(ref)
        if as_of is not None and as_of != today:
            facts_.check_as_of(row.facts, as_of)
            case = facts_.case_on(row.facts, as_of, f"case {ref}")
            decision = self.determine(case)
        requests, _ = facts_.request_states(decision, messages)
        observed = self._observed(session, [row.id]).get(row.id, [])
        return CaseRead(row, case, decision, messages, requests, observed)

    def get(self, actor: Actor, ref: str, as_of: dt.date | None = None) -> CaseRead:
        """The case, its messages and its decision on ``as_of`` (default: today, UTC)."""
        authorize(actor, "dublin.read")
        with self.ctx.uow.read() as session:
            read = self._read(session, actor, ref, as_of)
        if self._observe(actor, [read]):
            with self.ctx.uow.read() as session:
                read = self._read(session, actor, ref, as_of)
        return read

    def page(
        self, actor: Actor, offset: int = 0, limit: int = 100
    ) -> tuple[list[dict[str, Any]], int]:
        """The cases the actor sees, newest change first (the decision as of the last write)."""
        authorize(actor, "dublin.read")
        stmt = select(DublinCaseRow)
        if actor.role not in SEES_ALL:
            s = actor.state or ""
            party = select(DublinMessageRow.case_id).where(
                or_(DublinMessageRow.from_state == s, DublinMessageRow.to_state == s)
            )
            stmt = stmt.where(
                or_(
                    DublinCaseRow.holder_state == s,
                    DublinCaseRow.responsible_state == s,
                    DublinCaseRow.id.in_(party),
                )
            )
        with self.ctx.uow.read() as session:
            rows = list(
                session.execute(stmt.order_by(DublinCaseRow.updated_at.desc(), DublinCaseRow.id))
                .scalars()
                .all()
            )
        items = [
            {
                "ref": r.case_ref,
                "holder_state": r.holder_state,
                "responsible_state": r.responsible_state,
                "version": r.version,
                "updated_at": utc(r.updated_at).isoformat(),
            }
            for r in rows
        ]
        return items[offset : offset + limit], len(items)

    def _visible_reads(
        self, actor: Actor, stmt: Any, on: dt.date, every: bool = False
    ) -> list[CaseRead]:
        """Every case ``stmt`` selects that the actor sees (``every``: all of them), with its
        decision on ``on``."""
        out = []
        with self.ctx.uow.read() as session:
            rows = session.execute(stmt.order_by(DublinCaseRow.id)).scalars().all()
            for row in rows:
                messages = self._messages(session, row.id)
                case = facts_.case_on(row.facts, on, f"case {row.case_ref}")
                decision = self.determine(case)
                if not every and not self._sees(
                    actor, row, messages, row.responsible_state, decision.responsible_state
                ):
                    continue
                requests, _ = facts_.request_states(decision, messages)
                out.append(CaseRead(row, case, decision, messages, requests, []))
        self._observe(actor, out)
        return out

    def open_deadlines(
        self, actor: Actor, state: str | None = None
    ) -> tuple[str, list[tuple[str, Deadline]]]:
        """The open time limits a state must act on (a Member State: its own), earliest first."""
        authorize(actor, "dublin.read")
        if actor.role is Role.MEMBER_STATE:
            if state is not None and state != actor.state:
                raise Forbidden(
                    [
                        Problem(
                            "state",
                            state,
                            f"a Member State reads its own time limits; this token is "
                            f"{actor.state}'s",
                        )
                    ],
                    "not allowed",
                )
            state = actor.state
        on = self.ctx.today()
        reads = self._visible_reads(actor, select(DublinCaseRow), on)
        items = [
            (r.row.case_ref, d)
            for r in reads
            for d in r.decision.deadlines
            if d.status is Status.OPEN and (state is None or d.acting_state == state)
        ]
        items.sort(key=lambda x: (x[1].due, x[0], x[1].id))
        who = state or "all states"
        return f"AMMR Part III time limits — {who}", items

    def offset_cases(self, actor: Actor, benefitting: str) -> list[dict[str, Any]]:
        """Art. 63(8): the cases ``benefitting`` is responsible for that a responsibility offset
        may take, as the offsets workflow reads them (:class:`OffsetCase`)."""
        authorize(actor, "dublin.read")
        if actor.role is Role.MEMBER_STATE and benefitting != actor.state:
            from eupact.cycle.store.models import OffsetRequestRow

            with self.ctx.uow.read() as session:
                asked = session.execute(
                    select(OffsetRequestRow.id).where(
                        OffsetRequestRow.benefitting_state == benefitting,
                        OffsetRequestRow.contributing_state == actor.state,
                    )
                ).first()
            if asked is None:
                raise Forbidden(
                    [
                        Problem(
                            "benefitting_state",
                            benefitting,
                            "a Member State reads the offset cases of its own state, or of a "
                            "benefitting state that asked it for responsibility offsets "
                            f"(Art. 63(6), 69); this token is {actor.state}'s",
                        )
                    ],
                    "not allowed",
                )
        on = self.ctx.today()
        stmt = select(DublinCaseRow).where(DublinCaseRow.responsible_state == benefitting)
        # the benefitting state's own cases, or (asked for offsets) all it is responsible for
        every = actor.role is Role.MEMBER_STATE
        return [
            facts_.offset_case_dict(facts_.offset_case(r.row.case_ref, r.case, r.decision))
            for r in self._visible_reads(actor, stmt, on, every)
            if r.decision.offsets_eligible and r.decision.responsible_state == benefitting
        ]

    # -- what the service finds by itself -----------------------------------------------------

    def _observed(self, session: Session, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
        out: dict[int, list[dict[str, Any]]] = {}
        if not ids:
            return out
        rows = session.execute(
            select(DublinObservationRow)
            .where(DublinObservationRow.case_id.in_(ids))
            .order_by(DublinObservationRow.id)
        ).scalars()
        for r in rows:
            out.setdefault(r.case_id, []).append(
                {
                    "key": r.key,
                    "on": r.on.isoformat(),
                    "observed_at": utc(r.observed_at).isoformat(),
                    **r.what,
                }
            )
        return out

    def _observe(self, actor: Actor, reads: list[CaseRead]) -> bool:
        """Record (and audit) what the decisions as of today show for the first time; True if
        something was recorded. A reader's other ``as_of`` is a question, not an observation."""
        today = self.ctx.today()
        found: list[tuple[DublinCaseRow, facts_.Observation]] = []
        for r in reads:
            if r.decision.as_of != today:
                continue
            _, deemed = facts_.request_states(r.decision, r.messages)
            shift = facts_.shift_of(r.decision)
            found += [(r.row, o) for o in (*deemed, *([shift] if shift else []))]
        if not found:
            return False
        ids = sorted({row.id for row, _ in found})
        with self.ctx.uow.read() as session:
            known = {
                (case_id, key)
                for case_id, key in session.execute(
                    select(DublinObservationRow.case_id, DublinObservationRow.key).where(
                        DublinObservationRow.case_id.in_(ids)
                    )
                )
            }
        new = [(row, o) for row, o in found if (row.id, o.key) not in known]
        if not new:
            return False
        try:
            with self.ctx.uow.tx() as session:
                for row, o in new:
                    seen = DublinObservationRow(
                        case_id=row.id,
                        key=o.key,
                        on=o.on,
                        observed_at=self.ctx.clock(),
                        what=o.what,
                    )
                    session.add(seen)
                    session.flush()
                    self.ctx.uow.audit(
                        session,
                        actor,
                        "dublin.observe",
                        o.article,
                        f"dublin_case:{row.id}",
                        None,
                        {"case_ref": row.case_ref, "observed": o.key, **o.what},
                    )
        except IntegrityError:  # another reader recorded it at the same moment
            return True
        return True

    # -- writing -----------------------------------------------------------------------------

    def _decide(self, case: Case) -> Decision:
        return self.determine(case)

    def _audit_case(
        self,
        session: Session,
        actor: Actor,
        action: str,
        article: str,
        row: DublinCaseRow,
        before: dict[str, Any] | None,
    ) -> DublinCaseRecord:
        session.flush()
        record = DublinCaseRecord.of(row, row.responsible_state)
        self.ctx.uow.audit(
            session, actor, action, article, f"dublin_case:{row.id}", before, record.as_dict()
        )
        return record

    def create(self, actor: Actor, facts: Any, key: str | None = None) -> DublinCaseRecord:
        """A new case held by the token's state, which must run the procedure."""
        authorize(actor, "dublin.write")
        today = self.ctx.today()
        case = facts_.case_on(facts, today)
        facts_.check_ref(case.case_id, "case_id")
        decision = self._decide(case)
        problem = facts_.holder_problem(decision, actor.state or "")
        if problem is not None:
            raise Forbidden([problem], "not allowed")

        def work(session: Session) -> DublinCaseRecord:
            taken = session.execute(
                select(DublinCaseRow.id).where(DublinCaseRow.case_ref == case.case_id)
            ).first()
            if taken is not None:
                raise Conflict(
                    [
                        Problem(
                            "case_id",
                            case.case_id,
                            "a case with this reference exists: choose another pseudonym",
                        )
                    ],
                    "conflict",
                )
            now = self.ctx.clock()
            row = DublinCaseRow(
                case_ref=case.case_id,
                holder_state=actor.state or "",
                responsible_state=decision.responsible_state,
                facts=facts_.stored(case),
                created_at=now,
                updated_at=now,
                actor=actor.id,
            )
            session.add(row)
            return self._audit_case(session, actor, "dublin.create", "Art. 38(1) AMMR", row, None)

        payload = {"op": "dublin.create", "facts": facts_.digest(facts)}
        return self.ctx.uow.write(actor, key, payload, work)  # type: ignore[type-var]

    def _holder_row(
        self, session: Session, actor: Actor, ref: str, what: str, article: str
    ) -> tuple[DublinCaseRow, list[dict[str, Any]]]:
        """The case, for its holder only (a state that sees it is refused in words, any other
        is answered 404)."""
        row = self._row(session, actor, ref, lock=True)
        messages = self._messages(session, row.id)
        if not self._sees(actor, row, messages, row.responsible_state):
            raise not_found(ref)
        if actor.state != row.holder_state:
            raise Forbidden(
                [
                    Problem(
                        "state",
                        actor.state,
                        f"only the state that holds the case ({row.holder_state}) {what} "
                        f"({article})",
                    )
                ],
                "not allowed",
            )
        return row, messages

    def _save(
        self,
        session: Session,
        actor: Actor,
        row: DublinCaseRow,
        facts: dict[str, Any],
        action: str,
        article: str,
        holder_check: bool = False,
    ) -> DublinCaseRecord:
        """The new facts, checked as a case today, on the row; audited."""
        case = facts_.case_on(facts, self.ctx.today(), f"case {row.case_ref}")
        decision = self._decide(case)
        if holder_check:
            problem = facts_.holder_problem(decision, row.holder_state)
            if problem is not None:
                raise EupactError([problem], "case refused")
        before = DublinCaseRecord.of(row, row.responsible_state).as_dict()
        row.facts = facts_.stored(case)
        flag_modified(row, "facts")  # written (and the version moved) even if nothing changed
        row.responsible_state = decision.responsible_state
        row.updated_at = self.ctx.clock()
        return self._audit_case(session, actor, action, article, row, before)

    def update(
        self, actor: Actor, ref: str, facts: Any, if_match: int, key: str | None = None
    ) -> DublinCaseRecord:
        """The holder changes the facts (``if_match``: the version it read); the procedure the
        messages recorded stays as recorded."""
        authorize(actor, "dublin.write")
        sent = facts_.case_on(facts, self.ctx.today())

        def work(session: Session) -> DublinCaseRecord:
            row, _ = self._holder_row(session, actor, ref, "changes its facts", "Art. 38(1)")
            if sent.case_id != row.case_ref:
                raise EupactError(
                    [Problem("case_id", sent.case_id, f"the case's reference is {ref}")],
                    "case refused",
                )
            if row.version != if_match:
                raise_stale(row.version, if_match)
            new = facts_.merged(sent, row.facts)
            return self._save(
                session, actor, row, new, "dublin.update", "Art. 38(1) AMMR", holder_check=True
            )

        payload = {"op": "dublin.update", "ref": ref, "v": if_match, "facts": facts_.digest(facts)}
        return self.ctx.uow.write(actor, key, payload, work)  # type: ignore[type-var]

    def _message(
        self,
        session: Session,
        actor: Actor,
        row: DublinCaseRow,
        fields: dict[str, Any],
        article: str,
    ) -> DublinMessageRecord:
        m = DublinMessageRow(case_id=row.id, created_at=self.ctx.clock(), actor=actor.id, **fields)
        session.add(m)
        session.flush()
        record = DublinMessageRecord.of(m, row.case_ref)
        self.ctx.uow.audit(
            session,
            actor,
            f"dublin.{m.kind}",
            article,
            f"dublin_message:{m.id}",
            None,
            record.as_dict(),
        )
        return record

    def _dates(
        self, sent_on: dt.date | None, received_on: dt.date | None, field: str = "sent_on"
    ) -> tuple[dt.date, dt.date | None]:
        today = self.ctx.today()
        sent = sent_on or today
        problems = [
            Problem(name, value, f"on or before today ({today.isoformat()})")
            for name, value in ((field, sent), ("received_on", received_on))
            if value is not None and value > today
        ]
        if problems:
            raise EupactError(problems, "message refused")
        return sent, received_on

    def send(
        self,
        actor: Actor,
        ref: str,
        kind: str,
        to_state: str,
        *,
        sent_on: dt.date | None = None,
        received_on: dt.date | None = None,
        article: str = "",
        based_on_hit: bool = False,
        urgent_period_days: int | None = None,
        note: str = "",
        key: str | None = None,
    ) -> DublinMessageRecord:
        """The holder sends a take charge request (Art. 39), a take back notification (41(1))
        or a request for information (51) to another state."""
        authorize(actor, "dublin.write")
        message_kind = facts_.kind_of(facts_.REQUEST_KINDS, kind)
        sent, received = self._dates(sent_on, received_on)
        articles = {
            "take_charge_request": "Art. 39 AMMR",
            "take_back_notification": "Art. 41(1) AMMR",
            "information_request": "Art. 51 AMMR",
        }

        def work(session: Session) -> DublinMessageRecord:
            row, messages = self._holder_row(
                session, actor, ref, "sends requests and notifications", articles[message_kind]
            )
            for m in messages:
                answered = any(x["request_id"] == m["id"] for x in messages)
                if m["kind"] == message_kind and m["to_state"] == to_state and not answered:
                    raise Conflict(
                        [
                            Problem(
                                "to_state",
                                to_state,
                                f"a {message_kind.replace('_', ' ')} to {to_state} sent on "
                                f"{m['sent_on'].isoformat()} awaits its reply (message "
                                f"{m['id']})",
                            )
                        ],
                        "conflict",
                    )
            fields = {
                "kind": message_kind,
                "from_state": row.holder_state,
                "to_state": to_state,
                "sent_on": sent,
                "received_on": received,
                "article": article,
                "based_on_hit": based_on_hit,
                "note": note,
            }
            facts = facts_.copied(row.facts)
            index = facts_.add_request(
                facts, message_kind, {**fields, "urgent_period_days": urgent_period_days}
            )
            detail: dict[str, Any] = {"index": index}
            if urgent_period_days is not None:
                detail["urgent_period_days"] = urgent_period_days
            self._save(session, actor, row, facts, "dublin.send", articles[message_kind])
            return self._message(
                session, actor, row, {**fields, "detail": detail}, articles[message_kind]
            )

        payload = {
            "op": "dublin.send",
            "ref": ref,
            "kind": kind,
            "to": to_state,
            "sent_on": str(sent),
            "received_on": str(received),
            "article": article,
            "hit": based_on_hit,
            "urgent": urgent_period_days,
            "note": note,
        }
        return self.ctx.uow.write(actor, key, payload, work)  # type: ignore[type-var]


__all__ = ["SEES_ALL", "DublinWorkspace"]
