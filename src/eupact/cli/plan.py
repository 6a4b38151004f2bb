"""`eupact plan`: the obligations register of the Pact (issue 19) — who must do what, by when or
how often, under which article, in which building block of the Common Implementation Plan.

* ``eupact plan [--state DE] [--block 7] [--due-before D] [--due-after D] [--act ammr]`` lists the
  curated register (``parameters/register/``) with each obligation's next due date;
* ``eupact plan extract [--act ammr] [--missing]`` lists what the extractor proposes from the
  Official Journal texts (``--missing``: what the register has no entry for), for curation;
* ``eupact plan recall`` prints the extractor's recall on the hand-made list and on the register.

The listing reads the register only: the states' progress is recorded in the service.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from eupact.errors import fail
from eupact.reports.tables import Table

from .common import FormatOpt, console, user_errors
from .render import Format, print_tables

plan_app = typer.Typer(
    help="The Pact's obligations register: who must do what, by when (issue 19).",
    invoke_without_command=True,
)

RECALL_LIST = Path(__file__).resolve().parents[3] / "tests" / "data" / "register_recall.yaml"
LawOpt = Annotated[
    Path | None,
    typer.Option(
        "--law",
        envvar="EUPACT_LAW",
        help="Folder of the acts' JSON texts (default: ../shared/law beside the repository)",
    ),
]
ActOpt = Annotated[
    str | None,
    typer.Option("--act", help="One act: ammr, apr, cfmr, eurodac, sr, rbpr, rcd, qr, urfa"),
]


def _day(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise fail(option, text, "must be a date YYYY-MM-DD") from None


def _act(text: str | None) -> str | None:
    from eupact.register import ACTS

    if text is None:
        return None
    act = text.strip().lower()
    if act not in ACTS:
        raise fail("--act", text, f"one of {', '.join(ACTS)}")
    return act


def with_weekday(day: dt.date | None) -> str:
    """``2026-06-12 Fri``; "" for no date."""
    return f"{day.isoformat()} {day.strftime('%a')}" if day else ""


def next_due(o: Any, start: dt.date) -> dt.date | None:
    """A dated obligation's date (passed or not); a recurring one's first occurrence on or after
    ``start``; a time limit has none (it runs from its event)."""
    from eupact.register import Kind

    if o.kind is Kind.DATE:
        return o.due  # type: ignore[no-any-return]
    dates = o.due_dates(start, start.replace(year=start.year + 12))
    return dates[0] if dates else None


def _when(o: Any) -> str:
    from eupact.register import Kind

    if o.kind is Kind.RECURRING:
        return str(o.recurrence)  # yearly 10-15, every 3 years 2027-06-12
    if o.kind is Kind.TIME_LIMIT:
        return f"{o.period} after"  # the event in `after`
    return "date"


def plan_rows(
    obligations: Any,
    *,
    state: str | None = None,
    block: int | None = None,
    act: str | None = None,
    due_before: dt.date | None = None,
    due_after: dt.date | None = None,
    today: dt.date | None = None,
) -> list[dict[str, Any]]:
    """The register's obligations as rows, filtered and sorted by next due date (undated last)."""
    from eupact.register import Addressee

    start = due_after or today or dt.date.today()
    rows: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    for o in obligations:
        if state is not None and o.addressee is not Addressee.MEMBER_STATES:
            continue
        if (block is not None and o.block.value != block) or (act is not None and o.act != act):
            continue
        due = next_due(o, start)
        if (due_before or due_after) and due is None:
            continue
        if (due_before and due and due > due_before) or (due_after and due and due < due_after):
            continue
        row = {
            "id": o.id,
            "article": o.cite(),
            "block": o.block.value,
            "addressee": o.addressee.value,
            "duty": o.duty,
            "next_due": with_weekday(due),
            "kind": _when(o),
            "after": o.after,
            "subject": o.subject,
            "note": o.note,
        }
        rows.append(((due is None, due or dt.date.max, o.act, o.id), row))
    return [row for _, row in sorted(rows, key=lambda item: item[0])]


@plan_app.callback()
@user_errors
def plan_cmd(
    ctx: typer.Context,
    state: Annotated[
        str | None,
        typer.Option(help="A Member State (DE, IT, ...): the obligations addressed to the states"),
    ] = None,
    block: Annotated[
        int | None, typer.Option(help="A building block of the Common Implementation Plan, 1-10")
    ] = None,
    due_before: Annotated[
        str | None, typer.Option(help="Only what falls due on or before this date, YYYY-MM-DD")
    ] = None,
    due_after: Annotated[
        str | None,
        typer.Option(
            help="Only what falls due on or after this date, YYYY-MM-DD (also the date from "
            "which a recurring duty's next occurrence is counted; default: today)"
        ),
    ] = None,
    act: ActOpt = None,
    form: FormatOpt = Format.table,
) -> None:
    """The obligations register: each obligation's article, building block, who must act, the
    duty, its next due date and its kind (a date; how often; a time limit after an event)."""
    if ctx.invoked_subcommand is not None:
        return
    from eupact.register import BLOCKS, load_register

    code = None
    if state is not None:
        from eupact.boundary.text import state_code

        code = state_code(state, "--state")
    if block is not None and block not in BLOCKS:
        raise fail("--block", block, "a building block of the Common Implementation Plan, 1 to 10")
    before, after = _day(due_before, "--due-before"), _day(due_after, "--due-after")
    rows = plan_rows(
        load_register(),
        state=code,
        block=block,
        act=_act(act),
        due_before=before,
        due_after=after,
    )
    who = f" addressed to the Member States ({code})" if code else ""
    where = f", block {block} ({BLOCKS[block]})" if block else ""
    notes = (
        "next_due: a date as the act sets it (passed or not); a recurring duty's next occurrence "
        f"from {after or dt.date.today()}; a time limit runs from its event (see `after`).",
        "From the curated register (parameters/register/<act>.yaml); a state's progress is "
        "recorded in the service, not here.",
    )
    table = Table(
        "obligations",
        f"Obligations of the Pact{who}{where}: {len(rows)}",
        (
            "id",
            "article",
            "block",
            "addressee",
            "duty",
            "next_due",
            "kind",
            "after",
            "subject",
            "note",
        ),
        rows,
        notes,
        wide=("after", "subject", "note"),
    )
    print_tables(console, [table], form)


@plan_app.command("extract")
@user_errors
def extract_cmd(
    act: ActOpt = None,
    missing: Annotated[
        bool, typer.Option("--missing", help="Only the candidates the register has no entry for")
    ] = False,
    law: LawOpt = None,
    form: FormatOpt = Format.table,
) -> None:
    """Candidates for the register from the Official Journal texts: sentences with a fixed date,
    a period or a recurrence, with the article, the guessed addressee and an excerpt to review."""
    from eupact.register import load_register
    from eupact.register.extract import compare, extract

    chosen = _act(act)
    candidates = extract([chosen] if chosen else None, law)
    if missing:
        candidates = compare(candidates, load_register()).unregistered
    rows = [
        {
            "article": c.cite(),
            "kind": c.kind.value,
            "value": c.value,
            "addressee": c.addressee,
            "excerpt": c.excerpt,
            "subject": c.subject,
        }
        for c in candidates
    ]
    title = "Candidates not in the register" if missing else "Candidates from the texts"
    table = Table(
        "candidates",
        f"{title}: {len(rows)}",
        ("article", "kind", "value", "addressee", "excerpt", "subject"),
        rows,
        (
            "Proposals for curation: review each against the text, then write the entry in "
            "parameters/register/<act>.yaml in our words (excerpts are not to be copied).",
        ),
        wide=("subject",),
    )
    print_tables(console, [table], form)


@plan_app.command("recall")
@user_errors
def recall_cmd(
    list_file: Annotated[
        Path | None,
        typer.Option("--list", help="A hand-made list (default: tests/data/register_recall.yaml)"),
    ] = None,
    law: LawOpt = None,
    form: FormatOpt = Format.table,
) -> None:
    """The extractor's recall: the share of a hand-made list of obligations, and of the curated
    register, that its candidates find."""
    from eupact.register import load_register
    from eupact.register.extract import compare, extract, read_expected, recall

    candidates = extract(None, law)
    path = list_file or RECALL_LIST
    rows: list[dict[str, Any]] = []
    missed_rows: list[dict[str, Any]] = []
    if path.is_file():
        items = read_expected(path)
        share, missed = recall(candidates, items)
        rows.append(
            {
                "measured_on": f"hand-made list ({path.name})",
                "found": len(items) - len(missed),
                "total": len(items),
                "recall_pct": round(100 * share, 1),
            }
        )
        missed_rows += [
            {"on": "list", "where": f"{e.act} {e.article}({e.paragraph})", "value": e.value}
            for e in missed
        ]
    elif list_file is not None:
        raise fail("--list", str(list_file), "no such file")
    result = compare(candidates, load_register())
    total = len(result.found) + len(result.missed)
    rows.append(
        {
            "measured_on": "curated register",
            "found": len(result.found),
            "total": total,
            "recall_pct": round(100 * result.recall, 1),
        }
    )
    located = len(result.found) + len(result.located)
    rows.append(
        {
            "measured_on": "register, article and paragraph flagged",
            "found": located,
            "total": total,
            "recall_pct": round(100 * located / total, 1) if total else 0.0,
        }
    )
    flagged = {id(o) for o in result.located}
    missed_rows += [
        {
            "on": "register",
            "where": o.id,
            "value": o.cite() + (" (flagged)" if id(o) in flagged else ""),
        }
        for o in result.missed
    ]
    tables = [
        Table(
            "recall",
            "The extractor's recall",
            ("measured_on", "found", "total", "recall_pct"),
            rows,
            (
                f"{len(candidates)} candidates in all; {len(result.unregistered)} not in the register.",
            ),
        )
    ]
    if missed_rows:
        tables.append(Table("missed", "Not found", ("on", "where", "value"), missed_rows))
    print_tables(console, tables, form)


__all__ = ["next_due", "plan_app", "plan_rows", "with_weekday"]
