"""Simulated years of relocation on Dask distributed: one task per seed (a SYNTHETIC year, every
policy against the hindsight optimum, :mod:`eupact.matching.simulation`), on the same cluster as
the scenario sweeps (:func:`eupact.scenarios.sweep.connect`: a LocalCluster of processes, or an
existing scheduler).

Each year depends on its seed only, and the years are put back in seed order, so the report is
the same whatever the number of workers (apart from the seconds each solve took); a failed task
is retried by the scheduler.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import replace

from eupact.matching.simulation import SimulationReport, SimulationSettings, simulate
from eupact.parameters import load_parameters
from eupact.scenarios.sweep import connect


def one_year(
    on: dt.date,
    seed: int,
    weeks: int,
    scale: float,
    ratio: float,
    forecast_error: float,
    settings: SimulationSettings,
) -> SimulationReport:
    """One seed's year, as a worker computes it (the parameters read where it runs)."""
    params = load_parameters().at(on)
    return simulate(
        params,
        [seed],
        weeks=weeks,
        scale=scale,
        ratio=ratio,
        forecast_error=forecast_error,
        settings=settings,
    )


def simulate_distributed(
    on: dt.date,
    seeds: Sequence[int],
    *,
    weeks: int = 52,
    scale: float = 1.0,
    ratio: float = 0.7,
    forecast_error: float = 0.0,
    settings: SimulationSettings | None = None,
    workers: int = 2,
    scheduler: str | None = None,
    retries: int = 2,
) -> SimulationReport:
    """The simulated years of ``seeds`` on a Dask cluster, in seed order."""
    settings = settings or SimulationSettings()
    started = time.perf_counter()
    with connect(workers, scheduler) as client:
        futures = [
            client.submit(
                one_year,
                on,
                seed,
                weeks,
                scale,
                ratio,
                forecast_error,
                settings,
                key=f"simulated-year-{seed}",
                retries=retries,
                pure=False,
            )
            for seed in seeds
        ]
        parts: list[SimulationReport] = client.gather(futures)  # type: ignore[no-untyped-call]
    first = parts[0]
    label = first.label.replace(
        f"(seeds {seeds[0]})", f"(seeds {', '.join(str(s) for s in seeds)})"
    )
    return replace(
        first,
        seeds=tuple(p.seeds[0] for p in parts),
        label=label,
        seconds=time.perf_counter() - started,
    )


__all__ = ["one_year", "simulate_distributed"]
