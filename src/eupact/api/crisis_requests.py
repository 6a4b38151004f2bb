"""The request bodies of the crisis procedure's routes (Regulation (EU) 2024/1359, CFMR), with the
examples the OpenAPI document shows. Shapes and bounds are checked here; what an act means (which
fields an act takes, which derogations a situation allows, the order of the acts) is the
procedure's (:mod:`eupact.crisis.reading`, :mod:`eupact.crisis.procedure`), which says what it
refuses in words."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from eupact.api.dublin_requests import Day, Note, Reasons, _text
from eupact.boundary import MAX_NOTE

# the CFMR's own scope (not Part III AMMR's) is checked by the procedure: Denmark, an unknown code
State = Annotated[
    str,
    Field(min_length=2, max_length=2, pattern="^[A-Za-z]{2}$", description="Eurostat geo code"),
]
Situation = Literal["mass_arrivals", "instrumentalisation", "force_majeure"]
Article = Annotated[str, Field(min_length=1, max_length=8)]
Derogations = Annotated[list[Article], Field(max_length=16)]
Reference = Annotated[str, Field(max_length=200), _text(200)]
Persons = Annotated[int, Field(ge=0, le=10_000_000)]
Euro = Annotated[int | str, Field(description='EUR, e.g. 1500000 or "1500000.50"')]
Exclusion = Literal["11(7)(a)", "11(7)(b)"]
ACT_KINDS = (
    "assessment_notified",
    "commission_decision",
    "proposal",
    "council_decision",
    "extension",
    "new_decision",
    "repeal_proposal",
    "repeal",
    "report",
    "bulletin",
    "recommendation",
    "credit_notification",
    "credit_authorisation",
)
ActKind = Literal[
    "assessment_notified",
    "commission_decision",
    "proposal",
    "council_decision",
    "extension",
    "new_decision",
    "repeal_proposal",
    "repeal",
    "report",
    "bulletin",
    "recommendation",
    "credit_notification",
    "credit_authorisation",
]


class SolidarityIn(BaseModel):
    """The type and level of solidarity asked (Art. 2(2)(b), 8(1))."""

    model_config = ConfigDict(extra="forbid")
    relocations: Persons = 0
    financial: Euro = 0
    alternative: Euro = 0
    relocation_primary: bool = False


class PlanIn(BaseModel):
    """A Solidarity Response Plan's figures (Art. 4(2)(b), 4(5)(b)): needs, what is drawn from
    the Annual Solidarity Pool, additional pledges needed."""

    model_config = ConfigDict(extra="forbid")
    relocations: Persons
    financial: Euro = 0
    from_pool_relocations: Persons = 0
    from_pool_financial: Euro = 0
    additional_relocations: Persons = 0
    additional_financial: Euro = 0


class CrisisRequestIn(BaseModel):
    """A Member State's reasoned request (Art. 2 CFMR), by the Member State itself."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "date": "2026-09-01",
                    "situation": "mass_arrivals",
                    "description": "arrivals tripled in two months; reception full",
                    "solidarity": {"relocations": 5000, "relocation_primary": True},
                    "derogations": ["10", "12"],
                }
            ]
        },
    )
    date: Day | None = Field(default=None, description="the day submitted; default: today (UTC)")
    state: State | None = Field(default=None, description="default: the token's state")
    situation: Situation
    description: Reasons = Field(description="Art. 2(2)(a): how the situation arose, in words")
    solidarity: SolidarityIn | None = None
    derogations: Derogations = Field(
        default_factory=list, description='Art. 2(2)(c): e.g. ["10", "11(1)", "12"]'
    )
    instrumentalisation_exclusion: Exclusion | None = None
    early_registration: bool = Field(default=False, description="Art. 10(6)")
    early_registration_reasons: Note = ""
    reference: Reference = ""
    note: Note = ""


class CrisisActIn(BaseModel):
    """An institution's act about a crisis: ``kind`` and its day, and the fields that kind
    takes (the others are refused): a Commission decision ``established`` and ``situation``; a
    proposal or a Council decision its ``derogations`` and ``plan``; a Council decision its
    ``applies_from``/``applies_until``; an extension its ``until``; a repeal its
    ``effective_on``; a recommendation its ``categories``; a contributing Member State's
    credit notification (Art. 9(5), its own) its ``applications`` above its fair share and the
    ``reduction`` it intends; the Commission's credit authorisation the ``state``, the
    ``applications`` authorised and, as ``reference``, its implementing act."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "commission_decision",
                    "date": "2026-09-18",
                    "established": True,
                    "situation": "mass_arrivals",
                    "reference": "Commission Implementing Decision C(2026) 1234",
                },
                {
                    "kind": "council_decision",
                    "date": "2026-09-30",
                    "applies_from": "2026-10-01",
                    "derogations": ["10", "12"],
                    "plan": {
                        "relocations": 5000,
                        "from_pool_relocations": 2000,
                        "additional_relocations": 3000,
                    },
                },
            ]
        },
    )
    kind: ActKind
    date: Day | None = Field(default=None, description="the day of the act; default: today")
    reference: Reference | None = None
    note: Note | None = None
    established: bool | None = None
    situation: Situation | None = None
    derogations: Derogations | None = None
    plan: PlanIn | None = None
    identification: Annotated[str, Field(max_length=MAX_NOTE), _text(MAX_NOTE)] | None = None
    requested_on: Day | None = None
    applies_from: Day | None = None
    applies_until: Day | None = None
    instrumentalisation_exclusion: Exclusion | None = None
    take_back_window: Annotated[list[Day], Field(min_length=2, max_length=2)] | None = None
    in_force_on: Day | None = None
    until: Day | None = None
    effective_on: Day | None = None
    categories: Note | None = None
    state: State | None = None  # a credit's contributing state (Art. 9(5))
    applications: Persons | None = None
    reduction: Persons | None = None

    def fields(self) -> dict[str, Any]:
        """The act's fields as the procedure reads them (dates written YYYY-MM-DD)."""
        return self.model_dump(mode="json", exclude_none=True, exclude={"kind", "date"})


def request_fields(body: CrisisRequestIn) -> dict[str, Any]:
    return body.model_dump(mode="json", exclude_none=True, exclude={"date"})


__all__ = [
    "ACT_KINDS",
    "CrisisActIn",
    "CrisisRequestIn",
    "PlanIn",
    "SolidarityIn",
    "request_fields",
]
