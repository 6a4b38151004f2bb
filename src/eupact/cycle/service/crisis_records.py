"""The crisis procedure's records (Regulation (EU) 2024/1359, CFMR, Arts 2-7): an act as a write
answers it and the audit log records it, who records which act, what a reader who is not party
to a reasoned request sees of it, and the audit replay's knowledge of ``crisis_events`` (``eupact
audit verify`` finds a row changed behind the service's back).

Who records which act (the article that gives the institution the act):

- the Member State concerned: its reasoned request (Art. 2(1)); only through opening a crisis;
- the Commission: the notice of its assessment (3(3)), its implementing decision (3(8)), its
  proposals for a Council implementing decision (4(1), 5(2), 6(3)), the confirmation that extends
  a period (5(1)), the proposal to repeal (6(3)), its reports (6(4)), a recommendation of an
  expedited procedure (3(2), 4(4), 14(1));
- the Council: its implementing decision (4(3), (5)), a new one (5(2)) and the repeal (6(3));
- the EU Solidarity Coordinator: the bulletin on relocation every two weeks (Art. 7);
- a contributing Member State, for itself: its notification that it took responsibility above
  its fair share (Art. 9(5), first subparagraph); the Commission: the implementing act
  authorising it to reduce its future fair shares (9(5), second subparagraph).

What other Member States and observers see of a reasoned request: its state, its day, the
situation and the solidarity and derogations asked, not its reasoning (the description of
Art. 2(2)(a) and the reasons for registering early, 10(6)). The request is addressed to the
Commission (2(1)) and weighed by the Council (4(3)); the Coordinator supports its relocations
(Art. 7). The institutions' acts — the Commission's decision and proposal, the Council's
implementing decision with its Solidarity Response Plan, extensions, reports, bulletins — are
acts transmitted to the Parliament and the Council (3(8), 4(1), 4(5), 6(4), 7) and read by all.
The same choice as the cycle's deductions, whose reasons only the institutions and the
requesting state read until the Council decides (Art. 61-62 AMMR).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from eupact import __version__
from eupact.crisis.events import ARTICLES, Kind
from eupact.crisis.state import CrisisState, Due
from eupact.cycle import audit_replay
from eupact.cycle.ical import DayEvent, day_calendar
from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Role
from eupact.cycle.records import KINDS, Plain, utc
from eupact.cycle.store.crisis import CrisisEventRow, CrisisRow

C, CO, SC, MS = Role.COMMISSION, Role.COUNCIL, Role.COORDINATOR, Role.MEMBER_STATE

RECORDED_BY: dict[Kind, Role] = {
    Kind.REQUEST: MS,
    Kind.ASSESSMENT_NOTIFIED: C,
    Kind.COMMISSION_DECISION: C,
    Kind.PROPOSAL: C,
    Kind.EXTENSION: C,
    Kind.REPEAL_PROPOSAL: C,
    Kind.REPORT: C,
    Kind.RECOMMENDATION: C,
    Kind.COUNCIL_DECISION: CO,
    Kind.NEW_DECISION: CO,
    Kind.REPEAL: CO,
    Kind.BULLETIN: SC,
    Kind.CREDIT_NOTIFICATION: MS,  # a contributing state, for itself (Art. 9(5))
    Kind.CREDIT_AUTHORISATION: C,
}
ROLE_NAMES = {
    MS: "the Member State concerned",
    C: "the Commission",
    CO: "the Council",
    SC: "the EU Solidarity Coordinator",
}
#: The fields of a reasoned request that only the Commission, the Council, the Coordinator and
#: the requesting state read (its reasoning, Art. 2(2)(a); the reasons of 10(6)).
REASONING = ("description", "early_registration_reasons")
WITHHELD = "withheld: the reasoning of a reasoned request (Art. 2(2)(a) CFMR) is read by the "
WITHHELD += "institutions and the requesting state only"


def reads_reasoning(actor: Actor, state: str) -> bool:
    """Whether ``actor`` reads the reasoning of ``state``'s request (see the module)."""
    if actor.role in (C, CO, SC):
        return True
    return actor.role is MS and actor.state == state


def shown_payload(kind: str, payload: dict[str, Any], actor: Actor, state: str) -> dict[str, Any]:
    """An act's payload as ``actor`` sees it: a request's reasoning withheld from others."""
    if kind != Kind.REQUEST.value or reads_reasoning(actor, state):
        return dict(payload)
    return {k: (WITHHELD if k in REASONING and v else v) for k, v in payload.items()}


@dataclass(frozen=True, slots=True)
class CrisisEventRecord(Plain):
    """One recorded act of a crisis procedure, as a write answers it and the log records it."""

    kind_name: ClassVar[str] = "crisis_event"
    id: int
    crisis_id: int
    seq: int
    state: str
    kind: str
    on: dt.date
    payload: dict[str, Any]
    actor: str
    role: str
    recorded_at: dt.datetime

    @classmethod
    def of(cls, row: CrisisEventRow, state: str) -> CrisisEventRecord:
        return cls(
            row.id,
            row.crisis_id,
            row.seq,
            state,
            row.kind,
            row.on,
            dict(row.payload or {}),
            row.actor,
            row.role,
            utc(row.recorded_at),
        )

    def shown(self, actor: Actor) -> dict[str, Any]:
        """As ``actor`` sees it (a request's reasoning withheld from others)."""
        out = self.as_dict()
        out["payload"] = shown_payload(self.kind, self.payload, actor, self.state)
        out["article"] = _article(self.kind)
        return out


def _article(kind: str) -> str:
    return ARTICLES[Kind(kind)]


def crisis_dict(row: CrisisRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "state": row.state,
        "requested_on": row.requested_on.isoformat(),
        "synthetic": row.synthetic,
        "actor": row.actor,
        "created_at": utc(row.created_at).isoformat(),
    }


# An idempotent retry is answered from the stored record; `eupact audit verify` replays the
# entries against the rows (a row changed behind the service's back is found).
KINDS.setdefault(CrisisEventRecord.kind_name, CrisisEventRecord)
audit_replay.KINDS.setdefault(
    CrisisEventRecord.kind_name,
    audit_replay.Kind(
        CrisisEventRow.__table__,
        "id",
        {
            **audit_replay._plain("crisis_id", "seq", "kind", "payload", "actor", "role"),
            "on": ("on", audit_replay.DAY),
        },
    ),
)
audit_replay.KINDS.setdefault(
    "crisis",
    audit_replay.Kind(
        CrisisRow.__table__,
        "id",
        {
            **audit_replay._plain("state", "synthetic", "actor"),
            "requested_on": ("requested_on", audit_replay.DAY),
        },
    ),
)

__all__ = [
    "REASONING",
    "RECORDED_BY",
    "ROLE_NAMES",
    "WITHHELD",
    "CrisisEventRecord",
    "crisis_dict",
    "crisis_ics",
    "reads_reasoning",
    "shown_payload",
]


def crisis_ics(
    crisis_id: int, state: CrisisState, stamp: dt.datetime, synthetic: bool = False
) -> bytes:
    """A crisis's due dates as iCalendar (RFC 5545, :func:`eupact.cycle.ical.day_calendar`): one
    all-day event per act the CFMR expects by a date, with who acts, the article, how the date
    was counted and its status; UID stable per crisis and due (``crisis-3-report.2``)."""
    label = " (SYNTHETIC)" if synthetic else ""
    title = f"CFMR crisis {crisis_id}{label} — {state.state}: due dates"
    about = (
        f"The acts Regulation (EU) 2024/1359 (CFMR) expects by a date in {state.state}'s crisis "
        f"procedure {crisis_id}{label}, each with its article, as of {state.as_of.isoformat()}. "
        "A late act of the Commission or the Council stays valid (the law sets a duty to act in "
        "time): the calendar says it was late."
    )
    events = (_due_event(crisis_id, d, synthetic) for d in state.dues)
    return day_calendar(title, about, events, stamp)


def _due_event(crisis_id: int, d: Due, synthetic: bool) -> DayEvent:
    lines = [
        f"Who: {d.by}.",
        f"Legal basis: {d.article}, Regulation (EU) 2024/1359 (CFMR).",
        f"Counted: {d.formula}.",
        f"Status: {d.status.value}"
        + (f" (recorded on {d.done_on.isoformat()})" if d.done_on else "")
        + ".",
    ]
    if synthetic:
        lines.append("SYNTHETIC: a demonstration crisis, not a real one.")
    lines.append(f"From eupact {__version__}; the law's dates, not an official calendar.")
    return DayEvent(
        f"crisis-{crisis_id}-{d.key}@eupact",
        d.due,
        f"{d.what} ({d.article})",
        "\n".join(lines),
        ("CFMR", f"crisis {crisis_id}"),
    )
