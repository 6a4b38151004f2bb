"""Sweeps: one base scenario and thousands of variations of it, run on Dask distributed.

A sweep is a base :class:`~eupact.scenarios.model.Scenario` and **axes**: each axis names one
change of the scenario file (``parameters.pool_2026.reference.relocations``,
``forum_reconvened``, ``pledges.scale_pledges``, ``readings.NAME``, ``sar_share`` ...) and the
values it takes (a list, or ``{from, to, step}``). The sweep runs either the whole **grid** (every
combination, the last axis varying fastest) or ``draws`` **random draws**: task ``i`` draws each
axis's value with its own generator, seeded from ``SeedSequence(seed, spawn_key=(i,))`` (what
``SeedSequence(seed).spawn(n)[i]`` gives), so a task's scenario depends on the sweep's seed and
its index only — never on which worker runs it, how tasks are chunked, or in what order.

Tasks are submitted in chunks to a ``distributed.Client``: a ``LocalCluster`` of ``workers``
processes (one thread each) by default, or the scheduler at ``scheduler=`` /
``$DASK_SCHEDULER_ADDRESS`` (dask's configuration key ``scheduler-address`` too) for a cluster
that already exists — dask-jobqueue on SLURM or PBS, dask-kubernetes, the Helm chart: see
docs/sweeps.md. A chunk that raises is retried (``retries``); a chunk whose worker dies is
rescheduled by the scheduler on another. Results come back as integers, ordered by task index
and reduced deterministically (:mod:`eupact.scenarios.sweep_reduce`): the same JSON, byte for
byte, on one worker or many.
"""

from __future__ import annotations

import math
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from eupact import __version__
from eupact.errors import EupactError, fail, reason_of
from eupact.scenarios.model import Changes, Scenario, read_yaml_file, scenario_from_dict
from eupact.scenarios.run import run_scenario, scenario_parameters
from eupact.scenarios.sweep_reduce import (
    ChunkResult,
    SweepResult,
    TaskResult,
    Value,
    cents,
    reduce_sweep,
)

if TYPE_CHECKING:
    from distributed import Client

#: Most scenarios one sweep runs (each result is kept until the reduction).
MAX_TASKS = 200_000
#: Most axes, and most values on one axis.
MAX_AXES, MAX_AXIS_VALUES = 8, 100_000
#: Largest sweep file read (bytes).
MAX_FILE_BYTES = 64_000
#: Largest chunk of tasks sent as one Dask task (about 1.5 s of work at ~25 ms a scenario).
MAX_CHUNK = 64
#: Changes whose axis names a key under them: ``parameters.NAME``, ``readings.NAME``.
_KEYED = ("parameters", "readings")
#: Changes whose axis names one of their fields: ``pledges.scale_pledges``.
_NESTED = ("pledges", "vintage")
#: A sweep file's fields.
FILE_FIELDS = ("label", "grid", "draws", "seed")


@dataclass(frozen=True)
class Axis:
    """One change of the scenario and the values it takes, in order."""

    path: str
    values: tuple[Value, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "values": list(self.values)}


@dataclass(frozen=True)
class Sweep:
    """What to run: the base scenario's document, the axes, the grid or ``draws`` random draws
    from ``seed``. ``pledges`` carries the base's own pledges file (name, text), so that workers
    on other machines need no shared folder."""

    base: dict[str, Any]
    axes: tuple[Axis, ...]
    draws: int | None = None
    seed: int = 0
    label: str = ""
    pledges: tuple[str, str] | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        if self.draws is not None:
            return self.draws
        return math.prod(len(a.values) for a in self.axes)

    @property
    def mode(self) -> str:
        return "grid" if self.draws is None else "draws"

    def point(self, index: int) -> tuple[Value, ...]:
        """The values of task ``index``: its place in the grid (last axis fastest), or its own
        draws."""
        if not 0 <= index < self.size:
            raise IndexError(index)
        if self.draws is not None:
            rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(index,)))
            return tuple(a.values[int(rng.integers(len(a.values)))] for a in self.axes)
        picked: list[Value] = []
        for axis in reversed(self.axes):
            index, k = divmod(index, len(axis.values))
            picked.append(axis.values[k])
        return tuple(reversed(picked))

    def document(self, point: tuple[Value, ...], label: str) -> dict[str, Any]:
        """The base scenario's document with the point's changes."""
        doc = {**self.base, "label": label}
        changes: dict[str, Any] = {**(doc.get("changes") or {})}
        for axis, value in zip(self.axes, point, strict=True):
            _apply(changes, axis.path, value)
        doc["changes"] = changes
        return doc

    def describe(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "base": self.base.get("label", ""),
            "base_year": self.base.get("base"),
            "mode": self.mode,
            "seed": self.seed if self.draws is not None else None,
            "scenarios": self.size,
            "axes": [a.as_dict() for a in self.axes],
        }


def _apply(changes: dict[str, Any], path: str, value: Value) -> None:
    head, _, rest = path.partition(".")
    if head in _KEYED or head in _NESTED:  # parameters.NAME, readings.NAME, pledges.FIELD ...
        changes[head] = {**(changes.get(head) or {}), rest: value}
    else:
        changes[head] = value


# --- axes ---------------------------------------------------------------------------------------


def _decimal(where: str, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise fail(where, value, "must be a number, e.g. 15000 or 0.5")
    try:
        number = Decimal(str(value).strip().replace("_", ""))
    except InvalidOperation:
        raise fail(where, value, "must be a number, e.g. 15000 or 0.5") from None
    if not number.is_finite() or abs(number) > 10**13:
        raise fail(where, value, "must be a finite number up to 10^13")
    return number


def _range(where: str, spec: Mapping[str, Any]) -> tuple[Value, ...]:
    """``{from, to, step}`` (``to`` included when on a step), with an optional ``prefix``
    (e.g. ``"EUR "`` for an amount written as in the parameter files)."""
    unknown = sorted(set(spec) - {"from", "to", "step", "prefix"})
    if unknown or not {"from", "to", "step"} <= set(spec):
        raise fail(where, spec, "a range is {from: A, to: B, step: S} (prefix: optional)")
    start, stop, step = (_decimal(f"{where}.{k}", spec[k]) for k in ("from", "to", "step"))
    prefix = spec.get("prefix", "")
    if not isinstance(prefix, str) or len(prefix) > 8:
        raise fail(f"{where}.prefix", prefix, "must be short text, e.g. 'EUR '")
    if step <= 0 or stop < start:
        raise fail(where, spec, "needs step > 0 and from <= to")
    count = int((stop - start) // step) + 1
    if count > MAX_AXIS_VALUES:
        raise fail(where, spec, f"has {count:,} values; at most {MAX_AXIS_VALUES:,} on one axis")
    places = max(0, *(-int(d.as_tuple().exponent) for d in (start, stop, step)))
    whole = places == 0 and not prefix and all(isinstance(spec[k], int) for k in ("from", "step"))
    values: list[Value] = []
    for k in range(count):
        number = start + k * step
        values.append(int(number) if whole else f"{prefix}{number:.{places}f}")
    return tuple(values)


def _listed(where: str, items: list[Any]) -> tuple[Value, ...]:
    if not items:
        raise fail(where, items, "lists no value")
    if len(items) > MAX_AXIS_VALUES:
        raise fail(where, f"{len(items):,} values", f"at most {MAX_AXIS_VALUES:,} on one axis")
    values: list[Value] = []
    for i, item in enumerate(items):
        if isinstance(item, float):
            item = str(Decimal(str(item)))
        elif hasattr(item, "isoformat"):  # a date written in YAML
            item = item.isoformat()
        if not isinstance(item, int | str | bool) and item is not None:
            raise fail(f"{where}[{i}]", item, "must be a number, text, true/false or null")
        values.append(item)
    if len(set(values)) != len(values):
        raise fail(where, items, "lists a value twice")
    return tuple(values)


def make_axis(path: object, spec: object) -> Axis:
    """An axis from its file form: ``PATH: [v1, v2, ...]`` or ``PATH: {from, to, step}``."""
    if not isinstance(path, str) or not path.strip() or len(path) > 200:
        raise fail("grid", path, "an axis is named by a change, e.g. forum_reconvened")
    path = path.strip()
    head, dot, rest = path.partition(".")
    where = f"grid.{path}"
    if head not in Changes.model_fields:
        raise fail(where, head, f"changes are: {', '.join(Changes.model_fields)}")
    if (head in _KEYED or head in _NESTED) != bool(dot and rest):
        shape = f"{head}.NAME" if head in (*_KEYED, *_NESTED) else head
        raise fail(where, path, f"write this axis as {shape}")
    if isinstance(spec, Mapping):
        return Axis(path, _range(where, spec))
    if isinstance(spec, list):
        return Axis(path, _listed(where, spec))
    raise fail(where, spec, "give a list of values or a range {from, to, step}")


def default_axes(year: int) -> dict[str, Any]:
    """The sweep asked in issue 18: the reference number 15,000..40,000 relocations by 1,000 ×
    the Forum reconvened or not × every pledge scaled 0.5..1.5 by 0.1 (26 × 2 × 11 = 572)."""
    return {
        f"parameters.pool_{year}.reference.relocations": {"from": 15000, "to": 40000, "step": 1000},
        "forum_reconvened": [True, False],
        "pledges.scale_pledges": {"from": "0.5", "to": "1.5", "step": "0.1"},
    }


def make_sweep(
    base: Scenario,
    axes: Mapping[str, Any] | None = None,
    *,
    draws: int | None = None,
    seed: int = 0,
    label: str = "",
) -> Sweep:
    """A sweep on ``base`` (refused, naming the axis, if a value the axes reach breaks a rule
    of scenarios: each axis's first and last values are checked here)."""
    axes = default_axes(base.base) if axes is None else axes
    if not isinstance(axes, Mapping) or not axes:
        raise fail(
            "grid", axes, "a sweep needs at least one axis: PATH: [values] or {from, to, step}"
        )
    if len(axes) > MAX_AXES:
        raise fail("grid", f"{len(axes)} axes", f"at most {MAX_AXES} axes")
    built = tuple(make_axis(path, spec) for path, spec in axes.items())
    if len({a.path for a in built}) != len(built):
        raise fail("grid", list(axes), "names an axis twice")
    if draws is not None and (isinstance(draws, bool) or not 1 <= draws <= MAX_TASKS):
        raise fail("draws", draws, f"must be a whole number from 1 to {MAX_TASKS:,}")
    if isinstance(seed, bool) or not 0 <= seed < 2**63:
        raise fail("seed", seed, "must be a whole number from 0 to 2^63 - 1")
    pledges = None
    path = base.pledges_path()
    if path is not None:
        try:
            pledges = (path.name, path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise fail("pledges_file", str(path), f"cannot be read: {reason_of(exc)}") from None
    doc = base.model_dump(mode="json", exclude={"folder"})
    sweep = Sweep(doc, built, draws, seed, label.strip(), pledges)
    if sweep.size > MAX_TASKS:
        raise fail("grid", f"{sweep.size:,} scenarios", f"a sweep runs at most {MAX_TASKS:,}")
    _check(sweep, base)
    return sweep


def _check(sweep: Sweep, base: Scenario) -> None:
    """Each axis's first and last values on the base scenario, as a scenario file would be
    checked (fields, bounds, parameter names and types, [reading] alternatives)."""
    problems = []
    for axis in sweep.axes:
        for value in dict.fromkeys((axis.values[0], axis.values[-1])):
            changes: dict[str, Any] = {**sweep.base.get("changes", {})}
            _apply(changes, axis.path, value)
            try:
                s = scenario_from_dict({**sweep.base, "changes": changes}, f"grid.{axis.path}")
                scenario_parameters(s).with_readings(dict(s.changes.readings))
                s.changes.pledges.scale()
            except EupactError as refused:
                problems += [
                    replace(p, location=f"axis {axis.path} = {value!r}") for p in refused.problems
                ]
    if problems:
        raise EupactError(problems, "sweep refused; nothing was computed")


def load_sweep_file(path: str | Path) -> dict[str, Any]:
    """A sweep file: ``grid`` (the axes), optional ``label``, ``draws`` and ``seed``."""
    path = Path(path)
    doc = read_yaml_file(path, "--grid", "sweep")
    if not isinstance(doc, dict) or "grid" not in doc:
        raise fail("--grid", str(path), "must be a mapping with grid: {PATH: values, ...}")
    unknown = sorted(set(map(str, doc)) - set(FILE_FIELDS))
    if unknown:
        raise fail(path.name, ", ".join(unknown), f"a sweep file holds {', '.join(FILE_FIELDS)}")
    if not isinstance(doc.get("label", ""), str):
        raise fail(f"{path.name}: label", doc["label"], "must be text")
    return doc


# --- the tasks (run on the workers) -------------------------------------------------------------


def environment() -> str:
    """What a worker computes with: eupact's version and the data snapshot's."""
    from eupact.data.snapshot import load_snapshot

    snapshot = load_snapshot()
    return f"eupact {__version__}; snapshot {snapshot.name} {snapshot.version}"


def evaluate_task(sweep: Sweep, index: int, pledges: Path | None = None) -> TaskResult:
    """Task ``index``: its scenario run through the cycle engine, kept as integers; a scenario
    whose inputs break a rule is a result too (``refused``), not a failure."""
    from eupact.data.snapshot import load_snapshot

    point = sweep.point(index)
    doc = sweep.document(point, f"{sweep.base.get('label', '')} — sweep task {index}"[:200])
    if pledges is not None:
        doc["pledges_file"] = str(pledges)
    try:
        result = run_scenario(scenario_from_dict(doc, f"task {index}"), snapshot=load_snapshot())
    except EupactError as refused:
        said = "; ".join(f"{p.field}: {p.rule}" for p in refused.problems)
        return TaskResult(index, point, refused=said or refused.summary)
    outcome = result.outcome
    offsets = outcome.offsets
    obligations = tuple(sorted((g, int(n)) for g, n in offsets.obligations.items()))
    return TaskResult(
        index,
        point,
        triggered=offsets.triggered,
        obligatory=offsets.obligatory,
        shortfall_cents=cents(outcome.totals.shortfall),
        relocation_shortfall=outcome.totals.relocation_shortfall,
        to_implement_cents=cents(outcome.totals.to_implement_total),
        offsets_total=sum(n for _, n in obligations),
        uncovered=offsets.uncovered,
        obligations=obligations,
    )


def evaluate_chunk(sweep: Sweep, start: int, stop: int) -> ChunkResult:
    """Tasks ``start`` .. ``stop - 1`` (what one Dask task runs)."""
    with tempfile.TemporaryDirectory(prefix="eupact-sweep-") as folder:
        pledges = None
        if sweep.pledges is not None:
            name, text = sweep.pledges
            pledges = Path(folder) / Path(name).name
            pledges.write_text(text, encoding="utf-8")
        results = tuple(evaluate_task(sweep, i, pledges) for i in range(start, stop))
    return ChunkResult(start, stop, environment(), results)


def _warm() -> str:
    """Load the code, parameters and snapshot once on a worker before the clock starts."""
    from eupact.parameters import load_parameters

    load_parameters()
    return environment()


def evaluate_here(sweep: Sweep) -> SweepResult:
    """The whole sweep in this process, without Dask (the reference the tests compare with)."""
    chunk = evaluate_chunk(sweep, 0, sweep.size)
    return reduce_sweep(sweep.describe(), tuple(a.path for a in sweep.axes), sweep.size, [chunk])


# --- on Dask ------------------------------------------------------------------------------------

Chunker = Callable[[Sweep, int, int], ChunkResult]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SweepRun:
    """A sweep's result and how it ran (kept out of the result: timings and workers vary)."""

    result: SweepResult
    scheduler: str
    workers: int
    chunks: int
    connect_seconds: float  # starting or reaching the cluster, and warming its workers
    seconds: float  # the sweep itself, submitted to gathered and reduced


def scheduler_address(scheduler: str | None = None) -> str | None:
    """The scheduler to use: ``scheduler``, else ``$DASK_SCHEDULER_ADDRESS``, else dask's
    configured ``scheduler-address``; None for a LocalCluster of our own."""
    if scheduler:
        return scheduler
    if os.environ.get("DASK_SCHEDULER_ADDRESS"):
        return os.environ["DASK_SCHEDULER_ADDRESS"]
    import dask.config

    configured = dask.config.get("scheduler-address", None)
    return str(configured) if configured else None


@contextmanager
def connect(workers: int = 2, scheduler: str | None = None) -> Iterator[Client]:
    """A client of the cluster at ``scheduler`` (its workers are left running on exit), or of a
    LocalCluster of ``workers`` processes with one thread each (closed on exit)."""
    from distributed import Client, LocalCluster

    address = scheduler_address(scheduler)
    if address:
        try:
            client = Client(address)  # type: ignore[no-untyped-call]
        except OSError as exc:
            raise fail(
                "--scheduler", address, f"no Dask scheduler answers there: {reason_of(exc)}"
            ) from None
        with client:
            yield client
        return
    if isinstance(workers, bool) or not 1 <= workers <= 256:
        raise fail("--workers", workers, "must be a whole number from 1 to 256")
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # its HTTP server (health, metrics) on a free port
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


def chunk_size(size: int, workers: int) -> int:
    """About eight chunks per worker (balance, and a progress bar that moves), at most
    :data:`MAX_CHUNK` tasks each."""
    return max(1, min(MAX_CHUNK, math.ceil(size / (8 * max(1, workers)))))


def run_sweep(
    sweep: Sweep,
    *,
    workers: int = 2,
    scheduler: str | None = None,
    client: Client | None = None,
    chunk: int | None = None,
    retries: int = 2,
    progress: Progress | None = None,
    evaluate: Chunker = evaluate_chunk,
) -> SweepRun:
    """Run ``sweep`` on Dask: on ``client`` if given, else on the scheduler at ``scheduler`` /
    ``$DASK_SCHEDULER_ADDRESS``, else on a LocalCluster of ``workers`` processes. ``progress``
    is called with (scenarios done, scenarios in all) as chunks come back; ``evaluate`` runs one
    chunk (the tests wrap it to inject faults). A chunk failing more than ``retries`` times
    stops the sweep with an error naming it."""
    if client is not None:
        return _run(client, sweep, chunk, retries, progress, evaluate, 0.0)
    began = time.perf_counter()
    with connect(workers, scheduler) as own:
        return _run(own, sweep, chunk, retries, progress, evaluate, began)


def _run(
    client: Client,
    sweep: Sweep,
    chunk: int | None,
    retries: int,
    progress: Progress | None,
    evaluate: Chunker,
    began: float,
) -> SweepRun:
    from distributed import as_completed

    client.run(_warm)
    counted = len(client.scheduler_info().get("workers", {}))
    size = sweep.size
    step = chunk or chunk_size(size, counted)
    started = time.perf_counter()
    token = uuid.uuid4().hex[:8]
    bounds = [(a, min(a + step, size)) for a in range(0, size, step)]
    futures = [
        client.submit(
            evaluate, sweep, a, b, retries=retries, pure=False, key=f"eupact-sweep-{token}-{a:07d}"
        )
        for a, b in bounds
    ]
    where = {f.key: bounds[i] for i, f in enumerate(futures)}
    parts: list[ChunkResult] = []
    done = 0
    if progress is not None:
        progress(0, size)
    try:
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            try:
                part = future.result()
            except Exception as exc:
                a, b = where[future.key]
                raise fail(
                    "sweep",
                    f"tasks {a}..{b - 1}",
                    f"failed after {retries} retries: {reason_of(exc)}",
                    summary="sweep stopped",
                ) from exc
            parts.append(part)
            done += len(part.results)
            if progress is not None:
                progress(done, size)
    finally:
        client.cancel([f for f in futures if not f.done()])  # type: ignore[no-untyped-call]
    axes = tuple(a.path for a in sweep.axes)
    result = reduce_sweep(sweep.describe(), axes, size, parts)
    end = time.perf_counter()
    return SweepRun(
        result,
        str(client.scheduler.address if client.scheduler else ""),
        counted,
        len(bounds),
        started - began if began else 0.0,
        end - started,
    )


__all__ = [
    "MAX_TASKS",
    "Axis",
    "Sweep",
    "SweepRun",
    "chunk_size",
    "connect",
    "default_axes",
    "evaluate_chunk",
    "evaluate_here",
    "evaluate_task",
    "load_sweep_file",
    "make_axis",
    "make_sweep",
    "run_sweep",
    "scheduler_address",
]
