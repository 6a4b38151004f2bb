"""Pledges (Art. 56(2), 57(3)–(4), 65 AMMR) and deductions (Art. 60(3), 61, 62 AMMR).

Validation collects every problem of a set of pledges or deductions before refusing it, each
naming the field, the value, the rule and the row it came from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from eupact.data.snapshot import Classification
from eupact.errors import EupactError, Problem
from eupact.parameters import ParametersAt
from eupact.pool.acts import CouncilAct


class PledgeKind(StrEnum):
    RELOCATION = "relocation"
    FINANCIAL = "financial"
    ALTERNATIVE = "alternative"


@dataclass(frozen=True, slots=True)
class Pledge:
    """One Member State's pledge of one type. Relocations count persons; the others EUR."""

    state: str
    kind: PledgeKind
    amount: Decimal
    requested_by: tuple[str, ...] = ()
    note: str = ""
    location: str = ""


class DeductionStatus(StrEnum):
    REQUESTED = "requested"
    GRANTED = "granted"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class Deduction:
    """A request to deduct pledged contributions; only a Council act makes it count."""

    state: str
    article: str
    full: bool
    relocations: int = 0
    financial: Decimal = Decimal(0)
    status: DeductionStatus = DeductionStatus.REQUESTED
    council_act: str = ""
    self_assessed: bool = False
    location: str = ""


def _state_problems(state: str, field: str, where: str, params: ParametersAt) -> list[Problem]:
    if state not in params("scope.eu_member_states"):
        return [
            Problem(
                field, state, "unknown Member State (use Eurostat geo codes; EL = Greece)", where
            )
        ]
    if state not in params("scope.bound_member_states"):
        return [
            Problem(
                field,
                state,
                "not bound by Part IV AMMR (recital 90, Protocol No 22): "
                "it cannot pledge or be obliged",
                where,
            )
        ]
    return []


def _pledge_problems(
    p: Pledge, act: CouncilAct, params: ParametersAt, may_request: tuple[str, ...]
) -> list[Problem]:
    where = p.location
    problems = _state_problems(p.state, "state", where, params)
    if p.amount < 0:
        problems.append(Problem("amount", str(p.amount), "a pledge must not be negative", where))
    if p.kind is PledgeKind.RELOCATION and p.amount != p.amount.to_integral_value():
        problems.append(Problem("amount", str(p.amount), "relocations are whole persons", where))
    if p.kind is not PledgeKind.ALTERNATIVE and p.requested_by:
        problems.append(
            Problem(
                "requested_by",
                ",".join(p.requested_by),
                "only alternative measures are given on request (Art. 65(1))",
                where,
            )
        )
    for geo in p.requested_by:
        if geo not in may_request:
            problems.append(
                Problem(
                    "requested_by",
                    geo,
                    "alternative measures are given at the request "
                    "of a benefitting Member State (Art. 65(1)); this state neither benefits nor "
                    f"was identified under migratory pressure in {act.year} "
                    f"({', '.join(may_request) or 'none'})",
                    where,
                )
            )
    return problems


def validate_pledges(
    pledges: Iterable[Pledge],
    act: CouncilAct,
    params: ParametersAt,
    benefitting: Iterable[str] = (),
) -> tuple[Pledge, ...]:
    """Refuse the whole set if any pledge breaks a rule; one pledge per state and type.

    Alternative measures may be requested by a benefitting state (``benefitting``) or, while
    pledging precedes the use of the pool (Art. 58(1)), by a state the Art. 11 decision
    identified under migratory pressure."""
    may_request = tuple(sorted({*act.under_pressure_states, *benefitting}))
    problems: list[Problem] = []
    seen: dict[tuple[str, PledgeKind], str] = {}
    out = []
    for p in pledges:
        problems += _pledge_problems(p, act, params, may_request)
        if (p.state, p.kind) in seen:
            problems.append(
                Problem(
                    "state",
                    p.state,
                    f"duplicate {p.kind} pledge (first at "
                    f"{seen[(p.state, p.kind)] or 'an earlier row'}): the Council act "
                    "records one pledge per state and type (Art. 57(1))",
                    p.location,
                )
            )
        seen[(p.state, p.kind)] = p.location
        out.append(p)
    if problems:
        raise EupactError(problems, "pledges refused; nothing was computed")
    return tuple(out)


def _deduction_problems(
    d: Deduction,
    act: CouncilAct,
    params: ParametersAt,
    classification: Mapping[str, Classification],
    pledged: Mapping[tuple[str, PledgeKind], Decimal],
    used_pool: frozenset[str],
) -> list[Problem]:
    where = d.location
    problems = _state_problems(d.state, "state", where, params)
    if problems:
        return problems
    status = classification.get(d.state)
    if d.article == "61":
        identified = status is not None and status.under_migratory_pressure
        if d.state in used_pool:
            problems.append(
                Problem(
                    "article",
                    "61",
                    "a state that made use of the pool (Art. 58) or notified its need to use it "
                    "(Art. 59) cannot request a deduction under Art. 61(1)",
                    where,
                )
            )
        what = "under migratory pressure"
    elif d.article == "62":
        identified = (status is not None and status.significant_migratory_situation) or (
            d.state in act.deduction_eligible_states
        )
        what = "facing a significant migratory situation"
    else:
        return [
            Problem(
                "article", d.article, "a deduction is requested under Art. 61 or Art. 62", where
            )
        ]
    if not identified and not d.self_assessed:
        problems.append(
            Problem(
                "self_assessed",
                False,
                f"{d.state} is not identified as {what} in the "
                f"Art. 11 decision; it may request only if it considers itself so "
                f"(Art. {d.article}(1)): set self_assessed with the reasons of "
                f"Art. {d.article}(2)",
                where,
            )
        )
    if d.status is DeductionStatus.GRANTED and not d.council_act:
        art = "61(4)" if d.article == "61" else "62(5)"
        problems.append(
            Problem(
                "council_act",
                "",
                f"a deduction counts only once the Council has "
                f"adopted an implementing act authorising it (Art. {art}); name the act",
                where,
            )
        )
    if d.relocations < 0 or d.financial < 0:
        problems.append(
            Problem(
                "relocations/financial",
                f"{d.relocations}/{d.financial}",
                "a deduction must not be negative",
                where,
            )
        )
    if not d.full:
        reloc = pledged.get((d.state, PledgeKind.RELOCATION), Decimal(0))
        money = pledged.get((d.state, PledgeKind.FINANCIAL), Decimal(0)) + pledged.get(
            (d.state, PledgeKind.ALTERNATIVE), Decimal(0)
        )
        if d.relocations > reloc:
            problems.append(
                Problem(
                    "relocations",
                    d.relocations,
                    f"partial deduction above the "
                    f"{reloc} relocations pledged by {d.state} (Art. {d.article}(1): "
                    "a deduction of its pledged contributions)",
                    where,
                )
            )
        if d.financial > money:
            problems.append(
                Problem(
                    "financial",
                    str(d.financial),
                    f"partial deduction above the EUR "
                    f"{money} of financial and alternative pledges of {d.state}",
                    where,
                )
            )
        if d.relocations == 0 and d.financial == 0:
            problems.append(
                Problem(
                    "relocations/financial",
                    "0/0",
                    "a partial deduction names what it deducts",
                    where,
                )
            )
    return problems


def validate_deductions(
    deductions: Iterable[Deduction],
    pledges: Iterable[Pledge],
    act: CouncilAct,
    params: ParametersAt,
    classification: Mapping[str, Classification],
    used_pool: frozenset[str] = frozenset(),
) -> tuple[Deduction, ...]:
    """Refuse the whole set if any deduction breaks a rule; one granted deduction per state.

    ``used_pool``: the states that informed (Art. 58) or notified (Art. 59) that they use the
    pool, barred from Art. 61 deductions (Art. 61(1))."""
    pledged = {(p.state, p.kind): p.amount for p in pledges}
    problems: list[Problem] = []
    granted: set[str] = set()
    out = []
    for d in deductions:
        problems += _deduction_problems(d, act, params, classification, pledged, used_pool)
        if d.status is DeductionStatus.GRANTED:
            if d.state in granted:
                problems.append(
                    Problem(
                        "state",
                        d.state,
                        "a second granted deduction for the same state: merge them into one",
                        d.location,
                    )
                )
            granted.add(d.state)
        out.append(d)
    if problems:
        raise EupactError(problems, "deductions refused; nothing was computed")
    return tuple(out)
