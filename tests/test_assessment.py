"""The migratory-pressure assessment (Art. 9-11 AMMR): hand-worked cases per indicator and per
category rule, the 2025 data against Implementing Decision (EU) 2025/2323, a scaling property,
the bad-input catalogue, the forward look on SYNTHETIC data, and the CLI.

Hand-worked world (unless a test says otherwise): four states, each with 1,000 inhabitants;
GDP DE 4,000, FR 2,000, IT 1,000, EL 1,000 (million EUR). Reference key (Art. 66: half
population share, half GDP share): DE 3/8, FR 1/4, IT 3/16, EL 3/16.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from eupact.assessment import assess, assess_year, load_methodology
from eupact.assessment.classify import decide_state, rule_values
from eupact.assessment.data import (
    AssessmentData,
    Observation,
    Observations,
    RouteFigure,
    reporting_period,
)
from eupact.assessment.forecast import project, project_panel
from eupact.assessment.gather import data_from_panels
from eupact.assessment.indicators import compute_indicators
from eupact.assessment.registry import EU
from eupact.assessment.synthetic import SYNTHETIC, synthetic_monthly, synthetic_panel
from eupact.cli.main import app
from eupact.data.periods import parse_period
from eupact.data.provenance import Source, StateSeries
from eupact.errors import EupactError

STATES = ("DE", "FR", "IT", "EL")
KEY = {"DE": 3 / 8, "FR": 1 / 4, "IT": 3 / 16, "EL": 3 / 16}
PERIOD = reporting_period(2025, 7)  # 2024-07/2025-06
SRC = Source("hand-worked", "test figure", "persons", "", "test", "", "test", "test")


def _series(indicator: str, values: dict[str, int | Decimal], date: str) -> StateSeries:
    src = Source("hand-worked", indicator, "", date, "test", "", "test", indicator)
    return StateSeries(indicator, values, src)


POP = _series("population", dict.fromkeys(STATES, 1000), "2024-01-01")
GDP = _series(
    "gdp",
    {"DE": Decimal(4000), "FR": Decimal(2000), "IT": Decimal(1000), "EL": Decimal(1000)},
    "2024",
)


def make_data(
    figures: dict[tuple[str, str, str], float],
    routes: tuple[RouteFigure, ...] = (),
    states: tuple[str, ...] = STATES,
) -> AssessmentData:
    obs = Observations()
    for (series, geo, label), value in figures.items():
        span = parse_period(label)
        assert span is not None
        obs.add(Observation(series, geo, span[0], span[1], label, float(value), SRC))
    pop = _series("population", {g: POP.values.get(g, 1000) for g in states}, "2024-01-01")
    gdp = _series("gdp", {g: GDP.values.get(g, Decimal(1000)) for g in states}, "2024")
    return AssessmentData(PERIOD, states, states, pop, gdp, obs, routes, "hand-worked")


APPLICATIONS_2024 = {
    ("asylum_applicants_first_time", "DE", "2024"): 300,
    ("asylum_applicants_first_time", "FR", "2024"): 100,
    ("asylum_applicants_first_time", "IT", "2024"): 100,
    ("asylum_applicants_first_time", "EL", "2024"): 300,
}


@pytest.fixture(scope="module")
def method():
    return load_methodology()


def run(figures, method, routes=()):
    return assess(make_data(figures, routes), method, year=2025, with_sensitivity=False)


# --- indicators, one hand-worked case each ----------------------------------------------------


def test_key_is_art_66_over_the_assessed_states(method):
    ind = compute_indicators(make_data(APPLICATIONS_2024), method)
    assert ind.key_exact == {
        "DE": Fraction(3, 8),
        "FR": Fraction(1, 4),
        "IT": Fraction(3, 16),
        "EL": Fraction(3, 16),
    }


def test_applications_art_9_3_a_i(method):
    """EU total = the sum of the states when no EU figure is held (800); no figure covers the
    reporting period, so calendar 2024 stands in for it, flagged as a proxy."""
    res = compute_indicators(make_data(APPLICATIONS_2024), method).results["applications"]
    assert res.basis == "2024" and res.proxy
    assert res.eu is not None and res.eu.value == 800
    de = res.states["DE"]
    assert de.figure is not None and de.figure.proxy
    assert de.share_of_eu == pytest.approx(300 / 800)
    assert de.key_ratio == pytest.approx((300 / 800) / (3 / 8))  # 1.0: exactly its key share
    assert de.per_capita == pytest.approx(300.0)  # per 1,000 inhabitants
    assert de.per_gdp == pytest.approx(75.0)  # per EUR billion: 300 / 4
    assert de.vs_eu_average == pytest.approx((300 / 1000) / (800 / 4000))  # 1.5
    assert res.states["EL"].key_ratio == pytest.approx(2.0)  # 3/8 ÷ 3/16


def test_missing_figure_stays_missing_never_zero(method):
    figures = {k: v for k, v in APPLICATIONS_2024.items() if k[1] != "FR"}
    res = compute_indicators(make_data(figures), method).results["applications"]
    fr = res.states["FR"]
    assert fr.figure is None and fr.key_ratio is None and fr.per_capita is None
    assert res.eu is None  # an incomplete set of states is not summed into an EU total


def test_arrivals_and_sar_basis_art_11_3(method):
    """Italy publishes only sea arrivals: they stand in for arrivals (a lower bound) and, being
    all of them, make the basis 'following search and rescue' (Art. 11(3))."""
    figures = {
        ("irregular_border_crossings_frontex", EU, "2024"): 1000,
        ("sea_arrivals_national", "IT", "2024"): 400,
        ("irregular_arrivals_national", "DE", "2024"): 100,
    }
    a = run(figures, method)
    it = a.indicators.results["arrivals"].states["IT"]
    assert it.figure is not None and it.figure.series == "sea_arrivals_national"
    assert it.key_ratio == pytest.approx(0.4 / (3 / 16))  # 2.13 ≥ 2
    assert a.states["IT"].flags[0] is True
    assert "search and rescue" in a.states["IT"].basis
    assert a.states["DE"].flags[0] is False  # 0.1 / 0.375 = 0.27


def test_temporary_protection_stock_window_art_9_3_a_xv(method):
    """A stock is its latest figure in the last 6 months of the period; older is not used."""
    figures = {
        ("temporary_protection_beneficiaries", "DE", "2025-03"): 5,
        ("temporary_protection_beneficiaries", "FR", "2025-06"): 30,
        ("temporary_protection_beneficiaries", "IT", "2024-11"): 100,  # 7 months before the end
        ("temporary_protection_beneficiaries", "EL", "2025-06"): 5,
        ("temporary_protection_beneficiaries_per_1000", EU, "2025-06"): 10,
    }
    res = compute_indicators(make_data(figures), method).results["temporary_protection"]
    assert res.states["IT"].figure is None
    assert res.states["FR"].vs_eu_average == pytest.approx(3.0)  # 30 per 1,000 vs 10
    assert res.states["DE"].figure is not None and res.states["DE"].figure.period == "2025-03"
    a = run(figures, method)
    assert a.states["FR"].flags[2] is True  # 3.0 ≥ 2.5: significant (Art. 10(3))


def test_dublin_unauthorised_movements_art_10_2_k(method):
    figures = {
        **APPLICATIONS_2024,
        ("dublin_requests_outgoing", "DE", "2024"): 600,
        ("dublin_requests_outgoing", "FR", "2024"): 100,
        ("dublin_requests_outgoing", "IT", "2024"): 100,
        ("dublin_requests_outgoing", "EL", "2024"): 200,
        ("dublin_requests_outgoing", EU, "2024"): 1000,
    }
    a = run(figures, method)
    de = a.indicators.results["dublin_requests_outgoing"].states["DE"]
    assert de.key_ratio == pytest.approx(0.6 / 0.375)  # 1.6 ≥ 1.2
    fired = [o.rule.short for o in a.states["DE"].determinations["at_risk"].fired]
    assert "at_risk.unauthorised_movements" in fired


def test_cumulative_view_art_10_3(method):
    figures = {
        **APPLICATIONS_2024,
        ("asylum_applicants_first_time", "DE", "2023"): 500,
        ("asylum_applicants_first_time", "FR", "2023"): 100,
        ("asylum_applicants_first_time", "IT", "2023"): 100,
        ("asylum_applicants_first_time", "EL", "2023"): 300,
    }
    res = compute_indicators(make_data(figures), method).results["applications"]
    assert res.window == ("2020", "2021", "2022", "2023", "2024")
    el = res.states["EL"].cumulative
    assert el is not None and el.periods == ("2023", "2024") and el.window == 5
    assert el.value == 600 and el.eu == 1800
    assert el.key_ratio == pytest.approx((600 / 1800) / (3 / 16))  # 1.78


def test_route_trend_art_11_2(method):
    routes = tuple(
        RouteFigure("Eastern Mediterranean", y, c, SRC) for y, c in ((2023, 100.0), (2024, 120.0))
    )
    a = run(APPLICATIONS_2024, method, routes)
    assert a.indicators.route_growth["EL"] == (pytest.approx(0.2), "Eastern Mediterranean")
    assert "DE" not in a.indicators.route_growth  # not on the route


def test_reporting_period_from_quarters_art_9_1(method):
    """Four published quarters cover 1 July - 30 June exactly: their sum is the period's figure."""
    figures = {
        ("ordered_to_leave", "FR", "2024-Q3"): 10,
        ("ordered_to_leave", "FR", "2024-Q4"): 20,
        ("ordered_to_leave", "FR", "2025-Q1"): 30,
        ("ordered_to_leave", "FR", "2025-Q2"): 40,
        ("ordered_to_leave", "DE", "2024-Q3"): 10,  # one quarter only: no figure for the period
    }
    res = compute_indicators(make_data(figures), method).results["ordered_to_leave"]
    assert res.basis == "2024-07/2025-06" and not res.proxy
    fr = res.states["FR"].figure
    assert fr is not None and fr.value == 100
    assert fr.notes == ("sum of 2024-Q3 + 2024-Q4 + 2025-Q1 + 2025-Q2",)
    assert res.states["DE"].figure is None


def test_recognition_and_return_rates_art_12_3(method):
    figures = {
        ("asylum_decisions_first_instance", EU, "2024"): 1000,
        ("asylum_decisions_positive", EU, "2024"): 400,
        ("returned_to_third_country", EU, "2024"): 30,
        ("ordered_to_leave", EU, "2024"): 120,
    }
    rates = compute_indicators(make_data(figures), method).rates
    assert rates["recognition_rate"].eu == pytest.approx(0.4)
    assert rates["return_rate"].eu == pytest.approx(0.25)


# --- categories, one hand-worked case per rule ---------------------------------------------


def test_categories_on_applications(method):
    """EL: 2 × its key share → under pressure (Art. 2(24)); DE: exactly its key share → at risk
    (Art. 11(1)); FR, IT: below → none. Thresholds are inclusive."""
    a = run(APPLICATIONS_2024, method)
    assert a.states["EL"].label == "under migratory pressure"
    assert "applications" in a.states["EL"].basis
    assert a.states["DE"].label == "at risk"
    assert a.states["FR"].label == "none" and a.states["IT"].label == "none"


def test_under_pressure_excludes_the_other_categories_art_11_1(method):
    a = run(APPLICATIONS_2024, method)
    el = a.states["EL"].determinations
    assert el["at_risk"].holds is False and el["at_risk"].excluded  # would fire (4.0/... ≥ 1)
    assert el["significant"].holds is False


def test_no_data_is_undetermined_never_none(method):
    figures = {k: v for k, v in APPLICATIONS_2024.items() if k[1] != "IT"}
    figures[("asylum_applicants_first_time", EU, "2024")] = 800
    a = run(figures, method)
    assert a.states["IT"].flags == (None, None, None)
    assert a.states["IT"].label == "undetermined (lack of data)"
    assert any("no figure" in line for line in a.states["IT"].reasons())


def test_negative_finding_needs_min_available_rules(method):
    """at_risk.min_available = 2: with one rule with data and none firing, at risk is
    undetermined; with two, it is 'no'."""
    figures = {("dublin_requests_incoming", g, "2024"): 10 for g in STATES}
    a = run(figures, method)
    assert a.states["FR"].flags[1] is None
    a = run({**figures, **APPLICATIONS_2024}, method)
    assert a.states["FR"].flags[1] is False


def test_weights_add_up(method, tmp_path):
    """Two half-weight rules: one firing is not enough, both are."""
    path = tmp_path / "halves.yaml"
    path.write_text(
        "parameters:\n"
        "  assessment.at_risk.applications:\n"
        "    description: half\n    unit: rule\n    values:\n"
        "      2024-06-11: {indicator: applications, measure: key_ratio, threshold: '1', weight: '1/2'}\n"
        "  assessment.at_risk.applications_per_capita:\n"
        "    description: half\n    unit: rule\n    values:\n"
        "      2024-06-11: {indicator: applications, measure: vs_eu_average, threshold: '8/5', weight: '1/2'}\n"
    )
    halves = load_methodology(path)
    assert run(APPLICATIONS_2024, halves).states["DE"].flags[1] is False  # 1.5 < 1.6
    lower = halves.with_thresholds({"assessment.at_risk.applications_per_capita": Fraction(3, 2)})
    assert run(APPLICATIONS_2024, lower).states["DE"].flags[1] is True


# --- the 2025 data against Implementing Decision (EU) 2025/2323 -------------------------------


@pytest.fixture(scope="module")
def real():
    """The 2025 assessment with every figure held, secondary pages included (the comparison
    with the decision as first published); the primary-only default is tested in
    tests/test_source_classes.py."""
    return assess_year(2025, allow_secondary=True)


def test_2025_under_pressure_matches_the_decision(real):
    assert set(real.in_category("under_pressure")) == {"CY", "EL", "ES", "IT"}
    assert "search and rescue" in real.states["ES"].basis
    assert "search and rescue" in real.states["IT"].basis
    assert "search and rescue" not in real.states["EL"].basis


def test_2025_comparison(real):
    statuses = {g: c.status for g, c in real.comparison.items()}
    # With Frontex's own monthly file the Eastern Land Border has both years (17,260 in 2024
    # against 5,748 in 2023: +200 %), so the route rule, as the methodology draws the route's
    # states ([reading]), finds HU, RO and SK at risk; AT (key ratio 1.02) and SI (1.41) are at
    # risk on the primary 2024 first-time applicants, which the secondary pages lacked. LV,
    # the mismatch on secondary figures alone, now matches (at risk by the same route rule).
    assert {g for g, s in statuses.items() if s == "mismatch"} == {"AT", "HU", "RO", "SI", "SK"}
    assert {g for g, s in statuses.items() if s == "match"} >= {"CY", "DE", "EL", "ES", "FR", "IT"}
    assert statuses["DK"] == "not bound"
    # every state the decision finds significant is found significant
    assert {"AT", "BG", "CZ", "EE", "HR", "PL"} <= set(real.in_category("significant"))


def test_2025_reasons_cite_releases(real):
    text = "\n".join(real.states["EL"].reasons())
    # EL 2024 and the EU total from the primary extraction (migr_asyappctza, extracted
    # 2026-09-16; Oscarbellosido/Economia dades.json): 68,995 and 912,835
    assert "68,995" in text and "912,835" in text and "Eurostat dissemination API" in text
    assert "under_pressure.applications" in text


def test_2025_sensitivity_margins(real):
    assert real.sensitivity is not None
    arrivals = next(
        t for t in real.sensitivity.thresholds if t.rule.short == "under_pressure.arrivals"
    )
    assert [f.geo for f in arrivals.rise] == ["IT"]
    assert arrivals.rise[0].critical == pytest.approx(
        # IT's 66,317 sea arrivals against Frontex's 2024 total of its own monthly file
        # (iom/gdidata data/frontex.rda, all routes, Jan-Dec 2024: 240,021)
        66317 / 240021 / real.indicators.key_shares["IT"]
    )
    assert arrivals.rise[0].after == "at risk"


# --- property: scaling every figure by one factor changes no category -------------------------

_COUNT = st.integers(min_value=0, max_value=200_000)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    apps=st.lists(_COUNT, min_size=8, max_size=8),
    dublin=st.lists(_COUNT, min_size=8, max_size=8),
    tp=st.lists(_COUNT, min_size=4, max_size=4),
    factor=st.integers(min_value=2, max_value=10_000),
)
def test_scaling_all_figures_changes_no_category(apps, dublin, tp, factor):
    method = load_methodology()

    def world(k: int) -> AssessmentData:
        figures: dict[tuple[str, str, str], float] = {}
        for i, g in enumerate(STATES):
            figures[("asylum_applicants_first_time", g, "2023")] = k * apps[i]
            figures[("asylum_applicants_first_time", g, "2024")] = k * apps[4 + i]
            figures[("dublin_requests_outgoing", g, "2024")] = k * dublin[i]
            figures[("dublin_requests_incoming", g, "2024")] = k * dublin[4 + i]
            figures[("temporary_protection_beneficiaries", g, "2025-06")] = k * tp[i]
        return make_data(figures)

    def categories(k: int) -> dict[str, tuple[bool | None, ...]]:
        ind = compute_indicators(world(k), method)
        values = rule_values(ind, method)
        return {g: decide_state(values, method, g) for g in STATES}

    assert categories(factor) == categories(1)


# --- bad input --------------------------------------------------------------------------------


def test_period_outside_the_data_is_refused():
    for year in (2019, 2040):
        with pytest.raises(EupactError) as err:
            assess_year(year)
        problem = err.value.problems[0]
        assert problem.field == "year" and problem.value == year
        assert "outside the data" in problem.rule


def test_negative_count_in_a_panel_is_refused(method):
    values = np.array([[10.0, -5.0]] + [[1.0, 1.0]] * (len(STATES) - 1))
    panel = synthetic_panel("asylum_applicants_first_time", STATES, ["2023", "2024"], values)
    with pytest.raises(EupactError) as err:
        data_from_panels([panel], PERIOD, STATES, STATES, population=POP, gdp=GDP)
    problem = err.value.problems[0]
    assert problem.field == "asylum_applicants_first_time DE 2024"
    assert problem.value == -5.0 and "must not be negative" in problem.rule


def test_missing_population_for_a_state_is_refused(method):
    pop = _series("population", {"DE": 1000, "FR": 1000, "IT": 1000}, "2024-01-01")
    with pytest.raises(EupactError) as err:
        data_from_panels([], PERIOD, STATES, STATES, population=pop, gdp=GDP)
    assert (err.value.problems[0].field, err.value.problems[0].value) == ("population/gdp", "EL")


@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        (
            "  assessment.at_risk.x:\n    description: d\n    unit: rule\n    values:\n"
            "      2024-06-11: {indicator: asylum_seekers, measure: key_ratio, threshold: '1'}\n",
            "assessment.at_risk.x.indicator",
            "unknown indicator",
        ),
        (
            "  assessment.at_risk.x:\n    description: d\n    unit: rule\n    values:\n"
            "      2024-06-11: {indicator: applications, measure: key_ratio, threshold: 1.5}\n",
            "assessment.at_risk.x",
            "write exact values as strings",
        ),
        (
            "  pool.floor.relocations:\n    description: d\n    unit: u\n    values:\n"
            "      2024-06-11: 1\n",
            "parameter",
            "only 'assessment.*' parameters",
        ),
    ],
)
def test_bad_methodology_files(tmp_path, body, field, rule):
    path = tmp_path / "m.yaml"
    path.write_text("parameters:\n" + body)
    with pytest.raises(EupactError) as err:
        load_methodology(path)
    assert err.value.problems[0].field == field
    assert rule in err.value.problems[0].rule


def test_a_rule_set_to_none_is_dropped(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(
        "parameters:\n  assessment.at_risk.route_trend:\n    description: d\n    unit: rule\n"
        "    values:\n      2024-06-11: none\n"
    )
    assert "assessment.at_risk.route_trend" not in {r.name for r in load_methodology(path).rules}


# --- forward look (SYNTHETIC data only) ---------------------------------------------------------


def test_projection_on_a_synthetic_series(method):
    geos = ("S1", "S2")
    months = [f"{2019 + k // 12}-{k % 12 + 1:02d}" for k in range(72)]
    values = synthetic_monthly(geos, months=72, seed=7, level=1000, trend=0.05)
    short = np.full((1, 72), np.nan)
    short[0, -20:] = 100.0  # 20 months: too short to project
    panel = synthetic_panel(
        "asylum_applicants_first_time_monthly", (*geos, "S3"), months, np.vstack([values, short])
    )
    assert panel.title.startswith(SYNTHETIC)
    f = project_panel(panel, method.forecast, synthetic=True)
    assert f.synthetic and "SYNTHETIC" in f.label
    assert f.projected() == geos
    assert f.states["S3"].status.startswith("not projected: 20 consecutive complete months")
    p = f.states["S1"]
    assert p.steps[0] == "2025-01" and len(p.mean) == 12
    assert (
        p.total_lower[95] <= p.total_lower[80] <= p.total <= p.total_upper[80] <= p.total_upper[95]
    )
    assert len(p.backtest) == 2 and all(w.actual > 0 for w in p.backtest)
    assert f.mape() is not None and f.mape() < 0.5
    with pytest.raises(EupactError, match="must not be negative"):
        project(
            geos,
            months,
            -values,
            method.forecast,
            frequency="M",
            indicator="x",
            title="x",
            source="",
        )


def test_real_series_are_too_short_to_project(real):
    from eupact.assessment.forecast import project_observations

    f = project_observations(real.data, "applications", real.methodology.forecast)
    assert f.projected() == ()
    assert f.states["DE"].status.startswith(
        "not projected: 2 consecutive complete years up to 2024"
    )


# --- CLI ----------------------------------------------------------------------------------------


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


def test_cli_assess_formats():
    out = cli("assess", "2025", "--allow-secondary", "--format", "json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    rows = {r["geo"]: r for r in doc["assessment"]["rows"]}
    assert rows["EL"]["category"] == "under migratory pressure"
    assert rows["LV"]["match_2025"] == "match"
    assert rows["SI"]["match_2025"] == "mismatch"
    csv_out = cli("assess", "2025", "--format", "csv")
    assert csv_out.exit_code == 0 and csv_out.stdout.startswith("geo,member_state,category")
    md = cli("assess", "2025", "--format", "markdown", "--indicators")
    assert md.exit_code == 0 and "### Indicators relative to the EU" in md.stdout


def test_cli_assess_explain_and_compare(tmp_path):
    out = cli("assess", "2025", "--allow-secondary", "--explain", "es")
    assert out.exit_code == 0 and "search and rescue" in out.stdout
    path = tmp_path / "strict.yaml"
    path.write_text(
        "parameters:\n  assessment.under_pressure.arrivals:\n    description: d\n    unit: rule\n"
        "    values:\n      2024-06-11: {indicator: arrivals, measure: key_ratio, threshold: '5/2'}\n"
    )
    out = cli("assess", "2025", "--allow-secondary", "--compare", str(path), "--format", "csv")
    assert out.exit_code == 0, out.output
    changed = [line for line in out.stdout.splitlines() if line.endswith(",yes")]
    assert [line.split(",")[0] for line in changed] == ["IT"]  # 2.19 < 2.5
    out = cli("assess", "2025", "--allow-secondary", "--methodology", str(path), "--format", "csv")
    assert "IT,Italy,at risk" in out.stdout


def test_cli_bad_input_exit_2():
    out = cli("assess", "2019")
    assert out.exit_code == 2 and "period outside the data" in out.output
    out = cli("assess", "2025", "--explain", "XX")
    assert out.exit_code == 2 and "not a Member State" in out.output
