"""The policies of the simulated year of relocation (:mod:`eupact.matching.simulation`): each
week's arrivals are decided that week, irrevocably.

* ``greedy`` — first come, first served: :func:`~eupact.matching.solver.greedy_first_come` on the
  week's arrivals and the places left;
* ``weekly`` — batch matching: the existing solver on the week's arrivals and the places left;
* ``rolling`` — rolling horizon: each week the existing solver plans the rest of the year — the
  relocations made so far (fixed), the week's arrivals, and the planning scenario's dummy
  candidates for the weeks to come (drawn from the forecast, not from what will arrive) — on the
  year's places; only the week's real arrivals are committed. Places thus stay reserved for the
  vulnerable persons and meaningful links expected later, and the balance rule is planned for the
  year. Dummies are discounted by a point per person (a real candidate now wins a tie with an
  expected one), planned person by person while more than ``whole_families_last`` weeks remain (a
  forecast of demand need not be packed into families, and HiGHS's repair stays small), as whole
  families after that (what is left at the end is packed as it will arrive); the balance rule's
  tolerance is tightened early in the year (``balance_margin``) so that a plan does not count on
  exactly the future mix the scenario drew;
* ``hindsight`` — one solve with every arrival of the year known at once.

Same rules for all: units whole (Art. 67(6)), exclusions (Art. 2(22), 57(1), 60(4)), the year's
places (earmarked first, then general), and the balance rule (Art. 60(2)) on the year, with the
persons identified as needs. ``weekly`` and ``greedy`` keep the rule on the persons identified so
far (:func:`keep_balance` undoes the week's units of the states in surplus, last come first);
``rolling`` plans it for the year. Fair sharing (Art. 67(4)) is left out of every solve,
hindsight included: at weekly scale its floors turn a week of twenty units into a packing puzzle
for HiGHS (seconds per week) for a few points, and with places scarce every state fills up over
the year anyway; every year is *scored* with it (:attr:`World.scored`).

Each week's instance is the year's instance restricted to some units and places
(:func:`restrict`), so a unit's points in a state are the same for every policy.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import numpy as np

from eupact.parameters import ParametersAt

from .instance import NO_PLACES, TOO_LARGE, MatchProblem, Rules, prepare
from .model import FloatArray, IntArray
from .scoring import LanguageEmploymentProxy, ScoringWeights, UnitScores, score_units
from .simulation_year import SimulatedYear, concat_tables
from .solver import (
    Infeasible,
    SolverSettings,
    evaluate,
    greedy_first_come,
    persons_by_state,
    solve,
    violations,
)

POLICIES: tuple[str, ...] = ("hindsight", "rolling", "weekly", "greedy")
ONLINE: tuple[str, ...] = ("rolling", "weekly", "greedy")


@dataclass(frozen=True)
class SimulationSettings:
    """``solver``: the settings of every weekly solve; ``hindsight``: of the one solve with the
    whole year (a tighter gap, as it is the yardstick). ``policies``: which to run.
    ``dummy_discount``: points per person taken off the rolling horizon's dummy candidates, so
    that a real candidate now wins a tie with an expected one later. ``replan_every``: weeks
    between two plans of the rolling horizon; in the weeks between, the places the last plan
    gave to dummies still to come stay reserved and only the week's arrivals are solved.
    ``fluid``: the dummies are planned person by person, each person worth the family's points
    per person (a forecast of demand need not be packed into whole families; HiGHS's repair of
    the plan's rounding then stays small)."""

    solver: SolverSettings = field(default_factory=lambda: SolverSettings(method="lp-round"))
    hindsight: SolverSettings = field(default_factory=SolverSettings)
    policies: tuple[str, ...] = POLICIES
    dummy_discount: int = 1
    replan_every: int = 1
    fluid: bool = True
    balance_margin: float = 0.6
    balance_margin_end: float = 0.0
    whole_families_last: int = 26


@dataclass(frozen=True, eq=False)
class World:
    """One simulated year as matching instances: the *universe* (real arrivals, then the planning
    scenario's dummy candidates) prepared and scored once; the hindsight instance (the real units
    and every place, without fair sharing), the same instance scored with fair sharing, and the
    forecast's weekly profile."""

    year: SimulatedYear
    universe: MatchProblem
    scores: UnitScores
    week: IntArray  # arrival week of every universe unit
    n_real: int  # universe units 0 .. n_real − 1 are the real arrivals
    hindsight: MatchProblem
    hindsight_scores: UnitScores
    scored: MatchProblem  # the hindsight instance with fair sharing: what every year is scored on
    profile: FloatArray  # the forecast's share of the year's arrivals in each week


def build_world(year: SimulatedYear, params: ParametersAt) -> World:
    """Prepare and score the year's candidates and the planning scenario in one instance."""
    real, scen = year.arrivals, year.scenario
    table = concat_tables([real.table, scen.table], year.label)
    universe = prepare(table, year.pledges, params, year.profiles, Rules(fair_sharing=False))
    weights = ScoringWeights.from_parameters(params)
    scores = score_units(universe, weights, LanguageEmploymentProxy.from_parameters(params))
    n_real = real.table.n_units
    units = np.arange(n_real, dtype=np.int64)
    hindsight = restrict(universe, units, universe.cap_earmarked, universe.cap_general)
    return World(
        year,
        universe,
        scores,
        np.concatenate([real.week, scen.week]),
        n_real,
        hindsight,
        restrict_scores(scores, units),
        replace(hindsight, rules=Rules()),
        year.forecast.profile(year.weeks),
    )


def restrict(
    problem: MatchProblem,
    units: IntArray,
    earmarked: IntArray,
    general: IntArray,
    need: IntArray | None = None,
    size: IntArray | None = None,
) -> MatchProblem:
    """``problem`` restricted to ``units`` and the given places (same states and benefitting
    states, so columns and points are unchanged). The exclusions that depend on places (none
    open, fewer open than the unit's members) are recomputed; ``need`` defaults to the persons of
    the eligible units kept; ``size`` replaces the units' sizes (a unit may then appear more than
    once). The table stays the whole one: the solver reads the unit arrays, the
    table only for the units' names in messages (given here)."""
    capacity_bits = np.int8(NO_PLACES | TOO_LARGE)
    size = problem.unit_size[units] if size is None else np.asarray(size, dtype=np.int64)
    unit_b = problem.unit_b[units]
    excl = problem.exclusion[units] & ~capacity_bits
    per_unit_open = (earmarked + general[:, None]).T[unit_b]
    excl |= np.where(per_unit_open == 0, NO_PLACES, 0).astype(np.int8)
    excl |= np.where((per_unit_open > 0) & (per_unit_open < size[:, None]), TOO_LARGE, 0).astype(
        np.int8
    )
    eligible = problem.unit_eligible[units]
    if need is None:
        need = np.bincount(
            unit_b[eligible], weights=size[eligible], minlength=len(problem.benefitting)
        ).astype(np.int64)
    names = problem.table.unit_names
    return replace(
        problem,
        table=replace(problem.table, unit_names=[names[i] for i in units.tolist()]),
        cap_earmarked=np.asarray(earmarked, dtype=np.int64),
        cap_general=np.asarray(general, dtype=np.int64),
        unit_b=unit_b,
        unit_size=size,
        unit_first=problem.unit_first[units],
        unit_eligible=eligible,
        unit_uam=problem.unit_uam[units],
        unit_beneficiary=problem.unit_beneficiary[units],
        unit_vulnerable=problem.unit_vulnerable[units],
        exclusion=excl,
        need=need,
        unit_ineligible=None if problem.unit_ineligible is None else problem.unit_ineligible[units],
    )


def restrict_scores(scores: UnitScores, units: IntArray) -> UnitScores:
    return replace(
        scores, total=scores.total[units], base=scores.base[units], outcome=scores.outcome[units]
    )


def with_past(
    problem: MatchProblem, scores: UnitScores, fixed: IntArray
) -> tuple[MatchProblem, UnitScores]:
    """``problem`` plus the relocations already made, as fixed units: one unit per (state,
    benefitting state) with the persons relocated there so far, allowed only in that state and
    required (through ``require_vulnerable``: the real units are marked not vulnerable in this
    copy, which only the solver reads), worth no points. Give ``problem`` the year's places: the
    fixed units take theirs. The balance rule then holds on the year so far plus the units to
    decide."""
    s_idx, b_idx = np.nonzero(fixed)
    k, n_s = len(s_idx), len(problem.states)
    excl = np.full((k, n_s), NO_PLACES, dtype=np.int8)
    excl[np.arange(k), s_idx] = 0
    n_u = problem.n_units
    ineligible = problem.unit_ineligible

    def cat(a: Any, b: Any) -> Any:
        return np.concatenate([a, np.asarray(b, dtype=a.dtype)])

    names = [
        f"relocated so far to {problem.states[j]} from {problem.benefitting[b]}"
        for j, b in zip(s_idx.tolist(), b_idx.tolist(), strict=True)
    ]
    past = replace(
        problem,
        table=replace(problem.table, unit_names=[*problem.table.unit_names, *names]),
        unit_b=cat(problem.unit_b, b_idx),
        unit_size=cat(problem.unit_size, fixed[s_idx, b_idx]),
        unit_first=cat(problem.unit_first, np.full(k, -1)),
        unit_eligible=cat(problem.unit_eligible, np.ones(k, dtype=bool)),
        unit_uam=cat(problem.unit_uam, np.zeros(k, dtype=bool)),
        unit_beneficiary=cat(problem.unit_beneficiary, np.zeros(k, dtype=bool)),
        unit_vulnerable=np.concatenate([np.zeros(n_u, np.int64), np.ones(k, np.int64)]),
        exclusion=np.concatenate([problem.exclusion, excl]),
        unit_ineligible=None if ineligible is None else cat(ineligible, np.zeros(k)),
        rules=replace(problem.rules, require_vulnerable=True),
    )
    zeros = np.zeros((k, n_s), dtype=np.int64)
    return past, replace(
        scores,
        total=np.concatenate([scores.total, zeros]),
        base=np.concatenate([scores.base, np.zeros(k, dtype=np.int64)]),
        outcome=np.concatenate([scores.outcome, zeros]),
    )


def places_left(world: World, state: IntArray) -> tuple[IntArray, IntArray]:
    """Earmarked and general places left after the units relocated so far (``state`` over the
    real units): each state's persons from a benefitting state use its earmark first."""
    h = world.hindsight
    z = persons_by_state(h, state)
    used_e = np.minimum(z, h.cap_earmarked)
    general = h.cap_general - (z - used_e).sum(axis=1)
    return np.asarray(h.cap_earmarked - used_e, dtype=np.int64), np.asarray(general, np.int64)


def balance_floors(world: World, week: int) -> FloatArray:
    """The balance rule's floors on the persons identified up to ``week`` (Art. 60(2)): each
    benefitting state's share of all relocations so far at least (1 − tolerance) × its share of
    the eligible persons that arrived so far. On the last week: the hindsight instance's floors."""
    h = world.hindsight
    n_b = len(h.benefitting)
    if not h.rules.balance or n_b < 2:
        return np.zeros(n_b)
    arrived = (world.week[: world.n_real] <= week) & h.unit_eligible
    need = np.bincount(h.unit_b[arrived], weights=h.unit_size[arrived], minlength=n_b)
    if need.sum() <= 0:
        return np.zeros(n_b)
    return np.asarray((1 - float(h.balance_tolerance)) * need / need.sum(), dtype=float)


def keep_balance(world: World, state: IntArray, week_units: IntArray, week: int) -> int:
    """Undo this week's units, last come first, from the benefitting states with the largest
    surplus until the relocations so far keep the balance rule on the persons identified so far
    (in place); returns how many were undone."""
    floors = balance_floors(world, week)
    if not (floors > 0).any():
        return 0
    h = world.hindsight
    sizes, unit_b = h.unit_size, h.unit_b
    on = state >= 0
    r_b = np.bincount(unit_b[on], weights=sizes[on], minlength=len(floors)).astype(float)
    total = float(r_b.sum())
    mine = week_units[state[week_units] >= 0][::-1]  # last come first
    by_b = [mine[unit_b[mine] == b].tolist() for b in range(len(floors))]
    undone = 0
    while (r_b - floors * total < -1e-9).any():
        surplus = np.where(floors > 0, r_b - floors * total, np.inf)
        surplus[[not by_b[b] for b in range(len(floors))]] = -np.inf
        b = int(np.argmax(surplus))
        if surplus[b] == -np.inf:
            break
        u = by_b[b].pop(0)
        state[u] = -1
        r_b[b] -= sizes[u]
        total -= sizes[u]
        undone += 1
    return undone


def _solve(problem: MatchProblem, scores: UnitScores, settings: SolverSettings) -> tuple[Any, int]:
    """The solver's assignment; when HiGHS calls a small instance infeasible (its presolve
    sometimes does although relocating no one is feasible), the best of ``lp-round`` and the
    greedy baseline instead. Returns (state, 1 if that fallback was used)."""
    try:
        return solve(problem, scores, settings).state, 0
    except Infeasible:
        pass
    candidates = [greedy_first_come(problem, scores).state]
    with contextlib.suppress(Infeasible):
        candidates.append(solve(problem, scores, replace(settings, method="lp-round")).state)
    ok = [s for s in candidates if not violations(problem, s)] or [
        np.full(problem.n_units, -1, dtype=np.int64)
    ]
    return max(ok, key=lambda s: evaluate(problem, scores, s)), 1


def run_policy(
    world: World, policy: str, settings: SimulationSettings
) -> tuple[IntArray, int, int]:
    """The year under ``policy``: (state of every real unit, fallbacks, units undone)."""
    h, hs = world.hindsight, world.hindsight_scores
    if policy == "hindsight":
        state, fb = _solve(h, hs, settings.hindsight)
        return state, fb, 0
    if policy not in ONLINE:
        raise ValueError(f"unknown policy {policy!r}: one of {', '.join(POLICIES)}")
    n_real = world.n_real
    state = np.full(n_real, -1, dtype=np.int64)
    fallbacks = undone = 0
    real_week = world.week[:n_real]
    plan: tuple[int, IntArray, IntArray] | None = None  # week planned, dummies, their states
    for w in range(world.year.weeks):
        now = np.flatnonzero(real_week == w)
        if len(now) == 0:
            continue
        ear, gen = places_left(world, state)
        if int(ear.sum() + gen.sum()) == 0:
            break
        if policy == "rolling":
            if plan is None or w - plan[0] >= settings.replan_every:
                planned = _plan(world, state, now, w, settings)
                if planned is not None:
                    state[now] = planned[0]
                    plan = (w, planned[1], planned[2])
                    continue
            else:
                kept = plan[1][(world.week[plan[1]] > w) & (plan[2] >= 0)]
                reserved = _persons(world.universe, kept, plan[2][np.isin(plan[1], kept)])
                got = _plan(world, state, now, w, settings, reserved)
                if got is not None:
                    state[now] = got[0]
                    continue
            fallbacks += 1  # no plan for the year: this week as the weekly policy would
        sub = restrict(world.universe, now, ear, gen)
        sc = restrict_scores(world.scores, now)
        if policy == "greedy":
            got_now = greedy_first_come(sub, sc).state
        else:
            got_now, fb = _solve(sub, sc, settings.solver)
            fallbacks += fb
        state[now] = got_now
        undone += keep_balance(world, state, now, w)
    return state, fallbacks, undone


def _persons(problem: MatchProblem, units: IntArray, cols: IntArray) -> IntArray:
    """Persons of ``units`` sent to the states ``cols``, per (state, benefitting state)."""
    n_s, n_b = len(problem.states), len(problem.benefitting)
    flat = np.bincount(
        cols * n_b + problem.unit_b[units], weights=problem.unit_size[units], minlength=n_s * n_b
    )
    return np.asarray(flat.reshape(n_s, n_b), dtype=np.int64)


def _family_states(families: IntArray, sizes: IntArray, person_state: IntArray, n_s: int) -> Any:
    """The state of each family from its persons' (the most common, −1 if none relocated)."""
    owner = np.repeat(np.arange(len(families)), sizes)
    on = person_state >= 0
    counts = np.zeros((len(families), n_s + 1), dtype=np.int64)
    np.add.at(counts, (owner, np.where(on, person_state, n_s)), 1)
    best = counts[:, :n_s].argmax(axis=1)
    return np.where(counts[:, :n_s].max(axis=1) > 0, best, -1)


def _plan(
    world: World,
    state: IntArray,
    now: IntArray,
    week: int,
    settings: SimulationSettings,
    reserved: IntArray | None = None,
) -> tuple[IntArray, IntArray, IntArray] | None:
    """The rolling horizon's week: the year so far (fixed), this week's arrivals and the planning
    scenario's dummy candidates for the weeks after, on the year's places. Returns this week's
    assignment, the dummies and theirs; None when the solver finds no plan that keeps the year
    so far. With ``reserved`` (persons per state and benefitting state that an earlier plan
    keeps for the dummies still to come) those places stay fixed and only this week is solved."""
    n_real = world.n_real
    u = world.universe
    dummy = np.arange(n_real, u.n_units, dtype=np.int64)
    future = dummy[world.week[dummy] > week]
    later = future if reserved is None else np.zeros(0, dtype=np.int64)
    units = np.concatenate([now, later])
    arrived = np.flatnonzero(world.week[:n_real] <= week)
    counted = np.concatenate([arrived, future])
    ok = u.unit_eligible[counted]
    need = np.bincount(
        u.unit_b[counted[ok]], weights=u.unit_size[counted[ok]], minlength=len(u.benefitting)
    ).astype(np.int64)
    sizes = u.unit_size[units]
    fluid = settings.fluid and week < world.year.weeks - settings.whole_families_last
    if fluid and len(later):
        # each dummy family planned as its persons, each worth the family's points per person
        persons = np.repeat(later, u.unit_size[later])
        units = np.concatenate([now, persons])
        sizes = np.concatenate([u.unit_size[now], np.ones(len(persons), dtype=np.int64)])
    sub = restrict(u, units, u.cap_earmarked, u.cap_general, need, sizes)
    sc = restrict_scores(world.scores, units)
    if len(later):
        total = sc.total.copy()
        tail = total[len(now) :]
        if fluid:
            tail //= u.unit_size[units[len(now) :], None]
        tail -= settings.dummy_discount * sub.unit_size[len(now) :, None]
        np.maximum(tail, 0, out=tail)
        sc = replace(sc, total=total)
    fixed = persons_by_state(world.hindsight, state)
    if reserved is not None:
        fixed = fixed + reserved
    sub, sc = with_past(sub, sc, fixed)
    left = float(world.profile[week + 1 :].sum())  # share of the year's arrivals to come
    margin = max(settings.balance_margin * left, settings.balance_margin_end)
    got = None
    for m in (margin, 0.0) if margin else (0.0,):
        tol = Fraction(sub.balance_tolerance * (1 - Fraction(m).limit_denominator(1000)))
        try:
            got = solve(replace(sub, balance_tolerance=tol), sc, settings.solver).state
            break
        except Infeasible:
            continue
    if got is None:
        return None
    planned = got[len(now) : len(units)]
    if fluid and len(later):
        # a dummy family's places: as many of its persons as the plan relocated, to the state
        # most of them went to (what the reservation between plans keeps)
        planned = _family_states(later, u.unit_size[later], planned, len(u.states))
    return got[: len(now)], later, planned
