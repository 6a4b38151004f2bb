"""The cycle service at the console: its database, API tokens, the audit log, and `eupact serve`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from eupact.errors import EupactError, fail

from .common import console, err_console, user_errors

db_app = typer.Typer(help="The cycle service's database.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens (only their hashes are stored).", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
DbUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="SQLAlchemy URL (default: $EUPACT_DATABASE_URL or sqlite:///eupact.db)",
    ),
]


def _service(url: str | None) -> Any:
    from eupact.cycle.service import CycleService
    from eupact.cycle.store.db import make_engine, sessions

    _upgrade(url)
    return CycleService(sessions(make_engine(url)))


def shown_url(url: str | None) -> str:
    """The database URL as it may be printed: resolved (default, $EUPACT_DATABASE_URL), its
    password hidden, a SQLite file's path made absolute."""
    from sqlalchemy import make_url

    from eupact.cycle.store.db import database_url

    text = database_url(url)
    try:
        parsed = make_url(text)
    except Exception:  # not a URL at all: shown as typed
        return text
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return f"sqlite:///{Path(parsed.database or '').resolve()}"
    return parsed.render_as_string(hide_password=True)


def _database_problem(url: str | None, exc: Exception) -> EupactError:
    """Why a database cannot be used, in a sentence (not SQLAlchemy's or the driver's trace)."""
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

    shown = shown_url(url)
    if isinstance(exc, NoSuchModuleError | ModuleNotFoundError):
        rule = "not a database eupact works with: use sqlite:///FILE or postgresql://USER@HOST/NAME"
    elif isinstance(exc, ArgumentError):
        rule = "not a database URL: write e.g. sqlite:///eupact.db or postgresql://USER@HOST/NAME"
    elif isinstance(exc, DBAPIError):
        said = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else ""
        if shown.startswith("sqlite") and "unable to open" in said:
            folder = Path(shown.removeprefix("sqlite:///")).parent
            rule = (
                f"cannot be opened: the folder {folder} does not exist"
                if not folder.exists()
                else "cannot be opened: the file or its folder is not writable"
            )
        elif "file is not a database" in said:
            rule = "is not a database file (SQLite cannot read it)"
        else:
            rule = f"cannot be used: {said or type(exc).__name__}"
    else:
        rule = f"cannot be used: {exc}"
    return fail("--database-url", shown, rule, summary="cannot open the database")


def _upgrade(url: str | None) -> None:
    """Create or migrate the schema; a database that cannot be opened is a user's error."""
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

    from eupact.cycle.store.db import upgrade

    try:
        upgrade(url)
    except (ArgumentError, DBAPIError, NoSuchModuleError, ModuleNotFoundError) as exc:
        raise _database_problem(url, exc) from None


@db_app.command("upgrade")
@user_errors
def db_upgrade(database_url: DbUrl = None) -> None:
    """Create or migrate the schema (Alembic) to the latest version."""
    _upgrade(database_url)
    console.print(f"schema up to date: {shown_url(database_url)}", highlight=False, markup=False)


@tokens_app.command("create")
@user_errors
def tokens_create(
    role: Annotated[
        str, typer.Option(help="commission, council, coordinator, member_state, observer")
    ],
    state: Annotated[str | None, typer.Option(help="geo code, for a Member State token")] = None,
    label: Annotated[str, typer.Option(help="Who holds it")] = "",
    expires_in_days: Annotated[
        int | None,
        typer.Option(help="Days until it stops working (default 90; at most 3650)"),
    ] = None,
    database_url: DbUrl = None,
) -> None:
    """Create an API token; it is printed once and only its SHA-256 is stored."""
    from eupact.boundary import TokenIn, validate
    from eupact.cycle.phases import Role

    # the boundary's model of a token, as for every other input: role, state, label normalised
    asked = validate(
        TokenIn, {"role": role, "state": state, "label": label}, location="command line"
    ).to_domain()
    where, new = shown_url(database_url), not _exists(database_url)
    token, info = _service(database_url).tokens.issue(
        Role(asked.role), asked.state, asked.label, expires_in_days
    )
    print(token)  # alone on standard output, for scripts; what it is goes to standard error
    err_console.print(
        f"token {info.id} expires {info.expires_at:%Y-%m-%d %H:%M} UTC; "
        f"revoke it with: eupact tokens revoke {info.id}",
        highlight=False,
    )
    err_console.print(
        f"stored in the database {where}"
        + (" (a new database, created now)" if new else "")
        + "; `eupact serve` must use the same --database-url or $EUPACT_DATABASE_URL",
        highlight=False,
        markup=False,
    )


def _exists(url: str | None) -> bool:
    """Whether a SQLite database file is already there (other databases: assumed so)."""
    shown = shown_url(url)
    return not shown.startswith("sqlite:///") or Path(shown.removeprefix("sqlite:///")).exists()


@tokens_app.command("list")
@user_errors
def tokens_list(database_url: DbUrl = None) -> None:
    """Every API token: its id, role, state, label, when it was made and expires, whether it
    is revoked, and its last dashboard sign-in (never the token or its hash)."""
    from rich import box
    from rich.table import Table as RichTable
    from rich.text import Text

    service = _service(database_url)
    now = service.clock()
    rows = service.tokens.all()
    # two spaces between columns and none around: the table fits 80 columns, the label folds
    table = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0))
    for name in ("id", "role", "geo", "label", "created", "expires", "status", "signed in"):
        folds = name == "label"
        table.add_column(
            name,
            justify="right" if name == "id" else "left",
            no_wrap=not folds,
            overflow="fold" if folds else "ellipsis",
            min_width=8 if folds else None,
        )
    for t in rows:
        table.add_row(
            str(t.id),
            t.role,
            t.state or "",
            Text(t.label),  # as typed: a label is never read as Rich markup
            f"{t.created_at:%Y-%m-%d}",
            f"{t.expires_at:%Y-%m-%d}",
            t.status(now),
            f"{t.last_sign_in:%Y-%m-%d}" if t.last_sign_in else "",
        )
    if not rows:
        console.print("no tokens yet: eupact tokens create --role ...", highlight=False)
        return
    console.print(table, width=min(console.width, 80))


@tokens_app.command("revoke")
@user_errors
def tokens_revoke(
    token_id: Annotated[int, typer.Argument(metavar="ID", help="The id eupact tokens list shows")],
    database_url: DbUrl = None,
) -> None:
    """Revoke an API token at once (every request with it is refused from now on) and end its
    dashboard sessions. Audited as token.revoke."""
    info, changed = _service(database_url).tokens.revoke(token_id)
    holder = f"{info.role}{' ' + info.state if info.state else ''}"
    if changed:
        console.print(f"token {info.id} ({holder}) revoked; its sessions ended", highlight=False)
    else:
        console.print(f"token {info.id} ({holder}) was already revoked", highlight=False)


@audit_app.command("verify")
@user_errors
def audit_verify(
    database_url: DbUrl = None,
    anchor: Annotated[
        Path | None,
        typer.Option(help="The anchor file the service appends to (default: $EUPACT_AUDIT_ANCHOR)"),
    ] = None,
    key_file: Annotated[
        Path | None,
        typer.Option(
            help="File holding the MAC key (default: $EUPACT_AUDIT_KEY or $EUPACT_AUDIT_KEY_FILE)"
        ),
    ] = None,
) -> None:
    """Check the audit log: its hash chain, each entry's MAC, the anchor file, and the tables
    against the log replayed; exit 1, naming the first bad entry, if anything was tampered
    with."""
    from dataclasses import replace

    from rich.markup import escape
    from rich.table import Table as RichTable
    from rich.text import Text

    from eupact.cycle import audit
    from eupact.cycle.store.db import make_engine, sessions

    try:
        config = audit.AuditConfig.from_env()
        if anchor is not None:
            config = replace(config, anchor=anchor)
        if key_file is not None:
            config = config.with_key_file(key_file)
    except OSError as exc:
        raise fail(
            "--key-file" if key_file is not None else audit.ENV_KEY_FILE,
            str(exc.filename or key_file or ""),
            f"the audit key cannot be read: {(exc.strerror or str(exc)).lower()}",
            summary="audit key unusable",
        ) from None
    except ValueError as exc:
        raise fail("audit key", "", str(exc), summary="audit key unusable") from None
    _upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with sessions(engine)() as session:
            result = audit.verify(session, config)
    finally:
        engine.dispose()
    # a grid, so that a long sentence wraps inside its column on a narrow terminal
    checks = RichTable.grid(padding=(0, 1))
    checks.add_column(style="bold", no_wrap=True)
    checks.add_column()
    for name, status in result.checks:
        style = "red" if status == "failed" else "green" if status.startswith("passed") else ""
        checks.add_row(f" {name}", Text(_check_sentence(name, status), style=style))
    console.print(checks)
    entries = f"{result.entries:,} {'entry' if result.entries == 1 else 'entries'}"
    if result.ok:
        console.print(
            f"[green]intact[/]: nothing in the audit log ({entries}) was changed behind the "
            f"service's back ({escape(result.reason)})."
        )
        return
    where = f"entry {result.first_bad}" if result.first_bad is not None else "no entry"
    if result.entity:
        where += f", record {result.entity}"
    console.print(
        f"[bold red]TAMPERED[/] ({result.check} check; first bad: {where}): the audit log of "
        f"{entries} was changed behind the service's back."
    )
    console.print(f"What was found: {escape(_sentence(result.reason))}")
    for more in result.more[:9]:
        console.print(f"  also: {escape(_sentence(more))}")
    if len(result.more) > 9:
        console.print(f"  and {len(result.more) - 9} more")
    raise typer.Exit(1)


def _sentence(text: str) -> str:
    """``text`` ending as a sentence does (its first word kept as written: an entry's words)."""
    text = text.strip()
    return text if not text or text.endswith((".", ")")) else text + "."


# What each check proves when it passes, and what to set when it cannot run (docs/audit.md).
_PROVES = {
    "chain": "each entry carries the hash of the one before it: none was edited, inserted or "
    "deleted",
    "mac": "each entry's hash is signed with the configured key",
    "anchor": "each entry matches the hash anchored outside the database",
    "replay": "the tables hold what the log's entries, replayed, give",
}


def _check_sentence(name: str, status: str) -> str:
    """One check's status (audit.verify's words) as a sentence."""
    if status.startswith("passed"):
        detail = status.removeprefix("passed").strip(" :()")
        proves = _PROVES.get(name, "no difference found")
        return f"passed: {proves}" + (f" ({detail})." if detail else ".")
    if status == "failed":
        return "failed: see below."
    if status == "not run":
        return "not run: an earlier check failed first."
    if status.startswith("not configured"):
        env = status.removeprefix("not configured").strip(" ()")
        return f"not checked: no anchor file is configured ({env} or --anchor)."
    status = status.replace("not possible: ", "not checked: ", 1)
    return status if status.endswith((".", ")")) else status + "."


@user_errors
def serve(
    database_url: DbUrl = None,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(
            help="uvicorn worker processes (default: 1 on SQLite, whose single writer gains "
            "nothing from more; up to 4, one per core, on PostgreSQL)"
        ),
    ] = None,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Serve a fresh database holding the 2026 cycle with SYNTHETIC pledges "
            "(default file results/demo/eupact-demo.db), with one token per actor",
        ),
    ] = False,
    demo_until: Annotated[
        str, typer.Option(help="With --demo: stop the cycle at 'pledging' or 'implementation'")
    ] = "implementation",
    trusted_proxy: Annotated[
        str | None,
        typer.Option(
            help="Addresses of the reverse proxy whose X-Forwarded-For / -Proto headers are "
            "believed (comma-separated); by default none: the client's own address is the one "
            "the rate limits count, and no local client can claim another"
        ),
    ] = None,
) -> None:
    """Run the cycle service: the dashboard at / and the REST API at /api/v1 (uvicorn)."""
    import uvicorn

    from eupact.cycle.store.db import database_url as resolve

    if demo:
        url = _load_demo(database_url, demo_until)
    else:
        url = resolve(database_url)
        _upgrade(url)
    os.environ["EUPACT_DATABASE_URL"] = url
    if workers is None:
        workers = 1 if url.startswith("sqlite") else max(1, min(4, os.cpu_count() or 1))
    console.print(f"eupact dashboard on [bold]http://{host}:{port}/[/bold] (database {url})")
    console.print(f"REST API at http://{host}:{port}/api/v1, OpenAPI at http://{host}:{port}/docs")
    # uvicorn believes forwarded headers from 127.0.0.1 unless told otherwise: any local client
    # could then name any address and escape the sign-in and token rate limits.
    proxies: dict[str, Any] = {"proxy_headers": bool(trusted_proxy)}
    if trusted_proxy:
        proxies["forwarded_allow_ips"] = trusted_proxy
    uvicorn.run(
        "eupact.api.main:app",
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        **proxies,
    )


def _load_demo(database_url: str | None, until: str) -> str:
    """A fresh demo database; the tokens go to a file next to it and the main ones are shown."""
    from eupact.cycle.border_demo import load_border_demo
    from eupact.cycle.crisis_demo import load_crisis_demo
    from eupact.cycle.demo import load_demo
    from eupact.cycle.dublin_demo import load_dublin_demo
    from eupact.cycle.register_demo import load_register_demo

    if until not in ("pledging", "implementation"):
        raise fail("--demo-until", until, "'pledging' or 'implementation'")
    folder = Path("results") / "demo"
    if database_url is None:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "eupact-demo.db"
        path.unlink(missing_ok=True)
        database_url = f"sqlite:///{path}"
    elif not database_url.startswith("sqlite"):
        raise fail("--database-url", database_url, "--demo loads into a new SQLite file only")
    service = _service(database_url)
    tokens = load_demo(service, 2026, until)  # type: ignore[arg-type]
    load_dublin_demo(service, tokens)  # SYNTHETIC Dublin cases for /dublin
    load_register_demo(service, tokens)  # register progress: cited facts, SYNTHETIC states
    load_border_demo(service, tokens)  # SYNTHETIC border figures for /border (~0.1 s)
    load_crisis_demo(service, tokens)  # one SYNTHETIC crisis for /crises (~0.03 s)
    folder.mkdir(parents=True, exist_ok=True)
    listing = folder / "tokens.txt"
    listing.write_text(
        "# eupact demo tokens (SYNTHETIC demonstration cycle); sign in at /signin\n"
        + "".join(f"{name}\t{token}\n" for name, token in tokens.items()),
        encoding="utf-8",
    )
    listing.chmod(0o600)
    console.print(
        f"2026 demo cycle loaded ({until}); SYNTHETIC pledges. Tokens for all actors: {listing}"
    )
    for name in ("commission", "DE", "FR"):
        console.print(f"  sign in as {name:<10} {tokens[name]}")
    if until != "pledging":
        console.print("  (pledging is closed in this phase; --demo-until pledging reopens it)")
        _one_story(service)
    return database_url


def _one_story(service: Any) -> None:
    """Say whether the dashboard tells the story `eupact cycle run 2026` writes (make demo runs
    both), naming each difference."""
    from eupact.cycle.demo import differences
    from eupact.cycle.examples import example_pledges_path
    from eupact.cycle.permissions import Actor
    from eupact.cycle.phases import Role
    from eupact.cycle.run import run_cycle

    today = service.clock().date()
    served = service.outcome(Actor("demo", Role.OBSERVER), 2026).outcome
    filed = run_cycle(2026, example_pledges_path(2026), assess=False).outcome
    t, o = served.totals, served.offsets
    console.print(
        f"  2026 on {today.isoformat()}: benefitting {', '.join(served.benefitting_states)}; "
        "deductions granted "
        + (", ".join(g for g, r in served.states.items() if r.deducted_total) or "none")
        + f"; High-Level Forum {'reconvened' if o.forum_reconvened else 'not reconvened'}; "
        f"offsets owed {sum(o.obligations.values()):,}; relocations to implement "
        f"{t.to_implement_relocations:,}; shortfall EUR {t.shortfall:,.0f}",
        highlight=False,
        markup=False,
    )
    named = differences(served, filed, today)
    if not named:
        console.print(
            "  the same figures as `eupact cycle run 2026`", highlight=False, markup=False
        )
        return
    console.print("  as `eupact cycle run 2026`, except:", highlight=False, markup=False)
    for line in named:
        console.print(f"  - {line}", highlight=False, markup=False)
