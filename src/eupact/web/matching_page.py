"""The relocation matching on the dashboard (``/matching``, Art. 67 AMMR): a benefitting Member
State matches the persons it identified with the places pledged in the cycle; the Commission and
the EU Solidarity Coordinator may run it for any benefitting state (Art. 15, 67(3)-(4)).

The candidates come from an uploaded file in the format of `eupact match --applicants`
(:func:`eupact.matching.files.read_applicants`: CSV or JSON, every malformed row named) or from
the SYNTHETIC sample generator (:func:`eupact.matching.synthetic.synthetic_applicants`); the
places are the relocation pledges recorded in the cycle, read through the service with the
visitor's rights. The matching itself is the service's (:meth:`CycleService.match`, the same
call as the API's ``POST /cycles/{year}/matching``), so its rules apply exactly: ``matching.run``
in the permission table, a Member State for its own candidates only and only once it benefits,
after the Council act and from the date Part IV applies (Art. 85); each run is audited, nothing
else is stored. The form carries the session's CSRF value; an upload is limited to
:data:`MAX_UPLOAD` bytes (the service refuses any request body above 64 KiB) and
:data:`MAX_CANDIDATES` candidates (the API's limit).

The assignment is shown with each person's explanation (the result's own words, in English) and
downloads as CSV (``assignments.csv`` of `eupact match`); the result page's download form sends
the same candidates again (a sample's size and seed, or the uploaded text), since nothing is kept.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from eupact.boundary import Refused, read_integer
from eupact.cycle.permissions import Actor, authorize
from eupact.cycle.phases import AFTER_ACT, Phase, Role
from eupact.cycle.service import CycleService
from eupact.errors import EupactError, Forbidden, Problem, echo
from eupact.matching.files import ASSIGNMENT_COLUMNS, assignment_cells
from eupact.web.page import Page

MAX_UPLOAD = 60_000  # bytes: under the service's 64 KiB body limit, with the form around it
MAX_CANDIDATES = 2_000  # the API's MatchIn.applicants limit
DEFAULT_SAMPLE = 300
MAX_SEED = 2**31 - 1
SHOWN = 500  # assignments listed on the page; the CSV holds every one
SOURCES = ("sample", "file")


def places_of(service: CycleService, actor: Actor, year: int) -> list[Any]:
    """The relocation places pledged in the cycle (Art. 57(1)), for any benefitting state."""
    from eupact.matching.model import PledgedPlaces

    pledges = service.list_pledges(actor, year, limit=1000)[0]
    return [
        PledgedPlaces(p.state, p.relocations, None, f"pledge {p.id}")
        for p in pledges
        if p.kind == "relocation" and p.relocations > 0
    ]


def context(service: CycleService, actor: Actor, year: int | None) -> dict[str, Any]:
    """What the form needs: whose candidates the visitor may match, the places, and what the
    service will refuse before anything is run (said on the page, not hidden)."""
    authorize(actor, "matching.run")
    data: dict[str, Any] = {"states": [], "places": [], "notice": "", "total_places": 0}
    if year is None:
        data["notice"] = "no cycle has been opened yet"
        return data
    phase = Phase(service.get_cycle(actor, year).phase)
    standing = service.standing(actor, year)
    benefitting = tuple(standing.standing.benefitting_states)
    if actor.role is Role.MEMBER_STATE:
        data["states"] = [actor.state] if actor.state in benefitting else []
        if actor.state not in benefitting:
            data["notice"] = (
                "relocations are from a benefitting Member State, which matches the persons it "
                f"identified (Art. 67(3), (4)); {actor.state} does not benefit from the pool"
            )
    else:
        data["states"] = list(benefitting)
        if not benefitting:
            data["notice"] = "no Member State benefits from the pool yet (Art. 58(1), 59(4))"
    if phase not in AFTER_ACT:
        data["notice"] = (
            "relocations are matched under the pool the Council act established (Art. 57, 67)"
        )
    places = places_of(service, actor, year)
    data["places"] = sorted(
        ({"state": p.contributing_state, "places": p.places} for p in places),
        key=lambda p: -p["places"],
    )
    data["total_places"] = sum(p.places for p in places)
    return data


def _problem(field: str, value: object, rule: str, status: int = 422) -> EupactError:
    error = EupactError([Problem(field, value, rule)], "matching refused; nothing was run")
    error.http_status = status
    return error


def chosen_state(actor: Actor, form: Mapping[str, Any], allowed: list[str]) -> str:
    """Whose candidates: a Member State's own (Art. 67(3)-(4)); for the Commission and the
    Coordinator, a benefitting state they choose."""
    raw = str(form.get("state", "") or actor.state or "").strip().upper()[:3]
    if actor.role is Role.MEMBER_STATE and raw != actor.state:
        rule = (
            "a benefitting Member State runs the matching for the persons it identified "
            f"(Art. 67(3), (4) AMMR): this session is {actor.state}'s"
        )
        raise Forbidden([Problem("state", echo(raw, quote=False), rule)], "not allowed")
    if actor.role is not Role.MEMBER_STATE and raw not in allowed:
        rule = "a benefitting Member State: " + (" ".join(allowed) or "none benefits yet")
        raise _problem("state", echo(raw, quote=False), rule)
    return raw


def _number(form: Mapping[str, Any], name: str, default: int, low: int, high: int) -> int:
    raw = str(form.get(name, "") or "").strip()
    if not raw:
        return default
    try:
        return read_integer(raw, minimum=low, maximum=high, people=True)
    except Refused as refused:
        raise _problem(name, echo(raw[:40], quote=False), refused.rule) from None


async def candidates(
    service: CycleService, form: Mapping[str, Any], state: str, own: bool = False
) -> tuple[list[Any], str, dict[str, Any]]:
    """The candidates to match, their label, and what sends them again (the download form).
    ``own``: a Member State's own candidates — a row of another state is left for the service
    to refuse, as the API's route does (403, Art. 67(3)-(4)); for the Commission and the
    Coordinator the file must hold the chosen state's candidates only (422)."""
    source = str(form.get("source", "sample"))
    if source not in SOURCES:
        raise _problem("source", echo(source[:20], quote=False), "sample or file")
    if source == "sample":
        from eupact.matching.synthetic import synthetic_applicants

        n = _number(form, "n", DEFAULT_SAMPLE, 1, MAX_CANDIDATES)
        seed = _number(form, "seed", 2026, 0, MAX_SEED)
        params = service.parameters.at(service.clock().date())
        table = synthetic_applicants(n, params, seed, (state,))
        return list(table), table.label, {"source": "sample", "n": n, "seed": seed}
    text, name = await _uploaded(form)
    applicants, label = read_candidates(text, name)
    others = [(i, a) for i, a in enumerate(applicants) if a.benefitting_state != state]
    if others and not own:  # a Member State's: the service refuses them (403, Art. 67(3)-(4))
        rule = f"the candidates of the state chosen ({state}) only: this row names another"
        problems = [
            Problem("benefitting_state", a.benefitting_state, rule, a.source)
            for _, a in others[:10]
        ]
        raise EupactError(problems, "matching refused; nothing was run")
    resend = {"source": "file", "candidates_text": text, "candidates_name": name}
    return applicants, label, resend


async def _uploaded(form: Mapping[str, Any]) -> tuple[str, str]:
    """The candidates' file (or its text, sent again by the download form), bounded."""
    upload = form.get("candidates")
    if isinstance(upload, UploadFile) and upload.filename:
        body = await upload.read(MAX_UPLOAD + 1)
        name = upload.filename
    else:
        text = form.get("candidates_text")
        if not isinstance(text, str) or not text:
            raise _problem("candidates", "", "choose a file of candidates (CSV or JSON)")
        body, name = text.encode("utf-8"), str(form.get("candidates_name", "candidates.csv"))
    if len(body) > MAX_UPLOAD:
        raise _problem("candidates", f"{len(body):,}+ bytes", f"at most {MAX_UPLOAD:,} bytes", 413)
    try:
        return body.decode("utf-8-sig"), name
    except UnicodeDecodeError:
        raise _problem("candidates", name[:60], "a text file in UTF-8") from None


def read_candidates(text: str, name: str) -> tuple[list[Any], str]:
    """``text`` read exactly as `eupact match --applicants` reads a file (CSV unless the name
    ends in .json); every malformed row refused, with its row number."""
    from eupact.matching.files import read_applicants

    suffix = ".json" if name.lower().endswith(".json") else ".csv"
    with tempfile.TemporaryDirectory(prefix="eupact-candidates-") as folder:
        path = Path(folder) / f"candidates{suffix}"
        path.write_text(text, encoding="utf-8")
        read = read_applicants(path)
    applicants = list(read.table)
    if len(applicants) > MAX_CANDIDATES:
        rule = f"at most {MAX_CANDIDATES:,} candidates in one matching (the API's limit)"
        raise _problem("candidates", len(applicants), rule)
    return applicants, read.label


def assignments_csv(result: Any, label: str) -> str:
    """The assignment as `eupact match` writes ``assignments.csv``: its label lines first, every
    text cell inert for spreadsheets."""
    out = io.StringIO()
    for line in (label or "").splitlines():
        out.write(f"# {line}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ASSIGNMENT_COLUMNS)
    for e in result.explanations():
        writer.writerow(assignment_cells(e))
    return out.getvalue()


def result_view(result: Any, label: str) -> dict[str, Any]:
    summary = result.summary().as_dict()
    rows = [e.as_dict() for e in result.explanations()]
    return {
        "label": label,
        "synthetic": "SYNTHETIC" in label.upper(),
        "totals": summary["totals"],
        "solver": summary["solver"],
        "by_state": [r for r in summary["by_state"] if r["places"] or r["relocated"]],
        "reasons": {k: v for k, v in summary["reasons_persons"].items() if v},
        "notes": [*summary["notes"], *([result.label] if result.label else [])],
        "rows": rows[:SHOWN],
        "count": len(rows),
    }


def router(service: CycleService) -> APIRouter:
    pages = APIRouter(include_in_schema=False)

    def show(page: Page, status: int = 200, **extra: Any) -> HTMLResponse:
        year, _ = page.cycle()
        data = context(service, page.actor, year)
        return page.render("matching.html", status, active="matching", data=data, **extra)

    @pages.get("/matching", response_class=HTMLResponse)
    def matching(request: Request) -> Response:
        page = Page(service, request)
        if not page.signed_in:
            return RedirectResponse("/signin?next=/matching", status_code=303)
        return show(page)

    @pages.post("/matching")
    async def run(request: Request) -> Response:
        page = Page(service, request)
        if not page.signed_in:
            raise Forbidden(
                [Problem("session", "", "sign in with a token that may run the matching")],
                "not signed in",
            )
        form = await request.form(max_files=1, max_fields=20, max_part_size=MAX_UPLOAD + 1024)
        page.check_csrf({k: v for k, v in form.items() if isinstance(v, str)})
        year = page.pin_year({k: v for k, v in form.items() if isinstance(v, str)})
        entered = {k: v[:80] for k, v in form.items() if isinstance(v, str) and k != "csrf"}
        entered.pop("candidates_text", None)
        try:
            data = context(service, page.actor, year)
            state = chosen_state(page.actor, form, data["states"])
            own = page.actor.role is Role.MEMBER_STATE
            applicants, label, resend = await candidates(service, form, state, own)
            result = service.match(
                page.actor, year, applicants, places_of(service, page.actor, year)
            )
        except EupactError as exc:
            if exc.http_status in (401, 403):
                return page.error(exc)
            return show(page, exc.http_status, errors=exc, entered=entered)
        if form.get("output") == "csv":
            synthetic = "-SYNTHETIC" if "SYNTHETIC" in label.upper() else ""
            name = f"eupact-{year}-matching-{state}{synthetic}.csv"
            return Response(
                assignments_csv(result, label).encode("utf-8"),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )
        view = result_view(result, label)
        return show(page, result=view, resend=resend, state=state, entered=entered)

    return pages


__all__ = [
    "MAX_CANDIDATES",
    "MAX_UPLOAD",
    "assignments_csv",
    "candidates",
    "context",
    "places_of",
    "read_candidates",
    "router",
]
