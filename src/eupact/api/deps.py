"""What every route depends on: the service, the caller, and the bounded parameters of paths,
queries and headers (every number bounded before it is converted)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Depends, Header, Path, Query, Request

from eupact.boundary.limits import MAX_ID, MAX_OFFSET, MAX_VERSION
from eupact.boundary.numbers import read_integer
from eupact.boundary.refusal import Refused
from eupact.cycle.permissions import Actor
from eupact.cycle.service import CycleService
from eupact.errors import EupactError, Problem, Unauthorized

Format = Literal["json", "csv"]
T = TypeVar("T")


async def service(request: Request) -> CycleService:
    """The app's service (a coroutine: FastAPI would run a plain function in its thread pool,
    one thread hop per request for nothing)."""
    found: CycleService = request.app.state.service
    return found


def actor(request: Request, authorization: Annotated[str | None, Header()] = None) -> Actor:
    """The caller, from 'Authorization: Bearer <token>'. A refused token is never echoed."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if authorization and scheme.lower() != "bearer":
        raise Unauthorized(
            [
                Problem(
                    "Authorization",
                    "…",
                    "use the Bearer scheme: 'Authorization: Bearer <token>'",
                )
            ],
            "not authenticated",
        )
    limiter = getattr(request.app.state, "auth_limiter", None)
    client = request.client.host if request.client else "-"
    if limiter is not None:
        limiter.check(client)
    try:
        found: CycleService = request.app.state.service
        return found.authenticate(token.strip() or None)
    except Unauthorized:
        if limiter is not None and token.strip():
            limiter.record_failure(client)
        raise


Service = Annotated[CycleService, Depends(service)]
Who = Annotated[Actor, Depends(actor)]
Key = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=128,
        description="Retrying with the same key never repeats the write",
    ),
]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
YearPath = Annotated[int, Path(ge=2025, le=2100, description="Pool year")]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=1000)]
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=32)]
StateQuery = Annotated[str | None, Query(max_length=2, pattern="^[A-Za-z]{2}$")]


def version_of(if_match: str | None) -> int:
    """The version an If-Match header names: an ETag such as ``"3"`` or ``W/"3"``."""
    if if_match is None:
        raise EupactError(
            [Problem("If-Match", None, "send the ETag you read, so that no update is lost")],
            "precondition required",
        )
    text = if_match.strip().removeprefix("W/").strip('"')
    try:  # the boundary's reader: ASCII digits only ('²' passes str.isdigit), bounded
        return read_integer(text, minimum=1, maximum=MAX_VERSION)
    except Refused:
        raise EupactError(
            [Problem("If-Match", if_match, 'must be the ETag of the pledge, e.g. "3"')]
        ) from None


def perm(operation: str) -> dict[str, str]:
    """The route's permission, shown in the OpenAPI document as ``x-permission``."""
    return {"x-permission": operation}


def on_app(request: Request, name: str, make: Callable[[Any], T], service: CycleService) -> T:
    """A part of the service built on its context once per app (the Dublin workspace, the
    register's progress), remade if the app's service changed."""
    found: Any = getattr(request.app.state, name, None)
    if found is None or found.ctx is not service.ctx:
        found = make(service.ctx)
        setattr(request.app.state, name, found)
    return found  # type: ignore[no-any-return]
