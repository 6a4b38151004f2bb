"""The cycle's tables (SQLAlchemy 2). Money is stored as integer euro cents, never as float.

The schema is created and changed only by the Alembic migrations in ``migrations/``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON}


class CycleRow(Base):
    """One annual cycle, named by the pool year it prepares."""

    __tablename__ = "cycles"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    phase: Mapped[str] = mapped_column(String(32))
    forum_reconvened: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # the demonstration's cycle (eupact serve --demo): every page and file made from it says
    # SYNTHETIC; set only by the demo loader, never through the API
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __mapper_args__ = {"version_id_col": version}


class StepRow(Base):
    """When each transition of the cycle happened, by whom, under which article."""

    __tablename__ = "cycle_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("cycles.year"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(64))
    article: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("year", "action"),)


class PledgeRow(Base):
    """One state's pledge of one type; ``version`` guards against lost updates."""

    __tablename__ = "pledges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("cycles.year"), index=True)
    state: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(16))
    relocations: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    requested_by: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("year", "state", "kind"),)
    __mapper_args__ = {"version_id_col": version}


class DeductionRow(Base):
    """A deduction request (Art. 61, 62), its assessment and the Council's decision."""

    __tablename__ = "deductions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("cycles.year"), index=True)
    state: Mapped[str] = mapped_column(String(2))
    article: Mapped[str] = mapped_column(String(4))
    full: Mapped[bool] = mapped_column(Boolean)
    relocations: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    self_assessed: Mapped[bool] = mapped_column(Boolean, default=False)
    reasons: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))
    requested_on: Mapped[dt.date] = mapped_column(Date)
    assessment_due: Mapped[dt.date] = mapped_column(Date)
    assessment: Mapped[str] = mapped_column(Text, default="")
    assessed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    council_act: Mapped[str] = mapped_column(String(128), default="")
    decided_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class OffsetRequestRow(Base):
    """A benefitting state's request for responsibility offsets and the reply (Art. 63, 69)."""

    __tablename__ = "offset_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("cycles.year"), index=True)
    benefitting_state: Mapped[str] = mapped_column(String(2))
    contributing_state: Mapped[str] = mapped_column(String(2))
    applications: Mapped[int] = mapped_column(BigInteger)
    requested_on: Mapped[dt.date] = mapped_column(Date)
    reply_due: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    accepted: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    replied_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ImplementationRow(Base):
    """What was carried out: persons relocated, money transferred (Art. 60, 64, 67, 68)."""

    __tablename__ = "implementation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("cycles.year"), index=True)
    state: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(16))
    benefitting_state: Mapped[str] = mapped_column(String(2))
    relocations: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    on: Mapped[dt.date] = mapped_column(Date)
    # the day a relocation was accepted (67(9)) or a measure agreed (65(1), (3)); NULL: ``on``
    started_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # accepted or agreed, not yet carried out (63(5), 67(9))
    accepted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ConfirmationRow(Base):
    """A Member State's confirmation of the levels of each solidarity measure implemented during
    the preceding year (Art. 60(6)): one per state and year; money in euro cents."""

    __tablename__ = "implementation_confirmations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("cycles.year"), index=True)
    state: Mapped[str] = mapped_column(String(2))
    confirmed_on: Mapped[dt.date] = mapped_column(Date)
    relocations: Mapped[int] = mapped_column(BigInteger, default=0)
    alternative_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    financial_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("year", "state"),)


class PoolUseRow(Base):
    """A state identified under pressure informs that it uses the pool (Art. 58(1)-(2)): one per
    state and pool year."""

    __tablename__ = "pool_uses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("cycles.year"), index=True)
    state: Mapped[str] = mapped_column(String(2))
    informed_on: Mapped[dt.date] = mapped_column(Date)
    relocations: Mapped[int] = mapped_column(BigInteger, default=0)  # needs (58(2))
    amount_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # financial needs
    programmes: Mapped[list[str]] = mapped_column(JSON, default=list)  # Union programmes
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("year", "state"),)


class NotificationRow(Base):
    """A state's notification of its need to use the pool (Art. 59(1)-(2)), the Commission's
    decision on it (59(4)) and a refusal of access within two weeks (59(6))."""

    __tablename__ = "pool_notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("cycles.year"), index=True)
    state: Mapped[str] = mapped_column(String(2))
    notified_on: Mapped[dt.date] = mapped_column(Date)
    reasoning: Mapped[str] = mapped_column(Text)
    relocations: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    programmes: Mapped[list[str]] = mapped_column(JSON, default=list)
    stabilisation: Mapped[str] = mapped_column(Text)
    vulnerabilities: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    under_pressure: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    shortcomings: Mapped[bool] = mapped_column(Boolean, default=False)
    decision: Mapped[str] = mapped_column(String(200), default="")
    refused_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    refused_by: Mapped[str] = mapped_column(String(16), default="")
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    refusal_act: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ShortcomingsRow(Base):
    """Systemic shortcomings the Commission identified in a state, in a decision under Art. 11 or
    59(4) (Art. 60(3), fourth subparagraph)."""

    __tablename__ = "shortcomings_findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("cycles.year"), index=True)
    state: Mapped[str] = mapped_column(String(2))
    decided_on: Mapped[dt.date] = mapped_column(Date)
    article: Mapped[str] = mapped_column(String(8))
    decision: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64))


class TokenRow(Base):
    """An API token: only its SHA-256 is stored."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    state: Mapped[str | None] = mapped_column(String(2), nullable=True)
    label: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    # NULL: made before tokens expired (migration 0003); it then expires its role's default
    # lifetime after created_at (the row is left as the audit log recorded it)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class WebSessionRow(Base):
    """A dashboard sign-in: the cookie holds a random session id, the table only its SHA-256
    (a copy of the table opens no session), and the secret the session's forms are signed
    with (CSRF), so that every server process checks them alike."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("tokens.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    csrf_secret: Mapped[str] = mapped_column(String(64))


class IdempotencyRow(Base):
    """The stored answer to a write, so that a retried request is answered, not repeated."""

    __tablename__ = "idempotency_keys"

    actor: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class AuditHeadRow(Base):
    """The last entry of the audit chain: one row, locked while an entry is appended."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class AuditRow(Base):
    """Append-only audit entry, hash-chained to the previous one (the database refuses UPDATE
    and DELETE: migration 0002)."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    article: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # HMAC-SHA256 of ``hash`` under a key kept outside the database (NULL: written without one)
    mac: Mapped[str | None] = mapped_column(String(64), nullable=True)
