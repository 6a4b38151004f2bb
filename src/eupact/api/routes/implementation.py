"""Implementation (Art. 60(3), 64, 68 AMMR): relocations carried out, money transferred."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from eupact.api.deps import Format, Key, Limit, Offset, Service, Who, YearPath, perm
from eupact.api.exports import page_of
from eupact.api.requests import ImplementationIn
from eupact.api.schemas import ImplementationOut, ImplementationPage

router = APIRouter(prefix="/cycles/{year}/implementation", tags=["implementation"])


@router.get("", response_model=ImplementationPage, openapi_extra=perm("implementation.list"))
def list_implementation(
    service: Service,
    year: YearPath,
    who: Who,
    offset: Offset = 0,
    limit: Limit = 100,
    format: Format = "json",
) -> Any:
    """Relocations carried out and money transferred."""
    items = service.list_implementation(who, year)
    return page_of(items, offset, limit, format, "implementation")


@router.post(
    "",
    status_code=201,
    response_model=ImplementationOut,
    openapi_extra=perm("implementation.record"),
)
def record_implementation(
    service: Service, year: YearPath, body: ImplementationIn, who: Who, key: Key = None
) -> Any:
    """Record what a contributing state carried out (Art. 60(3), 64, 68)."""
    done = body.to_domain()
    record = service.record_implementation(
        who, year, done.state, done.kind, done.benefitting_state, done.amount, key
    )
    return record.as_dict()
