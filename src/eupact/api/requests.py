"""The API's request bodies (with the examples the OpenAPI document shows).

The cycle's own steps are here; every other body is the boundary's model of its concept, the
same that reads pledges files and the dashboard's forms (:mod:`eupact.boundary`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from eupact.boundary import (
    MAX_STATES,
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
from eupact.errors import fail
from eupact.pool.council import Vote
from eupact.pool.limits import MAX_EUR, MAX_PERSONS
from eupact.pool.pledges import PledgeKind
from eupact.scenarios.model import FIRST_YEAR, LAST_YEAR, Changes, Scenario, scenario_from_dict

__all__ = [
    "AlternativeRequestIn",
    "AssessmentIn",
    "CompareIn",
    "ConfirmationIn",
    "CycleIn",
    "DecisionIn",
    "DeductionDecisionIn",
    "DeductionIn",
    "FindingIn",
    "ImplementationIn",
    "MatchIn",
    "NotificationDecisionIn",
    "NotificationIn",
    "OffsetIn",
    "OffsetReplyIn",
    "PledgeIn",
    "ReconveneIn",
    "RefusalIn",
    "ScenarioIn",
    "TransitionIn",
    "UseOfPoolIn",
    "VoteIn",
]


class AlternativeRequestIn(BaseModel):
    """A benefitting state's request for another state's alternative measures, after the act
    and in the implementation year (Art. 57(4), 65(1))."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"benefitting_state": "CY"}]}
    )
    benefitting_state: StateCode


class ConfirmationIn(BaseModel):
    """A Member State's confirmation of the levels of each solidarity measure it implemented
    during the pool year (Art. 60(6)): in the confirmation month of the following year, once."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "state": "DE",
                    "confirmed_on": "2027-01-15",
                    "relocations": 120,
                    "alternative_eur": "0",
                    "financial_eur": "1000000",
                }
            ]
        },
    )
    state: StateCode
    confirmed_on: dt.date | None = Field(
        None, description="Day of the confirmation (default: today)"
    )
    relocations: int = Field(0, ge=0, le=MAX_PERSONS)
    alternative_eur: Decimal = Field(
        Decimal(0), allow_inf_nan=False, decimal_places=2, ge=0, le=MAX_EUR
    )
    financial_eur: Decimal = Field(
        Decimal(0), allow_inf_nan=False, decimal_places=2, ge=0, le=MAX_EUR
    )

    def levels(self) -> dict[PledgeKind, Decimal]:
        return {
            PledgeKind.RELOCATION: Decimal(self.relocations),
            PledgeKind.ALTERNATIVE: self.alternative_eur,
            PledgeKind.FINANCIAL: self.financial_eur,
        }


class CycleIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"year": 2026}]})
    year: int = Field(ge=2025, le=2100, description="The pool year the cycle prepares")


class VoteIn(BaseModel):
    """The Council's recorded vote: the Member States for, against and abstaining (each once;
    Denmark takes no part, Protocol No 22). A participating state listed nowhere did not vote;
    abstentions and absences count as not in favour."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"for": ["AT", "BE", "DE"], "against": ["HU"], "abstain": ["SK"]}]
        },
    )
    in_favour: list[StateCode] = Field(default_factory=list, alias="for", max_length=MAX_STATES)
    against: list[StateCode] = Field(default_factory=list, max_length=MAX_STATES)
    abstain: list[StateCode] = Field(default_factory=list, max_length=MAX_STATES)

    def to_vote(self) -> Vote:
        return Vote(tuple(self.in_favour), tuple(self.against), tuple(self.abstain))


def to_vote(body: VoteIn | None) -> Vote | None:
    return None if body is None else body.to_vote()


class DeductionDecisionIn(DecisionIn):
    """The Council's implementing act on a deduction request (Art. 61(4), 62(5)), with its
    recorded vote if given (a qualified majority, TFEU 238(3)(a))."""

    vote: VoteIn | None = None


class TransitionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"action": "adopt_report", "on": "2025-11-11"}]},
    )
    action: Action
    on: dt.date | None = Field(None, description="Date of the step (default: today)")
    vote: VoteIn | None = Field(
        None,
        description="The Council's vote on its act establishing the pool (Art. 57(1): "
        "qualified majority); only with 'adopt_council_act'",
    )


class ReconveneIn(BaseModel):
    """The Council reconvenes the High-Level Forum (Art. 13(4): by simple majority)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"vote": {"for": ["AT", "BE"]}}]}
    )
    vote: VoteIn | None = Field(None, description="The Council's vote (simple majority)")


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


_SCENARIO_EXAMPLE: dict[str, Any] = {
    "label": "reference number 25,000 relocations",
    "base": 2026,
    "changes": {
        "parameters": {
            "pool_2026.reference.relocations": 25000,
            "pool_2026.reference.financial": "EUR 500000000",
        }
    },
}


class ScenarioIn(BaseModel):
    """A scenario as in a scenario file (docs/scenarios.md), without a pledges file: the base
    year's shipped example pledges are changed (``changes.pledges``)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_SCENARIO_EXAMPLE]})

    label: str = Field(max_length=200)
    base: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    description: str = Field(default="", max_length=2_000)
    changes: Changes = Field(default_factory=Changes)

    def scenario(self) -> Scenario:
        # the scenario file's own checks (text, codes, bounds), refused as any bad input
        key = self.changes.key
        for name, value in (("population_file", key.population_file), ("gdp_file", key.gdp_file)):
            if value is not None:
                raise fail(
                    f"changes.key.{name}",
                    value,
                    "a file on the server cannot be named through the API: run the scenario "
                    "with `eupact scenario run` and your own file",
                )
        return scenario_from_dict(self.model_dump(), "request body")


class CompareIn(BaseModel):
    """Two scenarios, A and B."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"a": {"label": "as recorded", "base": 2026}, "b": _SCENARIO_EXAMPLE}]
        },
    )

    a: ScenarioIn
    b: ScenarioIn
