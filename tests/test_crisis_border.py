"""What the crisis derogations change for a state on a date (CFMR Arts 10-12, 14 against APR
Arts 27, 35(4), 42(1)(j), 44(1)(b), 45(1), 51(2)); dates and values worked by hand."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from eupact.crisis.border import (
    border_duration,
    expedited_limit,
    instrumentalisation_scope,
    j_threshold,
    merits_threshold,
    registration_limit,
    responsibility_time_limits,
)
from eupact.crisis.events import Recommendation
from eupact.crisis.measures import AuthorisedMeasures, Derogation, Situation, in_force
from eupact.parameters import ParametersAt, load_parameters

D = dt.date
ALL_MA = frozenset(
    {
        Derogation.REGISTRATION,
        Derogation.BORDER_EXTENSION,
        Derogation.BORDER_NOT_J,
        Derogation.BORDER_THRESHOLD,
        Derogation.BORDER_MERITS,
        Derogation.TIME_LIMITS,
    }
)
# initial period 2027-04-02..2027-07-01, extended to 2027-10-01
MA = AuthorisedMeasures(
    "IT",
    Situation.MASS_ARRIVALS,
    "CID 1",
    D(2027, 4, 1),
    D(2027, 4, 2),
    D(2027, 10, 1),
    D(2027, 7, 1),
    ALL_MA,
)


def ins(exclusion: str) -> AuthorisedMeasures:
    return AuthorisedMeasures(
        "LT",
        Situation.INSTRUMENTALISATION,
        "CID 2",
        D(2027, 4, 1),
        D(2027, 4, 2),
        D(2027, 7, 1),
        D(2027, 7, 1),
        frozenset({Derogation.BORDER_INSTRUMENTALISATION, Derogation.REGISTRATION}),
        instrumentalisation_exclusion=exclusion,
    )


@pytest.fixture(scope="module")
def params() -> ParametersAt:
    return load_parameters().at(D(2027, 4, 1))


def test_registration_four_weeks_in_the_initial_period(params: ParametersAt) -> None:
    # Art. 10(1): made Mon 2027-04-05 + 4 weeks = Mon 2027-05-03
    a = registration_limit("IT", D(2027, 4, 5), [MA], params)
    assert (a.value, a.due, a.derogation, a.decision) == ("4 weeks", D(2027, 5, 3), True, "CID 1")
    assert "Art. 10(1) CFMR" in a.articles
    # last day of the initial period still covered; made Thu 2027-07-01 + 4 weeks = Thu 07-29
    assert registration_limit("IT", D(2027, 7, 1), [MA], params).due == D(2027, 7, 29)
    # Art. 10(4): in the extension the APR's 5 days again (Fri 2027-07-02 + 5 = Wed 07-07)
    a = registration_limit("IT", D(2027, 7, 2), [MA], params)
    assert (a.value, a.due, a.derogation, a.articles) == (
        "5 days",
        D(2027, 7, 7),
        False,
        ("Art. 27(1) APR",),
    )


def test_registration_in_an_instrumentalisation_extension(params: ParametersAt) -> None:
    # 10(4) concerns a 1(4)(a) crisis only
    extended = AuthorisedMeasures(
        "LT",
        Situation.INSTRUMENTALISATION,
        "CID 2",
        D(2027, 4, 1),
        D(2027, 4, 2),
        D(2027, 10, 1),
        D(2027, 7, 1),
        frozenset({Derogation.REGISTRATION}),
    )
    assert registration_limit("LT", D(2027, 8, 2), [extended], params).value == "4 weeks"


def test_registration_early_ten_days_and_the_ordinary_limits(params: ParametersAt) -> None:
    # Art. 10(6): request Tue 2027-03-02, window Wed 03-03 .. Fri 03-12
    early = (D(2027, 3, 3), D(2027, 3, 12))
    a = registration_limit("IT", D(2027, 3, 12), [], params, early=early)
    assert (a.value, a.due, a.articles) == ("4 weeks", D(2027, 4, 9), ("Art. 10(6) CFMR",))
    # Sat 2027-03-13 + 5 days = Thu 2027-03-18 (APR 27(1))
    assert registration_limit("IT", D(2027, 3, 13), [], params, early=early).due == D(2027, 3, 18)
    # APR 27(5): 15 days; Sat 03-13 + 15 = Sun 03-28 (Easter) -> Mon 03-29 is Easter Monday, a
    # national holiday in Italy -> Tue 2027-03-30
    a = registration_limit("IT", D(2027, 3, 13), [], params, disproportionate=True)
    assert (a.value, a.due) == ("15 days", D(2027, 3, 30))
    # another state's decision does not cover IT
    assert not registration_limit("FR", D(2027, 4, 5), [MA], params).derogation


def test_border_procedure_plus_six_weeks_not_on_top_of_sixteen(params: ParametersAt) -> None:
    # APR 51(2): 12 weeks; CFMR 11(1): 12 + 6 = 18; registered Mon 2027-05-03 + 18 weeks =
    # Mon 2027-09-06
    a = border_duration("IT", D(2027, 5, 1), [MA], params, registered_on=D(2027, 5, 3))
    assert (a.amount, a.due, a.derogation) == (18, D(2027, 9, 6), True)
    # after a relocation the ordinary maximum is 16; the crisis gives 18, never 16 + 6 = 22
    assert border_duration("IT", D(2027, 5, 1), [MA], params, after_relocation=True).amount == 18
    assert border_duration("IT", D(2027, 11, 1), [MA], params).amount == 12
    assert border_duration("IT", D(2027, 11, 1), [MA], params, after_relocation=True).amount == 16
    # made in the period, registered later: still extended (11(1): applications made)
    assert border_duration("IT", D(2027, 10, 1), [MA], params).amount == 18


def test_after_a_relocation_the_reading_may_keep_sixteen_weeks() -> None:
    # [reading] crisis.border.after_relocation = relocation_weeks_only: APR 51(2) third
    # subparagraph's 16 weeks, the CFMR 11(1) six weeks not used at all; registered Mon
    # 2027-05-03 + 16 weeks = Mon 2027-08-23
    ps = load_parameters().with_readings(
        {"crisis.border.after_relocation": "relocation_weeks_only"}
    )
    at = ps.at(D(2027, 4, 1))
    a = border_duration(
        "IT", D(2027, 5, 1), [MA], at, after_relocation=True, registered_on=D(2027, 5, 3)
    )
    assert (a.amount, a.due, a.derogation) == (16, D(2027, 8, 23), False)
    assert "crisis.border.after_relocation" in a.note
    # without a relocation the reading changes nothing: 12 + 6 = 18
    assert border_duration("IT", D(2027, 5, 1), [MA], at).amount == 18


def test_j_threshold_and_merits(params: ParametersAt) -> None:
    a = j_threshold("IT", D(2027, 5, 1), [MA], params)
    assert (a.amount, a.value) == (Fraction(1, 20), "5 %")
    assert "Art. 11(3) CFMR" in a.articles and "Art. 11(2) CFMR" in a.articles
    b = j_threshold("IT", D(2027, 11, 1), [MA], params)
    assert (b.amount, b.value, b.derogation) == (Fraction(1, 5), "20 %", False)
    m = merits_threshold("IT", D(2027, 5, 1), [MA], params)
    assert m is not None and m.amount == Fraction(1, 2) and m.value == "50 %"
    assert merits_threshold("IT", D(2027, 11, 1), [MA], params) is None


@pytest.mark.parametrize(
    ("exclusion", "facts", "in_scope", "article"),
    [
        ("11(7)(a)", {}, True, "Art. 11(6) CFMR"),
        ("11(7)(a)", {"minor_under_12_or_family": True}, False, "Art. 11(7)(a) CFMR"),
        ("11(7)(b)", {"minor_under_12_or_family": True}, True, "Art. 11(6) CFMR"),
        (
            "11(7)(b)",
            {"special_needs": True, "likely_well_founded": True},
            False,
            "Art. 11(7)(b) CFMR",
        ),
        ("11(7)(b)", {"medical_reasons": True}, False, "Art. 11(9) CFMR"),
        ("11(7)(a)", {"support_unavailable": True}, False, "Art. 11(9) CFMR"),
    ],
)
def test_instrumentalisation_scope(
    exclusion: str, facts: dict[str, bool], in_scope: bool, article: str
) -> None:
    a = instrumentalisation_scope(
        "LT", D(2027, 5, 1), [ins(exclusion)], subject_to_instrumentalisation=True, **facts
    )
    assert a.in_scope is in_scope and article in a.articles


def test_instrumentalisation_scope_needs_the_person_and_the_period() -> None:
    a = instrumentalisation_scope(
        "LT", D(2027, 5, 1), [ins("11(7)(a)")], subject_to_instrumentalisation=False
    )
    assert not a.in_scope
    a = instrumentalisation_scope(
        "LT", D(2027, 7, 2), [ins("11(7)(a)")], subject_to_instrumentalisation=True
    )
    assert not a.in_scope and "no decision authorises 11(6)" in a.reasons[0]


def test_expedited_procedure_four_weeks(params: ParametersAt) -> None:
    rec = Recommendation(on=D(2027, 4, 10), reference="C(2027) 7", categories="nationals of X")
    # Art. 14(2): lodged Tue 2027-04-13 + 4 weeks = Tue 2027-05-11
    a = expedited_limit(D(2027, 4, 13), "IT", [rec], params, follows_recommendation=True)
    assert (a.value, a.due, a.decision) == ("4 weeks", D(2027, 5, 11), "C(2027) 7")
    # before the recommendation, or not following it: APR 35(4), six months
    # (Fri 2027-04-09 + 6 months = Sat 2027-10-09 -> Mon 2027-10-11)
    b = expedited_limit(D(2027, 4, 9), "IT", [rec], params, follows_recommendation=True)
    assert (b.value, b.due, b.derogation) == ("6 months", D(2027, 10, 11), False)
    assert (
        expedited_limit(D(2027, 4, 13), "IT", [rec], params, follows_recommendation=False).value
        == "6 months"
    )


def test_art_12_time_limits(params: ParametersAt) -> None:
    found = responsibility_time_limits("IT", D(2027, 9, 1), [MA], params)
    assert [(a.value, a.articles[0]) for a in found] == [
        ("4 months", "Art. 12(2)(a) CFMR"),
        ("2 months", "Art. 12(2)(b) CFMR"),
        ("1 month", "Art. 12(2)(c) CFMR"),
        ("1 year", "Art. 12(2)(d) CFMR"),
    ]
    assert responsibility_time_limits("IT", D(2027, 10, 2), [MA], params) == ()
    assert responsibility_time_limits("LT", D(2027, 5, 1), [ins("11(7)(a)")], params) == ()


def test_measures_helpers() -> None:
    assert in_force([MA, ins("11(7)(a)")], "IT", D(2027, 5, 1)) == (MA,)
    assert MA.derogation_until(Derogation.REGISTRATION) == D(2027, 7, 1)
    assert MA.derogation_until(Derogation.TIME_LIMITS) == D(2027, 10, 1)
    assert MA.derogation_until(Derogation.TAKE_BACK_RELEASE) is None
    assert MA.situation_over_from() == D(2027, 10, 2)
    assert MA.as_dict()["derogations"] == ["10", "11(1)", "11(2)", "11(3)", "11(4)", "12"]
