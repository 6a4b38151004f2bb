"""The crisis procedure in the service (Regulation (EU) 2024/1359, CFMR, Arts 2-7), on SQLite and
PostgreSQL alike, one world per backend (each test its own Member State, its own clock): who
records which act, every write audited with its article, acts appended never changed (the
database refuses), a late act recorded and flagged (not refused), acts out of order, a state not
bound, more than twelve months and overlapping crises refused in words, a request's reasoning
withheld from other states, the measures in force on a day, the plan and offsets read.

Dates hand-worked from the law (two weeks: the same weekday two weeks later, Reg. 1182/71 Art.
3(2)(b) as Art. 75 AMMR; a period of three months from day d ends the day before the same date
three months later, [reading] crisis.period_months)."""

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
from eupact.cycle.service.crisis import Crises
from eupact.cycle.service.crisis_plan import CrisisPlans
from eupact.cycle.service.crisis_records import WITHHELD
from eupact.cycle.service.dublin import DublinCases
from eupact.cycle.store.db import make_engine, sessions, upgrade
from eupact.errors import Conflict, EupactError, Forbidden, NotFound, PreconditionFailed

from .api_support import PARAMETERS, SNAPSHOT
from .clock_support import Clock
from .crisis_support import state
from .databases import BACKENDS, fresh_database
from .dublin_support import visa_case

D = dt.date
COMMISSION = Actor("test:commission", Role.COMMISSION)
COUNCIL = Actor("test:council", Role.COUNCIL)
COORDINATOR = Actor("test:coordinator", Role.COORDINATOR)
OBSERVER = Actor("test:observer", Role.OBSERVER)


@dataclass
class Desk:
    service: CycleService
    crises: Crises
    clock: Clock
    url: str

    def open(self, who: Actor, on: dt.date, **fields: Any) -> int:
        self.clock.to(max(on, self.clock.now.date()))
        body = {"situation": "mass_arrivals", "description": f"{who.state}: arrivals tripled"}
        return self.crises.open(who, {**body, **fields}, on).crisis_id

    def act(self, who: Actor, crisis: int, kind: str, on: dt.date, **fields: Any) -> Any:
        self.clock.to(max(on, self.clock.now.date()))
        return self.crises.record(who, crisis, kind, fields, on)

    def decided(self, geo: str, requested: dt.date, situation: str = "mass_arrivals") -> int:
        """A crisis up to its Council decision: request, Commission decision and proposal the
        next day, Council decision two days later applying from the day after."""
        one = dt.timedelta(days=1)
        c = self.open(state(geo), requested, situation=situation, derogations=["12"])
        self.act(
            COMMISSION,
            c,
            "commission_decision",
            requested + one,
            established=True,
            situation=situation,
        )
        self.act(COMMISSION, c, "proposal", requested + one, derogations=["12"])
        self.act(
            COUNCIL,
            c,
            "council_decision",
            requested + 3 * one,
            applies_from=(requested + 4 * one).isoformat(),
            derogations=["12"],
        )
        return c


@pytest.fixture(scope="module", params=BACKENDS)
def desk(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Desk]:
    tmp: Path = tmp_path_factory.mktemp("crisis")
    with fresh_database(str(request.param), tmp) as url:
        upgrade(url)
        engine = make_engine(url)
        clock = Clock()
        service = CycleService(
            sessions(engine), parameters=PARAMETERS, snapshot=SNAPSHOT, clock=clock
        )
        try:
            yield Desk(service, Crises(service.ctx), clock, url)
        finally:
            engine.dispose()


def refused(exc: EupactError) -> tuple[str, str]:
    p = exc.problems[0]
    return p.field, p.rule


def test_a_crisis_through_its_acts_with_a_late_decision_flagged(desk: Desk) -> None:
    it = state("IT")
    c = desk.open(it, D(2026, 9, 1), derogations=["10", "12"], solidarity={"relocations": 5000})
    desk.act(COMMISSION, c, "assessment_notified", D(2026, 9, 2))
    # Commission decision due Tue 1 Sep + 2 weeks = Tue 15 Sep (Art. 3(8)); adopted Fri 18 Sep
    desk.act(
        COMMISSION,
        c,
        "commission_decision",
        D(2026, 9, 18),
        established=True,
        situation="mass_arrivals",
        reference="C(2026) 1",
    )
    plan = {"relocations": 5000, "from_pool_relocations": 2000, "additional_relocations": 3000}
    desk.act(COMMISSION, c, "proposal", D(2026, 9, 18), derogations=["10", "12"], plan=plan)
    # Council decision due Fri 18 Sep + 2 weeks = Fri 2 Oct (Art. 4(3)); adopted Wed 30 Sep
    desk.act(
        COUNCIL,
        c,
        "council_decision",
        D(2026, 9, 30),
        applies_from="2026-10-01",
        derogations=["10", "12"],
        plan=plan,
        reference="CID (EU) 2026/1",
    )
    desk.act(COORDINATOR, c, "bulletin", D(2026, 10, 14))
    desk.clock.to(D(2026, 10, 20))
    read = desk.crises.get(OBSERVER, c)
    s = read.state
    assert s.phase.value == "applying" and read.version == 6
    late = [f for f in s.flags if f.code == "late_commission_decision"]
    assert len(late) == 1 and "2026-09-15" in late[0].text and "valid" in late[0].text
    assert s.due("commission_decision").status.value == "done late"
    assert s.due("council_decision.1").status.value == "done"
    # 1 Oct + 3 months: the day before 1 Jan 2027 (Art. 5(1))
    assert [(p.first, p.last) for p in s.periods] == [(D(2026, 10, 1), D(2026, 12, 31))]
    # in force 30 Sep: report by 30 Dec (6(4)); bulletins 14 Oct (done), then 28 Oct (Art. 7)
    view = read.as_dict(OBSERVER)
    assert view["next_report"]["due"] == "2026-12-30"
    assert view["next_bulletin"]["due"] == "2026-10-28"
    assert [m["decision"] for m in view["measures_in_force"]] == ["CID (EU) 2026/1"]
    # the measures in force, for the responsibility engine
    assert desk.crises.crises_in_force(D(2026, 9, 30), "IT") == ()
    (m,) = desk.crises.crises_in_force(D(2026, 10, 1), "IT")
    assert (m.applies_from, m.applies_until, sorted(d.value for d in m.derogations)) == (
        D(2026, 10, 1),
        D(2026, 12, 31),
        ["10", "12"],
    )
    assert desk.crises.crises_in_force(D(2027, 1, 1), "IT") == ()
    # extended once on the Commission's confirmation: 1 Jan + 3 months -> 31 Mar 2027 (5(1))
    desk.act(COMMISSION, c, "extension", D(2026, 12, 20))
    (m,) = desk.crises.crises_in_force(D(2027, 3, 31), "IT")
    assert m.applies_until == D(2027, 3, 31)
    with pytest.raises(EupactError) as second:
        desk.act(COMMISSION, c, "extension", D(2026, 12, 21))
    assert "once" in refused(second.value)[1] and "5(1)" in refused(second.value)[1]
    # the calendar: one event per due date, stable UIDs
    ics = Calendar.from_ical(desk.crises.ics(COORDINATOR, c))
    uids = {str(e["UID"]) for e in ics.walk("VEVENT")}
    assert f"crisis-{c}-commission_decision@eupact" in uids
    assert f"crisis-{c}-report.1@eupact" in uids


def test_every_act_is_audited_with_its_article_and_the_rows_are_append_only(desk: Desk) -> None:
    c = desk.decided("PT", D(2026, 8, 3))
    log = [e.as_dict() for e in desk.service.audit_log(COMMISSION, 0, 1000)[0]]
    mine = [
        e
        for e in log
        if e["entity"] == f"crisis:{c}"
        or (e["entity"].startswith("crisis_event:") and e["after"]["crisis_id"] == c)
    ]
    assert [(e["action"], e["article"], e["role"]) for e in mine] == [
        ("crisis.open", "Art. 2 CFMR", "member_state"),
        ("crisis.request", "Art. 2 CFMR", "member_state"),
        ("crisis.commission_decision", "Art. 3(8) CFMR", "commission"),
        ("crisis.proposal", "Art. 4(1)-(2) CFMR", "commission"),
        ("crisis.council_decision", "Art. 4(3), (5) CFMR", "council"),
    ]
    assert desk.service.verify_audit(COMMISSION)["ok"] is True
    engine = desk.service.engine
    for statement in ("UPDATE crisis_events SET kind = 'repeal'", "DELETE FROM crises"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))


def test_who_records_which_act(desk: Desk) -> None:
    c = desk.open(state("HR"), D(2026, 8, 10))
    cases = [
        (state("HR"), "commission_decision", Forbidden, "role"),  # not an institution
        (COUNCIL, "commission_decision", Forbidden, "kind"),  # the Commission's act (3(8))
        (COMMISSION, "council_decision", Forbidden, "kind"),  # the Council's (4(3))
        (COMMISSION, "bulletin", Forbidden, "kind"),  # the Coordinator's (Art. 7)
        (OBSERVER, "report", Forbidden, "role"),
        (COMMISSION, "request", EupactError, "kind"),  # a request opens a crisis
        (COMMISSION, "verdict", EupactError, "kind"),
    ]
    for who, kind, error, field in cases:
        with pytest.raises(error) as exc:
            desk.act(who, c, kind, D(2026, 8, 11))
        assert exc.value.problems[0].field == field, (who, kind, exc.value)
    with pytest.raises(Forbidden) as other:  # FR asks for HR
        desk.crises.open(
            state("FR"), {"state": "HR", "situation": "force_majeure", "description": "x"}
        )
    assert "only for itself" in refused(other.value)[1]
    for who in (COMMISSION, OBSERVER):
        with pytest.raises(Forbidden):
            desk.crises.open(who, {"state": "HR", "situation": "force_majeure", "description": "x"})
    assert desk.crises.get(OBSERVER, c).version == 1  # nothing recorded by the refusals


def test_a_state_not_bound_or_unknown_is_refused_in_words(desk: Desk) -> None:
    for geo, words in (("DK", "Denmark is not bound by the CFMR"), ("XK", "not a Member State")):
        with pytest.raises(EupactError) as exc:
            desk.open(state(geo), D(2026, 8, 3))
        field, rule = refused(exc.value)
        assert field == "state" and words in rule, rule
    with pytest.raises(EupactError) as early:  # the CFMR applies from 12 June 2026 ([reading])
        desk.open(state("SK"), D(2026, 6, 11))
    assert refused(early.value)[0] == "date"
    assert desk.crises.all(OBSERVER, "DK") == []


def test_acts_out_of_order_or_in_the_future_are_refused(desk: Desk) -> None:
    c = desk.open(state("EL"), D(2026, 8, 3))
    with pytest.raises(EupactError) as no_proposal:
        desk.act(COUNCIL, c, "council_decision", D(2026, 8, 4), applies_from="2026-08-05")
    assert "3(8)" in refused(no_proposal.value)[1]
    with pytest.raises(EupactError) as before:
        desk.act(
            COMMISSION,
            c,
            "commission_decision",
            D(2026, 8, 2),
            established=True,
            situation="mass_arrivals",
        )
    assert refused(before.value)[0] == "date"
    desk.clock.to(D(2026, 8, 5))
    with pytest.raises(EupactError) as future:
        desk.crises.record(COMMISSION, c, "assessment_notified", {}, D(2026, 8, 6))
    assert "on or before today" in refused(future.value)[1]
    with pytest.raises(EupactError) as field:
        desk.act(COMMISSION, c, "assessment_notified", D(2026, 8, 5), plan={"relocations": 1})
    assert refused(field.value)[0] == "plan"  # not a field of a notice
    with pytest.raises(NotFound):
        desk.act(COMMISSION, 10**6, "assessment_notified", D(2026, 8, 5))
    assert desk.crises.get(OBSERVER, c).version == 1


def test_more_than_twelve_months_is_refused(desk: Desk) -> None:
    # ES: 3 + 3 months, a new decision 3 + 3 (Art. 5(1)-(2)): twelve months from 5 Jul 2026 end
    # on 4 Jul 2027; a third decision would pass them (Art. 5(3))
    c = desk.decided("ES", D(2026, 7, 1))  # applies from 5 Jul, to 4 Oct 2026
    desk.act(COMMISSION, c, "extension", D(2026, 9, 20))  # to 4 Jan 2027
    desk.act(
        COMMISSION, c, "proposal", D(2026, 12, 20), derogations=["12"], requested_on="2026-12-18"
    )
    desk.act(
        COUNCIL, c, "new_decision", D(2026, 12, 30), applies_from="2027-01-05", derogations=["12"]
    )  # 5 Jan to 4 Apr 2027
    desk.act(COMMISSION, c, "extension", D(2027, 3, 20))  # to 4 Jul 2027
    s = desk.crises.get(OBSERVER, c).state
    assert s.latest_end == D(2027, 7, 4) and s.periods[-1].last == D(2027, 7, 4)
    desk.act(
        COMMISSION, c, "proposal", D(2027, 6, 25), derogations=["12"], requested_on="2027-06-20"
    )
    with pytest.raises(EupactError) as exc:
        desk.act(
            COUNCIL,
            c,
            "new_decision",
            D(2027, 6, 30),
            applies_from="2027-07-05",
            derogations=["12"],
        )
    assert "12 months" in refused(exc.value)[1] and "5(3)" in refused(exc.value)[1]


def test_overlapping_crises_of_one_state_are_refused(desk: Desk) -> None:
    fr = state("FR")
    first = desk.decided("FR", D(2026, 7, 1), "force_majeure")  # 5 Jul - 4 Oct 2026
    desk.clock.to(D(2026, 7, 10))
    with pytest.raises(Conflict) as open_:  # first is applying: no second request
        desk.crises.open(fr, {"situation": "force_majeure", "description": "again"})
    assert "5(2)" in refused(open_.value)[1]
    second = desk.decided("FR", D(2026, 11, 2), "force_majeure")  # first ended: 6 Nov - 5 Feb
    desk.act(
        COMMISSION,
        first,
        "proposal",
        D(2026, 11, 10),
        derogations=["12"],
        requested_on="2026-10-04",
    )
    with pytest.raises(EupactError) as overlap:  # first's new decision would cover second's days
        desk.act(
            COUNCIL,
            first,
            "new_decision",
            D(2026, 11, 20),
            applies_from="2026-11-21",
            derogations=["12"],
        )
    assert "overlap" in refused(overlap.value)[1]
    assert [r.id for r in desk.crises.all(OBSERVER, "FR")] == [second, first]


def test_a_requests_reasoning_is_withheld_from_other_states(desk: Desk) -> None:
    c = desk.open(
        state("LT"),
        D(2026, 8, 3),
        situation="instrumentalisation",
        description="hostile actor pushes people to the border",
    )
    for reader, sees in (
        (state("LT"), True),
        (COMMISSION, True),
        (COUNCIL, True),
        (COORDINATOR, True),
        (state("PL"), False),
        (OBSERVER, False),
    ):
        view = desk.crises.get(reader, c).as_dict(reader)
        shown = view["acts"][0]["payload"]["description"]
        assert (shown == "hostile actor pushes people to the border") is sees, reader
        assert (shown == WITHHELD) is not sees
        assert view["acts"][0]["payload"]["situation"] == "instrumentalisation"


def test_retries_and_stale_writers(desk: Desk) -> None:
    c = desk.open(state("LV"), D(2026, 8, 3))
    desk.clock.to(D(2026, 8, 4))
    first = desk.crises.record(COMMISSION, c, "assessment_notified", {}, key="k-lv-1")
    again = desk.crises.record(COMMISSION, c, "assessment_notified", {}, key="k-lv-1")
    assert again == first and desk.crises.get(OBSERVER, c).version == 2
    with pytest.raises(PreconditionFailed):
        desk.crises.record(COMMISSION, c, "commission_decision", {"established": False}, if_match=1)
    desk.crises.record(COMMISSION, c, "commission_decision", {"established": False}, if_match=2)
    assert desk.crises.get(OBSERVER, c).state.phase.value == "not established"


def test_plan_and_offsets_read_through_the_service(desk: Desk) -> None:
    c = desk.decided("CY", D(2026, 8, 3))
    plans = CrisisPlans(desk.service.ctx, desk.crises)
    with pytest.raises(EupactError) as none:  # the decision set no plan, nor was one asked
        plans.plan(OBSERVER, c)
    assert refused(none.value)[0] == "crisis_id"
    c2 = desk.open(state("MT"), D(2026, 8, 3), solidarity={"relocations": 200})
    got = plans.plan(OBSERVER, c2)
    assert got["needs_from"] == "request" and got["pool_pledges_counted"] is False
    computed = got["computed"]
    # no pool recorded: nothing drawn from it, all 200 are additional pledges (4(2)(b)(iv))
    assert computed["from_pool"]["relocations"] == 0
    assert computed["additional_pledges_needed"]["relocations"] == 200
    assert "MT" not in computed["indicative_contributions"]
    with pytest.raises(EupactError) as offsets:  # no Council decision yet (Art. 9(1))
        plans.offsets(OBSERVER, c2)
    assert "9(1)" in refused(offsets.value)[1]


def test_the_dublin_workspace_reads_the_crisis_in_force(desk: Desk) -> None:
    """Art. 12(2)(a) CFMR through the service: BE's take charge request, due 2 months from the
    registration (Art. 39(1) AMMR: 10 Oct 2026 -> Thu 10 Dec 2026), is due 4 months from it
    while BE's decision authorising Art. 12 applies (-> Wed 10 Feb 2027)."""
    cases = DublinCases(desk.service.ctx)
    be = state("BE")
    desk.clock.to(D(2026, 10, 20))
    cases.create(be, visa_case("SYN-CRISIS-BE-1", "BE", "DE", D(2026, 10, 10)))
    (t6,) = [d for d in cases.get(be, "SYN-CRISIS-BE-1").decision.deadlines if d.id == "T6"]
    assert (t6.due, t6.article) == (D(2026, 12, 10), "39(1)")
    desk.decided("BE", D(2026, 9, 1))  # Art. 12 applies from 5 Sep to 4 Dec 2026
    desk.clock.to(D(2026, 10, 20))
    (t6,) = [d for d in cases.get(be, "SYN-CRISIS-BE-1").decision.deadlines if d.id == "T6"]
    assert (t6.due, t6.article) == (D(2027, 2, 10), "12(2)(a) CFMR")
