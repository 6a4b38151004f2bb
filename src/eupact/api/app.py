"""The REST API of the cycle service (FastAPI): a thin shell over :class:`CycleService`.

Every route declares its permission (``x-permission`` in the OpenAPI document, from
:data:`eupact.cycle.permissions.PERMISSIONS`); errors are RFC 9457 problem+json documents that
name the field, the value and the rule; writes take an ``Idempotency-Key``; pledges carry an
``ETag`` and are changed with ``If-Match``.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, Path, Query, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eupact import __version__
from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Action
from eupact.cycle.service import CycleService, Reply
from eupact.errors import EupactError, NotFound, Problem, Unauthorized
from eupact.matching import Applicant, Link, PledgedPlaces
from eupact.matching.files import ApplicantRow, PlacesRow
from eupact.pool.pledges import Deduction, Pledge, PledgeKind
from eupact.reports.tables import csv_text

MAX_BODY = 64 * 1024
PROBLEM = "application/problem+json"
Format = Literal["json", "csv"]


# -- request models (with the examples the OpenAPI document shows) -------------------------------


class CycleIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"year": 2026}]})
    year: int = Field(ge=2025, le=2100, description="The pool year the cycle prepares")


class TransitionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"action": "adopt_report", "on": "2025-11-11"}]},
    )
    action: Action
    on: dt.date | None = Field(None, description="Date of the step (default: today)")


class PledgeIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"state": "DE", "kind": "relocation", "amount": "4555"},
                {"state": "FR", "kind": "financial", "amount": "67307315.34"},
                {"state": "AT", "kind": "alternative", "amount": "250000", "requested_by": ["CY"]},
            ]
        },
    )
    state: str = Field(min_length=2, max_length=2, description="Eurostat geo code (EL = Greece)")
    kind: PledgeKind
    amount: Decimal = Field(
        description="Persons for a relocation pledge, EUR otherwise (at most 2 decimals)",
        allow_inf_nan=False,
        decimal_places=2,
        le=Decimal(10) ** 13,
    )
    requested_by: list[str] = Field(default_factory=list, max_length=27)
    note: str = Field("", max_length=2000)

    _text = field_validator("note")(lambda v: _plain_text(v))

    @field_validator("requested_by")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len({v.upper() for v in value}) != len(value):
            raise ValueError("each requesting state once")
        return value

    def pledge(self) -> Pledge:
        return Pledge(
            self.state.upper(),
            self.kind,
            self.amount,
            tuple(s.upper() for s in self.requested_by),
            self.note,
            "request body",
        )


def _plain_text(value: str) -> str:
    """Refuse control characters (NUL and the like) in free text; keep tabs and newlines."""
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise ValueError("control characters are not allowed in text")
    return value


class DeductionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "state": "AT",
                    "article": "62",
                    "full": True,
                    "reasons": "capacity reached in reception (Art. 62(2)(d))",
                }
            ]
        },
    )
    state: str = Field(min_length=2, max_length=2)
    article: Literal["61", "62"]
    full: bool
    relocations: int = Field(0, ge=0, le=10_000_000)
    financial: Decimal = Field(Decimal(0), ge=0, le=Decimal(10) ** 13, decimal_places=2)
    self_assessed: bool = False
    reasons: str = Field("", max_length=10000)

    _text = field_validator("reasons")(lambda v: _plain_text(v))


class AssessmentIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"assessment": "The request is substantiated: reception capacity is exhausted."}
            ]
        },
    )
    assessment: str = Field(min_length=1, max_length=10000)

    _text = field_validator("assessment")(lambda v: _plain_text(v))


class DecisionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"granted": True, "council_act": "Council Implementing Decision (EU) 2026/123"}
            ]
        },
    )
    granted: bool
    council_act: str = Field(min_length=1, max_length=128)

    _text = field_validator("council_act")(lambda v: _plain_text(v))


class OffsetIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"benefitting_state": "IT", "contributing_state": "DE", "applications": 500}
            ]
        },
    )
    benefitting_state: str = Field(min_length=2, max_length=2)
    contributing_state: str = Field(min_length=2, max_length=2)
    applications: int = Field(gt=0, le=1_000_000)


class OffsetReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"accepted": 400}]})
    accepted: int = Field(ge=0, le=1_000_000)


class ImplementationIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"state": "DE", "kind": "relocation", "benefitting_state": "IT", "amount": "120"}
            ]
        },
    )
    state: str = Field(min_length=2, max_length=2)
    kind: PledgeKind
    benefitting_state: str = Field(min_length=2, max_length=2)
    amount: Decimal = Field(allow_inf_nan=False, decimal_places=2, gt=0, le=Decimal(10) ** 13)


class MatchIn(BaseModel):
    """Applicants and pledged places, with the fields of `eupact match`'s JSON files."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "applicants": [
                        {
                            "id": "A1",
                            "benefitting_state": "IT",
                            "family_unit": "F1",
                            "languages": ["de"],
                            "links": [{"state": "DE", "kind": "family"}],
                        },
                        {"id": "A2", "benefitting_state": "IT", "family_unit": "F1"},
                        {"id": "A3", "benefitting_state": "EL"},
                    ],
                    "places": [
                        {"contributing_state": "DE", "places": 2},
                        {"contributing_state": "FR", "places": 1, "benefitting_state": "EL"},
                    ],
                }
            ]
        },
    )
    applicants: list[ApplicantRow] = Field(min_length=1, max_length=2000)
    places: list[PlacesRow] = Field(min_length=1, max_length=200)

    def to_domain(self) -> tuple[list[Applicant], list[PledgedPlaces]]:
        applicants = [
            Applicant(
                id=r.id,
                benefitting_state=r.benefitting_state,
                family_unit=r.family_unit,
                nationality=r.nationality,
                languages=tuple(r.languages),
                links=tuple(Link(lk.state, lk.kind) for lk in r.links),
                vulnerabilities=tuple(r.vulnerabilities),
                preferences=tuple(r.preferences),
                status=r.status,
                consent=r.consent,
                source=f"applicants[{i}]",
            )
            for i, r in enumerate(self.applicants)
        ]
        places = [
            PledgedPlaces(r.contributing_state, r.places, r.benefitting_state, f"places[{i}]")
            for i, r in enumerate(self.places)
        ]
        return applicants, places


# -- problem+json -------------------------------------------------------------------------------


def problem(status: int, title: str, problems: list[Problem], instance: str = "") -> JSONResponse:
    body = {
        "type": f"https://eupact.eu/problems/{status}",
        "title": title,
        "status": status,
        "detail": "; ".join(str(p) for p in problems) or title,
        "instance": instance,
        "errors": [
            {"field": p.field, "value": _jsonable(p.value), "rule": p.rule, "location": p.location}
            for p in problems
        ],
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # NaN and infinities are not JSON
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


class BodyLimit:
    """Refuse bodies above 64 KiB (a pledge is a few hundred bytes), whether the client declares
    their length or streams them in chunks: the body is read (up to the limit) before the app
    sees it, then replayed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            await self._refuse(scope, receive, send, length.decode(errors="replace"))
            return
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = bool(message.get("more_body", False))
            if size > MAX_BODY:
                await self._refuse(scope, receive, send, f"{size}+ (streamed)")
                return
        body, replayed = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, length: str) -> None:
        response = problem(
            413,
            "request body too large",
            [Problem("Content-Length", length, f"at most {MAX_BODY} bytes")],
            str(scope.get("path", "")),
        )
        await response(scope, receive, send)


# -- dependencies (module level, so that FastAPI can resolve the annotations) -------------------


def actor(request: Request, authorization: Annotated[str | None, Header()] = None) -> Actor:
    """The caller, from 'Authorization: Bearer <token>'."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if authorization and scheme.lower() != "bearer":
        raise Unauthorized(
            [
                Problem(
                    "Authorization",
                    scheme,
                    "use the Bearer scheme: 'Authorization: Bearer <token>'",
                )
            ],
            "not authenticated",
        )
    service: CycleService = request.app.state.service
    return service.authenticate(token.strip() or None)


Who = Annotated[Actor, Depends(actor)]
Key = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=128,
        description="Retrying with the same key never repeats the write",
    ),
]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
YearPath = Annotated[int, Path(ge=2025, le=2100, description="Pool year")]
IdPath = Annotated[int, Path(ge=1, le=2**31 - 1)]
Limit = Annotated[int, Query(ge=1, le=1000)]
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=32)]


# -- the app ------------------------------------------------------------------------------------


def create_app(service: CycleService) -> FastAPI:
    app = FastAPI(
        title="eupact cycle service",
        version=__version__,
        description="The annual migration-management cycle of Regulation (EU) 2024/1351: "
        "report, decision, proposal, pledges, Council act, deductions, offsets, implementation. "
        "Every change is audited; errors are problem+json naming the field and the rule.",
    )
    app.add_middleware(BodyLimit)
    app.state.service = service

    # The dashboard's pages share the app; their errors are pages, the API's problem+json.
    from eupact.web.routes import error_page, mount_static, web_router

    app.include_router(web_router(service))
    mount_static(app)

    def for_people(request: Request) -> bool:
        path = request.url.path
        return not (path.startswith("/api/") or path in ("/healthz", "/openapi.json"))

    @app.exception_handler(EupactError)
    async def _eupact(request: Request, exc: EupactError) -> Response:
        if for_people(request):
            return error_page(service, request, exc)
        return problem(exc.http_status, exc.summary, exc.problems, str(request.url.path))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if for_people(request) and exc.status_code in (404, 405):
            refused: EupactError = NotFound(
                [Problem("path", request.url.path, "no such page")], "not found"
            )
            if exc.status_code == 405:
                refused = EupactError(
                    [Problem("method", request.method, "this page does not take it")],
                    "method not allowed",
                )
                refused.http_status = 405
            return error_page(service, request, refused)
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            Problem(
                ".".join(str(x) for x in e["loc"][1:]) or str(e["loc"][0]),
                _jsonable(e.get("input")),
                e["msg"],
                str(e["loc"][0]),
            )
            for e in exc.errors()
        ]
        return problem(422, "invalid request", problems, str(request.url.path))

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> Response:
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            # the database restarted under a pooled connection; the pool is renewed: retry
            reset = Problem("-", "", "the database connection was reset; retry the request")
            answer = problem(503, "service unavailable", [reset], str(request.url.path))
            answer.headers["Retry-After"] = "1"
            return answer
        if for_people(request):
            return error_page(service, request, exc)
        return problem(
            500,
            "internal error",
            [
                Problem(
                    "-",
                    type(exc).__name__,
                    "a bug in eupact, not in your request; it has been logged",
                )
            ],
            str(request.url.path),
        )

    def send(reply: Reply, response: Response) -> dict[str, Any]:
        response.status_code = reply.status
        if "version" in reply.body:
            response.headers["ETag"] = f'"{reply.body["version"]}"'
        return reply.body

    def page(
        items: list[dict[str, Any]], total: int, offset: int, limit: int, form: Format, name: str
    ) -> Any:
        if form == "csv":
            return csv_response(items, name)
        return {"items": items, "total": total, "offset": offset, "limit": limit}

    def perm(operation: str) -> dict[str, Any]:
        return {"x-permission": operation}

    v1 = "/api/v1"

    @app.get(f"{v1}/cycles", openapi_extra=perm("cycle.read"), tags=["cycle"])
    def list_cycles(who: Who) -> list[dict[str, Any]]:
        """Every cycle with its phase and legal calendar."""
        return service.list_cycles(who)

    @app.post(f"{v1}/cycles", status_code=201, openapi_extra=perm("cycle.create"), tags=["cycle"])
    def create_cycle(
        body: CycleIn, who: Who, response: Response, key: Key = None
    ) -> dict[str, Any]:
        """Open the cycle that prepares the pool for ``year`` (Commission)."""
        return send(service.create_cycle(who, body.year, key), response)

    @app.get(f"{v1}/cycles/{{year}}", openapi_extra=perm("cycle.read"), tags=["cycle"])
    def get_cycle(year: YearPath, who: Who) -> dict[str, Any]:
        """Phase and calendar: each legal deadline, when it was met, what is late."""
        return service.get_cycle(who, year)

    @app.post(
        f"{v1}/cycles/{{year}}/transitions", openapi_extra=perm("cycle.transition"), tags=["cycle"]
    )
    def transition(
        year: YearPath, body: TransitionIn, who: Who, response: Response, key: Key = None
    ) -> dict[str, Any]:
        """Move the cycle on (who may take which step is in the state machine)."""
        return send(service.transition(who, year, body.action, body.on, key), response)

    @app.post(
        f"{v1}/cycles/{{year}}/forum/reconvene",
        openapi_extra=perm("cycle.reconvene_forum"),
        tags=["cycle"],
    )
    def reconvene(year: YearPath, who: Who, response: Response, key: Key = None) -> dict[str, Any]:
        """Art. 13(4): the Council reconvenes the High-Level Forum."""
        return send(service.reconvene_forum(who, year, key), response)

    @app.get(f"{v1}/cycles/{{year}}/proposal", openapi_extra=perm("proposal.read"), tags=["pool"])
    def proposal(year: YearPath, who: Who, format: Format = "json") -> Any:
        """The Commission proposal: RESTREINT UE until the Council act (Art. 12(6))."""
        body = service.proposal(who, year)
        return csv_response(body["rows"], "proposal") if format == "csv" else body

    @app.get(f"{v1}/cycles/{{year}}/outcome", openapi_extra=perm("outcome.read"), tags=["pool"])
    def outcome(year: YearPath, who: Who, format: Format = "json") -> Any:
        """The pool's outcome from the recorded pledges and deductions (Art. 57-63)."""
        body = service.outcome(who, year)
        return csv_response(body["rows"], "outcome") if format == "csv" else body

    @app.get(f"{v1}/cycles/{{year}}/pledges", openapi_extra=perm("pledge.list"), tags=["pledges"])
    def list_pledges(
        year: YearPath,
        who: Who,
        state: str | None = Query(None, max_length=2),
        offset: Offset = 0,
        limit: Limit = 100,
        format: Format = "json",
    ) -> Any:
        """Pledges, paginated; before the Council act a Member State sees its own only."""
        items, total = service.list_pledges(who, year, state, offset, limit)
        return page(items, total, offset, limit, format, "pledges")

    @app.post(
        f"{v1}/cycles/{{year}}/pledges",
        status_code=201,
        openapi_extra=perm("pledge.create"),
        tags=["pledges"],
    )
    def create_pledge(
        year: YearPath, body: PledgeIn, who: Who, response: Response, key: Key = None
    ) -> dict[str, Any]:
        """Pledge during the High-Level Forum (Art. 13(3), 57(3)); one pledge per state and type."""
        return send(service.create_pledge(who, year, body.pledge(), key), response)

    @app.get(
        f"{v1}/cycles/{{year}}/pledges/{{pledge_id}}",
        openapi_extra=perm("pledge.read"),
        tags=["pledges"],
    )
    def get_pledge(
        year: YearPath, pledge_id: IdPath, who: Who, response: Response
    ) -> dict[str, Any]:
        """One pledge, with its ETag (the version to send back in If-Match)."""
        body = service.get_pledge(who, year, pledge_id)
        response.headers["ETag"] = f'"{body["version"]}"'
        return body

    def version_of(if_match: str | None) -> int:
        if if_match is None:
            raise EupactError(
                [Problem("If-Match", None, "send the ETag you read, so that no update is lost")],
                "precondition required",
            )
        text = if_match.strip().removeprefix("W/").strip('"')
        if not text.isdigit():
            raise EupactError(
                [Problem("If-Match", if_match, 'must be the ETag of the pledge, e.g. "3"')]
            )
        return int(text)

    @app.put(
        f"{v1}/cycles/{{year}}/pledges/{{pledge_id}}",
        openapi_extra=perm("pledge.update"),
        tags=["pledges"],
    )
    def update_pledge(
        year: YearPath,
        pledge_id: IdPath,
        body: PledgeIn,
        who: Who,
        response: Response,
        if_match: IfMatch = None,
        key: Key = None,
    ) -> dict[str, Any]:
        """Change a pledge's amount; If-Match must carry the ETag you read."""
        return send(
            service.update_pledge(who, year, pledge_id, body.pledge(), version_of(if_match), key),
            response,
        )

    @app.delete(
        f"{v1}/cycles/{{year}}/pledges/{{pledge_id}}",
        openapi_extra=perm("pledge.delete"),
        tags=["pledges"],
    )
    def delete_pledge(
        year: YearPath,
        pledge_id: IdPath,
        who: Who,
        response: Response,
        if_match: IfMatch = None,
        key: Key = None,
    ) -> dict[str, Any]:
        """Withdraw a pledge while pledging is open."""
        return send(
            service.delete_pledge(who, year, pledge_id, version_of(if_match), key), response
        )

    @app.get(
        f"{v1}/cycles/{{year}}/deductions",
        openapi_extra=perm("deduction.list"),
        tags=["deductions"],
    )
    def list_deductions(
        year: YearPath, who: Who, offset: Offset = 0, limit: Limit = 100, format: Format = "json"
    ) -> Any:
        """Deduction requests and decisions (Art. 61, 62)."""
        items = service.list_deductions(who, year)
        return page(items[offset : offset + limit], len(items), offset, limit, format, "deductions")

    @app.post(
        f"{v1}/cycles/{{year}}/deductions",
        status_code=201,
        openapi_extra=perm("deduction.request"),
        tags=["deductions"],
    )
    def request_deduction(
        year: YearPath, body: DeductionIn, who: Who, response: Response, key: Key = None
    ) -> dict[str, Any]:
        """A Member State requests a full or partial deduction (Art. 61(1), 62(1))."""
        d = Deduction(
            body.state.upper(),
            body.article,
            body.full,
            body.relocations,
            body.financial,
            self_assessed=body.self_assessed,
            location="request body",
        )
        return send(service.request_deduction(who, year, d, body.reasons, key), response)

    @app.post(
        f"{v1}/cycles/{{year}}/deductions/{{deduction_id}}/assessment",
        openapi_extra=perm("deduction.assess"),
        tags=["deductions"],
    )
    def assess(
        year: YearPath,
        deduction_id: IdPath,
        body: AssessmentIn,
        who: Who,
        response: Response,
        key: Key = None,
    ) -> dict[str, Any]:
        """The Commission's assessment to the Council, within four weeks (Art. 61(3), 62(4))."""
        return send(
            service.assess_deduction(who, year, deduction_id, body.assessment, key), response
        )

    @app.post(
        f"{v1}/cycles/{{year}}/deductions/{{deduction_id}}/decision",
        openapi_extra=perm("deduction.decide"),
        tags=["deductions"],
    )
    def decide(
        year: YearPath,
        deduction_id: IdPath,
        body: DecisionIn,
        who: Who,
        response: Response,
        key: Key = None,
    ) -> dict[str, Any]:
        """The Council's implementing act grants or refuses it (Art. 61(4), 62(5))."""
        return send(
            service.decide_deduction(who, year, deduction_id, body.granted, body.council_act, key),
            response,
        )

    @app.get(f"{v1}/cycles/{{year}}/offsets", openapi_extra=perm("offset.list"), tags=["offsets"])
    def list_offsets(
        year: YearPath, who: Who, offset: Offset = 0, limit: Limit = 100, format: Format = "json"
    ) -> Any:
        """Offsets requests and replies (Art. 63, 69)."""
        items = service.list_offsets(who, year)
        return page(items[offset : offset + limit], len(items), offset, limit, format, "offsets")

    @app.post(
        f"{v1}/cycles/{{year}}/offsets",
        status_code=201,
        openapi_extra=perm("offset.request"),
        tags=["offsets"],
    )
    def request_offsets(
        year: YearPath, body: OffsetIn, who: Who, response: Response, key: Key = None
    ) -> dict[str, Any]:
        """A benefitting state asks a contributing state to take responsibility (Art. 63(1), 69)."""
        return send(
            service.request_offsets(
                who,
                year,
                body.benefitting_state.upper(),
                body.contributing_state.upper(),
                body.applications,
                key,
            ),
            response,
        )

    @app.post(
        f"{v1}/cycles/{{year}}/offsets/{{offset_id}}/reply",
        openapi_extra=perm("offset.reply"),
        tags=["offsets"],
    )
    def reply_offsets(
        year: YearPath,
        offset_id: IdPath,
        body: OffsetReplyIn,
        who: Who,
        response: Response,
        key: Key = None,
    ) -> dict[str, Any]:
        """The contributing state replies within 30 days and may accept fewer (Art. 69(2))."""
        return send(service.reply_offsets(who, year, offset_id, body.accepted, key), response)

    @app.get(
        f"{v1}/cycles/{{year}}/implementation",
        openapi_extra=perm("implementation.list"),
        tags=["implementation"],
    )
    def list_implementation(
        year: YearPath, who: Who, offset: Offset = 0, limit: Limit = 100, format: Format = "json"
    ) -> Any:
        """Relocations carried out and money transferred."""
        items = service.list_implementation(who, year)
        return page(
            items[offset : offset + limit], len(items), offset, limit, format, "implementation"
        )

    @app.post(
        f"{v1}/cycles/{{year}}/implementation",
        status_code=201,
        openapi_extra=perm("implementation.record"),
        tags=["implementation"],
    )
    def record_implementation(
        year: YearPath, body: ImplementationIn, who: Who, response: Response, key: Key = None
    ) -> dict[str, Any]:
        """Record what a contributing state carried out (Art. 60(3), 64, 68)."""
        return send(
            service.record_implementation(
                who,
                year,
                body.state.upper(),
                body.kind,
                body.benefitting_state.upper(),
                body.amount,
                key,
            ),
            response,
        )

    @app.post(
        f"{v1}/cycles/{{year}}/matching", openapi_extra=perm("matching.run"), tags=["matching"]
    )
    def run_matching(year: YearPath, body: MatchIn, who: Who) -> dict[str, Any]:
        """Match applicants to pledged places (Art. 67): optimal, explained; nothing is stored."""
        applicants, places = body.to_domain()
        return service.match(who, year, applicants, places)

    @app.get(f"{v1}/audit", openapi_extra=perm("audit.read"), tags=["audit"])
    def audit_log(who: Who, offset: Offset = 0, limit: Limit = 100, format: Format = "json") -> Any:
        """The append-only, hash-chained audit log."""
        items, total = service.audit_log(who, offset, limit)
        return page(items, total, offset, limit, format, "audit")

    @app.get(f"{v1}/audit/verify", openapi_extra=perm("audit.verify"), tags=["audit"])
    def audit_verify(who: Who) -> dict[str, Any]:
        """Recompute the hash chain: detects any edited or deleted entry."""
        return service.verify_audit(who)

    @app.get("/healthz", tags=["service"])
    def health() -> dict[str, str]:
        """Liveness: the service answers and says its version."""
        return {"status": "ok", "version": __version__}

    return app


def csv_response(rows: list[dict[str, Any]], name: str) -> Response:
    return Response(
        csv_text(rows),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )
