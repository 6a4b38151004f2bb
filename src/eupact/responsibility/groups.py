"""Families registered together (Art. 28 AMMR): each member's criteria without Art. 27 between
them (AMBIG-10); if that would separate them, the state responsible for the largest number
(28(a)), else for the oldest (28(b)); a remaining tie is flagged for a person."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from eupact.parameters import ParameterSet

from .decision import Decision
from .engine import determine
from .model import Case
from .trace import Hit


def determine_group(
    cases: Sequence[Case], params: ParameterSet | None = None
) -> tuple[Decision, ...]:
    """A family registered together (Art. 28): each member's criteria without Art. 27 between
    them; if that would separate them, the state responsible for the largest number (28(a)),
    else for the oldest (28(b)); a remaining tie is flagged."""
    ids = frozenset(c.case_id for c in cases)
    alone = [_individual(c, params, ids) for c in cases]
    states = Counter(d.criterion_state for d in alone)
    if len(states) <= 1:
        return tuple(alone)
    top = max(states.values())
    leaders = sorted(s for s, n in states.items() if n == top)
    if len(leaders) == 1:
        hit = Hit(leaders[0], "28(a)")
        why = f"the family would be separated ({dict(sorted(states.items()))}): the state responsible for the largest number"
    else:
        oldest = min(zip(cases, alone, strict=True), key=lambda p: p[0].applicant.date_of_birth)
        hit = Hit(oldest[1].criterion_state, "28(b)")
        why = f"the family would be separated ({dict(sorted(states.items()))}): the state responsible for the oldest"
        eldest = oldest[0].applicant.date_of_birth
        tied = {
            d.criterion_state
            for c, d in zip(cases, alone, strict=True)
            if c.applicant.date_of_birth == eldest
        }
        if len(tied) > 1:  # the oldest, born the same day, on both sides of the split
            why += f" — {', '.join(sorted(tied))} tie on the oldest's date of birth"
            return tuple(determine(c, params, group=(hit, ids, why, True)) for c in cases)
    return tuple(determine(c, params, group=(hit, ids, why, False)) for c in cases)


def _individual(case: Case, params: ParameterSet | None, ids: frozenset[str]) -> Decision:
    """One member's determination with Art. 27 left out towards the others (AMBIG-10)."""
    family = tuple(m for m in case.family if m.id not in ids)
    return determine(case.model_copy(update={"family": family}), params)


__all__ = ["determine_group"]
