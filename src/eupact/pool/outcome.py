"""The outcome of a pool year: fair shares, pledges, deductions, balances, offsets (Art. 57–65).

Who is exempt is who *benefits* (Art. 58(1), 59(4), 60(3) third subparagraph) as the
:class:`~eupact.pool.benefit.Standing` passed in says — never a list in the act — and what is
released toward benefitting states with systemic shortcomings (60(3), fourth subparagraph)
leaves "to implement" and the offsets owed.

A state's authorised crisis credits (CFMR Art. 9(4)(a), 9(5); :mod:`eupact.pool.credits`) reduce
its mandatory fair share of the year: the relocations by the applications the cycle uses, the
financial equivalent by as many relocations at ``pool.equivalence.relocation_eur`` (Art. 12(3)
AMMR, the equivalence ``balance`` and the offsets already use), neither below zero.

Every figure is kept with what produced it; :meth:`PoolOutcome.explain` turns any of them into an
:class:`~eupact.explain.Explanation` naming the inputs, the rule, the article and the data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from eupact.errors import fail
from eupact.explain import Explanation, ParameterUse, show
from eupact.key.reference_key import ReferenceKey, round_fraction, to_money
from eupact.pool.acts import CouncilAct
from eupact.pool.allocation import Allocation, allocate
from eupact.pool.benefit import NOBODY, Standing
from eupact.pool.credits import CreditUse, CrisisCredit, check_credits, use_credits
from eupact.pool.offsets import CapRule, OffsetAssessment, assess_offsets, offsets_cap
from eupact.pool.pledges import Deduction, DeductionStatus, Pledge, PledgeKind
from eupact.pool.proposal import SarReserve, sar_reserve

ZERO = Decimal(0)

# Which article each outcome field applies, for explanations.
FIELD_RULES: dict[str, tuple[str, str]] = {
    "fair_share_relocations": (
        "Art. 57(3), 66 AMMR",
        "share × reference relocations, rounded by rule",
    ),
    "fair_share_financial": ("Art. 57(3), 66 AMMR", "share × reference financial contributions"),
    "pledged_total": (
        "Art. 56(2), 57(4), 65(1) AMMR",
        "relocations × equivalence + financial + alternative measures (EUR)",
    ),
    "deducted_total": ("Art. 61, 62 AMMR", "granted deductions only (Council implementing act)"),
    "to_implement_total": (
        "Art. 60(3) AMMR",
        "pledged − granted deductions − released toward states with systemic shortcomings; "
        "0 if exempt",
    ),
    "released_total": (
        "Art. 60(3), fourth subparagraph, AMMR",
        "the part of the pledges to implement owed toward benefitting states with systemic "
        "shortcomings ([reading] implementation.systemic_shortcomings.*)",
    ),
    "balance": (
        "Art. 57(3), 63 AMMR, recital 33",
        "pledged (EUR-equivalent) + accepted offsets at the relocation equivalence − fair share "
        "(EUR)",
    ),
    "offset_obligation": ("Art. 63(3), (4), (7) AMMR", "see the offsets assessment"),
    "crisis_credit_relocations": (
        "Art. 9(4)(a), 9(5) CFMR",
        "the authorised crisis credit this cycle uses: min(fair share by the key, what is left "
        "of the credit and the [reading] crisis.credits.use_per_cycle allows)",
    ),
}


@dataclass(frozen=True, slots=True)
class StateOutcome:
    geo: str
    role: str
    share: Fraction
    fair_share_relocations: int
    fair_share_financial: Decimal
    pledged_relocations: int
    pledged_financial: Decimal
    pledged_alternative: Decimal
    alternative_converted: Decimal
    pledged_total: Decimal
    deducted_relocations: int
    deducted_total: Decimal
    deduction_pending: str
    exemption: str
    to_implement_relocations: int
    to_implement_total: Decimal
    balance: Decimal
    released_relocations: int = 0
    released_total: Decimal = ZERO
    offsets_accepted: int = 0
    # The EUR part of to_implement_total by type; alternative measures nobody requested count
    # as financial contributions (Art. 57(4), 65(1)).
    to_implement_financial: Decimal = ZERO
    to_implement_alternative: Decimal = ZERO
    alternative_note: str = ""
    # CFMR Art. 9(4)(a), 9(5): taken off the fair share by an authorised crisis credit (the
    # fair share fields above are after it); the financial part at the relocation equivalence.
    crisis_credit_relocations: int = 0
    crisis_credit_financial: Decimal = ZERO
    crisis_credit_note: str = ""


@dataclass(frozen=True, slots=True)
class PoolTotals:
    reference_relocations: int
    reference_financial: Decimal
    pledged_relocations: int
    pledged_financial: Decimal
    pledged_alternative: Decimal
    pledged_total: Decimal
    shortfall: Decimal
    surplus: Decimal
    relocation_shortfall: int
    deducted_total: Decimal
    to_implement_relocations: int
    to_implement_total: Decimal
    released_total: Decimal = ZERO


@dataclass(frozen=True)
class PoolOutcome:
    act: CouncilAct
    key: ReferenceKey
    fair_shares: Allocation
    states: dict[str, StateOutcome]
    totals: PoolTotals
    offsets: OffsetAssessment
    sar: SarReserve | None
    equivalence: Decimal
    standing: Standing = NOBODY
    # CFMR Art. 9(4)(a): what each state's crisis credits take off its fair share this year
    credits: Mapping[str, CreditUse] = field(default_factory=dict)

    @property
    def benefitting_states(self) -> tuple[str, ...]:
        return self.standing.benefitting_states

    def explain(self, geo: str, field: str) -> Explanation:
        """Why ``field`` of state ``geo`` has its value."""
        row = self.states.get(geo)
        if row is None:
            raise fail("state", geo, "not among the participating states", summary="cannot explain")
        if field in ("fair_share_relocations", "fair_share_financial"):
            if geo in self.credits:
                return self._explain_credit(geo, field)
            return self.fair_shares.explain(geo, field.removeprefix("fair_share_"))
        if field == "offset_obligation":
            return self.offsets.explain(self.key, geo)
        if field not in FIELD_RULES:
            raise fail(
                "field",
                field,
                f"explainable fields: {', '.join(FIELD_RULES)}",
                summary="cannot explain",
            )
        article, formula = FIELD_RULES[field]
        inputs = {
            name: show(getattr(row, name))
            for name in (
                "pledged_relocations",
                "pledged_financial",
                "pledged_alternative",
                "alternative_converted",
                "deducted_relocations",
                "deducted_total",
                "released_relocations",
                "released_total",
                "offsets_accepted",
                "fair_share_financial",
            )
        }
        notes = tuple(
            n
            for n in (
                row.exemption,
                row.deduction_pending,
                row.alternative_note,
                row.crisis_credit_note,
            )
            if n
        )
        return Explanation(
            quantity=f"{field} of {geo}",
            value=show(getattr(row, field)),
            rule="eupact.pool.outcome.compute_outcome",
            article=article,
            formula=formula,
            inputs=inputs,
            parameters=(
                ParameterUse.of(self.key.params, "pool.equivalence.relocation_eur"),
                ParameterUse.of(self.key.params, "implementation.systemic_shortcomings.spread"),
                ParameterUse.of(
                    self.key.params, "implementation.systemic_shortcomings.pledges_released"
                ),
            ),
            sources=(self.key.population.source, self.key.gdp.source),
            notes=(*notes, f"act: {self.act.citation}"),
        )

    def _explain_credit(self, geo: str, field: str) -> Explanation:
        """A fair share reduced by a crisis credit (CFMR Art. 9(4)(a), 9(5))."""
        row, use = self.states[geo], self.credits[geo]
        by_key = self.fair_shares.rows[geo]
        money = field == "fair_share_financial"
        value = (
            f"EUR {show(row.fair_share_financial)}" if money else show(row.fair_share_relocations)
        )
        inputs = {
            "fair share by the key (Art. 57(3), 66 AMMR)": (
                f"EUR {show(by_key.financial)}" if money else show(by_key.relocations)
            ),
            "crisis credit used this cycle (relocations)": show(use.used),
            "crisis credit left after this cycle": show(use.left),
        }
        if money:
            inputs["relocation equivalence (Art. 12(3) AMMR)"] = f"EUR {show(self.equivalence)}"
        for i, (credit, n) in enumerate(use.credits, start=1):
            inputs[f"credit {i}"] = f"{n} used of {credit.cited()}"
        return Explanation(
            quantity=f"{field} of {geo}",
            value=value,
            rule="eupact.pool.credits.use_credits",
            article="Art. 57(3), 66 AMMR; Art. 9(4)(a), 9(5) CFMR",
            formula=(
                "max(0, fair share by the key − credit used × equivalence)"
                if money
                else "fair share by the key − credit used (the credit never takes it below 0)"
            ),
            inputs=inputs,
            parameters=(
                ParameterUse.of(self.key.params, "crisis.credits.use_per_cycle"),
                ParameterUse.of(self.key.params, "crisis.credits.first_cycle"),
                ParameterUse.of(self.key.params, "crisis.credits.years"),
                ParameterUse.of(self.key.params, "pool.equivalence.relocation_eur"),
            ),
            sources=(self.key.population.source, self.key.gdp.source),
            notes=(use.note(), f"act: {self.act.citation}"),
        )

    def explain_totals(self) -> Explanation:
        t = self.totals
        return Explanation(
            quantity="pool shortfall against the reference number (EUR-equivalent)",
            value=f"EUR {show(t.shortfall)}",
            rule="eupact.pool.outcome.compute_outcome",
            article="Art. 57(1), (3) AMMR",
            formula="max(0, reference − pledged); pledged + shortfall − surplus = reference",
            inputs={
                "reference (EUR)": show(t.reference_financial),
                "pledged (EUR-equivalent)": show(t.pledged_total),
                "reference relocations": show(t.reference_relocations),
                "pledged relocations": show(t.pledged_relocations),
            },
            parameters=(ParameterUse.of(self.key.params, "pool.equivalence.relocation_eur"),),
            notes=(f"act: {self.act.citation}",),
        )


def _by_state(pledges: Iterable[Pledge]) -> dict[str, dict[PledgeKind, Pledge]]:
    out: dict[str, dict[PledgeKind, Pledge]] = {}
    for p in pledges:
        out.setdefault(p.state, {})[p.kind] = p
    return out


def _state_row(
    geo: str,
    fair: Allocation,
    mine: dict[PledgeKind, Pledge],
    deduction: Deduction | None,
    pending: str,
    per_relocation: Decimal,
    standing: Standing,
    released: Fraction,
    release_money: bool,
    offsets_accepted: int,
    year_over: bool,
    credit: CreditUse | None = None,
) -> StateOutcome:
    reloc_pledge = mine.get(PledgeKind.RELOCATION)
    relocations = int(reloc_pledge.amount) if reloc_pledge else 0
    financial = mine[PledgeKind.FINANCIAL].amount if PledgeKind.FINANCIAL in mine else ZERO
    alt = mine.get(PledgeKind.ALTERNATIVE)
    alternative = alt.amount if alt else ZERO
    # Art. 57(4), 65(1): alternative measures no benefitting state requested in the year become
    # financial contributions — once the year is over; before, they wait for a request.
    unrequested = bool(alt and not alt.requested_by and alternative > 0)
    converted = alternative if unrequested and year_over else ZERO
    waiting = (
        "alternative measures not requested yet: converted into a financial contribution at "
        "the end of the year if no benefitting state requests them (Art. 57(4), 65(1))"
        if unrequested and not year_over
        else ""
    )
    total = relocations * per_relocation + financial + alternative
    if deduction is None:
        cut_reloc, cut_fin, cut_alt = 0, ZERO, ZERO
    elif deduction.full:
        cut_reloc, cut_fin, cut_alt = relocations, financial, alternative
    else:  # a partial deduction's money comes off the financial pledge first
        cut_reloc = deduction.relocations
        cut_fin = min(financial, deduction.financial)
        cut_alt = deduction.financial - cut_fin
    deducted = cut_reloc * per_relocation + cut_fin + cut_alt
    benefit = standing.benefitting.get(geo)
    full = deduction is not None and deduction.full
    exemption = (
        benefit.describe()
        if benefit is not None
        else "full deduction granted: not obliged to implement its pledges (Art. 60(3))"
        if full
        else ""
    )
    to_reloc = 0 if exemption else relocations - cut_reloc
    to_fin = ZERO if exemption else financial - cut_fin
    to_alt = ZERO if exemption else alternative - cut_alt
    # Art. 60(3), fourth subparagraph: the part owed toward states with systemic shortcomings.
    if released:
        cent = Decimal("0.01")
        rel_reloc = round_fraction(to_reloc * released, "down")
        rel_alt = to_money(Fraction(to_alt) * released, cent)
        rel_fin = to_money(Fraction(to_fin) * released, cent) if release_money else ZERO
    else:  # nothing released: the common case, kept cheap
        rel_reloc, rel_alt, rel_fin = 0, ZERO, ZERO
    released_total = rel_reloc * per_relocation + rel_alt + rel_fin
    money_fin, money_alt = to_fin - rel_fin, to_alt - rel_alt
    if converted:
        money_fin, money_alt = money_fin + money_alt, ZERO
    row = fair.rows[geo]
    # CFMR Art. 9(4)(a): the credit comes off the fair share, at the relocation equivalence.
    cut = credit.used if credit else 0
    cut_eur = min(row.financial, cut * per_relocation) if cut else ZERO
    fair_financial = row.financial - cut_eur
    return StateOutcome(
        geo=geo,
        role="benefitting" if benefit is not None else "contributing",
        share=row.share,
        fair_share_relocations=row.relocations - cut,
        fair_share_financial=fair_financial,
        pledged_relocations=relocations,
        pledged_financial=financial,
        pledged_alternative=alternative,
        alternative_converted=converted,
        pledged_total=total,
        deducted_relocations=cut_reloc,
        deducted_total=deducted,
        deduction_pending=pending,
        exemption=exemption,
        to_implement_relocations=to_reloc - rel_reloc,
        to_implement_total=to_reloc * per_relocation + to_fin + to_alt - released_total,
        balance=total + offsets_accepted * per_relocation - fair_financial,
        released_relocations=rel_reloc,
        released_total=released_total,
        offsets_accepted=offsets_accepted,
        to_implement_financial=money_fin,
        to_implement_alternative=money_alt,
        alternative_note=waiting,
        crisis_credit_relocations=cut,
        crisis_credit_financial=cut_eur,
        crisis_credit_note=credit.note() if credit else "",
    )


def _totals(act: CouncilAct, rows: Iterable[StateOutcome]) -> PoolTotals:
    rows = list(rows)
    pledged_total = sum((r.pledged_total for r in rows), ZERO)
    pledged_reloc = sum(r.pledged_relocations for r in rows)
    ref = act.reference
    return PoolTotals(
        reference_relocations=ref.relocations,
        reference_financial=ref.financial,
        pledged_relocations=pledged_reloc,
        pledged_financial=sum((r.pledged_financial + r.alternative_converted for r in rows), ZERO),
        pledged_alternative=sum(
            (r.pledged_alternative - r.alternative_converted for r in rows), ZERO
        ),
        pledged_total=pledged_total,
        shortfall=max(ZERO, ref.financial - pledged_total),
        surplus=max(ZERO, pledged_total - ref.financial),
        relocation_shortfall=max(0, ref.relocations - pledged_reloc),
        deducted_total=sum((r.deducted_total for r in rows), ZERO),
        to_implement_relocations=sum(r.to_implement_relocations for r in rows),
        to_implement_total=sum((r.to_implement_total for r in rows), ZERO),
        released_total=sum((r.released_total for r in rows), ZERO),
    )


def _pending(deductions: Iterable[Deduction]) -> dict[str, str]:
    out: dict[str, str] = {}
    for d in deductions:
        if d.status is not DeductionStatus.GRANTED:
            scope = "full" if d.full else "partial"
            out[d.state] = (
                f"{scope} deduction {d.status} under Art. {d.article}: not applied — only a "
                f"Council implementing act grants it (Art. {d.article}(4)/(5))"
            )
    return out


def compute_outcome(
    key: ReferenceKey,
    act: CouncilAct,
    pledges: Iterable[Pledge],
    deductions: Iterable[Deduction] = (),
    *,
    forum_reconvened: bool = False,
    standing: Standing = NOBODY,
    offsets_accepted: Mapping[str, int] | None = None,
    sar_share: Fraction | None = None,
    sar_states: tuple[str, ...] = (),
    crisis_credits: Iterable[CrisisCredit] = (),
) -> PoolOutcome:
    """The pool's outcome per state and in total. Inputs must be validated
    (:func:`~eupact.pool.pledges.validate_pledges`, :func:`~eupact.pool.pledges.validate_deductions`,
    :func:`~eupact.pool.benefit.validate_standing`). ``standing`` says who benefits (nobody
    unless a state used the pool under Art. 58 or 59). ``offsets_accepted``: responsibility
    offsets each state has taken on request or offer (Art. 63(1)–(2), 69), which count toward
    its fair share (recital 33) at one relocation each. ``crisis_credits``: the crisis credits
    the Commission authorised (CFMR Art. 9(5)), each with what earlier cycles used
    (:func:`~eupact.pool.credits.carry_credits`); what this year may use of them reduces the
    states' fair shares (9(4)(a); see :mod:`eupact.pool.credits`)."""
    accepted = dict(offsets_accepted or {})
    # As of the standing's date: before the year's end nothing unrequested is converted yet.
    year_over = standing.on is None or standing.on > dt.date(act.year, 12, 31)
    params = key.params
    per_relocation = Decimal(params("pool.equivalence.relocation_eur"))
    fair = allocate(key, act.reference, "mandatory fair share", "Art. 57(3), 66 AMMR")
    credits = tuple(crisis_credits)
    uses: dict[str, CreditUse] = {}
    if credits:
        check_credits(credits, key.states)
        by_key = {g: r.relocations for g, r in fair.rows.items()}
        uses, _ = use_credits(credits, act.year, by_key, params)
    deductions = tuple(deductions)
    granted = {d.state: d for d in deductions if d.status is DeductionStatus.GRANTED}
    pending = _pending(deductions)
    mine = _by_state(pledges)
    released = standing.released_share(params)
    release_money = params("implementation.systemic_shortcomings.pledges_released") == "all_types"
    rows = {
        geo: _state_row(
            geo,
            fair,
            mine.get(geo, {}),
            granted.get(geo),
            pending.get(geo, ""),
            per_relocation,
            standing,
            released,
            release_money,
            accepted.get(geo, 0),
            year_over,
            uses.get(geo),
        )
        for geo in key.states
    }
    keeps_cap = params("offsets.cap.granted_deductions") == "none"
    contributing = tuple(
        g for g, r in rows.items() if r.role == "contributing" and (not r.exemption or keeps_cap)
    )
    rule = CapRule.of(params)
    caps = {
        g: offsets_cap(
            rule,
            r.fair_share_relocations,
            r.pledged_relocations + r.offsets_accepted,
            r.pledged_financial + r.pledged_alternative,
            r.deducted_total,
            r.pledged_total,
            g in granted and granted[g].full,
        )
        for g, r in rows.items()
        if g in contributing
    }
    offsets = assess_offsets(
        key,
        act.proposal.relocations,
        act.reference.relocations,
        {g: r.fair_share_relocations for g, r in rows.items()},
        {g: r.pledged_relocations for g, r in rows.items()},
        # 63(4) names deductions and exemptions, not the 60(3) release: test before it.
        {g: r.to_implement_relocations + r.released_relocations for g, r in rows.items()},
        caps,
        contributing,
        forum_reconvened,
        released,
    )
    share = sar_share if sar_share is not None else act.sar_share
    sar = sar_reserve(key, act.reference, share, sar_states)
    return PoolOutcome(
        act,
        key,
        fair,
        rows,
        _totals(act, rows.values()),
        offsets,
        sar,
        per_relocation,
        standing,
        uses,
    )
