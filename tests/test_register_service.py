"""Progress on the obligations register in the service (issue 19 item 2), on SQLite and PostgreSQL
alike, against a fixed register (tests/register_support.py): a Member State records its own
status, the Commission its own and the agencies'; late and done late computed from fixed dates
that do not move off a weekend; a recurring duty's statuses kept per year; the state × block
matrix adds up; the upcoming duties as iCalendar; every status audited, the history
append-only; refusals in words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Role
from eupact.cycle.service import CycleService
from eupact.cycle.service.register import RegisterProgress
from eupact.cycle.store.db import make_engine, sessions, upgrade
from eupact.errors import EupactError, Forbidden, NotFound, PreconditionFailed

from .api_support import PARAMETERS, SNAPSHOT
from .databases import BACKENDS, fresh_database
from .register_support import (
    AFTER,
    AGENCY,
    COUNCIL,
    EURODAC,
    REGISTER,
    REPORT,
    SATURDAY,
    STRATEGY,
)

DE, FR, DK = (Actor(f"test:{s}", Role.MEMBER_STATE, s) for s in ("DE", "FR", "DK"))
COMMISSION = Actor("test:commission", Role.COMMISSION)
COUNCIL_ = Actor("test:council", Role.COUNCIL)
COORDINATOR = Actor("test:coordinator", Role.COORDINATOR)
OBSERVER = Actor("test:observer", Role.OBSERVER)


class Clock:
    def __init__(self, day: dt.date) -> None:
        self.to(day)

    def __call__(self) -> dt.datetime:
        return self.now

    def to(self, day: dt.date) -> None:
        self.now = dt.datetime.combine(day, dt.time(9), dt.UTC)


@dataclass
class Desk:
    service: CycleService
    register: RegisterProgress
    clock: Clock
    url: str

    def view(self, ob: str, party: str) -> dict[str, object]:
        (v,) = [v for v in self.register.progress(OBSERVER, party) if v.ob.id == ob]
        return v.as_dict()


@pytest.fixture(params=BACKENDS)
def desk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Desk]:
    with fresh_database(str(request.param), tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        clock = Clock(dt.date(2025, 5, 1))
        service = CycleService(
            sessions(engine), parameters=PARAMETERS, snapshot=SNAPSHOT, clock=clock
        )
        progress = RegisterProgress(service.ctx)
        progress.register = lambda: REGISTER  # type: ignore[method-assign]
        try:
            yield Desk(service, progress, clock, url)
        finally:
            engine.dispose()


def test_a_state_records_and_everyone_reads_late_and_done_late(desk: Desk) -> None:
    r = desk.register.record(DE, STRATEGY, "in_progress", evidence="draft sent to parliament")
    assert (r.party, r.status, r.status_date, r.due_on, r.version) == (
        "DE",
        "in_progress",
        dt.date(2025, 5, 1),
        dt.date(2025, 6, 12),
        1,
    )
    v = desk.view(STRATEGY, "DE")
    assert (v["status"], v["late"], v["due"], v["evidence"]) == (
        "in_progress",
        False,
        "2025-06-12",
        "draft sent to parliament",
    )
    assert desk.view(STRATEGY, "FR")["recorded"] is False  # nothing recorded: not started
    for reader in (FR, COMMISSION, COUNCIL_, COORDINATOR, OBSERVER):
        assert desk.register.checklist(reader, "de")[0].status == "in_progress"

    desk.clock.to(dt.date(2025, 6, 13))  # the day after the date: late
    v = desk.view(STRATEGY, "DE")
    assert (v["late"], v["days_late"], desk.view(STRATEGY, "FR")["late"]) == (True, 1, True)
    desk.clock.to(dt.date(2025, 7, 10))
    desk.register.record(
        DE, STRATEGY, "done", status_date=dt.date(2025, 7, 1), evidence="https://example.org/s"
    )
    v = desk.view(STRATEGY, "DE")
    assert (v["status"], v["late"], v["done_late"], v["days_late"], v["version"]) == (
        "done",
        False,
        True,
        19,
        2,
    )
    on_time = desk.register.record(
        FR, STRATEGY, "done", status_date=dt.date(2025, 6, 12), evidence="adopted on the day"
    )
    assert on_time.party == "FR" and desk.view(STRATEGY, "FR")["done_late"] is False
    history = desk.register.history(OBSERVER, STRATEGY, "DE")
    assert [h.status for h in history] == ["in_progress", "done"]  # appended, never changed


def test_a_date_on_a_saturday_does_not_move_to_monday(desk: Desk) -> None:
    """Not an Art. 75 procedural time limit: 13 June 2026 is the last day, weekend or not."""
    desk.clock.to(dt.date(2026, 6, 15))  # Monday
    assert desk.view(SATURDAY, "DE")["late"] is True
    assert desk.view(SATURDAY, "DE")["days_late"] == 2
    desk.register.record(DE, SATURDAY, "done", evidence="plan adopted on Monday")
    v = desk.view(SATURDAY, "DE")
    assert (v["done_late"], v["days_late"]) == (True, 2)


def test_a_recurring_duty_is_kept_per_year(desk: Desk) -> None:
    desk.clock.to(dt.date(2025, 11, 20))
    r = desk.register.record(
        COMMISSION,
        REPORT,
        "done",
        status_date=dt.date(2025, 11, 11),
        evidence="COM(2025) 795 (SYNTHETIC in this test)",
    )
    assert (r.party, r.due_on) == ("commission", dt.date(2025, 10, 15))
    v = desk.view(REPORT, "commission")
    assert (v["due"], v["done_late"], v["days_late"], v["next_due"]) == (
        "2025-10-15",
        True,
        27,
        "2026-10-15",
    )
    desk.clock.to(dt.date(2026, 10, 16))  # the 2026 report is not recorded: late
    v = desk.view(REPORT, "commission")
    assert (v["due"], v["status"], v["late"]) == ("2026-10-15", "not_started", True)
    desk.clock.to(dt.date(2027, 10, 1))
    r = desk.register.record(
        COMMISSION, REPORT, "done", status_date=dt.date(2026, 10, 14), evidence="on time"
    )
    assert r.due_on == dt.date(2026, 10, 15)  # the 2025 report was done already
    early = desk.register.record(COMMISSION, REPORT, "in_progress", evidence="drafting")
    assert early.due_on == dt.date(2027, 10, 15)
    v = desk.view(REPORT, "commission")
    assert (v["due"], v["status"], v["done_late"], v["next_status"]) == (
        "2026-10-15",
        "done",
        False,
        "in_progress",
    )


def test_who_records_for_whom(desk: Desk) -> None:
    desk.clock.to(dt.date(2026, 5, 1))
    refusals = [
        (DE, STRATEGY, "FR", Forbidden, "records its own progress only; this token is DE's"),
        (DE, REPORT, None, Forbidden, "recorded by the commission only"),
        (DE, REPORT, "commission", Forbidden, "recorded by the commission only"),
        (COMMISSION, STRATEGY, None, Forbidden, "recorded by the Member State itself"),
        (COMMISSION, STRATEGY, "DE", Forbidden, "recorded by the Member State itself"),
        (COUNCIL_, REPORT, None, Forbidden, "recorded by the commission only"),
        (COORDINATOR, COUNCIL, None, Forbidden, "recorded by the council only"),
        (OBSERVER, STRATEGY, "DE", Forbidden, "open to commission, coordinator, council"),
        (DK, STRATEGY, None, EupactError, "Denmark is not bound by Regulation (EU) 2024/1351"),
        (DE, STRATEGY, "commission", EupactError, "owed by each Member State"),
        (COMMISSION, REPORT, "council", EupactError, "its party is 'commission'"),
        (DE, STRATEGY, "XX", EupactError, "unknown Member State"),
        (DE, STRATEGY, "Germany", EupactError, "a Member State's geo code"),
    ]
    for actor, ob, party, error, words in refusals:
        with pytest.raises(error) as caught:
            desk.register.record(actor, ob, "in_progress", party=party)
        assert any(words.lower() in p.rule.lower() for p in caught.value.problems), (
            actor,
            ob,
            party,
            caught.value.problems,
        )
    assert desk.register.history(OBSERVER, STRATEGY, "DE") == []
    # ... and who may
    assert desk.register.record(DK, EURODAC, "in_progress").party == "DK"  # Eurodac binds DK
    assert desk.register.record(COMMISSION, AGENCY, "done", evidence="guidance").party == "euaa"
    assert desk.register.record(COUNCIL_, COUNCIL, "in_progress").party == "council"
    assert desk.register.record(DE, STRATEGY, "in_progress", party="de").party == "DE"
    assert desk.register.record(DE, AFTER, "in_progress").due_on is None  # after its event
    assert "DK" not in {v.party for v in desk.register.progress(OBSERVER) if v.ob.id == STRATEGY}


def test_the_matrix_adds_up(desk: Desk) -> None:
    desk.clock.to(dt.date(2026, 6, 20))
    desk.register.record(DE, STRATEGY, "done", evidence="x", status_date=dt.date(2025, 7, 1))
    desk.register.record(FR, STRATEGY, "done", evidence="x", status_date=dt.date(2025, 6, 1))
    desk.register.record(FR, SATURDAY, "in_progress")
    desk.register.record(DK, EURODAC, "done", evidence="x")
    m = desk.register.matrix(OBSERVER)
    assert len(m["states"]) == 27 and [b["block"] for b in m["blocks"]] == list(range(1, 11))
    keys = ("not_started", "in_progress", "done", "late")
    for row in m["states"] + m["institutions"]:
        for cell in (*row["cells"].values(), row["total"]):
            assert sum(cell[k] for k in keys) == cell["total"]
            assert cell["done_late"] <= cell["done"]
        assert sum(c["total"] for c in row["cells"].values()) == row["total"]["total"]
    rows = {r["party"]: r for r in m["states"] + m["institutions"]}
    assert rows["DE"]["cells"]["7"] == {
        "not_started": 0,
        "in_progress": 0,
        "done": 1,
        "late": 0,
        "done_late": 1,
        "total": 1,
    }
    assert rows["FR"]["cells"]["3"]["late"] == 1  # in progress past its date: late
    assert rows["DK"]["total"]["total"] == 1 and rows["DK"]["cells"]["1"]["done"] == 1
    assert rows["IT"]["total"] == {
        "not_started": 1,  # the time limit after an event has no date: never late here
        "in_progress": 0,
        "done": 0,
        "late": 3,
        "done_late": 0,
        "total": 4,
    }
    assert set(rows) - set(desk.register.members()) == {"commission", "council", "euaa"}
    assert m["total"]["total"] == 26 * 4 + 1 + 3
    one = desk.register.matrix(OBSERVER, block=7)
    assert [b["block"] for b in one["blocks"]] == [7] and list(one["states"][0]["cells"]) == ["7"]


def test_upcoming_duties_as_icalendar(desk: Desk) -> None:
    desk.clock.to(dt.date(2026, 1, 10))
    desk.register.record(DE, EURODAC, "done", evidence="early", status_date=dt.date(2026, 1, 9))
    items = desk.register.upcoming(OBSERVER, "DE")
    assert [(ob.id, due) for ob, due, _ in items] == [(SATURDAY, dt.date(2026, 6, 13))]
    cal = Calendar.from_ical(desk.register.ics(DE, "DE"))
    (event,) = cal.walk("VEVENT")
    assert event.decoded("dtstart") == dt.date(2026, 6, 13)
    assert str(event["uid"]) == f"register-{SATURDAY}-DE-2026-06-13@eupact"
    assert "does not move when it falls on a weekend" in str(event["description"])
    cal = Calendar.from_ical(desk.register.ics(OBSERVER, "commission", dt.date(2028, 12, 31)))
    assert [e.decoded("dtstart") for e in cal.walk("VEVENT")] == [
        dt.date(2026, 10, 15),
        dt.date(2027, 10, 15),
        dt.date(2028, 10, 15),
    ]
    with pytest.raises(EupactError) as caught:
        desk.register.upcoming(OBSERVER, "DE", dt.date(2040, 1, 1))
    assert caught.value.problems[0].field == "until"


def test_every_status_is_audited_and_the_history_is_append_only(desk: Desk) -> None:
    r = desk.register.record(DE, STRATEGY, "in_progress", evidence='=HYPERLINK("x")', key="k-1")
    again = desk.register.record(DE, STRATEGY, "in_progress", evidence='=HYPERLINK("x")', key="k-1")
    assert again == r  # answered, not repeated
    entries = [e.as_dict() for e in desk.service.audit_log(COMMISSION, 0, 1000)[0]]
    (entry,) = [e for e in entries if e["action"] == "register.progress"]
    assert (entry["actor"], entry["role"], entry["article"], entry["entity"]) == (
        "test:DE",
        "member_state",
        "AMMR Art. 7(1)",
        f"register_progress:{r.id}",
    )
    assert entry["before"] is None and entry["after"]["evidence"] == '=HYPERLINK("x")'
    assert desk.service.verify_audit()["ok"] is True
    engine = make_engine(desk.url)
    try:
        for sql in (
            "UPDATE obligation_progress SET status = 'done'",
            "DELETE FROM obligation_progress",
        ):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(text(sql))
    finally:
        engine.dispose()
    assert desk.view(STRATEGY, "DE")["status"] == "in_progress"


def test_hostile_input_is_refused_in_words(desk: Desk) -> None:
    desk.clock.to(dt.date(2026, 5, 1))
    cases: list[tuple[dict[str, Any], type[EupactError], str]] = [
        ({"obligation_id": "register.ammr.999.nothing"}, NotFound, "obligation_id"),
        ({"obligation_id": "'; DROP TABLE x; --"}, NotFound, "obligation_id"),
        ({"status": "finished"}, EupactError, "status"),
        ({"status_date": dt.date(2026, 5, 2)}, EupactError, "status_date"),
        ({"status_date": dt.date(2020, 1, 1)}, EupactError, "status_date"),
        ({"evidence": "javascript:alert(1)"}, EupactError, "evidence"),
        ({"evidence": "a\x00b"}, EupactError, "evidence"),
        ({"evidence": "x" * 2001}, EupactError, "evidence"),
        ({"evidence": "\u202eevil"}, EupactError, "evidence"),
        ({"status": "done", "evidence": "   "}, EupactError, "evidence"),
        ({"due_on": dt.date(2025, 6, 13)}, EupactError, "due_on"),
        ({"obligation_id": AFTER, "due_on": dt.date(2025, 6, 12)}, EupactError, "due_on"),
        ({"if_match": 3}, PreconditionFailed, "If-Match"),
    ]
    for change, error, field in cases:
        kw: dict[str, Any] = {"obligation_id": STRATEGY, "status": "in_progress", **change}
        with pytest.raises(error) as caught:
            desk.register.record(DE, **kw)
        assert not isinstance(caught.value, Forbidden), change
        assert any(p.field == field for p in caught.value.problems), (change, caught.value)
    assert desk.register.history(OBSERVER, STRATEGY, "DE") == []
    with pytest.raises(EupactError) as caught:
        desk.register.obligations(OBSERVER, block=11, act="nope", addressee="pope")
    assert {p.field for p in caught.value.problems} == {"block", "act", "addressee"}
    with pytest.raises(EupactError):
        desk.register.checklist(OBSERVER, "ZZ")
    assert desk.register.record(DE, STRATEGY, "in_progress", if_match=0).version == 1
    assert desk.register.record(DE, STRATEGY, "in_progress", if_match=1).version == 2


def test_the_demo_records_cited_facts_and_synthetic_states(desk: Desk) -> None:
    from eupact.cycle.demo import demo_tokens
    from eupact.cycle.register_demo import SYNTHETIC, load_register_demo

    desk.clock.to(dt.date(2026, 3, 2))
    bound = tuple(PARAMETERS.at(dt.date(2026, 3, 2))("scope.bound_member_states"))
    made = load_register_demo(desk.service, demo_tokens(desk.service, bound))
    real = RegisterProgress(desk.service.ctx)  # the curated register, not the fixed one
    views = [v for v in real.progress(OBSERVER) if v.current is not None]
    assert len(views) <= made and len(views) > 100
    states = [v for v in views if len(v.party) == 2]
    assert {v.current.evidence for v in states if v.current} == {SYNTHETIC}
    assert "DK" not in {v.party for v in states if v.ob.act != "eurodac"}
    by_id = {(v.ob.id, v.party): v for v in views}
    first = by_id[("register.ammr.9.first_report", "commission")]
    assert first.current is not None and first.current.status_date == dt.date(2025, 11, 11)
    assert first.done_late and "COM(2025) 795" in first.current.evidence
    act = by_id[("register.ammr.57.annual_solidarity_pool", "council")]
    assert act.current is not None and act.current.status_date == dt.date(2025, 12, 19)
    assert "2025/2642" in act.current.evidence and not act.done_late
    assert desk.service.verify_audit()["ok"] is True
