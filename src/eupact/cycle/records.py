"""What the cycle service records and answers: one frozen record per kind of entity.

The service's operations return these (never HTTP statuses or JSON documents: those are the
API's). ``as_dict`` is the record's plain form, the same in the audit log's ``before``/``after``
and in the idempotency store, from which ``from_dict`` rebuilds it for an idempotent retry.
Money is kept in integer euro cents (Art. 64 contributions are in EUR; a cent is the unit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from eupact.errors import EupactError, Problem

CENT = Decimal("0.01")


def cents(amount: Decimal) -> int:
    """Euro to cents, exactly: an amount with a fraction of a cent is refused, not rounded."""
    exact = amount / CENT
    if exact != exact.to_integral_value():
        raise EupactError([Problem("amount", str(amount), "at most two decimals (euro cents)")])
    return int(exact)


def eur(amount_cents: int) -> Decimal:
    return (Decimal(amount_cents) * CENT).quantize(CENT)


def utc(moment: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@dataclass(frozen=True, slots=True)
class PledgeRecord:
    """One state's pledge of one type (Art. 57(3)); ``version`` guards against lost updates."""

    kind_name: ClassVar[str] = "pledge"
    id: int
    year: int
    state: str
    kind: str
    relocations: int
    amount_cents: int
    requested_by: tuple[str, ...]
    note: str
    version: int
    updated_at: dt.datetime

    @classmethod
    def from_columns(cls, row: Any) -> PledgeRecord:
        """From a row's columns (an ORM row, a Core row's mapping or a dict)."""
        get = row.__getitem__ if isinstance(row, dict) else row._mapping.__getitem__
        return cls(
            get("id"),
            get("year"),
            get("state"),
            get("kind"),
            get("relocations"),
            get("amount_cents"),
            tuple(s for s in get("requested_by").split(",") if s),
            get("note"),
            get("version"),
            utc(get("updated_at")),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "year": self.year,
            "state": self.state,
            "kind": self.kind,
            "relocations": self.relocations,
            "amount_eur": str(eur(self.amount_cents)),
            "requested_by": list(self.requested_by),
            "note": self.note,
            "version": self.version,
            "updated_at": self.updated_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PledgeRecord:
        return cls(
            d["id"],
            d["year"],
            d["state"],
            d["kind"],
            d["relocations"],
            cents(Decimal(d["amount_eur"])),
            tuple(d["requested_by"]),
            d["note"],
            d["version"],
            dt.datetime.fromisoformat(d["updated_at"]),
        )


@dataclass(frozen=True, slots=True)
class DeductionRecord:
    """A deduction request (Art. 61, 62), the Commission's assessment, the Council's decision."""

    kind_name: ClassVar[str] = "deduction"
    id: int
    year: int
    state: str
    article: str
    full: bool
    relocations: int
    amount_cents: int
    self_assessed: bool
    reasons: str
    status: str
    requested_on: dt.date
    assessment_due: dt.date
    assessment: str
    assessed_on: dt.date | None
    council_act: str
    decided_on: dt.date | None
    version: int

    @classmethod
    def from_row(cls, r: Any) -> DeductionRecord:
        return cls(
            r.id,
            r.year,
            r.state,
            r.article,
            r.full,
            r.relocations,
            r.amount_cents,
            r.self_assessed,
            r.reasons,
            r.status,
            r.requested_on,
            r.assessment_due,
            r.assessment,
            r.assessed_on,
            r.council_act,
            r.decided_on,
            r.version,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "year": self.year,
            "state": self.state,
            "article": self.article,
            "full": self.full,
            "relocations": self.relocations,
            "amount_eur": str(eur(self.amount_cents)),
            "self_assessed": self.self_assessed,
            "reasons": self.reasons,
            "status": self.status,
            "requested_on": self.requested_on.isoformat(),
            "assessment_due": self.assessment_due.isoformat(),
            "assessment": self.assessment,
            "assessed_on": _iso(self.assessed_on),
            "council_act": self.council_act,
            "decided_on": _iso(self.decided_on),
            "version": self.version,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DeductionRecord:
        return cls(
            d["id"],
            d["year"],
            d["state"],
            d["article"],
            d["full"],
            d["relocations"],
            cents(Decimal(d["amount_eur"])),
            d["self_assessed"],
            d["reasons"],
            d["status"],
            dt.date.fromisoformat(d["requested_on"]),
            dt.date.fromisoformat(d["assessment_due"]),
            d["assessment"],
            _day(d["assessed_on"]),
            d["council_act"],
            _day(d["decided_on"]),
            d["version"],
        )


@dataclass(frozen=True, slots=True)
class OffsetRequestRecord:
    """A benefitting state's request for responsibility offsets and the reply (Art. 63, 69)."""

    kind_name: ClassVar[str] = "offset"
    id: int
    year: int
    benefitting_state: str
    contributing_state: str
    applications: int
    requested_on: dt.date
    reply_due: dt.date
    status: str
    accepted: int | None
    replied_on: dt.date | None
    version: int

    @classmethod
    def from_row(cls, r: Any) -> OffsetRequestRecord:
        return cls(
            r.id,
            r.year,
            r.benefitting_state,
            r.contributing_state,
            r.applications,
            r.requested_on,
            r.reply_due,
            r.status,
            r.accepted,
            r.replied_on,
            r.version,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "year": self.year,
            "benefitting_state": self.benefitting_state,
            "contributing_state": self.contributing_state,
            "applications": self.applications,
            "requested_on": self.requested_on.isoformat(),
            "reply_due": self.reply_due.isoformat(),
            "status": self.status,
            "accepted": self.accepted,
            "replied_on": _iso(self.replied_on),
            "version": self.version,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> OffsetRequestRecord:
        return cls(
            d["id"],
            d["year"],
            d["benefitting_state"],
            d["contributing_state"],
            d["applications"],
            dt.date.fromisoformat(d["requested_on"]),
            dt.date.fromisoformat(d["reply_due"]),
            d["status"],
            d["accepted"],
            _day(d["replied_on"]),
            d["version"],
        )


@dataclass(frozen=True, slots=True)
class ImplementationRecord:
    """What was carried out: persons relocated or money transferred (Art. 60, 64, 67, 68)."""

    kind_name: ClassVar[str] = "implementation"
    id: int
    year: int
    state: str
    kind: str
    benefitting_state: str
    relocations: int
    amount_cents: int
    on: dt.date

    @classmethod
    def from_row(cls, r: Any) -> ImplementationRecord:
        return cls(
            r.id,
            r.year,
            r.state,
            r.kind,
            r.benefitting_state,
            r.relocations,
            r.amount_cents,
            r.on,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "year": self.year,
            "state": self.state,
            "kind": self.kind,
            "benefitting_state": self.benefitting_state,
            "relocations": self.relocations,
            "amount_eur": str(eur(self.amount_cents)),
            "on": self.on.isoformat(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ImplementationRecord:
        return cls(
            d["id"],
            d["year"],
            d["state"],
            d["kind"],
            d["benefitting_state"],
            d["relocations"],
            cents(Decimal(d["amount_eur"])),
            dt.date.fromisoformat(d["on"]),
        )


@dataclass(frozen=True, slots=True)
class CycleRecord:
    """A cycle's phase and its legal calendar as of today (Art. 7-13, 57)."""

    kind_name: ClassVar[str] = "cycle"
    year: int
    phase: str
    forum_reconvened: bool
    version: int
    calendar: tuple[dict[str, Any], ...]
    synthetic: bool = False  # the demonstration's cycle: its records are SYNTHETIC

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "phase": self.phase,
            "forum_reconvened": self.forum_reconvened,
            "version": self.version,
            "synthetic": self.synthetic,
            "calendar": [dict(d) for d in self.calendar],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CycleRecord:
        return cls(
            d["year"],
            d["phase"],
            d["forum_reconvened"],
            d["version"],
            tuple(d["calendar"]),
            d.get("synthetic", False),
        )


@dataclass(frozen=True, slots=True)
class Withdrawn:
    """A pledge withdrawn while pledging was open."""

    kind_name: ClassVar[str] = "withdrawn"
    id: int

    def as_dict(self) -> dict[str, Any]:
        return {"deleted": self.id}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Withdrawn:
        return cls(d["deleted"])


Record = (
    PledgeRecord
    | DeductionRecord
    | OffsetRequestRecord
    | ImplementationRecord
    | CycleRecord
    | Withdrawn
)
KINDS: dict[str, Any] = {
    k.kind_name: k
    for k in (
        PledgeRecord,
        DeductionRecord,
        OffsetRequestRecord,
        ImplementationRecord,
        CycleRecord,
        Withdrawn,
    )
}


def stored(record: Record) -> dict[str, Any]:
    """The record as the idempotency store keeps it."""
    return {"record": record.kind_name, "data": record.as_dict()}


def restored(document: dict[str, Any]) -> Record:
    """The record an earlier attempt answered (``stored``'s inverse)."""
    kind = KINDS.get(str(document.get("record")))
    if kind is None:  # written by an older eupact (it stored the HTTP body)
        raise EupactError(
            [
                Problem(
                    "Idempotency-Key",
                    "",
                    "the stored answer predates this version of eupact; use a new key",
                )
            ],
            "idempotency key reused",
        )
    result: Record = kind.from_dict(document["data"])
    return result


__all__ = [
    "KINDS",
    "CycleRecord",
    "DeductionRecord",
    "ImplementationRecord",
    "OffsetRequestRecord",
    "PledgeRecord",
    "Record",
    "Withdrawn",
    "cents",
    "eur",
    "restored",
    "stored",
    "utc",
]
