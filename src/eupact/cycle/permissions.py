"""Who may do what: every operation's permission in one table.

``OWN_STATE`` operations are open to a Member State only for its own state (its pledges,
deduction requests, offset replies, implementation reports). Reading the proposal is restricted
to the Commission and the Council until the Council act (Art. 12(6): RESTREINT UE).
"""

from __future__ import annotations

from dataclasses import dataclass

from eupact.cycle.phases import Role
from eupact.errors import Forbidden, Problem

__all__ = ["Actor", "Forbidden", "authorize"]


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
    # Art. 15, 67(4): the Coordinator (and the Commission) may run matching tools; stateless.
    "matching.run": frozenset({C, SC}),
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
    }
)


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
