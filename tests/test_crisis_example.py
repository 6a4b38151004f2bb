"""examples/crisis_end_to_end.py runs a whole crisis (CFMR) through the API, on SQLite by default
and on PostgreSQL given its URL (flag or EUPACT_DATABASE_URL): the request, the Commission's
decision late and flagged, the Council's decision with its plan, a Dublin case's take charge
limit extended by Art. 12(2)(a), bulletins, a report, the extension, the repeal; it may run again
on the same database, and says so when no server answers instead of printing a traceback."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from .databases import BACKENDS, fresh_database

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "crisis_end_to_end.py"


def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("crisis_end_to_end", EXAMPLE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_example_runs_a_whole_crisis(backend, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("EUPACT_DATABASE_URL", raising=False)
    with fresh_database(backend, tmp_path) as url:
        if backend == "sqlite":
            assert example().main(["--database-url", url]) == 0
            assert example().main(["--database-url", url]) == 0  # again: another state
        else:  # the environment variable, as `eupact serve` reads it
            monkeypatch.setenv("EUPACT_DATABASE_URL", url)
            assert example().main([]) == 0
    printed = capsys.readouterr().out
    for words in (
        f"database: {url.split('@')[-1]}",
        " 1. IT submits its reasoned request on",
        "FR asking for IT: 403 — a Member State acts only for itself",
        "late, still valid — Art. 3(8) sets a duty to decide in time",
        "derogations of Arts 10 and 12 from",
        "plan: 3,000 relocations, 3,000 as additional pledges",
        "(Art. 12(2)(a) CFMR); the same case in FR: due",
        "(Art. 39(1))",
        "the Commission confirms the situation persists: extended to",
        "repealed, 0 measure(s) in force today",
        "chain intact; replay passed",
    ):
        assert words in printed, (words, printed)
    if backend == "sqlite":
        assert "SYNTHETIC crisis of MT" in printed  # the second run: IT has its crisis
