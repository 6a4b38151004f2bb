"""What the ``/plan`` pages show of the obligations register (issue 19 item 3), as plain values:
the ten building blocks with their obligations and next milestones, the state × block matrix,
one block's obligations, the milestones 2024–2028 by year and quarter, a state's checklist, the
rows of the CSV/XLSX downloads and a state's upcoming duties as iCalendar.

Nothing here reads a database: the progress of each state (its status of each obligation, the
date, the evidence, whether it is late) comes in as :data:`Progress`, read through the service
by :mod:`eupact.web.plan_pages` with the visitor's rights. An obligation addressed to the Member
States that a state has not recorded is "not started" (never "done"); whether it is late is the
service's to say (its one time engine), not this module's. A cell of the matrix counts each
obligation once, in one of :data:`CATEGORIES` (late apart from its status), as the service does.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eupact.register import ACTS, Addressee, Block, Kind, Obligation
from eupact.web.i18n import N_

#: The timeline's span: from the acts' entry into force to two years after they apply.
TIMELINE_START = dt.date(2024, 1, 1)
TIMELINE_END = dt.date(2028, 12, 31)
#: Next milestones shown per building block.
NEXT_MILESTONES = 3

#: The building blocks' titles, marked for translation (the register's own are English).
BLOCK_TITLES: dict[int, str] = {
    1: N_("Eurodac"),
    2: N_("A new system at the external borders"),
    3: N_("Reception"),
    4: N_("Fair, efficient and convergent asylum procedures"),
    5: N_("Fair and effective return"),
    6: N_("Making the new responsibility rules work"),
    7: N_("Solidarity"),
    8: N_("Preparedness, contingency and crisis response"),
    9: N_("Safeguards and fundamental-rights monitoring"),
    10: N_("Resettlement, inclusion and integration"),
}
ADDRESSEES: dict[str, str] = {
    Addressee.MEMBER_STATES: N_("Member States"),
    Addressee.COMMISSION: N_("European Commission"),
    Addressee.COUNCIL: N_("Council"),
    Addressee.EUROPEAN_PARLIAMENT: N_("European Parliament"),
    Addressee.EUAA: N_("European Union Agency for Asylum"),
    Addressee.FRONTEX: N_("European Border and Coast Guard Agency"),
    Addressee.EU_LISA: N_("eu-LISA"),
    Addressee.FRA: N_("Fundamental Rights Agency"),
    Addressee.COORDINATOR: N_("EU Solidarity Coordinator"),
    Addressee.HIGH_LEVEL_FORUM: N_("High-Level EU Solidarity Forum"),
}
#: A state's status of an obligation (nothing recorded: not started); late is apart.
STATUSES = ("done", "in_progress", "not_started")
#: The matrix's categories, exclusive (late: not done and its date passed), as the service counts.
CATEGORIES = ("done", "in_progress", "not_started", "late")
STATUS_LABELS: dict[str, str] = {
    "done": N_("done"),
    "in_progress": N_("in progress"),
    "not_started": N_("not started"),
    "late": N_("late"),
}
#: A symbol beside each status (never colour alone); hidden from screen readers, which read
#: the words.
STATUS_SYMBOLS = {"done": "✓", "in_progress": "◐", "not_started": "○", "late": "⚠"}
BLOCKS = tuple(Block)


@dataclass(frozen=True, slots=True)
class Status:
    """One state's status of one obligation, as the service reads it (late is the service's)."""

    status: str = "not_started"  # one of STATUSES
    late: bool = False  # not done, and the occurrence shown has passed
    done_late: bool = False
    on: dt.date | None = None  # the date of the status recorded
    due: dt.date | None = None  # the occurrence the status is about
    evidence: str = ""  # a link or a note
    recorded: bool = False

    @property
    def category(self) -> str:
        return "late" if self.late else self.status


#: (state, obligation id) → its status; missing: nothing recorded (not started).
Progress = Mapping[tuple[str, str], Status]
NOT_RECORDED = Status()


def binds(act: str, geo: str) -> bool:
    """Whether ``act`` binds Member State ``geo``: Denmark takes part in Eurodac only (its 2006
    agreement with the Union; Protocol No 22), as the service's rules say."""
    return geo != "DK" or act == "eurodac"


def for_states(o: Obligation) -> bool:
    return o.addressee is Addressee.MEMBER_STATES


def when(o: Obligation) -> dict[str, Any]:
    """When an obligation falls due, as the pages say it: a date, how often, or a time limit
    counted from an event (the event in the register's words, English)."""
    return {
        "kind": o.kind.value,
        "due": o.due.isoformat() if o.due else None,
        "recurrence": o.recurrence,
        "period": o.period,
        "after": o.after,
    }


def recurrence_words(recurrence: str) -> dict[str, Any]:
    """``yearly 10-15`` → {"yearly": "10-15"}; ``every 3 years 2027-06-12`` → {"every": 3,
    "first": "2027-06-12"} (the template says it in the page's language)."""
    parts = recurrence.split()
    if parts[:1] == ["yearly"] and len(parts) == 2:
        return {"yearly": parts[1]}
    if parts[:1] == ["every"] and len(parts) == 4:
        return {"every": int(parts[1]), "first": parts[3]}
    return {"raw": recurrence}


def period_words(period: str) -> dict[str, Any]:
    """``2 weeks`` → {"period_n": 2, "period_unit": "week"} (said in the page's language)."""
    parts = period.split()
    if len(parts) == 2 and parts[0].isdigit():
        return {"period_n": int(parts[0]), "period_unit": parts[1].rstrip("s")}
    return {"period_n": None, "period_unit": ""}


def obligation_row(o: Obligation, today: dt.date) -> dict[str, Any]:
    """One obligation as the pages show it (the duty, subject and note in English)."""
    upcoming = o.due_dates(today, TIMELINE_END)
    return {
        "id": o.id,
        "anchor": o.id.replace(".", "-"),
        "act": o.act,
        "act_title": ACTS[o.act][0],
        "act_short": ACTS[o.act][1],
        "article": o.article,
        "paragraph": o.paragraph,
        "cite": o.cite(),
        "subject": o.subject,
        "block": int(o.block),
        "addressee": o.addressee.value,
        "for_states": for_states(o),
        "duty": o.duty,
        "note": o.note,
        "since": o.since.isoformat(),
        "next_due": upcoming[0].isoformat() if upcoming else None,
        "recurrence_words": recurrence_words(o.recurrence) if o.recurrence else None,
        **period_words(o.period),
        **when(o),
    }


def status_of(progress: Progress, geo: str, o: Obligation) -> Status:
    return progress.get((geo, o.id), NOT_RECORDED)


def status_row(s: Status) -> dict[str, Any]:
    return {
        "status": s.status,
        "category": s.category,
        "late": s.late,
        "done_late": s.done_late,
        "recorded": s.recorded,
        "occurrence": s.due.isoformat() if s.due else None,
        "on": s.on.isoformat() if s.on else None,
        "evidence": s.evidence,
        "evidence_link": s.evidence if s.evidence.startswith(("https://", "http://")) else "",
    }


def counts(statuses: Iterable[Status]) -> dict[str, int]:
    """How many in each of :data:`CATEGORIES` (they add up to the total), and how many of the
    done were done late."""
    found = list(statuses)
    c = Counter(s.category for s in found)
    out = {k: c.get(k, 0) for k in CATEGORIES}
    out["done_late"] = sum(1 for s in found if s.done_late)
    out["total"] = len(found)
    return out


def milestones(
    register: Sequence[Obligation], start: dt.date, end: dt.date
) -> list[tuple[dt.date, Obligation]]:
    """Every date an obligation falls due between ``start`` and ``end``, in order."""
    out = [(d, o) for o in register for d in o.due_dates(start, end)]
    return sorted(out, key=lambda item: (item[0], item[1].id))


def blocks_summary(
    register: Sequence[Obligation],
    today: dt.date,
    states: Sequence[str],
    progress: Progress | None,
) -> list[dict[str, Any]]:
    """Each building block: its obligations (how many, how many for the Member States), its
    next milestones, and, with progress, the states' statuses counted over its obligations."""
    out = []
    for block in BLOCKS:
        mine = [o for o in register if o.block is block]
        upcoming = milestones(mine, today, TIMELINE_END)[:NEXT_MILESTONES]
        row: dict[str, Any] = {
            "n": int(block),
            "obligations": len(mine),
            "for_states": sum(1 for o in mine if for_states(o)),
            "next": [{"date": d.isoformat(), **obligation_row(o, today)} for d, o in upcoming],
            "progress": None,
        }
        if progress is not None:
            row["progress"] = counts(
                status_of(progress, g, o)
                for g in states
                for o in mine
                if for_states(o) and binds(o.act, g)
            )
        out.append(row)
    return out


def matrix(
    register: Sequence[Obligation], states: Sequence[str], progress: Progress
) -> list[dict[str, Any]]:
    """One row per state, one cell per building block: its statuses counted over the block's
    obligations addressed to the Member States, and each obligation's article and status (what
    the cell reveals on hover and focus)."""
    by_block = {b: [o for o in register if o.block is b and for_states(o)] for b in BLOCKS}
    rows = []
    for geo in states:
        cells = []
        for block in BLOCKS:
            items = [(o, status_of(progress, geo, o)) for o in by_block[block] if binds(o.act, geo)]
            cells.append(
                {
                    "block": int(block),
                    "counts": counts(s for _, s in items),
                    "groups": [
                        (k, [o.cite() for o, s in items if s.category == k])
                        for k in ("late", "not_started", "in_progress", "done")
                        if any(s.category == k for _, s in items)
                    ],
                }
            )
        rows.append({"geo": geo, "cells": cells})
    return rows


def block_context(
    register: Sequence[Obligation],
    block: Block,
    today: dt.date,
    states: Sequence[str],
    progress: Progress | None,
) -> dict[str, Any]:
    """One building block's obligations; for those addressed to the Member States, each
    state's status grouped by status (late ones named apart)."""
    rows = []
    for o in register:
        if o.block is not block:
            continue
        row = obligation_row(o, today)
        if progress is not None and for_states(o):
            statuses = {g: status_of(progress, g, o) for g in states if binds(o.act, g)}
            row["states"] = {
                k: [g for g, s in statuses.items() if s.category == k] for k in CATEGORIES
            }
        rows.append(row)
    return {
        "block": int(block),
        "rows": rows,
        "for_states": sum(1 for r in rows if r["for_states"]),
    }


def timeline(register: Sequence[Obligation], today: dt.date) -> dict[str, Any]:
    """The milestones of 2024–2028 by year, then quarter; the time limits that run from an
    event have no date of their own and are listed apart."""
    years: dict[int, dict[int, list[dict[str, Any]]]] = {}
    for d, o in milestones(register, TIMELINE_START, TIMELINE_END):
        quarter = (d.month - 1) // 3 + 1
        item = {"date": d.isoformat(), "past": d < today, **obligation_row(o, today)}
        years.setdefault(d.year, {}).setdefault(quarter, []).append(item)
    return {
        "years": [
            {"year": y, "quarters": [{"q": q, "items": items} for q, items in sorted(qs.items())]}
            for y, qs in sorted(years.items())
        ],
        "count": sum(len(i) for qs in years.values() for i in qs.values()),
        "time_limits": [obligation_row(o, today) for o in register if o.kind is Kind.TIME_LIMIT],
        "start": TIMELINE_START.year,
        "end": TIMELINE_END.year,
    }


def checklist(
    register: Sequence[Obligation], geo: str, today: dt.date, progress: Progress | None
) -> list[dict[str, Any]]:
    """A state's own checklist: every obligation addressed to the Member States, its status,
    the date recorded, whether late, the evidence; by building block, then act and article."""
    out = []
    for o in sorted(register, key=lambda x: int(x.block)):
        if not for_states(o) or not binds(o.act, geo):
            continue
        s = status_of(progress, geo, o) if progress is not None else NOT_RECORDED
        out.append({**obligation_row(o, today), **status_row(s)})
    return out


# -- downloads ------------------------------------------------------------------------------------


def register_rows(register: Sequence[Obligation]) -> list[dict[str, Any]]:
    """The register as a table (CSV, XLSX): one row per obligation."""
    return [
        {
            "id": o.id,
            "act": ACTS[o.act][0],
            "article": o.article,
            "paragraph": o.paragraph,
            "citation": o.cite(),
            "subject": o.subject,
            "block": int(o.block),
            "block_title": o.block.title,
            "addressee": o.addressee.value,
            "duty": o.duty,
            "kind": o.kind.value,
            "due": o.due,
            "recurrence": o.recurrence,
            "period": o.period,
            "after": o.after,
            "note": o.note,
            "in_force_since": o.since,
        }
        for o in register
    ]


def checklist_rows(
    register: Sequence[Obligation], geo: str, today: dt.date, progress: Progress | None
) -> list[dict[str, Any]]:
    """A state's checklist as a table (CSV, XLSX)."""
    return [
        {
            "member_state": geo,
            "id": r["id"],
            "citation": r["cite"],
            "block": r["block"],
            "block_title": BLOCK_TITLES[r["block"]],
            "duty": r["duty"],
            "kind": r["kind"],
            "due": r["due"] or "",
            "recurrence": r["recurrence"],
            "period": r["period"],
            "after": r["after"],
            "next_due": r["next_due"] or "",
            "status": r["status"],
            "late": "yes" if r["late"] else "no",
            "occurrence": r["occurrence"] or "",
            "recorded_on": r["on"] or "",
            "done_late": "yes" if r["done_late"] else "no",
            "evidence": r["evidence"],
            "note": r["note"],
        }
        for r in checklist(register, geo, today, progress)
    ]


__all__ = [
    "ADDRESSEES",
    "BLOCK_TITLES",
    "CATEGORIES",
    "NOT_RECORDED",
    "STATUSES",
    "STATUS_LABELS",
    "STATUS_SYMBOLS",
    "TIMELINE_END",
    "TIMELINE_START",
    "Progress",
    "Status",
    "binds",
    "block_context",
    "blocks_summary",
    "checklist",
    "checklist_rows",
    "counts",
    "matrix",
    "milestones",
    "obligation_row",
    "register_rows",
    "timeline",
]
