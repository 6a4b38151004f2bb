"""Issue targets for the pressure assessment and the annual report:

- assessment of 27 states over 5 years of monthly data (SYNTHETIC seeded panels: monthly
  applications and temporary protection, annual Dublin, return, decision and arrival series),
  from the monthly panels to categories, reasons and sensitivity: median under 50 ms;
- the whole cycle (assessment + proposal + outcome, real snapshot, SYNTHETIC pledges): under 100 ms;
- the report, HTML and PDF with charts: under 10 s.
"""

from __future__ import annotations

import pytest

from eupact.assessment import assess, assess_year, load_methodology
from eupact.assessment.data import reporting_period
from eupact.assessment.gather import data_from_panels
from eupact.assessment.synthetic import synthetic_panels
from eupact.cycle.examples import example_pledges_path
from eupact.cycle.run import run_cycle
from eupact.data.snapshot import load_snapshot


@pytest.fixture(scope="module")
def synthetic_world():
    """SYNTHETIC: 27 states × 60 months (July 2020 - June 2025), seed 2025. Not real data."""
    method = load_methodology()
    snapshot = load_snapshot()
    states = tuple(method.params("scope.eu_member_states"))
    bound = tuple(method.params("scope.bound_member_states"))
    period = reporting_period(2025, method.start_month)
    population = snapshot.find("population", "2024-01-01")
    gdp = snapshot.find("gdp", "2024")
    panels = synthetic_panels(states, population, end=period, months=60, seed=2025)
    return method, states, bound, period, population, gdp, panels


def test_assessment_27_states_5_years_monthly_synthetic(benchmark, synthetic_world):
    method, states, bound, period, population, gdp, panels = synthetic_world
    assert all(p.title.startswith("SYNTHETIC") for p in panels)

    def run():
        data = data_from_panels(
            panels, period, states, bound, population=population, gdp=gdp, start_month=7
        )
        return assess(data, method, year=2025)

    a = benchmark(run)
    assert len(a.states) == 27 and a.sensitivity is not None
    assert a.indicators.results["applications"].basis == "2024-07/2025-06"  # from the months


def test_whole_cycle_assessment_proposal_outcome(benchmark):
    load_snapshot()  # validated once, as at start-up
    result = benchmark(run_cycle, 2026, example_pledges_path(2026), forum_reconvened=True)
    assert result.assessment is not None
    assert set(result.assessment.in_category("under_pressure")) == {"CY", "EL", "ES", "IT"}


def test_report_html_pdf_with_charts(benchmark, tmp_path):
    from eupact.parameters import load_parameters
    from eupact.pool.year import default_vintage
    from eupact.reports.annual import build_report, pool_section, write_report

    parameters = load_parameters()
    snapshot = load_snapshot()
    a = assess_year(2025, snapshot=snapshot, parameters=parameters)
    pool = pool_section(2026, snapshot, parameters, default_vintage(2026))

    def run():
        return write_report(build_report(a, pool), tmp_path, cache=False)  # a real render

    paths = benchmark.pedantic(run, rounds=3, iterations=1, warmup_rounds=0)
    assert {p.suffix for p in paths} == {".html", ".pdf", ".json"}
