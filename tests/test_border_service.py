"""Watching the border procedure in the service (APR Arts. 47(2)-(3), 48-50), on SQLite and
PostgreSQL alike, one database per backend for the module (each test works on its own states):
a Member State records its own figures and notifications, the Commission its Art. 50 acts; the
status month by month (hand-worked against the recorded capacity of Decision (EU) 2024/2150);
corrections appended as versions; every write audited and replayable; the tables append-only
in the database; refusals in words naming field, month and rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Role
from eupact.cycle.service import CycleService
from eupact.cycle.service.border import BorderWatch
from eupact.cycle.store.border import (
    BorderCommissionActRow,
    BorderFiguresRow,
    BorderNotificationRow,
)
from eupact.cycle.store.db import make_engine, sessions, upgrade
from eupact.errors import Conflict, EupactError, Forbidden, NotFound, PreconditionFailed

from .api_support import PARAMETERS, SNAPSHOT
from .databases import BACKENDS, fresh_database

IT, EL, ES, HU, PL, DE, FR, AT, SE = (
    Actor(f"test:{s}", Role.MEMBER_STATE, s)
    for s in ("IT", "EL", "ES", "HU", "PL", "DE", "FR", "AT", "SE")
)
COMMISSION = Actor("test:commission", Role.COMMISSION)
COUNCIL = Actor("test:council", Role.COUNCIL)
OBSERVER = Actor("test:observer", Role.OBSERVER)
TODAY = dt.date(2026, 12, 5)


def month(m: str, stock: tuple[int, int], entered: int, left: int, examined: int = 0) -> dict:
    return {
        "month": m,
        "asylum_border": stock[0],
        "return_border": stock[1],
        "entered": entered,
        "left": left,
        "examined": examined,
    }


@dataclass
class Desk:
    service: CycleService
    watch: BorderWatch
    url: str

    def log(self, action: str) -> list[dict[str, Any]]:
        entries = self.service.audit_log(COMMISSION, 0, 10_000)[0]
        return [e.as_dict() for e in entries if e.action == action]


@pytest.fixture(scope="module", params=BACKENDS)
def desk(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Desk]:
    tmp: Path = tmp_path_factory.mktemp("border")
    with fresh_database(str(request.param), tmp) as url:
        upgrade(url)
        engine = make_engine(url)
        service = CycleService(
            sessions(engine),
            parameters=PARAMETERS,
            snapshot=SNAPSHOT,
            clock=lambda: dt.datetime.combine(TODAY, dt.time(9), dt.UTC),
        )
        try:
            yield Desk(service, BorderWatch(service.ctx), url)
        finally:
            engine.dispose()


def test_the_status_month_by_month_against_the_recorded_capacity(desk: Desk) -> None:
    """Italy: capacity 8,016 (Decision (EU) 2024/2150 as recorded, SECONDARY). Hand-worked:
    June 5,000 + 3,000 = 8,000 < 8,016; July 8,000 + 100 - 50 = 8,050 >= 8,016 (reached, may
    notify, Art. 48(1)); notified on 3 August; August 8,050 + 10 - 100 = 7,960 < 8,016: bound
    again for 42(1)(j) (Art. 48(3)); September 7,960 + 200 - 50 = 8,110 >= 8,016: released from
    42(1)(j); 8,110 / 8,016 = 1.01173 -> 101.2 % in use."""
    w = desk.watch
    batch = w.record_figures(
        IT,
        [
            month("2026-06", (5000, 3000), 8000, 0),
            month("2026-07", (5050, 3000), 100, 50),
            month("2026-08", (4960, 3000), 10, 100),
            month("2026-09", (5110, 3000), 200, 50),
        ],
    )
    assert [r.version for r in batch.records()] == [1, 1, 1, 1]
    w.notify(
        IT,
        "48",
        dt.date(2026, 8, 3),
        in_procedure=8050,
        measure="apply",
        reasoning="the border facilities are full",
    )
    (it,) = w.status(OBSERVER, "it", 2026)["states"]
    assert (it["capacity"], it["capacity_source"]["source_class"]) == (8016, "secondary")
    rows = {m["month"]: m for m in it["months"]}
    assert [rows[m]["in_procedure"] for m in sorted(rows)] == [8000, 8050, 7960, 8110]
    assert (rows["2026-06"]["capacity_reached"], rows["2026-07"]["may_notify_capacity"]) == (
        False,
        True,
    )
    assert rows["2026-07"]["released_from"] == [] and rows["2026-08"]["released_from"] == []
    assert any("Art. 48(3)" in n for n in rows["2026-08"]["notes"])
    assert rows["2026-09"]["released_from"] == ["42(1)(j)"]
    assert rows["2026-09"]["used_percent"] == "101.2"
    assert rows["2026-09"]["always_bound"] == ["42(1)(f)", "42(3)(b)"]


def test_the_art_50_flow_releases_from_c_and_j(desk: Desk) -> None:
    """Hungary: capacity 7,716, annual maximum from 12 June 2026 = 2 x 7,716 = 15,432. Its
    examined applications: 8,000 in July + 7,500 in August = 15,500 >= 15,432."""
    w = desk.watch
    w.record_figures(
        HU,
        [
            month("2026-07", (100, 0), 100, 0, examined=8000),
            month("2026-08", (100, 0), 10, 10, examined=7500),
            month("2026-09", (100, 0), 0, 0),
        ],
    )
    with pytest.raises(EupactError) as refused:  # below the maximum: not the article's case
        w.notify(HU, "50", dt.date(2026, 8, 20), examined=15_000)
    assert "15,432" in str(refused.value.problems[0].rule)
    n = w.notify(HU, "50", dt.date(2026, 9, 2), examined=15_500)
    with pytest.raises(EupactError, match="verification"):  # the act follows the verification
        w.record_act(COMMISSION, n.ref, "implementing_act", dt.date(2026, 9, 5), reference="X")
    with pytest.raises(Forbidden):
        w.record_act(HU, n.ref, "verification", dt.date(2026, 9, 5))
    with pytest.raises(EupactError, match="on or after the notification"):
        w.record_act(COMMISSION, n.ref, "verification", dt.date(2026, 9, 1))
    w.record_act(COMMISSION, n.ref, "verification", dt.date(2026, 9, 10), outcome="verified")
    with pytest.raises(Conflict):
        w.record_act(COMMISSION, n.ref, "verification", dt.date(2026, 9, 11))
    act = w.record_act(
        COMMISSION,
        n.ref,
        "implementing_act",
        dt.date(2026, 9, 17),
        reference="Commission Implementing Decision (EU) 2026/TEST",
    )
    assert (act.outcome, act.geo, act.year) == ("authorised", "HU", 2026)
    (hu,) = w.status(FR, "HU")["states"]
    rows = {m["month"]: m for m in hu["months"]}
    assert rows["2026-08"]["maximum_reached"] and rows["2026-08"]["examined_year"] == 15_500
    assert rows["2026-08"]["released_from"] == []  # the act came in September
    assert rows["2026-09"]["released_from"] == ["42(1)(c)", "42(1)(j)"]
    assert rows["2026-09"]["authorised_by"] == "Commission Implementing Decision (EU) 2026/TEST"
    (view,) = w.notifications(OBSERVER, "HU")
    assert [a["kind"] for a in view["acts"]] == ["verification", "implementing_act"]
    assert view["check"]["maximum"] == 15_432
    log = desk.log("border.act")
    assert [(e["role"], e["article"]) for e in log[-2:]] == [
        ("commission", "Art. 50, second paragraph, APR"),
        ("commission", "Art. 50, third paragraph, APR"),
    ]


def test_only_a_state_records_its_own_and_only_the_commission_acts(desk: Desk) -> None:
    w = desk.watch
    one = [month("2026-07", (1, 0), 1, 0)]
    with pytest.raises(Forbidden, match="acts only for itself"):
        w.record_figures(DE, one, geo="FR")
    for actor in (COMMISSION, COUNCIL, OBSERVER):
        with pytest.raises(Forbidden, match=r"'border\.record' is open to member_state"):
            w.record_figures(actor, one, geo="DE")
        with pytest.raises(Forbidden):
            w.notify(actor, "48", dt.date(2026, 7, 3), geo="DE", in_procedure=500)
    with pytest.raises(Forbidden, match=r"'border\.decide' is open to commission"):
        w.record_act(COUNCIL, "IT-50-2026-1", "verification", dt.date(2026, 9, 1))
    with pytest.raises(EupactError, match="Protocol No 22"):  # Denmark: not bound by the APR
        w.record_figures(Actor("t:DK", Role.MEMBER_STATE, "DK"), one)
    for reader in (COUNCIL, OBSERVER, FR):  # everyone reads (border.read)
        w.status(reader)
        w.capacities(reader, year=2026)


def test_refusals_name_field_month_and_rule_and_store_nothing(desk: Desk) -> None:
    w = desk.watch
    w.record_figures(ES, [month("2026-07", (3000, 100), 3100, 0)])
    cases: list[tuple[list[dict], str, str]] = [
        ([month("2026-09", (3000, 100), 0, 0)], "month", "2026-08 is missing"),
        ([month("2026-08", (3000, 100), 50, 0)], "asylum_border + return_border", "3,150"),
        ([{**month("2026-08", (3000, 100), 0, 0), "left": -1}], "months[0].left", "negative"),
        (
            [{**month("2026-08", (3000, 100), 0, 0), "entered": 10**30}],
            "months[0].entered",
            "above",
        ),
        (
            [{**month("2026-08", (3000, 100), 0, 0), "examined": "1e9"}],
            "months[0].examined",
            "digits",
        ),
        ([{**month("2026-08", (3000, 100), 0, 0), "examined": True}], "months[0].examined", "true"),
        ([month("2027-01", (3000, 100), 0, 0)], "months[0].month", "has begun"),
        ([month("2026-05", (3000, 100), 0, 0)], "months[0].month", "2026-06-12"),
        ([month("2026-13", (3000, 100), 0, 0)], "months[0].month", "2026-07"),
        ([{**month("2026-08", (3000, 100), 0, 0), "staff": 12}], "weeks", "(b)"),
        (
            [{**month("2026-08", (3000, 100), 0, 0), "avg_admin_days": "1e3"}],
            "months[0].avg_admin_days",
            "days",
        ),
    ]
    before = desk.service.audit_log(COMMISSION, 0, 1)[1]
    for months, field, rule in cases:
        with pytest.raises(EupactError) as refused:
            w.record_figures(ES, months)
        problems = refused.value.problems
        assert any(p.field == field and rule in p.rule for p in problems), (field, problems)
        assert "Problem(" not in str(refused.value)  # words, never a repr
    assert desk.service.audit_log(COMMISSION, 0, 1)[1] == before  # nothing written
    (es,) = w.figures(OBSERVER, "ES")[0]
    assert (es["month"], es["in_procedure"]) == ("2026-07", 3100)


def test_a_correction_is_a_new_version_and_the_history_is_kept(desk: Desk) -> None:
    """Greece corrects July and August together (the stock must still follow the flows)."""
    w = desk.watch
    w.record_figures(
        EL,
        [month("2026-07", (2000, 0), 2000, 0), month("2026-08", (2100, 0), 150, 50)],
    )
    _, revision = w.figures(EL, "EL")
    assert revision == 2
    with pytest.raises(PreconditionFailed):
        w.record_figures(EL, [month("2026-08", (2100, 0), 150, 50)], if_match=1)
    with pytest.raises(EupactError, match="does not follow"):  # July alone would break August
        w.record_figures(EL, [month("2026-07", (1900, 0), 1900, 0)], if_match=2)
    w.record_figures(
        EL,
        [
            {**month("2026-07", (1900, 0), 1900, 0), "note": '=HYPERLINK("http://x","y")'},
            month("2026-08", (2000, 0), 150, 50),
        ],
        if_match=2,
        key="el-correction",
    )
    again = w.record_figures(
        EL,
        [
            {**month("2026-07", (1900, 0), 1900, 0), "note": '=HYPERLINK("http://x","y")'},
            month("2026-08", (2000, 0), 150, 50),
        ],
        if_match=2,
        key="el-correction",
    )
    assert [r.version for r in again.records()] == [2, 2]  # the retry answered, not repeated
    history = w.history(COMMISSION, "EL", "2026-07")
    assert [(h["version"], h["in_procedure"]) for h in history] == [(1, 2000), (2, 1900)]
    assert history[-1]["note"] == '=HYPERLINK("http://x","y")'  # stored as typed
    assert w.figures(EL, "EL")[1] == 4
    corrected = [e for e in desk.log("border.figures") if e["after"]["geo"] == "EL"]
    assert len(corrected) == 4 and corrected[-2]["before"]["version"] == 1
    assert corrected[-2]["article"] == "Art. 49(4) APR" and corrected[0]["role"] == "member_state"


def test_notifications_content_visibility_and_corrections(desk: Desk) -> None:
    w = desk.watch
    with pytest.raises(EupactError, match="below the adequate capacity 1,564"):  # Poland
        w.notify(PL, "48", dt.date(2026, 7, 6), in_procedure=1000, measure="apply", reasoning="r")
    with pytest.raises(EupactError, match="49\\(1\\)\\(b\\)"):
        w.notify(PL, "48", dt.date(2026, 7, 6), in_procedure=1600, measure="maybe", reasoning="r")
    with pytest.raises(EupactError, match="required"):
        w.notify(PL, "48", dt.date(2026, 7, 6), in_procedure=1600, measure="apply")
    with pytest.raises(EupactError, match="on or before today"):
        w.notify(PL, "48", dt.date(2027, 1, 6), in_procedure=1600, measure="apply", reasoning="r")
    n = w.notify(
        PL,
        "48",
        dt.date(2026, 7, 6),
        in_procedure=1600,
        measure="apply",
        reasoning="=cmd|' /C calc'!A0",
        other_measures="more staff",
    )
    fixed = w.notify(
        PL,
        "48",
        dt.date(2026, 7, 6),
        in_procedure=1650,
        measure="apply",
        reasoning="corrected",
        ref=n.ref,
        if_match=1,
    )
    assert (fixed.ref, fixed.version, fixed.in_procedure) == (n.ref, 2, 1650)
    with pytest.raises(PreconditionFailed):
        w.notify(
            PL, "48", dt.date(2026, 7, 6), in_procedure=1650, measure="apply",
            reasoning="x", ref=n.ref, if_match=1,
        )  # fmt: skip
    with pytest.raises(NotFound):
        w.notify(SE, "48", dt.date(2026, 7, 6), in_procedure=9, measure="apply", reasoning="x",
                 ref=n.ref)  # fmt: skip
    # Sweden: capacity not in the record, the notification is taken and says it is not checked
    se = w.notify(SE, "48", dt.date(2026, 7, 6), in_procedure=9, measure="apply", reasoning="x")
    assert "not checked" in w.notification(OBSERVER, se.ref)["check"]["condition"]
    assert w.notification(OBSERVER, n.ref)["reasoning"] is None  # observers: not 49(1)(c)
    assert w.notification(FR, n.ref)["reasoning"] == "corrected"  # other states: 49(3)
    log = [e for e in desk.log("border.notify") if e["after"]["ref"] == n.ref]
    assert [e["before"] is None for e in log] == [True, False]
    assert log[0]["after"]["reasoning"] == "=cmd|' /C calc'!A0"


def test_art_49_4_details_go_to_the_commission_and_the_state(desk: Desk) -> None:
    """Austria (no recorded capacity) reports July with every Art. 49(4) element: the weeks of
    July 2026 start on Mondays 29 June, 6, 13, 20 and 27 July."""
    weeks = [
        {"week_start": d, "entered": 20, "left": 0}
        for d in ("2026-06-29", "2026-07-06", "2026-07-13", "2026-07-20", "2026-07-27")
    ]
    report = {
        **month("2026-07", (100, 0), 100, 0),
        "staff": 12,
        "avg_admin_days": "9.5",
        "avg_appeal_days": 21,
        "weekly": weeks,
    }
    w = desk.watch
    with pytest.raises(EupactError, match="missing"):
        w.record_figures(AT, [{**report, "weekly": weeks[:4]}])
    w.record_figures(AT, [report])
    (own,) = w.figures(AT, "AT")[0]
    (seen,) = w.figures(COMMISSION, "AT")[0]
    (other,) = w.figures(DE, "AT")[0]
    assert (own["staff"], own["avg_admin_days"], seen["avg_appeal_days"]) == (12, "9.50", "21.00")
    assert len(seen["weekly"]) == 5
    assert (other["staff"], other["weekly"], other["in_procedure"]) == (None, None, 100)
    (at,) = w.status(OBSERVER, "AT")["states"]
    assert at["capacity"] is None and at["capacity_source"]["status"] == "not available"
    assert at["months"][0]["used_percent"] is None


def test_capacities_side_by_side_and_the_audit_replays(desk: Desk) -> None:
    w = desk.watch
    cap = w.capacities(OBSERVER, year=2026)
    rows = {r["geo"]: r for r in cap["rows"]}
    assert (rows["IT"]["recorded"], rows["IT"]["recorded_class"]) == (8016, "secondary")
    assert rows["FR"]["recorded_label"] == "not available"
    # Frontex detections by state are not held: nothing is computed, never 0
    assert rows["IT"]["computed"] is None and rows["IT"]["computed_label"] == "not available"
    assert cap["computed"]["not_held"] and cap["act"]["window"] == [2021, 2022, 2023]
    assert desk.service.verify_audit()["ok"] is True


# One row of each table, written behind the service's back on a database of its own: triggers
# fire only on rows, and this test must not depend on what the module's other tests recorded
# (under xdist they may run on another worker).
_NOW = dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)


def _rows() -> dict[str, Any]:
    return {
        "border_figures": BorderFiguresRow(
            geo="IT",
            month=dt.date(2026, 7, 1),
            asylum_border=1,
            return_border=0,
            entered=1,
            left=0,
            examined=1,
            source="api",
            actor="test",
            recorded_at=_NOW,
            version=1,
        ),
        "border_notifications": BorderNotificationRow(
            ref="n1",
            geo="IT",
            article="48",
            notified_on=dt.date(2026, 7, 31),
            year=2026,
            source="api",
            actor="test",
            recorded_at=_NOW,
            version=1,
        ),
        "border_commission_acts": BorderCommissionActRow(
            ref="a1",
            notification_ref="n1",
            geo="IT",
            kind="verification",
            act_date=dt.date(2026, 8, 3),
            year=2026,
            outcome="verified",
            reference="x",
            source="api",
            actor="test",
            recorded_at=_NOW,
            version=1,
        ),
    }


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_border_tables_are_append_only(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        rows = _rows()
        try:
            with sessions(engine)() as session, session.begin():
                session.add_all(rows.values())
            for table in rows:
                for sql in (f"UPDATE {table} SET geo = 'FR'", f"DELETE FROM {table}"):
                    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                        conn.execute(text(sql))
                with engine.connect() as conn:
                    assert conn.execute(text(f"SELECT geo FROM {table}")).scalars().all() == ["IT"]
        finally:
            engine.dispose()


def test_months_after_the_recorded_act_are_listed_not_judged(desk: Desk) -> None:
    """Decision (EU) 2024/2150 applies until 14 October 2027. Germany (374, recorded): September
    2027 is judged — 400 / 374 = 1.0695 -> 107.0 %, maximum 3 x 374 = 1,122 from 13 June 2027;
    October and November 2027 end after the act: "not available", nothing judged."""
    later = dt.datetime.combine(dt.date(2027, 12, 5), dt.time(9), dt.UTC)
    desk.service.clock = lambda: later
    try:
        desk.watch.record_figures(
            DE,
            [
                month("2027-09", (300, 100), 400, 0, examined=50),
                month("2027-10", (300, 100), 0, 0),
                month("2027-11", (250, 100), 0, 50),
            ],
        )
        (de,) = desk.watch.status(OBSERVER, "DE")["states"]
        sep, oct_, nov = de["months"]
        assert (sep["used_percent"], sep["maximum"], sep["capacity"]) == ("107.0", 1122, 374)
        for m in (oct_, nov):
            assert (m["capacity"], m["used_percent"], m["released_from"]) == (None, None, [])
            assert "no implementing act of Art. 47(1) recorded" in m["notes"][0]
        assert nov["in_procedure"] == 350
    finally:
        desk.service.clock = lambda: dt.datetime.combine(TODAY, dt.time(9), dt.UTC)
