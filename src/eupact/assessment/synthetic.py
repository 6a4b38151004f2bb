"""SYNTHETIC, seeded Eurostat-like panels for tests, benchmarks and method checks.

Nothing here is real: every panel's title starts with "SYNTHETIC" and carries no provenance, and
assessments or projections made from them say so. The shapes are those of the real panels
(geo × month for applications and temporary protection, geo × year for the annual series), so the
code paths are those of real data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from eupact.assessment.data import AssessmentData, Period
from eupact.assessment.gather import data_from_panels
from eupact.data.eurostat.indicators import INDICATORS, Kind, Panel
from eupact.data.periods import month, month_label
from eupact.data.provenance import StateSeries

SYNTHETIC = "SYNTHETIC"

# name, kind, frequency, typical yearly level per 1,000 inhabitants
_SERIES: tuple[tuple[str, Kind, str, float], ...] = (
    ("asylum_applicants_first_time_monthly", "flow", "M", 2.0),
    ("temporary_protection_beneficiaries", "stock", "M", 9.5),
    ("irregular_arrivals", "flow", "A", 0.5),
    ("sea_arrivals_national", "flow", "A", 0.3),
    ("dublin_requests_outgoing", "flow", "A", 0.35),
    ("dublin_requests_incoming", "flow", "A", 0.35),
    ("dublin_transfers_outgoing", "flow", "A", 0.04),
    ("dublin_transfers_incoming", "flow", "A", 0.04),
    ("ordered_to_leave", "flow", "A", 1.0),
    ("returned", "flow", "A", 0.26),
    ("asylum_decisions_first_instance", "flow", "A", 1.7),
    ("asylum_decisions_positive", "flow", "A", 0.85),
)


def synthetic_monthly(
    geos: Sequence[str],
    *,
    months: int = 60,
    seed: int = 0,
    level: float = 1000.0,
    trend: float = 0.0,
    noise: float = 0.08,
) -> np.ndarray:
    """A SYNTHETIC seeded (geo × month) array of non-negative whole counts: a level per state
    (log-normal around ``level``), a 12-month season, a yearly ``trend`` and noise."""
    rng = np.random.default_rng(seed)
    base = level * rng.lognormal(0.0, 0.8, size=(len(geos), 1))
    t = np.arange(months)[None, :]
    season = 1 + 0.25 * np.sin(2 * math.pi * (t + rng.integers(0, 12, size=(len(geos), 1))) / 12)
    growth = (1 + trend) ** (t / 12)
    values = base * season * growth * rng.lognormal(0.0, noise, size=(len(geos), months))
    return np.round(values)


def synthetic_panel(
    name: str,
    geos: Sequence[str],
    periods: Sequence[str],
    values: np.ndarray,
    kind: Kind = "flow",
) -> Panel:
    """A panel labelled SYNTHETIC, without provenance."""
    ind = INDICATORS.get(name)
    title = ind.title if ind else name.replace("_", " ")
    return Panel(
        name=name,
        title=f"{SYNTHETIC} {title} (seeded test data, not real)",
        unit=ind.unit if ind else "persons",
        kind=kind,
        integer=True,
        geos=tuple(geos),
        periods=tuple(periods),
        values=values.astype(float),
        flag_masks=np.zeros(values.shape, dtype=np.int64),
        complete=~np.isnan(values),
        provenance=(),
        indicator=None,
    )


def synthetic_panels(
    geos: Sequence[str],
    population: StateSeries,
    *,
    end: Period,
    months: int = 60,
    seed: int = 2025,
) -> list[Panel]:
    """SYNTHETIC panels for every series of the assessment: monthly ones ending with the
    period's last month, annual ones for the calendar years it reaches."""
    rng = np.random.default_rng(seed)
    pop = np.array([float(population.values[g]) for g in geos])[:, None]
    first = end.end - months + 1
    month_labels = [month_label(first + k) for k in range(months)]
    years = sorted({(first + k) // 12 for k in range(months)})
    panels = []
    for i, (name, kind, freq, per_1000) in enumerate(_SERIES):
        # each state's level ∝ population × a state-specific factor (some states far above)
        factor = rng.lognormal(0.0, 0.7, size=(len(geos), 1))
        if freq == "M":
            raw = synthetic_monthly(geos, months=months, seed=seed + i, level=1.0)
            scale = pop / 1000 * per_1000 * factor / (12 if kind == "flow" else 1)
            panels.append(synthetic_panel(name, geos, month_labels, np.round(raw * scale), kind))
        else:
            raw = synthetic_monthly(geos, months=len(years), seed=seed + i, level=1.0, noise=0.15)
            scale = pop / 1000 * per_1000 * factor
            panels.append(
                synthetic_panel(name, geos, [str(y) for y in years], np.round(raw * scale), kind)
            )
    return panels


def synthetic_data(
    geos: tuple[str, ...],
    bound: tuple[str, ...],
    period: Period,
    population: StateSeries,
    gdp: StateSeries,
    *,
    months: int = 60,
    seed: int = 2025,
    start_month: int = 7,
) -> AssessmentData:
    """A SYNTHETIC assessment input: seeded panels for ``months`` months up to the period's end,
    real population and GDP (so that the key is the real one)."""
    panels = synthetic_panels(geos, population, end=period, months=months, seed=seed)
    data = data_from_panels(
        panels, period, geos, bound, population=population, gdp=gdp, start_month=start_month
    )
    return AssessmentData(
        data.period,
        data.states,
        data.bound,
        data.population,
        data.gdp,
        data.observations,
        data.routes,
        f"{SYNTHETIC} panels (seed {seed}, {months} months to {month_label(period.end)})",
    )


def first_month(period: Period, months: int) -> int:
    return period.end - months + 1


__all__ = ["SYNTHETIC", "month", "synthetic_data", "synthetic_monthly", "synthetic_panels"]
