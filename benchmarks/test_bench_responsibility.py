"""Which state is responsible (Part III AMMR; issue 16 item 8), SYNTHETIC cases:

* one determination, target under 1 ms: the spec's worked example E2 and a typical SYNTHETIC
  case (an irregular crossing, a take charge request, a reply and a transfer decision), the case
  already read; and the batch's whole path for one JSON line (orjson, ``read_case``,
  ``determine``, the decision as a JSON line);
* a batch of 1,000,000 SYNTHETIC lines across 2 processes, target under 60 s. The benchmark runs
  50,000 lines through :func:`run_batch` with 2 workers and extrapolates ×20 (``extra_info``:
  ``lines_per_s``, ``extrapolated_1m_s``); the full 1,000,000 was timed once by hand with the CLI
  (``time eupact responsible --batch``), recorded in docs/performance.md.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from eupact.responsibility import determine, read_case
from eupact.responsibility.batch import Chunk, decide_chunk, run_batch
from eupact.responsibility.model import Case
from eupact.responsibility.synthetic import jsonl_chunks, synthetic_cases, write_jsonl
from eupact.yamlio import load

E2 = Path(__file__).resolve().parents[1] / "examples" / "responsibility" / "case_e2.yaml"
BATCH_LINES = 50_000


@pytest.fixture(scope="module")
def typical() -> Case:
    """The first SYNTHETIC case (seed 2026) that crossed irregularly, was asked for by a take
    charge request that was answered, and has a transfer decision."""
    for doc in synthetic_cases(2000, 2026):
        procedure = doc.get("procedure", {})
        requests = procedure.get("requests", [])
        if (
            doc["entries"][0]["kind"] == "irregular_crossing"
            and requests
            and requests[0]["kind"] == "take_charge"
            and "reply" in requests[0]
            and "transfer_decision_notified_on" in procedure
        ):
            return read_case(doc)
    raise AssertionError("no typical case among the first 2,000")


def test_determine_e2(benchmark):
    case = read_case(load(E2.read_text(encoding="utf-8")), E2.name)
    decision = benchmark(determine, case)
    assert decision.responsible_state == "SE"
    assert benchmark.stats.stats.median < 1e-3


def test_determine_typical_synthetic_case(benchmark, typical):
    decision = benchmark(determine, typical)
    assert decision.deadlines
    assert benchmark.stats.stats.median < 1e-3


def test_one_json_line_through_the_batch_path(benchmark, typical):
    """What a worker does for a line: parse, check, determine, write the decision."""
    line = orjson.dumps(typical.model_dump(mode="json", exclude_defaults=True))
    chunk = Chunk(1, [line], len(line) + 1)
    result = benchmark(decide_chunk, chunk)
    assert result.tally.decided == 1
    assert benchmark.stats.stats.median < 1e-3


def test_determine_1000_synthetic_cases(benchmark):
    """The SYNTHETIC mix, read beforehand: the engine alone, per 1,000 cases."""
    cases = [read_case(doc) for doc in synthetic_cases(1000, 7)]
    decisions = benchmark.pedantic(lambda: [determine(c) for c in cases], rounds=3, iterations=1)
    assert len(decisions) == len(cases)
    benchmark.extra_info["us_per_case"] = round(benchmark.stats.stats.median / len(cases) * 1e6)


@pytest.fixture(scope="module")
def lines(tmp_path_factory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("batch") / "syn.jsonl", BATCH_LINES, 2026)


def test_batch_50k_lines_two_workers(benchmark, lines, tmp_path):
    """50,000 SYNTHETIC lines across 2 processes; extrapolated to 1,000,000 (target < 60 s)."""
    summary = benchmark.pedantic(
        run_batch, args=(lines, tmp_path / "out"), kwargs={"workers": 2}, rounds=1, iterations=1
    )
    seconds = benchmark.stats.stats.median
    assert summary.tally.lines == BATCH_LINES
    assert summary.tally.refused == 0
    benchmark.extra_info.update(
        {
            "lines_per_s": round(BATCH_LINES / seconds),
            "extrapolated_1m_s": round(seconds * 1_000_000 / BATCH_LINES, 1),
            "cases_decided": summary.tally.cases,
            "lines_failed": summary.tally.failed,
        }
    )


def test_generate_100k_lines(benchmark):
    """The generator's JSON lines (what `eupact responsible synthetic` writes)."""
    size = benchmark.pedantic(
        lambda: sum(len(b) for b in jsonl_chunks(100_000, 1)), rounds=1, iterations=1
    )
    assert size > 100_000
    benchmark.extra_info["lines_per_s"] = round(100_000 / benchmark.stats.stats.median)
