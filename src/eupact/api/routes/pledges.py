"""Pledges (Art. 13(3), 57(3) AMMR): one per state and type; an ETag per pledge, changed with
If-Match; before the Council act a Member State sees its own only. After the act, pledges are
added or raised while the reconvened Forum asks for more (Art. 13(4)), and a benefitting state
requests another state's alternative measures in the implementation year (Art. 57(4), 65(1))."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from eupact.api.deps import (
    Format,
    IdPath,
    IfMatch,
    Key,
    Limit,
    Offset,
    Service,
    StateQuery,
    Who,
    YearPath,
    perm,
    version_of,
)
from eupact.api.exports import page
from eupact.api.requests import AlternativeRequestIn, PledgeIn
from eupact.api.schemas import PledgeOut, PledgePage, WithdrawnOut

router = APIRouter(prefix="/cycles/{year}/pledges", tags=["pledges"])


@router.get("", response_model=PledgePage, openapi_extra=perm("pledge.list"))
def list_pledges(
    service: Service,
    year: YearPath,
    who: Who,
    state: StateQuery = None,
    offset: Offset = 0,
    limit: Limit = 100,
    format: Format = "json",
) -> Any:
    """Pledges, paginated; before the Council act a Member State sees its own only."""
    items, total = service.list_pledges(who, year, state.upper() if state else None, offset, limit)
    return page(items, total, offset, limit, format, "pledges")


@router.post("", status_code=201, response_model=PledgeOut, openapi_extra=perm("pledge.create"))
def create_pledge(
    service: Service,
    year: YearPath,
    body: PledgeIn,
    who: Who,
    response: Response,
    key: Key = None,
) -> Any:
    """Pledge during the High-Level Forum (Art. 13(3), 57(3)); one pledge per state and type."""
    record = service.create_pledge(who, year, body.to_domain(), key)
    response.headers["ETag"] = f'"{record.version}"'
    return record.as_dict()


@router.get("/{pledge_id}", response_model=PledgeOut, openapi_extra=perm("pledge.read"))
def get_pledge(
    service: Service, year: YearPath, pledge_id: IdPath, who: Who, response: Response
) -> Any:
    """One pledge, with its ETag (the version to send back in If-Match)."""
    record = service.get_pledge(who, year, pledge_id)
    response.headers["ETag"] = f'"{record.version}"'
    return record.as_dict()


@router.put("/{pledge_id}", response_model=PledgeOut, openapi_extra=perm("pledge.update"))
def update_pledge(
    service: Service,
    year: YearPath,
    pledge_id: IdPath,
    body: PledgeIn,
    who: Who,
    response: Response,
    if_match: IfMatch = None,
    key: Key = None,
) -> Any:
    """Change a pledge's amount; If-Match must carry the ETag you read."""
    record = service.update_pledge(
        who, year, pledge_id, body.to_domain(), version_of(if_match), key
    )
    response.headers["ETag"] = f'"{record.version}"'
    return record.as_dict()


@router.delete("/{pledge_id}", response_model=WithdrawnOut, openapi_extra=perm("pledge.delete"))
def delete_pledge(
    service: Service,
    year: YearPath,
    pledge_id: IdPath,
    who: Who,
    if_match: IfMatch = None,
    key: Key = None,
) -> Any:
    """Withdraw a pledge while pledging is open."""
    return service.delete_pledge(who, year, pledge_id, version_of(if_match), key).as_dict()


@router.post("/{pledge_id}/requests", response_model=PledgeOut, openapi_extra=perm("pledge.update"))
def request_alternative(
    service: Service,
    year: YearPath,
    pledge_id: IdPath,
    body: AlternativeRequestIn,
    who: Who,
    response: Response,
    key: Key = None,
) -> Any:
    """A benefitting state requests an alternative-measures pledge in the implementation year
    (Art. 65(1)); those nobody requests in the year become financial contributions (57(4))."""
    record = service.request_alternative(who, year, pledge_id, body.benefitting_state, key)
    response.headers["ETag"] = f'"{record.version}"'
    return record.as_dict()
