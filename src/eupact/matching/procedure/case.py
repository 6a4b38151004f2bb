"""One person's relocation procedure as a typed record of dated events (Art. 67, 68 AMMR).

The record holds what happened and when, nothing else: the person is a pseudonymous reference (no
name, no document number), the states are Eurostat geo codes. :func:`check_case` refuses a record
whose events contradict each other (a reply before the request, a transfer before the transfer
decision) with every problem named; :func:`as_of` is the record as it was known on a date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields, replace
from enum import StrEnum

from eupact.errors import EupactError, Problem

from ..languages import GEO_INDEX
from ..model import Status

PSEUDONYM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


class Ground(StrEnum):
    """Why a person is not, or no longer, relocated."""

    SECURITY_BENEFITTING_STATE = "security_benefitting_state"  # Art. 67(2)
    SECURITY_STATE_OF_RELOCATION = "security_state_of_relocation"  # Art. 67(8)-(9)
    BENEFITTING_STATE_RESPONSIBLE = "benefitting_state_responsible"  # Art. 67(5), second subpara


GROUND_TEXT: dict[Ground, tuple[str, str]] = {
    Ground.SECURITY_BENEFITTING_STATE: (
        "the benefitting state found reasonable grounds to consider that the person poses a threat "
        "to internal security: it does not apply, or immediately terminates, the procedure and "
        "excludes the person from any future relocation or transfer to any Member State (for an "
        "applicant it is the state responsible, Art. 16(4))",
        "Art. 67(2) AMMR",
    ),
    Ground.SECURITY_STATE_OF_RELOCATION: (
        "the state of relocation informed the benefitting state that its checks confirm reasonable "
        "grounds to consider that the person poses a threat to internal security: relocation shall "
        "not take place",
        "Art. 67(9), second subparagraph, AMMR",
    ),
    Ground.BENEFITTING_STATE_RESPONSIBLE: (
        "the benefitting state can be determined responsible under Articles 25 to 28 or 34 (not "
        "25(5)): the applicant is not eligible for relocation",
        "Art. 67(5), second subparagraph, AMMR",
    ),
}


@dataclass(frozen=True, slots=True)
class Exclusion:
    """The end of the procedure for one of the :class:`Ground` s, on the day it was established
    (for the state of relocation's security refusal: the day it informed the benefitting state)."""

    ground: Ground
    on: dt.date


@dataclass(frozen=True, slots=True)
class Appeal:
    """An appeal or review of the transfer decision (Art. 67(13), 43). Only one with suspensive
    effect moves the start of the transfer period to its final decision (Art. 67(11));
    ``transfer_upheld`` False: the transfer decision was annulled."""

    lodged_on: dt.date
    suspensive: bool = True
    final_decision_on: dt.date | None = None
    transfer_upheld: bool = True


@dataclass(frozen=True, slots=True)
class RelocationCase:
    """The dated events of one person's relocation from ``benefitting_state`` to
    ``relocation_state``.

    ``information_received_on``: the day the state of relocation received the information (the
    one-week reply period runs from it, Art. 67(9)); empty means the day it was sent
    ([reading]: transmission through the secure network is immediate). ``arrived``: True safe
    arrival, False did not appear, reported on ``arrival_reported_on`` (Art. 68(1)).
    """

    person: str
    benefitting_state: str
    relocation_state: str
    status: Status = Status.APPLICANT
    identified_on: dt.date | None = None  # Art. 67(3)
    informed_on: dt.date | None = None  # Art. 67(5), first subparagraph
    security_checked_on: dt.date | None = None  # Art. 67(2)
    consented_on: dt.date | None = None  # Art. 67(4), third subparagraph (beneficiaries)
    request_sent_on: dt.date | None = None  # Art. 67(7)
    information_received_on: dt.date | None = None  # Art. 67(9)
    postponement_notified_on: dt.date | None = None  # Art. 67(9), third subparagraph
    confirmed_on: dt.date | None = None  # Art. 67(9), first subparagraph
    exclusion: Exclusion | None = None
    transfer_decision_on: dt.date | None = None  # Art. 67(10)
    person_notified_on: dt.date | None = None  # Art. 67(10)
    appeal: Appeal | None = None  # Art. 67(11), (13), 43
    transferred_on: dt.date | None = None  # Art. 67(11)
    arrived: bool | None = None  # Art. 68(1)
    arrival_reported_on: dt.date | None = None  # Art. 68(1)

    @property
    def received_on(self) -> dt.date | None:
        return self.information_received_on or self.request_sent_on


def as_of(case: RelocationCase, on: dt.date) -> RelocationCase:
    """The record as known at the end of ``on``: every event dated later is left out."""
    changes: dict[str, object] = {}
    for f in fields(case):
        value = getattr(case, f.name)
        if isinstance(value, dt.date) and value > on:
            changes[f.name] = None
    if case.exclusion is not None and case.exclusion.on > on:
        changes["exclusion"] = None
    if case.appeal is not None:
        if case.appeal.lodged_on > on:
            changes["appeal"] = None
        elif case.appeal.final_decision_on is not None and case.appeal.final_decision_on > on:
            changes["appeal"] = replace(case.appeal, final_decision_on=None, transfer_upheld=True)
    if case.arrival_reported_on is not None and case.arrival_reported_on > on:
        changes["arrived"] = None
    return replace(case, **changes)  # type: ignore[arg-type]


# (later event, earlier event, rule): the later one cannot precede the earlier one.
_ORDER: tuple[tuple[str, str, str], ...] = (
    ("information_received_on", "request_sent_on", "information is received after it is sent"),
    ("postponement_notified_on", "received_on", "a postponement follows the request (Art. 67(9))"),
    ("confirmed_on", "received_on", "the state of relocation confirms after the request (67(9))"),
    ("transfer_decision_on", "received_on", "the transfer decision follows the request (67(10))"),
    ("person_notified_on", "transfer_decision_on", "the person is notified of a decision taken"),
    ("transferred_on", "transfer_decision_on", "the transfer follows the transfer decision"),
    ("arrival_reported_on", "request_sent_on", "arrival is reported after the request (68(1))"),
)

# (event, the event it needs): recording the first needs the second.
_NEEDS: tuple[tuple[str, str], ...] = (
    ("information_received_on", "request_sent_on"),
    ("postponement_notified_on", "request_sent_on"),
    ("confirmed_on", "request_sent_on"),
    ("transfer_decision_on", "request_sent_on"),
    ("person_notified_on", "transfer_decision_on"),
    ("transferred_on", "transfer_decision_on"),
    ("arrival_reported_on", "request_sent_on"),
)


def check_case(case: RelocationCase, location: str = "") -> None:
    """Refuse a record that is not a possible relocation procedure, naming every problem."""
    where = location or f"relocation case {case.person!r}"[:80]
    problems: list[Problem] = []

    def add(field: str, value: object, rule: str) -> None:
        problems.append(Problem(field, value, rule, where))

    if not isinstance(case.person, str) or not PSEUDONYM.fullmatch(case.person):
        add(
            "person",
            case.person,
            "must be a pseudonymous reference of 1 to 64 letters, digits and . _ : - (no spaces): "
            "never a name or a document number",
        )
    for name in ("benefitting_state", "relocation_state"):
        code = getattr(case, name)
        if code not in GEO_INDEX:
            add(name, code, "must be a Member State's Eurostat geo code (e.g. DE, EL, IT)")
    if case.benefitting_state == case.relocation_state:
        add(
            "relocation_state",
            case.relocation_state,
            "relocation is a transfer to another Member State than the benefitting state "
            "(Art. 2(22) AMMR)",
        )
    if case.status is not Status.BENEFICIARY and case.consented_on is not None:
        add(
            "consented_on",
            case.consented_on,
            "written consent is asked of beneficiaries of protection only (Art. 67(4)); the "
            "status is applicant",
        )
    excl = case.exclusion
    if (
        excl is not None
        and excl.ground is Ground.BENEFITTING_STATE_RESPONSIBLE
        and case.status is Status.BENEFICIARY
    ):
        add(
            "exclusion.ground",
            str(excl.ground),
            "concerns applicants only (Art. 67(5), second subparagraph); the status is beneficiary",
        )
    if excl is not None and excl.ground is Ground.SECURITY_STATE_OF_RELOCATION:
        received = case.received_on
        if received is None:
            add("exclusion.on", excl.on, "the state of relocation refuses after a request")
        elif excl.on < received:
            add(
                "exclusion.on",
                excl.on,
                f"the state of relocation refuses after receiving the request ({received})",
            )
    for later, needed in _NEEDS:
        if getattr(case, later) is not None and getattr(case, needed) is None:
            add(needed, None, f"is missing: {later} is recorded, which needs it")
    for later, earlier, rule in _ORDER:
        a, b = getattr(case, later), getattr(case, earlier)
        if a is not None and b is not None and a < b:
            add(later, a.isoformat(), f"is before {earlier} ({b.isoformat()}): {rule}")
    appeal = case.appeal
    if appeal is not None:
        if case.transfer_decision_on is None:
            add("appeal.lodged_on", appeal.lodged_on, "an appeal needs a transfer decision")
        elif appeal.lodged_on < case.transfer_decision_on:
            add(
                "appeal.lodged_on",
                appeal.lodged_on,
                f"is before the transfer decision ({case.transfer_decision_on})",
            )
        if appeal.final_decision_on is not None and appeal.final_decision_on < appeal.lodged_on:
            add("appeal.final_decision_on", appeal.final_decision_on, "is before the appeal")
        if appeal.final_decision_on is None and not appeal.transfer_upheld:
            add(
                "appeal.transfer_upheld",
                False,
                "an annulment needs the date of the final decision on the appeal",
            )
    if (case.arrived is None) != (case.arrival_reported_on is None):
        add(
            "arrived",
            case.arrived,
            "safe arrival (true) or non-appearance (false) goes with the date it was reported "
            "(arrival_reported_on), Art. 68(1)",
        )
    if case.arrived is True and case.transferred_on is None:
        add("transferred_on", None, "is missing: a safe arrival is reported after a transfer")
    moved, reported = case.transferred_on, case.arrival_reported_on
    if case.arrived is True and moved and reported and reported < moved:
        add("arrival_reported_on", reported, f"is before the transfer ({moved})")
    if problems:
        raise EupactError(problems, "invalid relocation case")
