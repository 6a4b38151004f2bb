"""The runnable examples that talk to a server (the Dublin units' workflow, the crisis end to
end) stop with a sentence, not a traceback, when nothing answers at --base-url: one test for
both, as they share eupact.api.client's caller."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize("name", ["dublin_workflow.py", "crisis_end_to_end.py"])
def test_the_example_says_no_server_instead_of_a_traceback(tmp_path: Path, name: str) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])  # closed again: nothing listens there
    ran = subprocess.run(
        [
            sys.executable,
            str(EXAMPLES / name),
            "--base-url",
            f"http://127.0.0.1:{port}",
            "--database-url",
            f"sqlite:///{tmp_path / 'none.db'}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 1
    assert f"no eupact server answers at http://127.0.0.1:{port}" in ran.stderr
    assert "Traceback" not in ran.stderr
