"""Implementation (Art. 60(3), 64, 68 AMMR): relocations carried out, money transferred, and
the January confirmations of the levels implemented (Art. 60(6))."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from eupact.api.deps import Format, Key, Limit, Offset, Service, Who, YearPath, perm
from eupact.api.exports import page_of
from eupact.api.requests import ConfirmationIn, ImplementationIn
from eupact.api.schemas import ConfirmationOut, ImplementationOut, ImplementationPage

router = APIRouter(prefix="/cycles/{year}", tags=["implementation"])


@router.get(
    "/implementation", response_model=ImplementationPage, openapi_extra=perm("implementation.list")
)
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
    "/implementation",
    status_code=201,
    response_model=ImplementationOut,
    openapi_extra=perm("implementation.record"),
)
def record_implementation(
    service: Service, year: YearPath, body: ImplementationIn, who: Who, key: Key = None
) -> Any:
    """Record what a contributing state carried out (Art. 60(3), 64, 68), or (``accepted``) a
    relocation accepted (Art. 67(9)) or an alternative measure agreed (65(1), (3)) and not yet
    carried out; ``started_on``: the day it was accepted or agreed (65(3), 67(12))."""
    done = body.to_domain()
    record = service.record_implementation(
        who,
        year,
        done.state,
        done.kind,
        done.benefitting_state,
        done.amount,
        key,
        body.started_on,
        body.accepted,
    )
    return record.as_dict()


@router.post(
    "/confirmations",
    status_code=201,
    response_model=ConfirmationOut,
    openapi_extra=perm("confirmation.record"),
)
def confirm_implementation(
    service: Service, year: YearPath, body: ConfirmationIn, who: Who, key: Key = None
) -> Any:
    """A Member State confirms the levels of each solidarity measure it implemented during the
    pool year, in January of the following year (Art. 60(6)); once."""
    record = service.confirm_implementation(
        who, year, body.state, body.levels(), body.confirmed_on, key
    )
    return record.as_dict()
