"""Part IV of the AMMR as the text reads: who benefits (Art. 58, 59), what they are exempt from
(60(3)), the offsets cap in every form (63(7)), deductions treated alike (61, 62, 63(4)),
systemic shortcomings (60(3), fourth subparagraph), the 63(4) re-test's Forum condition, the date
of application (85) and the [reading]s' alternatives. Every expected value is worked by hand in
the docstring; the tiny key has shares AT 7/40, BE 11/40, BG 22/40 (tests/test_golden_rules.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from eupact.data.snapshot import Classification, load_snapshot
from eupact.errors import EupactError
from eupact.parameters import load_parameters
from eupact.pool.benefit import (
    Needs,
    Notification,
    ShortcomingsFinding,
    UseOfPool,
    standing,
    validate_standing,
)
from eupact.pool.offset_cases import OffsetCase, identify
from eupact.pool.offsets import CapRule, offsets_cap
from eupact.pool.outcome import compute_outcome
from eupact.pool.pledges import (
    Deduction,
    DeductionStatus,
    Pledge,
    PledgeKind,
    validate_deductions,
)
from eupact.pool.year import proposal_year

from .conftest import tiny_act, tiny_key, using

R, F, A = PledgeKind.RELOCATION, PledgeKind.FINANCIAL, PledgeKind.ALTERNATIVE
POPS = {"AT": 1, "BE": 1, "BG": 2}
GDPS = {"AT": "10", "BE": "30", "BG": "60"}
ACT_DAY = dt.date(2025, 12, 19)
CASES = yaml.safe_load((Path(__file__).parent / "golden" / "offsets_cap.yaml").read_text())


def params_with(**readings: str):
    return load_parameters().with_readings(readings).at(ACT_DAY)


@pytest.fixture
def key(params):
    return tiny_key(params, POPS, GDPS)


def _granted(state: str, full: bool, relocations: int = 0) -> Deduction:
    return Deduction(
        state,
        "62",
        full,
        relocations=relocations,
        status=DeductionStatus.GRANTED,
        council_act="X",
    )


# -- Art. 63(7): the cap, case by case (cases as data) -------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_art_63_7_offsets_cap(case):
    """Art. 63(7) and its [reading]s: tests/golden/offsets_cap.yaml, worked by hand."""
    readings = {}
    if "counted" in case:
        readings["offsets.cap.contributions_counted"] = case["counted"]
    if "deductions" in case:
        readings["offsets.cap.granted_deductions"] = case["deductions"]
    params = params_with(**readings)
    relocations = case["relocations"]
    money = Decimal(case["money"])
    pledged = Decimal(case.get("pledged", relocations * 20000 + money))
    cap = offsets_cap(
        CapRule.of(params),
        case["fair"],
        relocations,
        money,
        Decimal(case.get("deducted", "0")),
        pledged,
        bool(case.get("full", False)),
    )
    assert cap == case["expected"], case["article"]


def test_art_63_7_money_counts_toward_the_fair_share(act, params):
    """Art. 63(7), 57(4), recital 33 — the issue's Germany: a state that pledged its whole fair
    share in money owes no offsets. Reference 100,000: fair shares AT 17,500 (EUR 350 M), BE
    27,500, BG 55,000. AT pays EUR 350,000,000; nobody relocates → target 60,000, gap 60,000.
    all_forms: AT's cap 0, so BE and BG share 60,000 as 11:22 → 20,000 / 40,000.
    relocations_only: caps 17,500 / 27,500 / 55,000, key parts 10,500 / 16,500 / 33,000."""
    act1 = tiny_act(act, 100000, 100000)
    pledges = [Pledge("AT", F, Decimal(350000000))]
    key = tiny_key(params, POPS, GDPS)
    out = compute_outcome(key, act1, pledges, forum_reconvened=True)
    assert out.offsets.obligations == {"AT": 0, "BE": 20000, "BG": 40000}
    old = tiny_key(
        params_with(**{"offsets.cap.contributions_counted": "relocations_only"}), POPS, GDPS
    )
    out = compute_outcome(old, act1, pledges, forum_reconvened=True)
    assert out.offsets.obligations == {"AT": 10500, "BE": 16500, "BG": 33000}
    inputs = out.offsets.explain(old, "AT").inputs
    assert any("its relocation pledge" in name for name in inputs)


# -- Art. 61, 62, 63(4): granted deductions treated alike ----------------------------------------


@pytest.mark.parametrize("full", [True, False], ids=["full", "partial-of-the-whole-pledge"])
def test_art_63_4_full_and_whole_partial_deduction_alike(act, params, full):
    """Art. 60(3), 61, 62, 63(4) [reading] proportional: BG pledged 10,000 relocations and was
    granted a deduction of all of it, full or partial: cap 0 either way. Gap 60,000 (nothing to
    implement); AT and BE share it 7:11 → AT 23,333 above its cap 17,500, so AT 17,500 and BE
    42,500 capped at 27,500; uncovered 60,000 − 45,000 = 15,000."""
    act1 = tiny_act(act, 100000, 100000, eligible=("BG",))
    pledges = [Pledge("BG", R, Decimal(10000))]
    deduction = _granted("BG", full, 0 if full else 10000)
    out = compute_outcome(
        tiny_key(params, POPS, GDPS), act1, pledges, [deduction], forum_reconvened=True
    )
    assert out.states["BG"].to_implement_relocations == 0
    owed = {g: out.offsets.obligations.get(g, 0) for g in POPS}
    assert owed == {"AT": 17500, "BE": 27500, "BG": 0}
    assert out.offsets.uncovered == 15000


def test_art_63_4_partial_deduction_lowers_the_cap(act, params):
    """Art. 63(4), 63(7) [reading] proportional: BG pledged 10,000, 4,000 deducted → 6,000 to
    implement, cap (55,000 − 10,000) × 0.6 = 27,000. Gap 60,000 − 6,000 = 54,000 by key:
    9,450 / 14,850 / 29,700 → BG capped at 27,000, the other 27,000 go 7:11 → AT 10,500,
    BE 16,500."""
    act1 = tiny_act(act, 100000, 100000, eligible=("BG",))
    pledges = [Pledge("BG", R, Decimal(10000))]
    out = compute_outcome(
        tiny_key(params, POPS, GDPS),
        act1,
        pledges,
        [_granted("BG", False, 4000)],
        forum_reconvened=True,
    )
    assert out.offsets.caps["BG"] == 27000
    assert out.offsets.obligations == {"AT": 10500, "BE": 16500, "BG": 27000}


@pytest.mark.parametrize("full", [True, False], ids=["full", "partial-of-the-whole-pledge"])
def test_art_63_4_reading_none_keeps_the_cap(act, full):
    """Art. 63(4) [reading] none: a deduction frees pledges, not the fair share. BG (10,000
    pledged, all deducted) keeps its cap 45,000; gap 60,000 by key → 10,500 / 16,500 / 33,000,
    the same whether the deduction was full or partial."""
    params = params_with(**{"offsets.cap.granted_deductions": "none"})
    act1 = tiny_act(act, 100000, 100000, eligible=("BG",))
    pledges = [Pledge("BG", R, Decimal(10000))]
    deduction = _granted("BG", full, 0 if full else 10000)
    out = compute_outcome(
        tiny_key(params, POPS, GDPS), act1, pledges, [deduction], forum_reconvened=True
    )
    assert out.offsets.caps["BG"] == 45000
    assert out.offsets.obligations == {"AT": 10500, "BE": 16500, "BG": 33000}


# -- Art. 63(4): the re-test's Forum condition, a [reading] ---------------------------------------


@pytest.mark.parametrize(
    ("reading", "gap"), [("required", 0), ("not_required", 4000)], ids=["required", "not-required"]
)
def test_art_63_4_retest_forum_condition(act, reading, gap):
    """Art. 63(4): pledges of 61,000 clear the 60,000 target; a granted deduction of 5,000
    brings those to implement to 56,000. The Forum is NOT reconvened: with 'required' nothing
    is owed; with 'not_required' the gap of 4,000 is owed by key: 700 / 1,100 / 2,200."""
    params = params_with(**{"offsets.obligatory.retest_needs_reconvened_forum": reading})
    act1 = tiny_act(act, 100000, 100000, eligible=("BG",))
    pledges = [
        Pledge("AT", R, Decimal(10000)),
        Pledge("BE", R, Decimal(20000)),
        Pledge("BG", R, Decimal(31000)),
    ]
    out = compute_outcome(
        tiny_key(params, POPS, GDPS), act1, pledges, [_granted("BG", False, 5000)]
    )
    assert out.offsets.below_after_deductions and not out.offsets.below_by_pledges
    assert out.offsets.gap == gap
    if gap:
        assert out.offsets.obligatory
        assert out.offsets.obligations == {"AT": 700, "BE": 1100, "BG": 2200}
    else:
        assert not out.offsets.obligatory and sum(out.offsets.obligations.values()) == 0


def test_art_63_3_reading_pro_rata_remaining_fair_share(act):
    """Art. 63(3) [reading] pro_rata_remaining_fair_share: reference 100,000; AT pledged 10,000
    → caps 7,500 / 27,500 / 55,000 (sum 90,000); gap 60,000 − 10,000 = 50,000 shared 75:275:550
    → 4,166.67 / 15,277.78 / 30,555.56 → largest remainder 4,167 / 15,278 / 30,555."""
    params = params_with(**{"offsets.obligatory.distribution": "pro_rata_remaining_fair_share"})
    act1 = tiny_act(act, 100000, 100000)
    out = compute_outcome(
        tiny_key(params, POPS, GDPS), act1, [Pledge("AT", R, Decimal(10000))], forum_reconvened=True
    )
    assert out.offsets.obligations == {"AT": 4167, "BE": 15278, "BG": 30555}


# -- Art. 58, 59, 60(3): who benefits --------------------------------------------------------------


def test_art_58_identified_but_not_informed_implements_its_pledges(act, params):
    """Art. 58(1), 60(3): BG is identified under pressure but has not informed that it uses the
    pool: it is contributing and implements its EUR 100,000; once it informs, it benefits."""
    act1 = tiny_act(act, 1000, 2000, benefitting=("BG",))
    pledges = [Pledge("BG", F, Decimal(100000))]
    key = tiny_key(params, POPS, GDPS)
    before = compute_outcome(key, act1, pledges)
    assert before.states["BG"].role == "contributing"
    assert before.states["BG"].to_implement_total == Decimal(100000)
    after = compute_outcome(key, act1, pledges, standing=using(act1, params, "BG"))
    assert after.states["BG"].role == "benefitting"
    assert after.states["BG"].to_implement_total == 0
    assert "Art. 58(1)" in after.states["BG"].exemption


def test_art_58_dated_standing_and_technical_forum(act, params):
    """Art. 58(1), (3): BG informs on 15 June 2026 → benefitting from that day, not the day
    before; the Coordinator convenes the Technical-Level Forum within 10 days: 25 June 2026."""
    act1 = tiny_act(act, 1000, 2000, benefitting=("BG",))
    uses = [UseOfPool("BG", dt.date(2026, 6, 15), Needs(500))]
    validate_standing(act1, params, uses)
    assert not standing(act1, params, uses, on=dt.date(2026, 6, 14)).is_benefitting("BG")
    now = standing(act1, params, uses, on=dt.date(2026, 6, 15))
    assert now.is_benefitting("BG")
    assert now.benefitting["BG"].forum_due == dt.date(2026, 6, 25)


@pytest.mark.parametrize(
    ("use", "rule"),
    [
        (UseOfPool("AT", dt.date(2026, 6, 15)), "notifies under Art. 59(1)"),
        (UseOfPool("BG", dt.date(2026, 6, 11)), "apply from 2026-06-12"),
        (UseOfPool("DK", dt.date(2026, 6, 15)), "recital 90"),
    ],
    ids=["not-identified", "before-application", "denmark"],
)
def test_art_58_refusals(act, params, use, rule):
    """Art. 58(1), 85, recital 90: only an identified state informs, from the date of
    application, and Denmark is not bound."""
    act1 = tiny_act(act, 1000, 2000, benefitting=("BG",))
    with pytest.raises(EupactError, match=rule.replace("(", r"\(").replace(")", r"\)")):
        validate_standing(act1, params, [use])


def test_art_85_date_of_application_reading(act):
    """Art. 85 [reading]: with the OJ's 1 July 2026, a use of the pool on 20 June is refused;
    with 12 June 2026 (the Council act's date) it stands."""
    act1 = tiny_act(act, 1000, 2000, benefitting=("BG",))
    use = [UseOfPool("BG", dt.date(2026, 6, 20))]
    validate_standing(act1, params_with(), use)
    oj = params_with(**{"cycle.date_of_application_part_iv": "2026-07-01"})
    with pytest.raises(EupactError, match="2026-07-01"):
        validate_standing(act1, oj, use)


def _mt(**decision) -> Notification:
    return Notification(
        "MT",
        dt.date(2026, 7, 1),
        "arrivals doubled",
        Needs(400),
        "frees reception places",
        "contingency plan",
        **decision,
    )


def test_art_59_decision_and_refusal_window(act, params):
    """Art. 59(4), (6): MT notifies on 1 July; the Commission decides on 10 July that it is
    under pressure → benefitting from 10 July ([reading] from_decision), Forum by 24 July;
    the Council refuses on 20 July → no longer benefitting from that day."""
    act1 = tiny_act(act, 1000, 2000, benefitting=("BG",))
    refused = _mt(
        decided_on=dt.date(2026, 7, 10),
        under_pressure=True,
        refused_on=dt.date(2026, 7, 20),
        refused_by="council",
        refusal_reason="insufficient capacity in the pool",
    )
    validate_standing(act1, params, notifications=[refused])
    on_19 = standing(act1, params, notifications=[refused], on=dt.date(2026, 7, 19))
    assert on_19.benefitting["MT"].since == dt.date(2026, 7, 10)
    assert on_19.benefitting["MT"].forum_due == dt.date(2026, 7, 24)
    on_20 = standing(act1, params, notifications=[refused], on=dt.date(2026, 7, 20))
    assert not on_20.is_benefitting("MT")
    assert "refused by the council" in on_20.pending["MT"]
    assert "MT" in on_20.barred_from_deduction  # it notified (Art. 61(1))


@pytest.mark.parametrize(("day", "ok"), [(24, True), (25, False)], ids=["last-day", "day-after"])
def test_art_59_6_refusal_within_two_weeks(act, params, day, ok):
    """Art. 59(6): decision transmitted on 10 July → a refusal on 24 July is in time, on 25 July
    it is not (two weeks end on 24 July)."""
    act1 = tiny_act(act, 1000, 2000, benefitting=("BG",))
    n = _mt(
        decided_on=dt.date(2026, 7, 10),
        under_pressure=True,
        refused_on=dt.date(2026, 7, day),
        refused_by="council",
        refusal_reason="objective reasons",
    )
    if ok:
        validate_standing(act1, params, notifications=[n])
    else:
        with pytest.raises(EupactError, match="within 2 weeks"):
            validate_standing(act1, params, notifications=[n])


def test_art_59_reading_after_window(act):
    """Art. 59(4) [reading] after_window: decided 10 July → benefitting only from 24 July."""
    params = params_with(**{"benefit.during_refusal_window": "after_window"})
    act1 = tiny_act(act, 1000, 2000, benefitting=("BG",))
    n = [_mt(decided_on=dt.date(2026, 7, 10), under_pressure=True)]
    assert not standing(act1, params, notifications=n, on=dt.date(2026, 7, 23)).is_benefitting("MT")
    assert standing(act1, params, notifications=n, on=dt.date(2026, 7, 24)).is_benefitting("MT")


@pytest.mark.parametrize(
    ("notification", "rule"),
    [
        (replace(_mt(), state="BG"), r"Art\. 58\(1\)"),
        (replace(_mt(), reasoning=" "), r"59\(2\)\(a\)"),
        (replace(_mt(), needs=Needs()), r"59\(2\)\(b\)"),
        (replace(_mt(), decided_on=dt.date(2026, 6, 30), under_pressure=True), "after it"),
        (replace(_mt(), refused_on=dt.date(2026, 7, 2)), r"59\(6\)"),
    ],
    ids=["identified-state", "no-reasoning", "no-needs", "decided-before", "refused-undecided"],
)
def test_art_59_notification_refusals(act, params, notification, rule):
    """Art. 59(1), (2), (4), (6): what a notification must hold, and when."""
    act1 = tiny_act(act, 1000, 2000, benefitting=("BG",))
    with pytest.raises(EupactError, match=rule):
        validate_standing(act1, params, notifications=[notification])


def test_art_61_1_only_states_that_used_the_pool_are_barred(act, params):
    """Art. 61(1): BG, identified under pressure, may request an Art. 61 deduction until it
    uses the pool; once it has informed (Art. 58), it may not; an Art. 62 request stays open."""
    act1 = tiny_act(act, 1000, 2000, benefitting=("BG",), eligible=("BG",))
    pressure = {"BG": Classification("BG", "Bulgaria", True, "arrivals", False, False)}
    pledges = [Pledge("BG", R, Decimal(10))]
    d61 = Deduction("BG", "61", True)
    validate_deductions([d61], pledges, act1, params, pressure)
    used = using(act1, params, "BG").barred_from_deduction
    with pytest.raises(EupactError, match="made use of the pool"):
        validate_deductions([d61], pledges, act1, params, pressure, used)
    validate_deductions([Deduction("BG", "62", True)], pledges, act1, params, pressure, used)


# -- Art. 60(3), fourth subparagraph: systemic shortcomings ---------------------------------------


def _shortcomings_case(act, params, pledges):
    """Five states; CY and EL benefit; the Commission found shortcomings in EL."""
    key = tiny_key(params, {**POPS, "CY": 1, "EL": 1}, {**GDPS, "CY": "1", "EL": "1"})
    act = tiny_act(act, 1000, 2000, benefitting=("CY", "EL"))
    finding = ShortcomingsFinding("EL", dt.date(2026, 9, 1), "11")
    day = params("cycle.date_of_application_part_iv")
    uses = [UseOfPool("CY", day, Needs(300)), UseOfPool("EL", day, Needs(100))]
    validate_standing(act, params, uses, findings=[finding])
    who = standing(act, params, uses, findings=[finding])
    return compute_outcome(key, act, pledges, standing=who)


AT_PLEDGES = [
    Pledge("AT", R, Decimal(101)),
    Pledge("AT", F, Decimal(1000000)),
    Pledge("AT", A, Decimal(500000), ("CY",)),
]


def test_art_60_3_shortcomings_release_pledges_equal_parts(act):
    """Art. 60(3), fourth subparagraph, [reading] equal_parts and relocations_and_alternative:
    half of AT's pledges toward the two benefitting states is toward EL: relocations 101 / 2 =
    50.5 → 50 released (rounded down), 51 to implement; alternative EUR 500,000 / 2 = 250,000
    released; money to the Union budget stays. Released EUR 50 × 20,000 + 250,000 =
    1,250,000; to implement 2,020,000 + 1,000,000 + 500,000 − 1,250,000 = 2,270,000."""
    at = _shortcomings_case(act, params_with(), AT_PLEDGES).states["AT"]
    assert (at.released_relocations, at.released_total) == (50, Decimal(1250000))
    assert at.to_implement_relocations == 51
    assert at.to_implement_total == Decimal(2270000)


def test_art_60_3_shortcomings_reading_declared_needs_all_types(act):
    """Art. 60(3) [reading] declared_needs and all_types: CY declared 300, EL 100 → a quarter
    is toward EL: relocations 101 / 4 = 25.25 → 25; money (1,000,000 + 500,000) / 4 = 375,000.
    Released 25 × 20,000 + 375,000 = 875,000; to implement 3,520,000 − 875,000 = 2,645,000."""
    params = params_with(
        **{
            "implementation.systemic_shortcomings.spread": "declared_needs",
            "implementation.systemic_shortcomings.pledges_released": "all_types",
        }
    )
    out = _shortcomings_case(act, params, AT_PLEDGES)
    at = out.states["AT"]
    assert (at.released_relocations, at.released_total) == (25, Decimal(875000))
    assert at.to_implement_total == Decimal(2645000)
    # by type: 1,000,000 − 250,000 financial, 500,000 − 125,000 alternative
    assert (at.to_implement_financial, at.to_implement_alternative) == (
        Decimal(750000),
        Decimal(375000),
    )
    assert out.totals.released_total == Decimal(875000)
    assert out.standing.released_share(params) == Fraction(1, 4)


# -- the [reading] mechanism and Art. 12, 57, 66 before the act ------------------------------------


def test_readings_refuse_an_unknown_alternative_and_a_plain_parameter():
    """A [reading] can be chosen only among its listed alternatives; a legal value that is not a
    reading (the Art. 12(2) floor) cannot be chosen at all."""
    with pytest.raises(EupactError, match="alternatives: all_forms, relocations_only"):
        load_parameters().with_readings({"offsets.cap.contributions_counted": "some"})
    with pytest.raises(EupactError, match="not a \\[reading\\]"):
        load_parameters().with_readings({"pool.floor.relocations": "1"})


def test_every_reading_lists_its_alternatives_and_uses_one():
    """Each [reading] in the parameter files has at least two alternatives with a meaning, and
    the value in force is one of them (the loader refuses otherwise)."""
    readings = load_parameters().readings()
    assert {p.name for p in readings} >= {
        "offsets.cap.contributions_counted",
        "offsets.cap.granted_deductions",
        "offsets.obligatory.retest_needs_reconvened_forum",
        "offsets.obligatory.distribution",
        "implementation.systemic_shortcomings.spread",
        "benefit.during_refusal_window",
        "cycle.date_of_application_part_iv",
    }
    for p in readings:
        assert len(p.alternatives) >= 2 and all(a.meaning for a in p.alternatives)


def test_art_12_proposal_before_any_council_act():
    """Art. 12(6), 57(1), 66: the 2027 proposal needs no Council act. Parameters in force on
    the proposal's deadline, 15 October 2026; data: the latest the snapshot holds (population
    on 1 January 2025, GDP 2024); floors 30,000 / EUR 600 million (Art. 12(2))."""
    year = proposal_year(2027, load_parameters(), load_snapshot())
    assert year.params.date == dt.date(2026, 10, 15)
    assert (year.vintage.population_date, year.vintage.gdp_year) == ("2025-01-01", "2024")
    totals = year.proposal().totals
    assert (totals.relocations, totals.financial) == (30000, Decimal(600000000))


# -- Art. 63(1)–(2), recital 33: accepted offsets count toward the fair share ---------------------


def test_recital_33_accepted_offsets_count_toward_the_fair_share(act, params):
    """Recital 33, Art. 63(7): AT (fair share 175 relocations / EUR 3,500,000 of a 1,000 pool)
    pledged 100 relocations and accepted 50 offsets: its cap is 175 − 150 = 25, and its balance
    100 × 20,000 + 50 × 20,000 − 3,500,000 = −500,000."""
    act1 = tiny_act(act, 1000, 2000)
    out = compute_outcome(
        tiny_key(params, POPS, GDPS),
        act1,
        [Pledge("AT", R, Decimal(100))],
        forum_reconvened=True,
        offsets_accepted={"AT": 50},
    )
    assert out.offsets.caps["AT"] == 25
    assert out.states["AT"].balance == Decimal(-500000)
    assert out.states["AT"].offsets_accepted == 50


# -- Art. 63(6), (8), (9): which applications an offset may take -----------------------------------


def _case(**changes) -> OffsetCase:
    base = OffsetCase("c-1", "IT", "33", transfer_time_limit=dt.date(2026, 9, 30))
    return replace(base, **changes)


@pytest.mark.parametrize(
    ("case", "rule"),
    [
        (_case(unaccompanied_minor=True), r"63\(8\)\(a\)"),
        (_case(responsibility_article="28"), r"63\(8\)\(b\)"),
        (_case(responsibility_article="16(2)"), r"63\(8\)\(b\)"),
        (_case(transfer_time_limit=dt.date(2026, 8, 31)), r"63\(8\)\(c\)"),
        (_case(transfer_time_limit=None), r"63\(8\)\(c\)"),
        (_case(absconded_from="DE"), r"63\(8\)\(d\)"),
        (_case(beneficiary_of_protection=True), r"63\(8\)\(e\)"),
        (_case(admitted_person=True), r"63\(8\)\(f\)"),
        (_case(finally_rejected=True), r"63\(9\)"),
    ],
    ids=[
        "uam",
        "art-28",
        "art-16-2",
        "expired",
        "no-limit",
        "absconded",
        "beneficiary",
        "admitted",
        "rejected-not-chosen",
    ],
)
def test_art_63_8_conditions(params, case, rule):
    """Art. 63(8)(a)–(f), (9): each condition refuses an application DE would take on 1 Sept."""
    with pytest.raises(EupactError, match=rule):
        identify([case], "DE", "IT", 5, dt.date(2026, 9, 1), params)


def test_art_63_6_identification_within_the_obligation(params):
    """Art. 63(6), (7), (8)(c), (9): on 30 September (the time limit's last day) DE takes two
    applications under Arts. 29 and 33 and a finally rejected one it chose to include: three of
    its obligation of 3. A fourth is beyond it; one absconded from FR still qualifies for DE."""
    day = dt.date(2026, 9, 30)
    chosen = [
        _case(case="a", responsibility_article="29"),
        _case(case="b", absconded_from="FR"),
        _case(case="c", finally_rejected=True),
    ]
    assert len(identify(chosen, "DE", "IT", 3, day, params, include_rejected=True)) == 3
    with pytest.raises(EupactError, match="not obliged beyond 2"):
        identify(chosen, "DE", "IT", 2, day, params, include_rejected=True)
    with pytest.raises(EupactError, match="identified twice"):
        identify([_case(), _case()], "DE", "IT", 3, day, params)
    with pytest.raises(EupactError, match="owed toward EL"):
        identify([_case()], "DE", "EL", 3, day, params)


@pytest.mark.parametrize(
    ("on", "converted"),
    [(dt.date(2026, 12, 31), Decimal(0)), (dt.date(2027, 1, 1), Decimal(250000))],
    ids=["last-day-of-the-year", "after-the-year"],
)
def test_art_57_4_unrequested_alternative_measures_wait_for_the_year_end(
    act, params, on, converted
):
    """Art. 57(4), 65(1): BE's EUR 250,000 of alternative measures nobody requested stay
    alternative measures through 31 December 2026 (a benefitting state may still request them)
    and become a financial contribution only after the year."""
    act1 = tiny_act(act, 1000, 2000)
    out = compute_outcome(
        tiny_key(params, POPS, GDPS),
        act1,
        [Pledge("BE", A, Decimal(250000))],
        standing=standing(act1, params, on=on),
    )
    be = out.states["BE"]
    assert be.alternative_converted == converted
    assert out.totals.pledged_financial == converted
    assert out.totals.pledged_alternative == Decimal(250000) - converted
    assert ("not requested yet" in be.alternative_note) is (converted == 0)
