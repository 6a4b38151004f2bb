"""The register's progress as a write answers it and the audit log records it (a recorded
status), an obligation as the API shows it, and a party's upcoming duties as iCalendar (RFC 5545,
in the shape of :mod:`eupact.cycle.ical`); with the audit replay's knowledge of the
``obligation_progress`` table (``eupact audit verify`` finds a row changed behind the
service's back)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from eupact import __version__
from eupact.cycle import audit_replay
from eupact.cycle.ical import INSTITUTION_NAMES, DayEvent, day_calendar
from eupact.cycle.records import KINDS, Plain, utc
from eupact.cycle.service import register_rules as rules
from eupact.cycle.store.register import ObligationProgressRow
from eupact.register import ACTS, Obligation

PARTY_NAMES = {
    **INSTITUTION_NAMES,
    "european_parliament": "the European Parliament",
    "euaa": "the European Union Agency for Asylum",
    "frontex": "the European Border and Coast Guard Agency (Frontex)",
    "eu_lisa": "eu-LISA",
    "fra": "the European Union Agency for Fundamental Rights",
    "high_level_forum": "the High-Level EU Solidarity Forum",
}


@dataclass(frozen=True, slots=True)
class ProgressRecord(Plain):
    """One recorded status, as a write answers it and the audit log records it."""

    kind_name: ClassVar[str] = "register_progress"
    id: int
    obligation_id: str
    party: str
    status: str
    status_date: dt.date
    due_on: dt.date | None
    evidence: str
    actor: str
    recorded_at: dt.datetime
    version: int

    @classmethod
    def of(cls, row: ObligationProgressRow) -> ProgressRecord:
        return cls(
            row.id,
            row.obligation_id,
            row.party,
            row.status,
            row.status_date,
            row.due_on,
            row.evidence,
            row.actor,
            utc(row.recorded_at),
            row.version,
        )


# An idempotent retry is answered from the stored record; `eupact audit verify` replays the
# entries against the rows (a row changed behind the service's back is found).
KINDS.setdefault(ProgressRecord.kind_name, ProgressRecord)
audit_replay.KINDS.setdefault(
    ProgressRecord.kind_name,
    audit_replay.Kind(
        ObligationProgressRow.__table__,
        "id",
        {
            **audit_replay._plain(
                "obligation_id", "party", "status", "evidence", "actor", "version"
            ),
            **{d: (d, audit_replay.DAY) for d in ("status_date", "due_on")},
        },
    ),
)


def status_of(row: ObligationProgressRow) -> rules.Status:
    return rules.Status(
        row.id,
        row.status,
        row.status_date,
        row.due_on,
        row.evidence,
        row.actor,
        utc(row.recorded_at),
        row.version,
    )


def obligation_dict(ob: Obligation) -> dict[str, Any]:
    return {
        "id": ob.id,
        "act": ob.act,
        "act_title": ACTS[ob.act][0],
        "article": ob.article,
        "paragraph": ob.paragraph,
        "cite": ob.cite(),
        "subject": ob.subject,
        "block": int(ob.block),
        "block_title": ob.block.title,
        "addressee": ob.addressee.value,
        "recorded_by": str(rules.RECORDED_BY[ob.addressee]),
        "duty": ob.duty,
        "kind": ob.kind.value,
        "due": ob.due.isoformat() if ob.due else None,
        "recurrence": ob.recurrence,
        "period": ob.period,
        "after": ob.after,
        "note": ob.note,
        "since": ob.since.isoformat(),
    }


def upcoming_ics(
    party: str, items: list[tuple[Obligation, dt.date, str]], stamp: dt.datetime
) -> bytes:
    name = PARTY_NAMES.get(party, party)
    about = (
        f"The duties of {name} under the ten acts of the Pact on Migration and Asylum that fall "
        "due on a fixed date and are not recorded as done, each with its article."
    )
    events = (_duty_event(party, name, ob, due, status) for ob, due, status in items)
    return day_calendar(f"Pact obligations register — {name}", about, events, stamp)


def _duty_event(party: str, name: str, ob: Obligation, due: dt.date, status: str) -> DayEvent:
    lines = [
        f"{ob.duty[:1].upper()}{ob.duty[1:]}.",
        f"Who: {name}.",
        f"Legal basis: {ob.cite()}, {ACTS[ob.act][0]}; building block {int(ob.block)}: "
        f"{ob.block.title}.",
        f"Recorded status: {status.replace('_', ' ')}.",
        "A fixed date: it does not move when it falls on a weekend or a holiday (not a "
        "procedural time limit of Art. 75 AMMR).",
    ]
    if ob.note:
        lines.append(ob.note)
    lines.append(f"From eupact {__version__}; the law's dates, not an official calendar.")
    return DayEvent(
        f"register-{ob.id}-{party}-{due.isoformat()}@eupact",
        due,
        f"{ob.duty} ({ob.cite()})",
        "\n".join(lines),
        ("Pact", ACTS[ob.act][1], f"Block {int(ob.block)}"),
    )


__all__ = ["PARTY_NAMES", "ProgressRecord", "obligation_dict", "status_of", "upcoming_ics"]
