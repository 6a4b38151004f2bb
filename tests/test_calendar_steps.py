"""The legal calendar of the cycle that prepares the 2026 pool (year N = 2025), hand-worked from
Regulation (EU) 2024/1351 (AMMR):

- Art. 9(7): the Art. 10 information "by 1 June each year" → 2025-06-01
- Art. 9(8): the initial assessment "during the first half of July" → 2025-07-15 ([reading])
- Art. 9(9): updated information "by 1 September each year" → 2025-09-01
- Art. 9(10): the consolidated assessment "by 30 September each year" → 2025-09-30
- Art. 9(4), 11(4), 12(6): report, decision, proposal "by 15 October" → 2025-10-15
- Art. 13(2): the High-Level Forum within 15 days of the three → 2025-10-30 (or 15 days after
  the last was adopted: 11 November 2025 + 15 = 2025-11-26)
- Art. 57(1): the Council act before the end of the year → 2025-12-31
- Art. 14(5): the first Technical-Level Forum "following the adoption" of the act: no time limit
- Art. 60(3): non-financial pledges by the end of the pool year → 2026-12-31
- Art. 60(6): confirmations each January → 2027-01-31
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from eupact.cycle.calendar import NO_TIME_LIMIT, NOT_RECORDED, Deadline, cycle_calendar
from eupact.cycle.phases import Action
from eupact.parameters import DatedValue, ParameterSet, load_parameters

AT = load_parameters().at(dt.date(2025, 1, 1))
ADOPTED = dt.date(2025, 11, 11)  # report, decision and proposal of the first cycle

INFORMATION = "Art. 10 information provided by the Member States and agencies"
INITIAL = "Initial assessment presented (EU migration preparedness and crisis mechanism)"
UPDATED = "Updated information provided"
CONSOLIDATED = "Consolidated assessment presented (EU migration preparedness and crisis mechanism)"
TECHNICAL = "Technical-Level Forum: first meeting"


def steps(done: dict[Action, dt.date] | None = None) -> dict[str, Deadline]:
    return {d.step: d for d in cycle_calendar(2026, AT, done or {})}


def test_2026_pool_every_step_with_its_due_date_and_article():
    got = [(d.step, d.due, d.article) for d in cycle_calendar(2026, AT, {})]
    ammr = "Regulation (EU) 2024/1351 (AMMR)"
    assert got == [
        (INFORMATION, dt.date(2025, 6, 1), f"Art. 9(7) {ammr}"),
        (INITIAL, dt.date(2025, 7, 15), f"Art. 9(8) {ammr}"),
        (UPDATED, dt.date(2025, 9, 1), f"Art. 9(9) {ammr}"),
        (CONSOLIDATED, dt.date(2025, 9, 30), f"Art. 9(10) {ammr}"),
        ("European Annual Asylum and Migration Report", dt.date(2025, 10, 15), f"Art. 9(4) {ammr}"),
        ("Decision on migratory pressure", dt.date(2025, 10, 15), f"Art. 11(4) {ammr}"),
        ("Proposal for the Annual Solidarity Pool", dt.date(2025, 10, 15), f"Art. 12(6) {ammr}"),
        ("High-Level Forum convened", dt.date(2025, 10, 30), f"Art. 13(2) {ammr}"),
        (
            "Council implementing act (before the end of the year)",
            dt.date(2025, 12, 31),
            f"Art. 57(1) {ammr}",
        ),
        (TECHNICAL, None, f"Art. 14(5) {ammr}"),
        ("Non-financial pledges implemented", dt.date(2026, 12, 31), f"Art. 60(3) {ammr}"),
        ("States confirm what they implemented", dt.date(2027, 1, 31), f"Art. 60(6) {ammr}"),
    ]


def test_the_high_level_forum_counts_from_the_last_of_the_three_documents():
    """Art. 13(2): the three adopted on 11 November 2025 → Forum due 26 November 2025."""
    done = dict.fromkeys(
        (Action.ADOPT_REPORT, Action.ADOPT_DECISION, Action.ADOPT_PROPOSAL), ADOPTED
    )
    assert steps(done)["High-Level Forum convened"].due == dt.date(2025, 11, 26)


def test_first_half_of_july_is_a_documented_reading():
    """Art. 9(8) gives a window, not a date: 15 July is eupact's reading, with its alternatives;
    the other one (16 July: half of 31 days is 15.5) moves the due date by a day."""
    initial = steps()[INITIAL]
    assert initial.note.startswith("[reading]")
    assert "16 July" in initial.note and "1-15 July" in initial.note
    param = load_parameters()["cycle.initial_assessment_deadline"]
    assert [a.name for a in param.alternatives] == ["07-15", "07-16"]
    other = load_parameters().with_readings({param.name: "07-16"}).at(dt.date(2025, 1, 1))
    chosen = {d.step: d for d in cycle_calendar(2026, other, {})}[INITIAL]
    assert chosen.due == dt.date(2025, 7, 16)
    assert chosen.note.startswith("[reading] chosen for this run: due by 16 July")


def test_the_technical_level_forum_has_no_invented_deadline():
    """Art. 14(5): 'following the adoption of the Council implementing act' — no time limit."""
    for done in ({}, {Action.ADOPT_COUNCIL_ACT: dt.date(2025, 12, 8)}):
        forum = steps(done)[TECHNICAL]
        assert forum.due is None and forum.late_by is None
        assert "no time limit" in forum.note
        assert forum.status(dt.date(2030, 1, 1)) == NO_TIME_LIMIT
        row = forum.as_dict(dt.date(2030, 1, 1))
        assert row["due"] is None and row["status"] == NO_TIME_LIMIT


def test_a_time_limit_set_later_would_count_from_the_council_act():
    """If a dated value ever set one (here 30 days, for the test only), the first meeting would
    be due 30 days after the act's adoption: 8 December 2025 + 30 = 7 January 2026."""
    base = load_parameters()
    name = "cycle.technical_forum_first_meeting_days"
    param = base[name]
    dated = replace(
        param, values=(DatedValue(dt.date(2024, 6, 11), 30, param.values[0].reference),)
    )
    params = ParameterSet({**base.parameters, name: dated}).at(dt.date(2025, 1, 1))
    done = {Action.ADOPT_COUNCIL_ACT: dt.date(2025, 12, 8)}
    forum = {d.step: d for d in cycle_calendar(2026, params, done)}[TECHNICAL]
    assert forum.due == dt.date(2026, 1, 7)


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (dt.date(2025, 5, 31), "pending"),
        (dt.date(2025, 6, 1), "pending"),  # the due date itself: not yet late
        (dt.date(2025, 6, 2), NOT_RECORDED),  # the cycle records no act for Art. 9(7)
    ],
)
def test_a_step_the_cycle_does_not_record_is_never_overdue(today, status):
    assert steps()[INFORMATION].status(today) == status


@pytest.mark.parametrize(
    ("today", "done", "status", "late"),
    [
        (dt.date(2025, 10, 15), None, "pending", None),
        (dt.date(2025, 10, 16), None, "overdue", None),
        (dt.date(2025, 10, 16), dt.date(2025, 10, 15), "on time", None),
        (dt.date(2025, 10, 17), dt.date(2025, 10, 16), "late by 1 days", 1),
        (dt.date(2025, 12, 1), ADOPTED, "late by 27 days", 27),  # Art. 9(4): 15 Oct → 11 Nov
    ],
)
def test_a_recorded_step_at_its_boundaries(today, done, status, late):
    report = steps({Action.ADOPT_REPORT: done} if done else {})[
        "European Annual Asylum and Migration Report"
    ]
    assert (report.status(today), report.late_by) == (status, late)


def test_the_output_keeps_its_shape():
    """The service, the API and the web read these keys (``note`` added; ``due`` is null only
    where the law sets no time limit)."""
    rows = [d.as_dict(dt.date(2025, 8, 1)) for d in cycle_calendar(2026, AT, {})]
    keys = {"step", "action", "due", "article", "done", "late_by_days", "status", "note"}
    assert all(set(r) == keys for r in rows)
    assert [r["step"] for r in rows if r["due"] is None] == [TECHNICAL]
    assert rows[1]["due"] == "2025-07-15" and rows[1]["status"] == NOT_RECORDED
    assert rows[2]["due"] == "2025-09-01" and rows[2]["status"] == "pending"


def test_steps_are_in_the_order_of_the_cycle():
    dues = [d.due for d in cycle_calendar(2026, AT, {}) if d.due is not None]
    assert dues == sorted(dues)
