"""Prediction: how well each family unit fits each state of relocation, in points.

Kept apart from the assignment (:mod:`eupact.matching.solver`): the scoring turns links,
vulnerabilities, preferences and a predicted outcome into one integer per unit and state; the
solver only sees those integers, the capacities and the rules.

Points of a person ``i`` in state ``s`` (weights in
``parameters/ammr/part_iv_art_67_relocation_matching.yaml``, all [reading]):

    relocated_person                                 relocating anyone (Art. 60(3))
  + vulnerable_person        if i is vulnerable      primary consideration (Art. 60(4))
  + link[kind]               per link of i to s      meaningful links (Art. 67(3))
  + preference               if i stated s           no right to choose (Art. 67(3))
  + round(outcome × p(i, s))                         matching tool (Art. 67(4)); p from an
                                                     :class:`OutcomeModel`

A unit's points in ``s`` are the sum over its members (Art. 67(6): the unit is decided whole).
Applicants without links score the same everywhere except for the outcome model, so the solver's
fair-sharing rule decides where they go (Art. 67(4)).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol, runtime_checkable

import numpy as np
from scipy import sparse  # type: ignore[import-untyped]

from eupact.errors import fail
from eupact.explain import ParameterUse
from eupact.parameters import ParametersAt

from .instance import MatchProblem
from .languages import GEO_INDEX, OFFICIAL_LANGUAGES
from .model import (
    LINK_KINDS,
    ApplicantTable,
    BoolArray,
    FloatArray,
    IntArray,
    LinkKind,
    StateProfile,
)

WEIGHT_PARAMETERS: tuple[str, ...] = (
    "matching.score.relocated_person",
    "matching.score.vulnerable_person",
    "matching.score.link.family",
    "matching.score.link.cultural",
    "matching.score.link.previous_stay",
    "matching.score.link.diploma",
    "matching.score.preference",
    "matching.score.outcome",
    "matching.fair_sharing.penalty_per_person",
    "matching.fair_sharing.tolerance",
    "matching.balance.tolerance",
)


def _points(params: ParametersAt, name: str) -> int:
    value = params(name)
    if isinstance(value, Fraction) and value.denominator == 1:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise fail(name, value, "a matching weight must be a whole number of points ≥ 0")
    return value


@dataclass(frozen=True)
class ScoringWeights:
    """The points of the scoring, read from the dated parameters."""

    relocated_person: int
    vulnerable_person: int
    links: Mapping[LinkKind, int]
    preference: int
    outcome: int
    fair_penalty: int
    parameters: tuple[ParameterUse, ...] = ()

    @classmethod
    def from_parameters(cls, params: ParametersAt) -> ScoringWeights:
        weights = cls(
            relocated_person=_points(params, "matching.score.relocated_person"),
            vulnerable_person=_points(params, "matching.score.vulnerable_person"),
            links={k: _points(params, f"matching.score.link.{k.value}") for k in LinkKind},
            preference=_points(params, "matching.score.preference"),
            outcome=_points(params, "matching.score.outcome"),
            fair_penalty=_points(params, "matching.fair_sharing.penalty_per_person"),
            parameters=tuple(ParameterUse.of(params, n) for n in WEIGHT_PARAMETERS),
        )
        if weights.fair_penalty >= weights.relocated_person:
            raise fail(
                "matching.fair_sharing.penalty_per_person",
                weights.fair_penalty,
                "must be smaller than matching.score.relocated_person, or fair sharing could "
                "leave persons unrelocated",
            )
        return weights


@runtime_checkable
class OutcomeModel(Protocol):
    """A predictor of how well a person would fare in each state (e.g. the probability of
    finding work within two years), used as a matching tool (Art. 67(4) AMMR).

    ``predict`` receives the whole applicants table and the slice of rows to predict, and
    returns an array of shape (rows, len(states)) with probabilities in [0, 1]. It is called on
    chunks of rows, so that large tables are never predicted at once.
    """

    @property
    def name(self) -> str: ...

    def describe(self) -> str: ...

    def predict(
        self,
        table: ApplicantTable,
        rows: slice,
        states: Sequence[str],
        profiles: Mapping[str, StateProfile],
    ) -> FloatArray: ...


def state_languages(state: str, profiles: Mapping[str, StateProfile]) -> tuple[str, ...]:
    """The languages used for ``state``: its profile's, or its official languages."""
    prof = profiles.get(state)
    if prof is not None and prof.languages is not None:
        return prof.languages
    return OFFICIAL_LANGUAGES[state]


@dataclass(frozen=True)
class LanguageEmploymentProxy:
    """Baseline outcome model: an ILLUSTRATIVE employment-probability proxy from language match.

    p(i, s) = base + official_language   if i speaks a language of s (official, or its profile's)
            = base + english             if not, but i speaks English and English is not one
            = base                       otherwise

    Language is the strongest observable predictor of refugees' early employment in the
    literature, but these values are not estimated; they are parameters marked [reading]. Plug in
    an estimated model through :class:`OutcomeModel`.
    """

    base: Fraction
    official_language: Fraction
    english: Fraction

    @property
    def name(self) -> str:
        return "language-employment-proxy"

    @classmethod
    def from_parameters(cls, params: ParametersAt) -> LanguageEmploymentProxy:
        return cls(
            Fraction(params("matching.outcome.language_proxy.base")),
            Fraction(params("matching.outcome.language_proxy.official_language")),
            Fraction(params("matching.outcome.language_proxy.english")),
        )

    def describe(self) -> str:
        return (
            f"ILLUSTRATIVE employment-probability proxy: {float(self.base):.2f}, "
            f"+{float(self.official_language):.2f} if the person speaks a language of the state, "
            f"else +{float(self.english):.2f} if English"
        )

    def speaks(
        self,
        table: ApplicantTable,
        rows: slice,
        states: Sequence[str],
        profiles: Mapping[str, StateProfile],
    ) -> tuple[BoolArray, BoolArray]:
        """(speaks a language of the state, speaks English only) for the rows × states."""
        start, stop = rows.start or 0, rows.stop if rows.stop is not None else len(table)
        codes = table.language_codes
        langs = [set(state_languages(g, profiles)) for g in states]
        knows = np.zeros((max(len(codes), 1), len(states)), dtype=np.float64)
        for k, code in enumerate(codes):
            for j, spoken in enumerate(langs):
                knows[k, j] = code in spoken
        ptr = table.languages.ptr[start : stop + 1]
        vals = table.languages.values[ptr[0] : ptr[-1]]
        persons = sparse.csr_matrix(
            (np.ones(len(vals)), vals, ptr - ptr[0]), shape=(stop - start, max(len(codes), 1))
        )
        official = np.asarray(persons @ knows) > 0
        if "en" in codes:
            en = np.zeros(max(len(codes), 1))
            en[codes.index("en")] = 1.0
            speaks_en = np.asarray(persons @ en) > 0
        else:
            speaks_en = np.zeros(stop - start, dtype=bool)
        english = speaks_en[:, None] & ~official
        return official, english

    def predict(
        self,
        table: ApplicantTable,
        rows: slice,
        states: Sequence[str],
        profiles: Mapping[str, StateProfile],
    ) -> FloatArray:
        official, english = self.speaks(table, rows, states, profiles)
        p = np.full(official.shape, float(self.base))
        p += float(self.official_language) * official
        p += float(self.english) * english
        return np.asarray(np.clip(p, 0.0, 1.0), dtype=np.float64)


@dataclass(frozen=True, eq=False)
class UnitScores:
    """Points of every unit in every state (shape units × states) and their parts."""

    total: IntArray
    base: IntArray  # per unit: relocated + vulnerable points
    outcome: IntArray  # per unit and state: the outcome model's points
    weights: ScoringWeights
    model: OutcomeModel


CHUNK = 1 << 17


def _state_columns(problem: MatchProblem) -> IntArray:
    """GEO index → column of ``problem.states`` (−1 when the state has no places)."""
    column = np.full(len(GEO_INDEX), -1, dtype=np.int64)
    for j, g in enumerate(problem.states):
        column[GEO_INDEX[g]] = j
    return column


def link_entries(problem: MatchProblem) -> tuple[IntArray, IntArray, IntArray]:
    """Every link to a state with places: (applicant row, state column, kind index)."""
    t = problem.table
    rows = t.links.rows_of_values()
    codes = t.links.values
    cols = _state_columns(problem)[codes // 8]
    keep = cols >= 0
    return rows[keep], cols[keep], (codes % 8)[keep]


def preference_entries(problem: MatchProblem) -> tuple[IntArray, IntArray]:
    """Every stated preference for a state with places: (applicant row, state column)."""
    t = problem.table
    rows = t.preferences.rows_of_values()
    cols = _state_columns(problem)[t.preferences.values]
    keep = cols >= 0
    return rows[keep], cols[keep]


def score_units(problem: MatchProblem, weights: ScoringWeights, model: OutcomeModel) -> UnitScores:
    """The points of each family unit in each state of relocation (see the module docstring)."""
    t = problem.table
    n, n_u, n_s = len(t), problem.n_units, len(problem.states)
    person_base = weights.relocated_person + weights.vulnerable_person * (t.vulnerabilities != 0)
    base = np.bincount(t.unit, weights=person_base, minlength=n_u).astype(np.int64)
    outcome = np.zeros((n_u, n_s), dtype=np.int64)
    if weights.outcome and n_s:
        for start in range(0, n, CHUNK):
            rows = slice(start, min(n, start + CHUNK))
            p = np.asarray(model.predict(t, rows, problem.states, problem.profiles), dtype=float)
            if p.shape != (rows.stop - start, n_s) or not np.all((p >= 0) & (p <= 1)):
                raise fail(
                    "outcome model",
                    model.name,
                    f"must return probabilities in [0, 1] of shape (rows, states) = "
                    f"({rows.stop - start}, {n_s}); got shape {p.shape}",
                )
            pts = np.rint(p * weights.outcome)
            units = t.unit[rows]
            for j in range(n_s):
                outcome[:, j] += np.bincount(units, weights=pts[:, j], minlength=n_u).astype(
                    np.int64
                )
    total = base[:, None] + outcome
    lrows, lcols, kinds = link_entries(problem)
    link_points = np.asarray([weights.links[k] for k in LINK_KINDS], dtype=np.int64)
    np.add.at(total, (t.unit[lrows], lcols), link_points[kinds])
    prows, pcols = preference_entries(problem)
    np.add.at(total, (t.unit[prows], pcols), weights.preference)
    return UnitScores(total, base, outcome, weights, model)
