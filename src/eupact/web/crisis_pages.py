"""The crisis and force majeure procedure on the dashboard (Regulation (EU) 2024/1359, CFMR,
Arts 2-9):

- ``/crises`` — every crisis: the requesting state, the day of its reasoned request (Art. 2),
  the situation claimed and established (Art. 3(8)), the phase, the next act due (who, what,
  the article, the day with its weekday) and how many flags (a late act: recorded and valid);
- ``/crises/{id}`` — one crisis: its due dates in time order with their status in words (done,
  done late, pending, overdue) and how each date was counted, the flags, the acts recorded, the
  periods and the 12-month limit (Art. 5), the derogations in force with their articles and
  dates (Arts 10-13), the Solidarity Response Plan with each state's indicative contribution
  (Art. 4(2)(b), 4(5)(b)); its due dates as a calendar (``/crises/{id}/calendar.ics``).

Every read goes through the service (:class:`~eupact.cycle.service.crisis.Crises`,
:class:`~eupact.cycle.service.crisis_plan.CrisisPlans`) with the visitor's actor: a visitor who
is not signed in is an observer, who reads the institutions' acts but not a request's reasoning
(withheld as the service withholds it). The demo's crisis is SYNTHETIC and says so. The
procedure's own words (what a due date asks, how it was counted, a flag) are English, marked
``lang="en"``; the page's words are in the page's language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from eupact.boundary.limits import MAX_ID
from eupact.crisis.measures import Derogation
from eupact.crisis.state import Due
from eupact.cycle.service import CycleService
from eupact.cycle.service.crisis import Crises, CrisisRead
from eupact.cycle.service.crisis_plan import CrisisPlans
from eupact.errors import EupactError
from eupact.web import dublin_text
from eupact.web.i18n import N_
from eupact.web.page import Page

PHASES = {
    "assessing": N_("the Commission assesses the request"),
    "not established": N_("situation not established"),
    "established": N_("situation established"),
    "proposed": N_("a proposal awaits the Council"),
    "adopted": N_("decided; the measures do not apply yet"),
    "applying": N_("the measures apply"),
    "ended": N_("the period is over"),
    "repealed": N_("repealed"),
}
SITUATIONS = {
    "mass_arrivals": N_("mass arrivals (Art. 1(4)(a))"),
    "instrumentalisation": N_("instrumentalisation (Art. 1(4)(b))"),
    "force_majeure": N_("force majeure (Art. 1(5))"),
}
STATUSES = {
    "done": N_("done"),
    "done late": N_("done late"),
    "pending": N_("pending"),
    "overdue": N_("overdue"),
    "not recorded here": N_("not recorded here"),
}
DUES = {
    "commission_decision": N_("Commission implementing decision on the situation"),
    "council_decision": N_("Council implementing decision on the proposal"),
    "report": N_("Commission report on the application of the decision"),
    "bulletin": N_("Coordinator's bulletin on relocation"),
    "strategy_revision": N_("national strategy revised where necessary"),
}
ACTS = {
    "request": N_("reasoned request"),
    "assessment_notified": N_("notice of the assessment"),
    "commission_decision": N_("Commission implementing decision"),
    "proposal": N_("proposal for a Council implementing decision"),
    "council_decision": N_("Council implementing decision"),
    "extension": N_("extension on the Commission's confirmation"),
    "new_decision": N_("new Council implementing decision"),
    "repeal_proposal": N_("proposal to repeal"),
    "repeal": N_("repeal"),
    "report": N_("report"),
    "bulletin": N_("bulletin"),
    "recommendation": N_("recommendation of an expedited procedure"),
}
BY = {
    "Commission": N_("the Commission"),
    "Council": N_("the Council"),
    "EU Solidarity Coordinator": N_("the EU Solidarity Coordinator"),
}
DEROGATIONS = {
    Derogation.REGISTRATION: N_("registration within four weeks"),
    Derogation.BORDER_EXTENSION: N_("border procedure up to six weeks longer"),
    Derogation.BORDER_NOT_J: N_("Art. 42(1)(j) APR cases not examined in the border procedure"),
    Derogation.BORDER_THRESHOLD: N_("Art. 42(1)(j) APR threshold lowered from 20 %% to 5 %%"),
    Derogation.BORDER_MERITS: N_("merits in the border procedure up to 50 %%"),
    Derogation.BORDER_INSTRUMENTALISATION: N_("border procedure for instrumentalised persons"),
    Derogation.TIME_LIMITS: N_("Dublin time limits extended; transfers to the state suspended"),
    Derogation.TAKE_BACK_RELEASE: N_("released from taking back"),
}


def _due(d: Due, today: dt.date, lang: str) -> dict[str, Any]:
    base = d.key.split(".")[0]
    return {
        "key": d.key,
        "what": DUES.get(base, d.what),
        "known": base in DUES,
        "what_en": d.what,
        "by": d.by,
        "article": d.article,
        "due": d.due.isoformat(),
        "due_shown": dublin_text.dated(d.due, lang),
        "days_left": (d.due - today).days,
        "formula": d.formula,
        "status": d.status.value,
        "done_on": d.done_on.isoformat() if d.done_on else None,
    }


def summary(read: CrisisRead, lang: str) -> dict[str, Any]:
    """One row of ``/crises``."""
    s = read.state
    nxt = s.open_dues()
    return {
        "id": read.id,
        "state": read.row.state,
        "synthetic": read.row.synthetic,
        "requested_on": read.row.requested_on.isoformat(),
        "requested_shown": dublin_text.dated(read.row.requested_on, lang),
        "claimed": s.claimed.value,
        "situation": s.situation.value if s.situation else None,
        "phase": s.phase.value,
        "flags": len(s.flags),
        "next": _due(nxt[0], s.as_of, lang) if nxt else None,
    }


def detail(read: CrisisRead, plans: CrisisPlans, page: Page) -> dict[str, Any]:
    """What ``crisis.html`` shows of one crisis read through the service."""
    s, lang = read.state, page.lang
    view = read.as_dict(page.actor)
    in_force = []
    for m in s.measures_on(s.as_of):
        for d in sorted(m.derogations, key=lambda x: x.value):
            until = m.derogation_until(d)
            in_force.append(
                {
                    "decision": m.decision,
                    "article": d.value,
                    "name": DEROGATIONS[d],
                    "from": m.applies_from.isoformat(),
                    "until": until.isoformat() if until else "",
                }
            )
    try:
        plan: dict[str, Any] | None = plans.plan(page.actor, read.id)
        plan_refused = ""
    except EupactError as refused:
        plan, plan_refused = None, refused.problems[0].rule if refused.problems else ""
    rows = []
    if plan is not None:
        for geo, row in plan["computed"]["indicative_contributions"].items():
            rows.append(
                {"state": geo, "relocations": row["relocations"], "financial": row["financial"]}
            )
    return {
        **summary(read, lang),
        "as_of": s.as_of.isoformat(),
        "as_of_shown": dublin_text.dated(s.as_of, lang),
        "dues": sorted(
            (_due(d, s.as_of, lang) for d in s.dues), key=lambda x: (x["due"], x["key"])
        ),
        "flags": [f.as_dict() for f in s.flags],
        "acts": [
            {
                "seq": a["seq"],
                "kind": a["kind"],
                "name": ACTS.get(a["kind"], a["kind"]),
                "article": a["article"],
                "on": a["on"],
                "on_shown": dublin_text.dated(a["on"], lang),
                "reference": a["payload"].get("reference", ""),
                "role": a["role"],
            }
            for a in view["acts"]
        ],
        "periods": view["periods"],
        "latest_end": view["latest_end"],
        "days_of_application": view["days_of_application"],
        "in_force": in_force,
        "plan": plan,
        "plan_rows": rows,
        "plan_refused": plan_refused,
        "reasoning_withheld": view.get("request_reasoning") == "withheld",
    }


def router(service: CycleService) -> APIRouter:
    pages = APIRouter(include_in_schema=False)
    crises = Crises(service.ctx)  # the API's procedure on the same context
    plans = CrisisPlans(service.ctx, crises)

    @pages.get("/crises", response_class=HTMLResponse)
    def crisis_list(request: Request) -> Response:
        page = Page(service, request)
        reads = crises.all(page.actor)
        rows = [summary(r, page.lang) for r in reads]
        today = service.clock().date()
        in_force = crises.in_force(page.actor, today)
        return page.render(
            "crisis_list.html",
            active="crises",
            synthetic=False,
            rows=rows,
            any_synthetic=any(r["synthetic"] for r in rows),
            in_force=[m.as_dict() for m in in_force],
            today_shown=dublin_text.dated(today, page.lang),
            phases=PHASES,
            by=BY,
            acts=ACTS,
        )

    @pages.get("/crises/{crisis_id}/calendar.ics")
    def calendar(request: Request, crisis_id: int = Path(ge=1, le=MAX_ID)) -> Response:
        page = Page(service, request)
        body = crises.ics(page.actor, crisis_id)
        return Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="crisis-{crisis_id}.ics"'},
        )

    @pages.get("/crises/{crisis_id}", response_class=HTMLResponse)
    def crisis(request: Request, crisis_id: int = Path(ge=1, le=MAX_ID)) -> Response:
        page = Page(service, request)
        read = crises.get(page.actor, crisis_id)
        context = detail(read, plans, page)
        return page.render(
            "crisis.html",
            active="crises",
            synthetic=False,
            c=context,
            phases=PHASES,
            by=BY,
            acts=ACTS,
        )

    return pages


__all__ = [
    "ACTS",
    "DEROGATIONS",
    "DUES",
    "PHASES",
    "SITUATIONS",
    "STATUSES",
    "detail",
    "router",
    "summary",
]
