"""The Python API: one pure function from applicants and pledged places to a matching.

    from eupact.matching import Applicant, Link, LinkKind, PledgedPlaces, match
    result = match(
        [Applicant("A1", "IT", links=(Link("DE", LinkKind.FAMILY),)), Applicant("A2", "IT")],
        [PledgedPlaces("DE", 1), PledgedPlaces("FR", 1)],
    )
    result.state_of("A1")            # 'DE'
    print(result.explain("A2").render())

The steps are separate and usable alone: :func:`~eupact.matching.instance.prepare` (validate,
exclusions), :func:`~eupact.matching.scoring.score_units` (prediction),
:func:`~eupact.matching.solver.solve` (assignment), :func:`~eupact.matching.solver.greedy_first_come`
(baseline).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence

from eupact.errors import EupactError
from eupact.parameters import load_parameters

from .diagnosis import check_possible, explain_infeasible
from .instance import MatchProblem, Rules, prepare
from .model import Applicant, ApplicantTable, BeneficiaryRules, PledgedPlaces, StateProfile
from .result import MatchResult
from .scoring import (
    LanguageEmploymentProxy,
    OutcomeModel,
    ScoringWeights,
    UnitScores,
    score_units,
)
from .solver import Infeasible, SolverSettings, greedy_first_come, solve

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def match(
    applicants: Sequence[Applicant] | ApplicantTable,
    pledges: Sequence[PledgedPlaces],
    profiles: Sequence[StateProfile] = (),
    *,
    rules: Rules | None = None,
    beneficiaries: BeneficiaryRules | None = None,
    settings: SolverSettings | None = None,
    outcome_model: OutcomeModel | None = None,
    at: dt.date | None = None,
    compare_greedy: bool = True,
    label: str = "",
    progress: Progress | None = None,
) -> MatchResult:
    """Match relocation candidates to pledged places (Art. 60(4), 67 AMMR).

    ``at``: the date whose parameters apply (default: today). ``outcome_model``: the predictor
    used as a matching tool (default: the illustrative language-based employment proxy).
    ``label`` is carried into every output (e.g. SYNTHETIC). ``beneficiaries``: the bilateral
    agreements and the date of the pool's Council act (Art. 56(2)(a)(ii)); without them the
    profiles' ``accepts_beneficiaries`` stands for the agreements (older inputs). Raises :class:`EupactError` for
    invalid input and for impossible or infeasible instances, naming the capacity or rule."""
    say = progress or _quiet
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    params = load_parameters().at(at or dt.date.today())
    if isinstance(applicants, ApplicantTable):
        table = applicants
    else:
        table = ApplicantTable.from_applicants(applicants, label)
    say(f"validating {len(table):,} applicants and {len(pledges):,} pledges")
    problem = prepare(table, pledges, params, profiles, rules, beneficiaries)
    check_possible(problem)
    seconds["prepare"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    weights = ScoringWeights.from_parameters(params)
    model = outcome_model or LanguageEmploymentProxy.from_parameters(params)
    say(f"scoring {problem.n_units:,} family units × {len(problem.states)} states")
    scores = score_units(problem, weights, model)
    seconds["score"] = time.perf_counter() - t1
    settings = settings or SolverSettings()
    t2 = time.perf_counter()
    say("solving with HiGHS")
    try:
        assignment = solve(problem, scores, settings)
    except Infeasible:
        raise _diagnose(problem, scores, settings) from None
    seconds["solve"] = time.perf_counter() - t2
    greedy = None
    if compare_greedy:
        t3 = time.perf_counter()
        say("greedy first-come baseline")
        greedy = greedy_first_come(problem, scores)
        seconds["greedy"] = time.perf_counter() - t3
    seconds["total"] = time.perf_counter() - t0
    return MatchResult(
        problem,
        scores,
        assignment,
        greedy,
        weights.parameters,
        seconds,
        label or table.label,
    )


def _diagnose(problem: MatchProblem, scores: UnitScores, settings: SolverSettings) -> EupactError:
    """Which rule makes the instance infeasible: solve relaxations (see diagnosis)."""

    def feasible(relaxed: MatchProblem) -> bool:
        try:
            solve(relaxed, scores, settings)
        except Infeasible:
            return False
        return True

    return explain_infeasible(problem, feasible)
