"""Golden cases of the determination of the state responsible (Part III AMMR), as data.

Every case in ``tests/cases/responsibility/*.yaml`` was worked by hand from the law (each names
its article in ``cite`` and shows the working in ``why``); none was computed by running the
engine. A case gives the input (``case:``, or ``group:`` for a family registered together under
Art. 28) and either ``expect:`` -- only the keys given are checked -- or ``error:`` for input
that must be refused. A case whose expectation the engine does not meet yet carries
``xfail_reason:`` (the law's reading, kept) and is a strict xfail.

Keys of ``expect``:

* any attribute of :class:`~eupact.responsibility.decision.Decision` (``responsible_state``,
  ``route``, ``basis``, ``criterion``, ``eurodac_basis``, ``take_back_to``, ``snapshot_date``,
  ``offsets_eligible``, ``manual_review``, ``candidates`` ...), compared as plain values;
* ``chain_includes``: articles met in this order among the chain's steps ("26" matches "26(1)");
* ``deadlines``: T-number -> due date, or -> ``{due, status}``; one deadline with that id must
  match;
* ``deadlines_absent``: T-numbers no deadline may carry;
* ``flags_include`` / ``flags_exclude``: flag codes that must / must not be raised;
* ``readings_include``: reading (short parameter name) -> the alternative applied.
"""

from __future__ import annotations

import datetime as dt
import enum
from pathlib import Path
from typing import Any

import pytest

from eupact import yamlio

CASES_DIR = Path(__file__).parent / "cases" / "responsibility"
MIN_CASES = 46
SPECIAL = {
    "chain_includes",
    "deadlines",
    "deadlines_absent",
    "flags_include",
    "flags_exclude",
    "readings_include",
}


def _load() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        document = yamlio.load(path.read_text(encoding="utf-8"))
        for case in document["cases"]:
            out.append((f"{path.stem}:{case['name']}", case))
    return out


CASES = _load()


def _params() -> list[Any]:
    params = []
    for case_id, case in CASES:
        marks = []
        if case.get("xfail_reason"):
            marks.append(pytest.mark.xfail(reason=case["xfail_reason"], strict=True))
        params.append(pytest.param(case, id=case_id, marks=marks))
    return params


def _plain(value: object) -> object:
    """A decision's value as YAML writes it: enums by value, tuples as lists."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _article(text: str) -> str:
    return text.replace("Art.", "").replace("Article", "").replace(" ", "")


def _matches_article(step: str, wanted: str) -> bool:
    step, wanted = _article(step), _article(wanted)
    return step == wanted or step.startswith(wanted + "(")


def _check(decision: Any, expect: dict[str, Any], label: str) -> None:
    failures: list[str] = []
    for key, wanted in expect.items():
        if key in SPECIAL:
            continue
        got = _plain(getattr(decision, key))
        if isinstance(wanted, list):
            ok = isinstance(got, list) and sorted(str(g) for g in got) == sorted(map(str, wanted))
        elif isinstance(wanted, dt.date):
            ok = got == wanted
        elif isinstance(wanted, bool):
            ok = got is wanted
        else:
            ok = str(got) == str(wanted)
        if not ok:
            failures.append(f"{key}: expected {wanted!r}, got {got!r}")

    steps = [s.article for s in decision.chain]
    position = 0
    for wanted in expect.get("chain_includes", ()):
        found = next(
            (i for i in range(position, len(steps)) if _matches_article(steps[i], str(wanted))),
            None,
        )
        if found is None:
            failures.append(f"chain: {wanted!r} not found (in order) in {steps}")
        else:
            position = found + 1

    deadlines: dict[str, list[Any]] = {}
    for d in decision.deadlines:
        deadlines.setdefault(d.id, []).append(d)
    for tid, wanted in (expect.get("deadlines") or {}).items():
        due, status = wanted, None
        if isinstance(wanted, dict):
            due, status = wanted.get("due"), wanted.get("status")
        candidates = deadlines.get(str(tid), [])
        if not any(
            (due is None or d.due == due) and (status is None or _plain(d.status) == status)
            for d in candidates
        ):
            shown = [(d.due.isoformat(), _plain(d.status)) for d in candidates] or "none"
            failures.append(f"deadline {tid}: expected due {due} status {status}, got {shown}")
    for tid in expect.get("deadlines_absent", ()):
        if str(tid) in deadlines:
            failures.append(f"deadline {tid}: expected none, got {deadlines[str(tid)]}")

    codes = [f.code for f in decision.flags]
    for code in expect.get("flags_include", ()):
        if code not in codes:
            failures.append(f"flag {code!r} not raised (flags: {codes})")
    for code in expect.get("flags_exclude", ()):
        if code in codes:
            failures.append(f"flag {code!r} raised, not expected")

    readings = dict(decision.readings)
    for name, value in (expect.get("readings_include") or {}).items():
        if readings.get(name) != value:
            failures.append(f"reading {name}: expected {value!r}, got {readings.get(name)!r}")

    if failures:
        chain = " -> ".join(f"{s.article}: {s.outcome}" for s in decision.chain)
        pytest.fail(f"{label}\n  " + "\n  ".join(failures) + f"\n  chain: {chain}")


@pytest.mark.parametrize("golden", _params())
def test_golden_case(golden: dict[str, Any]) -> None:
    responsibility = pytest.importorskip("eupact.responsibility")
    from eupact.errors import EupactError

    if "error" in golden:
        with pytest.raises(EupactError) as refused:
            responsibility.read_case(golden["case"])
        field, rule = golden["error"]["field"], golden["error"]["rule_contains"]
        problems = refused.value.problems
        assert any(
            (p.field == field or p.field.startswith(field + ".")) and rule in p.rule
            for p in problems
        ), f"no problem on {field!r} containing {rule!r}: " + "; ".join(map(str, problems))
        return

    if "group" in golden:
        cases = [responsibility.read_case(c) for c in golden["group"]]
        decisions = responsibility.determine_group(cases)
        assert len(decisions) == len(cases)
        for case, decision in zip(cases, decisions, strict=True):
            assert decision.case_id == case.case_id
            _check(decision, golden["expect"], f"{golden['name']} [{case.case_id}]")
    else:
        decision = responsibility.determine(responsibility.read_case(golden["case"]))
        _check(decision, golden["expect"], golden["name"])


def test_golden_cases_are_many_and_each_is_worked() -> None:
    assert len(CASES) >= MIN_CASES, f"{len(CASES)} golden cases, at least {MIN_CASES} wanted"
    names: set[str] = set()
    for case_id, case in CASES:
        assert str(case.get("cite", "")).strip(), f"{case_id}: no cite"
        assert str(case.get("why", "")).strip(), f"{case_id}: no why"
        assert ("expect" in case) != ("error" in case), f"{case_id}: expect or error, one of them"
        assert ("case" in case) != ("group" in case), f"{case_id}: case or group, one of them"
        if "error" in case:
            assert {"field", "rule_contains"} <= set(case["error"]), case_id
        assert case_id not in names, f"{case_id}: name used twice in its file"
        names.add(case_id)
