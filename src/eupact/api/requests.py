"""The API's request bodies (with the examples the OpenAPI document shows).

The cycle's own steps are here; every other body is the boundary's model of its concept, the
same that reads pledges files and the dashboard's forms (:mod:`eupact.boundary`)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from eupact.boundary import (
    AssessmentIn,
    DecisionIn,
    DeductionIn,
    ImplementationIn,
    MatchIn,
    OffsetIn,
    OffsetReplyIn,
    PledgeIn,
    StateCode,
    benefit,
)
from eupact.boundary.benefit import FindingIn, NotificationIn, UseOfPoolIn
from eupact.cycle.phases import Action

__all__ = [
    "AlternativeRequestIn",
    "AssessmentIn",
    "CycleIn",
    "DecisionIn",
    "DeductionIn",
    "FindingIn",
    "ImplementationIn",
    "MatchIn",
    "NotificationDecisionIn",
    "NotificationIn",
    "OffsetIn",
    "OffsetReplyIn",
    "PledgeIn",
    "RefusalIn",
    "TransitionIn",
    "UseOfPoolIn",
]


class AlternativeRequestIn(BaseModel):
    """A benefitting state's request for another state's alternative measures, after the act
    and in the implementation year (Art. 57(4), 65(1))."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"benefitting_state": "CY"}]}
    )
    benefitting_state: StateCode


class CycleIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"year": 2026}]})
    year: int = Field(ge=2025, le=2100, description="The pool year the cycle prepares")


class TransitionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"action": "adopt_report", "on": "2025-11-11"}]},
    )
    action: Action
    on: dt.date | None = Field(None, description="Date of the step (default: today)")


class NotificationDecisionIn(benefit.NotificationDecisionIn):
    """The Commission's decision on a notification (Art. 59(4)), transmitted on
    ``decided_on``; it may find systemic shortcomings in the same decision (Art. 60(3))."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"decided_on": "2026-07-10", "under_pressure": True, "decision": "C(2026) 4711"}
            ]
        },
    )


class RefusalIn(benefit.RefusalIn):
    """Access to the pool refused within two weeks of the Commission decision (Art. 59(6)):
    by the Council's implementing act, or as the Commission considers."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "refused_on": "2026-07-20",
                    "refused_by": "council",
                    "reason": "insufficient capacity in the Annual Solidarity Pool (Art. 59(6))",
                    "act": "Council Implementing Decision (EU) 2026/…",
                }
            ]
        },
    )
