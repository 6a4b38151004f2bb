"""Relocation matching targets (docs/performance.md, "Relocation matching"):

* 30,000 SYNTHETIC applicants (about 12,000 family units) × the 26 bound states (Denmark is not
  bound) solved to proven optimality or a gap ≤ 0.1 % in under 5 s;
* 1,000,000 SYNTHETIC applicants in under 60 s with the documented decomposition, its gap
  proven by the Lagrangian bound;
* the gain over the greedy first-come baseline reported for both.

Timed: the whole ``match`` call — validation, scoring, solving, greedy baseline — on data
generated beforehand. Figures land in the benchmark's ``extra_info``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from eupact.matching import match
from eupact.matching.solver import violations
from eupact.matching.synthetic import synthetic_instance
from eupact.parameters import load_parameters

AT = dt.date(2026, 7, 1)


@pytest.fixture(scope="module")
def params():
    return load_parameters().at(AT)


def _record(benchmark, result) -> None:
    s = result.summary()
    benchmark.extra_info.update(
        applicants=s.totals["applicants"],
        family_units=s.totals["family_units"],
        states=len(result.problem.states),
        places=s.totals["places"],
        relocated=s.totals["relocated_persons"],
        method=s.solver["method"],
        status=s.solver["status"],
        gap=s.solver["gap"],
        objective=s.solver["objective"],
        bound=s.solver["bound"],
        classes=s.solver["classes"],
        blocks=s.solver["blocks"],
        greedy_objective=s.solver["greedy_objective"],
        greedy_relocated=s.solver["greedy_relocated_persons"],
        gain_over_greedy=s.solver["gain_over_greedy"],
        timings=s.solver["timings"],
    )


def test_match_30k_applicants(benchmark, params):
    """30,000 applicants, ~12,000 units, 26 states of relocation: gap ≤ 0.1 %, < 5 s."""
    inst = synthetic_instance(30_000, params, seed=2026)
    assert 11_000 <= inst.table.n_units <= 13_000
    result = benchmark.pedantic(
        match,
        args=(inst.table, inst.places, inst.profiles),
        kwargs={"at": AT},
        rounds=3,
        iterations=1,
    )
    _record(benchmark, result)
    assert len(result.problem.states) == 26
    assert result.gap is not None and result.gap <= 1e-3
    assert violations(result.problem, result.unit_state) == []
    assert result.gain_over_greedy is not None and result.gain_over_greedy > 0
    assert benchmark.stats.stats.median < 5.0


def test_match_1m_applicants(benchmark, params):
    """1,000,000 applicants, decomposed into blocks: < 60 s, gap proven by the bound."""
    inst = synthetic_instance(1_000_000, params, seed=2026)
    result = benchmark.pedantic(
        match,
        args=(inst.table, inst.places, inst.profiles),
        kwargs={"at": AT},
        rounds=1,
        iterations=1,
    )
    _record(benchmark, result)
    assert result.assignment.blocks > 1
    assert result.gap is not None and result.gap <= 1e-3
    assert violations(result.problem, result.unit_state) == []
    assert benchmark.stats.stats.max < 60.0
