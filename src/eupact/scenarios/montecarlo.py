"""Monte Carlo over the uncertain inputs of a pool year (issue 18): how likely offsets are owed,
how large the shortfall and each state's offsets may be, and which states' categories hang on
arrivals.

Why one file: the model's parameters, its draws, the summaries and their tables are one
documented model (its SYNTHETIC label, its defaults, the definition of its quantiles) that a
reader checks as a whole; the exact computation of each draw is :mod:`eupact.pool.batch`'s.

A scenario's cycle year (:func:`~eupact.scenarios.run.run_scenario`) fixes what is known: the
Council act (reference numbers, Art. 57(1)), who benefits (Art. 58-60), the deductions granted
(Art. 61-62), whether the High-Level Forum is reconvened (Art. 13(4), 63(3)). Three inputs are
drawn, each switchable in :class:`MonteCarloModel`:

- **Pledge behaviour** (Art. 56(2), 57(2)). A SYNTHETIC, ILLUSTRATIVE model, not an estimate of
  any Member State's intentions. Each draw is a year with its own climate: a mean share ``m``
  drawn from a Beta distribution of mean ``pledge_mean`` and standard deviation
  ``climate_spread`` (states' decisions move together: without it a shortfall of the whole pool
  would be far less uncertain than it is). In that year each state pledges nothing with
  probability ``pledge_nothing``; otherwise a share of its fair share (EUR-equivalent, Art.
  57(3), 12(3)) drawn from a Beta distribution of mean ``m`` whose spread is ``pledge_spread``
  where ``m`` is ``pledge_mean``; a Beta-distributed part of it (mean ``relocation_mean``, sd
  ``relocation_spread``) is made as whole relocations (rounded down), the rest as money in whole
  euros.
- **Data revisions between releases** (Art. 66). The key's population moves by a relative
  revision per state: by default each state draws one of the revisions the snapshot itself shows
  for that state (first release against the latest vintage, for every reference date the
  snapshot holds two releases of), with a random sign; or, if ``population_noise`` is given, a
  normal relative revision with that standard deviation. ``worlds`` revised keys are drawn, each
  with its own fair shares, and the draws are shared evenly among them.
- **Arrivals** (Art. 9(3)(b)). Next year's arrivals per state move by a log-normal factor whose
  spread comes from the forward look's interval where it projects the state, else from
  ``arrivals_noise`` (SYNTHETIC); the assessment's arrival rules are re-measured and each state's
  category re-decided (Art. 11) by the methodology's own rules: the probability that it changes
  says how fragile it is. Arrivals do not move the recorded act's pool: its reference numbers and
  benefitting states are given.

Each draw's pool outcome is computed exactly, in integers, by the vectorised batch
(:mod:`eupact.pool.batch`, equal to :func:`~eupact.pool.outcome.compute_outcome`). Quantiles are
observed values (the inverted empirical distribution: the smallest value with at least the share
``q`` of draws at or below it). The same seed, number of draws and model give the same results.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from statistics import NormalDist
from typing import Any

import numpy as np
import numpy.typing as npt

from eupact.assessment import Assessment, assess_year
from eupact.assessment.classify import category_label, decide_state
from eupact.assessment.forecast import Forward, project_observations
from eupact.cycle.run import CycleResult
from eupact.data.snapshot import Snapshot
from eupact.errors import EupactError, Problem
from eupact.key.reference_key import ReferenceKey, compute_reference_key
from eupact.pool.batch import BLOCK, BatchContext, batch_context, evaluate_cents
from eupact.pool.pledges import DeductionStatus
from eupact.reports.tables import Table

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

QUANTILES = (0.05, 0.5, 0.95)
OFFSET_COLUMNS = ("offsets_p5", "offsets_p50", "offsets_p95")
GRANTED = DeductionStatus.GRANTED
#: The indicator whose figures the arrivals uncertainty moves.
ARRIVALS = "arrivals"
#: Measures of a figure that move with it (the cumulative ones mix past years and are kept).
_MEASURES = ("key_ratio", "share_of_eu", "vs_eu_average", "per_capita", "per_gdp")
LABEL = (
    "SYNTHETIC, ILLUSTRATIVE Monte Carlo (seed {seed}): pledges drawn from eupact's model of "
    "pledge behaviour, not pledges any Member State made or announced; the probabilities are "
    "those of the model, not forecasts."
)


@dataclass(frozen=True)
class MonteCarloModel:
    """The model's parameters. Every default is ILLUSTRATIVE: round numbers that make states
    pledge most of their fair share, mostly in money, not estimates of any state's behaviour
    (the recorded per-state pledges are not in eupact's data). Change them to ask "what if"."""

    #: Mean share of its fair share (EUR-equivalent) a state pledges when it pledges: most
    #: states pledge most of it but not all (illustrative).
    pledge_mean: float = 0.75
    #: Standard deviation of that share across states in a year of average climate
    #: (illustrative).
    pledge_spread: float = 0.2
    #: Standard deviation of the year's mean share (the climate shared by all states;
    #: illustrative; 0: states decide independently).
    climate_spread: float = 0.1
    #: Probability that a state pledges nothing at all (illustrative).
    pledge_nothing: float = 0.05
    #: Mean share of a pledge made as relocations, the rest in money (illustrative: most
    #: solidarity is expected in money).
    relocation_mean: float = 0.3
    #: Standard deviation of the relocation share (illustrative).
    relocation_spread: float = 0.15
    #: Draw revisions of the key's population (Art. 66).
    revisions: bool = True
    #: None: each state's own revisions as the snapshot shows them, with a random sign; a number:
    #: a normal relative revision of that standard deviation for every state.
    population_noise: float | None = None
    #: Revised keys drawn (the draws are shared evenly among them).
    worlds: int = 64
    #: Draw next year's arrivals and re-decide the categories (Art. 9(3)(b), 11).
    arrivals: bool = True
    #: Log-scale standard deviation of a state's arrivals where the forward look gives no
    #: interval: about ±28 % for one standard deviation (SYNTHETIC, illustrative).
    arrivals_noise: float = 0.25
    #: Draws of the arrivals (each re-decides every state with an arrivals figure).
    arrival_draws: int = 2000

    def problems(self) -> list[Problem]:
        out: list[Problem] = []
        for name, mean, spreads in (
            (
                "pledge",
                self.pledge_mean,
                (
                    ("pledge_spread", self.pledge_spread, False),
                    ("climate_spread", self.climate_spread, True),
                ),
            ),
            (
                "relocation",
                self.relocation_mean,
                (("relocation_spread", self.relocation_spread, False),),
            ),
        ):
            if not 0 < mean < 1:
                out.append(Problem(f"{name}_mean", mean, "must lie strictly between 0 and 1"))
                continue
            largest = math.sqrt(mean * (1 - mean))
            for field_name, spread, zero in spreads:
                if not (spread >= 0 if zero else spread > 0) or spread >= largest:
                    out.append(
                        Problem(
                            field_name,
                            spread,
                            f"must lie {'from' if zero else 'above'} 0 and below {largest:.3f} "
                            "(the standard deviation of a Beta distribution of that mean)",
                        )
                    )
        if not 0 <= self.pledge_nothing <= 1:
            out.append(Problem("pledge_nothing", self.pledge_nothing, "is a probability, 0 to 1"))
        if self.population_noise is not None and not 0 <= self.population_noise <= 0.2:
            out.append(Problem("population_noise", self.population_noise, "must lie in 0 .. 0.2"))
        if not 1 <= self.worlds <= 10_000:
            out.append(Problem("worlds", self.worlds, "must lie in 1 .. 10,000"))
        if not 0 <= self.arrivals_noise <= 2:
            out.append(Problem("arrivals_noise", self.arrivals_noise, "must lie in 0 .. 2"))
        if not 1 <= self.arrival_draws <= 1_000_000:
            out.append(Problem("arrival_draws", self.arrival_draws, "must lie in 1 .. 10^6"))
        return out


def beta_shape(mean: float, spread: float) -> tuple[float, float]:
    """The Beta distribution's (a, b) with the given mean and standard deviation."""
    concentration = mean * (1 - mean) / spread**2 - 1
    return mean * concentration, (1 - mean) * concentration


@dataclass(frozen=True, slots=True)
class StateFigures:
    geo: str
    fair_share: int  # relocations, on the key as published
    p_owes: float  # probability of owing offsets (Art. 63(3)-(4), after 60(3))
    offsets: tuple[int, ...]  # quantiles of the offsets owed
    mean: float


@dataclass(frozen=True, slots=True)
class Fragility:
    geo: str
    category: str  # as the assessment decided it
    p_change: float
    most_likely: str  # the most frequent other category ("" if none)
    sigma: float  # log-scale standard deviation of its arrivals
    source: str


@dataclass(frozen=True)
class MonteCarloResult:
    scenario: str
    year: int
    draws: int
    seed: int
    model: MonteCarloModel
    worlds: int
    revisions: str  # how the population was revised
    p_triggered: float  # Art. 63(3) or (4) condition met
    p_owed: float  # offsets obligatory and a gap to share
    p_uncovered: float  # part of the gap nobody can be obliged to take (63(7) caps)
    p_shortfall: float
    shortfall_eur: tuple[Decimal, ...]
    offsets_total: tuple[int, ...]
    to_implement: tuple[int, ...]
    states: tuple[StateFigures, ...]
    fragility: tuple[Fragility, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return LABEL.format(seed=self.seed)

    def tables(self) -> list[Table]:
        q = [f"{round(p * 100)} %" for p in QUANTILES]
        pct = _percent
        summary = [
            {"figure": "draws (revised keys)", "value": f"{self.draws:,} ({self.worlds:,})"},
            {"figure": "offsets triggered, Art. 63(3)/(4)", "value": pct(self.p_triggered)},
            {"figure": "offsets owed (Forum reconvened)", "value": pct(self.p_owed)},
            {"figure": "part of the gap uncovered (63(7))", "value": pct(self.p_uncovered)},
            {"figure": "shortfall of the pool", "value": pct(self.p_shortfall)},
        ]
        for name, values, unit in (
            ("shortfall, EUR", self.shortfall_eur, "EUR "),
            ("offsets owed in total", self.offsets_total, ""),
            ("relocations to implement", self.to_implement, ""),
        ):
            for quantile, value in zip(q, values, strict=True):
                summary.append({"figure": f"{name}, {quantile}", "value": f"{unit}{value:,}"})
        tables = [
            Table(
                "montecarlo_summary",
                f"Monte Carlo: {self.scenario} ({self.year})",
                ("figure", "value"),
                summary,
                notes=(self.label, *self.notes),
            ),
            Table(
                "montecarlo_states",
                "Offsets owed per Member State (Art. 63(3), (4), (7))",
                ("geo", "fair_share", "p_owes", *OFFSET_COLUMNS),
                [
                    {"geo": s.geo, "fair_share": s.fair_share, "p_owes": pct(s.p_owes)}
                    | dict(zip(OFFSET_COLUMNS, s.offsets, strict=True))
                    for s in self.states
                ],
                notes=(
                    "fair_share: relocations on the key as published; offsets: quantiles over "
                    "the draws (5, 50, 95 %), after what Art. 60(3) releases.",
                ),
            ),
        ]
        if self.fragility:
            tables.append(
                Table(
                    "montecarlo_fragility",
                    "Categories under uncertain arrivals (Art. 9(3)(b), 11)",
                    ("geo", "category", "p_change", "most_likely_other", "sigma", "spread_from"),
                    [
                        {
                            "geo": f.geo,
                            "category": f.category,
                            "p_change": pct(f.p_change),
                            "most_likely_other": f.most_likely or "-",
                            "sigma": f"{f.sigma:.2f}",
                            "spread_from": f.source,
                        }
                        for f in self.fragility
                    ],
                    notes=(
                        "Only states with an arrivals figure in the assessment can change; "
                        "sigma: log-scale standard deviation of next year's arrivals.",
                    ),
                    wide=("spread_from",),
                )
            )
        tables.append(model_table(self.model))
        return tables


def _percent(p: float) -> str:
    return f"{p * 100:.1f} %"


def model_table(model: MonteCarloModel) -> Table:
    """The model's parameters and what they mean (from the field comments above)."""
    meaning = {
        "pledge_mean": "mean share of its fair share a pledging state pledges",
        "pledge_spread": "standard deviation of that share",
        "climate_spread": "sd of the year's mean share, common to all states",
        "pledge_nothing": "probability that a state pledges nothing",
        "relocation_mean": "mean share of a pledge made as relocations",
        "relocation_spread": "standard deviation of that share",
        "revisions": "population revised between releases (Art. 66)",
        "population_noise": "relative sd of a revision; none: the snapshot's revisions",
        "worlds": "revised keys drawn",
        "arrivals": "arrivals drawn, categories re-decided (Art. 11)",
        "arrivals_noise": "log sd of arrivals without a forward-look interval",
        "arrival_draws": "draws of the arrivals",
    }
    return Table(
        "montecarlo_model",
        "Model (SYNTHETIC, ILLUSTRATIVE defaults)",
        ("parameter", "value", "meaning"),
        [
            {"parameter": name, "value": str(getattr(model, name)), "meaning": text}
            for name, text in meaning.items()
        ],
    )


# --- population revisions ------------------------------------------------------------------------


def observed_revisions(snapshot: Snapshot, states: Iterable[str]) -> dict[str, list[float]]:
    """Per state, the relative revisions of its population between releases the snapshot holds
    for the same reference date (each other release against the one the key takes by default)."""
    out: dict[str, list[float]] = {g: [] for g in states}
    dates = sorted(
        {s.source.reference_date for s in snapshot.series if s.indicator == "population"}
    )
    for date in dates:
        try:
            latest = snapshot.find("population", date)
        except EupactError:
            continue
        for other in snapshot.series:
            if other.indicator != "population" or other.source.reference_date != date:
                continue
            if other is latest:
                continue
            for g in out:
                if g in other.values and g in latest.values and float(latest.values[g]) > 0:
                    out[g].append(float(other.values[g]) / float(latest.values[g]) - 1)
    return out


def _revised_key(
    key: ReferenceKey,
    rng: np.random.Generator,
    noise: float | None,
    observed: Mapping[str, list[float]],
) -> ReferenceKey:
    states = key.states
    if noise is None:
        change = np.array(
            [
                observed[g][int(rng.integers(len(observed[g])))] if observed.get(g) else 0.0
                for g in states
            ]
        ) * rng.choice((-1.0, 1.0), len(states))
    else:
        change = rng.normal(0.0, noise, len(states))
    values = {
        g: max(1, round(float(key.population.values[g]) * (1 + c)))
        for g, c in zip(states, change, strict=True)
    }
    population = replace(key.population, values={**key.population.values, **values})
    return compute_reference_key(population, key.gdp, key.params, states, key.vintage)


# --- pledges and outcomes --------------------------------------------------------------------


def draw_pledges(
    ctx: BatchContext, model: MonteCarloModel, rng: np.random.Generator, n: int
) -> tuple[IntArray, IntArray]:
    """``n`` draws of every state's pledges: relocations and money in cents, (n, states)."""
    shape = (n, len(ctx.states))
    if model.climate_spread > 0:
        climate = rng.beta(*beta_shape(model.pledge_mean, model.climate_spread), (n, 1))
        np.clip(climate, 1e-9, 1 - 1e-9, out=climate)
    else:
        climate = np.full((n, 1), model.pledge_mean)
    a, b = beta_shape(model.pledge_mean, model.pledge_spread)
    concentration = a + b  # kept from year to year: the spread follows the year's mean
    nothing = rng.random(shape) < model.pledge_nothing
    level = rng.beta(climate * concentration, (1 - climate) * concentration, shape)
    level[nothing] = 0.0
    split = rng.beta(*beta_shape(model.relocation_mean, model.relocation_spread), shape)
    eur = level * (ctx.fair_financial_cents / 100)
    per_relocation = ctx.equivalence_cents / 100
    relocations = np.floor(eur * split / per_relocation).astype(np.int64)
    money = np.rint(eur - relocations * per_relocation).astype(np.int64) * 100
    np.maximum(money, 0, out=money)
    return relocations, money


def _quantiles(values: IntArray) -> tuple[int, ...]:
    return tuple(int(v) for v in np.quantile(values, QUANTILES, method="inverted_cdf"))


def counts_quantiles(counts: IntArray, total: int) -> IntArray:
    """Quantiles (inverted empirical distribution, as ``np.quantile(method="inverted_cdf")``)
    from counts of the values 0, 1, 2, ... per row: the smallest value with at least the share
    ``q`` of ``total`` at or below it."""
    cumulative = counts.cumsum(axis=1)
    out = np.empty((counts.shape[0], len(QUANTILES)), dtype=np.int64)
    for j, q in enumerate(QUANTILES):
        needed = max(1, math.ceil(q * total - 1e-9))
        out[:, j] = np.argmax(cumulative >= needed, axis=1)
    return out


# --- arrivals and categories ----------------------------------------------------------------------


def _sigmas(
    forward: Forward | None, states: Iterable[str], default: float
) -> dict[str, tuple[float, str]]:
    out: dict[str, tuple[float, str]] = {}
    for g in states:
        p = forward.states.get(g) if forward is not None else None
        if p is not None and p.total and p.total_lower and p.total_upper:
            level = 80 if 80 in p.total_lower else min(p.total_lower)
            low, high = p.total_lower[level], p.total_upper[level]
            z = NormalDist().inv_cdf(0.5 + level / 200)
            if low > 0 and high > low:
                out[g] = (math.log(high / low) / (2 * z), f"forward look, {level} % interval")
                continue
        out[g] = (default, "SYNTHETIC default")
    return out


def category_fragility(
    assessment: Assessment,
    model: MonteCarloModel,
    rng: np.random.Generator,
    forward: Forward | None = None,
) -> tuple[tuple[Fragility, ...], tuple[str, ...]]:
    """How often each state's category changes when next year's arrivals move (Art. 11 rules
    re-applied by :func:`~eupact.assessment.classify.decide_state`)."""
    ind = assessment.indicators
    result = ind.results.get(ARRIVALS)
    if result is None or result.eu is None:
        return (), ("arrivals: the assessment holds no Union-level arrivals figure",)
    method = assessment.methodology
    figures = {
        g: float(m.figure.value)
        for g, m in result.states.items()
        if m.figure is not None and g in assessment.states and assessment.states[g].bound
    }
    if not figures:
        return (), ("arrivals: no state has an arrivals figure in the assessment",)
    geos = sorted(figures)
    base = np.array([figures[g] for g in geos])
    eu = float(result.eu.value)
    rules = [r for r in method.rules if r.indicator == ARRIVALS]
    kept = [r.name for r in rules if r.measure not in _MEASURES]
    sigma = _sigmas(forward, geos, model.arrivals_noise)
    z = rng.standard_normal((model.arrival_draws, len(geos)))
    moved = base * np.exp(z * np.array([sigma[g][0] for g in geos]))
    eu_moved = eu + (moved - base).sum(axis=1, keepdims=True)
    share = moved / eu_moved
    factor = moved / base
    measure = {
        "share_of_eu": share,
        "key_ratio": share / np.array([ind.key_shares[g] for g in geos]),
        "vs_eu_average": share / np.array([ind.population_shares[g] for g in geos]),
    }
    base_measure = {g: result.states[g] for g in geos}
    columns: dict[str, FloatArray] = {}
    for r in rules:
        if r.measure in measure:
            columns[r.name] = measure[r.measure]
        elif r.measure in ("per_capita", "per_gdp"):
            own = np.array([getattr(base_measure[g], r.measure) or 0.0 for g in geos])
            columns[r.name] = own * factor
    current = {g: category_label(decide_state(assessment.values, method, g)) for g in geos}
    changed: dict[str, Counter[str]] = {g: Counter() for g in geos}
    for d in range(model.arrival_draws):
        values = dict(assessment.values)
        for name, col in columns.items():
            values[name] = {
                **assessment.values[name],
                **dict(zip(geos, col[d].tolist(), strict=True)),
            }
        for g in geos:
            label = category_label(decide_state(values, method, g))
            if label != current[g]:
                changed[g][label] += 1
    out = tuple(
        Fragility(
            g,
            current[g],
            sum(changed[g].values()) / model.arrival_draws,
            changed[g].most_common(1)[0][0] if changed[g] else "",
            sigma[g][0],
            sigma[g][1],
        )
        for g in geos
    )
    notes = (
        (f"arrivals: rules {', '.join(kept)} keep their values (cumulative measures)",)
        if kept
        else ()
    )
    return out, notes


# --- the run ---------------------------------------------------------------------------------


def run_montecarlo(
    base: CycleResult,
    *,
    draws: int,
    seed: int,
    model: MonteCarloModel = MonteCarloModel(),
    scenario: str = "",
    assessment: Assessment | None = None,
) -> MonteCarloResult:
    """``draws`` pool outcomes of ``base``'s year under the model's uncertain inputs."""
    problems = model.problems()
    if not 1 <= draws <= 100_000_000:
        problems.append(Problem("draws", draws, "must lie in 1 .. 10^8"))
    if problems:
        raise EupactError(problems, "Monte Carlo refused; nothing was computed")
    act, key = base.act, base.key
    deductions = base.pledges.deductions
    standing = base.outcome.standing
    forum = base.outcome.offsets.forum_reconvened
    worlds = min(draws, model.worlds) if model.revisions else 1
    sequence = np.random.SeedSequence(seed)
    arrivals_seed, *world_seeds = sequence.spawn(worlds + 1)
    observed = observed_revisions(base.snapshot, key.states)
    revisions = (
        "none"
        if not model.revisions
        else "each state's revisions in the snapshot, random sign"
        if model.population_noise is None
        else f"normal, relative sd {model.population_noise:g}"
    )
    generators = [np.random.default_rng(s) for s in world_seeds]
    contexts = [
        batch_context(
            _revised_key(key, rng, model.population_noise, observed) if model.revisions else key,
            act,
            deductions,
            standing,
        )
        for rng in generators
    ]
    states = key.states
    top = int(max(int(c.fair_relocations.max()) for c in contexts)) + 1
    counts = np.zeros(len(states) * top, dtype=np.int64)
    offsets = np.arange(len(states), dtype=np.int64) * top
    shortfall = np.empty(draws, dtype=np.int64)
    owed_total = np.empty(draws, dtype=np.int64)
    implement = np.empty(draws, dtype=np.int64)
    triggered = owed = uncovered = 0
    done = 0
    for w, (ctx, rng) in enumerate(zip(contexts, generators, strict=True)):
        mine = draws // worlds + (1 if w < draws % worlds else 0)
        for start in range(0, mine, BLOCK):
            n = min(BLOCK, mine - start)
            relocations, money = draw_pledges(ctx, model, rng, n)
            r = evaluate_cents(ctx, relocations, money, forum_reconvened=forum)
            rows = slice(done, done + n)
            shortfall[rows] = r.shortfall_cents
            totals = r.obligations.sum(axis=1)
            owed_total[rows] = totals
            implement[rows] = r.to_implement_relocations
            triggered += int(r.triggered.sum())
            owed += int((r.obligatory & (r.gap > 0)).sum())
            uncovered += int((r.uncovered > 0).sum())
            counts += np.bincount((r.obligations + offsets).ravel(), minlength=counts.size)
            done += n
    per_state = counts.reshape(len(states), top)
    quantiles = counts_quantiles(per_state, draws)
    fair = batch_context(key, act, deductions, standing).fair_relocations
    values = np.arange(top)
    figures = tuple(
        StateFigures(
            g,
            int(fair[i]),
            float(1 - per_state[i, 0] / draws),
            tuple(int(v) for v in quantiles[i]),
            float(per_state[i] @ values) / draws,
        )
        for i, g in enumerate(states)
    )
    fragility: tuple[Fragility, ...] = ()
    notes: list[str] = []
    if model.arrivals:
        fragility, more = _fragility(base, model, np.random.default_rng(arrivals_seed), assessment)
        notes.extend(more)
    target = contexts[0].target
    head = (
        [
            f"the Art. 63(3) number is {target:,} relocations (the higher of the Art. 12(2) "
            f"number and 60 % of the reference, above the reference of "
            f"{act.reference.relocations:,} itself): offsets are triggered unless the "
            "relocations pledged reach it"
        ]
        if target > act.reference.relocations
        else []
    )
    notes[:0] = [
        *head,
        f"population revisions: {revisions}",
        f"Forum reconvened: {'yes' if forum else 'no'}; benefitting: "
        f"{' '.join(standing.benefitting_states) or 'none'}; deductions granted: "
        + (" ".join(d.state for d in deductions if d.status is GRANTED) or "none"),
    ]
    return MonteCarloResult(
        scenario=scenario or base.pledges.label,
        year=base.year,
        draws=draws,
        seed=seed,
        model=model,
        worlds=worlds,
        revisions=revisions,
        p_triggered=triggered / draws,
        p_owed=owed / draws,
        p_uncovered=uncovered / draws,
        p_shortfall=float((shortfall > 0).mean()),
        shortfall_eur=tuple(Decimal(v).scaleb(-2) for v in _quantiles(shortfall)),
        offsets_total=_quantiles(owed_total),
        to_implement=_quantiles(implement),
        states=figures,
        fragility=fragility,
        notes=tuple(notes),
    )


def _fragility(
    base: CycleResult,
    model: MonteCarloModel,
    rng: np.random.Generator,
    assessment: Assessment | None,
) -> tuple[tuple[Fragility, ...], tuple[str, ...]]:
    if assessment is None:
        try:
            assessment = assess_year(
                base.year - 1,
                snapshot=base.snapshot,
                parameters=base.parameters,
                with_sensitivity=False,
            )
        except EupactError as exc:
            return (), (f"arrivals: no assessment of {base.year - 1} ({exc.summary})",)
    forward = project_observations(assessment.data, ARRIVALS, assessment.methodology.forecast)
    return category_fragility(assessment, model, rng, forward)


def result_dict(result: MonteCarloResult) -> dict[str, Any]:
    """The result as plain data (JSON): states and fragility keyed by state, EUR as text."""
    doc = asdict(result)
    doc["states"] = {s.pop("geo"): s for s in doc["states"]}
    doc["fragility"] = {f.pop("geo"): f for f in doc["fragility"]}
    doc["shortfall_eur"] = [str(v) for v in result.shortfall_eur]
    return {"label": result.label, "quantiles": list(QUANTILES), **doc}


__all__ = [
    "MonteCarloModel",
    "MonteCarloResult",
    "beta_shape",
    "category_fragility",
    "counts_quantiles",
    "draw_pledges",
    "observed_revisions",
    "result_dict",
    "run_montecarlo",
]
