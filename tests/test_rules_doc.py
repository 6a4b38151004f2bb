"""docs/rules.md maps every article of Part IV to its code, parameters and tests: every path it
names exists, and every article from 56 to 69 has a row."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")


def _rows() -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in DOC.splitlines()
        if line.startswith("| ") and not line.startswith("| article") and "---" not in line
    ]


def test_every_named_path_exists():
    missing = []
    for row in _rows():
        if len(row) != 5:
            continue
        _, _, code, parameters, tests = row
        for name in re.findall(r"`([^`]+)`", code):
            path = ROOT / "src" / "eupact" / name.split(" ")[0].rstrip("/")
            if name.endswith((".py", "/")) and not path.exists():
                missing.append(str(path))
        for name in re.findall(r"`([^`]+\.yaml)`", parameters):
            if not name.startswith("…"):
                found = list((ROOT / "src" / "eupact" / "parameters").rglob(Path(name).name))
                if not found:
                    missing.append(name)
        for name in re.findall(r"`([^`]+\.(?:py|yaml))`", tests):
            if not (ROOT / "tests" / name).exists():
                missing.append(f"tests/{name}")
    assert not missing, missing


def test_every_article_of_part_iv_has_a_row():
    articles = {row[0].split("(")[0].split(",")[0].strip() for row in _rows() if len(row) == 5}
    assert {str(n) for n in range(56, 70)} <= articles
