"""The README's border and crisis commands run as written on the shipped SYNTHETIC examples
(exit 0, tables within 80 columns): a quick start that does not rot."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eupact.cli import common
from eupact.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands() -> list[list[str]]:
    out = []
    for line in README.splitlines():
        m = re.match(r"\.venv/bin/eupact ((?:border|crisis) .*?)(?:\s{2,}#.*)?$", line)
        if m:
            out.append(shlex.split(m.group(1)))
    return out


def test_the_readme_shows_them() -> None:
    assert len(commands()) >= 6


@pytest.mark.parametrize("args", commands(), ids=lambda a: " ".join(a[:2]))
def test_a_readme_command_runs(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(common.console, "width", 80)
    result = CliRunner().invoke(app, args, env={**os.environ, "COLUMNS": "80"})
    assert result.exit_code == 0, result.stdout + result.stderr
    assert max(len(ln) for ln in result.stdout.splitlines()) <= 80
