"""Relocation matching (Art. 60(4), 67 AMMR): relocation candidates to pledged places, optimal
and explainable. See docs/matching.md.

Modules: ``model`` (records and the columnar table), ``instance`` (validation, family units,
exclusions), ``scoring`` (prediction: points per unit and state, the outcome-model protocol),
``solver`` (assignment with HiGHS, the greedy baseline), ``diagnosis`` (impossible and
infeasible instances), ``result`` (explanations, summary), ``io`` (files), ``synthetic``
(SYNTHETIC data), ``api`` (:func:`match`).
"""

from __future__ import annotations

from .api import match
from .instance import MatchProblem, Rules, prepare
from .model import (
    Applicant,
    ApplicantTable,
    BeneficiaryRules,
    BilateralAgreement,
    Link,
    LinkKind,
    PledgedPlaces,
    StateProfile,
    Status,
    Vulnerability,
)
from .result import MatchExplanation, MatchResult, MatchSummary, Reason
from .scoring import (
    LanguageEmploymentProxy,
    OutcomeModel,
    ScoringWeights,
    UnitScores,
    score_units,
)
from .solver import Assignment, SolverSettings, greedy_first_come, solve

__all__ = [
    "Applicant",
    "ApplicantTable",
    "Assignment",
    "BeneficiaryRules",
    "BilateralAgreement",
    "LanguageEmploymentProxy",
    "Link",
    "LinkKind",
    "MatchExplanation",
    "MatchProblem",
    "MatchResult",
    "MatchSummary",
    "OutcomeModel",
    "PledgedPlaces",
    "Reason",
    "Rules",
    "ScoringWeights",
    "SolverSettings",
    "StateProfile",
    "Status",
    "UnitScores",
    "Vulnerability",
    "greedy_first_come",
    "match",
    "prepare",
    "score_units",
    "solve",
]
