"""The Commission's implementing act of Art. 47(1) Regulation (EU) 2024/1348 (APR) as recorded, and
a computation beside it: Commission Implementing Decision (EU) 2024/2150 of 5 August 2024 (OJ L,
2024/2150, 9.8.2024; data 2021-2023; applies 12 June 2026 - 14 October 2027). Its annex was not
retrieved: the six figures found (IT, HU, ES, EL, PL, DE) come from press reports (SECONDARY, each
with its sources); every other bound state is "not available" — never zero, never derived.
Pure: the record is ``parameters/acts/commission_implementing_decision_2024_2150.yaml``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eupact.border.acts import bound_states, recorded_citation
from eupact.data.border_inputs import ValueSource
from eupact.data.provenance import SOURCE_CLASSES
from eupact.parameters import ParameterSet, load_parameters

if TYPE_CHECKING:
    from eupact.border.capacity import CapacityResult


def _params(params: ParameterSet | None) -> ParameterSet:
    return params if params is not None else load_parameters()


def _years(window: tuple[int, ...]) -> str:
    return f"{window[0]}-{window[-1]}" if window else "no year"


@dataclass(frozen=True, slots=True)
class RecordedFigure:
    """One state's figures as recorded from the act, with their source."""

    geo: str
    adequate_capacity: int | None
    maxima: tuple[tuple[dt.date, int | None], ...]
    source: ValueSource

    def maximum_from(self, since: dt.date) -> int | None:
        return next((v for d, v in self.maxima if d == since), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "geo": self.geo,
            "adequate_capacity": self.adequate_capacity,
            "maxima": {d.isoformat(): v for d, v in self.maxima},
            **self.source.as_dict(),
        }


@dataclass(frozen=True)
class RecordedDecision:
    """The Commission's implementing act as recorded: the figures held, and the bound states
    whose figures are not available (never zero, never derived)."""

    citation: str
    oj: str
    adopted_on: dt.date
    applies_from: dt.date
    applies_until: dt.date
    window: tuple[int, ...]
    figures: Mapping[str, RecordedFigure]
    not_available: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "citation": self.citation,
            "oj": self.oj,
            "adopted_on": self.adopted_on.isoformat(),
            "applies_from": self.applies_from.isoformat(),
            "applies_until": self.applies_until.isoformat(),
            "window": list(self.window),
            "figures": {g: f.as_dict() for g, f in self.figures.items()},
            "not_available": list(self.not_available),
        }


def recorded_decision(params: ParameterSet | None = None) -> RecordedDecision:
    """Commission Implementing Decision (EU) 2024/2150 as recorded in
    ``parameters/acts/commission_implementing_decision_2024_2150.yaml``."""
    ps = _params(params)
    adopted = ps["border_2024_2150.adopted_on"].values[-1]
    at = ps.at(adopted.value)
    rows: Mapping[str, Mapping[str, Any]] = at("border_2024_2150.figures")
    figures = {}
    for geo, row in rows.items():
        maxima = tuple(
            (dt.date.fromisoformat(k.removeprefix("max_from_").replace("_", "-")), v)
            for k, v in row.items()
            if k.startswith("max_from_")
        )
        klass = next(c for c in SOURCE_CLASSES if c == row["source_class"])
        figures[geo] = RecordedFigure(
            geo, row.get("adequate_capacity"), maxima, ValueSource(str(row["sources"]), klass)
        )
    bound = bound_states(adopted.value, ps)
    return RecordedDecision(
        citation=recorded_citation(ps),
        oj=adopted.reference.oj,
        adopted_on=adopted.value,
        applies_from=at("border_2024_2150.applies_from"),
        applies_until=at("border_2024_2150.applies_until"),
        window=tuple(at("border_2024_2150.data_window")),
        figures=figures,
        not_available=tuple(g for g in bound if g not in figures),
    )


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    """One state's computed figure beside the recorded one."""

    geo: str
    computed: int | None
    recorded: int | None
    maxima: tuple[tuple[dt.date, int | None, int | None], ...]  # since, computed, recorded
    source: ValueSource | None

    @property
    def difference(self) -> int | None:
        if self.computed is None or self.recorded is None:
            return None
        return self.computed - self.recorded

    @property
    def status(self) -> str:
        if self.recorded is None and self.computed is None:
            return "neither known"
        if self.recorded is None:
            return "recorded: not available"
        if self.computed is None:
            return "computed: figures missing"
        return "equal" if self.difference == 0 else f"differs by {self.difference:+,}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "geo": self.geo,
            "computed": self.computed,
            "recorded": self.recorded,
            "difference": self.difference,
            "status": self.status,
            "maxima": [
                {"since": d.isoformat(), "computed": c, "recorded": r} for d, c, r in self.maxima
            ],
            "recorded_source": self.source.as_dict() if self.source else None,
        }


@dataclass(frozen=True)
class Comparison:
    """A computation beside the recorded act, state by state."""

    recorded: RecordedDecision
    rows: tuple[ComparisonRow, ...]
    same_window: bool
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "recorded": self.recorded.as_dict(),
            "same_window": self.same_window,
            "rows": [r.as_dict() for r in self.rows],
            "notes": list(self.notes),
        }


def compare_with_recorded(result: CapacityResult, recorded: RecordedDecision) -> Comparison:
    """Each state's computed capacity and maxima beside the recorded ones; a state the record
    does not hold is "not available", never 0."""
    rows = []
    dates = sorted({d for f in recorded.figures.values() for d, _ in f.maxima})
    for geo in sorted(set(result.states) | set(recorded.figures)):
        state = result.states.get(geo)
        held = recorded.figures.get(geo)
        maxima = tuple(
            (
                d,
                next((p.maximum for p in state.maxima if p.since == d), None) if state else None,
                held.maximum_from(d) if held else None,
            )
            for d in dates
        )
        rows.append(
            ComparisonRow(
                geo,
                state.capacity if state else None,
                held.adequate_capacity if held else None,
                maxima,
                held.source if held else None,
            )
        )
    same = tuple(result.act.window) == tuple(recorded.window)
    notes = []
    if not same:
        notes.append(
            f"the computation uses {_years(result.act.window)}, the recorded act "
            f"{_years(recorded.window)}: the figures are not expected to agree"
        )
    if recorded.figures:
        notes.append(
            "recorded figures: SECONDARY (press reports of the act's annex, which was not "
            f"retrieved); not available for {len(recorded.not_available)} bound states"
        )
    return Comparison(recorded, tuple(rows), same, tuple(notes))


__all__ = [
    "Comparison",
    "ComparisonRow",
    "RecordedDecision",
    "RecordedFigure",
    "compare_with_recorded",
    "recorded_decision",
]
