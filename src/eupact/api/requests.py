"""The API's request bodies (with the examples the OpenAPI document shows)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from eupact.cycle.phases import Action
from eupact.matching import Applicant, Link, PledgedPlaces
from eupact.matching.files import ApplicantRow, PlacesRow
from eupact.pool.pledges import Pledge, PledgeKind


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


class PledgeIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"state": "DE", "kind": "relocation", "amount": "4555"},
                {"state": "FR", "kind": "financial", "amount": "67307315.34"},
                {"state": "AT", "kind": "alternative", "amount": "250000", "requested_by": ["CY"]},
            ]
        },
    )
    state: str = Field(min_length=2, max_length=2, description="Eurostat geo code (EL = Greece)")
    kind: PledgeKind
    amount: Decimal = Field(
        description="Persons for a relocation pledge, EUR otherwise (at most 2 decimals)",
        allow_inf_nan=False,
        decimal_places=2,
        le=Decimal(10) ** 13,
    )
    requested_by: list[str] = Field(default_factory=list, max_length=27)
    note: str = Field("", max_length=2000)

    _text = field_validator("note")(lambda v: _plain_text(v))

    @field_validator("requested_by")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len({v.upper() for v in value}) != len(value):
            raise ValueError("each requesting state once")
        return value

    def pledge(self) -> Pledge:
        return Pledge(
            self.state.upper(),
            self.kind,
            self.amount,
            tuple(s.upper() for s in self.requested_by),
            self.note,
            "request body",
        )


def _plain_text(value: str) -> str:
    """Refuse control characters (NUL and the like) in free text; keep tabs and newlines."""
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise ValueError("control characters are not allowed in text")
    return value


class DeductionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "state": "AT",
                    "article": "62",
                    "full": True,
                    "reasons": "capacity reached in reception (Art. 62(2)(d))",
                }
            ]
        },
    )
    state: str = Field(min_length=2, max_length=2)
    article: Literal["61", "62"]
    full: bool
    relocations: int = Field(0, ge=0, le=10_000_000)
    financial: Decimal = Field(Decimal(0), ge=0, le=Decimal(10) ** 13, decimal_places=2)
    self_assessed: bool = False
    reasons: str = Field("", max_length=10000)

    _text = field_validator("reasons")(lambda v: _plain_text(v))


class AssessmentIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"assessment": "The request is substantiated: reception capacity is exhausted."}
            ]
        },
    )
    assessment: str = Field(min_length=1, max_length=10000)

    _text = field_validator("assessment")(lambda v: _plain_text(v))


class DecisionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"granted": True, "council_act": "Council Implementing Decision (EU) 2026/123"}
            ]
        },
    )
    granted: bool
    council_act: str = Field(min_length=1, max_length=128)

    _text = field_validator("council_act")(lambda v: _plain_text(v))


class OffsetIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"benefitting_state": "IT", "contributing_state": "DE", "applications": 500}
            ]
        },
    )
    benefitting_state: str = Field(min_length=2, max_length=2)
    contributing_state: str = Field(min_length=2, max_length=2)
    applications: int = Field(gt=0, le=1_000_000)


class OffsetReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"accepted": 400}]})
    accepted: int = Field(ge=0, le=1_000_000)


class ImplementationIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"state": "DE", "kind": "relocation", "benefitting_state": "IT", "amount": "120"}
            ]
        },
    )
    state: str = Field(min_length=2, max_length=2)
    kind: PledgeKind
    benefitting_state: str = Field(min_length=2, max_length=2)
    amount: Decimal = Field(allow_inf_nan=False, decimal_places=2, gt=0, le=Decimal(10) ** 13)


class MatchIn(BaseModel):
    """Applicants and pledged places, with the fields of `eupact match`'s JSON files."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "applicants": [
                        {
                            "id": "A1",
                            "benefitting_state": "IT",
                            "family_unit": "F1",
                            "languages": ["de"],
                            "links": [{"state": "DE", "kind": "family"}],
                        },
                        {"id": "A2", "benefitting_state": "IT", "family_unit": "F1"},
                        {"id": "A3", "benefitting_state": "EL"},
                    ],
                    "places": [
                        {"contributing_state": "DE", "places": 2},
                        {"contributing_state": "FR", "places": 1, "benefitting_state": "EL"},
                    ],
                }
            ]
        },
    )
    applicants: list[ApplicantRow] = Field(min_length=1, max_length=2000)
    places: list[PlacesRow] = Field(min_length=1, max_length=200)

    def to_domain(self) -> tuple[list[Applicant], list[PledgedPlaces]]:
        applicants = [
            Applicant(
                id=r.id,
                benefitting_state=r.benefitting_state,
                family_unit=r.family_unit,
                nationality=r.nationality,
                languages=tuple(r.languages),
                links=tuple(Link(lk.state, lk.kind) for lk in r.links),
                vulnerabilities=tuple(r.vulnerabilities),
                preferences=tuple(r.preferences),
                status=r.status,
                consent=r.consent,
                source=f"applicants[{i}]",
            )
            for i, r in enumerate(self.applicants)
        ]
        places = [
            PledgedPlaces(r.contributing_state, r.places, r.benefitting_state, f"places[{i}]")
            for i, r in enumerate(self.places)
        ]
        return applicants, places
