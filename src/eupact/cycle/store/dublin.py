"""The Dublin units' case workspace (Part III AMMR): cases, the messages between Member States,
and what the service observed on its own (SQLAlchemy 2, on the cycle's ``Base``).

- ``dublin_cases``: one case per pseudonymous reference (``case_ref``, never a name), held by
  the state that runs the procedure (``holder_state``: the determining state, Art. 38(1), or
  for a take back the state where the person is, Art. 41(1)); ``facts`` is the case as JSON
  (:class:`eupact.responsibility.model.Case`, ``model_dump(mode="json")``), ``version`` guards
  against lost updates (the ETag);
- ``dublin_messages``: what one state sent another about a case (take charge request, take back
  notification, information request, the replies, the transfer decision, the transfer and its
  extensions), with its dates and the article relied on; each is also in the case's facts
  (``procedure``), so that the engine sees it;
- ``dublin_observations``: what the service found by itself on a day, once — an acceptance or
  confirmation by silence (Art. 40(8), 41(4)), responsibility moved by a missed time limit
  (Art. 39(1), 46(2)); unique per case and key, so that it is audited the first time only.

The schema is created by migration 0006; these classes are registered on the cycle's metadata
when this module is imported (the migrations' environment and the Dublin service import it).
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
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from eupact.cycle.store.models import Base

MESSAGE_KINDS = (
    "take_charge_request",  # Art. 39
    "take_back_notification",  # Art. 41(1)
    "information_request",  # Art. 51
    "reply_accept",  # Art. 40(1)
    "reply_refuse",  # Art. 40(6)
    "reply_confirm",  # Art. 41(3)
    "reply_rebut",  # Art. 41(3)
    "reply_information",  # Art. 51(5)
    "transfer_decision",  # Art. 42(1)
    "transfer_done",  # Art. 46(1)
    "transfer_extension",  # Art. 46(2): imprisonment, absconding (with the day informed)
)


class DublinCaseRow(Base):
    """One case of the determination of the Member State responsible."""

    __tablename__ = "dublin_cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_ref: Mapped[str] = mapped_column(String(64), unique=True)
    holder_state: Mapped[str] = mapped_column(String(2), index=True)
    # the state responsible as the decision of the last write found it (who sees the case in a
    # list; a read computes the decision again)
    responsible_state: Mapped[str] = mapped_column(String(2), index=True)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (declarative idiom)


class DublinMessageRow(Base):
    """One message between two Member States about a case (DubliNet), as recorded."""

    __tablename__ = "dublin_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dublin_cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str] = mapped_column(String(2))
    to_state: Mapped[str] = mapped_column(String(2), index=True)
    sent_on: Mapped[dt.date] = mapped_column(Date)
    received_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    article: Mapped[str] = mapped_column(String(16), default="")
    based_on_hit: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    # the request or notification a reply answers
    request_id: Mapped[int | None] = mapped_column(ForeignKey("dublin_messages.id"), nullable=True)
    # what a kind needs besides: an urgent period, an extension's kind and dates, fraud after
    # issue relied on by a refusal, information withheld
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64))


class DublinObservationRow(Base):
    """Something the service found by itself on a case, recorded (and audited) once."""

    __tablename__ = "dublin_observations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dublin_cases.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    on: Mapped[dt.date] = mapped_column(Date)  # the day it took effect
    observed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    what: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (UniqueConstraint("case_id", "key"),)


__all__ = ["MESSAGE_KINDS", "DublinCaseRow", "DublinMessageRow", "DublinObservationRow"]
