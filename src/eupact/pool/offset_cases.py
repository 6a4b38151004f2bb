"""Which applications a responsibility offset may take, and identifying them (Art. 63(6), (8),
(9) AMMR).

A contributing state identifies the individual applications it takes (63(6)), becomes
responsible for them, and is not obliged to take more than what is left of its fair share
(63(7)). Only applications that meet every condition of 63(8) qualify; finally rejected
applicants may be included at the contributing state's choice (63(9)). Whether the benefitting
state is responsible under Arts. 29–33 is the responsibility engine's answer; here it is a
field of the case (``responsibility_article``), the hook that engine fills.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from eupact.errors import EupactError, Problem
from eupact.parameters import ParametersAt


@dataclass(frozen=True, slots=True)
class OffsetCase:
    """One application a benefitting state is responsible for, as far as Art. 63(8)–(9) asks."""

    case: str  # pseudonymous reference, never a name
    benefitting_state: str
    responsibility_article: str  # the criterion that made the benefitting state responsible
    unaccompanied_minor: bool = False
    transfer_time_limit: dt.date | None = None  # Art. 39(1)
    absconded_from: str = ""  # state the applicant absconded from, if any
    beneficiary_of_protection: bool = False
    admitted_person: bool = False
    finally_rejected: bool = False


def case_problems(
    c: OffsetCase,
    contributing_state: str,
    on: dt.date,
    params: ParametersAt,
    include_rejected: bool = False,
) -> list[Problem]:
    """Every condition of Art. 63(8)–(9) the case fails for ``contributing_state`` on ``on``."""
    criteria = tuple(str(a) for a in params("offsets.cases.responsibility_articles"))
    where = f"case {c.case}"
    problems = []
    if c.unaccompanied_minor:
        problems.append(
            Problem("unaccompanied_minor", True, "an unaccompanied minor (Art. 63(8)(a))", where)
        )
    if c.responsibility_article not in criteria:
        problems.append(
            Problem(
                "responsibility_article",
                c.responsibility_article or "unknown",
                "the benefitting state must be responsible under Arts. 29 to 33 (Art. 63(8)(b))",
                where,
            )
        )
    if c.transfer_time_limit is None or c.transfer_time_limit < on:
        problems.append(
            Problem(
                "transfer_time_limit",
                c.transfer_time_limit.isoformat() if c.transfer_time_limit else "unknown",
                f"the transfer time limit of Art. 39(1) must not have expired on {on.isoformat()} "
                "(Art. 63(8)(c))",
                where,
            )
        )
    if c.absconded_from == contributing_state:
        problems.append(
            Problem(
                "absconded_from",
                c.absconded_from,
                "the applicant absconded from the contributing state (Art. 63(8)(d))",
                where,
            )
        )
    if c.beneficiary_of_protection:
        problems.append(
            Problem(
                "beneficiary_of_protection",
                True,
                "a beneficiary of international protection (Art. 63(8)(e))",
                where,
            )
        )
    if c.admitted_person:
        problems.append(
            Problem("admitted_person", True, "an admitted person (Art. 63(8)(f))", where)
        )
    if c.finally_rejected and not include_rejected:
        problems.append(
            Problem(
                "finally_rejected",
                True,
                "a finally rejected application is offset only if the contributing state "
                "chooses to (Art. 63(9))",
                where,
            )
        )
    return problems


def identify(
    cases: Iterable[OffsetCase],
    contributing_state: str,
    benefitting_state: str,
    owed: int,
    on: dt.date,
    params: ParametersAt,
    *,
    include_rejected: bool = False,
) -> tuple[OffsetCase, ...]:
    """The applications ``contributing_state`` identifies (Art. 63(6)) toward one benefitting
    state: each must qualify, belong to that state, appear once, and together not exceed
    ``owed`` — its obligation, itself within its fair share (63(7)). Refuses the whole set."""
    chosen = tuple(cases)
    problems: list[Problem] = []
    seen: set[str] = set()
    for c in chosen:
        if c.benefitting_state != benefitting_state:
            problems.append(
                Problem(
                    "benefitting_state",
                    c.benefitting_state,
                    f"the offsets are owed toward {benefitting_state} (Art. 63(6))",
                    f"case {c.case}",
                )
            )
        if c.case in seen:
            problems.append(Problem("case", c.case, "identified twice", f"case {c.case}"))
        seen.add(c.case)
        problems += case_problems(c, contributing_state, on, params, include_rejected)
    if len(chosen) > owed:
        problems.append(
            Problem(
                "cases",
                len(chosen),
                f"{contributing_state} is not obliged beyond {owed} (its obligation within its "
                "fair share, Art. 63(7))",
            )
        )
    if problems:
        raise EupactError(problems, "offset cases refused")
    return chosen


__all__ = ["OffsetCase", "case_problems", "identify"]
