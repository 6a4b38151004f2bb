"""The reference key (Art. 66 and Annex I AMMR) and the rounding of shares.

share(s) = w_pop × population(s) / Σ population + w_gdp × GDP(s) / Σ GDP, the sums taken over
the participating Member States. Shares are exact fractions: nothing is rounded until a share is
turned into whole relocations or euro cents (see :func:`round_fraction` and :func:`to_money`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from eupact.data.provenance import StateSeries
from eupact.data.snapshot import Snapshot
from eupact.errors import EupactError, Problem
from eupact.explain import Explanation, ParameterUse, show
from eupact.parameters import ParametersAt

ARTICLE = "Art. 66 and Annex I AMMR"


@dataclass(frozen=True, slots=True)
class Vintage:
    """Which data the key rests on: population reference date, GDP year, optional release."""

    population_date: str = "2024-01-01"
    gdp_year: str = "2024"
    population_release: str | None = None

    def label(self) -> str:
        release = f", release {self.population_release}" if self.population_release else ""
        return f"population on {self.population_date}{release}; GDP {self.gdp_year}"


@dataclass(frozen=True, slots=True)
class StateShare:
    geo: str
    population: int
    gdp: Decimal
    population_share: Fraction
    gdp_share: Fraction
    share: Fraction


@dataclass(frozen=True)
class ReferenceKey:
    """Each participating Member State's share of the solidarity contributions."""

    states: tuple[str, ...]
    rows: dict[str, StateShare]
    weight_population: Fraction
    weight_gdp: Fraction
    population: StateSeries
    gdp: StateSeries
    params: ParametersAt
    vintage: Vintage | None = None

    def share(self, geo: str) -> Fraction:
        return self.rows[geo].share

    def percent(self, geo: str) -> Decimal:
        places = int(self.params("key.rounding.percent_places"))
        return to_decimal(self.rows[geo].share * 100, places)

    def explain(self, geo: str) -> Explanation:
        row = self.rows[geo]
        total_pop = sum(r.population for r in self.rows.values())
        total_gdp = sum(r.gdp for r in self.rows.values())
        return Explanation(
            quantity=f"reference-key share of {geo}",
            value=f"{self.percent(geo)} %",
            rule="eupact.key.reference_key.compute_reference_key",
            article=ARTICLE,
            formula="w_pop × pop(s)/Σpop + w_gdp × GDP(s)/ΣGDP over the participating states",
            inputs={
                f"population {geo}": show(row.population),
                "Σ population": show(total_pop),
                f"GDP {geo} (million EUR)": show(row.gdp),
                "Σ GDP (million EUR)": show(total_gdp),
                "participating states": " ".join(self.states),
            },
            parameters=(
                ParameterUse.of(self.params, "key.weight.population"),
                ParameterUse.of(self.params, "key.weight.gdp"),
            ),
            sources=(self.population.source_of(geo), self.gdp.source_of(geo)),
            notes=(
                "shares are exact fractions; the percentage shown is rounded for display",
                *self.flag_notes(geo),
            ),
        )

    def flag_notes(self, geo: str) -> tuple[str, ...]:
        """Eurostat's flags on the figures behind a share (provisional, estimated, break...)."""
        return tuple(
            f"{series.indicator} of {geo} is flagged '{series.flags[geo]}' in {series.source.dataset}"
            for series in (self.population, self.gdp)
            if series.flags.get(geo)
        )


ROUNDING_MODES = ("up", "down", "half_up", "half_even")


def round_fraction(value: Fraction, mode: str) -> int:
    """Round a non-negative exact fraction to an integer by the named rule (one of
    :data:`ROUNDING_MODES`; any other name is refused, not read as half even)."""
    if mode not in ROUNDING_MODES:
        raise EupactError(
            [Problem("rounding mode", mode, f"must be one of {', '.join(ROUNDING_MODES)}")],
            "unknown rounding mode",
        )
    floor, rest = divmod(value.numerator, value.denominator)
    if rest == 0 or mode == "down":
        return floor
    if mode == "up":
        return floor + 1
    twice = 2 * rest
    if twice > value.denominator or (
        twice == value.denominator and (mode == "half_up" or floor % 2)
    ):
        return floor + 1
    return floor


def to_decimal(value: Fraction, places: int) -> Decimal:
    """An exact fraction to a decimal with ``places`` digits, half up."""
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        quantum, rounding=ROUND_HALF_UP
    )


def to_money(value: Fraction, quantum: Decimal) -> Decimal:
    """An exact amount in EUR rounded half up to the quantum (EUR 0.01 by parameter), exactly."""
    q = Fraction(quantum)
    units = (
        round_fraction(value / q, "half_up")
        if value >= 0
        else -round_fraction(-value / q, "half_up")
    )
    with localcontext() as ctx:
        ctx.prec = max(28, len(str(abs(units))) + 10)
        return (Decimal(units) * quantum).quantize(quantum)


def _check_states(
    states: tuple[str, ...], population: StateSeries, gdp: StateSeries, params: ParametersAt
) -> None:
    eu = set(params("scope.eu_member_states"))
    problems = []
    seen: set[str] = set()
    for geo in states:
        if geo not in eu:
            problems.append(
                Problem("state", geo, "not a Member State (Eurostat geo codes; EL = Greece)")
            )
        elif geo in seen:
            problems.append(Problem("state", geo, "listed twice"))
        else:
            for series in (population, gdp):
                if geo not in series.values:
                    problems.append(
                        Problem(
                            series.source.column,
                            geo,
                            "no value in the data for this state",
                            series.source.file,
                        )
                    )
                elif series.values[geo] <= 0:
                    problems.append(
                        Problem(
                            series.source.column,
                            f"{geo}: {series.values[geo]}",
                            "must be positive: a state's share rests on its population and GDP",
                            series.source.file,
                        )
                    )
        seen.add(geo)
    if not states:
        problems.append(Problem("states", "", "at least one participating Member State is needed"))
    if problems:
        raise EupactError(problems, "cannot compute the reference key")


def compute_reference_key(
    population: StateSeries,
    gdp: StateSeries,
    params: ParametersAt,
    states: tuple[str, ...] | None = None,
    vintage: Vintage | None = None,
) -> ReferenceKey:
    """Each state's share by the reference key of Art. 66 and Annex I AMMR.

    ``states`` defaults to the Member States bound by Part IV on the parameters' date.
    """
    states = tuple(states) if states is not None else tuple(params("scope.bound_member_states"))
    _check_states(states, population, gdp, params)
    w_pop = Fraction(params("key.weight.population"))
    w_gdp = Fraction(params("key.weight.gdp"))
    pops = {geo: int(population[geo]) for geo in states}
    gdps = {geo: Fraction(gdp[geo]) for geo in states}
    total_pop = sum(pops.values())
    total_gdp = sum(gdps.values())
    rows = {}
    for geo in states:
        pop_share = Fraction(pops[geo], total_pop)
        gdp_share = gdps[geo] / total_gdp
        rows[geo] = StateShare(
            geo,
            pops[geo],
            Decimal(gdp[geo]),
            pop_share,
            gdp_share,
            w_pop * pop_share + w_gdp * gdp_share,
        )
    return ReferenceKey(states, rows, w_pop, w_gdp, population, gdp, params, vintage)


def key_from_snapshot(
    snapshot: Snapshot,
    params: ParametersAt,
    vintage: Vintage = Vintage(),
    states: tuple[str, ...] | None = None,
) -> ReferenceKey:
    """The reference key on one data vintage of a snapshot."""
    chosen = tuple(states) if states is not None else tuple(params("scope.bound_member_states"))
    population = snapshot.find(
        "population", vintage.population_date, vintage.population_release, covering=chosen
    )
    gdp = snapshot.find("gdp", vintage.gdp_year, covering=chosen)
    return compute_reference_key(population, gdp, params, chosen, vintage)


def parse_date(text: str, field_name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise EupactError(
            [Problem(field_name, text, "must be a date YYYY-MM-DD")], "bad date"
        ) from None
