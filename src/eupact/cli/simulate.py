"""``eupact simulate relocation``: a SYNTHETIC year of relocation simulated week by week, each
policy (greedy first come, weekly batch matching, rolling horizon) as % of the hindsight optimum.

    eupact simulate relocation --seeds 10 --weeks 52
    eupact simulate relocation --seeds 10 --scale 10 --json results/simulation.json

A thin shell over :func:`eupact.matching.simulation.simulate`: prints the 80-column table (mean
and min over the seeds), and with ``--json`` writes every seed's year, every policy's metrics and
the % of hindsight. Everything it prints or writes says SYNTHETIC. Registered in
:mod:`eupact.cli.main`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from eupact.errors import fail

from .common import console, err_console, user_errors

simulate_app = typer.Typer(
    help="SYNTHETIC simulations: a year of relocation, week by week.", no_args_is_help=True
)


def _positive(value: float, flag: str, upper: float) -> float:
    if not 0 < value <= upper:
        raise fail(flag, value, f"must be above 0 and at most {upper:g}")
    return value


@simulate_app.command("relocation")
@user_errors
def simulate_relocation(
    seeds: Annotated[int, typer.Option(help="Simulated years: seeds FIRST .. FIRST+N−1")] = 10,
    first_seed: Annotated[int, typer.Option(help="The first seed")] = 1,
    weeks: Annotated[int, typer.Option(help="Weeks in the year")] = 52,
    scale: Annotated[
        float,
        typer.Option(help="Arrivals: 1 = about 60 persons a week (about 2,200 places a year)"),
    ] = 1.0,
    ratio: Annotated[float, typer.Option(help="Places pledged per person forecast")] = 0.7,
    forecast_error: Annotated[
        float,
        typer.Option(help="Std. dev. of the log of each state's realised level over the forecast"),
    ] = 0.0,
    policies: Annotated[
        str, typer.Option(help="Comma-separated: hindsight, rolling, weekly, greedy")
    ] = "hindsight,rolling,weekly,greedy",
    hindsight_gap: Annotated[
        float, typer.Option(help="Relative gap accepted for the hindsight optimum")
    ] = 1e-3,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write every year and policy as JSON here")
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress lines")] = False,
    workers: Annotated[
        int,
        typer.Option(
            help="Run the years on Dask: a LocalCluster of this many worker processes "
            "(0: in this process)"
        ),
    ] = 0,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="An existing Dask cluster's scheduler, e.g. tcp://HOST:8786 (default: "
            "DASK_SCHEDULER_ADDRESS if set)"
        ),
    ] = None,
) -> None:
    """A SYNTHETIC year of relocation: candidates arrive weekly in each benefitting state, places
    are pledged for the year; greedy first come, weekly batch matching and a rolling horizon are
    measured against the hindsight optimum (total points, relocations, families, link use,
    balance)."""
    from eupact.matching.simulation import POLICIES, SimulationSettings, simulate
    from eupact.matching.solver import SolverSettings
    from eupact.parameters import load_parameters

    if not 1 <= seeds <= 1000:
        raise fail("--seeds", seeds, "must be between 1 and 1000")
    if not 4 <= weeks <= 104:
        raise fail("--weeks", weeks, "must be between 4 and 104")
    _positive(scale, "--scale", 1000)
    _positive(ratio, "--ratio", 10)
    if not 0 <= forecast_error <= 2:
        raise fail("--forecast-error", forecast_error, "must be between 0 and 2")
    if not 0 <= hindsight_gap < 1:
        raise fail("--hindsight-gap", hindsight_gap, "must be at least 0 and below 1")
    chosen = tuple(p.strip() for p in policies.split(",") if p.strip())
    unknown = [p for p in chosen if p not in POLICIES]
    if unknown or not chosen:
        raise fail("--policies", policies, "must name some of " + ", ".join(POLICIES))
    settings = SimulationSettings(
        hindsight=SolverSettings(mip_rel_gap=hindsight_gap),
        policies=("hindsight", *(p for p in chosen if p != "hindsight")),
    )
    on = dt.date(2026, 7, 1)
    chosen_seeds = range(first_seed, first_seed + seeds)
    if workers or scheduler:
        from eupact.scenarios.sweep_years import simulate_distributed

        if not 0 <= workers <= 256:
            raise fail("--workers", workers, "must be a whole number from 0 to 256")
        report = simulate_distributed(
            on,
            list(chosen_seeds),
            weeks=weeks,
            scale=scale,
            ratio=ratio,
            forecast_error=forecast_error,
            settings=settings,
            workers=workers or 2,
            scheduler=scheduler,
        )
    else:
        report = simulate(
            load_parameters().at(on),
            chosen_seeds,
            weeks=weeks,
            scale=scale,
            ratio=ratio,
            forecast_error=forecast_error,
            settings=settings,
            progress=None if quiet else (lambda line: err_console.print(line, highlight=False)),
        )
    err_console.print(f"[bold yellow]{report.label}[/]", highlight=False)
    console.print(report.render(), highlight=False, markup=False, soft_wrap=True)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(report.as_dict(), indent=1) + "\n", encoding="utf-8")
        console.print(f"wrote {json_out}", highlight=False)
