"""The input boundary (eupact.boundary): one model per concept, hostile input read as input.

Properties: anything thrown at a model either validates to bounded values or is refused with an
EupactError naming a field, never another exception, and quickly; anything echoed in an error is
short and printable. Golden cases: the ways people write numbers. Probes: the findings of the
"Service v2" review (1e1000000, '²', '١٢', a lone surrogate, NUL, 10**13 relocations, ZZ, DK, <s).
"""

from __future__ import annotations

import time
import unicodedata
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from eupact.boundary import (
    MAX_APPLICATIONS,
    MAX_EUR,
    MAX_PERSONS,
    ROLES,
    ApplicantRow,
    DeductionIn,
    DeductionRecord,
    Implementation,
    ImplementationIn,
    MatchIn,
    OffsetIn,
    OffsetReplyIn,
    OffsetsRequest,
    PlacesRow,
    PledgeIn,
    TokenIn,
    TokenRequest,
    clean_text,
    echo,
    parse_decimal,
    parse_integer,
    state_code,
    validate,
)
from eupact.errors import EupactError, Problem
from eupact.pool.pledges import Deduction, DeductionStatus, Pledge, PledgeKind

PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FAST = 0.5  # seconds: a refusal costs microseconds; 1e1000000 once cost 30 s


def refused(model: type[BaseModel], data: Any, people: bool = False) -> list[Problem]:
    with pytest.raises(EupactError) as info:
        validate(model, data, people=people)
    return info.value.problems


def fields(problems: list[Problem]) -> set[str]:
    return {p.field for p in problems}


# -- numbers as people write them -----------------------------------------------------------------

PEOPLES_NUMBERS = [
    ("1200", Decimal("1200")),
    ("1 200", Decimal("1200")),
    ("1 200,50", Decimal("1200.50")),
    ("1,200.50", Decimal("1200.50")),
    ("1.200,50", Decimal("1200.50")),
    ("1\u202f200,5", Decimal("1200.5")),  # French: narrow no-break space
    ("1\xa0200", Decimal("1200")),  # no-break space
    ("1'200.25", Decimal("1200.25")),  # Swiss
    ("1,5", Decimal("1.5")),  # a decimal comma: at most two digits after it
    ("1,200", Decimal("1200")),  # three digits after the comma: thousands
    ("1.200.000", Decimal("1200000")),
    ("  42  ", Decimal("42")),
    ("1200.500", Decimal("1200.50")),  # a trailing zero carries no value
    ("-0", Decimal("0")),
    (".5", Decimal("0.5")),
]


@pytest.mark.parametrize(("written", "value"), PEOPLES_NUMBERS)
def test_numbers_as_people_write_them(written: str, value: Decimal) -> None:
    got = parse_decimal(written, "amount", people=True)
    assert got == value and str(got) == str(value)


@pytest.mark.parametrize("written", ["1 200", "1,5", "1.200,50", "1'200"])
def test_files_and_the_api_take_numbers_as_machines_write_them(written: str) -> None:
    with pytest.raises(EupactError) as info:
        parse_decimal(written, "amount")
    assert info.value.problems[0].field == "amount"


NOT_NUMBERS = [
    ("1e1000000", "without an exponent"),
    ("1E6", "without an exponent"),
    ("²", "only the digits 0 to 9"),  # str.isdigit() says yes; int() says no
    ("١٢", "only the digits 0 to 9"),  # Arabic-Indic twelve: Decimal() reads it
    ("１２", "only the digits 0 to 9"),  # full-width
    ("NaN", "a finite number"),
    ("-Infinity", "a finite number"),
    ("0x10", "a number, e.g. 1200"),
    ("12 apples", "a number, e.g. 1200"),
    ("", "enter a number"),
    ("1" * 5000, "at most 40 characters"),
    ("9" * 30, "a larger figure is a typo"),
]


@pytest.mark.parametrize(("written", "rule"), NOT_NUMBERS)
def test_what_is_not_a_number_is_refused_quickly_with_the_rule(written: str, rule: str) -> None:
    started = time.perf_counter()
    with pytest.raises(EupactError) as info:
        parse_decimal(written, "financial", people=True)
    assert time.perf_counter() - started < FAST
    [problem] = info.value.problems
    assert problem.field == "financial" and rule in problem.rule
    assert len(str(info.value)) < 400  # 5000 digits are echoed cut, with their length


def test_integers_bounds_and_json_numbers() -> None:
    assert parse_integer("1 200", "n", maximum=2000, people=True) == 1200
    assert parse_integer(12.0, "n", maximum=20) == 12
    assert parse_integer(Decimal("1E+3"), "n", maximum=2000) == 1000
    for value, rule in [
        (12.5, "a whole number"),
        (True, "not true or false"),
        (10**5000, "a larger figure is a typo"),  # never converted: compared as an int
        (float("nan"), "a finite number"),
        (1e300, "a larger figure is a typo"),
        (-1, "zero or more"),
        (None, "a whole number"),
        ([1], "a whole number"),
    ]:
        with pytest.raises(EupactError) as info:
            parse_integer(value, "n", maximum=10**6)
        assert rule in info.value.problems[0].rule, (value, info.value)
        str(info.value).encode("utf-8")


# -- text and state codes --------------------------------------------------------------------------


def test_text_is_normalised_and_bounded() -> None:
    assert clean_text("  Cafe\u0301\r\nline two\t ", "note") == "Café\nline two"
    for bad, rule in [
        ("a\x00b", "control characters"),
        ("a\x1bb", "control characters"),
        ("\ud800", "lone surrogate"),
        ("abc\u202eevil", "bidirectional"),
        ("x" * 2001, "at most 2,000 characters"),
        (12, "must be text"),
    ]:
        with pytest.raises(EupactError) as info:
            clean_text(bad, "note")
        [problem] = info.value.problems
        assert problem.field == "note" and rule in problem.rule
        str(info.value).encode("utf-8")


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("ZZ", "unknown Member State"),
        ("GR", "EL = Greece"),
        ("DK", "not bound by Part IV AMMR (recital 90, Protocol No 22)"),
        ("<s", "two letters"),
        ("D\x00", "two letters"),
        ("DEU", "two letters"),
        ("ÄT", "two letters"),  # an ASCII check, not str.isalpha()
        ("\ud800\ud800", "two letters"),
        (49, "two letters"),
    ],
)
def test_state_codes_are_bound_member_states(code: object, rule: str) -> None:
    with pytest.raises(EupactError) as info:
        state_code(code, "benefitting_state")
    [problem] = info.value.problems
    assert problem.field == "benefitting_state" and rule in problem.rule
    str(info.value).encode("utf-8")


def test_state_codes_are_upper_cased() -> None:
    assert state_code(" de ") == "DE" and state_code("el") == "EL"


# -- the models: probes of the review's findings ---------------------------------------------------


def test_deduction_with_1e1000000_relocations_is_refused_at_once() -> None:
    started = time.perf_counter()
    problems = refused(
        DeductionIn,
        {"state": "DE", "article": "62", "full": False, "relocations": "1e1000000"},
        people=True,
    )
    assert time.perf_counter() - started < FAST
    assert fields(problems) == {"relocations"}
    assert "exponent" in problems[0].rule


@pytest.mark.parametrize("amount", ["²", "١٢", "1e1000000", "NaN", "1" * 5000])
def test_pledge_amounts_that_are_not_numbers(amount: str) -> None:
    problems = refused(PledgeIn, {"state": "DE", "kind": "financial", "amount": amount})
    assert fields(problems) == {"amount"}


def test_pledge_of_10_13_relocations_is_refused_but_euros_up_to_10_13_are_not() -> None:
    problems = refused(PledgeIn, {"state": "DE", "kind": "relocation", "amount": 10**13})
    assert fields(problems) == {"amount"} and "persons" in problems[0].rule
    ok = validate(PledgeIn, {"state": "DE", "kind": "financial", "amount": 10**13})
    assert ok.amount == MAX_EUR
    problems = refused(PledgeIn, {"state": "DE", "kind": "financial", "amount": 10**13 + 1})
    assert "EUR" in problems[0].rule
    problems = refused(PledgeIn, {"state": "DE", "kind": "financial", "amount": "1.005"})
    assert "at most 2 decimals" in problems[0].rule


def test_lone_surrogate_and_nul_in_any_field_are_refused_and_reported() -> None:
    data = {"state": "D\x00", "kind": "\ud800", "amount": "1\x00", "note": "\ud800"}
    problems = refused(PledgeIn, data)
    assert fields(problems) == {"state", "kind", "amount", "note"}
    for p in problems:
        str(p).encode("utf-8")  # the report itself never fails
        assert "\x00" not in str(p) and "\ud800" not in str(p)


def test_state_codes_in_every_model() -> None:
    assert validate(PledgeIn, {"state": "de", "kind": "financial", "amount": "1"}).state == "DE"
    for code in ("ZZ", "DK", "<s", "\x00\x00"):
        assert fields(refused(PledgeIn, {"state": code, "kind": "financial", "amount": 1})) == {
            "state"
        }
    problems = refused(
        PledgeIn,
        {"state": "AT", "kind": "alternative", "amount": 1, "requested_by": ["CY", "zz"]},
    )
    assert fields(problems) == {"requested_by.1"}
    problems = refused(
        PledgeIn, {"state": "AT", "kind": "alternative", "amount": 1, "requested_by": "CY, CY"}
    )
    assert fields(problems) == {"requested_by"} and "once" in problems[0].rule


@pytest.mark.parametrize(
    ("state", "benefitting", "field"),
    [
        ("ZZ", "IT", "state"),
        ("DK", "IT", "state"),
        ("DE", "DK", "benefitting_state"),
        ("IT", "IT", "benefitting_state"),  # a state to itself
        ("<s", "IT", "state"),
        ("DE", "<s", "benefitting_state"),
    ],
)
def test_implementation_names_two_different_bound_states(
    state: str, benefitting: str, field: str
) -> None:
    data = {"state": state, "kind": "relocation", "benefitting_state": benefitting, "amount": 5}
    assert fields(refused(ImplementationIn, data)) == {field}


def test_implementation_amounts() -> None:
    base = {"state": "DE", "kind": "relocation", "benefitting_state": "IT"}
    for amount, rule in [(0, "greater than zero"), ("2.5", "whole persons"), (10**13, "persons")]:
        problems = refused(ImplementationIn, {**base, "amount": amount})
        assert fields(problems) == {"amount"} and rule in problems[0].rule
    money = validate(ImplementationIn, {**base, "kind": "financial", "amount": "2.5"})
    assert money.to_domain() == Implementation("DE", PledgeKind.FINANCIAL, "IT", Decimal("2.5"))


def test_offsets_request_and_reply() -> None:
    ok = validate(
        OffsetIn, {"benefitting_state": "it", "contributing_state": "de", "applications": 5}
    )
    assert ok.to_domain() == OffsetsRequest("IT", "DE", 5)
    same = {"benefitting_state": "IT", "contributing_state": "IT", "applications": 5}
    assert fields(refused(OffsetIn, same)) == {"contributing_state"}
    zero = {"benefitting_state": "IT", "contributing_state": "DE", "applications": 0}
    assert fields(refused(OffsetIn, zero)) == {"applications"}
    assert validate(OffsetReplyIn, {"accepted": "0"}).to_domain() == 0
    too_many = refused(OffsetReplyIn, {"accepted": MAX_APPLICATIONS + 1})
    assert fields(too_many) == {"accepted"}


def test_tokens_name_a_state_for_member_states_only() -> None:
    token = validate(TokenIn, {"role": "member_state", "state": "de", "label": " DE ministry "})
    assert token.to_domain() == TokenRequest("member_state", "DE", "DE ministry")
    assert validate(TokenIn, {"role": "commission"}).to_domain().state is None
    assert fields(refused(TokenIn, {"role": "member_state"})) == {"state"}
    assert fields(refused(TokenIn, {"role": "council", "state": "DE"})) == {"state"}
    assert fields(refused(TokenIn, {"role": "member_state", "state": "DK"})) == {"state"}
    assert fields(refused(TokenIn, {"role": "king"})) == {"role"}
    assert fields(refused(TokenIn, {"role": "observer", "label": "a\nb"})) == {"label"}


def test_roles_are_the_cycles_roles() -> None:
    from eupact.cycle.phases import Role

    assert set(ROLES) == {str(r) for r in Role}


def test_to_domain_gives_the_pools_types() -> None:
    pledge = validate(
        PledgeIn,
        {"state": "AT", "kind": "alternative", "amount": "250000", "requested_by": ["cy"]},
    )
    assert pledge.to_domain("web form") == Pledge(
        "AT", PledgeKind.ALTERNATIVE, Decimal("250000"), ("CY",), "", "web form"
    )
    request = validate(
        DeductionIn, {"state": "AT", "article": 62, "full": True, "reasons": "capacity"}
    )
    assert request.to_domain() == Deduction("AT", "62", True, location="request body")
    assert request.reasons == "capacity"
    # a request body cannot grant itself a deduction; a file records the Council's act
    assert fields(
        refused(DeductionIn, {"state": "AT", "article": "62", "full": True, "status": "granted"})
    ) == {"status"}
    record = validate(
        DeductionRecord,
        {"state": "CZ", "article": "62", "full": True, "status": "granted", "council_act": "CID"},
    )
    assert record.to_domain("f").status is DeductionStatus.GRANTED
    applicants, places = validate(
        MatchIn,
        {
            "applicants": [{"id": "A1", "benefitting_state": "it"}],
            "places": [{"contributing_state": "de", "places": 2}],
        },
    ).to_domain()
    assert applicants[0].benefitting_state == "IT" and places[0].contributing_state == "DE"
    assert places[0].places == 2 and places[0].source == "places[0]"


def test_matching_rows_are_bounded() -> None:
    assert fields(refused(PlacesRow, {"contributing_state": "DE", "places": MAX_PERSONS + 1})) == {
        "places"
    }
    assert fields(refused(PlacesRow, {"contributing_state": "<s", "places": 1})) == {
        "contributing_state"
    }
    assert fields(refused(ApplicantRow, {"id": "A\x00", "benefitting_state": "IT"})) == {"id"}
    assert fields(refused(ApplicantRow, {"id": "x" * 201, "benefitting_state": "IT"})) == {"id"}


# -- properties -------------------------------------------------------------------------------------

# Text with everything in it: controls, NUL, lone surrogates, digits of every script.
HOSTILE_TEXT = st.text(
    st.one_of(
        st.characters(),
        st.sampled_from("0123456789.,- \u202f\xa0'eE²١٢\x00\r\n\t"),
        st.integers(0xD800, 0xDFFF).map(chr),
    ),
    max_size=60,
)
ANYTHING = st.one_of(
    HOSTILE_TEXT,
    st.integers(),
    st.integers(min_value=-(10**60), max_value=10**60),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.lists(HOSTILE_TEXT, max_size=3),
    st.sampled_from(["DE", "de", "IT", "DK", "ZZ", "relocation", "financial", "62", "1e1000000"]),
)

MODELS: dict[type[BaseModel], tuple[str, ...]] = {
    PledgeIn: ("state", "kind", "amount", "requested_by", "note"),
    DeductionIn: ("state", "article", "full", "relocations", "financial", "reasons"),
    DeductionRecord: ("state", "article", "full", "status", "council_act"),
    OffsetIn: ("benefitting_state", "contributing_state", "applications"),
    OffsetReplyIn: ("accepted",),
    ImplementationIn: ("state", "kind", "benefitting_state", "amount"),
    TokenIn: ("role", "state", "label"),
    ApplicantRow: ("id", "benefitting_state", "family_unit", "languages", "links"),
    PlacesRow: ("contributing_state", "places", "benefitting_state"),
}


def _bounded(model: BaseModel) -> None:
    """Every number of a validated model is within its bound; every text is clean."""
    for name, value in model:
        if isinstance(value, Decimal):
            assert value.is_finite() and 0 <= value <= MAX_EUR, (name, value)
            assert value.as_tuple().exponent >= -2  # type: ignore[operator]
        elif isinstance(value, int) and not isinstance(value, bool):
            assert 0 <= value <= MAX_PERSONS, (name, value)
        elif isinstance(value, str):
            assert not any(
                unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t" for c in value
            )
            if name.endswith("state"):
                assert len(value) == 2 and value.isascii() and value.isupper()


@PROPS
@given(
    model=st.sampled_from(list(MODELS)),
    values=st.lists(ANYTHING, min_size=9, max_size=9),
    people=st.booleans(),
    extra=st.one_of(st.none(), st.tuples(HOSTILE_TEXT, ANYTHING)),
)
def test_any_input_validates_to_bounded_values_or_names_a_field(
    model: type[BaseModel], values: list[Any], people: bool, extra: tuple[str, Any] | None
) -> None:
    data = dict(zip(MODELS[model], values, strict=False))
    if extra is not None:
        data[extra[0]] = extra[1]
    started = time.perf_counter()
    try:
        got = validate(model, data, people=people)
    except EupactError as exc:
        assert exc.problems
        for p in exc.problems:
            assert isinstance(p.field, str) and p.field
            text = str(p)
            text.encode("utf-8")
            assert not any(unicodedata.category(c) in ("Cc", "Cs") for c in text.split(": ", 1)[0])
        str(exc).encode("utf-8")
    else:
        _bounded(got)
    assert time.perf_counter() - started < FAST


@PROPS
@given(text=HOSTILE_TEXT, people=st.booleans())
def test_any_text_is_a_bounded_number_or_refused(text: str, people: bool) -> None:
    try:
        value = parse_decimal(text, "amount", people=people)
    except EupactError as exc:
        assert [p.field for p in exc.problems] == ["amount"]
        str(exc).encode("utf-8")
    else:
        assert 0 <= value <= MAX_EUR and value.as_tuple().exponent >= -2  # type: ignore[operator]


@PROPS
@given(value=st.one_of(ANYTHING, st.text(max_size=500), st.integers(min_value=10**4000)))
def test_echo_never_raises_and_shows_no_raw_control_or_surrogate(value: Any) -> None:
    shown = echo(value)
    assert len(shown) < 1000
    shown.encode("utf-8")
    assert not any(unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") for c in shown)


def test_echo_in_plain_words() -> None:
    assert echo("abc") == "'abc'" and echo("abc", quote=False) == "abc"
    assert echo(True) == "true" and echo(None) == "nothing" and echo(Decimal("1.50")) == "1.50"
    assert echo("a\x00\ud800") == "'a\\u0000\\ud800'"
    assert echo("x" * 2000).endswith("… (2,000 characters)'")
    assert echo(10**5000) == "a whole number of about 5,000 digits"
    assert (
        str(Problem("amount", "-5", "rule", "f, row 3")) == "f, row 3: field 'amount' = '-5': rule"
    )
