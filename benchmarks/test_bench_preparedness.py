"""Preparedness (issue 17): the border procedure's adequate capacity and its watching (APR Arts
46-50), the crisis procedure (CFMR Arts 2-7) and Part III under a crisis decision (CFMR Art. 12).

Targets, for live what-ifs: capacities of the 26 bound states from three years of SYNTHETIC
figures, a state's 36 months watched, and a whole crisis replayed, each well under 10 ms; a
determination under a crisis decision within the 1 ms budget of a determination.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from eupact.border.acts import bound_states
from eupact.border.capacity import adequate_capacity
from eupact.border.monitoring import watch
from eupact.border.synthetic import synthetic_crossings, synthetic_months
from eupact.crisis.measures import AuthorisedMeasures, Derogation, Situation
from eupact.crisis.procedure import replay
from eupact.crisis.reading import read_events
from eupact.responsibility import determine, read_case
from eupact.responsibility.synthetic import synthetic_cases
from eupact.yamlio import load

ROOT = Path(__file__).resolve().parents[1]
ACT = dt.date(2024, 8, 5)  # Commission Implementing Decision (EU) 2024/2150
CRISIS = ROOT / "tests" / "cases" / "crisis" / "base_mass_arrivals.yaml"


def test_capacities_of_the_bound_states(benchmark):
    states = bound_states(dt.date(2026, 6, 12))
    figures = synthetic_crossings(states, (2021, 2022, 2023), seed=2026)
    result = benchmark(adequate_capacity, figures, act_date=ACT)
    assert len(result.as_dict()["states"]) == len(states)
    assert benchmark.stats.stats.median < 10e-3


def test_thirty_six_months_watched(benchmark):
    months = synthetic_months("IT", dt.date(2026, 7, 1), 36, capacity=8016, seed=2026)
    statuses = benchmark(watch, "IT", months, capacity=8016)
    assert len(statuses) == 36
    assert benchmark.stats.stats.median < 10e-3


def test_a_twelve_month_crisis_replayed(benchmark):
    doc = load(CRISIS.read_text(encoding="utf-8"))
    events = read_events(doc["events"])
    state = benchmark(replay, events, as_of=doc["as_of"])
    assert state.latest_end == dt.date(2028, 4, 1)
    assert benchmark.stats.stats.median < 10e-3


@pytest.fixture(scope="module")
def cases_and_crises():
    cases = [read_case(doc) for doc in synthetic_cases(1000, 7)]
    states = sorted({a.state for c in cases for a in c.applications})
    crises = tuple(
        AuthorisedMeasures(
            state=geo,
            situation=Situation.MASS_ARRIVALS,
            decision=f"SYNTHETIC Council decision {geo}",
            adopted_on=dt.date(2026, 7, 1),
            applies_from=dt.date(2026, 7, 2),
            applies_until=dt.date(2027, 7, 1),
            initial_until=dt.date(2026, 10, 1),
            derogations=frozenset({Derogation.TIME_LIMITS}),
        )
        for geo in states
    )
    return cases, crises


@pytest.mark.parametrize("with_crises", [False, True], ids=["no crisis", "every state in crisis"])
def test_determine_1000_cases_under_crisis_decisions(benchmark, cases_and_crises, with_crises):
    """The SYNTHETIC mix, with no crisis and with an Art. 12 decision for every state."""
    cases, crises = cases_and_crises
    given = crises if with_crises else ()
    decisions = benchmark.pedantic(
        lambda: [determine(c, crises=given) for c in cases], rounds=3, iterations=1
    )
    assert len(decisions) == len(cases)
    per_case = benchmark.stats.stats.median / len(cases)
    benchmark.extra_info["us_per_case"] = round(per_case * 1e6)
    assert per_case < 1e-3
