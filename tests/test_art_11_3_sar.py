"""Art. 11(3) AMMR: recurring search-and-rescue disembarkations in large numbers during the past
12 months make a Member State under migratory pressure — a rule of its own, even below the
general arrivals threshold (Art. 2(24)). Golden cases, hand-worked.

Hand-worked world: four states of 1,000 inhabitants; GDP DE 4,000, FR 2,000, IT 1,000, EL 1,000
(million EUR), so the reference key (Art. 66: half population share, half GDP share) is
DE 3/8, FR 1/4, IT 3/16, EL 3/16. The reporting period is 1 July 2024 - 30 June 2025 (Art. 9(1)).

- Irregular arrivals (Art. 2(24) rule, threshold 2 × key share): EU total 1,000 (Frontex, 2024,
  the calendar year standing in for the period); IT 200 → 0.2 ÷ 3/16 = 1.07 (below);
  IT 400 → 0.4 ÷ 3/16 = 2.13 (above).
- SAR disembarkations (Art. 11(3) rule, methodology defaults): the Union's total over the period
  800; "large" = at least 2 × the key share, i.e. IT at least 2 × 3/16 × 800 = 300; "recurring"
  = disembarkations in at least 6 of the 12 months.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from eupact.assessment import assess, load_methodology
from eupact.assessment.data import (
    AssessmentData,
    Observation,
    Observations,
    reporting_period,
)
from eupact.assessment.registry import EU
from eupact.data.periods import parse_period
from eupact.data.provenance import Source, StateSeries
from eupact.errors import EupactError

STATES = ("DE", "FR", "IT", "EL")
PERIOD = reporting_period(2025, 7)  # 2024-07/2025-06
MONTHS = [f"2024-{m:02d}" for m in range(7, 13)] + [f"2025-{m:02d}" for m in range(1, 7)]
SRC = Source("hand-worked", "test figure", "persons", "", "test", "", "test", "test")
SAR = "sar_disembarkations"
SAR_GROUND = "search and rescue (Art. 11(3))"


def _series(indicator: str, values: dict[str, int | Decimal], date: str) -> StateSeries:
    src = Source("hand-worked", indicator, "", date, "test", "", "test", indicator)
    return StateSeries(indicator, values, src)


def make_data(figures: dict[tuple[str, str, str], float]) -> AssessmentData:
    obs = Observations()
    for (series, geo, label), value in figures.items():
        span = parse_period(label)
        assert span is not None
        obs.add(Observation(series, geo, span[0], span[1], label, float(value), SRC))
    pop = _series("population", dict.fromkeys(STATES, 1000), "2024-01-01")
    gdp = _series(
        "gdp",
        {"DE": Decimal(4000), "FR": Decimal(2000), "IT": Decimal(1000), "EL": Decimal(1000)},
        "2024",
    )
    return AssessmentData(PERIOD, STATES, STATES, pop, gdp, obs, (), "hand-worked")


def arrivals(it: int) -> dict[tuple[str, str, str], float]:
    return {
        ("irregular_border_crossings_frontex", EU, "2024"): 1000,
        ("irregular_arrivals_national", "DE", "2024"): 100,
        ("irregular_arrivals_national", "FR", "2024"): 100,
        ("irregular_arrivals_national", "EL", "2024"): 100,
        ("irregular_arrivals_national", "IT", "2024"): it,
    }


def sar_months(per_month: list[float | None]) -> dict[tuple[str, str, str], float]:
    """IT's monthly disembarkations (None = no figure for the month) and the Union's total."""
    out: dict[tuple[str, str, str], float] = {(SAR, EU, "2024-07/2025-06"): 800}
    for label, value in zip(MONTHS, per_month, strict=True):
        if value is not None:
            out[(SAR, "IT", label)] = value
    return out


@pytest.fixture(scope="module")
def method():
    return load_methodology()


def run(figures, method, sensitivity=False):
    return assess(make_data(figures), method, year=2025, with_sensitivity=sensitivity)


def test_defaults_are_the_documented_readings(method):
    """The readings the hand-worked numbers rest on (default_2025.yaml)."""
    assert method.sar is not None
    assert method.sar.recurring_months == 6
    rule = method.sar.rule
    assert (rule.indicator, rule.measure, rule.threshold) == (SAR, "key_ratio", 2)
    assert rule.note.startswith("[reading]") and method.sar.months_note.startswith("[reading]")
    assert "Alternatives" in rule.note and "Alternatives" in method.sar.months_note


def test_above_both_thresholds(method):
    """Art. 2(24) and 11(3): arrivals 0.4 ÷ 3/16 = 2.13 ≥ 2; SAR 40 in each of the 12 months =
    480 = 60 % of 800 → 0.6 ÷ 3/16 = 3.2 ≥ 2, 12 months ≥ 6 → both grounds."""
    a = run({**arrivals(400), **sar_months([40] * 12)}, method)
    it = a.states["IT"]
    assert it.flags[0] is True
    assert it.basis == f"{SAR_GROUND}; disproportionate level of arrivals"
    det = it.determinations["under_pressure"]
    assert det.sar is not None and det.sar.fired is True
    assert det.sar.value == pytest.approx(3.2)
    assert det.score == 1  # the arrivals rule
    head = it.reasons()[0]
    assert f"by the {SAR_GROUND} rule" in head and "score 1 from 1 rule(s)" in head


def test_sar_only_is_under_pressure_by_art_11_3(method):
    """Arrivals 0.2 ÷ 3/16 = 1.07 < 2 (the general rule does not fire), but SAR 480 in 12 months
    → 3.2 ≥ 2 and recurring: under migratory pressure by Art. 11(3) alone."""
    a = run({**arrivals(200), **sar_months([40] * 12)}, method)
    it = a.states["IT"]
    assert it.label == "under migratory pressure"
    assert it.basis == SAR_GROUND
    det = it.determinations["under_pressure"]
    assert det.score == 0 and not det.by_score
    assert [o.rule.short for o in det.fired] == ["under_pressure.sar_large"]
    head = it.reasons()[0]
    assert f"by the {SAR_GROUND} rule" in head and "score 0 of 1 needed" in head
    line = next(line for line in it.reasons() if line.startswith(f"  · {SAR_GROUND}"))
    assert "disembarkations in 12 of the 12 months" in line and "→ fires" in line
    assert "3.20 × its key share 18.75%" in line
    # the state under pressure is not also at risk / significant (Art. 11(1), 2(25))
    assert it.flags[1:] == (False, False)
    # the other states: no SAR figure → the rule is undetermined for them, never 'no'
    assert a.states["DE"].determinations["under_pressure"].sar.fired is None


def test_sar_present_but_not_recurring(method):
    """96 in each of 5 months (July-November 2024), 0 in the 7 others: 480 → 3.2 ≥ 2 (large)
    but 5 < 6 months → not recurring → the rule does not fire; arrivals 1.07 < 2 → no."""
    a = run({**arrivals(200), **sar_months([96] * 5 + [0] * 7)}, method)
    it = a.states["IT"]
    det = it.determinations["under_pressure"]
    assert det.sar is not None and det.sar.fired is False
    assert det.sar.value == pytest.approx(3.2)
    assert it.flags[0] is False and det.available == 2
    assert "disembarkations in 5 of the 12 months" in det.sar.text
    assert "not recurring" in det.sar.text


def test_sar_recurring_but_not_large(method):
    """20 in each of the 12 months = 240 = 30 % of 800 → 0.3 ÷ 3/16 = 1.6 < 2: recurring but not
    large → the rule does not fire."""
    a = run({**arrivals(200), **sar_months([20] * 12)}, method)
    det = a.states["IT"].determinations["under_pressure"]
    assert det.sar is not None and det.sar.fired is False
    assert det.sar.value == pytest.approx(1.6)
    assert "not large" in det.sar.text
    assert a.states["IT"].flags[0] is False


def test_missing_sar_data_is_undetermined_never_zero(method):
    """No SAR figure for IT: the Art. 11(3) rule is undetermined (a missing figure is not 0);
    the category is still decided by the arrivals rule (1.07 < 2, one rule with data ≥
    min_available 1); without the arrivals figure as well, it is undetermined."""
    a = run({**arrivals(200), (SAR, EU, "2024-07/2025-06"): 800}, method)
    det = a.states["IT"].determinations["under_pressure"]
    assert det.sar is not None and det.sar.fired is None and det.sar.value is None
    assert "UNDETERMINED" in det.sar.text
    assert a.states["IT"].flags[0] is False and det.available == 1
    figures = {k: v for k, v in arrivals(200).items() if k[1] != "IT"}
    a = run({**figures, (SAR, EU, "2024-07/2025-06"): 800}, method)
    assert a.states["IT"].flags[0] is None


def test_missing_months_are_not_read_as_months_without(method):
    """96 in each of 5 months, no figure for the 7 others: 5 known months < 6, but the 7 unknown
    ones could make it recurring, and the period's total is not known → undetermined (read as 0,
    the state would wrongly be 'not recurring')."""
    a = run({**arrivals(200), **sar_months([96] * 5 + [None] * 7)}, method)
    rec = a.indicators.recurrence["IT"]
    assert len(rec.with_disembarkations) == 5 and len(rec.unknown) == 7 and rec.holds is None
    det = a.states["IT"].determinations["under_pressure"]
    assert det.sar is not None and det.sar.fired is None


def test_recurring_but_no_union_total_is_undetermined(method):
    """12 months of disembarkations, but neither the Union's total nor every state's figure:
    'large numbers' (a share of the Union's) cannot be decided → undetermined."""
    figures = {k: v for k, v in sar_months([40] * 12).items() if k[1] != EU}
    a = run({**arrivals(200), **figures}, method)
    det = a.states["IT"].determinations["under_pressure"]
    assert a.indicators.recurrence["IT"].holds is True
    assert det.sar is not None and det.sar.fired is None


def test_a_zero_for_the_whole_period_shows_no_recurrence(method):
    """EL reports 0 disembarkations for the period: every month is known to have none → the rule
    does not fire (determined, not undetermined)."""
    a = run({**arrivals(200), **sar_months([40] * 12), (SAR, "EL", "2024-07/2025-06"): 0}, method)
    rec = a.indicators.recurrence["EL"]
    assert (len(rec.with_disembarkations), rec.without, rec.unknown) == (0, 12, ())
    assert a.states["EL"].determinations["under_pressure"].sar.fired is False


@pytest.mark.parametrize(
    ("per_month", "fires"),
    [
        ([80] * 6 + [0] * 6, True),  # exactly 6 of 12 months: recurring; 480 → 3.2
        ([96] * 5 + [0] * 7, False),  # 5 of 12 months: not recurring; 480 → 3.2
    ],
)
def test_boundary_of_recurring_months(method, per_month, fires):
    a = run({**arrivals(200), **sar_months(per_month)}, method)
    assert a.states["IT"].determinations["under_pressure"].sar.fired is fires
    assert a.states["IT"].flags[0] is fires


@pytest.mark.parametrize(
    ("per_month", "ratio", "fires"),
    [
        ([25] * 12, 2.0, True),  # 300 = 3/8 of 800 = exactly 2 × the key share 3/16
        ([25] * 11 + [24], 299 / 800 / (3 / 16), False),  # 299 → 1.993 < 2
    ],
)
def test_boundary_of_large_numbers(method, per_month, ratio, fires):
    a = run({**arrivals(200), **sar_months(per_month)}, method)
    det = a.states["IT"].determinations["under_pressure"]
    assert det.sar is not None and det.sar.value == pytest.approx(ratio)
    assert det.sar.fired is fires and a.states["IT"].flags[0] is fires


def test_sensitivity_gives_the_margin_of_the_sar_threshold(method):
    """SAR-only world: raising the threshold above IT's 3.2 makes IT no longer under pressure
    (the general rule does not fire, the other categories have no data → undetermined)."""
    a = run({**arrivals(200), **sar_months([40] * 12)}, method, sensitivity=True)
    assert a.sensitivity is not None
    sar = next(t for t in a.sensitivity.thresholds if t.rule.short == "under_pressure.sar_large")
    assert [f.geo for f in sar.rise] == ["IT"]
    assert sar.rise[0].critical == pytest.approx(3.2)
    assert sar.rise[0].after == "undetermined (lack of data)"


def _user_file(tmp_path, name: str, value: str):
    path = tmp_path / "m.yaml"
    path.write_text(
        f"parameters:\n  assessment.under_pressure.{name}:\n    description: d\n    unit: u\n"
        f"    values:\n      2024-06-11: {value}\n"
    )
    return path


def test_alternative_readings_are_one_parameter_away(tmp_path):
    """'Recurring' read as every month (12): 6 months no longer suffice. The rule dropped
    ('none'): the SAR-only state is not under pressure."""
    every_month = load_methodology(_user_file(tmp_path, "sar_recurring_months", "12"))
    a = run({**arrivals(200), **sar_months([80] * 6 + [0] * 6)}, every_month)
    assert a.states["IT"].flags[0] is False
    dropped = load_methodology(_user_file(tmp_path, "sar_large", "none"))
    assert dropped.sar is None
    a = run({**arrivals(200), **sar_months([40] * 12)}, dropped)
    assert a.states["IT"].flags[0] is False and a.states["IT"].basis == ""


@pytest.mark.parametrize(
    ("name", "value", "field"),
    [
        ("sar_recurring_months", "13", "assessment.under_pressure.sar_recurring_months"),
        (
            "sar_large",
            "{indicator: temporary_protection, measure: key_ratio, threshold: '2'}",
            "assessment.under_pressure.sar_large.indicator",
        ),
    ],
)
def test_bad_sar_parameters_are_refused(tmp_path, name, value, field):
    with pytest.raises(EupactError) as err:
        load_methodology(_user_file(tmp_path, name, value))
    assert err.value.problems[0].field == field
