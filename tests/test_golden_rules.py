"""Hand-worked golden cases, one or more per rule, each citing its article.

The tiny key used throughout: three states with populations 1, 1, 2 and GDP 10, 30, 60, so
population shares 1/4, 1/4, 1/2 and GDP shares 1/10, 3/10, 6/10, and reference-key shares
(1/4 + 1/10)/2 = 7/40, (1/4 + 3/10)/2 = 11/40 and (1/2 + 6/10)/2 = 22/40.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from eupact.errors import EupactError
from eupact.key.reference_key import round_fraction, to_money
from eupact.pool.allocation import PoolNumbers, allocate, apportion
from eupact.pool.outcome import compute_outcome
from eupact.pool.pledges import Deduction, DeductionStatus, Pledge, PledgeKind
from eupact.pool.proposal import propose_pool

from .conftest import tiny_act, tiny_key, using

R, F, A = PledgeKind.RELOCATION, PledgeKind.FINANCIAL, PledgeKind.ALTERNATIVE
POPS = {"AT": 1, "BE": 1, "BG": 2}
GDPS = {"AT": "10", "BE": "30", "BG": "60"}


@pytest.fixture
def key(params):
    return tiny_key(params, POPS, GDPS)


def test_art_66_reference_key_hand_worked(key):
    """Art. 66 and Annex I: 50 % population share + 50 % GDP share."""
    assert key.share("AT") == Fraction(7, 40)
    assert key.share("BE") == Fraction(11, 40)
    assert key.share("BG") == Fraction(22, 40)


def test_art_66_germany_2026_on_population_2024_and_gdp_2024(key2026):
    """Art. 66: DE = (83,456,045 / 443,528,613 + 4,328,970.0 / 17,623,087.5) / 2 over the 26 bound
    states (Denmark excluded, recital 90) = (0.1881638356 + 0.2456419739) / 2 = 21.6903 %."""
    assert "DK" not in key2026.states and len(key2026.states) == 26
    assert (
        key2026.share("DE")
        == (Fraction(83456045, 443528613) + Fraction("4328970.0") / Fraction("17623087.5")) / 2
    )
    assert key2026.percent("DE") == Decimal("21.6903")
    assert key2026.percent("MT") == Decimal("0.1291")


def test_art_57_3_fair_share_rounding_up(key):
    """Art. 57(3): fair share = share × reference number; relocations rounded up (parameter
    key.rounding.relocations), EUR to the cent half up. 999 × 7/40 = 174.825 → 175;
    999 × 11/40 = 274.725 → 275; 999 × 22/40 = 549.45 → 550 (sum 1,000 > 999)."""
    fair = allocate(key, PoolNumbers(999, Decimal("19980000")), "fair share", "Art. 57(3)")
    assert [fair.rows[g].relocations for g in POPS] == [175, 275, 550]
    assert [fair.rows[g].financial for g in POPS] == [
        Decimal("3496500.00"),
        Decimal("5494500.00"),
        Decimal("10989000.00"),
    ]


def test_rounding_rules():
    """Rounding helpers behind Art. 57(3) figures: up, down, half up, half even; cents half up."""
    assert round_fraction(Fraction(5, 2), "up") == 3
    assert round_fraction(Fraction(5, 2), "down") == 2
    assert round_fraction(Fraction(5, 2), "half_up") == 3
    assert round_fraction(Fraction(5, 2), "half_even") == 2
    assert round_fraction(Fraction(7, 2), "half_even") == 4
    assert round_fraction(Fraction(4), "up") == 4
    assert to_money(Fraction(1, 200), Decimal("0.01")) == Decimal("0.01")
    assert to_money(Fraction(1, 300), Decimal("0.01")) == Decimal("0.00")


def test_art_12_2_floors_are_the_default(key2026):
    """Art. 12(2): at least 30,000 relocations and EUR 600 million."""
    proposal = propose_pool(key2026)
    assert proposal.totals == PoolNumbers(30000, Decimal(600000000))
    assert proposal.indicative.rows["DE"].relocations == 6508  # 30,000 × 21.6903 % = 6,507.09 → up


def test_art_12_3_higher_numbers_keep_the_ratio(key2026):
    """Art. 12(3): higher numbers keep the ratio EUR 600 million : 30,000 = EUR 20,000."""
    assert propose_pool(key2026, relocations=40000).totals.financial == Decimal(800000000)
    assert propose_pool(key2026, financial=Decimal(700000000)).totals.relocations == 35000
    with pytest.raises(EupactError, match=r"ratio of Art\. 12"):
        propose_pool(key2026, relocations=40000, financial=Decimal(700000000))


def test_art_12_4_exceptional_year_may_stay_below_floors(key2026):
    """Art. 12(4): with no projected need the floors yield; otherwise refused."""
    with pytest.raises(EupactError, match=r"below the minimum of Art\. 12"):
        propose_pool(key2026, relocations=10000)
    assert propose_pool(key2026, relocations=10000, exceptional=True).totals.relocations == 10000


def test_art_57_2_sar_share(key2026):
    """Art. 12(5), 57(2): an indicative SAR share of 1/4 of 21,000 / EUR 420 million."""
    proposal = propose_pool(key2026, sar_share=Fraction(1, 4), sar_states=("ES", "IT"))
    assert proposal.sar is not None
    assert (proposal.sar.relocations, proposal.sar.financial) == (7500, Decimal("150000000.00"))


def test_art_56_2_pledges_converted_at_equivalence(key, act, params):
    """Art. 56(2), 57(4): 100 relocations × EUR 20,000 + EUR 1,000,000 + EUR 500,000 requested
    alternative measures = EUR 3,500,000 EUR-equivalent."""
    act1 = tiny_act(act, 1000, 2000, benefitting=("BG",))
    pledges = [
        Pledge("AT", R, Decimal(100)),
        Pledge("AT", F, Decimal(1000000)),
        Pledge("AT", A, Decimal(500000), ("BG",)),
    ]
    out = compute_outcome(key, act1, pledges)
    at = out.states["AT"]
    assert at.pledged_total == Decimal(3500000)
    assert at.alternative_converted == 0
    # AT's fair share: 7/40 × EUR 20,000,000 = EUR 3,500,000 → balance 0.
    assert at.fair_share_financial == Decimal("3500000.00")
    assert at.balance == 0


def test_art_65_unrequested_alternative_measures_become_financial(key, act):
    """Art. 57(4), 65(1): alternative measures no benefitting state requested are converted into
    financial contributions."""
    act1 = tiny_act(act, 1000, 2000, benefitting=("BG",))
    out = compute_outcome(key, act1, [Pledge("BE", A, Decimal(250000))])
    assert out.states["BE"].alternative_converted == Decimal(250000)
    assert out.totals.pledged_financial == Decimal(250000)
    assert out.totals.pledged_alternative == 0


def test_art_57_totals_against_reference_number(key, act):
    """Art. 57(1): pledged + shortfall − surplus = reference (EUR 20,000,000 here)."""
    act1 = tiny_act(act, 1000, 2000)
    out = compute_outcome(
        key, act1, [Pledge("AT", R, Decimal(300)), Pledge("BE", F, Decimal(4000000))]
    )
    t = out.totals
    assert t.pledged_total == Decimal(10000000)
    assert t.shortfall == Decimal(10000000)
    assert t.relocation_shortfall == 700


def test_art_60_3_benefitting_state_need_not_implement(key, act, params):
    """Art. 60(3), third subparagraph: benefitting states (here by Art. 58(1)) are not obliged
    to implement pledges."""
    act1 = tiny_act(act, 1000, 2000, benefitting=("BG",))
    out = compute_outcome(
        key, act1, [Pledge("BG", F, Decimal(100000))], standing=using(act1, params, "BG")
    )
    bg = out.states["BG"]
    assert bg.role == "benefitting"
    assert bg.pledged_total == Decimal(100000) and bg.to_implement_total == 0
    assert "Art. 60(3)" in bg.exemption


def test_art_61_62_only_granted_deductions_count(key, act):
    """Art. 61(4), 62(5): a deduction applies only once the Council has authorised it; a request
    alone changes nothing (the complaint in Spain's statement on the 2026 pool)."""
    act1 = tiny_act(act, 1000, 2000, eligible=("AT", "BE"))
    pledges = [Pledge("AT", R, Decimal(100)), Pledge("BE", F, Decimal(2000000))]
    deductions = [
        Deduction(
            "AT", "62", False, relocations=40, status=DeductionStatus.GRANTED, council_act="X"
        ),
        Deduction("BE", "62", True, status=DeductionStatus.REQUESTED),
    ]
    out = compute_outcome(key, act1, pledges, deductions)
    assert out.states["AT"].deducted_relocations == 40
    assert out.states["AT"].to_implement_relocations == 60
    assert out.states["AT"].to_implement_total == Decimal(1200000)
    assert out.states["BE"].to_implement_total == Decimal(2000000)
    assert "not applied" in out.states["BE"].deduction_pending


def test_art_60_3_full_deduction_frees_the_state(key, act):
    """Art. 60(3): a full deduction frees the state from implementing its pledges."""
    act1 = tiny_act(act, 1000, 2000, eligible=("AT",))
    full = Deduction("AT", "62", True, status=DeductionStatus.GRANTED, council_act="X")
    out = compute_outcome(key, act1, [Pledge("AT", R, Decimal(100))], [full])
    assert out.states["AT"].to_implement_total == 0
    assert out.states["AT"].deducted_total == Decimal(2000000)


def test_art_63_1_requested_offsets_threshold(key, act):
    """Art. 63(1): offsets may be requested when relocation pledges reach 50 % of the proposal's
    relocations: 1,000 of 2,000 yes, 999 no."""
    act1 = tiny_act(act, 1000, 2000)
    assert compute_outcome(key, act1, [Pledge("BG", R, Decimal(1000))]).offsets.requested_possible
    assert not compute_outcome(
        key, act1, [Pledge("BG", R, Decimal(999))]
    ).offsets.requested_possible


def test_art_63_2_b_offer_with_half_own_fair_share(key, act):
    """Art. 63(2)(b): a state that pledged ≥ 50 % of its fair share as relocations may offer
    offsets: AT's fair share 175 (7/40 × 1,000), so 88 relocations qualify and 87 do not."""
    act1 = tiny_act(act, 1000, 100000)
    out = compute_outcome(key, act1, [Pledge("AT", R, Decimal(88)), Pledge("BE", R, Decimal(137))])
    assert out.offsets.offer_possible["AT"] is True
    assert out.offsets.offer_possible["BE"] is False  # BE: 137 < 50 % × 275 = 137.5


def test_art_63_3_higher_of_the_two_numbers(key, act):
    """Art. 63(3): obligatory offsets up to the higher of 30,000 (Art. 12(2)(a)) and 60 % of the
    reference number: 2026 → max(30,000, 12,600) = 30,000; reference 100,000 → 60,000."""
    assert compute_outcome(key, tiny_act(act, 21000, 30000), []).offsets.target == 30000
    assert compute_outcome(key, tiny_act(act, 100000, 100000), []).offsets.target == 60000


def test_art_63_3_obligations_shared_by_key_when_no_cap_binds(key, act):
    """Art. 63(3) [reading]: reference 100,000; fair shares 17,500 / 27,500 / 55,000; pledges
    1,000 each → gap 60,000 − 3,000 = 57,000 shared 7:11:22 → 9,975 / 15,675 / 31,350."""
    act1 = tiny_act(act, 100000, 100000)
    pledges = [Pledge(g, R, Decimal(1000)) for g in POPS]
    offsets = compute_outcome(key, act1, pledges, forum_reconvened=True).offsets
    assert offsets.obligatory and offsets.gap == 57000
    assert offsets.obligations == {"AT": 9975, "BE": 15675, "BG": 31350}
    assert offsets.uncovered == 0


def test_art_63_7_no_state_beyond_its_fair_share(key, act):
    """Art. 63(7): AT pledged 10,000 of a 17,500 fair share → cap 7,500 < its 8,750 key part of
    the 50,000 gap; the remaining 42,500 go 11:22 to BE and BG: 14,166.67 / 28,333.33 → largest
    remainder gives BE 14,167 and BG 28,333."""
    act1 = tiny_act(act, 100000, 100000)
    out = compute_outcome(key, act1, [Pledge("AT", R, Decimal(10000))], forum_reconvened=True)
    assert out.offsets.obligations == {"AT": 7500, "BE": 14167, "BG": 28333}
    assert out.explain("BE", "offset_obligation").value == "14,167"


def test_art_63_3_needs_the_reconvened_forum(key, act):
    """Art. 63(3): obligations arise only after the Forum reconvened under Art. 13(4)."""
    act1 = tiny_act(act, 100000, 100000)
    offsets = compute_outcome(key, act1, [], forum_reconvened=False).offsets
    assert offsets.triggered and not offsets.obligatory
    assert sum(offsets.obligations.values()) == 0


def test_art_63_4_deductions_and_exemptions_retrigger(key, act):
    """Art. 63(4): pledges of 61,000 relocations clear the 60,000 target, but a granted partial
    deduction of 5,000 brings those to implement to 56,000 → gap 4,000."""
    act1 = tiny_act(act, 100000, 100000, eligible=("BG",))
    pledges = [
        Pledge("AT", R, Decimal(10000)),
        Pledge("BE", R, Decimal(20000)),
        Pledge("BG", R, Decimal(31000)),
    ]
    cut = Deduction(
        "BG", "62", False, relocations=5000, status=DeductionStatus.GRANTED, council_act="X"
    )
    offsets = compute_outcome(key, act1, pledges, [cut], forum_reconvened=True).offsets
    assert not offsets.below_by_pledges and offsets.below_after_deductions
    assert offsets.gap == 4000


def test_art_60_3_systemic_shortcomings_waive_offsets(key, act, params):
    """Art. 60(3), fourth subparagraph: no offsets towards a benefitting state with systemic
    shortcomings; [reading] equal parts: CY and EL benefit, EL has shortcomings → half of each
    state's part of the gap is released (rounded down). Populations 1/1/2/1/1 (sum 6), GDP
    10/30/60/1/1 (sum 102): shares AT 1/12 + 5/102 = 27/204, BE 47/204, BG 94/204. Gap 60,000
    shared 27:47:94 among the contributors: 9,642.86 / 16,785.71 / 33,571.43 → largest
    remainder 9,643 / 16,786 / 33,571; released 4,821 / 8,393 / 16,785; owed 4,822 / 8,393 /
    16,786."""
    pops = {**POPS, "CY": 1, "EL": 1}
    gdps = {**GDPS, "CY": "1", "EL": "1"}
    key5 = tiny_key(key.params, pops, gdps)
    act1 = tiny_act(act, 100000, 100000, benefitting=("CY", "EL"), systemic=("EL",))
    out = compute_outcome(
        key5, act1, [], forum_reconvened=True, standing=using(act1, params, "CY", "EL")
    )
    assert out.offsets.assigned == {"AT": 9643, "BE": 16786, "BG": 33571}
    assert out.offsets.waived == {"AT": 4821, "BE": 8393, "BG": 16785}
    assert out.offsets.obligations == {"AT": 4822, "BE": 8393, "BG": 16786}


def test_apportion_hamilton_ties():
    """Largest remainder with caps: 10 among three equal weights → 4, 3, 3 (ties to the first)."""
    w = {"A": Fraction(1), "B": Fraction(1), "C": Fraction(1)}
    assert apportion(10, w, {"A": 10, "B": 10, "C": 10}) == {"A": 4, "B": 3, "C": 3}
    assert apportion(10, w, {"A": 1, "B": 10, "C": 10}) == {"A": 1, "B": 5, "C": 4}
    assert apportion(100, w, {"A": 1, "B": 2, "C": 3}) == {"A": 1, "B": 2, "C": 3}


def test_art_66_zero_population_is_refused(params):
    """Art. 66: shares rest on positive population and GDP; zero is refused with its field."""
    with pytest.raises(EupactError, match="must be positive") as info:
        tiny_key(params, {"AT": 0, "BE": 1}, {"AT": "1", "BE": "1"})
    assert info.value.problems[0].field == "population"
