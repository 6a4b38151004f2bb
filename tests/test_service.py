"""The cycle service on both backends: state machine, calendar, pledges, audit chain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import update

from eupact.cycle.permissions import Actor, Forbidden
from eupact.cycle.phases import Action, Role
from eupact.cycle.service import CycleService
from eupact.cycle.store.db import make_engine, sessions, upgrade
from eupact.cycle.store.models import AuditRow
from eupact.errors import Conflict, EupactError, PreconditionFailed
from eupact.pool.pledges import Pledge, PledgeKind

from .audit_attacks import drop_audit_guards
from .databases import BACKENDS, fresh_database

C = Actor("c", Role.COMMISSION)
CO = Actor("co", Role.COUNCIL)
DE = Actor("de", Role.MEMBER_STATE, "DE")
FR = Actor("fr", Role.MEMBER_STATE, "FR")


@pytest.fixture(params=BACKENDS)
def service(request, tmp_path):
    with fresh_database(request.param, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        yield CycleService(sessions(engine))
        engine.dispose()


def _to_pledging(svc: CycleService) -> None:
    svc.create_cycle(C, 2026)
    for action, who in [
        (Action.ADOPT_REPORT, C),
        (Action.ADOPT_DECISION, C),
        (Action.ADOPT_PROPOSAL, C),
        (Action.CONVENE_FORUM, CO),
        (Action.OPEN_PLEDGING, CO),
    ]:
        svc.transition(who, 2026, action, dt.date(2025, 11, 11))


def test_illegal_transition_names_its_rule(service):
    """Art. 57(1): the Council act needs the pledging exercise closed first."""
    service.create_cycle(C, 2026)
    with pytest.raises(EupactError, match=r"needs phase 'pledging_closed' \(Art\. 57\(1\)"):
        service.transition(CO, 2026, Action.ADOPT_COUNCIL_ACT)
    with pytest.raises(EupactError, match="only commission may adopt report"):
        service.transition(CO, 2026, Action.ADOPT_REPORT)


def test_calendar_flags_the_late_2025_report(service):
    """Art. 9(4): report due 15 Oct 2025, adopted 11 Nov 2025 → 27 days late."""
    _to_pledging(service)
    steps = service.get_cycle(C, 2026).calendar
    report = next(s for s in steps if s["action"] == "adopt_report")
    assert (report["due"], report["late_by_days"]) == ("2025-10-15", 27)


def test_pledge_idempotency_and_optimistic_lock(service):
    _to_pledging(service)
    p = Pledge("DE", PledgeKind.RELOCATION, Decimal(100))
    first = service.create_pledge(DE, 2026, p, key="k")
    again = service.create_pledge(DE, 2026, p, key="k")
    assert first == again and service.list_pledges(C, 2026)[1] == 1
    with pytest.raises(Conflict, match="different request"):
        service.create_pledge(DE, 2026, Pledge("DE", PledgeKind.RELOCATION, Decimal(101)), key="k")
    pid = first.id
    service.update_pledge(DE, 2026, pid, Pledge("DE", PledgeKind.RELOCATION, Decimal(200)), 1)
    with pytest.raises(PreconditionFailed):
        service.update_pledge(DE, 2026, pid, Pledge("DE", PledgeKind.RELOCATION, Decimal(300)), 1)
    assert service.get_pledge(DE, 2026, pid).relocations == 200


def test_member_state_pledges_only_for_itself(service):
    _to_pledging(service)
    with pytest.raises(Forbidden, match="acts only for itself"):
        service.create_pledge(DE, 2026, Pledge("FR", PledgeKind.FINANCIAL, Decimal(1)))


def test_audit_verify_detects_an_edited_entry(service):
    _to_pledging(service)
    assert service.verify_audit()["ok"]
    drop_audit_guards(service.engine)  # as the database's owner could; else UPDATE is refused
    with service.sessions() as session, session.begin():
        session.execute(update(AuditRow).where(AuditRow.seq == 3).values(actor="someone else"))
    verdict = service.verify_audit()
    assert not verdict["ok"] and verdict["first_bad_seq"] == 3


def test_audit_verify_detects_a_deleted_entry(service):
    _to_pledging(service)
    drop_audit_guards(service.engine)  # as the database's owner could; else DELETE is refused
    with service.sessions() as session, session.begin():
        session.query(AuditRow).filter(AuditRow.seq == 2).delete()
    verdict = service.verify_audit()
    assert not verdict["ok"] and "deleted" in verdict["reason"]
