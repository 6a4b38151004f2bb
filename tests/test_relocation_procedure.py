"""The relocation procedure of one person (Art. 67(2)-(11), 68 AMMR) and the computation of its
time limits (Art. 75 AMMR): golden cases worked by hand, boundaries on both sides of every limit.

Dates worked by hand from a calendar of 2026 (1 January 2026 is a Thursday; 6 July a Monday).
Official holidays used, checked against the national calendars: Belgium's National Day, Tuesday
21 July 2026; Germany's Christmas Day and Second Day of Christmas, Friday 25 and Saturday 26
December 2026; Italy's Republic Day, Tuesday 2 June 2026, Immaculate Conception, Tuesday 8 December
2026, and Christmas, Friday 25 December 2026. Parameters (in force on these dates): confirmation
1 week, postponed confirmation 2 weeks (Art. 67(9)); transfer decision 1 week (67(10)); transfer
4 weeks (67(11)); notice 2 days for applicants, 1 week for beneficiaries (67(10)).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eupact.errors import EupactError
from eupact.matching import Status
from eupact.matching.procedure import (
    Appeal,
    Exclusion,
    Ground,
    Outcome,
    RelocationCase,
    StepState,
    procedure_status,
)
from eupact.parameters import DatedValue, ParameterSet, load_parameters
from eupact.timelimits import (
    Unit,
    earliest_within_years,
    national_holidays,
    non_working,
    period_end,
    time_limit,
    within_years,
)

D = dt.date
P = load_parameters()
MET, MISSED, PENDING = StepState.MET, StepState.MISSED, StepState.PENDING
DEEMED, DONE, NA = StepState.DEEMED, StepState.DONE, StepState.NOT_APPLICABLE

# A request from Italy to Germany received on Monday 6 July 2026, security check done before.
BASE = RelocationCase(
    "P-0001",
    "IT",
    "DE",
    identified_on=D(2026, 6, 29),
    informed_on=D(2026, 7, 1),
    security_checked_on=D(2026, 7, 1),
    request_sent_on=D(2026, 7, 6),
)


def status(case: RelocationCase, on: dt.date, params: ParameterSet = P):
    return procedure_status(case, params, on)


def with_value(name: str, value: object) -> ParameterSet:
    """The package's parameters with ``name`` set to ``value`` from its first date."""
    base = P[name]
    first = base.values[0]
    changed = replace(base, values=(DatedValue(first.since, value, first.reference),))
    return ParameterSet({**P.parameters, name: changed})


# ----------------------------------------------------------------------------- Art. 75


def test_period_in_weeks_ends_on_the_same_weekday():
    """Art. 75(a)-(b): Monday 6 July 2026 + 1 week = Monday 13 July; + 4 weeks = Monday 3 August."""
    assert period_end(D(2026, 7, 6), 1, Unit.WEEKS) == D(2026, 7, 13)
    assert period_end(D(2026, 7, 6), 4, Unit.WEEKS) == D(2026, 8, 3)


def test_period_in_months_without_the_date_ends_on_the_last_day():
    """Art. 75(c): 31 October + 20 months = 30 June; 31 January 2026 + 1 month = 28 February."""
    assert period_end(D(2024, 10, 31), 20, Unit.MONTHS) == D(2026, 6, 30)
    assert period_end(D(2026, 1, 31), 1, Unit.MONTHS) == D(2026, 2, 28)
    assert period_end(D(2024, 2, 29), 3, Unit.YEARS) == D(2027, 2, 28)


def test_time_limit_on_a_belgian_public_holiday_moves_to_the_next_working_day():
    """Art. 75(d): Tuesday 14 July + 1 week = Tuesday 21 July 2026, Belgium's National Day: the
    limit ends on Wednesday 22 July. In Germany 21 July is a working day."""
    be = time_limit(D(2026, 7, 14), 1, Unit.WEEKS, [national_holidays("BE")])
    assert (be.period_end, be.due) == (D(2026, 7, 21), D(2026, 7, 22))
    assert "National Day in BE" in be.formula()
    de = time_limit(D(2026, 7, 14), 1, Unit.WEEKS, [national_holidays("DE")])
    assert de.due == D(2026, 7, 21) and not de.skipped


def test_time_limit_over_german_christmas():
    """Art. 75(d): Friday 18 December + 1 week = Friday 25 December 2026 (Christmas Day in DE),
    then Saturday 26 (Second Day of Christmas) and Sunday 27: the limit ends Monday 28 December."""
    lim = time_limit(D(2026, 12, 18), 1, Unit.WEEKS, [national_holidays("DE")])
    assert lim.due == D(2026, 12, 28)
    assert [d for d, _ in lim.skipped] == [D(2026, 12, 25), D(2026, 12, 26), D(2026, 12, 27)]


def test_greece_holidays_under_its_eurostat_code():
    """EL is Greece (ISO GR): 25 March, Independence Day, Wednesday 25 March 2026."""
    assert non_working(D(2026, 3, 25), [national_holidays("EL")]) is not None
    with pytest.raises(EupactError, match="geo code"):
        national_holidays("GR")


# ----------------------------------------------------------------------------- the reply


def test_silence_is_confirmation_at_the_end_of_the_week():
    """Art. 67(9), first and fourth subparagraphs: received Monday 6 July, reply due Monday 13 July
    (DE). No reply: pending on 13 July, deemed on the 14th, the confirmation dated 13 July
    ([reading] last day of the period). Transfer decision due Monday 20 July (67(10)); transfer due
    Monday 10 August (67(11)); IT has no holiday on either day."""
    on_due = status(BASE, D(2026, 7, 13))
    assert on_due.step("reply").state is PENDING and on_due.step("reply").due == D(2026, 7, 13)
    after = status(BASE, D(2026, 7, 14))
    reply = after.step("reply")
    assert reply.state is DEEMED and "fourth subparagraph" in reply.article
    assert after.confirmation == D(2026, 7, 13)
    assert after.step("transfer_decision").due == D(2026, 7, 20)
    assert after.step("transfer").due == D(2026, 8, 10)
    assert after.outcome is Outcome.IN_PROGRESS


def test_confirmation_on_the_last_day_is_met_the_day_after_is_deemed():
    """Art. 67(9): confirmed Monday 13 July (the last day) = met; Tuesday 14 July = too late, the
    confirmation is deemed on 13 July and the periods run from it."""
    met = status(replace(BASE, confirmed_on=D(2026, 7, 13)), D(2026, 7, 20))
    assert met.step("reply").state is MET and met.confirmation == D(2026, 7, 13)
    late = status(replace(BASE, confirmed_on=D(2026, 7, 14)), D(2026, 7, 20))
    assert late.step("reply").state is DEEMED and late.confirmation == D(2026, 7, 13)
    assert "came after it" in late.step("reply").reason


def test_early_confirmation_starts_the_periods():
    """Confirmed Wednesday 8 July: transfer decision by Wednesday 15 July, transfer by Wednesday
    5 August (Art. 67(10), (11))."""
    s = status(replace(BASE, confirmed_on=D(2026, 7, 8)), D(2026, 7, 9))
    assert s.step("transfer_decision").due == D(2026, 7, 15)
    assert s.step("transfer").due == D(2026, 8, 5)


def test_reply_due_on_a_belgian_holiday():
    """Received by BE on Tuesday 14 July: one week ends Tuesday 21 July, National Day: the reply is
    due Wednesday 22 July; silence on the 22nd is still pending, deemed on the 23rd."""
    case = replace(BASE, relocation_state="BE", request_sent_on=D(2026, 7, 14))
    assert status(case, D(2026, 7, 22)).step("reply").state is PENDING
    s = status(case, D(2026, 7, 23))
    assert s.step("reply").due == D(2026, 7, 22) and s.step("reply").state is DEEMED
    assert s.confirmation == D(2026, 7, 22)


def test_reply_over_german_christmas():
    """Received by DE on Friday 18 December 2026: reply due Monday 28 December."""
    case = replace(BASE, request_sent_on=D(2026, 12, 18))
    assert status(case, D(2026, 12, 21)).step("reply").due == D(2026, 12, 28)


def test_receipt_date_rather_than_sending_date():
    """Art. 67(9): the week runs from receipt: sent Friday 3 July, received Monday 6 July → due
    Monday 13 July."""
    case = replace(BASE, request_sent_on=D(2026, 7, 3), information_received_on=D(2026, 7, 6))
    assert status(case, D(2026, 7, 7)).step("reply").due == D(2026, 7, 13)


def test_postponement_within_the_week_gives_two_weeks():
    """Art. 67(9), third subparagraph: postponement communicated Friday 10 July (within the week
    ending Monday 13 July): reply due Monday 20 July ([reading] two weeks from receipt). Communicated
    on Monday 13 July, the last day: still in time."""
    for notified in (D(2026, 7, 10), D(2026, 7, 13)):
        s = status(replace(BASE, postponement_notified_on=notified), D(2026, 7, 15))
        assert s.step("postponement").state is MET
        assert s.step("reply").due == D(2026, 7, 20) and s.step("reply").state is PENDING
    deemed = status(replace(BASE, postponement_notified_on=D(2026, 7, 10)), D(2026, 7, 21))
    assert deemed.step("reply").state is DEEMED and deemed.confirmation == D(2026, 7, 20)


def test_postponement_after_the_week_extends_nothing():
    """Communicated Tuesday 14 July, after the week: missed; the reply was due Monday 13 July and
    silence is confirmation."""
    s = status(replace(BASE, postponement_notified_on=D(2026, 7, 14)), D(2026, 7, 14))
    assert s.step("postponement").state is MISSED
    assert s.step("reply").state is DEEMED and s.confirmation == D(2026, 7, 13)


def test_postponed_confirmation_then_transfer_periods():
    """Postponed in time, confirmed Friday 17 July: transfer decision by Friday 24 July; transfer by
    Friday 14 August (not a holiday in IT; 15 August is)."""
    case = replace(BASE, postponement_notified_on=D(2026, 7, 10), confirmed_on=D(2026, 7, 17))
    s = status(case, D(2026, 7, 20))
    assert s.step("reply").state is MET
    assert s.step("transfer_decision").due == D(2026, 7, 24)
    assert s.step("transfer").due == D(2026, 8, 14)


# ----------------------------------------------------------------------------- after confirmation


def test_transfer_decision_due_on_an_italian_holiday():
    """Confirmed by DE on Tuesday 1 December 2026: the transfer decision (IT, Art. 67(10)) would end
    Tuesday 8 December, Immaculate Conception in IT: due Wednesday 9 December. Transfer due Tuesday
    29 December (Art. 67(11))."""
    case = replace(BASE, request_sent_on=D(2026, 11, 30), confirmed_on=D(2026, 12, 1))
    s = status(case, D(2026, 12, 2))
    assert s.step("transfer_decision").due == D(2026, 12, 9)
    assert s.step("transfer").due == D(2026, 12, 29)


def test_transfer_due_over_italian_christmas():
    """Confirmed Friday 27 November 2026: four weeks end Friday 25 December (Christmas in IT), then
    Saturday 26 (St Stephen's Day) and Sunday 27: the transfer is due Monday 28 December."""
    case = replace(BASE, request_sent_on=D(2026, 11, 23), confirmed_on=D(2026, 11, 27))
    assert status(case, D(2026, 11, 30)).step("transfer").due == D(2026, 12, 28)


def test_transfer_decision_and_transfer_boundaries():
    """Deemed confirmation 13 July: decision on Monday 20 July = met, Tuesday 21 July = missed;
    transfer on Monday 10 August = met, Tuesday 11 August = missed (no consequence, Art. 67)."""
    on_time = replace(BASE, transfer_decision_on=D(2026, 7, 20), transferred_on=D(2026, 8, 10))
    s = status(on_time, D(2026, 8, 10))
    assert s.step("transfer_decision").state is MET and s.step("transfer").state is MET
    late = replace(BASE, transfer_decision_on=D(2026, 7, 21), transferred_on=D(2026, 8, 11))
    s = status(late, D(2026, 8, 11))
    assert s.step("transfer_decision").state is MISSED and s.step("transfer").state is MISSED
    assert "no consequence" in s.step("transfer").reason
    assert s.outcome is Outcome.TRANSFERRED
    overdue = status(BASE, D(2026, 7, 21))
    assert overdue.step("transfer_decision").state is MISSED
    assert status(BASE, D(2026, 7, 20)).step("transfer_decision").state is PENDING


def test_notice_to_an_applicant_two_days_before():
    """Art. 67(10): transferred Monday 10 August; notice on Saturday 8 August = met (two days
    before), on Sunday 9 August = missed."""
    done = replace(BASE, transfer_decision_on=D(2026, 7, 15), transferred_on=D(2026, 8, 10))
    ok = status(replace(done, person_notified_on=D(2026, 8, 8)), D(2026, 8, 12))
    assert ok.step("notice").state is MET and ok.step("notice").due == D(2026, 8, 8)
    late = status(replace(done, person_notified_on=D(2026, 8, 9)), D(2026, 8, 12))
    assert late.step("notice").state is MISSED
    none = status(done, D(2026, 8, 12))
    assert none.step("notice").state is MISSED and "without notice" in none.step("notice").reason


def test_notice_to_a_beneficiary_one_week_before():
    """Art. 67(10): a beneficiary transferred Monday 10 August is notified by Monday 3 August; on
    Tuesday 4 August it is late. Written consent came before (Art. 67(4))."""
    done = replace(
        BASE,
        status=Status.BENEFICIARY,
        consented_on=D(2026, 6, 30),
        transfer_decision_on=D(2026, 7, 15),
        transferred_on=D(2026, 8, 10),
    )
    ok = status(replace(done, person_notified_on=D(2026, 8, 3)), D(2026, 8, 12))
    assert ok.step("notice").state is MET and ok.step("notice").due == D(2026, 8, 3)
    assert ok.step("consent").state is DONE
    late = status(replace(done, person_notified_on=D(2026, 8, 4)), D(2026, 8, 12))
    assert late.step("notice").state is MISSED


def test_notice_before_the_transfer_is_pending_against_the_transfer_limit():
    """Not yet transferred, transfer due Monday 10 August: an applicant must be notified by
    Saturday 8 August; on the 8th pending, on the 9th missed."""
    case = replace(BASE, transfer_decision_on=D(2026, 7, 15))
    assert status(case, D(2026, 8, 8)).step("notice").state is PENDING
    assert status(case, D(2026, 8, 8)).step("notice").due == D(2026, 8, 8)
    assert status(case, D(2026, 8, 9)).step("notice").state is MISSED


def test_beneficiary_without_consent_transferred():
    """Art. 67(4), third subparagraph: relocated only after consenting in writing."""
    case = replace(
        BASE,
        status=Status.BENEFICIARY,
        transfer_decision_on=D(2026, 7, 15),
        transferred_on=D(2026, 8, 10),
    )
    assert status(case, D(2026, 8, 10)).step("consent").state is MISSED


def test_suspensive_appeal_moves_the_start_of_the_transfer_period():
    """Art. 67(11): an appeal with suspensive effect decided Wednesday 2 September, transfer
    decision upheld: transfer due Wednesday 30 September. Pending: no due date."""
    appeal = Appeal(D(2026, 7, 13), suspensive=True)
    case = replace(
        BASE, confirmed_on=D(2026, 7, 8), transfer_decision_on=D(2026, 7, 10), appeal=appeal
    )
    pending = status(case, D(2026, 8, 20))
    assert pending.step("transfer").state is PENDING and pending.step("transfer").due is None
    decided = replace(case, appeal=replace(appeal, final_decision_on=D(2026, 9, 2)))
    s = status(decided, D(2026, 9, 3))
    assert s.step("appeal").state is DONE and s.step("transfer").due == D(2026, 9, 30)
    annulled = replace(
        case, appeal=replace(appeal, final_decision_on=D(2026, 9, 2), transfer_upheld=False)
    )
    s = status(annulled, D(2026, 9, 3))
    assert s.outcome is Outcome.TRANSFER_ANNULLED and s.step("transfer").state is NA


def test_appeal_without_suspensive_effect_changes_nothing():
    """Art. 43(3), second subparagraph: the transfer period still runs from the confirmation."""
    case = replace(
        BASE,
        confirmed_on=D(2026, 7, 8),
        transfer_decision_on=D(2026, 7, 10),
        appeal=Appeal(D(2026, 7, 13), suspensive=False),
    )
    assert status(case, D(2026, 7, 20)).step("transfer").due == D(2026, 8, 5)


def test_arrival_and_non_appearance_reports():
    """Art. 68(1): the state of relocation reports safe arrival or non-appearance."""
    moved = replace(
        BASE,
        transfer_decision_on=D(2026, 7, 15),
        person_notified_on=D(2026, 7, 16),
        transferred_on=D(2026, 8, 3),
    )
    s = status(moved, D(2026, 8, 3))
    assert s.outcome is Outcome.TRANSFERRED and s.step("arrival_report").state is PENDING
    arrived = replace(moved, arrived=True, arrival_reported_on=D(2026, 8, 4))
    s = status(arrived, D(2026, 8, 5))
    assert s.outcome is Outcome.RELOCATED and s.step("arrival_report").state is DONE
    assert "68(2)" in s.outcome_reason
    gone = replace(BASE, arrived=False, arrival_reported_on=D(2026, 8, 12))
    assert status(gone, D(2026, 8, 12)).outcome is Outcome.DID_NOT_APPEAR


# ----------------------------------------------------------------------------- exclusions


def test_security_refusal_within_the_week_ends_the_procedure():
    """Art. 67(9), second subparagraph: refused Thursday 9 July: reply met, relocation does not
    take place, later steps do not apply."""
    case = replace(BASE, exclusion=Exclusion(Ground.SECURITY_STATE_OF_RELOCATION, D(2026, 7, 9)))
    s = status(case, D(2026, 7, 20))
    assert s.step("reply").state is MET and s.step("reply").done == D(2026, 7, 9)
    assert s.outcome is Outcome.EXCLUDED
    assert s.step("transfer_decision").state is NA and s.step("transfer").state is NA
    assert s.confirmation is None


def test_security_refusal_after_the_week():
    """Refused Wednesday 15 July, after the limit of Monday 13 July: the confirmation had been
    deemed; [reading] the security grounds still stop the relocation (Art. 67(2))."""
    case = replace(BASE, exclusion=Exclusion(Ground.SECURITY_STATE_OF_RELOCATION, D(2026, 7, 15)))
    s = status(case, D(2026, 7, 30))
    assert s.step("reply").state is DEEMED and "[reading]" in s.step("reply").reason
    assert s.outcome is Outcome.EXCLUDED and s.step("transfer_decision").state is NA


def test_security_threat_found_by_the_benefitting_state():
    """Art. 67(2): the benefitting state does not apply the procedure; the person is excluded from
    any future relocation or transfer."""
    case = replace(
        BASE,
        security_checked_on=None,
        request_sent_on=None,
        exclusion=Exclusion(Ground.SECURITY_BENEFITTING_STATE, D(2026, 7, 2)),
    )
    s = status(case, D(2026, 7, 20))
    assert s.step("security_check").state is DONE and s.step("request").state is NA
    assert s.outcome is Outcome.EXCLUDED and "any future relocation" in s.outcome_reason


def test_security_check_after_the_request_is_missed():
    """Art. 67(2): the check comes before the procedure is applied."""
    case = replace(BASE, security_checked_on=D(2026, 7, 7))
    assert status(case, D(2026, 7, 8)).step("security_check").state is MISSED
    assert (
        status(replace(BASE, security_checked_on=None), D(2026, 7, 8)).step("security_check").state
        is MISSED
    )


def test_applicant_for_whom_the_benefitting_state_is_responsible():
    """Art. 67(5), second subparagraph: not eligible; no information under the first."""
    case = replace(BASE, exclusion=Exclusion(Ground.BENEFITTING_STATE_RESPONSIBLE, D(2026, 7, 8)))
    s = status(case, D(2026, 7, 20))
    assert s.outcome is Outcome.EXCLUDED and s.step("information").state is NA
    assert s.step("reply").state is NA


# ----------------------------------------------------------------------------- readings


def test_reading_deemed_the_day_after():
    """relocation.deemed_confirmation_date = day_after_period: deemed Tuesday 14 July, decision
    due Tuesday 21 July, transfer due Tuesday 11 August."""
    params = with_value("relocation.deemed_confirmation_date", "day_after_period")
    s = status(BASE, D(2026, 7, 15), params)
    assert s.confirmation == D(2026, 7, 14)
    assert s.step("transfer_decision").due == D(2026, 7, 21)
    assert s.step("transfer").due == D(2026, 8, 11)


def test_reading_holidays_of_both_states():
    """Received by BE on Tuesday 26 May 2026: one week ends Tuesday 2 June, a working day in BE but
    Republic Day in IT: with acting_state due 2 June, with both_states due Wednesday 3 June."""
    case = replace(BASE, relocation_state="BE", request_sent_on=D(2026, 5, 26))
    assert status(case, D(2026, 5, 27)).step("reply").due == D(2026, 6, 2)
    both = with_value("relocation.holiday_calendar", "both_states")
    assert status(case, D(2026, 5, 27), both).step("reply").due == D(2026, 6, 3)
    with pytest.raises(EupactError, match="acting_state"):
        status(case, D(2026, 5, 27), with_value("relocation.holiday_calendar", "nobody"))


# ----------------------------------------------------------------------------- records


def test_events_after_the_status_date_are_ignored():
    case = replace(BASE, confirmed_on=D(2026, 7, 8), transfer_decision_on=D(2026, 7, 10))
    s = status(case, D(2026, 7, 7))
    assert s.step("reply").state is PENDING and s.step("transfer_decision").done is None


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"person": "Jean Dupont"}, "person", "pseudonymous"),
        ({"relocation_state": "IT"}, "relocation_state", "Art. 2(22)"),
        ({"relocation_state": "GR"}, "relocation_state", "geo code"),
        ({"confirmed_on": D(2026, 7, 1)}, "confirmed_on", "is before"),
        ({"transferred_on": D(2026, 8, 1)}, "transfer_decision_on", "is missing"),
        ({"consented_on": D(2026, 7, 1)}, "consented_on", "beneficiaries"),
        ({"arrived": True}, "arrived", "68(1)"),
    ],
)
def test_impossible_records_are_refused(change, field, rule):
    with pytest.raises(EupactError) as err:
        status(replace(BASE, **change), D(2026, 8, 1))
    found = [p for p in err.value.problems if p.field == field]
    assert found and rule in found[0].rule, err.value


def test_table_fits_80_columns_and_explanations_cite():
    case = replace(
        BASE,
        relocation_state="BE",
        request_sent_on=D(2026, 7, 14),
        postponement_notified_on=D(2026, 7, 15),
    )
    s = status(case, D(2026, 8, 20))
    rows = s.table()
    assert rows and all(len(r) <= 80 for r in rows)
    assert any("reply (confirmation)" in r for r in rows)
    text = s.step("postponement").explanation().render()
    assert "relocation.confirmation_weeks" in text and "Art. 67(9)" in text
    d = s.as_dict()
    assert d["steps"][0]["key"] == "identification" and len(d["steps"]) == 12


# ----------------------------------------------------------------------------- invariants

STATES = ("AT", "BE", "DE", "EL", "ES", "FR", "IT", "NL", "PL")


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=D(2026, 1, 1), max_value=D(2030, 12, 31)),
    weeks=st.integers(min_value=0, max_value=8),
    state=st.sampled_from(STATES),
)
def test_time_limit_invariants(start, weeks, state):
    """Art. 75: the period ends on the same weekday; the limit ends on the first working day on or
    after it; every day skipped is a weekend day or a holiday."""
    cals = [national_holidays(state)]
    lim = time_limit(start, weeks, Unit.WEEKS, cals)
    assert lim.period_end.weekday() == start.weekday()
    assert lim.due >= lim.period_end and non_working(lim.due, cals) is None
    assert [d for d, _ in lim.skipped] == [
        lim.period_end + dt.timedelta(days=k) for k in range((lim.due - lim.period_end).days)
    ]
    later = time_limit(start + dt.timedelta(days=1), weeks, Unit.WEEKS, cals)
    assert later.due >= lim.due


@settings(max_examples=200, deadline=None)
@given(
    event=st.dates(min_value=D(2018, 1, 1), max_value=D(2030, 12, 31)),
    later=st.dates(min_value=D(2018, 1, 1), max_value=D(2034, 12, 31)),
    inclusive=st.booleans(),
)
def test_earliest_within_years_is_the_inverse(event, later, inclusive):
    """The threshold used for many dates at once agrees with the rule date by date."""
    threshold = earliest_within_years(later, 3, inclusive)
    assert within_years(event, 3, later, inclusive) == (event >= threshold)


@settings(max_examples=100, deadline=None)
@given(
    offsets=st.lists(st.integers(min_value=0, max_value=20), min_size=6, max_size=6),
    on_offset=st.integers(min_value=0, max_value=120),
    beneficiary=st.booleans(),
)
def test_any_ordered_record_has_a_status(offsets, on_offset, beneficiary):
    """Any record whose events follow each other has a status; a deemed state only for the reply;
    a met or missed step has a due date."""
    sent = D(2026, 7, 6)
    days = [sent + dt.timedelta(days=sum(offsets[: k + 1])) for k in range(6)]
    case = RelocationCase(
        "X-1",
        "EL",
        "FR",
        status=Status.BENEFICIARY if beneficiary else Status.APPLICANT,
        security_checked_on=sent,
        consented_on=sent if beneficiary else None,
        request_sent_on=sent,
        information_received_on=days[0],
        confirmed_on=days[1],
        transfer_decision_on=days[2],
        person_notified_on=days[3],
        transferred_on=days[4],
        arrived=True,
        arrival_reported_on=days[5],
    )
    s = procedure_status(case, P, sent + dt.timedelta(days=on_offset))
    for step in s.steps:
        assert step.state is not DEEMED or step.key == "reply"
        if step.state in (MET, MISSED) and step.key not in ("security_check", "consent"):
            assert step.due is not None
    assert all(len(r) <= 80 for r in s.table())
