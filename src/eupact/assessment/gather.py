"""The assessment's figures gathered from the data layer: from a snapshot, by class of source,
and from Eurostat panels (Art. 9(3)(a) AMMR: the information the Commission's report draws on).

From a snapshot, a user's import comes first, then primary extractions (the Eurostat API,
Frontex's own files), then, only when ``allow_secondary`` is given, figures read from pages
(docs/data.md, "Source classes"); secondary figures not admitted are kept aside so that a
missing figure can say one exists. Frontex's monthly file gives the routes' calendar years where
all 12 months are held; its press figures stand in only where it does not, and only as secondary.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import numpy as np

from eupact.assessment.data import (
    FRONTEX_ROUTE_NAMES,
    FRONTEX_SERIES,
    FRONTEX_TOTAL,
    AssessmentData,
    Observation,
    Observations,
    Period,
    RouteFigure,
)
from eupact.assessment.registry import EU
from eupact.data.eurostat.indicators import Panel, to_calendar_years, to_reporting_periods
from eupact.data.periods import month, parse_period
from eupact.data.provenance import Number, Source, SourceClass, StateSeries
from eupact.data.snapshot import Snapshot, source_class_of
from eupact.errors import EupactError, Problem, fail

MONTHLY = re.compile(r"^(\d{4})(?:-|M)(\d{2})$")  # a monthly panel's period labels

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


def observations_from_snapshot(snapshot: Snapshot, allow_secondary: bool = False) -> Observations:
    """Every figure of the snapshot as observations: a user's import first, then primary
    extractions, then (only when ``allow_secondary``) figures read from pages."""
    candidates: list[Observation] = []
    unusable: list[tuple[str, str, str, str]] = []
    for series in snapshot.series:
        if series.indicator in ("population", "gdp"):
            continue
        dates = _ref_dates(snapshot, series)
        for geo, number in (*series.values.items(), *series.aggregates.items()):
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
                unusable.append(
                    (series.indicator, geo, label, "covers part of a period only; not used")
                )
                continue
            candidates.append(
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
            source_class=_class_of(snapshot, "eu_aggregates"),
        )
        if span is None or value is None:
            unusable.append((str(row["indicator"]), EU, str(row["period"]), "period not placed"))
            continue
        candidates.append(
            Observation(
                str(row["indicator"]), EU, span[0], span[1], str(row["period"]), value, source
            )
        )
    for route in routes_from_snapshot(snapshot, allow_secondary=True):
        if route.route == FRONTEX_TOTAL and route.crossings is not None:
            y = route.year
            candidates.append(
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
    for label, detections, source in _frontex_months(snapshot):
        span = parse_period(label)
        if span is not None:
            candidates.append(
                Observation(FRONTEX_SERIES, EU, span[0], span[1], label, detections, source)
            )
    obs = Observations(unusable=unusable)
    obs.admit(candidates, allow_secondary)
    return obs


def _class_of(snapshot: Snapshot, resource: str) -> SourceClass:
    return snapshot.source_classes.get(resource, "secondary")


def _frontex_months(snapshot: Snapshot) -> list[tuple[str, float, Source]]:
    """The EU total of Frontex's monthly detections (all routes), each month with its source."""
    meta = snapshot.resource("frontex_routes_monthly")
    out = []
    for row in snapshot.tables.get("frontex_routes_monthly", []):
        if FRONTEX_ROUTE_NAMES.get(str(row["route"])) != FRONTEX_TOTAL:
            continue
        out.append((str(row["period"]), float(row["detections"]), _frontex_source(meta, row)))
    return out


def _frontex_source(meta: dict[str, Any], row: dict[str, Any], period: str = "") -> Source:
    return Source(
        dataset=str(meta.get("eupact:dataset", "Frontex")),
        title=f"{row['route']}, {period or row['period']}",
        unit="detections of irregular border crossings",
        reference_date=period or str(row["period"]),
        release=f"Frontex data file, data as of {meta.get('eupact:extracted', '')}",
        retrieved=str(meta.get("eupact:extracted", "")),
        file=str(meta.get("path", "frontex_routes_monthly.csv")),
        column="detections",
        origin=(str(meta.get("eupact:published_in", "")),),
        licence="Frontex",
        source_class=source_class_of(meta),
        filter=str(meta.get("eupact:filter", "")),
    )


def _primary_route_years(snapshot: Snapshot) -> list[RouteFigure]:
    """Calendar-year totals by route from Frontex's monthly file: only years with all 12 months."""
    meta = snapshot.resource("frontex_routes_monthly")
    months: dict[tuple[str, int], list[int]] = {}
    for row in snapshot.tables.get("frontex_routes_monthly", []):
        name = FRONTEX_ROUTE_NAMES.get(str(row["route"]), str(row["route"]))
        year = int(str(row["period"])[:4])
        months.setdefault((name, year), []).append(int(row["detections"]))
    out = []
    for (name, year), values in sorted(months.items()):
        if len(values) != 12:  # a route absent in a month has no detections in Frontex's file
            continue
        row = {"route": name, "period": str(year)}
        out.append(RouteFigure(name, year, float(sum(values)), _frontex_source(meta, row)))
    return out


def routes_from_snapshot(snapshot: Snapshot, allow_secondary: bool = False) -> list[RouteFigure]:
    """Crossings by route and year: Frontex's own monthly file where it covers the whole year;
    the press figures (secondary) only where it does not, and only when allowed."""
    primary = _primary_route_years(snapshot)
    held = {(r.route, r.year) for r in primary}
    out = list(primary)
    secondary_class = _class_of(snapshot, "frontex_routes")
    for row in snapshot.tables.get("frontex_routes", []):
        if (str(row["route"]), int(row["year"])) in held:
            continue
        if secondary_class == "secondary" and not allow_secondary:
            continue
        text = str(row["source"])
        address = next((w.strip("()") for w in text.split() if w.startswith("http")), "")
        source = Source(
            dataset="Frontex press releases",
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
            source_class=secondary_class,
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
    snapshot: Snapshot,
    period: Period,
    states: tuple[str, ...],
    bound: tuple[str, ...],
    *,
    allow_secondary: bool = False,
) -> AssessmentData:
    """The assessment's data from a snapshot: population on 1 January and GDP of the year in
    which the period starts (else the latest before it), every observation, the routes.
    Secondary figures (pages quoting a figure) only when ``allow_secondary``."""
    y = period.start_year
    population = _latest(snapshot, "population", f"{y}-01-01", states)
    gdp = _latest(snapshot, "gdp", str(y), states)
    return AssessmentData(
        period=period,
        states=states,
        bound=bound,
        population=population,
        gdp=gdp,
        observations=observations_from_snapshot(snapshot, allow_secondary),
        routes=tuple(routes_from_snapshot(snapshot, allow_secondary)),
        origin=f"snapshot {snapshot.name} {snapshot.version}",
        allow_secondary=allow_secondary,
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
        monthly = bool(panel.periods) and all(MONTHLY.match(p) for p in panel.periods)
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
    allow_secondary: bool = False,
) -> AssessmentData:
    """The assessment's data from Eurostat panels (``fetch_indicator`` results). Figures of the
    panels come first; a ``snapshot`` adds its figures where the panels have none."""
    obs = observations_from_panels(panels, start_month)
    routes: tuple[RouteFigure, ...] = ()
    if snapshot is not None:
        extra = observations_from_snapshot(snapshot, allow_secondary)
        for bucket in extra.items.values():
            for o in bucket:
                obs.add(o)
        obs.set_aside += extra.set_aside
        routes = tuple(routes_from_snapshot(snapshot, allow_secondary))
    missing = [g for g in states if g not in population.values or g not in gdp.values]
    if missing:
        raise EupactError(
            [Problem("population/gdp", g, "no value for this state") for g in missing],
            "cannot assess without population and GDP",
        )
    return AssessmentData(
        period, states, bound, population, gdp, obs, routes, "Eurostat panels", allow_secondary
    )
