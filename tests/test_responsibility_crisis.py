"""The determination under a Council implementing decision of Regulation (EU) 2024/1359 (CFMR):
Art. 12 (the time limits of Arts 39, 40, 41 and 46 AMMR of the state in crisis, transfers to it
suspended, 12(3)-(4) shifts) and Art. 13 (release from take back, 13(1)-(3)).

Golden cases in ``tests/cases/responsibility/crisis/*.yaml``, hand-worked from the law (``cite``,
``why``), with the keys of ``tests/test_responsibility_cases.py`` and:

* ``crises:`` the decisions, read by :func:`~eupact.responsibility.read_crises`; with
  ``crises_as_given: true`` built as given, bypassing the reader's checks (a decision the CFMR
  does not allow, to show the engine still ignores what it must);
* ``readings:`` full parameter name -> alternative chosen for the case;
* in ``expect``: ``deadline_article`` (T-number -> the article the deadline cites),
  ``deadline_derogation`` (T-number -> substrings of its ``derogation`` note), ``chain_excludes``
  (articles no step may cite), ``outcomes_include`` ([article, substring] a step must hold),
  ``readings_exclude`` (readings that must not be applied).

Then the reader's refusals, and a property: with no decision, or decisions for states the case
does not involve, every decision equals the one without crises.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eupact import yamlio
from eupact.crisis.measures import AuthorisedMeasures, Derogation, Situation
from eupact.errors import EupactError
from eupact.parameters import load_parameters
from eupact.responsibility import determine, read_case, read_crises
from eupact.responsibility.synthetic import synthetic_cases
from tests.test_responsibility_cases import _check, _matches_article

CASES_DIR = Path(__file__).parent / "cases" / "responsibility" / "crisis"
MIN_CASES = 20
OWN = {
    "deadline_article",
    "deadline_derogation",
    "chain_excludes",
    "outcomes_include",
    "readings_exclude",
}


def _load() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yamlio.load(path.read_text(encoding="utf-8"))["cases"]:
            out.append((f"{path.stem}:{case['name']}", case))
    return out


CASES = _load()


def _as_given(record: dict[str, Any]) -> AuthorisedMeasures:
    """A decision built as the record says, without the reader's checks."""
    window = record.get("take_back_window")
    return AuthorisedMeasures(
        state=record["state"],
        situation=Situation(record["situation"]),
        decision=record["decision"],
        adopted_on=record["adopted_on"],
        applies_from=record["applies_from"],
        applies_until=record["applies_until"],
        initial_until=record.get("initial_until", record["applies_until"]),
        derogations=frozenset(Derogation(str(d)) for d in record["derogations"]),
        take_back_window=tuple(window) if window else None,  # type: ignore[arg-type]
        ended_on=record.get("ended_on"),
    )


def _crises(golden: dict[str, Any]) -> tuple[AuthorisedMeasures, ...]:
    records = golden.get("crises") or []
    if golden.get("crises_as_given"):
        return tuple(_as_given(r) for r in records)
    return read_crises(records, golden["name"]) if records else ()


def _own_checks(decision: Any, expect: dict[str, Any]) -> list[str]:
    failures: list[str] = []
    by_id = {d.id: d for d in decision.deadlines}
    for tid, article in (expect.get("deadline_article") or {}).items():
        got = by_id[tid].article if tid in by_id else None
        if got != article:
            failures.append(f"deadline {tid}: article {article!r} expected, got {got!r}")
    for tid, parts in (expect.get("deadline_derogation") or {}).items():
        note = by_id[tid].derogation if tid in by_id else ""
        failures += [f"deadline {tid}: {p!r} not in {note!r}" for p in parts if p not in note]
    for article in expect.get("chain_excludes", ()):
        if any(_matches_article(s.article, article) for s in decision.chain):
            failures.append(f"chain: {article!r} found, not expected")
    for article, text in expect.get("outcomes_include", ()):
        if not any(s.article == article and text in s.outcome for s in decision.chain):
            failures.append(f"no step {article!r} saying {text!r}")
    readings = dict(decision.readings)
    failures += [
        f"reading {r} applied" for r in expect.get("readings_exclude", ()) if r in readings
    ]
    return failures


@pytest.mark.parametrize("golden", [pytest.param(c, id=i) for i, c in CASES])
def test_golden_crisis_case(golden: dict[str, Any]) -> None:
    params = load_parameters()
    if golden.get("readings"):
        params = params.with_readings(golden["readings"])
    decision = determine(read_case(golden["case"]), params, crises=_crises(golden))
    expect = {k: v for k, v in golden["expect"].items() if k not in OWN}
    _check(decision, expect, golden["name"])
    failures = _own_checks(decision, golden["expect"])
    if failures:
        chain = " -> ".join(f"{s.article}: {s.outcome}" for s in decision.chain)
        pytest.fail(f"{golden['name']}\n  " + "\n  ".join(failures) + f"\n  chain: {chain}")


def test_golden_crisis_cases_are_many_and_each_is_worked() -> None:
    assert len(CASES) >= MIN_CASES, f"{len(CASES)} crisis cases, at least {MIN_CASES} wanted"
    names: set[str] = set()
    for case_id, case in CASES:
        assert str(case.get("cite", "")).strip(), f"{case_id}: no cite"
        assert str(case.get("why", "")).strip(), f"{case_id}: no why"
        assert "expect" in case and "case" in case and "crises" in case, case_id
        assert case_id not in names, f"{case_id}: name used twice in its file"
        names.add(case_id)


# -- the reader --------------------------------------------------------------------------------
IT = {
    "state": "IT",
    "situation": "mass_arrivals",
    "decision": "Council Implementing Decision (EU) 2026/9001 (SYNTHETIC)",
    "adopted_on": dt.date(2026, 9, 14),
    "applies_from": dt.date(2026, 9, 15),
    "applies_until": dt.date(2026, 12, 14),
    "derogations": [12, 13],
    "take_back_window": [dt.date(2026, 7, 1), dt.date(2026, 9, 14)],
}


def test_reader_builds_the_decision() -> None:
    (m,) = read_crises({"crises": [IT]})
    assert m.state == "IT" and m.situation is Situation.MASS_ARRIVALS
    assert m.derogations == {Derogation.TIME_LIMITS, Derogation.TAKE_BACK_RELEASE}
    assert m.initial_until == m.applies_until  # default: the whole period (Art. 10(4))
    assert m.take_back_window == (dt.date(2026, 7, 1), dt.date(2026, 9, 14))
    assert read_crises(IT) == (m,)  # one record alone
    assert read_crises([m.as_dict()]) == (m,)  # what AuthorisedMeasures.as_dict writes


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"state": "GR"}, "crises.0.state", "EL = Greece"),
        ({"state": "DK"}, "crises.0.state", "Denmark"),
        ({"situation": "war"}, "crises.0.situation", "mass_arrivals"),
        ({"derogations": [99]}, "crises.0.derogations.0", "'12'"),
        ({"derogations": []}, "crises.0.derogations", "at least 1"),
        ({"applies_until": dt.date(2026, 9, 1)}, "crises.0.applies_until", "before applies_from"),
        ({"adopted_on": dt.date(2027, 1, 1)}, "crises.0.adopted_on", "after the period"),
        ({"ended_on": dt.date(2026, 9, 1)}, "crises.0.ended_on", "before applies_from"),
        ({"initial_until": dt.date(2027, 1, 1)}, "crises.0.initial_until", "10(4)"),
        (
            {"situation": "force_majeure"},
            "crises.0.derogations",
            "a 1(4)(a) crisis of extraordinary scale only",
        ),
        ({"situation": "instrumentalisation"}, "crises.0.derogations", "not instrumentalisation"),
        (
            {"situation": "force_majeure", "derogations": ["11(3)"], "take_back_window": None},
            "crises.0.derogations",
            "Art. 11(3): a 1(4)(a) crisis only",
        ),
        (
            {"derogations": ["11(6)"], "take_back_window": None},
            "crises.0.derogations",
            "Art. 11(6)",
        ),
        (
            {
                "situation": "instrumentalisation",
                "derogations": ["11(6)"],
                "take_back_window": None,
            },
            "crises.0.instrumentalisation_exclusion",
            "11(7)(a) or 11(7)(b)",
        ),
        ({"take_back_window": None}, "crises.0.take_back_window", "13(1)"),
        (
            {"take_back_window": [dt.date(2026, 5, 13), dt.date(2026, 9, 14)]},
            "crises.0.take_back_window",
            "before 2026-05-14",
        ),
        (
            {"take_back_window": [dt.date(2026, 7, 1), dt.date(2026, 9, 15)]},
            "crises.0.take_back_window",
            "after the adoption",
        ),
        ({"decision": "x" * 201}, "crises.0.decision", "at most 200"),
        ({"decision": "Decision\n2026"}, "crises.0.decision", "pattern"),
        ({"extra": 1}, "crises.0.extra", "not"),
    ],
)
def test_reader_refuses_in_words(change: dict[str, Any], field: str, rule: str) -> None:
    with pytest.raises(EupactError) as refused:
        read_crises([{**IT, **change}], "decisions.yaml")
    problems = refused.value.problems
    assert any(p.field == field and rule in p.rule for p in problems), [str(p) for p in problems]
    assert all(p.location == "decisions.yaml" for p in problems)


def test_reader_accepts_the_window_four_months_before_adoption() -> None:
    """13(1) last subparagraph: 2026-09-14 - 4 months = 2026-05-14, the first day allowed."""
    window = [dt.date(2026, 5, 14), dt.date(2026, 9, 14)]
    (m,) = read_crises([{**IT, "take_back_window": window}])
    assert m.take_back_window == tuple(window)


@pytest.mark.parametrize("data", [[], "IT", [1], [IT] * 51, {"crises": "x"}])
def test_reader_refuses_the_shape(data: object) -> None:
    with pytest.raises(EupactError):
        read_crises(data)


# -- a crisis changes nothing where it should not ------------------------------------------------
_BOUND = sorted(load_parameters().at(dt.date(2026, 7, 1))("responsibility.bound_member_states"))
_POOL = [read_case(doc) for doc in synthetic_cases(400, 17)]


def _involved(case: Any) -> set[str]:
    """Every Member State code the case names anywhere."""
    text = case.model_dump_json()
    return {s for s in _BOUND if f'"{s}"' in text}


@st.composite
def _decision(draw: Any, state: str) -> AuthorisedMeasures:
    start = draw(st.dates(dt.date(2026, 7, 1), dt.date(2028, 6, 30)))
    length = draw(st.integers(0, 365))
    adopted = start - dt.timedelta(days=draw(st.integers(0, 20)))
    situation = draw(st.sampled_from(list(Situation)))
    return AuthorisedMeasures(
        state=state,
        situation=situation,
        decision="Council Implementing Decision (EU) 2027/1 (SYNTHETIC)",
        adopted_on=adopted,
        applies_from=start,
        applies_until=start + dt.timedelta(days=length),
        initial_until=start + dt.timedelta(days=length),
        derogations=frozenset(draw(st.sets(st.sampled_from(list(Derogation)), min_size=1))),
        take_back_window=(adopted - dt.timedelta(days=100), adopted),
        ended_on=draw(st.none() | st.just(start + dt.timedelta(days=length // 2 + 1))),
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, len(_POOL) - 1), data=st.data())
def test_a_crisis_of_an_uninvolved_state_changes_no_decision(index: int, data: Any) -> None:
    case = _POOL[index]
    others = [s for s in _BOUND if s not in _involved(case)]
    states = data.draw(st.lists(st.sampled_from(others), min_size=1, max_size=3))
    crises = [data.draw(_decision(s)) for s in states]
    plain = determine(case)
    assert determine(case, crises=()) == plain
    assert determine(case, crises=crises) == plain


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, len(_POOL) - 1), data=st.data())
def test_a_crisis_never_moves_a_time_limit_earlier(index: int, data: Any) -> None:
    """Art. 12 only lengthens (recital 51): with any decision for any state, every deadline the
    plain decision has with the same id, start and acting state is due no earlier."""
    case = _POOL[index]
    state = data.draw(st.sampled_from(sorted(_involved(case)) or _BOUND))
    m = data.draw(_decision(state))
    plain = {(d.id, d.start, d.acting_state): d.due for d in determine(case).deadlines}
    for d in determine(case, crises=[m]).deadlines:
        before = plain.get((d.id, d.start, d.acting_state))
        assert before is None or d.due >= before, (d, before)


# -- what changed, as data (Deadline.derogation_detail, the 12(4) step's Suspension) -------------
IT_DECISION = "Council Implementing Decision (EU) 2026/9001 (SYNTHETIC)"


def _golden(case_id: str) -> Any:
    golden = next(c for _, c in CASES if c["case"]["case_id"] == case_id)
    params = load_parameters()
    if golden.get("readings"):
        params = params.with_readings(golden["readings"])
    return determine(read_case(golden["case"]), params, crises=_crises(golden))


def test_a_changed_time_limit_is_data_and_its_note_is_made_from_it() -> None:
    """cr-12-4-relief: DE asks IT Mon 2026-09-21, IT accepts Thu 2026-10-01. T24, the transfer to
    IT (12(4) CFMR): 1 year, not 6 months (46(1) AMMR: 2026-10-01 + 6 months = Thu 2027-04-01).
    T11, IT's reply (12(2)(b)): 2 months, not 1 month (40(1): 2026-09-21 + 1 month = Wed
    2026-10-21). The suspension: from the acceptance, 2026-10-01, to the decision's last day,
    Mon 2026-12-14 (no end recorded: transfers resume Tue 2026-12-15)."""
    from eupact.responsibility.crisis import suspended
    from eupact.responsibility.decision import CrisisChange, Suspension

    d = _golden("cr-12-4-relief")
    by_id = {x.id: x for x in d.deadlines}
    year = CrisisChange(
        "12(4)", IT_DECISION, "IT", "1 year", "46(1)", "6 months", dt.date(2027, 4, 1)
    )
    assert by_id["T24"].derogation_detail == year
    assert by_id["T24"].derogation == (
        f"Art. 12(4) CFMR, {IT_DECISION} (IT): 1 year instead of 6 months (Art. 46(1) AMMR, "
        "which would end Thu 2027-04-01)"
    )
    reply = by_id["T11"].derogation_detail
    assert reply == CrisisChange(
        "12(2)(b)", IT_DECISION, "IT", "2 months", "40(1)", "1 month", dt.date(2026, 10, 21)
    )
    assert by_id["T11"].as_dict()["derogation_detail"] == {
        "cfmr_article": "12(2)(b)",
        "decision": IT_DECISION,
        "state": "IT",
        "period": "2 months",
        "replaced_article": "40(1)",
        "replaced_period": "1 month",
        "ammr_due": "2026-10-21",
    }
    assert by_id["T24"].as_dict()["derogation"] == by_id["T24"].derogation
    assert by_id["T24"].as_dict()["derogation_detail"]["cfmr_article"] == "12(4)"
    (step,) = [s for s in d.chain if s.detail is not None]
    held = Suspension(
        "IT", "mass_arrivals", IT_DECISION, dt.date(2026, 10, 1), dt.date(2026, 12, 15)
    )
    assert (step.article, step.detail) == ("12(4) CFMR", held)
    assert held.until == dt.date(2026, 12, 14)
    assert step.outcome == suspended(held)
    assert "suspended from 2026-10-01 to 2026-12-14" in step.outcome
    assert step.as_dict()["suspension"] == {
        "state": "IT",
        "situation": "mass_arrivals",
        "decision": IT_DECISION,
        "from": "2026-10-01",
        "until": "2026-12-14",
    }
    assert all("suspension" not in s.as_dict() for s in d.chain if s.detail is None)


def test_a_suspension_with_no_end_recorded_has_no_last_day() -> None:
    """cr-12-4-ended-only (reading crisis.suspension_end=ended_only, no end recorded): transfers
    to IT suspended from 2026-10-01 with no known end."""
    d = _golden("cr-12-4-ended-only")
    (step,) = [s for s in d.chain if s.detail is not None]
    assert step.detail is not None
    assert (step.detail.begins, step.detail.resumes, step.detail.until) == (
        dt.date(2026, 10, 1),
        None,
        None,
    )
    assert step.as_dict()["suspension"]["until"] is None
    assert "while it faces it (no end recorded)" in step.outcome


def test_the_ammr_limit_unchanged_has_no_detail() -> None:
    """Without a decision: no ``derogation`` nor ``derogation_detail``, no suspension step."""
    golden = next(c for _, c in CASES if c["case"]["case_id"] == "cr-12-4-relief")
    d = determine(read_case(golden["case"]))
    assert all(x.derogation_detail is None and x.derogation == "" for x in d.deadlines)
    assert all("derogation_detail" not in x.as_dict() for x in d.deadlines)
    assert all(s.detail is None for s in d.chain)


# -- the command --------------------------------------------------------------------------------
def _files(tmp_path: Path, decisions: object) -> tuple[str, str]:
    """The first golden case (IT registers Wed 2026-09-16, EL on 33(1)) and ``decisions``."""
    golden = next(c for _, c in CASES if c["case"]["case_id"] == "cr-12a-weekend")
    case, crises = tmp_path / "case.yaml", tmp_path / "decisions.yaml"
    case.write_text(yamlio.dump(golden["case"]), encoding="utf-8")
    crises.write_text(yamlio.dump(decisions), encoding="utf-8")
    return str(case), str(crises)


def test_cli_crisis_option_extends_the_request_limit(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from eupact.cli.main import app

    case, crises = _files(tmp_path, [IT])
    out = CliRunner().invoke(app, ["responsible", case, "--crisis", crises, "-f", "json"])
    assert out.exit_code == 0, out.output
    t6 = next(d for d in orjson.loads(out.stdout)["deadlines"] if d["id"] == "T6")
    # 2026-09-16 + 4 months = Sat 2027-01-16 -> Mon 2027-01-18 (CFMR Art. 12(2)(a), AMMR 75(d))
    assert (t6["due"], t6["article"]) == ("2027-01-18", "12(2)(a) CFMR")
    # the note in words as before, and the same as data: 2026-09-16 + 2 months = Mon 2026-11-16
    assert t6["derogation"] == (
        f"Art. 12(2)(a) CFMR, {IT_DECISION} (IT): 4 months instead of 2 months (Art. 39(1) "
        "AMMR, which would end Mon 2026-11-16)"
    )
    assert t6["derogation_detail"] == {
        "cfmr_article": "12(2)(a)",
        "decision": IT_DECISION,
        "state": "IT",
        "period": "4 months",
        "replaced_article": "39(1)",
        "replaced_period": "2 months",
        "ammr_due": "2026-11-16",
    }
    out = CliRunner().invoke(app, ["responsible", case, "-f", "json"])
    t6 = next(d for d in orjson.loads(out.stdout)["deadlines"] if d["id"] == "T6")
    assert t6["due"] == "2026-11-16" and "derogation" not in t6  # without --crisis: AMMR
    assert "derogation_detail" not in t6
    out = CliRunner().invoke(app, ["responsible", case, "--crisis", crises, "--explain"])
    assert out.exit_code == 0, out.output
    assert "12(2)(a)" in out.stdout and "crisis.anchor=start" in out.stdout


def test_cli_crisis_option_refuses_in_words(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from eupact.cli.main import app

    case, crises = _files(tmp_path, [{**IT, "state": "GR", "applies_until": "soon"}])
    out = CliRunner().invoke(app, ["responsible", case, "--crisis", crises])
    assert out.exit_code == 2
    assert "crises.0.state" in out.output and "EL = Greece" in out.output
    assert "crises.0.applies_until" in out.output and "Traceback" not in out.output
    out = CliRunner().invoke(app, ["responsible", case, "--crisis", str(tmp_path / "none.yaml")])
    assert out.exit_code == 2 and "does not exist" in out.output
    out = CliRunner().invoke(app, ["responsible", "schema", "--crisis", crises])
    assert out.exit_code == 2 and "applies to one case file" in out.output
