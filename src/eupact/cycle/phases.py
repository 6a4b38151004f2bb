"""The annual cycle as a state machine: phases, the actions that move it, who may take them.

Each transition names the article that allows it. An action refused in the current phase is
refused with that rule, never silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from eupact.errors import EupactError, Forbidden, Problem


class Role(StrEnum):
    COMMISSION = "commission"
    COUNCIL = "council"  # the Council presidency
    COORDINATOR = "coordinator"  # the EU Solidarity Coordinator (Art. 15)
    MEMBER_STATE = "member_state"
    OBSERVER = "observer"


class Phase(StrEnum):
    OPENED = "opened"
    REPORT_ADOPTED = "report_adopted"
    DECISION_ADOPTED = "decision_adopted"
    PROPOSAL_ADOPTED = "proposal_adopted"
    FORUM_CONVENED = "forum_convened"
    PLEDGING_OPEN = "pledging_open"
    PLEDGING_CLOSED = "pledging_closed"
    COUNCIL_ACT_ADOPTED = "council_act_adopted"
    IMPLEMENTATION = "implementation"
    CLOSED = "closed"


ORDER = list(Phase)


class Action(StrEnum):
    ADOPT_REPORT = "adopt_report"
    ADOPT_DECISION = "adopt_decision"
    ADOPT_PROPOSAL = "adopt_proposal"
    CONVENE_FORUM = "convene_forum"
    OPEN_PLEDGING = "open_pledging"
    CLOSE_PLEDGING = "close_pledging"
    ADOPT_COUNCIL_ACT = "adopt_council_act"
    START_IMPLEMENTATION = "start_implementation"
    CLOSE_YEAR = "close_year"


@dataclass(frozen=True, slots=True)
class Transition:
    action: Action
    source: Phase
    target: Phase
    roles: frozenset[Role]
    article: str
    what: str


TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        Transition(
            Action.ADOPT_REPORT,
            Phase.OPENED,
            Phase.REPORT_ADOPTED,
            frozenset({Role.COMMISSION}),
            "Art. 9(4) AMMR",
            "European Annual Asylum and Migration Report adopted",
        ),
        Transition(
            Action.ADOPT_DECISION,
            Phase.REPORT_ADOPTED,
            Phase.DECISION_ADOPTED,
            frozenset({Role.COMMISSION}),
            "Art. 11(4) AMMR",
            "implementing decision on migratory pressure adopted",
        ),
        Transition(
            Action.ADOPT_PROPOSAL,
            Phase.DECISION_ADOPTED,
            Phase.PROPOSAL_ADOPTED,
            frozenset({Role.COMMISSION}),
            "Art. 12 AMMR",
            "proposal for the Annual Solidarity Pool adopted (embargoed, Art. 12(6))",
        ),
        Transition(
            Action.CONVENE_FORUM,
            Phase.PROPOSAL_ADOPTED,
            Phase.FORUM_CONVENED,
            frozenset({Role.COUNCIL}),
            "Art. 13(2) AMMR",
            "High-Level EU Solidarity Forum convened",
        ),
        Transition(
            Action.OPEN_PLEDGING,
            Phase.FORUM_CONVENED,
            Phase.PLEDGING_OPEN,
            frozenset({Role.COUNCIL}),
            "Art. 13(3), 57(3) AMMR",
            "Member States pledge at the High-Level Forum",
        ),
        Transition(
            Action.CLOSE_PLEDGING,
            Phase.PLEDGING_OPEN,
            Phase.PLEDGING_CLOSED,
            frozenset({Role.COUNCIL}),
            "Art. 57(3) AMMR",
            "pledging exercise closed",
        ),
        Transition(
            Action.ADOPT_COUNCIL_ACT,
            Phase.PLEDGING_CLOSED,
            Phase.COUNCIL_ACT_ADOPTED,
            frozenset({Role.COUNCIL}),
            "Art. 57(1) AMMR",
            "Council implementing act establishing the pool adopted",
        ),
        Transition(
            Action.START_IMPLEMENTATION,
            Phase.COUNCIL_ACT_ADOPTED,
            Phase.IMPLEMENTATION,
            frozenset({Role.COORDINATOR}),
            "Art. 14(5), 58(3), 60 AMMR",
            "Technical-Level Forum operationalises the pool",
        ),
        Transition(
            Action.CLOSE_YEAR,
            Phase.IMPLEMENTATION,
            Phase.CLOSED,
            frozenset({Role.COORDINATOR}),
            "Art. 60(3), 60(6) AMMR",
            "year closed; states confirm what they implemented",
        ),
    )
}

# Which phases allow which kind of write, and the rule that says so.
PLEDGE_PHASES = frozenset({Phase.PLEDGING_OPEN})
PLEDGE_RULE = (
    "pledges are made during the High-Level Forum's pledging exercise (Art. 13(3), 57(3) AMMR)"
)
AFTER_ACT = frozenset({Phase.COUNCIL_ACT_ADOPTED, Phase.IMPLEMENTATION})
DEDUCTION_RULE = (
    "a deduction is requested of contributions set out in the Council implementing act "
    "(Art. 61(1), 62(1) AMMR): only after the act and before the year is closed"
)
# Art. 13(4): the Council reconvenes the Forum after the act to ask for additional pledges; the
# pledging exercise follows Art. 57 and runs until the Council closes it.
REPLEDGE_RULE = (
    "after the Council act, pledges are added or raised only while the High-Level Forum, "
    "reconvened by the Council, asks for additional contributions (Art. 13(4), 57(3) AMMR)"
)
ADDITIONAL_ONLY_RULE = (
    "the reconvened Forum asks for additional contributions (Art. 13(4) AMMR): a pledge the "
    "Council act records may be raised, not lowered or withdrawn"
)
OFFSET_RULE = "offsets are requested under the pool the Council act established (Art. 63, 69 AMMR)"
IMPLEMENTATION_RULE = "solidarity is implemented once the Technical-Level Forum runs (Art. 60 AMMR)"
EMBARGO_PHASES = frozenset(ORDER[: ORDER.index(Phase.COUNCIL_ACT_ADOPTED)])


def check_transition(phase: Phase, action: Action, role: Role) -> Transition:
    """The transition if ``role`` may take ``action`` in ``phase``; else the rule that forbids it."""
    t = TRANSITIONS[action]
    if role not in t.roles:
        raise Forbidden(
            [
                Problem(
                    "role",
                    str(role),
                    f"only {', '.join(sorted(t.roles))} may "
                    f"{action.replace('_', ' ')} ({t.article})",
                )
            ],
            "not allowed",
        )
    problems = []
    if phase is not t.source:
        problems.append(
            Problem(
                "phase",
                str(phase),
                f"'{action}' needs phase '{t.source}' ({t.article}); the cycle is in '{phase}'",
            )
        )
    if problems:
        raise EupactError(problems, "transition refused")
    return t


def require_phase(phase: Phase, allowed: frozenset[Phase], rule: str, what: str) -> None:
    if phase not in allowed:
        raise EupactError([Problem("phase", str(phase), rule)], f"{what} refused in this phase")
