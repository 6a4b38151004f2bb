"""The Dublin units' case workflow in the service (Part III AMMR; issue 16 item 5), on SQLite and on
PostgreSQL alike: IT registers a case whose criterion is DE's visa (Art. 29(2)), asks DE to take
charge (Art. 39), DE accepts (40(1)), IT decides and carries out the transfer (42(1), 46(1)); DE
silent past the reply limit accepts by silence (40(8)); a request not sent in time leaves IT
responsible (39(1)), a transfer not carried out in time too (46(2)); each observed once, audited.
Who sees a case, who may write what, and refusals in words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Role
from eupact.cycle.service import CycleService
from eupact.cycle.service.dublin import DublinCases
from eupact.cycle.store.db import make_engine, sessions, upgrade
from eupact.errors import Conflict, EupactError, Forbidden, NotFound, PreconditionFailed

from .api_support import PARAMETERS, SNAPSHOT, YEAR, Worlds
from .databases import BACKENDS, fresh_database
from .dublin_support import visa_case

REF = "IT-2026-0001"
REGISTERED = dt.date(2026, 9, 10)
IT, DE, FR = (Actor(f"test:{s}", Role.MEMBER_STATE, s) for s in ("IT", "DE", "FR"))
COMMISSION = Actor("test:commission", Role.COMMISSION)
OBSERVER = Actor("test:observer", Role.OBSERVER)
COORDINATOR = Actor("test:coordinator", Role.COORDINATOR)
COUNCIL = Actor("test:council", Role.COUNCIL)


class Clock:
    def __init__(self, day: dt.date) -> None:
        self.now = dt.datetime.combine(day, dt.time(9), dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def to(self, day: dt.date) -> None:
        self.now = dt.datetime.combine(day, dt.time(9), dt.UTC)


@dataclass
class Desk:
    service: CycleService
    cases: DublinCases
    clock: Clock

    def audit(self, action: str | None = None) -> list[dict[str, object]]:
        entries = self.service.audit_log(COMMISSION, 0, 1000)[0]
        out = [e.as_dict() for e in entries]
        return [e for e in out if action is None or e["action"] == action]

    def opened(self, sent: bool = False) -> int:
        """IT's case REF (DE's visa); ``sent``: IT asked DE to take charge on 1 October."""
        self.clock.to(dt.date(2026, 10, 1))
        self.cases.create(IT, visa_case(REF, "IT", "DE", REGISTERED))
        if not sent:
            return 0
        return self.cases.send(IT, REF, "take_charge", "DE", article="29(2)").id


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def desk(backend: str, tmp_path) -> Iterator[Desk]:
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        clock = Clock(dt.date(2026, 10, 1))
        service = CycleService(
            sessions(engine), parameters=PARAMETERS, snapshot=SNAPSHOT, clock=clock
        )
        try:
            yield Desk(service, DublinCases(service.ctx), clock)
        finally:
            engine.dispose()


def deadline(read, id_: str):
    return next(d for d in read.decision.deadlines if d.id == id_)


def test_the_whole_flow_take_charge_accept_transfer(desk: Desk) -> None:
    created = desk.cases.create(IT, visa_case(REF, "IT", "DE", REGISTERED))
    assert (created.holder_state, created.responsible_state, created.version) == ("IT", "DE", 1)
    read = desk.cases.get(IT, REF)
    d = read.decision
    assert (d.responsible_state, d.route.value, d.basis, d.determining_state) == (
        "DE",
        "take_charge",
        "29(2)",
        "IT",
    )
    assert deadline(read, "T6").due == dt.date(2026, 11, 10)  # 2 months from registration

    sent = desk.cases.send(IT, REF, "take_charge", "DE", article="29(2)", note="VIS hit")
    assert (sent.kind, sent.from_state, sent.to_state, sent.sent_on) == (
        "take_charge_request",
        "IT",
        "DE",
        dt.date(2026, 10, 1),
    )
    read = desk.cases.get(DE, REF)  # the addressee sees the case
    assert read.case.procedure.requests[0].to_state == "DE"  # the engine sees the request
    assert read.requests[0]["state"] == "pending"
    assert read.requests[0]["reply_due"] == "2026-11-02"  # 1 month: Sun 1 Nov → Mon 2 Nov
    assert deadline(read, "T6").status.value == "met"

    desk.clock.to(dt.date(2026, 10, 5))
    desk.cases.reply(DE, REF, sent.id, "accept")
    read = desk.cases.get(IT, REF)
    assert read.requests[0]["state"] == "accepted" and read.requests[0]["state_on"] == "2026-10-05"
    assert deadline(read, "T11").status.value == "met"
    assert read.decision.eurodac_basis == "38(3)(e)"

    desk.clock.to(dt.date(2026, 10, 6))
    desk.cases.transfer(IT, REF, "decision")
    desk.clock.to(dt.date(2026, 11, 5))
    done = desk.cases.transfer(IT, REF, "done")
    assert (done.kind, done.to_state, done.request_id) == ("transfer_done", "DE", sent.id)
    read = desk.cases.get(COMMISSION, REF)
    assert read.decision.responsible_state == "DE"
    assert deadline(read, "T24").status.value == "met"
    assert read.case.procedure.transfer_done_on == dt.date(2026, 11, 5)
    assert read.row.version == 5  # created, sent, replied, decision, transfer
    with pytest.raises(Conflict, match="carried out on 2026-11-05"):
        desk.cases.transfer(IT, REF, "done")

    actions = [e["action"] for e in desk.audit() if str(e["action"]).startswith("dublin.")]
    assert actions == [
        "dublin.create",
        "dublin.send",
        "dublin.take_charge_request",
        "dublin.reply",
        "dublin.reply_accept",
        "dublin.transfer_decision",
        "dublin.transfer_decision",
        "dublin.transfer_done",
        "dublin.transfer_done",
    ]
    reply = next(e for e in desk.audit("dublin.reply_accept"))
    assert reply["role"] == "member_state" and reply["article"] == "Art. 40(1), (6) AMMR"
    created_entry = desk.audit("dublin.create")[0]
    assert "facts" not in created_entry["after"]  # the facts are audited as their digest
    assert len(created_entry["after"]["facts_sha256"]) == 64
    verdict = desk.service.verify_audit(COMMISSION)
    assert verdict["ok"], verdict


def test_deemed_acceptance_when_de_stays_silent(desk: Desk) -> None:
    request_id = desk.opened(sent=True)
    # asked about a later day: shown, not recorded (a question, not an observation)
    ahead = desk.cases.get(IT, REF, as_of=dt.date(2026, 11, 3))
    assert ahead.requests[0]["state"] == "deemed_accepted"
    assert ahead.requests[0]["state_on"] == "2026-11-02"  # the last day of the reply period
    assert ahead.summary()["deemed"] == [
        {"request": request_id, "state": "deemed_accepted", "on": "2026-11-02"}
    ]
    assert desk.audit("dublin.observe") == [] and ahead.observed == []

    desk.clock.to(dt.date(2026, 11, 2))  # the last day: still open
    assert desk.cases.get(IT, REF).requests[0]["state"] == "pending"
    desk.clock.to(dt.date(2026, 11, 3))
    read = desk.cases.get(DE, REF)
    assert read.requests[0]["state"] == "deemed_accepted"
    assert [o["key"] for o in read.observed] == [f"deemed:{request_id}"]
    (entry,) = desk.audit("dublin.observe")
    assert entry["article"] == "Art. 40(8) AMMR" and entry["role"] == "member_state"
    assert entry["after"]["state"] == "deemed_accepted" and entry["after"]["on"] == "2026-11-02"
    desk.cases.get(IT, REF)
    desk.cases.get(COMMISSION, REF)
    assert len(desk.audit("dublin.observe")) == 1  # once

    # a refusal after the limit changes nothing: silence was acceptance (40(8))
    desk.cases.reply(DE, REF, request_id, "refuse", reasons="the visa was issued by mistake")
    assert desk.cases.get(IT, REF).requests[0]["state"] == "deemed_accepted"
    # accepted by silence: IT may take the transfer decision
    desk.cases.transfer(IT, REF, "decision")
    assert desk.service.verify_audit(COMMISSION)["ok"]


def test_missed_request_limit_leaves_it_responsible(desk: Desk) -> None:
    desk.opened()
    desk.clock.to(dt.date(2026, 11, 10))  # the request's last day: DE still responsible
    assert desk.cases.get(IT, REF).decision.responsible_state == "DE"
    desk.clock.to(dt.date(2026, 11, 11))
    read = desk.cases.get(IT, REF)
    assert (read.decision.responsible_state, read.decision.basis) == ("IT", "39(1)")
    shift = read.summary()["responsibility_shift"]
    assert shift["deadline"] == "T6" and shift["due"] == "2026-11-10"
    (entry,) = desk.audit("dublin.observe")
    assert entry["article"] == "Art. 39(1), third subparagraph AMMR"
    assert entry["after"]["responsible_state"] == "IT"
    desk.cases.get(IT, REF)
    assert len(desk.audit("dublin.observe")) == 1


def test_transfer_not_carried_out_in_time_moves_responsibility(desk: Desk) -> None:
    request_id = desk.opened(sent=True)
    desk.clock.to(dt.date(2026, 10, 5))
    desk.cases.reply(DE, REF, request_id, "accept")
    read = desk.cases.get(IT, REF)
    due = deadline(read, "T24").due  # 6 months from the acceptance
    desk.clock.to(due)
    assert desk.cases.get(IT, REF).decision.responsible_state == "DE"
    desk.clock.to(due + dt.timedelta(days=1))
    read = desk.cases.get(IT, REF)
    assert (read.decision.responsible_state, read.decision.basis) == ("IT", "46(2)")
    assert [e["article"] for e in desk.audit("dublin.observe")] == ["Art. 46(2) AMMR"]


def test_who_sees_a_case(desk: Desk) -> None:
    desk.opened()
    for actor in (FR, Actor("test:PL", Role.MEMBER_STATE, "PL")):
        with pytest.raises(NotFound, match="no such case"):
            desk.cases.get(actor, REF)
        assert desk.cases.page(actor) == ([], 0)
    with pytest.raises(NotFound, match="no such case"):
        desk.cases.get(FR, "IT-2026-9999")  # a case that does not exist answers the same
    with pytest.raises(NotFound, match="no such case"):  # not "as_of before the latest fact"
        desk.cases.get(FR, REF, as_of=dt.date(2026, 9, 1))
    # the holder, the state responsible (DE's visa) and the institutions that follow see it
    for actor in (IT, DE, COMMISSION, OBSERVER, COORDINATOR):
        assert desk.cases.get(actor, REF).row.case_ref == REF
        assert desk.cases.page(actor)[1] == 1
    with pytest.raises(Forbidden, match=r"'dublin\.read' is open to"):
        desk.cases.get(COUNCIL, REF)
    # FR, asked for information (Art. 51), sees the case from then on
    desk.cases.send(IT, REF, "information", "FR")
    assert desk.cases.get(FR, REF).row.case_ref == REF
    assert [i["ref"] for i in desk.cases.page(FR)[0]] == [REF]


def test_de_replies_fr_cannot(desk: Desk) -> None:
    request_id = desk.opened(sent=True)
    with pytest.raises(NotFound):  # FR does not see IT's case
        desk.cases.reply(FR, REF, request_id, "accept")
    info = desk.cases.send(IT, REF, "information", "FR")
    with pytest.raises(Forbidden, match=r"only the state addressed \(DE\) replies"):
        desk.cases.reply(FR, REF, request_id, "accept")
    with pytest.raises(Forbidden, match=r"only the state addressed \(DE\)"):
        desk.cases.reply(IT, REF, request_id, "accept")  # not to its own request
    with pytest.raises(EupactError, match="answered accept or refuse"):
        desk.cases.reply(DE, REF, request_id, "confirm")
    with pytest.raises(EupactError, match="states its reasons"):
        desk.cases.reply(DE, REF, request_id, "refuse", reasons="no")
    desk.cases.reply(FR, REF, info.id, "information")  # FR answers what was asked of it
    desk.cases.reply(DE, REF, request_id, "refuse", reasons="no visa of ours in the VIS")
    with pytest.raises(Conflict, match="already answered refuse"):
        desk.cases.reply(DE, REF, request_id, "accept")
    read = desk.cases.get(IT, REF)
    assert [r["state"] for r in read.requests] == ["refused", "answered"]
    assert any(f.code == "manual:40(6)" for f in read.decision.flags)
    with pytest.raises(EupactError, match="nothing to transfer yet"):
        desk.cases.transfer(IT, REF, "decision")


def test_only_the_holder_writes(desk: Desk) -> None:
    with pytest.raises(Forbidden, match=r"held by the state that determines .*: IT .*DE's"):
        desk.cases.create(DE, visa_case(REF, "IT", "DE", REGISTERED))
    request_id = desk.opened(sent=True)
    version = desk.cases.get(IT, REF).row.version
    with pytest.raises(Forbidden, match=r"only the state that holds the case \(IT\)"):
        desk.cases.send(DE, REF, "take_charge", "FR")
    with pytest.raises(Forbidden, match=r"only the state that holds the case \(IT\)"):
        desk.cases.update(DE, REF, visa_case(REF, "IT", "DE", REGISTERED), version)
    desk.cases.reply(DE, REF, request_id, "accept")
    with pytest.raises(Forbidden, match="records the transfer"):
        desk.cases.transfer(DE, REF, "decision")
    with pytest.raises(Conflict, match="choose another pseudonym"):
        desk.cases.create(IT, visa_case(REF, "IT", "DE", REGISTERED))
    desk.cases.send(IT, REF, "information", "FR")
    with pytest.raises(Conflict, match="awaits its reply"):
        desk.cases.send(IT, REF, "information", "FR")


def test_updating_the_facts(desk: Desk) -> None:
    desk.opened(sent=True)
    read = desk.cases.get(IT, REF)
    facts = visa_case(REF, "IT", "DE", REGISTERED)
    facts["applicant"]["beneficiary_of_protection"] = False
    facts["family"] = [{"id": "M-1", "relation": "spouse", "date_of_birth": "1991-01-01"}]
    with pytest.raises(PreconditionFailed, match='version "2"'):
        desk.cases.update(IT, REF, facts, read.row.version - 1)
    updated = desk.cases.update(IT, REF, facts, read.row.version)  # the procedure left out
    assert updated.version == read.row.version + 1
    after = desk.cases.get(IT, REF)
    assert len(after.case.procedure.requests) == 1  # kept as the messages recorded it
    assert after.case.family[0].id == "M-1"
    changed = {
        **facts,
        "procedure": {
            "requests": [{**after.row.facts["procedure"]["requests"][0], "to_state": "FR"}]
        },
    }
    with pytest.raises(EupactError, match="recorded by the case's messages"):
        desk.cases.update(IT, REF, changed, updated.version)
    with pytest.raises(EupactError, match="the case's reference is"):
        desk.cases.update(IT, REF, {**facts, "case_id": "OTHER"}, updated.version)


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        (
            {
                "applications": [
                    {"state": "DK", "made_on": "2026-09-08", "registered_on": "2026-09-10"}
                ]
            },
            "applications.0.state",
            "Dublin III",
        ),
        (
            {
                "applications": [
                    {"state": "XX", "made_on": "2026-09-08", "registered_on": "2026-09-10"}
                ]
            },
            "applications.0.state",
            "unknown Member State",
        ),
        ({"case_id": "Jean Dupont"}, "case_id", "pseudonymous"),
        ({"applications": []}, "applications", ""),
        ({"exits": [{"left_on": "2026-12-01"}]}, "exits.0.left_on", "after the case's as_of"),
        ({"padding": "x" * (260 * 1024)}, "facts", "256 KiB"),
    ],
    ids=["denmark", "unknown-state", "a-name", "no-application", "future-fact", "oversized"],
)
def test_bad_cases_are_refused_in_words(desk: Desk, change, field, rule) -> None:
    facts = {**visa_case(REF, "IT", "DE", REGISTERED), **change}
    with pytest.raises(EupactError) as refused:
        desk.cases.create(IT, facts)
    problems = refused.value.problems
    assert any(p.field == field and rule in p.rule for p in problems), problems
    assert desk.cases.page(COMMISSION) == ([], 0)


def test_bad_messages_are_refused_in_words(desk: Desk) -> None:
    desk.opened()
    with pytest.raises(EupactError, match="a pseudonymous reference"):
        desk.cases.get(IT, "a name with spaces")
    with pytest.raises(EupactError, match="on or before today"):
        desk.cases.send(IT, REF, "take_charge", "DE", sent_on=dt.date(2026, 10, 2))
    with pytest.raises(EupactError, match="a request follows the first registration"):
        desk.cases.send(IT, REF, "take_charge", "DE", sent_on=dt.date(2026, 9, 1))
    with pytest.raises(EupactError, match="another Member State"):
        desk.cases.send(IT, REF, "take_charge", "IT")
    with pytest.raises(EupactError, match="latest fact"):
        desk.cases.get(IT, REF, as_of=dt.date(2026, 9, 1))
    with pytest.raises(EupactError, match="nothing to transfer yet"):
        desk.cases.transfer(IT, REF, "decision")
    assert len(desk.audit()) == 1  # the case's creation only


# -- responsibility offsets: the Dublin cases as the source of Art. 63(6)'s identification ------


def italy_case(ref: str, crossed: bool) -> dict[str, object]:
    """Registered in IT 20 days ago; ``crossed``: after an irregular crossing into IT 5 days
    before (33(1): offsets may take it, 63(8)(b)); else no criterion (16(2): they may not)."""
    registered = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=20)
    facts: dict[str, object] = {
        "case_id": ref,
        "applicant": {"date_of_birth": "1990-03-04"},
        "applications": [
            {
                "state": "IT",
                "made_on": (registered - dt.timedelta(days=1)).isoformat(),
                "registered_on": registered.isoformat(),
            }
        ],
    }
    if crossed:
        day = (registered - dt.timedelta(days=5)).isoformat()
        facts["entries"] = [{"date": day, "state": "IT", "kind": "irregular_crossing"}]
    return facts


@pytest.fixture
def world_of(backend: str, request: pytest.FixtureRequest, tmp_path) -> Iterator[object]:
    worlds = Worlds(request, tmp_path)
    yield lambda scenario: worlds(backend, scenario)
    worlds.close()


def test_offsets_identify_dublin_cases_by_reference(world_of) -> None:
    world = world_of("act")  # IT benefits; DE and FR owe obligatory offsets (Art. 63(3))
    cases = DublinCases(world.service.ctx)
    it, de = world.actor("IT"), world.actor("DE")
    cases.create(it, italy_case("IT-OFF-1", crossed=True))
    cases.create(it, italy_case("IT-OFF-2", crossed=False))
    listed = cases.offset_cases(it, "IT")
    assert [(c["case"], c["responsibility_article"]) for c in listed] == [("IT-OFF-1", "33")]
    assert cases.offset_cases(de, "IT") == listed  # IT asked DE for offsets: DE reads them
    with pytest.raises(Forbidden, match="asked it for responsibility offsets"):
        cases.offset_cases(world.actor("AT"), "IT")

    owed = world.offsets("IT", "DE", 1)  # one more application called from DE
    reply = world.service.offsets.reply
    for refs, rule in (
        (("IT-OFF-2",), "63(8)(b)"),
        (("IT-NONE",), "no case of IT's with this reference"),
        (("IT-OFF-1", "IT-OFF-2"), "as many applications as are taken (1)"),
        (("not a ref",), "a pseudonymous reference"),
    ):
        with pytest.raises(EupactError) as refused:
            reply(de, YEAR, owed["id"], 1, cases=refs)
        assert any(rule in p.rule for p in refused.value.problems), refused.value.problems
    assert cases.get(it, "IT-OFF-1").row.version == 1  # nothing written

    record = reply(de, YEAR, owed["id"], 1, cases=("IT-OFF-1",))
    assert (record.status, record.accepted) == ("identified", 1)
    read = cases.get(de, "IT-OFF-1")  # DE is responsible now: it sees the case
    assert (read.decision.responsible_state, read.decision.basis) == ("DE", "63(6)")
    assert read.case.offsets[0].state == "DE"
    assert cases.offset_cases(it, "IT") == []
    log = [e.as_dict() for e in world.service.audit_log(world.actor("commission"), 0, 1000)[0]]
    offset = [e for e in log if e["action"] == "dublin.offset"]
    assert [(e["article"], e["after"]["responsible_state"]) for e in offset] == [
        ("Art. 63(6) AMMR", "DE")
    ]
    assert world.service.verify_audit(world.actor("commission"))["ok"]


def test_a_take_back_notification_confirmed_by_silence(desk: Desk) -> None:
    """First registered in DE, the person applies in IT: IT, where the person is, holds the case
    and notifies DE (Art. 38(4), 41(1)); DE silent two weeks confirms (41(4))."""
    facts = visa_case("IT-TB-1", "IT", "DE", REGISTERED)
    facts["documents"] = []
    facts["applications"].insert(
        0, {"state": "DE", "made_on": "2026-08-01", "registered_on": "2026-08-03"}
    )
    with pytest.raises(Forbidden, match=r"DE \(Art\. 38\(1\)"):
        desk.cases.create(FR, facts)
    desk.cases.create(IT, facts)
    assert desk.cases.get(IT, "IT-TB-1").decision.route.value == "take_back"
    sent = desk.cases.send(IT, "IT-TB-1", "take_back", "DE")
    assert sent.kind == "take_back_notification"
    with pytest.raises(EupactError, match="answered confirm or rebut"):
        desk.cases.reply(DE, "IT-TB-1", sent.id, "accept")
    desk.clock.to(dt.date(2026, 10, 16))  # two weeks from receipt ended on 15 October
    read = desk.cases.get(DE, "IT-TB-1")
    assert (read.requests[0]["state"], read.requests[0]["state_on"]) == (
        "deemed_confirmed",
        "2026-10-15",
    )
    assert [e["article"] for e in desk.audit("dublin.observe")] == ["Art. 41(4) AMMR"]
    desk.cases.transfer(IT, "IT-TB-1", "decision")


def test_an_extension_keeps_the_transfer_time_limit_open(desk: Desk) -> None:
    """Art. 46(2): the person absconded and DE was informed: the six months become up to three
    years (AMBIG-24); no responsibility moves to IT when the six months end."""
    request_id = desk.opened(sent=True)
    desk.clock.to(dt.date(2026, 10, 5))
    desk.cases.reply(DE, REF, request_id, "accept")
    six = deadline(desk.cases.get(IT, REF), "T24").due
    desk.clock.to(dt.date(2026, 12, 1))
    with pytest.raises(EupactError, match="informed_on"):
        desk.cases.transfer(IT, REF, "extension", extension={"reason": "absconded"})
    desk.cases.transfer(
        IT,
        REF,
        "extension",
        extension={"reason": "absconded", "informed_on": dt.date(2026, 11, 30)},
    )
    desk.clock.to(six + dt.timedelta(days=1))
    read = desk.cases.get(IT, REF)
    assert read.decision.responsible_state == "DE"
    transfer = next(d for d in read.decision.deadlines if d.id in ("T24", "T26"))
    assert transfer.id == "T26" and transfer.due > six
    assert read.case.procedure.absconding[0].informed_on == dt.date(2026, 11, 30)
    assert desk.audit("dublin.observe") == []
