"""What the API answers: one response model per record, as the OpenAPI document shows them.

Amounts of money are strings of euro with two decimals (exact; never a float); dates are ISO
8601. The models mirror :mod:`eupact.cycle.records` (``as_dict``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from eupact.cycle.service.reads import AuditEntry


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CalendarStep(BaseModel):
    model_config = ConfigDict(extra="allow")


class CycleOut(_Out):
    year: int
    phase: str
    forum_reconvened: bool
    version: int
    synthetic: bool
    calendar: list[dict[str, Any]]
    additional_pledging: bool = False  # the reconvened Forum's pledging exercise is open


class PledgeOut(_Out):
    id: int
    year: int
    state: str
    kind: str
    relocations: int
    amount_eur: str
    requested_by: list[str]
    note: str
    version: int
    updated_at: str


class WithdrawnOut(_Out):
    deleted: int


class DeductionOut(_Out):
    id: int
    year: int
    state: str
    article: str
    full: bool
    relocations: int
    amount_eur: str
    self_assessed: bool
    reasons: str
    status: str
    requested_on: str
    assessment_due: str
    assessment: str
    assessed_on: str | None
    council_act: str
    decided_on: str | None
    version: int


class OffsetRequestOut(_Out):
    id: int
    year: int
    benefitting_state: str
    contributing_state: str
    applications: int
    requested_on: str
    reply_due: str | None  # None: obligatory offsets (Art. 63(3), (4)) have no Art. 69 limit
    status: str
    accepted: int | None
    replied_on: str | None
    version: int
    kind: str = "voluntary"  # or "obligatory" (Art. 63(3), (4))


class ImplementationOut(_Out):
    id: int
    year: int
    state: str
    kind: str
    benefitting_state: str
    relocations: int
    amount_eur: str
    on: str
    started_on: str | None = None  # accepted (Art. 67(9)) or agreed (65(1), (3)) on
    accepted: bool = False  # accepted or agreed, not yet carried out


class ConfirmationOut(_Out):
    """A Member State's confirmation of the levels implemented during the preceding year
    (Art. 60(6)); money in euro cents."""

    id: int
    year: int
    state: str
    confirmed_on: str
    relocations: int
    alternative_cents: int
    financial_cents: int


class PoolUseOut(_Out):
    """A state's information that it uses the pool (Art. 58(1)-(2)); ``amount_eur``: the
    financial contributions it needs."""

    id: int
    year: int
    state: str
    informed_on: str
    relocations: int
    amount_eur: str
    programmes: list[str]


class NotificationOut(_Out):
    """A notification of need (Art. 59(1)-(2)), the Commission's decision (59(4)) and a refusal
    of access (59(6)); ``amount_eur``: the financial contributions needed."""

    id: int
    year: int
    state: str
    notified_on: str
    reasoning: str
    relocations: int
    amount_eur: str
    programmes: list[str]
    stabilisation: str
    vulnerabilities: str
    decided_on: str | None
    under_pressure: bool | None
    shortcomings: bool
    decision: str
    refused_on: str | None
    refused_by: str
    refusal_reason: str
    refusal_act: str
    version: int


class ShortcomingsOut(_Out):
    """Systemic shortcomings found in a decision under Art. 11 or 59(4) (Art. 60(3))."""

    id: int
    year: int
    state: str
    decided_on: str
    article: str
    decision: str


class NeedsOut(_Out):
    relocations: int
    financial_eur: str
    programmes: list[str]


class BenefitOut(_Out):
    """Why and since when a state benefits; the Technical-Level Forum is convened by
    ``forum_due`` (Art. 58(3): 10 days; 59(6): two weeks)."""

    state: str
    article: str
    since: str
    forum_due: str
    needs: NeedsOut
    shortcomings: str | None
    describe: str


class MayUseOut(_Out):
    state: str
    rule: str


class PendingOut(_Out):
    state: str
    status: str


class FoundOut(_Out):
    state: str
    decision: str


class StandingOut(_Out):
    """Who benefits from the pool as of ``on`` (Art. 58, 59, 60(3)); the states identified under
    pressure that have not informed may use it (58(1)) but do not benefit; a state that used the
    pool or notified cannot request an Art. 61 deduction."""

    year: int
    on: str
    benefitting: list[BenefitOut]
    may_use_pool: list[MayUseOut]
    pending: list[PendingOut]
    shortcomings: list[FoundOut]
    barred_from_art_61: list[str]


class PoolUsePage(_Out):
    items: list[PoolUseOut]
    total: int
    offset: int
    limit: int


class NotificationPage(_Out):
    items: list[NotificationOut]
    total: int
    offset: int
    limit: int


class ShortcomingsPage(_Out):
    items: list[ShortcomingsOut]
    total: int
    offset: int
    limit: int


class PledgePage(_Out):
    items: list[PledgeOut]
    total: int
    offset: int
    limit: int


class DeductionPage(_Out):
    items: list[DeductionOut]
    total: int
    offset: int
    limit: int


class OffsetPage(_Out):
    items: list[OffsetRequestOut]
    total: int
    offset: int
    limit: int


class ImplementationPage(_Out):
    items: list[ImplementationOut]
    total: int
    offset: int
    limit: int


class AuditPage(_Out):
    items: list[AuditEntry]  # the service's own record of an entry, as it is
    total: int
    offset: int
    limit: int


class ProposalOut(_Out):
    totals: dict[str, Any]
    rows: list[dict[str, Any]]
    notes: list[str]


class OutcomeOut(_Out):
    """The whole outcome, or before the Council act a Member State's own row (no totals)."""

    rows: list[dict[str, Any]]
    totals: dict[str, Any] | None = None
    offsets: dict[str, Any] | None = None
    notes: list[str]


class TypeProgressOut(_Out):
    """One type of a state's pledge at the date (Art. 60(3), 65(3), 67(12)): persons for
    relocations, EUR otherwise; rates are exact fractions such as "2/5" (null: nothing to
    implement, or not checked)."""

    to_implement: str
    implemented: str  # carried out by the deadline + carried over
    carried_over: str
    late: str  # started after the deadline: not counted
    accepted_open: str  # accepted (67(9)) or agreed (65(3)) by the deadline, not carried out
    rate: str | None
    benchmark: str | None  # the rate compared with for proportion (60(3) second subparagraph)
    behind: bool
    deadline: str  # not applicable, due, met, carrying over, missed
    reason: str


class StateMonitoringOut(_Out):
    state: str
    year: int
    as_of: str
    deadline: str
    exemption: str
    types: dict[str, TypeProgressOut]  # relocation, alternative, financial
    overall_rate: str | None
    year_end_offsets: int | None  # Art. 63(5): null until the year is over
    confirmation: str  # Art. 60(6): upcoming, due, received, received late, late
    confirmation_window: list[str]


class MonitoringOut(_Out):
    """Implementation of the pool year as of ``as_of`` (Art. 60(3), (6), 63(5)); before the
    Council act a Member State's own state only, without pool-wide rates."""

    year: int
    as_of: str
    deadline: str
    pool_rates: dict[str, str | None]
    states: list[StateMonitoringOut]


class VerificationOut(BaseModel):
    """``eupact audit verify``'s answer: which check failed (chain, mac, anchor, replay), the
    first bad entry or entity, and why (docs/audit.md)."""

    model_config = ConfigDict(extra="forbid")
    ok: bool
    entries: int
    first_bad_seq: int | None
    reason: str
    check: str | None
    entity: str | None
    checks: dict[str, str]
    more: list[str]


class MatchingOut(_Out):
    summary: dict[str, Any]
    assignments: list[dict[str, Any]]


class Health(_Out):
    status: str
    version: str
