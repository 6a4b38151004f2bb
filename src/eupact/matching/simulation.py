"""A year of relocation simulated week by week (issue 18, item 3), SYNTHETIC: candidates arrive
in each benefitting state (:mod:`eupact.matching.simulation_year`), places are pledged for the
year, and each week a policy decides that week's arrivals (:mod:`.simulation_policies`:
``greedy`` first come, ``weekly`` batch matching with the solver, ``rolling`` horizon with
dummy candidates from the forecast, and the ``hindsight`` optimum with the whole year known).

Measured per policy and year, and as % of hindsight over the seeds: total points (the solver's
objective on the year, with the fair-sharing penalty), persons relocated, family units relocated
(whole), persons relocated to a state they have a meaningful link to, and the balance among
benefitting states (the worst-served state's share of relocations over its share of the needs).

    from eupact.matching.simulation import simulate
    report = simulate(load_parameters().at(dt.date(2026, 7, 1)), seeds=range(1, 11))
    print(report.render())          # 80 columns
    report.as_dict()                # every seed, every policy, the metrics and the % of hindsight
"""

from __future__ import annotations

import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from eupact.parameters import ParametersAt

from .languages import GEO_INDEX
from .model import IntArray
from .simulation_policies import (
    ONLINE,
    POLICIES,
    SimulationSettings,
    World,
    build_world,
    run_policy,
)
from .simulation_year import SimulatedYear
from .solver import evaluate, solve, violations

METRICS: tuple[str, ...] = ("points", "relocated", "families", "linked", "balance")
METRIC_TEXT = {
    "points": "total points: the solver's objective on the year (points less fair-sharing penalty)",
    "relocated": "persons relocated",
    "families": "family units of two or more relocated (always whole, Art. 67(6))",
    "linked": "persons relocated to a state they have a meaningful link to (Art. 67(3))",
    "balance": "worst-served benefitting state: its share of relocations over its share of the "
    "needs (the persons identified); the balance rule asks at least 90 % (Art. 60(2))",
}
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Outcome:
    """What one policy did with one simulated year."""

    policy: str
    points: float
    relocated: int
    families: int
    linked: int
    vulnerable: int
    balance: float
    balance_rule_held: bool
    violations: tuple[str, ...]
    seconds: float
    fallbacks: int = 0
    undone: int = 0
    weeks_solved: int = 0

    def metric(self, name: str) -> float:
        return float(getattr(self, name))

    def as_dict(self) -> dict[str, Any]:
        return {
            "points": self.points,
            "relocated": self.relocated,
            "families": self.families,
            "linked": self.linked,
            "vulnerable_persons": self.vulnerable,
            "balance": round(self.balance, 6),
            "balance_rule_held": self.balance_rule_held,
            "violations": list(self.violations),
            "seconds": round(self.seconds, 3),
            "solver_fallbacks": self.fallbacks,
            "units_undone_for_balance": self.undone,
        }


def outcome(world: World, policy: str, state: IntArray, seconds: float, **extra: int) -> Outcome:
    """The metrics of a year's assignment (``state`` over the real units)."""
    h, hs = world.hindsight, world.hindsight_scores
    on = state >= 0
    sizes = h.unit_size
    table = world.universe.table
    n_rows = int(np.searchsorted(table.unit, world.n_real))  # rows of the real units
    state_geo = np.asarray([GEO_INDEX[g] for g in h.states], dtype=np.int64)
    person_state = np.where(on, state, -1)[table.unit[:n_rows]]
    rows = table.links.rows_of_values()
    keep = rows < n_rows
    rows, codes = rows[keep], table.links.values[keep]
    ps = person_state[rows]
    hit = (ps >= 0) & (codes // 8 == state_geo[np.maximum(ps, 0)])
    linked = len(np.unique(rows[hit]))
    r_b = np.bincount(h.unit_b[on], weights=sizes[on], minlength=len(h.benefitting))
    total = float(r_b.sum())
    shares = np.asarray([float(s) for s in h.shares])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(shares > 0, (r_b / max(total, 1.0)) / shares, np.inf)
    balance = float(ratio.min()) if total > 0 and np.isfinite(ratio).any() else 0.0
    broken = violations(h, state)
    return Outcome(
        policy=policy,
        points=evaluate(world.scored, hs, state),
        relocated=int(sizes[on].sum()),
        families=int((on & (sizes >= 2)).sum()),
        linked=linked,
        vulnerable=int(h.unit_vulnerable[on].sum()),
        balance=balance,
        balance_rule_held=not any("balance" in v for v in broken),
        violations=tuple(broken),
        seconds=seconds,
        **extra,
    )


@dataclass(frozen=True)
class SeedResult:
    """One simulated year: its size and every policy's outcome."""

    seed: int
    persons: int
    units: int
    places: int
    scenario_persons: int
    outcomes: dict[str, Outcome]
    hindsight_gap: float | None = None

    def percent(self, policy: str, metric: str) -> float:
        """``policy``'s metric as % of the hindsight optimum's."""
        base = self.outcomes["hindsight"].metric(metric)
        value = self.outcomes[policy].metric(metric)
        return 100.0 * value / base if base else (100.0 if value == base else float("inf"))


def simulate_year(
    year: SimulatedYear, params: ParametersAt, settings: SimulationSettings | None = None
) -> SeedResult:
    """Every policy on one simulated year."""
    settings = settings or SimulationSettings()
    world = build_world(year, params)
    outcomes: dict[str, Outcome] = {}
    gap = None
    policies = ("hindsight", *(p for p in settings.policies if p != "hindsight"))
    for policy in policies:
        t0 = time.perf_counter()
        if policy == "hindsight":
            a = solve(world.hindsight, world.hindsight_scores, settings.hindsight)
            state, fb, undone, gap = a.state, 0, 0, a.gap
        else:
            state, fb, undone = run_policy(world, policy, settings)
        outcomes[policy] = outcome(
            world, policy, state, time.perf_counter() - t0, fallbacks=fb, undone=undone
        )
    return SeedResult(
        seed=year.seed,
        persons=len(year.arrivals.table),
        units=year.arrivals.table.n_units,
        places=int(world.hindsight.places.sum()),
        scenario_persons=len(year.scenario.table),
        outcomes=outcomes,
        hindsight_gap=gap,
    )


@dataclass(frozen=True)
class SimulationReport:
    """Every seed's year and the policies' metrics as % of the hindsight optimum."""

    seeds: tuple[SeedResult, ...]
    weeks: int
    scale: float
    ratio: float
    forecast_error: float
    label: str
    seconds: float
    policies: tuple[str, ...] = POLICIES
    notes: tuple[str, ...] = field(default=())

    def percents(self, policy: str, metric: str) -> list[float]:
        return [s.percent(policy, metric) for s in self.seeds]

    def summary(self) -> dict[str, dict[str, dict[str, float]]]:
        """policy → metric → mean and min % of hindsight over the seeds."""
        out: dict[str, dict[str, dict[str, float]]] = {}
        for p in self.policies:
            out[p] = {}
            for m in METRICS:
                v = self.percents(p, m)
                out[p][m] = {"mean": float(np.mean(v)), "min": float(np.min(v))}
            secs = [s.outcomes[p].seconds for s in self.seeds]
            out[p]["seconds"] = {"mean": float(np.mean(secs)), "max": float(np.max(secs))}
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "weeks": self.weeks,
            "scale": self.scale,
            "places_ratio": self.ratio,
            "forecast_error": self.forecast_error,
            "seconds": round(self.seconds, 3),
            "metrics": METRIC_TEXT,
            "percent_of_hindsight": self.summary(),
            "seeds": [
                {
                    "seed": s.seed,
                    "persons": s.persons,
                    "family_units": s.units,
                    "places": s.places,
                    "planning_scenario_persons": s.scenario_persons,
                    "hindsight_gap": s.hindsight_gap,
                    "policies": {p: o.as_dict() for p, o in s.outcomes.items()},
                    "percent_of_hindsight": {
                        p: {m: round(s.percent(p, m), 4) for m in METRICS} for p in s.outcomes
                    },
                }
                for s in self.seeds
            ],
            "notes": list(self.notes),
        }

    def render(self) -> str:
        """The table (80 columns): each policy's metrics as % of hindsight, mean/min over the
        seeds, the rules each policy broke, and the sizes of the years."""
        summ = self.summary()
        heads = ("points", "relocated", "families", "link use", "balance")
        n = len(self.seeds)
        lines = [
            f"SYNTHETIC year of relocation: {n} year{'s' * (n != 1)} of {self.weeks} weeks, "
            f"scale {self.scale:g}, places {self.ratio:.0%}",
            "% of the hindsight optimum (every arrival known at once), mean/min over the seeds",
            "",
            f"{'policy':<9}" + "".join(f"{h:>13}" for h in heads) + f"{'s/yr':>6}",
        ]
        for p in self.policies:
            cells = "".join(f" {summ[p][m]['mean']:6.2f}/{summ[p][m]['min']:5.1f}" for m in METRICS)
            lines.append(f"{p:<9}{cells}{summ[p]['seconds']['mean']:6.1f}")
        lines.append("")
        for p in self.policies:
            broke = [s.seed for s in self.seeds if s.outcomes[p].violations]
            if broke:
                lines.append(
                    f"{p} broke a rule at the year's end in {len(broke)} of {n} years (seeds "
                    f"{', '.join(map(str, broke))}): see the JSON"
                )
        gaps = [s.hindsight_gap for s in self.seeds if s.hindsight_gap is not None]
        persons = [s.persons for s in self.seeds]
        places = [s.places for s in self.seeds]
        if gaps:
            lines.append(
                f"hindsight within {100 * max(gaps):.3f} % of its proven bound (worst year)"
            )
        lines += [
            f"persons arriving {min(persons):,}-{max(persons):,} a year, places "
            f"{min(places):,}-{max(places):,}; {self.seconds:.0f} s in all",
            *self.notes,
        ]
        return "\n".join(wrapped for line in lines for wrapped in (textwrap.wrap(line, 80) or [""]))


def simulate(
    params: ParametersAt,
    seeds: Sequence[int],
    weeks: int = 52,
    scale: float = 1.0,
    ratio: float = 0.7,
    forecast_error: float = 0.0,
    settings: SimulationSettings | None = None,
    progress: Progress | None = None,
) -> SimulationReport:
    """The simulated year for each seed, every policy, and the comparison with hindsight."""
    from fractions import Fraction

    from .simulation_year import Forecast, synthetic_year

    settings = settings or SimulationSettings()
    t0 = time.perf_counter()
    benefitting = tuple(params("pool_2026.under_pressure_states"))
    forecast = Forecast.default(benefitting, scale, forecast_error)
    results: list[SeedResult] = []
    label = ""
    for seed in seeds:
        year = synthetic_year(
            params, seed, weeks, forecast, scale, Fraction(ratio).limit_denominator(1000)
        )
        label = year.label.replace(f"(seed {seed})", f"(seeds {', '.join(map(str, seeds))})")
        results.append(simulate_year(year, params, settings))
        if progress:
            r = results[-1]
            progress(
                f"seed {seed}: "
                + ", ".join(f"{p} {r.percent(p, 'points'):.2f} %" for p in settings.policies)
            )
    return SimulationReport(
        tuple(results),
        weeks,
        scale,
        ratio,
        forecast_error,
        label,
        time.perf_counter() - t0,
        settings.policies,
    )


__all__ = [
    "METRICS",
    "ONLINE",
    "POLICIES",
    "Outcome",
    "SeedResult",
    "SimulationReport",
    "SimulationSettings",
    "World",
    "build_world",
    "outcome",
    "run_policy",
    "simulate",
    "simulate_year",
]
