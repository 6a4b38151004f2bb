"""The quick start works: `eupact cycle run 2026` writes its results folder."""

import json

from typer.testing import CliRunner

from eupact.cli.main import app


def test_cycle_run_2026_writes_results(tmp_path):
    out = tmp_path / "r"
    result = CliRunner().invoke(app, ["cycle", "run", "2026", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert {"outcome.csv", "fair_shares.csv", "result.json", "summary.md", "summary.html"} <= names
    doc = json.loads((out / "result.json").read_text())
    assert doc["provenance"]["pledges_file"]["synthetic"] is True
    assert "SYNTHETIC" in (out / "summary.md").read_text()
