"""The JSON-stat decoder against pyjstat 2.4.0 on the real files of tests/fixtures/jsonstat_real.

Both start from the response body (bytes) and end with one row per cell: ``decode`` gives a
:class:`JsonStatTable` (numpy columns), pyjstat a pandas DataFrame with the category codes
(``naming="id"``). Only the JSON-stat 2.0 datasets that both read are timed (see EXPECTED in
tests/test_jsonstat_real.py). ``test_eupact_is_faster_per_file`` times each file alone (best
of several rounds) and prints the ratio; it asserts only that no file is slower here.
"""

from __future__ import annotations

import gzip
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from eupact.data.eurostat import decode

pyjstat = pytest.importorskip("pyjstat.pyjstat", reason="pyjstat is not installed")

TESTS = Path(__file__).parent.parent / "tests" / "fixtures"
#: The JSON-stat 2.0 datasets with cells that pyjstat 2.4.0 reads (the "same" files).
FILES = [
    *(
        p
        for p in sorted((TESTS / "jsonstat_real").glob("*.json*"))
        if p.name.startswith(("eurostat_", "jsonstat_org_"))
        and "error" not in p.name
        and "_v1_" not in p.name
        and "size0" not in p.name
    ),
    *(
        TESTS / "eurostat" / n
        for n in (
            "real_migr_eipre_pt_se_ch_2010_2023.json",
            "real_nama_10_gdp_de_until_1980.json",
            "real_sts_inpr_m_ie_confidential.json",
        )
    ),
]


def _body(path: Path) -> bytes:
    raw = path.read_bytes()
    return gzip.decompress(raw) if path.suffix == ".gz" else raw


BODIES = {p.name: _body(p) for p in FILES}


def _ours(body: bytes) -> int:
    return len(decode(body))


def _pyjstat(body: bytes) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pyjstat.Dataset.read(body.decode("utf-8")).write("dataframe", naming="id")
    return len(frame)


def _all(decoder: Callable[[bytes], int]) -> int:
    return sum(decoder(body) for body in BODIES.values())


def _best(decoder: Callable[[bytes], int], body: bytes, rounds: int = 7) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        decoder(body)
        times.append(time.perf_counter() - start)
    return min(times)


@pytest.mark.benchmark(group="jsonstat-real-files")
def test_decode_real_files_eupact(benchmark: Any) -> None:
    rows = benchmark.pedantic(_all, args=(_ours,), rounds=10, iterations=1)
    assert rows == _all(_pyjstat)


@pytest.mark.benchmark(group="jsonstat-real-files")
def test_decode_real_files_pyjstat(benchmark: Any) -> None:
    rows = benchmark.pedantic(_all, args=(_pyjstat,), rounds=5, iterations=1)
    assert rows > 0


def test_eupact_is_faster_per_file(capsys: pytest.CaptureFixture[str]) -> None:
    ratios = {}
    for name, body in BODIES.items():
        ours, theirs = _best(_ours, body), _best(_pyjstat, body, rounds=3)
        ratios[name] = theirs / ours
        print(
            f"{name:50s} eupact {ours * 1e3:8.3f} ms  pyjstat {theirs * 1e3:8.3f} ms  ×{ratios[name]:.1f}"
        )
    low, high = min(ratios.values()), max(ratios.values())
    print(f"{len(ratios)} files: eupact is {low:.1f}× to {high:.1f}× faster than pyjstat 2.4.0")
    assert low > 1.0
