"""`eupact responsible`: one case (the spec's worked example E2), a family registered together
(E4, Art. 28), the JSON Schema, SYNTHETIC cases and a batch; refused input in plain words with
exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import yaml
from typer.testing import CliRunner

from eupact.cli.main import app

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "responsibility"
E2 = str(EXAMPLES / "case_e2.yaml")
E4 = str(EXAMPLES / "family_e4.yaml")


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


def _e2(tmp_path: Path, **changes: object) -> str:
    doc = yaml.safe_load(Path(E2).read_text(encoding="utf-8"))
    doc.update(changes)
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return str(path)


def test_e2_spouse_with_subsidiary_protection_makes_sweden_responsible() -> None:
    out = cli("responsible", E2)
    assert out.exit_code == 0, out.output
    assert "SE — Sweden" in out.stdout
    assert "take charge" in out.stdout
    assert "Mon 2026-11-02" in out.stdout  # Sun 2026-11-01 moved to Monday (Art. 75(d))
    assert "T6" in out.stdout and "open" in out.stdout
    assert "AMBIG-19" in out.stdout  # the month from the Eurodac hit, shown beside it
    assert "[reading]s applied" not in out.stdout  # only with --explain


def test_e2_as_json_and_yaml() -> None:
    out = cli("responsible", E2, "--format", "json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["responsible_state"] == "SE"
    assert doc["basis"].startswith("26")
    assert doc["route"] == "take_charge"
    assert doc["determining_state"] == "AT"
    t6 = next(d for d in doc["deadlines"] if d["id"] == "T6")
    assert (t6["due"], t6["acting_state"], t6["status"]) == ("2026-11-02", "AT", "open")
    out = cli("responsible", E2, "-f", "yaml")
    assert out.exit_code == 0, out.output
    assert yaml.safe_load(out.stdout)["responsible_state"] == "SE"


def test_explain_adds_the_facts_and_the_readings_with_their_meaning() -> None:
    out = cli("responsible", E2, "--explain")
    assert out.exit_code == 0, out.output
    assert "facts" in out.stdout and "E2-spouse" in out.stdout
    assert "[reading]s applied" in out.stdout
    assert "take_charge.hit_deadline=earlier_if_relied" in out.stdout
    assert "if missed" in out.stdout
    md = cli("responsible", E2, "--explain", "-f", "md")
    assert md.exit_code == 0, md.output
    assert "### Chain of articles" in md.stdout and "| T6 |" in md.stdout


def test_reading_chosen_and_as_of() -> None:
    out = cli("responsible", E2, "--explain", "--reading", "holiday_calendar=both_states")
    assert out.exit_code == 0, out.output
    assert "holiday_calendar=both_states" in out.stdout and "chosen for this run" in out.stdout
    late = cli("responsible", E2, "--as-of", "2026-11-03", "-f", "json")
    assert late.exit_code == 0, late.output
    doc = json.loads(late.stdout)
    assert doc["as_of"] == "2026-11-03"
    assert next(d for d in doc["deadlines"] if d["id"] == "T6")["status"] == "missed"
    bad = cli("responsible", E2, "--reading", "holiday_calendar=nope")
    assert bad.exit_code == 2
    assert "acting_state, both_states" in bad.stderr


def test_e4_family_registered_together() -> None:
    out = cli("responsible", E4, "-f", "json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["group"] == "E4-family"
    assert [d["case_id"] for d in doc["decisions"]] == [
        "E4-father", "E4-mother", "E4-son", "E4-daughter"
    ]  # fmt: skip
    assert {d["responsible_state"] for d in doc["decisions"]} == {"EL"}
    assert {d["basis"] for d in doc["decisions"]} == {"28(a)"}
    table = cli("responsible", E4)
    assert table.exit_code == 0, table.output
    assert "Family registered together E4-family" in table.stdout


def test_refused_case_names_field_value_and_rule(tmp_path: Path) -> None:
    path = _e2(
        tmp_path,
        applications=[{"state": "GR", "made_on": "2026-09-05", "registered_on": "2026-09-01"}],
    )
    out = cli("responsible", path)
    assert out.exit_code == 2
    assert "case refused" in out.stderr
    assert "applications.0.state" in out.stderr and "EL" in out.stderr
    assert "Traceback" not in out.output
    path = _e2(
        tmp_path,
        applications=[{"state": "AT", "made_on": "2026-09-05", "registered_on": "2026-09-01"}],
    )
    out = cli("responsible", path)
    assert out.exit_code == 2
    assert "applications.0.registered_on" in out.stderr and "made" in out.stderr


def test_plain_errors_for_files_and_options(tmp_path: Path) -> None:
    missing = cli("responsible", str(tmp_path / "none.yaml"))
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
    (tmp_path / "broken.yaml").write_text("case_id: [unclosed\n", encoding="utf-8")
    broken = cli("responsible", str(tmp_path / "broken.yaml"))
    assert broken.exit_code == 2 and "line" in broken.stderr
    assert cli("responsible").exit_code == 2
    assert cli("responsible", E2, "-f", "xml").exit_code == 2
    assert cli("responsible", E2, "--as-of", "tomorrow").exit_code == 2
    assert cli("responsible", "--batch", E2).exit_code == 2  # no --out
    assert cli("responsible", "synthetic").exit_code == 2  # no --out
    out = cli("responsible", "synthetic", "--n", "0", "--out", str(tmp_path / "x.jsonl"))
    assert out.exit_code == 2 and "--n" in out.stderr


def test_schema() -> None:
    out = cli("responsible", "schema")
    assert out.exit_code == 0, out.output
    schema = json.loads(out.stdout)
    assert schema["$id"].endswith("/responsibility-case/1")
    assert {"case_id", "as_of", "applicant", "applications"} <= set(schema["properties"])


def test_synthetic_then_batch(tmp_path: Path) -> None:
    path = tmp_path / "syn.jsonl"
    out = cli("responsible", "synthetic", "--n", "300", "--seed", "4", "--out", str(path))
    assert out.exit_code == 0, out.output
    assert "SYNTHETIC" in out.stdout
    lines = path.read_bytes().splitlines()
    assert len(lines) == 300
    again = tmp_path / "again.jsonl"
    cli("responsible", "synthetic", "--n", "300", "--seed", "4", "--out", str(again))
    assert again.read_bytes() == path.read_bytes()
    first = orjson.loads(lines[0])
    case = first["group"][0] if "group" in first else first
    assert case["case_id"].startswith("SYN-")
    with path.open("ab") as f:
        f.write(b'{"case_id": "bad"}\n')
    out = cli("responsible", "--batch", str(path), "--out", str(tmp_path / "out"), "--workers", "2")
    assert out.exit_code == 0, out.output
    assert "SYNTHETIC" in out.output
    assert "lines read" in out.stdout and "301" in out.stdout
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["lines_read"] == 301 and summary["lines_refused"] == 1
    assert summary["synthetic"]  # the refused line is not a decided case
    for name in ("decisions.jsonl", "summary.csv", "summary.json", "errors.csv"):
        assert (tmp_path / "out" / name).is_file()
    records = (tmp_path / "out" / "decisions.jsonl").read_bytes().splitlines()
    assert len(records) == 301
    assert orjson.loads(records[-1])["error"]["problems"][0]["field"]


def test_a_family_file_is_checked_as_one_group(tmp_path: Path) -> None:
    doc = yaml.safe_load(Path(E4).read_text(encoding="utf-8"))
    doc["group"][1]["group"] = "another-family"
    doc["group"][2]["case_id"] = "E4-father"
    path = tmp_path / "family.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    out = cli("responsible", str(path))
    assert out.exit_code == 2
    assert "share one group reference" in out.stderr
    (tmp_path / "empty.yaml").write_text("group: []\n", encoding="utf-8")
    out = cli("responsible", str(tmp_path / "empty.yaml"))
    assert out.exit_code == 2 and "1 to 50 cases" in out.stderr
    (tmp_path / "cases.jsonl").write_text("{}\n", encoding="utf-8")
    out = cli("responsible", str(tmp_path / "cases.jsonl"))
    assert out.exit_code == 2 and "--batch" in out.stderr
    late = cli("responsible", E4, "--as-of", "2026-12-31", "-f", "json")
    assert late.exit_code == 0, late.output
    assert {d["as_of"] for d in json.loads(late.stdout)["decisions"]} == {"2026-12-31"}
