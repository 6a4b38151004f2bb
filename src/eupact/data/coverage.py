"""How complete the data are, and on what class of source: indicator × Member State × period.

The assessment (Art. 9(3)(a), 10, 11 AMMR) can only be as good as the figures it holds. This
module answers, for every indicator and period in a snapshot, which of the 27 Member States have
a figure and from which class of source (docs/data.md, "Source classes"): ``primary`` (an
official extraction), ``user`` (a user's import), ``secondary`` (a page quoting a figure), or
none. Where a cell has figures of several classes, the class the assessment would use is shown
(``eupact.assessment.data.CLASS_PRECEDENCE``: user, then primary, then secondary).

A missing figure is a gap, never zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eupact.data.provenance import StateSeries
from eupact.data.snapshot import Snapshot
from eupact.parameters import load_parameters

#: The Member States (the parameter ``scope.eu_member_states``, Art. 52 TEU; EL = Greece): Denmark
#: is listed, as the data list it, though it is not bound by the AMMR.
MEMBER_STATES: tuple[str, ...] = tuple(load_parameters()["scope.eu_member_states"].values[-1].value)
#: The order in which classes win a cell: the same as the assessment's precedence.
PRECEDENCE = ("user", "primary", "secondary")
#: One letter per class for matrices (and "·" for no figure).
LETTERS = {"primary": "P", "user": "U", "secondary": "S", "": "·"}


@dataclass(frozen=True, slots=True)
class Cell:
    indicator: str
    period: str
    geo: str
    source_class: str  # the class that wins the cell; "" when no figure is held
    classes: tuple[str, ...]  # every class held for the cell
    value: float | None


@dataclass
class Coverage:
    """Every (indicator, period, state) cell of a snapshot, with its winning class."""

    cells: dict[tuple[str, str], dict[str, Cell]] = field(default_factory=dict)

    @property
    def keys(self) -> list[tuple[str, str]]:
        return sorted(self.cells)

    def indicators(self) -> list[str]:
        return sorted({i for i, _ in self.cells})

    def periods(self, indicator: str) -> list[str]:
        return sorted(p for i, p in self.cells if i == indicator)

    def cell(self, indicator: str, period: str, geo: str) -> Cell:
        found = self.cells.get((indicator, period), {}).get(geo)
        return found or Cell(indicator, period, geo, "", (), None)

    def summary(self) -> list[dict[str, Any]]:
        """Per indicator and period: states with a primary, user or only a secondary figure,
        and the states with none (of the 27)."""
        rows = []
        for indicator, period in self.keys:
            by_class: dict[str, list[str]] = {c: [] for c in (*PRECEDENCE, "")}
            for geo in MEMBER_STATES:
                by_class[self.cell(indicator, period, geo).source_class].append(geo)
            rows.append(
                {
                    "indicator": indicator,
                    "period": period,
                    "primary": len(by_class["primary"]),
                    "user": len(by_class["user"]),
                    "secondary_only": len(by_class["secondary"]),
                    "none": len(by_class[""]),
                    "of": len(MEMBER_STATES),
                    "no_figure": " ".join(by_class[""]),
                    "secondary_only_states": " ".join(by_class["secondary"]),
                }
            )
        return rows

    def long(self) -> list[dict[str, Any]]:
        """Every cell, one row each (indicator, geo, period, class, classes held)."""
        return [
            {
                "indicator": indicator,
                "period": period,
                "geo": geo,
                "source_class": (c := self.cell(indicator, period, geo)).source_class or "none",
                "classes_held": " ".join(c.classes),
                "value": c.value,
            }
            for indicator, period in self.keys
            for geo in MEMBER_STATES
        ]

    def matrix(self, indicator: str, periods: Sequence[str] | None = None) -> list[dict[str, str]]:
        """One row per Member State, one column per period: the winning class's letter."""
        chosen = list(periods) if periods is not None else self.periods(indicator)
        return [
            {
                "geo": geo,
                **{p: LETTERS[self.cell(indicator, p, geo).source_class] for p in chosen},
            }
            for geo in MEMBER_STATES
        ]


def _winner(classes: Iterable[str]) -> str:
    held = set(classes)
    return next((c for c in PRECEDENCE if c in held), "")


def coverage(snapshot: Snapshot, indicators: Sequence[str] | None = None) -> Coverage:
    """The coverage of ``snapshot`` (optionally only some indicators)."""
    held: dict[tuple[str, str, str], list[tuple[str, float]]] = {}
    for series in snapshot.series:
        if indicators is not None and series.indicator not in indicators:
            continue
        _collect(series, held)
    out = Coverage()
    for (indicator, period, geo), found in held.items():
        classes = tuple(dict.fromkeys(c for c, _ in found))
        winner = _winner(classes)
        value = next(v for c, v in found if c == winner)
        out.cells.setdefault((indicator, period), {})[geo] = Cell(
            indicator, period, geo, winner, classes, value
        )
    for indicator, period in list(out.cells):
        out.cells.setdefault((indicator, period), {})
    return out


def _collect(
    series: StateSeries, held: dict[tuple[str, str, str], list[tuple[str, float]]]
) -> None:
    period = series.source.reference_date
    for geo, number in series.values.items():
        if geo not in MEMBER_STATES:
            continue
        source = series.source_of(geo)
        held.setdefault((series.indicator, period, geo), []).append(
            (source.source_class, float(number))
        )


__all__ = ["LETTERS", "MEMBER_STATES", "PRECEDENCE", "Cell", "Coverage", "coverage"]
