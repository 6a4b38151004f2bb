"""The figures an assessment rests on, gathered from the data layer with their releases.

Every published figure becomes an :class:`Observation`: a series, a state (or the EU aggregate),
the months it covers, its value and its source. Snapshot series (per-value sources of
``published_figures``, the wide resources, ``eu_aggregates``, ``frontex_routes``) and Eurostat
:class:`~eupact.data.eurostat.indicators.Panel` objects (monthly panels aggregated to reporting
periods and calendar years by the data layer) give the same observations, so the assessment does
not care where a figure came from — only that it says so.

A period's figure is the figure published for exactly that period, or the sum of published
figures that cover it exactly (months, quarters, halves); a stock is its latest figure within the
methodology's window. Nothing is filled in: what is not found is missing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eupact.assessment.registry import BaseIndicator
from eupact.data.periods import month, month_label
from eupact.data.provenance import CLASS_LABELS, Source, StateSeries

FRONTEX_TOTAL = "Total (all routes)"
FRONTEX_SERIES = "irregular_border_crossings_frontex"
#: Frontex's own route names (its data file) → the names of the press releases, which the
#: methodology's route geography uses (assessment.at_risk.routes).
FRONTEX_ROUTE_NAMES = {
    "ALL": FRONTEX_TOTAL,
    "Central Mediterranean Route": "Central Mediterranean",
    "Eastern Mediterranean Route": "Eastern Mediterranean",
    "Western Mediterranean Route": "Western Mediterranean",
    "Western African Route": "Western African (Atlantic/Canary Islands)",
    "Western Balkan Route": "Western Balkans",
    "Eastern Borders Route": "Eastern Land Border",
}
#: A user's import first (a ministry's own figures are why it imported them), then primary
#: extractions, then secondary pages ([reading], docs/data.md "Source classes").
CLASS_PRECEDENCE = {"user": 0, "primary": 1, "secondary": 2}


@dataclass(frozen=True, slots=True)
class Period:
    """The 12-month reporting period assessed in ``year`` (1 July year-1 – 30 June year by default)."""

    year: int
    start: int
    end: int

    @property
    def label(self) -> str:
        if self.start % 12 == 0 and self.end - self.start == 11:
            return str(self.start // 12)
        return f"{month_label(self.start)}/{month_label(self.end)}"

    @property
    def start_year(self) -> int:
        return self.start // 12

    def shifted(self, years: int) -> Period:
        return Period(self.year + years, self.start + 12 * years, self.end + 12 * years)


def reporting_period(year: int, start_month: int) -> Period:
    """The period the Report of ``year`` covers: 12 months ending in the month before
    ``start_month`` of ``year`` (Art. 9(1) AMMR: 'the previous 12-month period')."""
    if start_month == 1:
        return Period(year, month(year - 1, 1), month(year - 1, 12))
    return Period(year, month(year - 1, start_month), month(year, start_month - 1))


@dataclass(frozen=True, slots=True)
class Observation:
    series: str
    geo: str
    start: int
    end: int
    label: str
    value: float
    source: Source
    flags: str = ""


@dataclass(frozen=True, slots=True)
class Figure:
    """A value the assessment uses, with the period it stands for and the releases behind it."""

    value: float
    period: str
    sources: tuple[Source, ...]
    series: str = ""
    flags: str = ""
    notes: tuple[str, ...] = ()

    @property
    def proxy(self) -> bool:
        return any(n.startswith("proxy") for n in self.notes)

    def cite(self) -> str:
        return "; ".join(cite(s) for s in self.sources)


def rate_if_as_good(rate: Figure | None, count: Figure | None) -> Figure | None:
    """A published rate, unless the state's count rests on a better class of source (a
    secondary page's rate must not displace a primary count)."""
    if rate is None or count is None:
        return rate
    return rate if _rank(rate) <= _rank(count) else None


def _rank(figure: Figure) -> int:
    """The weakest class among a figure's sources, by the precedence of CLASS_PRECEDENCE."""
    return max((CLASS_PRECEDENCE[s.source_class] for s in figure.sources), default=2)


def cite(source: Source) -> str:
    """A release as readers cite it: its title and, when known, its address."""
    where = next((o for o in source.origin if o.startswith(("http", "shared/"))), "")
    title = source.release or source.title
    if (
        source.dataset
        and source.dataset not in title
        and not source.dataset.startswith("published")
    ):
        title = f"{source.dataset}: {title}"
    text = f"{title} <{where}>" if where else title
    return f"{CLASS_LABELS[source.source_class]}{text}"


@dataclass
class Observations:
    """Every usable figure by (series, geo); the first one recorded for a period wins (a later
    different value for the same period is kept in ``conflicts``, for the data annex)."""

    items: dict[tuple[str, str], list[Observation]] = field(default_factory=dict)
    exact: dict[tuple[str, str, int, int], Observation] = field(default_factory=dict)
    conflicts: list[tuple[Observation, Observation]] = field(default_factory=list)
    unusable: list[tuple[str, str, str, str]] = field(default_factory=list)
    # secondary figures not admitted (the assessment ran without allow_secondary)
    set_aside: list[Observation] = field(default_factory=list)

    def add(self, obs: Observation) -> None:
        key = (obs.series, obs.geo, obs.start, obs.end)
        other = self.exact.get(key)
        if other is not None:
            if not math.isclose(other.value, obs.value, rel_tol=1e-9):
                self.conflicts.append((other, obs))
            return
        self.exact[key] = obs
        self.items.setdefault((obs.series, obs.geo), []).append(obs)

    def of(self, series: str, geo: str) -> list[Observation]:
        return self.items.get((series, geo), [])

    def admit(self, candidates: Iterable[Observation], allow_secondary: bool) -> None:
        """Add ``candidates`` in the order of precedence of their source classes (a user's
        import, then primary extractions, then secondary pages); secondary figures only when
        allowed, else kept aside to be named where a figure is missing."""
        for obs in sorted(candidates, key=lambda o: CLASS_PRECEDENCE[o.source.source_class]):
            if obs.source.source_class == "secondary" and not allow_secondary:
                self.set_aside.append(obs)
            else:
                self.add(obs)

    def set_aside_for(self, series: Sequence[str], geo: str) -> list[Observation]:
        return [o for o in self.set_aside if o.series in series and o.geo == geo]

    def resting_on(self) -> dict[str, int]:
        """How many admitted figures each source class gives."""
        counts: dict[str, int] = {}
        for bucket in self.items.values():
            for o in bucket:
                counts[o.source.source_class] = counts.get(o.source.source_class, 0) + 1
        return counts

    def sources(self) -> list[Source]:
        seen: dict[tuple[str, str], Source] = {}
        for bucket in self.items.values():
            for o in bucket:
                seen.setdefault((o.source.release, o.source.file), o.source)
        return list(seen.values())


def _cover(candidates: Sequence[Observation], start: int, end: int) -> list[Observation] | None:
    """Observations covering every month of [start, end] exactly once (fewest pieces first)."""
    by_start: dict[int, list[Observation]] = {}
    for o in sorted(candidates, key=lambda o: o.start - o.end):
        by_start.setdefault(o.start, []).append(o)
    memo: dict[int, list[Observation] | None] = {}

    def go(m: int) -> list[Observation] | None:
        if m == end + 1:
            return []
        if m not in memo:
            memo[m] = None
            for o in by_start.get(m, []):
                rest = go(o.end + 1)
                if rest is not None:
                    memo[m] = [o, *rest]
                    break
        return memo[m]

    return go(start)


def flow_figure(
    observations: Observations, series: Sequence[str], geo: str, start: int, end: int, label: str
) -> Figure | None:
    """The figure of a flow for exactly [start, end]: published for the period, or the sum of
    published sub-periods covering it exactly; the first series that has one wins."""
    exact = observations.exact
    for name in series:
        o = exact.get((name, geo, start, end))
        if o is not None:
            return Figure(o.value, label, (o.source,), name, o.flags)
        bucket = observations.items.get((name, geo))
        if not bucket:
            continue
        inside = [o for o in bucket if o.start >= start and o.end <= end]
        if not inside:
            continue
        pieces = _cover(inside, start, end)
        if pieces:
            return Figure(
                sum(p.value for p in pieces),
                label,
                tuple(dict.fromkeys(p.source for p in pieces)),
                name,
                "".join(sorted({c for p in pieces for c in p.flags})),
                (f"sum of {' + '.join(p.label for p in pieces)}",),
            )
    return None


def stock_figure(
    observations: Observations, series: Sequence[str], geo: str, end: int, window: int
) -> Figure | None:
    """A stock at the month ``end``: its latest figure in the ``window`` months up to ``end``."""
    best: Observation | None = None
    for name in series:
        for o in observations.of(name, geo):
            if end - window < o.end <= end and (best is None or o.end > best.end):
                best = o
    if best is None:
        return None
    notes = () if best.end == end else (f"latest figure in the window: {best.label}",)
    return Figure(best.value, best.label, (best.source,), best.series, best.flags, notes)


@dataclass(frozen=True, slots=True)
class RouteFigure:
    route: str
    year: int
    crossings: float | None
    source: Source


@dataclass(frozen=True)
class AssessmentData:
    """What one assessment reads: the period, population and GDP, the observations, the routes."""

    period: Period
    states: tuple[str, ...]
    bound: tuple[str, ...]
    population: StateSeries
    gdp: StateSeries
    observations: Observations
    routes: tuple[RouteFigure, ...] = ()
    origin: str = ""  # snapshot name and version, or "Eurostat panels"
    allow_secondary: bool = False  # were figures read from pages admitted?

    def sources(self) -> list[Source]:
        """Every release the assessment could draw on (the data annex lists those it used)."""
        return [self.population.source, self.gdp.source, *self.observations.sources()]


#: (indicator, geo) → citations of the secondary figures an assessment did not admit
SetAside = dict[tuple[str, str], tuple[str, ...]]


def set_aside_by_indicator(data: AssessmentData, indicators: Iterable[BaseIndicator]) -> SetAside:
    """Per indicator and state, the secondary figures the assessment did not admit."""
    by_key: dict[tuple[str, str], list[Observation]] = {}
    for o in data.observations.set_aside:  # indexed once: every indicator × state asks
        by_key.setdefault((o.series, o.geo), []).append(o)
    out: SetAside = {}
    for ind in indicators:
        series = (*ind.sources, *(name for name, _ in ind.rate_sources))
        for geo in data.states:
            found = [o for name in series for o in by_key.get((name, geo), [])]
            if found:
                # the latest first: the one a reader would reach for
                found.sort(key=lambda o: (-o.end, o.start))
                cites = dict.fromkeys(
                    f"{o.value:,.0f} ({o.label}; {cite(o.source)})" for o in found
                )
                out[(ind.name, geo)] = tuple(cites)
    return out


def figure_dict(figure: Figure | None) -> dict[str, Any] | None:
    if figure is None:
        return None
    return {
        "value": figure.value,
        "period": figure.period,
        "series": figure.series,
        "flags": figure.flags,
        "notes": list(figure.notes),
        "sources": [cite(s) for s in figure.sources],
    }
