"""examples/dublin_workflow.py runs the Dublin units' workflow end to end through the API, on SQLite
by default and on PostgreSQL given its URL (flag or EUPACT_DATABASE_URL), and says so when no
server answers instead of printing a traceback."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from .databases import BACKENDS, fresh_database

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "dublin_workflow.py"


def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dublin_workflow", EXAMPLE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_example_runs_the_flow_end_to_end(backend, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("EUPACT_DATABASE_URL", raising=False)
    with fresh_database(backend, tmp_path) as url:
        if backend == "sqlite":
            assert example().main(["--database-url", url]) == 0
        else:  # the environment variable, as `eupact serve` reads it
            monkeypatch.setenv("EUPACT_DATABASE_URL", url)
            assert example().main([]) == 0
    printed = capsys.readouterr().out
    for words in (
        f"database: {url.split('@')[-1]}",
        " 1. IT registers SYN-IT-",
        "DE responsible under Art. 29(2); next: T6 send the take charge request to DE",
        " 2. FR asks for it: 404 — no such case",
        "(Art. 40(1)): accepted",
        "DE under Art. 29(2), Eurodac basis 38(3)(e); time limits: T6 met, T11 met, T16 met, "
        "T24 met",
        "DE stayed silent: deemed_accepted on",
        "IT is responsible under Art. 39(1)",
        "1 event(s): SYN-IT-",
        "chain intact; replay passed",
    ):
        assert words in printed, printed


def test_the_example_defaults_to_a_new_sqlite_file(capsys, monkeypatch):
    monkeypatch.delenv("EUPACT_DATABASE_URL", raising=False)
    assert example().main([]) == 0
    assert "database: sqlite:///" in capsys.readouterr().out
