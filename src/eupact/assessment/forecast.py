"""The forward look (Art. 9(3)(b) AMMR): next year's arrivals and applications per state, with
prediction intervals and a back-test of the method on past years, and the inputs the pool
proposal takes from it (Art. 12(3): arrivals, recognition rates, return rates).

Model: exponential smoothing chosen per series by AICc — ``AutoETS`` of Nixtla's
``statsforecast`` (seasonal with period 12 on monthly series of at least two seasons). It runs on
whatever series exist: a state is projected only from its latest run of consecutive complete
figures, and only if that run is long enough (``assessment.forecast.min_months`` /
``min_years``); otherwise the state is reported as *not projected*, with what it lacks.

Intervals: the model's intervals per month; the next twelve months' total takes the sum of the
monthly bounds, a conservative reading (exact when the monthly errors move together, as ETS errors
largely do). The back-test (rolling origin, ``backtest_windows`` past 12-month windows, each
forecast from the data before it) reports the error of the 12-month total and how often the
intervals held the actual value — the check that the intervals mean what they say.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from eupact.assessment.data import AssessmentData, Figure
from eupact.assessment.methodology import ForecastSettings
from eupact.assessment.registry import EU, INDICATORS
from eupact.data.eurostat.indicators import Panel
from eupact.data.periods import month, month_label
from eupact.errors import fail

FloatArray = npt.NDArray[np.float64]
SYNTHETIC_LABEL = "SYNTHETIC — seeded test data, not a projection of any Member State"


@dataclass(frozen=True, slots=True)
class BacktestWindow:
    geo: str
    window: str  # the 12 months forecast, e.g. "2023-07/2024-06"
    actual: float
    predicted: float
    lower: dict[int, float]
    upper: dict[int, float]

    @property
    def ape(self) -> float:
        """Absolute percentage error of the total."""
        return abs(self.predicted - self.actual) / self.actual if self.actual else math.inf

    def covered(self, level: int) -> bool:
        return self.lower[level] <= self.actual <= self.upper[level]


@dataclass(frozen=True, slots=True)
class StateProjection:
    geo: str
    status: str  # "projected", or "not projected: ..." with what is missing
    observations: int  # the latest run of consecutive complete figures
    last: str  # last period of that run
    steps: tuple[str, ...] = ()
    mean: tuple[float, ...] = ()
    lower: dict[int, tuple[float, ...]] = field(default_factory=dict)
    upper: dict[int, tuple[float, ...]] = field(default_factory=dict)
    total: float | None = None
    total_lower: dict[int, float] = field(default_factory=dict)
    total_upper: dict[int, float] = field(default_factory=dict)
    backtest: tuple[BacktestWindow, ...] = ()

    @property
    def projected(self) -> bool:
        return self.status == "projected"


@dataclass(frozen=True)
class Forward:
    """The projection of one indicator for every state."""

    indicator: str
    title: str
    frequency: str  # "M" or "A"
    model: str
    levels: tuple[int, ...]
    states: dict[str, StateProjection]
    source: str
    synthetic: bool = False

    @property
    def label(self) -> str:
        return SYNTHETIC_LABEL if self.synthetic else ""

    @property
    def windows(self) -> list[BacktestWindow]:
        return [w for p in self.states.values() for w in p.backtest]

    def mape(self) -> float | None:
        """Mean absolute percentage error of the back-tested 12-month totals."""
        errors = [w.ape for w in self.windows if math.isfinite(w.ape)]
        return sum(errors) / len(errors) if errors else None

    def coverage(self, level: int) -> float | None:
        """Share of back-test windows whose actual total lay inside the ``level`` interval."""
        ws = self.windows
        return sum(w.covered(level) for w in ws) / len(ws) if ws else None

    def projected(self) -> tuple[str, ...]:
        return tuple(g for g, p in self.states.items() if p.projected)

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "title": self.title,
            "frequency": self.frequency,
            "model": self.model,
            "levels": list(self.levels),
            "synthetic": self.synthetic,
            "label": self.label,
            "source": self.source,
            "backtest_mape": self.mape(),
            "backtest_coverage": {str(lv): self.coverage(lv) for lv in self.levels},
            "states": {
                g: {
                    "status": p.status,
                    "observations": p.observations,
                    "last": p.last,
                    "total": p.total,
                    "total_interval": {
                        str(lv): [p.total_lower.get(lv), p.total_upper.get(lv)]
                        for lv in self.levels
                    },
                    "steps": list(p.steps),
                    "mean": list(p.mean),
                    "backtest": [
                        {
                            "window": w.window,
                            "actual": w.actual,
                            "predicted": w.predicted,
                            "ape": w.ape,
                        }
                        for w in p.backtest
                    ],
                }
                for g, p in self.states.items()
            },
        }


def _trailing_run(row: FloatArray) -> tuple[int, int]:
    """(start, length) of the latest run of consecutive non-missing values."""
    present = np.flatnonzero(~np.isnan(row))
    if present.size == 0:
        return 0, 0
    end = int(present[-1])
    start = end
    while start > 0 and not math.isnan(row[start - 1]):
        start -= 1
    return start, end - start + 1


def _dates(labels: Sequence[str], frequency: str) -> list[Any]:
    import pandas as pd  # type: ignore[import-untyped]

    if frequency == "M":
        return [pd.Timestamp(f"{lab[:4]}-{lab[-2:]}-01") for lab in labels]
    return [pd.Timestamp(f"{lab[:4]}-01-01") for lab in labels]


def _step_labels(last: str, horizon: int, frequency: str) -> tuple[str, ...]:
    if frequency == "M":
        o = month(int(last[:4]), int(last[-2:]))
        return tuple(month_label(o + k) for k in range(1, horizon + 1))
    return tuple(str(int(last[:4]) + k) for k in range(1, horizon + 1))


def project(
    geos: Sequence[str],
    periods: Sequence[str],
    values: FloatArray,
    settings: ForecastSettings,
    *,
    frequency: str,
    indicator: str,
    title: str,
    source: str,
    synthetic: bool = False,
) -> Forward:
    """Project each row of ``values`` (geo × period, NaN = missing) one year ahead.

    ``periods`` are monthly ("2024-07") or annual ("2024") labels, consecutive and sorted.
    """
    if frequency not in ("M", "A"):
        raise fail("frequency", frequency, "M (monthly) or A (annual)")
    if values.shape != (len(geos), len(periods)):
        raise fail("values", values.shape, f"must be {len(geos)} × {len(periods)}")
    if np.any(values[~np.isnan(values)] < 0):
        g, p = np.argwhere(np.nan_to_num(values, nan=0.0) < 0)[0]
        raise fail(
            f"{indicator} {geos[g]} {periods[p]}",
            float(values[g, p]),
            "counts must not be negative",
        )
    monthly = frequency == "M"
    needed = settings.min_months if monthly else settings.min_years
    horizon = 12 if monthly else 1
    season = 12 if monthly else 1
    unit = "months" if monthly else "years"
    levels = settings.levels
    runs = {g: _trailing_run(values[i]) for i, g in enumerate(geos)}
    states: dict[str, StateProjection] = {}
    eligible = []
    for g, (start, length) in runs.items():
        last = periods[start + length - 1] if length else ""
        if length < needed:
            states[g] = StateProjection(
                g,
                f"not projected: {length} consecutive complete {unit}"
                + (f" up to {last}" if last else "")
                + f" ({needed} needed)",
                length,
                last,
            )
        else:
            eligible.append(g)
    model = f"AutoETS (statsforecast), season length {season}"
    if eligible:
        model = _fit(
            geos, periods, values, runs, eligible, settings, frequency, horizon, season, states
        )
    return Forward(indicator, title, frequency, model, levels, states, source, synthetic)


def _fit(
    geos: Sequence[str],
    periods: Sequence[str],
    values: FloatArray,
    runs: dict[str, tuple[int, int]],
    eligible: list[str],
    settings: ForecastSettings,
    frequency: str,
    horizon: int,
    season: int,
    states: dict[str, StateProjection],
) -> str:
    import pandas as pd
    import statsforecast
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    levels = list(settings.levels)
    frames = []
    for g in eligible:
        start, length = runs[g]
        row = values[geos.index(g), start : start + length]
        frames.append(
            pd.DataFrame(
                {"unique_id": g, "ds": _dates(periods[start : start + length], frequency), "y": row}
            )
        )
    df = pd.concat(frames, ignore_index=True)
    freq = "MS" if frequency == "M" else "YS"
    sf = StatsForecast(models=[AutoETS(season_length=season)], freq=freq, n_jobs=1)
    fc = sf.forecast(df=df, h=horizon, level=levels)
    col = "AutoETS"
    backtests: dict[str, list[BacktestWindow]] = {g: [] for g in eligible}
    windows = settings.backtest_windows
    min_fit = 2 * season if frequency == "M" else 3
    testable = [g for g in eligible if runs[g][1] >= min_fit + windows * horizon]
    if windows and testable:
        cv = sf.cross_validation(
            df=df[df["unique_id"].isin(testable)],
            h=horizon,
            n_windows=windows,
            step_size=horizon,
            level=levels,
        )
        for (g, _cutoff), part in cv.groupby(["unique_id", "cutoff"], sort=True):
            first, last = part["ds"].min(), part["ds"].max()
            label = f"{first:%Y-%m}/{last:%Y-%m}" if frequency == "M" else f"{first:%Y}"
            backtests[str(g)].append(
                BacktestWindow(
                    str(g),
                    label,
                    float(part["y"].sum()),
                    float(part[col].clip(lower=0).sum()),
                    {lv: float(part[f"{col}-lo-{lv}"].clip(lower=0).sum()) for lv in levels},
                    {lv: float(part[f"{col}-hi-{lv}"].sum()) for lv in levels},
                )
            )
    for g in eligible:
        part = fc[fc["unique_id"] == g]
        start, length = runs[g]
        last = periods[start + length - 1]
        mean = tuple(float(v) for v in part[col].clip(lower=0))
        lower = {lv: tuple(float(v) for v in part[f"{col}-lo-{lv}"].clip(lower=0)) for lv in levels}
        upper = {lv: tuple(float(v) for v in part[f"{col}-hi-{lv}"].clip(lower=0)) for lv in levels}
        states[g] = StateProjection(
            g,
            "projected",
            length,
            last,
            _step_labels(last, horizon, frequency),
            mean,
            lower,
            upper,
            sum(mean),
            {lv: sum(lower[lv]) for lv in levels},
            {lv: sum(upper[lv]) for lv in levels},
            tuple(backtests[g]),
        )
    return f"AutoETS (statsforecast {statsforecast.__version__}), season length {season}"


def project_panel(panel: Panel, settings: ForecastSettings, *, synthetic: bool = False) -> Forward:
    """Project a Eurostat panel (monthly or annual, e.g. ``fetch_indicator(client,
    "asylum_applicants_first_time_monthly")``): every state from its own latest complete run."""
    monthly = all(len(p) == 7 and p[4] in "-M" for p in panel.periods)
    values = np.where(panel.complete, panel.values, np.nan)
    prov = panel.provenance[0].cite() if panel.provenance else panel.title
    return project(
        panel.geos,
        [p.replace("M", "-") if monthly else p for p in panel.periods],
        values,
        settings,
        frequency="M" if monthly else "A",
        indicator=panel.name,
        title=panel.title,
        source=prov,
        synthetic=synthetic,
    )


def project_observations(
    data: AssessmentData, indicator: str, settings: ForecastSettings
) -> Forward:
    """Project an indicator from the figures held (the snapshot or panels behind ``data``):
    monthly where any state has enough consecutive months, else annual."""
    ind = INDICATORS[indicator]
    obs = data.observations
    geos = [g for g in data.states]
    monthly: dict[str, dict[int, float]] = {g: {} for g in geos}
    annual: dict[str, dict[int, float]] = {g: {} for g in geos}
    for g in geos:
        for name in ind.sources:
            for o in obs.of(name, g):
                if o.end > data.period.end:
                    continue  # published after the period: not known when the Report is made
                if o.start == o.end:
                    monthly[g].setdefault(o.start, o.value)
                elif o.start % 12 == 0 and o.end == o.start + 11:
                    annual[g].setdefault(o.start // 12, o.value)
    end = data.period.end

    def matrix(series: dict[str, dict[int, float]], keys: list[int]) -> FloatArray:
        out = np.full((len(geos), len(keys)), np.nan)
        for i, g in enumerate(geos):
            for j, k in enumerate(keys):
                if k in series[g]:
                    out[i, j] = series[g][k]
        return out

    first_m = min((k for s in monthly.values() for k in s), default=end)
    months = list(range(first_m, end + 1))
    m_values = matrix(monthly, months)
    m_runs = [_trailing_run(row)[1] for row in m_values]
    sources = "; ".join(
        sorted({o.source.release for n in ind.sources for g in geos for o in obs.of(n, g)})[:6]
    )
    if months and max(m_runs, default=0) >= settings.min_months:
        return project(
            geos,
            [month_label(k) for k in months],
            m_values,
            settings,
            frequency="M",
            indicator=indicator,
            title=ind.title,
            source=sources,
        )
    last_year = (
        data.period.end + 1
    ) // 12 - 1  # the last calendar year complete by the period's end
    first_y = min((k for s in annual.values() for k in s), default=last_year)
    years = list(range(first_y, last_year + 1))
    result = project(
        geos,
        [str(y) for y in years],
        matrix(annual, years),
        settings,
        frequency="A",
        indicator=indicator,
        title=ind.title,
        source=sources,
    )
    # say what the monthly series lacked as well
    for i, g in enumerate(geos):
        p = result.states[g]
        if not p.projected:
            result.states[g] = StateProjection(
                g,
                f"{p.status}; monthly: {m_runs[i]} consecutive complete months "
                f"({settings.min_months} needed)",
                p.observations,
                p.last,
            )
    return result


@dataclass(frozen=True)
class NeedsInputs:
    """What Art. 12(3) AMMR asks the proposal to take into account, from the assessment."""

    arrivals: Figure | None  # EU irregular crossings, latest 12 months held
    arrivals_projected: float | None
    recognition_rate: float | None
    recognition_figures: tuple[Figure, ...]
    return_rate: float | None
    return_figures: tuple[Figure, ...]
    under_pressure: tuple[str, ...]
    projected_applications_under_pressure: float | None
    notes: tuple[str, ...]


def needs_inputs(assessment: Any, forwards: dict[str, Forward]) -> NeedsInputs:
    """The Art. 12(3) inputs: overall arrivals, average recognition and return rates (EU), and the
    projected applications in the states under pressure where every one of them is projected."""
    ind = assessment.indicators
    rec = ind.rates["recognition_rate"]
    ret = ind.rates["return_rate"]
    up = assessment.in_category("under_pressure")
    notes = []
    apps = forwards.get("applications")
    projected = None
    if apps is not None and up and all(apps.states[g].projected for g in up):
        projected = sum(apps.states[g].total or 0.0 for g in up)
    else:
        notes.append(
            "applications in the states under pressure are not projected: "
            + ", ".join(
                f"{g} ({apps.states[g].status})"
                for g in up
                if apps and not apps.states[g].projected
            )
        )
    arrivals_fwd = forwards.get("arrivals")
    arrivals_projected = None
    if arrivals_fwd is not None and EU in arrivals_fwd.states and arrivals_fwd.states[EU].projected:
        arrivals_projected = arrivals_fwd.states[EU].total
    return NeedsInputs(
        arrivals=ind.results["arrivals"].eu,
        arrivals_projected=arrivals_projected,
        recognition_rate=rec.eu,
        recognition_figures=rec.figures,
        return_rate=ret.eu,
        return_figures=ret.figures,
        under_pressure=up,
        projected_applications_under_pressure=projected,
        notes=tuple(notes),
    )
