"""The dashboard's pages, served by the same FastAPI app as the REST API (``eupact serve``).

Signing in with an API token (``eupact tokens create``) opens a session: the cookie holds a random
session id, never the token (HttpOnly, SameSite=Strict, Secure over HTTPS); signing out ends it
in the database. Forms carry a CSRF value derived from the session's secret (the sign-in form: a
double-submit cookie); another site's form is refused (403), failed sign-ins beyond the limit of
:mod:`eupact.web.security` too (429). Without signing in, a visitor is an observer: published
data only. Errors never reach the visitor as a traceback: a refused or invalid request is shown
as a page naming the field, the value and the rule; a form keeps what was typed (never a token).
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi import Path as FastAPIPath
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from eupact.boundary.limits import MAX_ID
from eupact.cycle.service import CycleService
from eupact.cycle.service.tokens import SESSION_LIFETIME, TokenExpired
from eupact.errors import EupactError, Forbidden, NotFound, Problem
from eupact.web import (
    audit_trail,
    border_pages,
    calendar_page,
    crisis_pages,
    dublin_pages,
    forms,
    matching_page,
    member_states,
    plan_pages,
    views,
    what_if,
)
from eupact.web.downloads import DOWNLOAD_FORMATS, download, download_names, report_pdf
from eupact.web.page import (
    LANG_COOKIE,
    SESSION_COOKIE,
    SIGNIN_COOKIE,
    Page,
    environment,
)
from eupact.web.page_charts import assessment_rows, pool_charts
from eupact.web.security import (
    TooManyRequests,
    client_address,
    failed_auth_limiter,
    forget_cookie,
    from_another_site,
    private_cookie,
    same_secret,
)

log = logging.getLogger("eupact.web")
# Ids and years in paths are bounded before any database sees them (2**70 overflowed SQLite's
# integers and 2**40 PostgreSQL's: both answered 500).
RecordId = Annotated[int, FastAPIPath(ge=1, le=MAX_ID)]
ReportYear = Annotated[int, FastAPIPath(ge=2000, le=2100)]
STATIC = Path(__file__).parent / "static"


def error_page(service: CycleService, request: Request, exc: Exception) -> HTMLResponse:
    """A refused or invalid request as a page; a bug as a page that says so (and is logged)."""
    page = Page(service, request)
    if not isinstance(exc, EupactError):
        log.exception("dashboard page %s failed", request.url.path, exc_info=exc)
        bug = EupactError(
            [Problem("-", "", "a bug in eupact, not in your request; it has been logged")],
            "internal error",
        )
        bug.http_status = 500  # shown on the page as well as sent
        return page.render("error.html", 500, error=bug)
    return page.error(exc)


def web_router(service: CycleService) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    def page_of(request: Request) -> Page:
        return Page(service, request)

    # the pages in modules of their own
    router.include_router(calendar_page.router(service))
    router.include_router(what_if.router(service))
    router.include_router(matching_page.router(service))
    router.include_router(dublin_pages.router(service))
    router.include_router(crisis_pages.router(service))
    router.include_router(plan_pages.router(service))
    router.include_router(border_pages.router(service))

    @router.get("/", response_class=HTMLResponse)
    def overview(request: Request) -> Response:
        page = page_of(request)
        year, _ = page.cycle()
        data = views.overview(service, page.actor, year) if year else None
        return page.render("overview.html", active="overview", data=data)

    @router.get("/pool", response_class=HTMLResponse)
    def pool(request: Request) -> Response:
        page = page_of(request)
        year, _ = page.cycle()
        data = views.pool(service, page.actor, year) if year else None
        if data:
            data["key_scopes"] = member_states.key_scopes(service, year, (year or 0) - 1)
        charts = pool_charts(data, page.lang, page.gettext) if data else {}
        return page.render("pool.html", active="pool", data=data, charts=charts)

    @router.get("/assessment", response_class=HTMLResponse)
    def assessment(request: Request) -> Response:
        page = page_of(request)
        year, _ = page.cycle()
        assessed = (year or service.clock().year + 1) - 1
        data = assessment_rows(assessed, page.lang)
        scopes = member_states.key_scopes(service, year, assessed)
        return page.render(
            "assessment.html",
            active="assessment",
            assessed=assessed,
            data=data,
            key_scopes=scopes,
        )

    # -- the Member States' pages (eupact.web.member_states) --------------------------------------

    @router.get("/state", response_class=HTMLResponse)
    def states(request: Request) -> Response:
        """Every Member State, each linked to its page; the state picker's form (``?geo=``, a
        GET that works without JavaScript) lands here too."""
        page = page_of(request)
        geo = request.query_params.get("geo", "").strip().upper()
        year, _ = page.cycle()
        if geo.isalpha() and len(geo) == 2:
            return RedirectResponse(f"/state/{geo}" + (f"?year={year}" if year else ""), 303)
        context = member_states.index_context(service, page.actor, year, page.lang)
        return page.render("states.html", active="states", **context)

    @router.get("/state/{geo}", response_class=HTMLResponse)
    def state(request: Request, geo: str) -> Response:
        page = page_of(request)
        year, _ = page.cycle()
        context = member_states.page_context(service, page.actor, year, geo.upper(), page.lang)
        return page.render("state.html", active="states", **context)

    # -- the Member-State workspace ------------------------------------------------------------

    @router.get("/workspace", response_class=HTMLResponse)
    def workspace_home(request: Request) -> Response:
        page = page_of(request)
        if not page.signed_in:
            return RedirectResponse("/signin?next=/workspace", status_code=303)
        if page.actor.state:
            return RedirectResponse(f"/workspace/{page.actor.state}", status_code=303)
        raise Forbidden(
            [
                Problem(
                    "role",
                    str(page.actor.role),
                    "the workspace is a Member State's own; sign in with a Member State's token",
                )
            ],
            "not allowed",
        )

    def _own_state(page: Page, geo: str) -> str:
        geo = geo.upper()
        if not page.signed_in:
            raise Forbidden(
                [Problem("session", "", "sign in with your Member State's token first")],
                "not signed in",
            )
        if page.actor.state != geo:
            raise Forbidden(
                [
                    Problem(
                        "state",
                        geo,
                        "a Member State sees and acts in its own workspace only; "
                        f"you are signed in as {page.actor.state or page.actor.role}",
                    )
                ],
                "not allowed",
            )
        return geo

    def _workspace(
        page: Page, geo: str, status: int = 200, errors: dict[str, Any] | None = None
    ) -> Response:
        geo = _own_state(page, geo)
        year, _ = page.cycle()
        if year is None:
            raise NotFound([Problem("year", "", "no cycle has been opened yet")], "not found")
        data = views.workspace(service, page.actor, year)
        if errors:  # refused in a form the page does not show (a stale page): said at the top
            errors["shown"] = errors["form"] in _forms_shown(data)
        return page.render(
            "workspace.html",
            status,
            active="workspace",
            data=data,
            errors=errors or {},
            done=page.request.query_params.get("done", ""),
        )

    @router.get("/workspace/{geo}", response_class=HTMLResponse)
    def workspace(request: Request, geo: str) -> Response:
        page = page_of(request)
        return _workspace(page, geo)

    async def _submit(
        request: Request,
        geo: str,
        form_name: str,
        act: Callable[[Page, dict[str, str], int], Any],
        done: str = "",
    ) -> Response:
        page = page_of(request)
        entered: dict[str, str] = {}
        try:
            geo = _own_state(page, geo)
            entered = {k: str(v) for k, v in (await request.form()).items()}
            page.check_csrf(entered)
            year = page.pin_year(entered)
            act(page, entered, year)
        except EupactError as exc:
            if exc.http_status in (401, 403) or page.actor.state != geo.upper():
                return page.error(exc)
            errors = {
                "form": form_name,
                "entered": entered,
                "problems": exc.problems,
                "summary": exc.summary,
            }
            return _workspace(page, geo, exc.http_status, errors)
        anchor = "pledges-section" if done == "withdrawn" else form_name
        return RedirectResponse(
            f"/workspace/{geo}?year={year}&done={done or form_name}#{anchor}", status_code=303
        )

    @router.post("/workspace/{geo}/pledges")
    async def create_pledge(request: Request, geo: str) -> Response:
        def act(page: Page, form: dict[str, str], year: int) -> None:
            may_request = views.may_request(service, page.actor, year)
            p = forms.pledge(form, page.actor.state or "", may_request)
            service.create_pledge(page.actor, year, p, form.get("form_key") or None)

        return await _submit(request, geo, "new-pledge", act)

    @router.post("/workspace/{geo}/pledges/{pledge_id}")
    async def change_pledge(request: Request, geo: str, pledge_id: RecordId) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        if form.get("action") == "delete" and form.get("confirm") != "yes":
            # Withdrawing deletes the pledge: first a page that says what will be withdrawn
            # and asks to confirm (a form, so it works without JavaScript); nothing changes yet.
            return _confirm_withdrawal(page_of(request), geo, pledge_id, form)

        def act(page: Page, form: dict[str, str], year: int) -> None:
            version = forms.version(form)
            key = form.get("form_key") or None
            if form.get("action") == "delete":
                service.delete_pledge(page.actor, year, pledge_id, version, key)
                return
            may_request = views.may_request(service, page.actor, year)
            p = forms.pledge(form, page.actor.state or "", may_request)
            service.update_pledge(page.actor, year, pledge_id, p, version, key)

        done = "withdrawn" if form.get("action") == "delete" else f"pledge-{pledge_id}"
        return await _submit(request, geo, f"pledge-{pledge_id}", act, done)

    def _confirm_withdrawal(page: Page, geo: str, pledge_id: int, form: dict[str, str]) -> Response:
        geo = _own_state(page, geo)
        page.check_csrf(form)
        year = page.pin_year(form)
        pledge = service.get_pledge(page.actor, year, pledge_id).as_dict()
        return page.render(
            "withdraw.html",
            active="workspace",
            geo=geo,
            pledge=pledge,
            version=form.get("version", ""),
            withdraw_key=form.get("form_key") or str(uuid.uuid4()),
        )

    @router.post("/workspace/{geo}/deductions")
    async def request_deduction(request: Request, geo: str) -> Response:
        def act(page: Page, form: dict[str, str], year: int) -> None:
            d, reasons = forms.deduction(form, page.actor.state or "")
            service.request_deduction(page.actor, year, d, reasons, form.get("form_key") or None)

        return await _submit(request, geo, "deduction", act)

    @router.post("/workspace/{geo}/offsets/{offset_id}")
    async def reply_offsets(request: Request, geo: str, offset_id: RecordId) -> Response:
        def act(page: Page, form: dict[str, str], year: int) -> None:
            accepted = forms.integer(form, "accepted")
            service.reply_offsets(
                page.actor, year, offset_id, accepted, form.get("form_key") or None
            )

        return await _submit(request, geo, f"offset-{offset_id}", act)

    # -- signing in ------------------------------------------------------------------------------

    def _signin_page(
        page: Page, status: int, next_path: str, problem: Problem | None, check: str
    ) -> Response:
        response = page.render(
            "signin.html",
            status,
            active="signin",
            next=next_path,
            problem=problem,
            signin_csrf=check,
        )
        private_cookie(response, SIGNIN_COOKIE, check, 3600, "/signin", page.https)
        return response

    @router.get("/signin", response_class=HTMLResponse)
    def signin_form(request: Request) -> Response:
        page = page_of(request)
        # a fresh value per form: a value an attacker planted in the cookie is replaced
        check = secrets.token_urlsafe(32)
        return _signin_page(page, 200, _safe_next(request), None, check)

    @router.post("/signin", response_class=HTMLResponse)
    async def signin(request: Request) -> Response:
        page = page_of(request)
        if from_another_site(request.headers):  # before anything is read
            raise page.form_expired()
        form = {k: str(v) for k, v in (await request.form()).items()}
        check = request.cookies.get(SIGNIN_COOKIE, "")
        if not check or not same_secret(form.get("csrf", ""), check):  # double submit
            raise page.form_expired()
        next_path = _safe_next_value(form.get("next", ""))
        limiter = failed_auth_limiter(request.app)
        client = client_address(request)
        if limiter is not None:
            wait = limiter.retry_after(client)
            if wait is not None:
                rule = page.gettext(
                    "too many failed sign-ins from your address: try again in %(seconds)s seconds"
                ) % {"seconds": wait}
                raise TooManyRequests([Problem("token", "", rule)], "too many attempts", wait)
        token = form.get("token", "").strip()
        try:
            session_id, session = service.tokens.open_session(token)
        except TokenExpired:
            rule = page.gettext("this token has expired: ask your administrator for a new one")
            return _signin_page(page, 401, next_path, Problem("token", "", rule), check)
        except EupactError:
            if limiter is not None and token:
                limiter.record_failure(client)
            rule = page.gettext("unknown or revoked token")
            return _signin_page(page, 401, next_path, Problem("token", "", rule), check)
        if page.session_id:  # signing in again, or as someone else: the old session ends
            service.tokens.end_session(page.session_id)
        state = session.actor.state
        target = next_path or (f"/workspace/{state}" if state else "/")
        response = RedirectResponse(target, status_code=303)
        lifetime = int(SESSION_LIFETIME.total_seconds())
        private_cookie(response, SESSION_COOKIE, session_id, lifetime, "/", page.https)
        forget_cookie(response, SIGNIN_COOKIE, "/signin", page.https)
        return response

    @router.post("/signout")
    async def signout(request: Request) -> Response:
        page = page_of(request)
        if page.session is not None:
            page.check_csrf({k: str(v) for k, v in (await request.form()).items()})
            service.tokens.end_session(page.session_id)
        response = RedirectResponse("/", status_code=303)
        forget_cookie(response, SESSION_COOKIE, "/", page.https)
        return response

    # -- audit, sources, downloads ---------------------------------------------------------------

    @router.get("/audit", response_class=HTMLResponse)
    def audit(request: Request) -> Response:
        page = page_of(request)
        start = forms.offset(request.query_params)
        chosen = audit_trail.AuditFilter(*forms.audit_filter(request.query_params))
        year, _ = page.cycle()
        data = audit_trail.audit(service, page.actor, start, 50, year, chosen)
        return page.render("audit.html", active="audit", data=data)

    @router.get("/sources", response_class=HTMLResponse)
    def sources(request: Request) -> Response:
        page = page_of(request)
        return page.render("sources.html", active="sources", data=views.sources(service))

    @router.get("/downloads", response_class=HTMLResponse)
    def downloads(request: Request) -> Response:
        page = page_of(request)
        year, _ = page.cycle()
        names = download_names(service, page.actor, year)
        return page.render(
            "downloads.html", active="downloads", names=names, formats=DOWNLOAD_FORMATS
        )

    @router.get("/downloads/report-{year}.pdf")
    def report(year: ReportYear) -> Response:  # the annual report is published: no sign-in
        return Response(
            report_pdf(service, year),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="eupact-report-{year}.pdf"'},
        )

    @router.get("/downloads/{name}.{fmt}")
    def table(request: Request, name: str, fmt: str) -> Response:
        page = page_of(request)
        year, _ = page.cycle()
        return download(service, page.actor, year, name, fmt)

    @router.get("/static/vega.js")
    def vega() -> Response:  # built once from vl-convert's bundle, cached on disk
        from eupact.web.charts import vega_bundle

        return Response(
            vega_bundle(),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    return router


def _forms_shown(data: Mapping[str, Any]) -> set[str]:
    """The names of the forms a workspace page shows (as ``workspace.html`` decides)."""
    shown = {f"offset-{o['id']}" for o in data["offsets_to_answer"]}
    if data["pledging_open"]:
        shown |= {"new-pledge", *(f"pledge-{p['id']}" for p in data["pledges"])}
    if data["after_act"]:
        shown.add("deduction")
    return shown


def _safe_next(request: Request) -> str:
    return _safe_next_value(request.query_params.get("next", ""))


def _safe_next_value(value: str) -> str:
    """Only our own paths: a sign-in link must not send anyone to another site. Browsers read
    ``/\\host`` as ``//host`` and drop tabs and newlines from a URL, so none of these pass."""
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return ""
    return value if all(" " < c < "\x7f" for c in value) else ""


def mount_static(app: Any) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")


__all__ = [
    "LANG_COOKIE",
    "SESSION_COOKIE",
    "SIGNIN_COOKIE",
    "environment",
    "error_page",
    "mount_static",
    "web_router",
]
