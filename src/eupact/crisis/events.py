"""The acts of the crisis and force majeure procedure of Regulation (EU) 2024/1359 (CFMR), as
records: a Member State's reasoned request (Art. 2, 8(1), 10(6)), the Commission's notice of its
assessment (3(3)), its implementing decision (3(8)), its proposal (4(1)-(2), 5(2), 6(3)), the
Council's implementing decision (4(3), (5)) and a new one (5(2)), an extension on the Commission's
confirmation (5(1)), a proposal to repeal and the repeal (6(3)), a report (6(4)), the
Coordinator's bulletin (Art. 7) and a recommendation for an expedited procedure (3(2), 4(4), 14);
after the decision, a contributing state's notification that it took responsibility above its
fair share (9(5), first subparagraph) and the Commission's implementing act authorising it to
reduce its future fair shares (9(5), second subparagraph).

Reading them from plain data is :mod:`eupact.crisis.reading`'s; whether the acts follow one
another as the law says is :func:`eupact.crisis.procedure.replay`'s question. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import StrEnum
from typing import Any

from .measures import Derogation, Situation


class Kind(StrEnum):
    """Which act an event records (the article that provides for it in the comment)."""

    REQUEST = "request"  # Art. 2
    ASSESSMENT_NOTIFIED = "assessment_notified"  # Art. 3(3)
    COMMISSION_DECISION = "commission_decision"  # Art. 3(8)
    PROPOSAL = "proposal"  # Art. 4(1)-(2); a new decision's: 5(2), 6(3)
    COUNCIL_DECISION = "council_decision"  # Art. 4(3), (5)
    EXTENSION = "extension"  # Art. 5(1), 5(2) second sentence
    NEW_DECISION = "new_decision"  # Art. 5(2)
    REPEAL_PROPOSAL = "repeal_proposal"  # Art. 6(3)
    REPEAL = "repeal"  # Art. 6(3)
    REPORT = "report"  # Art. 6(4)
    BULLETIN = "bulletin"  # Art. 7
    RECOMMENDATION = "recommendation"  # Art. 3(2), 4(4), 14(1)
    CREDIT_NOTIFICATION = "credit_notification"  # Art. 9(5), first subparagraph
    CREDIT_AUTHORISATION = "credit_authorisation"  # Art. 9(5), second subparagraph


ARTICLES = {
    Kind.REQUEST: "Art. 2 CFMR",
    Kind.ASSESSMENT_NOTIFIED: "Art. 3(3) CFMR",
    Kind.COMMISSION_DECISION: "Art. 3(8) CFMR",
    Kind.PROPOSAL: "Art. 4(1)-(2) CFMR",
    Kind.COUNCIL_DECISION: "Art. 4(3), (5) CFMR",
    Kind.EXTENSION: "Art. 5(1) CFMR",
    Kind.NEW_DECISION: "Art. 5(2) CFMR",
    Kind.REPEAL_PROPOSAL: "Art. 6(3) CFMR",
    Kind.REPEAL: "Art. 6(3) CFMR",
    Kind.REPORT: "Art. 6(4) CFMR",
    Kind.BULLETIN: "Art. 7 CFMR",
    Kind.RECOMMENDATION: "Art. 3(2), 4(4), 14(1) CFMR",
    Kind.CREDIT_NOTIFICATION: "Art. 9(4), 9(5) first subparagraph CFMR",
    Kind.CREDIT_AUTHORISATION: "Art. 9(4), 9(5) second subparagraph CFMR",
}
EXCLUSIONS = ("11(7)(a)", "11(7)(b)")  # Art. 2(2)(d), 11(7)-(8)


@dataclass(frozen=True, slots=True, kw_only=True)
class SolidarityAsked:
    """The type and level of solidarity a state in crisis asks for (Art. 2(2)(b), 8(1))."""

    relocations: int = 0  # 8(1)(a)
    financial: Decimal = Decimal(0)  # EUR, 8(1)(b)
    alternative: Decimal = Decimal(0)  # EUR, 8(1)(c): counted as financial solidarity
    relocation_primary: bool = False  # Art. 4(2), third subparagraph


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanFigures:
    """A Solidarity Response Plan's figures as a proposal or a decision states them (Art.
    4(2)(b), 4(5)(b)): needs, what is drawn from the Annual Solidarity Pool, additional pledges
    needed. Money in EUR; 8(1)(c) measures are counted as financial (8(1)(c))."""

    relocations: int  # (i)
    financial: Decimal = Decimal(0)  # (ii)
    from_pool_relocations: int = 0  # (iii)
    from_pool_financial: Decimal = Decimal(0)
    additional_relocations: int = 0  # (iv)
    additional_financial: Decimal = Decimal(0)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One act: its day and the reference of the document that records it."""

    on: dt.date
    reference: str = ""
    note: str = ""

    @property
    def kind(self) -> Kind:
        return _KIND_OF[type(self)]

    @property
    def article(self) -> str:
        return ARTICLES[self.kind]

    def as_dict(self) -> dict[str, Any]:
        """The act as plain data: ``kind``, ``date`` and the other fields, as :func:`read_event`
        reads them back."""
        out: dict[str, Any] = {"kind": self.kind.value, "date": self.on.isoformat()}
        for f in fields(self):
            if f.name != "on":
                out[f.name] = _plain(getattr(self, f.name))
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class ReasonedRequest(Event):
    """Art. 2: the state, the situation it considers itself in, the description (2(2)(a)), the
    solidarity asked (2(2)(b), 8(1)), the derogations asked (2(2)(c)), for 11(6) the exclusion
    it intends (2(2)(d)), and whether it notifies applying Art. 10 before the Council decision
    (10(6), with its reasons)."""

    state: str
    situation: Situation
    description: str
    solidarity: SolidarityAsked | None = None
    derogations: frozenset[Derogation] = frozenset()
    instrumentalisation_exclusion: str | None = None
    early_registration: bool = False
    early_registration_reasons: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class AssessmentNotified(Event):
    """Art. 3(3): the Commission notifies Parliament, Council and Member States that it assesses."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CommissionDecision(Event):
    """Art. 3(8): whether the state is in a situation of crisis (1(4)(a) or (b)) or force
    majeure (1(5)); ``established`` false records that the conditions were found not met."""

    established: bool
    situation: Situation | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Proposal(Event):
    """Art. 4(1)-(2): the proposal for a Council implementing decision: derogations (4(2)(a)),
    a draft Solidarity Response Plan (4(2)(b)), the persons subject to instrumentalisation
    (4(2)(c)). A later proposal is for a new decision (5(2), on the state's request of
    ``requested_on``; or 6(3), on the Commission's own view)."""

    derogations: frozenset[Derogation] = frozenset()
    plan: PlanFigures | None = None
    identification: str = ""
    requested_on: dt.date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CouncilDecision(Event):
    """Art. 4(3), (5): adopted on ``on``; the date from which the derogations apply and the
    last day of the period (at most three months, 5(1); the full period when not given);
    the derogations (4(5)(a)); the plan (4(5)(b)); the persons subject to instrumentalisation
    (4(5)(c)); for 11(6) which exclusion applies (11(8)); for Art. 13 the period of
    registration it covers (13(1)); the day it enters into force (for the reports of 6(4))."""

    applies_from: dt.date | None = None
    applies_until: dt.date | None = None
    derogations: frozenset[Derogation] = frozenset()
    plan: PlanFigures | None = None
    identification: str = ""
    instrumentalisation_exclusion: str | None = None
    take_back_window: tuple[dt.date, dt.date] | None = None
    in_force_on: dt.date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NewDecision(CouncilDecision):
    """Art. 5(2): a new Council implementing decision amending or extending the derogations or
    the plan, for at most three months, Art. 4(3) and (5) applying."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Extension(Event):
    """Art. 5(1): the Commission confirms the situation persists; the current decision's period
    is extended once, by three months at most (to ``until``; the full three when not given).
    ``derogations``, when given, names those the confirmation covers."""

    until: dt.date | None = None
    derogations: frozenset[Derogation] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RepealProposal(Event):
    """Art. 6(3): the Commission proposes to repeal the Council implementing decision."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Repeal(Event):
    """Art. 6(3): the Council implementing decision is repealed; its measures stop applying
    from ``effective_on`` (the day of the repeal when not given)."""

    effective_on: dt.date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Report(Event):
    """Art. 6(4): the Commission's report to the Parliament and the Council."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Bulletin(Event):
    """Art. 7, third paragraph: the EU Solidarity Coordinator's bulletin on relocation."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Recommendation(Event):
    """Art. 3(2), 4(4), 14(1): the Commission recommends an expedited procedure for the
    categories of applicants it names."""

    categories: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CreditNotification(Event):
    """Art. 9(5), first subparagraph: a contributing state notifies the Commission that it took
    responsibility for ``applications`` above its fair share (9(1)(b)) and the reduction of its
    fair share it intends under the upcoming annual cycles (9(4)(a))."""

    state: str
    applications: int
    reduction: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CreditAuthorisation(Event):
    """Art. 9(5), second subparagraph: the Commission's implementing act (``reference``)
    confirming that ``state`` contributed above its fair share and authorising it to reduce its
    fair share by ``applications`` within the period of 9(4)(b)."""

    state: str
    applications: int


CLASSES: dict[Kind, type[Event]] = {
    Kind.REQUEST: ReasonedRequest,
    Kind.ASSESSMENT_NOTIFIED: AssessmentNotified,
    Kind.COMMISSION_DECISION: CommissionDecision,
    Kind.PROPOSAL: Proposal,
    Kind.COUNCIL_DECISION: CouncilDecision,
    Kind.EXTENSION: Extension,
    Kind.NEW_DECISION: NewDecision,
    Kind.REPEAL_PROPOSAL: RepealProposal,
    Kind.REPEAL: Repeal,
    Kind.REPORT: Report,
    Kind.BULLETIN: Bulletin,
    Kind.RECOMMENDATION: Recommendation,
    Kind.CREDIT_NOTIFICATION: CreditNotification,
    Kind.CREDIT_AUTHORISATION: CreditAuthorisation,
}
_KIND_OF = {cls: kind for kind, cls in CLASSES.items()}


def _plain(value: object) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, frozenset):
        return sorted(_plain(v) for v in value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, SolidarityAsked | PlanFigures):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


__all__ = [
    "ARTICLES",
    "EXCLUSIONS",
    "AssessmentNotified",
    "Bulletin",
    "CommissionDecision",
    "CouncilDecision",
    "CreditAuthorisation",
    "CreditNotification",
    "Event",
    "Extension",
    "Kind",
    "NewDecision",
    "PlanFigures",
    "Proposal",
    "ReasonedRequest",
    "Recommendation",
    "Repeal",
    "RepealProposal",
    "Report",
    "SolidarityAsked",
]
