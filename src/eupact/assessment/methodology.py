"""The assessment methodology as data (Art. 2(24)-(25), 10(3), 11 AMMR): rules (indicator,
measure, threshold, weight) per category, and the search-and-rescue rule of Art. 11(3).

The default lives in ``parameters/methodology/default_2025.yaml`` and is loaded with every other
parameter; a user's file (``--methodology FILE``) has the same format and replaces the parameters
it names. Nothing here is a legal value: the Regulation sets no thresholds (see the file's notes).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from eupact.assessment.registry import INDICATORS, MEASURES, ROUTE
from eupact.errors import EupactError, Problem
from eupact.parameters import (
    ParametersAt,
    ParameterSet,
    load_parameter_file,
    load_parameters,
)

PREFIX = "assessment."
CATEGORIES = ("under_pressure", "at_risk", "significant")
CATEGORY_TITLES = {
    "under_pressure": "under migratory pressure",
    "at_risk": "at risk of migratory pressure",
    "significant": "facing a significant migratory situation",
}
CATEGORY_ARTICLES = {
    "under_pressure": "Art. 2(24), 11(1) and 11(3) AMMR",
    "at_risk": "Art. 11(1) AMMR",
    "significant": "Art. 2(25), 10(3) and 11(1) AMMR",
}
_SETTINGS = (
    "min_score",
    "min_available",
    "excludes_under_pressure",
    "sar_sea_share",
    "sar_recurring_months",
    "sar_large",
    "routes",
)
SAR_RULE = PREFIX + "under_pressure.sar_large"
SAR_MONTHS = PREFIX + "under_pressure.sar_recurring_months"


@dataclass(frozen=True, slots=True)
class Rule:
    """One indicator test: the rule fires when ``measure`` of ``indicator`` ≥ ``threshold``."""

    name: str  # the parameter, e.g. assessment.at_risk.applications
    category: str
    indicator: str
    measure: str
    threshold: Fraction
    weight: Fraction
    description: str
    citation: str
    note: str
    limit: float = 0.0  # the threshold as a float: measures are doubles (set by _rule)

    @property
    def short(self) -> str:
        return self.name.removeprefix(PREFIX)


@dataclass(frozen=True, slots=True)
class CategoryRules:
    category: str
    rules: tuple[Rule, ...]
    min_score: Fraction
    min_available: int
    excludes_under_pressure: bool
    # weights and min_score over their common denominator, for exact integer scoring
    int_weights: tuple[int, ...] = ()
    int_needed: int = 0

    def __post_init__(self) -> None:
        den = math.lcm(self.min_score.denominator, *(r.weight.denominator for r in self.rules))
        object.__setattr__(self, "int_weights", tuple(int(r.weight * den) for r in self.rules))
        object.__setattr__(self, "int_needed", int(self.min_score * den))


@dataclass(frozen=True, slots=True)
class SarRule:
    """Art. 11(3): a state with *large numbers* of arrivals from *recurring* disembarkations after
    search and rescue in the past 12 months is under migratory pressure — a rule of its own,
    sufficient alone (no weight). ``rule`` tests "large numbers" (its indicator, measure and
    threshold); ``recurring_months`` is how many months of the 12 need a disembarkation."""

    rule: Rule
    recurring_months: int
    months_citation: str
    months_note: str


@dataclass(frozen=True, slots=True)
class ForecastSettings:
    horizon_months: int
    levels: tuple[int, ...]
    min_months: int
    min_years: int
    backtest_windows: int


@dataclass(frozen=True)
class Methodology:
    """Everything the assessment reads from the methodology parameters, typed and checked."""

    name: str
    files: tuple[str, ...]
    params: ParametersAt
    categories: dict[str, CategoryRules]
    start_month: int
    calendar_year_proxy: bool
    stock_window_months: int
    key_states: tuple[str, ...]
    cumulative_years: int
    cumulative_min_years: int
    sar_sea_share: Fraction
    routes: dict[str, tuple[str, ...]]
    forecast: ForecastSettings
    overridden: tuple[str, ...] = field(default=())
    sar: SarRule | None = None  # the Art. 11(3) rule; None when a user's file drops it

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule with a threshold: the categories' scored rules, then the Art. 11(3) rule."""
        scored = tuple(r for c in CATEGORIES for r in self.categories[c].rules)
        return (*scored, self.sar.rule) if self.sar else scored

    def rule(self, name: str) -> Rule:
        for r in self.rules:
            if name in (r.name, r.short):
                return r
        raise EupactError(
            [Problem("rule", name, f"not in methodology {self.name}")], "unknown rule"
        )

    def with_thresholds(self, thresholds: dict[str, Fraction]) -> Methodology:
        """The same methodology with some rule thresholds replaced (for what-ifs)."""
        cats = {
            c: replace(
                cr,
                rules=tuple(
                    replace(r, threshold=t, limit=float(t))
                    for r in cr.rules
                    for t in (thresholds.get(r.name, r.threshold),)
                ),
            )
            for c, cr in self.categories.items()
        }
        sar = self.sar
        if sar is not None and sar.rule.name in thresholds:
            t = thresholds[sar.rule.name]
            sar = replace(sar, rule=replace(sar.rule, threshold=t, limit=float(t)))
        return replace(self, categories=cats, sar=sar)

    def parameter_rows(self) -> list[dict[str, Any]]:
        """Every methodology parameter in force, with its reference and file (for annexes)."""
        rows = []
        for p in self.params.parameters:
            if not p.name.startswith(PREFIX):
                continue
            entry = p.entry_at(self.params.date)
            rows.append(
                {
                    "parameter": p.name,
                    "value": _display(entry.value),
                    "description": p.description,
                    "reference": entry.reference.cite(),
                    "note": entry.reference.note,
                    "file": p.file,
                }
            )
        return rows


def _display(value: Any) -> str:
    if isinstance(value, Fraction):
        return str(value) if value.denominator == 1 else f"{value} (= {float(value):g})"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_display(v)}" for k, v in value.items())
    if isinstance(value, tuple):
        return " ".join(str(v) for v in value)
    return str(value)


def _rule(params: ParametersAt, name: str, category: str, raw: Any) -> Rule | Problem:
    where = params.parameters[name].file
    if not isinstance(raw, dict):
        return Problem(name, raw, "a rule is {indicator, measure, threshold, weight}", where)
    indicator, measure = raw.get("indicator"), raw.get("measure")
    threshold, weight = raw.get("threshold"), raw.get("weight", Fraction(1))
    if indicator != ROUTE and indicator not in INDICATORS:
        known = ", ".join([*INDICATORS, ROUTE])
        return Problem(f"{name}.indicator", indicator, f"unknown indicator; known: {known}", where)
    if measure not in MEASURES:
        return Problem(f"{name}.measure", measure, f"one of {', '.join(MEASURES)}", where)
    if (indicator == ROUTE) != (measure == "growth"):
        return Problem(f"{name}.measure", measure, "the route indicator has one measure: growth")
    if not isinstance(threshold, Fraction | int):
        return Problem(
            f"{name}.threshold", threshold, "an exact number written as a string ('2', '8/5')"
        )
    if not isinstance(weight, Fraction | int) or weight <= 0:
        return Problem(f"{name}.weight", weight, "a positive exact number ('1', '1/2')", where)
    entry = params.entry(name)
    return Rule(
        name=name,
        category=category,
        indicator=str(indicator),
        measure=str(measure),
        threshold=Fraction(threshold),
        weight=Fraction(weight),
        description=params.parameters[name].description,
        citation=entry.reference.cite(),
        note=entry.reference.note,
        limit=float(threshold),
    )


def _sar_rule(params: ParametersAt, problems: list[Problem]) -> SarRule | None:
    """The Art. 11(3) rule: "large numbers" (a rule on a flow indicator) and "recurring" (months
    of the 12 with a disembarkation); None when the user's file sets ``sar_large`` to none."""
    raw = params(SAR_RULE)
    if raw is None or raw == "none":
        return None
    built = _rule(params, SAR_RULE, "under_pressure", raw)
    if isinstance(built, Problem):
        problems.append(built)
        return None
    if built.indicator == ROUTE or INDICATORS[built.indicator].kind != "flow":
        problems.append(
            Problem(
                f"{SAR_RULE}.indicator",
                built.indicator,
                "Art. 11(3) counts arrivals over the past 12 months: a flow indicator "
                "(sar_disembarkations; sea_arrivals as an alternative reading)",
                params.parameters[SAR_RULE].file,
            )
        )
        return None
    months = _get(params, SAR_MONTHS, problems, int)
    if months is None:
        return None
    if not 1 <= months <= 12:
        problems.append(Problem(SAR_MONTHS, months, "months of the past 12: 1..12"))
        return None
    entry = params.entry(SAR_MONTHS)
    return SarRule(built, int(months), entry.reference.cite(), entry.reference.note)


def _get(
    params: ParametersAt, name: str, problems: list[Problem], kind: type | tuple[type, ...]
) -> Any:
    try:
        value = params(name)
    except EupactError as exc:
        problems += exc.problems
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        where = params.parameters[name].file
        problems.append(
            Problem(name, value, f"must be of type {getattr(kind, '__name__', kind)}", where)
        )
        return None
    return value


def methodology_from(
    params: ParametersAt, files: tuple[str, ...] = (), overridden: tuple[str, ...] = ()
) -> Methodology:
    """Build and check the methodology from the parameters in force on ``params.date``."""
    params.entry(PREFIX + "methodology.name")  # refuses a date before the methodology applies
    problems: list[Problem] = []
    categories = {}
    for cat in CATEGORIES:
        prefix = f"{PREFIX}{cat}."
        rules = []
        for p in params.parameters:
            if not p.name.startswith(prefix) or p.name[len(prefix) :] in _SETTINGS:
                continue
            if p.values[0].since > params.date:
                continue
            raw = params(p.name)
            if raw is None or raw == "none":
                continue  # a rule dropped by the user's file
            built = _rule(params, p.name, cat, raw)
            if isinstance(built, Problem):
                problems.append(built)
            else:
                rules.append(built)
        min_score = _get(params, prefix + "min_score", problems, (Fraction, int))
        min_available = _get(params, prefix + "min_available", problems, int)
        excludes = (
            _get(params, prefix + "excludes_under_pressure", problems, bool)
            if cat != "under_pressure"
            else False
        )
        categories[cat] = CategoryRules(
            cat, tuple(rules), Fraction(min_score or 1), int(min_available or 0), bool(excludes)
        )
    start_month = _get(params, PREFIX + "period.start_month", problems, int)
    if start_month is not None and not 1 <= start_month <= 12:
        problems.append(Problem(PREFIX + "period.start_month", start_month, "must be 1..12"))
    scope = _get(params, PREFIX + "key.scope", problems, str)
    key_states: tuple[str, ...] = ()
    if scope:
        try:
            key_states = tuple(params(scope))
        except EupactError as exc:
            problems += exc.problems
    routes_raw = _get(params, PREFIX + "at_risk.routes", problems, dict) or {}
    routes = {str(k): tuple(str(g) for g in v) for k, v in routes_raw.items()}
    named = _get(params, PREFIX + "forecast.levels", problems, dict) or {}
    levels = tuple(sorted(named.values()))
    if not levels or any(not isinstance(v, int) or not 0 < v < 100 for v in levels):
        problems.append(Problem(PREFIX + "forecast.levels", levels, "whole percentages 1..99"))
    forecast = ForecastSettings(
        int(_get(params, PREFIX + "forecast.horizon_months", problems, int) or 12),
        tuple(int(v) for v in levels),
        int(_get(params, PREFIX + "forecast.min_months", problems, int) or 36),
        int(_get(params, PREFIX + "forecast.min_years", problems, int) or 6),
        int(_get(params, PREFIX + "forecast.backtest_windows", problems, int) or 0),
    )
    sar = _get(params, PREFIX + "under_pressure.sar_sea_share", problems, (Fraction, int))
    sar_rule = _sar_rule(params, problems)
    name = _get(params, PREFIX + "methodology.name", problems, str)
    method = Methodology(
        name=str(name or "unnamed"),
        files=files,
        params=params,
        categories=categories,
        start_month=int(start_month or 7),
        calendar_year_proxy=bool(
            _get(params, PREFIX + "period.calendar_year_proxy", problems, bool)
        ),
        stock_window_months=int(_get(params, PREFIX + "stock.window_months", problems, int) or 0),
        key_states=key_states,
        cumulative_years=int(_get(params, PREFIX + "cumulative.years", problems, int) or 1),
        cumulative_min_years=int(_get(params, PREFIX + "cumulative.min_years", problems, int) or 1),
        sar_sea_share=Fraction(sar if sar is not None else 1),
        routes=routes,
        forecast=forecast,
        overridden=overridden,
        sar=sar_rule,
    )
    if problems:
        raise EupactError(problems, f"methodology {method.name} is invalid")
    return method


def assessment_date(year: int, parameters: ParameterSet | None = None) -> dt.date:
    """The day the assessment for ``year`` is due: the Report's deadline (Art. 9(4))."""
    parameters = parameters or load_parameters()
    month, day = str(parameters["cycle.report_deadline"].values[-1].value).split("-")
    return dt.date(year, int(month), int(day))


def load_methodology(
    path: str | Path | None = None,
    *,
    year: int = 2025,
    parameters: ParameterSet | None = None,
) -> Methodology:
    """The methodology in force for the assessment of ``year``: the default, with the parameters
    of ``path`` (a YAML file in the parameters' format) replacing those it names."""
    base = parameters or load_parameters()
    at = assessment_date(year, base)
    if path is None:
        files = tuple(sorted({p.file for p in base if p.name.startswith(PREFIX)}))
        return methodology_from(base.at(at), files)
    user = load_parameter_file(path)
    foreign = [p.name for p in user if not p.name.startswith(PREFIX)]
    if foreign:
        raise EupactError(
            [
                Problem(
                    "parameter",
                    name,
                    f"a methodology file holds only '{PREFIX}*' parameters (legal values stay in "
                    "the package's parameter files)",
                    str(path),
                )
                for name in foreign
            ],
            "invalid methodology file",
        )
    merged = ParameterSet({**base.parameters, **user.parameters})
    default_files = tuple(sorted({p.file for p in base if p.name.startswith(PREFIX)}))
    return methodology_from(
        merged.at(at), (*default_files, str(path)), tuple(sorted(user.parameters))
    )
