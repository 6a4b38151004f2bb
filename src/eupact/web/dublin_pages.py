"""The Dublin units' case workspace on the dashboard (Part III AMMR; issue 16 item 5):

- ``/dublin`` — the cases the signed-in unit sees: reference, holder, the state where the person
  is, the state responsible with the article that makes it so, the route, the next time limit
  (what, the last day with its weekday, who acts) and every time limit missed, in words with its
  consequence; sorted by the next last day (or by reference), or only the cases with a time
  limit missed (a GET form: no JavaScript needed; the table also sorts in the browser);
- ``/dublin/{ref}`` — one case's determination: the state responsible, the route, the basis, the
  chain of articles in order with the facts each read, every time limit (its article, who acts,
  whose calendar moved its last day, start, period, last day, status, what follows if missed,
  the days moved past and why), the flags and readings, and whether it may be taken as a
  responsibility offset (Art. 63(8)) with the reasons it may not; where a Council implementing
  decision under Regulation (EU) 2024/1359 (CFMR) changed a time limit (Art. 12(2), 12(4) CFMR),
  the article applied, the decision and the AMMR limit it replaced with the day that limit would
  have ended, and the transfers suspended to the state facing the crisis (Art. 12(4) CFMR);
- ``/dublin/deadlines.ics`` — the unit's open time limits as iCalendar (one all-day event each).

Every read goes through the service (:class:`~eupact.cycle.service.dublin.DublinCases`) with the
visitor's actor: a Member State sees the cases it holds or that concern it, any other case is a
404 as if it did not exist; which cases each actor sees is the service's rule, not this page's.
The pages are for signed-in users (a visitor is sent to the sign-in page): the cases concern
persons, pseudonymous as they are. The demo's cases are SYNTHETIC (``SYN-`` references) and
labelled so on every row and page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape

from eupact.cycle.service import CycleService
from eupact.cycle.service.dublin import CaseRead, DublinCases
from eupact.cycle.service.dublin_facts import check_ref, deadlines_ics
from eupact.errors import Forbidden, NotFound, Problem
from eupact.responsibility import Deadline, Decision, Step
from eupact.responsibility.synthetic import PREFIX as SYNTHETIC_PREFIX
from eupact.web import dublin_text
from eupact.web.page import Page

#: Cases read for one list page, the most recently changed first (the page says how many more).
MAX_CASES = 500
SORTS = ("due", "ref")


def synthetic(ref: str) -> bool:
    """A case of the seeded generator or the demo (``SYN-`` references): never a real person."""
    return ref.startswith(SYNTHETIC_PREFIX)


def _deadline(d: Deadline, lang: str, today: dt.date) -> dict[str, Any]:
    shown = dublin_text.shown
    return {
        "id": d.id,
        "what": shown(d.what, lang),
        "article": d.article,
        "acting_state": d.acting_state,
        "calendar": [s for s in d.calendar.split("+") if s],
        "start": d.start.isoformat(),
        "start_event": shown(d.start_event, lang),
        "period": shown(d.period, lang),
        "period_end": d.period_end.isoformat(),
        "due": d.due.isoformat(),
        "due_shown": dublin_text.dated(d.due, lang),
        "days_left": (d.due - today).days,
        "status": d.status.value,
        "done_on": d.done_on.isoformat() if d.done_on else None,
        "if_missed": shown(d.if_missed, lang),
        "skipped": [dublin_text.skipped(s, lang) for s in d.skipped],
        # Art. 12 CFMR: what a Council implementing decision changed (None: the AMMR's own limit)
        "crisis": dublin_text.derogation(d.derogation_detail, lang),
    }


def suspensions(d: Decision, lang: str) -> list[dict[str, Any]]:
    """Art. 12(4) CFMR: the transfers to the state facing the crisis the determination
    suspended (the data of the engine's ``12(4) CFMR`` steps)."""
    return [dublin_text.suspension(s.detail, lang) for s in d.chain if s.detail is not None]


def step_facts(step: Step, lang: str) -> list[tuple[str, Markup]]:
    """The facts a step read: dates as the pages show them (with their weekday, in the page's
    language), anything else in the engine's words."""
    out = []
    for (name, words), value in zip(step.facts, step.values.values(), strict=True):
        if isinstance(value, dt.date):
            out.append((name, dublin_text.dated(value, lang)))
        elif isinstance(value, int) and not isinstance(value, bool):
            out.append((name, escape(words)))
        else:
            out.append((name, dublin_text.english(words)))
    return out


def case_row(ref: str, holder: str, decision: Decision, lang: str) -> dict[str, Any]:
    """One line of ``/dublin``: the case, its state responsible, its next time limit and the
    time limits missed."""
    nxt = decision.next_deadline()
    today = decision.as_of
    return {
        "ref": ref,
        "synthetic": synthetic(ref),
        "holder": holder,
        "present_state": decision.present_state,
        "responsible_state": decision.responsible_state,
        "basis": decision.basis,
        "route": decision.route.value,
        "next": None if nxt is None else _deadline(nxt, lang, today),
        "missed": [_deadline(d, lang, today) for d in decision.overdue()],
        "manual_review": decision.manual_review,
    }


def sort_rows(rows: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    """By the next last day, earliest first (cases with no open time limit last), or by reference."""
    if by == "ref":
        return sorted(rows, key=lambda r: r["ref"])
    return sorted(
        rows, key=lambda r: (r["next"] is None, r["next"]["due"] if r["next"] else "", r["ref"])
    )


def case_detail(read: CaseRead, lang: str) -> dict[str, Any]:
    """What ``dublin_case.html`` shows of one case read through the service."""
    d = read.decision
    ref = read.row.case_ref
    return {
        **case_row(ref, read.row.holder_state, d, lang),
        "as_of": d.as_of.isoformat(),
        "as_of_shown": dublin_text.dated(d.as_of, lang),
        "version": read.row.version,
        "criterion": d.criterion,
        "criterion_state": d.criterion_state,
        "determining_state": d.determining_state,
        "take_back_to": d.take_back_to,
        "snapshot_date": d.snapshot_date.isoformat(),
        "eurodac_basis": d.eurodac_basis,
        "chain": [
            {"article": s.article, "outcome": s.outcome, "facts": step_facts(s, lang)}
            for s in d.chain
        ],
        "deadlines": [_deadline(x, lang, d.as_of) for x in d.deadlines],
        "suspended": suspensions(d, lang),
        "flags": [{"code": f.code, "text": f.text, "reading": f.reading} for f in d.flags],
        "readings": list(d.readings),
        "offsets_eligible": d.offsets_eligible,
        "offsets_reasons": [dublin_text.shown(r, lang) for r in d.offsets_reasons],
        "discretionary_clause_available": d.discretionary_clause_available,
        "candidates": list(d.candidates),
        "requests": read.requests,
        "observed": read.observed,
    }


# -- reading through the service ---------------------------------------------------------------


def _signed_in(page: Page) -> None:
    if not page.signed_in:
        raise Forbidden(
            [Problem("session", "", "sign in with your Dublin unit's token first")],
            "not signed in",
        )


def case_reads(cases: DublinCases, page: Page) -> tuple[list[CaseRead], int]:
    """The cases the visitor sees (the service's list, each read with its decision as of
    today), at most :data:`MAX_CASES`, and how many there are. A case the list named but the
    read no longer shows (its responsibility moved in between) is left out."""
    items, total = cases.page(page.actor, 0, MAX_CASES)
    reads = []
    for item in items:
        try:
            reads.append(cases.get(page.actor, str(item["ref"])))
        except NotFound:
            total -= 1
    return reads, total


def list_context(service: CycleService, cases: DublinCases, page: Page) -> dict[str, Any]:
    query = page.request.query_params
    by = query.get("sort", "due")
    by = by if by in SORTS else "due"
    overdue_only = query.get("overdue", "") in ("1", "on", "yes")
    reads, total = case_reads(cases, page)
    rows = [case_row(r.row.case_ref, r.row.holder_state, r.decision, page.lang) for r in reads]
    shown = [r for r in rows if r["missed"]] if overdue_only else rows
    return {
        "rows": sort_rows(shown, by),
        "total": total,
        "listed": len(rows),
        "overdue_cases": sum(1 for r in rows if r["missed"]),
        "sort": by,
        "overdue_only": overdue_only,
        "any_synthetic": any(r["synthetic"] for r in rows),
        "today": service.clock().date().isoformat(),
        "today_shown": dublin_text.dated(service.clock().date(), page.lang),
        "unit": page.actor.state,
    }


def ics_response(service: CycleService, cases: DublinCases, page: Page) -> Response:
    """The visitor's open time limits (a Member State: those it must act on; the Commission and
    the Coordinator: every state's) as an iCalendar attachment."""
    title, items = cases.open_deadlines(page.actor)
    body = deadlines_ics(items, title, stamp=service.clock())
    who = page.actor.state or "all"
    label = "-SYNTHETIC" if any(synthetic(ref) for ref, _ in items) else ""
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="eupact-dublin-{who}{label}.ics"',
            "Cache-Control": "no-store",
        },
    )


def router(service: CycleService) -> APIRouter:
    pages = APIRouter(include_in_schema=False)
    cases = DublinCases(service.ctx)  # the API's workspace on the same context (stateless)

    def sign_in_first(path: str) -> Response:
        return RedirectResponse(f"/signin?next={path}", status_code=303)

    @pages.get("/dublin", response_class=HTMLResponse)
    def case_list(request: Request) -> Response:
        page = Page(service, request)
        if not page.signed_in:
            return sign_in_first("/dublin")
        context = list_context(service, cases, page)
        # the cycle's banner speaks of its pledges; these pages say which cases are SYNTHETIC
        return page.render("dublin_cases.html", active="dublin", synthetic=False, **context)

    # before /dublin/{ref}: "deadlines.ics" is no case reference
    @pages.get("/dublin/deadlines.ics")
    def deadlines(request: Request) -> Response:
        page = Page(service, request)
        _signed_in(page)
        return ics_response(service, cases, page)

    @pages.get("/dublin/{ref}", response_class=HTMLResponse)
    def case(request: Request, ref: str) -> Response:
        page = Page(service, request)
        if not page.signed_in:
            return sign_in_first("/dublin")
        check_ref(ref)  # a malformed reference is refused before any database read
        read = cases.get(page.actor, ref)
        context = case_detail(read, page.lang)
        return page.render("dublin_case.html", active="dublin", synthetic=False, case=context)

    return pages


__all__ = [
    "MAX_CASES",
    "case_detail",
    "case_reads",
    "case_row",
    "ics_response",
    "list_context",
    "router",
    "sort_rows",
    "suspensions",
    "synthetic",
]
