"""The unit of work of every write: one transaction, its idempotency record, its audit entries.

A write is either wholly there — the change, the answer stored under its ``Idempotency-Key`` and
its audit entries — or not at all; a retry with the same key is answered from the stored record,
never repeated. The audit entries are appended last, just before COMMIT, so that the audit
chain's head (the one row every write locks) is held as briefly as possible.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from eupact.cycle import audit
from eupact.cycle.permissions import Actor
from eupact.cycle.records import Record, restored, stored
from eupact.cycle.store.db import WRITE, write_lock
from eupact.cycle.store.models import IdempotencyRow
from eupact.errors import Conflict, EupactError, PreconditionFailed, Problem

R = TypeVar("R", bound=Record)

_SEEN = select(IdempotencyRow.fingerprint, IdempotencyRow.response).where(
    IdempotencyRow.actor == bindparam("actor"), IdempotencyRow.key == bindparam("key")
)
# An idempotency key is stored as given: visible ASCII only (a NUL is refused by PostgreSQL's
# text columns, and what is logged and echoed must be printable).
_KEY = re.compile(r"[\x21-\x7e]{1,128}")
_PENDING = "eupact_audit"  # Session.info key: the audit entries a write appends before COMMIT


def fingerprint(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


class UnitOfWork:
    """Transactions for one database, with idempotency and the audit buffer."""

    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], dt.datetime]) -> None:
        self.sessions = sessions
        self.clock = clock
        self.engine: Engine = sessions.kw["bind"]
        self._write_lock = write_lock(self.engine)

    @contextmanager
    def tx(self) -> Iterator[Session]:
        """A writing transaction (on SQLite it takes the write lock at once, after queueing for
        it inside the process: :func:`eupact.cycle.store.db.write_lock`)."""
        with self._write_lock, self.sessions() as session, session.begin():
            session.connection(execution_options={WRITE: True})
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def write(self, actor: Actor, key: str | None, payload: Any, work: Callable[[Session], R]) -> R:
        """Run ``work`` once per idempotency key, in one transaction with its stored answer.

        A retry that raced its own first attempt (the first still running when the retry came)
        fails inside; it is then answered from the first attempt's stored record, if committed.
        """
        print_ = fingerprint(payload)
        if key is not None and not _KEY.fullmatch(key):
            raise EupactError(
                [Problem("Idempotency-Key", key, "1 to 128 visible ASCII characters, e.g. a UUID")]
            )
        try:
            with self.tx() as session:
                conn = session.connection()
                if key:
                    seen = conn.execute(_SEEN, {"actor": actor.id, "key": key}).one_or_none()
                    if seen is not None:
                        return self._replay(seen.fingerprint, seen.response, key, print_)  # type: ignore[return-value]
                entries: list[dict[str, Any]] = []
                session.info[_PENDING] = entries
                record = work(session)
                if key:
                    conn.execute(
                        insert(IdempotencyRow),
                        {
                            "actor": actor.id,
                            "key": key,
                            "fingerprint": print_,
                            "status": 0,  # the HTTP status is the API's: it follows the operation
                            "response": stored(record),
                            "created_at": self.clock(),
                        },
                    )
                session.flush()  # the ORM's pending changes, before the audit head is locked
                for entry in entries:
                    audit.append(session, **entry, at=self.clock())
                return record
        except (StaleDataError, IntegrityError, EupactError) as exc:
            again = self._stored(actor, key, print_) if key else None
            if again is not None:
                return again  # type: ignore[return-value]
            if isinstance(exc, StaleDataError):
                raise PreconditionFailed(
                    [
                        Problem(
                            "version",
                            "",
                            "the record changed since you read it: read it again and retry "
                            "(no update was lost)",
                        )
                    ],
                    "version conflict",
                ) from None
            if isinstance(exc, IntegrityError):
                raise Conflict(
                    [Problem("record", "", "conflicts with an existing one")], "conflict"
                ) from None
            raise

    @staticmethod
    def _replay(fingerprint_: str, response: Any, key: str, print_: str) -> Record:
        if fingerprint_ != print_:
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
        return restored(dict(response))

    def _stored(self, actor: Actor, key: str | None, print_: str) -> Record | None:
        """The committed answer of an earlier attempt with the same key and the same request."""
        with self.sessions() as session:
            seen = session.get(IdempotencyRow, (actor.id, key))
            if seen is None or seen.fingerprint != print_:
                return None
            return restored(dict(seen.response))

    def audit(
        self,
        session: Session,
        actor: Actor,
        action: str,
        article: str,
        entity: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        """Record an audit entry: appended at once, or (inside :meth:`write`) before COMMIT."""
        self.audit_as(session, actor.id, str(actor.role), action, article, entity, before, after)

    def record(
        self,
        session: Session,
        actor: Actor,
        action: str,
        article: str,
        record: R,
        before: dict[str, Any] | None = None,
    ) -> R:
        """Audit ``record`` as created (no ``before``) or changed, named ``kind:id``; returns it."""
        entity = f"{record.kind_name}:{record.id}"  # type: ignore[union-attr]
        self.audit(session, actor, action, article, entity, before, record.as_dict())
        return record

    def audit_as(
        self,
        session: Session,
        actor_id: str,
        role: str,
        action: str,
        article: str,
        entity: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        """:meth:`audit` for an operator who is not an API actor (``eupact tokens`` at the
        console)."""
        entry: dict[str, Any] = {
            "actor": actor_id,
            "role": role,
            "action": action,
            "article": article,
            "entity": entity,
            "before": before,
            "after": after,
        }
        pending = session.info.get(_PENDING)
        if pending is None:
            audit.append(session, **entry, at=self.clock())
        else:
            pending.append(entry)
