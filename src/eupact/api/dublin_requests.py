"""The request bodies of the Dublin workspace's routes (Part III AMMR), with the examples the
OpenAPI document shows. A case's facts are the responsibility engine's case document (its JSON
Schema: ``eupact responsible schema``), read by the service; these are the messages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from eupact.boundary import MAX_NOTE, MAX_REASONS, Refused, read_text
from eupact.responsibility.model import read_state

EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
ARTICLE = r"^[0-9]{1,3}(\([0-9a-z]{1,3}\)){0,3}$"


def _state(value: Any) -> str:
    try:
        return read_state(value)
    except Refused as refused:
        raise refused.pydantic() from None


def _day(value: Any) -> dt.date:
    """A calendar date written YYYY-MM-DD, within 1900–2100."""
    rule = "a date written YYYY-MM-DD"
    if not isinstance(value, str) or len(value) != 10:
        raise Refused(rule, value if isinstance(value, str | int) else str(type(value))).pydantic()
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise Refused(rule, value).pydantic() from None
    if not EARLIEST <= day <= LATEST:
        raise Refused(f"{rule} between {EARLIEST} and {LATEST}", value).pydantic()
    return day


def _text(limit: int) -> BeforeValidator:
    def read(value: Any) -> str:
        try:
            return read_text(value, limit=limit)
        except Refused as refused:
            raise refused.pydantic() from None

    return BeforeValidator(read)


State = Annotated[
    str,
    Field(min_length=2, max_length=2, description="Eurostat geo code (EL = Greece)"),
    BeforeValidator(_state),
]
Day = Annotated[dt.date, BeforeValidator(_day)]
Note = Annotated[str, Field(max_length=MAX_NOTE), _text(MAX_NOTE)]
Reasons = Annotated[str, Field(max_length=MAX_REASONS), _text(MAX_REASONS)]


class DublinRequestIn(BaseModel):
    """The holder sends a take charge request (Art. 39), a take back notification (Art. 41(1))
    or a request for information (Art. 51) to another Member State."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "take_charge",
                    "to_state": "DE",
                    "sent_on": "2026-10-01",
                    "article": "29(2)",
                    "note": "visa issued by DE (VIS hit)",
                }
            ]
        },
    )
    kind: Literal["take_charge", "take_back", "information"]
    to_state: State
    sent_on: Day | None = Field(default=None, description="default: today (UTC)")
    received_on: Day | None = Field(default=None, description="default: the day it was sent")
    article: str = Field(default="", max_length=16, pattern=ARTICLE)  # the criterion relied on
    based_on_hit: bool = False  # Art. 39(1) second subparagraph, 40(2)
    urgent_period_days: int | None = Field(default=None, ge=7, le=366)  # Art. 39(2)
    note: Note = ""


class DublinReplyIn(BaseModel):
    """The addressed state answers: accept or refuse a take charge request (Art. 40), confirm or
    rebut a take back notification (Art. 41(3)), answer a request for information (Art. 51(5));
    a refusal or rebuttal states its reasons."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"kind": "accept", "on": "2026-10-12"}]},
    )
    kind: Literal["accept", "refuse", "confirm", "rebut", "information"]
    on: Day | None = Field(default=None, description="default: today (UTC)")
    reasons: Reasons = ""
    fraud_after_issue: bool = False  # Art. 29(5): the refusal rests on it
    withheld_responsibility_information: bool = False  # Art. 51(5)


class ExtensionIn(BaseModel):
    """Art. 46(2): the transfer time limit extended for imprisonment, or because the person
    absconded (or resisted, made themselves unfit, ignored medical requirements), from the day
    the responsible state was informed."""

    model_config = ConfigDict(extra="forbid")
    reason: Literal["imprisonment", "absconded", "resisted", "made_unfit", "medical_noncompliance"]
    start: Day | None = None  # imprisonment
    end: Day | None = None  # imprisonment
    informed_on: Day | None = None  # absconding and the like
    reappeared_on: Day | None = None

    def to_domain(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class DublinTransferIn(BaseModel):
    """The holder, which transfers, records the transfer decision (Art. 42(1)), the transfer
    (Art. 46(1)) or an extension of its time limit (Art. 46(2))."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"kind": "decision", "on": "2026-10-20"},
                {
                    "kind": "extension",
                    "extension": {"reason": "absconded", "informed_on": "2026-12-01"},
                },
            ]
        },
    )
    kind: Literal["decision", "done", "extension"]
    on: Day | None = Field(default=None, description="default: today (UTC)")
    extension: ExtensionIn | None = None
    note: Note = ""


__all__ = ["DublinReplyIn", "DublinRequestIn", "DublinTransferIn", "ExtensionIn"]
