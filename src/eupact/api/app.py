"""The REST API of the cycle service (FastAPI) and the dashboard on the same app.

Routes live in one router per resource (:mod:`eupact.api.routes`), each declaring its
permission (``x-permission`` in the OpenAPI document, from
:data:`eupact.cycle.permissions.PERMISSIONS`) and its response model. Errors are RFC 9457
problem+json documents naming the field, the value and the rule (pages for the dashboard);
writes take an ``Idempotency-Key``; pledges carry an ``ETag`` and change with ``If-Match``.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from eupact import __version__
from eupact.api.body_limit import MAX_BODY, BodyLimit
from eupact.api.problems import PROBLEM, problem, safe
from eupact.api.routes import (
    audit,
    benefit,
    border,
    crisis,
    cycles,
    deductions,
    dublin,
    implementation,
    matching,
    monitoring,
    offsets,
    pledges,
    pool,
    register,
    scenarios,
)
from eupact.api.schemas import Health
from eupact.cycle.service import CycleService
from eupact.errors import EupactError, NotFound, Problem, echo

V1 = "/api/v1"
__all__ = ["MAX_BODY", "PROBLEM", "create_app", "problem"]


def create_app(service: CycleService) -> FastAPI:
    app = FastAPI(
        title="eupact cycle service",
        version=__version__,
        description="The annual migration-management cycle of Regulation (EU) 2024/1351: "
        "report, decision, proposal, pledges, Council act, uses of the pool, deductions, offsets, "
        "implementation. "
        "Every change is audited; errors are problem+json naming the field and the rule.",
    )
    app.add_middleware(BodyLimit)
    app.state.service = service

    # The dashboard's pages share the app; their errors are pages, the API's problem+json.
    from eupact.web.routes import error_page, mount_static, web_router
    from eupact.web.security import install_security

    install_security(app)  # security headers on every answer; app.state.auth_limiter
    # The API's routers first, busiest first: a request is matched against the routes in
    # order, and the pledge writes are the service's hot path (the dashboard's pages follow).
    for module in (
        pledges,
        cycles,
        pool,
        benefit,
        deductions,
        offsets,
        implementation,
        monitoring,
        matching,
        scenarios,
        dublin,
        border,
        crisis,
        register,
        audit,
    ):
        app.include_router(module.router, prefix=V1)
    app.include_router(web_router(service))
    mount_static(app)
    _handlers(app, service, error_page)

    @app.get("/healthz", tags=["service"], response_model=Health)
    def health() -> Health:
        """Liveness: the service answers and says its version."""
        return Health(status="ok", version=__version__)

    return app


def _for_people(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith("/api/") or path in ("/healthz", "/openapi.json"))


def _handlers(app: FastAPI, service: CycleService, error_page: Callable[..., Response]) -> None:
    @app.exception_handler(EupactError)
    async def _eupact(request: Request, exc: EupactError) -> Response:
        answer: Response
        if _for_people(request):
            answer = error_page(service, request, exc)
        else:
            answer = problem(exc.http_status, exc.summary, exc.problems, request.url.path)
        retry = getattr(exc, "retry_after", None)
        if retry is not None:
            answer.headers["Retry-After"] = str(retry)
        return answer

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        refused: EupactError = NotFound(
            [Problem("path", request.url.path, "no such page or resource")], "not found"
        )
        if exc.status_code != 404:
            refused = EupactError(
                [Problem("method", request.method, "not taken here")]
                if exc.status_code == 405
                else [Problem("-", "", str(exc.detail))],
                "method not allowed" if exc.status_code == 405 else "refused",
            )
            refused.http_status = exc.status_code
        if _for_people(request):
            return error_page(service, request, refused)
        return problem(refused.http_status, refused.summary, refused.problems, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            Problem(
                ".".join(echo(x, quote=False) for x in e["loc"][1:]) or str(e["loc"][0]),
                safe(e.get("input")),
                echo(e["msg"], 300, quote=False),
                str(e["loc"][0]),
            )
            for e in exc.errors()
        ]
        if _for_people(request):
            return error_page(service, request, EupactError(problems, "invalid request"))
        return problem(422, "invalid request", problems, request.url.path)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> Response:
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            # the database restarted under a pooled connection; the pool is renewed: retry
            reset = Problem("-", "", "the database connection was reset; retry the request")
            answer = problem(503, "service unavailable", [reset], request.url.path)
            answer.headers["Retry-After"] = "1"
            return answer
        if _for_people(request):
            return error_page(service, request, exc)
        bug = Problem("-", type(exc).__name__, "a bug in eupact, not in your request; logged")
        return problem(500, "internal error", [bug], request.url.path)
