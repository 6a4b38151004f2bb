"""The Dublin units' case workflow (Part III AMMR, Arts. 38–46, 51, 63(8)): cases held by the state
that runs the procedure, requests and replies between Member States, transfers, the engine's
decision on every read, the open time limits as iCalendar, the cases a responsibility offset
may take. A case another state cannot see answers 404, as if it did not exist; a case carries
an ``ETag`` and changes with ``If-Match``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request, Response

from eupact.api.deps import (
    IdPath,
    IfMatch,
    Key,
    Limit,
    Offset,
    Service,
    Who,
    on_app,
    perm,
    version_of,
)
from eupact.api.dublin_requests import DublinReplyIn, DublinRequestIn, DublinTransferIn
from eupact.cycle.service.dublin import CaseRead, DublinCases
from eupact.errors import EupactError, Problem

router = APIRouter(prefix="/dublin", tags=["dublin"])

RefPath = Annotated[
    str, Path(min_length=1, max_length=64, description="the case's pseudonymous reference")
]
AsOf = Annotated[
    dt.date | None,
    Query(
        description="the day the decision is read on (default: today, UTC); not before the "
        "case's latest fact"
    ),
]
StateParam = Annotated[str, Query(min_length=2, max_length=2, pattern="^[A-Za-z]{2}$")]
FACTS = Body(
    description="The case: dated facts, pseudonymous references only (the responsibility "
    "engine's case document, JSON Schema from `eupact responsible schema`); its `as_of` is the "
    "service's (today, UTC), at most 256 KiB.",
    examples=[
        {
            "case_id": "IT-2026-0001",
            "applicant": {"date_of_birth": "1990-03-04"},
            "applications": [
                {"state": "IT", "made_on": "2026-09-08", "registered_on": "2026-09-10"}
            ],
            "documents": [
                {
                    "kind": "visa",
                    "visa_type": "short_stay",
                    "issuing_state": "DE",
                    "valid_from": "2026-08-01",
                    "valid_to": "2026-09-30",
                }
            ],
        }
    ],
)


def cases_of(request: Request, service: Service) -> DublinCases:
    """The app's Dublin workspace, on the service's context (made once per app)."""
    return on_app(request, "dublin", DublinCases, service)


def _view(read: CaseRead, response: Response) -> dict[str, Any]:
    response.headers["ETag"] = f'"{read.row.version}"'
    return read.as_dict()


@router.get("/cases", openapi_extra=perm("dublin.read"))
def list_cases(
    request: Request, service: Service, who: Who, offset: Offset = 0, limit: Limit = 100
) -> Any:
    """The cases the caller sees: a Member State those it holds, those it sent or received a
    message about and those it is responsible for; the Commission, the Coordinator and
    observers all."""
    items, total = cases_of(request, service).page(who, offset, limit)
    return {"items": items, "total": total, "offset": offset, "limit": limit}


@router.post("/cases", status_code=201, openapi_extra=perm("dublin.write"))
def create_case(
    request: Request,
    service: Service,
    who: Who,
    response: Response,
    body: Annotated[dict[str, Any], FACTS],
    key: Key = None,
) -> Any:
    """A new case, held by the token's state: the state that determines (Art. 38(1), first
    registration), or for a take back the state where the person is (Art. 41(1))."""
    cases = cases_of(request, service)
    record = cases.create(who, body, key)
    return _view(cases.get(who, record.case_ref), response)


@router.get("/cases/{ref}", openapi_extra=perm("dublin.read"))
def get_case(
    request: Request,
    service: Service,
    who: Who,
    ref: RefPath,
    response: Response,
    as_of: AsOf = None,
) -> Any:
    """The case: its facts, its messages, each request's state (accepted by silence included)
    and the decision's summary on ``as_of``; with its ETag."""
    return _view(cases_of(request, service).get(who, ref, as_of), response)


@router.put("/cases/{ref}", openapi_extra=perm("dublin.write"))
def update_case(
    request: Request,
    service: Service,
    who: Who,
    ref: RefPath,
    response: Response,
    body: Annotated[dict[str, Any], FACTS],
    if_match: IfMatch = None,
    key: Key = None,
) -> Any:
    """The holder changes the facts; If-Match must carry the ETag it read. The procedure the
    messages recorded (requests, replies, transfer) stays as recorded."""
    cases = cases_of(request, service)
    cases.update(who, ref, body, version_of(if_match), key)
    return _view(cases.get(who, ref), response)


@router.get("/cases/{ref}/decision", openapi_extra=perm("dublin.read"))
def get_decision(
    request: Request, service: Service, who: Who, ref: RefPath, as_of: AsOf = None
) -> Any:
    """The responsibility engine's decision on the case as of ``as_of`` (default today): the
    state responsible, the route, the chain of articles, every time limit, the flags; with the
    workflow's reading of it (requests accepted or confirmed by silence, a responsibility moved
    by a missed time limit)."""
    read = cases_of(request, service).get(who, ref, as_of)
    return {
        **read.decision.as_dict(),
        "workflow": read.summary(),
        "requests": read.requests,
        "observed": read.observed,
    }


def _sent(cases: DublinCases, who: Any, ref: str, record: Any) -> dict[str, Any]:
    read = cases.get(who, ref)
    return {
        "message": record.as_dict(),
        "case": {"ref": ref, "version": read.row.version, "status": read.summary()},
        "requests": read.requests,
    }


@router.post("/cases/{ref}/requests", status_code=201, openapi_extra=perm("dublin.write"))
def send_request(
    request: Request,
    service: Service,
    who: Who,
    ref: RefPath,
    body: DublinRequestIn,
    key: Key = None,
) -> Any:
    """The holder sends a take charge request (Art. 39), a take back notification (Art. 41(1))
    or a request for information (Art. 51); it is written into the case's facts too."""
    cases = cases_of(request, service)
    record = cases.send(
        who,
        ref,
        body.kind,
        body.to_state,
        sent_on=body.sent_on,
        received_on=body.received_on,
        article=body.article,
        based_on_hit=body.based_on_hit,
        urgent_period_days=body.urgent_period_days,
        note=body.note,
        key=key,
    )
    return _sent(cases, who, ref, record)


@router.post(
    "/cases/{ref}/requests/{request_id}/reply",
    status_code=201,
    openapi_extra=perm("dublin.write"),
)
def reply(
    request: Request,
    service: Service,
    who: Who,
    ref: RefPath,
    request_id: IdPath,
    body: DublinReplyIn,
    key: Key = None,
) -> Any:
    """The addressed state replies: accept or refuse (Art. 40), confirm or rebut (Art. 41(3)),
    answer (Art. 51(5)); a refusal or rebuttal states its reasons."""
    cases = cases_of(request, service)
    record = cases.reply(
        who,
        ref,
        request_id,
        body.kind,
        on=body.on,
        reasons=body.reasons,
        fraud_after_issue=body.fraud_after_issue,
        withheld_responsibility_information=body.withheld_responsibility_information,
        key=key,
    )
    return _sent(cases, who, ref, record)


@router.post("/cases/{ref}/transfer", status_code=201, openapi_extra=perm("dublin.write"))
def transfer(
    request: Request,
    service: Service,
    who: Who,
    ref: RefPath,
    body: DublinTransferIn,
    key: Key = None,
) -> Any:
    """The holder, which transfers, records the transfer decision (Art. 42(1)), the transfer
    (Art. 46(1)) or an extension of its time limit (Art. 46(2))."""
    if (body.kind == "extension") != (body.extension is not None):
        raise EupactError(
            [
                Problem(
                    "extension",
                    None if body.extension is None else body.extension.reason,
                    "an extension (kind 'extension') names its reason and dates; a transfer "
                    "decision or a transfer has none (Art. 46(2))",
                )
            ],
            "transfer refused",
        )
    cases = cases_of(request, service)
    record = cases.transfer(
        who,
        ref,
        body.kind,
        on=body.on,
        extension=body.extension.to_domain() if body.extension else None,
        note=body.note,
        key=key,
    )
    return _sent(cases, who, ref, record)


@router.get(
    "/deadlines.ics",
    openapi_extra=perm("dublin.read"),
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
def deadlines_ics(
    request: Request, service: Service, who: Who, state: StateParam | None = None
) -> Response:
    """The open time limits the token's state must act on (an institution: every state's, or
    ``state``'s), one all-day event each, as iCalendar (RFC 5545)."""
    from eupact.cycle.service.dublin_facts import deadlines_ics as ics

    cases = cases_of(request, service)
    title, items = cases.open_deadlines(who, state.upper() if state else None)
    return Response(
        ics(items, title, stamp=service.clock()),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="dublin-deadlines.ics"'},
    )


@router.get("/offset-cases", openapi_extra=perm("dublin.read"))
def offset_cases(
    request: Request, service: Service, who: Who, benefitting_state: StateParam
) -> Any:
    """The cases ``benefitting_state`` is responsible for that a responsibility offset may take
    (Art. 63(8)), as the offsets workflow identifies them (Art. 63(6))."""
    geo = benefitting_state.upper()
    items = cases_of(request, service).offset_cases(who, geo)
    return {"benefitting_state": geo, "as_of": service.clock().date().isoformat(), "items": items}
