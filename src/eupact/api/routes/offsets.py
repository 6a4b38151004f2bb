"""Responsibility offsets (Art. 63, 69 AMMR): voluntary requests and replies within 30 days
(63(1)-(2), 69), obligatory offsets called and identified (63(3)-(4), (6)). Each record says its
``kind``; an obligatory one has no reply time limit (``reply_due`` null)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter

from eupact.api.deps import Format, IdPath, Key, Limit, Offset, Service, Who, YearPath, perm
from eupact.api.exports import page_of
from eupact.api.requests import OffsetIn, OffsetReplyIn
from eupact.api.schemas import OffsetPage, OffsetRequestOut
from eupact.cycle.records import OffsetRequestRecord
from eupact.cycle.service.offsets import kind_of

router = APIRouter(prefix="/cycles/{year}/offsets", tags=["offsets"])


@dataclass(frozen=True, slots=True)
class OffsetView:
    """An offsets record as the API shows it: with its kind; no reply due if obligatory."""

    record: OffsetRequestRecord

    def as_dict(self) -> dict[str, Any]:
        out = self.record.as_dict()
        out["kind"] = kind_of(self.record.status)
        if out["kind"] == "obligatory":
            out["reply_due"] = None
        return out


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
    views = [OffsetView(r) for r in service.list_offsets(who, year)]
    return page_of(views, offset, limit, format, "offsets")


@router.post(
    "", status_code=201, response_model=OffsetRequestOut, openapi_extra=perm("offset.request")
)
def request_offsets(
    service: Service, year: YearPath, body: OffsetIn, who: Who, key: Key = None
) -> Any:
    """A benefitting state asks a contributing state to take responsibility: a voluntary request
    (Art. 63(1), (2), 69) or a call of obligatory offsets (63(3), (4)); a contributing state
    records the obligatory offsets it identified (63(6))."""
    asked = body.to_domain()
    record = service.request_offsets(
        who, year, asked.benefitting_state, asked.contributing_state, asked.applications, key
    )
    return OffsetView(record).as_dict()


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
    """The contributing state replies within 30 days and may accept fewer (Art. 69(2)); obligatory
    offsets it identifies, all of them (Art. 63(3), (6))."""
    record = service.reply_offsets(who, year, offset_id, body.to_domain(), key, body.cases)
    return OffsetView(record).as_dict()
