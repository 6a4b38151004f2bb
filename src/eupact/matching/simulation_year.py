"""A SYNTHETIC year of relocation candidates arriving week by week (issue 18, item 3).

Nothing here describes real persons, real arrivals or real pledges: every output made from it says
SYNTHETIC. The candidates are those of :mod:`eupact.matching.synthetic` (family units, profiles,
languages, links, vulnerabilities at its ILLUSTRATIVE rates); what this module adds is *when*
they arrive and *where*:

* a **forecast** (:class:`Forecast`): the expected persons per week identified for relocation in
  each benefitting state (ILLUSTRATIVE levels in the proportions of the SYNTHETIC generator, about
  60 persons a week at scale 1), a seasonal wave (sea crossings peak in late summer; amplitude and
  peak ILLUSTRATIVE), and optionally a forecast error (the realised level of each state is the
  forecast times a log-normal factor);
* the **realised year**: for each benefitting state, a Poisson number of persons over the year,
  generated as family units by :func:`~eupact.matching.synthetic.synthetic_applicants`; each unit
  gets an arrival week drawn from the seasonal profile (a Poisson process given its total); units
  are ordered by arrival (first come, first served within a week);
* the **planning scenario**: a second, independent year drawn from the *forecast* (not from the
  realised levels): what a planner can know of the future, used by the rolling-horizon policy as
  dummy candidates (:mod:`eupact.matching.simulation`);
* the **places**: pledged for the year by :func:`~eupact.matching.synthetic.synthetic_places`
  (the 2026 pool's reference key times a random pledge level, some earmarked, a few profiles),
  ``ratio`` × the forecast's persons;
* the **expected persons** per benefitting state (``needs``): the forecast's, for reference; the
  balance rule (Art. 60(2)) counts the persons identified, as ``eupact match`` does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from eupact.parameters import ParametersAt

from .languages import GEO, GEO_INDEX
from .model import ApplicantTable, Csr, IntArray, PledgedPlaces, StateProfile
from .synthetic import BENEFITTING_WEIGHT, synthetic_applicants, synthetic_places

LABEL = (
    "SYNTHETIC, ILLUSTRATIVE year of relocation made by eupact's seeded generator (seed {seed}): "
    "candidates arriving weekly from an illustrative forecast, places pledged from the 2026 key "
    "times a random pledge level. Not real persons, not real arrivals, not real pledges."
)

PERSONS_PER_WEEK = 60.0  # at scale 1: all benefitting states together, ILLUSTRATIVE


@dataclass(frozen=True)
class Forecast:
    """The expected arrivals of candidates for relocation (SYNTHETIC, ILLUSTRATIVE).

    ``weekly``: persons per week in each benefitting state, on average over the year.
    ``seasonality``: relative amplitude of the yearly wave (0 = flat), peaking in ``peak_week``.
    ``error``: standard deviation of the log of the realised level over the forecast (0 = the
    forecast is right on average; arrivals are still random)."""

    weekly: Mapping[str, float]
    seasonality: float = 0.35
    peak_week: int = 33
    error: float = 0.0

    @classmethod
    def default(
        cls, benefitting: Sequence[str], scale: float = 1.0, error: float = 0.0
    ) -> Forecast:
        """About 60 persons a week at scale 1, split like the SYNTHETIC generator's benefitting
        states (IT ≈ ES ≈ EL, CY much smaller)."""
        w = {g: BENEFITTING_WEIGHT.get(g, 0.25) for g in benefitting}
        total = sum(w.values())
        return cls(
            {g: PERSONS_PER_WEEK * scale * v / total for g, v in w.items()},
            error=error,
        )

    def profile(self, weeks: int) -> np.ndarray:
        """The share of the year's arrivals in each week (sums to 1)."""
        w = np.arange(weeks, dtype=float)
        wave = 1.0 + self.seasonality * np.cos(2 * math.pi * (w - self.peak_week) / 52.0)
        return np.asarray(wave / wave.sum(), dtype=float)

    def persons(self, weeks: int) -> dict[str, float]:
        """Expected persons over ``weeks`` weeks per benefitting state."""
        return {g: v * weeks for g, v in self.weekly.items()}


@dataclass(frozen=True, eq=False)
class Arrivals:
    """Candidates as family units in arrival order: ``week[u]`` is unit ``u``'s arrival week."""

    table: ApplicantTable
    week: IntArray


@dataclass(frozen=True, eq=False)
class SimulatedYear:
    """A SYNTHETIC year: the realised arrivals, the planning scenario, the places and needs."""

    arrivals: Arrivals
    scenario: Arrivals
    weeks: int
    pledges: tuple[PledgedPlaces, ...]
    profiles: tuple[StateProfile, ...]
    needs: dict[str, int]
    forecast: Forecast
    label: str
    seed: int
    realised_level: dict[str, float] = field(default_factory=dict)


def take_units(table: ApplicantTable, units: IntArray, prefix: str = "") -> ApplicantTable:
    """The rows of ``units`` (in that order) as a new table, units renumbered 0..k−1; ``prefix``
    is put before every id and unit name."""
    order = np.argsort(table.unit, kind="stable")
    counts = np.bincount(table.unit, minlength=table.n_units)
    start = np.zeros(table.n_units + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    units = np.asarray(units, dtype=np.int64)
    lengths = counts[units]
    rows = (
        np.concatenate([order[start[u] : start[u + 1]] for u in units.tolist()])
        if len(units)
        else np.zeros(0, dtype=np.int64)
    )
    new_unit = np.repeat(np.arange(len(units), dtype=np.int64), lengths)

    def csr(c: Csr) -> Csr:
        return Csr.from_pairs(
            np.repeat(np.arange(len(rows), dtype=np.int64), np.diff(c.ptr)[rows]),
            np.concatenate([c.row(int(r)) for r in rows.tolist()])
            if len(rows)
            else np.zeros(0, dtype=np.int64),
            len(rows),
        )

    rl = rows.tolist()
    return ApplicantTable(
        ids=[prefix + table.ids[r] for r in rl],
        unit=new_unit,
        unit_names=[prefix + table.unit_names[int(u)] for u in units.tolist()],
        benefitting=table.benefitting[rows],
        nationality=[table.nationality[r] for r in rl],
        language_codes=table.language_codes,
        languages=csr(table.languages),
        links=csr(table.links),
        preferences=csr(table.preferences),
        vulnerabilities=table.vulnerabilities[rows],
        beneficiary=table.beneficiary[rows],
        consent=table.consent[rows],
        label=table.label,
        granted_on=None if table.granted_on is None else table.granted_on[rows],
    )


def concat_tables(tables: Sequence[ApplicantTable], label: str) -> ApplicantTable:
    """The tables one after the other (languages on a common vocabulary; ids must differ)."""
    vocab: list[str] = []
    for t in tables:
        vocab += [c for c in t.language_codes if c not in vocab]
    langs: list[Csr] = []
    for t in tables:
        remap = np.asarray([vocab.index(c) for c in t.language_codes] or [0], dtype=np.int64)
        langs.append(Csr(t.languages.ptr, remap[t.languages.values]))

    def join(parts: Sequence[Csr]) -> Csr:
        ptrs = [parts[0].ptr]
        offset = int(parts[0].ptr[-1])
        for p in parts[1:]:
            ptrs.append(p.ptr[1:] + offset)
            offset += int(p.ptr[-1])
        return Csr(np.concatenate(ptrs), np.concatenate([p.values for p in parts]))

    unit_offset = np.cumsum([0] + [t.n_units for t in tables])
    return ApplicantTable(
        ids=[i for t in tables for i in t.ids],
        unit=np.concatenate([t.unit + unit_offset[k] for k, t in enumerate(tables)]),
        unit_names=[n for t in tables for n in t.unit_names],
        benefitting=np.concatenate([t.benefitting for t in tables]),
        nationality=[n for t in tables for n in t.nationality],
        language_codes=tuple(vocab),
        languages=join(langs),
        links=join([t.links for t in tables]),
        preferences=join([t.preferences for t in tables]),
        vulnerabilities=np.concatenate([t.vulnerabilities for t in tables]),
        beneficiary=np.concatenate([t.beneficiary for t in tables]),
        consent=np.concatenate([t.consent for t in tables]),
        label=label,
        granted_on=np.concatenate(
            [
                t.granted_on if t.granted_on is not None else np.zeros(len(t), dtype=np.int64)
                for t in tables
            ]
        ),
    )


def draw_arrivals(
    params: ParametersAt,
    rng: np.random.Generator,
    level: Mapping[str, float],
    profile: np.ndarray,
    tag: str,
    label: str,
) -> Arrivals:
    """Units arriving over ``len(profile)`` weeks; ``level``: expected persons over the period
    per benefitting state. ``tag`` prefixes ids (unique within a simulated year)."""
    weeks = len(profile)
    tables: list[ApplicantTable] = []
    unit_weeks: list[IntArray] = []
    for g in sorted(level, key=GEO.index):
        persons = int(rng.poisson(level[g]))
        if persons == 0:
            continue
        t = synthetic_applicants(persons, params, int(rng.integers(2**31)), (g,))
        w = rng.choice(weeks, size=t.n_units, p=profile)
        tables.append(take_units(t, np.arange(t.n_units), f"{tag}{g}-"))
        unit_weeks.append(np.asarray(w, dtype=np.int64))
    if not tables:
        empty = synthetic_applicants(1, params, 0, ("IT",))
        return Arrivals(take_units(empty, np.zeros(0, dtype=np.int64)), np.zeros(0, np.int64))
    whole = concat_tables(tables, label)
    week = np.concatenate(unit_weeks)
    order = np.lexsort((rng.random(len(week)), week))  # within a week: random arrival order
    return Arrivals(take_units(whole, order), week[order])


def synthetic_year(
    params: ParametersAt,
    seed: int = 2026,
    weeks: int = 52,
    forecast: Forecast | None = None,
    scale: float = 1.0,
    ratio: Fraction = Fraction(7, 10),
    benefitting: Sequence[str] | None = None,
) -> SimulatedYear:
    """A seeded SYNTHETIC year of relocation (see the module docstring)."""
    ben = tuple(benefitting or params("pool_2026.under_pressure_states"))
    fc = forecast or Forecast.default(ben, scale)
    label = LABEL.format(seed=seed)
    rng = np.random.default_rng([seed, 18, 3])
    profile = fc.profile(weeks)
    expected = {g: v * weeks for g, v in fc.weekly.items()}
    realised = {
        g: float(np.exp(rng.normal(0.0, fc.error) - fc.error**2 / 2)) if fc.error else 1.0
        for g in sorted(expected, key=GEO.index)
    }
    arrivals = draw_arrivals(
        params, rng, {g: expected[g] * realised[g] for g in expected}, profile, "Y", label
    )
    scenario = draw_arrivals(params, rng, expected, profile, "S", label)
    total = sum(expected.values())
    places, profiles = synthetic_places(
        max(1, round(total)), params, seed, tuple(g for g in GEO if g in expected), ratio
    )
    needs = {g: max(1, round(v)) for g, v in expected.items() if g in GEO_INDEX}
    return SimulatedYear(
        arrivals, scenario, weeks, places, profiles, needs, fc, label, seed, realised
    )
