"""The crisis and force majeure procedure (Regulation (EU) 2024/1359, Arts 2-7, 10(4), 10(6),
11(6)-(8), 12, 13(1), 20; recitals 64-65) replayed from its acts: golden dates worked by hand
(the cases under tests/cases/crisis/ and below), late acts flagged and not refused, and every
refusal naming the act, the field and the article."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from eupact import yamlio
from eupact.crisis.events import Kind, ReasonedRequest
from eupact.crisis.measures import AuthorisedMeasures, Derogation, Situation
from eupact.crisis.procedure import replay
from eupact.crisis.reading import read_event, read_events
from eupact.crisis.state import Phase, Status
from eupact.crisis.timing import last_day
from eupact.errors import EupactError
from eupact.parameters import load_parameters

CASES = Path(__file__).parent / "cases" / "crisis"
D = dt.date


def _case(name: str) -> dict[str, Any]:
    doc = yamlio.load((CASES / name).read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


def _events(*items: dict[str, Any]) -> Any:
    return read_events(list(items))


REQUEST = {
    "kind": "request",
    "date": "2027-03-02",
    "state": "IT",
    "situation": "mass_arrivals",
    "description": "reception system non-functional",
    "derogations": ["10", "11(1)", "11(3)", "12", "13"],
    "solidarity": {"relocations": 1000},
}
DECIDED = {
    "kind": "commission_decision",
    "date": "2027-03-16",
    "established": True,
    "situation": "mass_arrivals",
}
PROPOSED = {"kind": "proposal", "date": "2027-03-16", "derogations": ["10", "11(1)", "12"]}


def council(**fields: Any) -> dict[str, Any]:
    return {
        "kind": "council_decision",
        "date": "2027-03-26",
        "derogations": ["10", "11(1)", "12"],
        **fields,
    }


def refused(*items: dict[str, Any], others: tuple[AuthorisedMeasures, ...] = ()) -> EupactError:
    with pytest.raises(EupactError) as info:
        replay(_events(*items), others=others)
    return info.value


# --- the cases as data ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in CASES.glob("*.yaml")))
def test_case(name: str) -> None:
    doc = _case(name)
    as_of = doc.get("as_of")
    state = replay(read_events(doc["events"]), as_of=as_of)
    expect = doc["expect"]
    assert state.phase.value == expect["phase"]
    for key, due in expect.get("dues", {}).items():
        assert state.due(key).due == due, key
    for key, status in expect.get("statuses", {}).items():
        assert state.due(key).status.value == status, key
    assert sorted(f.code for f in state.flags) == sorted(expect.get("flags", []))
    if "periods" in expect:
        assert [[p.first, p.last] for p in state.periods] == expect["periods"]
    if "latest_end" in expect:
        assert state.latest_end == expect["latest_end"]
        assert state.months_used_days == expect["days"]
    if "early" in expect:
        assert list(state.early_registration or ()) == expect["early"]
        assert state.early_registration_continued is expect["continued"]
    if "ended_on" in expect:
        assert state.measures[-1].ended_on == expect["ended_on"]
        assert state.measures[-1].applies_until == expect["ended_on"] - dt.timedelta(days=1)


# --- golden dates -----------------------------------------------------------------------------


def test_commission_two_weeks_from_a_tuesday() -> None:
    # Art. 3(8): request Tue 2027-03-02 + 2 weeks = Tue 2027-03-16
    state = replay(_events(REQUEST))
    due = state.due("commission_decision")
    assert (due.due, due.status) == (D(2027, 3, 16), Status.PENDING)
    assert "Reg. 1182/71" in due.formula
    # the assessment window of 3(5): the two months before the request
    assert state.assessment_window == (D(2027, 1, 2), D(2027, 3, 1))


def test_weekend_shift_reading_none_keeps_the_saturday() -> None:
    # Sat 2027-03-06 + 2 weeks = Sat 2027-03-20; with the [reading] 'none' it stays there
    params = load_parameters().with_readings({"crisis.time_limits.weekend_shift": "none"})
    state = replay(_events({**REQUEST, "date": "2027-03-06"}), params)
    assert state.due("commission_decision").due == D(2027, 3, 20)


def test_council_decision_late_is_flagged_and_valid() -> None:
    # Art. 4(3): proposal Tue 2027-03-16 + 2 weeks = Tue 2027-03-30; adopted Wed 2027-03-31
    state = replay(_events(REQUEST, DECIDED, PROPOSED, council(date="2027-03-31")))
    assert [f.code for f in state.flags] == ["late_council_decision"]
    assert "not a condition of validity" in state.flags[0].text
    assert state.due("council_decision.1").status is Status.DONE_LATE
    assert len(state.measures) == 1  # the decision stands
    # on time the day before: no flag
    on_time = replay(_events(REQUEST, DECIDED, PROPOSED, council(date="2027-03-30")))
    assert on_time.flags == ()


def test_three_months_and_the_month_end() -> None:
    # Art. 5(1): from 17 March the period ends 16 June; from 31 January, the date three months
    # later is 30 April (April has no 31st): the period ends 29 April
    assert last_day(D(2027, 3, 17), 3) == D(2027, 6, 16)
    assert last_day(D(2027, 1, 31), 3) == D(2027, 4, 29)
    assert last_day(D(2027, 4, 2), 12) == D(2028, 4, 1)
    state = replay(_events(REQUEST, DECIDED, PROPOSED, council(applies_from="2027-03-27")))
    assert (state.periods[0].first, state.periods[0].last) == (D(2027, 3, 27), D(2027, 6, 26))
    m = state.measures[0]
    assert (m.applies_from, m.applies_until, m.initial_until) == (
        D(2027, 3, 27),
        D(2027, 6, 26),
        D(2027, 6, 26),
    )


def test_period_longer_than_three_months_refused() -> None:
    err = refused(
        REQUEST, DECIDED, PROPOSED, council(applies_from="2027-03-27", applies_until="2027-06-27")
    )
    assert err.problems[0].field == "applies_until"
    assert "Art. 5(1)" in err.problems[0].rule


def test_twelve_months_then_one_day_more_refused() -> None:
    doc = _case("base_mass_arrivals.yaml")
    items = list(doc["events"])
    items += [
        {
            "kind": "proposal",
            "date": "2028-03-20",
            "requested_on": "2028-03-18",
            "derogations": ["12"],
        },
        {
            "kind": "new_decision",
            "date": "2028-03-30",
            "applies_from": "2028-04-02",
            "applies_until": "2028-04-02",
            "derogations": ["12"],
        },
    ]
    err = refused(*items)
    assert "367 days in all" in err.problems[0].rule and "Art. 5(3)" in err.problems[0].rule


def test_second_extension_refused() -> None:
    items = [
        REQUEST,
        DECIDED,
        PROPOSED,
        council(),
        {"kind": "extension", "date": "2027-06-01"},
        {"kind": "extension", "date": "2027-08-01"},
    ]
    err = refused(*items)
    assert "extended once" in err.problems[0].rule


def test_extension_after_the_end_refused() -> None:
    # council decided 2027-03-26, applies to 2027-06-25
    err = refused(
        REQUEST, DECIDED, PROPOSED, council(), {"kind": "extension", "date": "2027-06-26"}
    )
    assert err.problems[0].field == "date" and "ended on 2027-06-25" in err.problems[0].rule


def test_registration_not_in_an_extension_of_a_mass_arrivals_crisis() -> None:
    # Art. 10(4): the extension may not carry Art. 10 ...
    err = refused(
        REQUEST,
        DECIDED,
        PROPOSED,
        council(),
        {"kind": "extension", "date": "2027-06-01", "derogations": ["10"]},
    )
    assert "Art. 10(4)" in err.problems[0].rule
    # ... nor a new decision under 5(2)
    err = refused(
        REQUEST,
        DECIDED,
        PROPOSED,
        council(),
        {"kind": "proposal", "date": "2027-06-20", "derogations": ["10"]},
        {
            "kind": "new_decision",
            "date": "2027-06-24",
            "applies_from": "2027-06-26",
            "derogations": ["10"],
        },
    )
    assert "Art. 10(4)" in err.problems[0].rule
    # and an extended decision covers Art. 10 only in its initial period
    state = replay(
        _events(REQUEST, DECIDED, PROPOSED, council(), {"kind": "extension", "date": "2027-06-01"})
    )
    m = state.measures[0]
    assert m.covers(Derogation.REGISTRATION, D(2027, 6, 25))
    assert not m.covers(Derogation.REGISTRATION, D(2027, 6, 26))
    assert m.covers(Derogation.TIME_LIMITS, D(2027, 9, 25))


def test_take_back_window_four_months_before_adoption() -> None:
    # Art. 13(1): adopted 2027-03-26, 4 months before = 2026-11-26; a day earlier is refused
    ok = replay(
        _events(
            REQUEST,
            DECIDED,
            {**PROPOSED, "derogations": ["13"]},
            council(derogations=["13"], take_back_window=["2026-11-26", "2027-03-26"]),
        )
    )
    assert ok.measures[0].take_back_window == (D(2026, 11, 26), D(2027, 3, 26))
    err = refused(
        REQUEST,
        DECIDED,
        {**PROPOSED, "derogations": ["13"]},
        council(derogations=["13"], take_back_window=["2026-11-25", "2027-03-26"]),
    )
    assert err.problems[0].field == "take_back_window" and "13(1)" in err.problems[0].rule
    err = refused(
        REQUEST, DECIDED, {**PROPOSED, "derogations": ["13"]}, council(derogations=["13"])
    )
    assert "sets the period of registration" in err.problems[0].rule


@pytest.mark.parametrize(
    ("situation", "derogation", "article"),
    [
        ("instrumentalisation", "12", "Art. 12(1)"),
        ("instrumentalisation", "13", "Art. 13(1)"),
        ("force_majeure", "11(3)", "Art. 11(3)"),
        ("force_majeure", "11(4)", "Art. 11(4)"),
        ("mass_arrivals", "11(6)", "Art. 11(6)"),
        ("instrumentalisation", "11(2)", "Art. 11(2)"),
    ],
)
def test_derogation_the_situation_does_not_allow(
    situation: str, derogation: str, article: str
) -> None:
    err = refused(
        {**REQUEST, "situation": situation, "derogations": [derogation], "solidarity": None}
    )
    assert err.problems[0].value == derogation and article in err.problems[0].rule


def test_instrumentalisation_needs_the_11_7_choice() -> None:
    err = refused({**REQUEST, "situation": "instrumentalisation", "derogations": ["11(6)"]})
    assert "Art. 2(2)(d)" in err.problems[0].rule


def test_force_majeure_gets_no_solidarity() -> None:
    err = refused({**REQUEST, "situation": "force_majeure", "derogations": ["12"]})
    assert "Art. 8(1)" in err.problems[0].rule


def test_force_majeure_decision_gets_no_plan() -> None:
    fm = {**REQUEST, "situation": "force_majeure", "derogations": ["12"], "solidarity": None}
    err = refused(
        fm,
        {**DECIDED, "situation": "force_majeure"},
        {
            "kind": "proposal",
            "date": "2027-03-16",
            "derogations": ["12"],
            "plan": {"relocations": 10},
        },
    )
    assert any("Art. 4(2)(b)" in p.rule for p in err.problems)


def test_derogation_not_requested_refused() -> None:
    err = refused({**REQUEST, "derogations": ["12"]}, DECIDED, PROPOSED)
    assert "Art. 1(3)" in err.problems[0].rule


@pytest.mark.parametrize(
    ("state", "words"),
    [
        ("DK", "Protocol No 22"),
        ("GR", "EL = Greece"),
        ("NO", "Norway"),
        ("XX", "not a Member State"),
    ],
)
def test_request_from_a_state_not_bound(state: str, words: str) -> None:
    err = refused({**REQUEST, "state": state})
    assert err.problems[0].field == "state" and words in err.problems[0].rule


def test_ireland_bound_since_its_opt_in() -> None:
    param = load_parameters()["crisis.bound_member_states"]
    assert "IE" not in param.at(D(2024, 7, 30)) and "IE" in param.at(D(2024, 7, 31))
    assert "DK" not in param.at(D(2030, 1, 1))
    assert replay(_events({**REQUEST, "state": "IE"})).state == "IE"


def test_before_the_date_of_application() -> None:
    # Art. 20: 12 June 2026 as the institutions read it; 1 July 2026 as printed ([reading])
    err = refused({**REQUEST, "date": "2026-06-11"})
    assert "Art. 20" in err.problems[0].rule
    assert replay(_events({**REQUEST, "date": "2026-06-12"})).phase is Phase.ASSESSING
    printed = load_parameters().with_readings({"crisis.date_of_application": "2026-07-01"})
    with pytest.raises(EupactError):
        replay(_events({**REQUEST, "date": "2026-06-30"}), printed)


def test_acts_out_of_order() -> None:
    err = refused(REQUEST, PROPOSED)
    assert "Art. 3(8)" in err.problems[0].rule
    err = refused(REQUEST, DECIDED, council())
    assert "proposal" in err.problems[0].rule
    err = refused(REQUEST, {**DECIDED, "date": "2027-03-01"})
    assert err.problems[0].field == "date" and "before the previous act" in err.problems[0].rule
    err = refused(DECIDED)
    assert "reasoned request" in err.problems[0].rule
    err = refused(REQUEST, {**DECIDED, "established": False}, PROPOSED)
    assert "procedure ends" in err.problems[0].rule
    assert "events[2]" in err.problems[0].location


def test_overlap_with_another_crisis_of_the_state() -> None:
    other = AuthorisedMeasures(
        "IT",
        Situation.FORCE_MAJEURE,
        "CID 0",
        D(2027, 1, 10),
        D(2027, 1, 10),
        D(2027, 4, 9),
        D(2027, 4, 9),
        frozenset(),
    )
    err = refused(REQUEST, DECIDED, PROPOSED, council(), others=(other,))
    assert "overlaps CID 0" in err.problems[0].rule and "Art. 5" in err.problems[0].rule
    # another state's crisis does not matter
    fr = AuthorisedMeasures(
        "FR",
        *[
            getattr(other, f)
            for f in (
                "situation",
                "decision",
                "adopted_on",
                "applies_from",
                "applies_until",
                "initial_until",
                "derogations",
            )
        ],
    )
    assert replay(_events(REQUEST, DECIDED, PROPOSED, council()), others=(fr,)).measures


def test_proposal_not_simultaneous_is_flagged() -> None:
    state = replay(_events(REQUEST, DECIDED, {**PROPOSED, "date": "2027-03-18"}))
    assert [f.code for f in state.flags] == ["proposal_not_simultaneous"]
    assert state.phase is Phase.PROPOSED


def test_council_overdue_on_as_of() -> None:
    state = replay(_events(REQUEST, DECIDED, PROPOSED), as_of=D(2027, 3, 31))
    assert state.due("council_decision.1").status is Status.OVERDUE
    assert "overdue_council_decision" in [f.code for f in state.flags]
    assert replay(_events(REQUEST, DECIDED, PROPOSED), as_of=D(2027, 3, 30)).flags == ()


def test_reports_and_bulletins() -> None:
    # in force 2027-03-26, applies 2027-03-26..2027-06-25, extended to 2027-09-25:
    # reports 3 and 6 months after entry into force (6(4)); bulletins every two weeks (Art. 7)
    plan = {"relocations": 1000, "additional_relocations": 1000}
    state = replay(
        _events(
            REQUEST,
            DECIDED,
            {**PROPOSED, "plan": plan},
            council(plan=plan),
            {"kind": "bulletin", "date": "2027-04-08"},
            {"kind": "extension", "date": "2027-06-01"},
        )
    )
    reports = [d.due for d in state.dues if d.key.startswith("report.")]
    assert reports == [D(2027, 6, 26), D(2027, 9, 26)]
    bulletins = [d for d in state.dues if d.key.startswith("bulletin.")]
    # due 2027-03-26 + 14 k days for each fortnight that begins before 2027-09-25: the 14th
    # begins 2027-03-26 + 13 × 14 = 182 days = 2027-09-24, so k = 1..14, the last due 2027-10-08
    assert bulletins[0].due == D(2027, 4, 9) and bulletins[0].status is Status.DONE
    assert bulletins[-1].due == D(2027, 10, 8) and len(bulletins) == 14
    revision = state.due("strategy_revision")
    assert revision.due == D(2028, 9, 25) and revision.status is Status.NOT_RECORDED


def test_phase_before_the_measures_apply_and_after() -> None:
    items = (REQUEST, DECIDED, PROPOSED, council(applies_from="2027-04-05"))
    assert replay(_events(*items)).phase is Phase.ADOPTED
    assert replay(_events(*items), as_of=D(2027, 4, 5)).phase is Phase.APPLYING
    assert replay(_events(*items), as_of=D(2027, 7, 5)).phase is Phase.ENDED


def test_the_state_round_trips_as_json_data() -> None:
    doc = _case("base_mass_arrivals.yaml")
    state = replay(read_events(doc["events"]), as_of=doc["as_of"])
    data = state.as_dict()
    assert data["phase"] == "applying" and data["latest_end"] == "2028-04-01"
    again = read_events(data["events"])
    assert again == state.events  # what as_dict writes, read_events reads back
    assert {p["name"] for p in data["parameters"]} >= {"crisis.maximum_months"}


# --- reading refuses in words -------------------------------------------------------------------


def test_read_event_refuses_every_problem_at_once() -> None:
    with pytest.raises(EupactError) as info:
        read_event(
            "request",
            "2027-02-30",
            {
                "state": 7,
                "situation": "war",
                "derogations": ["14"],
                "solidarity": {"relocations": -1, "financial": 1.5},
                "colour": "red",
            },
        )
    fields = {p.field for p in info.value.problems}
    assert fields == {
        "date",
        "state",
        "situation",
        "description",
        "derogations",
        "solidarity.relocations",
        "solidarity.financial",
        "colour",
    }
    assert all("Python" not in p.rule and "<" not in p.rule for p in info.value.problems)


def test_read_event_kinds_and_bounds() -> None:
    with pytest.raises(EupactError) as info:
        read_event("press_release", "2027-01-01", {})
    assert "is not an act of the procedure" in info.value.problems[0].rule
    with pytest.raises(EupactError) as info:
        read_event("proposal", "2027-01-01", {"plan": {"relocations": 10**12}})
    assert info.value.problems[0].field == "plan.relocations"
    with pytest.raises(EupactError):
        read_event("proposal", "2023-01-01", {})
    act = read_event(
        Kind.REQUEST.value,
        D(2027, 1, 5),
        {**{k: v for k, v in REQUEST.items() if k not in ("kind", "date")}},
    )
    assert isinstance(act, ReasonedRequest) and act.article == "Art. 2 CFMR"


def test_date_of_application_reading_kept_with_part_iv() -> None:
    # the same [reading] as cycle.date_of_application_part_iv (Art. 85 AMMR): one date for both
    params = load_parameters()
    crisis, cycle = (
        params["crisis.date_of_application"],
        params["cycle.date_of_application_part_iv"],
    )
    assert crisis.values[-1].value == cycle.values[-1].value == D(2026, 6, 12)
    assert {a.name for a in crisis.alternatives} == {a.name for a in cycle.alternatives}
