"""Sweeps on Dask distributed: a base scenario and a grid (or seeded draws) of changes, run on a
real LocalCluster of two worker processes.

What is checked: the grid's order and the draws' per-task seeds (independent of the sweep's size);
the reduction's integer arithmetic worked by hand; the same JSON bytes from this process alone,
one worker, two workers and any chunking; a chunk that raises is retried; a worker process that
dies mid-sweep is survived with the same result; the scheduler found at
``$DASK_SCHEDULER_ADDRESS``; the CLI. Sweeps are small (a dozen scenarios at ~50 ms each).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from functools import partial
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from eupact.cli.main import app
from eupact.errors import EupactError
from eupact.scenarios import load_scenario
from eupact.scenarios.sweep import (
    Sweep,
    chunk_size,
    default_axes,
    evaluate_chunk,
    evaluate_here,
    load_sweep_file,
    make_axis,
    make_sweep,
    run_sweep,
)
from eupact.scenarios.sweep_reduce import (
    ChunkResult,
    TaskResult,
    nearest_rank,
    reduce_sweep,
    sweep_json,
    sweep_tables,
)

# One xdist worker holds the module's cluster (two processes) for every test here.
pytestmark = pytest.mark.xdist_group("dask_sweep")

EXAMPLES = Path(str(resources.files("eupact.scenarios") / "examples"))
REFERENCE = "parameters.pool_2026.reference.relocations"
# 3 × 2 × 2 = 12 scenarios; a SAR share of 3/2 is refused when the scenario runs (Art. 57(2))
SMALL = {
    REFERENCE: {"from": 15000, "to": 35000, "step": 10000},
    "forum_reconvened": [True, False],
    "pledges.scale_pledges": ["0.5", "1.5"],
}


@pytest.fixture(autouse=True)
def _no_ambient_scheduler(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)


@pytest.fixture(scope="module")
def base():
    return load_scenario(EXAMPLES / "as_recorded_2026.yaml")


@pytest.fixture(scope="module")
def small(base) -> Sweep:
    return make_sweep(base, SMALL, label="small")


@pytest.fixture(scope="module")
def reference(small: Sweep) -> str:
    """The small sweep computed in this process, without Dask."""
    return sweep_json(evaluate_here(small))


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as local,
        Client(local) as client,
    ):
        yield client


# --- what a sweep runs --------------------------------------------------------------------------


def test_the_grid_runs_every_combination_last_axis_fastest(small: Sweep):
    assert small.size == 12
    assert [small.point(i) for i in (0, 1, 2, 11)] == [
        (15000, True, "0.5"),
        (15000, True, "1.5"),
        (15000, False, "0.5"),
        (35000, False, "1.5"),
    ]
    doc = small.document(small.point(7), "x")
    assert doc["changes"]["parameters"] == {REFERENCE.removeprefix("parameters."): 25000}
    assert doc["changes"]["pledges"]["scale_pledges"] == "1.5"
    assert doc["changes"]["forum_reconvened"] is False


def test_ranges_keep_their_decimals_and_prefix():
    assert make_axis("sar_share", {"from": 0.5, "to": 1, "step": 0.25}).values == (
        "0.50",
        "0.75",
        "1.00",
    )
    assert make_axis("parameters.x", {"from": 1, "to": 3, "step": 1, "prefix": "EUR "}).values == (
        "EUR 1",
        "EUR 2",
        "EUR 3",
    )
    assert make_axis(REFERENCE, {"from": 15000, "to": 40000, "step": 1000}).values[-1] == 40000
    assert len(make_axis(REFERENCE, {"from": 15000, "to": 40000, "step": 1000}).values) == 26


def test_the_default_sweep_is_the_issue_s_grid(base):
    sweep = make_sweep(base, default_axes(2026))
    assert sweep.size == 26 * 2 * 11
    assert sweep.point(0) == (15000, True, "0.5")
    assert sweep.point(sweep.size - 1) == (40000, False, "1.5")


def test_each_draw_has_its_own_seed_whatever_the_number_of_draws(base):
    few = make_sweep(base, SMALL, draws=5, seed=42)
    many = make_sweep(base, SMALL, draws=500, seed=42)
    other = make_sweep(base, SMALL, draws=500, seed=43)
    assert [few.point(i) for i in range(5)] == [many.point(i) for i in range(5)]
    assert [many.point(i) for i in range(50)] != [other.point(i) for i in range(50)]
    # task 3's generator is the fourth child that SeedSequence(42).spawn gives
    rng = np.random.default_rng(np.random.SeedSequence(42).spawn(4)[3])
    expected = tuple(a.values[int(rng.integers(len(a.values)))] for a in many.axes)
    assert many.point(3) == expected
    # every value of every axis is drawn in 500 draws
    for j, axis in enumerate(many.axes):
        assert {many.point(i)[j] for i in range(500)} == set(axis.values)


@pytest.mark.parametrize(
    ("axes", "said"),
    [
        ({"forum": [True]}, "changes are: parameters"),
        ({"parameters": [1]}, "write this axis as parameters.NAME"),
        ({"forum_reconvened.x": [True]}, "write this axis as forum_reconvened"),
        ({REFERENCE: {"from": 10, "to": 5, "step": 1}}, "from <= to"),
        ({REFERENCE: {"from": 1, "to": 5}}, "a range is {from: A, to: B, step: S}"),
        ({REFERENCE: [1, 1]}, "lists a value twice"),
        ({REFERENCE: []}, "lists no value"),
        ({"parameters.pool_2026.no_such_value": [1]}, "no_such_value"),
        ({"pledges.scale_pledges": ["1", "11"]}, "must lie between 0 and 10"),
        ({REFERENCE: ["many"]}, "axis parameters.pool_2026.reference.relocations = 'many'"),
        ({REFERENCE: {"from": 0, "to": 10**6, "step": 1}}, "at most 100,000 on one axis"),
        ({}, "at least one axis"),
    ],
)
def test_a_sweep_that_cannot_run_is_refused_naming_the_axis(base, axes, said):
    with pytest.raises(EupactError) as refused:
        make_sweep(base, axes)
    assert said in str(refused.value)


def test_too_many_scenarios_are_refused_before_anything_runs(base):
    axes = {
        REFERENCE: {"from": 0, "to": 999, "step": 1},
        "sar_share": {"from": 0, "to": 1, "step": 0.001},
    }
    with pytest.raises(EupactError, match="at most 200,000"):
        make_sweep(base, axes)
    with pytest.raises(EupactError, match="draws"):
        make_sweep(base, SMALL, draws=0)


def test_sweep_files(tmp_path: Path):
    good = tmp_path / "good.yaml"
    good.write_text("label: L\ndraws: 3\nseed: 9\ngrid:\n  forum_reconvened: [true, false]\n")
    assert load_sweep_file(good)["grid"] == {"forum_reconvened": [True, False]}
    bad = tmp_path / "bad.yaml"
    bad.write_text("grid: {}\naxes: {}\n")
    with pytest.raises(EupactError, match="a sweep file holds label, grid, draws, seed"):
        load_sweep_file(bad)
    with pytest.raises(EupactError, match="does not exist"):
        load_sweep_file(tmp_path / "none.yaml")


# --- the reduction ------------------------------------------------------------------------------


def test_quantiles_by_nearest_rank_worked_by_hand():
    values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    # rank = ceil(p/100 × 10): p5 → 1, p25 → 3, p50 → 5, p75 → 8, p95 → 10
    assert [nearest_rank(values, p) for p in (5, 25, 50, 75, 95)] == [10, 30, 50, 80, 100]
    assert nearest_rank([7], 50) == 7


def _task(i: int, triggered: bool, shortfall: int, owed: dict[str, int]) -> TaskResult:
    return TaskResult(
        i,
        (i % 2 == 0,),
        triggered=triggered,
        shortfall_cents=shortfall,
        offsets_total=sum(owed.values()),
        obligations=tuple(sorted(owed.items())),
    )


def test_the_reduction_counts_and_orders_by_task_index():
    sweep = {"axes": [{"path": "forum_reconvened", "values": [True, False]}]}
    tasks = [
        _task(0, True, 300, {"AT": 5, "DE": 0}),
        _task(1, False, 100, {"AT": 0, "DE": 0}),
        _task(2, True, 200, {"AT": 1, "DE": 9}),
        TaskResult(3, (False,), refused="changes.sar_share: must lie between 0 and 1"),
    ]
    # chunks come back in any order; tasks inside are put in index order
    chunks = [
        ChunkResult(2, 4, "env", tuple(tasks[2:])),
        ChunkResult(0, 2, "env", tuple(tasks[:2])),
    ]
    result = reduce_sweep(sweep, ("forum_reconvened",), 4, chunks)
    s = result.summary
    assert (s["scenarios"], s["computed"], s["refused"]) == (4, 3, 1)
    assert s["offsets_triggered"] == {"count": 2, "probability": 2 / 3}
    assert s["shortfall_cents"]["p50"] == 200 and s["shortfall_cents"]["mean"] == "200.00"
    assert result.states[0] == {
        "geo": "AT",
        "owing": 2,
        "owing_probability": 2 / 3,
        "min": 0,
        "median": 1,
        "max": 5,
        "mean": "2.00",
    }
    assert [(r["value"], r["scenarios"], r["offsets_triggered"]) for r in result.by_axis] == [
        (True, 2, 2),
        (False, 1, 0),
    ]
    assert [t.index for t in result.tasks] == [0, 1, 2, 3]
    with pytest.raises(EupactError, match="one result for each of 5 tasks"):
        reduce_sweep(sweep, ("forum_reconvened",), 5, chunks)
    other = [chunks[0], ChunkResult(0, 2, "other", tuple(tasks[:2]))]
    with pytest.raises(EupactError, match="different software or data"):
        reduce_sweep(sweep, ("forum_reconvened",), 4, other)


def test_a_scenario_refused_by_the_engine_is_a_result_not_a_failure(base):
    sweep = make_sweep(base, {"sar_share": ["1/2", "3/2"]})
    result = evaluate_here(sweep)
    assert [bool(t.refused) for t in result.tasks] == [False, True]
    assert "sar_share" in result.tasks[1].refused
    assert result.summary["refused"] == 1


# --- on Dask ------------------------------------------------------------------------------------


def test_one_and_two_workers_give_the_same_bytes(small: Sweep, reference: str, cluster):
    """Whatever runs it and however it is chunked: the same JSON as this process alone."""
    two = [run_sweep(small, client=cluster, chunk=c) for c in (1, 5)]
    assert all(r.workers == 2 for r in two)
    assert [r.chunks for r in two] == [12, 3]
    one = run_sweep(small, workers=1)  # a LocalCluster of its own, one worker process
    assert one.workers == 1
    for run in (*two, one):
        assert sweep_json(run.result) == reference
    summary = json.loads(reference)["summary"]
    assert summary["computed"] == 12
    # the Forum reconvened in half of the scenarios: offsets apply only there (Art. 63(3))
    assert summary["offsets_obligatory"]["count"] == 6


def test_draws_give_the_same_bytes_on_two_workers(base, cluster):
    draws = make_sweep(base, SMALL, draws=9, seed=2026)
    assert sweep_json(run_sweep(draws, client=cluster, chunk=2).result) == sweep_json(
        evaluate_here(draws)
    )


def test_progress_is_reported_as_chunks_come_back(small: Sweep, cluster):
    seen: list[tuple[int, int]] = []
    run_sweep(small, client=cluster, chunk=4, progress=lambda done, n: seen.append((done, n)))
    assert seen == [(0, 12), (4, 12), (8, 12), (12, 12)]


def _fail_once(marker: Path, sweep: Sweep, start: int, stop: int) -> ChunkResult:
    """A chunk that raises on its first attempt (the marker records it)."""
    if start == 4:
        try:
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            pass
        else:
            raise RuntimeError("a transient failure")
    return evaluate_chunk(sweep, start, stop)


def _die_once(marker: Path, sweep: Sweep, start: int, stop: int) -> ChunkResult:
    """A chunk whose first attempt kills its worker process outright (no exception, no
    cleanup: as if the machine went away); the marker holds the dead worker's pid."""
    if start == 6:
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            pass
        else:
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
            os._exit(1)
    return evaluate_chunk(sweep, start, stop)


def test_a_failed_chunk_is_retried(small: Sweep, reference: str, cluster, tmp_path: Path):
    marker = tmp_path / "failed-once"
    run = run_sweep(small, client=cluster, chunk=2, evaluate=partial(_fail_once, marker))
    assert marker.exists()
    assert sweep_json(run.result) == reference
    again = tmp_path / "fails-without-retries"
    with pytest.raises(EupactError, match=r"tasks 4\.\.5.*failed after 0 retries"):
        run_sweep(small, client=cluster, chunk=2, retries=0, evaluate=partial(_fail_once, again))


def test_a_lost_worker_is_survived(small: Sweep, reference: str, cluster, tmp_path: Path):
    """A worker process dies mid-sweep (os._exit in a task): the scheduler runs its tasks
    elsewhere, the nanny starts a new worker, and the result is the same, byte for byte."""
    marker = tmp_path / "died-once"
    before = set(cluster.run(os.getpid).values())
    run = run_sweep(small, client=cluster, chunk=2, evaluate=partial(_die_once, marker))
    dead = int(marker.read_text())
    assert dead in before
    assert sweep_json(run.result) == reference
    cluster.wait_for_workers(2, timeout=60)
    assert dead not in set(cluster.run(os.getpid).values())


def test_an_existing_cluster_is_found_at_dask_scheduler_address(
    small: Sweep, reference: str, cluster, monkeypatch: pytest.MonkeyPatch
):
    address = cluster.scheduler.address
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", address)
    run = run_sweep(small, workers=1)  # workers is for a LocalCluster: not used here
    assert (run.scheduler, run.workers) == (address, 2)
    assert sweep_json(run.result) == reference
    # the cluster is left running for whoever else uses it
    assert len(cluster.scheduler_info()["workers"]) == 2


def test_chunks_are_about_eight_per_worker():
    assert chunk_size(400, 2) == 25
    assert chunk_size(10, 2) == 1
    assert chunk_size(100_000, 2) == 64


# --- the command ----------------------------------------------------------------------------------


def _cli(*args: str):
    return CliRunner().invoke(app, ["scenario", "sweep", *args])


def test_the_command_prints_the_same_json(reference: str, cluster, tmp_path: Path):
    grid = tmp_path / "grid.yaml"
    grid.write_text(
        "label: small\ngrid:\n"
        f"  {REFERENCE}: {{from: 15000, to: 35000, step: 10000}}\n"
        "  forum_reconvened: [true, false]\n"
        "  pledges.scale_pledges: ['0.5', '1.5']\n"
    )
    address = cluster.scheduler.address
    out = _cli("as_recorded_2026", "--grid", str(grid), "--scheduler", address, "-f", "json")
    assert out.exit_code == 0, out.output
    assert out.stdout == reference
    csv = _cli("as_recorded_2026", "--grid", str(grid), "--scheduler", address, "-f", "csv")
    assert csv.exit_code == 0, csv.output
    lines = csv.stdout.splitlines()
    assert lines[0].startswith("index,parameters.pool_2026.reference.relocations,forum_reconvened")
    assert len(lines) == 13
    table = _cli(
        "as_recorded_2026",
        "--grid",
        str(grid),
        "--draws",
        "4",
        "--seed",
        "1",
        "--scheduler",
        address,
    )
    assert table.exit_code == 0, table.output
    assert "Sweep: the pool across scenarios" in table.stdout
    assert "4 scenarios" in table.stderr


def test_the_command_refuses_a_bad_sweep_without_a_traceback(tmp_path: Path):
    import dask.config

    grid = tmp_path / "grid.yaml"
    grid.write_text("grid:\n  forum: [true]\n")
    out = _cli("as_recorded_2026", "--grid", str(grid))
    assert out.exit_code != 0
    assert "changes are: parameters" in out.output
    assert "Traceback" not in out.output
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        nothing = _cli("as_recorded_2026", "--scheduler", "tcp://127.0.0.1:9", "--draws", "2")
    assert nothing.exit_code != 0
    assert "no Dask scheduler answers there" in nothing.output


@pytest.mark.parametrize("width", [80, 120])
def test_the_command_s_tables_fit_the_terminal_with_every_figure_whole(
    base, cluster, width: int, monkeypatch: pytest.MonkeyPatch
):
    from eupact.cli import common
    from eupact.reports.formatting import cell_texts, is_number

    monkeypatch.setattr(common.console, "width", width)
    monkeypatch.delenv("EUPACT_WIDE", raising=False)
    args = ("as_recorded_2026", "--draws", "12", "--seed", "5")
    out = _cli(*args, "--scheduler", cluster.scheduler.address)
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    result = run_sweep(make_sweep(base, None, draws=12, seed=5), client=cluster).result
    for table in sweep_tables(result):
        for column in (c for c in table.columns if c not in table.wide):
            for row, text in zip(table.rows, cell_texts(table, column), strict=True):
                if is_number(row.get(column)):
                    assert text in out.stdout, f"{table.name}.{column}: {text} cut"
