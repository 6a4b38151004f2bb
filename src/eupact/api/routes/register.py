"""The Pact's obligations register and each party's progress on it (issue 19 item 2): the curated
obligations, every party's status with ``late`` and ``done late`` computed by the service from
the register's fixed dates (a date on a weekend does not move), the state × building block
matrix, a party's checklist and its upcoming duties as iCalendar. Everyone signed in reads;
a Member State records its own progress, an institution its own (the Commission also the
agencies')."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from eupact.api.deps import IfMatch, Key, Limit, Offset, Service, Who, on_app, perm, version_of
from eupact.api.register_requests import RegisterProgressIn
from eupact.cycle.service.register import RegisterProgress
from eupact.cycle.service.register_records import PARTY_NAMES
from eupact.cycle.service.register_rules import count

router = APIRouter(prefix="/register", tags=["register"])

PARTY = "^[A-Za-z_]{2,32}$"
GeoPath = Annotated[
    str,
    Path(
        min_length=2,
        max_length=32,
        pattern=PARTY,
        description="a Member State's geo code (EL = Greece), or an institution or agency "
        "(commission, council, coordinator, euaa, ...)",
    ),
]
PartyQuery = Annotated[str | None, Query(min_length=2, max_length=32, pattern=PARTY)]
BlockQuery = Annotated[
    int | None, Query(ge=1, le=10, description="a building block of the Common Implementation Plan")
]


def progress_of(request: Request, service: Service) -> RegisterProgress:
    """The app's register progress, on the service's context (made once per app)."""
    return on_app(request, "register", RegisterProgress, service)


@router.get("/obligations", openapi_extra=perm("register.read"))
def obligations(
    request: Request,
    service: Service,
    who: Who,
    block: BlockQuery = None,
    act: Annotated[str | None, Query(max_length=16)] = None,
    addressee: Annotated[str | None, Query(max_length=32)] = None,
) -> Any:
    """The register's obligations (each citing its article), by act and article; filtered by
    building block, act (ammr, apr, eurodac, ...) or addressee (member_states, commission, ...)."""
    items = progress_of(request, service).obligations(who, block, act, addressee)
    return {"items": items, "total": len(items)}


@router.get("/progress", openapi_extra=perm("register.read"))
def progress(
    request: Request,
    service: Service,
    who: Who,
    state: PartyQuery = None,
    block: BlockQuery = None,
    offset: Offset = 0,
    limit: Limit = 1000,
) -> Any:
    """Every party's progress on every obligation it owes (nothing recorded: not started),
    with the occurrence it is about, ``late`` (not done, its date passed) and ``done_late``."""
    views = progress_of(request, service).progress(who, state, block)
    return {
        "as_of": service.clock().date().isoformat(),
        "items": [v.as_dict() for v in views[offset : offset + limit]],
        "total": len(views),
        "offset": offset,
        "limit": limit,
    }


@router.post("/progress", status_code=201, openapi_extra=perm("register.write"))
def record(
    request: Request,
    service: Service,
    who: Who,
    body: RegisterProgressIn,
    if_match: IfMatch = None,
    key: Key = None,
) -> Any:
    """Record a party's status on one obligation (appended: the history is kept); If-Match, if
    sent, is the version of the party's progress on it that was read (``"0"``: none)."""
    register = progress_of(request, service)
    version = None
    if if_match is not None:
        read = if_match.strip().removeprefix("W/").strip('"')
        version = 0 if read == "0" else version_of(if_match)
    saved = register.record(
        who,
        body.obligation_id,
        body.status,
        party=body.party,
        status_date=body.status_date,
        due_on=body.due_on,
        evidence=body.evidence,
        if_match=version,
        key=key,
    )
    (view,) = [v for v in register.progress(who, saved.party) if v.ob.id == saved.obligation_id]
    return {"record": saved.as_dict(), "progress": view.as_dict()}


@router.get("/matrix", openapi_extra=perm("register.read"))
def matrix(request: Request, service: Service, who: Who, block: BlockQuery = None) -> Any:
    """Member State × building block: how many of each state's obligations are not started,
    in progress, done (done late among them) or late; the institutions' and agencies' rows."""
    return progress_of(request, service).matrix(who, block)


@router.get("/checklist/{geo}", openapi_extra=perm("register.read"))
def checklist(request: Request, service: Service, who: Who, geo: GeoPath) -> Any:
    """A party's obligations with their status, due date and lateness, soonest due first."""
    register = progress_of(request, service)
    views = register.checklist(who, geo)
    party = register.party(geo, "geo")
    return {
        "party": party,
        "name": PARTY_NAMES.get(party, party),
        "as_of": service.clock().date().isoformat(),
        "counts": count(views),
        "items": [v.as_dict() for v in views],
    }


@router.get(
    "/{geo}.ics",
    openapi_extra=perm("register.read"),
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
def upcoming_ics(
    request: Request,
    service: Service,
    who: Who,
    geo: GeoPath,
    until: Annotated[dt.date | None, Query(description="default: two years ahead")] = None,
) -> Response:
    """The party's duties that fall due from today to ``until`` and are not recorded as done,
    one all-day event each, as iCalendar (RFC 5545)."""
    body = progress_of(request, service).ics(who, geo, until)
    name = geo.lower() if len(geo) > 2 else geo.upper()
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="register-{name}.ics"'},
    )
