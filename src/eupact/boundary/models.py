"""The input models, one per concept: a pledge (Art. 57(3), 65(1) AMMR), a deduction request
(Art. 61(1), 62(1)) and a recorded deduction (Art. 61(4), 62(5)), an offsets request and its
reply (Art. 63(1), 69), an implementation record (Art. 60(3), 64, 68), a token.

The same models read FastAPI request bodies, pledges files and the dashboard's forms: a number is
read by :mod:`eupact.boundary.numbers` (bounded before conversion; people's forms such as
'1 200,50' only when validated with ``context={"people": True}``, see :func:`validate`), text by
:mod:`eupact.boundary.text`, a state code against the states bound by Part IV. A model refuses
with pydantic's ``ValidationError`` (FastAPI answers it); :func:`validate` turns it into an
:class:`EupactError` naming each field, value and rule. ``to_domain()`` gives the pool's type.

The pool's rules (a benefitting state for Art. 65(1), the pledge against the Council act …) are
the pool's; the models check what a value must be whatever the year: its type, its size, that it
names a Member State bound by Part IV.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar, Unpack

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from eupact.boundary.limits import (
    EUR_DECIMALS,
    MAX_APPLICATIONS,
    MAX_EUR,
    MAX_LABEL,
    MAX_NOTE,
    MAX_NUMBER_CHARS,
    MAX_OFFSET_CASES,
    MAX_PERSONS,
    MAX_REASONS,
    MAX_STATES,
)
from eupact.boundary.numbers import Rules, read_decimal, read_integer
from eupact.boundary.refusal import Refused, refuse
from eupact.boundary.text import read_state, read_text
from eupact.matching.model import Applicant, BilateralAgreement, PledgedPlaces
from eupact.matching.rows import AgreementRow, ApplicantRow, PlacesRow
from eupact.pool.pledges import Deduction, DeductionStatus, Pledge, PledgeKind

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

# The roles of eupact.cycle.phases.Role (the cycle is above the boundary; a test keeps them equal).
ROLES = ("commission", "council", "coordinator", "member_state", "observer")
Role = Literal["commission", "council", "coordinator", "member_state", "observer"]


def validate(
    model: type[M],
    data: object,
    *,
    people: bool = False,
    location: str = "",
    summary: str = "invalid input",
) -> M:
    """``data`` as ``model``, or an :class:`EupactError` naming every field refused."""
    try:
        return model.model_validate(data, context={"people": people})
    except ValidationError as exc:
        refuse(exc, location, summary)


def _checked(read: Callable[[], T]) -> T:
    try:
        return read()
    except Refused as refused:
        raise refused.pydantic() from None


def _people(info: ValidationInfo) -> bool:
    return isinstance(info.context, dict) and bool(info.context.get("people"))


def _refuse(rule: str, value: object) -> PydanticCustomError:
    return Refused(rule, value).pydantic()


# -- field types ----------------------------------------------------------------------------------


def _state(value: Any) -> str:
    return _checked(lambda: read_state(value))


def _text(limit: int, single_line: bool = False) -> BeforeValidator:
    return BeforeValidator(
        lambda value: _checked(lambda: read_text(value, limit=limit, single_line=single_line))
    )


def _number(integer: bool = False, **rules: Unpack[Rules]) -> BeforeValidator:
    def read(value: Any, info: ValidationInfo) -> Decimal | int:
        given: Rules = {**rules, "people": _people(info)}
        if integer:
            return _checked(lambda: read_integer(value, **given))
        return _checked(lambda: read_decimal(value, **given))

    return BeforeValidator(read)


StateCode = Annotated[
    str,
    Field(min_length=2, max_length=2, description="Eurostat geo code (EL = Greece)"),
    BeforeValidator(_state),
]
Note = Annotated[str, Field(max_length=MAX_NOTE), _text(MAX_NOTE)]
Reasons = Annotated[str, Field(max_length=MAX_REASONS), _text(MAX_REASONS)]
Label = Annotated[str, Field(max_length=MAX_LABEL), _text(MAX_LABEL, single_line=True)]

NOT_NEGATIVE = "a pledge must not be negative: a number of zero or more"
WHOLE = "relocations are whole persons: a whole number"


def _read_amount(kind: object, value: Any, info: ValidationInfo, positive: bool) -> Decimal:
    """An amount of ``kind``: persons for relocations (whole, at most MAX_PERSONS), EUR
    otherwise (cents, at most MAX_EUR); zero too for a pledge, above zero if ``positive``."""
    people, blank = _people(info), "enter an amount"
    below = "a number greater than zero" if positive else NOT_NEGATIVE
    if kind is PledgeKind.RELOCATION:
        # read as any number first, so that '12.5' is told "whole persons", not "a number"
        number = _checked(
            lambda: read_decimal(
                value,
                maximum=MAX_PERSONS,
                decimals=MAX_NUMBER_CHARS,
                positive=positive,
                people=people,
                blank=blank,
                below=below,
                unit="persons",
            )
        )
        if number != number.to_integral_value():
            raise _refuse(WHOLE, value if isinstance(value, str) else str(number))
        return number.quantize(Decimal(1))
    return _checked(
        lambda: read_decimal(
            value,
            maximum=MAX_EUR,
            decimals=EUR_DECIMALS,
            positive=positive,
            people=people,
            blank=blank,
            below=below,
            unit="EUR",
        )
    )


def _split_states(value: Any) -> Any:
    """'CY, IT' or 'CY;IT' (a CSV cell, a form field) as a list."""
    if isinstance(value, str):
        if len(value) > 4 * MAX_STATES:
            raise _refuse(f"at most {MAX_STATES} states", value)
        return [v for v in value.replace(",", " ").replace(";", " ").split() if v]
    return value


def _distinct(value: list[str]) -> list[str]:
    if len(set(value)) != len(value):
        raise _refuse("each state once", ", ".join(value))
    return value


# -- the models -----------------------------------------------------------------------------------


class PledgeIn(BaseModel):
    """A Member State's pledge of one type (Art. 57(3)); alternative measures name the
    benefitting states that requested them (Art. 65(1))."""

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
    state: StateCode
    kind: PledgeKind
    amount: Decimal = Field(
        description="Persons for a relocation pledge, EUR otherwise (at most 2 decimals)",
        allow_inf_nan=False,
        decimal_places=2,
        le=MAX_EUR,
    )
    requested_by: list[StateCode] = Field(default_factory=list, max_length=MAX_STATES)
    note: Note = ""

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any, info: ValidationInfo) -> Decimal:
        return _read_amount(info.data.get("kind"), value, info, positive=False)

    _split = field_validator("requested_by", mode="before")(_split_states)
    _once = field_validator("requested_by")(_distinct)

    def to_domain(self, location: str = "request body") -> Pledge:
        return Pledge(
            self.state, self.kind, self.amount, tuple(self.requested_by), self.note, location
        )


def _article(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class DeductionIn(BaseModel):
    """A Member State's request for a full or partial deduction (Art. 61(1), 62(1))."""

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
    state: StateCode
    article: Annotated[Literal["61", "62"], BeforeValidator(_article)]
    full: bool
    relocations: Annotated[
        int,
        Field(ge=0, le=MAX_PERSONS),
        _number(integer=True, maximum=MAX_PERSONS, unit="persons"),
    ] = 0
    financial: Annotated[
        Decimal,
        Field(ge=0, le=MAX_EUR, decimal_places=2),
        _number(maximum=MAX_EUR, decimals=EUR_DECIMALS, unit="EUR"),
    ] = Decimal(0)
    self_assessed: bool = False
    reasons: Reasons = ""

    def to_domain(self, location: str = "request body") -> Deduction:
        return Deduction(
            self.state,
            self.article,
            self.full,
            self.relocations,
            self.financial,
            DeductionStatus.REQUESTED,
            "",
            self.self_assessed,
            location,
        )


class DeductionRecord(DeductionIn):
    """A deduction with its outcome, as a pledges file records it: granted or refused by a
    Council implementing act (Art. 61(4), 62(5)). Not a request body: no one grants their own."""

    status: DeductionStatus = DeductionStatus.REQUESTED
    council_act: Label = ""

    def to_domain(self, location: str = "request body") -> Deduction:
        d = super().to_domain(location)
        return Deduction(
            d.state,
            d.article,
            d.full,
            d.relocations,
            d.financial,
            self.status,
            self.council_act,
            d.self_assessed,
            location,
        )


@dataclass(frozen=True, slots=True)
class OffsetsRequest:
    """A benefitting state asks a contributing state to take responsibility (Art. 63(1))."""

    benefitting_state: str
    contributing_state: str
    applications: int


class OffsetIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"benefitting_state": "IT", "contributing_state": "DE", "applications": 500}
            ]
        },
    )
    benefitting_state: StateCode
    contributing_state: StateCode
    applications: Annotated[
        int,
        Field(gt=0, le=MAX_APPLICATIONS),
        _number(
            integer=True,
            maximum=MAX_APPLICATIONS,
            positive=True,
            unit="applications",
        ),
    ]

    @field_validator("contributing_state")
    @classmethod
    def _other(cls, value: str, info: ValidationInfo) -> str:
        if value == info.data.get("benefitting_state"):
            raise _refuse("a state does not ask itself for offsets (Art. 63(1))", value)
        return value

    def to_domain(self) -> OffsetsRequest:
        return OffsetsRequest(self.benefitting_state, self.contributing_state, self.applications)


def _case_reference(value: Any) -> str:
    if not isinstance(value, str) or not _CASE_REF.fullmatch(value):
        raise _refuse(
            "a case's pseudonymous reference: 1-64 letters, digits, '.', '_', ':' or '-'", value
        )
    return value


_CASE_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")  # as eupact.responsibility's
CaseReference = Annotated[str, BeforeValidator(_case_reference)]


class OffsetReplyIn(BaseModel):
    """The contributing state's reply: how many of the applications it accepts (Art. 69(2)), and
    optionally which, by their references in the Dublin workspace (Art. 63(6), (8))."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"accepted": 400}]})
    accepted: Annotated[
        int,
        Field(ge=0, le=MAX_APPLICATIONS),
        _number(integer=True, maximum=MAX_APPLICATIONS, unit="applications"),
    ]
    cases: tuple[CaseReference, ...] = Field(default=(), max_length=MAX_OFFSET_CASES)

    def to_domain(self) -> int:
        return self.accepted


@dataclass(frozen=True, slots=True)
class Implementation:
    """What a contributing state carried out for a benefitting state: persons relocated or EUR
    transferred (Art. 60(3), 64, 68). A financial contribution goes to the Union budget
    (Art. 64(1)): its ``benefitting_state`` may be empty."""

    state: str
    kind: PledgeKind
    benefitting_state: str
    amount: Decimal


class ImplementationIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"state": "DE", "kind": "relocation", "benefitting_state": "IT", "amount": "120"}
            ]
        },
    )
    state: StateCode
    kind: PledgeKind
    # Art. 64(1): a financial contribution is transferred to the Union budget and needs none
    benefitting_state: StateCode | None = Field(None, validate_default=True)
    amount: Decimal = Field(allow_inf_nan=False, decimal_places=2, gt=0, le=MAX_EUR)
    # Art. 65(1), (3), 67(9), (12): the day a relocation was accepted or a measure agreed
    started_on: dt.date | None = None
    # accepted or agreed, not yet carried out (Art. 63(5), 67(9)); not a financial contribution
    accepted: bool = False

    @field_validator("benefitting_state", mode="before")
    @classmethod
    def _none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("benefitting_state")
    @classmethod
    def _other(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and value == info.data.get("state"):
            raise _refuse("solidarity goes to another Member State, not to the giver", value)
        if value is None and info.data.get("kind") not in (None, PledgeKind.FINANCIAL):
            raise _refuse(
                "relocations and alternative measures go to a benefitting Member State "
                "(Art. 60(3), 65(1)); only a financial contribution goes to the Union budget "
                "(Art. 64(1))",
                value,
            )
        return value

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any, info: ValidationInfo) -> Decimal:
        return _read_amount(info.data.get("kind"), value, info, positive=True)

    def to_domain(self) -> Implementation:
        return Implementation(self.state, self.kind, self.benefitting_state or "", self.amount)


@dataclass(frozen=True, slots=True)
class TokenRequest:
    role: str  # one of ROLES: eupact.cycle.phases.Role(role)
    state: str | None
    label: str


class TokenIn(BaseModel):
    """A new API token: a role, the state of a Member State's token, a label saying whose."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"role": "member_state", "state": "DE", "label": "DE ministry"}]
        },
    )
    role: Role
    state: str | None = Field(
        None,
        validate_default=True,
        min_length=2,
        max_length=2,
        description="Eurostat geo code, for a Member State token only",
    )
    label: Label = ""

    @field_validator("state", mode="before")
    @classmethod
    def _state_for_states(cls, value: Any, info: ValidationInfo) -> str | None:
        state = None if value in (None, "") else _state(value)
        role = info.data.get("role")
        if role is not None and (role == "member_state") != (state is not None):
            raise _refuse(
                "a Member State token names its state, and only a Member State token does", value
            )
        return state

    def to_domain(self) -> TokenRequest:
        return TokenRequest(self.role, self.state, self.label)


class AssessmentIn(BaseModel):
    """The Commission's assessment of a deduction request (Art. 61(3), 62(4))."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"assessment": "The request is substantiated: reception capacity is exhausted."}
            ]
        },
    )
    assessment: Annotated[str, Field(min_length=1, max_length=MAX_REASONS), _text(MAX_REASONS)]

    def to_domain(self) -> str:
        return self.assessment


class DecisionIn(BaseModel):
    """The Council's implementing act on a deduction request (Art. 61(4), 62(5))."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"granted": True, "council_act": "Council Implementing Decision (EU) 2026/123"}
            ]
        },
    )
    granted: bool
    council_act: Annotated[str, Field(min_length=1, max_length=128), _text(128, single_line=True)]

    def to_domain(self) -> tuple[bool, str]:
        return self.granted, self.council_act


class MatchIn(BaseModel):
    """Applicants and pledged places, with the fields of `eupact match`'s JSON files (Art. 67)."""

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
    bilateral_agreements: list[AgreementRow] = Field(
        default_factory=list,
        max_length=MAX_STATES * MAX_STATES,
        description="Agreements to relocate beneficiaries of protection from a benefitting "
        "state to a state of relocation (Art. 56(2)(a)(ii)); none: no beneficiary is relocated",
    )

    def to_domain(self) -> tuple[list[Applicant], list[PledgedPlaces]]:
        applicants = [r.to_domain(f"applicants[{i}]") for i, r in enumerate(self.applicants)]
        places = [r.to_domain(f"places[{i}]") for i, r in enumerate(self.places)]
        return applicants, places

    def agreements(self) -> tuple[BilateralAgreement, ...]:
        return tuple(
            r.to_domain(f"bilateral_agreements[{i}]")
            for i, r in enumerate(self.bilateral_agreements)
        )


__all__ = [
    "ROLES",
    "ApplicantRow",
    "AssessmentIn",
    "DecisionIn",
    "DeductionIn",
    "DeductionRecord",
    "Implementation",
    "ImplementationIn",
    "MatchIn",
    "Note",
    "OffsetIn",
    "OffsetReplyIn",
    "OffsetsRequest",
    "PlacesRow",
    "PledgeIn",
    "StateCode",
    "TokenIn",
    "TokenRequest",
    "validate",
]
