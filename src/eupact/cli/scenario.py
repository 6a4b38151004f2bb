"""`eupact scenario`: what-if runs of a cycle year (a recorded year plus named changes) and
side-by-side comparisons. Thin shells over :mod:`eupact.scenarios`."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from eupact.errors import fail
from eupact.reports.tables import Table

from .common import FormatOpt, console, err_console, user_errors
from .render import Format, print_tables

scenario_app = typer.Typer(
    help="What if: a cycle year with named changes, run and compared.", no_args_is_help=True
)

ScenarioArg = Annotated[
    str,
    typer.Argument(
        help="A scenario file (YAML), or the name of a shipped example (`eupact scenario examples`)"
    ),
]


def _examples() -> dict[str, Path]:
    folder = Path(str(resources.files("eupact.scenarios") / "examples"))
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def _path(name: str) -> Path:
    path = Path(name)
    if path.is_file():
        return path
    examples = _examples()
    if name in examples:
        return examples[name]
    raise fail(
        "scenario",
        name,
        "is neither a file nor a shipped example; examples: " + ", ".join(examples),
        summary="no such scenario",
    )


@scenario_app.command("examples")
@user_errors
def scenario_examples(form: FormatOpt = Format.table) -> None:
    """The shipped example scenarios (the questions delegations ask before the Forum)."""
    from eupact.scenarios import load_scenario

    rows = []
    for name, path in _examples().items():
        s = load_scenario(path)
        rows.append({"name": name, "base": s.base, "label": s.label, "question": s.description})
    table = Table("examples", "Example scenarios", tuple(rows[0]), rows, wide=("question",))
    print_tables(console, [table], form)


@scenario_app.command("run")
@user_errors
def scenario_run(scenario: ScenarioArg, form: FormatOpt = Format.table) -> None:
    """One scenario: the outcome per Member State and the pool's totals."""
    from eupact.reports.tables import outcome_table, readings_table, totals_table
    from eupact.scenarios import load_scenario, run_scenario

    s = load_scenario(_path(scenario))
    result = run_scenario(s)
    if result.pledges.label:
        err_console.print(result.pledges.label, highlight=False, markup=False)
    tables = [
        outcome_table(result.outcome),
        totals_table(result.outcome),
        readings_table(result.parameters, result.key.params.date),
    ]
    print_tables(console, tables, form, label=result.pledges.label)


@scenario_app.command("compare")
@user_errors
def scenario_compare(
    a: ScenarioArg,
    b: ScenarioArg,
    form: FormatOpt = Format.table,
) -> None:
    """Two scenarios side by side: totals and per-state figures under A and B, and B − A."""
    from eupact.scenarios import compare, load_scenario, run_scenario

    sa, sb = load_scenario(_path(a)), load_scenario(_path(b))
    ra, rb = run_scenario(sa), run_scenario(sb)
    label = " / ".join(dict.fromkeys(r.pledges.label for r in (ra, rb) if r.pledges.label))
    print_tables(console, compare(ra, rb, (sa.label, sb.label)), form, label=label)


@scenario_app.command("montecarlo")
@user_errors
def scenario_montecarlo(
    scenario: Annotated[
        str,
        typer.Argument(
            help="A scenario file (YAML) or a shipped example; the 2026 pool as recorded if left out"
        ),
    ] = "as_recorded_2026",
    draws: Annotated[
        int, typer.Option("--draws", "-n", min=1, max=100_000_000, help="Pool outcomes drawn")
    ] = 100_000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Same seed, same results")] = 1,
    pledge_mean: Annotated[
        float, typer.Option(help="Mean share of its fair share a pledging state pledges")
    ] = 0.75,
    pledge_nothing: Annotated[
        float, typer.Option(help="Probability that a state pledges nothing")
    ] = 0.05,
    relocation_mean: Annotated[
        float, typer.Option(help="Mean share of a pledge made as relocations")
    ] = 0.3,
    revisions: Annotated[
        bool, typer.Option(help="Draw revisions of the key's population (Art. 66)")
    ] = True,
    arrivals: Annotated[
        bool, typer.Option(help="Draw next year's arrivals and re-decide the categories")
    ] = True,
    form: FormatOpt = Format.table,
) -> None:
    """Distributions over uncertain inputs (SYNTHETIC model of pledge behaviour, population
    revisions, arrivals): how likely offsets are owed, quantiles of the shortfall and of each
    state's offsets, which categories hang on arrivals."""
    from eupact.scenarios import load_scenario, run_scenario
    from eupact.scenarios.montecarlo import MonteCarloModel, result_dict, run_montecarlo

    s = load_scenario(_path(scenario))
    model = MonteCarloModel(
        pledge_mean=pledge_mean,
        pledge_nothing=pledge_nothing,
        relocation_mean=relocation_mean,
        revisions=revisions,
        arrivals=arrivals,
    )
    result = run_montecarlo(run_scenario(s), draws=draws, seed=seed, model=model, scenario=s.label)
    err_console.print(result.label, highlight=False, markup=False)
    if form is Format.json:
        import json

        print(json.dumps(result_dict(result), indent=2))
        return
    print_tables(console, result.tables(), form, label=result.label)


__all__ = ["scenario_app"]


@scenario_app.command("sweep")
@user_errors
def scenario_sweep(
    base: ScenarioArg,
    grid: Annotated[
        Path | None,
        typer.Option(
            "--grid",
            help="A sweep file (YAML): grid: {CHANGE: [values] or {from, to, step}}; "
            "default: reference relocations 15,000..40,000 × Forum reconvened × pledges 0.5..1.5",
        ),
    ] = None,
    draws: Annotated[
        int | None,
        typer.Option(help="Draw N scenarios at random from the grid instead of running all of it"),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Seed of the draws (each task's own seed derives from it)")
    ] = None,
    workers: Annotated[
        int, typer.Option(help="Worker processes of the LocalCluster started for the sweep")
    ] = 2,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="An existing Dask cluster's scheduler, e.g. tcp://HOST:8786 "
            "(default: $DASK_SCHEDULER_ADDRESS, else a LocalCluster of --workers)"
        ),
    ] = None,
    chunk: Annotated[
        int | None, typer.Option(min=1, max=10_000, help="Scenarios per Dask task")
    ] = None,
    retries: Annotated[
        int, typer.Option(min=0, max=10, help="Times a failed Dask task is tried again")
    ] = 2,
    form: FormatOpt = Format.table,
) -> None:
    """Thousands of variations of one scenario on Dask: the probability that offsets are
    triggered, quantiles of the shortfall, offsets per state (min, median, max); -f json gives
    the same bytes whatever the number of workers; -f csv every scenario."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from eupact.scenarios import load_scenario
    from eupact.scenarios.sweep import load_sweep_file, make_sweep, run_sweep
    from eupact.scenarios.sweep_reduce import sweep_json, sweep_tables

    file = load_sweep_file(grid) if grid is not None else {}
    chosen_seed = seed if seed is not None else file.get("seed", 0)
    sweep = make_sweep(
        load_scenario(_path(base)),
        file.get("grid"),
        draws=draws if draws is not None else file.get("draws"),
        seed=chosen_seed,
        label=str(file.get("label", "")),
    )
    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(elapsed_when_finished=True),
        console=err_console,
    )
    with bar:
        task = bar.add_task("sweep", total=sweep.size)
        run = run_sweep(
            sweep,
            workers=workers,
            scheduler=scheduler,
            chunk=chunk,
            retries=retries,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    err_console.print(
        f"{sweep.size:,} scenarios ({sweep.mode}) on {run.workers} worker(s) at {run.scheduler}: "
        f"{run.seconds:.1f} s, after {run.connect_seconds:.1f} s to start the cluster",
        highlight=False,
        markup=False,
    )
    if form is Format.json:
        print(sweep_json(run.result), end="")
        return
    every = form in (Format.csv, Format.xlsx)
    print_tables(console, sweep_tables(run.result, scenarios=every), form, label=sweep.label)
