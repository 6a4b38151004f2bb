"""The simulated year of relocation (docs/simulation.md; issue 18, item 3), SYNTHETIC:

* 10 seeds × 52 weeks at scale 1 (about 60 persons a week, 2,184 places a year), every policy —
  greedy first come, weekly batch matching, rolling horizon — against the hindsight optimum,
  solved here to a 0.01 % gap so that the percentages are those of the optimum;
* the goal: the rolling horizon at ≥ 99 % of hindsight on total points.

Timed: the whole run (generation, the instances, every policy for every seed). The % of
hindsight per policy and metric (mean and min over the seeds) and the seconds per policy land in
the benchmark's ``extra_info``; docs/performance.md and docs/simulation.md record them.
"""

from __future__ import annotations

import datetime as dt

from eupact.matching.simulation import METRICS, SimulationSettings, simulate
from eupact.matching.solver import SolverSettings
from eupact.parameters import load_parameters

AT = dt.date(2026, 7, 1)


def test_simulated_year_10_seeds(benchmark):
    params = load_parameters().at(AT)
    settings = SimulationSettings(hindsight=SolverSettings(mip_rel_gap=1e-4))
    report = benchmark.pedantic(
        simulate,
        args=(params, range(1, 11)),
        kwargs={"settings": settings},
        rounds=1,
        iterations=1,
    )
    summary = report.summary()
    benchmark.extra_info.update(
        {
            f"{p}.{m}": {k: round(v, 3) for k, v in summary[p][m].items()}
            for p in report.policies
            for m in (*METRICS, "seconds")
        }
    )
    benchmark.extra_info["hindsight_gap_max"] = max(s.hindsight_gap or 0.0 for s in report.seeds)
    benchmark.extra_info["broke_a_rule"] = {
        p: [s.seed for s in report.seeds if s.outcomes[p].violations] for p in report.policies
    }
    print("\n" + report.render())
    assert len(report.seeds) == 10
    for s in report.seeds:
        for p in report.policies:
            if not s.outcomes[p].violations:
                assert s.outcomes[p].points <= s.outcomes["hindsight"].points + 1e-6
    assert summary["rolling"]["points"]["mean"] >= 99.0
    assert benchmark.stats.stats.max < 120.0
