"""The vectorised batch path gives the exact path's figures (Art. 57 totals, Art. 60(3), Art. 63):
the same integers, cent for cent and offset for offset."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from functools import cache
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from eupact.key.reference_key import ReferenceKey
from eupact.parameters import ParametersAt, load_parameters
from eupact.pool import batch
from eupact.pool.acts import CouncilAct
from eupact.pool.allocation import PoolNumbers, allocate, apportion
from eupact.pool.batch import batch_context, evaluate_cents, evaluate_scenarios
from eupact.pool.benefit import Benefit, Needs, Standing, UseOfPool, standing
from eupact.pool.outcome import PoolOutcome, compute_outcome
from eupact.pool.pledges import Deduction, DeductionStatus, Pledge, PledgeKind
from eupact.pool.synthetic import scenario_matrix


def _pledges(states, row):
    out = []
    for geo, (reloc, fin, alt) in zip(states, row, strict=True):
        if reloc:
            out.append(Pledge(geo, PledgeKind.RELOCATION, Decimal(int(reloc))))
        if fin:
            out.append(Pledge(geo, PledgeKind.FINANCIAL, Decimal(str(fin))))
        if alt:
            out.append(Pledge(geo, PledgeKind.ALTERNATIVE, Decimal(str(alt)), ("IT",)))
    return out


def _assert_same(exact: PoolOutcome, result: batch.BatchResult, i: int) -> None:
    """Every figure the batch gives, against the exact outcome of scenario ``i``."""
    states = result.states
    t, o = exact.totals, exact.offsets
    got = {
        "pledged relocations": int(result.pledged_relocations[i]),
        "pledged total (cents)": int(result.pledged_total_cents[i]),
        "shortfall (cents)": int(result.shortfall_cents[i]),
        "surplus (cents)": int(result.surplus_cents[i]),
        "to implement (relocations)": int(result.to_implement_relocations[i]),
        "requested offsets possible": bool(result.requested_possible[i]),
        "triggered": bool(result.triggered[i]),
        "obligatory": bool(result.obligatory[i]),
        "gap": int(result.gap[i]),
        "uncovered": int(result.uncovered[i]),
        "balance (cents)": result.balance_cents[i].tolist(),
        "obligations": result.obligations[i].tolist(),
    }
    want = {
        "pledged relocations": t.pledged_relocations,
        "pledged total (cents)": int(t.pledged_total * 100),
        "shortfall (cents)": int(t.shortfall * 100),
        "surplus (cents)": int(t.surplus * 100),
        "to implement (relocations)": t.to_implement_relocations,
        "requested offsets possible": o.requested_possible,
        "triggered": o.triggered,
        "obligatory": o.obligatory,
        "gap": o.gap,
        "uncovered": o.uncovered,
        "balance (cents)": [int(exact.states[g].balance * 100) for g in states],
        "obligations": [o.obligations.get(g, 0) for g in states],
    }
    assert got == want


READINGS = [
    {},
    {"offsets.cap.contributions_counted": "relocations_only"},
    {"offsets.cap.granted_deductions": "none"},
    {
        "offsets.obligatory.distribution": "pro_rata_remaining_fair_share",
        "implementation.systemic_shortcomings.spread": "declared_needs",
    },
    {"offsets.obligatory.retest_needs_reconvened_forum": "not_required"},
]


@pytest.mark.parametrize("readings", READINGS, ids=lambda r: ",".join(r.values()) or "default")
@pytest.mark.parametrize("reference", [21000, 80000], ids=["2026-caps-bind", "large-pool"])
@pytest.mark.parametrize("forum", [True, False], ids=["reconvened", "not-reconvened"])
def test_batch_equals_exact_path(key2026, act, reference, readings, forum):
    """Art. 57, 60(3), 63(3)-(7): same totals, gaps and per-state offsets as compute_outcome,
    with benefitting states (Art. 58), systemic shortcomings (60(3)), a full and a partial
    deduction (61, 62) and every [reading] of the offsets."""
    params = load_parameters().with_readings(readings).at(act.act_date)
    key = replace(key2026, params=params)
    act1 = replace(
        act,
        reference=PoolNumbers(reference, Decimal(reference) * 20000),
        systemic_shortcomings_states=("EL",),
    )
    day = params("cycle.date_of_application_part_iv")
    uses = [UseOfPool("IT", day, Needs(3000)), UseOfPool("EL", day, Needs(1000))]
    who = standing(act1, params, uses)
    fair = allocate(key, act1.reference, "fair share", "Art. 57(3)")
    scenarios = scenario_matrix(fair, 30, seed=reference)
    deductions = [
        Deduction(
            "PL",
            "62",
            False,
            financial=Decimal(1000),
            status=DeductionStatus.GRANTED,
            council_act="X",
        ),
        Deduction("CZ", "62", True, status=DeductionStatus.GRANTED, council_act="X"),
    ]
    result = evaluate_scenarios(
        batch_context(key, act1, deductions, who), scenarios, forum_reconvened=forum
    )
    for i in range(len(scenarios)):
        exact = compute_outcome(
            key,
            act1,
            _pledges(key.states, scenarios[i]),
            deductions,
            forum_reconvened=forum,
            standing=who,
        )
        _assert_same(exact, result, i)


def test_blocks_give_the_same_as_one_block(key2026, act, monkeypatch):
    """Scenarios are evaluated a block at a time; the blocks' results are the whole's."""
    fair = allocate(key2026, act.reference, "fair share", "Art. 57(3)")
    scenarios = scenario_matrix(fair, 1000, seed=5)
    forum = np.arange(1000) % 3 > 0
    ctx = batch_context(key2026, act)
    whole = evaluate_scenarios(ctx, scenarios, forum_reconvened=forum)
    monkeypatch.setattr(batch, "BLOCK", 64)
    blocks = evaluate_scenarios(ctx, scenarios, forum_reconvened=forum)
    for name, value in vars(whole).items():
        assert np.array_equal(value, getattr(blocks, name)), name


def test_no_scenarios_and_narrow_integers(key2026, act):
    """No scenario gives empty results; int32 input is widened before money is computed (20,000
    relocations are EUR 400 million: 4 × 10^10 cents, beyond int32)."""
    ctx = batch_context(key2026, act)
    empty = evaluate_scenarios(ctx, np.zeros((0, 26, 3)))
    assert empty.obligations.shape == (0, 26) and empty.gap.shape == (0,)
    relocations = np.full((1, 26), 20_000, dtype=np.int32)
    result = evaluate_cents(ctx, relocations, np.zeros((1, 26), dtype=np.int32))
    assert result.pledged_total_cents[0] == 26 * 20_000 * 2_000_000


def test_batch_refuses_negative_or_huge_pledges(key2026, act):
    ctx = batch_context(key2026, act)
    zeros = np.zeros((2, 26), np.int64)
    with pytest.raises(ValueError, match="non-negative"):
        evaluate_cents(ctx, zeros - 1, zeros)
    with pytest.raises(ValueError, match="10\\^13"):
        evaluate_cents(ctx, zeros, zeros + 10**14)


def test_batch_rejects_wrong_shape(key2026, act):
    with pytest.raises(ValueError, match="shape"):
        evaluate_scenarios(batch_context(key2026, act), np.zeros((3, 5, 3)))
    ctx = batch_context(key2026, act)
    with pytest.raises(ValueError, match="shape"):
        evaluate_cents(ctx, np.zeros((3, 26), np.int64), np.zeros((2, 26), np.int64))


def test_batch_forum_not_reconvened_owes_nothing(key2026, act):
    """Art. 63(3): without the reconvened Forum no offsets are owed."""
    fair = allocate(key2026, act.reference, "fair share", "Art. 57(3)")
    result = evaluate_scenarios(
        batch_context(key2026, act), scenario_matrix(fair, 10), forum_reconvened=False
    )
    assert result.triggered.all() and (result.obligations == 0).all()


# --- The property: random worlds and scenarios, the batch equals the exact engine -------------

READING_ALTERNATIVES = {
    "offsets.cap.contributions_counted": ("all_forms", "relocations_only"),
    "offsets.cap.granted_deductions": ("proportional", "none"),
    "offsets.obligatory.distribution": (
        "key_capped_at_fair_share",
        "pro_rata_remaining_fair_share",
    ),
    "offsets.obligatory.retest_needs_reconvened_forum": ("required", "not_required"),
    "implementation.systemic_shortcomings.spread": ("equal_parts", "declared_needs"),
    "implementation.systemic_shortcomings.pledges_released": (
        "relocations_and_alternative",
        "all_types",
    ),
}
STATES_2026 = tuple(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "EE",
        "EL",
        "ES",
        "FI",
        "FR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
SCENARIOS_PER_EXAMPLE = 4
EXAMPLES = 100  # 400 scenarios compared per run, each field by field


@cache
def _params(readings: tuple[tuple[str, str], ...], on: dt.date) -> ParametersAt:
    return load_parameters().with_readings(dict(readings)).at(on)


@st.composite
def worlds(draw: Any) -> dict[str, Any]:
    """Readings, the reference number, who benefits (and with what declared needs, which of them
    with systemic shortcomings), deductions granted or not, full or partial."""
    readings = tuple(
        (name, draw(st.sampled_from(alts))) for name, alts in READING_ALTERNATIVES.items()
    )
    benefitting = draw(st.lists(st.sampled_from(STATES_2026), unique=True, max_size=5))
    needs = {g: draw(st.integers(0, 8000)) for g in benefitting}
    shortcomings = draw(st.lists(st.sampled_from(benefitting), unique=True)) if benefitting else []
    deducted = draw(st.lists(st.sampled_from(STATES_2026), unique=True, max_size=4))
    deductions = [
        (
            g,
            draw(st.booleans()),  # full
            draw(st.integers(0, 400)),  # relocations deducted (partial)
            draw(st.integers(0, 5_000_000_00)),  # cents deducted (partial)
            draw(st.sampled_from((DeductionStatus.GRANTED, DeductionStatus.REQUESTED))),
        )
        for g in deducted
    ]
    return {
        "readings": readings,
        # pools below the floor (every state owes its whole cap, as in 2026) and pools whose
        # 60 % exceeds the floor, where the gap is shared by water filling
        "reference": draw(
            st.sampled_from((21_000, 80_000, 120_000)) | st.integers(50_000, 200_000)
        ),
        "benefitting": needs,
        "shortcomings": shortcomings,
        "deductions": deductions,
    }


def _world(
    key2026: ReferenceKey, act: CouncilAct, w: dict[str, Any]
) -> tuple[ReferenceKey, CouncilAct, list[Deduction], Standing]:
    params = _params(w["readings"], act.act_date)
    key = replace(key2026, params=params)
    ref = w["reference"]
    act1 = replace(act, reference=PoolNumbers(ref, Decimal(ref) * 20000))
    day = dt.date(2026, 7, 1)
    who = Standing(
        None,
        {g: Benefit(g, "Art. 58(1) AMMR", day, Needs(n), day) for g, n in w["benefitting"].items()},
        {g: "SYNTHETIC decision" for g in w["shortcomings"]},
    )
    deductions = [
        Deduction(
            g,
            "62",
            full,
            relocations=0 if full else reloc,
            financial=Decimal(0) if full else Decimal(cents) / 100,
            status=status,
            council_act="SYNTHETIC" if status is DeductionStatus.GRANTED else "",
        )
        for g, full, reloc, cents, status in w["deductions"]
    ]
    return key, act1, deductions, who


# Pledges as per cent of each state's fair share (so that every size of pool gets pledges that
# matter), plus cents. Relocations are mostly below the fair share, with some at or just below it
# (caps of 0 or a few offsets, reached first); money mostly small, so that caps stay open.
RELOC_PCT = st.integers(0, 60) | st.integers(85, 100) | st.sampled_from((0, 99, 100, 130))
MONEY_PCT = st.sampled_from((0, 0, 0, 5, 10)) | st.integers(0, 160)
SHAPE = (SCENARIOS_PER_EXAMPLE, len(STATES_2026))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    world=worlds(),
    reloc_pct=hnp.arrays(np.int64, SHAPE, elements=RELOC_PCT),
    fin_pct=hnp.arrays(np.int64, SHAPE, elements=MONEY_PCT),
    alt_pct=hnp.arrays(np.int64, SHAPE, elements=MONEY_PCT),
    cents=hnp.arrays(np.int64, SHAPE, elements=st.integers(0, 99)),
    forum=hnp.arrays(np.bool_, (SCENARIOS_PER_EXAMPLE,)),
)
def test_property_batch_equals_engine(
    key2026, act, world, reloc_pct, fin_pct, alt_pct, cents, forum
):
    """For random readings, pools, benefitting sets (with systemic shortcomings and declared
    needs), deductions (granted or not, full or partial), pledges and Forum decisions, every
    figure of the batch equals the exact engine's: totals and shortfall in cents, to implement,
    the 63(1), 63(3) and 63(4) tests, the gap, each state's balance and offsets, the uncovered."""
    key, act1, deductions, who = _world(key2026, act, world)
    assert key.states == tuple(STATES_2026)
    fair = allocate(key, act1.reference, "fair share", "Art. 57(3)")
    fair_reloc = np.array([fair.rows[g].relocations for g in key.states])
    fair_cents = np.array([int(fair.rows[g].financial * 100) for g in key.states])
    relocations = fair_reloc * reloc_pct // 100
    financial = fair_cents * fin_pct // 100 // 3 + cents * (fin_pct > 0)
    alternative = fair_cents * alt_pct // 100 // 5
    result = evaluate_cents(
        batch_context(key, act1, deductions, who),
        relocations,
        financial + alternative,
        forum_reconvened=forum,
    )
    for i in range(SCENARIOS_PER_EXAMPLE):
        pledges = np.stack([relocations[i], financial[i] / 100, alternative[i] / 100], axis=1)
        exact = compute_outcome(
            key,
            act1,
            _pledges(key.states, pledges),
            deductions,
            forum_reconvened=bool(forum[i]),
            standing=who,
        )
        _assert_same(exact, result, i)


def test_water_filling_takes_several_passes_and_ties(key2026, act):
    """The key reading shares the gap by water filling (63(7) caps reached in several passes)
    and whole offsets by largest remainder; equal remainders go to the earlier state. A pool
    large enough that the gap is shared, pledges that leave caps of every size."""
    ref = 120_000
    act1 = replace(act, reference=PoolNumbers(ref, Decimal(ref) * 20000))
    fair = allocate(key2026, act1.reference, "fair share", "Art. 57(3)")
    fair_reloc = np.array([fair.rows[g].relocations for g in key2026.states])
    rng = np.random.default_rng(7)
    n = 300
    relocations = (fair_reloc * rng.uniform(0.05, 0.5, (n, len(fair_reloc)))).astype(np.int64)
    relocations[:, ::3] = fair_reloc[::3] - rng.integers(1, 4, (n, 1))  # small caps: capped first
    ctx = batch_context(key2026, act1)
    result = evaluate_cents(ctx, relocations, np.zeros_like(relocations))
    caps = fair_reloc - relocations
    at_cap = ((result.obligations == caps) & (caps > 0)).any(axis=1)
    below_cap = (result.obligations < caps).any(axis=1)
    assert ((result.gap > 0) & (result.uncovered == 0) & at_cap & below_cap).mean() > 0.9
    for i in range(0, n, 10):
        row = np.stack([relocations[i], np.zeros(len(fair_reloc)), np.zeros(len(fair_reloc))], 1)
        exact = compute_outcome(key2026, act1, _pledges(key2026.states, row), forum_reconvened=True)
        _assert_same(exact, result, i)


def test_weights_beyond_int64_fall_back_to_the_exact_apportionment(key2026, act, monkeypatch):
    """A key whose shares need a denominator beyond the int64 bound is shared one scenario at a
    time by the exact path's apportionment: the same figures, only slower."""
    monkeypatch.setattr(batch, "MAX_WEIGHT_SUM", 1)
    calls = []

    def spy(*args: Any) -> dict[str, int]:
        calls.append(args)
        return apportion(*args)

    monkeypatch.setattr(batch, "apportion", spy)
    ref = 120_000
    act1 = replace(act, reference=PoolNumbers(ref, Decimal(ref) * 20000))
    ctx = batch_context(key2026, act1)
    assert ctx.weights is None
    fair = allocate(key2026, act1.reference, "fair share", "Art. 57(3)")
    scenarios = scenario_matrix(fair, 20, seed=3)
    scenarios[..., 0] *= 3
    result = evaluate_scenarios(ctx, scenarios)
    assert len(calls) > 10
    for i in range(len(scenarios)):
        exact = compute_outcome(
            key2026, act1, _pledges(key2026.states, scenarios[i]), forum_reconvened=True
        )
        _assert_same(exact, result, i)


def test_muldiv_is_exact_where_the_product_overflows():
    """floor(a × b / c) with a × b far beyond 2^63: the float estimate corrected exactly."""
    rng = np.random.default_rng(1)
    a = rng.integers(0, 1 << 20, 2000)
    c = rng.integers(1, 1 << 60, 2000)
    b = (c * rng.uniform(0, 1, 2000)).astype(np.int64)
    q, r = batch._muldiv(a, b, c)
    for x, y, z, qq, rr in zip(
        a.tolist(), b.tolist(), c.tolist(), q.tolist(), r.tolist(), strict=True
    ):
        assert (qq, rr) == divmod(x * y, z)


def test_equal_remainders_go_to_the_earlier_state(key2026, act):
    """Pro rata of equal caps: every state's share has the same remainder, so the whole offsets
    left go to the states listed first (Hamilton's method, ties to the earlier state). The six
    largest states contribute, the others benefit (Art. 58) and pledge nothing."""
    params = _params(
        (("offsets.obligatory.distribution", "pro_rata_remaining_fair_share"),), act.act_date
    )
    key = replace(key2026, params=params)
    ref = 120_000
    act1 = replace(act, reference=PoolNumbers(ref, Decimal(ref) * 20000))
    big = ("DE", "ES", "FR", "IT", "NL", "PL")
    day = dt.date(2026, 7, 1)
    who = Standing(
        None, {g: Benefit(g, "Art. 58(1)", day, Needs(0), day) for g in key.states if g not in big}
    )
    fair = allocate(key, act1.reference, "fair share", "Art. 57(3)")
    fair_reloc = np.array([fair.rows[g].relocations if g in big else 0 for g in key.states])
    contributing = np.isin(key.states, big)
    caps = np.array([2500, 2600, 2701, 2702, 2703, 3333])[:, None] * contributing
    relocations = fair_reloc - caps
    result = evaluate_cents(
        batch_context(key, act1, (), who), relocations, np.zeros_like(relocations)
    )
    share = result.obligations[:, contributing]
    left = result.gap % 6
    assert ((result.gap > 0) & (result.gap < caps.sum(axis=1))).all() and (left > 0).sum() >= 4
    expected = (result.gap // 6)[:, None] + (np.arange(6) < left[:, None])
    assert np.array_equal(share, expected)
    for i in range(len(caps)):
        row = np.stack([relocations[i], np.zeros(26), np.zeros(26)], axis=1)
        exact = compute_outcome(
            key, act1, _pledges(key.states, row), forum_reconvened=True, standing=who
        )
        _assert_same(exact, result, i)


def test_a_wrong_float_split_is_caught_and_filled_exactly(key2026, act, monkeypatch):
    """The floating-point passes only propose which states are capped; the exact check refuses
    a wrong proposal and those scenarios are filled pass by pass in integers."""
    monkeypatch.setattr(batch, "_capped_in_float", lambda w, caps, target, free: free)
    ref = 120_000
    act1 = replace(act, reference=PoolNumbers(ref, Decimal(ref) * 20000))
    fair = allocate(key2026, act1.reference, "fair share", "Art. 57(3)")
    fair_reloc = np.array([fair.rows[g].relocations for g in key2026.states])
    rng = np.random.default_rng(11)
    relocations = (fair_reloc * rng.uniform(0.05, 0.3, (40, 26))).astype(np.int64)
    relocations[:, ::4] = fair_reloc[::4] - 2
    result = evaluate_cents(batch_context(key2026, act1), relocations, np.zeros_like(relocations))
    for i in range(len(relocations)):
        row = np.stack([relocations[i], np.zeros(26), np.zeros(26)], axis=1)
        exact = compute_outcome(key2026, act1, _pledges(key2026.states, row), forum_reconvened=True)
        _assert_same(exact, result, i)
