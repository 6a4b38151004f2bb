"""The audit trail as the dashboard shows it: each entry with the Member State behind its actor,
the states it concerns, and when the step it records took effect besides when it was recorded;
filtered by state, step and date.

The audit log itself is not changed: it keeps when each entry was written. When a step took
effect is read from the record the entry holds (a request's, a decision's, a use of the pool's
own date) or, for a step of the cycle, from the legal calendar's date it was done; where there
is none, the step took effect when it was recorded, and the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eupact.cycle.permissions import Actor
from eupact.cycle.service import CycleService
from eupact.errors import EupactError

#: The field of a record that says when the step it records took effect, by audit action (the
#: audit log keeps when each entry was recorded; the record, e.g. a decision, names its own date).
EFFECTIVE_FIELDS: dict[str, str] = {
    "deduction.request": "requested_on",
    "deduction.assess": "assessed_on",
    "deduction.decide": "decided_on",
    "offset.request": "requested_on",
    "offset.reply": "replied_on",
    "offset.identify": "replied_on",
    "implementation.record": "on",
    "confirmation.record": "confirmed_on",
    "pool_use.inform": "informed_on",
    "notification.create": "notified_on",
    "notification.decide": "decided_on",
    "notification.refuse": "refused_on",
    "shortcomings.record": "decided_on",
}
#: The fields of a record that name a Member State it concerns.
STATE_FIELDS = ("state", "benefitting_state", "contributing_state")


@dataclass(frozen=True)
class AuditFilter:
    """The audit page's filters (``?state=&action=&since=&until=``); empty: no filter. A date
    is the day a step took effect, or else the day it was recorded."""

    state: str = ""
    action: str = ""
    since: str = ""
    until: str = ""

    def __bool__(self) -> bool:
        return any((self.state, self.action, self.since, self.until))

    def keeps(self, entry: dict[str, Any]) -> bool:
        day = entry["effective"] or entry["at"][:10]
        return (
            (not self.state or self.state in entry["states"])
            and (not self.action or entry["action"] == self.action)
            and (not self.since or day >= self.since)
            and (not self.until or day <= self.until)
        )


def effective_date(entry: dict[str, Any], done: dict[str, str]) -> tuple[str | None, str]:
    """When the step an audit entry records took effect, and where that date comes from: the
    record's own date (a decision's, a request's), the legal calendar's for a step of the cycle
    (``done``: action → date), else None (it took effect when it was recorded)."""
    action = entry["action"]
    after = entry["after"] or {}
    field = EFFECTIVE_FIELDS.get(action)
    if field and isinstance(after.get(field), str):
        return after[field][:10], field
    if action.startswith("cycle."):
        step = action.removeprefix("cycle.")
        if step in done:
            return done[step], "calendar"
    return None, ""


def states_of(entry: dict[str, Any], holder_state: str | None) -> list[str]:
    """The Member States an audit entry concerns: the state whose token acted, and the states
    its record names (a pledge's state, an offsets request's two states)."""
    found = {holder_state} if holder_state else set()
    for record in (entry["before"], entry["after"]):
        if isinstance(record, dict):
            found.update(
                str(record[f]) for f in STATE_FIELDS if isinstance(record.get(f), str) and record[f]
            )
    return sorted(found)


def audit_entries(service: CycleService, actor: Actor, year: int | None) -> list[dict[str, Any]]:
    """Every audit entry, with the state behind its actor, the states it concerns and when its
    step took effect (the audit trail is the institutions' only: refused to others)."""
    total = service.audit_log(actor, 0, 1)[1]
    holders = service.reads.audit_actors(actor)
    done: dict[str, str] = {}
    if year is not None:
        try:
            calendar = service.get_cycle(actor, year).calendar
        except EupactError:
            calendar = ()
        done = {str(s["action"]): str(s["done"]) for s in calendar if s["action"] and s["done"]}
    entries = []
    for start in range(0, total, 1000):
        for e in service.audit_log(actor, start, 1000)[0]:
            entry = e.as_dict()
            holder = holders.get(e.actor, {})
            entry["actor_state"] = holder.get("state")
            entry["states"] = states_of(entry, holder.get("state"))
            entry["effective"], entry["effective_source"] = effective_date(entry, done)
            entries.append(entry)
    return entries


def audit(
    service: CycleService,
    actor: Actor,
    offset: int,
    limit: int,
    year: int | None = None,
    chosen: AuditFilter | None = None,
) -> dict[str, Any]:
    chosen = chosen or AuditFilter()
    everything = audit_entries(service, actor, year)
    kept = [e for e in everything if chosen.keeps(e)]
    return {
        "entries": kept[offset : offset + limit],
        "total": len(kept),
        "unfiltered": len(everything),
        "offset": offset,
        "limit": limit,
        "filter": chosen,
        "actions": sorted({e["action"] for e in everything}),
        "states": sorted({g for e in everything for g in e["states"]}),
        "verify": service.verify_audit(actor),
    }


__all__ = [
    "EFFECTIVE_FIELDS",
    "AuditFilter",
    "audit",
    "audit_entries",
    "effective_date",
    "states_of",
]
