"""The Solidarity Response Plan (CFMR Art. 4(2)(b), 4(5)(b), 8(1)) and crisis offsets with their
credits (Art. 9), on a three-state key worked by hand, and hypothesis invariants.

The key: IT (the state in crisis), DE and FR; population 100, 60, 40 and GDP 100, 60, 40, weights
1/2 and 1/2 (Art. 66 AMMR). Over all three: IT 1/2, DE 3/10, FR 1/5. Over the contributing states
DE and FR only ([reading] renormalised): DE 3/5, FR 2/5."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eupact.crisis.measures import AuthorisedMeasures, Derogation, Situation
from eupact.crisis.offsets import (
    Contribution,
    CrisisCredit,
    crisis_offsets,
    eligible_applications,
)
from eupact.crisis.plan import PlanRequest, SolidarityResponsePlan, response_plan
from eupact.crisis.plan_input import read_plan
from eupact.errors import EupactError
from eupact.key.reference_key import ReferenceKey
from eupact.parameters import ParametersAt, load_parameters
from eupact.pool.offset_cases import OffsetCase

from .conftest import tiny_key

D = dt.date
ON = D(2027, 4, 1)
PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def params_with(**readings: str) -> ParametersAt:
    return load_parameters().with_readings(readings).at(ON)


@pytest.fixture(scope="module")
def params() -> ParametersAt:
    return params_with()


@pytest.fixture(scope="module")
def key(params: ParametersAt) -> ReferenceKey:
    return tiny_key(params, {"IT": 100, "DE": 60, "FR": 40}, {"IT": "100", "DE": "60", "FR": "40"})


def request(**changes: object) -> PlanRequest:
    base: dict[str, object] = {
        "state": "IT",
        "situation": Situation.MASS_ARRIVALS,
        "on": ON,
        "relocation_needs": 1000,
        "financial_needs": Decimal("2000000"),
        "alternative_needs": Decimal("500000"),
        "pool_relocations": 400,
        "pool_financial": Decimal("3000000"),
    }
    return PlanRequest(**{**base, **changes})  # type: ignore[arg-type]


MEASURES = AuthorisedMeasures(
    "IT",
    Situation.MASS_ARRIVALS,
    "CID 1",
    ON,
    D(2027, 4, 2),
    D(2027, 7, 1),
    D(2027, 7, 1),
    frozenset({Derogation.TIME_LIMITS}),
)


# --- the plan ----------------------------------------------------------------------------------


def test_plan_draws_on_the_pool_first(key: ReferenceKey, params: ParametersAt) -> None:
    plan = response_plan(request(), key, params)
    # needs: 1000 relocations; EUR 2,000,000 + 500,000 (8(1)(c) counted as financial)
    assert (plan.needs.relocations, plan.needs.financial) == (1000, Decimal("2500000"))
    # pool: 400 relocations, EUR 3,000,000 >= 2,500,000 -> all the money from the pool
    assert (plan.from_pool.relocations, plan.from_pool.financial) == (400, Decimal("2500000"))
    # additional pledges: 1000 - 400 = 600, EUR 0
    assert (plan.additional.relocations, plan.additional.financial) == (600, Decimal(0))
    assert plan.pool_short
    # indicative: DE 3/5 x 600 = 360, FR 2/5 x 600 = 240; IT does not contribute
    assert {g: r.relocations for g, r in plan.indicative.rows.items()} == {"DE": 360, "FR": 240}
    assert plan.contributing == ("DE", "FR")
    assert plan.uncovered_by_contributions.relocations == 0
    assert "IT" in plan.explain("DE").notes[1]


def test_plan_rounds_each_state_up(key: ReferenceKey, params: ParametersAt) -> None:
    # additional 601: DE 3/5 x 601 = 360.6 -> 361, FR 240.4 -> 241 (key.rounding.relocations=up)
    plan = response_plan(request(relocation_needs=1001), key, params)
    assert {g: r.relocations for g, r in plan.indicative.rows.items()} == {"DE": 361, "FR": 241}
    assert plan.uncovered_by_contributions.relocations == -1


def test_plan_readings(key: ReferenceKey) -> None:
    # left_uncovered: DE 3/10 x 600 = 180, FR 1/5 x 600 = 120; IT's half (300) stays uncovered
    plan = response_plan(
        request(), key, params_with(**{"crisis.plan.crisis_state_share": "left_uncovered"})
    )
    assert {g: r.relocations for g, r in plan.indicative.rows.items()} == {"DE": 180, "FR": 120}
    assert plan.uncovered_by_contributions.relocations == 300
    # total_needs: DE 3/5 x 1000 = 600, FR 400; EUR 3/5 x 2,500,000 = 1,500,000.00
    plan = response_plan(
        request(), key, params_with(**{"crisis.plan.indicative_basis": "total_needs"})
    )
    rows = plan.indicative.rows
    assert (rows["DE"].relocations, rows["FR"].relocations) == (600, 400)
    assert (rows["DE"].financial, rows["FR"].financial) == (
        Decimal("1500000.00"),
        Decimal("1000000.00"),
    )
    # deduct_allocated: 100 already allocated as a benefitting state -> open 900, pool 400,
    # additional 500: DE 300, FR 200; recorded_only ignores the allocation
    changed = request(already_benefitting=True, allocated_relocations=100)
    plan = response_plan(
        changed, key, params_with(**{"crisis.plan.already_benefitting": "deduct_allocated"})
    )
    assert plan.additional.relocations == 500
    assert {g: r.relocations for g, r in plan.indicative.rows.items()} == {"DE": 300, "FR": 200}
    assert response_plan(changed, key, params_with()).additional.relocations == 600


def test_plan_refusals(key: ReferenceKey, params: ParametersAt) -> None:
    with pytest.raises(EupactError) as info:
        response_plan(request(situation=Situation.FORCE_MAJEURE), key, params)
    assert "Art. 4(2)(b)" in info.value.problems[0].rule
    with pytest.raises(EupactError) as info:
        response_plan(request(state="DK"), key, params)
    assert "not bound by the CFMR" in info.value.problems[0].rule
    with pytest.raises(EupactError) as info:
        response_plan(request(state="PL"), key, params)
    assert "reference key" in info.value.problems[0].rule


# --- offsets --------------------------------------------------------------------------------


def offsets(plan: SolidarityResponsePlan, params: ParametersAt, **kw: object) -> object:
    contributions = kw.pop(
        "contributions",
        {
            "DE": Contribution(relocations=300),
            "FR": Contribution(relocations=100, money=Decimal("2000000")),
        },
    )
    return crisis_offsets(
        plan,
        kw.pop("measures", MEASURES),
        contributions,
        params,  # type: ignore[arg-type]
        **kw,
    )  # type: ignore[arg-type]


def test_offsets_within_then_above_the_fair_share(key: ReferenceKey, params: ParametersAt) -> None:
    plan = response_plan(request(), key, params)
    o = offsets(plan, params)
    # pledged 300 + 100 = 400 < 1000: gap 600 (9(1)(a), 100 %)
    assert (o.target, o.pledged, o.triggered, o.gap) == (1000, 400, True, 600)
    # fair shares of the 1000: DE 600, FR 400; left (all forms count, EUR 20,000 a relocation):
    # DE 600 - 300 = 300; FR 400 - 100 - 2,000,000 / 20,000 = 200
    assert o.fair_shares == {"DE": 600, "FR": 400} and o.caps == {"DE": 300, "FR": 200}
    # within: DE 3/5 x 600 = 360 > 300 -> 300; FR takes the other 300, capped at 200
    assert o.within == {"DE": 300, "FR": 200}
    # above (9(1)(b)): the last 100 by the key: DE 60, FR 40
    assert o.above == {"DE": 60, "FR": 40} and o.uncovered == 0 and not o.forum_reconvened
    assert [(c.state, c.applications) for c in o.credits] == [("DE", 60), ("FR", 40)]
    # five years from the day the decision is no longer in force: 2027-07-02 -> 2032-07-02
    assert o.credits[0].no_longer_in_force == D(2027, 7, 2)
    assert o.credits[0].expires_on == D(2032, 7, 2)


def test_offsets_limited_by_qualifying_applications(
    key: ReferenceKey, params: ParametersAt
) -> None:
    plan = response_plan(request(), key, params)
    # DE holds 320, FR 1000: within as before (300, 200); above: DE only 20 more, FR the 80 left
    o = offsets(
        plan,
        params,
        contributions={
            "DE": Contribution(relocations=300, eligible=320),
            "FR": Contribution(relocations=100, money=Decimal("2000000"), eligible=1000),
        },
    )
    assert o.within == {"DE": 300, "FR": 200} and o.above == {"DE": 20, "FR": 80}
    # DE 250, FR 150: 400 within, 200 left nobody can take: the Forum is reconvened (9(2))
    o = offsets(
        plan,
        params,
        contributions={
            "DE": Contribution(relocations=300, eligible=250),
            "FR": Contribution(relocations=100, money=Decimal("2000000"), eligible=150),
        },
    )
    assert o.within == {"DE": 250, "FR": 150} and o.above == {"DE": 0, "FR": 0}
    assert o.uncovered == 200 and o.forum_reconvened and o.credits == ()


def test_offsets_not_mandatory(key: ReferenceKey, params: ParametersAt) -> None:
    plan = response_plan(request(), key, params)
    art13 = AuthorisedMeasures(
        "IT",
        Situation.MASS_ARRIVALS,
        "CID 13",
        ON,
        ON,
        D(2027, 6, 30),
        D(2027, 6, 30),
        frozenset({Derogation.TAKE_BACK_RELEASE}),
        take_back_window=(D(2027, 1, 1), ON),
    )
    o = offsets(plan, params, measures=art13)
    assert "Art. 13" in o.excluded_by and o.gap == 0 and o.credits == ()
    o = offsets(plan, params, temporary_protection_art11_disapplied=True)
    assert "2001/55/EC" in o.excluded_by and o.gap == 0
    # pledges covering the needs: nothing triggered
    o = offsets(
        plan,
        params,
        contributions={"DE": Contribution(relocations=600), "FR": Contribution(relocations=400)},
    )
    assert not o.triggered and o.gap == 0


def test_offsets_fair_share_given(key: ReferenceKey) -> None:
    p = params_with(**{"crisis.offsets.fair_share": "given"})
    plan = response_plan(request(), key, p)
    with pytest.raises(EupactError) as info:
        offsets(plan, p)
    assert "crisis.offsets.fair_share=given" in info.value.problems[0].rule
    o = offsets(plan, p, fair_shares={"DE": 350, "FR": 250})
    # left: DE 350 - 300 = 50, FR 250 - 100 - 100 = 50; within 100, above 500 by key: 300, 200
    assert o.within == {"DE": 50, "FR": 50} and o.above == {"DE": 300, "FR": 200}


def test_credit_authorised_then_reduced_within_five_years() -> None:
    credit = CrisisCredit("DE", 60, "CID 1", D(2027, 7, 2), D(2032, 7, 2))
    assert credit.usable_on(D(2028, 1, 1)) == 0  # not before the Commission's act (9(5))
    with pytest.raises(EupactError):
        credit.authorise("C(2028) 1", D(2027, 11, 30), notified_on=D(2027, 12, 1))
    ok = credit.authorise("C(2028) 1", D(2028, 1, 10), notified_on=D(2027, 12, 1))
    assert ok.usable_on(D(2028, 1, 9)) == 0 and ok.usable_on(D(2028, 1, 10)) == 60
    cut, left = ok.reduce(45, D(2029, 3, 1))
    assert (cut, left.used) == (45, 45)
    cut, left = left.reduce(45, D(2030, 3, 1))
    assert (cut, left.used) == (15, 60)
    assert ok.usable_on(D(2032, 7, 2)) == 60 and ok.usable_on(D(2032, 7, 3)) == 0
    with pytest.raises(EupactError):
        credit.authorise("C(2033) 1", D(2032, 7, 3), notified_on=D(2032, 6, 1))


def test_eligible_applications_reuse_63_8(params: ParametersAt) -> None:
    cases = [
        OffsetCase("c1", "IT", "33", transfer_time_limit=D(2027, 12, 1)),
        OffsetCase("c2", "IT", "33", unaccompanied_minor=True, transfer_time_limit=D(2027, 12, 1)),
        OffsetCase("c3", "IT", "26", transfer_time_limit=D(2027, 12, 1)),  # family: 63(8)(b)
        OffsetCase("c4", "EL", "33", transfer_time_limit=D(2027, 12, 1)),  # not the crisis state
        OffsetCase("c5", "IT", "29", transfer_time_limit=D(2027, 4, 30)),  # expired on 05-01
    ]
    assert eligible_applications(cases, "DE", "IT", D(2027, 5, 1), params) == 1


def test_read_plan_file_refuses_in_words() -> None:
    with pytest.raises(EupactError) as info:
        read_plan(
            {
                "state": "IT",
                "situation": "mass_arrivals",
                "date": "2027-04-01",
                "needs": {"relocations": -5, "financial": "abc"},
                "pool": {"colour": 1},
                "offsets": {"contributions": {"DE": {"relocations": "x"}}},
            }
        )
    fields = {p.field for p in info.value.problems}
    assert {"needs.relocations", "needs.financial", "pool.colour"} <= fields
    parsed = read_plan(
        {
            "state": "it",
            "situation": "mass_arrivals",
            "date": "2027-04-01",
            "needs": {"relocations": 10},
            "offsets": {
                "decision": {
                    "reference": "CID 1",
                    "adopted_on": "2027-04-01",
                    "applies_until": "2027-06-30",
                },
                "contributions": {"de": {"relocations": 3, "eligible": 4}},
            },
        }
    )
    assert parsed.request.state == "IT" and parsed.offsets is not None
    assert parsed.offsets.contributions["DE"] == Contribution(relocations=3, eligible=4)


# --- invariants -----------------------------------------------------------------------------

contribution = st.builds(
    Contribution,
    relocations=st.integers(0, 800),
    money=st.integers(0, 20_000_000).map(Decimal),
    eligible=st.one_of(st.none(), st.integers(0, 1500)),
)


@PROPS
@given(
    needs=st.integers(0, 3000),
    pool=st.integers(0, 3000),
    de=contribution,
    fr=contribution,
    reading=st.sampled_from(["renormalised", "left_uncovered"]),
)
def test_offsets_invariants(
    key: ReferenceKey, needs: int, pool: int, de: Contribution, fr: Contribution, reading: str
) -> None:
    p = params_with(**{"crisis.plan.crisis_state_share": reading})
    plan = response_plan(request(relocation_needs=needs, pool_relocations=pool), key, p)
    o = offsets(plan, p, contributions={"DE": de, "FR": fr})
    # never beyond what the pledges leave of the needs (9(1)(a)), every part accounted for
    assert 0 <= o.gap <= max(0, needs - (de.relocations + fr.relocations))
    assert sum(o.within.values()) + sum(o.above.values()) + o.uncovered == o.gap
    for g, c in (("DE", de), ("FR", fr)):
        assert 0 <= o.within[g] <= o.caps[g]
        assert o.above[g] >= 0
        if c.eligible is not None:
            assert o.within[g] + o.above[g] <= c.eligible
        # above the fair share only once the fair share is taken up or the cases run out
        if o.above[g]:
            assert o.within[g] == min(o.caps[g], c.eligible if c.eligible is not None else o.gap)
    # the credits are exactly what was taken above the fair share (9(4))
    assert sum(c.applications for c in o.credits) == sum(o.above.values())
    assert all(c.applications > 0 for c in o.credits)
    # the plan: pool first, then additional pledges, never more than needed
    assert plan.from_pool.relocations + plan.additional.relocations == needs
    assert plan.from_pool.relocations == min(pool, needs)


@PROPS
@given(additional=st.integers(0, 100_000))
def test_renormalised_contributions_cover_the_basis_up_to_rounding(
    key: ReferenceKey, additional: int
) -> None:
    plan = response_plan(
        request(relocation_needs=additional, pool_relocations=0), key, params_with()
    )
    left = plan.uncovered_by_contributions.relocations
    # each state rounded up: at most one person per contributing state above the basis
    assert -len(plan.contributing) < left <= 0 or (left == 0)
    shares = sum(r.share for r in plan.indicative.rows.values())
    assert shares == Fraction(1)


# --- cases added by mutation testing (issue 17; docs/testing.md) ----------------------------------


def test_offsets_a_state_without_contribution_counts_as_zero(
    key: ReferenceKey, params: ParametersAt
) -> None:
    """Art. 9(1)(a)-(b) CFMR: FR pledged nothing (no entry). Pledged 300 < 1000: gap 700.
    Fair shares DE 600, FR 400; left DE 600 - 300 = 300, FR 400 - 0 = 400 (63(7) AMMR).
    Within: DE 3/5 x 700 = 420 > 300 -> 300, FR the other 400 (its cap exactly); nothing
    above, nothing uncovered, no credit (9(4))."""
    plan = response_plan(request(), key, params)
    o = offsets(plan, params, contributions={"DE": Contribution(relocations=300)})
    assert (o.pledged, o.gap, o.caps) == (300, 700, {"DE": 300, "FR": 400})
    assert o.within == {"DE": 300, "FR": 400} and o.above == {"DE": 0, "FR": 0}
    assert o.uncovered == 0 and o.credits == () and o.excluded_by == ""


def test_offsets_carry_the_plan_decision_credits_and_readings(
    key: ReferenceKey, params: ParametersAt
) -> None:
    """The result of the first case (gap 600; above DE 60, FR 40) names its plan, the Council
    decision CID 1 (on each credit too, 9(4)-(5)) and the readings: the fair share by the key
    (the default), the AMMR's 63(7) reading, the credit window of five years from 2 July 2027
    (the day after the decision's last day, 1 July 2027) to 2 July 2032 (9(4)(b))."""
    plan = response_plan(request(), key, params)
    o = offsets(plan, params)
    assert o.plan is plan and o.decision == "CID 1"
    assert [c.decision for c in o.credits] == ["CID 1", "CID 1"]
    assert o.readings["crisis.offsets.fair_share"] == str(params("crisis.offsets.fair_share"))
    assert o.readings["offsets.cap.contributions_counted"] == str(
        key.params("offsets.cap.contributions_counted")
    )
    window = o.readings["credit_window"]
    assert window.startswith("within 5 years of ") and "2027" in window and "2032" in window
    p = params_with(**{"crisis.offsets.fair_share": "given"})
    with pytest.raises(EupactError) as info:
        offsets(response_plan(request(), key, p), p, fair_shares={"DE": 350})
    problem = info.value.problems[0]
    assert (problem.field, problem.value) == ("fair_shares", ["DE"])
