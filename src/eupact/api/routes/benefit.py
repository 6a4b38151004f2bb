"""Uses of the pool and who benefits (Art. 58, 59, 60(3) AMMR): a state identified under
pressure informs that it uses the pool; a state not identified notifies its need, the Commission
decides, the Commission or the Council may refuse access within two weeks; the Commission records
systemic shortcomings; the standing says who benefits as of a date."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from eupact.api.deps import Format, IdPath, Key, Limit, Offset, Service, Who, YearPath, perm
from eupact.api.exports import page_of
from eupact.api.requests import (
    FindingIn,
    NotificationDecisionIn,
    NotificationIn,
    RefusalIn,
    UseOfPoolIn,
)
from eupact.api.schemas import (
    NotificationOut,
    NotificationPage,
    PoolUseOut,
    PoolUsePage,
    ShortcomingsOut,
    ShortcomingsPage,
    StandingOut,
)
from eupact.boundary.benefit import Day

router = APIRouter(prefix="/cycles/{year}", tags=["uses of the pool"])

On = Annotated[
    Day | None,
    Query(description="The date the standing is read as of, YYYY-MM-DD (default: today)"),
]


@router.get("/standing", response_model=StandingOut, openapi_extra=perm("standing.read"))
def standing(service: Service, year: YearPath, who: Who, on: On = None) -> Any:
    """Who benefits as of ``on``: since when, under which article, with the Technical-Level
    Forum's date (Art. 58(3), 59(6)); who may still use the pool (58(1)); what is pending."""
    return service.standing(who, year, on).as_dict()


@router.get("/uses-of-pool", response_model=PoolUsePage, openapi_extra=perm("standing.read"))
def list_uses(
    service: Service,
    year: YearPath,
    who: Who,
    offset: Offset = 0,
    limit: Limit = 100,
    format: Format = "json",
) -> Any:
    """The states that informed that they use the pool (Art. 58(1)-(2))."""
    return page_of(service.list_uses_of_pool(who, year), offset, limit, format, "uses-of-pool")


@router.post(
    "/uses-of-pool",
    status_code=201,
    response_model=PoolUseOut,
    openapi_extra=perm("pool_use.inform"),
)
def inform(service: Service, year: YearPath, body: UseOfPoolIn, who: Who, key: Key = None) -> Any:
    """A state identified under migratory pressure in the Art. 11 decision informs, after the
    Council act, that it uses the pool, with the solidarity it needs (Art. 58(1)-(2)); it
    benefits from that day."""
    return service.inform_use_of_pool(who, year, body.to_domain(), key).as_dict()


@router.get(
    "/notifications", response_model=NotificationPage, openapi_extra=perm("notification.list")
)
def list_notifications(
    service: Service,
    year: YearPath,
    who: Who,
    offset: Offset = 0,
    limit: Limit = 100,
    format: Format = "json",
) -> Any:
    """Notifications of need (Art. 59(1)), the Commission's decisions and refusals."""
    items = service.list_notifications(who, year)
    return page_of(items, offset, limit, format, "notifications")


@router.post(
    "/notifications",
    status_code=201,
    response_model=NotificationOut,
    openapi_extra=perm("notification.create"),
)
def notify(
    service: Service, year: YearPath, body: NotificationIn, who: Who, key: Key = None
) -> Any:
    """A state not identified under pressure notifies its need to use the pool, with the content
    Art. 59(2)(a)-(d) requires."""
    return service.notify_need(who, year, body.to_domain(), key).as_dict()


@router.post(
    "/notifications/{notification_id}/decision",
    response_model=NotificationOut,
    openapi_extra=perm("notification.decide"),
)
def decide(
    service: Service,
    year: YearPath,
    notification_id: IdPath,
    body: NotificationDecisionIn,
    who: Who,
    key: Key = None,
) -> Any:
    """The Commission decides whether the notifying state is under migratory pressure
    (Art. 59(4)); it may find systemic shortcomings in the same decision (60(3))."""
    record = service.decide_notification(
        who,
        year,
        notification_id,
        body.decided_on,
        body.under_pressure,
        body.shortcomings,
        body.decision,
        key,
    )
    return record.as_dict()


@router.post(
    "/notifications/{notification_id}/refusal",
    response_model=NotificationOut,
    openapi_extra=perm("notification.refuse"),
)
def refuse(
    service: Service,
    year: YearPath,
    notification_id: IdPath,
    body: RefusalIn,
    who: Who,
    key: Key = None,
) -> Any:
    """Within two weeks of the Commission decision, the Commission considers, or the Council
    decides by an implementing act, that the state may not benefit (Art. 59(6))."""
    record = service.refuse_access(
        who,
        year,
        notification_id,
        body.refused_on,
        body.refused_by,
        body.reason,
        body.act,
        key,
    )
    return record.as_dict()


@router.get("/shortcomings", response_model=ShortcomingsPage, openapi_extra=perm("standing.read"))
def list_shortcomings(
    service: Service,
    year: YearPath,
    who: Who,
    offset: Offset = 0,
    limit: Limit = 100,
    format: Format = "json",
) -> Any:
    """Systemic shortcomings found by the Commission (Art. 60(3), fourth subparagraph)."""
    items = service.list_shortcomings(who, year)
    return page_of(items, offset, limit, format, "shortcomings")


@router.post(
    "/shortcomings",
    status_code=201,
    response_model=ShortcomingsOut,
    openapi_extra=perm("shortcomings.record"),
)
def record_shortcomings(
    service: Service, year: YearPath, body: FindingIn, who: Who, key: Key = None
) -> Any:
    """The Commission identified systemic shortcomings in a state, in a decision under Art. 11
    or 59(4): contributors need not implement their pledges or offsets toward it (Art. 60(3))."""
    return service.record_shortcomings(who, year, body.to_domain(), key).as_dict()
