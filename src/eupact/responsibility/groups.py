"""Families registered together (Art. 28 AMMR): each member's criteria without Art. 27 between
them (AMBIG-10); if that would separate them, the state responsible for the largest number
(28(a)), else for the oldest (28(b)); a remaining tie is flagged for a person."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from eupact.crisis.measures import AuthorisedMeasures
from eupact.parameters import ParameterSet

from .decision import Decision
from .engine import determine
from .model import Case
from .trace import Hit


def determine_group(
    cases: Sequence[Case],
    params: ParameterSet | None = None,
    *,
    crises: Sequence[AuthorisedMeasures] = (),
) -> tuple[Decision, ...]:
    """A family registered together (Art. 28): each member's criteria without Art. 27 between
    them; if that would separate them, the state responsible for the largest number (28(a)),
    else for the oldest (28(b)); a remaining tie is flagged. ``crises``: the Council
    implementing decisions under the CFMR in force (Arts 12-13 CFMR), as for :func:`determine`."""
    ids = frozenset(c.case_id for c in cases)
    alone = [_individual(c, params, ids, crises) for c in cases]
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
            group = (hit, ids, why, True)
            return tuple(determine(c, params, group=group, crises=crises) for c in cases)
    group = (hit, ids, why, False)
    return tuple(determine(c, params, group=group, crises=crises) for c in cases)


def _individual(
    case: Case,
    params: ParameterSet | None,
    ids: frozenset[str],
    crises: Sequence[AuthorisedMeasures],
) -> Decision:
    """One member's determination with Art. 27 left out towards the others (AMBIG-10)."""
    family = tuple(m for m in case.family if m.id not in ids)
    return determine(case.model_copy(update={"family": family}), params, crises=crises)


__all__ = ["determine_group"]
