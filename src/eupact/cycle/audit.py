"""The append-only audit log: each entry carries the hash of the previous one.

Editing or deleting any entry breaks the chain from that entry on; :func:`verify` finds where.
The chain's head is one locked row, so concurrent writers append one after another.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from eupact.cycle.store.models import AuditHeadRow, AuditRow

GENESIS = "0" * 64


def _digest(prev_hash: str, seq: int, at: dt.datetime, fields: dict[str, Any]) -> str:
    body = json.dumps(
        {"prev": prev_hash, "seq": seq, "at": _iso(at), **fields},
        sort_keys=True,
        default=str,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _iso(at: dt.datetime) -> str:
    # SQLite returns naive datetimes; hash the UTC wall time either way.
    return at.replace(tzinfo=None).isoformat(timespec="microseconds")


def append(
    session: Session,
    *,
    actor: str,
    role: str,
    action: str,
    article: str,
    entity: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    at: dt.datetime,
) -> int:
    """Append one entry inside the caller's transaction (locking the chain's head); its seq.

    No ORM objects: advancing the head's ``seq`` takes the head's row lock and answers the
    previous hash in one round trip (``UPDATE … RETURNING``); then the entry is inserted and the
    head's hash set (one statement on PostgreSQL, two on SQLite). The lock is held from here to
    the caller's COMMIT, so callers append as the last step of their transaction.
    """
    conn = session.connection()
    seq, prev_hash = conn.execute(_ADVANCE).one()
    fields = {
        "actor": actor,
        "role": role,
        "action": action,
        "article": article,
        "entity": entity,
        "before": before,
        "after": after,
    }
    digest = _digest(prev_hash, seq, at, fields)
    entry = {"seq": seq, "at": at, "prev_hash": prev_hash, "hash": digest, **fields}
    if conn.dialect.name == "postgresql":
        # one round trip less while the head is locked: INSERT in a CTE of the head's UPDATE
        conn.execute(_APPEND, {f"e_{k}": v for k, v in entry.items()})
    else:
        conn.execute(_INSERT, entry)
        conn.execute(_SET_HASH, {"digest": digest})
    return int(seq)


_ADVANCE = (
    update(AuditHeadRow)
    .where(AuditHeadRow.id == 1)
    .values(seq=AuditHeadRow.seq + 1)
    .returning(AuditHeadRow.seq, AuditHeadRow.hash)  # the new seq, the previous entry's hash
)
_INSERT = insert(AuditRow)
# PostgreSQL: the entry's INSERT rides in a CTE of the head's UPDATE (both take ``e_hash``)
_APPEND = (
    update(AuditHeadRow)
    .where(AuditHeadRow.id == 1)
    .values(hash=bindparam("e_hash"))
    .add_cte(
        insert(AuditRow)
        .values(
            {c.name: bindparam(f"e_{c.name}", type_=c.type) for c in AuditRow.__table__.columns}
        )
        .cte("entry")
    )
)
_SET_HASH = update(AuditHeadRow).where(AuditHeadRow.id == 1).values(hash=bindparam("digest"))


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    first_bad: int | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "first_bad_seq": self.first_bad,
            "reason": self.reason,
        }


def verify(session: Session) -> Verification:
    """Recompute the chain; report the first entry that was edited, deleted or inserted."""
    prev, expected_seq, count = GENESIS, 1, 0
    for row in session.execute(select(AuditRow).order_by(AuditRow.seq)).scalars():
        count += 1
        if row.seq != expected_seq:
            return Verification(
                False, count, expected_seq, f"entry {expected_seq} is missing (deleted)"
            )
        fields = {
            "actor": row.actor,
            "role": row.role,
            "action": row.action,
            "article": row.article,
            "entity": row.entity,
            "before": row.before,
            "after": row.after,
        }
        if row.prev_hash != prev or _digest(prev, row.seq, row.at, fields) != row.hash:
            return Verification(False, count, row.seq, f"entry {row.seq} was altered")
        prev, expected_seq = row.hash, expected_seq + 1
    head = session.get(AuditHeadRow, 1)
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev):
        return Verification(False, count, expected_seq, "the last entries were deleted")
    return Verification(True, count, None, "chain intact")
