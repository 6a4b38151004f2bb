"""Simulated years of relocation on a real Dask LocalCluster (issue 18, items 3–4): the same
years, in seed order, as computed in one process, whatever the number of workers."""

from __future__ import annotations

import datetime as dt

from eupact.matching.simulation import simulate
from eupact.parameters import load_parameters
from eupact.scenarios.sweep_years import simulate_distributed

ON = dt.date(2026, 7, 1)
SEEDS = [1, 2, 3]


def _points(report):
    return [
        (s.seed, p, round(s.percent(p, "points"), 9)) for s in report.seeds for p in report.policies
    ]


def test_years_on_two_workers_equal_the_years_in_one_process():
    here = simulate(load_parameters().at(ON), SEEDS, weeks=6, scale=0.5)
    there = simulate_distributed(ON, SEEDS, weeks=6, scale=0.5, workers=2)
    assert [s.seed for s in there.seeds] == SEEDS
    assert _points(there) == _points(here)
    assert there.label == here.label and "SYNTHETIC" in there.label
    assert [s.persons for s in there.seeds] == [s.persons for s in here.seeds]
