"""Monitoring a pool year's implementation, as the law reads (Art. 60(3) first and second
subparagraphs, 60(6), 63(5), 65(3), 67(12) AMMR). Every expected value is worked by hand in the
docstring. Pool year 2026: the year-end deadline is 31 December 2026
(implementation.non_financial_deadline "12-31"), the confirmation window January 2027
(implementation.confirmation_month 1); one relocation is worth EUR 20,000 (Art. 12(3)).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from eupact.errors import EupactError
from eupact.parameters import load_parameters
from eupact.pool.benefit import Needs, ShortcomingsFinding, UseOfPool, standing, validate_standing
from eupact.pool.confirmation import ConfirmationStatus, confirmation
from eupact.pool.monitoring import (
    FIELDS,
    DeadlineStatus,
    ImplementationEntry,
    PoolTargets,
    StateTargets,
    from_outcome,
    monitor,
    year_end_deadline,
)
from eupact.pool.outcome import compute_outcome
from eupact.pool.pledges import Deduction, DeductionStatus, Pledge, PledgeKind

from .conftest import tiny_act, tiny_key

R, F, A = PledgeKind.RELOCATION, PledgeKind.FINANCIAL, PledgeKind.ALTERNATIVE
ACT_DAY = dt.date(2025, 12, 19)
EQ = Decimal(20000)
DEC31, JAN1 = dt.date(2026, 12, 31), dt.date(2027, 1, 1)
POPS = {"AT": 1, "BE": 1, "BG": 2}
GDPS = {"AT": "10", "BE": "30", "BG": "60"}


def params_with(**readings: str):
    return load_parameters().with_readings(readings).at(ACT_DAY)


def pool(*states: StateTargets) -> PoolTargets:
    return PoolTargets(2026, EQ, {s.geo: s for s in states})


def at(relocations=0, alternative=0, financial=0, **more) -> StateTargets:
    return StateTargets("AT", relocations, Decimal(alternative), Decimal(financial), **more)


def e(kind, amount, on, started=None, accepted=False, state="AT") -> ImplementationEntry:
    return ImplementationEntry(state, kind, Decimal(amount), on, started, accepted)


def d(month: int, day: int, year: int = 2026) -> dt.date:
    return dt.date(year, month, day)


def state_at(targets, entries, as_of, params=None, **kw):
    return monitor(params or params_with(), targets, entries, as_of, **kw).states["AT"]


# -- Art. 60(3), first subparagraph: the year-end deadline ---------------------------------------


def test_art_60_3_deadline_is_the_parameter(params):
    """Art. 60(3): "before the end of that year" — the parameter "12-31" of the pool year."""
    assert year_end_deadline(params, 2026) == DEC31


@pytest.mark.parametrize(
    ("day", "in_time", "late"),
    [(DEC31, 10, 0), (JAN1, 0, 10)],
    ids=["31-december-in-time", "1-january-late"],
)
def test_art_60_3_a_relocation_on_the_last_day_counts_the_next_day_is_late(day, in_time, late):
    """Art. 60(3), first subparagraph: AT relocates its 10 persons on ``day``, not started
    before it. On 31 December they count (met); on 1 January, with no start before the year end,
    they are late: 0 of 10 counted → missed."""
    s = state_at(pool(at(10)), [e(R, 10, day)], d(2, 1, 2027))
    p = s.progress[R]
    assert (p.in_time, p.late) == (in_time, late)
    assert p.deadline is (DeadlineStatus.MET if in_time else DeadlineStatus.MISSED)


@pytest.mark.parametrize(
    ("as_of", "status"),
    [(DEC31, DeadlineStatus.DUE), (JAN1, DeadlineStatus.MISSED)],
    ids=["due-on-31-december", "missed-on-1-january"],
)
def test_art_60_3_due_until_the_deadline_then_missed(as_of, status):
    """Art. 60(3): 6 of 10 relocations carried out by 30 November. On 31 December the 4 left are
    still due; on 1 January they are missed (nothing accepted that could carry over)."""
    p = state_at(pool(at(10)), [e(R, 6, d(11, 30))], as_of).progress[R]
    assert (p.implemented, p.deadline) == (6, status)
    assert "4" in p.reason


def test_art_60_3_records_after_the_date_are_not_yet_known():
    """A record dated 20 December is not counted on 19 December: 0 of 10, due."""
    p = state_at(pool(at(10)), [e(R, 10, d(12, 20))], d(12, 19)).progress[R]
    assert (p.implemented, p.deadline) == (0, DeadlineStatus.DUE)


def test_art_60_3_financial_contributions_are_excepted_from_the_deadline():
    """Art. 60(3) "with the exception of the implementation of financial contributions": AT's
    EUR 50,000 is transferred on 1 March 2027 and counts in full; no deadline status."""
    p = state_at(pool(at(financial=50000)), [e(F, 50000, d(3, 1, 2027))], d(3, 2, 2027))
    p = p.progress[F]
    assert (p.implemented, p.late, p.rate) == (50000, 0, 1)
    assert p.deadline is DeadlineStatus.NOT_APPLICABLE and "excepted" in p.reason


def test_art_60_3_exempt_and_nothing_to_implement_are_not_applicable():
    """Art. 60(3), third subparagraph: a benefitting state is not obliged; a type with nothing
    to implement has no deadline either."""
    exempt = at(exemption="benefitting (Art. 58(1))")
    s = state_at(pool(exempt), [], JAN1)
    assert s.progress[R].deadline is DeadlineStatus.NOT_APPLICABLE
    assert s.progress[R].reason == "benefitting (Art. 58(1))"
    assert s.progress[A].reason == "benefitting (Art. 58(1))"
    s = state_at(pool(at(10)), [e(R, 10, d(6, 1))], JAN1)
    assert s.progress[A].deadline is DeadlineStatus.NOT_APPLICABLE
    assert s.progress[A].reason == "nothing to implement"


# -- Art. 67(12), 65(3): carry-over ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("started", "carried", "late", "status"),
    [(DEC31, 4, 0, DeadlineStatus.MET), (JAN1, 0, 4, DeadlineStatus.MISSED)],
    ids=["accepted-31-december-carries-over", "accepted-1-january-late"],
)
def test_art_67_12_relocation_accepted_by_the_year_end_carries_over(started, carried, late, status):
    """Art. 67(12), 60(3) "without prejudice to ... Article 67(12)": AT relocates 6 by
    1 December and 4 on 10 February 2027. Accepted (started) on 31 December, the 4 count for
    2026: 6 + 4 = 10 of 10, met. Accepted on 1 January they are late: 6 of 10, missed."""
    entries = [e(R, 6, d(12, 1)), e(R, 4, d(2, 10, 2027), started)]
    p = state_at(pool(at(10)), entries, d(2, 10, 2027)).progress[R]
    assert (p.in_time, p.carried_over, p.late, p.deadline) == (6, carried, late, status)


@pytest.mark.parametrize(
    ("accepted_on", "status", "open_"),
    [(DEC31, DeadlineStatus.CARRYING_OVER, 4), (JAN1, DeadlineStatus.MISSED, 0)],
    ids=["accepted-31-december", "accepted-1-january"],
)
def test_art_67_12_accepted_relocations_carrying_over(accepted_on, status, open_):
    """Art. 67(9), (12): 6 relocated by 1 December; 4 more accepted under 67(9) on
    ``accepted_on``, not yet transferred on 15 January 2027. Accepted by 31 December they cover
    the 4 short: carrying over. Accepted on 1 January they do not: missed."""
    entries = [e(R, 6, d(12, 1)), e(R, 4, accepted_on, accepted=True)]
    p = state_at(pool(at(10)), entries, d(1, 15, 2027)).progress[R]
    assert (p.implemented, p.open, p.deadline) == (6, open_, status)


def test_art_65_3_agreed_alternative_measure_finalised_after_the_year():
    """Art. 65(3): AT's alternative measures, EUR 100,000 to implement: EUR 60,000 finalised on
    30 June; EUR 40,000 agreed on 15 December and finalised 31 March 2027 → carried over,
    100,000 of 100,000, met. Before it is finalised (15 January 2027), the agreed 40,000 is open:
    carrying over. A measure agreed on 1 January is late."""
    agreed = e(A, 40000, d(12, 15), accepted=True)
    done = e(A, 40000, d(3, 31, 2027), d(12, 15))
    first = e(A, 60000, d(6, 30))
    p = state_at(pool(at(alternative=100000)), [first, agreed], d(1, 15, 2027)).progress[A]
    assert (p.implemented, p.open, p.deadline) == (60000, 40000, DeadlineStatus.CARRYING_OVER)
    p = state_at(pool(at(alternative=100000)), [first, done], d(4, 1, 2027)).progress[A]
    assert (p.carried_over, p.deadline) == (40000, DeadlineStatus.MET)
    late = e(A, 40000, d(3, 31, 2027), JAN1)
    p = state_at(pool(at(alternative=100000)), [first, late], d(4, 1, 2027)).progress[A]
    assert (p.implemented, p.late, p.deadline) == (60000, 40000, DeadlineStatus.MISSED)


# -- Art. 60(3), second subparagraph: in proportion to the overall pledge -------------------------

# AT: 10 relocations (EUR-equivalent 200,000) and EUR 200,000 of alternative measures; by
# 30 September, 2 relocations (20 %) and EUR 80,000 (40 %): overall (40,000 + 80,000) / 400,000 =
# 30 %. Relocations are exactly 10 points below.
PROPORTION = pool(at(10, alternative=200000, financial=1000000))
BY_SEPTEMBER = [e(R, 2, d(9, 1)), e(A, 80000, d(9, 30))]


@pytest.mark.parametrize(
    ("tolerance", "behind"),
    [("0", (R,)), ("1/20", (R,)), ("1/10", ())],
    ids=["strict", "five-points", "ten-points-boundary"],
)
def test_art_60_3_each_type_at_least_the_overall_rate(tolerance, behind):
    """Art. 60(3), second subparagraph, [reading] each_type_at_least_the_overall_rate: overall
    30 %, relocations 20 %, alternative 40 %. Relocations are behind with tolerance 0 or 1/20
    (20 % < 30 % − 5 %); with 1/10 they are exactly at 30 % − 10 % = 20 %: not behind. The
    unpaid EUR 1,000,000 financial contribution is left out (non_financial_only)."""
    params = params_with(**{"implementation.proportion.tolerance": tolerance})
    s = state_at(PROPORTION, BY_SEPTEMBER, d(10, 1), params)
    assert s.overall_rate == Fraction(3, 10)
    assert (s.progress[R].rate, s.progress[A].rate) == (Fraction(1, 5), Fraction(2, 5))
    assert s.behind == behind
    assert s.progress[F].benchmark is None


def test_art_60_3_tolerance_boundary_one_cent_below():
    """Tolerance 1/10 and EUR 80,000.01 of alternative: overall (40,000 + 80,000.01) / 400,000
    = 30.0000025 %, minus 10 points is above 20 %: relocations are behind."""
    params = params_with(**{"implementation.proportion.tolerance": "1/10"})
    entries = [e(R, 2, d(9, 1)), e(A, "80000.01", d(9, 30))]
    assert state_at(PROPORTION, entries, d(10, 1), params).behind == (R,)


def test_art_60_3_financial_counted_reading():
    """[reading] financial_counted all_types: the EUR 1,000,000 unpaid joins the overall:
    (40,000 + 80,000 + 0) / 1,400,000 = 3/35 ≈ 8.6 %; relocations 20 % and alternative 40 % are
    above it, financial 0 % is behind."""
    params = params_with(**{"implementation.proportion.financial_counted": "all_types"})
    s = state_at(PROPORTION, BY_SEPTEMBER, d(10, 1), params)
    assert s.overall_rate == Fraction(3, 35)
    assert s.behind == (F,)


@pytest.mark.parametrize(
    ("as_of", "behind"), [(DEC31, ()), (JAN1, (R,))], ids=["31-december", "1-january"]
)
def test_art_60_3_year_end_only_reading(as_of, behind):
    """[reading] year_end_only: the same figures are not checked on 31 December; on 1 January
    the year's totals are, and relocations (20 % < 30 %) are behind."""
    params = params_with(**{"implementation.proportion.at_date": "year_end_only"})
    s = state_at(PROPORTION, BY_SEPTEMBER, as_of, params)
    assert s.behind == behind
    assert (s.progress[R].benchmark is None) == (as_of == DEC31)


def test_art_60_3_recital_31_pool_rate_reading():
    """[reading] each_type_at_least_the_pool_rate (recital 31): AT 10 and BE 30 relocations;
    AT relocated 2, BE 14: pool 16 / 40 = 40 %. AT (20 %) is behind, BE (46.7 %) not. Under
    the default reading each has only relocations, its own overall rate: nobody is behind."""
    targets = pool(at(10), StateTargets("BE", 30, Decimal(0), Decimal(0)))
    entries = [e(R, 2, d(6, 1)), e(R, 14, d(6, 1), state="BE")]
    params = params_with(
        **{"implementation.proportion.at_date": "each_type_at_least_the_pool_rate"}
    )
    m = monitor(params, targets, entries, d(7, 1))
    assert m.pool_rates[R] == Fraction(2, 5)
    assert (m.states["AT"].behind, m.states["BE"].behind) == ((R,), ())
    m = monitor(params_with(), targets, entries, d(7, 1))
    assert (m.states["AT"].behind, m.states["BE"].behind) == ((), ())


def test_art_60_3_over_implementation_is_capped_and_nothing_done_is_not_behind():
    """Rates are capped at 1: 12 relocations of 10 count as 100 %, not 120 %, so the overall
    is (200,000 + 100,000) / 400,000 = 75 % and the alternative (50 %) is behind. With nothing
    implemented every rate is 0: nobody is behind."""
    targets = pool(at(10, alternative=200000))
    s = state_at(targets, [e(R, 12, d(5, 1)), e(A, 100000, d(5, 1))], d(6, 1))
    assert (s.progress[R].rate, s.overall_rate, s.behind) == (1, Fraction(3, 4), (A,))
    assert state_at(targets, [], d(6, 1)).behind == ()


# -- Art. 63(5): year-end responsibility offsets --------------------------------------------------

# AT: 10 relocations to implement. 3 relocated by 31 December; 2 accepted in December and
# transferred on 20 January 2027 (carried over); 1 accepted on 20 December, not yet transferred;
# 1 accepted and transferred in January (late); 1 accepted on 5 January (not by the year end).
YEAR_END = [
    e(R, 3, d(11, 1)),
    e(R, 2, d(1, 20, 2027), d(12, 10)),
    e(R, 1, d(12, 20), accepted=True),
    e(R, 1, d(1, 25, 2027), d(1, 2, 2027)),
    e(R, 1, d(1, 5, 2027), accepted=True),
]


def test_art_63_5_year_end_offsets():
    """Art. 63(5), [reading] unimplemented_relocations. On 31 December none may be requested
    (only "after the end of a given year"). On 1 February 2027: covered = 3 relocated by
    31 December + 2 carried over (accepted in December, transferred 20 January) + 1 accepted on
    20 December (67(9)) = 6; the late one and the one accepted on 5 January do not count:
    10 − 6 = 4. On 1 January the carried-over transfer is not yet recorded: 10 − (3 + 1) = 6."""
    targets = pool(at(10, pledged_relocations=12, offset_obligation=7))
    assert state_at(targets, YEAR_END, DEC31).year_end_offsets == 0
    assert state_at(targets, YEAR_END, JAN1).year_end_offsets == 6
    s = state_at(targets, YEAR_END, d(2, 1, 2027))
    assert (s.year_end_covered, s.year_end_offsets) == (6, 4)
    ex = s.explain("year_end_offsets")
    assert ex.article == "Art. 63(5) AMMR" and ex.value == "4"
    assert ex.inputs["obligatory offsets under 63(3), (4) (separate)"] == "7"


def test_art_63_5_reading_relocations_pledged():
    """[reading] relocations_pledged: the text's "up to the number of relocations pledged": any
    shortfall opens offsets up to the whole 10 to implement; none when all 10 are covered."""
    params = params_with(**{"offsets.year_end.up_to": "relocations_pledged"})
    assert state_at(pool(at(10)), YEAR_END, d(2, 1, 2027), params).year_end_offsets == 10
    full = [e(R, 10, d(12, 31))]
    assert state_at(pool(at(10)), full, d(2, 1, 2027), params).year_end_offsets == 0


def test_art_63_5_reading_offsets_taken_instead():
    """[reading] offsets_taken_instead: AT took 3 offsets instead of relocations (63(1)).
    not_counted: 10 − 6 = 4; counted: 10 − (6 + 3) = 1; with 5 taken: 10 − 11 → 0, never
    negative."""
    params = params_with(**{"offsets.year_end.offsets_taken_instead": "counted"})
    day = d(2, 1, 2027)
    assert state_at(pool(at(10, offsets_accepted=3)), YEAR_END, day).year_end_offsets == 4
    assert state_at(pool(at(10, offsets_accepted=3)), YEAR_END, day, params).year_end_offsets == 1
    assert state_at(pool(at(10, offsets_accepted=5)), YEAR_END, day, params).year_end_offsets == 0


def test_art_63_5_exempt_state_owes_none():
    """Art. 60(3), third subparagraph: a state with a full deduction relocates nothing and owes
    no year-end offsets."""
    targets = pool(at(0, pledged_relocations=10, exemption="full deduction granted"))
    assert state_at(targets, [], d(2, 1, 2027)).year_end_offsets == 0


# -- Art. 60(6): the January confirmation ---------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "received", "status"),
    [
        (DEC31, None, ConfirmationStatus.UPCOMING),
        (JAN1, None, ConfirmationStatus.DUE),
        (d(1, 31, 2027), None, ConfirmationStatus.DUE),
        (d(2, 1, 2027), None, ConfirmationStatus.LATE),
        (d(1, 31, 2027), d(1, 31, 2027), ConfirmationStatus.RECEIVED),
        (d(1, 15, 2027), JAN1, ConfirmationStatus.RECEIVED),
        (d(2, 1, 2027), d(2, 1, 2027), ConfirmationStatus.RECEIVED_LATE),
        (d(1, 20, 2027), d(1, 25, 2027), ConfirmationStatus.DUE),
    ],
    ids=[
        "31-dec-upcoming",
        "1-jan-due",
        "31-jan-due",
        "1-feb-late",
        "received-31-jan",
        "received-1-jan",
        "received-1-feb-late",
        "received-later-not-yet-known",
    ],
)
def test_art_60_6_confirmation_in_january(params, as_of, received, status):
    """Art. 60(6): "each year in January" the levels implemented in 2026 are confirmed: the
    window is 1–31 January 2027 (confirmation_month 1)."""
    c = confirmation(params, 2026, as_of, received)
    assert (c.opens, c.closes, c.status) == (JAN1, d(1, 31, 2027), status)


def test_art_60_6_confirmation_before_january_is_refused(params):
    """Art. 60(6): a confirmation on 31 December 2026 would confirm a year not over: refused,
    naming the field, the value and the rule."""
    with pytest.raises(EupactError) as err:
        monitor(params, pool(at(1)), [], JAN1, {"AT": DEC31})
    problem = err.value.problems[0]
    assert (problem.field, problem.value) == ("confirmations.AT", "2026-12-31")
    assert "Art. 60(6)" in problem.rule


# -- inputs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "field", "rule"),
    [
        (e(R, -1, d(5, 1)), "amount", "positive"),
        (e(R, "1.5", d(5, 1)), "amount", "whole persons"),
        (e(R, 10**9 + 1, d(5, 1)), "amount", "at most"),
        (e(F, 10, d(5, 1), accepted=True), "accepted", r"Art\. 67\(9\)"),
        (e(R, 1, d(5, 1), d(5, 2)), "started", "after the record's day"),
        (e(R, 1, d(12, 31, 2025)), "on", "before the pool year"),
        (e(R, 1, d(1, 5), d(12, 31, 2025)), "started", "before the pool year"),
        (e(R, 1, d(5, 1), state="XX"), "state", "not a state"),
    ],
    ids=[
        "negative",
        "half-person",
        "too-many",
        "financial-accepted",
        "started-after",
        "before-year",
        "started-before-year",
        "unknown-state",
    ],
)
def test_records_refused_naming_field_value_and_rule(params, entry, field, rule):
    """Each refusal names the field, the value and the rule."""
    with pytest.raises(EupactError, match=rule) as err:
        monitor(params, pool(at(10)), [entry], JAN1)
    assert err.value.problems[0].field == field


def test_every_problem_is_reported(params):
    """Two bad records: two problems, not only the first."""
    with pytest.raises(EupactError) as err:
        monitor(params, pool(at(10)), [e(R, -1, d(5, 1)), e(A, 0, d(5, 1))], JAN1)
    assert len(err.value.problems) == 2


# -- from a pool outcome --------------------------------------------------------------------------


def _outcome(act, params, pledges, deductions=(), shortcomings=False):
    """AT, BE, BG, CY, EL; CY and EL benefit; with ``shortcomings`` the Commission found
    systemic shortcomings in EL (Art. 60(3), fourth subparagraph)."""
    key = tiny_key(params, {**POPS, "CY": 1, "EL": 1}, {**GDPS, "CY": "1", "EL": "1"})
    act = tiny_act(act, 1000, 2000, benefitting=("CY", "EL"))
    findings = [ShortcomingsFinding("EL", dt.date(2026, 9, 1), "11")] if shortcomings else []
    day = params("cycle.date_of_application_part_iv")
    uses = [UseOfPool("CY", day, Needs(300)), UseOfPool("EL", day, Needs(100))]
    validate_standing(act, params, uses, findings=findings)
    who = standing(act, params, uses, findings=findings)
    return compute_outcome(key, act, pledges, deductions, standing=who)


AT_PLEDGES = [
    Pledge("AT", R, Decimal(101)),
    Pledge("AT", F, Decimal(1000000)),
    Pledge("AT", A, Decimal(500000), ("CY",)),
]


def test_from_outcome_shortcomings_release_comes_off_the_alternative(act):
    """Art. 60(3), fourth subparagraph, equal_parts, relocations_and_alternative: half toward
    EL is released: 101 → 51 relocations, alternative 500,000 → 250,000; the financial
    1,000,000 stays. 51 × 20,000 + 250,000 + 1,000,000 = 2,270,000 = to_implement_total."""
    out = _outcome(act, params_with(), AT_PLEDGES, shortcomings=True)
    t = from_outcome(out)
    assert t.year == 2026 and t.equivalence == EQ
    a = t.states["AT"]
    assert (a.relocations, a.alternative, a.financial) == (51, 250000, 1000000)
    assert a.pledged_relocations == 101
    assert t.states["CY"].exemption and t.states["CY"].of(R) == 0


def test_from_outcome_release_of_all_types_split_pro_rata(act):
    """[reading]s declared_needs and all_types: a quarter toward EL. Relocations 101 − 25 =
    76; money released (1,000,000 + 500,000) / 4 = 375,000, from the alternative 375,000 ×
    500,000 / 1,500,000 = 125,000 and from the financial 250,000: alternative 375,000,
    financial 750,000. 76 × 20,000 + 375,000 + 750,000 = 2,645,000 = to_implement_total."""
    params = params_with(
        **{
            "implementation.systemic_shortcomings.spread": "declared_needs",
            "implementation.systemic_shortcomings.pledges_released": "all_types",
        }
    )
    a = from_outcome(_outcome(act, params, AT_PLEDGES, shortcomings=True)).states["AT"]
    assert (a.relocations, a.alternative, a.financial) == (76, 375000, 750000)


def test_from_outcome_partial_deduction_and_unrequested_measures(act):
    """Art. 61, 62: a partial deduction of 2 relocations and EUR 120,000 comes off the
    financial pledge first (100,000), then the alternative (20,000): AT implements 8
    relocations, EUR 30,000 alternative, 0 financial. Art. 57(4), recital 19: BE's alternative
    measures nobody requested (EUR 50,000) count as financial: 0 alternative, 150,000 financial."""
    pledges = [
        Pledge("AT", R, Decimal(10)),
        Pledge("AT", F, Decimal(100000)),
        Pledge("AT", A, Decimal(50000), ("CY",)),
        Pledge("BE", F, Decimal(100000)),
        Pledge("BE", A, Decimal(50000)),
    ]
    cut = Deduction(
        "AT",
        "62",
        False,
        relocations=2,
        financial=Decimal(120000),
        status=DeductionStatus.GRANTED,
        council_act="X",
    )
    t = from_outcome(_outcome(act, params_with(), pledges, [cut]))
    a, b = t.states["AT"], t.states["BE"]
    assert (a.relocations, a.alternative, a.financial) == (8, 30000, 0)
    assert (b.relocations, b.alternative, b.financial) == (0, 0, 150000)


def test_from_outcome_feeds_monitor(act, params):
    """End to end: AT (101 relocations, 1,000,000 financial, 500,000 alternative to implement,
    nobody with shortcomings) relocates 100 by 31 December: on 1 January 1 relocation is
    missed and 1 offset may be requested (63(5))."""
    out = _outcome(act, params_with(), AT_PLEDGES)
    m = monitor(out.key.params, from_outcome(out), [e(R, 100, d(10, 1))], JAN1)
    s = m.states["AT"]
    assert (s.progress[R].deadline, s.year_end_offsets) == (DeadlineStatus.MISSED, 1)
    assert m.states["CY"].year_end_offsets == 0


# -- explanations and the table -------------------------------------------------------------------


def test_every_field_explains_itself_with_article_formula_and_inputs():
    """Every field names its article, formula, inputs and the parameters it read."""
    s = state_at(PROPORTION, BY_SEPTEMBER, d(10, 1))
    articles = {
        "relocation": "67(12)",
        "alternative": "65(3)",
        "financial": "excepted",
        "proportion": "60(3) second subparagraph",
        "year_end_offsets": "63(5)",
        "confirmation": "60(6)",
    }
    for what in FIELDS:
        ex = s.explain(what)
        assert articles[what] in ex.article and ex.formula and ex.inputs and ex.parameters
        assert ex.render().startswith(ex.quantity)
    assert s.explain("proportion").value == "behind in relocation"
    assert s.explain("relocation").inputs["carried out by the deadline"] == "2"
    with pytest.raises(EupactError, match="explainable fields"):
        s.explain("balance")


def test_table_fits_80_columns_even_at_the_limits(params):
    """One row per state, none longer than 80 characters, at the plausibility bounds (10^9
    persons, EUR 10^13) and after the year end."""
    big = StateTargets("BE", 10**9, Decimal(10**13), Decimal(10**13))
    targets = pool(at(10, alternative=200000), big)
    entries = [*BY_SEPTEMBER, e(R, 999_999_999, d(6, 1), state="BE")]
    m = monitor(params, targets, entries, d(2, 1, 2027), {"AT": d(2, 1, 2027)})
    rows = m.table()
    assert max(len(r) for r in rows) <= 80
    be = next(r for r in rows if r.startswith("BE"))
    assert "999.9M/1000.0M" in be and "missed" in be
    at_row = next(r for r in rows if r.startswith("AT "))
    assert "rec. late" in at_row and "40.0%" in at_row
    with pytest.raises(EupactError, match="80 columns"):
        m.table(60)
    assert m.as_dict()["states"][0]["year_end_offsets"] == 8


def test_records_from_1_january_of_the_pool_year_are_accepted(params):
    """The boundary of the refusal above: a relocation accepted and carried out on 1 January
    2026 belongs to the 2026 pool (1 of 10, due on 2 January)."""
    s = monitor(params, pool(at(10)), [e(R, 1, d(1, 1), d(1, 1))], d(1, 2)).states["AT"]
    assert (s.progress[R].implemented, s.progress[R].deadline) == (1, DeadlineStatus.DUE)
