"""The Council's votes in the annual cycle: does a recorded vote reach the majority its act needs?

Which majority: a parameter per act (``council.majority.*``): the implementing act establishing
the pool by qualified majority (Art. 57(1) AMMR), reconvening the High-Level Forum by simple
majority (Art. 13(4)), refusing access to the pool and authorising a deduction by implementing
acts for which the Regulation names no majority, hence qualified majority (Art. 59(6), 61(4),
62(5) AMMR; Art. 16(3) TEU).

Who votes: the Member States bound by the Regulation (``scope.bound_member_states``). Denmark
does not take part in adopting these measures (Protocol No 22, Art. 1; recital 90), so the
qualified majority is the one of Art. 238(3)(a) TFEU, "at least 55 % of the members of the
Council representing the participating Member States, comprising at least 65 % of the population
of these States" (15 of 26, rounded up), and a blocking minority "must include at least the
minimum number of Council members representing more than 35 % of the population of the
participating Member States, plus one member, failing which the qualified majority shall be
deemed attained". A simple majority is "a majority of its component members" (Art. 238(1)
TFEU): more than half, whose half is the [reading] ``council.simple_majority.members``.

A vote lists the states for, against and abstaining; a participating state listed nowhere did
not vote. Abstentions and absences count as not in favour: both majorities count the votes in
favour, and a blocking minority is every participating state not in favour. Populations are
given as a mapping (the service passes the pool year's reference-key population, Art. 66), so
the rule reads no data itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

from eupact.data.provenance import Source
from eupact.errors import EupactError, Problem
from eupact.explain import Explanation, ParameterUse
from eupact.parameters import ParametersAt

TFEU_QMV = "Art. 238(3)(a) TFEU; Protocol No 22, Art. 1"
TFEU_SIMPLE = "Art. 238(1) TFEU"
NOT_TAKING_PART = (
    "has no vote on acts under Regulation (EU) 2024/1351: it is not bound by it and takes no "
    "part in their adoption (Protocol No 22 on the position of Denmark, Art. 1; recital 90 AMMR; "
    "parameter scope.bound_member_states)"
)


class Majority(StrEnum):
    QUALIFIED = "qualified"
    SIMPLE = "simple"


class CouncilDecision(StrEnum):
    """The Council's decisions in the annual cycle that are taken by a vote."""

    POOL_ACT = "pool_act"
    RECONVENE_FORUM = "reconvene_forum"
    REFUSAL_OF_ACCESS = "refusal_of_access"
    DEDUCTION_AUTHORISATION = "deduction_authorisation"


# Each decision's parameter (the majority it needs, cited to its article) and how it is named.
MAJORITY_PARAMETER: dict[CouncilDecision, str] = {
    CouncilDecision.POOL_ACT: "council.majority.pool_act",
    CouncilDecision.RECONVENE_FORUM: "council.majority.reconvene_forum",
    CouncilDecision.REFUSAL_OF_ACCESS: "council.majority.refusal_of_access",
    CouncilDecision.DEDUCTION_AUTHORISATION: "council.majority.deduction_authorisation",
}
WHAT: dict[CouncilDecision, str] = {
    CouncilDecision.POOL_ACT: "the implementing act establishing the Annual Solidarity Pool",
    CouncilDecision.RECONVENE_FORUM: "reconvening the High-Level Forum",
    CouncilDecision.REFUSAL_OF_ACCESS: "the implementing act refusing access to the pool",
    CouncilDecision.DEDUCTION_AUTHORISATION: "the implementing act authorising a deduction",
}


def majority_for(decision: CouncilDecision, params: ParametersAt) -> Majority:
    """The majority ``decision`` needs (its ``council.majority.*`` parameter)."""
    name = MAJORITY_PARAMETER[decision]
    value = params(name)
    try:
        return Majority(value)
    except ValueError:
        raise EupactError(
            [Problem(name, value, "must be 'qualified' or 'simple' (a Council majority)")],
            "parameter refused",
        ) from None


@dataclass(frozen=True, slots=True)
class Vote:
    """A recorded Council vote: the geo codes for, against and abstaining."""

    in_favour: tuple[str, ...] = ()
    against: tuple[str, ...] = ()
    abstain: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, list[str]]:
        return {
            "for": list(self.in_favour),
            "against": list(self.against),
            "abstain": list(self.abstain),
        }

    def count(self) -> str:
        return f"{len(self.in_favour)} for, {len(self.against)} against, {len(self.abstain)} abstaining"


def check_vote(vote: Vote, params: ParametersAt) -> tuple[str, ...]:
    """The participating Member States, once ``vote`` is seen to list only them, each once;
    else every problem at once (an unknown code, a state that takes no part, one listed twice)."""
    members = tuple(params("scope.eu_member_states"))
    participating = tuple(params("scope.bound_member_states"))
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for where, codes in (
        ("vote.for", vote.in_favour),
        ("vote.against", vote.against),
        ("vote.abstain", vote.abstain),
    ):
        for geo in codes:
            if geo in seen:
                problems.append(
                    Problem(
                        where,
                        geo,
                        f"a Member State votes once: already listed in '{seen[geo]}'",
                    )
                )
                continue
            seen[geo] = where.removeprefix("vote.")
            if geo not in members:
                problems.append(
                    Problem(where, geo, "not a Member State (Eurostat geo codes; EL = Greece)")
                )
            elif geo not in participating:
                problems.append(Problem(where, geo, NOT_TAKING_PART))
    if problems:
        raise EupactError(problems, "vote refused")
    return participating


def _percent(share: Fraction) -> str:
    """A share as a percentage to four decimals, rounded half up, trailing zeros dropped (55 %,
    47.5948 %); where it decides a vote, the exact figures are given beside it."""
    units = math.floor(share * 100 * 10_000 + Fraction(1, 2))
    digits = f"{units // 10_000}.{units % 10_000:04d}".rstrip("0").rstrip(".")
    return f"{digits} %"


def _at_least(share: Fraction, of: int) -> int:
    """The fewest members that are at least ``share`` of ``of`` (55 % of 26 = 14.3: 15)."""
    return math.ceil(share * of)


def _more_than(share: Fraction, of: int) -> int:
    """The fewest members that are more than ``share`` of ``of`` (half of 26 = 13: 14)."""
    return math.floor(share * of) + 1


@dataclass(frozen=True)
class VoteResult:
    """Whether a vote reaches the majority its decision needs, with every number it rests on."""

    decision: CouncilDecision
    majority: Majority
    vote: Vote
    participating: tuple[str, ...]
    params: ParametersAt
    members_base: int  # the members a majority is counted among
    members_needed: int
    # qualified majority only
    populations: Mapping[str, int] = field(default_factory=dict)
    blocking_minimum: int = 0  # fewest members representing more than 35 %
    blocking_needed: int = 0  # that number plus one
    sources: tuple[Source, ...] = ()

    @property
    def reached(self) -> bool:
        """Simple: enough members in favour. Qualified: enough members in favour, and enough
        population or no blocking minority (then deemed attained)."""
        if self.majority is Majority.SIMPLE:
            return self.members_rule_met
        return self.members_rule_met and (self.population_rule_met or not self.blocking_minority)

    @property
    def not_voting(self) -> tuple[str, ...]:
        listed = {*self.vote.in_favour, *self.vote.against, *self.vote.abstain}
        return tuple(g for g in self.participating if g not in listed)

    @property
    def not_in_favour(self) -> tuple[str, ...]:
        return tuple(g for g in self.participating if g not in self.vote.in_favour)

    @property
    def members_for(self) -> int:
        return len(self.vote.in_favour)

    @property
    def population_total(self) -> int:
        return sum(self.populations[g] for g in self.participating)

    @property
    def population_for(self) -> int:
        return sum(self.populations[g] for g in self.vote.in_favour)

    @property
    def population_share_for(self) -> Fraction:
        return Fraction(self.population_for, self.population_total)

    @property
    def members_rule_met(self) -> bool:
        return self.members_for >= self.members_needed

    @property
    def population_rule_met(self) -> bool:
        return self.population_share_for >= Fraction(self.params("council.qmv.population_share"))

    @property
    def blocking_minority(self) -> bool:
        """Those not in favour are at least the minimum number plus one, and represent more than
        35 % of the population (Art. 238(3)(a), second subparagraph)."""
        share_against = 1 - self.population_share_for
        threshold = Fraction(self.params("council.blocking.population_share"))
        return len(self.not_in_favour) >= self.blocking_needed and share_against > threshold

    @property
    def deemed(self) -> bool:
        """Qualified majority deemed attained: the population rule fails, but those not in
        favour are too few members to block."""
        return (
            self.majority is Majority.QUALIFIED
            and self.members_rule_met
            and not self.population_rule_met
            and not self.blocking_minority
        )

    @property
    def article(self) -> str:
        treaty = TFEU_QMV if self.majority is Majority.QUALIFIED else TFEU_SIMPLE
        return f"{self.params.cite(MAJORITY_PARAMETER[self.decision])}; {treaty}"

    def why(self) -> str:
        """In plain words: reached or not, and why."""
        what = WHAT[self.decision]
        n = len(self.participating)
        if self.majority is Majority.SIMPLE:
            reading = self.params("council.simple_majority.members")
            among = (
                f"the {n} participating members"
                if reading == "participating"
                else (f"the Council's {self.members_base} component members")
            )
            verdict = "reached" if self.reached else "not reached"
            return (
                f"{what} needs a simple majority ({self.article}): more than half of {among}, "
                f"{self.members_needed} in favour; {self.members_for} voted in favour "
                f"({self.vote.count()}, {len(self.not_voting)} not voting): {verdict}"
            )
        members_share = self.params("council.qmv.members_share")
        pop_share = self.params("council.qmv.population_share")
        needs = (
            f"{what} needs a qualified majority ({self.article}): at least "
            f"{self.members_needed} of the {n} participating members ({_percent(members_share)}, "
            f"rounded up) representing at least {_percent(pop_share)} of their population"
        )
        counted = (
            f"{self.members_for} members voted in favour ({self.vote.count()}, "
            f"{len(self.not_voting)} not voting), representing "
            f"{_percent(self.population_share_for)} of the population "
            f"({self.population_for:,} of {self.population_total:,})"
        )
        if not self.members_rule_met:
            return (
                f"{needs}; {counted}: not reached, {self.members_for} members are fewer than "
                f"{self.members_needed}"
            )
        if self.population_rule_met:
            return f"{needs}; {counted}: reached"
        blockers = (
            f"the {len(self.not_in_favour)} members not in favour represent "
            f"{_percent(1 - self.population_share_for)} of the population"
        )
        rule = (
            f"a blocking minority needs at least {self.blocking_needed} members (the "
            f"{self.blocking_minimum} fewest representing more than "
            f"{_percent(self.params('council.blocking.population_share'))}, plus "
            f"{self.params('council.blocking.extra_members')})"
        )
        if self.deemed:
            return (
                f"{needs}; {counted}: below {_percent(pop_share)}, but {blockers} and {rule}: "
                "too few to block, the qualified majority is deemed attained"
            )
        return (
            f"{needs}; {counted}: not reached, {blockers}, more than "
            f"{_percent(self.params('council.blocking.population_share'))}, and are a blocking "
            f"minority ({rule})"
        )

    def require(self) -> None:
        """Refuse a vote that does not reach its majority, naming the rule and the numbers."""
        if not self.reached:
            raise EupactError(
                [Problem("vote", self.vote.count(), self.why())],
                f"vote refused: {WHAT[self.decision]} needs a {self.majority} majority",
            )

    def as_dict(self) -> dict[str, Any]:
        """The vote as the audit log keeps it (whole numbers and text only)."""
        out: dict[str, Any] = {
            "decision": str(self.decision),
            "majority": str(self.majority),
            "article": self.article,
            **self.vote.as_dict(),
            "not_voting": list(self.not_voting),
            "participating": len(self.participating),
            "members_for": self.members_for,
            "members_needed": self.members_needed,
            "reached": self.reached,
        }
        if self.majority is Majority.QUALIFIED:
            out |= {
                "population_for": self.population_for,
                "population_total": self.population_total,
                "population_share_for": _percent(self.population_share_for),
                "blocking_members_needed": self.blocking_needed,
                "deemed_attained": self.deemed,
                "population_source": "; ".join(s.cite() for s in self.sources),
            }
        return out

    def explain(self) -> Explanation:
        n = len(self.participating)
        inputs = {
            "participating members": f"{n} ({' '.join(self.participating)})",
            "for": f"{self.members_for} ({' '.join(self.vote.in_favour) or 'none'})",
            "against": f"{len(self.vote.against)} ({' '.join(self.vote.against) or 'none'})",
            "abstaining": f"{len(self.vote.abstain)} ({' '.join(self.vote.abstain) or 'none'})",
            "not voting": f"{len(self.not_voting)} ({' '.join(self.not_voting) or 'none'})",
            "members needed in favour": str(self.members_needed),
        }
        if self.majority is Majority.QUALIFIED:
            params: tuple[str, ...] = (
                "council.qmv.members_share",
                "council.qmv.population_share",
                "council.blocking.population_share",
                "council.blocking.extra_members",
            )
            members_share, pop_share, block_share, extra = (self.params(p) for p in params)
            formula = (
                f"for ≥ ⌈{_percent(members_share)} × participating⌉ and population(for) ≥ "
                f"{_percent(pop_share)} × population(participating); else deemed attained when "
                f"the members not in favour are fewer than k + {extra}, k the fewest members "
                f"representing more than {_percent(block_share)} of the population"
            )
            inputs |= {
                "population of the participating states": f"{self.population_total:,}",
                "population of the members for": (
                    f"{self.population_for:,} ({_percent(self.population_share_for)})"
                ),
                "population of the members not in favour": (
                    f"{self.population_total - self.population_for:,} "
                    f"({_percent(1 - self.population_share_for)})"
                ),
                "k (fewest members representing more than 35 %)": str(self.blocking_minimum),
                "members a blocking minority needs": str(self.blocking_needed),
            }
            inputs |= {
                f"population {g}": (
                    f"{self.populations[g]:,} "
                    f"({_percent(Fraction(self.populations[g], self.population_total))})"
                )
                for g in self.participating
            }
        else:
            params = ("council.simple_majority.share", "council.simple_majority.members")
            share = self.params("council.simple_majority.share")
            formula = f"for > {share} × members (abstentions and absences are not in favour)"
            inputs["members the majority is counted among"] = str(self.members_base)
        verdict = "reached" if self.reached else "not reached"
        if self.deemed:
            verdict = "reached (deemed attained: no blocking minority)"
        return Explanation(
            quantity=f"Council vote on {WHAT[self.decision]}",
            value=verdict,
            rule=f"{self.majority} majority of the Council",
            article=self.article,
            formula=formula,
            inputs=inputs,
            parameters=tuple(
                ParameterUse.of(self.params, name)
                for name in (MAJORITY_PARAMETER[self.decision], *params)
            ),
            sources=self.sources,
            notes=(self.why(),),
        )


def _populations(participating: tuple[str, ...], populations: Mapping[str, int]) -> dict[str, int]:
    problems = []
    for geo in participating:
        value = populations.get(geo)
        if value is None:
            problems.append(
                Problem(
                    "population",
                    geo,
                    "no population figure for a participating Member State: a qualified "
                    "majority counts the population of every one (Art. 238(3)(a) TFEU)",
                )
            )
        elif isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            problems.append(
                Problem(f"population {geo}", value, "must be a whole number of persons above 0")
            )
    if problems:
        raise EupactError(problems, "cannot count the vote")
    return {geo: populations[geo] for geo in participating}


def _blocking_minimum(pops: Mapping[str, int], share: Fraction) -> int:
    """The fewest members representing more than ``share`` of the population: the largest
    states first."""
    total = sum(pops.values())
    held = 0
    for count, value in enumerate(sorted(pops.values(), reverse=True), start=1):
        held += value
        if held > share * total:
            return count
    return len(pops) + 1  # not reachable for a share below 1


def council_vote(
    vote: Vote,
    decision: CouncilDecision,
    params: ParametersAt,
    populations: Mapping[str, int] | None = None,
    sources: tuple[Source, ...] = (),
) -> VoteResult:
    """Whether ``vote`` reaches the majority ``decision`` needs; ``populations`` (state →
    persons, every participating state) is needed for a qualified majority only. Refuses a vote
    listing a state twice, an unknown code or a state that takes no part (Protocol No 22)."""
    participating = check_vote(vote, params)
    majority = majority_for(decision, params)
    n = len(participating)
    if majority is Majority.SIMPLE:
        reading = params("council.simple_majority.members")
        base = n if reading == "participating" else len(params("scope.eu_member_states"))
        needed = _more_than(params("council.simple_majority.share"), base)
        return VoteResult(decision, majority, vote, participating, params, base, needed)
    pops = _populations(participating, populations or {})
    needed = _at_least(params("council.qmv.members_share"), n)
    minimum = _blocking_minimum(pops, params("council.blocking.population_share"))
    extra = int(params("council.blocking.extra_members"))
    return VoteResult(
        decision, majority, vote, participating, params, n, needed, pops,
        minimum, minimum + extra, sources,
    )  # fmt: skip
