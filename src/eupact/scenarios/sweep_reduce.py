"""A sweep's results brought together, the same bytes whoever computed them.

Each task returns a compact :class:`TaskResult` (integers, booleans and short text only: euros in
cents, offsets in relocations). :func:`reduce_sweep` orders them by task index and aggregates
them with integer arithmetic alone — probabilities as counts over the number of scenarios,
quantiles by nearest rank, means as exact fractions rounded once — so that one worker, two
workers or a cluster of a hundred give the same JSON, byte for byte (`sweep_json`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any

from eupact.errors import fail
from eupact.reports.tables import Table

#: A value an axis takes: what a scenario file holds (a whole number, text, true/false).
Value = int | str | bool | None
#: The quantiles of the shortfall reported, in per cent.
QUANTILES = (5, 25, 50, 75, 95)


@dataclass(frozen=True, slots=True)
class TaskResult:
    """One scenario of a sweep, in integers: what the reduction and the per-scenario table
    need, nothing that would make the result depend on where it was computed."""

    index: int
    point: tuple[Value, ...]
    refused: str = ""  # the scenario's problems, if its inputs were refused (nothing computed)
    triggered: bool = False  # obligatory offsets triggered (Art. 63(3)-(4))
    obligatory: bool = False  # and they apply (the Forum reconvened, Art. 13(4), 63(3))
    shortfall_cents: int = 0  # pool shortfall against the reference number, EUR-equivalent
    relocation_shortfall: int = 0  # relocations short of the reference number
    to_implement_cents: int = 0  # what is left to implement after deductions (Art. 60(3))
    offsets_total: int = 0  # relocations owed as offsets, all states (Art. 63(3), (7))
    uncovered: int = 0  # part of the gap no state's cap covers
    obligations: tuple[tuple[str, int], ...] = ()  # per state, sorted by geo code


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """A run of consecutive tasks, and what they were computed with (software and data)."""

    start: int
    stop: int
    environment: str
    results: tuple[TaskResult, ...]


def cents(amount: Decimal) -> int:
    """Euros as whole cents (half to even: the engine's amounts have at most two decimals)."""
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_EVEN))


def euros(amount_cents: int) -> Decimal:
    return Decimal(amount_cents).scaleb(-2)


def nearest_rank(ordered: Sequence[int], percent: int) -> int:
    """The ``percent`` quantile of sorted integers by nearest rank (a value that occurs)."""
    rank = max(1, math.ceil(Fraction(percent, 100) * len(ordered)))
    return ordered[rank - 1]


def exact_mean(values: Sequence[int]) -> Decimal:
    """The mean to two decimals, half to even, from the exact fraction."""
    mean = Fraction(sum(values), len(values))
    return (Decimal(mean.numerator) / Decimal(mean.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_EVEN
    )


def probability(count: int, total: int) -> float:
    """``count / total`` (0 without scenarios): one IEEE division of two integers, the same
    double everywhere."""
    return count / total if total else 0.0


@dataclass(frozen=True)
class SweepResult:
    """A sweep's description, its tasks ordered by index, and the aggregates."""

    sweep: dict[str, Any]  # label, base, mode, seed, axes: what was asked
    axes: tuple[str, ...]
    environment: str
    tasks: tuple[TaskResult, ...]
    summary: dict[str, Any]
    states: list[dict[str, Any]]
    by_axis: list[dict[str, Any]]

    def document(self) -> dict[str, Any]:
        return {
            "sweep": self.sweep,
            "computed_with": self.environment,
            "summary": self.summary,
            "states": self.states,
            "by_axis": self.by_axis,
            "scenarios": [_task_row(self.axes, t) for t in self.tasks],
        }


def _task_row(axes: tuple[str, ...], t: TaskResult) -> dict[str, Any]:
    return {
        "index": t.index,
        **dict(zip(axes, t.point, strict=True)),
        "refused": t.refused,
        "offsets_triggered": t.triggered,
        "offsets_obligatory": t.obligatory,
        "shortfall_cents": t.shortfall_cents,
        "relocation_shortfall": t.relocation_shortfall,
        "to_implement_cents": t.to_implement_cents,
        "offsets_total": t.offsets_total,
        "uncovered": t.uncovered,
        "obligations": dict(t.obligations),
    }


def _spread(values: Sequence[int]) -> dict[str, Any]:
    ordered = sorted(values)
    if not ordered:
        return {"min": None, "median": None, "max": None, "mean": None}
    return {
        "min": ordered[0],
        "median": nearest_rank(ordered, 50),
        "max": ordered[-1],
        "mean": str(exact_mean(ordered)),
    }


def _quantiles(values: Sequence[int]) -> dict[str, Any]:
    ordered = sorted(values)
    out: dict[str, Any] = {"min": ordered[0] if ordered else None}
    for q in QUANTILES:
        out[f"p{q:02d}"] = nearest_rank(ordered, q) if ordered else None
    out["max"] = ordered[-1] if ordered else None
    out["mean"] = str(exact_mean(ordered)) if ordered else None
    return out


def reduce_sweep(
    sweep: dict[str, Any], axes: tuple[str, ...], size: int, chunks: Sequence[ChunkResult]
) -> SweepResult:
    """Every task's result, ordered by index, and the aggregates; refused if a task is missing
    or computed twice, or if the workers ran other software or data than each other."""
    tasks = sorted((t for c in chunks for t in c.results), key=lambda t: t.index)
    environments = sorted({c.environment for c in chunks})
    if [t.index for t in tasks] != list(range(size)):
        raise fail(
            "sweep", f"{len(tasks)} results", f"expected one result for each of {size} tasks"
        )
    if len(environments) > 1:
        raise fail(
            "sweep",
            " | ".join(environments),
            "the workers computed with different software or data: install the same eupact and "
            "snapshot on every worker",
        )
    computed = [t for t in tasks if not t.refused]
    n = len(computed)
    triggered = sum(t.triggered for t in computed)
    obligatory = sum(t.obligatory for t in computed)
    summary: dict[str, Any] = {
        "scenarios": size,
        "computed": n,
        "refused": size - n,
        "offsets_triggered": {"count": triggered, "probability": probability(triggered, n)},
        "offsets_obligatory": {"count": obligatory, "probability": probability(obligatory, n)},
        "shortfall_cents": _quantiles([t.shortfall_cents for t in computed]),
        "relocation_shortfall": _quantiles([t.relocation_shortfall for t in computed]),
        "offsets_total": _quantiles([t.offsets_total for t in computed]),
        "uncovered": _quantiles([t.uncovered for t in computed]),
    }
    geos = sorted({geo for t in computed for geo, _ in t.obligations})
    owed = {geo: [dict(t.obligations).get(geo, 0) for t in computed] for geo in geos}
    states = [
        {
            "geo": geo,
            "owing": sum(1 for v in owed[geo] if v > 0),
            "owing_probability": probability(sum(1 for v in owed[geo] if v > 0), n),
            **_spread(owed[geo]),
        }
        for geo in geos
    ]
    by_axis: list[dict[str, Any]] = []
    for j, axis in enumerate(axes):
        groups: dict[Value, list[TaskResult]] = {}
        for t in computed:
            groups.setdefault(t.point[j], []).append(t)
        for value in _axis_order(sweep, axis, groups):
            group = groups[value]
            hit = sum(t.triggered for t in group)
            shortfalls = sorted(t.shortfall_cents for t in group)
            by_axis.append(
                {
                    "axis": axis,
                    "value": value,
                    "scenarios": len(group),
                    "offsets_triggered": hit,
                    "offsets_triggered_probability": probability(hit, len(group)),
                    "shortfall_median_cents": nearest_rank(shortfalls, 50),
                }
            )
    return SweepResult(
        sweep,
        axes,
        environments[0] if environments else "",
        tuple(tasks),
        summary,
        states,
        by_axis,
    )


def _axis_order(sweep: dict[str, Any], axis: str, groups: dict[Value, Any]) -> list[Value]:
    """The values met on ``axis`` in the axis's own order (as the grid lists them)."""
    declared = next((a["values"] for a in sweep.get("axes", []) if a["path"] == axis), None)
    if declared is None:
        return list(groups)
    return [v for v in declared if v in groups]


def sweep_json(result: SweepResult) -> str:
    """The sweep's document as JSON: fixed key order, no timings, no worker names — the same
    text for the same sweep whatever ran it."""
    return json.dumps(result.document(), ensure_ascii=False, indent=1) + "\n"


# --- tables -------------------------------------------------------------------------------------


def _pct(count: int, total: int) -> Decimal:
    if not total:
        return Decimal(0)
    return (Decimal(count * 100) / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_EVEN)


def summary_table(result: SweepResult) -> Table:
    s = result.summary
    n = s["computed"]
    rows: list[dict[str, Any]] = [
        {"item": "scenarios", "value": s["scenarios"]},
        {"item": "computed", "value": n},
        {"item": "refused (a rule broken: see -f csv)", "value": s["refused"]},
        {
            "item": "offsets triggered (Art. 63(3)-(4)), %",
            "value": _pct(s["offsets_triggered"]["count"], n),
        },
        {
            "item": "offsets apply (Forum reconvened, Art. 13(4)), %",
            "value": _pct(s["offsets_obligatory"]["count"], n),
        },
    ]
    short = s["shortfall_cents"]
    for key in ("min", *(f"p{q:02d}" for q in QUANTILES), "max"):
        label = {"min": "minimum", "max": "maximum", "p50": "median"}.get(key, key)
        value = short[key]
        rows.append(
            {
                "item": f"shortfall, EUR-equivalent: {label}",
                "value": None if value is None else euros(value),
            }
        )
    for name, label in (
        ("relocation_shortfall", "relocations short"),
        ("offsets_total", "offsets owed, all states"),
        ("uncovered", "gap beyond every cap (relocations)"),
    ):
        rows.append({"item": f"{label}: median", "value": s[name]["p50"]})
        rows.append({"item": f"{label}: maximum", "value": s[name]["max"]})
    notes = (
        f"{result.sweep.get('label') or 'sweep'}: {result.sweep.get('mode')} of "
        f"{s['scenarios']:,} scenarios on '{result.sweep.get('base')}'.",
        "shortfall and relocations short: against the reference number (Art. 57(1)).",
        "Quantiles by nearest rank (a value some scenario has); % of computed scenarios.",
    )
    return Table(
        "sweep_summary", "Sweep: the pool across scenarios", ("item", "value"), rows, notes
    )


def states_table(result: SweepResult) -> Table:
    rows = [
        {
            "geo": r["geo"],
            "owing_pct": _pct(r["owing"], result.summary["computed"]),
            "offsets_min": r["min"],
            "offsets_median": r["median"],
            "offsets_max": r["max"],
            "offsets_mean": None if r["mean"] is None else Decimal(r["mean"]),
        }
        for r in result.states
    ]
    columns = ("geo", "owing_pct", "offsets_min", "offsets_median", "offsets_max", "offsets_mean")
    return Table(
        "sweep_states",
        "Offsets owed per Member State across scenarios (relocations, Art. 63(3), (7))",
        columns,
        rows,
        ("owing_pct: % of computed scenarios in which the state owes offsets.",),
    )


def by_axis_table(result: SweepResult) -> Table:
    rows = [
        {
            "axis": r["axis"],
            "value": r["value"],
            "scenarios": r["scenarios"],
            "offsets_triggered_pct": _pct(r["offsets_triggered"], r["scenarios"]),
            "shortfall_median_eur": euros(r["shortfall_median_cents"]),
        }
        for r in result.by_axis
    ]
    columns = ("axis", "value", "scenarios", "offsets_triggered_pct", "shortfall_median_eur")
    return Table(
        "sweep_by_axis",
        "Each value of each axis: share of scenarios triggering offsets, median shortfall",
        columns,
        rows,
    )


def scenarios_table(result: SweepResult) -> Table:
    geos = sorted({geo for t in result.tasks for geo, _ in t.obligations})
    rows = []
    for t in result.tasks:
        owed = dict(t.obligations)
        rows.append(
            {
                "index": t.index,
                **dict(zip(result.axes, t.point, strict=True)),
                "refused": t.refused,
                "offsets_triggered": t.triggered,
                "offsets_obligatory": t.obligatory,
                "shortfall_eur": euros(t.shortfall_cents),
                "relocation_shortfall": t.relocation_shortfall,
                "to_implement_eur": euros(t.to_implement_cents),
                "offsets_total": t.offsets_total,
                "uncovered": t.uncovered,
                **{f"offsets_{geo}": None if t.refused else owed.get(geo, 0) for geo in geos},
            }
        )
    per_state = tuple(f"offsets_{geo}" for geo in geos)
    columns = (
        "index",
        *result.axes,
        "refused",
        "offsets_triggered",
        "offsets_obligatory",
        "shortfall_eur",
        "relocation_shortfall",
        "to_implement_eur",
        "offsets_total",
        "uncovered",
        *per_state,
    )
    return Table(
        "sweep_scenarios",
        "Every scenario of the sweep, by task index",
        columns,
        rows,
        wide=per_state,
    )


def sweep_tables(result: SweepResult, *, scenarios: bool = False) -> list[Table]:
    """The summary, per state and per axis value; with ``scenarios``, every scenario first."""
    tables = [summary_table(result), states_table(result), by_axis_table(result)]
    return [scenarios_table(result), *tables] if scenarios else tables


__all__ = [
    "QUANTILES",
    "ChunkResult",
    "SweepResult",
    "TaskResult",
    "Value",
    "cents",
    "euros",
    "nearest_rank",
    "reduce_sweep",
    "sweep_json",
    "sweep_tables",
]
