"""The Commission proposal for the Annual Solidarity Pool (Art. 12 AMMR)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from eupact.errors import EupactError, Problem
from eupact.explain import Explanation, ParameterUse, show
from eupact.key.reference_key import ReferenceKey, round_fraction, to_money
from eupact.pool.allocation import Allocation, PoolNumbers, allocate

ARTICLE = "Art. 12 AMMR"


@dataclass(frozen=True)
class SarReserve:
    """The indicative part of the pool for states under pressure from recurring SAR
    disembarkations (Art. 12(5), 57(2) AMMR)."""

    share: Fraction
    relocations: int
    financial: Decimal
    states: tuple[str, ...]


@dataclass(frozen=True)
class Proposal:
    totals: PoolNumbers
    floors: PoolNumbers
    indicative: Allocation
    sar: SarReserve | None
    exceptional: bool

    def explain_totals(self) -> Explanation:
        params = self.indicative.key.params
        used = [
            ParameterUse.of(params, "pool.floor.relocations"),
            ParameterUse.of(params, "pool.floor.financial"),
            ParameterUse.of(params, "pool.equivalence.relocation_eur"),
        ]
        notes = (
            (
                f"below the floors under {params('pool.exceptional_no_need.article')}: no projected need",
            )
            if self.exceptional
            else ()
        )
        return Explanation(
            quantity="Commission proposal: Union-level numbers",
            value=f"{show(self.totals.relocations)} relocations / EUR {show(self.totals.financial)}",
            rule="eupact.pool.proposal.propose_pool",
            article="Art. 12(2)–(4) AMMR",
            formula="at least the floors of Art. 12(2); higher numbers keep their ratio (Art. 12(3))",
            inputs={"requested relocations": show(self.totals.relocations)},
            parameters=tuple(used),
            notes=notes,
        )


def _totals(
    key: ReferenceKey, relocations: int | None, financial: Decimal | None, exceptional: bool
) -> PoolNumbers:
    params = key.params
    floor = PoolNumbers(
        int(params("pool.floor.relocations")), Decimal(params("pool.floor.financial"))
    )
    per_relocation = Decimal(params("pool.equivalence.relocation_eur"))
    problems = []
    if relocations is not None and relocations < 0:
        problems.append(Problem("relocations", relocations, "must not be negative"))
    if financial is not None and financial < 0:
        problems.append(Problem("financial", financial, "must not be negative"))
    if problems:
        raise EupactError(problems, "invalid proposal")
    if relocations is None and financial is None:
        return floor
    if relocations is None:
        relocations = round_fraction(Fraction(financial) / Fraction(per_relocation), "up")  # type: ignore[arg-type]
    if financial is None:
        financial = relocations * per_relocation
    if financial != relocations * per_relocation:
        problems.append(
            Problem(
                "financial",
                financial,
                f"must keep the ratio of Art. 12(3): {relocations} relocations × EUR {per_relocation} "
                f"= EUR {relocations * per_relocation}",
            )
        )
    if not exceptional and (relocations < floor.relocations or financial < floor.financial):
        problems.append(
            Problem(
                "relocations",
                relocations,
                f"below the minimum of Art. 12(2) ({floor.relocations} relocations / EUR "
                f"{floor.financial}); only an exceptional year with no projected need "
                f"({params('pool.exceptional_no_need.article')}) "
                "allows it: use --exceptional (exceptional=True in Python)",
            )
        )
    if problems:
        raise EupactError(problems, "invalid proposal")
    return PoolNumbers(relocations, financial)


def sar_reserve(
    key: ReferenceKey, totals: PoolNumbers, share: Fraction | None, states: tuple[str, ...]
) -> SarReserve | None:
    """The indicative SAR part of the pool (Art. 12(5) proposal, Art. 57(2) Council act)."""
    if share is None:
        return None
    if not 0 <= share <= 1:
        raise EupactError(
            [Problem("sar_share", str(share), "must be between 0 and 1")], "invalid SAR share"
        )
    quantum = key.params("key.rounding.financial_quantum")
    return SarReserve(
        share,
        round_fraction(share * totals.relocations, "down"),
        to_money(share * Fraction(totals.financial), quantum),
        states,
    )


def propose_pool(
    key: ReferenceKey,
    relocations: int | None = None,
    financial: Decimal | None = None,
    *,
    exceptional: bool = False,
    sar_share: Fraction | None = None,
    sar_states: tuple[str, ...] = (),
) -> Proposal:
    """The Commission proposal: Union-level numbers and each state's indicative contribution.

    With no numbers given, the floors of Art. 12(2); with one, the other follows from the ratio of
    Art. 12(3); with both, they must keep that ratio.
    """
    params = key.params
    totals = _totals(key, relocations, financial, exceptional)
    floors = PoolNumbers(
        int(params("pool.floor.relocations")), Decimal(params("pool.floor.financial"))
    )
    indicative = allocate(key, totals, "indicative contribution", "Art. 12(1), 66 AMMR")
    return Proposal(
        totals, floors, indicative, sar_reserve(key, totals, sar_share, sar_states), exceptional
    )
