"""What every command shares: the consoles, the common options, and how refused input is shown
(a list of problems, never a traceback)."""

from __future__ import annotations

import datetime as dt
import errno
import functools
import os
import sys
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from eupact.errors import EupactError, fail

from .render import FORMAT_HELP, Format, complete_format, forget_format, parse_format

# Piped output (make demo, logs) gets a wide page rather than Rich's 80-column default. (COLUMNS
# is not read: pytest-xdist's workers export COLUMNS=80.)
console = Console(width=None if sys.stdout.isatty() else 180)
# Errors are never wrapped: a path or a rule cut in two is harder to read and to grep.
err_console = Console(stderr=True, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])

FormatOpt = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        parser=parse_format,
        callback=forget_format,
        autocompletion=complete_format,
        metavar="FORMAT",
        help=FORMAT_HELP,
    ),
]
YearOpt = Annotated[int, typer.Option(help="Pool year (the Council act recorded for it)")]
PopDate = Annotated[str | None, typer.Option(help="Population reference date, e.g. 2024-01-01")]
GdpYear = Annotated[str | None, typer.Option(help="GDP year, e.g. 2024")]
Release = Annotated[str | None, typer.Option(help="Population release (column of the snapshot)")]
PopFile = Annotated[
    Path | None, typer.Option(help="Your own population CSV/XLSX (snapshot columns)")
]
GdpFile = Annotated[Path | None, typer.Option(help="Your own GDP CSV/XLSX (snapshot columns)")]
SarOpt = Annotated[str | None, typer.Option(help="Indicative SAR share, e.g. 0.42 or 21/50")]
ReadingOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--reading",
        help="Choose another \\[reading] of the law, NAME=ALTERNATIVE (repeatable; "
        "`eupact params show` lists them)",
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(help="Who benefits as of this date, YYYY-MM-DD (default: every recorded use)"),
]


def readings(given: list[str] | None) -> dict[str, str]:
    """``NAME=ALTERNATIVE`` options as a mapping; a malformed one is refused with its rule."""
    out: dict[str, str] = {}
    for item in given or ():
        name, sep, choice = item.partition("=")
        if not sep or not name.strip() or not choice.strip():
            raise fail(
                "--reading",
                item,
                "write NAME=ALTERNATIVE, e.g. offsets.cap.contributions_counted=relocations_only",
            )
        out[name.strip()] = choice.strip()
    return out


def user_errors(func: F) -> F:
    """Show refused input as a list of problems, never as a traceback; exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except EupactError as exc:
            err_console.print(f"[bold red]error:[/] {escape(exc.summary)}", highlight=False)
            for p in exc.problems:
                err_console.print(f"  - {p}", markup=False, highlight=False)
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except OSError as exc:  # the machine refused (no such folder, no permission, disk full)
            if os.environ.get("EUPACT_DEBUG"):
                raise
            err_console.print("[bold red]error:[/] cannot read or write a file")
            err_console.print(f"  - {_os_problem(exc)}", markup=False, highlight=False)
            raise typer.Exit(2) from None
        except Exception as exc:
            if os.environ.get("EUPACT_DEBUG"):
                raise
            err_console.print(
                f"[bold red]internal error:[/] {type(exc).__name__}: {escape(str(exc))}",
                markup=True,
                highlight=False,
            )
            err_console.print(
                "This is a bug in eupact, not in your input; set EUPACT_DEBUG=1 for "
                "the traceback and report it."
            )
            raise typer.Exit(70) from None

    return wrapper  # type: ignore[return-value]


def _os_problem(exc: OSError) -> str:
    """An operating system's refusal in a sentence: the file, what went wrong, and for a
    missing folder, which one."""
    name = exc.filename
    what = exc.strerror or str(exc)
    if name is None:
        return what
    path = Path(str(name))
    if exc.errno == errno.ENOENT and not path.parent.exists():
        return f"{path}: the folder {path.parent} does not exist"
    return f"{path}: {what.lower() if what[:1].isupper() and what[1:2].islower() else what}"


def _date(text: str | None, default: dt.date) -> dt.date:
    if text is None:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail("--at", text, "must be a date YYYY-MM-DD") from None


def _fraction(text: str | None, name: str) -> Fraction | None:
    if text is None:
        return None
    try:
        value = Fraction(text.strip().rstrip("%")) / (100 if text.strip().endswith("%") else 1)
    except (ValueError, ZeroDivisionError):
        raise fail(name, text, "must be a fraction such as 0.42, 21/50 or 42%") from None
    if not 0 <= value <= 1:
        raise fail(name, text, "must be between 0 and 1 (0 % and 100 %)")
    return value


def _money(text: str | None, name: str) -> Decimal | None:
    if text is None:
        return None
    try:
        amount = Decimal(text.replace("_", "").replace(",", ""))
    except InvalidOperation:
        raise fail(name, text, "must be an amount in EUR, e.g. 1500000.50") from None
    # Finite and below EUR 10^15 (the whole EU budget is about 10^11): guards NaN, inf and
    # exponents that would make exact arithmetic run for ever.
    if not amount.is_finite() or amount.adjusted() >= 15:
        raise fail(name, text, "must be a finite amount in EUR below 10^15")
    return amount
