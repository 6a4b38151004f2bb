"""The legal calendar on the dashboard: every deadline of a cycle with its article, who acts, its
due date and the date the step was taken (``/calendar``, ``/calendar/{year}``), for everyone or
for one Member State or institution; and the same as iCalendar files to subscribe to
(``/calendar/{year}/{audience}.ics``).

The deadlines, who acts and whom each step concerns are :mod:`eupact.cycle.ical`'s (the command
line's `eupact calendar`); the dates the steps were taken are those the cycle recorded, read
through :class:`CycleService` with the visitor's rights (as ``/`` reads them for its timeline). A
pool year whose cycle has not been opened shows the law's dates only, and says so. Denmark is not
bound by the AMMR (recital 90, Protocol No 22): no calendar is made for it, and the page says why.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi import Path as FastAPIPath
from fastapi.responses import HTMLResponse, Response

from eupact.cycle.ical import (
    FIRST_POOL_YEAR,
    INSTITUTIONS,
    audience,
    calendar_entries,
    calendar_ics,
)
from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Action
from eupact.cycle.service import CycleService
from eupact.errors import EupactError, Problem, echo
from eupact.web import forms, views
from eupact.web.page import Page

#: The pool years a calendar is made for (the first Report was due by 15 October 2025).
LAST_YEAR = 2100
CalendarYear = Annotated[int, FastAPIPath(ge=FIRST_POOL_YEAR, le=LAST_YEAR)]
#: An audience as the address names it: ``all``, an institution, or a bound state's code.
EVERYONE = "all"
_AUDIENCE_CHARS = 20


def recorded_dates(service: CycleService, actor: Actor, year: int) -> dict[Action, dt.date]:
    """The dates the cycle recorded for its steps, as the visitor may read them (the overview's
    timeline reads the same)."""
    cycle = service.get_cycle(actor, year)
    return {
        Action(str(s["action"])): dt.date.fromisoformat(str(s["done"]))
        for s in cycle.calendar
        if s.get("action") and s.get("done")
    }


def chosen_audience(service: CycleService, raw: str, year: int) -> str | None:
    """``raw`` (``?for=`` or the file's name) checked: None for every deadline, an institution,
    or a bound Member State's code; refused naming the field ``for`` and the rule."""
    text = raw.strip()[: _AUDIENCE_CHARS + 1]
    if text in ("", EVERYONE):
        return None
    if len(text) > _AUDIENCE_CHARS:
        rule = (
            "a Member State's code (e.g. DE) or an institution (commission, council, coordinator)"
        )
        raise EupactError([Problem("for", echo(text, quote=False), rule)], "no legal calendar")
    try:
        return audience(text, service.parameters, year)
    except EupactError as exc:
        problems = [Problem("for", echo(text, quote=False), p.rule) for p in exc.problems]
        raise EupactError(problems, exc.summary) from None


def bound_states(service: CycleService, year: int) -> tuple[str, ...]:
    """The Member States bound by the AMMR in the cycle of pool ``year`` (its calendar's)."""
    at = service.parameters.at(dt.date(year - 1, 1, 1))
    return tuple(at("scope.bound_member_states"))


def calendar_rows(
    service: CycleService, year: int, who: str | None, done: dict[Action, dt.date], recorded: bool
) -> list[dict[str, Any]]:
    """One row per deadline that concerns ``who``, in the order of the cycle. Without a recorded
    cycle no step can be known to be late: a past deadline is "not recorded", never "overdue"."""
    today = service.clock().date()
    rows = []
    for e in calendar_entries(year, who, done=done, parameters=service.parameters):
        d = e.deadline
        status = d.status(today)
        if not recorded and status == "overdue":
            status = "not recorded"
        rows.append(
            {
                "uid": e.uid,
                "step": d.step,
                "article": e.article,
                "who": e.step.who,
                "concerns": sorted(e.step.concerns, key=_concern_order),
                "due": d.due.isoformat() if d.due else None,
                "done": d.done.isoformat() if d.done else None,
                "late_by_days": d.late_by,
                "status": status,
                "note": " ".join(text for text in (d.note, e.note, e.then) if text),
            }
        )
    return rows


def _concern_order(name: str) -> int:
    order = ("member_state", *INSTITUTIONS)
    return order.index(name) if name in order else len(order)


def calendar_context(
    service: CycleService, actor: Actor, year: int, raw_for: str
) -> dict[str, Any]:
    """What ``calendar.html`` renders for pool ``year`` and the audience asked (``?for=``)."""
    who = chosen_audience(service, raw_for, year)
    years = views.cycle_years(service, actor)
    recorded = year in years
    done = recorded_dates(service, actor, year) if recorded else {}
    return {
        "year": year,
        "years": sorted({*years, year, current_pool_year(service)}),
        "recorded": recorded,
        "synthetic": recorded and views.synthetic(service, year),
        "who": who,
        "rows": calendar_rows(service, year, who, done, recorded),
        "states": bound_states(service, year),
        "institutions": INSTITUTIONS,
        "today": service.clock().date().isoformat(),
    }


def ics_response(service: CycleService, actor: Actor, year: int, name: str) -> Response:
    """The calendar of pool ``year`` for ``name`` (``all``, an institution, a bound state) as an
    iCalendar attachment, with the dates the cycle recorded."""
    who = chosen_audience(service, name, year)
    recorded = year in views.cycle_years(service, actor)
    done = recorded_dates(service, actor, year) if recorded else {}
    body = calendar_ics(year, who, done=done, stamp=service.clock(), parameters=service.parameters)
    synthetic = recorded and views.synthetic(service, year)
    stem = f"eupact-calendar-{year}-{who or EVERYONE}{'-SYNTHETIC' if synthetic else ''}"
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{stem}.ics"'},
    )


def _default_year(service: CycleService, page: Page) -> int:
    """The pool year shown at ``/calendar``: ``?year=`` (any pool year: the law's dates are
    known before a cycle opens), else the latest cycle (as every page), else the pool the
    cycle running now prepares."""
    asked = forms.year(page.request.query_params)  # the boundary's bounded reader
    if asked is not None and FIRST_POOL_YEAR <= asked <= LAST_YEAR:
        return asked
    year, _ = page.cycle()
    return year if year is not None else current_pool_year(service)


def current_pool_year(service: CycleService) -> int:
    """The pool year the cycle running today prepares (year N's cycle prepares pool N + 1)."""
    return min(max(service.clock().year + 1, FIRST_POOL_YEAR), LAST_YEAR)


def router(service: CycleService) -> APIRouter:
    pages = APIRouter(include_in_schema=False)

    def render(page: Page, year: int) -> HTMLResponse:
        raw = page.request.query_params.get("for", "")
        context = calendar_context(service, page.actor, year, raw)
        return page.render("calendar.html", active="calendar", **context)

    @pages.get("/calendar", response_class=HTMLResponse)
    def calendar(request: Request) -> Response:
        page = Page(service, request)
        return render(page, _default_year(service, page))

    @pages.get("/calendar/{year}", response_class=HTMLResponse)
    def calendar_of(request: Request, year: CalendarYear) -> Response:
        return render(Page(service, request), year)

    @pages.get("/calendar/{year}/{name}.ics")
    def calendar_file(request: Request, year: CalendarYear, name: str) -> Response:
        page = Page(service, request)
        return ics_response(service, page.actor, year, name)

    return pages


__all__ = [
    "bound_states",
    "calendar_context",
    "calendar_rows",
    "chosen_audience",
    "ics_response",
    "recorded_dates",
    "router",
]
