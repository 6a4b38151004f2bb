"""The crisis and force majeure procedure of Regulation (EU) 2024/1359 (CFMR, Arts 2-9): a Member
State opens a crisis with its own reasoned request (Art. 2); the Commission (Arts 3, 4(1), 5(1),
6), the Council (4(3), 5(2), 6(3)) and the EU Solidarity Coordinator (Art. 7) record their acts;
everyone signed in reads where a crisis stands — its phase, due dates with their articles, late
acts flagged (recorded and valid: the law sets a duty to act in time), the periods and the
derogations in force, the next report and bulletin — its Solidarity Response Plan with the
indicative shares (Art. 4), the crisis offsets (Art. 9), its due dates as iCalendar, and the
measures in force on a day (what the responsibility engine reads). A crisis carries an ``ETag``
(the number of its acts): an act recorded with ``If-Match`` is refused if another came first."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from eupact.api.crisis_requests import CrisisActIn, CrisisRequestIn, request_fields
from eupact.api.deps import IfMatch, Key, Service, Who, on_app, perm, version_of
from eupact.boundary.limits import MAX_ID
from eupact.cycle.service.crisis import Crises, CrisisRead
from eupact.cycle.service.crisis_plan import CrisisPlans

router = APIRouter(prefix="/crises", tags=["crisis"])

CrisisPath = Annotated[int, Path(ge=1, le=MAX_ID, description="the crisis's number")]
AsOf = Annotated[
    dt.date | None,
    Query(description="the day the crisis is judged on (default: today, UTC)"),
]
StateFilter = Annotated[str | None, Query(min_length=2, max_length=2, pattern="^[A-Za-z]{2}$")]


def crises_of(request: Request, service: Service) -> Crises:
    """The app's crisis procedure, on the service's context (made once per app)."""
    return on_app(request, "crises", Crises, service)


def plans_of(request: Request, service: Service) -> CrisisPlans:
    """The plan and offsets, on the app's crisis procedure."""
    crises = crises_of(request, service)
    return on_app(request, "crisis_plans", lambda ctx: CrisisPlans(ctx, crises), service)


def _view(read: CrisisRead, who: Any, response: Response) -> dict[str, Any]:
    response.headers["ETag"] = f'"{read.version}"'
    return read.as_dict(who)


def _summary(read: CrisisRead) -> dict[str, Any]:
    s = read.state
    nxt = s.open_dues()
    return {
        "id": read.id,
        "state": read.row.state,
        "synthetic": read.row.synthetic,
        "requested_on": read.row.requested_on.isoformat(),
        "situation_claimed": s.claimed.value,
        "situation": s.situation.value if s.situation else None,
        "phase": s.phase.value,
        "flags": len(s.flags),
        "next": nxt[0].as_dict() if nxt else None,
        "version": read.version,
    }


@router.get("", openapi_extra=perm("crisis.read"))
def list_crises(request: Request, service: Service, who: Who, state: StateFilter = None) -> Any:
    """Every crisis (or one state's), the newest request first: its phase, the situation
    claimed and established, how many flags, the next act due."""
    reads = crises_of(request, service).all(who, state.upper() if state else None)
    return {
        "as_of": service.clock().date().isoformat(),
        "items": [_summary(r) for r in reads],
        "total": len(reads),
    }


@router.post("", status_code=201, openapi_extra=perm("crisis.request"))
def open_crisis(
    request: Request,
    service: Service,
    who: Who,
    response: Response,
    body: CrisisRequestIn,
    key: Key = None,
) -> Any:
    """A Member State's reasoned request (Art. 2 CFMR), for itself only: a new crisis, judged as
    of today. Refused for a state not bound by the CFMR (Denmark) and while another crisis of
    the state is open (Art. 5(2)-(3))."""
    crises = crises_of(request, service)
    saved = crises.open(who, request_fields(body), body.date, key)
    response.headers["Location"] = f"/api/v1/crises/{saved.crisis_id}"
    return {
        "act": saved.shown(who),
        "crisis": _view(crises.get(who, saved.crisis_id), who, response),
    }


@router.get("/in-force", openapi_extra=perm("crisis.read"))
def in_force(
    request: Request,
    service: Service,
    who: Who,
    on: Annotated[dt.date | None, Query(description="default: today (UTC)")] = None,
    state: StateFilter = None,
) -> Any:
    """The Council implementing decisions whose measures apply on ``on`` (Art. 4(5), 5 CFMR):
    state, situation, derogations with their periods — what the responsibility engine and the
    border procedure read."""
    day = on or service.clock().date()
    found = crises_of(request, service).in_force(who, day, state.upper() if state else None)
    return {"on": day.isoformat(), "items": [m.as_dict() for m in found], "total": len(found)}


@router.get("/{crisis_id}", openapi_extra=perm("crisis.read"))
def get_crisis(
    request: Request,
    service: Service,
    who: Who,
    crisis_id: CrisisPath,
    response: Response,
    as_of: AsOf = None,
) -> Any:
    """Where the crisis stands on ``as_of``: phase, due dates (article, count, status), flags
    (late acts, overdue acts), periods and the 12-month limit (Art. 5(3)), the measures in force,
    the next report (6(4)) and bulletin (Art. 7), the acts recorded; with its ETag."""
    return _view(crises_of(request, service).get(who, crisis_id, as_of), who, response)


@router.post("/{crisis_id}/events", status_code=201, openapi_extra=perm("crisis.record"))
def record_act(
    request: Request,
    service: Service,
    who: Who,
    crisis_id: CrisisPath,
    response: Response,
    body: CrisisActIn,
    if_match: IfMatch = None,
    key: Key = None,
) -> Any:
    """An institution's act: the Commission's notice, decision, proposal, extension, repeal
    proposal, report or recommendation; the Council's decision, new decision or repeal; the
    Coordinator's bulletin; the Commission's credit authorisation (Art. 9(5)); and, by a
    contributing Member State for itself, its credit notification (Art. 9(5), first
    subparagraph), refused above what the crisis offsets put above its fair share (9(1)(b)). A
    late act is recorded and flagged; an act out of order or against the CFMR is refused with
    its article."""
    crises = crises_of(request, service)
    version = None
    if if_match is not None:
        read = if_match.strip().removeprefix("W/").strip('"')
        version = 0 if read == "0" else version_of(if_match)
    saved = crises.record(
        who, crisis_id, body.kind, body.fields(), body.date, if_match=version, key=key
    )
    return {"act": saved.shown(who), "crisis": _view(crises.get(who, crisis_id), who, response)}


@router.get("/{crisis_id}/plan", openapi_extra=perm("crisis.read"))
def plan(request: Request, service: Service, who: Who, crisis_id: CrisisPath) -> Any:
    """The Solidarity Response Plan (Art. 4(2)(b), 4(5)(b), 8(1) CFMR): the needs (from the
    latest Council decision, else the proposal, else the request), what is drawn from the
    Annual Solidarity Pool's pledges, the additional pledges needed, each other state's
    indicative contribution by the reference key of Art. 66 AMMR; the recorded figures beside
    the computed ones; the [reading]s."""
    return plans_of(request, service).plan(who, crisis_id)


@router.get("/{crisis_id}/offsets", openapi_extra=perm("crisis.read"))
def offsets(
    request: Request,
    service: Service,
    who: Who,
    crisis_id: CrisisPath,
    whole_gap: Annotated[
        bool,
        Query(
            description="assume every contributing state holds the whole gap (the upper bound "
            "the Art. 9(5) credits are checked against) instead of counting the Dublin workspace"
        ),
    ] = False,
) -> Any:
    """Crisis responsibility offsets (Art. 9 CFMR): whether the pledges fall below the
    relocation needs, each contributing state's offsets within and above its fair share (the
    applications it holds counted in the Dublin workspace today, or ``whole_gap``), what is
    left for the reconvened High-Level Forum (9(2)), the credits against future fair shares
    for five years (9(4))."""
    return plans_of(request, service).offsets(who, crisis_id, upper_bound=whole_gap)


@router.get(
    "/{crisis_id}/calendar.ics",
    openapi_extra=perm("crisis.read"),
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
def calendar(request: Request, service: Service, who: Who, crisis_id: CrisisPath) -> Response:
    """The crisis's due dates as iCalendar (RFC 5545): one all-day event each, with who acts,
    the article, how the date was counted and its status."""
    body = crises_of(request, service).ics(who, crisis_id)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="crisis-{crisis_id}.ics"'},
    )
