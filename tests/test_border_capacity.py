"""The border procedure's adequate capacity and annual maximum (Arts 46, 47(1), (4), (5) APR):
hand-worked golden cases (tests/cases/border/golden_capacity.yaml), every rounding [reading], the
phase-in dates, the act schedule, the recorded Decision (EU) 2024/2150, missing and refused inputs,
and the invariants (the states sum to 30,000 within the rounding; a state's capacity never falls
when its own crossings rise)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eupact.border.capacity import (
    CrossingFigures,
    ValueSource,
    act_dates,
    acts_in_year,
    adequate_capacity,
    annual_maximum,
    border_act,
    bound_states,
    compare_with_recorded,
    default_act_date,
    recorded_decision,
)
from eupact.border.synthetic import LABEL, synthetic_crossings
from eupact.errors import EupactError
from eupact.parameters import load_parameters

CASES = yaml.safe_load(
    (Path(__file__).parent / "cases" / "border" / "golden_capacity.yaml").read_text()
)
SRC = ValueSource("SYNTHETIC test figures", "user")
FIRST = dt.date(2024, 8, 12)
PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def figures_of(case: dict[str, Any]) -> list[CrossingFigures]:
    return [
        CrossingFigures(geo, int(year), c, s, r, SRC)
        for geo, years in case["figures"].items()
        for year, (c, s, r) in years.items()
    ]


def run(case: dict[str, Any], **choices: str) -> Any:
    params = load_parameters().with_readings(choices)
    return adequate_capacity(
        figures_of(case),
        act_date=case["act_date"],
        params=params,
        states=sorted(case["figures"]),
    )


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
@pytest.mark.parametrize("rounding", ["half_up", "floor", "up", "largest_remainder"])
def test_golden_capacities(case: dict[str, Any], rounding: str) -> None:
    result = run(case, **{"border.capacity.rounding": rounding})
    assert {g: s.counted for g, s in result.states.items()} == case["counted"]
    assert result.union_counted == case["union_counted"]
    assert {g: s.capacity for g, s in result.states.items()} == case["capacity"][rounding]
    assert result.rounding == rounding and result.complete


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_maxima_by_phase(case: dict[str, Any]) -> None:
    result = run(case)
    for since, expected in case["maxima"].items():
        got = {
            g: next(p.maximum for p in s.maxima if p.since == since)
            for g, s in result.states.items()
        }
        assert got == expected, since
    assert [p.since for p in result.act.phases] == list(case["maxima"])


def test_golden_maxima_on_the_exact_share() -> None:
    case = CASES[0]
    result = run(case, **{"border.maximum.basis": "exact_share"})
    for since, expected in case["maxima_exact_share"].items():
        got = {
            g: next(p.maximum for p in s.maxima if p.since == since)
            for g, s in result.states.items()
        }
        assert got == expected


def test_golden_search_and_rescue_added_as_a_third_term() -> None:
    case = CASES[0]
    result = run(case, **{"border.capacity.sar_arrivals": "added"})
    assert {g: s.counted for g, s in result.states.items()} == case["sar_added"]["counted"]
    assert result.union_counted == case["sar_added"]["union_counted"]
    assert {g: s.capacity for g, s in result.states.items()} == case["sar_added"]["capacity"]


def test_default_readings_and_the_exact_share() -> None:
    """half_up and arrivals after search and rescue inside the crossings, unless chosen."""
    result = run(CASES[0])
    assert (result.rounding, result.sar) == ("half_up", "included_in_crossings")
    it = result.states["IT"]
    assert it.share is not None and it.share.numerator * 300000 == 120005 * it.share.denominator
    assert it.exact * 2 == 24001  # 12,000.5 exactly
    assert it.sums["sar_arrivals"] == 6000 and it.sums["irregular_crossings"] == 105000


def test_window_is_the_three_years_before_the_act() -> None:
    result = run(CASES[2])
    assert result.act.window == (2024, 2025, 2026)
    assert result.trace["left_aside_years"] == [2021]
    assert result.trace["window"]["from"] == "2024-01-01"
    assert result.trace["window"]["until"] == "2026-12-31"


# --- the phase-in and the act schedule (Art. 47(1), (5)) ----------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 6, 12), 200),  # x2 from 12 June 2026
        (dt.date(2027, 6, 12), 200),
        (dt.date(2027, 6, 13), 300),  # x3 from 13 June 2027
        (dt.date(2028, 6, 12), 300),
        (dt.date(2028, 6, 13), 400),  # x4 from 13 June 2028
        (dt.date(2040, 1, 1), 400),
    ],
)
def test_annual_maximum_phase_in(day: dt.date, expected: int) -> None:
    assert annual_maximum(100, day) == expected


def test_no_annual_maximum_before_12_june_2026() -> None:
    with pytest.raises(EupactError, match="no annual maximum is set before 2026-06-12"):
        annual_maximum(100, dt.date(2026, 6, 11))
    with pytest.raises(EupactError, match="whole number"):
        annual_maximum(-1, dt.date(2026, 7, 1))


def test_act_schedule_and_capacity_in_place() -> None:
    assert act_dates(2033) == (
        dt.date(2024, 8, 12),
        dt.date(2027, 10, 15),
        dt.date(2030, 10, 15),
        dt.date(2033, 10, 15),
    )
    first = border_act(dt.date(2024, 8, 5))  # adopted a week before the date the text set
    assert first.number == 1 and first.window == (2021, 2022, 2023)
    assert first.applies_from == dt.date(2026, 6, 12)  # the APR's date of application
    assert first.applies_until == dt.date(2027, 10, 14)
    assert first.capacity_in_place_by == dt.date(2026, 6, 11)  # before 12 June 2026
    assert first.recorded.startswith("Commission Implementing Decision (EU) 2024/2150")
    second = border_act(dt.date(2027, 10, 15))
    assert second.number == 2 and second.capacity_in_place_by == dt.date(2028, 4, 15)  # 6 months
    assert second.applies_until == dt.date(2030, 10, 14) and not second.recorded
    assert [(p.since, p.multiplier) for p in first.phases] == [
        (dt.date(2026, 6, 12), 2),
        (dt.date(2027, 6, 13), 3),
    ]
    assert [(p.since, p.multiplier) for p in second.phases] == [
        (dt.date(2027, 10, 15), 3),
        (dt.date(2028, 6, 13), 4),
    ]
    assert border_act(dt.date(2029, 3, 1)).number == 0  # not a year Art. 47(5) sets


def test_which_act_in_which_year() -> None:
    assert default_act_date(2026) == dt.date(2024, 8, 12)
    assert default_act_date(2027) == dt.date(2024, 8, 12)  # in force on 1 January 2027
    assert default_act_date(2028) == dt.date(2027, 10, 15)
    assert [a.number for a in acts_in_year(2027)] == [1, 2]
    assert acts_in_year(2025) == ()


# --- who is bound ----------------------------------------------------------------------------------


def test_bound_states_denmark_out_ireland_in_after_its_opt_in() -> None:
    before, after = bound_states(dt.date(2024, 7, 1)), bound_states(FIRST)
    assert "DK" not in after and "IE" in after and len(after) == 26
    assert "IE" not in before and len(before) == 25


def test_an_unbound_state_is_refused_by_name() -> None:
    figures = [CrossingFigures("DK", 2021, 1, 0, 1, SRC)]
    with pytest.raises(EupactError, match="Protocol No 22"):
        adequate_capacity(figures, act_date=FIRST)
    with pytest.raises(EupactError, match="bound by Regulation"):
        adequate_capacity([CrossingFigures("UK", 2021, 1, 0, 1, SRC)], act_date=FIRST)
    with pytest.raises(EupactError, match="Protocol No 22"):
        adequate_capacity([], act_date=FIRST, states=["DK", "DE"])


def test_duplicates_and_negative_figures_are_refused() -> None:
    twice = [CrossingFigures("IT", 2021, 1, 0, 1, SRC)] * 2
    with pytest.raises(EupactError, match="given twice"):
        adequate_capacity(twice, act_date=FIRST, states=["IT"])
    with pytest.raises(EupactError, match="0 or more"):
        adequate_capacity([CrossingFigures("IT", 2021, -5, 0, 1, SRC)], act_date=FIRST)


# --- missing figures: refused or named, never 0 --------------------------------------------------


def test_missing_figures_refuse_by_default() -> None:
    figures = [f for f in figures_of(CASES[0]) if not (f.geo == "PL" and f.year == 2022)]
    with pytest.raises(EupactError) as err:
        adequate_capacity(figures, act_date=FIRST, states=["EL", "ES", "IT", "PL"])
    text = str(err.value)
    assert (
        "PL figures" in text and "2022 irregular_crossings" in text and "never counted as 0" in text
    )


def test_missing_figures_named_and_no_share_computed() -> None:
    figures = [f for f in figures_of(CASES[0]) if not (f.geo == "PL" and f.year == 2022)]
    result = adequate_capacity(
        figures, act_date=FIRST, states=["EL", "ES", "IT", "PL"], on_missing="name"
    )
    assert [str(m) for m in result.missing] == [
        "PL 2022 irregular_crossings",
        "PL 2022 refusals_of_entry",
    ]
    assert result.union_counted is None and result.total is None
    assert all(s.capacity is None and s.share is None for s in result.states.values())
    assert result.states["IT"].counted == 120005  # a complete state keeps its sums
    assert result.states["PL"].sums["irregular_crossings"] is None


def test_a_missing_sar_figure_counts_only_when_added() -> None:
    case = CASES[0]
    figures = [
        CrossingFigures(f.geo, f.year, f.irregular_crossings, None, f.refusals_of_entry, SRC)
        for f in figures_of(case)
    ]
    states = sorted(case["figures"])
    assert adequate_capacity(figures, act_date=FIRST, states=states).complete
    added = load_parameters().with_readings({"border.capacity.sar_arrivals": "added"})
    with pytest.raises(EupactError, match="sar_arrivals"):
        adequate_capacity(figures, act_date=FIRST, states=states, params=added)


def test_a_union_total_of_zero_is_refused() -> None:
    zeros = [CrossingFigures("IT", y, 0, 0, 0, SRC) for y in (2021, 2022, 2023)]
    with pytest.raises(EupactError, match="divides by it"):
        adequate_capacity(zeros, act_date=FIRST, states=["IT"])


# --- the trace and the recorded act ----------------------------------------------------------------


def test_trace_carries_inputs_sources_articles_parameters_readings() -> None:
    result = run(CASES[0])
    trace = result.as_dict()["trace"]
    json.dumps(result.as_dict())  # JSON-serialisable
    assert "Art. 47(4) APR" in trace["articles"]
    assert {p["name"] for p in trace["parameters"]} >= {
        "border.union_adequate_capacity",
        "border.capacity.rounding",
    }
    assert trace["parameters"][0]["value"].startswith("AT BE BG")  # no Python repr
    assert {r["parameter"] for r in trace["readings"]} == {
        "border.capacity.rounding",
        "border.capacity.sar_arrivals",
        "border.maximum.basis",
    }
    first = trace["inputs"][0]
    assert first["source_class"] == "user" and "SYNTHETIC" in first["source"]
    assert len(trace["inputs"]) == 4 * 3 * 3  # states x years x terms
    assert trace["union_is_bound_set"] is False  # the four states are a what-if Union
    assert result.synthetic


def test_recorded_decision_holds_six_secondary_figures_and_nothing_else() -> None:
    rec = recorded_decision()
    assert rec.adopted_on == dt.date(2024, 8, 5) and rec.window == (2021, 2022, 2023)
    assert (rec.applies_from, rec.applies_until) == (dt.date(2026, 6, 12), dt.date(2027, 10, 14))
    assert sorted(rec.figures) == ["DE", "EL", "ES", "HU", "IT", "PL"]
    assert {f.source.source_class for f in rec.figures.values()} == {"secondary"}
    assert rec.figures["IT"].adequate_capacity == 8016
    assert rec.figures["IT"].maximum_from(dt.date(2026, 6, 12)) == 16032
    assert rec.figures["DE"].maximum_from(dt.date(2026, 6, 12)) is None  # not found, not derived
    assert len(rec.not_available) == 20 and "DK" not in rec.not_available
    # the recorded maxima are exact multiples of the capacity (border.maximum.basis)
    for f in rec.figures.values():
        for since, value in f.maxima:
            if value is not None:
                assert value == annual_maximum(f.adequate_capacity or 0, since)


def test_compare_with_recorded_side_by_side() -> None:
    states = bound_states(FIRST)
    result = adequate_capacity(
        synthetic_crossings(states, (2021, 2022, 2023), seed=4), act_date=FIRST
    )
    comparison = compare_with_recorded(result, recorded_decision())
    rows = {r.geo: r for r in comparison.rows}
    assert rows["AT"].recorded is None and rows["AT"].status == "recorded: not available"
    it = rows["IT"]
    assert it.recorded == 8016 and it.difference == (it.computed or 0) - 8016
    assert comparison.same_window
    assert any("SECONDARY" in n for n in comparison.notes)
    json.dumps(comparison.as_dict())
    missing = adequate_capacity([], act_date=FIRST, on_missing="name")
    row = next(r for r in compare_with_recorded(missing, recorded_decision()).rows if r.geo == "DE")
    assert (row.computed, row.recorded, row.status) == (None, 374, "computed: figures missing")


def test_synthetic_figures_are_labelled_and_seeded() -> None:
    a = synthetic_crossings(["IT", "EL"], (2021, 2022), seed=7)
    assert a == synthetic_crossings(["IT", "EL"], (2021, 2022), seed=7)
    assert a != synthetic_crossings(["IT", "EL"], (2021, 2022), seed=8)
    assert all(LABEL in f.source.source for f in a)
    assert all((f.sar_arrivals or 0) <= (f.irregular_crossings or 0) for f in a)


# --- invariants ------------------------------------------------------------------------------------

GEOS = ["AT", "BE", "BG", "CY", "CZ", "DE", "EL", "ES"]
counts = st.integers(min_value=0, max_value=200_000)


@st.composite
def unions(draw: Any) -> list[CrossingFigures]:
    n = draw(st.integers(min_value=1, max_value=len(GEOS)))
    out = []
    for geo in GEOS[:n]:
        for year in (2021, 2022, 2023):
            out.append(CrossingFigures(geo, year, draw(counts), draw(counts), draw(counts), SRC))
    if all((f.irregular_crossings or 0) + (f.refusals_of_entry or 0) == 0 for f in out):
        first = out[0]
        out[0] = CrossingFigures(first.geo, first.year, 1, 0, 0, SRC)
    return out


def _states(figures: list[CrossingFigures]) -> list[str]:
    return sorted({f.geo for f in figures})


@PROPS
@given(unions(), st.sampled_from(["half_up", "floor", "up", "largest_remainder"]))
def test_capacities_sum_to_30000_within_the_rounding(figures: Any, rounding: str) -> None:
    params = load_parameters().with_readings({"border.capacity.rounding": rounding})
    states = _states(figures)
    result = adequate_capacity(figures, act_date=FIRST, params=params, states=states)
    total, n = result.total, len(states)
    assert total is not None
    if rounding == "largest_remainder":
        assert total == 30000
    elif rounding == "floor":
        assert 0 <= 30000 - total < n
    elif rounding == "up":
        assert 0 <= total - 30000 < n
    else:
        assert 2 * abs(total - 30000) <= n
    assert sum(s.share or 0 for s in result.states.values()) == 1


@PROPS
@given(
    unions(),
    st.integers(min_value=1, max_value=100_000),
    st.sampled_from(["half_up", "floor", "up"]),
)
def test_capacity_never_falls_when_own_crossings_rise(
    figures: Any, extra: int, rounding: str
) -> None:
    """Monotone for the per-state roundings; largest_remainder is not (a state may lose the
    leftover person to another's remainder), which is one reason it is not the default."""
    params = load_parameters().with_readings({"border.capacity.rounding": rounding})
    states = _states(figures)
    before = adequate_capacity(figures, act_date=FIRST, params=params, states=states)
    first = figures[0]
    raised = [
        CrossingFigures(
            first.geo,
            first.year,
            (first.irregular_crossings or 0) + extra,
            first.sar_arrivals,
            first.refusals_of_entry,
            SRC,
        ),
        *figures[1:],
    ]
    after = adequate_capacity(raised, act_date=FIRST, params=params, states=states)
    assert (after.states[first.geo].capacity or 0) >= (before.states[first.geo].capacity or 0)
    assert (after.states[first.geo].share or 0) >= (before.states[first.geo].share or 0)


# --- cases added by mutation testing (issue 17; docs/testing.md) ----------------------------------

# Three states whose exact results have remainders in another order than their sizes:
# counted A = 4, B = 2, C = 1 (Union 7), one year's crossings each in 2021-2023 summed.
SEVENTHS = {"AT": (2, 1, 1), "BE": (1, 1, 0), "BG": (1, 0, 0)}  # crossings by year 2021-2023


def _sevenths() -> list[CrossingFigures]:
    return [
        CrossingFigures(geo, year, c, 0, 0, SRC)
        for geo, per in SEVENTHS.items()
        for year, c in zip((2021, 2022, 2023), per, strict=True)
    ]


def _sevenths_run(**choices: str) -> Any:
    params = load_parameters().with_readings(choices)
    return adequate_capacity(_sevenths(), act_date=FIRST, params=params, states=list(SEVENTHS))


def test_largest_remainder_goes_by_remainder_not_by_size() -> None:
    """Art. 47(4) APR, reading largest_remainder: counted AT 4, BE 2, BG 1, Union 7.
    Exact: AT 120,000/7 = 17,142.857; BE 60,000/7 = 8,571.428; BG 30,000/7 = 4,285.714.
    Floors 17,142 + 8,571 + 4,285 = 29,998: 2 left, to the two largest remainders AT (.857)
    and BG (.714), not to BE (.428), the second largest state."""
    result = _sevenths_run(**{"border.capacity.rounding": "largest_remainder"})
    assert {g: s.capacity for g, s in result.states.items()} == {
        "AT": 17143,
        "BE": 8571,
        "BG": 4286,
    }
    assert result.total == 30000 and result.union_capacity == 30000  # Art. 46


def test_maxima_on_the_exact_share_with_largest_remainder() -> None:
    """Art. 47(1) second subparagraph, readings exact_share and largest_remainder: the multiplier
    applies to the exact result, then the Union's 2 x 30,000 (3 x 30,000) is apportioned.
    x2: AT 240,000/7 = 34,285.714; BE 120,000/7 = 17,142.857; BG 60,000/7 = 8,571.428.
    Floors 34,285 + 17,142 + 8,571 = 59,998: 2 left, to BE (.857) and AT (.714).
    x3: AT 51,428.571; BE 25,714.285; BG 12,857.142. Floors 89,999: 1 left, to AT (.571).
    (Twice the rounded capacity would give 34,286 / 17,142 / 8,572: not the same.)"""
    result = _sevenths_run(
        **{"border.capacity.rounding": "largest_remainder", "border.maximum.basis": "exact_share"}
    )
    got = {g: [(p.multiplier, p.maximum) for p in s.maxima] for g, s in result.states.items()}
    assert got == {
        "AT": [(2, 34286), (3, 51429)],
        "BE": [(2, 17143), (3, 25714)],
        "BG": [(2, 8571), (3, 12857)],
    }
    phases = result.states["AT"].maxima
    assert [(p.since, p.until) for p in phases] == [
        (dt.date(2026, 6, 12), dt.date(2027, 6, 12)),  # x2 from the APR's date of application
        (dt.date(2027, 6, 13), dt.date(2027, 10, 14)),  # x3 until the second act applies
    ]
    assert all(p.citation.startswith("Art. 47(1)") for p in phases)


def test_union_sums_by_term_and_the_states_own_rows() -> None:
    """Art. 47(4): the Union's three-year sums by term for CASES[0] (the yaml's figures):
    crossings IT 105,000 + EL 60,000 + ES 54,000 + PL 15,000 = 234,000;
    SAR IT 6,000 + EL 1,000 + ES 12,000 + PL 0 = 19,000;
    refusals IT 15,005 + EL 30,000 + ES 6,003 + PL 14,992 = 66,000 (234,000 + 66,000 = 300,000)."""
    result = run(CASES[0])
    assert result.union_sums == {
        "irregular_crossings": 234000,
        "sar_arrivals": 19000,
        "refusals_of_entry": 66000,
    }
    assert all(s.geo == g and s.missing == () for g, s in result.states.items())


def test_missing_figures_name_the_state_and_give_phases_without_a_maximum() -> None:
    """Art. 47(4): PL 2022 not known. The Union's crossings and refusals are then unknown (None),
    its SAR arrivals (not counted under the default reading) still summed: 19,000 as above; PL
    carries its own gaps, IT none; every state keeps the act's two phases (x2, x3 of Art. 47(1))
    with no maximum."""
    figures = [f for f in figures_of(CASES[0]) if not (f.geo == "PL" and f.year == 2022)]
    figures.append(CrossingFigures("PL", 2022, None, 0, None, SRC))
    result = adequate_capacity(
        figures, act_date=FIRST, states=["EL", "ES", "IT", "PL"], on_missing="name"
    )
    assert result.union_sums == {
        "irregular_crossings": None,
        "sar_arrivals": 19000,
        "refusals_of_entry": None,
    }
    assert [str(m) for m in result.states["PL"].missing] == [
        "PL 2022 irregular_crossings",
        "PL 2022 refusals_of_entry",
    ]
    assert result.states["IT"].missing == ()
    phases = result.states["IT"].maxima
    assert [(p.since, p.until, p.multiplier, p.maximum) for p in phases] == [
        (dt.date(2026, 6, 12), dt.date(2027, 6, 12), 2, None),
        (dt.date(2027, 6, 13), dt.date(2027, 10, 14), 3, None),
    ]
    assert all(p.citation.startswith("Art. 47(1)") for p in phases)


def test_refusals_name_field_value_and_rule() -> None:
    """An unbound state (Protocol No 22: DK), a Union total of 0 (Art. 47(4) divides by it) and
    an unknown rounding mode are each refused with their own field, value and summary."""
    with pytest.raises(EupactError) as err:
        adequate_capacity([], act_date=FIRST, states=["DK", "DE"])
    (p,) = err.value.problems
    assert (p.field, p.value, err.value.summary) == ("states", ["DK"], "states refused")
    with pytest.raises(EupactError) as err:
        adequate_capacity([], act_date=FIRST, states=["DE", "UK"])
    assert "EL is Greece" in err.value.problems[0].rule and "SK" in err.value.problems[0].rule
    zeros = [CrossingFigures("IT", y, 0, 0, 0, SRC) for y in (2021, 2022, 2023)]
    with pytest.raises(EupactError) as err:
        adequate_capacity(zeros, act_date=FIRST, states=["IT"])
    (p,) = err.value.problems
    assert (p.field, p.value) == ("Union total", 0)
    assert "2021-2023" in p.rule and "no share can be computed" in p.rule
    assert err.value.summary == "border capacity not computable"
    odd = load_parameters().with_values({"border.capacity.rounding": "half-up"}, "a misspelling")
    with pytest.raises(EupactError) as err:
        adequate_capacity(figures_of(CASES[0]), act_date=FIRST, params=odd, states=["IT"])
    (p,) = err.value.problems
    assert (p.field, p.value) == ("border.capacity.rounding", "half-up")
    assert p.rule == "must be one of half_up, floor, up, largest_remainder"


def test_the_callers_parameters_set_the_window_and_the_bound_states() -> None:
    """What-ifs on the caller's ParameterSet reach the act and the bound states (Art. 47(4),
    border.reference_years; recital 107, border.bound_member_states): with two reference years
    the 2021 figures are left aside (AT 1 + 1 = 2, BE 1 + 0 = 1 of SEVENTHS: AT 20,000,
    BE 10,000); with DK counted as bound, DK is accepted."""
    two = load_parameters().with_values({"border.reference_years": 2}, "a what-if")
    figures = [f for f in _sevenths() if f.geo != "BG"]
    result = adequate_capacity(figures, act_date=FIRST, params=two, states=["AT", "BE"])
    assert result.act.window == (2022, 2023)
    assert {g: s.capacity for g, s in result.states.items()} == {"AT": 20000, "BE": 10000}
    with_dk = load_parameters().with_values(
        {"border.bound_member_states": ["AT", "DK"]}, "a what-if"
    )
    dk = [CrossingFigures("DK", y, 1, 0, 0, SRC) for y in (2021, 2022, 2023)]
    result = adequate_capacity(dk, act_date=FIRST, params=with_dk, states=["DK"])
    assert result.states["DK"].capacity == 30000
