"""Part IV in the cycle service, on both backends: each rule named by its article.

Art. 63(3), (6), 69 (obligatory offsets are owed; only voluntary ones are answered within 30 days
and may be accepted in part); Art. 13(4), 57(3) (the reconvened Forum is a pledging exercise);
Art. 85 (Part IV applies from its date of application); Art. 57(4), 65(1) (alternative measures
are requested in the year); Art. 67(3)-(4) (a benefitting state matches its own candidates);
Art. 64(1) (financial contributions go to the Union budget). The clock is set by each test.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from eupact.cycle.permissions import Actor, Forbidden
from eupact.cycle.phases import Action, Role
from eupact.cycle.service import CycleService
from eupact.cycle.store.db import make_engine, sessions, upgrade
from eupact.errors import Conflict, EupactError
from eupact.matching.model import Applicant, BilateralAgreement, PledgedPlaces, Status
from eupact.parameters import load_parameters
from eupact.pool.benefit import Needs, ShortcomingsFinding, UseOfPool
from eupact.pool.pledges import Deduction, Pledge, PledgeKind

from .databases import BACKENDS, fresh_database

YEAR = 2026
C = Actor("c", Role.COMMISSION)
CO = Actor("co", Role.COUNCIL)
SC = Actor("sc", Role.COORDINATOR)
DE = Actor("de", Role.MEMBER_STATE, "DE")
FR = Actor("fr", Role.MEMBER_STATE, "FR")
IT = Actor("it", Role.MEMBER_STATE, "IT")
EL = Actor("el", Role.MEMBER_STATE, "EL")
AT = Actor("at", Role.MEMBER_STATE, "AT")
PARAMETERS = load_parameters()


class Clock:
    """The service's clock, set by the test (UTC noon of ``day``)."""

    def __init__(self, day: dt.date) -> None:
        self.set(day)

    def set(self, day: dt.date) -> None:
        self.now = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture(params=BACKENDS)
def world(request, tmp_path):
    """A service on a fresh database of each backend, and its clock."""
    with fresh_database(request.param, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        clock = Clock(dt.date(2025, 11, 11))
        yield CycleService(sessions(engine), parameters=PARAMETERS, clock=clock), clock
        engine.dispose()


STEPS = [
    (Action.ADOPT_REPORT, C, dt.date(2025, 11, 11)),
    (Action.ADOPT_DECISION, C, dt.date(2025, 11, 11)),
    (Action.ADOPT_PROPOSAL, C, dt.date(2025, 11, 11)),
    (Action.CONVENE_FORUM, CO, dt.date(2025, 11, 18)),
    (Action.OPEN_PLEDGING, CO, dt.date(2025, 11, 27)),
]
AFTER = [
    (Action.CLOSE_PLEDGING, CO, dt.date(2025, 12, 8)),
    (Action.ADOPT_COUNCIL_ACT, CO, dt.date(2025, 12, 19)),
]


def after_act(
    svc: CycleService,
    clock: Clock,
    pledges: list[tuple[Actor, PledgeKind, int]],
    today: dt.date = dt.date(2026, 7, 1),
    benefitting: tuple[Actor, ...] = (IT,),
) -> dict[tuple[str, PledgeKind], int]:
    """The 2026 cycle through the Council act with ``pledges``; then ``today``, on which the
    ``benefitting`` states have informed (on 12 June 2026) that they use the pool (Art. 58(1))."""
    clock.set(dt.date(2025, 11, 27))
    svc.create_cycle(C, YEAR)
    for action, who, on in STEPS:
        svc.transition(who, YEAR, action, on)
    ids = {}
    for who, kind, amount in pledges:
        record = svc.create_pledge(who, YEAR, Pledge(str(who.state), kind, Decimal(amount)))
        ids[(str(who.state), kind)] = record.id
    for action, who, on in AFTER:
        svc.transition(who, YEAR, action, on)
    clock.set(today)
    for who in benefitting:
        if today >= dt.date(2026, 6, 12):
            svc.inform_use_of_pool(
                who, YEAR, UseOfPool(str(who.state), dt.date(2026, 6, 12), Needs(1000))
            )
    return ids


def reconvened(svc: CycleService) -> None:
    """Art. 13(4): the Council reconvenes the Forum and closes its pledging exercise."""
    svc.reconvene_forum(CO, YEAR)
    svc.close_reconvened_pledging(CO, YEAR)


def owed(svc: CycleService, state: str) -> int:
    return svc.outcome(C, YEAR).outcome.offsets.obligations[state]


def last_audit(svc: CycleService) -> dict:
    total = svc.audit_log(C, 0, 1)[1]
    return svc.audit_log(C, total - 1, 1)[0][0].as_dict()


def refused(exc: pytest.ExceptionInfo[EupactError]) -> str:
    return " | ".join(f"{p.field}={p.value}: {p.rule}" for p in exc.value.problems)


# -- item 6: Art. 63(3), (6), 69 -- obligatory offsets are obligations ---------------------------

SMALL = [(DE, PledgeKind.RELOCATION, 100), (FR, PledgeKind.RELOCATION, 50)]


def test_art_63_3_obligatory_offsets_cannot_be_declined_or_accepted_in_part(world):
    """Art. 63(3), (6): after the reconvened Forum, relocation pledges (150) below 30,000 and 60 %
    of 21,000: each contributing state "shall take responsibility" for its share. IT calls 100
    from DE; DE cannot decline or accept fewer (Art. 69(2) is for 63(1)-(2) requests only): it
    identifies the 100."""
    svc, clock = world
    after_act(svc, clock, SMALL)
    reconvened(svc)
    assert svc.outcome(C, YEAR).outcome.offsets.obligatory
    call = svc.request_offsets(IT, YEAR, "IT", "DE", 100)
    assert (call.status, call.reply_due, call.accepted) == ("owed", call.requested_on, None)
    assert last_audit(svc)["article"] == "Art. 63(3), 63(6) AMMR"
    with pytest.raises(EupactError) as none:
        svc.reply_offsets(DE, YEAR, call.id, 0)
    assert "cannot be declined" in refused(none) and "Art. 63(3), (6)" in refused(none)
    assert "Art. 63(1)-(2) only" in refused(none)
    with pytest.raises(EupactError) as fewer:
        svc.reply_offsets(DE, YEAR, call.id, 40)
    assert "cannot be accepted in part" in refused(fewer)
    assert none.value.problems[0].field == "accepted"
    done = svc.reply_offsets(DE, YEAR, call.id, 100)
    assert (done.status, done.accepted) == ("identified", 100)
    entry = last_audit(svc)
    assert (entry["action"], entry["article"]) == ("offset.identify", "Art. 63(3), (6) AMMR")
    with pytest.raises(Conflict, match="already answered"):
        svc.reply_offsets(DE, YEAR, call.id, 100)


def test_art_63_7_a_call_is_capped_at_what_the_state_still_owes(world):
    """Art. 63(3), (7): IT calls at most what DE still owes (its share, capped at its fair
    share); once all is called, a further request is voluntary and needs Art. 63(1) or (2)."""
    svc, clock = world
    after_act(svc, clock, SMALL)
    reconvened(svc)
    n = owed(svc, "DE")
    assert n > 100
    with pytest.raises(EupactError) as too_many:
        svc.request_offsets(IT, YEAR, "IT", "DE", n + 1)
    assert f"DE owes {n} more" in refused(too_many) and "Art. 63(7)" in refused(too_many)
    svc.request_offsets(IT, YEAR, "IT", "DE", n - 10)
    with pytest.raises(EupactError) as rest:
        svc.request_offsets(IT, YEAR, "IT", "DE", 11)
    assert "DE owes 10 more" in refused(rest)
    svc.request_offsets(IT, YEAR, "IT", "DE", 10)
    with pytest.raises(EupactError) as beyond:
        svc.request_offsets(IT, YEAR, "IT", "DE", 1)
    assert "Art. 63(1), (2)" in refused(beyond) and "has been called" in refused(beyond)


def test_art_63_6_the_contributing_state_records_the_applications_it_identified(world):
    """Art. 63(6): the contributing state identifies the applications it takes responsibility
    for and informs the benefitting state; it records them itself, up to what it owes."""
    svc, clock = world
    after_act(svc, clock, SMALL)
    reconvened(svc)
    record = svc.request_offsets(DE, YEAR, "IT", "DE", 25)
    assert (record.status, record.accepted, record.replied_on) == (
        "identified",
        25,
        record.requested_on,
    )
    assert last_audit(svc)["action"] == "offset.identify"
    with pytest.raises(EupactError, match=r"owes \d+ more"):
        svc.request_offsets(DE, YEAR, "IT", "DE", owed(svc, "DE"))
    with pytest.raises(Forbidden, match="acts only for itself"):
        svc.request_offsets(FR, YEAR, "IT", "DE", 1)


def test_art_63_3_runs_after_the_reconvened_forum_closes(world):
    """Art. 13(4), 63(3): the test runs on the pledges after the reconvened Forum: while its
    pledging exercise is open nothing is owed yet, and the contributing state records nothing."""
    svc, clock = world
    after_act(svc, clock, SMALL)
    svc.reconvene_forum(CO, YEAR)
    with pytest.raises(EupactError) as early:
        svc.request_offsets(IT, YEAR, "IT", "DE", 10)
    assert "still open" in refused(early) and "Art. 63(3)" in refused(early)
    with pytest.raises(EupactError, match="owes no obligatory offsets"):
        svc.request_offsets(DE, YEAR, "IT", "DE", 10)
    svc.close_reconvened_pledging(CO, YEAR)
    assert svc.request_offsets(IT, YEAR, "IT", "DE", 10).status == "owed"


def test_art_69_2_a_voluntary_request_is_answered_within_30_days_and_may_be_declined(world):
    """Art. 63(2)(b), 69(2): DE pledged over half its fair share as relocations, so offsets may
    be requested from it without the reconvened Forum; it replies within offsets.reply_days and
    may accept fewer, or none."""
    svc, clock = world
    fair = svc.pool(YEAR).fair_shares().rows["DE"].relocations
    after_act(svc, clock, [(DE, PledgeKind.RELOCATION, fair), (FR, PledgeKind.RELOCATION, 50)])
    assert not svc.outcome(C, YEAR).outcome.offsets.obligatory
    first = svc.request_offsets(IT, YEAR, "IT", "DE", 100)
    days = int(PARAMETERS.at(clock().date())("offsets.reply_days"))
    assert (first.status, first.reply_due) == ("requested", first.requested_on + dt.timedelta(days))
    assert last_audit(svc)["article"] == "Art. 63(2), 69(1) AMMR"
    assert svc.reply_offsets(DE, YEAR, first.id, 0).status == "declined"
    second = svc.request_offsets(IT, YEAR, "IT", "DE", 100)
    assert svc.reply_offsets(DE, YEAR, second.id, 30).status == "partly accepted"
    with pytest.raises(EupactError, match="owes no obligatory offsets"):
        svc.request_offsets(DE, YEAR, "IT", "DE", 10)  # an offer is not a record (63(2))
    with pytest.raises(EupactError, match=r"cannot be requested \(Art. 63\(1\), \(2\)\)"):
        svc.request_offsets(IT, YEAR, "IT", "FR", 10)  # FR pledged 50: below half its share


def test_art_60_3_no_obligatory_offsets_toward_a_state_with_systemic_shortcomings(world):
    """Art. 60(3), fourth subparagraph: contributing states need not apply offsets toward a
    benefitting state in which the Commission identified systemic shortcomings; EL's call stays
    obligatory."""
    svc, clock = world
    after_act(svc, clock, SMALL, benefitting=(IT, EL))
    reconvened(svc)
    svc.record_shortcomings(C, YEAR, ShortcomingsFinding("IT", dt.date(2026, 6, 20), "11"))
    with pytest.raises(EupactError, match=r"cannot be requested \(Art. 63\(1\), \(2\)\)"):
        svc.request_offsets(IT, YEAR, "IT", "DE", 10)
    with pytest.raises(EupactError, match="owes no obligatory offsets toward IT"):
        svc.request_offsets(DE, YEAR, "IT", "DE", 10)
    assert svc.request_offsets(EL, YEAR, "EL", "DE", 10).status == "owed"


# -- item 7: Art. 13(4), 57(3) -- the reconvened Forum is a pledging exercise -------------------


def test_art_13_4_the_reconvened_forum_takes_additional_pledges_until_the_council_closes_it(
    world,
):
    """Art. 13(4): "any pledging exercise shall follow the procedure set out in Article 57":
    after the act states add or raise pledges while the reconvened Forum asks for them; they
    neither lower nor withdraw what the act records; the Council closes the exercise."""
    svc, clock = world
    ids = after_act(svc, clock, SMALL)
    extra = Pledge("FR", PledgeKind.FINANCIAL, Decimal(1_000_000))
    with pytest.raises(EupactError) as before:
        svc.create_pledge(FR, YEAR, extra)
    assert "Art. 13(4)" in refused(before)
    cycle = svc.reconvene_forum(CO, YEAR)
    assert (cycle.forum_reconvened, cycle.additional_pledging) == (True, True)
    entry = last_audit(svc)
    assert (entry["action"], entry["article"]) == (
        "cycle.reconvene_forum",
        "Art. 13(4), 57(3) AMMR",
    )
    with pytest.raises(Conflict, match="still open"):
        svc.reconvene_forum(CO, YEAR)
    added = svc.create_pledge(FR, YEAR, extra)
    assert last_audit(svc)["article"] == "Art. 13(4), 57(3) AMMR"
    # while the exercise is open the Forum has not yet "met" for Art. 63(3)
    assert not svc.outcome(C, YEAR).outcome.offsets.forum_reconvened
    de = ids[("DE", PledgeKind.RELOCATION)]
    raised = svc.update_pledge(DE, YEAR, de, Pledge("DE", PledgeKind.RELOCATION, Decimal(900)), 1)
    assert raised.relocations == 900
    with pytest.raises(EupactError) as lower:
        svc.update_pledge(DE, YEAR, de, Pledge("DE", PledgeKind.RELOCATION, Decimal(800)), 2)
    assert "not lowered" in refused(lower) and "it records 900" in refused(lower)
    with pytest.raises(EupactError, match="not lowered or withdrawn"):
        svc.delete_pledge(FR, YEAR, added.id, 1)
    closed = svc.close_reconvened_pledging(CO, YEAR)
    assert (closed.forum_reconvened, closed.additional_pledging) == (True, False)
    assert last_audit(svc)["action"] == "cycle.close_reconvened_pledging"
    with pytest.raises(EupactError, match=r"Art\. 13\(4\)"):
        svc.update_pledge(DE, YEAR, de, Pledge("DE", PledgeKind.RELOCATION, Decimal(950)), 2)
    with pytest.raises(EupactError, match="reconvenes the Forum first"):
        svc.close_reconvened_pledging(CO, YEAR)
    # Art. 63(3): the test runs on the pledges after the reconvened Forum
    outcome = svc.outcome(C, YEAR).outcome
    assert outcome.offsets.relocation_pledges == 950
    assert outcome.offsets.forum_reconvened
    assert svc.reconvene_forum(CO, YEAR).additional_pledging  # a second exercise
    assert svc.verify_audit()["ok"]


def test_art_13_4_only_the_council_reconvenes_and_closes(world):
    svc, clock = world
    after_act(svc, clock, SMALL)
    for who in (C, SC, DE):
        with pytest.raises(Forbidden):
            svc.reconvene_forum(who, YEAR)
    svc.reconvene_forum(CO, YEAR)
    for who in (C, SC, DE):
        with pytest.raises(Forbidden):
            svc.close_reconvened_pledging(who, YEAR)


# -- item 11: Art. 85 -- Part IV applies from its date of application -----------------------------


def test_art_85_part_iv_steps_are_refused_before_the_date_of_application(world):
    """Art. 85: Arts. 58-63, 65, 67-69 apply from 12 June 2026 (the [reading] the Council's act
    uses; the OJ text says 1 July): on 1 June 2026 deduction and offsets requests, offsets
    replies, matching and implementation records are refused, naming the article and the date."""
    svc, clock = world
    after_act(svc, clock, SMALL, today=dt.date(2026, 6, 1), benefitting=())
    deduction = Deduction("AT", "62", True, self_assessed=True)
    with pytest.raises(EupactError) as ded:
        svc.request_deduction(AT, YEAR, deduction, "reasons")
    assert ded.value.problems[0].field == "date"
    assert "Art. 62 AMMR applies from 2026-06-12 (Art. 85" in refused(ded)
    with pytest.raises(EupactError) as off:
        svc.request_offsets(IT, YEAR, "IT", "DE", 10)
    assert "from 2026-06-12 (Art. 85" in refused(off) or "Art. 58(1)" in refused(off)
    places = [PledgedPlaces("DE", 2)]
    with pytest.raises(EupactError) as matching:
        svc.match(SC, YEAR, [Applicant("A1", "IT")], places)
    assert "Art. 67 AMMR applies from 2026-06-12 (Art. 85" in refused(matching)
    svc.transition(SC, YEAR, Action.START_IMPLEMENTATION, dt.date(2026, 5, 20))
    with pytest.raises(EupactError) as impl:
        svc.record_implementation(DE, YEAR, "DE", PledgeKind.FINANCIAL, "", Decimal(10))
    assert "2026-06-12 (Art. 85" in refused(impl)
    clock.set(dt.date(2026, 6, 12))
    assert svc.request_deduction(AT, YEAR, deduction, "reasons").status == "requested"
    assert svc.record_implementation(DE, YEAR, "DE", PledgeKind.FINANCIAL, "", Decimal(10)).id
    assert svc.match(SC, YEAR, [Applicant("A1", "IT")], places).relocated_persons == 1


def test_art_85_an_offsets_reply_waits_for_the_date_too(world):
    """Art. 85 with the OJ reading (1 July 2026): a reply on 20 June is refused."""
    svc, clock = world
    fair = svc.pool(YEAR).fair_shares().rows["DE"].relocations
    after_act(svc, clock, [(DE, PledgeKind.RELOCATION, fair)], today=dt.date(2026, 6, 15))
    asked = svc.request_offsets(IT, YEAR, "IT", "DE", 10)
    oj = CycleService(
        svc.sessions,
        parameters=PARAMETERS.with_readings({"cycle.date_of_application_part_iv": "2026-07-01"}),
        clock=clock,
    )
    clock.set(dt.date(2026, 6, 20))
    with pytest.raises(EupactError, match=r"apply from 2026-07-01 \(Art. 85"):
        oj.reply_offsets(DE, YEAR, asked.id, 10)
    assert svc.reply_offsets(DE, YEAR, asked.id, 10).status == "accepted"


# -- item 13: Art. 57(4), 65(1) -- alternative measures requested in the year ---------------------


def test_art_65_1_a_benefitting_state_requests_alternative_measures_in_the_year(world):
    """Art. 57(4), 65(1): FR's alternative measures, requested by nobody at the Forum, may be
    requested by a benefitting state after the act, in 2026; the request is audited."""
    svc, clock = world
    ids = after_act(
        svc, clock, [(FR, PledgeKind.ALTERNATIVE, 500_000), (DE, PledgeKind.RELOCATION, 100)]
    )
    fr = ids[("FR", PledgeKind.ALTERNATIVE)]
    waiting = svc.outcome(C, YEAR).outcome.states["FR"]
    # in the year, not requested yet: not converted, waiting for a request (Art. 57(4))
    assert waiting.alternative_converted == 0 and "not requested yet" in waiting.alternative_note
    record = svc.request_alternative(IT, YEAR, fr, "IT")
    assert (record.requested_by, record.version, record.state) == (("IT",), 2, "FR")
    entry = last_audit(svc)
    assert (entry["action"], entry["article"], entry["entity"]) == (
        "pledge.request_alternative",
        "Art. 65(1), 57(4) AMMR",
        f"pledge:{fr}",
    )
    assert entry["before"]["requested_by"] == [] and entry["after"]["requested_by"] == ["IT"]
    requested = svc.outcome(C, YEAR).outcome.states["FR"]
    assert requested.alternative_converted == 0 and requested.alternative_note == ""
    with pytest.raises(Conflict, match="already requested"):
        svc.request_alternative(IT, YEAR, fr, "IT")
    with pytest.raises(EupactError) as not_benefitting:
        svc.request_alternative(EL, YEAR, fr, "EL")  # identified, but has not used the pool
    assert not_benefitting.value.problems[0].field == "benefitting_state"
    assert "Art. 65(1)" in refused(not_benefitting)
    with pytest.raises(EupactError, match="only alternative solidarity measures"):
        svc.request_alternative(IT, YEAR, ids[("DE", PledgeKind.RELOCATION)], "IT")
    with pytest.raises(Forbidden, match="acts only for itself"):
        svc.request_alternative(IT, YEAR, fr, "EL")
    with pytest.raises(Forbidden):
        svc.request_alternative(SC, YEAR, fr, "IT")
    clock.set(dt.date(2027, 1, 4))
    with pytest.raises(EupactError) as late:
        svc.request_alternative(IT, YEAR, fr, "IT")
    assert "in the year 2026" in refused(late) and "Art. 57(4), 65(1)" in refused(late)
    assert svc.verify_audit()["ok"]


def test_art_65_1_no_request_before_part_iv_applies(world):
    """Art. 85: Art. 65 applies from 12 June 2026."""
    svc, clock = world
    ids = after_act(
        svc,
        clock,
        [(FR, PledgeKind.ALTERNATIVE, 500_000)],
        today=dt.date(2026, 6, 1),
        benefitting=(),
    )
    with pytest.raises(EupactError, match=r"Art. 65 AMMR applies from 2026-06-12"):
        svc.request_alternative(IT, YEAR, ids[("FR", PledgeKind.ALTERNATIVE)], "IT")


# -- item 15: Art. 67(3)-(4) -- the benefitting state matches its own candidates -----------------


def test_art_67_4_a_benefitting_state_runs_the_matching_for_its_own_candidates(world):
    """Art. 67(3)-(4): IT identifies its candidates and matches them with the Coordinator's
    tools, against the places of any state; applicants of another state are not IT's."""
    svc, clock = world
    after_act(svc, clock, SMALL)
    places = [PledgedPlaces("DE", 2), PledgedPlaces("FR", 1)]
    result = svc.match(IT, YEAR, [Applicant("A1", "IT"), Applicant("A2", "IT")], places)
    assert result.relocated_persons == 2
    with pytest.raises(Forbidden) as other:
        svc.match(IT, YEAR, [Applicant("A1", "IT"), Applicant("A3", "EL")], places)
    assert other.value.problems[0].field == "applicants[1].benefitting_state"
    assert "Art. 67(3), (4)" in refused(other)
    with pytest.raises(EupactError, match="benefitting Member State"):
        svc.match(DE, YEAR, [Applicant("A1", "DE")], places)  # DE does not benefit


def test_art_60_3_no_one_is_required_to_relocate_from_a_state_with_systemic_shortcomings(world):
    """Art. 60(3), fourth subparagraph: IT and EL benefit; the Commission finds systemic
    shortcomings in EL. The Coordinator's matching leaves EL's candidates out (the label says
    so) unless a state earmarked places for EL; with only EL's candidates, it is refused."""
    svc, clock = world
    after_act(svc, clock, SMALL, benefitting=(IT, EL))
    svc.record_shortcomings(C, YEAR, ShortcomingsFinding("EL", dt.date(2026, 6, 20), "11"))
    mixed = [Applicant("A1", "IT"), Applicant("A2", "EL"), Applicant("A3", "EL")]
    result = svc.match(SC, YEAR, mixed, [PledgedPlaces("DE", 3)])
    assert result.relocated_persons == 1
    assert "2 candidate(s) of EL left out" in result.label and "Art. 60(3)" in result.label
    earmarked = svc.match(SC, YEAR, mixed, [PledgedPlaces("DE", 2), PledgedPlaces("FR", 1, "EL")])
    assert earmarked.relocated_persons == 3 and earmarked.label == ""
    with pytest.raises(EupactError, match=r"systemic shortcomings.*Art\. 60\(3\)"):
        svc.match(SC, YEAR, mixed[1:], [PledgedPlaces("DE", 3)])


def test_art_56_2_a_ii_beneficiaries_need_an_agreement_in_the_service(world):
    """Art. 56(2)(a)(ii), 67(4): a beneficiary of protection (granted 1 March 2024, less than
    three years before the act of 19 December 2025, consent given) is relocated from IT to DE
    only under an IT → DE bilateral agreement; without one the service's matching leaves her."""
    svc, clock = world
    after_act(svc, clock, SMALL)
    beneficiary = Applicant(
        "B1",
        "IT",
        status=Status.BENEFICIARY,
        consent=True,
        protection_granted_on=dt.date(2024, 3, 1),
    )
    places = [PledgedPlaces("DE", 1)]
    assert svc.match(SC, YEAR, [beneficiary], places).relocated_persons == 0
    agreement = (BilateralAgreement("IT", "DE"),)
    assert svc.match(SC, YEAR, [beneficiary], places, agreement).relocated_persons == 1


@pytest.mark.parametrize(
    ("it_needs", "el_needs", "expected"), [(3, 1, (3, 1)), (3000, 1000, (2, 2))]
)
def test_art_60_2_the_balance_follows_the_declared_needs(world, it_needs, el_needs, expected):
    """Art. 58(2), 60(1)-(2): four candidates each, four places. IT declares it needs 3
    relocations, EL 1 → the places go 3 : 1 (IT at least 9/10 × 3/4 × 4 = 2.7, EL at least
    9/10 × 1/4 × 4 = 0.9). Needs of 3,000 and 1,000 are capped at the four candidates each
    ([reading]: a need beyond the candidates would leave places empty) → 2 : 2 (each at least
    9/10 × 1/2 × 4 = 1.8)."""
    svc, clock = world
    after_act(svc, clock, SMALL, benefitting=())
    day = dt.date(2026, 6, 12)
    svc.inform_use_of_pool(IT, YEAR, UseOfPool("IT", day, Needs(it_needs)))
    svc.inform_use_of_pool(EL, YEAR, UseOfPool("EL", day, Needs(el_needs)))
    candidates = [Applicant(f"I{i}", "IT") for i in range(4)]
    candidates += [Applicant(f"E{i}", "EL") for i in range(4)]
    result = svc.match(SC, YEAR, candidates, [PledgedPlaces("DE", 4)])
    placed = result.person_state >= 0
    assert (int(placed[:4].sum()), int(placed[4:].sum())) == expected


def test_art_67_4_the_own_candidates_rule():
    """The rule itself, whatever the permission table says today."""
    from eupact.cycle.service.matching import own_candidates

    own_candidates(IT, [Applicant("A1", "IT")])
    with pytest.raises(Forbidden) as other:
        own_candidates(IT, [Applicant(f"A{i}", "EL") for i in range(12)])
    fields = [p.field for p in other.value.problems]
    assert fields[:2] == ["applicants[0].benefitting_state", "applicants[1].benefitting_state"]
    assert len(fields) == 11 and other.value.problems[-1].value == 12


# -- item 16: Art. 64(1) -- financial contributions go to the Union budget -----------------------


def test_art_64_1_a_financial_contribution_needs_no_benefitting_state(world):
    """Art. 64(1): a financial contribution is a transfer to the Union budget (external assigned
    revenue); its implementation names no benefitting state. Relocations do (Art. 60, 67)."""
    svc, clock = world
    after_act(svc, clock, SMALL)
    svc.transition(SC, YEAR, Action.START_IMPLEMENTATION, dt.date(2026, 6, 12))
    record = svc.record_implementation(DE, YEAR, "DE", PledgeKind.FINANCIAL, "", Decimal(1000))
    assert (record.benefitting_state, record.amount_cents) == ("", 100_000)
    assert last_audit(svc)["article"] == "Art. 64(1) AMMR"
    named = svc.record_implementation(DE, YEAR, "DE", PledgeKind.FINANCIAL, "IT", Decimal(5))
    assert named.benefitting_state == "IT"
    with pytest.raises(EupactError) as reloc:
        svc.record_implementation(DE, YEAR, "DE", PledgeKind.RELOCATION, "", Decimal(5))
    assert reloc.value.problems[0].field == "benefitting_state"
    assert svc.verify_audit()["ok"]


# -- item 10: Art. 12, 13, 57 -- the proposal comes before the Council act --------------------------


def test_art_12_57_a_2027_cycle_runs_before_any_council_act(world):
    """Art. 12(2), (6), 13, 57(1): with no Council act recorded for 2027, the cycle opens, the
    proposal (30,000 relocations / EUR 600 million, the floors of Art. 12(2)) is read by a Member
    State once the Forum is convened, states pledge against it; moving past the act is refused
    until the act's figures are recorded."""
    svc, clock = world
    clock.set(dt.date(2026, 11, 2))
    svc.create_cycle(C, 2027)
    steps = [
        (Action.ADOPT_REPORT, C, dt.date(2026, 10, 15)),
        (Action.ADOPT_DECISION, C, dt.date(2026, 10, 15)),
        (Action.ADOPT_PROPOSAL, C, dt.date(2026, 10, 15)),
        (Action.CONVENE_FORUM, CO, dt.date(2026, 10, 28)),
        (Action.OPEN_PLEDGING, CO, dt.date(2026, 11, 2)),
    ]
    for action, who, day in steps:
        svc.transition(who, 2027, action, day)
    proposal = svc.proposal(DE, 2027)
    assert (proposal.totals.relocations, proposal.totals.financial) == (30000, Decimal(600000000))
    assert svc.pool(2027).draft and "no Council act yet" in svc.pool(2027).act.citation
    pledge = svc.create_pledge(DE, 2027, Pledge("DE", PledgeKind.RELOCATION, Decimal(1000)))
    assert pledge.relocations == 1000
    svc.transition(CO, 2027, Action.CLOSE_PLEDGING, dt.date(2026, 12, 8))
    with pytest.raises(EupactError, match=r"no Council implementing act is recorded.*57\(1\)"):
        svc.transition(CO, 2027, Action.ADOPT_COUNCIL_ACT, dt.date(2026, 12, 19))
