"""Crisis responsibility offsets and their credits (Regulation (EU) 2024/1359, CFMR Art. 9).

* 9(1): when the relocation pledges -- additional ones under the Council implementing decision
  and those available in the Annual Solidarity Pool -- are below the relocation needs of the
  Solidarity Response Plan, the contributing states take responsibility for applications the
  state in crisis is responsible for, up to 100 % of those needs (point (a),
  ``crisis.offsets.share_of_relocation_needs``): first each within what is left of its fair
  share (as Art. 63(7) AMMR caps it, :func:`eupact.pool.offsets.offsets_cap`, with the AMMR's
  [reading] of what counts toward it), then, where necessary, above it (point (b), by way of
  derogation from 63(7)); both steps shared by the reference key
  (:func:`eupact.pool.allocation.apportion`), each state within the applications it holds that
  qualify under Art. 63(8)-(9) AMMR applied mutatis mutandis (point (c);
  :func:`eligible_applications` reuses :mod:`eupact.pool.offset_cases`);
* 9(1), second subparagraph: no mandatory offsets where Directive 2001/55/EC is activated for
  the same situation with its Art. 11 disapplied, nor where the decision authorises Art. 13;
* 9(2): what the offsets cannot cover reconvenes the High-Level EU Solidarity Forum;
* 9(4)-(5): a state that took responsibility above its fair share may, on notifying the
  Commission and after the Commission's implementing act, reduce its future fair shares by as
  many applications, within five years of the date the decision is no longer in force
  (:class:`~eupact.pool.credits.CrisisCredit`, in the pool layer because the annual cycle's
  outcome applies it; :func:`credits_of` reads a crisis's notifications and acts).

What the fair share is here is a [reading] (``crisis.offsets.fair_share``). Pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from eupact.errors import EupactError, Problem, fail
from eupact.key.reference_key import round_fraction
from eupact.parameters import ParametersAt
from eupact.pool.allocation import PoolNumbers, allocate, apportion
from eupact.pool.credits import CrisisCredit, credit_expiry
from eupact.pool.limits import MAX_EUR, MAX_PERSONS
from eupact.pool.offset_cases import OffsetCase, case_problems
from eupact.pool.offsets import CapRule, offsets_cap
from eupact.timelimits import day

from .events import CreditAuthorisation, CreditNotification
from .measures import AuthorisedMeasures, Derogation
from .plan import SolidarityResponsePlan
from .state import CrisisState

ARTICLE = "Art. 9 CFMR; Art. 63(6)-(9) AMMR mutatis mutandis"


@dataclass(frozen=True, slots=True, kw_only=True)
class Contribution:
    """One contributing state's pledges toward the plan and what it can offset."""

    relocations: int = 0  # relocation pledges toward the state in crisis (pool and additional)
    money: Decimal = Decimal(0)  # financial and alternative pledges toward it, EUR
    eligible: int | None = None  # applications it holds that qualify (63(8)); None: not known


@dataclass(frozen=True)
class CrisisOffsets:
    """Art. 9 for one plan: whether offsets are mandatory, who takes how many, within and above
    the fair share, what is left for the reconvened Forum, and the credits."""

    plan: SolidarityResponsePlan
    decision: str
    target: int  # 100 % of the relocation needs (9(1)(a))
    pledged: int  # relocation pledges toward the state (pool and additional)
    triggered: bool  # pledges below the needs (9(1))
    excluded_by: str  # 9(1) second subparagraph, or ""
    gap: int
    fair_shares: dict[str, int]
    caps: dict[str, int]  # what is left of each fair share (63(7) as a cap)
    within: dict[str, int]  # offsets within the fair share
    above: dict[str, int]  # offsets above it (9(1)(b))
    uncovered: int  # for the reconvened High-Level Forum (9(2))
    credits: tuple[CrisisCredit, ...]
    readings: dict[str, str]

    @property
    def obligations(self) -> dict[str, int]:
        return {g: self.within[g] + self.above[g] for g in self.within}

    @property
    def forum_reconvened(self) -> bool:
        """9(2): the offsets do not cover 100 % of the needs."""
        return self.triggered and not self.excluded_by and self.uncovered > 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "article": ARTICLE,
            "decision": self.decision,
            "target": self.target,
            "pledged_relocations": self.pledged,
            "triggered": self.triggered,
            "excluded_by": self.excluded_by,
            "gap": self.gap,
            "states": {
                g: {
                    "fair_share": self.fair_shares[g],
                    "left_of_fair_share": self.caps[g],
                    "within_fair_share": self.within[g],
                    "above_fair_share": self.above[g],
                }
                for g in self.within
            },
            "uncovered": self.uncovered,
            "forum_reconvened": self.forum_reconvened,
            "credits": [c.as_dict() for c in self.credits],
            "readings": dict(self.readings),
        }


def eligible_applications(
    cases: Iterable[OffsetCase],
    contributing_state: str,
    crisis_state: str,
    on: dt.date,
    params: ParametersAt,
    *,
    include_rejected: bool = False,
) -> int:
    """How many of ``cases`` the contributing state may take as crisis offsets on ``on``: the
    state in crisis is responsible (9(1)(a)) and Art. 63(8)-(9) AMMR holds (9(1)(c))."""
    return sum(
        1
        for c in cases
        if c.benefitting_state == crisis_state
        and not case_problems(c, contributing_state, on, params, include_rejected)
    )


def _check(contributions: Mapping[str, Contribution], plan: SolidarityResponsePlan) -> None:
    problems = []
    for g, c in contributions.items():
        if g not in plan.contributing:
            problems.append(
                Problem("state", g, f"not a contributing state of {plan.request.state}'s plan")
            )
        if not 0 <= c.relocations <= MAX_PERSONS:
            problems.append(Problem(f"{g}.relocations", c.relocations, "out of bounds"))
        if not Decimal(0) <= c.money <= MAX_EUR:
            problems.append(Problem(f"{g}.money", str(c.money), "out of bounds"))
        if c.eligible is not None and not 0 <= c.eligible <= MAX_PERSONS:
            problems.append(Problem(f"{g}.eligible", c.eligible, "out of bounds"))
    if problems:
        raise EupactError(problems, "crisis offsets refused")


def _held(c: Contribution, gap: int) -> int:
    """What a state can offset: its qualifying applications, or the whole gap when not known."""
    return gap if c.eligible is None else c.eligible


def crisis_offsets(
    plan: SolidarityResponsePlan,
    measures: AuthorisedMeasures,
    contributions: Mapping[str, Contribution],
    params: ParametersAt,
    *,
    temporary_protection_art11_disapplied: bool = False,
    fair_shares: Mapping[str, int] | None = None,
) -> CrisisOffsets:
    """Art. 9(1)-(2), (4) CFMR for ``plan`` under the Council decision ``measures``.

    ``contributions`` gives each contributing state's pledges toward the state in crisis and,
    where known, how many qualifying applications it holds; ``fair_shares`` the fair shares in
    relocations when the [reading] ``crisis.offsets.fair_share`` is ``given``."""
    _check(contributions, plan)
    states = plan.contributing
    c = {g: contributions.get(g, Contribution()) for g in states}
    needs = plan.request.relocation_needs
    share = Fraction(params("crisis.offsets.share_of_relocation_needs"))
    target = round_fraction(share * needs, "down")
    pledged = sum(x.relocations for x in c.values())
    triggered = pledged < target
    excluded = ""
    if temporary_protection_art11_disapplied:
        excluded = "Directive 2001/55/EC activated with its Art. 11 disapplied (Art. 9(1))"
    elif Derogation.TAKE_BACK_RELEASE in measures.derogations:
        excluded = f"{measures.decision} authorises Art. 13 (Art. 9(1))"
    reading = str(params("crisis.offsets.fair_share"))
    if reading == "given":
        if fair_shares is None or any(g not in fair_shares for g in states):
            raise fail(
                "fair_shares",
                sorted(fair_shares or {}),
                "the [reading] crisis.offsets.fair_share=given needs each contributing state's "
                "fair share in relocations",
            )
        fair = {g: int(fair_shares[g]) for g in states}
    else:
        rows = allocate(plan.key, PoolNumbers(needs, Decimal(0)), "fair share", ARTICLE).rows
        fair = {g: rows[g].relocations for g in states}
    rule = CapRule.of(plan.key.params)
    caps = {
        g: offsets_cap(rule, fair[g], c[g].relocations, c[g].money, Decimal(0), Decimal(0), False)
        for g in states
    }
    gap = max(0, target - pledged) if triggered and not excluded else 0
    weights = {g: plan.key.share(g) for g in states}
    held = {g: _held(c[g], gap) for g in states}
    within = apportion(gap, weights, {g: min(caps[g], held[g]) for g in states})
    rest = gap - sum(within.values())
    above = apportion(rest, weights, {g: held[g] - within[g] for g in states})
    uncovered = rest - sum(above.values())
    end = measures.situation_over_from()
    years = int(params("crisis.credits.years"))
    expires = credit_expiry(end, years)
    credits = tuple(
        CrisisCredit(g, n, measures.decision, end, expires) for g, n in above.items() if n > 0
    )
    return CrisisOffsets(
        plan,
        measures.decision,
        target,
        pledged,
        triggered,
        excluded,
        gap,
        fair,
        caps,
        within,
        above,
        uncovered,
        credits,
        {
            "crisis.offsets.fair_share": reading,
            "offsets.cap.contributions_counted": str(
                plan.key.params("offsets.cap.contributions_counted")
            ),
            "credit_window": f"within {years} years of {day(end)}: until {day(expires)}",
        },
    )


def credits_of(state: CrisisState, params: ParametersAt) -> tuple[CrisisCredit, ...]:
    """The credits of Art. 9(4)-(5) a crisis's acts record: one per contributing state that
    notified (9(5), first subparagraph), for the reduction it intends, then for the number the
    Commission's implementing act authorises (second subparagraph; usable from its day); the
    window runs five years from the day the last Council decision is no longer in force
    (9(4)(b), ``crisis.credits.years``)."""
    if not state.measures:
        return ()
    measures = state.measures[-1]
    end = measures.situation_over_from()
    expires = credit_expiry(end, int(params("crisis.credits.years")))
    acts = {e.state: e for e in state.events if isinstance(e, CreditAuthorisation)}
    out = []
    for notice in state.events:
        if not isinstance(notice, CreditNotification):
            continue
        act = acts.get(notice.state)
        credit = CrisisCredit(
            notice.state,
            act.applications if act else notice.reduction,
            measures.decision,
            end,
            expires,
            notified_on=notice.on,
        )
        out.append(credit.authorise(act.reference, act.on, notice.on) if act else credit)
    return tuple(out)


__all__ = [
    "ARTICLE",
    "Contribution",
    "CrisisCredit",
    "CrisisOffsets",
    "credits_of",
    "crisis_offsets",
    "eligible_applications",
]
