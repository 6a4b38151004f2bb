"""The progress of the Pact's obligations register (issue 19 item 2), per party: what each Member
State, institution or agency recorded about each obligation addressed to it (SQLAlchemy 2, on
the cycle's ``Base``).

``obligation_progress`` is a history, appended to and never changed: every record is a new row,
and the row of a pair (obligation, party) with the highest ``version`` is its current status.
``version`` counts the pair's records (1, 2, ...; unique per pair), so that two writers who read
the same status cannot both append the next one. ``due_on`` is the occurrence a status is about
(an obligation with a fixed date: that date; a recurring duty: one of its yearly dates; a time
limit counted from an event: none). ``evidence`` is a link or a note, as typed (checked text,
bounded; written inert into any spreadsheet, :mod:`eupact.cells`).

The schema is created by migration 0007, which also makes the table append-only in the database
(triggers on SQLite and PostgreSQL; the service role may SELECT and INSERT only); these classes
are registered on the cycle's metadata when this module is imported (the migrations' environment
and the register service import it).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from eupact.cycle.store.models import Base

STATUSES = ("not_started", "in_progress", "done")


class ObligationProgressRow(Base):
    """One record of a party's status on one obligation of the register."""

    __tablename__ = "obligation_progress"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    obligation_id: Mapped[str] = mapped_column(String(128), index=True)
    # a Member State's geo code, or an Addressee value (commission, council, euaa, ...)
    party: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16))
    status_date: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    evidence: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("obligation_id", "party", "version"),)


__all__ = ["STATUSES", "ObligationProgressRow"]
