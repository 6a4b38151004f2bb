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
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Phase, Role
from eupact.cycle.service.crisis import Crises
from eupact.errors import EupactError
from eupact.parameters import load_parameters
from eupact.pool.credits import (
    NEXT_YEAR,
    OWN_YEAR,
    CrisisCredit,
    carry_credits,
    check_credits,
    use_credits,
)
from eupact.pool.limits import MAX_PERSONS
from eupact.pool.outcome import compute_outcome
from eupact.pool.pledges import Pledge, PledgeKind
from eupact.web.routes import SESSION_COOKIE

from .api_support import World, Worlds, assert_problem
from .clock_support import Clock
from .conftest import tiny_act, tiny_key
from .databases import BACKENDS

D = dt.date
ACT_DAY = D(2025, 12, 19)
AUTHORISED = D(2025, 12, 1)  # before the 2026 pool year (a unit test of the rule's dates)
EXPIRES = D(2031, 1, 1)


def params_with(**readings: str):
    return load_parameters().with_readings(readings).at(ACT_DAY)


PARAMS = {
    policy: params_with(**{"crisis.credits.use_per_cycle": policy})
    for policy in ("as_needed", "evenly")
}


def credit(
    applications: int,
    *,
    state: str = "AT",
    authorised_on: D = AUTHORISED,
    expires_on: D = EXPIRES,
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


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 3000), min_size=1, max_size=7),
    st.lists(st.integers(1, 2500), min_size=1, max_size=3),
    st.sampled_from(["as_needed", "evenly"]),
)
def test_invariants_over_the_years(fair_shares: list[int], sizes: list[int], policy: str) -> None:
    """Whatever the fair shares and credits: no fair share below zero, never more used than
    authorised, a cycle never uses more than the fair share, what is used once is not used
    again, nothing after expiry (2032 onwards for credits expiring 31 Dec 2031)."""
    p = PARAMS[policy]
    credits: tuple[CrisisCredit, ...] = tuple(
        credit(n, expires_on=D(2031, 12, 31), decision=f"CID {i}") for i, n in enumerate(sizes)
    )
    for year, fs in zip(range(2026, 2034), fair_shares, strict=False):
        uses, after = use_credits(credits, year, {"AT": fs}, p)
        used = uses["AT"].used if "AT" in uses else 0
        assert 0 <= used <= fs
        assert sum(c.used for c in after) - sum(c.used for c in credits) == used
        assert all(0 <= c.used <= c.applications for c in after)
        if year >= 2032:
            assert used == 0
        credits = after


# -- the pledges file of `eupact cycle run` ------------------------------------------------------


def test_cycle_run_reads_the_credits_of_the_pledges_file(tmp_path) -> None:
    """The same example pledges with and without DE's credit of 150 authorised on 1 Dec 2025:
    DE's fair share 150 relocations and 150 × EUR 20,000 = EUR 3,000,000 lower; the note cites
    9(4)(a) and the act; a credit the file's as_of predates is not counted."""
    import yaml

    from eupact.cycle.examples import example_pledges_path
    from eupact.cycle.run import run_cycle

    doc = yaml.safe_load(example_pledges_path(2026).read_text(encoding="utf-8"))
    doc.pop("as_of", None)
    row = {
        "state": "DE",
        "applications": 150,
        "decision": "Council Implementing Decision (EU) 2026/1 (test)",
        "no_longer_in_force": "2026-01-01",
        "notified_on": "2025-11-20",
        "authorised_by": "C(2025) 9 (test)",
        "authorised_on": "2025-12-01",
    }
    plain, credited = tmp_path / "plain.yaml", tmp_path / "credited.yaml"
    plain.write_text(yaml.safe_dump(doc), encoding="utf-8")
    credited.write_text(yaml.safe_dump({**doc, "crisis_credits": [row]}), encoding="utf-8")
    before = run_cycle(2026, plain, assess=False).outcome.states["DE"]
    after = run_cycle(2026, credited, assess=False).outcome.states["DE"]
    assert before.fair_share_relocations - after.fair_share_relocations == 150
    assert before.fair_share_financial - after.fair_share_financial == Decimal(3_000_000)
    assert "9(4)(a)" in after.crisis_credit_note and "C(2025) 9 (test)" in after.crisis_credit_note
    early = run_cycle(2026, credited, assess=False, as_of=D(2025, 11, 30)).outcome.states["DE"]
    assert early.fair_share_relocations == before.fair_share_relocations
    bad = {**row, "state": "DK", "applications": 0}
    credited.write_text(yaml.safe_dump({**doc, "crisis_credits": [bad]}), encoding="utf-8")
    with pytest.raises(EupactError) as info:
        run_cycle(2026, credited, assess=False)
    assert {p.field for p in info.value.problems} >= {"applications"}


# -- through the service and the API, on SQLite and PostgreSQL -----------------------------------
#
# The 2026 cycle after its Council act: DE pledged 100 relocations and EUR 100,000,000, FR 50
# relocations. IT's crisis: needs 1,000 relocations, the Council decision applies from Fri
# 11 Sep 2026 for three months, to Thu 10 Dec 2026 (Art. 5(1)); no longer in force from
# 11 Dec 2026, so a credit may be claimed until 11 Dec 2031 (9(4)(b), five years). DE's money
# counts toward its fair share of the plan (the [reading] offsets.cap.contributions_counted),
# its relocations alone toward the pledges: the offsets put some of DE's applications above
# its fair share (9(1)(b)); the service computes that number X (its own test:
# tests/test_crisis_plan.py), and the credit may not exceed it.


@pytest.fixture(scope="module", params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    worlds = Worlds(request, tmp_path_factory.mktemp("credits"))
    try:
        w = worlds(str(request.param), "pledging")
        w.pledge("DE", "financial", 100_000_000)
        w.advance(Phase.COUNCIL_ACT_ADOPTED)
        clock = Clock(D(2026, 9, 1))
        w.service.clock = clock
        yield w, clock
    finally:
        worlds.close()


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text[:600])
    return response.json()


def post(w: World, clock: Clock, cid: int, who: str, day: str, **act: Any) -> Any:
    clock.to(max(D.fromisoformat(day), clock.now.date()))
    return w.call("POST", f"/crises/{cid}/events", who, json={**act, "date": day})


def fair(w: World, who: str = "commission") -> dict[str, Any]:
    rows = ok(w.call("GET", "/cycles/2026/outcome", who))["rows"]
    return next(r for r in rows if r["geo"] == "DE")


def test_notification_and_act_reduce_the_outcome(world) -> None:
    w, clock = world
    body = {
        "date": "2026-09-01",
        "situation": "mass_arrivals",
        "description": "arrivals tripled",
        "derogations": ["12"],
        "solidarity": {"relocations": 1000},
    }
    cid = ok(w.call("POST", "/crises", "IT", json=body), 201)["crisis"]["id"]
    plan = {"relocations": 1000, "from_pool_relocations": 150, "additional_relocations": 850}
    decision = "Council Implementing Decision (EU) 2026/7777 (test)"
    for who, day, act in [
        (
            "commission",
            "2026-09-03",
            {"kind": "commission_decision", "established": True, "situation": "mass_arrivals"},
        ),
        ("commission", "2026-09-03", {"kind": "proposal", "derogations": ["12"], "plan": plan}),
        (
            "council",
            "2026-09-10",
            {
                "kind": "council_decision",
                "applies_from": "2026-09-11",
                "derogations": ["12"],
                "plan": plan,
                "reference": decision,
            },
        ),
    ]:
        ok(post(w, clock, cid, who, day, **act), 201)
    # the upper bound the credits are checked against: each state holding the whole gap (the
    # world holds no Dublin case, so counted in the workspace nobody takes any)
    bound = ok(w.call("GET", f"/crises/{cid}/offsets?whole_gap=true", "observer"))
    assert bound["contributions_from"].startswith("each contributing state's pledges")
    assert "whole gap (an upper bound)" in bound["contributions_from"]
    states = bound["computed"]["states"]
    x, y = states["DE"]["above_fair_share"], states["FR"]["above_fair_share"]
    counted = ok(w.call("GET", f"/crises/{cid}/offsets", "observer"))["computed"]["states"]
    assert counted["DE"]["above_fair_share"] == counted["FR"]["above_fair_share"] == 0
    assert x > 0 and y > 0 and "IT" not in states
    before = fair(w)
    version = ok(w.call("GET", f"/crises/{cid}", "observer"))["version"]

    # refused, in words, changing nothing
    note = {"kind": "credit_notification"}
    assert_problem(
        post(w, clock, cid, "DE", "2026-10-01", **note, state="FR", applications=1),
        403,
        "state",
        "only for itself",
    )
    assert_problem(
        post(w, clock, cid, "commission", "2026-10-01", **note, state="DE", applications=1),
        403,
        "kind",
        "Member State",
    )
    assert_problem(
        post(
            w,
            clock,
            cid,
            "DE",
            "2026-10-01",
            kind="credit_authorisation",
            state="DE",
            applications=1,
            reference="C(2026) 1",
        ),
        403,
        "role",
        "",
    )
    assert_problem(
        post(
            w,
            clock,
            cid,
            "commission",
            "2026-10-01",
            kind="credit_authorisation",
            state="DE",
            applications=1,
            reference="C(2026) 1",
        ),
        422,
        "state",
        "notification",
    )  # the act before the notification (9(5))
    assert_problem(
        post(w, clock, cid, "DE", "2026-10-01", **note, applications=x + 1),
        422,
        "applications",
        "more than the Art. 9(1)(b)",
    )
    assert_problem(
        post(w, clock, cid, "IT", "2026-10-01", **note, applications=1),
        422,
        "applications",
        "not a contributing state",
    )
    assert ok(w.call("GET", f"/crises/{cid}", "observer"))["version"] == version

    # DE notifies all X (9(5), first subparagraph); the Commission authorises them
    ok(post(w, clock, cid, "DE", "2026-10-01", **note, applications=x), 201)
    view = ok(w.call("GET", f"/crises/{cid}", "observer"))
    (c,) = view["credits"]
    assert (c["state"], c["applications"], c["authorised_on"]) == ("DE", x, None)
    assert (c["no_longer_in_force"], c["expires_on"]) == ("2026-12-11", "2031-12-11")
    assert fair(w) == before  # notified only: nothing reduced before the act (9(5))
    act = {"kind": "credit_authorisation", "state": "DE", "reference": "C(2026) 7001 (test)"}
    assert_problem(
        post(w, clock, cid, "commission", "2026-11-02", **act, applications=x + 1),
        422,
        "applications",
        "more than",
    )
    ok(post(w, clock, cid, "commission", "2026-11-02", **act, applications=x), 201)
    assert_problem(
        post(w, clock, cid, "commission", "2026-11-03", **act, applications=1),
        422,
        "state",
        "already authorised",
    )

    # the outcome, the API's and a Member State's alike: X off the fair share, X × EUR 20,000
    for who in ("commission", "DE"):
        after = fair(w, who)
        assert after["fair_share_relocations"] == before["fair_share_relocations"] - x
        assert Decimal(str(after["fair_share_eur"])) == Decimal(
            str(before["fair_share_eur"])
        ) - x * Decimal(20_000)
        assert "9(4)(a)" in after["notes"] and "C(2026) 7001 (test)" in after["notes"]
    audit = [
        e
        for e in w.service.audit_log(w.actor("commission"), 0, 10_000)[0]
        if e.action.startswith("crisis.credit_")
    ]
    assert [(e.action, e.article) for e in audit] == [
        ("crisis.credit_notification", "Art. 9(4), 9(5) first subparagraph CFMR"),
        ("crisis.credit_authorisation", "Art. 9(4), 9(5) second subparagraph CFMR"),
    ]

    # the dashboard's pool page, in English and in French
    session_id, _ = w.service.tokens.open_session(w.tokens["observer"])
    client = TestClient(w.app, follow_redirects=False)
    client.cookies.set(SESSION_COOKIE, session_id)
    assert f"reduced by {x}: crisis credit (Art. 9(4)(a) CFMR)" in client.get("/pool").text
    client.cookies.set("eupact_lang", "fr")
    assert f"réduite de {x} : crédit de crise" in client.get("/pool").text
    client.cookies.set("eupact_lang", "de")
    assert f"um {x} gemindert: Anrechnung aus einer Krise" in client.get("/pool").text
    session_id, _ = w.service.tokens.open_session(w.tokens["DE"])
    own = TestClient(w.app, follow_redirects=False)
    own.cookies.set(SESSION_COOKIE, session_id)
    for path, anchor in (("/workspace/DE", 'id="crisis-credit"'), ("/state/DE", "state-crisis")):
        page = own.get(path).text
        assert anchor in page and f"reduced by {x}: crisis credit" in page, path

    # five years from 11 Dec 2026: the last day still, the day after refused (9(4)(b));
    # in the service (the API's test tokens expire long before 2032)
    crises = Crises(w.service.ctx)
    fr, commission = Actor("test:FR", Role.MEMBER_STATE, "FR"), w.actor("commission")
    clock.to(D(2032, 1, 5))
    with pytest.raises(EupactError) as late:
        crises.record(fr, cid, "credit_notification", {"applications": 1}, D(2031, 12, 12))
    assert late.value.problems[0].field == "date"
    assert "until 2031-12-11" in late.value.problems[0].rule
    crises.record(fr, cid, "credit_notification", {"applications": 1}, D(2031, 12, 11))
    act = {"state": "FR", "applications": 1, "reference": "C(2031) 1 (test)"}
    with pytest.raises(EupactError) as late:
        crises.record(commission, cid, "credit_authorisation", act, D(2031, 12, 12))
    assert late.value.problems[0].field == "authorised_on"
    assert "expired on 2031-12-11" in late.value.problems[0].rule


# -- cases added by mutation testing (issue 17; docs/testing.md) --------------------------------


def test_use_credits_rows_name_state_year_fair_share_and_reading() -> None:
    """Art. 9(4)(a) CFMR: AT's credit of 150 against a fair share of 1,000 in 2026 uses 150;
    BE's credit of 5 meets no fair share given for BE: 0 (a fair share never goes below zero)."""
    p = PARAMS["as_needed"]
    uses, after = use_credits([credit(150), credit(5, state="BE")], 2026, {"AT": 1000}, p)
    at, be = uses["AT"], uses["BE"]
    assert (at.state, at.year, at.fair_share, at.used, at.policy) == (
        "AT",
        2026,
        1000,
        150,
        "as_needed",
    )
    assert (be.state, be.fair_share, be.used, be.left) == ("BE", 0, 0, 5)
    assert [c.used for c in after] == [150, 0]


def test_carry_credits_takes_the_years_in_order() -> None:
    """Reading evenly (9(4)(a)): a credit of 10 authorised on 1 January 2026, five years: by
    2026 at most 10 x 1 // 5 = 2, by 2027 10 x 2 // 5 = 4 in all. Given 2027 first: 2026 (fair
    share 10) uses 2, then 2027 (fair share 1) min(1, 4 - 2) = 1: 3 used. Taken in the order
    given it would be 1, then min(10, 2 - 1) = 1: 2."""
    p = PARAMS["evenly"]
    out = carry_credits(
        [credit(10, authorised_on=D(2026, 1, 1))], [(2027, {"AT": 1}, p), (2026, {"AT": 10}, p)]
    )
    assert [c.used for c in out] == [3]


def test_evenly_rounds_each_fifth_down_and_counts_the_act_s_own_year() -> None:
    """Reading evenly: a credit of 4 over five years allows 4 x 1 // 5 = 0 in its first year and
    4 x 2 // 5 = 1 by the second. Reading pool_year_of_authorisation: a credit authorised on
    1 March 2026 counts from 2026 (10 x 1 // 5 = 2); next_pool_year: from 2027."""
    p = PARAMS["evenly"]
    four = credit(4, authorised_on=D(2026, 1, 1))
    assert (four.allowance(2026, p), four.allowance(2027, p)) == (0, 1)
    own = params_with(
        **{"crisis.credits.use_per_cycle": "evenly", "crisis.credits.first_cycle": OWN_YEAR}
    )
    march = credit(10, authorised_on=D(2026, 3, 1))
    assert march.allowance(2026, own) == 2
    assert march.first_year(NEXT_YEAR) == 2027 and march.first_year(OWN_YEAR) == 2026


def test_reduce_a_fair_share_of_zero_and_refuse_a_negative_one() -> None:
    """Art. 9(4)(a): a fair share of 0 is reduced by nothing; -1 is refused by name."""
    c = credit(10)
    cut, left = c.reduce(0, D(2026, 6, 1))
    assert (cut, left.used) == (0, 0)
    with pytest.raises(EupactError) as err:
        c.reduce(-1, D(2026, 6, 1))
    p = err.value.problems[0]
    assert (p.field, p.value, p.rule) == ("fair_share", -1, "must be 0 or more")


def test_authorise_and_check_credits_at_their_boundaries() -> None:
    """Art. 9(5) CFMR: the Commission's act may be of the notification's day and of the last day
    of the window (9(4)(b)), not the day before the notification nor after the window; a blank
    act is refused. The cycle's check: 1 and MAX_PERSONS applications are allowed, 0 is not;
    used may equal the credit; a window may end on the day the decision ends."""
    base = CrisisCredit("AT", 10, "CID", D(2026, 1, 1), EXPIRES)
    same_day = base.authorise("C(1)", D(2026, 2, 1), D(2026, 2, 1))
    assert (same_day.notified_on, same_day.authorised_on) == (D(2026, 2, 1), D(2026, 2, 1))
    assert base.authorise("C(1)", EXPIRES, D(2026, 2, 1)).authorised_on == EXPIRES
    for act, on, notified, field, value in (
        ("  ", D(2026, 2, 1), D(2026, 2, 1), "authorised_by", "  "),
        ("C(1)", D(2026, 1, 31), D(2026, 2, 1), "authorised_on", D(2026, 1, 31)),
        ("C(1)", D(2031, 1, 2), D(2026, 2, 1), "authorised_on", D(2031, 1, 2)),
    ):
        with pytest.raises(EupactError) as err:
            base.authorise(act, on, notified)
        p = err.value.problems[0]
        assert (p.field, p.value) == (field, value) and "Art. 9(" in p.rule
    check_credits(
        [
            replace(base, applications=1),
            replace(base, applications=MAX_PERSONS),
            replace(base, used=10),
            replace(base, expires_on=base.no_longer_in_force),
        ],
        ["AT"],
    )
    with pytest.raises(EupactError) as err:
        check_credits(
            [
                replace(base, state="XX"),
                replace(base, applications=0),
                replace(base, used=11),
                replace(base, expires_on=D(2025, 12, 31)),
            ],
            ["AT"],
        )
    assert err.value.summary == "crisis credits refused"
    assert [(p.field, p.value, p.location) for p in err.value.problems] == [
        ("state", "XX", "crisis_credits[0]"),
        ("applications", 0, "crisis_credits[1]"),
        ("used", 11, "crisis_credits[2]"),
        ("expires_on", "2025-12-31", ""),
    ]
    assert [p.rule.split(";")[0] for p in err.value.problems] == [
        "not among the participating states",
        f"between 1 and {MAX_PERSONS:,}",
        "between 0 and the 10 credited",
        "is before the decision ended",
    ]
