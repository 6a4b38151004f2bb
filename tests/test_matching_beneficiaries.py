"""Relocation of beneficiaries of international protection (Art. 56(2)(a)(ii), 67(4) AMMR): a
bilateral agreement for the pair (benefitting state, state of relocation), protection granted less
than three years before the adoption of the Council act establishing the pool, written consent.

The 2026 pool's act, Council Implementing Decision (EU) 2025/2642, was adopted on Friday
19 December 2025 (parameters/acts/). Three years before, by Art. 75(a)-(c): a three-year period
starting on a grant of 19 December 2022 ends at the end of 19 December 2025, so an act adopted that
day is within it ([reading] relocation.beneficiary.exact_anniversary = eligible); a grant of
18 December 2022 ends on 18 December 2025, before the act: not eligible.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eupact.errors import EupactError
from eupact.matching import (
    Applicant,
    ApplicantTable,
    BeneficiaryRules,
    BilateralAgreement,
    PledgedPlaces,
    Reason,
    Rules,
    SolverSettings,
    StateProfile,
    Status,
    match,
    prepare,
)
from eupact.matching.beneficiaries import GRANTED_AFTER_ACT, GRANTED_TOO_EARLY, NO_GRANT_DATE
from eupact.matching.files import (
    read_agreements,
    read_applicants,
    read_pledges,
    write_applicants_csv,
)
from eupact.parameters import DatedValue, ParameterSet, load_parameters
from eupact.pool.acts import council_act

D = dt.date
AT = D(2026, 7, 1)
EXACT = SolverSettings(mip_rel_gap=0.0)
P = load_parameters()
ACT = D(2025, 12, 19)
IT_DE = BilateralAgreement("IT", "DE")
RULES = BeneficiaryRules((IT_DE,), ACT)


def ben(ident: str, granted: dt.date | None, state: str = "IT", **kw: object) -> Applicant:
    return Applicant(
        ident,
        state,
        status=Status.BENEFICIARY,
        consent=True,
        protection_granted_on=granted,
        **kw,  # type: ignore[arg-type]
    )


def run(applicants, places, profiles=(), beneficiaries=RULES, balance=True):
    return match(
        applicants,
        places,
        profiles,
        rules=Rules(balance=balance),
        beneficiaries=beneficiaries,
        settings=EXACT,
        at=AT,
        compare_greedy=False,
    )


def with_value(name: str, value: object) -> ParameterSet:
    base = P[name]
    first = base.values[0]
    changed = replace(base, values=(DatedValue(first.since, value, first.reference),))
    return ParameterSet({**P.parameters, name: changed})


def eligible(applicants, rules=RULES, params=None, profiles=()):
    table = ApplicantTable.from_applicants(applicants)
    at = (params or P).at(AT)
    problem = prepare(table, [PledgedPlaces("DE", 10)], at, profiles, None, rules)
    return problem


def test_the_2026_act_date():
    assert council_act(2026, P).act_date == ACT


# ----------------------------------------------------------------------------- three years


def test_granted_exactly_three_years_before_the_act():
    """Art. 56(2)(a)(ii) with Art. 75: granted 19 December 2022 = eligible (Art. 75 reading);
    18 December 2022 = not eligible; 20 December 2022 = eligible."""
    people = [
        ben("ON", D(2022, 12, 19)),
        ben("BEFORE", D(2022, 12, 18)),
        ben("AFTER", D(2022, 12, 20)),
    ]
    r = run(people, [PledgedPlaces("DE", 3)])
    assert {i: r.state_of(i) for i in ("ON", "BEFORE", "AFTER")} == {
        "ON": "DE",
        "BEFORE": None,
        "AFTER": "DE",
    }
    e = r.explain("BEFORE")
    assert e.reason is Reason.NOT_ELIGIBLE
    assert "2022-12-19" in e.constraints[0].text and "2025-12-19" in e.constraints[0].text
    assert e.constraints[0].article == "Art. 56(2)(a)(ii) AMMR"


def test_reading_exact_anniversary_not_eligible():
    """The calendar reading: on the third anniversary three years have elapsed, not less."""
    params = with_value("relocation.beneficiary.exact_anniversary", "not_eligible")
    p = eligible([ben("ON", D(2022, 12, 19)), ben("AFTER", D(2022, 12, 20))], params=params)
    assert p.unit_eligible.tolist() == [False, True]
    assert p.unit_ineligible is not None and int(p.unit_ineligible[0]) == GRANTED_TOO_EARLY


def test_leap_day_grant():
    """Art. 75(c): a grant of 29 February 2024 starts three years that end on 28 February 2027
    (no 29 February): an act adopted on 28 February 2027 is within them; a grant of 27 February
    2024 ends on 27 February 2027, before it."""
    rules = BeneficiaryRules((IT_DE,), D(2027, 2, 28))
    people = [ben("LEAP", D(2024, 2, 29)), ben("27", D(2024, 2, 27)), ben("28", D(2024, 2, 28))]
    assert eligible(people, rules).unit_eligible.tolist() == [True, False, True]


def test_act_on_a_leap_day():
    """Act adopted 29 February 2028: a grant of 28 February 2025 ends on 28 February 2028, the
    day before (not eligible); one of 1 March 2025 ends on 1 March 2028 (eligible)."""
    rules = BeneficiaryRules((IT_DE,), D(2028, 2, 29))
    people = [ben("28F", D(2025, 2, 28)), ben("1M", D(2025, 3, 1))]
    assert eligible(people, rules).unit_eligible.tolist() == [False, True]


def test_grant_after_the_act():
    """[reading] relocation.beneficiary.granted_after_act: eligible by default; the literal
    reading excludes a grant of 10 January 2026, after the act of 19 December 2025."""
    late = [ben("LATE", D(2026, 1, 10))]
    assert eligible(late).unit_eligible.tolist() == [True]
    params = with_value("relocation.beneficiary.granted_after_act", "not_eligible")
    p = eligible(late, params=params)
    assert p.unit_ineligible is not None and int(p.unit_ineligible[0]) == GRANTED_AFTER_ACT
    same_day = eligible([ben("SAME", ACT)], params=params)
    assert same_day.unit_eligible.tolist() == [True]


def test_no_grant_date_is_not_eligible():
    p = eligible([ben("X", None)])
    assert p.unit_ineligible is not None and int(p.unit_ineligible[0]) == NO_GRANT_DATE
    assert "cannot be checked" in p.ineligibility(0)[0][0]


def test_bad_reading_value_is_refused():
    params = with_value("relocation.beneficiary.exact_anniversary", "maybe")
    with pytest.raises(EupactError, match="eligible or not_eligible"):
        eligible([ben("X", ACT)], params=params)


# ----------------------------------------------------------------------------- agreements


def test_agreement_is_for_the_pair():
    """Art. 56(2)(a)(ii): an agreement IT → DE opens DE to IT's beneficiaries only: not FR, not
    to EL's beneficiaries, and DE → IT is another agreement."""
    people = [ben("I", D(2024, 1, 1)), ben("E", D(2024, 1, 1), "EL")]
    places = [PledgedPlaces("FR", 2), PledgedPlaces("DE", 1, "EL"), PledgedPlaces("DE", 1, "IT")]
    r = run(people, places, balance=False)  # EL has nowhere to go: no balance among states
    assert r.state_of("I") == "DE" and r.state_of("E") is None
    e = r.explain("E")
    assert e.reason is Reason.EXCLUDED_EVERYWHERE
    assert any("bilateral agreement" in c.text for c in e.constraints)
    reverse = BeneficiaryRules((BilateralAgreement("DE", "IT"),), ACT)
    r2 = run([ben("I", D(2024, 1, 1))], [PledgedPlaces("DE", 1)], beneficiaries=reverse)
    assert r2.state_of("I") is None


def test_no_agreement_at_all():
    r = run(
        [ben("I", D(2024, 1, 1))], [PledgedPlaces("DE", 1)], beneficiaries=BeneficiaryRules((), ACT)
    )
    assert r.explain("I").reason is Reason.EXCLUDED_EVERYWHERE


def test_applicants_need_no_agreement():
    """Art. 56(2)(a)(i): applicants are relocated without one."""
    r = run([Applicant("A", "IT")], [PledgedPlaces("FR", 1)])
    assert r.state_of("A") == "FR"


def test_family_with_a_beneficiary_follows_the_agreement():
    """Art. 67(6): the unit goes together; its beneficiary member limits it to DE."""
    unit = [
        Applicant("F-0", "IT", family_unit="F"),
        ben("F-1", D(2024, 5, 1), family_unit="F"),
    ]
    r = run(unit, [PledgedPlaces("FR", 5), PledgedPlaces("DE", 2)])
    assert r.state_of("F-0") == r.state_of("F-1") == "DE"


def test_profile_flag_false_still_excludes_with_agreements():
    profiles = [StateProfile("DE", accepts_beneficiaries=False)]
    r = run([ben("I", D(2024, 1, 1))], [PledgedPlaces("DE", 1)], profiles)
    assert r.state_of("I") is None


def test_consent_still_required():
    """Art. 67(4), third subparagraph."""
    no = Applicant("N", "IT", status=Status.BENEFICIARY, protection_granted_on=D(2024, 1, 1))
    r = run([no], [PledgedPlaces("DE", 1)])
    e = r.explain("N")
    assert e.reason is Reason.NOT_ELIGIBLE and "consented in writing" in e.constraints[0].text


# ----------------------------------------------------------------------------- older inputs


def test_without_rules_the_flag_stands_for_agreements():
    """Older inputs: no agreements, no act date: accepts_beneficiaries (default True) stands for
    an agreement with every benefitting state; the three-year rule is not checked, and the
    summary says so."""
    old = Applicant("O", "IT", status=Status.BENEFICIARY, consent=True)
    r = run([old], [PledgedPlaces("FR", 1)], beneficiaries=None)
    assert r.state_of("O") == "FR"
    assert any("not checked" in n for n in r.summary().notes)
    r2 = run(
        [old], [PledgedPlaces("FR", 1)], [StateProfile("FR", accepts_beneficiaries=False)], None
    )
    assert r2.state_of("O") is None


# ----------------------------------------------------------------------------- refusals and files


@pytest.mark.parametrize(
    ("agreement", "field", "rule"),
    [
        (BilateralAgreement("IT", "GR"), "relocation_state", "EL"),
        (BilateralAgreement("DK", "DE"), "benefitting_state", "recital 90"),
        (BilateralAgreement("IT", "IT"), "relocation_state", "Art. 2(22)"),
    ],
)
def test_bad_agreements_are_refused(agreement, field, rule):
    with pytest.raises(EupactError) as err:
        eligible([ben("X", ACT)], BeneficiaryRules((agreement,), ACT))
    found = [p for p in err.value.problems if p.field == field]
    assert found and rule in found[0].rule, err.value


def test_applicant_with_a_grant_date_is_refused():
    with pytest.raises(EupactError) as err:
        eligible([Applicant("A", "IT", protection_granted_on=D(2024, 1, 1))])
    assert err.value.problems[0].field == "protection_granted_on"
    assert "applicant A" in err.value.problems[0].location


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_applicants_csv_with_grant_dates_round_trip(tmp_path):
    src = _write(
        tmp_path / "a.csv",
        "id,benefitting_state,status,consent,protection_granted_on\n"
        "B1,IT,beneficiary,true,2023-05-02\nA1,IT,applicant,,\n",
    )
    table = read_applicants(src).table
    people = list(table)
    assert people[0].protection_granted_on == D(2023, 5, 2)
    assert people[1].protection_granted_on is None
    out = write_applicants_csv(table, tmp_path / "b.csv")
    assert [p.protection_granted_on for p in read_applicants(out).table] == [D(2023, 5, 2), None]


def test_bad_grant_date_in_a_file(tmp_path):
    src = _write(
        tmp_path / "a.csv",
        "id,benefitting_state,status,protection_granted_on\nB1,IT,beneficiary,19/12/2022\n",
    )
    with pytest.raises(EupactError) as err:
        read_applicants(src)
    problem = err.value.problems[0]
    assert problem.field == "protection_granted_on" and "a.csv, row 2" in problem.location


def test_pledges_json_with_agreements(tmp_path):
    doc = {
        "pledges": [{"contributing_state": "DE", "places": 2}],
        "bilateral_agreements": [{"benefitting_state": "it", "relocation_state": "DE"}],
        "pool_act_date": "2025-12-19",
    }
    got = read_pledges(_write(tmp_path / "p.json", json.dumps(doc)))
    rules = got.beneficiary_rules
    assert rules is not None and rules.pool_act_date == ACT
    assert rules.pairs() == frozenset({("IT", "DE")})
    plain = read_pledges(_write(tmp_path / "q.json", json.dumps({"pledges": doc["pledges"]})))
    assert plain.beneficiary_rules is None


def test_pledges_json_agreements_without_act_date(tmp_path):
    doc = {
        "pledges": [{"contributing_state": "DE", "places": 2}],
        "bilateral_agreements": [{"benefitting_state": "IT", "relocation_state": "DE"}],
    }
    with pytest.raises(EupactError) as err:
        read_pledges(_write(tmp_path / "p.json", json.dumps(doc)))
    assert err.value.problems[0].field == "pool_act_date"


def test_agreements_csv(tmp_path):
    path = _write(tmp_path / "ag.csv", "benefitting_state,relocation_state\nIT,DE\nEL,FR\n")
    assert [(a.benefitting_state, a.relocation_state) for a in read_agreements(path)] == [
        ("IT", "DE"),
        ("EL", "FR"),
    ]
    bad = _write(tmp_path / "bad.csv", "benefitting_state,relocation_state\nIT,Germany\n")
    with pytest.raises(EupactError) as err:
        read_agreements(bad)
    assert err.value.problems[0].field == "relocation_state"


# ----------------------------------------------------------------------------- invariant


def _oracle(granted: dt.date, act: dt.date) -> bool:
    """By hand: the same calendar date three years before the act, or 1 March when that date is
    29 February of a year without it (Art. 75(c) ends the grant's period on 28 February)."""
    try:
        threshold = act.replace(year=act.year - 3)
    except ValueError:  # act on 29 February, three years earlier has none
        threshold = D(act.year - 3, 3, 1)
    return granted >= threshold


@settings(max_examples=150, deadline=None)
@given(
    granted=st.dates(min_value=D(2019, 1, 1), max_value=D(2029, 12, 31)),
    act=st.dates(min_value=D(2024, 1, 1), max_value=D(2030, 12, 31)),
)
def test_three_year_rule_agrees_with_the_calendar(granted, act):
    rules = BeneficiaryRules((IT_DE,), act)
    p = eligible([ben("X", granted)], rules)
    assert bool(p.unit_eligible[0]) == _oracle(granted, act)
