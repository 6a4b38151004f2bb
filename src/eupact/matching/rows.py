"""Applicants and pledged places as input rows (Art. 67 AMMR), validated with pydantic.

The rows of ``eupact match``'s files and of the API's matching request: each field bounded (text
lengths, places at most :data:`eupact.pool.limits.MAX_PERSONS`), text without control characters
or lone surrogates, state codes two ASCII letters upper-cased. Whether a code names a Member
State bound by Part IV is the matching instance's check (it also knows the year's benefitting
states); :mod:`eupact.boundary` re-exports these rows beside its other models.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from eupact.pool.limits import MAX_PERSONS

from .model import (
    LINK_KINDS,
    Applicant,
    BilateralAgreement,
    Link,
    LinkKind,
    PledgedPlaces,
    Status,
    Vulnerability,
)

MAX_TEXT = 200  # an id, a family unit, a nationality, a language code
MAX_ITEMS = 50  # languages, links, vulnerabilities, preferences of one person


def _plain(value: Any) -> Any:
    """Text as it may be stored and shown: NFC, without controls or lone surrogates."""
    if not isinstance(value, str):
        return value
    if len(value) > 4 * MAX_TEXT:
        raise ValueError(f"at most {MAX_TEXT} characters")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in value):
        raise ValueError("control characters and lone surrogates are not allowed in text")
    return unicodedata.normalize("NFC", value).strip()


def _code(value: Any) -> Any:
    """A state code as two ASCII letters, upper-cased; anything else is refused here."""
    if not isinstance(value, str):
        return value
    code = value.strip().upper()
    if len(code) != 2 or not all("A" <= c <= "Z" for c in code):
        raise ValueError("two letters: a Member State's Eurostat geo code, e.g. DE (EL = Greece)")
    return code


def _split(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.replace(",", ";").split(";") if v.strip()]
    return value


class LinkRow(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    state: str = Field(min_length=2, max_length=2)
    kind: LinkKind

    @field_validator("state", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return _code(value)


class ApplicantRow(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=MAX_TEXT)
    benefitting_state: str = Field(min_length=2, max_length=2)
    family_unit: str = Field("", max_length=MAX_TEXT)
    nationality: str = Field("", max_length=MAX_TEXT)
    languages: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    links: list[LinkRow] = Field(default_factory=list, max_length=MAX_ITEMS)
    vulnerabilities: list[Vulnerability] = Field(default_factory=list, max_length=MAX_ITEMS)
    preferences: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    status: Status = Status.APPLICANT
    consent: bool = False
    protection_granted_on: dt.date | None = None

    @field_validator("benefitting_state", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return _code(value)

    @field_validator("id", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return _plain(value)

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        return [_plain(v) for v in value]

    @field_validator("languages", "vulnerabilities", mode="before")
    @classmethod
    def _lower_list(cls, value: Any) -> Any:
        items = _split(value)
        return (
            [v.lower() if isinstance(v, str) else v for v in items]
            if isinstance(items, list)
            else items
        )

    @field_validator("preferences", mode="before")
    @classmethod
    def _upper_list(cls, value: Any) -> Any:
        items = _split(value)
        return [_code(v) for v in items] if isinstance(items, list) else items

    @field_validator("links", mode="before")
    @classmethod
    def _links(cls, value: Any) -> Any:
        items = _split(value)
        if not isinstance(items, list):
            return items
        out: list[Any] = []
        for item in items:
            if isinstance(item, str):
                state, sep, kind = item.partition(":")
                if not sep:
                    raise ValueError(
                        f"link {item!r} must be STATE:kind, kind one of "
                        + ", ".join(k.value for k in LINK_KINDS)
                    )
                out.append({"state": state.strip(), "kind": kind.strip().lower()})
            else:
                out.append(item)
        return out

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> Any:
        return value.strip().lower() or "applicant" if isinstance(value, str) else value

    @field_validator("consent", mode="before")
    @classmethod
    def _consent(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return False
        return value

    @field_validator("protection_granted_on", mode="before")
    @classmethod
    def _blank_date(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("family_unit", "nationality", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return "" if value is None else _plain(value)

    def to_domain(self, source: str = "") -> Applicant:
        return Applicant(
            id=self.id,
            benefitting_state=self.benefitting_state,
            family_unit=self.family_unit,
            nationality=self.nationality,
            languages=tuple(self.languages),
            links=tuple(Link(lk.state, lk.kind) for lk in self.links),
            vulnerabilities=tuple(self.vulnerabilities),
            preferences=tuple(self.preferences),
            status=self.status,
            consent=self.consent,
            source=source,
            protection_granted_on=self.protection_granted_on,
        )


class PlacesRow(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    contributing_state: str = Field(min_length=2, max_length=2)
    places: int = Field(ge=0, le=MAX_PERSONS)
    benefitting_state: str | None = None

    @field_validator("contributing_state", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return _code(value)

    @field_validator("places", mode="before")
    @classmethod
    def _not_a_boolean(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("a whole number of places, not true or false")
        return value

    @field_validator("benefitting_state", mode="before")
    @classmethod
    def _any(cls, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str) and value.strip().upper() in {"", "*", "ALL", "ANY"}:
            return None
        return _code(value)

    def to_domain(self, source: str = "") -> PledgedPlaces:
        return PledgedPlaces(self.contributing_state, self.places, self.benefitting_state, source)


class ProfileRow(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    state: str = Field(min_length=2, max_length=2)
    accepts_unaccompanied_minors: bool = True
    accepts_beneficiaries: bool = True
    max_unit_size: int | None = Field(default=None, ge=1, le=MAX_PERSONS)
    languages: list[str] | None = Field(default=None, max_length=MAX_ITEMS)

    @field_validator("state", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return _code(value)

    @field_validator("accepts_unaccompanied_minors", "accepts_beneficiaries", mode="before")
    @classmethod
    def _blank_true(cls, value: Any) -> Any:
        return True if isinstance(value, str) and not value.strip() else value

    @field_validator("max_unit_size", mode="before")
    @classmethod
    def _blank_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("languages", mode="before")
    @classmethod
    def _langs(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        items = _split(value)
        return (
            [v.lower() if isinstance(v, str) else v for v in items]
            if isinstance(items, list)
            else items
        )


class AgreementRow(BaseModel):
    """A bilateral agreement on relocating beneficiaries of protection from ``benefitting_state``
    to ``relocation_state`` (Art. 56(2)(a)(ii))."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    benefitting_state: str = Field(min_length=2, max_length=2)
    relocation_state: str = Field(min_length=2, max_length=2)

    @field_validator("benefitting_state", "relocation_state", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return _code(value)

    def to_domain(self, source: str = "") -> BilateralAgreement:
        return BilateralAgreement(self.benefitting_state, self.relocation_state, source)


__all__ = ["AgreementRow", "ApplicantRow", "LinkRow", "PlacesRow", "ProfileRow"]
