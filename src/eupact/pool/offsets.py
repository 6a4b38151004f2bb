"""Responsibility offsets (Art. 63 AMMR) and the systemic-shortcomings exception (Art. 60(3))."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from eupact.explain import Explanation, ParameterUse, show
from eupact.key.reference_key import ReferenceKey, round_fraction
from eupact.pool.acts import CouncilAct
from eupact.pool.allocation import apportion


@dataclass(frozen=True)
class OffsetAssessment:
    """Whether offsets may be requested, offered, or are obligatory, and who owes how many."""

    relocation_pledges: int
    requested_threshold: Fraction
    requested_possible: bool
    offer_possible: dict[str, bool]
    floor: int
    share_of_reference: Fraction
    target: int
    below_by_pledges: bool
    to_implement: int
    below_after_deductions: bool
    forum_reconvened: bool
    gap: int
    obligations: dict[str, int]
    caps: dict[str, int]
    waived: dict[str, int]
    uncovered: int

    @property
    def triggered(self) -> bool:
        return self.below_by_pledges or self.below_after_deductions

    @property
    def obligatory(self) -> bool:
        return self.triggered and self.forum_reconvened

    def explain(self, key: ReferenceKey, geo: str | None = None) -> Explanation:
        params = key.params
        used = (
            ParameterUse.of(params, "offsets.requested.threshold_of_proposal"),
            ParameterUse.of(params, "offsets.offered.threshold_of_own_fair_share"),
            ParameterUse.of(params, "pool.floor.relocations"),
            ParameterUse.of(params, "offsets.obligatory.share_of_reference"),
            ParameterUse.of(params, "offsets.obligatory.distribution"),
        )
        inputs = {
            "relocation pledges": show(self.relocation_pledges),
            "relocations to implement after deductions and exemptions": show(self.to_implement),
            "threshold for requested offsets (63(1))": show(self.requested_threshold),
            "higher of the two numbers (63(3))": show(self.target),
            "High-Level Forum reconvened (13(4))": str(self.forum_reconvened),
        }
        if geo is None:
            value = (
                "obligatory"
                if self.obligatory
                else (
                    "triggered, pending the reconvened Forum" if self.triggered else "not triggered"
                )
            )
            quantity = "obligatory responsibility offsets"
        else:
            value = show(self.obligations.get(geo, 0))
            quantity = f"responsibility-offset obligation of {geo}"
            inputs[
                f"cap of {geo}: fair share in relocations less its relocation pledge (63(7))"
            ] = show(self.caps.get(geo, 0))
            inputs["waived towards states with systemic shortcomings (60(3))"] = show(
                self.waived.get(geo, 0)
            )
        return Explanation(
            quantity=quantity,
            value=value,
            rule="eupact.pool.offsets.assess_offsets",
            article="Art. 63(1)–(4), (7) and 60(3) AMMR",
            formula="gap = max(floor, 60 % × reference) − relocations to implement; shared by the key "
            "among contributing states, each capped at its remaining fair share",
            inputs=inputs,
            parameters=used,
            sources=(key.population.source, key.gdp.source),
            notes=(
                "[reading] the distribution of obligatory offsets among states is not spelled out "
                "in Art. 63(3); see the parameter note",
            ),
        )


def assess_offsets(
    key: ReferenceKey,
    act: CouncilAct,
    fair_share_relocations: Mapping[str, int],
    pledged_relocations: Mapping[str, int],
    to_implement_relocations: Mapping[str, int],
    contributing: tuple[str, ...],
    forum_reconvened: bool,
) -> OffsetAssessment:
    """Apply Art. 63(1)–(4) and (7), with the Art. 60(3) exception for systemic shortcomings."""
    params = key.params
    pledged_total = sum(pledged_relocations.values())
    implement_total = sum(to_implement_relocations.values())
    requested_threshold = (
        Fraction(params("offsets.requested.threshold_of_proposal")) * act.proposal.relocations
    )
    own_threshold = Fraction(params("offsets.offered.threshold_of_own_fair_share"))
    requested_possible = pledged_total >= requested_threshold
    offer = {
        geo: requested_possible
        or pledged_relocations.get(geo, 0) >= own_threshold * fair_share_relocations[geo]
        for geo in contributing
    }
    floor = int(params("pool.floor.relocations"))
    share_of_ref = Fraction(params("offsets.obligatory.share_of_reference"))
    target = max(floor, round_fraction(share_of_ref * act.reference.relocations, "up"))
    below_by_pledges = (
        pledged_total < floor or pledged_total < share_of_ref * act.reference.relocations
    )
    below_after = implement_total < target
    caps = {
        geo: max(0, fair_share_relocations[geo] - pledged_relocations.get(geo, 0))
        for geo in contributing
    }
    gap = (
        max(0, target - implement_total)
        if (below_by_pledges or below_after) and forum_reconvened
        else 0
    )
    obligations = apportion(gap, {geo: key.share(geo) for geo in contributing}, caps)
    return OffsetAssessment(
        relocation_pledges=pledged_total,
        requested_threshold=requested_threshold,
        requested_possible=requested_possible,
        offer_possible=offer,
        floor=floor,
        share_of_reference=share_of_ref,
        target=target,
        below_by_pledges=below_by_pledges,
        to_implement=implement_total,
        below_after_deductions=below_after,
        forum_reconvened=forum_reconvened,
        gap=gap,
        obligations=obligations,
        caps=caps,
        waived=_waived(obligations, act),
        uncovered=gap - sum(obligations.values()),
    )


def _waived(obligations: Mapping[str, int], act: CouncilAct) -> dict[str, int]:
    """Offsets towards a benefitting state with systemic shortcomings need not be applied
    (Art. 60(3), fourth subparagraph). [reading] each obligation is owed to the benefitting
    states in equal parts, for want of a rule on how it is spread among them."""
    if not act.benefitting_states:
        return {geo: 0 for geo in obligations}
    affected = Fraction(
        sum(1 for g in act.benefitting_states if g in act.systemic_shortcomings_states),
        len(act.benefitting_states),
    )
    return {geo: round_fraction(n * affected, "down") for geo, n in obligations.items()}
