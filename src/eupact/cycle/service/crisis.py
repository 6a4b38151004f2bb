"""The crisis and force majeure procedure of Regulation (EU) 2024/1359 (CFMR, Arts 2-7) in the
service: a Member State's reasoned request opens a crisis (Art. 2), the institutions record their
acts about it, everyone signed in reads where it stands.

- A Member State submits its own request only (the token's state), if bound by the CFMR (not
  Denmark, recital 64) and while no other crisis of its own is still open: a state in a crisis
  asks for a new decision within it (Art. 5(2)), and one situation has twelve months at most
  (5(3)).
- The Commission, the Council and the Coordinator record the acts the CFMR gives them
  (:data:`~eupact.cycle.service.crisis_records.RECORDED_BY`); each act is read by
  :func:`eupact.crisis.events.read_event` and the crisis's acts, with it, replayed by
  :func:`eupact.crisis.procedure.replay` (the one place of the rules): an act out of order or
  against the CFMR is refused with its article; a Commission or Council act after its two weeks
  (3(8), 4(3)) is recorded and *flagged* — the law sets a duty to act in time, not a condition
  of validity. The other crises of the same state are the replay's ``others``: their periods
  may not overlap (Art. 5).
- Crisis credits (Art. 9(4)-(5)): a contributing Member State records its own notification
  (the ``crisis.request`` permission: a Member State, for itself), the Commission its
  implementing act; both are refused above what the crisis offsets put above the state's fair
  share (:mod:`eupact.cycle.service.crisis_credits`, which also gives the annual cycle's outcome
  the credits authorised).
- Acts are appended, never changed (``crisis_events``, append-only in the database); each write
  goes through the unit of work (one transaction, its Idempotency-Key, its audit entry naming
  the act's article). ``if_match``: the number of acts the writer read (the crisis's ETag).
- The state of a crisis (phase, due dates, flags, periods, measures) is recomputed on every read
  from its acts, as of today (UTC) or a reader's ``as_of``. A request's reasoning is withheld
  from other Member States and observers (why: :mod:`eupact.cycle.service.crisis_records`).

:meth:`Crises.crises_in_force` gives the responsibility engine and the border procedure the
:class:`~eupact.crisis.measures.AuthorisedMeasures` in force on a day. The Solidarity Response
Plan and the crisis offsets (Arts 4, 9): :mod:`eupact.cycle.service.crisis_plan`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eupact.crisis.events import ARTICLES, Event, Kind
from eupact.crisis.measures import AuthorisedMeasures, in_force
from eupact.crisis.offsets import credits_of
from eupact.crisis.procedure import replay
from eupact.crisis.reading import MAX_EVENTS, read_event
from eupact.crisis.state import CrisisState, Phase
from eupact.cycle.permissions import Actor, authorize
from eupact.cycle.phases import Role
from eupact.cycle.service.context import Context
from eupact.cycle.service.crisis_credits import check_above_fair_share
from eupact.cycle.service.crisis_records import (
    RECORDED_BY,
    ROLE_NAMES,
    CrisisEventRecord,
    crisis_dict,
    crisis_ics,
    reads_reasoning,
)
from eupact.cycle.store.crisis import CrisisEventRow, CrisisRow
from eupact.errors import Conflict, EupactError, Forbidden, NotFound, PreconditionFailed, Problem
from eupact.pool.credits import CrisisCredit

#: Phases in which a crisis is still open: its state submits no second request meanwhile.
OPEN = frozenset(
    {Phase.ASSESSING, Phase.ESTABLISHED, Phase.PROPOSED, Phase.ADOPTED, Phase.APPLYING}
)
MAX_CRISES = 10_000  # crises read for one list


@dataclass(frozen=True)
class CrisisRead:
    """One crisis as a reader sees it: its row, its acts, and where it stands on ``state.as_of``."""

    row: CrisisRow
    events: tuple[CrisisEventRecord, ...]  # the acts adopted by ``state.as_of``
    state: CrisisState
    recorded: int = 0  # every act recorded, later ones included (0: as many as ``events``)
    # Art. 9(4)-(5) CFMR: the credits the acts record (authorised or only notified)
    credits: tuple[CrisisCredit, ...] = ()

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def version(self) -> int:
        """The number of acts recorded (the ETag a writer sends back as ``If-Match``)."""
        return self.recorded or len(self.events)

    def as_dict(self, actor: Actor) -> dict[str, Any]:
        judged = self.state.as_dict()
        judged.pop("events", None)  # the acts as recorded, below, with who recorded them
        if not reads_reasoning(actor, self.row.state):
            judged["request_reasoning"] = "withheld"
        open_dues = self.state.open_dues()
        return {
            **crisis_dict(self.row),
            "version": self.version,
            **judged,
            "measures_in_force": [m.as_dict() for m in self.state.measures_on(self.state.as_of)],
            "next": open_dues[0].as_dict() if open_dues else None,
            "next_report": _next(self.state, "report"),
            "next_bulletin": _next(self.state, "bulletin"),
            # Art. 9(4)-(5): the contributing states' notifications and the Commission's acts
            "credits": [c.as_dict() for c in self.credits],
            "acts": [e.shown(actor) for e in self.events],
        }


def _next(state: CrisisState, prefix: str) -> dict[str, Any] | None:
    for d in state.open_dues():
        if d.key.startswith(prefix):
            return d.as_dict()
    return None


def _event(record: CrisisEventRecord) -> Event:
    return read_event(record.kind, record.on.isoformat(), record.payload, f"act {record.seq}")


event_of = _event  # for the crisis credits (eupact.cycle.service.crisis_credits)


def _crisis_not_found(crisis_id: object) -> NotFound:
    return NotFound(
        [Problem("crisis_id", crisis_id, "no such crisis (GET /api/v1/crises lists them)")],
        "not found",
    )


class Crises:
    """Every operation on the crisis procedure (the API's routes are shells over them)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._cache: tuple[tuple[int, int, dt.date], tuple[AuthorisedMeasures, ...]] | None = None

    # -- reading the store ------------------------------------------------------------------

    @staticmethod
    def _rows(session: Session, crisis_id: int) -> list[CrisisEventRecord]:
        row = session.get(CrisisRow, crisis_id)
        if row is None:
            return []
        found = session.execute(
            select(CrisisEventRow)
            .where(CrisisEventRow.crisis_id == crisis_id)
            .order_by(CrisisEventRow.seq)
        ).scalars()
        return [CrisisEventRecord.of(r, row.state) for r in found]

    def _crisis(self, session: Session, crisis_id: object) -> CrisisRow:
        if not isinstance(crisis_id, int) or isinstance(crisis_id, bool) or crisis_id < 1:
            raise _crisis_not_found(crisis_id)
        row = session.get(CrisisRow, crisis_id)
        if row is None:
            raise _crisis_not_found(crisis_id)
        return row

    def _all(self, session: Session) -> list[tuple[CrisisRow, list[CrisisEventRecord]]]:
        crises = session.execute(select(CrisisRow).order_by(CrisisRow.id).limit(MAX_CRISES))
        rows = list(crises.scalars())
        events: dict[int, list[CrisisEventRecord]] = {r.id: [] for r in rows}
        states = {r.id: r.state for r in rows}
        for e in session.execute(
            select(CrisisEventRow).order_by(CrisisEventRow.crisis_id, CrisisEventRow.seq)
        ).scalars():
            if e.crisis_id in events:
                events[e.crisis_id].append(CrisisEventRecord.of(e, states[e.crisis_id]))
        return [(r, events[r.id]) for r in rows]

    def stored(self, session: Session) -> list[tuple[CrisisRow, list[CrisisEventRecord]]]:
        """Every crisis and its acts as stored (read in ``session``)."""
        return self._all(session)

    def judge(self, acts: Sequence[Event], on: dt.date) -> CrisisState:
        """Where the crisis of ``acts`` stands on ``on`` (the replay, its other crises not read)."""
        return self._judge(acts, on)

    def _judge(
        self,
        acts: Sequence[Event],
        on: dt.date,
        others: Sequence[AuthorisedMeasures] = (),
    ) -> CrisisState:
        as_of = max(on, acts[0].on)
        return replay(acts, self.ctx.parameters, as_of=as_of, others=others)

    def _others(
        self, session: Session, state: str, but: int | None, on: dt.date
    ) -> tuple[tuple[AuthorisedMeasures, ...], list[tuple[int, CrisisState]]]:
        """The measures of ``state``'s other crises and where each stands on ``on``."""
        measures: list[AuthorisedMeasures] = []
        judged = []
        for row, events in self._all(session):
            if row.state != state or row.id == but or not events:
                continue
            s = self._judge([_event(e) for e in events], on)
            measures += s.measures
            judged.append((row.id, s))
        return tuple(measures), judged

    # -- writing ----------------------------------------------------------------------------

    def _day(self, on: dt.date | None) -> dt.date:
        today = self.ctx.today()
        day = on or today
        if day > today:
            raise EupactError(
                [
                    Problem(
                        "date",
                        day,
                        f"an act is recorded once adopted: on or before today ({today})",
                    )
                ],
                "crisis act refused",
            )
        return day

    def open(
        self,
        actor: Actor,
        request: dict[str, Any],
        on: dt.date | None = None,
        key: str | None = None,
        *,
        synthetic: bool = False,
    ) -> CrisisEventRecord:
        """A Member State submits its reasoned request (Art. 2): a new crisis, its first act.
        ``request``: the act's fields (``state`` defaults to the token's)."""
        authorize(actor, "crisis.request", _state_of(request, actor))
        payload = dict(request)
        payload.setdefault("state", actor.state)
        day = self._day(on)
        act = read_event(Kind.REQUEST, day.isoformat(), payload, "request")
        state = str(getattr(act, "state", ""))

        def work(session: Session) -> CrisisEventRecord:
            others, judged = self._others(session, state, None, day)
            for other_id, s in judged:
                if s.phase in OPEN:
                    raise Conflict(
                        [
                            Problem(
                                "state",
                                state,
                                f"{state}'s crisis {other_id} is still open ({s.phase.value}): "
                                "a state in a crisis asks for a new decision within it "
                                "(Art. 5(2) CFMR); one situation has twelve months at most "
                                "(Art. 5(3))",
                            )
                        ],
                        "crisis request refused",
                    )
            self._judge([act], day, others)  # the request itself, against the CFMR
            row = CrisisRow(
                state=state,
                requested_on=day,
                synthetic=synthetic,
                actor=actor.id,
                created_at=self.ctx.clock(),
            )
            session.add(row)
            session.flush()
            self.ctx.uow.audit(
                session,
                actor,
                "crisis.open",
                "Art. 2 CFMR",
                f"crisis:{row.id}",
                None,
                crisis_dict(row),
            )
            return self._append(session, actor, row, 1, act)

        fingerprint = {"op": "crisis.open", "on": str(day), "act": act.as_dict()}
        return self.ctx.uow.write(actor, key, fingerprint, work)  # type: ignore[type-var]

    def record(
        self,
        actor: Actor,
        crisis_id: int,
        kind: str,
        fields: dict[str, Any],
        on: dt.date | None = None,
        *,
        if_match: int | None = None,
        key: str | None = None,
    ) -> CrisisEventRecord:
        """An institution records its act about a crisis (see :data:`RECORDED_BY`); refused
        when out of order or against the CFMR, flagged (and recorded) when late."""
        payload = dict(fields) if isinstance(fields, dict) else fields
        if kind == Kind.CREDIT_NOTIFICATION.value and actor.role is Role.MEMBER_STATE:
            # Art. 9(5): a contributing Member State notifies for itself only
            if isinstance(payload, dict):
                payload = {**payload, "state": payload.get("state", actor.state)}
            authorize(actor, "crisis.request", _state_of(payload, actor))
        else:
            authorize(actor, "crisis.record")
        try:
            k = Kind(kind)
        except ValueError:
            raise EupactError(
                [
                    Problem(
                        "kind",
                        kind,
                        "an act of the procedure: "
                        + ", ".join(x.value for x in Kind if x is not Kind.REQUEST),
                    )
                ],
                "crisis act refused",
            ) from None
        if k is Kind.REQUEST:
            raise EupactError(
                [
                    Problem(
                        "kind",
                        kind,
                        "a reasoned request opens a new crisis (POST /api/v1/crises), by the "
                        "Member State itself (Art. 2(1) CFMR)",
                    )
                ],
                "crisis act refused",
            )
        needed = RECORDED_BY[k]
        if actor.role is not needed:
            raise Forbidden(
                [
                    Problem(
                        "kind",
                        k.value,
                        f"the {k.value.replace('_', ' ')} ({ARTICLES[k]}) is {ROLE_NAMES[needed]}'s "
                        "act: recorded by it only",
                    )
                ],
                "not allowed",
            )
        day = self._day(on)
        act = read_event(k, day.isoformat(), payload, k.value)
        check_above_fair_share(self, actor, crisis_id, act)  # Art. 9(4)-(5), credits only

        def work(session: Session) -> CrisisEventRecord:
            row = self._crisis(session, crisis_id)
            recorded = self._rows(session, row.id)
            if if_match is not None and if_match != len(recorded):
                raise PreconditionFailed(
                    [
                        Problem(
                            "If-Match",
                            f'"{if_match}"',
                            f'crisis {row.id} holds {len(recorded)} act(s) (ETag "{len(recorded)}"): '
                            "read it again and retry (no act was lost)",
                        )
                    ],
                    "version conflict",
                )
            if len(recorded) >= MAX_EVENTS:
                raise EupactError(
                    [
                        Problem(
                            "crisis_id", row.id, f"holds {MAX_EVENTS} acts, the most eupact keeps"
                        )
                    ],
                    "crisis act refused",
                )
            others, _ = self._others(session, row.state, row.id, day)
            self._judge([*(_event(e) for e in recorded), act], day, others)
            return self._append(session, actor, row, len(recorded) + 1, act)

        fingerprint = {
            "op": "crisis.record",
            "crisis": crisis_id,
            "on": str(day),
            "act": act.as_dict(),
            "if_match": if_match,
        }
        return self.ctx.uow.write(actor, key, fingerprint, work)  # type: ignore[type-var]

    def _append(
        self, session: Session, actor: Actor, row: CrisisRow, seq: int, act: Event
    ) -> CrisisEventRecord:
        payload = {k: v for k, v in act.as_dict().items() if k not in ("kind", "date")}
        event = CrisisEventRow(
            crisis_id=row.id,
            seq=seq,
            kind=act.kind.value,
            on=act.on,
            payload=payload,
            actor=actor.id,
            role=str(actor.role),
            recorded_at=self.ctx.clock(),
        )
        session.add(event)
        session.flush()
        record = CrisisEventRecord.of(event, row.state)
        self._cache = None
        self.ctx.uow.audit(
            session,
            actor,
            f"crisis.{act.kind.value}",
            act.article,
            f"{record.kind_name}:{record.id}",
            None,
            record.as_dict(),
        )
        return record

    # -- reading ----------------------------------------------------------------------------

    def _read(self, session: Session, row: CrisisRow, on: dt.date) -> CrisisRead:
        """The crisis as it stood on ``on``: the acts adopted by then (a day in the past is
        not judged with acts that came later)."""
        every = self._rows(session, row.id)
        events = [e for e in every if e.on <= on]
        others, _ = self._others(session, row.state, row.id, on)
        judged = self._judge([_event(e) for e in events], on, others)
        credits = credits_of(judged, self.ctx.parameters.at(row.requested_on))
        return CrisisRead(row, tuple(events), judged, len(every), credits)

    def get(self, actor: Actor, crisis_id: int, as_of: dt.date | None = None) -> CrisisRead:
        """One crisis, its acts and where it stands on ``as_of`` (default: today, UTC)."""
        authorize(actor, "crisis.read")
        with self.ctx.uow.read() as session:
            row = self._crisis(session, crisis_id)
            return self._read(session, row, self._as_of(as_of, row))

    def _as_of(self, as_of: dt.date | None, row: CrisisRow) -> dt.date:
        if as_of is None:
            return self.ctx.today()
        if as_of < row.requested_on:
            raise EupactError(
                [
                    Problem(
                        "as_of",
                        as_of,
                        f"on or after the reasoned request ({row.requested_on.isoformat()})",
                    )
                ]
            )
        return as_of

    def all(self, actor: Actor, state: str | None = None) -> list[CrisisRead]:
        """Every crisis (or ``state``'s), the newest request first, each as of today."""
        authorize(actor, "crisis.read")
        today = self.ctx.today()
        out = []
        with self.ctx.uow.read() as session:
            everything = self._all(session)
        for row, events in everything:
            if state is not None and row.state != state:
                continue
            if not events:
                continue
            others = tuple(
                m
                for r, evs in everything
                if r.state == row.state and r.id != row.id and evs
                for m in self._judge([_event(e) for e in evs], today).measures
            )
            judged = self._judge([_event(e) for e in events], today, others)
            credits = credits_of(judged, self.ctx.parameters.at(row.requested_on))
            out.append(CrisisRead(row, tuple(events), judged, 0, credits))
        return sorted(out, key=lambda r: (r.row.requested_on, r.row.id), reverse=True)

    def ics(self, actor: Actor, crisis_id: int) -> bytes:
        """The crisis's due dates as iCalendar, as of today (one all-day event each)."""
        read = self.get(actor, crisis_id)
        return crisis_ics(read.id, read.state, self.ctx.clock(), read.row.synthetic)

    def measures(self) -> tuple[AuthorisedMeasures, ...]:
        """Every Council implementing decision's measures recorded in the service (their
        periods, extensions and repeals as recorded), for every state; cached until an act is
        recorded (by any process: the cache is keyed on the acts' count and last id)."""
        today = self.ctx.today()
        with self.ctx.uow.read() as session:
            count, last = session.execute(
                select(func.count(CrisisEventRow.id), func.max(CrisisEventRow.id))
            ).one()
            stamp = (int(count or 0), int(last or 0), today)
            if self._cache is not None and self._cache[0] == stamp:
                return self._cache[1]
            found: list[AuthorisedMeasures] = []
            for _, events in self._all(session):
                if events:
                    found += self._judge([_event(e) for e in events], today).measures
        self._cache = (stamp, tuple(found))
        return self._cache[1]

    def in_force(
        self, actor: Actor, on: dt.date, state: str | None = None
    ) -> tuple[AuthorisedMeasures, ...]:
        """:meth:`crises_in_force` for a reader of the procedure."""
        authorize(actor, "crisis.read")
        return self.crises_in_force(on, state)

    def crises_in_force(
        self, on: dt.date, state: str | None = None
    ) -> tuple[AuthorisedMeasures, ...]:
        """The measures whose period of application covers ``on`` (Art. 4(5), 5 CFMR), for
        every state or ``state``: what the responsibility engine and the border procedure read."""
        measures = self.measures()
        states = sorted({m.state for m in measures}) if state is None else [state]
        return tuple(m for s in states for m in in_force(measures, s, on))


def _state_of(request: dict[str, Any], actor: Actor) -> str | None:
    value = request.get("state", actor.state) if isinstance(request, dict) else actor.state
    return value.strip().upper() if isinstance(value, str) else None


__all__ = ["OPEN", "Crises", "CrisisRead"]
