"""Which derogations and solidarity measures a situation allows, and what a reasoned request
must hold (Regulation (EU) 2024/1359, Arts 1(3), 2, 4(2)(b), 4(5)(b)-(c), 8(1), 10(1), 10(4),
10(6), 11(1)-(8), 12(1), 13(1), 20; recitals 64-65): each check returns the problems it finds
as (field, value, rule) for :func:`eupact.crisis.procedure.replay` to refuse. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable

from eupact.parameters import ParametersAt
from eupact.timelimits import add_months

from .events import EXCLUSIONS, CouncilDecision, PlanFigures, ReasonedRequest
from .measures import Derogation, Situation

Problems = list[tuple[str, object, str]]

ALL = frozenset(Situation)
MA, IN, FM = Situation.MASS_ARRIVALS, Situation.INSTRUMENTALISATION, Situation.FORCE_MAJEURE

#: Which situations allow each derogation, and where the law says so.
ALLOWED: dict[Derogation, tuple[frozenset[Situation], str]] = {
    Derogation.REGISTRATION: (ALL, "Art. 10(1): a crisis or force majeure"),
    Derogation.BORDER_EXTENSION: (ALL, "Art. 11(1): a crisis or force majeure"),
    Derogation.BORDER_NOT_J: (frozenset({MA, FM}), "Art. 11(2): a 1(4)(a) crisis or force majeure"),
    Derogation.BORDER_THRESHOLD: (frozenset({MA}), "Art. 11(3): a 1(4)(a) crisis only"),
    Derogation.BORDER_MERITS: (frozenset({MA}), "Art. 11(4): a 1(4)(a) crisis only"),
    Derogation.BORDER_INSTRUMENTALISATION: (
        frozenset({IN}),
        "Art. 11(6): a 1(4)(b) crisis (instrumentalisation) only",
    ),
    Derogation.TIME_LIMITS: (
        frozenset({MA, FM}),
        "Art. 12(1): a 1(4)(a) crisis or force majeure, not instrumentalisation",
    ),
    Derogation.TAKE_BACK_RELEASE: (
        frozenset({MA}),
        "Art. 13(1): a 1(4)(a) crisis of extraordinary scale only",
    ),
}
SITUATION_WORDS = {
    MA: "a crisis of mass arrivals (Art. 1(4)(a))",
    IN: "a crisis of instrumentalisation (Art. 1(4)(b))",
    FM: "force majeure (Art. 1(5))",
}


def request_problems(r: ReasonedRequest, at: ParametersAt) -> Problems:
    """What Art. 2, 8(1), 10(6), 11(6)-(8) and 20 CFMR and recitals 64-65 refuse in a request."""
    problems: Problems = []
    members = set(at("scope.eu_member_states"))
    bound = set(at("crisis.bound_member_states"))
    if r.state not in members:
        problems.append(
            ("state", r.state, "is not a Member State (Eurostat geo codes; EL = Greece)")
        )
    elif r.state not in bound:
        why = (
            "Denmark is not bound by the CFMR (Protocol No 22, recital 64)"
            if r.state == "DK"
            else f"not bound by the CFMR on {r.on.isoformat()} (recitals 64-65)"
        )
        problems.append(("state", r.state, f"{why}: it cannot submit a reasoned request (Art. 2)"))
    start = at("crisis.date_of_application")
    if r.on < start:
        problems.append(
            (
                "date",
                r.on,
                f"the CFMR applies from {start.isoformat()} (Art. 20; [reading] "
                "crisis.date_of_application): no request before",
            )
        )
    problems += derogations_allowed(r.derogations, r.situation, "derogations")
    if r.solidarity is not None and r.situation is FM:
        problems.append(
            (
                "solidarity",
                "requested",
                "solidarity measures are for a Member State in a situation of crisis (Art. 8(1)), "
                "not force majeure",
            )
        )
    problems += exclusion_problems(r.derogations, r.instrumentalisation_exclusion, "2(2)(d)")
    if r.early_registration:
        if Derogation.REGISTRATION not in r.derogations:
            problems.append(
                (
                    "early_registration",
                    True,
                    "Art. 10(6) lets a state apply Art. 10(1) early: ask for derogation 10 too",
                )
            )
        if not r.early_registration_reasons:
            problems.append(
                (
                    "early_registration_reasons",
                    None,
                    "Art. 10(6): say the precise reasons why immediate action is required",
                )
            )
    return problems


def derogations_allowed(asked: Iterable[Derogation], situation: Situation, name: str) -> Problems:
    out: Problems = []
    for d in sorted(asked, key=lambda x: x.value):
        allowed, why = ALLOWED[d]
        if situation not in allowed:
            out.append((name, d.value, f"not for {SITUATION_WORDS[situation]}: {why}"))
    return out


def exclusion_problems(
    derogations: frozenset[Derogation], exclusion: str | None, article: str
) -> Problems:
    has = Derogation.BORDER_INSTRUMENTALISATION in derogations
    if has and exclusion not in EXCLUSIONS:
        return [
            (
                "instrumentalisation_exclusion",
                exclusion,
                f"with derogation 11(6), say whether 11(7)(a) or 11(7)(b) applies (Art. {article})",
            )
        ]
    if exclusion is not None and not has:
        return [
            (
                "instrumentalisation_exclusion",
                exclusion,
                "goes only with derogation 11(6) (Art. 11(7)-(8))",
            )
        ]
    return []


def requested_problems(
    request: ReasonedRequest, derogations: frozenset[Derogation], plan: PlanFigures | None
) -> Problems:
    out: Problems = []
    for d in sorted(derogations - request.derogations, key=lambda x: x.value):
        out.append(
            (
                "derogations",
                d.value,
                "not asked for in the reasoned request: Chapter IV's measures apply only upon "
                "request (Art. 1(3), 2(2)(c))",
            )
        )
    if plan is not None and request.solidarity is None:
        out.append(
            (
                "plan",
                "given",
                "the request asked for no solidarity: Chapter III's measures only upon request "
                "(Art. 1(3), 2(2)(b))",
            )
        )
    return out


def plan_problems(situation: Situation, plan: PlanFigures | None) -> Problems:
    if plan is not None and situation is FM:
        return [
            (
                "plan",
                "given",
                "a Solidarity Response Plan is for a situation of crisis (Art. 4(2)(b), "
                "4(5)(b)), not force majeure",
            )
        ]
    return []


def window_problems(act: CouncilDecision, months: int) -> Problems:
    has = Derogation.TAKE_BACK_RELEASE in act.derogations
    window = act.take_back_window
    if has and window is None:
        return [
            (
                "take_back_window",
                None,
                "with derogation 13, the decision sets the period of registration it covers "
                "(Art. 13(1), last subparagraph)",
            )
        ]
    if window is not None and not has:
        return [("take_back_window", list(window), "goes only with derogation 13 (Art. 13(1))")]
    if window is not None:
        earliest = add_months(act.on, -months)
        if window[0] < earliest:
            return [
                (
                    "take_back_window",
                    window[0].isoformat(),
                    f"reaches back more than {months} months before the adoption on "
                    f"{act.on.isoformat()}: it may begin on {earliest.isoformat()} at the "
                    "earliest (Art. 13(1), last subparagraph)",
                )
            ]
    return []


__all__ = [
    "ALLOWED",
    "SITUATION_WORDS",
    "Problems",
    "derogations_allowed",
    "exclusion_problems",
    "plan_problems",
    "request_problems",
    "requested_problems",
    "window_problems",
]
