"""The Dublin workspace's records and views (Part III AMMR): a case and a message as a write answers
them and the audit log records them (the facts as their SHA-256, never copied into the log), a
case as a reader sees it, and the audit replay's knowledge of the workspace's tables (``eupact
audit verify`` finds a row changed behind the service's back)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from eupact.cycle import audit_replay
from eupact.cycle.records import KINDS, Plain, utc
from eupact.cycle.service import dublin_facts as facts_
from eupact.cycle.store.dublin import DublinCaseRow, DublinMessageRow
from eupact.errors import NotFound, PreconditionFailed, Problem
from eupact.responsibility import Case, Decision


@dataclass(frozen=True, slots=True)
class DublinCaseRecord(Plain):
    """A case as a write answers it and the audit log records it (its facts as a digest)."""

    kind_name: ClassVar[str] = "dublin_case"
    id: int
    case_ref: str
    holder_state: str
    responsible_state: str
    facts_sha256: str
    version: int
    updated_at: dt.datetime

    @classmethod
    def of(cls, row: DublinCaseRow, responsible: str) -> DublinCaseRecord:
        return cls(
            row.id,
            row.case_ref,
            row.holder_state,
            responsible,
            facts_.digest(row.facts),
            row.version,
            utc(row.updated_at),
        )


@dataclass(frozen=True, slots=True)
class DublinMessageRecord(Plain):
    """A message between two Member States about a case."""

    kind_name: ClassVar[str] = "dublin_message"
    id: int
    case_id: int
    case_ref: str
    kind: str
    from_state: str
    to_state: str
    sent_on: dt.date
    received_on: dt.date | None
    article: str
    based_on_hit: bool
    note: str
    request_id: int | None
    detail: dict[str, Any]

    @classmethod
    def of(cls, row: DublinMessageRow, ref: str) -> DublinMessageRecord:
        return cls(
            row.id,
            row.case_id,
            ref,
            row.kind,
            row.from_state,
            row.to_state,
            row.sent_on,
            row.received_on,
            row.article,
            row.based_on_hit,
            row.note,
            row.request_id,
            dict(row.detail or {}),
        )


# An idempotent retry is answered from the stored record (eupact.cycle.records.restored).
KINDS.setdefault(DublinCaseRecord.kind_name, DublinCaseRecord)
KINDS.setdefault(DublinMessageRecord.kind_name, DublinMessageRecord)


def _facts_digest(value: Any) -> str:
    return facts_.digest(value)


# `eupact audit verify` replays the entries against these rows too (a row changed behind the
# service's back is found); the facts are compared by their digest.
audit_replay.KINDS.setdefault(
    "dublin_case",
    audit_replay.Kind(
        DublinCaseRow.__table__,
        "id",
        {
            **audit_replay._plain("case_ref", "holder_state", "version"),
            "facts_sha256": ("facts", (_facts_digest, audit_replay._same)),
        },
    ),
)
audit_replay.KINDS.setdefault(
    "dublin_message",
    audit_replay.Kind(
        DublinMessageRow.__table__,
        "id",
        {
            **audit_replay._plain(
                "case_id", "kind", "from_state", "to_state", "article", "based_on_hit", "note"
            ),
            **{d: (d, audit_replay.DAY) for d in ("sent_on", "received_on")},
        },
    ),
)


@dataclass(frozen=True, slots=True)
class CaseRead:
    """A case as a reader sees it on ``as_of``: its row, messages, the decision and the
    workflow's states."""

    row: DublinCaseRow
    case: Case
    decision: Decision
    messages: list[dict[str, Any]]
    requests: list[dict[str, Any]]
    observed: list[dict[str, Any]]  # what the service found by itself, with when it first did

    def summary(self) -> dict[str, Any]:
        d = self.decision
        nxt = d.next_deadline()
        deemed = [r for r in self.requests if r["state"].startswith("deemed_")]
        shift = facts_.shift_of(d)
        return {
            "responsible_state": d.responsible_state,
            "route": d.route.value,
            "basis": d.basis,
            "criterion_state": d.criterion_state,
            "determining_state": d.determining_state,
            "as_of": d.as_of.isoformat(),
            "next_deadline": None if nxt is None else nxt.as_dict(),
            "deemed": [
                {"request": r["id"], "state": r["state"], "on": r["state_on"]} for r in deemed
            ],
            "responsibility_shift": None if shift is None else shift.what,
            "offsets_eligible": d.offsets_eligible,
            "manual_review": d.manual_review,
        }

    def as_dict(self) -> dict[str, Any]:
        r = self.row
        return {
            "ref": r.case_ref,
            "holder_state": r.holder_state,
            "version": r.version,
            "created_at": utc(r.created_at).isoformat(),
            "updated_at": utc(r.updated_at).isoformat(),
            "facts": r.facts,
            "status": self.summary(),
            "requests": self.requests,
            "messages": [message_view(m) for m in self.messages],
            "observed": self.observed,
        }


def message_view(m: dict[str, Any]) -> dict[str, Any]:
    out = dict(m)
    for key in ("sent_on", "received_on"):
        out[key] = m[key].isoformat() if m[key] else None
    out["created_at"] = utc(m["created_at"]).isoformat()
    return out


def message_dict(row: DublinMessageRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "from_state": row.from_state,
        "to_state": row.to_state,
        "sent_on": row.sent_on,
        "received_on": row.received_on,
        "article": row.article,
        "based_on_hit": row.based_on_hit,
        "note": row.note,
        "request_id": row.request_id,
        "detail": dict(row.detail or {}),
        "created_at": row.created_at,
        "actor": row.actor,
    }


def not_found(ref: str) -> NotFound:
    return NotFound([Problem("ref", ref, "no such case")], "not found")


def raise_stale(version: int, if_match: int) -> None:
    raise PreconditionFailed(
        [
            Problem(
                "If-Match",
                f'"{if_match}"',
                f'the case is at version "{version}": read it again and retry (no update was lost)',
            )
        ],
        "version conflict",
    )


__all__ = [
    "CaseRead",
    "DublinCaseRecord",
    "DublinMessageRecord",
    "message_dict",
    "not_found",
    "raise_stale",
]
