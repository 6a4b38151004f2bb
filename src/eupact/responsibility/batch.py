"""Many cases at once: a JSON-lines file of cases → a decision per line, in parallel processes.

:func:`run_batch` reads ``lines_path`` (UTF-8 JSON lines: one case per line, or
``{"group": [case, ...]}`` for a family registered together, Art. 28), determines every line
across ``workers`` processes in chunks of lines, and writes into ``out_dir``:

* ``decisions.jsonl`` — one record per line that is not blank, in input order, each with its
  line number (1-based, as an editor counts): ``{"line": n, "decision": {...}}``,
  ``{"line": n, "group": ref, "decisions": [...]}``, or for a line that cannot be decided
  ``{"line": n, "error": {"summary": ..., "problems": [{"field", "value", "rule"}, ...]}}``;
  no line is lost, and no line stops the run;
* ``errors.csv`` — line, field, value, rule: a row per problem of every refused line;
* ``summary.csv`` — responsible state × criterion × route → cases;
* ``summary.json`` — the same counts, and the totals: lines read, decided, refused, failed
  (an engine error: a bug, reported as the line's error), blank; cases decided; by route; by
  state; and whether the cases are SYNTHETIC (every case id ``SYN-``).

With ``crises`` (Council implementing decisions under Regulation (EU) 2024/1359, CFMR, read once
by the caller, e.g. :func:`~eupact.responsibility.crisis_input.read_crises`), every line is
determined under the same decisions: Art. 12 CFMR (the longer time limits of the state in crisis,
transfers to it suspended, 12(4)) and Art. 13 (release from take back). A time limit a decision
changed carries its ``derogation`` (in words) and ``derogation_detail`` (the same as data) in
``decisions.jsonl`` as the single case's JSON does, and ``summary.json`` lists the decisions read
and counts the cases with a time limit changed, in all, by decision reference and by the CFMR
article applied (the time limits), read from ``derogation_detail``.

Hostile lines are bad lines, never crashes: a line longer than :data:`MAX_LINE_BYTES` is not
parsed (its length is reported), invalid UTF-8 and nesting deeper than orjson's 1,024 levels are
refused by the parser with its message, and every echoed value and rule is cut (``errors.echo``).
A line that breaks the engine is reported with the exception's type and message.

With one worker everything runs in this process; with more, a process pool (``fork`` where the
platform has it) gets chunks of :data:`CHUNK_LINES` lines, at most a few chunks ahead of the
writer, so that memory stays flat however long the file. The decisions of ``crises`` (a few small
frozen records) are given to each worker once, when it starts, never with every chunk.
"""

from __future__ import annotations

import csv
import multiprocessing as mp
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from eupact.cells import inert
from eupact.crisis.measures import AuthorisedMeasures
from eupact.errors import EupactError, Problem, echo
from eupact.parameters import ParameterSet, load_parameters

from .checks import read_case
from .decision import Decision
from .engine import determine
from .groups import determine_group
from .model import MAX_ITEMS, Case
from .synthetic import PREFIX

MAX_LINE_BYTES = 1 << 20  # 1 MiB: a case holds at most 50 facts of a kind, a few KiB in practice
CHUNK_LINES = 1000
BLOCK = 1 << 20
MAX_PROBLEMS = 50  # problems kept per line; the count of the others is said
# Lines longer than this are checked for their shape before the model reads them: pydantic checks
# every item of a list before its length (a line of 200,000 list items took 7 s and gave 200,000
# problems), so a list longer than any case holds, or too many fields, is refused unread.
CHECK_SHAPE_BYTES = 16 << 10
MAX_FIELDS = 64  # a case has 26 fields; none of its objects more
MAX_DEPTH = 16  # a case nests 5 deep; a group line 7
RULE_CHARS = 1000

Progress = Callable[[int, int], None]  # (bytes read, lines read)


# --- reading lines -------------------------------------------------------------------------


def read_lines(stream: IO[bytes], limit: int = MAX_LINE_BYTES) -> Iterator[bytes | int]:
    """The lines of ``stream`` without their end; a line longer than ``limit`` bytes as its
    length instead (never held in memory whole)."""
    partial = b""
    skipping = 0  # bytes of a too-long line counted so far (0: not skipping)
    while block := stream.read(BLOCK):
        if skipping:
            nl = block.find(b"\n")
            if nl < 0:
                skipping += len(block)
                continue
            yield skipping + nl
            skipping, block = 0, block[nl + 1 :]
        lines = block.split(b"\n")
        lines[0] = partial + lines[0]
        partial = lines.pop()
        for line in lines:
            yield line if len(line) <= limit else len(line)
        if len(partial) > limit:
            skipping, partial = len(partial), b""
    if skipping:
        yield skipping
    elif partial:
        yield partial


@dataclass(frozen=True, slots=True)
class Chunk:
    first: int  # line number of items[0]
    items: list[bytes | int]
    size: int  # bytes, line ends included


def chunks(stream: IO[bytes], lines: int = CHUNK_LINES) -> Iterator[Chunk]:
    items: list[bytes | int] = []
    first, size = 1, 0
    for item in read_lines(stream):
        items.append(item)
        size += (item if isinstance(item, int) else len(item)) + 1
        if len(items) >= lines:
            yield Chunk(first, items, size)
            first, items, size = first + len(items), [], 0
    if items:
        yield Chunk(first, items, size)


# --- deciding a chunk (in a worker) --------------------------------------------------------

_PARAMS: ParameterSet | None = None
_CRISES: tuple[AuthorisedMeasures, ...] = ()  # a worker's CFMR decisions, set once at its start


def _init(readings: dict[str, str] | None, crises: tuple[AuthorisedMeasures, ...] = ()) -> None:
    global _PARAMS, _CRISES
    _PARAMS = load_parameters().with_readings(readings or {})
    _CRISES = crises


@dataclass
class Tally:
    """What a chunk (or the whole run) counted."""

    lines: int = 0
    decided: int = 0
    refused: int = 0
    failed: int = 0
    blank: int = 0
    cases: int = 0
    synthetic: int = 0
    counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    # Art. 12 CFMR: cases with a time limit a crisis decision changed; by decision reference
    # (a case counted once per decision); time limits changed by the CFMR article applied
    derogated: int = 0
    by_decision: Counter[str] = field(default_factory=Counter)
    by_article: Counter[str] = field(default_factory=Counter)

    def add(self, other: Tally) -> None:
        self.lines += other.lines
        self.decided += other.decided
        self.refused += other.refused
        self.failed += other.failed
        self.blank += other.blank
        self.cases += other.cases
        self.synthetic += other.synthetic
        self.counts.update(other.counts)
        self.derogated += other.derogated
        self.by_decision.update(other.by_decision)
        self.by_article.update(other.by_article)

    def count(self, d: Decision, crises: bool = False) -> None:
        """``d`` counted; with ``crises`` (the run has crisis decisions) its time limits a
        decision changed too (Art. 12 CFMR), read from their structured ``derogation_detail``."""
        self.cases += 1
        self.synthetic += d.case_id.startswith(PREFIX)
        self.counts[d.responsible_state, d.criterion, d.route.value] += 1
        if crises:
            changed = [x.derogation_detail for x in d.deadlines if x.derogation_detail]
            if changed:
                self.derogated += 1
                self.by_decision.update({x.decision for x in changed})  # once per case
                # the CFMR article applied ("12(4) CFMR"): a limit may end under another
                # (46(2) AMMR's extensions apply on top, recital 52 CFMR)
                self.by_article.update(x.cited for x in changed)


@dataclass
class ChunkResult:
    out: bytes  # the chunk's records, one JSON line each
    errors: list[tuple[int, str, str, str]]  # line, field, value, rule
    tally: Tally


def _problem(p: Problem, prefix: str = "") -> dict[str, str]:
    return {
        "field": f"{prefix}{p.field}",
        "value": echo(p.value),
        "rule": echo(p.rule, RULE_CHARS, quote=False),
    }


def _error(n: int, summary: str, problems: list[dict[str, str]]) -> dict[str, Any]:
    error: dict[str, Any] = {"summary": summary, "problems": problems[:MAX_PROBLEMS]}
    if len(problems) > MAX_PROBLEMS:
        error["more_problems"] = len(problems) - MAX_PROBLEMS
    return {"line": n, "error": error}


class _Refused(Exception):
    def __init__(self, summary: str, problems: list[dict[str, str]]) -> None:
        super().__init__(summary)
        self.summary = summary
        self.problems = problems


def _line_problem(rule: str, value: object = "") -> _Refused:
    return _Refused("line refused", [{"field": "line", "value": echo(value), "rule": rule}])


def _shape(doc: Any, path: str = "", depth: int = 0) -> _Refused | None:
    """A refusal if ``doc`` has a list or an object larger, or nesting deeper, than a case can
    hold (checked before the model reads it; see CHECK_SHAPE_BYTES)."""
    rule = ""
    if depth > MAX_DEPTH:
        rule, value = f"nested deeper than a case is ({MAX_DEPTH} levels)", "…"
    elif isinstance(doc, list):
        if len(doc) > MAX_ITEMS:
            rule, value = f"a case holds at most {MAX_ITEMS} facts of a kind", f"{len(doc):,} items"
        else:
            for i, item in enumerate(doc):
                if found := _shape(item, f"{path}.{i}" if path else str(i), depth + 1):
                    return found
    elif isinstance(doc, dict):
        if len(doc) > MAX_FIELDS:
            rule, value = f"no object of a case has more than {MAX_FIELDS} fields", f"{len(doc):,}"
        else:
            for key, item in doc.items():
                name = echo(key, 64, quote=False)
                if found := _shape(item, f"{path}.{name}" if path else name, depth + 1):
                    return found
    if not rule:
        return None
    return _Refused(
        "line refused", [{"field": path or "line", "value": value, "rule": rule + ": not read"}]
    )


def read_group(members: object, location: str = "", as_of: object = None) -> list[Case]:
    """A family registered together (Art. 28): 1 to 50 cases (each checked by
    :func:`read_case`, ``as_of`` put in each if given) sharing one group reference, each a
    different case; or an :class:`EupactError` naming every problem (fields ``group.i....``)."""
    where = location or "group"
    if not isinstance(members, list) or not 1 <= len(members) <= MAX_ITEMS:
        size = f"{len(members)} members" if isinstance(members, list) else members
        rule = f"a family registered together (Art. 28) is a list of 1 to {MAX_ITEMS} cases"
        raise EupactError([Problem("group", size, rule, where)], "group refused")
    problems: list[Problem] = []
    cases = []
    for i, doc in enumerate(members):
        if as_of is not None and isinstance(doc, dict):
            doc = {**doc, "as_of": as_of}
        try:
            cases.append(read_case(doc, where))
        except EupactError as exc:
            problems += [
                Problem(
                    f"group.{i}" + ("" if p.field == "-" else f".{p.field}"), p.value, p.rule, where
                )
                for p in exc.problems
            ]
    if not problems:
        refs = sorted({str(c.group) for c in cases})
        if len(refs) > 1:
            rule = "the members of one family registered together share one group reference"
            problems.append(Problem("group", refs, rule, where))
        ids = Counter(c.case_id for c in cases)
        problems += [
            Problem("group", i, "each member is a different case", where)
            for i, k in ids.items()
            if k > 1
        ]
    if problems:
        raise EupactError(problems, "group refused")
    return cases


def _group(
    n: int, members: list[Any], params: ParameterSet, crises: Sequence[AuthorisedMeasures]
) -> dict[str, Any]:
    try:
        cases = read_group(members, f"line {n}")
    except EupactError as exc:
        raise _Refused(exc.summary, [_problem(p) for p in exc.problems]) from None
    decisions = determine_group(cases, params, crises=crises)
    return {"line": n, "group": cases[0].group or "", "decisions": decisions}


def decide_chunk(
    chunk: Chunk,
    params: ParameterSet | None = None,
    crises: Sequence[AuthorisedMeasures] | None = None,
) -> ChunkResult:
    """Every line of ``chunk``: parsed, checked (:func:`read_case`), determined under ``crises``
    (default: the worker's, :func:`_init`; none in this process)."""
    params = params or _PARAMS or load_parameters()
    crises = _CRISES if crises is None else tuple(crises)
    changes = bool(crises)
    out: list[bytes] = []
    errors: list[tuple[int, str, str, str]] = []
    tally = Tally()
    dumps = orjson.dumps
    for k, item in enumerate(chunk.items):
        n = chunk.first + k
        if not isinstance(item, int) and not item.strip():
            tally.blank += 1
            continue
        tally.lines += 1
        try:
            if isinstance(item, int):
                raise _line_problem(
                    f"the line is {item:,} bytes, longer than the {MAX_LINE_BYTES:,} a case can "
                    "take: not read",
                    f"{item:,} bytes",
                )
            try:
                doc = orjson.loads(item)
            except orjson.JSONDecodeError as exc:
                raise _line_problem(
                    f"not a JSON document: {echo(str(exc), 300, False)}",
                    item[:60].decode("utf-8", "backslashreplace"),
                ) from None
            if len(item) > CHECK_SHAPE_BYTES and (refused := _shape(doc)):
                raise refused
            if isinstance(doc, dict) and len(doc) == 1 and isinstance(doc.get("group"), list):
                record = _group(n, doc["group"], params, crises)
                for d in record["decisions"]:
                    tally.count(d, changes)
                record["decisions"] = [d.as_dict() for d in record["decisions"]]
            else:
                try:
                    case = read_case(doc, f"line {n}", bounded=True)  # shape checked above
                except EupactError as exc:
                    raise _Refused(exc.summary, [_problem(p) for p in exc.problems]) from None
                decision = determine(case, params, crises=crises)
                tally.count(decision, changes)
                record = {"line": n, "decision": decision.as_dict()}
            tally.decided += 1
        except _Refused as refused:
            tally.refused += 1
            record = _error(n, refused.summary, refused.problems)
            errors += [(n, p["field"], p["value"], p["rule"]) for p in refused.problems]
        except Exception as exc:  # the engine's bug, not the line's: said, and the run goes on
            tally.failed += 1
            rule = f"internal error: {type(exc).__name__}: {echo(str(exc), 300, False)}"
            problem = {"field": "", "value": "", "rule": rule}
            record = _error(n, "internal error (a bug in eupact, not in the line)", [problem])
            errors.append((n, "", "", rule))
        out.append(dumps(record))
    out.append(b"")
    return ChunkResult(b"\n".join(out) if len(out) > 1 else b"", errors, tally)


# --- the run -------------------------------------------------------------------------------


@dataclass
class BatchSummary:
    """The totals of a run and where its files are."""

    source: str
    out_dir: Path
    workers: int
    tally: Tally
    crises: tuple[AuthorisedMeasures, ...] = ()  # the CFMR decisions every line was decided with

    @property
    def synthetic(self) -> bool:
        return self.tally.cases > 0 and self.tally.synthetic == self.tally.cases

    def by(self, index: int) -> dict[str, int]:
        c: Counter[str] = Counter()
        for key, n in self.tally.counts.items():
            c[key[index]] += n
        return dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"responsible_state": s, "criterion": c, "route": r, "cases": n}
            for (s, c, r), n in sorted(self.tally.counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]

    def as_dict(self) -> dict[str, Any]:
        t = self.tally
        return {
            "label": "SYNTHETIC cases (case ids SYN-): not real persons" if self.synthetic else "",
            "synthetic": self.synthetic,
            "source": self.source,
            "workers": self.workers,
            "lines_read": t.lines,
            "lines_decided": t.decided,
            "lines_refused": t.refused,
            "lines_failed": t.failed,
            "blank_lines": t.blank,
            "cases_decided": t.cases,
            "by_route": self.by(2),
            "by_state": self.by(0),
            "by_criterion": self.by(1),
            "counts": self.rows(),
            "crisis_decisions": [
                {
                    "decision": m.decision,
                    "state": m.state,
                    "situation": m.situation.value,
                    "applies_from": m.applies_from.isoformat(),
                    "last_day": m.last_day().isoformat(),
                    "derogations": sorted(x.value for x in m.derogations),
                }
                for m in self.crises
            ],
            "cases_with_a_time_limit_changed": t.derogated,
            "time_limit_changed_by_decision": {
                m.decision: t.by_decision[m.decision] for m in self.crises
            },
            "time_limits_changed_by_article": dict(sorted(t.by_article.items())),
        }

    @property
    def files(self) -> tuple[Path, ...]:
        names = ("decisions.jsonl", "summary.csv", "summary.json", "errors.csv")
        return tuple(self.out_dir / n for n in names)


def _context() -> Any:
    methods = mp.get_all_start_methods()
    return mp.get_context("fork" if "fork" in methods else "spawn")


def _results(
    parts: Iterable[Chunk],
    workers: int,
    readings: dict[str, str] | None,
    ahead: int,
    crises: tuple[AuthorisedMeasures, ...] = (),
) -> Iterator[tuple[Chunk, ChunkResult]]:
    """Each chunk's result, in input order."""
    if workers == 1:
        params = load_parameters().with_readings(readings or {})
        for c in parts:
            yield c, decide_chunk(c, params, crises)
        return
    with ProcessPoolExecutor(workers, _context(), _init, (readings, crises)) as pool:
        pending: deque[tuple[Chunk, Future[ChunkResult]]] = deque()
        for c in parts:
            pending.append((c, pool.submit(decide_chunk, c)))
            if len(pending) >= ahead:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()


def run_batch(
    lines_path: str | Path,
    out_dir: str | Path,
    workers: int | None = os.cpu_count(),
    *,
    readings: dict[str, str] | None = None,
    chunk_lines: int = CHUNK_LINES,
    progress: Progress | None = None,
    crises: Sequence[AuthorisedMeasures] = (),
) -> BatchSummary:
    """Determine every line of ``lines_path`` into ``out_dir`` (see the module's docstring),
    each under the Council implementing decisions ``crises`` (CFMR Arts 12-13), if any."""
    lines_path, out_dir = Path(lines_path), Path(out_dir)
    crises = tuple(crises)
    workers = max(1, workers or 1)
    load_parameters().with_readings(readings or {})  # a wrong reading is refused before any work
    out_dir.mkdir(parents=True, exist_ok=True)
    tally = Tally()
    read = 0
    with (
        lines_path.open("rb") as source,
        (out_dir / "decisions.jsonl").open("wb") as decisions,
        (out_dir / "errors.csv").open("w", encoding="utf-8", newline="") as errors_file,
    ):
        errors = csv.writer(errors_file, lineterminator="\n")
        errors.writerow(("line", "field", "value", "rule"))
        parts = chunks(source, max(1, chunk_lines))
        for c, result in _results(parts, workers, readings, 3 * workers, crises):
            decisions.write(result.out)
            errors.writerows([inert(x) for x in row] for row in result.errors)
            tally.add(result.tally)
            read += c.size
            if progress is not None:
                progress(read, c.first + len(c.items) - 1)
    summary = BatchSummary(str(lines_path), out_dir, workers, tally, crises)
    write_summary(summary)
    return summary


def write_summary(summary: BatchSummary) -> None:
    doc = summary.as_dict()
    (summary.out_dir / "summary.json").write_bytes(
        orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n"
    )
    with (summary.out_dir / "summary.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(("responsible_state", "criterion", "route", "cases"))
        w.writerows(
            (inert(r["responsible_state"]), inert(r["criterion"]), r["route"], r["cases"])
            for r in doc["counts"]
        )


def read_records(path: str | Path) -> list[dict[str, Any]]:
    """The records of a ``decisions.jsonl`` (for tests and small files)."""
    return [orjson.loads(line) for line in Path(path).read_bytes().splitlines() if line]


def count_lines(path: str | Path) -> int:
    """Lines of ``path`` that are not blank (each gets one record)."""
    with Path(path).open("rb") as f:
        return sum(1 for x in read_lines(f) if isinstance(x, int) or x.strip())


__all__ = [
    "CHUNK_LINES",
    "MAX_LINE_BYTES",
    "BatchSummary",
    "Chunk",
    "ChunkResult",
    "Tally",
    "chunks",
    "count_lines",
    "decide_chunk",
    "read_group",
    "read_lines",
    "read_records",
    "run_batch",
    "write_summary",
]
