"""Errors that users see.

Every error a user can cause names the field, the value and the rule it breaks, and where the
value came from (file and row when there is one). The CLI prints them without a traceback.

A refused value is shown with :func:`echo`: whatever it is (a lone surrogate, a NUL, 64 KiB of
digits, an integer too long to print), the echo is short, printable and never raises, so that
reporting a hostile value cannot itself fail.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

ECHO_LIMIT = 256  # long enough for a file path, short enough to keep a refusal readable

# Characters that would corrupt a terminal, a log line or a JSON document if echoed as they are:
# controls (NUL, ESC ...), lone surrogates (not encodable), and line or bidirectional marks
# (they reorder or split what a reader sees).
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _escaped(ch: str) -> bool:
    return ch in _BIDI or unicodedata.category(ch) in _ESCAPED_CATEGORIES


def _plain(text: str, limit: int, keep: str = "") -> str:
    """At most ``limit`` characters of ``text``, unsafe ones (except those in ``keep``) as
    \\uXXXX, and the length if it was cut."""
    head = "".join(f"\\u{ord(c):04x}" if _escaped(c) and c not in keep else c for c in text[:limit])
    return head if len(text) <= limit else f"{head}… ({len(text):,} characters)"


def _integer(value: int, limit: int) -> str:
    try:
        digits = str(value)
    except ValueError:  # above Python's int-to-text limit (4300 digits): say how big it is
        return f"a whole number of about {int(value.bit_length() * 0.30103):,} digits"
    return digits if len(digits) <= limit else f"{digits[:limit]}… ({len(digits):,} digits)"


def echo(value: object, limit: int = ECHO_LIMIT, quote: bool = True) -> str:
    """``value`` in plain words for an error message: text in quotes (``quote``), numbers as
    numbers, true/false, lists item by item; cut to about ``limit`` characters; never raises."""
    try:
        if value is None:
            return "nothing"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return _integer(value, limit)
        if isinstance(value, float | Decimal):
            return _plain(str(value), limit)
        if isinstance(value, str):
            text = _plain(value, limit)
            return f"'{text}'" if quote else text
        if isinstance(value, list | tuple):
            items = [echo(v, limit, quote) for v in value[:10]]
            more = f", … ({len(value):,} items)" if len(value) > 10 else ""
            return _plain(f"[{', '.join(items)}{more}]", 4 * limit)
        return _plain(str(value), limit)
    except Exception:  # an object whose str() fails: its type is all that can be said
        return f"a value of type {type(value).__name__}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule in one input value."""

    field: str
    value: object
    rule: str
    location: str = ""

    def __str__(self) -> str:
        where = f"{_plain(self.location, 4 * ECHO_LIMIT)}: " if self.location else ""
        name = _plain(str(self.field), ECHO_LIMIT)
        rule = _plain(self.rule, 1000, keep="\n\t")
        return f"{where}field '{name}' = {echo(self.value)}: {rule}"


@dataclass
class EupactError(Exception):
    """An input that eupact refuses; carries every problem found, not only the first."""

    problems: list[Problem] = field(default_factory=list)
    summary: str = "invalid input"

    # The HTTP status the API answers with: 422 for a broken rule unless a subclass says more.
    http_status = 422

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [f"{self.summary} ({len(self.problems)} problem(s)):"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


def fail(
    field: str, value: object, rule: str, location: str = "", summary: str = ""
) -> EupactError:
    """Build an error with a single problem (raise the result)."""
    return EupactError([Problem(field, value, rule, location)], summary or "invalid input")


class Forbidden(EupactError):
    http_status = 403


class NotFound(EupactError):
    http_status = 404


class Conflict(EupactError):
    http_status = 409


class PreconditionFailed(EupactError):
    http_status = 412


class Unauthorized(EupactError):
    http_status = 401


__all__ = [
    "Conflict",
    "EupactError",
    "Forbidden",
    "NotFound",
    "PreconditionFailed",
    "Problem",
    "Unauthorized",
    "echo",
    "fail",
]
