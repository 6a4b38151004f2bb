"""Hand-worked golden cases for the legal core: the reference key (Art. 66, Annex I), the rounding
of fair shares (Art. 57(3)), the Commission proposal (Art. 12(2)-(4)), the SAR share (Art. 12(5),
57(2)) and the apportionment of whole numbers under caps (Art. 63(3), (7)).

Rules with many cases read them from golden/reference_key_cases.yaml, where each case carries its
arithmetic; the rest are written out below with the arithmetic in the docstring. No expected value
was computed with the code under test. The tiny key is the one of test_golden_rules.py: populations
AT 1, BE 1, BG 2 and GDP 10, 30, 60 give shares 7/40, 11/40 and 22/40.

These cases were written to kill the mutants that survived `make mutate` (docs/testing.md).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from eupact.data.provenance import Source, StateSeries
from eupact.data.snapshot import Snapshot
from eupact.errors import EupactError, Problem
from eupact.key.reference_key import (
    ReferenceKey,
    Vintage,
    compute_reference_key,
    key_from_snapshot,
    parse_date,
    round_fraction,
    to_decimal,
    to_money,
)
from eupact.parameters import ParametersAt, ParameterSet, Value
from eupact.pool.allocation import PoolNumbers, allocate, apportion
from eupact.pool.proposal import propose_pool, sar_reserve

from .conftest import series, tiny_key

CASES: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (Path(__file__).parent / "golden" / "reference_key_cases.yaml").read_text(encoding="utf-8")
)
POPS = {"AT": 1, "BE": 1, "BG": 2}
GDPS = {"AT": "10", "BE": "30", "BG": "60"}
PER_RELOCATION = Decimal(20000)  # Art. 12(3): EUR 600 million / 30,000 relocations


def cases(section: str) -> list[Any]:
    return [pytest.param(c, id=str(c.get("id", i))) for i, c in enumerate(CASES[section])]


def fractions(values: dict[str, str]) -> dict[str, Fraction]:
    return {geo: Fraction(v) for geo, v in values.items()}


def overridden(params: ParametersAt, values: dict[str, Value]) -> ParametersAt:
    """The same parameters with some values replaced on the parameters' date (a what-if)."""
    changed = dict(params.parameters.parameters)
    for name, value in values.items():
        entry = params.entry(name)
        changed[name] = replace(changed[name], values=(replace(entry, value=value),))
    return ParameterSet(changed).at(params.date)


@pytest.fixture
def key(params: ParametersAt) -> ReferenceKey:
    return tiny_key(params, POPS, GDPS)


# --- rounding (Art. 57(3) whole relocations, Art. 64 cents, Annex I display) ----------------------


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=f"{c['value']}-{c['mode']}") for c in CASES["rounding"]]
)
def test_art_57_3_round_fraction_golden(case: dict[str, Any]) -> None:
    """Art. 57(3) [reading]: whole relocations by the rounding rule of key.rounding.relocations."""
    assert round_fraction(Fraction(case["value"]), case["mode"]) == case["expected"]


@pytest.mark.parametrize("mode", ["nearest", "half-up", "UP", "half_down", ""])
def test_art_57_3_unknown_rounding_mode_is_refused(mode: str) -> None:
    """Art. 57(3) [reading]: a rounding mode the parameter does not list (a typo in a parameter
    file) is refused, not silently read as half even."""
    with pytest.raises(EupactError) as info:
        round_fraction(Fraction(5, 2), mode)
    assert info.value.problems == [
        Problem("rounding mode", mode, "must be one of up, down, half_up, half_even")
    ]
    assert info.value.summary == "unknown rounding mode"


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=f"{c['value']}-{c['quantum']}") for c in CASES["money"]]
)
def test_art_64_money_half_up_to_the_cent_golden(case: dict[str, Any]) -> None:
    """Art. 64, 57(3) [reading]: amounts in EUR half up to the quantum, half cents away from zero."""
    assert str(to_money(Fraction(case["value"]), Decimal(case["quantum"]))) == case["expected"]


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=f"{c['value']}-{c['places']}") for c in CASES["percent"]]
)
def test_annex_i_percentage_display_golden(case: dict[str, Any]) -> None:
    """Annex I: a share shown as a percentage is rounded half up for display only."""
    assert str(to_decimal(Fraction(case["value"]), case["places"])) == case["expected"]


# --- the reference key (Art. 66, Annex I) ------------------------------------------------------


@pytest.mark.parametrize("case", cases("keys"))
def test_art_66_annex_i_reference_key_golden(params: ParametersAt, case: dict[str, Any]) -> None:
    """Art. 66 and Annex I: share = w_pop × pop/Σpop + w_gdp × GDP/ΣGDP (hand-worked in the YAML)."""
    weights = case.get("weights", {"population": "1/2", "gdp": "1/2"})
    at = overridden(
        params,
        {
            "key.weight.population": Fraction(weights["population"]),
            "key.weight.gdp": Fraction(weights["gdp"]),
        },
    )
    key = tiny_key(at, case["population"], case["gdp"])
    assert key.states == tuple(case["population"])
    assert (key.weight_population, key.weight_gdp) == (
        Fraction(weights["population"]),
        Fraction(weights["gdp"]),
    )
    for geo, share in fractions(case["shares"]).items():
        row = key.rows[geo]
        assert (row.geo, row.population, row.gdp) == (
            geo,
            case["population"][geo],
            Decimal(case["gdp"][geo]),
        )
        assert row.population_share == Fraction(case["population_shares"][geo])
        assert row.gdp_share == Fraction(case["gdp_shares"][geo])
        assert key.share(geo) == share
        assert str(key.percent(geo)) == case["percent"][geo]


def test_art_66_default_participants_are_the_states_bound_by_part_iv(
    params: ParametersAt, key2026: ReferenceKey
) -> None:
    """Art. 66, recital 90: without a list of states the key is over the 26 states bound by Part
    IV (Denmark excluded); DE = (83,456,045 / 443,528,613 + 4,328,970.0 / 17,623,087.5) / 2."""
    key = compute_reference_key(key2026.population, key2026.gdp, params)
    assert key.states == tuple(params("scope.bound_member_states"))
    assert len(key.states) == 26 and "DK" not in key.states
    assert (
        key.share("DE")
        == (Fraction(83456045, 443528613) + Fraction("4328970.0") / Fraction("17623087.5")) / 2
    )
    assert key.vintage is None


def test_art_66_key_keeps_the_vintage_it_was_computed_on(params: ParametersAt) -> None:
    """Art. 66 ('latest available Eurostat data'): the key records its data vintage."""
    vintage = Vintage("2024-01-01", "2024", "r2")
    key = compute_reference_key(
        series("population", POPS),
        series("gdp", fractions_to_decimals(GDPS)),
        params,
        ("AT", "BE", "BG"),
        vintage,
    )
    assert key.vintage is vintage


def fractions_to_decimals(values: dict[str, str]) -> dict[str, int | Decimal]:
    return {geo: Decimal(v) for geo, v in values.items()}


NOT_A_MEMBER_STATE = "not a Member State (Eurostat geo codes; EL = Greece)"
MUST_BE_POSITIVE = "must be positive: a state's share rests on its population and GDP"
NO_VALUE = "no value in the data for this state"


@pytest.mark.parametrize(
    ("states", "pops", "gdps", "problems"),
    [
        pytest.param(
            ("AT", "XX", "GR"),
            {"AT": 1, "XX": 1, "GR": 1},
            {"AT": 1, "XX": 1, "GR": 1},
            [
                Problem("state", "XX", NOT_A_MEMBER_STATE),
                Problem("state", "GR", NOT_A_MEMBER_STATE),
            ],
            id="not_member_states",
        ),
        pytest.param(
            ("AT", "BE", "AT"),
            POPS,
            {"AT": 10, "BE": 30},
            [Problem("state", "AT", "listed twice")],
            id="duplicate_state",
        ),
        pytest.param(
            ("AT", "BE"),
            {"AT": 1},
            {"AT": 10, "BE": 30},
            [Problem("population", "BE", NO_VALUE, "test")],
            id="no_population",
        ),
        pytest.param(
            ("AT", "BE"),
            {"AT": 1, "BE": 1},
            {"BE": 30},
            [Problem("gdp", "AT", NO_VALUE, "test")],
            id="no_gdp",
        ),
        pytest.param(
            ("AT", "BE"),
            {"AT": 0, "BE": 1},
            {"AT": 10, "BE": -5},
            [
                Problem("population", "AT: 0", MUST_BE_POSITIVE, "test"),
                Problem("gdp", "BE: -5", MUST_BE_POSITIVE, "test"),
            ],
            id="not_positive",
        ),
        pytest.param(
            (),
            {},
            {},
            [Problem("states", "", "at least one participating Member State is needed")],
            id="no_state",
        ),
    ],
)
def test_art_66_participants_and_data_are_checked(
    params: ParametersAt,
    states: tuple[str, ...],
    pops: dict[str, int],
    gdps: dict[str, int],
    problems: list[Problem],
) -> None:
    """Art. 66: the key is over Member States (recital 90 scope), each once, each with a positive
    population and GDP; every problem is reported with its field, value and rule."""
    with pytest.raises(EupactError) as info:
        compute_reference_key(
            series("population", dict(pops)),
            series("gdp", {g: Decimal(v) for g, v in gdps.items()}),
            params,
            states,
        )
    assert info.value.problems == problems
    assert info.value.summary == "cannot compute the reference key"


def test_art_66_explanation_shows_the_hand_worked_inputs(params: ParametersAt) -> None:
    """Art. 66 and Annex I: AT's explanation names the article, its inputs (population 1 of 4,
    GDP 10 of 100), the weights, and the source of each of its own figures."""
    other = Source("revised release", "population", "", "2024", "r9", "t", "revised.csv", "pop")
    other_gdp = Source("revised release", "gdp", "", "2024", "r9", "t", "revised.csv", "gdp")
    population = replace(series("population", POPS), value_sources={"AT": other})
    gdp = replace(series("gdp", fractions_to_decimals(GDPS)), value_sources={"BE": other_gdp})
    key = compute_reference_key(population, gdp, params, ("AT", "BE", "BG"))
    ex = key.explain("AT")
    assert ex.quantity == "reference-key share of AT"
    assert ex.value == "17.5000 %"
    assert ex.rule == "eupact.key.reference_key.compute_reference_key"
    assert ex.article == "Art. 66 and Annex I AMMR"
    assert ex.inputs == {
        "population AT": "1",
        "Σ population": "4",
        "GDP AT (million EUR)": "10",
        "Σ GDP (million EUR)": "100",
        "participating states": "AT BE BG",
    }
    assert [p.name for p in ex.parameters] == ["key.weight.population", "key.weight.gdp"]
    assert ex.sources == (other, key.gdp.source)
    assert key.explain("BE").sources == (key.population.source, other_gdp)
    assert key.explain("BG").sources == (key.population.source, key.gdp.source)
    assert ex.notes == ("shares are exact fractions; the percentage shown is rounded for display",)


# --- the key on a snapshot's vintage (Art. 66 'latest available Eurostat data') -------------------


def vintage_series(
    indicator: str, date: str, release: str, values: dict[str, int | Decimal]
) -> StateSeries:
    source = Source(
        dataset="hand-made snapshot",
        title=indicator,
        unit="",
        reference_date=date,
        release=release,
        retrieved="test",
        file="test",
        column=f"{indicator}_{release}",
    )
    return StateSeries(indicator, values, source)


@pytest.fixture
def snapshot() -> Snapshot:
    """Population on 1 January 2024 in three releases (r0 lacks BG; r1: 1, 1, 2 and 5 for CY;
    r2: 1, 3, 4) and GDP 2024 in two releases (g1 lacks BG; g2: 10, 30, 60)."""
    return Snapshot(
        Path("golden"),
        "golden",
        "1",
        (
            vintage_series("population", "2024-01-01", "r0", {"AT": 9, "BE": 9}),
            vintage_series("population", "2024-01-01", "r1", {"AT": 1, "BE": 1, "BG": 2, "CY": 5}),
            vintage_series("population", "2024-01-01", "r2", {"AT": 1, "BE": 3, "BG": 4}),
            vintage_series("gdp", "2024", "g1", {"AT": Decimal(10), "BE": Decimal(30)}),
            vintage_series(
                "gdp", "2024", "g2", {"AT": Decimal(10), "BE": Decimal(30), "BG": Decimal(60)}
            ),
        ),
        {},
        {},
    )


def test_art_66_key_from_snapshot_uses_the_named_release_and_states(
    params: ParametersAt, snapshot: Snapshot
) -> None:
    """Art. 66: the vintage's population release r2 (1, 3, 4 of 8) and the first GDP release with
    a value for every chosen state (g2: 10, 30, 60 of 100), over the chosen states only:
    AT (1/8 + 1/10)/2 = (10/80 + 8/80)/2 = 9/80; BE (3/8 + 3/10)/2 = (30/80 + 24/80)/2 = 27/80;
    BG (4/8 + 6/10)/2 = (40/80 + 48/80)/2 = 44/80."""
    vintage = Vintage("2024-01-01", "2024", "r2")
    key = key_from_snapshot(snapshot, params, vintage, ("AT", "BE", "BG"))
    assert key.states == ("AT", "BE", "BG")
    assert [key.share(g) for g in key.states] == [
        Fraction(9, 80),
        Fraction(27, 80),
        Fraction(44, 80),
    ]
    assert (key.population.source.release, key.gdp.source.release) == ("r2", "g2")
    assert key.vintage is vintage


def test_art_66_key_from_snapshot_without_release_takes_the_first_complete(
    params: ParametersAt, snapshot: Snapshot
) -> None:
    """Art. 66: with no release named, the first population release covering AT, BE, BG — not r0,
    which lacks BG, but r1: 1, 1, 2 (CY's 5 is not a participant's) → 7/40, 11/40, 22/40."""
    key = key_from_snapshot(snapshot, params, Vintage("2024-01-01", "2024"), ("AT", "BE", "BG"))
    assert [key.share(g) for g in key.states] == [
        Fraction(7, 40),
        Fraction(11, 40),
        Fraction(22, 40),
    ]
    assert key.population.source.release == "r1"


def test_art_66_key_from_snapshot_defaults_to_the_bound_states(
    params: ParametersAt, snapshot: Snapshot
) -> None:
    """Art. 66, recital 90: without a list, the 26 bound states are needed; this snapshot has 4."""
    with pytest.raises(EupactError, match="no release has a value for every participating state"):
        key_from_snapshot(snapshot, params, Vintage("2024-01-01", "2024"))


def test_art_66_vintage_label_names_the_release() -> None:
    """Art. 66: the label of a vintage says which data the key rests on, with the release if any."""
    assert Vintage("2024-01-01", "2024", "r2").label() == (
        "population on 2024-01-01, release r2; GDP 2024"
    )
    assert Vintage().label() == "population on 2024-01-01; GDP 2024"


def test_art_57_1_dates_are_parsed_or_refused_with_their_field() -> None:
    """Art. 57(1) (the act's date): dates are ISO YYYY-MM-DD; 30 February is refused by name."""
    assert parse_date("2026-12-04", "act_date").isoformat() == "2026-12-04"
    with pytest.raises(EupactError) as info:
        parse_date("2026-02-30", "act_date")
    assert info.value.problems == [Problem("act_date", "2026-02-30", "must be a date YYYY-MM-DD")]
    assert info.value.summary == "bad date"


# --- fair shares and indicative contributions (Art. 57(3), 12(2), 66) ----------------------------


@pytest.mark.parametrize("case", cases("allocations"))
def test_art_57_3_fair_share_rounding_golden(params: ParametersAt, case: dict[str, Any]) -> None:
    """Art. 57(3), 12(2), 66: share × Union total, relocations by the rounding parameter, EUR half
    up to the quantum (hand-worked in the YAML)."""
    values: dict[str, Value] = {"key.rounding.relocations": case["mode"]}
    if "quantum" in case:
        values["key.rounding.financial_quantum"] = Decimal(case["quantum"])
    key = tiny_key(overridden(params, values), POPS, GDPS)
    totals = PoolNumbers(case["relocations"], Decimal(case["financial"]))
    fair = allocate(key, totals, "fair share", case["article"])
    assert (fair.label, fair.article, fair.totals) == ("fair share", case["article"], totals)
    assert list(fair.rows) == ["AT", "BE", "BG"]
    for geo, row in fair.rows.items():
        assert (row.geo, row.share) == (geo, key.share(geo))
        assert row.relocations_exact == Fraction(case["exact"][geo])
        assert row.relocations == case["expected_relocations"][geo]
        assert str(row.financial) == case["expected_financial"][geo]


def test_art_57_3_fair_share_explanation(key: ReferenceKey) -> None:
    """Art. 57(3): AT's fair share of 999 relocations / EUR 19,980,000 is 175 (174.825 up) and
    EUR 3,496,500.00 (7/40 of it); each explanation names its total and rounding parameter."""
    fair = allocate(key, PoolNumbers(999, Decimal(19980000)), "fair share", "Art. 57(3) AMMR")
    share = "0.1750000000 (= 7/40)"
    sources = (key.population.source, key.gdp.source)

    reloc = fair.explain("AT")
    assert (reloc.quantity, reloc.value) == ("fair share of AT (relocations)", "175")
    assert (reloc.rule, reloc.article) == ("eupact.pool.allocation.allocate", "Art. 57(3) AMMR")
    assert reloc.inputs == {"share": share, "Union total (relocations)": "999"}
    assert [p.name for p in reloc.parameters] == ["key.rounding.relocations"]
    assert reloc.sources == sources
    assert reloc.notes[0].startswith(
        "the share itself: reference-key share of AT = 17.5000 %;   rule:    "
        "eupact.key.reference_key.compute_reference_key (Art. 66 and Annex I AMMR);   formula: "
    )
    assert "\n" not in reloc.notes[0]

    money = fair.explain("AT", "financial")
    assert (money.quantity, money.value) == ("fair share of AT (financial)", "EUR 3,496,500.00")
    assert money.inputs == {"share": share, "Union total (financial)": "EUR 19,980,000"}
    assert [p.name for p in money.parameters] == ["key.rounding.financial_quantum"]
    assert money.formula != reloc.formula
    assert money.sources == sources


# --- apportionment under caps (Art. 63(3), (7) [reading]) --------------------------------------


@pytest.mark.parametrize("case", cases("apportionment"))
def test_art_63_3_7_apportion_golden(case: dict[str, Any]) -> None:
    """Art. 63(3), (7) [reading]: whole numbers shared by weight, none above its cap (water
    filling), remaining units by largest remainder, ties to the earlier state (hand-worked)."""
    parts = apportion(case["total"], fractions(case["weights"]), case["caps"])
    assert parts == case["expected"]


# --- the Commission proposal (Art. 12(2)-(4)) ----------------------------------------------------


@pytest.mark.parametrize("case", cases("proposals"))
def test_art_12_proposal_totals_golden(key: ReferenceKey, case: dict[str, Any]) -> None:
    """Art. 12(2)-(4): floors 30,000 / EUR 600 million, the ratio EUR 20,000 per relocation, the
    exceptional year (hand-worked in the YAML)."""
    financial = Decimal(case["financial"]) if "financial" in case else None
    exceptional = bool(case.get("exceptional", False))
    proposal = propose_pool(key, case.get("relocations"), financial, exceptional=exceptional)
    relocations, money = case["expected"]
    assert proposal.totals == PoolNumbers(relocations, Decimal(money))
    assert proposal.floors == PoolNumbers(30000, Decimal(600000000))
    assert proposal.exceptional is exceptional
    assert proposal.sar is None
    assert (proposal.indicative.label, proposal.indicative.article) == (
        "indicative contribution",
        "Art. 12(1), 66 AMMR",
    )
    assert proposal.indicative.totals == proposal.totals


def test_art_12_2_indicative_contributions_by_the_key(key: ReferenceKey) -> None:
    """Art. 12(2), second subparagraph: indicative contributions by the key of Art. 66 —
    30,000 × 7/40 = 5,250, × 11/40 = 8,250, × 22/40 = 16,500; EUR 600 million × 7/40 =
    105,000,000.00, × 11/40 = 165,000,000.00, × 22/40 = 330,000,000.00."""
    rows = propose_pool(key).indicative.rows
    assert [rows[g].relocations for g in POPS] == [5250, 8250, 16500]
    assert [str(rows[g].financial) for g in POPS] == [
        "105000000.00",
        "165000000.00",
        "330000000.00",
    ]


FLOOR_RULE = "below the minimum of Art. 12(2) (30000 relocations / EUR 600000000)"


@pytest.mark.parametrize(
    ("relocations", "financial", "field", "value", "rule"),
    [
        pytest.param(29999, None, "relocations", 29999, FLOOR_RULE, id="one_below_the_floor"),
        pytest.param(
            None, Decimal(599980000), "relocations", 29999, FLOOR_RULE, id="money_below_floor"
        ),
        pytest.param(
            40000,
            Decimal(700000000),
            "financial",
            Decimal(700000000),
            "must keep the ratio of Art. 12(3): 40000 relocations × EUR 20000 = EUR 800000000",
            id="ratio_broken",
        ),
        pytest.param(
            None,
            Decimal(700000010),
            "financial",
            Decimal(700000010),
            "must keep the ratio of Art. 12(3): 35001 relocations × EUR 20000 = EUR 700020000",
            id="money_not_a_multiple_rounds_relocations_up",
        ),
    ],
)
def test_art_12_2_3_proposal_refusals(
    key: ReferenceKey,
    relocations: int | None,
    financial: Decimal | None,
    field: str,
    value: object,
    rule: str,
) -> None:
    """Art. 12(2): at least 30,000 / EUR 600 million (29,999 and EUR 599,980,000 = 29,999 ×
    20,000 are refused); Art. 12(3): the ratio is kept — EUR 700,000,010 / 20,000 = 35,000.0005,
    rounded up to 35,001, whose amount EUR 700,020,000 the refusal names."""
    with pytest.raises(EupactError) as info:
        propose_pool(key, relocations, financial)
    [problem] = info.value.problems
    assert (problem.field, problem.value) == (field, value)
    assert problem.rule.startswith(rule)
    if rule == FLOOR_RULE:
        assert "exceptional year with no projected need (Art. 12(4) AMMR)" in problem.rule
    assert info.value.summary == "invalid proposal"


@pytest.mark.parametrize(
    ("relocations", "financial", "problems"),
    [
        pytest.param(
            -1, None, [Problem("relocations", -1, "must not be negative")], id="relocations"
        ),
        pytest.param(
            None,
            Decimal(-1),
            [Problem("financial", Decimal(-1), "must not be negative")],
            id="financial",
        ),
        pytest.param(
            -1,
            Decimal("-0.01"),
            [
                Problem("relocations", -1, "must not be negative"),
                Problem("financial", Decimal("-0.01"), "must not be negative"),
            ],
            id="both",
        ),
    ],
)
def test_art_12_2_negative_numbers_are_refused_even_in_an_exceptional_year(
    key: ReferenceKey, relocations: int | None, financial: Decimal | None, problems: list[Problem]
) -> None:
    """Art. 12(2), (4): numbers of relocations and amounts are never negative (0 is allowed in an
    exceptional year, see the YAML's exceptional_zero cases)."""
    with pytest.raises(EupactError) as info:
        propose_pool(key, relocations, financial, exceptional=True)
    assert info.value.problems == problems
    assert info.value.summary == "invalid proposal"


def test_art_12_2_each_floor_is_checked_on_its_own(params: ParametersAt) -> None:
    """Art. 12(2)(a) and (b) are two minimums: with a (what-if) money floor of EUR 700 million,
    32,000 relocations (≥ 30,000) = EUR 640,000,000 (< 700 million) are refused; with a
    relocation floor of 40,000, 35,000 relocations = EUR 700,000,000 (≥ 600 million) are refused."""
    money_floor = overridden(params, {"pool.floor.financial": Decimal(700000000)})
    with pytest.raises(EupactError, match=r"below the minimum of Art\. 12\(2\)"):
        propose_pool(tiny_key(money_floor, POPS, GDPS), 32000)
    relocation_floor = overridden(params, {"pool.floor.relocations": 40000})
    with pytest.raises(EupactError, match=r"below the minimum of Art\. 12\(2\)"):
        propose_pool(tiny_key(relocation_floor, POPS, GDPS), 35000)


def test_art_12_proposal_explanation(key: ReferenceKey) -> None:
    """Art. 12(2)-(4): the explanation of the Union-level numbers, with the Art. 12(4) note only
    in an exceptional year (10,000 × EUR 20,000 = EUR 200,000,000)."""
    ex = propose_pool(key).explain_totals()
    assert ex.quantity == "Commission proposal: Union-level numbers"
    assert ex.value == "30,000 relocations / EUR 600,000,000"
    assert (ex.rule, ex.article) == ("eupact.pool.proposal.propose_pool", "Art. 12(2)–(4) AMMR")
    assert ex.inputs == {"requested relocations": "30,000"}
    assert [p.name for p in ex.parameters] == [
        "pool.floor.relocations",
        "pool.floor.financial",
        "pool.equivalence.relocation_eur",
    ]
    assert ex.notes == ()
    low = propose_pool(key, 10000, exceptional=True).explain_totals()
    assert low.value == "10,000 relocations / EUR 200,000,000"
    assert low.notes == ("below the floors under Art. 12(4) AMMR: no projected need",)


# --- the SAR share (Art. 12(5), 57(2)) -----------------------------------------------------------


@pytest.mark.parametrize("case", cases("sar"))
def test_art_12_5_57_2_sar_share_golden(key: ReferenceKey, case: dict[str, Any]) -> None:
    """Art. 12(5), 57(2): the indicative SAR percentage of the pool; relocations rounded down,
    EUR half up to the cent (hand-worked in the YAML)."""
    totals = PoolNumbers(case["relocations"], case["relocations"] * PER_RELOCATION)
    sar = sar_reserve(key, totals, Fraction(case["share"]), ("ES", "IT"))
    assert sar is not None
    relocations, money = case["expected"]
    assert (sar.relocations, str(sar.financial)) == (relocations, money)
    assert (sar.share, sar.states) == (Fraction(case["share"]), ("ES", "IT"))


def test_art_12_5_sar_share_in_the_proposal(key: ReferenceKey) -> None:
    """Art. 12(5): the proposal carries the SAR part: 1/4 of 30,000 / EUR 600 million = 7,500 /
    EUR 150,000,000.00 for ES and IT; without a share there is none."""
    sar = propose_pool(key, sar_share=Fraction(1, 4), sar_states=("ES", "IT")).sar
    assert sar is not None
    assert (sar.relocations, str(sar.financial), sar.states) == (
        7500,
        "150000000.00",
        ("ES", "IT"),
    )
    assert propose_pool(key, sar_states=("ES",)).sar is None


@pytest.mark.parametrize("share", ["-1/100", "3/2", "1001/1000", "2"])
def test_art_12_5_sar_share_outside_0_1_is_refused(key: ReferenceKey, share: str) -> None:
    """Art. 12(5), 57(2): a percentage of the pool lies between 0 and 100 % (both allowed, see
    the YAML); −1 %, 150 %, 100.1 % and 200 % are refused with the share named."""
    with pytest.raises(EupactError) as info:
        propose_pool(key, sar_share=Fraction(share), sar_states=("ES",))
    assert info.value.problems == [Problem("sar_share", share, "must be between 0 and 1")]
    assert info.value.summary == "invalid SAR share"
