"""The adequate capacity of each Member State for the border procedure and its annual maximum:
Arts 46 and 47(1), (4), (5) of Regulation (EU) 2024/1348 (APR).

* Art. 46: the Union's adequate capacity (``border.union_adequate_capacity``).
* Art. 47(4): a state's adequate capacity = the Union's × (its irregular crossings of the external
  border + arrivals after search and rescue + refusals of entry at the external border over the
  previous three years) / (the same sum for the Union as a whole). How search-and-rescue arrivals
  enter (``border.capacity.sar_arrivals``) and how a fraction of a person is rounded
  (``border.capacity.rounding``) are [reading]s.
* Art. 47(1), second subparagraph: the annual maximum is 2, 3 and 4 times that number from 12 June
  2026, 13 June 2027 and 13 June 2028 (``border.maximum.multiplier``), per phase of the act.
* Art. 47(5): the implementing acts (the first on 12 August 2024, then on 15 October every three
  years), and by when the capacity must be in place (:mod:`eupact.border.acts`).

A missing figure is never counted as 0: :func:`adequate_capacity` refuses, or (``on_missing=
"name"``) names every gap and computes no share. The Commission's first act, Implementing Decision
(EU) 2024/2150, is recorded (:func:`recorded_decision`: the six figures found, SECONDARY; every
other state "not available") and compared with a computation (:func:`compare_with_recorded`), both
in :mod:`eupact.border.recorded` and re-exported here. Pure: no file is read here (the parameters come from :mod:`eupact.parameters`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

from eupact.border.acts import (
    BorderAct,
    Phase,
    act_dates,
    acts_in_year,
    annual_maximum,
    border_act,
    bound_states,
    default_act_date,
)
from eupact.border.recorded import (
    Comparison,
    ComparisonRow,
    RecordedDecision,
    RecordedFigure,
    compare_with_recorded,
    recorded_decision,
)
from eupact.data.border_inputs import COMPONENTS, CrossingFigures, ValueSource, unbound_rule
from eupact.errors import EupactError, Problem, fail
from eupact.explain import ParameterUse
from eupact.parameters import ParametersAt, ParameterSet, load_parameters

OnMissing = Literal["refuse", "name"]
ROUNDINGS = ("half_up", "floor", "up", "largest_remainder")
ARTICLES = (
    "Art. 46 Regulation (EU) 2024/1348 (APR)",
    "Art. 47(1) APR",
    "Art. 47(4) APR",
    "Art. 47(5) APR",
)


def _params(params: ParameterSet | None) -> ParameterSet:
    return params if params is not None else load_parameters()


# --- the formula (Art. 47(4)) --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MissingFigure:
    geo: str
    year: int
    component: str

    def __str__(self) -> str:
        return f"{self.geo} {self.year} {self.component}"


@dataclass(frozen=True)
class StateCapacity:
    """One state's adequate capacity: its three-year sums by term, the counted total (the terms
    Art. 47(4) adds), its exact share of the Union's, the capacity as rounded, and the annual
    maxima of the act's phases."""

    geo: str
    sums: Mapping[str, int | None]
    counted: int | None
    share: Fraction | None
    exact: Fraction | None
    capacity: int | None
    maxima: tuple[Phase, ...] = ()
    missing: tuple[MissingFigure, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "geo": self.geo,
            "sums": dict(self.sums),
            "counted": self.counted,
            "share": _fraction(self.share),
            "share_percent": _percent(self.share),
            "exact": _fraction(self.exact),
            "capacity": self.capacity,
            "maxima": [p.as_dict() for p in self.maxima],
            "missing": [str(m) for m in self.missing],
        }


def _fraction(value: Fraction | None) -> str | None:
    return None if value is None else f"{value.numerator}/{value.denominator}"


def _percent(value: Fraction | None, places: int = 4) -> str | None:
    if value is None:
        return None
    scaled = value * 100 * 10**places
    whole = math.floor(scaled + Fraction(1, 2))
    return f"{whole // 10**places}.{whole % 10**places:0{places}d}"


@dataclass(frozen=True)
class CapacityResult:
    """Every state's adequate capacity for one implementing act, with the Union's totals and the
    trace: inputs with their sources, articles, parameters in force, [reading]s, data window and
    vintage."""

    act: BorderAct
    union_capacity: int
    states: Mapping[str, StateCapacity]
    union_sums: Mapping[str, int | None]
    union_counted: int | None
    rounding: str
    sar: str
    missing: tuple[MissingFigure, ...]
    trace: Mapping[str, Any] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def total(self) -> int | None:
        """The states' capacities summed (the Union's capacity give or take the rounding)."""
        values = [s.capacity for s in self.states.values()]
        return None if any(v is None for v in values) else sum(v or 0 for v in values)

    @property
    def synthetic(self) -> bool:
        return any("SYNTHETIC" in str(i.get("source", "")) for i in self.trace.get("inputs", ()))

    def as_dict(self) -> dict[str, Any]:
        return {
            "act": self.act.as_dict(),
            "union_capacity": self.union_capacity,
            "union_sums": dict(self.union_sums),
            "union_counted": self.union_counted,
            "total": self.total,
            "rounding": self.rounding,
            "sar_arrivals": self.sar,
            "complete": self.complete,
            "missing": [str(m) for m in self.missing],
            "synthetic": self.synthetic,
            "states": {g: s.as_dict() for g, s in self.states.items()},
            "trace": dict(self.trace),
        }


def _counted_components(sar: str) -> tuple[str, ...]:
    if sar == "added":
        return COMPONENTS
    return ("irregular_crossings", "refusals_of_entry")


def _check_figures(
    figures: Sequence[CrossingFigures], bound: Collection[str]
) -> dict[tuple[str, int], CrossingFigures]:
    problems: list[Problem] = []
    seen: dict[tuple[str, int], CrossingFigures] = {}
    for f in figures:
        if f.geo not in bound:
            problems.append(Problem("geo", f.geo, unbound_rule(f.geo, bound)))
            continue
        if (f.geo, f.year) in seen:
            problems.append(
                Problem("year", f.year, f"{f.geo} {f.year} is given twice: a state's year once")
            )
            continue
        for c in COMPONENTS:
            value = f.value(c)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 0
            ):
                problems.append(
                    Problem(f"{f.geo} {f.year} {c}", value, "must be a whole number, 0 or more")
                )
        seen[f.geo, f.year] = f
    if problems:
        raise EupactError(problems, "border figures refused")
    return seen


def _round(
    exact: Mapping[str, Fraction], counted: Mapping[str, int], method: str, total: int
) -> dict[str, int]:
    """Whole numbers from exact results, by the [reading] ``method``."""
    if method == "half_up":
        return {g: math.floor(x + Fraction(1, 2)) for g, x in exact.items()}
    if method == "floor":
        return {g: math.floor(x) for g, x in exact.items()}
    if method == "up":
        return {g: math.ceil(x) for g, x in exact.items()}
    if method == "largest_remainder":
        out = {g: math.floor(x) for g, x in exact.items()}
        left = total - sum(out.values())
        order = sorted(exact, key=lambda g: (-(exact[g] - out[g]), -counted[g], g))
        for g in order[: max(left, 0)]:
            out[g] += 1
        return out
    raise fail("border.capacity.rounding", method, f"must be one of {', '.join(ROUNDINGS)}")


def adequate_capacity(
    figures: Sequence[CrossingFigures],
    *,
    act_date: dt.date,
    params: ParameterSet | None = None,
    states: Sequence[str] | None = None,
    on_missing: OnMissing = "refuse",
) -> CapacityResult:
    """Each state's adequate capacity under the implementing act of ``act_date`` (Art. 47(4)).

    The figures are summed over the three calendar years before the act's year (Art. 47(4),
    ``border.reference_years``), for the states bound on ``act_date`` (or ``states``, a subset
    taken as the Union for a what-if: the trace says so). A figure the formula needs and that is
    not known refuses the computation (``on_missing="refuse"``) or is named in the result
    (``"name"``: the states whose figures are complete keep their sums; no share is computed,
    since the Union's total is not known). Figures for other years are left aside."""
    ps = _params(params)
    at = ps.at(act_date)
    act = border_act(act_date, ps)
    bound = bound_states(act_date, ps)
    union = tuple(sorted(states)) if states is not None else bound
    outside = [g for g in union if g not in bound]
    if outside:
        raise fail("states", outside, unbound_rule(outside[0], bound), summary="states refused")
    given = _check_figures(figures, bound)
    rounding: str = at("border.capacity.rounding")
    sar: str = at("border.capacity.sar_arrivals")
    counted_terms = _counted_components(sar)
    total: int = at("border.union_adequate_capacity")
    missing: list[MissingFigure] = []
    sums: dict[str, dict[str, int | None]] = {}
    for geo in union:
        per: dict[str, int | None] = {}
        for c in COMPONENTS:
            values = [given[geo, y].value(c) if (geo, y) in given else None for y in act.window]
            per[c] = None if any(v is None for v in values) else sum(v or 0 for v in values)
            if c in counted_terms:
                missing += [
                    MissingFigure(geo, y, c)
                    for y, v in zip(act.window, values, strict=True)
                    if v is None
                ]
        sums[geo] = per
    if missing and on_missing == "refuse":
        raise _missing_error(missing, act)
    counted = {
        g: sum(s[c] or 0 for c in counted_terms)
        for g, s in sums.items()
        if all(s[c] is not None for c in counted_terms)
    }
    union_sums = {
        c: (None if any(sums[g][c] is None for g in union) else sum(sums[g][c] or 0 for g in union))
        for c in COMPONENTS
    }
    union_counted = None if missing else sum(counted.values())
    if union_counted == 0:
        raise fail(
            "Union total",
            0,
            f"the Union's sum over {_years(act.window)} is 0: Art. 47(4) divides by it, so no "
            "share can be computed",
            summary="border capacity not computable",
        )
    exact: dict[str, Fraction] = {}
    shares: dict[str, Fraction] = {}
    if union_counted:
        shares = {g: Fraction(counted[g], union_counted) for g in union}
        exact = {g: total * shares[g] for g in union}
    capacities = _round(exact, counted, rounding, total) if exact else {}
    maxima = _maxima(act, exact, capacities, counted, rounding, total, at)
    result_states = {
        g: StateCapacity(
            geo=g,
            sums=sums[g],
            counted=counted.get(g),
            share=shares.get(g),
            exact=exact.get(g),
            capacity=capacities.get(g),
            maxima=maxima.get(
                g,
                tuple(Phase(p.since, p.until, p.multiplier, None, p.citation) for p in act.phases),
            ),
            missing=tuple(m for m in missing if m.geo == g),
        )
        for g in union
    }
    trace = _trace(act, given, union, bound, ps, at, figures)
    return CapacityResult(
        act, total, result_states, union_sums, union_counted, rounding, sar, tuple(missing), trace
    )


def _years(window: Sequence[int]) -> str:
    return f"{window[0]}-{window[-1]}" if window else "no year"


def _missing_error(missing: Sequence[MissingFigure], act: BorderAct) -> EupactError:
    by_geo: dict[str, list[str]] = {}
    for m in missing:
        by_geo.setdefault(m.geo, []).append(f"{m.year} {m.component}")
    problems = [
        Problem(
            f"{geo} figures",
            ", ".join(items),
            f"not known: Art. 47(4) sums these over {_years(act.window)} and a missing figure is "
            "never counted as 0; import it (an inputs file)",
        )
        for geo, items in by_geo.items()
    ]
    return EupactError(problems, "border capacity not computable: figures missing")


def _maxima(
    act: BorderAct,
    exact: Mapping[str, Fraction],
    capacities: Mapping[str, int],
    counted: Mapping[str, int],
    rounding: str,
    total: int,
    at: ParametersAt,
) -> dict[str, tuple[Phase, ...]]:
    """Each state's annual maximum in each phase of the act (Art. 47(1), second subparagraph)."""
    if not capacities:
        return {}
    basis: str = at("border.maximum.basis")
    out: dict[str, list[Phase]] = {g: [] for g in capacities}
    for p in act.phases:
        if basis == "exact_share":
            scaled = {g: p.multiplier * x for g, x in exact.items()}
            values = _round(scaled, counted, rounding, p.multiplier * total)
        else:
            values = {g: p.multiplier * c for g, c in capacities.items()}
        for g in capacities:
            out[g].append(Phase(p.since, p.until, p.multiplier, values[g], p.citation))
    return {g: tuple(v) for g, v in out.items()}


def _trace(
    act: BorderAct,
    given: Mapping[tuple[str, int], CrossingFigures],
    union: Sequence[str],
    bound: Sequence[str],
    ps: ParameterSet,
    at: ParametersAt,
    figures: Sequence[CrossingFigures],
) -> dict[str, Any]:
    names = (
        "border.bound_member_states",
        "border.union_adequate_capacity",
        "border.reference_years",
        "border.capacity.rounding",
        "border.capacity.sar_arrivals",
        "border.maximum.basis",
    )
    inputs = []
    classes: dict[str, set[str]] = {}
    for (geo, year), f in sorted(given.items()):
        if geo not in union or year not in act.window:
            continue
        for c in COMPONENTS:
            src = f.source_of(c)
            inputs.append(
                {
                    "geo": geo,
                    "year": year,
                    "component": c,
                    "value": f.value(c),
                    "source": src.source,
                    "source_class": src.source_class,
                }
            )
            if f.value(c) is not None:
                classes.setdefault(src.source_class, set()).add(src.source)
    readings = [
        r.as_dict()
        for r in ps.readings_at(act.act_date)
        if r.name
        in ("border.capacity.rounding", "border.capacity.sar_arrivals", "border.maximum.basis")
    ]
    left_aside = sorted({f.year for f in figures if f.year not in act.window})
    return {
        "rule": "eupact.border.capacity.adequate_capacity",
        "formula": f"capacity = {int(at('border.union_adequate_capacity')):,} × state's sum / "
        "Union's sum, over the three years before the act's year (Art. 47(4)); annual maximum = "
        "multiplier × capacity (Art. 47(1))",
        "articles": list(ARTICLES),
        "parameters": [_parameter_use(at, n) for n in names],
        "phases": [p.as_dict() for p in act.phases],
        "readings": readings,
        "union": list(union),
        "union_is_bound_set": tuple(union) == tuple(bound),
        "window": {
            "years": list(act.window),
            "from": f"{act.window[0]}-01-01" if act.window else None,
            "until": f"{act.window[-1]}-12-31" if act.window else None,
            "rule": "the three calendar years before the act's year (Art. 47(4), "
            "border.reference_years)",
        },
        "vintage": {k: sorted(v) for k, v in sorted(classes.items())},
        "left_aside_years": left_aside,
        "inputs": inputs,
    }


def _parameter_use(at: ParametersAt, name: str) -> dict[str, str]:
    entry = at.entry(name)
    value = entry.value
    shown = (
        " ".join(map(str, value)) if isinstance(value, tuple) else ParameterUse.of(at, name).value
    )
    return {
        "name": name,
        "value": shown,
        "citation": entry.reference.cite(),
        "note": entry.reference.note or entry.note,
    }


__all__ = [
    "ARTICLES",
    "BorderAct",
    "CapacityResult",
    "Comparison",
    "ComparisonRow",
    "CrossingFigures",
    "MissingFigure",
    "Phase",
    "RecordedDecision",
    "RecordedFigure",
    "StateCapacity",
    "ValueSource",
    "act_dates",
    "acts_in_year",
    "adequate_capacity",
    "annual_maximum",
    "border_act",
    "bound_states",
    "compare_with_recorded",
    "default_act_date",
    "recorded_decision",
]
