"""The batch of cases (eupact.responsibility.batch) and the SYNTHETIC generator
(eupact.responsibility.synthetic): every line gets one record in input order, bad and hostile
lines are reported with their field and rule while the others are decided, the summary adds up,
several workers give the one-worker result line for line, and every generated case is accepted
by the model."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
from pathlib import Path

import orjson
import pytest

from eupact import yamlio
from eupact.responsibility.batch import (
    MAX_LINE_BYTES,
    count_lines,
    read_lines,
    read_records,
    run_batch,
)
from eupact.responsibility.checks import read_case
from eupact.responsibility.synthetic import (
    PREFIX,
    jsonl_chunks,
    synthetic_cases,
    synthetic_lines,
    write_jsonl,
)

AS_OF = dt.date(2027, 6, 30)
GOOD = {
    "case_id": "T-1",
    "as_of": "2026-09-20",
    "applicant": {"date_of_birth": "1997-03-15"},
    "applications": [{"state": "AT", "made_on": "2026-09-01", "registered_on": "2026-09-01"}],
    "entries": [{"date": "2026-05-04", "state": "EL", "kind": "irregular_crossing"}],
}


def _line(doc: object) -> bytes:
    return orjson.dumps(doc)


def _with(**changes: object) -> dict[str, object]:
    return {**GOOD, **changes}


# The hostile and bad lines, each with the field its error names (None: the line itself).
GREECE_AS_GR = [{"state": "GR", "made_on": "2026-09-01", "registered_on": "2026-09-01"}]
BEFORE_MADE = [{"state": "AT", "made_on": "2026-09-05", "registered_on": "2026-09-01"}]
BAD: list[tuple[bytes, str]] = [
    (b"{not json", "line"),
    (b'{"case_id": "\xff\xfe"}', "line"),  # not UTF-8
    (b"[" * 100_000 + b"]" * 100_000, "line"),  # a nesting bomb (orjson stops at 1,024)
    (b"1e999999", "line"),
    (b"[1, 2, 3]", "-"),
    (_line(_with(applications=GREECE_AS_GR)), "applications.0.state"),
    (_line(_with(applications=BEFORE_MADE)), "applications.0.registered_on"),
    (_line(_with(as_of="2026-13-01")), "as_of"),
    (_line(_with(applications=[{"state": "AT"}] * 100_000)), "line"),  # 1.4 MB: too long
    (_line(_with(applications=[{"state": "AT"}] * 5_000)), "applications"),  # shape refused
    (_line({"group": [GOOD, _with(case_id="T-2", group="other")]}), "group"),
    (_line({"group": [_with(case_id="x" * 100)]}), "group.0.case_id"),
]


def _file(tmp_path: Path, lines: list[bytes], name: str = "cases.jsonl") -> Path:
    path = tmp_path / name
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _mixed(tmp_path: Path, n: int = 300, seed: int = 11) -> tuple[Path, dict[int, str]]:
    """``n`` synthetic lines with every bad line of BAD, a blank line and a 10 MB line mixed
    in; the line numbers of the bad ones with the field each names."""
    lines = [orjson.dumps(doc) for doc in synthetic_lines(n, seed, AS_OF)]
    bad: dict[int, str] = {}
    for k, (line, _) in enumerate(BAD):
        at = 7 + k * (n // len(BAD))
        lines.insert(at, line)
    lines.insert(30, _line(GOOD))  # a case that is not SYNTHETIC
    lines.insert(50, b"")  # a blank line: no record
    lines.insert(120, b"  \r")
    lines.insert(200, b'{"case_id": "' + b"x" * (10 << 20) + b'"}')  # 10 MB
    for i, line in enumerate(lines, 1):
        for bad_line, field in BAD:
            if line is bad_line:
                bad[i] = field
        if len(line) > MAX_LINE_BYTES:
            bad[i] = "line"
    return _file(tmp_path, lines), bad


def test_bad_lines_are_reported_and_the_others_decided(tmp_path: Path) -> None:
    path, bad = _mixed(tmp_path)
    summary = run_batch(path, tmp_path / "out", workers=1)
    records = read_records(tmp_path / "out" / "decisions.jsonl")
    # no line lost: one record per line that is not blank, in input order
    assert len(records) == count_lines(path) == summary.tally.lines
    assert [r["line"] for r in records] == sorted(r["line"] for r in records)
    errors = {r["line"]: r["error"] for r in records if "error" in r}
    # an engine failure is reported as its line's error too (and is a bug: see the SYNTHETIC test)
    failed = {n for n, e in errors.items() if e["summary"].startswith("internal error")}
    assert len(failed) == summary.tally.failed
    assert set(errors) - failed == set(bad)
    for n, field in bad.items():
        fields = [p["field"] for p in errors[n]["problems"]]
        assert any(f == field or f.startswith(field) for f in fields), (n, field, errors[n])
        assert all(p["rule"] and len(p["rule"]) < 1200 for p in errors[n]["problems"])
        assert all(len(p["value"]) < 1200 for p in errors[n]["problems"])
    assert "GR" in json.dumps(errors) and "EL" in json.dumps(errors)  # the hint: EL = Greece
    assert any("10,485,7" in p["rule"] for e in errors.values() for p in e["problems"])
    with (tmp_path / "out" / "errors.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {int(r["line"]) for r in rows} == set(errors)
    assert all(r["rule"] for r in rows)
    assert {r["field"] for r in rows if int(r["line"]) in bad} >= {"applications.0.state", "as_of"}
    decided = [r for r in records if "error" not in r]
    assert len(decided) == summary.tally.decided
    assert summary.tally.refused == len(bad)
    assert summary.tally.blank == 2


def test_summary_counts_add_up(tmp_path: Path) -> None:
    path, bad = _mixed(tmp_path, 400, 5)
    run_batch(path, tmp_path / "out", workers=1)
    doc = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert doc["lines_read"] == doc["lines_decided"] + doc["lines_refused"] + doc["lines_failed"]
    assert doc["lines_read"] == count_lines(path)
    assert doc["lines_refused"] == len(bad)
    assert sum(r["cases"] for r in doc["counts"]) == doc["cases_decided"]
    assert sum(doc["by_route"].values()) == doc["cases_decided"]
    assert sum(doc["by_state"].values()) == doc["cases_decided"]
    assert sum(doc["by_criterion"].values()) == doc["cases_decided"]
    records = read_records(tmp_path / "out" / "decisions.jsonl")
    cases = sum(len(r["decisions"]) if "decisions" in r else "decision" in r for r in records)
    assert cases == doc["cases_decided"] > doc["lines_decided"]  # groups hold several cases
    with (tmp_path / "out" / "summary.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert sum(int(r["cases"]) for r in rows) == doc["cases_decided"]
    assert {r["route"] for r in rows} <= {"take_charge", "take_back", "none_needed", "out_of_scope"}
    assert not doc["synthetic"]  # the test's own T-1 case is not SYN-


def test_synthetic_batch_says_so_and_covers_the_criteria(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "syn.jsonl", 2000, 3, AS_OF)
    summary = run_batch(path, tmp_path / "out", workers=1)
    doc = summary.as_dict()
    assert doc["synthetic"] and "SYNTHETIC" in doc["label"]
    assert doc["lines_refused"] == 0
    failed = [r for r in read_records(summary.files[0]) if "error" in r]
    assert doc["lines_failed"] == 0, failed[:3]  # the engine decides every generated case
    articles = set(doc["by_criterion"])
    for expected in ("33(1)", "33(2)", "16(2)", "26", "27", "25(2)", "25(5)", "30(1)", "31(2)",
                     "32", "16(4)", "84(2)", "36(1)(b)"):  # fmt: skip
        assert expected in articles, (expected, articles)
    assert any(a.startswith("29") for a in articles)
    assert any(a.startswith("28") for a in articles)
    assert set(doc["by_route"]) == {"take_charge", "take_back", "none_needed", "out_of_scope"}


def test_several_workers_equal_one_line_for_line(tmp_path: Path) -> None:
    path, _ = _mixed(tmp_path, 500, 21)
    one = run_batch(path, tmp_path / "one", workers=1, chunk_lines=37)
    two = run_batch(path, tmp_path / "two", workers=2, chunk_lines=37)
    for name in ("decisions.jsonl", "errors.csv", "summary.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    a, b = one.as_dict(), two.as_dict()
    assert a.pop("workers") == 1 and b.pop("workers") == 2
    assert a == b


def test_progress_and_readings(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "syn.jsonl", 120, 8, AS_OF)
    seen: list[tuple[int, int]] = []
    run_batch(path, tmp_path / "out", workers=1, chunk_lines=50, progress=lambda *a: seen.append(a))
    assert [n for _, n in seen] == [50, 100, 120]
    assert seen[-1][0] == path.stat().st_size
    readings = {"responsibility.holiday_calendar": "both_states"}
    run_batch(path, tmp_path / "chosen", workers=1, readings=readings)
    records = read_records(tmp_path / "chosen" / "decisions.jsonl")
    used = [r["decision"]["readings"] for r in records if "decision" in r]
    assert any(u.get("holiday_calendar") == "both_states" for u in used)


def test_read_lines_bounds_a_long_line_and_keeps_the_others() -> None:
    big = b"x" * (3 * MAX_LINE_BYTES + 5)
    data = b"a\r\n" + big + b"\nb\n\n" + big + b"\nc"
    got = list(read_lines(io.BytesIO(data)))
    assert got == [b"a\r", len(big), b"b", b"", len(big), b"c"]
    assert list(read_lines(io.BytesIO(big))) == [len(big)]
    assert list(read_lines(io.BytesIO(b""))) == []


# --- the generator -----------------------------------------------------------------------------


def test_generator_is_deterministic_for_a_seed() -> None:
    a = b"".join(jsonl_chunks(500, 42, AS_OF))
    assert a == b"".join(jsonl_chunks(500, 42, AS_OF))
    assert a != b"".join(jsonl_chunks(500, 43, AS_OF))
    # the first lines do not depend on how many are asked for
    assert a.splitlines()[:200] == b"".join(jsonl_chunks(200, 42, AS_OF)).splitlines()


def test_every_generated_case_is_accepted_and_synthetic() -> None:
    """Thousands of generated cases, none refused by the model's rules (dates consistent with
    each other and with as_of)."""
    n = 0
    kinds: set[str] = set()
    for seed, as_of in ((1, AS_OF), (2, dt.date(2026, 7, 20)), (3, dt.date(2028, 2, 29))):
        for doc in synthetic_cases(2000, seed, as_of):
            case = read_case(doc)
            assert case.case_id.startswith(PREFIX)
            assert case.as_of == as_of
            n += 1
            kinds |= {e.kind.value for e in case.entries}
            kinds |= {d.kind.value for d in case.documents}
            kinds |= {m.relation.value for m in case.family}
            kinds |= {r.kind.value for r in case.procedure.requests}
            kinds |= {r.reply.kind for r in case.procedure.requests if r.reply}
            if case.applicant.unaccompanied:
                kinds.add("unaccompanied")
            if case.qualifications:
                kinds.add("diploma")
            if case.group:
                kinds.add("group")
    assert n > 6000
    assert kinds >= {
        "irregular_crossing", "sar_disembarkation", "with_visa", "visa_waived", "airport_transit",
        "visa", "residence_document", "spouse", "sibling", "minor_child", "aunt_or_uncle",
        "take_charge", "take_back", "accept", "refuse", "confirm", "unaccompanied", "diploma",
        "group",
    }  # fmt: skip


def test_generator_refuses_an_as_of_before_the_ammr() -> None:
    with pytest.raises(ValueError, match="before the AMMR"):
        list(itertools.islice(synthetic_lines(1, 1, dt.date(2026, 6, 30)), 1))


# --- under Council implementing decisions (CFMR Arts 12-13) -------------------------------------

# SYNTHETIC decision (no such act exists): IT, mass arrivals (Art. 1(4)(a) CFMR), Art. 12
# authorised, applies Tue 2026-09-15 to Mon 2026-12-14 (as tests/cases/responsibility/crisis/).
IT_DECISION = "Council Implementing Decision (EU) 2026/9001 (SYNTHETIC)"
IT_CRISIS = {
    "state": "IT",
    "situation": "mass_arrivals",
    "decision": IT_DECISION,
    "adopted_on": "2026-09-14",
    "applies_from": "2026-09-15",
    "applies_until": "2026-12-14",
    "derogations": ["12"],
}
# another state's decision whose reference is the start of IT's: it must count for nothing here
MT_DECISION = "Council Implementing Decision (EU) 2026/900"
MT_CRISIS = {**IT_CRISIS, "state": "MT", "decision": MT_DECISION, "situation": "force_majeure"}
_IN_IT = {"state": "IT", "made_on": "2026-09-16", "registered_on": "2026-09-16"}
_VIA_EL = {"date": "2026-09-10", "state": "EL", "kind": "irregular_crossing"}
# IT registers Wed 2026-09-16 (inside the period), the person crossed into EL (33(1): EL)
IT_REQUESTS = {
    "case_id": "CR-1",
    "as_of": "2026-09-20",
    "applicant": {"date_of_birth": "1990-01-01"},
    "applications": [_IN_IT],
    "entries": [_VIA_EL],
}
# DE registers 2026-09-16 (crossing into IT: 33(1) IT), asks IT Mon 2026-09-21, IT accepts Thu
# 2026-10-01 (inside the period); seen on 2027-04-05
DE_TRANSFERS_TO_IT = {
    "case_id": "CR-2",
    "as_of": "2027-04-05",
    "applicant": {"date_of_birth": "1990-01-01"},
    "applications": [{**_IN_IT, "state": "DE"}],
    "entries": [{**_VIA_EL, "state": "IT"}],
    "procedure": {
        "requests": [
            {
                "kind": "take_charge",
                "from_state": "DE",
                "to_state": "IT",
                "sent_on": "2026-09-21",
                "article": "33(1)",
                "reply": {"kind": "accept", "date": "2026-10-01"},
            }
        ]
    },
}
FAMILY_IN_IT = {
    "group": [
        {**IT_REQUESTS, "case_id": "CR-3a", "group": "G-1"},
        {**IT_REQUESTS, "case_id": "CR-3b", "group": "G-1"},
    ]
}


@pytest.fixture(scope="module")
def crisis_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The four lines (GOOD: AT and EL only, no decision touches it) and the decisions file."""
    tmp = tmp_path_factory.mktemp("crisis-batch")
    lines = [_line(d) for d in (IT_REQUESTS, DE_TRANSFERS_TO_IT, FAMILY_IN_IT, GOOD)]
    crises = tmp / "decisions.json"
    crises.write_bytes(orjson.dumps([IT_CRISIS, MT_CRISIS]))
    return _file(tmp, lines), crises


def _due(record: dict[str, object], tid: str) -> dict[str, str]:
    decision = record["decision"]
    assert isinstance(decision, dict)
    return next(d for d in decision["deadlines"] if d["id"] == tid)


def test_batch_under_a_crisis_changes_the_time_limits_it_covers(
    tmp_path: Path, crisis_run: tuple[Path, Path]
) -> None:
    from eupact.responsibility import determine, read_crises

    path, file = crisis_run
    crises = read_crises(orjson.loads(file.read_bytes()))
    summary = run_batch(path, tmp_path / "crisis", workers=1, crises=crises)
    plain = run_batch(path, tmp_path / "plain", workers=1)
    one, two, group, good = read_records(tmp_path / "crisis" / "decisions.jsonl")
    p1, p2, _, p_good = read_records(tmp_path / "plain" / "decisions.jsonl")
    # CR-1, IT's take charge request: AMMR 39(1) 2026-09-16 + 2 months = Mon 2026-11-16;
    # CFMR 12(2)(a) + 4 months = Sat 2027-01-16 -> Mon 2027-01-18 (75(d), IT)
    assert (_due(p1, "T6")["due"], _due(p1, "T6")["article"]) == ("2026-11-16", "39(1)")
    assert "derogation" not in _due(p1, "T6")
    t6 = _due(one, "T6")
    assert (t6["due"], t6["article"]) == ("2027-01-18", "12(2)(a) CFMR")
    for said in ("Art. 12(2)(a) CFMR", IT_DECISION, "(Art. 39(1) AMMR", "Mon 2026-11-16"):
        assert said in t6["derogation"]
    # CR-2, DE's transfer to IT: AMMR 46(1) 2026-10-01 + 6 months = Thu 2027-04-01, missed on
    # 2027-04-05, DE responsible (46(2)); CFMR 12(4) + 1 year = Fri 2027-10-01, open, IT stays.
    # IT's reply: 40(1) 2026-09-21 + 1 month = Wed 2026-10-21; 12(2)(b) + 2 months = Sat
    # 2026-11-21 -> Mon 2026-11-23
    assert p2["decision"]["responsible_state"] == "DE" and _due(p2, "T24")["due"] == "2027-04-01"
    assert two["decision"]["responsible_state"] == "IT"
    assert (_due(two, "T24")["due"], _due(two, "T24")["status"]) == ("2027-10-01", "open")
    assert "Thu 2027-04-01" in _due(two, "T24")["derogation"]
    assert (_due(p2, "T11")["due"], _due(two, "T11")["due"]) == ("2026-10-21", "2026-11-23")
    # the family: both members' requests move as CR-1's
    assert [[d["due"] for d in m["deadlines"] if d["id"] == "T6"] for m in group["decisions"]] == [
        ["2027-01-18"],
        ["2027-01-18"],
    ]
    assert good == p_good  # a case no decision concerns is decided as without any
    # every record as the single case's JSON (eupact responsible CASE --crisis FILE)
    assert one["decision"] == determine(read_case(IT_REQUESTS), crises=crises).as_dict()
    # the summary: CR-1, CR-2, CR-3a, CR-3b had a time limit changed, all by IT's decision;
    # time limits: T6 x 3 (12(2)(a)), T11 (12(2)(b)), T24 (12(4))
    doc = json.loads((tmp_path / "crisis" / "summary.json").read_text())
    assert doc["cases_with_a_time_limit_changed"] == 4
    assert doc["time_limit_changed_by_decision"] == {IT_DECISION: 4, MT_DECISION: 0}
    assert doc["time_limits_changed_by_article"] == {
        "12(2)(a) CFMR": 3,
        "12(2)(b) CFMR": 1,
        "12(4) CFMR": 1,
    }
    assert [c["decision"] for c in doc["crisis_decisions"]] == [IT_DECISION, MT_DECISION]
    assert doc["crisis_decisions"][0]["last_day"] == "2026-12-14"
    assert summary.tally.derogated == 4 and plain.as_dict()["cases_with_a_time_limit_changed"] == 0
    assert plain.as_dict()["crisis_decisions"] == []
    # with two workers: the same files, byte for byte (the decisions reach every worker)
    run_batch(path, tmp_path / "two", workers=2, chunk_lines=1, crises=crises)
    for name in ("decisions.jsonl", "summary.csv", "errors.csv"):
        assert (tmp_path / "two" / name).read_bytes() == (tmp_path / "crisis" / name).read_bytes()
    assert json.loads((tmp_path / "two" / "summary.json").read_text())["workers"] == 2


def test_the_tally_counts_from_the_structured_change() -> None:
    """CR-2 under IT's decision: T11 (IT's reply, 12(2)(b) CFMR) and T24 (the transfer to IT,
    12(4) CFMR) changed, both by IT_DECISION: one case, two time limits, counted from each
    deadline's ``derogation_detail`` (its ``cfmr_article``, its ``decision``), MT's decision
    (a reference IT's begins with) for nothing."""
    from eupact.responsibility import determine, read_crises
    from eupact.responsibility.batch import Tally

    crises = read_crises([IT_CRISIS, MT_CRISIS])
    d = determine(read_case(DE_TRANSFERS_TO_IT), crises=crises)
    details = {x.id: x.derogation_detail for x in d.deadlines if x.derogation_detail}
    assert {k: v.cfmr_article for k, v in details.items()} == {"T11": "12(2)(b)", "T24": "12(4)"}
    tally = Tally()
    tally.count(d, True)
    assert (tally.cases, tally.derogated) == (1, 1)
    assert tally.by_decision == {IT_DECISION: 1}
    assert tally.by_article == {"12(2)(b) CFMR": 1, "12(4) CFMR": 1}
    plain = Tally()
    plain.count(d)  # a run without decisions does not look
    assert (plain.cases, plain.derogated, plain.by_article) == (1, 0, {})


def test_cli_batch_reads_the_crisis_file_once_or_refuses_it_in_words(
    tmp_path: Path, crisis_run: tuple[Path, Path]
) -> None:
    from typer.testing import CliRunner

    from eupact.cli.main import app

    path, crises = crisis_run
    out = tmp_path / "out"
    args = ["responsible", "--batch", str(path), "--out", str(out), "--workers", "1"]
    done = CliRunner().invoke(app, [*args, "--crisis", str(crises)])
    assert done.exit_code == 0, done.output
    assert "Art. 12 CFMR" in done.stdout and "2026/9001" in done.stdout
    assert json.loads((out / "summary.json").read_text())["cases_with_a_time_limit_changed"] == 4
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        yamlio.dump([{**IT_CRISIS, "state": "GR"}, {**IT_CRISIS, "applies_until": "2026-09-01"}]),
        encoding="utf-8",
    )
    refused = CliRunner().invoke(app, [*args[:4], str(tmp_path / "never"), "--crisis", str(bad)])
    assert refused.exit_code == 2, refused.output
    said = " ".join(refused.output.split())
    assert "crises.0.state" in said and "EL = Greece" in said
    assert "crises.1.applies_until" in said and "before applies_from" in said
    assert "Traceback" not in said
    assert not (tmp_path / "never").exists()  # refused before any line is read or written
    missing = CliRunner().invoke(app, [*args, "--crisis", str(tmp_path / "none.yaml")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
