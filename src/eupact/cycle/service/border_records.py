"""The border procedure's records as a write answers them and the audit log records them (APR
Arts. 48-50): a Member State's figures for a month, its Art. 48 or Art. 50 notification, the
Commission's Art. 50 verification or implementing act; with the audit replay's knowledge of
their tables (``eupact audit verify`` finds a row changed behind the service's back)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from eupact.cycle import audit_replay
from eupact.cycle.records import KINDS, Plain, utc
from eupact.cycle.store.border import (
    BorderCommissionActRow,
    BorderFiguresRow,
    BorderNotificationRow,
)

CENTI = Decimal("0.01")


def days_text(value: Decimal | None) -> str | None:
    """An average duration in days as text with two decimals (exact in JSON and the audit log)."""
    return None if value is None else str(Decimal(value).quantize(CENTI))


@dataclass(frozen=True, slots=True)
class FiguresRecord(Plain):
    """One version of a Member State's figures for a month (APR Arts. 48(1), (3), 49(4), 50)."""

    kind_name: ClassVar[str] = "border_figures"
    id: int
    geo: str
    month: dt.date
    asylum_border: int
    return_border: int
    entered: int
    left: int
    examined: int
    staff: int | None
    avg_admin_days: str | None
    avg_appeal_days: str | None
    weekly: tuple[dict[str, Any], ...]
    source: str
    note: str
    actor: str
    recorded_at: dt.datetime
    version: int

    @classmethod
    def of(cls, row: BorderFiguresRow) -> FiguresRecord:
        return cls(
            row.id,
            row.geo,
            row.month,
            row.asylum_border,
            row.return_border,
            row.entered,
            row.left,
            row.examined,
            row.staff,
            days_text(row.avg_admin_days),
            days_text(row.avg_appeal_days),
            tuple(dict(w) for w in (row.detail or {}).get("weekly", ())),
            row.source,
            row.note,
            row.actor,
            utc(row.recorded_at),
            row.version,
        )

    @property
    def in_procedure(self) -> int:
        """Persons in the asylum and the return border procedures at the month's end (Art. 48(1))."""
        return self.asylum_border + self.return_border


@dataclass(frozen=True, slots=True)
class FiguresBatch(Plain):
    """The months one write recorded (a correction of a month and the next ones together keeps
    the inflow-outflow count consistent, APR Art. 48(3)); ``id`` is the first row's."""

    kind_name: ClassVar[str] = "border_figures_batch"
    id: int
    geo: str
    items: tuple[dict[str, Any], ...]

    def records(self) -> list[FiguresRecord]:
        return [FiguresRecord.from_dict(item) for item in self.items]


@dataclass(frozen=True, slots=True)
class BorderNotificationRecord(Plain):
    """One version of a notification to the Commission: adequate capacity reached (APR Art.
    48(1), content Art. 49(1)(a)-(c)) or the annual maximum examined (Art. 50, first para.)."""

    kind_name: ClassVar[str] = "border_notification"
    id: int
    ref: str
    geo: str
    article: str
    notified_on: dt.date
    year: int
    in_procedure: int | None
    examined: int | None
    measure: str
    reasoning: str
    source: str
    actor: str
    recorded_at: dt.datetime
    version: int

    @classmethod
    def of(cls, row: BorderNotificationRow) -> BorderNotificationRecord:
        return cls(
            row.id,
            row.ref,
            row.geo,
            row.article,
            row.notified_on,
            row.year,
            row.in_procedure,
            row.examined,
            row.measure,
            row.reasoning,
            row.source,
            row.actor,
            utc(row.recorded_at),
            row.version,
        )


@dataclass(frozen=True, slots=True)
class CommissionActRecord(Plain):
    """One version of the Commission's verification of an Art. 50 notification or of its
    implementing act authorising the state (APR Art. 50, second and third paragraphs)."""

    kind_name: ClassVar[str] = "border_act"
    id: int
    ref: str
    notification_ref: str
    geo: str
    kind: str
    act_date: dt.date
    year: int
    outcome: str
    reference: str
    note: str
    source: str
    actor: str
    recorded_at: dt.datetime
    version: int

    @classmethod
    def of(cls, row: BorderCommissionActRow) -> CommissionActRecord:
        return cls(
            row.id,
            row.ref,
            row.notification_ref,
            row.geo,
            row.kind,
            row.act_date,
            row.year,
            row.outcome,
            row.reference,
            row.note,
            row.source,
            row.actor,
            utc(row.recorded_at),
            row.version,
        )


def _days_of_row(value: Any) -> str | None:
    return days_text(None if value is None else Decimal(str(value)))


_DAYS: audit_replay._Conversion = (_days_of_row, audit_replay._same)

# An idempotent retry is answered from the stored record; `eupact audit verify` replays the
# entries against the rows (a row changed behind the service's back is found).
for _record in (FiguresRecord, FiguresBatch, BorderNotificationRecord, CommissionActRecord):
    KINDS.setdefault(_record.kind_name, _record)
audit_replay.KINDS.setdefault(
    FiguresRecord.kind_name,
    audit_replay.Kind(
        BorderFiguresRow.__table__,
        "id",
        {
            **audit_replay._plain(
                "geo",
                "asylum_border",
                "return_border",
                "entered",
                "left",
                "examined",
                "staff",
                "source",
                "note",
                "actor",
                "version",
            ),
            "month": ("month", audit_replay.DAY),
            "avg_admin_days": ("avg_admin_days", _DAYS),
            "avg_appeal_days": ("avg_appeal_days", _DAYS),
        },
    ),
)
audit_replay.KINDS.setdefault(
    BorderNotificationRecord.kind_name,
    audit_replay.Kind(
        BorderNotificationRow.__table__,
        "id",
        {
            **audit_replay._plain(
                "ref",
                "geo",
                "article",
                "year",
                "in_procedure",
                "examined",
                "measure",
                "reasoning",
                "source",
                "actor",
                "version",
            ),
            "notified_on": ("notified_on", audit_replay.DAY),
        },
    ),
)
audit_replay.KINDS.setdefault(
    CommissionActRecord.kind_name,
    audit_replay.Kind(
        BorderCommissionActRow.__table__,
        "id",
        {
            **audit_replay._plain(
                "ref",
                "notification_ref",
                "geo",
                "kind",
                "year",
                "outcome",
                "reference",
                "note",
                "source",
                "actor",
                "version",
            ),
            "act_date": ("act_date", audit_replay.DAY),
        },
    ),
)

__all__ = [
    "BorderNotificationRecord",
    "CommissionActRecord",
    "FiguresBatch",
    "FiguresRecord",
    "days_text",
]
