"""Art. 12(3) AMMR: sizing the pool from the needs (eupact.pool.needs.size_pool), hand-worked.

The formula (parameters/ammr/part_iv_art_12_needs_sizing.yaml, every term a [reading] but the
gross-up): relocations = round(A × c × s ÷ (1 − K)), at least the floors of Art. 12(2) unless
Art. 12(4); EUR = relocations × EUR 20,000 (the ratio of Art. 12(2)-(3)).

The tiny key: four states of equal population and GDP, each holding 1/4 of the key; IT is under
migratory pressure, so K = 1/4 and the gross-up 1 ÷ (1 − 1/4) = 4/3.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from typer.testing import CliRunner

from eupact.cli.main import app
from eupact.data.provenance import Source
from eupact.errors import EupactError
from eupact.parameters import ParametersAt, load_parameters
from eupact.pool.needs import NeedsFigures, Sourced, exact, size_pool

from .conftest import tiny_key

ON = dt.date(2025, 10, 15)  # the proposal's deadline for 2026 (Art. 12(6))
EQUAL = {"AT": 1, "BE": 1, "DE": 1, "IT": 1}
SRC = Source("test", "arrivals", "persons", "2024", "test release", "", "test.csv", "arrivals")


def params(**choices: str) -> ParametersAt:
    return (
        load_parameters().with_readings({f"pool.needs.{k}": v for k, v in choices.items()}).at(ON)
    )


@pytest.fixture
def key():
    return tiny_key(params(), dict(EQUAL), {g: "10" for g in EQUAL})


def figures(
    arrivals: object = 100_000,
    r: object = "1/2",
    q: object = "1/5",
    under_pressure: tuple[str, ...] | None = ("IT",),
    observed: object = None,
) -> NeedsFigures:
    return NeedsFigures(
        2026,
        Sourced.of(arrivals, "projection for 2026", (SRC,), "" if arrivals is not None else "none"),
        Sourced.of(observed, "2024", (SRC,), "" if observed is not None else "not held"),
        Sourced.of(r, "EU, first instance"),
        Sourced.of(q, "EU, returned ÷ ordered to leave"),
        under_pressure,
        "test assessment",
    )


def test_default_reading_staying_beyond_own_key_share(key):
    """A = 100,000, r = 1/2, q = 1/5: c = 1/2 + 1/2 × 4/5 = 9/10, U = 90,000; s = 1 − 1/4, so
    N = 67,500; gross-up × 4/3 → 90,000 relocations, EUR 1,800,000,000 (with this reading the
    pool equals the caseload: the states under pressure's own key part is not implemented)."""
    z = size_pool(figures(), key, params())
    assert z.caseload_rate == Fraction(9, 10)
    assert z.caseload == 90_000
    assert z.key_share == Fraction(1, 4)
    assert z.share == Fraction(3, 4)
    assert z.need == 67_500
    assert z.gross_up == Fraction(4, 3)
    assert (z.relocations, z.financial) == (90_000, Decimal("1800000000"))
    assert not z.floored


def test_gross_up_four_thirds_whole_caseload(key):
    """[reading] whole_caseload: N = U = 90,000; states under pressure hold 25 % of the key and
    will not implement their part (Art. 12(3) second sentence, 60(3)) → × 4/3 = 120,000
    relocations, EUR 2,400,000,000."""
    z = size_pool(figures(), key, params(share="whole_caseload"))
    assert z.need == 90_000
    assert z.grossed == 120_000
    assert (z.relocations, z.financial) == (120_000, Decimal("2400000000"))


def test_no_state_under_pressure_no_gross_up(key):
    """No state under pressure: K = 0, gross-up 1, s = 1 − 0: relocations = U = 90,000."""
    z = size_pool(figures(under_pressure=()), key, params())
    assert (z.key_share, z.gross_up, z.relocations) == (0, 1, 90_000)


def test_alternative_recognised(key):
    """[reading] recognised: c = r = 1/2 → U = 50,000; whole caseload × 4/3 = 66,666.67 →
    66,667 rounded up; EUR 1,333,340,000. The return rate is not needed (missing: no refusal)."""
    z = size_pool(figures(q=None), key, params(caseload="recognised", share="whole_caseload"))
    assert z.caseload == 50_000
    assert z.grossed == Fraction(200_000, 3)
    assert (z.relocations, z.financial) == (66_667, Decimal("1333340000"))
    assert "not used by this reading" in z.explain().render()


def test_alternative_not_returned(key):
    """[reading] not_returned: c = 1 − q = 4/5 → U = 80,000; s = 3/4 → N = 60,000; × 4/3 →
    80,000. The recognition rate is not needed."""
    z = size_pool(figures(r=None), key, params(caseload="not_returned"))
    assert (z.caseload, z.need, z.relocations) == (80_000, 60_000, 80_000)


def test_arrivals_latest_observed(key):
    """[reading] latest_observed: the latest 12 months held stand for the upcoming year."""
    z = size_pool(figures(arrivals=None, observed=200_000), key, params(arrivals="latest_observed"))
    assert (z.arrivals, z.relocations) == (200_000, 180_000)


@pytest.mark.parametrize(
    ("arrivals", "rounding", "expected"),
    [
        (60_001, "up", 30_001),  # U = 30,000.5: a tie, up
        (60_001, "half_up", 30_001),  # a tie goes up under half up too
        (100_001, "up", 30_001),  # r = 3/10 below: U = 30,000.3 → up 30,001
        (60_000, "up", 30_000),  # exactly 30,000: nothing added
    ],
)
def test_rounding_of_relocations(key, arrivals, rounding, expected):
    """Relocations are rounded once, after the gross-up, up by default ([reading]
    pool.needs.rounding): a part of a person still needs a place. recognised, whole caseload,
    nobody under pressure: U = A × r."""
    r = "3/10" if arrivals == 100_001 else "1/2"
    z = size_pool(
        figures(arrivals=arrivals, r=r, under_pressure=()),
        key,
        params(caseload="recognised", share="whole_caseload", rounding=rounding),
    )
    assert z.relocations == expected


def test_rounding_half_up_below_a_half(key):
    """Half up: U = 100,001 × 3/10 = 30,000.3 → 30,000 (up gives 30,001)."""
    z = size_pool(
        figures(arrivals=100_001, r="3/10", under_pressure=()),
        key,
        params(caseload="recognised", share="whole_caseload", rounding="half_up"),
    )
    assert z.relocations == 30_000


def test_small_need_gives_the_floors(key):
    """Art. 12(2): A = 1,000 → 900 relocations needed, below the minimum: 30,000 relocations /
    EUR 600 million, with the reason."""
    z = size_pool(figures(arrivals=1_000), key, params())
    assert z.relocations_needed == 900
    assert (z.relocations, z.financial) == (30_000, Decimal("600000000"))
    assert z.floored
    assert "below the minimum of Art. 12(2)" in z.reason()


def test_exceptional_gives_the_need_itself(key):
    """Art. 12(4): an exceptional year with no projected need: the floors yield, the sized need
    itself is proposed: 900 relocations / EUR 18,000,000."""
    z = size_pool(figures(arrivals=1_000), key, params(), exceptional=True)
    assert (z.relocations, z.financial) == (900, Decimal("18000000"))
    assert not z.floored
    assert "Art. 12(4)" in z.reason()
    assert "pool.exceptional_no_need.article" in {p.name for p in z.explain().parameters}


def test_above_the_floors_keeps_the_ratio(key):
    """Art. 12(3): a higher number keeps the ratio, EUR 20,000 per relocation."""
    z = size_pool(figures(), key, params())
    assert z.financial == z.relocations * Decimal(20_000)
    assert "keeping the ratio of Art. 12(3)" in z.reason()


def test_missing_projection_is_refused_naming_it(key):
    """No projection of arrivals and the default reading: refused, the input named, another
    reading offered — never a guess."""
    with pytest.raises(EupactError) as err:
        size_pool(figures(arrivals=None, observed=200_000), key, params())
    [p] = err.value.problems
    assert p.field == "arrivals_projected"
    assert "pool.needs.arrivals=latest_observed" in p.rule


def test_every_missing_input_is_named(key):
    """Every missing input the readings need is named at once."""
    with pytest.raises(EupactError) as err:
        size_pool(figures(arrivals=None, r=None, q=None, under_pressure=None), key, params())
    fields = [p.field for p in err.value.problems]
    assert fields == ["arrivals_projected", "recognition_rate", "return_rate", "under_pressure"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"arrivals": -1}, "arrivals_projected"),
        ({"r": "3/2"}, "recognition_rate"),
        ({"q": -0.1}, "return_rate"),
        ({"under_pressure": tuple(EQUAL)}, "under_pressure"),  # K = 1: nobody would implement
    ],
)
def test_impossible_inputs_refused(key, change, field):
    with pytest.raises(EupactError) as err:
        size_pool(figures(**change), key, params())
    assert [p.field for p in err.value.problems] == [field]


def test_state_outside_the_key_has_no_share(key):
    """A state under pressure outside the key (Denmark, recital 90) holds no share to gross up."""
    z = size_pool(figures(under_pressure=("IT", "DK")), key, params())
    assert z.key_share == Fraction(1, 4)
    assert z.outside_key == ("DK",)
    assert "DK" in z.explain().render()


def test_exact_numbers():
    """Floats are read by their shortest decimal form; nonsense refused."""
    assert exact(0.1) == Fraction(1, 10)
    assert exact("1/3") == Fraction(1, 3)
    assert exact(None) is None
    for bad in (True, "nan", float("inf"), [1]):
        with pytest.raises(EupactError):
            exact(bad)


def test_explanation_names_every_term_article_and_source(key):
    z = size_pool(figures(), key, params())
    e = z.explain()
    assert e.rule == "eupact.pool.needs.size_pool"
    symbols = [k.split(" ")[0] for k in e.inputs]
    assert symbols[:9] == ["A", "r", "q", "c", "U", "K", "s", "N", "g"]
    assert all("Art." in k for k in e.inputs)
    assert {
        "pool.needs.arrivals",
        "pool.needs.caseload",
        "pool.needs.share",
        "pool.needs.rounding",
        "pool.floor.relocations",
        "pool.equivalence.relocation_eur",
    } <= {p.name for p in e.parameters}
    assert SRC in e.sources
    assert e.value == "90,000 relocations / EUR 1,800,000,000"
    assert all(row["article"] for row in z.rows())


# --- the command line on the shipped snapshot ------------------------------------------------


def invoke(*args: str):
    return CliRunner().invoke(app, ["pool", "propose", "--from-needs", "--year", "2026", *args])


def test_cli_2026_refuses_without_a_projection_of_arrivals():
    """The shipped snapshot holds no EU series of arrivals long enough to project (Art. 9(3)(b)):
    the default reading refuses, naming the input and the other reading."""
    result = invoke()
    assert result.exit_code == 2, result.output
    assert "arrivals_projected" in result.output
    assert "pool.needs.arrivals=latest_observed" in result.output


def test_cli_2026_from_the_latest_arrivals_prints_every_term():
    """With secondary figures admitted (the EU recognition rate is held only from a page):
    latest 12 months A = 240,021 (Frontex's monthly file, 2024), r = 387,635 / 754,525
    first-instance decisions = 51.3747 %, q = 119,155 returned to a third country / 464,820
    ordered to leave (the primary extraction) = 25.6347 %; c = r + (1 − r) × (1 − q) =
    87.5351 %; U = 240,021 × c = 210,102.56; the default share 1 − K and the gross-up
    1 ÷ (1 − K) cancel: 210,103 relocations (rounded up), × EUR 20,000 = EUR 4,202,060,000."""
    result = invoke("--allow-secondary", "--reading", "pool.needs.arrivals=latest_observed")
    assert result.exit_code == 0, result.output
    out = result.output
    for term in ("A arrivals", "r average", "q average", "c share", "U Union", "K key", "s share"):
        assert term in out
    for term in ("N projected", "g gross-up", "N × g", "relocations needed", "floors"):
        assert term in out
    assert "240,021" in out and "51.3747 %" in out and "25.6347 %" in out
    assert "87.5351 %" in out and "210,102.56" in out
    assert "210,103 relocations / EUR 4,202,060,000" in out
    assert "Frontex" in out and "demo_pjan" in out


def test_cli_from_needs_on_primary_figures_names_what_is_missing():
    result = invoke("--reading", "pool.needs.arrivals=latest_observed")
    assert result.exit_code == 2
    assert "recognition_rate" in result.output and "no EU recognition rate" in result.output


def test_cli_from_needs_json_and_conflicting_numbers():
    result = invoke(
        "--allow-secondary", "--reading", "pool.needs.arrivals=latest_observed", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    assert '"needs_sizing"' in result.stdout
    refused = invoke("--relocations", "40000")
    assert refused.exit_code == 2 and "--from-needs" in refused.output
