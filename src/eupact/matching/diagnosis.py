"""Why an instance cannot be matched: the capacity or the rule, in words, never a solver trace.

Without required units every instance has a feasible answer (relocating no one satisfies every
rule), but some are pointless or self-defeating, and with ``require_vulnerable`` some have no
answer at all. :func:`check_possible` finds these before solving, from counts alone;
:func:`explain_infeasible` is called when HiGHS reports infeasibility nevertheless (the rules
interact), and finds which rule to relax by solving relaxations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from eupact.errors import EupactError, Problem

from .instance import EXCLUSION_TEXT, MatchProblem
from .model import IntArray

SUMMARY = "matching impossible"


def _unit_location(problem: MatchProblem, u: int) -> str:
    first = int(problem.unit_first[u])
    return f"{problem.table.location(first)} (family unit {problem.table.unit_names[u]})"


def exclusion_reasons(problem: MatchProblem, u: int) -> list[str]:
    """'DE: does not accept unaccompanied minors (its profile) (Art. 60(4) AMMR)', per state."""
    out: list[str] = []
    for j, g in enumerate(problem.states):
        bits = int(problem.exclusion[u, j])
        texts = [f"{text} ({art})" for bit, (text, art) in EXCLUSION_TEXT.items() if bits & bit]
        if texts:
            out.append(f"{g}: " + "; ".join(texts))
    return out


def relocatable_persons(problem: MatchProblem) -> IntArray:
    """Persons per benefitting state in units that some state may receive."""
    ok = problem.allowed.any(axis=1)
    return np.asarray(
        np.bincount(
            problem.unit_b[ok], weights=problem.unit_size[ok], minlength=len(problem.benefitting)
        ),
        dtype=np.int64,
    )


def places_open_to(problem: MatchProblem) -> IntArray:
    """Places open to each benefitting state in states other than itself."""
    open_ = problem.open_places.copy()
    for b, g in enumerate(problem.benefitting):
        if g in problem.states:
            open_[problem.states.index(g), b] = 0  # relocation is to another state
    return np.asarray(open_.sum(axis=0), dtype=np.int64)


def check_possible(problem: MatchProblem) -> None:
    """Refuse instances that cannot give a meaningful matching, naming the capacity or rule."""
    problems: list[Problem] = []
    if not problem.states:
        where = problem.pledges[0].source if problem.pledges else ""
        problems.append(
            Problem(
                "places",
                0,
                "no contributing state pledged a relocation place: there is nothing to match "
                "(Art. 56(2)(a), 57(1) AMMR)",
                where,
            )
        )
        raise EupactError(problems, SUMMARY)
    movable = relocatable_persons(problem)
    open_to = places_open_to(problem)
    tol = problem.balance_tolerance
    for b, floor in enumerate(problem.balance_floor):
        if floor <= 0 or (movable[b] > 0 and open_to[b] > 0):
            continue
        g = problem.benefitting[b]
        why = (
            f"no place is open to applicants from {g} (every pledge is earmarked for another "
            "benefitting state, or is its own)"
            if open_to[b] == 0
            else f"none of the applicants from {g} can be relocated (every unit is excluded "
            "everywhere or not eligible)"
        )
        problems.append(
            Problem(
                "balance rule",
                g,
                f"{g}'s need is {float(problem.shares[b]):.1%} of all needs, so the balance rule "
                f"(Art. 60(2) AMMR, tolerance {tol}) requires it to receive at least "
                f"{float(floor):.1%} of the persons relocated; but {why}, so no one could be "
                f"relocated from any state. Turn the balance rule off (--no-balance), or "
                f"leave {g} out of the needs",
            )
        )
    if problem.rules.require_vulnerable:
        problems += _required_problems(problem, open_to)
    if problems:
        raise EupactError(problems, SUMMARY)


def _required_problems(problem: MatchProblem, open_to: IntArray) -> list[Problem]:
    out: list[Problem] = []
    req = problem.required
    stuck = np.flatnonzero(req & ~problem.allowed.any(axis=1))
    for u in stuck[:20].tolist():
        reasons = exclusion_reasons(problem, u) or ["no state pledged places"]
        out.append(
            Problem(
                "require_vulnerable",
                problem.table.unit_names[u],
                "a unit with a vulnerable member must be relocated (Art. 60(4) AMMR as an "
                "absolute rule), but every state excludes it — " + "; ".join(reasons),
                _unit_location(problem, u),
            )
        )
    need = np.bincount(
        problem.unit_b[req], weights=problem.unit_size[req], minlength=len(problem.benefitting)
    )
    for b, g in enumerate(problem.benefitting):
        if need[b] > open_to[b]:
            detail = ", ".join(
                f"{s} {int(problem.open_places[j, b])}"
                for j, s in enumerate(problem.states)
                if problem.open_places[j, b] and s != g
            )
            out.append(
                Problem(
                    "places",
                    f"{g}: {int(open_to[b])}",
                    f"the units with vulnerable members from {g} ({int(need[b])} persons) must "
                    f"all be relocated, but only {int(open_to[b])} places are open to {g} "
                    f"({detail or 'none'}): {int(need[b] - open_to[b])} short",
                )
            )
    total = int(problem.unit_size[req].sum())
    places = int(problem.places.sum())
    if total > places:
        out.append(
            Problem(
                "places",
                places,
                f"the units with vulnerable members ({total} persons) must all be relocated, "
                f"but all pledges together give {places} places: {total - places} short",
            )
        )
    return out


def explain_infeasible(
    problem: MatchProblem, solve_relaxed: Callable[[MatchProblem], bool]
) -> EupactError:
    """The rule that makes a solver-infeasible instance infeasible.

    ``solve_relaxed(problem)`` solves a relaxation and says whether it is feasible."""
    if problem.rules.balance and len(problem.benefitting) > 1:
        relaxed = replace(problem, rules=replace(problem.rules, balance=False))
        if solve_relaxed(relaxed):
            req = problem.required
            need = np.bincount(
                problem.unit_b[req],
                weights=problem.unit_size[req],
                minlength=len(problem.benefitting),
            )
            parts = ", ".join(
                f"{g} {int(need[b])} required / at least {float(f):.1%} of all"
                for b, (g, f) in enumerate(
                    zip(problem.benefitting, problem.balance_floor, strict=True)
                )
            )
            return EupactError(
                [
                    Problem(
                        "balance rule",
                        f"tolerance {problem.balance_tolerance}",
                        "the units with vulnerable members that must be relocated make the "
                        "balance rule (Art. 60(2) AMMR) impossible to meet: each benefitting "
                        "state must receive its share of every person relocated, and the other "
                        f"states' relocatable units or places cannot follow ({parts}). It is "
                        "feasible without the balance rule (--no-balance) or with a larger "
                        "tolerance",
                    )
                ],
                SUMMARY,
            )
    sizes = sorted({int(s) for s in problem.unit_size[problem.required]}, reverse=True)
    return EupactError(
        [
            Problem(
                "require_vulnerable",
                f"{int(problem.required.sum())} units",
                "the units with vulnerable members cannot all be relocated: the places each "
                "state has left for them cannot hold these family units whole (Art. 67(6) "
                f"AMMR; unit sizes {sizes[:8]}), given the states that accept them",
            )
        ],
        SUMMARY,
    )
