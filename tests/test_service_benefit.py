"""Who uses the pool, on SQLite and PostgreSQL (Art. 58, 59, 60(3), 61(1) AMMR).

A state the Art. 11 decision identified under pressure benefits once it informs, after the
Council act, that it uses the pool (58(1)); a state not identified notifies (59(1)) and benefits
from the Commission's decision (59(4)) unless access is refused within two weeks (59(6)). The
golden flows here carry their dates: the standing is read as of a day, and every figure the
service computes (outcome, deductions, offsets) follows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from eupact.cycle.permissions import Actor, Forbidden
from eupact.cycle.phases import ORDER, TRANSITIONS, Action, Phase, Role
from eupact.cycle.service import CycleService
from eupact.cycle.store.db import make_engine, sessions, upgrade
from eupact.cycle.store.models import AuditRow, PoolUseRow
from eupact.data.snapshot import load_snapshot
from eupact.errors import Conflict, EupactError, NotFound
from eupact.parameters import load_parameters
from eupact.pool.benefit import Needs, Notification, ShortcomingsFinding, UseOfPool
from eupact.pool.pledges import Deduction, Pledge, PledgeKind

from .databases import BACKENDS, fresh_database

YEAR = 2026
D = dt.date
C = Actor("c", Role.COMMISSION)
CO = Actor("co", Role.COUNCIL)
SC = Actor("sc", Role.COORDINATOR)
OB = Actor("ob", Role.OBSERVER)


def state(geo: str) -> Actor:
    return Actor(geo.lower(), Role.MEMBER_STATE, geo)


STEPS: list[tuple[Action, Actor, dt.date]] = [
    (Action.ADOPT_REPORT, C, D(2025, 11, 11)),
    (Action.ADOPT_DECISION, C, D(2025, 11, 11)),
    (Action.ADOPT_PROPOSAL, C, D(2025, 11, 11)),
    (Action.CONVENE_FORUM, CO, D(2025, 11, 18)),
    (Action.OPEN_PLEDGING, CO, D(2025, 11, 27)),
    (Action.CLOSE_PLEDGING, CO, D(2025, 12, 8)),
    (Action.ADOPT_COUNCIL_ACT, CO, D(2025, 12, 19)),
    (Action.START_IMPLEMENTATION, SC, D(2026, 6, 12)),
]
PARAMETERS = load_parameters()
SNAPSHOT = load_snapshot()


@pytest.fixture(params=BACKENDS)
def service(request, tmp_path) -> Iterator[CycleService]:
    with fresh_database(request.param, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        svc = CycleService(sessions(engine), parameters=PARAMETERS, snapshot=SNAPSHOT)
        svc.create_cycle(C, YEAR)
        yield svc
        engine.dispose()


def advance(svc: CycleService, target: Phase) -> None:
    for action, who, on in STEPS:
        phase = Phase(svc.get_cycle(C, YEAR).phase)
        if ORDER.index(phase) >= ORDER.index(target):
            return
        if phase is TRANSITIONS[action].source:
            svc.transition(who, YEAR, action, on)


def inform(svc: CycleService, geo: str, on: dt.date, relocations: int = 0) -> int:
    use = UseOfPool(geo, on, Needs(relocations))
    return svc.inform_use_of_pool(state(geo), YEAR, use).id


JULY_1 = D(2026, 7, 1)


def notification(geo: str, on: dt.date = JULY_1) -> Notification:
    return Notification(
        geo,
        on,
        "Sea arrivals doubled in the last 12 months (Art. 9(3)(a))",
        Needs(400, Decimal("5000000")),
        "Relocation frees reception capacity",
        "Contingency plan activated",
    )


def head(svc: CycleService) -> int:
    with svc.sessions() as session:
        return len(session.execute(select(AuditRow.seq)).all())


def rule_of(exc: pytest.ExceptionInfo[EupactError], field: str) -> str:
    """The rules the refusal names for ``field`` (one line each)."""
    rules = [p.rule for p in exc.value.problems if p.field == field]
    assert rules, exc.value.problems
    return "\n".join(rules)


# -- Art. 58: a state identified under pressure informs -------------------------------------------


def test_italy_benefits_from_the_day_it_informs_forum_within_ten_days(service):
    """Art. 58(1), (3): IT informs on 15 June 2026; it benefits from that day and the EU
    Solidarity Coordinator convenes the Technical-Level Forum by 25 June (10 days)."""
    advance(service, Phase.COUNCIL_ACT_ADOPTED)
    before = service.standing(OB, YEAR, D(2026, 6, 14))
    assert "IT" not in before.standing.benefitting and "IT" in before.may_use
    record = service.inform_use_of_pool(
        state("IT"), YEAR, UseOfPool("IT", D(2026, 6, 15), Needs(5000, Decimal("100000000")))
    )
    assert (record.state, record.informed_on, record.relocations) == ("IT", D(2026, 6, 15), 5000)
    assert record.as_dict()["amount_eur"] == "100000000.00"
    read = service.standing(OB, YEAR, D(2026, 6, 15))
    it = read.standing.benefitting["IT"]
    assert (it.article, it.since, it.forum_due) == (
        "Art. 58(1) AMMR",
        D(2026, 6, 15),
        D(2026, 6, 25),
    )
    assert "IT" not in read.may_use and set(read.may_use) == {"CY", "EL", "ES"}
    assert service.standing(OB, YEAR, D(2026, 6, 14)).standing.benefitting == {}
    body = read.as_dict()
    assert body["benefitting"][0]["forum_due"] == "2026-06-25"
    assert {m["state"] for m in body["may_use_pool"]} == {"CY", "EL", "ES"}
    assert all("Art. 58(1)" in m["rule"] for m in body["may_use_pool"])
    # audited under its article; the replay of `eupact audit verify` knows the record
    log = [e.as_dict() for e in service.audit_log(C, 0, 1000)[0]]
    entry = log[-1]
    assert (entry["action"], entry["article"], entry["entity"]) == (
        "pool_use.inform",
        "Art. 58(1)-(2) AMMR",
        f"pool_use:{record.id}",
    )
    verdict = service.verify_audit()
    assert verdict["ok"] and verdict["checks"]["replay"].startswith("passed"), verdict


def test_informing_before_the_council_act_is_refused(service):
    """Art. 58(1): "after the adoption of the Council implementing act"."""
    advance(service, Phase.PLEDGING_OPEN)
    seen = head(service)
    with pytest.raises(EupactError) as exc:
        inform(service, "IT", D(2026, 6, 15))
    assert "Council implementing act" in rule_of(exc, "phase")
    advance(service, Phase.COUNCIL_ACT_ADOPTED)
    seen = head(service)
    with pytest.raises(EupactError) as exc:
        inform(service, "IT", D(2025, 12, 18))  # the day before the act
    assert "after the Council act" in rule_of(exc, "informed_on")
    assert head(service) == seen and service.list_uses_of_pool(C, YEAR) == []


def test_a_state_not_identified_is_told_to_notify_under_art_59(service):
    advance(service, Phase.COUNCIL_ACT_ADOPTED)
    with pytest.raises(EupactError) as exc:
        inform(service, "DE", D(2026, 6, 15))
    rule = rule_of(exc, "state")
    assert "Art. 59(1)" in rule and "CY, EL, ES, IT" in rule
    # ... and a state identified under pressure does not notify: it informs
    with pytest.raises(EupactError) as exc:
        service.notify_need(state("IT"), YEAR, notification("IT"))
    assert "Art. 58(1)" in rule_of(exc, "state")


def test_a_state_acts_for_itself_only(service):
    advance(service, Phase.COUNCIL_ACT_ADOPTED)
    seen = head(service)
    with pytest.raises(Forbidden, match="acts only for itself"):
        service.inform_use_of_pool(state("DE"), YEAR, UseOfPool("FR", D(2026, 6, 15)))
    with pytest.raises(Forbidden, match="acts only for itself"):
        service.inform_use_of_pool(state("DE"), YEAR, UseOfPool("IT", D(2026, 6, 15)))
    with pytest.raises(Forbidden, match="acts only for itself"):
        service.notify_need(state("DE"), YEAR, notification("FR"))
    for institution in (C, CO, SC, OB):
        with pytest.raises(Forbidden, match=r"'pool_use\.inform' is open to member_state only"):
            service.inform_use_of_pool(institution, YEAR, UseOfPool("IT", D(2026, 6, 15)))
    assert head(service) == seen


def test_one_use_per_state_and_an_idempotent_retry(service):
    advance(service, Phase.COUNCIL_ACT_ADOPTED)
    use = UseOfPool("EL", D(2026, 6, 20), Needs(10))
    first = service.inform_use_of_pool(state("EL"), YEAR, use, key="el-1")
    again = service.inform_use_of_pool(state("EL"), YEAR, use, key="el-1")
    assert first == again and len(service.list_uses_of_pool(C, YEAR)) == 1
    with pytest.raises(Conflict, match="different request"):
        service.inform_use_of_pool(state("EL"), YEAR, UseOfPool("EL", D(2026, 6, 21)), key="el-1")
    with pytest.raises(EupactError) as exc:
        service.inform_use_of_pool(state("EL"), YEAR, UseOfPool("EL", D(2026, 6, 22)))
    assert "one use of the pool per state and year" in rule_of(exc, "state")


def test_dates_after_today_or_after_the_pool_year_are_refused(service):
    advance(service, Phase.COUNCIL_ACT_ADOPTED)
    service.clock = lambda: dt.datetime(2026, 8, 1, 12, tzinfo=dt.UTC)
    with pytest.raises(EupactError) as exc:
        inform(service, "IT", D(2026, 8, 2))
    assert "not after 2026-08-01" in rule_of(exc, "informed_on")
    service.clock = lambda: dt.datetime(2027, 2, 1, 12, tzinfo=dt.UTC)
    with pytest.raises(EupactError) as exc:
        inform(service, "IT", D(2027, 1, 5))
    assert "the 2026 pool is used during 2026" in rule_of(exc, "informed_on")
    assert service.list_uses_of_pool(C, YEAR) == []


# -- Art. 59: notification, decision, refusal ------------------------------------------------------


def test_malta_notifies_the_commission_decides_the_council_refuses(service):
    """Art. 59(1), (4), (6): MT notifies on 1 July; the Commission decides on 10 July that it is
    under pressure (benefitting from then, Forum within two weeks); the Council refuses access on
    20 July by implementing act: from that day MT is not benefitting."""
    advance(service, Phase.COUNCIL_ACT_ADOPTED)
    n = service.notify_need(state("MT"), YEAR, notification("MT"))
    assert (n.state, n.decided_on, n.version) == ("MT", None, 1)
    pending = service.standing(C, YEAR, D(2026, 7, 5)).standing
    assert (
        "MT" not in pending.benefitting and "Commission decision pending" in pending.pending["MT"]
    )
    assert "MT" in pending.barred_from_deduction  # it notified: no Art. 61 deduction
    decided = service.decide_notification(C, YEAR, n.id, D(2026, 7, 10), True, decision="C(1)")
    assert (decided.under_pressure, decided.decision, decided.version) == (True, "C(1)", 2)
    mt = service.standing(C, YEAR, D(2026, 7, 15)).standing.benefitting["MT"]
    assert (mt.article, mt.since, mt.forum_due) == (
        "Art. 59(4) AMMR",
        D(2026, 7, 10),
        D(2026, 7, 24),
    )
    refused = service.refuse_access(
        CO, YEAR, n.id, D(2026, 7, 20), "council", "insufficient capacity", "CID (EU) 2026/1"
    )
    assert (refused.refused_by, refused.refusal_act, refused.version) == (
        "council",
        "CID (EU) 2026/1",
        3,
    )
    after = service.standing(C, YEAR, D(2026, 7, 20)).standing
    assert "MT" not in after.benefitting
    assert "refused by the council on 2026-07-20" in after.pending["MT"]
    # the past stays as it was: on 15 July MT benefitted
    assert "MT" in service.standing(C, YEAR, D(2026, 7, 15)).standing.benefitting
    outcome = service.outcome(C, YEAR).outcome  # as of today: not benefitting
    assert "MT" not in outcome.benefitting_states
    log = [e.as_dict() for e in service.audit_log(C, 0, 1000)[0]]
    assert [(e["action"], e["article"]) for e in log[-3:]] == [
        ("notification.create", "Art. 59(1)-(2) AMMR"),
        ("notification.decide", "Art. 59(4) AMMR"),
        ("notification.refuse", "Art. 59(6) AMMR"),
    ]
    assert log[-1]["before"]["refused_on"] is None and log[-1]["after"]["refused_on"]
    assert service.verify_audit()["ok"]


def test_a_refusal_after_the_two_weeks_is_out_of_time(service):
    """Art. 59(6): within two weeks of the decision of 10 July: until 24 July."""
    advance(service, Phase.COUNCIL_ACT_ADOPTED)
    n = service.notify_need(state("MT"), YEAR, notification("MT"))
    service.decide_notification(C, YEAR, n.id, D(2026, 7, 10), True)
    seen = head(service)
    with pytest.raises(EupactError) as exc:
        service.refuse_access(CO, YEAR, n.id, D(2026, 7, 25), "council", "no capacity")
    rule = rule_of(exc, "refused_on")
    assert "2026-07-10 to 2026-07-24" in rule and "Art. 59(6)" in rule
    assert head(service) == seen
    # on the last day it is in time, and by the Commission too
    record = service.refuse_access(C, YEAR, n.id, D(2026, 7, 24), "commission", "objective")
    assert record.refused_by == "commission"
    with pytest.raises(Conflict, match="refused already"):
        service.refuse_access(CO, YEAR, n.id, D(2026, 7, 24), "council", "again")


def test_who_decides_and_who_refuses(service):
    advance(service, Phase.COUNCIL_ACT_ADOPTED)
    n = service.notify_need(state("MT"), YEAR, notification("MT"))
    for actor in (CO, SC, OB, state("MT")):
        with pytest.raises(Forbidden, match=r"'notification\.decide' is open to commission only"):
            service.decide_notification(actor, YEAR, n.id, D(2026, 7, 10), True)
    with pytest.raises(EupactError) as exc:  # nothing to refuse before a positive decision
        service.refuse_access(CO, YEAR, n.id, D(2026, 7, 10), "council", "no capacity")
    assert "only after a Commission decision" in rule_of(exc, "refused_on")
    service.decide_notification(C, YEAR, n.id, D(2026, 7, 10), True)
    with pytest.raises(Conflict, match="decided on this notification already"):
        service.decide_notification(C, YEAR, n.id, D(2026, 7, 11), False)
    with pytest.raises(Forbidden) as forbidden:  # the Council records its own act only
        service.refuse_access(CO, YEAR, n.id, D(2026, 7, 20), "commission", "no capacity")
    assert forbidden.value.problems[0].field == "refused_by"
    with pytest.raises(Forbidden, match=r"'notification\.refuse' is open to"):
        service.refuse_access(state("MT"), YEAR, n.id, D(2026, 7, 20), "council", "x")
    with pytest.raises(NotFound, match="no such notification"):
        service.decide_notification(C, YEAR, n.id + 99, D(2026, 7, 10), True)


def test_a_second_notification_only_after_a_rejection(service):
    """Art. 59(7): a state whose notification was rejected may notify again."""
    advance(service, Phase.COUNCIL_ACT_ADOPTED)
    first = service.notify_need(state("MT"), YEAR, notification("MT"))
    with pytest.raises(Conflict, match="awaiting the Commission's decision"):
        service.notify_need(state("MT"), YEAR, notification("MT", D(2026, 7, 2)))
    service.decide_notification(C, YEAR, first.id, D(2026, 7, 10), False)
    assert "not under migratory pressure" in service.standing(C, YEAR).standing.pending["MT"]
    second = service.notify_need(state("MT"), YEAR, notification("MT", D(2026, 8, 1)))
    service.decide_notification(C, YEAR, second.id, D(2026, 8, 10), True)
    assert service.standing(C, YEAR).standing.benefitting["MT"].since == D(2026, 8, 10)
    with pytest.raises(Conflict, match="decided: it is under migratory pressure"):
        service.notify_need(state("MT"), YEAR, notification("MT", D(2026, 8, 20)))
    assert len(service.list_notifications(C, YEAR)) == 2
    with pytest.raises(Forbidden):
        service.list_notifications(OB, YEAR)


def test_an_incomplete_notification_is_refused_with_the_points_of_art_59_2(service):
    advance(service, Phase.COUNCIL_ACT_ADOPTED)
    empty = Notification("MT", D(2026, 7, 1), " ", Needs(), "", "")
    with pytest.raises(EupactError) as exc:
        service.notify_need(state("MT"), YEAR, empty)
    fields = {p.field for p in exc.value.problems}
    assert {"reasoning", "stabilisation", "vulnerabilities", "needs"} <= fields
    assert service.list_notifications(C, YEAR) == []


# -- Art. 60(3): systemic shortcomings -------------------------------------------------------------


def test_the_commission_records_systemic_shortcomings(service):
    advance(service, Phase.COUNCIL_ACT_ADOPTED)
    inform(service, "EL", D(2026, 6, 15), 1000)
    finding = ShortcomingsFinding("EL", D(2026, 9, 1), "11", "C(2026) 1")
    with pytest.raises(Forbidden):
        service.record_shortcomings(state("EL"), YEAR, finding)
    record = service.record_shortcomings(C, YEAR, finding)
    assert (record.state, record.article) == ("EL", "11")
    assert "EL" not in service.standing(OB, YEAR, D(2026, 8, 31)).standing.shortcomings
    standing = service.standing(OB, YEAR, D(2026, 9, 1)).standing
    assert standing.shortcomings["EL"].startswith("Art. 11 decision of 2026-09-01")
    assert standing.affected == ("EL",)
    with pytest.raises(EupactError) as exc:
        service.record_shortcomings(C, YEAR, ShortcomingsFinding("EL", D(2026, 9, 1), "12"))
    assert "Art. 11 or 59(4)" in rule_of(exc, "article")
    assert [f.id for f in service.list_shortcomings(OB, YEAR)] == [record.id]
    assert service.verify_audit()["ok"]


# -- the standing everywhere the service computes --------------------------------------------------


def test_a_state_under_pressure_implements_its_pledges_until_it_informs(service):
    """The issue's example: Italy pledging relocations has them to implement until it informs;
    Spain, identified under pressure but not using the pool, implements its pledges."""
    advance(service, Phase.PLEDGING_OPEN)
    for geo, n in (("IT", 200), ("ES", 100), ("DE", 300)):
        service.create_pledge(state(geo), YEAR, Pledge(geo, PledgeKind.RELOCATION, Decimal(n)))
    advance(service, Phase.COUNCIL_ACT_ADOPTED)
    rows = service.outcome(C, YEAR).outcome.states
    assert (rows["IT"].role, rows["IT"].to_implement_relocations) == ("contributing", 200)
    assert (rows["ES"].role, rows["ES"].to_implement_relocations) == ("contributing", 100)
    inform(service, "IT", D(2026, 6, 15))
    rows = service.outcome(C, YEAR).outcome.states
    assert (rows["IT"].role, rows["IT"].to_implement_relocations) == ("benefitting", 0)
    assert "since 2026-06-15 (Art. 58(1) AMMR)" in rows["IT"].exemption
    assert (rows["ES"].role, rows["ES"].to_implement_relocations) == ("contributing", 100)
    assert rows["DE"].to_implement_relocations == 300


def test_a_state_that_informed_cannot_request_an_art_61_deduction_but_can_art_62(service):
    """Art. 61(1): only a state that has not used the pool (58) or notified (59)."""
    advance(service, Phase.COUNCIL_ACT_ADOPTED)
    es = service.request_deduction(state("ES"), YEAR, Deduction("ES", "61", True))
    assert es.article == "61"  # under pressure, not using the pool: it may
    inform(service, "IT", D(2026, 6, 15))
    seen = head(service)
    with pytest.raises(EupactError) as exc:
        service.request_deduction(state("IT"), YEAR, Deduction("IT", "61", True))
    assert "made use of the pool (Art. 58)" in rule_of(exc, "article")
    assert head(service) == seen
    art62 = Deduction("IT", "62", True, self_assessed=True)
    assert service.request_deduction(state("IT"), YEAR, art62, "reception full").article == "62"
    service.notify_need(state("MT"), YEAR, notification("MT"))  # pending, yet barred
    with pytest.raises(EupactError) as exc:
        service.request_deduction(
            state("MT"), YEAR, Deduction("MT", "61", True, self_assessed=True)
        )
    assert "notified its need" in rule_of(exc, "article")


def test_only_a_benefitting_state_requests_offsets_or_receives_solidarity(service):
    """Art. 63(1): a benefitting state requests offsets; IT, identified under pressure, is not
    one until it informs; implementation goes to a benefitting state (Art. 58, 60)."""
    advance(service, Phase.COUNCIL_ACT_ADOPTED)
    with pytest.raises(EupactError) as exc:
        service.request_offsets(state("IT"), YEAR, "IT", "DE", 10)
    rule = rule_of(exc, "benefitting_state")
    assert "only a benefitting state requests offsets" in rule and "Art. 58(1)" in rule
    inform(service, "IT", D(2026, 6, 15))
    try:  # now the rule on who asks is met; the pool's thresholds may still refuse
        service.request_offsets(state("IT"), YEAR, "IT", "DE", 10)
    except EupactError as refused:
        assert "benefitting_state" not in {p.field for p in refused.problems}, refused
    inform(service, "EL", D(2026, 6, 16))
    with pytest.raises(EupactError) as exc:  # a benefitting state does not contribute
        service.request_offsets(state("IT"), YEAR, "IT", "EL", 10)
    assert "contributing Member State" in rule_of(exc, "contributing_state")
    advance(service, Phase.IMPLEMENTATION)
    done = service.record_implementation(
        state("DE"), YEAR, "DE", PledgeKind.FINANCIAL, "IT", Decimal(5)
    )
    assert done.benefitting_state == "IT"
    with pytest.raises(EupactError) as exc:  # ES may use the pool, but has not
        service.record_implementation(
            state("DE"), YEAR, "DE", PledgeKind.FINANCIAL, "ES", Decimal(5)
        )
    assert "solidarity goes to a benefitting Member State" in rule_of(exc, "benefitting_state")


def test_alternative_measures_requested_by_a_state_under_pressure_before_it_informs(service):
    """Art. 65(1): pledging precedes the use of the pool, so a state identified under pressure
    may request alternative measures; another state may not."""
    advance(service, Phase.PLEDGING_OPEN)
    ok = Pledge("DE", PledgeKind.ALTERNATIVE, Decimal(1000), ("CY",))
    assert service.create_pledge(state("DE"), YEAR, ok).requested_by == ("CY",)
    with pytest.raises(EupactError) as exc:
        bad = Pledge("FR", PledgeKind.ALTERNATIVE, Decimal(1000), ("MT",))
        service.create_pledge(state("FR"), YEAR, bad)
    assert "identified under migratory pressure in 2026" in rule_of(exc, "requested_by")


# -- the record against the log -------------------------------------------------------------------


def test_audit_verify_finds_a_use_of_the_pool_edited_behind_the_log(service):
    advance(service, Phase.COUNCIL_ACT_ADOPTED)
    use_id = inform(service, "IT", D(2026, 6, 15))
    n = service.notify_need(state("MT"), YEAR, notification("MT"))
    service.decide_notification(C, YEAR, n.id, D(2026, 7, 10), True)
    assert service.verify_audit()["ok"]
    with service.sessions() as session, session.begin():  # backdated to before Part IV applied
        session.execute(
            update(PoolUseRow).where(PoolUseRow.id == use_id).values(informed_on=D(2026, 1, 2))
        )
    verdict = service.verify_audit()
    assert not verdict["ok"] and verdict["entity"] == f"pool_use:{use_id}", verdict
    assert "informed_on" in verdict["reason"]
