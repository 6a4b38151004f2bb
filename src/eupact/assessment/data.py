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
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from eupact.assessment.registry import EU
from eupact.data.eurostat.indicators import (
    Panel,
    to_calendar_years,
    to_reporting_periods,
)
from eupact.data.provenance import Number, Source, StateSeries
from eupact.data.snapshot import Snapshot
from eupact.errors import EupactError, Problem, fail

FRONTEX_TOTAL = "Total (all routes)"
FRONTEX_SERIES = "irregular_border_crossings_frontex"

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})(?:-|M)(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
_RANGE = re.compile(r"^(\d{4})-(\d{2})/(\d{4})-(\d{2})$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def month(year: int, month_number: int) -> int:
    """A month as an ordinal (consecutive months differ by one)."""
    return year * 12 + month_number - 1


def month_label(ordinal: int) -> str:
    year, m = divmod(ordinal, 12)
    return f"{year}-{m + 1:02d}"


def parse_period(label: str) -> tuple[int, int] | None:
    """The first and last month an observation covers; None for a label we cannot place
    (e.g. '2023 (to 13 Aug)': a partial period is never used as a whole one)."""
    text = label.strip()
    if m := _YEAR.match(text):
        y = int(m[1])
        return month(y, 1), month(y, 12)
    if (m := _MONTH.match(text)) and 1 <= int(m[2]) <= 12:
        o = month(int(m[1]), int(m[2]))
        return o, o
    if m := _QUARTER.match(text):
        first = month(int(m[1]), 3 * int(m[2]) - 2)
        return first, first + 2
    if m := _HALF.match(text):
        first = month(int(m[1]), 6 * int(m[2]) - 5)
        return first, first + 5
    if (m := _RANGE.match(text)) and 1 <= int(m[2]) <= 12 and 1 <= int(m[4]) <= 12:
        start, end = month(int(m[1]), int(m[2])), month(int(m[3]), int(m[4]))
        return (start, end) if start <= end else None
    if (m := _DATE.match(text)) and 1 <= int(m[2]) <= 12:
        o = month(int(m[1]), int(m[2]))
        return o, o
    return None


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
    return f"{title} <{where}>" if where else title


@dataclass
class Observations:
    """Every usable figure by (series, geo); the first one recorded for a period wins (a later
    different value for the same period is kept in ``conflicts``, for the data annex)."""

    items: dict[tuple[str, str], list[Observation]] = field(default_factory=dict)
    exact: dict[tuple[str, str, int, int], Observation] = field(default_factory=dict)
    conflicts: list[tuple[Observation, Observation]] = field(default_factory=list)
    unusable: list[tuple[str, str, str, str]] = field(default_factory=list)

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

    def sources(self) -> list[Source]:
        """Every release the assessment could draw on (the data annex lists those it used)."""
        return [self.population.source, self.gdp.source, *self.observations.sources()]


# --- from the snapshot ------------------------------------------------------------------------


def _value(number: Number | Decimal | None) -> float | None:
    if number is None:
        return None
    value = float(number)
    return None if math.isnan(value) else value


def _ref_dates(snapshot: Snapshot, series: StateSeries) -> dict[str, str]:
    """Per-row reference dates of a wide column (e.g. tp_ref_date beside tp_beneficiaries)."""
    column = series.source.column
    prefix = column.split("_", 1)[0]
    for name, rows in snapshot.tables.items():
        if not rows or f"{prefix}_ref_date" not in rows[0] or column not in rows[0]:
            continue
        del name
        return {
            str(r["geo"]): str(r[f"{prefix}_ref_date"])
            for r in rows
            if r.get(f"{prefix}_ref_date") is not None
        }
    return {}


def observations_from_snapshot(snapshot: Snapshot) -> Observations:
    """Every figure of the snapshot as observations, in the snapshot's order of precedence."""
    obs = Observations()
    for series in snapshot.series:
        if series.indicator in ("population", "gdp"):
            continue
        dates = _ref_dates(snapshot, series)
        for geo, number in series.values.items():
            label = dates.get(geo, series.source.reference_date)
            span = parse_period(label)
            value = _value(number)
            if value is None:
                continue
            if value < 0:
                raise fail(
                    f"{series.indicator} {geo} {label}",
                    value,
                    "counts must not be negative",
                    series.source.file,
                    summary="invalid figure in the data",
                )
            if span is None:
                obs.unusable.append(
                    (series.indicator, geo, label, "covers part of a period only; not used")
                )
                continue
            obs.add(
                Observation(
                    series.indicator,
                    geo,
                    span[0],
                    span[1],
                    label,
                    value,
                    series.source_of(geo),
                    series.flags.get(geo, ""),
                )
            )
    package = str(snapshot.path)
    for row in snapshot.tables.get("eu_aggregates", []):
        span = parse_period(str(row["period"]))
        value = _value(row["value"])
        source = Source(
            dataset="published releases (EU aggregates)",
            title=f"{row['indicator']}, {row['period']}",
            unit=str(row.get("unit") or ""),
            reference_date=str(row["period"]),
            release=str(row["source_title"]),
            retrieved="",
            file="eu_aggregates.csv",
            column=str(row["indicator"]),
            origin=(str(row["source"]), *((str(row["notes"]),) if row.get("notes") else ())),
            licence="as cited per row",
            package=package,
        )
        if span is None or value is None:
            obs.unusable.append(
                (str(row["indicator"]), EU, str(row["period"]), "period not placed")
            )
            continue
        obs.add(
            Observation(
                str(row["indicator"]), EU, span[0], span[1], str(row["period"]), value, source
            )
        )
    for route in routes_from_snapshot(snapshot):
        if route.route == FRONTEX_TOTAL and route.crossings is not None:
            y = route.year
            obs.add(
                Observation(
                    FRONTEX_SERIES,
                    EU,
                    month(y, 1),
                    month(y, 12),
                    str(y),
                    route.crossings,
                    route.source,
                )
            )
    return obs


def routes_from_snapshot(snapshot: Snapshot) -> list[RouteFigure]:
    out = []
    for row in snapshot.tables.get("frontex_routes", []):
        text = str(row["source"])
        address = next((w.strip("()") for w in text.split() if w.startswith("http")), "")
        source = Source(
            dataset="Frontex",
            title=f"{row['route']}, {row['year']}",
            unit="detections of irregular border crossings",
            reference_date=str(row["year"]),
            release=text.split(" http")[0].strip(),
            retrieved="",
            file="frontex_routes.csv",
            column="crossings",
            origin=(address,) if address else (),
            licence="Frontex press material",
            package=str(snapshot.path),
        )
        out.append(
            RouteFigure(str(row["route"]), int(row["year"]), _value(row["crossings"]), source)
        )
    return out


def _latest(
    snapshot: Snapshot, indicator: str, wanted: str, states: tuple[str, ...]
) -> StateSeries:
    """The series at ``wanted``, else the latest earlier one that covers every state."""
    try:
        return snapshot.find(indicator, wanted, covering=states)
    except EupactError:
        dated = sorted(
            (
                s
                for s in snapshot.series
                if s.indicator == indicator and all(g in s.values for g in states)
            ),
            key=lambda s: s.source.reference_date,
        )
        earlier = [s for s in dated if s.source.reference_date <= wanted]
        if not earlier:
            raise
        return earlier[-1]


def data_from_snapshot(
    snapshot: Snapshot, period: Period, states: tuple[str, ...], bound: tuple[str, ...]
) -> AssessmentData:
    """The assessment's data from a snapshot: population on 1 January and GDP of the year in
    which the period starts (else the latest before it), every observation, the routes."""
    y = period.start_year
    population = _latest(snapshot, "population", f"{y}-01-01", states)
    gdp = _latest(snapshot, "gdp", str(y), states)
    return AssessmentData(
        period=period,
        states=states,
        bound=bound,
        population=population,
        gdp=gdp,
        observations=observations_from_snapshot(snapshot),
        routes=tuple(routes_from_snapshot(snapshot)),
        origin=f"snapshot {snapshot.name} {snapshot.version}",
    )


# --- from Eurostat panels ---------------------------------------------------------------------


def _panel_source(panel: Panel) -> Source:
    prov = panel.provenance[0] if panel.provenance else None
    return Source(
        dataset=panel.indicator.dataset if panel.indicator else panel.name,
        title=panel.title,
        unit=panel.unit,
        reference_date=", ".join(panel.periods[-1:]),
        release=f"Eurostat, updated {prov.updated}" if prov else "panel without provenance",
        retrieved=prov.retrieved if prov else "",
        file=prov.url if prov else "",
        column=panel.name,
        origin=tuple(r.cite() for r in panel.provenance) or (panel.name,),
        licence="CC-BY-4.0",
        source_class="primary" if prov else "secondary",
    )


def _add_panel(obs: Observations, panel: Panel, series: str) -> None:
    source = _panel_source(panel)
    flags: list[list[str]] | None = panel.flags.tolist() if panel.flag_masks.any() else None
    spans = [parse_period(p) for p in panel.periods]
    labels = panel.periods
    values: list[list[float]] = panel.values.tolist()
    complete: list[list[bool]] = panel.complete.tolist()
    if np.any(panel.values[panel.complete] < 0):
        g, p = (int(i) for i in np.argwhere(panel.complete & (panel.values < 0))[0])
        raise fail(
            f"{panel.name} {panel.geos[g]} {panel.periods[p]}",
            float(panel.values[g, p]),
            "counts must not be negative",
            source.file or panel.title,
            summary="invalid figure in the data",
        )
    add = obs.add
    for g, geo in enumerate(panel.geos):
        row, done = values[g], complete[g]
        for p, span in enumerate(spans):
            v = row[p]
            if span is None or not done[p] or v != v:  # v != v: NaN, no figure
                continue
            add(
                Observation(
                    series,
                    geo,
                    span[0],
                    span[1],
                    labels[p],
                    v,
                    source,
                    flags[g][p] if flags else "",
                )
            )


def observations_from_panels(panels: Iterable[Panel], start_month: int = 7) -> Observations:
    """Observations from Eurostat panels. Monthly flows are aggregated by the data layer to
    reporting periods and calendar years (a period missing a month is missing); monthly stocks
    keep their months (the stock rule picks the latest in its window)."""
    obs = Observations()
    for panel in panels:
        series = panel.name.removesuffix("_monthly")
        monthly = bool(panel.periods) and all(_MONTH.match(p) for p in panel.periods)
        if monthly and panel.kind == "flow":
            _add_panel(obs, to_reporting_periods(panel, start_month), series)
            _add_panel(obs, to_calendar_years(panel), series)
        else:
            _add_panel(obs, panel, series)
    return obs


def data_from_panels(
    panels: Sequence[Panel],
    period: Period,
    states: tuple[str, ...],
    bound: tuple[str, ...],
    *,
    population: StateSeries,
    gdp: StateSeries,
    start_month: int = 7,
    snapshot: Snapshot | None = None,
) -> AssessmentData:
    """The assessment's data from Eurostat panels (``fetch_indicator`` results). Figures of the
    panels come first; a ``snapshot`` adds its figures where the panels have none."""
    obs = observations_from_panels(panels, start_month)
    routes: tuple[RouteFigure, ...] = ()
    if snapshot is not None:
        for bucket in observations_from_snapshot(snapshot).items.values():
            for o in bucket:
                obs.add(o)
        routes = tuple(routes_from_snapshot(snapshot))
    missing = [g for g in states if g not in population.values or g not in gdp.values]
    if missing:
        raise EupactError(
            [Problem("population/gdp", g, "no value for this state") for g in missing],
            "cannot assess without population and GDP",
        )
    return AssessmentData(period, states, bound, population, gdp, obs, routes, "Eurostat panels")


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
