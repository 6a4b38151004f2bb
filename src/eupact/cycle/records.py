"""What the cycle service records and answers: one frozen record per kind of entity.

The service's operations return these (never HTTP statuses or JSON documents: those are the
API's). ``as_dict`` is the record's plain form, the same in the audit log's ``before``/``after``
and in the idempotency store, from which ``from_dict`` rebuilds it for an idempotent retry.
Money is kept in integer euro cents (Art. 64 contributions are in EUR; a cent is the unit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any, ClassVar, Self, get_origin, get_type_hints

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


class Plain:
    """A record's plain form, field by field: money as a string of euro (``amount_cents`` →
    ``amount_eur``), dates and times in ISO 8601, tuples as lists; ``from_dict`` reads it back."""

    __slots__ = ()

    def as_dict(self) -> dict[str, Any]:
        # on the hot path (three times per pledge write): one converter per field, chosen once
        return {key: plain(getattr(self, name)) for key, name, plain in _writers(type(self))}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Self:
        return cls(*(_typed(f, d.get(_key(f))) for f in _fields(cls)))

    @classmethod
    def from_row(cls, row: Any) -> Self:
        """From an ORM row with the record's columns."""
        return cls(*(getattr(row, f.name) for f in _fields(cls)))


@dataclass(frozen=True)
class _Field:
    name: str
    kind: str  # money, datetime, date, date?, tuple, plain


_FIELDS: dict[type, tuple[_Field, ...]] = {}


def _fields(cls: type) -> tuple[_Field, ...]:
    """The record's fields and how each is written (worked out once per class)."""
    if cls in _FIELDS:
        return _FIELDS[cls]
    hints = get_type_hints(cls)
    found = []
    for f in fields(cls):
        hint = hints[f.name]
        if f.name == "amount_cents":
            kind = "money"
        elif hint is dt.datetime:
            kind = "datetime"
        elif hint is dt.date:
            kind = "date"
        elif hint == dt.date | None:
            kind = "date?"
        elif get_origin(hint) is tuple:
            kind = "tuple"
        else:
            kind = "plain"
        found.append(_Field(f.name, kind))
    _FIELDS[cls] = tuple(found)
    return _FIELDS[cls]


_WRITERS: dict[type, tuple[tuple[str, str, Any], ...]] = {}


def _as_is(value: Any) -> Any:
    return value


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def _euro(value: int) -> str:
    return str(eur(value))


def _listed(value: tuple[Any, ...]) -> list[Any]:
    return [dict(v) if isinstance(v, dict) else v for v in value]


_WRITE = {"money": _euro, "datetime": _iso, "date": _iso, "date?": _iso, "tuple": _listed}


def _writers(cls: type) -> tuple[tuple[str, str, Any], ...]:
    """(key, attribute, converter) for each field of ``cls``."""
    if cls not in _WRITERS:
        _WRITERS[cls] = tuple((_key(f), f.name, _WRITE.get(f.kind, _as_is)) for f in _fields(cls))
    return _WRITERS[cls]


def _key(f: _Field) -> str:
    return "amount_eur" if f.kind == "money" else f.name


def _typed(f: _Field, value: Any) -> Any:
    if f.kind == "money":
        return cents(Decimal(value))
    if f.kind == "datetime":
        return dt.datetime.fromisoformat(value)
    if f.kind in ("date", "date?"):
        return dt.date.fromisoformat(value) if value else None
    if f.kind == "tuple":
        return tuple(value)
    return value


@dataclass(frozen=True, slots=True)
class PledgeRecord(Plain):
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
        """From a row's columns (a Core row's mapping or a dict): ``requested_by`` is stored as
        comma-separated codes, times from SQLite without their zone (UTC)."""
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


@dataclass(frozen=True, slots=True)
class DeductionRecord(Plain):
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


@dataclass(frozen=True, slots=True)
class OffsetRequestRecord(Plain):
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


@dataclass(frozen=True, slots=True)
class ImplementationRecord(Plain):
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
    started_on: dt.date | None = None  # accepted (67(9)) or agreed (65(1), (3)) on
    accepted: bool = False  # accepted or agreed, not yet carried out


@dataclass(frozen=True, slots=True)
class ConfirmationRecord(Plain):
    """A Member State's confirmation of the levels implemented during the preceding year
    (Art. 60(6)): relocations, and alternative measures and financial contributions in cents."""

    kind_name: ClassVar[str] = "confirmation"
    id: int
    year: int
    state: str
    confirmed_on: dt.date
    relocations: int
    alternative_cents: int
    financial_cents: int


@dataclass(frozen=True, slots=True)
class PoolUseRecord(Plain):
    """A state identified under pressure informs that it uses the pool (Art. 58(1)-(2)), with
    the relocations and the money (``amount_cents``) it needs and the Union programmes."""

    kind_name: ClassVar[str] = "pool_use"
    id: int
    year: int
    state: str
    informed_on: dt.date
    relocations: int
    amount_cents: int
    programmes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NotificationRecord(Plain):
    """A notification of the need to use the pool (Art. 59(1)-(2)), the Commission's decision
    (59(4)) and a refusal of access (59(6)); ``version`` guards against lost updates."""

    kind_name: ClassVar[str] = "notification"
    id: int
    year: int
    state: str
    notified_on: dt.date
    reasoning: str
    relocations: int
    amount_cents: int
    programmes: tuple[str, ...]
    stabilisation: str
    vulnerabilities: str
    decided_on: dt.date | None
    under_pressure: bool | None
    shortcomings: bool
    decision: str
    refused_on: dt.date | None
    refused_by: str
    refusal_reason: str
    refusal_act: str
    version: int


@dataclass(frozen=True, slots=True)
class ShortcomingsRecord(Plain):
    """Systemic shortcomings found in a decision under Art. 11 or 59(4) (Art. 60(3))."""

    kind_name: ClassVar[str] = "shortcomings"
    id: int
    year: int
    state: str
    decided_on: dt.date
    article: str
    decision: str


@dataclass(frozen=True, slots=True)
class CycleRecord(Plain):
    """A cycle's phase and its legal calendar as of today (Art. 7-13, 57); ``synthetic`` marks
    the demonstration's cycle, whose records are SYNTHETIC; ``additional_pledging``: the Forum
    the Council reconvened asks for additional pledges now (Art. 13(4))."""

    kind_name: ClassVar[str] = "cycle"
    year: int
    phase: str
    forum_reconvened: bool
    version: int
    calendar: tuple[dict[str, Any], ...]
    synthetic: bool = False
    additional_pledging: bool = False


@dataclass(frozen=True, slots=True)
class Withdrawn(Plain):
    """A pledge withdrawn while pledging was open."""

    kind_name: ClassVar[str] = "withdrawn"
    id: int

    def as_dict(self) -> dict[str, Any]:
        return {"deleted": self.id}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Self:
        return cls(d["deleted"])


Record = (
    PledgeRecord
    | DeductionRecord
    | OffsetRequestRecord
    | ImplementationRecord
    | ConfirmationRecord
    | CycleRecord
    | Withdrawn
    | PoolUseRecord
    | NotificationRecord
    | ShortcomingsRecord
)
KINDS: dict[str, Any] = {
    k.kind_name: k
    for k in (
        PledgeRecord,
        DeductionRecord,
        OffsetRequestRecord,
        ImplementationRecord,
        ConfirmationRecord,
        CycleRecord,
        Withdrawn,
        PoolUseRecord,
        NotificationRecord,
        ShortcomingsRecord,
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
    "NotificationRecord",
    "OffsetRequestRecord",
    "PledgeRecord",
    "PoolUseRecord",
    "Record",
    "ShortcomingsRecord",
    "Withdrawn",
    "cents",
    "eur",
    "restored",
    "stored",
    "utc",
]
