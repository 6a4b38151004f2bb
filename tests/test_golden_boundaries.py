"""Boundary cases of the pool's rules, at every threshold and rounding tie, worked by hand (the
survivors of a mutation run on pool/offsets.py and pool/outcome.py: each test here fails if a
comparison, a rounding or a default is changed). Tiny key: shares AT 7/40, BE 11/40, BG 22/40."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from eupact.pool.benefit import UseOfPool, standing
from eupact.pool.outcome import compute_outcome
from eupact.pool.pledges import Deduction, DeductionStatus, Pledge, PledgeKind

from .conftest import tiny_act, tiny_key

R, F, A = PledgeKind.RELOCATION, PledgeKind.FINANCIAL, PledgeKind.ALTERNATIVE
POPS = {"AT": 1, "BE": 1, "BG": 2}
GDPS = {"AT": "10", "BE": "30", "BG": "60"}
JUNE = dt.date(2026, 6, 12)


@pytest.fixture
def key(params):
    return tiny_key(params, POPS, GDPS)


@pytest.mark.parametrize(("pledged", "may"), [(275, True), (274, False)])
def test_art_63_2_b_offer_at_exactly_half_the_fair_share(key, act, pledged, may):
    """Art. 63(2)(b) "50 % or more": BG's fair share of 1,000 is 550; 275 relocations are
    exactly half (may offer), 274 are not. The Union threshold (50 % of 100,000) is far off."""
    out = compute_outcome(key, tiny_act(act, 1000, 100000), [Pledge("BG", R, Decimal(pledged))])
    assert out.offsets.offer_possible["BG"] is may
    assert out.offsets.requested_possible is False


def test_art_63_3_b_sixty_percent_rounded_up(key, act):
    """Art. 63(3)(b): 60 % of 100,001 is 60,000.6 → the target is 60,001 (whole applications,
    rounded up so that the number is reached)."""
    assert compute_outcome(key, tiny_act(act, 100001, 100001), []).offsets.target == 60001


@pytest.mark.parametrize(
    ("bg", "below"),
    [(22000, False), (21999, True)],
    ids=["exactly-30000", "one-below"],
)
def test_art_63_3_a_floor_boundary(key, act, bg, below):
    """Art. 63(3)(a) "below the number referred to in Article 12(2), point (a)": reference 40,000
    (60 % = 24,000, so the floor of 30,000 is the higher number). BE 8,000 + BG 22,000 = 30,000
    is not below; 29,999 is. Exactly the target to implement is not below either (63(4))."""
    pledges = [Pledge("BE", R, Decimal(8000)), Pledge("BG", R, Decimal(bg))]
    off = compute_outcome(key, tiny_act(act, 40000, 40000), pledges, forum_reconvened=True).offsets
    assert off.target == 30000
    assert off.below_by_pledges is below and off.below_after_deductions is below
    assert off.triggered is below and off.gap == (1 if below else 0)


@pytest.mark.parametrize(
    ("bg", "below"),
    [(30000, False), (29999, True)],
    ids=["exactly-60-percent", "one-below"],
)
def test_art_63_3_b_sixty_percent_boundary_and_either_condition(key, act, bg, below):
    """Art. 63(3)(a) *or* (b): reference 100,000, target 60,000. AT 10,000 + BE 20,000 + BG
    30,000 = 60,000: not below. 59,999 is below 60 % though above the 30,000 floor — one
    condition is enough; the gap is 1 once the Forum is reconvened."""
    pledges = [
        Pledge("AT", R, Decimal(10000)),
        Pledge("BE", R, Decimal(20000)),
        Pledge("BG", R, Decimal(bg)),
    ]
    off = compute_outcome(
        key, tiny_act(act, 100000, 100000), pledges, forum_reconvened=True
    ).offsets
    assert off.below_by_pledges is below and off.obligatory is below
    assert off.gap == (1 if below else 0)


def test_art_63_3_the_forum_is_not_reconvened_unless_said(key, act):
    """Art. 63(3), 13(4): by default the Forum has not been reconvened: nothing is owed."""
    off = compute_outcome(key, tiny_act(act, 100000, 100000), []).offsets
    assert off.triggered and not off.forum_reconvened and off.gap == 0


def test_art_61_62_a_partial_deduction_takes_relocations_and_money(key, act):
    """Art. 61, 62: AT pledged 100 relocations and EUR 1,000,000; 40 relocations and EUR 100,000
    are deducted: EUR 40 × 20,000 + 100,000 = 900,000 deducted, EUR 3,000,000 − 900,000 =
    2,100,000 to implement (60 relocations, EUR 900,000 financial)."""
    pledges = [Pledge("AT", R, Decimal(100)), Pledge("AT", F, Decimal(1000000))]
    cut = Deduction(
        "AT",
        "62",
        False,
        40,
        Decimal(100000),
        DeductionStatus.GRANTED,
        "X",
    )
    at = compute_outcome(key, tiny_act(act, 1000, 2000, eligible=("AT",)), pledges, [cut]).states[
        "AT"
    ]
    assert at.deducted_total == Decimal(900000)
    assert at.to_implement_total == Decimal(2100000)
    assert (at.to_implement_relocations, at.to_implement_financial) == (60, Decimal(900000))


def test_art_60_3_shortcomings_in_one_of_three(key, act, params):
    """Art. 60(3), fourth subparagraph, equal parts: CY, EL and ES benefit, EL has systemic
    shortcomings → a third is released: AT's 101 relocations → 33 released (33.67 rounded
    down), 68 to implement."""
    act1 = tiny_act(act, 1000, 2000, benefitting=("CY", "EL", "ES"), systemic=("EL",))
    who = standing(act1, params, [UseOfPool(g, JUNE) for g in ("CY", "EL", "ES")])
    assert who.released_share(params) == Fraction(1, 3)
    at = compute_outcome(key, act1, [Pledge("AT", R, Decimal(101))], standing=who).states["AT"]
    assert (at.released_relocations, at.to_implement_relocations) == (33, 68)


def test_art_60_3_released_money_rounded_half_up_to_the_cent(key, act, params):
    """Art. 60(3) [reading] equal parts of two: AT's EUR 0.03 of alternative measures (requested
    by CY) → EUR 0.015 released, rounded half up to 0.02; 0.01 left to implement."""
    act1 = tiny_act(act, 1000, 2000, benefitting=("CY", "EL"), systemic=("EL",))
    who = standing(act1, params, [UseOfPool(g, JUNE) for g in ("CY", "EL")])
    pledge = Pledge("AT", A, Decimal("0.03"), ("CY",))
    at = compute_outcome(key, act1, [pledge], standing=who).states["AT"]
    assert at.released_total == Decimal("0.02")
    assert at.to_implement_alternative == Decimal("0.01")


def test_art_57_2_the_sar_part_is_kept(key, act):
    """Art. 12(5), 57(2): an indicative SAR share of 1/4 of 1,000 relocations / EUR 20,000,000
    → 250 relocations / EUR 5,000,000 for the SAR states."""
    out = compute_outcome(
        key, tiny_act(act, 1000, 2000), [], sar_share=Fraction(1, 4), sar_states=("BG",)
    )
    assert out.sar is not None
    assert (out.sar.relocations, out.sar.financial, out.sar.states) == (
        250,
        Decimal(5000000),
        ("BG",),
    )


def test_art_57_totals_and_offsets_inputs_are_reported(key, act):
    """Art. 57(1), 63(1), (3): the totals carry the reference number (1,000), the pledged
    relocations (AT 1,200 — beyond the reference, so no relocation shortfall), what is deducted
    and to implement; the offsets assessment carries its inputs: 1,200 pledged, the 63(1)
    threshold 1/2 × 2,000 = 1,000, the 30,000 floor and the 3/5 share."""
    out = compute_outcome(key, tiny_act(act, 1000, 2000), [Pledge("AT", R, Decimal(1200))])
    t = out.totals
    assert (t.reference_relocations, t.pledged_relocations, t.relocation_shortfall) == (
        1000,
        1200,
        0,
    )
    assert (t.deducted_total, t.to_implement_total) == (Decimal(0), Decimal(24000000))
    o = out.offsets
    assert (o.relocation_pledges, o.requested_threshold, o.floor, o.share_of_reference) == (
        1200,
        Fraction(1000),
        30000,
        Fraction(3, 5),
    )
    at = out.states["AT"]
    assert (at.geo, at.share) == ("AT", Fraction(7, 40))


def test_art_57_2_the_act_sar_share_applies_unless_another_is_given(key, act):
    """Art. 57(2): the act's indicative SAR share (here 1/5) applies when no other is given:
    1/5 of 1,000 relocations = 200 for the SAR states."""
    act1 = tiny_act(act, 1000, 2000)
    from dataclasses import replace

    with_share = replace(act1, sar_share=Fraction(1, 5))
    out = compute_outcome(key, with_share, [], sar_states=("BG",))
    assert out.sar is not None and out.sar.relocations == 200


def test_art_61_62_a_money_deduction_beyond_the_financial_pledge_takes_alternative_measures(
    key, act
):
    """Art. 61, 62: AT pledged EUR 100,000 financial and EUR 50,000 of alternative measures (CY
    requested them); EUR 120,000 deducted → 100,000 off the financial pledge, 20,000 off the
    alternative measures: EUR 120,000 deducted, EUR 0 + 30,000 to implement."""
    pledges = [Pledge("AT", F, Decimal(100000)), Pledge("AT", A, Decimal(50000), ("CY",))]
    cut = Deduction("AT", "62", False, 0, Decimal(120000), DeductionStatus.GRANTED, "X")
    act1 = tiny_act(act, 1000, 2000, eligible=("AT",))
    at = compute_outcome(key, act1, pledges, [cut]).states["AT"]
    assert at.deducted_total == Decimal(120000)
    assert (at.to_implement_financial, at.to_implement_alternative) == (Decimal(0), Decimal(30000))
    assert at.to_implement_total == Decimal(30000)


def test_art_60_3_a_benefitting_state_implements_no_alternative_measures(key, act, params):
    """Art. 60(3), third subparagraph: BG informed that it uses the pool; its EUR 100,000 of
    alternative measures are not to be implemented (0 in every type)."""
    act1 = tiny_act(act, 1000, 2000, benefitting=("BG",))
    who = standing(act1, params, [UseOfPool("BG", JUNE)])
    pledge = Pledge("BG", A, Decimal(100000), ("BG",))
    bg = compute_outcome(key, act1, [pledge], standing=who).states["BG"]
    assert (bg.to_implement_alternative, bg.to_implement_financial, bg.to_implement_total) == (
        Decimal(0),
        Decimal(0),
        Decimal(0),
    )


@pytest.mark.parametrize(
    ("amount", "converted", "note"),
    [("0", "0", False), ("1", "1", True)],
    ids=["nothing", "one-euro"],
)
def test_art_57_4_the_smallest_unrequested_measure_is_converted(
    key, act, params, amount, converted, note
):
    """Art. 57(4): after the year, EUR 1 of unrequested alternative measures becomes EUR 1 of
    financial contribution, and during the year it waits for a request (a note says so); a
    pledge of EUR 0 converts nothing and waits for nothing."""
    act1 = tiny_act(act, 1000, 2000)
    pledges = [Pledge("BE", A, Decimal(amount))]
    after = compute_outcome(key, act1, pledges).states["BE"]
    assert after.alternative_converted == Decimal(converted)
    during = compute_outcome(
        key, act1, pledges, standing=standing(act1, params, on=dt.date(2026, 9, 1))
    ).states["BE"]
    assert during.alternative_converted == 0
    assert bool(during.alternative_note) is note
