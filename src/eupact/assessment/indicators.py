"""The assessment's indicators per Member State (Art. 9(3)(a), 10 AMMR), absolute and relative.

For each indicator and state: the figure on the period's basis, per 1,000 inhabitants, per EUR
billion of GDP, the share of the EU total, that share over the state's reference-key share
("disproportionate" above 1: the state carries more than the key would give it), the per-capita
figure over the EU's, and the same over the cumulative window (Art. 10(3)). A figure that is not
in the data stays ``None`` and so does every measure built on it.

Relative measures are computed as ratios of shares (state ÷ EU, then ÷ key or population share),
so that multiplying every state's figure and the EU total by one factor changes no measure.

Why one file: every measure of every indicator reads one context built once per assessment
(population, GDP, key shares, the EU totals, the period's basis); split, that context would be
passed between modules for no reader's benefit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from eupact.assessment.data import (
    AssessmentData,
    Figure,
    Period,
    SetAside,
    cite,
    figure_dict,
    flow_figure,
    rate_if_as_good,
    set_aside_by_indicator,
    stock_figure,
)
from eupact.assessment.methodology import Methodology
from eupact.assessment.registry import DERIVED_RATES, EU, INDICATORS, ROUTE, BaseIndicator
from eupact.assessment.sar import Recurrence, recurrences
from eupact.data.periods import month_label, parse_period
from eupact.errors import EupactError, Problem
from eupact.key.reference_key import compute_reference_key

PER = 1000  # per-capita measures are per 1,000 inhabitants


@dataclass(frozen=True, slots=True)
class Cumulative:
    """A flow summed over the years of the cumulative window that have a figure."""

    periods: tuple[str, ...]
    window: int
    value: float
    eu: float
    share: float
    key_ratio: float
    vs_eu_average: float
    figures: tuple[Figure, ...]


@dataclass(frozen=True, slots=True)
class StateMeasure:
    indicator: str
    geo: str
    figure: Figure | None  # the count (a stock at the period's end), None = not in the data
    rate: Figure | None  # a published per-1,000 rate, where used
    per_capita: float | None
    per_gdp: float | None
    share_of_eu: float | None
    key_ratio: float | None
    vs_eu_average: float | None
    cumulative: Cumulative | None = None

    def get(self, measure: str) -> float | None:
        if measure == "value":
            return self.figure.value if self.figure else None
        if measure == "cumulative_key_ratio":
            return self.cumulative.key_ratio if self.cumulative else None
        if measure == "cumulative_vs_eu_average":
            return self.cumulative.vs_eu_average if self.cumulative else None
        value: float | None = getattr(self, measure)
        return value


@dataclass(frozen=True)
class IndicatorResult:
    indicator: BaseIndicator
    basis: str  # the period the figures stand for
    proxy: bool
    eu: Figure | None
    eu_rate: Figure | None
    eu_per_capita: float | None
    states: dict[str, StateMeasure]
    window: tuple[str, ...] = ()

    @property
    def covered(self) -> tuple[str, ...]:
        return tuple(g for g, m in self.states.items() if m.figure is not None)


@dataclass(frozen=True, slots=True)
class RouteTrend:
    route: str
    year: int
    crossings: float | None
    previous: float | None
    growth: float | None
    states: tuple[str, ...]
    figures: tuple[Figure, ...]


@dataclass(frozen=True, slots=True)
class DerivedRate:
    name: str
    title: str
    article: str
    basis: str
    eu: float | None
    states: dict[str, float | None]
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class IndicatorSet:
    """All indicators of one assessment, with the population, GDP and key they rest on."""

    period: Period
    states: tuple[str, ...]
    population: dict[str, float]
    gdp: dict[str, float]
    key_shares: dict[str, float]
    key_exact: dict[str, Fraction]
    population_shares: dict[str, float]
    key_label: str
    results: dict[str, IndicatorResult]
    routes: tuple[RouteTrend, ...]
    route_growth: dict[str, tuple[float, str]]
    rates: dict[str, DerivedRate] = field(default_factory=dict)
    # Art. 11(3): per state, the months with disembarkations of the SAR rule's indicator
    recurrence: dict[str, Recurrence] = field(default_factory=dict)
    set_aside: SetAside = field(default_factory=dict)  # secondary figures not admitted

    def measure(self, indicator: str, measure: str, geo: str) -> float | None:
        if indicator == ROUTE:
            found = self.route_growth.get(geo)
            return found[0] if found else None
        return self.results[indicator].states[geo].get(measure)

    def missing(self, geo: str) -> list[str]:
        """The indicators with no figure for ``geo`` (on the period's basis)."""
        return [n for n, r in self.results.items() if r.states[geo].figure is None]

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period.label,
            "key": self.key_label,
            "indicators": {
                name: {
                    "title": r.indicator.title,
                    "article": r.indicator.article,
                    "basis": r.basis,
                    "proxy": r.proxy,
                    "eu": figure_dict(r.eu),
                    "eu_rate_per_1000": figure_dict(r.eu_rate),
                    "states": {
                        g: {
                            "figure": figure_dict(m.figure),
                            "rate_per_1000": figure_dict(m.rate),
                            "per_1000_inhabitants": m.per_capita,
                            "per_eur_billion_gdp": m.per_gdp,
                            "share_of_eu": m.share_of_eu,
                            "key_ratio": m.key_ratio,
                            "vs_eu_average": m.vs_eu_average,
                            "cumulative": None
                            if m.cumulative is None
                            else {
                                "periods": list(m.cumulative.periods),
                                "window": m.cumulative.window,
                                "value": m.cumulative.value,
                                "eu": m.cumulative.eu,
                                "key_ratio": m.cumulative.key_ratio,
                                "vs_eu_average": m.cumulative.vs_eu_average,
                            },
                        }
                        for g, m in r.states.items()
                    },
                }
                for name, r in self.results.items()
            },
            "rates": {
                n: {"title": r.title, "basis": r.basis, "eu": r.eu, "states": r.states}
                for n, r in self.rates.items()
            },
            "sar_recurrence": {g: r.as_dict() for g, r in self.recurrence.items()},
            "routes": [
                {
                    "route": t.route,
                    "year": t.year,
                    "crossings": t.crossings,
                    "previous": t.previous,
                    "growth": t.growth,
                    "states": list(t.states),
                    "sources": [f.cite() for f in t.figures],
                }
                for t in self.routes
            ],
        }


def _div(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


class _Context:
    """Shared inputs of the per-indicator computations."""

    def __init__(self, data: AssessmentData, method: Methodology) -> None:
        self.data = data
        self.method = method
        self.states = data.states
        self.pop = {g: float(data.population.values[g]) for g in self.states}
        self.gdp = {g: float(data.gdp.values[g]) for g in self.states}
        total_pop = sum(self.pop.values())
        self.pop_eu = total_pop
        self.pop_share = {g: self.pop[g] / total_pop for g in self.states}
        # the cumulative view (Art. 10(3)) of the indicators the rules read, and of arrivals
        self.cumulated = {"arrivals", *(r.indicator for r in method.rules)}


def _bases(period: Period, method: Methodology) -> list[tuple[str, int, int, bool]]:
    bases = [(period.label, period.start, period.end, False)]
    y = period.start_year
    calendar = (str(y), y * 12, y * 12 + 11, True)
    if method.calendar_year_proxy and (calendar[1], calendar[2]) != (period.start, period.end):
        bases.append(calendar)
    return bases


def _proxy_note(label: str, period: Period) -> str:
    return (
        f"proxy: calendar year {label} stands in for the reporting period {period.label} "
        "(assessment.period.calendar_year_proxy)"
    )


def _state_figures(
    ctx: _Context, ind: BaseIndicator, start: int, end: int, label: str
) -> tuple[dict[str, Figure | None], dict[str, Figure | None]]:
    obs = ctx.data.observations
    counts: dict[str, Figure | None] = {}
    rates: dict[str, Figure | None] = {}
    for g in ctx.states:
        counts[g] = flow_figure(obs, ind.sources, g, start, end, label)
        rate = None
        for series, per in ind.rate_sources:
            found = flow_figure(obs, (series,), g, start, end, label)
            if found is not None:
                rate = Figure(
                    found.value * PER / per,
                    found.period,
                    found.sources,
                    found.series,
                    found.flags,
                    found.notes,
                )
                break
        rates[g] = rate_if_as_good(rate, counts[g])
    return counts, rates


def _with_note(fig: Figure | None, note: str) -> Figure | None:
    if fig is None or not note:
        return fig
    return Figure(fig.value, fig.period, fig.sources, fig.series, fig.flags, (*fig.notes, note))


def _derived_count(ctx: _Context, g: str, rate: Figure) -> Figure:
    return Figure(
        rate.value * ctx.pop[g] / PER,
        rate.period,
        (*rate.sources, ctx.data.population.source_of(g)),
        rate.series,
        rate.flags,
        (
            *rate.notes,
            f"derived: {rate.value:g} per 1,000 × population {ctx.pop[g]:,.0f} "
            f"({ctx.data.population.source.reference_date})",
        ),
    )


def _eu_total(
    ctx: _Context,
    ind: BaseIndicator,
    start: int,
    end: int,
    label: str,
    counts: dict[str, Figure | None],
) -> Figure | None:
    eu = flow_figure(ctx.data.observations, ind.eu_series, EU, start, end, label)
    if eu is not None:
        return eu
    if all(counts[g] is not None for g in ctx.states):
        figs = [f for f in counts.values() if f is not None]
        return Figure(
            sum(f.value for f in figs),
            label,
            tuple(dict.fromkeys(s for f in figs for s in f.sources)),
            ind.sources[0],
            notes=(f"sum of the {len(figs)} Member States",),
        )
    return None


def _measures(
    ctx: _Context,
    ind: BaseIndicator,
    g: str,
    count: Figure | None,
    rate: Figure | None,
    eu: Figure | None,
    eu_rate: Figure | None,
    key: dict[str, float],
) -> StateMeasure:
    derived = count is None and rate is not None
    if count is None and rate is not None:
        count = _derived_count(ctx, g, rate)
    value = count.value if count else None
    share = _div(value, eu.value if eu else None)
    eu_pc = eu_rate.value if eu_rate else (_div(eu.value * PER, ctx.pop_eu) if eu else None)
    if rate is not None and (count is None or derived):
        per_capita: float | None = rate.value
    else:
        per_capita = _div(value * PER, ctx.pop[g]) if value is not None else None
    vs_eu: float | None
    if share is not None and not derived and eu_rate is None:
        vs_eu = share / ctx.pop_share[g]  # scale-invariant: both sides counts
    else:
        vs_eu = _div(per_capita, eu_pc)
    return StateMeasure(
        indicator=ind.name,
        geo=g,
        figure=count,
        rate=rate,
        per_capita=per_capita,
        per_gdp=_div(value * 1000, ctx.gdp[g]) if value is not None else None,
        share_of_eu=share,
        key_ratio=_div(share, key[g]),
        vs_eu_average=vs_eu,
    )


def _cumulative(
    ctx: _Context, ind: BaseIndicator, start: int, end: int, proxy: bool, key: dict[str, float]
) -> tuple[tuple[str, ...], dict[str, Cumulative | None]]:
    method = ctx.method
    years = method.cumulative_years
    windows = []
    for back in range(years - 1, -1, -1):
        s, e = start - 12 * back, end - 12 * back
        label = str(s // 12) if proxy else Period(0, s, e).label
        counts, rates = _state_figures(ctx, ind, s, e, label)
        full = {
            g: counts[g] or (_derived_count(ctx, g, r) if (r := rates[g]) is not None else None)
            for g in ctx.states
        }
        eu = _eu_total(ctx, ind, s, e, label, counts)
        windows.append((label, full, eu))
    out: dict[str, Cumulative | None] = {}
    for g in ctx.states:
        used = [(lab, f, eu) for lab, full, eu in windows if (f := full[g]) is not None and eu]
        if len(used) < method.cumulative_min_years:
            out[g] = None
            continue
        value = sum(f.value for _, f, _ in used)
        total = sum(eu.value for _, _, eu in used if eu is not None)
        share = value / total if total else 0.0
        out[g] = Cumulative(
            periods=tuple(lab for lab, _, _ in used),
            window=years,
            value=value,
            eu=total,
            share=share,
            key_ratio=share / key[g],
            vs_eu_average=share / ctx.pop_share[g],
            figures=tuple(f for _, f, _ in used) + tuple(eu for _, _, eu in used if eu),
        )
    return tuple(lab for lab, _, _ in windows), out


def _flow(ctx: _Context, ind: BaseIndicator, key: dict[str, float]) -> IndicatorResult:
    period = ctx.data.period
    bases = _bases(period, ctx.method)
    chosen: (
        tuple[
            str, int, int, bool, dict[str, Figure | None], dict[str, Figure | None], Figure | None
        ]
        | None
    ) = None
    for label, s, e, proxy in bases:
        counts, rates = _state_figures(ctx, ind, s, e, label)
        eu = _eu_total(ctx, ind, s, e, label, counts)
        if eu is not None:
            chosen = (label, s, e, proxy, counts, rates, eu)
            break
        if chosen is None and (any(counts.values()) or any(rates.values())):
            chosen = (label, s, e, proxy, counts, rates, None)
    if chosen is None:
        label, s, e, proxy = bases[0]
        counts, rates, eu = dict.fromkeys(ctx.states), dict.fromkeys(ctx.states), None
    else:
        label, s, e, proxy, counts, rates, eu = chosen
    note = _proxy_note(label, period) if proxy else ""
    eu_rate = None
    for series, per in ind.rate_sources:
        found = flow_figure(ctx.data.observations, (series,), EU, s, e, label)
        if found is not None and eu is None:  # a published EU rate only without the EU total
            eu_rate = Figure(found.value * PER / per, found.period, found.sources, found.series)
    if ind.name in ctx.cumulated:
        window, cumulative = _cumulative(ctx, ind, s, e, proxy, key)
    else:
        window, cumulative = (), dict.fromkeys(ctx.states)
    states = {}
    for g in ctx.states:
        m = _measures(ctx, ind, g, counts[g], rates[g], eu, eu_rate, key)
        states[g] = StateMeasure(
            m.indicator,
            g,
            _with_note(m.figure, note),
            _with_note(m.rate, note),
            m.per_capita,
            m.per_gdp,
            m.share_of_eu,
            m.key_ratio,
            m.vs_eu_average,
            cumulative[g],
        )
    eu_pc = eu_rate.value if eu_rate else (_div(eu.value * PER, ctx.pop_eu) if eu else None)
    return IndicatorResult(ind, label, proxy, _with_note(eu, note), eu_rate, eu_pc, states, window)


def _stock(ctx: _Context, ind: BaseIndicator, key: dict[str, float]) -> IndicatorResult:
    period = ctx.data.period
    obs = ctx.data.observations
    window = ctx.method.stock_window_months
    end = period.end

    def rate_at(geo: str) -> Figure | None:
        for series, per in ind.rate_sources:
            found = stock_figure(obs, (series,), geo, end, window)
            if found is not None:
                return Figure(
                    found.value * PER / per,
                    found.period,
                    found.sources,
                    found.series,
                    found.flags,
                    found.notes,
                )
        return None

    eu = stock_figure(obs, ind.eu_series, EU, end, window)
    eu_rate = rate_at(EU)
    counts = {g: stock_figure(obs, ind.sources, g, end, window) for g in ctx.states}
    if eu is None and eu_rate is None:
        figs = [f for f in counts.values() if f is not None]
        if len(figs) == len(ctx.states) and len({f.period for f in figs}) == 1:
            eu = Figure(
                sum(f.value for f in figs),
                figs[0].period,
                tuple(dict.fromkeys(s for f in figs for s in f.sources)),
                ind.sources[0],
                notes=(f"sum of the {len(figs)} Member States",),
            )
    states = {}
    for g in ctx.states:
        count = counts[g]
        rate = rate_if_as_good(rate_at(g), count)
        newer_rate = rate is not None and (count is None or _month_of(rate) > _month_of(count))
        m = _measures(
            ctx,
            ind,
            g,
            None if newer_rate else count,
            rate if newer_rate else None,
            eu,
            eu_rate,
            key,
        )
        if not newer_rate and count is not None:
            m = StateMeasure(
                m.indicator,
                g,
                m.figure,
                None,
                m.per_capita,
                m.per_gdp,
                m.share_of_eu,
                m.key_ratio,
                m.vs_eu_average if eu_rate is None else _div(m.per_capita, eu_rate.value),
            )
        states[g] = m
    basis = (
        f"end of {period.label} (latest figure from {month_label(end - window + 1)} "
        f"to {month_label(end)})"
    )
    eu_pc = eu_rate.value if eu_rate else (_div(eu.value * PER, ctx.pop_eu) if eu else None)
    return IndicatorResult(ind, basis, False, eu, eu_rate, eu_pc, states)


def _month_of(fig: Figure) -> int:
    span = parse_period(fig.period)
    return span[1] if span else -1


def _routes(ctx: _Context) -> tuple[tuple[RouteTrend, ...], dict[str, tuple[float, str]]]:
    year = ctx.data.period.start_year
    by_route: dict[str, dict[int, Any]] = {}
    for r in ctx.data.routes:
        by_route.setdefault(r.route, {})[r.year] = r
    trends = []
    best: dict[str, tuple[float, str]] = {}
    for route, states in ctx.method.routes.items():
        now, before = by_route.get(route, {}).get(year), by_route.get(route, {}).get(year - 1)
        c_now = now.crossings if now else None
        c_before = before.crossings if before else None
        growth = c_now / c_before - 1 if c_now is not None and c_before else None
        figs = tuple(
            Figure(r.crossings, str(r.year), (r.source,), "frontex_routes")
            for r in (before, now)
            if r is not None and r.crossings is not None
        )
        trends.append(RouteTrend(route, year, c_now, c_before, growth, states, figs))
        if growth is None:
            continue
        for g in states:
            if g not in best or growth > best[g][0]:
                best[g] = (growth, route)
    return tuple(trends), best


def _rates(results: dict[str, IndicatorResult], states: tuple[str, ...]) -> dict[str, DerivedRate]:
    out = {}
    for name, (num, den, title, article) in DERIVED_RATES.items():
        a, b = results[num], results[den]
        same = a.basis == b.basis
        eu = _div(a.eu.value, b.eu.value) if same and a.eu and b.eu else None
        per_state = {
            g: _div(
                fa.value if (fa := a.states[g].figure) else None,
                fb.value if (fb := b.states[g].figure) else None,
            )
            if same
            else None
            for g in states
        }
        figs = tuple(f for f in (a.eu, b.eu) if f is not None)
        out[name] = DerivedRate(name, title, article, a.basis if same else "", eu, per_state, figs)
    return out


def compute_indicators(data: AssessmentData, method: Methodology) -> IndicatorSet:
    """Every indicator of the registry for every state of ``data``, on the period's basis."""
    ctx = _Context(data, method)
    key_states = tuple(g for g in method.key_states if g in data.states) or data.states
    missing = [g for g in data.states if g not in key_states]
    if missing:
        raise EupactError(
            [
                Problem("state", g, "not in the assessment's key scope (assessment.key.scope)")
                for g in missing
            ],
            "invalid assessment scope",
        )
    key = compute_reference_key(data.population, data.gdp, method.params, key_states)
    key_shares = {g: float(key.share(g)) for g in data.states}
    results: dict[str, IndicatorResult] = {}
    for ind in INDICATORS.values():
        results[ind.name] = (_flow if ind.kind == "flow" else _stock)(ctx, ind, key_shares)
    routes, growth = _routes(ctx)
    recurring: dict[str, Recurrence] = {}
    if method.sar is not None:  # Art. 11(3): over the same 12 months as the rule's indicator
        res = results[method.sar.rule.indicator]
        recurring = recurrences(
            data.observations, res.indicator.sources, data.states, res.basis, method.sar
        )
    label = (
        f"Art. 66 key over {len(key_states)} states: population "
        f"{data.population.source.reference_date}, GDP {data.gdp.source.reference_date} "
        f"({cite(data.population.source)}; {cite(data.gdp.source)})"
    )
    return IndicatorSet(
        period=data.period,
        states=data.states,
        population=ctx.pop,
        gdp=ctx.gdp,
        key_shares=key_shares,
        key_exact={g: key.share(g) for g in data.states},
        population_shares=ctx.pop_share,
        key_label=label,
        results=results,
        routes=routes,
        route_growth=growth,
        rates=_rates(results, data.states),
        recurrence=recurring,
        set_aside=set_aside_by_indicator(data, INDICATORS.values()),
    )
