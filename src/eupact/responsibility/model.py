"""A case for the determination of the Member State responsible (Part III AMMR, Arts. 16–55), as
dated facts.

The case says what happened and when, nothing else: the applicant is a pseudonymous reference
(``case_id``) and family members are references too; there is no name, no document number, no
nationality beyond whether a visa is needed (Art. 31). Dates are facts as the determining state
holds them; the engine (:mod:`eupact.responsibility.engine`) reads them as the law says
(the snapshot at first registration, Art. 24(2)).

The schema is versioned (``schema_version``) and exported as JSON Schema
(``eupact responsible schema``). :func:`~.checks.read_case` refuses a case that contradicts itself — a
registration before the application was made or before every entry, a document that ends before
it starts, a minor flag the date of birth contradicts, a date after ``as_of``, a family member
twice, a state not bound by Part III — naming the field, the value and the rule.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .fields import Date, Ref, State, read_state

SCHEMA_VERSION = "1"
MAX_ITEMS = 50  # facts of one kind in one case: far above any real file, bounds the work
MAX_PERIOD_DAYS = 366  # an urgent reply period (Art. 39(2)) or an information delay (51(5))


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _items(n: int = MAX_ITEMS) -> Any:
    return Field(default=(), max_length=n)


class Place(StrEnum):
    """Where an application is made (Art. 32; APR Art. 26)."""

    TERRITORY = "territory"
    BORDER_CROSSING_POINT = "border_crossing_point"
    TRANSIT_ZONE = "transit_zone"
    AIRPORT_TRANSIT_AREA = "airport_transit_area"


class Application(_Facts):
    """One application for international protection in one state (APR Arts. 26–27)."""

    state: State
    made_on: Date
    registered_on: Date
    place: Place = Place.TERRITORY
    first_decision_on_substance: Date | None = None  # Arts. 27, 35(2), 39(1) fourth subpara
    border_procedure: bool = False  # Art. 37(2)
    final_rejection_or_withdrawal: Date | None = None  # Arts. 37(2), 63(9)
    after_refusal_of_entry_or_return_decision: bool = False  # Art. 39(2): urgent request allowed


class StatusKind(StrEnum):
    """A family member's status in a state (Arts. 2(8), 25–27, 34)."""

    REFUGEE = "refugee"  # beneficiary of international protection, Art. 26(1)
    SUBSIDIARY_PROTECTION = "subsidiary_protection"  # idem
    LONG_TERM_RESIDENT_EU = "long_term_resident_eu"  # Directive 2003/109/EC, Art. 26(1)
    LONG_TERM_RESIDENT_NATIONAL = "long_term_resident_national"  # where the Directive doesn't apply
    CITIZEN_FORMER_BENEFICIARY = "citizen_former_beneficiary"  # Art. 26(2)
    APPLICANT = "applicant"  # application pending, Art. 27
    OTHER_LEGAL_RESIDENCE = "other_legal_residence"  # legally present/resident, Arts. 25, 34
    IRREGULAR = "irregular"  # present, not legally


class Status(_Facts):
    kind: StatusKind
    state: State
    since: Date
    until: Date | None = None


class Relation(StrEnum):
    """How a person is related to the applicant (Art. 2(8)–(9); siblings and dependency, Arts. 25,
    34)."""

    SPOUSE = "spouse"
    UNMARRIED_PARTNER = "unmarried_partner"
    MINOR_CHILD = "minor_child"
    ADULT_CHILD = "adult_child"  # Art. 34 only
    PARENT = "parent"
    OTHER_RESPONSIBLE_ADULT = "other_responsible_adult"
    SIBLING = "sibling"
    AUNT_OR_UNCLE = "aunt_or_uncle"  # relative, Art. 2(9)
    GRANDPARENT = "grandparent"  # relative, Art. 2(9)


class Consent(_Facts):
    """Written consent given after being informed (Arts. 26, 27, 34(1), 35(2))."""

    applicant: Date | None = None
    family_member: Date | None = None


DependencyReason = Literal[
    "pregnancy", "newborn", "serious_illness", "severe_disability", "severe_trauma", "old_age"
]


class FamilyMember(_Facts):
    id: Ref
    relation: Relation
    date_of_birth: Date | None = None
    married: bool = False
    family_formed_before_arrival: bool = True  # Art. 2(8): formed before arriving, transit included
    statuses: tuple[Status, ...] = _items()
    can_take_care: bool | None = None  # Arts. 25(3), 34(1)
    consent: Consent = Consent()
    best_interests_objection: bool = False  # Art. 25(2)-(3): shown not to be in the BIC
    dependency: Literal["applicant_dependent", "member_dependent"] | None = None  # Art. 34(1)
    dependency_reason: DependencyReason | None = None  # when the member is the dependent one


class Dependency(_Facts):
    """The applicant's situation under Art. 34(1)."""

    reason: DependencyReason
    unfit_to_travel: bool = False  # Art. 34(2): cannot travel for a significant period


class Applicant(_Facts):
    date_of_birth: Date
    minor: bool | None = None  # optional; checked against the date of birth at registration
    unaccompanied: bool = False  # Art. 2(11), as at first registration
    married: bool = False  # Art. 2(8)(c), 25(2); a spouse listed in ``family`` counts as well
    age_assessment_minor: bool | None = None  # result of an age assessment, overrides the date
    arrived_on: Date | None = None  # first arrival on Member State territory (Art. 2(8))
    beneficiary_of_protection: bool = False  # Art. 63(8)(e)
    admitted_by: State | None = None  # an admitted person (Art. 36(1)(c), 63(8)(f))
    dependency: Dependency | None = None
    visa_required_in: tuple[State, ...] = _items(27)  # Art. 31: states that require a visa of him


class DocumentKind(StrEnum):
    RESIDENCE_DOCUMENT = "residence_document"
    VISA = "visa"


class VisaType(StrEnum):
    """Art. 2(14): (a) long stay, (b) transit or short stay, (c) airport transit."""

    LONG_STAY = "long_stay"
    SHORT_STAY = "short_stay"
    AIRPORT_TRANSIT = "airport_transit"


class Document(_Facts):
    kind: DocumentKind
    visa_type: VisaType | None = None
    issuing_state: State
    represented_state: State | None = None  # Art. 29(2), Visa Code Art. 8
    valid_from: Date
    valid_to: Date
    ended: Literal["annulled", "revoked", "withdrawn"] | None = None
    ended_on: Date | None = None
    residence_period_days: int | None = Field(default=None, ge=1, le=36_600)  # Art. 29(3)(a)
    issued_during_procedure: bool = False  # excluded from residence documents, Art. 2(13)
    fraud_after_issue_established: bool = False  # Art. 29(5), established by the issuing state


class Qualification(_Facts):
    """A diploma or qualification (Art. 2(15)–(16), Art. 30)."""

    state: State
    issued_on: Date
    study_months: int = Field(ge=0, le=1200)
    isced_level: int = Field(ge=0, le=8)
    establishment_recognised: bool = True
    in_person: bool = True


class EntryKind(StrEnum):
    IRREGULAR_CROSSING = "irregular_crossing"  # Art. 33(1)
    SAR_DISEMBARKATION = "sar_disembarkation"  # Art. 33(2)
    VISA_WAIVED = "visa_waived"  # Art. 31
    WITH_VISA = "with_visa"  # Art. 29
    AIRPORT_TRANSIT = "airport_transit"


class Entry(_Facts):
    date: Date
    state: State
    kind: EntryKind
    from_third_country: bool = True  # an internal border crossing does not count (Art. 33(1))
    evidence: Literal["proof", "circumstantial"] = "proof"  # Art. 40(4)


class HitCategory(StrEnum):
    """Eurodac data categories (Regulation (EU) 2024/1358)."""

    APPLICANT = "applicant"  # Arts. 15, 17
    IRREGULAR_CROSSING = "irregular_crossing"  # Art. 22
    ILLEGAL_STAY = "illegal_stay"  # Art. 23
    SAR = "sar"  # Art. 24
    ADMISSION = "admission"  # Arts. 18–21
    TEMPORARY_PROTECTION = "temporary_protection"  # Art. 26


class EurodacHit(_Facts):
    received_on: Date
    category: HitCategory
    state: State  # the state that recorded the data
    responsible_state: State | None = None  # responsibility recorded (Art. 38(3), 36(1)(b))
    security_flag: bool = False  # Eurodac Art. 22(3)(d), screening found a threat


class VisHit(_Facts):
    received_on: Date
    issuing_state: State


class SecurityCheck(_Facts):
    state: State
    date: Date
    threat: bool


class Security(_Facts):
    screening_check: SecurityCheck | None = None  # Screening Regulation Art. 15
    check_16_4: SecurityCheck | None = None  # Art. 16(4)


class Relocation(_Facts):
    benefitting_state: State
    state_of_relocation: State
    confirmed_on: Date
    transferred_on: Date | None = None
    before_determination: bool = False  # Art. 68(2) vs 68(3)


class Exit(_Facts):
    """A departure from the territory of the Member States (Art. 37(4)–(5))."""

    left_on: Date
    returned_on: Date | None = None
    evidence: Literal["ees", "other"] = "ees"
    complied_with_return_decision: bool = False  # Art. 37(5)


class StateAct(_Facts):
    state: State
    date: Date


class Discretion(StateAct):
    clause: Literal["35(1)", "35(2)"]
    accepted: bool | None = None  # 35(2): the requested state's answer


class RequestKind(StrEnum):
    TAKE_CHARGE = "take_charge"  # Art. 39
    TAKE_BACK = "take_back"  # Art. 41 (a notification)
    HUMANITARIAN = "humanitarian"  # Art. 35(2)


class Reply(_Facts):
    kind: Literal["accept", "refuse", "confirm", "rebut"]
    date: Date
    fraud_after_issue: bool = False  # Art. 29(5): the refusal rests on it


class Request(_Facts):
    kind: RequestKind
    from_state: State
    to_state: State
    sent_on: Date
    received_on: Date | None = None  # default: the day sent (DubliNet delivers the same day)
    article: str = Field(default="", max_length=16)  # the criterion relied on, e.g. "33(1)"
    based_on_hit: bool = False  # Art. 39(1) second subpara, 40(2)
    urgent_period_days: int | None = Field(default=None, ge=7, le=MAX_PERIOD_DAYS)  # 39(2)
    reply: Reply | None = None


class InfoRequest(_Facts):
    """A request for information (Art. 51) whose late answer extends the request time limit
    (Art. 51(5))."""

    from_state: State
    to_state: State
    received_on: Date
    replied_on: Date | None = None
    withheld_responsibility_information: bool = False


class Period(_Facts):
    start: Date
    end: Date | None = None


class Absconding(_Facts):
    kind: Literal["absconded", "resisted", "made_unfit", "medical_noncompliance"]
    informed_on: Date  # the day the responsible state was informed (Art. 46(2))
    reappeared_on: Date | None = None


class Appeal(_Facts):
    lodged_on: Date
    suspensive_effect_granted_on: Date | None = None
    final_decision_on: Date | None = None


class Procedure(_Facts):
    requests: tuple[Request, ...] = _items()
    info_requests: tuple[InfoRequest, ...] = _items()
    transfer_decision_notified_on: Date | None = None
    appeal: Appeal | None = None
    detention: tuple[Period, ...] = _items()
    imprisonment: tuple[Period, ...] = _items()
    absconding: tuple[Absconding, ...] = _items()
    transfer_done_on: Date | None = None


class Case(_Facts):
    """Everything the determination reads; see the module's docstring."""

    schema_version: Literal["1"] = "1"
    case_id: Ref
    as_of: Date  # deadlines are open, met or missed on this day; no fact may be later
    applicant: Applicant
    applications: tuple[Application, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    family: tuple[FamilyMember, ...] = _items()
    documents: tuple[Document, ...] = _items()
    qualifications: tuple[Qualification, ...] = _items()
    entries: tuple[Entry, ...] = _items()
    eurodac_hits: tuple[EurodacHit, ...] = _items()
    vis_hits: tuple[VisHit, ...] = _items()
    security: Security = Security()
    charter_risk: tuple[State, ...] = _items(27)  # Art. 16(3): transfer there is impossible
    relocations: tuple[Relocation, ...] = _items()
    exits: tuple[Exit, ...] = _items()
    discretion: tuple[Discretion, ...] = _items()
    residence_documents_issued: tuple[StateAct, ...] = _items()  # Art. 37(1)
    best_interests_no_transfer: tuple[StateAct, ...] = _items()  # Art. 37(1), unaccompanied minors
    procedure: Procedure = Procedure()
    offsets: tuple[StateAct, ...] = _items()  # Art. 63(6): contributing state identified the case
    group: Ref | None = None  # a family registered together (Art. 28): same reference


def json_schema() -> dict[str, Any]:
    """The case's JSON Schema (draft 2020-12), for other systems to produce cases."""
    schema = Case.model_json_schema()
    schema["$id"] = f"https://eupact.eu/schema/responsibility-case/{SCHEMA_VERSION}"
    schema["description"] = (
        "A case for the determination of the Member State responsible under Part III of "
        "Regulation (EU) 2024/1351: dated facts only, pseudonymous references, no names."
    )
    return schema


__all__ = ["MAX_ITEMS", "SCHEMA_VERSION", "Case", "json_schema", "read_state"]
