"""Responsibility offsets (Art. 63, 69 AMMR): requests and replies within 30 days."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from eupact.api.deps import Format, IdPath, Key, Limit, Offset, Service, Who, YearPath, perm
from eupact.api.exports import page_of
from eupact.api.requests import OffsetIn, OffsetReplyIn
from eupact.api.schemas import OffsetPage, OffsetRequestOut

router = APIRouter(prefix="/cycles/{year}/offsets", tags=["offsets"])


@router.get("", response_model=OffsetPage, openapi_extra=perm("offset.list"))
def list_offsets(
    service: Service,
    year: YearPath,
    who: Who,
    offset: Offset = 0,
    limit: Limit = 100,
    format: Format = "json",
) -> Any:
    """Offsets requests and replies (Art. 63, 69)."""
    return page_of(service.list_offsets(who, year), offset, limit, format, "offsets")


@router.post(
    "", status_code=201, response_model=OffsetRequestOut, openapi_extra=perm("offset.request")
)
def request_offsets(
    service: Service, year: YearPath, body: OffsetIn, who: Who, key: Key = None
) -> Any:
    """A benefitting state asks a contributing state to take responsibility (Art. 63(1), 69)."""
    asked = body.to_domain()
    record = service.request_offsets(
        who, year, asked.benefitting_state, asked.contributing_state, asked.applications, key
    )
    return record.as_dict()


@router.post(
    "/{offset_id}/reply", response_model=OffsetRequestOut, openapi_extra=perm("offset.reply")
)
def reply_offsets(
    service: Service,
    year: YearPath,
    offset_id: IdPath,
    body: OffsetReplyIn,
    who: Who,
    key: Key = None,
) -> Any:
    """The contributing state replies within 30 days and may accept fewer (Art. 69(2))."""
    return service.reply_offsets(who, year, offset_id, body.to_domain(), key).as_dict()
