"""The Pact's implementation plan on the dashboard (issue 19 item 3): the obligations register
(:mod:`eupact.register`) and each Member State's progress, as the service records it.

- ``/plan`` — the ten building blocks of the Common Implementation Plan, each with its number of
  obligations, its next milestones and the states' progress; the state × block matrix (each cell
  the statuses counted, late in the Okabe–Ito vermillion AND with a symbol and a word, the
  articles and their statuses shown on hover and on keyboard focus); the register's downloads;
- ``/plan/block/{n}`` — one block's obligations: act and article, who acts, the duty, when it
  falls due, and for those addressed to the Member States each state's status;
- ``/plan/timeline`` — the dated milestones 2024–2028 by year and quarter (an ordered list; the
  time limits counted from an event apart);
- ``/plan/state/{geo}`` — a state's own checklist: its obligations, status, due, late, evidence;
  ``/plan/state/{geo}.csv|.xlsx`` the same as a table, ``.ics`` its upcoming duties;
- ``/plan/register.csv|.xlsx`` — the register itself.

The register is public law; the progress is read through the service with the visitor's rights
(:func:`read_progress`): where the service refuses it, or holds none, the pages say so and show
the register alone. An unknown block or state is a 404 page that says which exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eupact.cycle.permissions import Actor
from eupact.cycle.service import CycleService
from eupact.cycle.service.register import RegisterProgress
from eupact.errors import EupactError, NotFound, Problem, echo
from eupact.register import Block, Obligation, load_register
from eupact.reports.tables import Table, csv_text
from eupact.web import plan_data
from eupact.web.i18n import N_
from eupact.web.page import Page
from eupact.web.plan_data import Progress

TABLE_FORMATS = ("csv", "xlsx")
STATE_FORMATS = (*TABLE_FORMATS, "ics")
SYNTHETIC_LABEL = (
    "SYNTHETIC: the states' progress in this file is demonstration data made up by eupact, "
    "not the states' real progress"
)
SYNTHETIC_MARK = "SYNTHETIC"
REFUSED = N_("Your role may not read the states' progress: the register alone is shown.")


# -- the progress, through the service ------------------------------------------------------------


def members(service: CycleService) -> tuple[str, ...]:
    """The Member States (all 27: Denmark owes the Eurodac Regulation's obligations only)."""
    at = service.parameters.at(service.clock().date())
    return tuple(at("scope.eu_member_states"))


def progress_reader(service: CycleService) -> RegisterProgress:
    """The service's register progress on the dashboard's context."""
    return RegisterProgress(service.ctx)


def read_progress(service: CycleService, actor: Actor) -> tuple[Progress | None, str, bool]:
    """Every state's status of every obligation it owes, as the service reads it for ``actor``
    (late computed there); or None and why not; and whether it holds the demo's SYNTHETIC
    statuses (their evidence says so)."""
    reader = progress_reader(service)
    try:
        views = reader.progress(actor)
    except EupactError as exc:
        if exc.http_status in (401, 403):
            return None, REFUSED, False
        raise
    progress = {(v.party, v.ob.id): _status(v) for v in views if len(v.party) == 2}
    synthetic = any(SYNTHETIC_MARK in s.evidence for s in progress.values())
    return progress, "", synthetic


def _status(v: Any) -> plan_data.Status:
    current = v.current
    return plan_data.Status(
        status=v.status,
        late=v.late,
        done_late=v.done_late,
        on=current.status_date if current else None,
        due=v.due,
        evidence=current.evidence if current else "",
        recorded=current is not None,
    )


# -- answers --------------------------------------------------------------------------------------


def check_block(raw: str) -> Block:
    text = raw.strip()[:4]
    if text.isdigit() and 1 <= int(text) <= len(Block):
        return Block(int(text))
    rule = "a building block of the Common Implementation Plan, 1 to 10"
    raise NotFound([Problem("block", echo(raw[:20], quote=False), rule)], "no such building block")


def check_state(service: CycleService, raw: str) -> str:
    geo = raw.strip().upper()
    known = members(service)
    if geo in known:
        return geo
    rule = f"a Member State's code: {', '.join(known)}"
    raise NotFound([Problem("state", echo(raw[:20], quote=False), rule)], "no such Member State")


def table_response(
    rows: list[dict[str, Any]], name: str, title: str, fmt: str, synthetic: bool
) -> Response:
    """``rows`` as CSV (inert cells) or XLSX (the project's workbook: frozen headers, the
    SYNTHETIC label, inert text), as an attachment named ``eupact-<name>[-SYNTHETIC].<fmt>``."""
    stem = f"eupact-{name}{'-SYNTHETIC' if synthetic else ''}"
    if fmt == "csv":
        media, body = "text/csv; charset=utf-8", csv_text(rows).encode()
    else:
        media, body = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            _xlsx(rows, name, title, synthetic),
        )
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'},
    )


def _xlsx(rows: list[dict[str, Any]], name: str, title: str, synthetic: bool) -> bytes:
    import tempfile
    from pathlib import Path

    from eupact.reports.workbook import write_workbook

    columns = tuple(rows[0]) if rows else ("no rows",)
    table = Table(name[:31], title, columns, rows, ("Source: eupact's obligations register",))
    with tempfile.TemporaryDirectory(prefix="eupact-plan-") as folder:
        path = Path(folder) / "plan.xlsx"
        write_workbook([table], path, label=SYNTHETIC_LABEL if synthetic else "")
        return path.read_bytes()


class PlanPages:
    """The pages' reads for one request: the register, the states, the progress."""

    def __init__(self, service: CycleService, page: Page) -> None:
        self.service = service
        self.page = page
        self.register: Sequence[Obligation] = load_register()
        self.today = service.clock().date()
        self.states = members(service)
        self.progress, reason, self.synthetic = read_progress(service, page.actor)
        self.reason = page.gettext(reason) if reason else ""

    def render(self, template: str, **context: Any) -> HTMLResponse:
        # the cycle's banner speaks of its pledges; these pages say whether progress is SYNTHETIC
        return self.page.render(
            template,
            active="plan",
            synthetic=False,
            plan=plan_data,
            today=self.today.isoformat(),
            states=self.states,
            has_progress=self.progress is not None,
            no_progress_reason=self.reason,
            progress_synthetic=self.synthetic,
            **context,
        )

    def overview(self) -> HTMLResponse:
        blocks = plan_data.blocks_summary(self.register, self.today, self.states, self.progress)
        grid = (
            plan_data.matrix(self.register, self.states, self.progress)
            if self.progress is not None
            else []
        )
        return self.render(
            "plan.html", blocks=blocks, matrix=grid, end_year=plan_data.TIMELINE_END.year
        )

    def block(self, block: Block) -> HTMLResponse:
        context = plan_data.block_context(
            self.register, block, self.today, self.states, self.progress
        )
        return self.render("plan_block.html", block_numbers=[int(b) for b in Block], **context)

    def timeline(self) -> HTMLResponse:
        return self.render("plan_timeline.html", t=plan_data.timeline(self.register, self.today))

    def state(self, geo: str) -> HTMLResponse:
        rows = plan_data.checklist(self.register, geo, self.today, self.progress)
        totals = plan_data.counts(
            plan_data.Status(r["status"], r["late"], r["done_late"]) for r in rows
        )
        return self.render("plan_state.html", geo=geo, rows=rows, totals=totals)

    def state_file(self, geo: str, fmt: str) -> Response:
        if fmt == "ics":
            body = progress_reader(self.service).ics(
                self.page.actor, geo
            )  # the service's upcoming duties
            label = "-SYNTHETIC" if self.synthetic else ""
            return Response(
                body,
                media_type="text/calendar; charset=utf-8",
                headers={
                    "Content-Disposition": f'attachment; filename="eupact-plan-{geo}{label}.ics"'
                },
            )
        rows = plan_data.checklist_rows(self.register, geo, self.today, self.progress)
        title = f"eupact: the Pact's obligations of {geo} and their status"
        return table_response(rows, f"plan-{geo}", title, fmt, self.synthetic)


def router(service: CycleService) -> APIRouter:
    pages = APIRouter(include_in_schema=False)

    def reads(request: Request) -> PlanPages:
        return PlanPages(service, Page(service, request))

    @pages.get("/plan", response_class=HTMLResponse)
    def plan(request: Request) -> Response:
        return reads(request).overview()

    @pages.get("/plan/timeline", response_class=HTMLResponse)
    def timeline(request: Request) -> Response:
        return reads(request).timeline()

    @pages.get("/plan/block/{n}", response_class=HTMLResponse)
    def block(request: Request, n: str) -> Response:
        chosen = check_block(n)
        return reads(request).block(chosen)

    @pages.get("/plan/register.{fmt}")
    def register_file(fmt: str) -> Response:
        if fmt not in TABLE_FORMATS:
            raise NotFound(
                [Problem("format", echo(fmt[:20]), f"one of {', '.join(TABLE_FORMATS)}")],
                "not found",
            )
        rows = plan_data.register_rows(load_register())
        return table_response(
            rows, "register", "eupact: the Pact's obligations register", fmt, False
        )

    @pages.get("/plan/state")
    def state_picker(request: Request) -> Response:
        """The state picker's GET form lands here (no JavaScript needed)."""
        geo = check_state(service, request.query_params.get("geo", "")[:20])
        return RedirectResponse(f"/plan/state/{geo}", status_code=303)

    # before /plan/state/{geo}: "DE.csv" is no state
    @pages.get("/plan/state/{geo}.{fmt}")
    def state_file(request: Request, geo: str, fmt: str) -> Response:
        if fmt not in STATE_FORMATS:
            raise NotFound(
                [Problem("format", echo(fmt[:20]), f"one of {', '.join(STATE_FORMATS)}")],
                "not found",
            )
        chosen = check_state(service, geo)
        return reads(request).state_file(chosen, fmt)

    @pages.get("/plan/state/{geo}", response_class=HTMLResponse)
    def state(request: Request, geo: str) -> Response:
        chosen = check_state(service, geo)
        return reads(request).state(chosen)

    return pages


__all__ = [
    "PlanPages",
    "check_block",
    "check_state",
    "members",
    "read_progress",
    "router",
    "table_response",
]
