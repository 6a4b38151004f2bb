"""The cycle service: every step of the annual cycle, recorded, authorised and audited.

Each write runs in one transaction with its audit entry and its idempotency record, so a write is
either wholly there (and answered the same way when retried with the same key) or not at all.
The pool's figures come from the same rules as the CLI (:mod:`eupact.pool`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from sqlalchemy import Delete, Engine, Row, Update, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from eupact.cycle import audit
from eupact.cycle.calendar import assessment_due, cycle_calendar, reply_due
from eupact.cycle.permissions import Actor, Forbidden, authorize
from eupact.cycle.phases import (
    AFTER_ACT,
    DEDUCTION_RULE,
    EMBARGO_PHASES,
    IMPLEMENTATION_RULE,
    OFFSET_RULE,
    PLEDGE_PHASES,
    PLEDGE_RULE,
    Action,
    Phase,
    Role,
    check_transition,
    require_phase,
)
from eupact.cycle.store.db import WRITE, write_lock
from eupact.cycle.store.models import (
    CycleRow,
    DeductionRow,
    IdempotencyRow,
    ImplementationRow,
    OffsetRequestRow,
    PledgeRow,
    StepRow,
    TokenRow,
)
from eupact.data.snapshot import Snapshot, load_snapshot
from eupact.errors import Conflict, EupactError, NotFound, PreconditionFailed, Problem, Unauthorized
from eupact.key.reference_key import ReferenceKey, key_from_snapshot
from eupact.parameters import ParameterSet, load_parameters
from eupact.pool.acts import CouncilAct, council_act
from eupact.pool.outcome import PoolOutcome, compute_outcome
from eupact.pool.pledges import (
    Deduction,
    DeductionStatus,
    Pledge,
    PledgeKind,
    validate_deductions,
    validate_pledges,
)
from eupact.pool.proposal import propose_pool
from eupact.reports.tables import allocation_table, outcome_table, plain

CENT = Decimal("0.01")
MAX_EUR = Decimal(10) ** 13  # above the whole EU budget: a typo, not a pledge


def cents(amount: Decimal) -> int:
    """Euro to cents, exactly: an amount with a fraction of a cent is refused, not rounded."""
    exact = amount / CENT
    if exact != exact.to_integral_value():
        raise EupactError([Problem("amount", str(amount), "at most two decimals (euro cents)")])
    return int(exact)


def eur(amount_cents: int) -> Decimal:
    return (Decimal(amount_cents) * CENT).quantize(CENT)


@dataclass(frozen=True)
class Reply:
    """What a write answers: HTTP status and body (stored for idempotent retries)."""

    status: int
    body: dict[str, Any]


def fingerprint(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def pledge_view(row: PledgeRow) -> dict[str, Any]:
    return _pledge_view({c: getattr(row, c) for c in _PLEDGE_COLUMNS})


def _pledge_view(row: Mapping[Any, Any]) -> dict[str, Any]:
    """A pledge as the API shows it, from its columns (an ORM row's or a Core row's)."""
    return {
        "id": row["id"],
        "year": row["year"],
        "state": row["state"],
        "kind": row["kind"],
        "relocations": row["relocations"],
        "amount_eur": str(eur(row["amount_cents"])),
        "requested_by": [s for s in row["requested_by"].split(",") if s],
        "note": row["note"],
        "version": row["version"],
        "updated_at": _utc(row["updated_at"]).isoformat(),
    }


_PLEDGE_COLUMNS = tuple(c.name for c in PledgeRow.__table__.columns)

# The pledge writes' statements, built once (Core: no ORM unit of work on the hot path).
_PHASE = select(CycleRow.phase).where(CycleRow.year == bindparam("year"))
_PLEDGE = select(*PledgeRow.__table__.columns).where(PledgeRow.id == bindparam("id"))
_PLEDGE_OF = select(PledgeRow.id).where(
    PledgeRow.year == bindparam("year"),
    PledgeRow.state == bindparam("state"),
    PledgeRow.kind == bindparam("kind"),
)
_SEEN = select(IdempotencyRow.fingerprint, IdempotencyRow.status, IdempotencyRow.response).where(
    IdempotencyRow.actor == bindparam("actor"), IdempotencyRow.key == bindparam("key")
)
_TOKEN = select(TokenRow.id, TokenRow.role, TokenRow.state, TokenRow.revoked).where(
    TokenRow.token_hash == bindparam("token_hash")
)
_AUDIT = "eupact_audit"  # Session.info key: the audit entries a write appends before COMMIT


def deduction_view(row: DeductionRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "year": row.year,
        "state": row.state,
        "article": row.article,
        "full": row.full,
        "relocations": row.relocations,
        "amount_eur": str(eur(row.amount_cents)),
        "self_assessed": row.self_assessed,
        "reasons": row.reasons,
        "status": row.status,
        "requested_on": row.requested_on.isoformat(),
        "assessment_due": row.assessment_due.isoformat(),
        "assessment": row.assessment,
        "assessed_on": _iso(row.assessed_on),
        "council_act": row.council_act,
        "decided_on": _iso(row.decided_on),
        "version": row.version,
    }


def offset_view(row: OffsetRequestRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "year": row.year,
        "benefitting_state": row.benefitting_state,
        "contributing_state": row.contributing_state,
        "applications": row.applications,
        "requested_on": row.requested_on.isoformat(),
        "reply_due": row.reply_due.isoformat(),
        "status": row.status,
        "accepted": row.accepted,
        "replied_on": _iso(row.replied_on),
        "version": row.version,
    }


def implementation_view(row: ImplementationRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "year": row.year,
        "state": row.state,
        "kind": row.kind,
        "benefitting_state": row.benefitting_state,
        "relocations": row.relocations,
        "amount_eur": str(eur(row.amount_cents)),
        "on": row.on.isoformat(),
    }


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


class CycleService:
    """All operations of the cycle; the REST API and the CLI are thin shells over it."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        parameters: ParameterSet | None = None,
        snapshot: Snapshot | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.sessions = sessions
        self.parameters = parameters or load_parameters()
        self.snapshot = snapshot or load_snapshot()
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._keys: dict[int, tuple[CouncilAct, ReferenceKey]] = {}
        self.engine: Engine = sessions.kw["bind"]
        self._write_lock = write_lock(self.engine)
        # Pool years seen to have a cycle: the service never deletes one, so a year once found
        # is not looked up again before a write (the write's transaction reads the cycle anyway).
        self._years: set[int] = set()

    # -- plumbing -----------------------------------------------------------------------------

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        """A writing transaction (on SQLite it takes the write lock at once, after queueing for
        it inside the process: :func:`eupact.cycle.store.db.write_lock`)."""
        with self._write_lock, self.sessions() as session, session.begin():
            session.connection(execution_options={WRITE: True})
            yield session

    def _write(
        self,
        actor: Actor,
        key: str | None,
        payload: Any,
        work: Callable[[Session], Reply],
    ) -> Reply:
        """Run ``work`` once per idempotency key, in one transaction with its stored answer.

        A retry that raced its own first attempt (the first still running when the retry came)
        fails inside; it is then answered from the first attempt's stored record, if committed.

        The audit entries ``work`` records are appended last, just before COMMIT, so that the
        audit chain's head (the one row every write locks) is held as briefly as possible.
        """
        print_ = fingerprint(payload)
        try:
            with self._tx() as session:
                conn = session.connection()
                if key:
                    seen = conn.execute(_SEEN, {"actor": actor.id, "key": key}).one_or_none()
                    if seen is not None:
                        return self._replay(seen, key, print_)
                entries: list[dict[str, Any]] = []
                session.info[_AUDIT] = entries
                reply = work(session)
                if key:
                    conn.execute(
                        insert(IdempotencyRow),
                        {
                            "actor": actor.id,
                            "key": key,
                            "fingerprint": print_,
                            "status": reply.status,
                            "response": reply.body,
                            "created_at": self.clock(),
                        },
                    )
                session.flush()  # the ORM's pending changes, before the audit head is locked
                for entry in entries:
                    audit.append(session, **entry, at=self.clock())
                return reply
        except (StaleDataError, IntegrityError, EupactError) as exc:
            stored = self._stored(actor, key, print_) if key else None
            if stored is not None:
                return stored
            if isinstance(exc, StaleDataError):
                raise PreconditionFailed(
                    [
                        Problem(
                            "version",
                            "",
                            "the record changed since you "
                            "read it: read it again and retry (no update was lost)",
                        )
                    ],
                    "version conflict",
                ) from None
            if isinstance(exc, IntegrityError):
                raise Conflict(
                    [Problem("record", "", f"conflicts with an existing one ({exc.orig})")],
                    "conflict",
                ) from None
            raise

    @staticmethod
    def _replay(seen: IdempotencyRow | Row[Any], key: str, print_: str) -> Reply:
        if seen.fingerprint != print_:
            raise Conflict(
                [
                    Problem(
                        "Idempotency-Key",
                        key,
                        "already used for a different request; use a new key for a new write",
                    )
                ],
                "idempotency key reused",
            )
        return Reply(seen.status, dict(seen.response))

    def _stored(self, actor: Actor, key: str, print_: str) -> Reply | None:
        """The committed answer of an earlier attempt with the same key and the same request."""
        with self.sessions() as session:
            seen = session.get(IdempotencyRow, (actor.id, key))
            if seen is None or seen.fingerprint != print_:
                return None
            return Reply(seen.status, dict(seen.response))

    def _audit(
        self,
        session: Session,
        actor: Actor,
        action: str,
        article: str,
        entity: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        """Record an audit entry: appended at once, or (inside :meth:`_write`) before COMMIT."""
        entry: dict[str, Any] = {
            "actor": actor.id,
            "role": str(actor.role),
            "action": action,
            "article": article,
            "entity": entity,
            "before": before,
            "after": after,
        }
        pending = session.info.get(_AUDIT)
        if pending is None:
            audit.append(session, **entry, at=self.clock())
        else:
            pending.append(entry)

    def _cycle(self, session: Session, year: int, lock: bool = False) -> CycleRow:
        stmt = select(CycleRow).where(CycleRow.year == year)
        row = session.execute(stmt.with_for_update() if lock else stmt).scalar_one_or_none()
        if row is None:
            raise NotFound([Problem("year", year, "no cycle for this pool year")], "not found")
        return row

    def _after_act(
        self, session: Session, year: int, rule: str, what: str, lock: bool = False
    ) -> CycleRow:
        """The cycle, if the Council act establishing its pool has been adopted (else ``rule``)."""
        cycle = self._cycle(session, year, lock=lock)
        require_phase(Phase(cycle.phase), AFTER_ACT, rule, what)
        return cycle

    def _require_cycle(self, year: int) -> None:
        if year not in self._years:
            with self.sessions() as session:
                self._cycle(session, year)
            self._years.add(year)

    @staticmethod
    def _phase(session: Session, year: int) -> Phase:
        """The cycle's phase (one Core statement; NotFound without a cycle)."""
        phase = session.connection().execute(_PHASE, {"year": year}).scalar_one_or_none()
        if phase is None:
            raise NotFound([Problem("year", year, "no cycle for this pool year")], "not found")
        return Phase(phase)

    @staticmethod
    def _pledge_row(session: Session, year: int, pledge_id: int) -> Row[Any]:
        row = session.connection().execute(_PLEDGE, {"id": pledge_id}).one_or_none()
        if row is None or row.year != year:
            raise NotFound([Problem("id", pledge_id, "no such pledge")], "not found")
        return row

    def _today(self) -> dt.date:
        return self.clock().date()

    def act_and_key(self, year: int) -> tuple[CouncilAct, ReferenceKey]:
        """The Council act's parameters and the reference key for the pool year (cached)."""
        if year not in self._keys:
            from eupact.cycle.run import DEFAULT_VINTAGES

            act = council_act(year, self.parameters)
            key = key_from_snapshot(
                self.snapshot, self.parameters.at(act.act_date), DEFAULT_VINTAGES[year]
            )
            self._keys[year] = (act, key)
        return self._keys[year]

    # -- tokens --------------------------------------------------------------------------------

    def create_token(self, role: Role, state: str | None = None, label: str = "") -> str:
        """A new API token (shown once; only its hash is stored)."""
        if (role is Role.MEMBER_STATE) != (state is not None):
            raise EupactError(
                [
                    Problem(
                        "state",
                        state,
                        "a Member State token names its state, and only a Member State token does",
                    )
                ]
            )
        if state is not None and state not in self.parameters.at(self._today())(
            "scope.bound_member_states"
        ):
            raise EupactError([Problem("state", state, "not a Member State bound by Part IV AMMR")])
        token = "eup_" + secrets.token_urlsafe(32)
        with self._tx() as session:
            session.add(
                TokenRow(
                    token_hash=hash_token(token),
                    role=str(role),
                    state=state,
                    label=label,
                    created_at=self.clock(),
                )
            )
        return token

    def authenticate(self, token: str | None) -> Actor:
        if not token:
            raise Unauthorized(
                [Problem("Authorization", "", "send 'Authorization: Bearer <token>'")],
                "not authenticated",
            )
        # One indexed read per request (a revoked token is refused on its next request), on a
        # pooled connection without a Session; on PostgreSQL without BEGIN/ROLLBACK round trips.
        with self.engine.connect() as conn:
            if conn.dialect.name != "sqlite":
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            row = conn.execute(_TOKEN, {"token_hash": hash_token(token)}).one_or_none()
        if row is None or row.revoked:
            raise Unauthorized(
                [Problem("Authorization", "…", "unknown or revoked token")], "not authenticated"
            )
        return Actor(f"token:{row.id}", Role(row.role), row.state)

    # -- the cycle -----------------------------------------------------------------------------

    def create_cycle(self, actor: Actor, year: int, key: str | None = None) -> Reply:
        authorize(actor, "cycle.create")
        self.act_and_key(year)  # refuses a year with no recorded act parameters

        def work(session: Session) -> Reply:
            if session.get(CycleRow, year) is not None:
                raise Conflict(
                    [Problem("year", year, "a cycle for this pool year exists")], "conflict"
                )
            row = CycleRow(
                year=year, phase=str(Phase.OPENED), forum_reconvened=False, created_at=self.clock()
            )
            session.add(row)
            session.flush()
            view = self._cycle_view(session, row)
            self._audit(
                session, actor, "cycle.create", "Art. 7-9 AMMR", f"cycle:{year}", None, view
            )
            return Reply(201, view)

        return self._write(actor, key, {"op": "cycle.create", "year": year}, work)

    def _cycle_view(self, session: Session, row: CycleRow) -> dict[str, Any]:
        steps = session.execute(
            select(StepRow).where(StepRow.year == row.year).order_by(StepRow.id)
        ).scalars()
        done = {Action(s.action): s.on for s in steps}
        act, _ = self.act_and_key(row.year)
        params = self.parameters.at(act.act_date)
        today = self._today()
        return {
            "year": row.year,
            "phase": row.phase,
            "forum_reconvened": row.forum_reconvened,
            "version": row.version,
            "calendar": [d.as_dict(today) for d in cycle_calendar(row.year, params, done)],
        }

    def get_cycle(self, actor: Actor, year: int) -> dict[str, Any]:
        authorize(actor, "cycle.read")
        with self.sessions() as session:
            return self._cycle_view(session, self._cycle(session, year))

    def list_cycles(self, actor: Actor) -> list[dict[str, Any]]:
        authorize(actor, "cycle.read")
        with self.sessions() as session:
            rows = session.execute(select(CycleRow).order_by(CycleRow.year)).scalars().all()
            return [self._cycle_view(session, r) for r in rows]

    def transition(
        self,
        actor: Actor,
        year: int,
        action: Action,
        on: dt.date | None = None,
        key: str | None = None,
    ) -> Reply:
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

        def work(session: Session) -> Reply:
            row = self._cycle(session, year, lock=True)
            t = check_transition(Phase(row.phase), action, actor.role)
            before = {"phase": row.phase}
            row.phase = str(t.target)
            session.add(
                StepRow(
                    year=year,
                    action=str(action),
                    on=on or self._today(),
                    actor=actor.id,
                    article=t.article,
                )
            )
            session.flush()
            self._audit(
                session,
                actor,
                f"cycle.{action}",
                t.article,
                f"cycle:{year}",
                before,
                {"phase": row.phase},
            )
            return Reply(200, self._cycle_view(session, row))

        return self._write(
            actor,
            key,
            {"op": "transition", "year": year, "action": str(action), "on": str(on)},
            work,
        )

    def reconvene_forum(self, actor: Actor, year: int, key: str | None = None) -> Reply:
        """Art. 13(4): the Council reconvenes the Forum; obligatory offsets may then apply."""
        authorize(actor, "cycle.reconvene_forum")

        def work(session: Session) -> Reply:
            row = self._after_act(
                session,
                year,
                "the Forum is reconvened after the Council act, when pledges fall short "
                "(Art. 13(4), 63(3) AMMR)",
                "reconvening",
                lock=True,
            )
            row.forum_reconvened = True
            session.flush()
            self._audit(
                session,
                actor,
                "cycle.reconvene_forum",
                "Art. 13(4) AMMR",
                f"cycle:{year}",
                {"forum_reconvened": False},
                {"forum_reconvened": True},
            )
            return Reply(200, self._cycle_view(session, row))

        return self._write(actor, key, {"op": "reconvene", "year": year}, work)

    # -- pledges -------------------------------------------------------------------------------

    def _visible_states(self, actor: Actor, phase: Phase) -> set[str] | None:
        """None = all states; before the Council act a state sees only its own pledges."""
        if actor.institution or phase not in EMBARGO_PHASES:
            return None
        if actor.role is Role.MEMBER_STATE and actor.state:
            return {actor.state}
        return set()

    def list_pledges(
        self, actor: Actor, year: int, state: str | None = None, offset: int = 0, limit: int = 100
    ) -> tuple[list[dict[str, Any]], int]:
        authorize(actor, "pledge.list")
        with self.sessions() as session:
            cycle = self._cycle(session, year)
            visible = self._visible_states(actor, Phase(cycle.phase))
            stmt = select(PledgeRow).where(PledgeRow.year == year)
            if state:
                stmt = stmt.where(PledgeRow.state == state)
            if visible is not None:
                stmt = stmt.where(PledgeRow.state.in_(visible))
            total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
            rows = session.execute(
                stmt.order_by(PledgeRow.id).offset(offset).limit(limit)
            ).scalars()
            return [pledge_view(r) for r in rows], total

    def get_pledge(self, actor: Actor, year: int, pledge_id: int) -> dict[str, Any]:
        authorize(actor, "pledge.read")
        with self.sessions() as session:
            cycle = self._cycle(session, year)
            row = self._pledge(session, year, pledge_id)
            visible = self._visible_states(actor, Phase(cycle.phase))
            if visible is not None and row.state not in visible:
                raise NotFound([Problem("id", pledge_id, "no such pledge")], "not found")
            return pledge_view(row)

    def _pledge(self, session: Session, year: int, pledge_id: int) -> PledgeRow:
        row = session.get(PledgeRow, pledge_id)
        if row is None or row.year != year:
            raise NotFound([Problem("id", pledge_id, "no such pledge")], "not found")
        return row

    def _check_pledge(self, year: int, pledge: Pledge) -> None:
        act, key = self.act_and_key(year)
        validate_pledges([pledge], act, key.params)
        if pledge.amount > MAX_EUR:
            raise EupactError(
                [
                    Problem(
                        "amount", str(pledge.amount), f"above {MAX_EUR:,}: not a plausible pledge"
                    )
                ]
            )

    def create_pledge(
        self, actor: Actor, year: int, pledge: Pledge, key: str | None = None
    ) -> Reply:
        authorize(actor, "pledge.create", pledge.state)
        self._require_cycle(year)
        self._check_pledge(year, pledge)

        def work(session: Session) -> Reply:
            require_phase(self._phase(session, year), PLEDGE_PHASES, PLEDGE_RULE, "pledge")
            conn = session.connection()
            slot = {"year": year, "state": pledge.state, "kind": str(pledge.kind)}
            exists = conn.execute(_PLEDGE_OF, slot).scalar_one_or_none()
            if exists is not None:
                raise Conflict(
                    [
                        Problem(
                            "kind",
                            str(pledge.kind),
                            f"{pledge.state} already has a "
                            f"{pledge.kind} pledge (id {exists}): change it instead; the "
                            "Council act records one pledge per state and type (Art. 57(1))",
                        )
                    ],
                    "duplicate pledge",
                )
            row = {**slot, **self._amounts(pledge), "version": 1, "updated_at": self.clock()}
            row["id"] = conn.execute(insert(PledgeRow).returning(PledgeRow.id), row).scalar_one()
            view = _pledge_view(row)
            self._audit(
                session,
                actor,
                "pledge.create",
                "Art. 57(3) AMMR",
                f"pledge:{row['id']}",
                None,
                view,
            )
            return Reply(201, view)

        return self._write(
            actor, key, {"op": "pledge.create", "year": year, **self._payload(pledge)}, work
        )

    @staticmethod
    def _amounts(p: Pledge) -> dict[str, Any]:
        relocation = p.kind is PledgeKind.RELOCATION
        return {
            "relocations": int(p.amount) if relocation else 0,
            "amount_cents": 0 if relocation else cents(p.amount),
            "requested_by": ",".join(p.requested_by),
            "note": p.note,
        }

    @staticmethod
    def _payload(p: Pledge) -> dict[str, Any]:
        return {
            "state": p.state,
            "kind": str(p.kind),
            "amount": str(p.amount),
            "requested_by": list(p.requested_by),
            "note": p.note,
        }

    def update_pledge(
        self,
        actor: Actor,
        year: int,
        pledge_id: int,
        pledge: Pledge,
        if_match: int,
        key: str | None = None,
    ) -> Reply:
        authorize(actor, "pledge.update", pledge.state)
        self._require_cycle(year)
        self._check_pledge(year, pledge)

        def work(session: Session) -> Reply:
            phase = self._phase(session, year)
            row = self._pledge_row(session, year, pledge_id)
            authorize(actor, "pledge.update", row.state)
            require_phase(phase, PLEDGE_PHASES, PLEDGE_RULE, "pledge change")
            if (row.state, row.kind) != (pledge.state, str(pledge.kind)):
                raise EupactError(
                    [
                        Problem(
                            "kind",
                            str(pledge.kind),
                            "a pledge keeps its state and type; delete it and pledge anew",
                        )
                    ]
                )
            self._match(row.version, if_match)
            changes = {**self._amounts(pledge), "updated_at": self.clock()}
            self._versioned(
                session,
                update(PledgeRow).values(**changes, version=row.version + 1),
                pledge_id,
                row.version,
            )
            view = _pledge_view({**row._mapping, **changes, "version": row.version + 1})
            self._audit(
                session,
                actor,
                "pledge.update",
                "Art. 57(3) AMMR",
                f"pledge:{row.id}",
                _pledge_view(row._mapping),
                view,
            )
            return Reply(200, view)

        return self._write(
            actor,
            key,
            {"op": "pledge.update", "id": pledge_id, "if_match": if_match, **self._payload(pledge)},
            work,
        )

    @staticmethod
    def _versioned(session: Session, stmt: Update | Delete, pledge_id: int, version: int) -> None:
        """Update or delete the pledge at ``version``; StaleDataError if it changed since read
        (as the ORM's version counter does)."""
        stmt = stmt.where(PledgeRow.id == pledge_id, PledgeRow.version == version)
        if session.connection().execute(stmt).rowcount != 1:
            raise StaleDataError(f"pledge {pledge_id} is no longer at version {version}")

    @staticmethod
    def _match(version: int, if_match: int) -> None:
        if version != if_match:
            raise PreconditionFailed(
                [
                    Problem(
                        "If-Match",
                        if_match,
                        f"the record is at version "
                        f"{version}: read it again and retry (no update was lost)",
                    )
                ],
                "version conflict",
            )

    def delete_pledge(
        self, actor: Actor, year: int, pledge_id: int, if_match: int, key: str | None = None
    ) -> Reply:
        authorize(actor, "pledge.delete", actor.state)

        def work(session: Session) -> Reply:
            phase = self._phase(session, year)
            row = self._pledge_row(session, year, pledge_id)
            authorize(actor, "pledge.delete", row.state)
            require_phase(phase, PLEDGE_PHASES, PLEDGE_RULE, "pledge withdrawal")
            self._match(row.version, if_match)
            before = _pledge_view(row._mapping)
            self._versioned(session, delete(PledgeRow), pledge_id, row.version)
            self._audit(
                session,
                actor,
                "pledge.delete",
                "Art. 57(3) AMMR",
                f"pledge:{pledge_id}",
                before,
                None,
            )
            return Reply(200, {"deleted": pledge_id})

        return self._write(
            actor, key, {"op": "pledge.delete", "id": pledge_id, "if_match": if_match}, work
        )

    # -- deductions (Art. 61, 62) --------------------------------------------------------------

    def list_deductions(self, actor: Actor, year: int) -> list[dict[str, Any]]:
        authorize(actor, "deduction.list")
        with self.sessions() as session:
            self._cycle(session, year)
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
            return [deduction_view(r) for r in rows]

    def request_deduction(
        self, actor: Actor, year: int, d: Deduction, reasons: str = "", key: str | None = None
    ) -> Reply:
        authorize(actor, "deduction.request", d.state)
        act, key_ = self.act_and_key(year)
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

        def work(session: Session) -> Reply:
            self._after_act(session, year, DEDUCTION_RULE, "deduction request")
            pledges = self._pledges(session, year)
            validate_deductions([d], pledges, act, key_.params, self.snapshot.classification)
            today = self._today()
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
                assessment_due=assessment_due(today, key_.params),
            )
            session.add(row)
            session.flush()
            view = deduction_view(row)
            self._audit(
                session,
                actor,
                "deduction.request",
                f"Art. {d.article}(1) AMMR",
                f"deduction:{row.id}",
                None,
                view,
            )
            return Reply(201, view)

        return self._write(
            actor,
            key,
            {
                "op": "deduction.request",
                "year": year,
                "state": d.state,
                "article": d.article,
                "full": d.full,
                "relocations": d.relocations,
                "financial": str(d.financial),
                "self_assessed": d.self_assessed,
                "reasons": reasons,
            },
            work,
        )

    def _deduction(self, session: Session, year: int, deduction_id: int) -> DeductionRow:
        row = session.get(DeductionRow, deduction_id)
        if row is None or row.year != year:
            raise NotFound([Problem("id", deduction_id, "no such deduction request")], "not found")
        return row

    def assess_deduction(
        self, actor: Actor, year: int, deduction_id: int, assessment: str, key: str | None = None
    ) -> Reply:
        """Art. 61(3), 62(4): the Commission's assessment to the Council (within four weeks)."""
        authorize(actor, "deduction.assess")

        def work(session: Session) -> Reply:
            self._after_act(session, year, DEDUCTION_RULE, "deduction assessment")
            row = self._deduction(session, year, deduction_id)
            if row.status != str(DeductionStatus.REQUESTED) or row.assessed_on is not None:
                raise Conflict(
                    [Problem("status", row.status, "already assessed or decided")], "conflict"
                )
            before = deduction_view(row)
            row.assessment, row.assessed_on = assessment, self._today()
            session.flush()
            view = deduction_view(row)
            self._audit(
                session,
                actor,
                "deduction.assess",
                f"Art. {row.article}({3 if row.article == '61' else 4}) AMMR",
                f"deduction:{row.id}",
                before,
                view,
            )
            return Reply(200, view)

        return self._write(
            actor, key, {"op": "assess", "id": deduction_id, "text": assessment}, work
        )

    def decide_deduction(
        self,
        actor: Actor,
        year: int,
        deduction_id: int,
        granted: bool,
        council_act: str,
        key: str | None = None,
    ) -> Reply:
        """Art. 61(4), 62(5): only a Council implementing act grants a deduction."""
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

        def work(session: Session) -> Reply:
            self._after_act(session, year, DEDUCTION_RULE, "deduction decision")
            row = self._deduction(session, year, deduction_id)
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
                            f"already granted a deduction (id "
                            f"{other}) this year: one granted deduction per state; amend that "
                            "one",
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
                            "the Council decides after receiving "
                            "the Commission's assessment (Art. 61(4), 62(5))",
                        )
                    ]
                )
            before = deduction_view(row)
            row.status = str(DeductionStatus.GRANTED if granted else DeductionStatus.REFUSED)
            row.council_act, row.decided_on = council_act, self._today()
            session.flush()
            view = deduction_view(row)
            self._audit(
                session,
                actor,
                "deduction.decide",
                f"Art. {row.article}({4 if row.article == '61' else 5}) AMMR",
                f"deduction:{row.id}",
                before,
                view,
            )
            return Reply(200, view)

        return self._write(
            actor,
            key,
            {"op": "decide", "id": deduction_id, "granted": granted, "act": council_act},
            work,
        )

    # -- responsibility offsets (Art. 63, 69) --------------------------------------------------

    def list_offsets(self, actor: Actor, year: int) -> list[dict[str, Any]]:
        authorize(actor, "offset.list")
        with self.sessions() as session:
            self._cycle(session, year)
            stmt = select(OffsetRequestRow).where(OffsetRequestRow.year == year)
            if actor.role is Role.MEMBER_STATE:
                stmt = stmt.where(
                    (OffsetRequestRow.benefitting_state == actor.state)
                    | (OffsetRequestRow.contributing_state == actor.state)
                )
            return [
                offset_view(r)
                for r in session.execute(stmt.order_by(OffsetRequestRow.id)).scalars()
            ]

    @staticmethod
    def _not_benefitting(act: CouncilAct, state: str, rule: str) -> list[Problem]:
        """No problem if ``state`` benefits from the act's pool; else one naming ``rule``."""
        if state in act.benefitting_states:
            return []
        states = ", ".join(act.benefitting_states)
        return [Problem("benefitting_state", state, f"{rule}; {act.year}: {states}")]

    def request_offsets(
        self,
        actor: Actor,
        year: int,
        benefitting: str,
        contributing: str,
        applications: int,
        key: str | None = None,
    ) -> Reply:
        authorize(actor, "offset.request", benefitting)
        act, key_ = self.act_and_key(year)
        problems = self._not_benefitting(
            act, benefitting, "only a benefitting state requests offsets (Art. 63(1))"
        )
        bound = key_.params("scope.bound_member_states")
        if contributing not in bound or contributing in act.benefitting_states:
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

        def work(session: Session) -> Reply:
            cycle = self._after_act(session, year, OFFSET_RULE, "offsets request")
            outcome = self._outcome(session, year, cycle.forum_reconvened)
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
            today = self._today()
            row = OffsetRequestRow(
                year=year,
                benefitting_state=benefitting,
                contributing_state=contributing,
                applications=applications,
                requested_on=today,
                reply_due=reply_due(today, key_.params),
                status="requested",
            )
            session.add(row)
            session.flush()
            view = offset_view(row)
            self._audit(
                session,
                actor,
                "offset.request",
                "Art. 63(1), 69(1) AMMR",
                f"offset:{row.id}",
                None,
                view,
            )
            return Reply(201, view)

        return self._write(
            actor,
            key,
            {
                "op": "offset.request",
                "year": year,
                "b": benefitting,
                "c": contributing,
                "n": applications,
            },
            work,
        )

    def reply_offsets(
        self, actor: Actor, year: int, offset_id: int, accepted: int, key: str | None = None
    ) -> Reply:
        """Art. 69(2): the contributing state replies within 30 days and may accept fewer."""

        authorize(actor, "offset.reply", actor.state)

        def work(session: Session) -> Reply:
            self._after_act(session, year, OFFSET_RULE, "offsets reply")
            row = session.get(OffsetRequestRow, offset_id)
            if row is None or row.year != year:
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
            before = offset_view(row)
            row.accepted, row.replied_on = accepted, self._today()
            row.status = (
                "accepted"
                if accepted == row.applications
                else "partly accepted"
                if accepted
                else "declined"
            )
            session.flush()
            view = offset_view(row)
            late = row.replied_on > row.reply_due
            self._audit(
                session,
                actor,
                "offset.reply",
                "Art. 69(2) AMMR",
                f"offset:{row.id}",
                before,
                {**view, "late": late},
            )
            return Reply(200, view)

        return self._write(actor, key, {"op": "offset.reply", "id": offset_id, "n": accepted}, work)

    # -- implementation ------------------------------------------------------------------------

    def record_implementation(
        self,
        actor: Actor,
        year: int,
        state: str,
        kind: PledgeKind,
        benefitting: str,
        amount: Decimal,
        key: str | None = None,
    ) -> Reply:
        authorize(actor, "implementation.record", state)
        act, _ = self.act_and_key(year)
        problems = self._not_benefitting(
            act, benefitting, "solidarity goes to a benefitting Member State (Art. 58, 60)"
        )
        if amount <= 0 or not amount.is_finite() or amount > MAX_EUR:
            problems.append(Problem("amount", str(amount), "must be positive and plausible"))
        if kind is PledgeKind.RELOCATION and amount != amount.to_integral_value():
            problems.append(Problem("amount", str(amount), "relocations are whole persons"))
        if problems:
            raise EupactError(problems, "implementation record refused")

        def work(session: Session) -> Reply:
            cycle = self._cycle(session, year)
            require_phase(
                Phase(cycle.phase),
                frozenset({Phase.IMPLEMENTATION}),
                IMPLEMENTATION_RULE,
                "implementation record",
            )
            relocation = kind is PledgeKind.RELOCATION
            row = ImplementationRow(
                year=year,
                state=state,
                kind=str(kind),
                benefitting_state=benefitting,
                relocations=int(amount) if relocation else 0,
                amount_cents=0 if relocation else cents(amount),
                on=self._today(),
            )
            session.add(row)
            session.flush()
            view = implementation_view(row)
            self._audit(
                session,
                actor,
                "implementation.record",
                "Art. 60(3), 64, 68 AMMR",
                f"implementation:{row.id}",
                None,
                view,
            )
            return Reply(201, view)

        return self._write(
            actor,
            key,
            {
                "op": "impl",
                "year": year,
                "state": state,
                "kind": str(kind),
                "b": benefitting,
                "amount": str(amount),
            },
            work,
        )

    def list_implementation(self, actor: Actor, year: int) -> list[dict[str, Any]]:
        authorize(actor, "implementation.list")
        with self.sessions() as session:
            self._cycle(session, year)
            rows = session.execute(
                select(ImplementationRow)
                .where(ImplementationRow.year == year)
                .order_by(ImplementationRow.id)
            ).scalars()
            return [implementation_view(r) for r in rows]

    # -- the pool's figures --------------------------------------------------------------------

    def _pledges(self, session: Session, year: int) -> list[Pledge]:
        rows = session.execute(select(PledgeRow).where(PledgeRow.year == year)).scalars()
        return [
            Pledge(
                r.state,
                PledgeKind(r.kind),
                Decimal(r.relocations) if r.kind == PledgeKind.RELOCATION else eur(r.amount_cents),
                tuple(s for s in r.requested_by.split(",") if s),
                r.note,
                f"pledge:{r.id}",
            )
            for r in rows
        ]

    def _deductions(self, session: Session, year: int) -> list[Deduction]:
        rows = session.execute(select(DeductionRow).where(DeductionRow.year == year)).scalars()
        return [
            Deduction(
                r.state,
                r.article,
                r.full,
                r.relocations,
                eur(r.amount_cents),
                DeductionStatus(r.status),
                r.council_act,
                r.self_assessed,
                f"deduction:{r.id}",
            )
            for r in rows
        ]

    def _outcome(self, session: Session, year: int, reconvened: bool) -> PoolOutcome:
        act, key = self.act_and_key(year)
        return compute_outcome(
            key,
            act,
            self._pledges(session, year),
            self._deductions(session, year),
            forum_reconvened=reconvened,
        )

    def _embargo(self, actor: Actor, phase: Phase, what: str) -> None:
        if phase in EMBARGO_PHASES and actor.role not in (Role.COMMISSION, Role.COUNCIL):
            raise Forbidden(
                [
                    Problem(
                        "phase",
                        str(phase),
                        f"the {what} is RESTREINT UE until the "
                        "Council act: Commission and Council only (Art. 12(6) AMMR)",
                    )
                ],
                "embargoed",
            )

    def proposal(self, actor: Actor, year: int) -> dict[str, Any]:
        authorize(actor, "proposal.read")
        with self.sessions() as session:
            cycle = self._cycle(session, year)
            if Phase(cycle.phase) in (Phase.OPENED, Phase.REPORT_ADOPTED, Phase.DECISION_ADOPTED):
                raise NotFound(
                    [
                        Problem(
                            "phase",
                            cycle.phase,
                            "the Commission has not adopted the proposal yet (Art. 12)",
                        )
                    ],
                    "not found",
                )
            self._embargo(actor, Phase(cycle.phase), "Commission proposal")
        act, key = self.act_and_key(year)
        proposal = propose_pool(key, act.proposal.relocations, act.proposal.financial)
        table = allocation_table(proposal.indicative, "proposal")
        return {
            "totals": {
                "relocations": proposal.totals.relocations,
                "financial_eur": str(proposal.totals.financial),
            },
            "rows": [{k: plain(v) for k, v in r.items()} for r in table.rows],
            "notes": list(table.notes),
        }

    def outcome(self, actor: Actor, year: int) -> dict[str, Any]:
        authorize(actor, "outcome.read")
        with self.sessions() as session:
            cycle = self._cycle(session, year)
            phase = Phase(cycle.phase)
            outcome = self._outcome(session, year, cycle.forum_reconvened)
        table = outcome_table(outcome)
        rows = [{k: plain(v) for k, v in r.items()} for r in table.rows]
        if phase in EMBARGO_PHASES and actor.role not in (Role.COMMISSION, Role.COUNCIL):
            if actor.role is not Role.MEMBER_STATE:
                self._embargo(actor, phase, "pool outcome")
            rows = [r for r in rows if r["geo"] == actor.state]
            return {
                "rows": rows,
                "notes": ["before the Council act a Member State sees its own row"],
            }
        t = outcome.totals
        return {
            "rows": rows,
            "totals": {f.name: plain(getattr(t, f.name)) for f in fields(t)},
            "offsets": outcome.offsets.explain(outcome.key).as_dict(),
            "notes": list(table.notes),
        }

    # -- relocation matching (Art. 67) -------------------------------------------------------

    def match(
        self, actor: Actor, year: int, applicants: list[Any], places: list[Any]
    ) -> dict[str, Any]:
        """Match applicants to pledged places for the pool year (nothing is stored: the states
        confirm each relocation themselves, Art. 67(9))."""
        from eupact.matching import match

        authorize(actor, "matching.run")
        with self.sessions() as session:
            self._after_act(
                session,
                year,
                "relocations are matched under the pool the Council act established "
                "(Art. 57, 67 AMMR)",
                "matching",
            )
        result = match(applicants, places)
        summary = result.summary().as_dict()
        with self._tx() as session:  # who ran which matching is part of the record
            self._audit(
                session,
                actor,
                "matching.run",
                "Art. 67 AMMR",
                f"cycle:{year}",
                None,
                {
                    "applicants": len(applicants),
                    "places": sum(p.places for p in places),
                    "relocated": result.relocated_persons,
                    "gap": result.gap,
                },
            )
        return {"summary": summary, "assignments": [e.as_dict() for e in result.explanations()]}

    # -- audit ---------------------------------------------------------------------------------

    def audit_log(
        self, actor: Actor, offset: int = 0, limit: int = 100
    ) -> tuple[list[dict[str, Any]], int]:
        authorize(actor, "audit.read")
        from eupact.cycle.store.models import AuditRow

        with self.sessions() as session:
            total = session.execute(select(func.count()).select_from(AuditRow)).scalar_one()
            rows = session.execute(
                select(AuditRow).order_by(AuditRow.seq).offset(offset).limit(limit)
            ).scalars()
            return [
                {
                    "seq": r.seq,
                    "at": r.at.isoformat(),
                    "actor": r.actor,
                    "role": r.role,
                    "action": r.action,
                    "article": r.article,
                    "entity": r.entity,
                    "before": r.before,
                    "after": r.after,
                    "prev_hash": r.prev_hash,
                    "hash": r.hash,
                }
                for r in rows
            ], total

    def verify_audit(self, actor: Actor | None = None) -> dict[str, Any]:
        if actor is not None:
            authorize(actor, "audit.verify")
        with self.sessions() as session:
            return audit.verify(session).as_dict()
