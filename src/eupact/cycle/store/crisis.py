"""The crisis and force majeure procedure of Regulation (EU) 2024/1359 (CFMR, Arts 2-7, 9) as the
service records it (SQLAlchemy 2, on the cycle's ``Base``).

- ``crises``: one per reasoned request (Art. 2(1)): the requesting Member State, the day the
  request was submitted, whether it is the demonstration's SYNTHETIC crisis, who opened it;
- ``crisis_events``: every act of the procedure about one crisis, in the order recorded — the
  request itself (Art. 2), the Commission's notice of its assessment (3(3)), its implementing
  decision (3(8)), its proposal (4(1)), the Council's implementing decision (4(3), (5)), an
  extension on the Commission's confirmation (5(1)), a new decision (5(2)), a proposal to repeal
  (6(3)), a report (6(4)), the Coordinator's bulletin (Art. 7) — each with the day of the act,
  its payload as JSON (checked by the service against the procedure's record types), who
  recorded it and when. ``seq`` counts a crisis's events (1, 2, ...; unique per crisis), so that
  two writers who read the same state cannot both append the next act.

Nothing here is a rule: the crisis's phase, due dates and late flags are computed again on every
read from the events (:func:`eupact.crisis.procedure.replay`), in one place.

Both tables are history, appended to and never changed: migration 0009 creates them and makes
them append-only in the database (triggers on SQLite and PostgreSQL; the service role may SELECT
and INSERT only). These classes are registered on the cycle's metadata when this module is
imported (the crisis service imports it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from eupact.cycle.store.models import Base


class CrisisRow(Base):
    """One crisis procedure, opened by a Member State's reasoned request (Art. 2(1) CFMR)."""

    __tablename__ = "crises"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(2), index=True)
    requested_on: Mapped[dt.date] = mapped_column(Date)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    actor: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class CrisisEventRow(Base):
    """One act of the procedure about one crisis, as recorded (never changed)."""

    __tablename__ = "crisis_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    crisis_id: Mapped[int] = mapped_column(ForeignKey("crises.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    on: Mapped[dt.date] = mapped_column(Date)  # the day of the act
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("crisis_id", "seq"),)


__all__ = ["CrisisEventRow", "CrisisRow"]
