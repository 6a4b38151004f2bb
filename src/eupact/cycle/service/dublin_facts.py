"""The Dublin workspace's pure part: a stored case read as the engine's :class:`Case` on a day,
each message written into the case's facts (``procedure``), and what the engine's answer means
for the workflow — each request's state (accepted, refused, accepted by silence ...), what the
service observes by itself (acceptance or confirmation by silence, Art. 40(8), 41(4);
responsibility moved by a missed time limit, Art. 39(1), 46(2)), a case as an offset case of
Art. 63(8), and the open time limits as iCalendar events.

No database here: :mod:`eupact.cycle.service.dublin` stores and authorises, this module computes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from eupact import __version__
from eupact.cycle.ical import DayEvent, day_calendar
from eupact.errors import EupactError, Problem, echo
from eupact.pool.offset_cases import OffsetCase
from eupact.responsibility import Case, Deadline, Decision, Status, read_case

# the case model's rules for a reference and a date (eupact.responsibility.model)
PSEUDONYM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
LATEST = dt.date(2100, 12, 31)
MAX_FACTS_BYTES = 256 * 1024  # a case's facts as JSON: far above any real file
MAX_NOTE = 2000
REQUEST_KINDS = {
    "take_charge": "take_charge_request",  # Art. 39
    "take_back": "take_back_notification",  # Art. 41(1)
    "information": "information_request",  # Art. 51
}
# what the addressee of each kind may answer, and the message it becomes
REPLIES = {
    "take_charge_request": {"accept": "reply_accept", "refuse": "reply_refuse"},
    "take_back_notification": {"confirm": "reply_confirm", "rebut": "reply_rebut"},
    "information_request": {"information": "reply_information"},
}
REASONED = frozenset({"refuse", "rebut"})  # Art. 40(6) second subparagraph, 41(3)
TRANSFERS = {
    "decision": "transfer_decision",  # Art. 42(1)
    "done": "transfer_done",  # Art. 46(1)
    "extension": "transfer_extension",  # Art. 46(2)
}
# The engine's reply time limits (the spec's T-numbers): take charge (40(1), (2), (7), 45(2)),
# take back (41(3)); missed without a reply on time, the request is accepted (40(8)) or the
# notification confirmed (41(4)) by silence.
TAKE_CHARGE_REPLIES = frozenset({"T11", "T12", "T13", "T22"})
TAKE_BACK_REPLIES = frozenset({"T15"})
# Responsibility moved by a missed time limit: the request (39(1) third subparagraph) or the
# transfer (46(2), 37(1)); the time limits whose miss moves it.
SHIFTS = {"39(1)": ("T6", "T7", "T21"), "46(2)": ("T24", "T25", "T26", "T27", "T23")}
SHIFT_ARTICLES = {"39(1)": "Art. 39(1), third subparagraph AMMR", "46(2)": "Art. 46(2) AMMR"}
# procedure facts written only through messages (a PUT of the facts keeps them as recorded)
OWNED = (
    "requests",
    "info_requests",
    "transfer_decision_notified_on",
    "transfer_done_on",
    "imprisonment",
    "absconding",
)


def kind_of(kinds: dict[str, str], kind: str) -> str:
    """The message a ``kind`` of request or transfer is, or an error naming the kinds."""
    found = kinds.get(kind)
    if found is None:
        raise EupactError([Problem("kind", kind, f"one of: {', '.join(kinds)}")])
    return found


def check_ref(ref: str, field: str = "ref") -> str:
    """``ref`` as a pseudonymous case reference, or an error naming the rule."""
    if not isinstance(ref, str) or not PSEUDONYM.fullmatch(ref):
        raise EupactError(
            [
                Problem(
                    field,
                    ref,
                    "a pseudonymous reference: 1–64 letters, digits, '.', '_', ':' or '-', "
                    "starting with a letter or digit (never a name)",
                )
            ],
            "case refused",
        )
    return ref


def canonical(facts: dict[str, Any]) -> bytes:
    """The facts as the JSON their size and digest are measured on."""
    return json.dumps(facts, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def copied(facts: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of stored facts to change: the row's own value must stay as loaded, or the
    ORM, comparing the old value with the new, would see no change to write."""
    copy: dict[str, Any] = json.loads(json.dumps(facts))
    return copy


def digest(facts: Any) -> str:
    return hashlib.sha256(canonical(facts if isinstance(facts, dict) else {})).hexdigest()


def case_on(facts: Any, on: dt.date, location: str = "facts") -> Case:
    """The stored or sent ``facts`` read as a case on ``on`` (their ``as_of`` is the service's:
    the day of the write, or the day a reader asks about); refused in words, never raised
    otherwise."""
    if not isinstance(facts, dict):
        raise EupactError(
            [Problem("facts", echo(facts, 60), "a case: a JSON object of dated facts")],
            "case refused",
        )
    size = len(canonical(facts))
    if size > MAX_FACTS_BYTES:
        raise EupactError(
            [
                Problem(
                    "facts",
                    f"{size:,} bytes",
                    f"at most {MAX_FACTS_BYTES:,} bytes (256 KiB) of JSON for one case",
                )
            ],
            "case refused",
        )
    return read_case({**facts, "as_of": on.isoformat()}, location)


def stored(case: Case) -> dict[str, Any]:
    """The case as ``dublin_cases.facts`` keeps it."""
    return case.model_dump(mode="json")


def latest_fact(facts: dict[str, Any]) -> dt.date | None:
    """The latest date among the facts (``as_of`` apart; an ``until`` may lie ahead)."""
    found: list[dt.date] = []

    def walk(value: Any, key: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k not in ("as_of", "until"):
                    walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and len(value) == 10 and value[4] == "-":
            with contextlib.suppress(ValueError):
                found.append(dt.date.fromisoformat(value))

    walk(facts, "")
    return max(found, default=None)


def check_as_of(facts: dict[str, Any], as_of: dt.date) -> None:
    """A reader's ``as_of``: not before the case's latest fact, not after 2100."""
    latest = latest_fact(facts)
    if latest is not None and as_of < latest:
        raise EupactError(
            [
                Problem(
                    "as_of",
                    as_of,
                    f"on or after the case's latest fact ({latest.isoformat()}): the "
                    "determination reads the facts known on that day",
                )
            ]
        )
    if as_of > LATEST:
        raise EupactError([Problem("as_of", as_of, f"on or before {LATEST.isoformat()}")])


def holder_problem(decision: Decision, state: str) -> Problem | None:
    """Why ``state`` may not hold the case: it is held by the state that runs the procedure,
    the determining state (Art. 38(1): the state of first registration, or of relocation), or
    for a take back the state where the person is and that notifies (Art. 38(4), 41(1))."""
    if decision.determining_state == state:
        return None
    if decision.route.value == "take_back" and decision.present_state == state:
        return None
    return Problem(
        "applications",
        decision.determining_state,
        f"the case is held by the state that determines the state responsible: "
        f"{decision.determining_state} (Art. 38(1), first registration) — or, for a take back, "
        f"the state where the person is ({decision.present_state}, Art. 41(1)); this token is "
        f"{state}'s",
    )


# -- messages into facts ----------------------------------------------------------------------


def _procedure(facts: dict[str, Any]) -> dict[str, Any]:
    procedure = facts.setdefault("procedure", {})
    if not isinstance(procedure, dict):
        raise EupactError([Problem("procedure", echo(procedure, 60), "a JSON object")])
    return procedure


def _append(facts: dict[str, Any], key: str, item: dict[str, Any]) -> int:
    procedure = _procedure(facts)
    items = list(procedure.get(key) or [])
    items.append(item)
    procedure[key] = items
    return len(items) - 1


def add_request(facts: dict[str, Any], kind: str, m: dict[str, Any]) -> int:
    """A request, notification or request for information in the facts; its index."""
    if kind == "information_request":
        return _append(
            facts,
            "info_requests",
            {
                "from_state": m["from_state"],
                "to_state": m["to_state"],
                "received_on": (m["received_on"] or m["sent_on"]).isoformat(),
            },
        )
    request: dict[str, Any] = {
        "kind": "take_charge" if kind == "take_charge_request" else "take_back",
        "from_state": m["from_state"],
        "to_state": m["to_state"],
        "sent_on": m["sent_on"].isoformat(),
        "article": m["article"],
        "based_on_hit": m["based_on_hit"],
    }
    if m["received_on"] is not None:
        request["received_on"] = m["received_on"].isoformat()
    if m.get("urgent_period_days") is not None:
        request["urgent_period_days"] = m["urgent_period_days"]
    return _append(facts, "requests", request)


def add_reply(
    facts: dict[str, Any], request_kind: str, index: int, answer: str, on: dt.date, **extra: Any
) -> None:
    procedure = _procedure(facts)
    if request_kind == "information_request":
        items = [dict(i) for i in procedure.get("info_requests") or []]
        items[index]["replied_on"] = on.isoformat()
        withheld = bool(extra.get("withheld_responsibility_information"))
        items[index]["withheld_responsibility_information"] = withheld
        procedure["info_requests"] = items
        return
    items = [dict(r) for r in procedure.get("requests") or []]
    reply: dict[str, Any] = {"kind": answer, "date": on.isoformat()}
    if extra.get("fraud_after_issue"):
        reply["fraud_after_issue"] = True
    items[index]["reply"] = reply
    procedure["requests"] = items


def add_transfer(facts: dict[str, Any], kind: str, on: dt.date, ext: dict[str, Any]) -> None:
    procedure = _procedure(facts)
    if kind == "transfer_decision":
        procedure["transfer_decision_notified_on"] = on.isoformat()
    elif kind == "transfer_done":
        procedure["transfer_done_on"] = on.isoformat()
    elif ext["reason"] == "imprisonment":
        period = {"start": ext["start"].isoformat()}
        if ext.get("end") is not None:
            period["end"] = ext["end"].isoformat()
        _append(facts, "imprisonment", period)
    else:
        absconding = {"kind": ext["reason"], "informed_on": ext["informed_on"].isoformat()}
        if ext.get("reappeared_on") is not None:
            absconding["reappeared_on"] = ext["reappeared_on"].isoformat()
        _append(facts, "absconding", absconding)


def add_offset(facts: dict[str, Any], contributing: str, on: dt.date) -> None:
    """Art. 63(6): the contributing state identified the application as an offset."""
    offsets = list(facts.get("offsets") or [])
    offsets.append({"state": contributing, "date": on.isoformat()})
    facts["offsets"] = offsets


def merged(sent: Case, kept: dict[str, Any]) -> dict[str, Any]:
    """The facts an update sends, with the procedure the messages recorded: a part left out
    (empty) is kept as recorded; a part sent differently is refused."""
    new = stored(sent)
    old = _procedure(json.loads(json.dumps(kept)))
    procedure = new.setdefault("procedure", {})
    problems = []
    for key in OWNED:
        value, recorded = procedure.get(key), old.get(key)
        if value in (None, []) or value == recorded:
            procedure[key] = recorded if recorded is not None else value
        else:
            problems.append(
                Problem(
                    f"procedure.{key}",
                    echo(value, 80),
                    "recorded by the case's messages (POST …/requests, …/reply, …/transfer), "
                    "not by an update: send it as read, or leave it out",
                )
            )
    if problems:
        raise EupactError(problems, "case refused")
    return new


# -- the engine's answer, for the workflow ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Observation:
    """What the service finds by itself on a case, once (audited the first time)."""

    key: str
    on: dt.date
    article: str
    what: dict[str, Any]


def deemed_on(decision: Decision, deadline: Deadline) -> dt.date:
    """The day of an acceptance or confirmation by silence (AMBIG-21: the last day of the reply
    period, or the day after, per the reading the engine applied)."""
    reading = dict(decision.readings).get("deemed_acceptance_date", "last_day_of_period")
    return deadline.due if reading == "last_day_of_period" else deadline.due + dt.timedelta(days=1)


def reply_deadline(decision: Decision, message: dict[str, Any]) -> Deadline | None:
    """The engine's time limit for the reply to a request or notification, if it computes one
    (it follows the earliest request to the state it designates)."""
    ids = TAKE_CHARGE_REPLIES if message["kind"] == "take_charge_request" else TAKE_BACK_REPLIES
    received = message["received_on"] or message["sent_on"]
    for d in decision.deadlines:
        if d.id in ids and d.acting_state == message["to_state"] and d.start == received:
            return d
    return None


_STATES = {
    "reply_accept": "accepted",
    "reply_refuse": "refused",
    "reply_confirm": "confirmed",
    "reply_rebut": "rebutted",
    "reply_information": "answered",
}


def request_states(
    decision: Decision, messages: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[Observation]]:
    """Each request, notification and request for information with its state, and the
    acceptances and confirmations by silence the engine's time limits show."""
    replies = {m["request_id"]: m for m in messages if m["kind"] in _STATES}
    out: list[dict[str, Any]] = []
    seen: list[Observation] = []
    for m in messages:
        if m["kind"] not in REPLIES:
            continue
        reply = replies.get(m["id"])
        state, on = "pending", None
        if reply is not None:
            state, on = _STATES[reply["kind"]], reply["sent_on"]
        row: dict[str, Any] = {
            "id": m["id"],
            "kind": m["kind"],
            "from_state": m["from_state"],
            "to_state": m["to_state"],
            "sent_on": m["sent_on"].isoformat(),
            "received_on": (m["received_on"] or m["sent_on"]).isoformat(),
            "article": m["article"],
            "reply_due": None,
            "reply": None if reply is None else {"id": reply["id"], "kind": reply["kind"]},
        }
        if m["kind"] != "information_request":
            d = reply_deadline(decision, m)
            if d is None:
                row["note"] = (
                    "no reply time limit computed: the engine follows the earliest request to "
                    f"the state it designates ({decision.criterion_state})"
                )
            else:
                row["reply_due"] = d.due.isoformat()
                late = reply is None or reply["sent_on"] > d.due
                if d.status is Status.MISSED and late:
                    take_charge = m["kind"] == "take_charge_request"
                    state = "deemed_accepted" if take_charge else "deemed_confirmed"
                    on = deemed_on(decision, d)
                    article = "Art. 40(8) AMMR" if take_charge else "Art. 41(4) AMMR"
                    seen.append(
                        Observation(
                            f"deemed:{m['id']}",
                            on,
                            article,
                            {
                                "request": m["id"],
                                "state": state,
                                "on": on.isoformat(),
                                "by": m["to_state"],
                                "reply_due": d.due.isoformat(),
                                "deadline": d.id,
                            },
                        )
                    )
        row["state"] = state
        row["state_on"] = on.isoformat() if on else None
        out.append(row)
    return out, seen


def shift_of(decision: Decision) -> Observation | None:
    """Responsibility moved by a missed time limit (Art. 39(1) third subparagraph, 46(2))."""
    ids = SHIFTS.get(decision.basis)
    if ids is None:
        return None
    missed = [d for d in decision.deadlines if d.id in ids and d.status is Status.MISSED]
    if not missed:
        return None
    d = min(missed, key=lambda x: x.due)
    return Observation(
        f"shift:{decision.basis}:{decision.responsible_state}",
        d.due,
        SHIFT_ARTICLES[decision.basis],
        {
            "basis": decision.basis,
            "responsible_state": decision.responsible_state,
            "criterion_state": decision.criterion_state,
            "deadline": d.id,
            "due": d.due.isoformat(),
            "if_missed": d.if_missed,
        },
    )


def transfer_partner(decision: Decision, states: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The request or notification accepted or confirmed (explicitly or by silence) whose
    transfer the holder carries out, or None."""
    done = ("accepted", "confirmed", "deemed_accepted", "deemed_confirmed")
    found = [r for r in states if r["state"] in done]
    return found[0] if found else None


# -- Art. 63(8): a case as an offset case -----------------------------------------------------

_REQUEST_LIMITS = frozenset({"T6", "T7", "T21"})
_TRANSFER_LIMITS = frozenset({"T23", "T24", "T25", "T26", "T27"})


def offset_case(ref: str, case: Case, decision: Decision) -> OffsetCase:
    """The case as the offsets workflow reads it (:class:`eupact.pool.offset_cases.OffsetCase`):
    the state responsible benefits; the article is the criterion's number; the time limit is the
    earliest request or transfer time limit not met (none running: nothing can expire)."""
    article = re.match(r"\d+", decision.basis)
    limits = [
        d.due
        for d in decision.deadlines
        if d.id in _REQUEST_LIMITS | _TRANSFER_LIMITS and d.status is not Status.MET
    ]
    return OffsetCase(
        case=ref,
        benefitting_state=decision.responsible_state,
        responsibility_article=article.group() if article else decision.basis,
        unaccompanied_minor=any("63(8)(a)" in r for r in decision.offsets_reasons),
        transfer_time_limit=min(limits) if limits else dt.date.max,
        absconded_from=decision.present_state if case.procedure.absconding else "",
        beneficiary_of_protection=case.applicant.beneficiary_of_protection,
        admitted_person=case.applicant.admitted_by is not None,
        finally_rejected=any(a.final_rejection_or_withdrawal for a in case.applications),
    )


def offset_case_dict(c: OffsetCase) -> dict[str, Any]:
    limit = c.transfer_time_limit
    return {
        "case": c.case,
        "benefitting_state": c.benefitting_state,
        "responsibility_article": c.responsibility_article,
        "unaccompanied_minor": c.unaccompanied_minor,
        "transfer_time_limit": None if limit in (None, dt.date.max) else limit.isoformat(),
        "absconded_from": c.absconded_from,
        "beneficiary_of_protection": c.beneficiary_of_protection,
        "admitted_person": c.admitted_person,
        "finally_rejected": c.finally_rejected,
    }


# -- the open time limits as iCalendar --------------------------------------------------------


def deadlines_ics(
    items: list[tuple[str, Deadline]], title: str, stamp: dt.datetime | None = None
) -> bytes:
    """One all-day event per open time limit: UID stable per case, time limit and start,
    SUMMARY the case and what is due with its article."""
    about = (
        "The open time limits of the procedures for determining the Member State responsible "
        "(Part III, Regulation (EU) 2024/1351, AMMR), each with its article and what follows if "
        "it is missed."
    )
    return day_calendar(title, about, (_deadline_event(ref, d) for ref, d in items), stamp)


def _deadline_event(ref: str, d: Deadline) -> DayEvent:
    lines = [
        f"Case {ref}: {d.what}.",
        f"Who: {d.acting_state}.",
        f"Legal basis: Art. {d.article} AMMR; {d.period} from {d.start_event} "
        f"({d.start.isoformat()}), last day {d.due.isoformat()}.",
    ]
    if d.if_missed:
        lines.append(f"If missed: {d.if_missed}.")
    if d.skipped:
        lines.append("Moved past: " + "; ".join(d.skipped) + ".")
    lines.append(f"From eupact {__version__}; the law's dates, not an official calendar.")
    return DayEvent(
        f"dublin-{ref}-{d.id}-{d.start.isoformat()}@eupact",
        d.due,
        f"{ref}: {d.what} (Art. {d.article} AMMR)",
        "\n".join(lines),
        ("AMMR", "Part III"),
    )


__all__ = [
    "MAX_FACTS_BYTES",
    "OWNED",
    "REPLIES",
    "REQUEST_KINDS",
    "TRANSFERS",
    "Observation",
    "add_offset",
    "add_reply",
    "add_request",
    "add_transfer",
    "case_on",
    "check_as_of",
    "check_ref",
    "copied",
    "deadlines_ics",
    "digest",
    "holder_problem",
    "kind_of",
    "latest_fact",
    "merged",
    "offset_case",
    "offset_case_dict",
    "request_states",
    "shift_of",
    "stored",
    "transfer_partner",
]
