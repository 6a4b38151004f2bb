"""Watching the border procedure (APR Arts. 47(2)-(3), 48-50): the Member States' monthly
figures, their Art. 48 and Art. 50 notifications, and the Commission's verification and
implementing act on an Art. 50 notification (SQLAlchemy 2, on the cycle's ``Base``).

Each table is a history of records of fact, appended to and never changed: a correction is a new
row with the same key (a state's month; a notification's or act's ``ref``) and the next
``version`` (1, 2, ...; unique per key, so that two writers who read the same record cannot both
append the next one); the highest version is current. Each row says who recorded it (``actor``)
and when (``recorded_at``); ``source`` is ``user`` or ``SYNTHETIC`` (the demo's seeded figures).

The schema is created by migration 0008, which also makes the tables append-only in the
database (triggers on SQLite and PostgreSQL; the service role may SELECT and INSERT only); these
classes are registered on the cycle's metadata when this module is imported (the migrations'
environment and the border service import it).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from eupact.cycle.store.models import Base

NOTIFICATION_ARTICLES = ("48", "50")  # APR Art. 48(1) (with Art. 49(1)); Art. 50, first para.
ACT_KINDS = ("verification", "implementing_act")  # APR Art. 50, second and third paragraphs
SOURCES = ("user", "SYNTHETIC")


class BorderFiguresRow(Base):
    """One version of a Member State's figures for one calendar month (APR Arts. 48-50)."""

    __tablename__ = "border_figures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    geo: Mapped[str] = mapped_column(String(2), index=True)
    month: Mapped[dt.date] = mapped_column(Date)  # the month's first day
    asylum_border: Mapped[int] = mapped_column(Integer)  # at the month's end, Art. 48(1)
    return_border: Mapped[int] = mapped_column(Integer)  # at the month's end, Art. 48(1)
    entered: Mapped[int] = mapped_column(Integer)  # inflow in the month, Art. 48(3)
    left: Mapped[int] = mapped_column(Integer)  # outflow in the month, Art. 48(3)
    examined: Mapped[int] = mapped_column(Integer)  # applications examined, Art. 50
    staff: Mapped[int | None] = mapped_column(Integer, nullable=True)  # Art. 49(4)(c)
    avg_admin_days: Mapped[Decimal | None] = mapped_column(Numeric(9, 2), nullable=True)  # (d)
    avg_appeal_days: Mapped[Decimal | None] = mapped_column(Numeric(9, 2), nullable=True)  # (e)
    source: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # weekly, Art. 49(4)(b)
    actor: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("geo", "month", "version"),)


class BorderNotificationRow(Base):
    """One version of a Member State's notification to the Commission: its adequate capacity
    reached (APR Art. 48(1), content Art. 49(1)(a)-(c)) or its annual maximum examined (Art. 50)."""

    __tablename__ = "border_notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(64))
    geo: Mapped[str] = mapped_column(String(2), index=True)
    article: Mapped[str] = mapped_column(String(8))
    notified_on: Mapped[dt.date] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer)
    in_procedure: Mapped[int | None] = mapped_column(Integer, nullable=True)  # Art. 49(1)(a)
    examined: Mapped[int | None] = mapped_column(Integer, nullable=True)  # Art. 50
    measure: Mapped[str] = mapped_column(Text, default="")  # Art. 49(1)(b)
    reasoning: Mapped[str] = mapped_column(Text, default="")  # Art. 49(1)(c)
    source: Mapped[str] = mapped_column(String(16))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    actor: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("ref", "version"),)


class BorderCommissionActRow(Base):
    """One version of the Commission's verification of an Art. 50 notification, or of its
    implementing act authorising the state (APR Art. 50, second and third paragraphs)."""

    __tablename__ = "border_commission_acts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(64))
    notification_ref: Mapped[str] = mapped_column(String(64))
    geo: Mapped[str] = mapped_column(String(2), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    act_date: Mapped[dt.date] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(128))
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    actor: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("ref", "version"),)


__all__ = [
    "ACT_KINDS",
    "NOTIFICATION_ARTICLES",
    "SOURCES",
    "BorderCommissionActRow",
    "BorderFiguresRow",
    "BorderNotificationRow",
]
