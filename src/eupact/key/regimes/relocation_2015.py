"""The Commission's relocation key of 2015, on the same exact-fraction footing as Art. 66 AMMR.

For the participating states I (parameter ``regime.2015.states`` on the regime's date):

- population effect p_i = pop_i / Σ pop, GDP effect g_i = GDP_i / Σ GDP;
- x_i = the average over 2010-2014 of (asylum applicants + resettled refugees) per 1 million
  inhabitants (each year's count over that year's population on 1 January);
- pure asylum effect a_i = (1/x_i) / Σ_j (1/x_j); pure unemployment effect u_i = (1/y_i) / Σ (1/y_j)
  with y_i the unemployment rate ("inversely weighted");
- capped effects â_i = min(a_i, κ (p_i + g_i)), û_i likewise, κ = 3/10 ("capped at 30 % of the
  population and GDP effect") where the cap rule is ``per_state``, â_i = a_i where it is
  ``not_binding``;
- q_i = w_pop p_i + w_gdp g_i + w_as â_i + w_un û_i; what the caps leave, r = 1 − Σ q_j, is shared
  by β_pop p_i + β_gdp g_i; share_i = q_i + r (β_pop p_i + β_gdp g_i).

The formula is that of COM(2015) 450 as restated by Grech (2017), eq. (1)-(7); the cap rule in
force on each regime's date is a [reading] of the published figures (docs/regimes.md). Nothing
is rounded: shares are :class:`fractions.Fraction` and sum to exactly 1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from eupact.errors import EupactError, Problem
from eupact.explain import Explanation, ParameterUse, show
from eupact.key.reference_key import to_decimal
from eupact.parameters import ParametersAt

from .data import Published, StateInputs

RULE = "eupact.key.regimes.relocation_2015.compute_key_2015"
CAP_RULES = ("not_binding", "per_state")
MILLION = 1_000_000


def _show(value: Fraction) -> str:
    """An exact fraction as :func:`show` writes it, unless its terms run to pages."""
    if len(str(value.denominator)) <= 24:
        return show(value)
    digits = len(str(value.numerator)) + len(str(value.denominator))
    return f"{float(value):.10f} (exact fraction of {digits} digits, kept in the computation)"


@dataclass(frozen=True, slots=True)
class Regime:
    """One historical key: the document that set it, its date, what it is compared with."""

    name: str
    title: str
    date: dt.date
    published: str  # the figure in relocation_2015_published.csv it is compared with
    source: str


REGIMES: dict[str, Regime] = {
    r.name: r
    for r in (
        Regime(
            "2015-agenda",
            "European Agenda on Migration, relocation key (13 May 2015)",
            dt.date(2015, 5, 13),
            "agenda_key",
            "COM(2015) 240, Annex",
        ),
        Regime(
            "2015-may",
            "Relocation of 40 000 from Italy and Greece, Commission proposal (27 May 2015)",
            dt.date(2015, 5, 27),
            "may_40000",
            "COM(2015) 286, Annexes (Council Decision (EU) 2015/1523)",
        ),
        Regime(
            "2015-september",
            "Relocation of 120 000 from Italy, Greece and Hungary, Commission proposal "
            "(9 September 2015)",
            dt.date(2015, 9, 9),
            "september_120000",
            "COM(2015) 451, Annexes (Council Decision (EU) 2015/1601)",
        ),
    )
}


def regime(name: str) -> Regime:
    if name not in REGIMES:
        raise EupactError(
            [Problem("--regime", name, f"must be one of {', '.join(REGIMES)}")], "unknown regime"
        )
    return REGIMES[name]


@dataclass(frozen=True, slots=True)
class Row2015:
    """One state's key with each component, exact."""

    geo: str
    population: int
    gdp: Decimal
    unemployment: Decimal
    asylum_per_million: Fraction  # x_i
    population_share: Fraction
    gdp_share: Fraction
    asylum_pure: Fraction
    asylum_effect: Fraction  # capped where the rule caps
    unemployment_pure: Fraction
    unemployment_effect: Fraction
    cap: Fraction  # κ (p_i + g_i)
    residual: Fraction  # this state's part of the residual
    share: Fraction

    @property
    def capped(self) -> tuple[str, ...]:
        """The effects a per-state cap cuts (or would cut) for this state."""
        return tuple(
            name
            for name, pure in (
                ("asylum", self.asylum_pure),
                ("unemployment", self.unemployment_pure),
            )
            if pure > self.cap
        )


@dataclass(frozen=True, slots=True)
class Comparison:
    """A computed share beside the published figure, in percentage points."""

    geo: str
    computed_pct: Fraction
    published_pct: Fraction
    published_value: Decimal
    published_unit: str
    tolerance_pp: Fraction  # half a unit of the publication's last digit, in points

    @property
    def difference_pp(self) -> Fraction:
        return self.computed_pct - self.published_pct

    @property
    def within_rounding(self) -> bool:
        return abs(self.difference_pp) <= self.tolerance_pp


@dataclass(frozen=True)
class Key2015:
    regime: Regime
    states: tuple[str, ...]
    rows: dict[str, Row2015]
    cap_rule: str
    residual_total: Fraction
    params: ParametersAt
    gdp_year: int
    unemployment_year: int
    asylum_years: tuple[int, int]
    population_date: str

    def share(self, geo: str) -> Fraction:
        return self.rows[geo].share

    def percent(self, geo: str, places: int = 4) -> Decimal:
        return to_decimal(self.rows[geo].share * 100, places)

    def relocations(self) -> int:
        return int(self.params("regime.2015.relocations"))

    def compare(self, published: Published) -> tuple[Comparison, ...]:
        """Each participating state's share beside the published figure (percent, or persons
        over ``regime.2015.relocations`` as read on this key's parameters' date), where one was
        published."""
        figure = published.figure(self.regime.published)
        out = []
        for geo in self.states:
            if geo not in figure.values:
                continue
            value = figure.values[geo]
            if figure.unit == "percent":
                pct = Fraction(value)
                exponent = value.as_tuple().exponent
                tol = Fraction(1, 2) * Fraction(10) ** (
                    exponent if isinstance(exponent, int) else 0
                )
            else:
                total = self.relocations()
                pct = Fraction(value) * 100 / total
                tol = Fraction(figure.rounding_persons, 2) * 100 / total
            out.append(Comparison(geo, self.share(geo) * 100, pct, value, figure.unit, tol))
        return tuple(out)

    def explain(self, geo: str) -> Explanation:
        r = self.rows[geo]
        w = {k: self.params(f"regime.2015.weight.{k}") for k in ("population", "gdp")}
        notes = [
            f"participating states ({len(self.states)}): {' '.join(self.states)}",
            "shares are exact fractions; percentages are rounded for display only",
        ]
        would = r.capped
        if would and self.cap_rule == "per_state":
            notes.append(f"the cap cuts this state's {' and '.join(would)} effect")
        elif would:
            notes.append(
                f"a per-state cap would cut this state's {' and '.join(would)} effect; on this "
                "date the cap does not bind (regime.2015.cap.rule = not_binding)"
            )
        uses = [
            ParameterUse.of(self.params, name)
            for name in (
                "regime.2015.weight.population",
                "regime.2015.weight.gdp",
                "regime.2015.weight.asylum",
                "regime.2015.weight.unemployment",
                "regime.2015.cap.share_of_base",
                "regime.2015.cap.rule",
                "regime.2015.states",
                "regime.2015.data.missing_years",
            )
        ]
        if self.cap_rule == "per_state":
            uses += [
                ParameterUse.of(self.params, "regime.2015.residual.weight.population"),
                ParameterUse.of(self.params, "regime.2015.residual.weight.gdp"),
            ]
        return Explanation(
            quantity=f"2015 relocation-key share of {geo} ({self.regime.name})",
            value=f"{self.percent(geo)} %",
            rule=RULE,
            article=self.regime.source,
            formula=(
                "w_pop·p + w_gdp·g + w_as·min(a, κ(p+g)) + w_un·min(u, κ(p+g)) + residual·(β_pop·p"
                " + β_gdp·g); a, u = inverse asylum-per-million and unemployment shares"
            ),
            inputs={
                f"population {geo} on {self.population_date}": show(r.population),
                f"GDP {geo} {self.gdp_year} (million EUR)": show(r.gdp),
                f"unemployment rate {geo} {self.unemployment_year} (%)": show(r.unemployment),
                f"asylum applicants + resettled per million, mean {self.asylum_years[0]}-"
                f"{self.asylum_years[1]}": _show(r.asylum_per_million),
                "population share p": _show(r.population_share),
                "GDP share g": _show(r.gdp_share),
                f"population and GDP effect: {w['population']}·p + {w['gdp']}·g": _show(
                    w["population"] * r.population_share + w["gdp"] * r.gdp_share
                ),
                "pure asylum effect a": _show(r.asylum_pure),
                "pure unemployment effect u": _show(r.unemployment_pure),
                "cap κ(p+g)": _show(r.cap),
                "asylum effect used": _show(r.asylum_effect),
                "unemployment effect used": _show(r.unemployment_effect),
                "residual left by the caps (all states)": _show(self.residual_total),
                "this state's part of the residual": _show(r.residual),
            },
            parameters=tuple(uses),
            notes=tuple(notes),
        )


MISSING_RULES = ("count_as_zero", "skip")


def _per_million(data: StateInputs, years: tuple[int, int], missing: str) -> Fraction:
    """Mean over the period of (applicants + resettled) per million on 1 January of each year; a
    year without an applicants figure counts as none (``count_as_zero``) or is left out."""
    period = range(years[0], years[1] + 1)
    per_year = [
        Fraction(data.applicants[y] + data.resettled.get(y, 0), data.populations[y]) * MILLION
        for y in period
        if y in data.applicants
    ]
    count = len(period) if missing == "count_as_zero" else len(per_year)
    return sum(per_year, Fraction(0)) / count


def _check(
    states: tuple[str, ...],
    inputs: dict[str, StateInputs],
    population_year: int,
    gdp_year: int,
    unemployment_year: int,
    years: tuple[int, int],
) -> None:
    problems = []
    seen: set[str] = set()
    for geo in states:
        if geo in seen:
            problems.append(Problem("state", geo, "listed twice"))
        seen.add(geo)
        data = inputs.get(geo)
        if data is None:
            problems.append(Problem("state", geo, "no 2015-key inputs for this state"))
            continue
        needed = {
            f"population 1 Jan {population_year}": data.populations.get(population_year),
            f"GDP {gdp_year}": data.gdp.get(gdp_year),
            f"unemployment rate {unemployment_year}": data.unemployment.get(unemployment_year),
        }
        for y in range(years[0], years[1] + 1):
            if y in data.applicants:
                needed[f"population 1 Jan {y}"] = data.populations.get(y)
        for name, value in needed.items():
            if value is None:
                problems.append(Problem(name, geo, "no value in the data for this state"))
            elif value <= 0:
                problems.append(Problem(name, f"{geo}: {value}", "must be positive"))
        if not any(y in data.applicants for y in range(years[0], years[1] + 1)):
            problems.append(
                Problem("asylum_applicants", geo, f"no figure for {years[0]}-{years[1]}")
            )
        elif not any(
            data.applicants[y] + data.resettled.get(y, 0) > 0
            for y in range(years[0], years[1] + 1)
            if y in data.applicants
        ):
            problems.append(
                Problem("asylum_applicants", geo, "none in the period: the inverse is undefined")
            )
    if not states:
        problems.append(Problem("states", "", "at least one participating Member State is needed"))
    if problems:
        raise EupactError(problems, "cannot compute the 2015 relocation key")


def compute_key_2015(
    inputs: dict[str, StateInputs],
    params: ParametersAt,
    the_regime: Regime,
    states: tuple[str, ...] | None = None,
    gdp_year: int | None = None,
) -> Key2015:
    """Each participating state's share of the 2015 relocation key on the regime's date.

    ``params`` must be read on ``the_regime.date``; ``states`` and ``gdp_year`` override the
    regime's own (a what-if, said so by the caller)."""
    chosen = tuple(states) if states is not None else tuple(params("regime.2015.states"))
    w_pop = Fraction(params("regime.2015.weight.population"))
    w_gdp = Fraction(params("regime.2015.weight.gdp"))
    w_as = Fraction(params("regime.2015.weight.asylum"))
    w_un = Fraction(params("regime.2015.weight.unemployment"))
    kappa = Fraction(params("regime.2015.cap.share_of_base"))
    rule = str(params("regime.2015.cap.rule"))
    if rule not in CAP_RULES:
        raise EupactError(
            [Problem("regime.2015.cap.rule", rule, f"must be one of {', '.join(CAP_RULES)}")],
            "unknown cap rule",
        )
    pop_date = str(params("regime.2015.data.population_date"))
    pop_year = int(pop_date[:4])
    g_year = gdp_year if gdp_year is not None else int(params("regime.2015.data.gdp_year"))
    u_year = int(params("regime.2015.data.unemployment_year"))
    first, last = (int(y) for y in params("regime.2015.data.asylum_years"))
    missing = str(params("regime.2015.data.missing_years"))
    if missing not in MISSING_RULES:
        raise EupactError(
            [
                Problem(
                    "regime.2015.data.missing_years", missing, f"one of {', '.join(MISSING_RULES)}"
                )
            ],
            "unknown rule",
        )
    _check(chosen, inputs, pop_year, g_year, u_year, (first, last))

    pops = {geo: inputs[geo].populations[pop_year] for geo in chosen}
    gdps = {geo: Fraction(inputs[geo].gdp[g_year]) for geo in chosen}
    unemp = {geo: Fraction(inputs[geo].unemployment[u_year]) for geo in chosen}
    xs = {geo: _per_million(inputs[geo], (first, last), missing) for geo in chosen}
    total_pop, total_gdp = sum(pops.values()), sum(gdps.values(), Fraction(0))
    inv_x = sum((1 / x for x in xs.values()), Fraction(0))
    inv_u = sum((1 / u for u in unemp.values()), Fraction(0))

    p = {geo: Fraction(pops[geo], total_pop) for geo in chosen}
    g = {geo: gdps[geo] / total_gdp for geo in chosen}
    a = {geo: (1 / xs[geo]) / inv_x for geo in chosen}
    u = {geo: (1 / unemp[geo]) / inv_u for geo in chosen}
    cap = {geo: kappa * (p[geo] + g[geo]) for geo in chosen}
    if rule == "per_state":
        a_used = {geo: min(a[geo], cap[geo]) for geo in chosen}
        u_used = {geo: min(u[geo], cap[geo]) for geo in chosen}
        b_pop = Fraction(params("regime.2015.residual.weight.population"))
        b_gdp = Fraction(params("regime.2015.residual.weight.gdp"))
    else:
        a_used, u_used = a, u
        b_pop = b_gdp = Fraction(1, 2)  # the residual is exactly 0: the weights do not matter
    q = {
        geo: w_pop * p[geo] + w_gdp * g[geo] + w_as * a_used[geo] + w_un * u_used[geo]
        for geo in chosen
    }
    residual = 1 - sum(q.values(), Fraction(0))
    rows = {}
    for geo in chosen:
        part = residual * (b_pop * p[geo] + b_gdp * g[geo])
        rows[geo] = Row2015(
            geo,
            pops[geo],
            inputs[geo].gdp[g_year],
            inputs[geo].unemployment[u_year],
            xs[geo],
            p[geo],
            g[geo],
            a[geo],
            a_used[geo],
            u[geo],
            u_used[geo],
            cap[geo],
            part,
            q[geo] + part,
        )
    return Key2015(
        the_regime, chosen, rows, rule, residual, params, g_year, u_year, (first, last), pop_date
    )


def _pct(value: Fraction, places: int = 4) -> Decimal:
    return to_decimal(value * 100, places)


def comparison_rows(
    key: Key2015, published: Published
) -> tuple[list[dict[str, object]], tuple[str, ...]]:
    """One row per participating state (each component, the share, the published figure and the
    difference in points) and the notes that say where everything comes from."""
    found = {c.geo: c for c in key.compare(published)}
    figure = published.figure(key.regime.published)
    rows: list[dict[str, object]] = []
    for geo in key.states:
        r, c = key.rows[geo], found.get(geo)
        rows.append(
            {
                "geo": geo,
                "population": r.population,
                "gdp_meur": r.gdp,
                "unemployment_pct": r.unemployment,
                "asylum_per_million": to_decimal(r.asylum_per_million, 1),
                "population_share_pct": _pct(r.population_share),
                "gdp_share_pct": _pct(r.gdp_share),
                "asylum_effect_pct": _pct(r.asylum_effect),
                "unemployment_effect_pct": _pct(r.unemployment_effect),
                "capped": " ".join(r.capped) if key.cap_rule == "per_state" else "",
                "residual_pct": _pct(r.residual),
                "share_pct": key.percent(geo),
                "published_pct": _pct(c.published_pct / 100) if c else "not published",
                "difference_pp": to_decimal(c.difference_pp, 3) if c else "",
                "within_rounding": ("yes" if c.within_rounding else "no") if c else "",
            }
        )
    diffs = [c.difference_pp for c in found.values()]
    worst = max(found.values(), key=lambda c: abs(c.difference_pp)) if found else None
    notes = [
        f"{key.regime.title}; {key.regime.source}; parameters on {key.regime.date.isoformat()} "
        f"(src/eupact/parameters/regimes/relocation_2015.yaml)",
        f"cap rule: {key.cap_rule}; residual left by the caps: {_pct(key.residual_total)} % "
        "(shared by population and GDP)",
        f"data: population on {key.population_date}, GDP {key.gdp_year}, unemployment "
        f"{key.unemployment_year}, asylum applicants + resettled {key.asylum_years[0]}-"
        f"{key.asylum_years[1]}: Eurostat as extracted in June 2016, not the 2015 release "
        "(src/eupact/data/regimes/SOURCES.md)",
        f"published: {figure.name} ({figure.unit}; {figure.source}); published_pct is "
        + (
            "the published percentage"
            if figure.unit == "percent"
            else f"persons / {key.relocations():,} × 100"
        ),
    ]
    if worst is not None:
        rms = sum((d * d for d in diffs), Fraction(0)) / len(diffs)
        notes.append(
            f"largest difference: {worst.geo} {to_decimal(worst.difference_pp, 3)} points; "
            f"root mean square {to_decimal(Fraction(float(rms) ** 0.5), 3)} points over "
            f"{len(diffs)} states; {sum(c.within_rounding for c in found.values())} within the "
            "publication's rounding (docs/regimes.md explains the differences)"
        )
    return rows, tuple(notes)
