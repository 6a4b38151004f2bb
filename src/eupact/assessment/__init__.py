"""The migratory-pressure assessment (Art. 9-11 AMMR): indicators, categories with reasons, the
cumulative view, sensitivity, and the comparison with the Commission's decision.

```python
from eupact.assessment import assess_year
a = assess_year(2025)                    # reporting period 1 July 2024 - 30 June 2025
a.states["EL"].label                     # 'under migratory pressure'
print("\\n".join(a.states["EL"].reasons()))
a.comparison["EL"].status                # 'match' with Implementing Decision (EU) 2025/2323
```

Everything here is a pure function of typed inputs; the data come from the snapshot or from
Eurostat panels (:mod:`eupact.assessment.data`), the thresholds and weights from the methodology
parameters (:mod:`eupact.assessment.methodology`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eupact.assessment.classify import (
    DecisionComparison,
    StateResult,
    Values,
    classify,
    compare_with_decision,
    decide_state,
    rule_values,
)
from eupact.assessment.data import (
    AssessmentData,
    Period,
    reporting_period,
)
from eupact.assessment.gather import data_from_snapshot
from eupact.assessment.indicators import IndicatorSet, compute_indicators
from eupact.assessment.methodology import CATEGORIES, Methodology, load_methodology
from eupact.assessment.sensitivity import Sensitivity, sensitivity
from eupact.data.snapshot import Classification, Snapshot, load_snapshot
from eupact.errors import EupactError, Problem
from eupact.parameters import ParameterSet, load_parameters

#: The reporting period of the Commission's first decision (Implementing Decision (EU) 2025/2323).
DECISION_2025_PERIOD = "2024-07/2025-06"
DECISION_2025 = "Commission Implementing Decision (EU) 2025/2323"


@dataclass(frozen=True)
class Assessment:
    """One year's assessment: indicators, per-state results, comparison and sensitivity."""

    year: int
    period: Period
    methodology: Methodology
    data: AssessmentData
    indicators: IndicatorSet
    values: Values
    states: dict[str, StateResult]
    comparison: dict[str, DecisionComparison]
    sensitivity: Sensitivity | None

    def in_category(self, category: str) -> tuple[str, ...]:
        i = CATEGORIES.index(category)
        return tuple(g for g, r in self.states.items() if r.flags[i] is True)

    def undetermined(self) -> tuple[str, ...]:
        return tuple(g for g, r in self.states.items() if r.bound and None in r.flags)

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "reporting_period": self.period.label,
            "methodology": {"name": self.methodology.name, "files": list(self.methodology.files)},
            "data": self.data.origin,
            "secondary_figures_admitted": self.data.allow_secondary,
            "figures_by_source_class": self.data.observations.resting_on(),
            "states": {
                g: {
                    "category": r.label,
                    "bound": r.bound,
                    **{c: r.flags[i] for i, c in enumerate(CATEGORIES)},
                    "basis": r.basis,
                    "missing_indicators": list(r.missing),
                    "rules_resting_on_secondary": list(r.resting_on("secondary")),
                    "rules_resting_on_user_figures": list(r.resting_on("user")),
                    "reasons": r.reasons(),
                }
                for g, r in self.states.items()
            },
            "comparison_with_decision_2025": {g: c.as_dict() for g, c in self.comparison.items()},
            "sensitivity": self.sensitivity.as_dict() if self.sensitivity else None,
            "indicators": self.indicators.as_dict(),
        }


def assess(
    data: AssessmentData,
    method: Methodology,
    *,
    year: int,
    decision: Mapping[str, Classification] | None = None,
    names: Mapping[str, str] | None = None,
    with_sensitivity: bool = True,
) -> Assessment:
    """Indicators → rules → categories (with reasons) → comparison → sensitivity."""
    indicators = compute_indicators(data, method)
    values = rule_values(indicators, method)
    states = classify(indicators, method, data.bound, names, values)
    comparison = compare_with_decision(states, decision) if decision else {}
    sens = None
    if with_sensitivity:
        current = {g: decide_state(values, method, g) for g in data.bound}
        sens = sensitivity(values, method, data.bound, current)
    return Assessment(year, data.period, method, data, indicators, values, states, comparison, sens)


def assess_year(
    year: int,
    *,
    snapshot: Snapshot | None = None,
    methodology: Methodology | str | Path | None = None,
    parameters: ParameterSet | None = None,
    with_sensitivity: bool = True,
    allow_secondary: bool = False,
) -> Assessment:
    """The assessment published in ``year`` (the Report and decision of 15 October ``year``),
    from the shipped snapshot unless another is given; on primary and user figures only unless
    ``allow_secondary`` admits figures read from pages (the result names the rules resting on
    them)."""
    parameters = parameters or load_parameters()
    try:
        method = (
            methodology
            if isinstance(methodology, Methodology)
            else load_methodology(methodology, year=year, parameters=parameters)
        )
    except EupactError as exc:
        if exc.summary != "parameter not in force":
            raise
        raise EupactError(
            [
                Problem(
                    "year",
                    year,
                    "outside the data: no assessment methodology is in force on "
                    f"{exc.problems[0].value} (the first Report and decision are due by 15 "
                    "October 2025, Art. 9(6) AMMR)",
                )
            ],
            "period outside the data",
        ) from None
    snapshot = snapshot or load_snapshot()
    period = reporting_period(year, method.start_month)
    _check_period(snapshot, period)
    at = method.params
    states = tuple(at("scope.eu_member_states"))
    bound = tuple(at("scope.bound_member_states"))
    data = data_from_snapshot(snapshot, period, states, bound, allow_secondary=allow_secondary)
    decision = snapshot.classification if period.label == DECISION_2025_PERIOD else None
    names = {g: c.member_state for g, c in snapshot.classification.items()}
    return assess(
        data,
        method,
        year=year,
        decision=decision,
        names=names,
        with_sensitivity=with_sensitivity,
    )


def _check_period(snapshot: Snapshot, period: Period) -> None:
    """Refuse a period that the data cannot reach at all (before the population series, or
    after the last figure held), naming what the data cover."""
    dates = sorted(s.source.reference_date for s in snapshot.series if s.indicator == "population")
    first = int(dates[0][:4]) if dates else 0
    last = max(
        (
            int(s.source.reference_date[:4])
            for s in snapshot.series
            if s.source.reference_date[:4].isdigit()
        ),
        default=0,
    )
    if period.start_year < first or period.start_year > last:
        raise EupactError(
            [
                Problem(
                    "year",
                    period.year,
                    f"the reporting period {period.label} lies outside the data: the snapshot "
                    f"{snapshot.name} {snapshot.version} has population from {first} and figures up "
                    f"to {last}, so assessable years are {first + 1}..{last + 1}",
                )
            ],
            "period outside the data",
        )


__all__ = [
    "DECISION_2025",
    "Assessment",
    "Methodology",
    "assess",
    "assess_year",
    "load_methodology",
]
