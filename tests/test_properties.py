"""Property-based tests (hypothesis) of the reference key, the rounding rules and the pool outcome.

Each test states a property that must hold for every valid input, and cites the article of
Regulation (EU) 2024/1351 (AMMR) it follows from. Inputs are built directly (StateSeries, the
parameters in force on 19 Dec 2025, the Council act of the 2026 pool), not read from the snapshot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eupact.data.provenance import Source, StateSeries
from eupact.key.reference_key import ReferenceKey, compute_reference_key, round_fraction, to_money
from eupact.parameters import load_parameters
from eupact.pool.acts import CouncilAct, council_act
from eupact.pool.allocation import PoolNumbers, allocate, apportion
from eupact.pool.benefit import UseOfPool, standing
from eupact.pool.outcome import PoolOutcome, compute_outcome
from eupact.pool.pledges import (
    Deduction,
    DeductionStatus,
    Pledge,
    PledgeKind,
    validate_deductions,
    validate_pledges,
)

PARAMS = load_parameters().at(dt.date(2025, 12, 19))
ACT = council_act(2026, load_parameters())
EU = tuple(PARAMS("scope.eu_member_states"))
BOUND = tuple(PARAMS("scope.bound_member_states"))
BENEFITTING = ACT.under_pressure_states
# They informed on the first day Art. 58 applies that they use the pool (Art. 58(1)): they benefit.
FIRST_DAY = PARAMS("cycle.date_of_application_part_iv")
STANDING = standing(ACT, PARAMS, [UseOfPool(g, FIRST_DAY) for g in BENEFITTING])
CONTRIBUTING = tuple(g for g in BOUND if g not in BENEFITTING)
ELIGIBLE = ACT.deduction_eligible_states
PER_RELOCATION = Decimal(PARAMS("pool.equivalence.relocation_eur"))
QUANTUM = Decimal(PARAMS("key.rounding.financial_quantum"))

PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _source(indicator: str) -> Source:
    return Source(
        dataset="hypothesis",
        title=indicator,
        unit="",
        reference_date="2024",
        release="generated",
        retrieved="generated",
        file="generated",
        column=indicator,
    )


def make_key(
    pops: dict[str, int], gdps: dict[str, Decimal], states: tuple[str, ...] | None = None
) -> ReferenceKey:
    return compute_reference_key(
        StateSeries("population", dict(pops), _source("population")),
        StateSeries("gdp", dict(gdps), _source("gdp")),
        PARAMS,
        tuple(pops) if states is None else states,
    )


# ---------------------------------------------------------------------------------------------
# Strategies

populations = st.integers(min_value=1, max_value=10**8)
# GDP in million EUR with one decimal, as in Eurostat's nama_10_gdp.
gdps = st.integers(min_value=1, max_value=10**8).map(lambda n: Decimal(n).scaleb(-1))


@st.composite
def key_data(
    draw: st.DrawFn, pool: tuple[str, ...] = EU, min_size: int = 1
) -> tuple[dict[str, int], dict[str, Decimal]]:
    """Positive population and GDP for a non-empty subset (in random order) of ``pool``."""
    states = draw(st.lists(st.sampled_from(pool), min_size=min_size, unique=True))
    pops = {g: draw(populations) for g in states}
    gdp = {g: draw(gdps) for g in states}
    return pops, gdp


@st.composite
def bound_key(draw: st.DrawFn) -> ReferenceKey:
    """A reference key over all the Member States bound by Part IV, on random data."""
    pops = {g: draw(populations) for g in BOUND}
    gdp = {g: draw(gdps) for g in BOUND}
    return make_key(pops, gdp, BOUND)


cents = st.integers(min_value=0, max_value=5 * 10**9).map(lambda n: Decimal(n).scaleb(-2))


@st.composite
def contributing_pledges(draw: st.DrawFn, low: int = 0, high: int = 3000) -> list[Pledge]:
    """Valid pledges of any kinds by any of the 22 contributing (non-benefitting) states."""
    pledges = []
    for geo in CONTRIBUTING:
        if draw(st.booleans()):
            amount = draw(st.integers(min_value=low, max_value=high))
            pledges.append(Pledge(geo, PledgeKind.RELOCATION, Decimal(amount)))
        if draw(st.booleans()):
            pledges.append(Pledge(geo, PledgeKind.FINANCIAL, draw(cents)))
        if draw(st.booleans()):
            requested = draw(st.lists(st.sampled_from(BENEFITTING), unique=True, max_size=2))
            pledges.append(Pledge(geo, PledgeKind.ALTERNATIVE, draw(cents), tuple(requested)))
    return list(validate_pledges(pledges, ACT, PARAMS))


@st.composite
def granted_deductions(draw: st.DrawFn, pledges: list[Pledge]) -> list[Deduction]:
    """Valid deductions granted by a Council act to some deduction-eligible states (Art. 62)."""
    pledged = {(p.state, p.kind): p.amount for p in pledges}
    out = []
    for geo in ELIGIBLE:
        choice = draw(st.sampled_from(["none", "full", "partial"]))
        reloc = int(pledged.get((geo, PledgeKind.RELOCATION), 0))
        if choice == "full":
            out.append(Deduction(geo, "62", True, status=DeductionStatus.GRANTED, council_act="X"))
        elif choice == "partial" and reloc > 0:
            cut = draw(st.integers(min_value=1, max_value=reloc))
            out.append(
                Deduction(
                    geo,
                    "62",
                    False,
                    relocations=cut,
                    status=DeductionStatus.GRANTED,
                    council_act="X",
                )
            )
    return list(validate_deductions(out, pledges, ACT, PARAMS, {}))


@st.composite
def act_variants(draw: st.DrawFn) -> CouncilAct:
    """The 2026 act, or the same act with another reference number of relocations. With 21 000
    relocations the target of Art. 63(3) is the Art. 12(2) floor of 30 000, above the sum of the
    fair shares, so the Art. 63(7) caps nearly always bind; other reference numbers vary that."""
    if draw(st.booleans()):
        return ACT
    relocations = draw(st.integers(min_value=1000, max_value=80000))
    return replace(ACT, reference=PoolNumbers(relocations, relocations * PER_RELOCATION))


def outcome(
    key: ReferenceKey,
    pledges: list[Pledge],
    deductions: Sequence[Deduction] = (),
    *,
    forum: bool = True,
    act: CouncilAct = ACT,
) -> PoolOutcome:
    return compute_outcome(key, act, pledges, deductions, forum_reconvened=forum, standing=STANDING)


# ---------------------------------------------------------------------------------------------
# Art. 66 and Annex I: the reference key


@PROPS
@given(key_data())
def test_art_66_shares_sum_to_one(data: tuple[dict[str, int], dict[str, Decimal]]) -> None:
    """Art. 66 and Annex I AMMR: the shares of the participating Member States, with positive
    population and GDP, sum to exactly 1 (50 % population share + 50 % GDP share, each summing
    to 1), whatever the subset of Member States."""
    pops, gdp = data
    key = make_key(pops, gdp)
    assert sum((key.share(g) for g in key.states), Fraction(0)) == 1
    assert all(key.share(g) > 0 for g in key.states)


@PROPS
@given(
    key_data(),
    st.integers(min_value=2, max_value=10**6),
    st.decimals(
        min_value=Decimal("0.001"),
        max_value=Decimal("1000000"),
        places=3,
        allow_nan=False,
        allow_infinity=False,
    ),
)
def test_art_66_shares_do_not_depend_on_the_unit(
    data: tuple[dict[str, int], dict[str, Decimal]], k: int, factor: Decimal
) -> None:
    """Art. 66 and Annex I AMMR: the key uses population and GDP only as shares of their totals,
    so counting people in other units (× k) or GDP in another currency unit (× a positive
    factor) leaves every share exactly unchanged."""
    pops, gdp = data
    base = make_key(pops, gdp)
    with localcontext() as ctx:
        ctx.prec = 200  # the scaled GDP figures must be exact, not rounded to 28 digits
        scaled_gdp = {g: v * factor for g, v in gdp.items()}
    scaled_pops = {g: v * k for g, v in pops.items()}
    for p, g in ((scaled_pops, gdp), (pops, scaled_gdp), (scaled_pops, scaled_gdp)):
        other = make_key(p, g)
        for geo in base.states:
            assert other.share(geo) == base.share(geo)
            assert other.rows[geo].population_share == base.rows[geo].population_share
            assert other.rows[geo].gdp_share == base.rows[geo].gdp_share


@PROPS
@pytest.mark.parametrize("measure", ["population", "gdp"])
@given(data=key_data(min_size=2), which=st.integers(min_value=0), more=st.integers(1, 10**7))
def test_art_66_share_grows_with_own_population_and_gdp(
    measure: str, data: tuple[dict[str, int], dict[str, Decimal]], which: int, more: int
) -> None:
    """Art. 66(a) and (b) AMMR: with the other states' data fixed, a state's share strictly
    grows when its population (or its GDP) grows, and every other state's share falls."""
    pops, gdp = data
    geo = list(pops)[which % len(pops)]
    before = make_key(pops, gdp)
    if measure == "population":
        pops = {**pops, geo: pops[geo] + more}
    else:
        gdp = {**gdp, geo: gdp[geo] + Decimal(more).scaleb(-1)}
    after = make_key(pops, gdp)
    assert after.share(geo) > before.share(geo)
    for other in before.states:
        if other != geo:
            assert after.share(other) < before.share(other)


# ---------------------------------------------------------------------------------------------
# Rounding (Art. 57(3), 64: whole relocations and euro cents)

fractions = st.fractions(min_value=0, max_value=10**9, max_denominator=10**6)


@PROPS
@given(fractions | st.integers(min_value=0, max_value=10**6).map(lambda n: Fraction(2 * n + 1, 2)))
def test_round_fraction_modes_bracket_the_exact_value(value: Fraction) -> None:
    """Art. 57(3) with the rounding parameter of the key (the law is silent, [reading]): a fair
    share in relocations rounded up is never below the exact value, rounded down never above;
    half up and half even are within half a relocation, and all agree on whole numbers."""
    up = round_fraction(value, "up")
    down = round_fraction(value, "down")
    half_up = round_fraction(value, "half_up")
    half_even = round_fraction(value, "half_even")
    assert up >= value >= down
    assert up - down == (0 if value.denominator == 1 else 1)
    assert abs(half_up - value) <= Fraction(1, 2)
    assert abs(half_even - value) <= Fraction(1, 2)
    assert down <= half_even <= half_up <= up
    if value - down == Fraction(1, 2):
        assert half_up == up
        assert half_even % 2 == 0


@PROPS
@given(
    st.fractions(min_value=-(10**12), max_value=10**12, max_denominator=10**6),
    st.sampled_from([QUANTUM, Decimal("0.01"), Decimal("0.05"), Decimal("0.001"), Decimal("1")]),
)
def test_to_money_within_half_a_quantum(value: Fraction, quantum: Decimal) -> None:
    """Art. 64 with the financial-quantum parameter ([reading]: euro cents, half up): an exact
    amount in EUR becomes a whole number of quanta within half a quantum of it, ties away from
    zero."""
    money = to_money(value, quantum)
    q = Fraction(quantum)
    assert (Fraction(money) / q).denominator == 1
    assert abs(Fraction(money) - value) <= q / 2
    if abs(Fraction(money) - value) == q / 2:
        assert abs(Fraction(money)) > abs(value)


# ---------------------------------------------------------------------------------------------
# apportion: sharing a whole number by the key under caps (Art. 63(3), (7))


@st.composite
def apportion_inputs(draw: st.DrawFn) -> tuple[int, dict[str, Fraction], dict[str, int]]:
    states = draw(st.lists(st.sampled_from(BOUND), min_size=1, unique=True))
    weights = {g: draw(st.fractions(min_value=0, max_value=1, max_denominator=997)) for g in states}
    caps = {g: draw(st.integers(min_value=0, max_value=3000)) for g in states}
    total = draw(st.integers(min_value=0, max_value=40000))
    return total, weights, caps


@PROPS
@given(apportion_inputs())
def test_apportion_respects_total_and_caps(
    inputs: tuple[int, dict[str, Fraction], dict[str, int]],
) -> None:
    """Art. 63(3) and (7) AMMR ([reading]: the obligatory offsets are shared by the key, each
    state capped at its remaining fair share): the parts sum to min(total, Σ caps), none is
    negative or above its cap, and where no cap binds each part is within one unit of its exact
    proportional part."""
    total, weights, caps = inputs
    parts = apportion(total, weights, caps)
    assert set(parts) == set(weights)
    assert sum(parts.values()) == min(total, sum(caps.values()))
    for g, n in parts.items():
        assert 0 <= n <= caps[g]
    weight_sum = sum(weights.values())
    if weight_sum > 0:
        exact = {g: total * weights[g] / weight_sum for g in weights}
        if all(exact[g] <= caps[g] for g in weights):
            for g in weights:
                assert abs(parts[g] - exact[g]) < 1


# ---------------------------------------------------------------------------------------------
# Art. 57(3): the fair shares of the reference number


@PROPS
@given(key_data(pool=BOUND))
def test_art_57_3_fair_shares_add_up_to_the_reference(
    data: tuple[dict[str, int], dict[str, Decimal]],
) -> None:
    """Art. 57(3) and 66 AMMR: the fair shares in EUR add up to the Council's reference number
    within half a cent per state; the fair shares in relocations, each rounded up, add up to
    between the reference number and the reference number plus one per state."""
    pops, gdp = data
    key = make_key(pops, gdp)
    fair = allocate(key, ACT.reference, "mandatory fair share", "Art. 57(3), 66 AMMR")
    n = len(key.states)
    money = sum((r.financial for r in fair.rows.values()), Decimal(0))
    assert abs(money - ACT.reference.financial) <= n * QUANTUM / 2
    relocations = sum(r.relocations for r in fair.rows.values())
    assert ACT.reference.relocations <= relocations <= ACT.reference.relocations + n
    for r in fair.rows.values():
        assert r.relocations_exact <= r.relocations < r.relocations_exact + 1
        assert abs(Fraction(r.financial) - r.share * Fraction(ACT.reference.financial)) <= (
            Fraction(QUANTUM) / 2
        )


# ---------------------------------------------------------------------------------------------
# Art. 57: the pool's outcome


@PROPS
@given(bound_key(), contributing_pledges())
def test_art_57_outcome_conserves_the_reference(key: ReferenceKey, pledges: list[Pledge]) -> None:
    """Art. 56(2), 57(1), (3), (4) and 65(1) AMMR: pledged (EUR-equivalent) + shortfall − surplus
    equals the reference number; the pledged total is Σ relocations × EUR 20 000 + financial +
    alternative; each state's balance is its pledged total less its fair share in EUR."""
    result = outcome(key, pledges, forum=False)
    t = result.totals
    assert t.pledged_total + t.shortfall - t.surplus == t.reference_financial
    assert t.reference_financial == ACT.reference.financial
    assert min(t.shortfall, t.surplus) == 0
    expected = {g: Decimal(0) for g in BOUND}
    for p in pledges:
        weight = PER_RELOCATION if p.kind is PledgeKind.RELOCATION else 1
        expected[p.state] += p.amount * weight
    assert t.pledged_total == sum(expected.values(), Decimal(0))
    for geo, row in result.states.items():
        assert row.pledged_total == expected[geo]
        assert row.balance == row.pledged_total - row.fair_share_financial


@PROPS
@given(bound_key(), contributing_pledges(), st.data())
def test_art_60_3_to_implement_splits_by_type(
    key: ReferenceKey, pledges: list[Pledge], data: st.DataObject
) -> None:
    """Art. 60(3), 61, 62: what is to be implemented is, per state, relocations × EUR 20 000 +
    financial + alternative to implement, none negative, none above its pledge; after granted
    deductions and whatever the systemic-shortcomings finding releases."""
    deductions = data.draw(granted_deductions(pledges))
    for row in outcome(key, pledges, deductions).states.values():
        money = row.to_implement_financial + row.to_implement_alternative
        assert row.to_implement_total == row.to_implement_relocations * PER_RELOCATION + money
        assert row.to_implement_financial >= 0 and row.to_implement_alternative >= 0
        assert row.to_implement_relocations <= row.pledged_relocations
        assert money <= row.pledged_financial + row.pledged_alternative


@PROPS
@given(bound_key(), act_variants(), st.data())
def test_art_63_offset_obligations(key: ReferenceKey, act: CouncilAct, data: st.DataObject) -> None:
    """Art. 63(3), (4) and (7) AMMR: once the High-Level Forum has been reconvened, the
    obligations sum to min(gap, Σ caps), the rest is uncovered, no contributing state owes more
    than what is left of its fair share once its contributions in every form are counted
    (relocation equivalents, [reading] all_forms), and the benefitting states
    (Art. 60(3)) owe nothing; without the reconvened Forum nobody owes anything."""
    low = data.draw(st.sampled_from([0, 1500, 3000]), label="smallest relocation pledge")
    pledges = data.draw(contributing_pledges(low, low + 3000))
    deductions = data.draw(granted_deductions(pledges))
    counted: dict[str, Fraction] = {}
    for p in pledges:
        weight = 1 if p.kind is PledgeKind.RELOCATION else 1 / Fraction(PER_RELOCATION)
        counted[p.state] = counted.get(p.state, Fraction(0)) + Fraction(p.amount) * weight

    on = outcome(key, pledges, deductions, forum=True, act=act)
    off = on.offsets
    total = sum(off.obligations.values())
    assert total == min(off.gap, sum(off.caps.values()))
    assert off.uncovered == off.gap - total
    assert off.gap == (max(0, off.target - off.to_implement) if off.triggered else 0)
    for geo, row in on.states.items():
        owed = off.obligations.get(geo, 0)
        assert owed >= 0
        if geo in BENEFITTING or row.exemption:
            assert owed == 0
        else:
            assert owed <= off.caps[geo]
            assert owed + counted.get(geo, Fraction(0)) <= max(
                row.fair_share_relocations, counted.get(geo, Fraction(0))
            )

    not_reconvened = outcome(key, pledges, deductions, forum=False, act=act).offsets
    assert not_reconvened.gap == 0
    assert not_reconvened.uncovered == 0
    assert all(n == 0 for n in not_reconvened.obligations.values())


@PROPS
@given(bound_key(), contributing_pledges(), st.sampled_from(ELIGIBLE))
def test_art_60_3_full_deduction(key: ReferenceKey, pledges: list[Pledge], geo: str) -> None:
    """Art. 60(3), 62(5) AMMR: a full deduction granted by a Council implementing act relieves
    the state of implementing its pledges (nothing to implement, no offset obligation); a
    deduction merely requested changes nothing in what is to be implemented."""
    base = outcome(key, pledges)
    granted = Deduction(geo, "62", True, status=DeductionStatus.GRANTED, council_act="X")
    validate_deductions([granted], pledges, ACT, PARAMS, {})
    with_full = outcome(key, pledges, [granted])
    row = with_full.states[geo]
    assert row.to_implement_total == 0
    assert row.to_implement_relocations == 0
    assert row.exemption
    assert with_full.offsets.obligations.get(geo, 0) == 0

    requested = Deduction(geo, "62", True)
    validate_deductions([requested], pledges, ACT, PARAMS, {})
    with_request = outcome(key, pledges, [requested])
    for g, r in with_request.states.items():
        assert r.to_implement_total == base.states[g].to_implement_total
        assert r.to_implement_relocations == base.states[g].to_implement_relocations
        assert r.deducted_total == 0
    assert with_request.states[geo].deduction_pending
    assert with_request.totals.to_implement_total == base.totals.to_implement_total
    assert with_request.offsets.obligations == base.offsets.obligations


@PROPS
@given(bound_key(), act_variants(), st.data())
def test_art_63_more_relocation_pledges_never_widen_the_gap(
    key: ReferenceKey, act: CouncilAct, data: st.DataObject
) -> None:
    """Art. 63(3) AMMR: the gap that obligatory offsets must fill is measured against the
    relocations pledged and to be implemented, so adding relocation pledges (by any bound
    state) never widens it, nor raises the offsets owed in total."""
    low = data.draw(st.sampled_from([0, 1500, 3000]), label="smallest relocation pledge")
    pledges = data.draw(contributing_pledges(low, low + 3000))
    deductions = data.draw(granted_deductions(pledges))
    extra = data.draw(
        st.dictionaries(st.sampled_from(BOUND), st.integers(min_value=1, max_value=5000))
    )
    relocations = {p.state: p.amount for p in pledges if p.kind is PledgeKind.RELOCATION}
    more = [p for p in pledges if p.kind is not PledgeKind.RELOCATION]
    for geo in BOUND:
        amount = relocations.get(geo, Decimal(0)) + extra.get(geo, 0)
        if amount:
            more.append(Pledge(geo, PledgeKind.RELOCATION, amount))
    validate_pledges(more, act, PARAMS)

    before = outcome(key, pledges, deductions, act=act).offsets
    after = outcome(key, more, deductions, act=act).offsets
    assert after.gap <= before.gap
    assert sum(after.obligations.values()) <= sum(before.obligations.values())
    assert after.to_implement >= before.to_implement
