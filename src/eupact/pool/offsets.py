"""Responsibility offsets (Art. 63(1)–(4), (7) AMMR) and the systemic-shortcomings exception
(Art. 60(3), fourth subparagraph).

The [reading]s the text leaves open are parameters with their alternatives: what counts toward
the fair share that caps a state's offsets (63(7)), how a granted deduction changes that cap,
whether the 63(4) re-test needs a reconvened Forum, how the gap is shared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from eupact.explain import Explanation, ParameterUse, show
from eupact.key.reference_key import ReferenceKey, round_fraction
from eupact.parameters import ParametersAt
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
    obligations: dict[str, int]  # owed, after what 60(3) releases
    caps: dict[str, int]
    waived: dict[str, int]
    uncovered: int
    retest_needs_forum: bool = True
    cap_rule: str = "all_forms"

    @property
    def assigned(self) -> dict[str, int]:
        """Each state's part of the gap before the systemic-shortcomings release."""
        return {g: n + self.waived.get(g, 0) for g, n in self.obligations.items()}

    @property
    def triggered(self) -> bool:
        return self.below_by_pledges or self.below_after_deductions

    @property
    def obligatory(self) -> bool:
        """Art. 63(3) after the reconvened Forum; 63(4) likewise, or without it if the
        [reading] ``offsets.obligatory.retest_needs_reconvened_forum`` says so."""
        by_pledges = self.below_by_pledges and self.forum_reconvened
        after = self.below_after_deductions and (
            self.forum_reconvened or not self.retest_needs_forum
        )
        return by_pledges or after

    def explain(self, key: ReferenceKey, geo: str | None = None) -> Explanation:
        params = key.params
        used = (
            ParameterUse.of(params, "offsets.requested.threshold_of_proposal"),
            ParameterUse.of(params, "offsets.offered.threshold_of_own_fair_share"),
            ParameterUse.of(params, "pool.floor.relocations"),
            ParameterUse.of(params, "offsets.obligatory.share_of_reference"),
            ParameterUse.of(params, "offsets.obligatory.distribution"),
            ParameterUse.of(params, "offsets.obligatory.retest_needs_reconvened_forum"),
            ParameterUse.of(params, "offsets.cap.contributions_counted"),
            ParameterUse.of(params, "offsets.cap.granted_deductions"),
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
            inputs["re-test of 63(4) needs the reconvened Forum ([reading])"] = str(
                self.retest_needs_forum
            )
            quantity = "obligatory responsibility offsets"
        else:
            value = show(self.obligations.get(geo, 0))
            quantity = f"responsibility-offset obligation of {geo}"
            counted = (
                "its contributions in every form (relocation equivalents)"
                if self.cap_rule == "all_forms"
                else "its relocation pledge"
            )
            inputs[f"cap of {geo}: fair share in relocations less {counted} (63(7), [reading])"] = (
                show(self.caps.get(geo, 0))
            )
            inputs["waived towards states with systemic shortcomings (60(3))"] = show(
                self.waived.get(geo, 0)
            )
        return Explanation(
            quantity=quantity,
            value=value,
            rule="eupact.pool.offsets.assess_offsets",
            article="Art. 63(1)–(4), (7) and 60(3) AMMR",
            formula="gap = max(floor, 60 % × reference) − relocations to implement; shared among "
            "contributing states, each capped at what is left of its fair share; less the part "
            "owed toward benefitting states with systemic shortcomings (60(3))",
            inputs=inputs,
            parameters=used,
            sources=(key.population.source, key.gdp.source),
            notes=(
                "[reading] how the gap is shared, what counts toward the fair share and how "
                "deductions change the cap are parameters with alternatives (eupact params "
                "readings)",
            ),
        )


@dataclass(frozen=True, slots=True)
class CapRule:
    """The [reading]s of the Art. 63(7) cap, read once per outcome."""

    equivalence_cents: int  # one relocation in EUR cents (Art. 12(3))
    all_forms: bool  # offsets.cap.contributions_counted
    proportional: bool  # offsets.cap.granted_deductions

    @classmethod
    def of(cls, params: ParametersAt) -> CapRule:
        return cls(
            _cents(Decimal(params("pool.equivalence.relocation_eur"))),
            params("offsets.cap.contributions_counted") == "all_forms",
            params("offsets.cap.granted_deductions") == "proportional",
        )


def _cents(amount: Decimal) -> int:
    """EUR to whole cents; amounts are validated to at most two decimals."""
    return int(amount.scaleb(2).to_integral_value())


def offsets_cap(
    rule: CapRule,
    fair_share_relocations: int,
    relocations: int,
    money: Decimal,
    deducted_total: Decimal,
    pledged_total: Decimal,
    full_deduction: bool,
) -> int:
    """How many offsets a state can be obliged to take: what is left of its fair share (63(7)).

    ``money`` is its financial and alternative pledges (EUR); ``deducted_total`` and
    ``pledged_total`` are EUR-equivalents. Rounded down: never beyond the fair share. Exact, in
    integer cents: left = (fair − relocations) − money / equivalence, then × (1 − deducted /
    pledged) under the proportional reading."""
    eq = rule.equivalence_cents
    # what is left, in cents of relocation-equivalent
    left = (fair_share_relocations - relocations) * eq
    if rule.all_forms:
        left -= _cents(money)
    if left <= 0:
        return 0
    if not rule.proportional:
        return left // eq
    pledged = _cents(pledged_total)
    deducted = _cents(deducted_total)
    if full_deduction or (pledged > 0 and deducted >= pledged):
        return 0
    if pledged <= 0:
        return left // eq
    return (left * (pledged - deducted)) // (eq * pledged)


def assess_offsets(
    key: ReferenceKey,
    proposal_relocations: int,
    reference_relocations: int,
    fair_share_relocations: Mapping[str, int],
    pledged_relocations: Mapping[str, int],
    to_implement_relocations: Mapping[str, int],
    caps: Mapping[str, int],
    contributing: tuple[str, ...],
    forum_reconvened: bool,
    released: Fraction = Fraction(0),
) -> OffsetAssessment:
    """Apply Art. 63(1)–(4) and (7); ``released`` is the part owed toward benefitting states
    with systemic shortcomings (Art. 60(3), fourth subparagraph)."""
    params = key.params
    pledged_total = sum(pledged_relocations.values())
    implement_total = sum(to_implement_relocations.values())
    requested_threshold = (
        Fraction(params("offsets.requested.threshold_of_proposal")) * proposal_relocations
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
    target = max(floor, round_fraction(share_of_ref * reference_relocations, "up"))
    below_by_pledges = pledged_total < floor or pledged_total < share_of_ref * reference_relocations
    below_after = implement_total < target
    needs_forum = params("offsets.obligatory.retest_needs_reconvened_forum") == "required"
    obligatory = (below_by_pledges and forum_reconvened) or (
        below_after and (forum_reconvened or not needs_forum)
    )
    capped = {geo: caps.get(geo, 0) for geo in contributing}
    gap = max(0, target - implement_total) if obligatory else 0
    if params("offsets.obligatory.distribution") == "pro_rata_remaining_fair_share":
        weights = {geo: Fraction(capped[geo]) for geo in contributing}
    else:
        weights = {geo: key.share(geo) for geo in contributing}
    assigned = apportion(gap, weights, capped)
    waived = {geo: round_fraction(n * released, "down") for geo, n in assigned.items()}
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
        obligations={geo: n - waived[geo] for geo, n in assigned.items()},
        caps=capped,
        waived=waived,
        uncovered=gap - sum(assigned.values()),
        retest_needs_forum=needs_forum,
        cap_rule=str(params("offsets.cap.contributions_counted")),
    )
