"""Crisis credits against future fair shares (CFMR Art. 9(4)(a), 9(5)): the rule in the pool's
outcome, the acts in the crisis procedure, and the chain through the service and the API on
SQLite and PostgreSQL.

Hand-worked on a two-state key: AT and BE, population 1 and 1, GDP 50 and 50, so each share is
0.5 × 1/2 + 0.5 × 50/100 = 1/2. A reference of 2,000 relocations and EUR 40,000,000 (the
EUR 20,000 equivalence of Art. 12(3) AMMR) gives each a fair share of 1,000 relocations and
EUR 20,000,000 (Art. 57(3), 66 AMMR).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from eupact.errors import EupactError
from eupact.parameters import load_parameters
from eupact.pool.credits import CrisisCredit, carry_credits, use_credits
from eupact.pool.outcome import compute_outcome
from eupact.pool.pledges import Pledge, PledgeKind

from .conftest import tiny_act, tiny_key

D = dt.date
ACT_DAY = D(2025, 12, 19)


def params_with(**readings: str):
    return load_parameters().with_readings(readings).at(ACT_DAY)


def credit(
    applications: int,
    *,
    state: str = "AT",
    authorised_on: D = D(2025, 12, 1),
    expires_on: D = D(2031, 1, 1),
    used: int = 0,
    decision: str = "Council Implementing Decision (EU) 2026/1 (test)",
) -> CrisisCredit:
    """A credit the Commission authorised by C(2025) 9 (test) on ``authorised_on``."""
    base = CrisisCredit(state, applications, decision, D(2026, 1, 1), expires_on, used=used)
    return base.authorise("C(2025) 9 (test)", authorised_on, authorised_on - dt.timedelta(10))


@pytest.fixture(scope="module")
def two():
    p = params_with()
    from eupact.pool.acts import council_act

    key = tiny_key(p, {"AT": 1, "BE": 1}, {"AT": "50", "BE": "50"})
    act = tiny_act(council_act(2026, load_parameters()), 2000, 2000)
    return key, act


def outcome(two, *credits: CrisisCredit, pledges: tuple[Pledge, ...] = ()):
    key, act = two
    return compute_outcome(key, act, pledges, crisis_credits=credits)


# -- the rule in the outcome (Art. 9(4)(a)) -----------------------------------------------------


def test_no_credit_changes_nothing(two) -> None:
    """No credit: every row as before the feature (the new fields 0, no note)."""
    key, act = two
    before = compute_outcome(key, act, ())
    after = outcome(two)
    assert after.states == before.states and after.credits == {}
    at = after.states["AT"]
    assert (at.fair_share_relocations, at.fair_share_financial) == (1000, Decimal(20_000_000))
    assert (at.crisis_credit_relocations, at.crisis_credit_financial) == (0, Decimal(0))


def test_credit_of_150_on_a_fair_share_of_1000(two) -> None:
    """1,000 − 150 = 850 relocations; EUR 20,000,000 − 150 × 20,000 = EUR 17,000,000; with no
    pledge the balance is −17,000,000; BE untouched; the 63(7) cap is what is left, 850."""
    o = outcome(two, credit(150))
    at, be = o.states["AT"], o.states["BE"]
    assert (at.fair_share_relocations, at.fair_share_financial) == (850, Decimal(17_000_000))
    assert (at.crisis_credit_relocations, at.crisis_credit_financial) == (
        150,
        Decimal(3_000_000),
    )
    assert at.balance == Decimal(-17_000_000)
    assert (be.fair_share_relocations, be.fair_share_financial) == (1000, Decimal(20_000_000))
    assert o.offsets.caps["AT"] == 850
    assert o.credits["AT"].used == 150 and o.credits["AT"].left == 0
    why = o.explain("AT", "fair_share_relocations")
    text = why.render()
    assert why.value == "850" and "9(4)(a)" in why.article and "9(5)" in why.article
    assert "C(2025) 9 (test)" in text and "crisis.credits.use_per_cycle" in text
    assert "9(4)(a), 9(5) CFMR" in at.crisis_credit_note
    money = o.explain("AT", "fair_share_financial")
    assert money.value == "EUR 17,000,000.00"


def test_pledges_count_against_the_reduced_fair_share(two) -> None:
    """AT pledges 850 relocations = EUR 17,000,000: the balance against 850 is 0."""
    o = outcome(two, credit(150), pledges=(Pledge("AT", PledgeKind.RELOCATION, Decimal(850)),))
    assert o.states["AT"].balance == Decimal(0)


def test_a_credit_larger_than_the_fair_share_stops_at_zero_and_carries(two) -> None:
    """1,200 against 1,000: the fair share is 0 (EUR 0, never below), 200 carry to 2027, where
    they take 200 off a fair share of 1,000."""
    c = credit(1200)
    o = outcome(two, c)
    at = o.states["AT"]
    assert (at.fair_share_relocations, at.fair_share_financial) == (0, Decimal(0))
    assert at.crisis_credit_financial == Decimal(20_000_000)  # capped at the fair share
    assert o.credits["AT"].left == 200
    p = params_with()
    (after,) = carry_credits([c], [(2026, {"AT": 1000, "BE": 1000}, p)])
    assert after.used == 1000
    uses, _ = use_credits([after], 2027, {"AT": 1000}, p)
    assert uses["AT"].used == 200 and uses["AT"].left == 0


@pytest.mark.parametrize(
    ("expires_on", "used"),
    [
        (D(2032, 1, 1), 150),  # its last day falls in the 2032 pool year: counted
        (D(2031, 12, 31), 0),  # the day before 2032: expired, lost
    ],
)
def test_expiry_the_last_day_and_the_day_after(expires_on: D, used: int) -> None:
    c = credit(150, expires_on=expires_on)
    uses, (after,) = use_credits([c], 2032, {"AT": 1000}, params_with())
    assert (uses["AT"].used if "AT" in uses else 0) == used and after.used == used


def test_expiry_of_the_credit_itself() -> None:
    """usable_on: the last day (expires_on) still, the day after nothing."""
    c = credit(60, expires_on=D(2032, 7, 2))
    assert c.usable_on(D(2032, 7, 2)) == 60 and c.usable_on(D(2032, 7, 3)) == 0


@pytest.mark.parametrize(
    ("reading", "authorised_on", "used_2026"),
    [
        ("pool_year_of_authorisation", D(2026, 12, 31), 150),  # the act's own pool year
        ("pool_year_of_authorisation", D(2027, 1, 1), 0),
        ("next_pool_year", D(2026, 1, 1), 150),  # a year beginning on the act's day
        ("next_pool_year", D(2026, 1, 2), 0),  # only from 2027
    ],
)
def test_which_pool_years_count(two, reading: str, authorised_on: D, used_2026: int) -> None:
    p = params_with(**{"crisis.credits.first_cycle": reading})
    uses, _ = use_credits([credit(150, authorised_on=authorised_on)], 2026, {"AT": 1000}, p)
    assert (uses["AT"].used if "AT" in uses else 0) == used_2026


def test_evenly_one_fifth_a_year_cumulative() -> None:
    """[reading] evenly: 153 over five cycles, by the k-th at most floor(153 × k / 5): 30, 61,
    91, 122, 153 → 30, 31, 30, 31, 31 a year. A fair share of 10 in the first year uses 10;
    the second may then use floor(306 / 5) − 10 = 51."""
    p = params_with(**{"crisis.credits.use_per_cycle": "evenly"})
    first = credit(153, authorised_on=D(2026, 1, 1))  # the first cycle: 2026
    credits: tuple[CrisisCredit, ...] = (first,)
    got = []
    for year in range(2026, 2031):
        uses, credits = use_credits(credits, year, {"AT": 1000}, p)
        got.append(uses["AT"].used)
    assert got == [30, 31, 30, 31, 31]
    uses, after = use_credits([first], 2026, {"AT": 10}, p)
    assert uses["AT"].used == 10
    uses, _ = use_credits(after, 2027, {"AT": 1000}, p)
    assert uses["AT"].used == 51


def test_two_credits_the_one_expiring_first_is_used_first(two) -> None:
    """800 expiring 2028 and 500 expiring 2030 against 1,000: 800 + 200; 300 of the later left."""
    early = credit(800, expires_on=D(2028, 6, 30), decision="CID A")
    late = credit(500, expires_on=D(2030, 6, 30), decision="CID B")
    o = outcome(two, late, early)
    use = o.credits["AT"]
    assert [(c.decision, n) for c, n in use.credits] == [("CID A", 800), ("CID B", 200)]
    assert o.states["AT"].fair_share_relocations == 0 and use.left == 300


def test_unauthorised_or_foreign_credits(two) -> None:
    """A credit only notified reduces nothing (9(5)); one of a state outside the key, or used
    beyond what it holds, is refused in words."""
    notified = CrisisCredit("AT", 150, "CID", D(2026, 1, 1), D(2031, 1, 1))
    assert outcome(two, notified).states["AT"].fair_share_relocations == 1000
    with pytest.raises(EupactError) as info:
        outcome(two, credit(150, state="FR"))
    assert info.value.problems[0].field == "state"
    with pytest.raises(EupactError) as info:
        outcome(two, replace(credit(150), used=151))
    assert info.value.problems[0].field == "used"
