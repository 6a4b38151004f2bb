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
)
from eupact.cycle.phases import Action

__all__ = [
    "AssessmentIn",
    "CycleIn",
    "DecisionIn",
    "DeductionIn",
    "ImplementationIn",
    "MatchIn",
    "OffsetIn",
    "OffsetReplyIn",
    "PledgeIn",
    "TransitionIn",
]


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
