"""`eupact crisis timeline` and `eupact crisis plan`: tables within 80 columns, -f json as the
API would return it, refused input in words with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eupact import yamlio
from eupact.cli import common
from eupact.cli.main import app

CASES = Path(__file__).parent / "cases" / "crisis"
PLAN = """\
state: IT
situation: mass_arrivals
date: 2027-04-01
needs: {relocations: 5000, financial: "40000000", alternative: "10000000"}
pool: {relocations: 2000, financial: "10000000"}
offsets:
  decision: {reference: CID (EU) 2027/1, adopted_on: 2027-04-01, applies_from: 2027-04-02,
             applies_until: 2027-07-01, derogations: ["10", "12"]}
  contributions:
    DE: {relocations: 1500, eligible: 2000}
    FR: {relocations: 500, eligible: 10}
"""


def run(monkeypatch: pytest.MonkeyPatch, *args: str, width: int = 80) -> tuple[int, str, str]:
    with monkeypatch.context() as m:
        m.setattr(common.console, "width", width)
        result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def acts_file(tmp_path: Path, case: str) -> str:
    """A test case's acts as a user's file: the case without its expected results."""
    doc = yamlio.load((CASES / case).read_text(encoding="utf-8"))
    path = tmp_path / case
    path.write_text(yamlio.dump({k: v for k, v in doc.items() if k != "expect"}), encoding="utf-8")
    return str(path)


def test_timeline_fits_80_columns(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    acts = acts_file(tmp_path, "base_mass_arrivals.yaml")
    code, out, err = run(monkeypatch, "crisis", "timeline", acts)
    assert code == 0, err
    assert max(len(line) for line in out.splitlines()) <= 80
    for text in ("applying", "2028-04-01", "late_council_decision", "done late", "Art. 6(4)"):
        assert text in out
    # --as-of overrides the file's as_of
    code, out, _ = run(monkeypatch, "crisis", "timeline", acts, "--as-of", "2028-05-01")
    assert code == 0 and "ended" in out


def test_timeline_json(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, out, _ = run(
        monkeypatch, "crisis", "timeline", acts_file(tmp_path, "repeal.yaml"), "-f", "json"
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["phase"] == "repealed"
    assert doc["measures"][0]["applies_until"] == "2027-05-14"


def test_plan_fits_80_columns_and_json(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    code, out, err = run(monkeypatch, "crisis", "plan", str(path))
    assert code == 0, err
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "Solidarity Response Plan" in out and "Crisis offsets" in out
    code, out, _ = run(monkeypatch, "crisis", "plan", str(path), "-f", "json")
    doc = json.loads(out)
    assert doc["plan"]["additional_pledges_needed"]["relocations"] == 3000
    assert doc["offsets"]["gap"] == 3000
    assert (
        sum(
            s["within_fair_share"] + s["above_fair_share"]
            for s in doc["offsets"]["states"].values()
        )
        + doc["offsets"]["uncovered"]
        == 3000
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "events:\n  - {kind: request, date: 2027-03-02, state: DK, situation: force_majeure,"
            " description: x}\n",
            "Protocol No 22",
        ),
        ("events: []\n", "reasoned request"),
        ("events:\n  - {kind: request, date: '2027-13-02'}\n", "YYYY-MM-DD"),
        ("colour: red\n", "not a field of a crisis file"),
        ("events:\n  - {kind: request, date: 2027-13-02}\n", "a date or value that does not exist"),
        ("events: [\n", "not readable YAML"),
    ],
)
def test_refused_in_words(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str, words: str
) -> None:
    path = tmp_path / "acts.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(monkeypatch, "crisis", "timeline", str(path))
    assert code == 2, out
    assert words in err and "Traceback" not in err


def test_plan_refused_in_words(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN.replace("mass_arrivals", "force_majeure"), encoding="utf-8")
    code, _, err = run(monkeypatch, "crisis", "plan", str(path))
    assert code == 2 and "not force majeure" in err
    code, _, err = run(monkeypatch, "crisis", "plan", str(tmp_path / "missing.yaml"))
    assert code == 2 and "does not exist" in err
