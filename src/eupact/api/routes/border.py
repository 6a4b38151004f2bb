"""The border procedure's adequate capacity and its watching (APR Arts. 47-50; issue 17 items 1-2):
the capacities computed beside the recorded implementing act (Decision (EU) 2024/2150, whose
figures are SECONDARY and mostly not available), each Member State's monthly figures (its own
recorded by it; a month corrected by its next version), the Art. 48 and Art. 50 notifications,
the Commission's Art. 50 verification and implementing act, and each state's status month by
month (released from Art. 42(1)(j), or (c) and (j); always bound for 42(1)(f) and 42(3)(b)).
A state's figures carry an ``ETag`` (their revision) and change with ``If-Match``; so does a
notification (its version)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from eupact.api.border_requests import (
    BorderCapacityInputsIn,
    BorderCommissionActIn,
    BorderFiguresIn,
    BorderNotificationIn,
)
from eupact.api.deps import IfMatch, Key, Service, Who, on_app, perm, version_of
from eupact.cycle.service.border import BorderWatch
from eupact.data.border_inputs import CrossingFigures, ValueSource

router = APIRouter(prefix="/border", tags=["border"])

GeoPath = Annotated[
    str,
    Path(min_length=2, max_length=2, pattern="^[A-Za-z]{2}$", description="geo code (EL = Greece)"),
]
GeoQuery = Annotated[str | None, Query(min_length=2, max_length=2, pattern="^[A-Za-z]{2}$")]
YearQuery = Annotated[int | None, Query(ge=2024, le=2100, description="a calendar year")]
MonthPath = Annotated[
    str,
    Path(min_length=7, max_length=10, pattern=r"^[0-9]{4}-[0-9]{2}(-01)?$", description="2026-07"),
]
RefPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
ActDate = Annotated[
    dt.date | None,
    Query(description="the implementing act's date (default: the act in force in the year)"),
]


def watch_of(request: Request, service: Service) -> BorderWatch:
    """The app's border watch, on the service's context (made once per app)."""
    return on_app(request, "border", BorderWatch, service)


def _zero_or_version(if_match: str | None) -> int | None:
    """An If-Match's version; ``"0"`` names nothing recorded yet."""
    if if_match is None:
        return None
    read = if_match.strip().removeprefix("W/").strip('"')
    return 0 if read == "0" else version_of(if_match)


# -- capacities (Arts. 46, 47) -------------------------------------------------------------------


@router.get("/capacities", openapi_extra=perm("border.read"))
def capacities(
    request: Request,
    service: Service,
    who: Who,
    year: YearQuery = None,
    act_date: ActDate = None,
) -> Any:
    """Each bound state's adequate capacity computed (Art. 47(4)) from what the data layer holds
    beside the recorded act: "not available" where a figure is not held (Frontex detections by
    state must be imported: POST), never 0; the recorded figures with their source class."""
    return watch_of(request, service).capacities(who, year=year, act_date=act_date)


@router.post("/capacities", openapi_extra=perm("scenario.run"))
def capacities_from_inputs(
    request: Request, service: Service, who: Who, body: BorderCapacityInputsIn
) -> Any:
    """The same, computed from an inputs set (each state's three years before the act's year,
    completed with what the data layer holds); writes nothing."""
    figures = [
        CrossingFigures(
            f.geo.upper(),
            f.year,
            f.irregular_crossings,
            f.sar_arrivals,
            f.refusals_of_entry,
            ValueSource(f"inputs, row {i + 1}: {f.source}", f.source_class),
        )
        for i, f in enumerate(body.figures)
    ]
    return watch_of(request, service).capacities(
        who, year=body.year, act_date=body.act_date, inputs=figures
    )


# -- monthly figures (Arts. 48(1), (3), 49(4), 50) -------------------------------------------------


@router.get("/figures", openapi_extra=perm("border.read"))
def all_figures(
    request: Request, service: Service, who: Who, geo: GeoQuery = None, year: YearQuery = None
) -> Any:
    """The current figures of every state (or one), month by month."""
    items, revision = watch_of(request, service).figures(who, geo, year)
    return {"items": items, "total": len(items), "revision": revision}


@router.get("/figures/{geo}", openapi_extra=perm("border.read"))
def state_figures(
    request: Request,
    service: Service,
    who: Who,
    geo: GeoPath,
    response: Response,
    year: YearQuery = None,
) -> Any:
    """A state's current figures, month by month, with their revision as the ETag."""
    items, revision = watch_of(request, service).figures(who, geo, year)
    response.headers["ETag"] = f'"{revision}"'
    return {"geo": geo.upper(), "items": items, "total": len(items), "revision": revision}


@router.get("/figures/{geo}/{month}", openapi_extra=perm("border.read"))
def month_history(
    request: Request, service: Service, who: Who, geo: GeoPath, month: MonthPath
) -> Any:
    """Every version recorded for a state's month, oldest first (a correction keeps the
    earlier figures)."""
    items = watch_of(request, service).history(who, geo, month)
    return {"geo": geo.upper(), "month": month[:7], "items": items}


@router.post("/figures", status_code=201, openapi_extra=perm("border.record"))
def record_figures(
    request: Request,
    service: Service,
    who: Who,
    response: Response,
    body: BorderFiguresIn,
    if_match: IfMatch = None,
    key: Key = None,
) -> Any:
    """A Member State records its own figures for one or more months (a month already recorded
    is corrected: its next version). The whole series must hold: no month skipped, the stock
    following inflow and outflow (Art. 48(3)); else 422 naming the field, the month and the
    rule. If-Match, if sent, is the revision read (``"0"``: none)."""
    watch = watch_of(request, service)
    months = [m.model_dump() for m in body.months]
    batch = watch.record_figures(
        who, months, geo=body.geo, if_match=_zero_or_version(if_match), key=key
    )
    items, revision = watch.figures(who, batch.geo)
    response.headers["ETag"] = f'"{revision}"'
    return {"record": batch.as_dict(), "revision": revision, "figures": items}


# -- notifications (Art. 48 with 49(1); Art. 50) and the Commission's acts ---------------------


@router.get("/notifications", openapi_extra=perm("border.read"))
def notifications(
    request: Request, service: Service, who: Who, geo: GeoQuery = None, year: YearQuery = None
) -> Any:
    """Every notification (of a state, a year), newest first, with what the recorded act says of
    its condition and the Commission's acts on it."""
    items = watch_of(request, service).notifications(who, geo, year)
    return {"items": items, "total": len(items)}


@router.get("/notifications/{ref}", openapi_extra=perm("border.read"))
def notification(
    request: Request, service: Service, who: Who, ref: RefPath, response: Response
) -> Any:
    """One notification, its current version as the ETag."""
    found = watch_of(request, service).notification(who, ref)
    response.headers["ETag"] = f'"{found["version"]}"'
    return found


@router.post("/notifications", status_code=201, openapi_extra=perm("border.record"))
def notify(
    request: Request,
    service: Service,
    who: Who,
    response: Response,
    body: BorderNotificationIn,
    if_match: IfMatch = None,
    key: Key = None,
) -> Any:
    """A Member State notifies the Commission (its own): Art. 48(1), its adequate capacity
    reached (Art. 49(1)(a)-(c)), or Art. 50, its annual maximum examined; refused (422) when
    the recorded act's figure shows the condition not met. ``ref`` corrects an earlier one
    (If-Match: its version)."""
    watch = watch_of(request, service)
    record = watch.notify(
        who,
        body.article,
        body.notified_on,
        geo=body.geo,
        in_procedure=body.in_procedure,
        examined=body.examined,
        measure=body.measure,
        reasoning=body.reasoning,
        other_measures=body.other_measures,
        with_ammr_notification=body.with_ammr_notification,
        ref=body.ref,
        if_match=_zero_or_version(if_match),
        key=key,
    )
    response.headers["ETag"] = f'"{record.version}"'
    return watch.notification(who, record.ref)


@router.post("/acts", status_code=201, openapi_extra=perm("border.decide"))
def record_act(
    request: Request,
    service: Service,
    who: Who,
    body: BorderCommissionActIn,
    if_match: IfMatch = None,
    key: Key = None,
) -> Any:
    """The Commission records its verification of an Art. 50 notification, or its implementing
    act authorising the state not to examine Art. 42(1)(c) and (j) cases in the border
    procedure (after a verification that found the maximum reached)."""
    watch = watch_of(request, service)
    record = watch.record_act(
        who,
        body.notification_ref,
        body.kind,
        body.act_date,
        outcome=body.outcome,
        reference=body.reference,
        note=body.note,
        ref=body.ref,
        if_match=_zero_or_version(if_match),
        key=key,
    )
    return {
        "record": record.as_dict(),
        "notification": watch.notification(who, record.notification_ref),
    }


# -- status month by month (Arts. 47(2)-(3), 48-50) ------------------------------------------------


@router.get("/status", openapi_extra=perm("border.read"))
def status(
    request: Request, service: Service, who: Who, geo: GeoQuery = None, year: YearQuery = None
) -> Any:
    """Each state's months: the Art. 48(1) count beside the capacity in force (the recorded
    act's figure, or "not available"), the year's examined applications beside the annual
    maximum, what the state is released from and what it stays bound for."""
    return watch_of(request, service).status(who, geo, year)


@router.get("/status/{geo}", openapi_extra=perm("border.read"))
def state_status(
    request: Request, service: Service, who: Who, geo: GeoPath, year: YearQuery = None
) -> Any:
    """One state's months (see ``/border/status``)."""
    return watch_of(request, service).status(who, geo, year)
