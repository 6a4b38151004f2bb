"""Who may do what: every operation's permission in one table, the embargo included.

``OWN_STATE`` operations are open to a Member State only for its own state (its pledges,
deduction requests, offset replies, implementation reports and January confirmations, its use of
the pool and its notification of need). ``EMBARGOES`` says who sees what before the Council act (Art. 12(6): the
proposal is RESTREINT UE, handled by the Commission and the Council — whose members, the Member
States, read it while the High-Level Forum meets and they pledge; Member States see their own
pledges and their own row of the outcome). What the embargo hides answers as if it did not
exist (404), so that no answer tells one state what another has pledged.
"""

from __future__ import annotations

from dataclasses import dataclass

from eupact.cycle.phases import EMBARGO_PHASES, Phase, Role
from eupact.errors import Forbidden, Problem

__all__ = ["EMBARGOES", "Actor", "Embargo", "Forbidden", "authorize", "embargoed", "visible_states"]


C, CO, SC, MS, OB = (
    Role.COMMISSION,
    Role.COUNCIL,
    Role.COORDINATOR,
    Role.MEMBER_STATE,
    Role.OBSERVER,
)
ALL = frozenset(Role)
INSTITUTIONS = frozenset({C, CO, SC})

PERMISSIONS: dict[str, frozenset[Role]] = {
    "cycle.create": frozenset({C}),
    "cycle.read": ALL,
    "scenario.run": ALL,  # a computation on shipped data: writes nothing, sees no pledge
    "cycle.transition": frozenset({C, CO, SC}),  # narrowed per action by phases.TRANSITIONS
    "cycle.reconvene_forum": frozenset({CO}),
    "proposal.read": ALL,  # narrowed by the embargo
    "outcome.read": ALL,  # narrowed by the embargo and, before the act, to a state's own row
    "pledge.list": ALL,
    "pledge.read": ALL,
    "pledge.create": frozenset({MS}),
    "pledge.update": frozenset({MS}),
    "pledge.delete": frozenset({MS}),
    "deduction.list": ALL,
    "deduction.request": frozenset({MS}),
    "deduction.assess": frozenset({C}),
    "deduction.decide": frozenset({CO}),
    "offset.list": INSTITUTIONS | {MS},
    "offset.request": frozenset({MS}),
    "offset.reply": frozenset({MS}),
    "implementation.list": ALL,
    "implementation.record": frozenset({MS, SC}),
    # Art. 60(6): each January a Member State confirms to the Coordinator its own levels.
    "confirmation.record": frozenset({MS}),
    # Art. 60(3), (6), 63(5): implementation checked at a date; narrowed as the outcome is.
    "monitoring.read": ALL,
    # Art. 58(1): a state identified under pressure informs the Commission and the Council.
    "pool_use.inform": frozenset({MS}),
    # Art. 59(1), (4), (6): a state notifies; the Commission decides; the Commission (it
    # considers) or the Council (implementing act) refuses access within two weeks.
    "notification.create": frozenset({MS}),
    "notification.decide": frozenset({C}),
    "notification.refuse": frozenset({C, CO}),
    "notification.list": INSTITUTIONS | {MS},
    # Art. 60(3), fourth subparagraph: the Commission's decision under Art. 11 or 59(4).
    "shortcomings.record": frozenset({C}),
    # Who benefits, since when (Art. 58(3), 59(5): the Parliament and the Council are told).
    "standing.read": ALL,
    # Art. 15, 67(3)-(4): the Coordinator (and the Commission) run matching tools, and a
    # benefitting state runs them for its own candidates (checked in the service); stateless.
    "matching.run": frozenset({C, SC, MS}),
    # Part III AMMR (Arts. 38-46): the Dublin units of the Member States keep their cases and
    # exchange requests and replies; the Commission, the Coordinator and observers follow them
    # (read only); the Council has no part in it. Which cases a state sees and which step it may
    # take (the holder sends, the addressee replies) is checked in the service.
    "dublin.read": frozenset({C, SC, MS, OB}),
    "dublin.write": frozenset({MS}),
    # APR Arts. 47(2)-(3), 48-50: the border procedure's watching. A Member State records its
    # own monthly figures and its Art. 48 and Art. 50 notifications; the Commission records its
    # Art. 50 verification and implementing act; everyone reads the figures, the status per
    # month and the notifications (aggregate numbers; Art. 49(3) informs the other states), the
    # reasoning and the Art. 49(4)(c)-(e) details narrowed in the service
    # (eupact.cycle.service.border).
    "border.read": ALL,
    "border.record": frozenset({MS}),
    "border.decide": frozenset({C}),
    # The Pact's obligations register (issue 19): everyone signed in reads every party's
    # progress; a Member State records its own, the Commission, the Council and the Coordinator
    # theirs (the Commission also the agencies' and the Parliament's); which party an actor
    # records for is checked in the service (eupact.cycle.service.register_rules).
    "register.read": ALL,
    "register.write": frozenset({C, CO, SC, MS}),
    # Regulation (EU) 2024/1359 (CFMR): a Member State submits its own reasoned request (Art. 2);
    # the Commission (Arts 3, 4(1), 5, 6), the Council (4(3), 5(2)) and the Coordinator (Art. 7)
    # record their acts, narrowed per act in the service (eupact.cycle.service.crisis); everyone
    # signed in reads the procedure (a request's reasoning: the Commission, the Council and the
    # requesting state only, see the service).
    "crisis.read": ALL,
    "crisis.request": frozenset({MS}),
    "crisis.record": frozenset({C, CO, SC}),
    "audit.read": INSTITUTIONS,
    "audit.verify": INSTITUTIONS,
}

OWN_STATE = frozenset(
    {
        "pledge.create",
        "pledge.update",
        "pledge.delete",
        "deduction.request",
        "offset.request",
        "offset.reply",
        "implementation.record",
        "confirmation.record",
        "pool_use.inform",
        "notification.create",
        "border.record",
        "crisis.request",
    }
)


@dataclass(frozen=True, slots=True)
class Embargo:
    """Who sees an operation's records before the Council act (Art. 12(6) AMMR)."""

    everything: frozenset[Role]  # these roles see all of it
    own_rows: bool  # a Member State sees the rows of its own state
    what: str  # named in the refusal
    # phases in which Member States see all of it too (they sit in the Council)
    member_states_during: frozenset[Phase] = frozenset()


# Art. 12(6): transmitted to the Council, whose members pledge from it at the High-Level Forum
# (Art. 13); not public (observers) until the Council act.
_FORUM = frozenset({Phase.FORUM_CONVENED, Phase.PLEDGING_OPEN, Phase.PLEDGING_CLOSED})
_PROPOSAL = Embargo(frozenset({C, CO}), False, "Commission proposal", _FORUM)
_PLEDGES = Embargo(INSTITUTIONS, True, "pledges")
_OUTCOME = Embargo(frozenset({C, CO}), True, "pool outcome")
EMBARGOES: dict[str, Embargo] = {
    "proposal.read": _PROPOSAL,
    "outcome.read": _OUTCOME,
    "monitoring.read": _OUTCOME,  # what each state is to implement is the outcome's row
    "pledge.list": _PLEDGES,
    "pledge.read": _PLEDGES,
    "pledge.update": _PLEDGES,
    "pledge.delete": _PLEDGES,
}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is calling: a role, and for a Member State its geo code."""

    id: str
    role: Role
    state: str | None = None

    @property
    def institution(self) -> bool:
        return self.role in INSTITUTIONS


def authorize(actor: Actor, operation: str, state: str | None = None) -> None:
    """Refuse unless ``actor`` may perform ``operation`` (for ``state`` where it matters)."""
    allowed = PERMISSIONS[operation]
    if actor.role not in allowed:
        raise Forbidden(
            [
                Problem(
                    "role",
                    str(actor.role),
                    f"'{operation}' is open to {', '.join(sorted(allowed))} only",
                )
            ],
            "not allowed",
        )
    if operation in OWN_STATE and actor.role is Role.MEMBER_STATE and state != actor.state:
        raise Forbidden(
            [
                Problem(
                    "state",
                    state,
                    f"a Member State acts only for itself; this token is {actor.state}'s",
                )
            ],
            "not allowed",
        )


def visible_states(actor: Actor, operation: str, phase: Phase) -> frozenset[str] | None:
    """None when ``actor`` sees every state's records of ``operation`` in ``phase``; else the
    states whose records it sees (a Member State its own, others none)."""
    embargo = EMBARGOES.get(operation)
    if embargo is None or phase not in EMBARGO_PHASES or actor.role in embargo.everything:
        return None
    if actor.role is Role.MEMBER_STATE and phase in embargo.member_states_during:
        return None
    if embargo.own_rows and actor.role is Role.MEMBER_STATE and actor.state:
        return frozenset({actor.state})
    return frozenset()


def embargoed(actor: Actor, operation: str, phase: Phase) -> None:
    """Refuse ``operation`` to an actor who sees nothing of it before the Council act."""
    if visible_states(actor, operation, phase) == frozenset():
        embargo = EMBARGOES[operation]
        allowed = " and ".join(sorted(embargo.everything))
        if embargo.member_states_during:
            during = ", ".join(sorted(embargo.member_states_during))
            allowed += f" (and Member States, in the Council, during {during})"
        raise Forbidden(
            [
                Problem(
                    "phase",
                    str(phase),
                    f"the {embargo.what} is RESTREINT UE until the Council act: "
                    f"{allowed} only (Art. 12(6) AMMR)",
                )
            ],
            "embargoed",
        )
