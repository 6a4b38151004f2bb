"""Input models for using the pool: a state's information that it will use it (Art. 58(1)–(2)
AMMR), a notification of need with its content (Art. 59(1)–(2)), the Commission's decision on it
(59(4)), a refusal of access (59(6)) and a finding of systemic shortcomings (Art. 60(3), fourth
subparagraph).

The same models read the API's request bodies and the pledges files' ``uses_of_pool``,
``notifications`` and ``shortcomings`` lists. Dates are calendar dates between the AMMR's entry
into force and 2100; the rules tying them to the Council act are the pool's
(:mod:`eupact.pool.benefit`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from eupact.boundary.limits import EUR_DECIMALS, MAX_EUR, MAX_LABEL, MAX_PERSONS, MAX_REASONS
from eupact.boundary.models import Label, Reasons, StateCode, _checked, _number, _text
from eupact.boundary.refusal import Refused
from eupact.parameters import load_parameters
from eupact.pool.benefit import Needs, Notification, ShortcomingsFinding, UseOfPool

LAST_DAY = dt.date(2100, 12, 31)  # a bound on input, not a legal value
MAX_PROGRAMMES = 20


@cache
def _entry_into_force() -> dt.date:
    day = load_parameters()["cycle.entry_into_force"].values[0].value
    assert isinstance(day, dt.date)
    return day


def read_day(value: Any) -> dt.date:
    """A calendar date written YYYY-MM-DD (or a date), inside the AMMR's time; else
    :class:`Refused` with the rule."""
    if isinstance(value, dt.datetime):
        raise Refused("a date written YYYY-MM-DD, without a time", value)
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str) and len(value.strip()) == 10:
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise Refused("a real calendar date written YYYY-MM-DD", value) from None
    else:
        raise Refused("a date written YYYY-MM-DD", value)
    first = _entry_into_force()
    if not first <= day <= LAST_DAY:
        raise Refused(
            f"a date between {first.isoformat()} (entry into force of the AMMR, Art. 85) and "
            f"{LAST_DAY.isoformat()}",
            value,
        )
    return day


Day = Annotated[dt.date, BeforeValidator(lambda value: _checked(lambda: read_day(value)))]
Programme = Annotated[str, Field(max_length=MAX_LABEL), _text(MAX_LABEL, single_line=True)]
Required = Annotated[str, Field(min_length=1, max_length=MAX_REASONS), _text(MAX_REASONS)]


class NeedsIn(BaseModel):
    """The type and level of solidarity needed (Art. 58(2), 59(2)(b))."""

    model_config = ConfigDict(extra="forbid")
    relocations: Annotated[
        int, Field(ge=0, le=MAX_PERSONS), _number(integer=True, maximum=MAX_PERSONS, unit="persons")
    ] = 0
    financial: Annotated[
        Decimal,
        Field(ge=0, le=MAX_EUR, decimal_places=2),
        _number(maximum=MAX_EUR, decimals=EUR_DECIMALS, unit="EUR"),
    ] = Decimal(0)
    programmes: list[Programme] = Field(
        default_factory=list,
        max_length=MAX_PROGRAMMES,
        description="Union spending programmes concerned, where financial contributions are used",
    )

    def to_domain(self) -> Needs:
        return Needs(self.relocations, self.financial, tuple(self.programmes))


class UseOfPoolIn(BaseModel):
    """A state identified under pressure informs that it will use the pool (Art. 58(1)–(2))."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "state": "IT",
                    "informed_on": "2026-06-15",
                    "needs": {"relocations": 5000, "financial": "100000000"},
                }
            ]
        },
    )
    state: StateCode
    informed_on: Day
    needs: NeedsIn = Field(default_factory=NeedsIn)

    def to_domain(self, location: str = "request body") -> UseOfPool:
        return UseOfPool(self.state, self.informed_on, self.needs.to_domain(), location)


class NotificationIn(BaseModel):
    """A state not identified under pressure notifies its need to use the pool, with the
    content Art. 59(2)(a)–(d) requires."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "state": "MT",
                    "notified_on": "2026-07-01",
                    "reasoning": "Arrivals by sea doubled in the last 12 months (Art. 9(3)(a)).",
                    "needs": {"relocations": 400},
                    "stabilisation": "Relocation would free reception capacity in Hal Far.",
                    "vulnerabilities": "Reception contingency plan activated on 1 June.",
                }
            ]
        },
    )
    state: StateCode
    notified_on: Day
    reasoning: Required
    needs: NeedsIn
    stabilisation: Required
    vulnerabilities: Required

    def to_domain(self, location: str = "request body") -> Notification:
        return Notification(
            self.state,
            self.notified_on,
            self.reasoning,
            self.needs.to_domain(),
            self.stabilisation,
            self.vulnerabilities,
            location=location,
        )


class NotificationDecisionIn(BaseModel):
    """The Commission's decision on a notification (Art. 59(4)), transmitted on ``decided_on``;
    it may find systemic shortcomings in the same decision (Art. 60(3))."""

    model_config = ConfigDict(extra="forbid")
    decided_on: Day
    under_pressure: bool
    shortcomings: bool = False
    decision: Label = ""


class RefusalIn(BaseModel):
    """Access to the pool refused within two weeks of the decision (Art. 59(6))."""

    model_config = ConfigDict(extra="forbid")
    refused_on: Day
    refused_by: Literal["council", "commission"]
    reason: Required
    act: Label = ""


class NotificationRecord(NotificationIn):
    """A notification with what followed it, as a pledges file records it."""

    decided_on: Day | None = None
    under_pressure: bool | None = None
    shortcomings: bool = False
    refused_on: Day | None = None
    refused_by: Literal["council", "commission", ""] = ""
    refusal_reason: Reasons = ""

    def to_domain(self, location: str = "request body") -> Notification:
        n = super().to_domain(location)
        return Notification(
            n.state,
            n.notified_on,
            n.reasoning,
            n.needs,
            n.stabilisation,
            n.vulnerabilities,
            self.decided_on,
            self.under_pressure,
            self.shortcomings,
            self.refused_on,
            self.refused_by,
            self.refusal_reason,
            location,
        )


class FindingIn(BaseModel):
    """Systemic shortcomings identified by the Commission in a benefitting state
    (Art. 60(3), fourth subparagraph), in a decision under Art. 11 or 59(4)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "state": "EL",
                    "decided_on": "2026-09-01",
                    "article": "11",
                    "decision": "C(2026) 1",
                }
            ]
        },
    )
    state: StateCode
    decided_on: Day
    article: Literal["11", "59(4)"]
    decision: Label = ""

    def to_domain(self, location: str = "request body") -> ShortcomingsFinding:
        return ShortcomingsFinding(
            self.state, self.decided_on, self.article, self.decision, location
        )


__all__ = [
    "FindingIn",
    "NeedsIn",
    "NotificationDecisionIn",
    "NotificationIn",
    "NotificationRecord",
    "RefusalIn",
    "UseOfPoolIn",
    "read_day",
]
