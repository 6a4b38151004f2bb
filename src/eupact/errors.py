"""Errors that users see.

Every error a user can cause names the field, the value and the rule it breaks, and where the
value came from (file and row when there is one). The CLI prints them without a traceback.

A refused value is shown with :func:`echo`: whatever it is (a lone surrogate, a NUL, 64 KiB of
digits, an integer too long to print), the echo is short, printable and never raises, so that
reporting a hostile value cannot itself fail.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import unicodedata
from collections.abc import Mapping, Set
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
        if isinstance(value, enum.Enum):
            return echo(value.value, limit, quote)
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, Set):
            value = sorted(value, key=str)
        if isinstance(value, list | tuple):
            items = [echo(v, limit, quote) for v in value[:10]]
            more = f", … ({len(value):,} items)" if len(value) > 10 else ""
            return _plain(f"[{', '.join(items)}{more}]", 4 * limit)
        if isinstance(value, Mapping):  # as written in YAML, not as Python prints a dict
            pairs = [f"{echo(k, limit, False)}: {echo(v, limit, quote)}" for k, v in value.items()]
            more = f", … ({len(value):,} fields)" if len(value) > 10 else ""
            return _plain(f"{{{', '.join(pairs[:10])}{more}}}", 4 * limit)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
            shown = {k: v for k, v in fields.items() if v not in ("", None, ())}
            return f"{type(value).__name__.lower()} {echo(shown, limit, quote)}"
        return _plain(str(value), limit)
    except Exception:  # an object whose str() fails: its type is all that can be said
        return f"a value of type {type(value).__name__}"


def kind_of(value: object) -> str:
    """What a value is, in a word, for "the file holds ..." messages: never a Python type's
    name ('NoneType', 'dict')."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float | Decimal):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "mapping"
    if isinstance(value, list | tuple | Set):
        return "list"
    return "value of another kind"


def reason_of(exc: BaseException) -> str:
    """Why a file could not be read or parsed, in words: the line and column and what the YAML
    or JSON parser expected, the byte that is not UTF-8, the operating system's reason; never
    a Python exception's name or a parser's "<unicode string>"."""
    mark, problem = getattr(exc, "problem_mark", None), getattr(exc, "problem", None)
    if mark is not None and problem:  # YAML
        text = f"line {mark.line + 1}, column {mark.column + 1}: {problem}"
        context, started = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and started is not None:
            text += f" ({context} from line {started.line + 1}, column {started.column + 1})"
        return text
    if isinstance(exc, UnicodeDecodeError):
        byte = exc.object[exc.start : exc.start + 1].hex()
        return f"it is not UTF-8 text (byte 0x{byte} at position {exc.start:,}): save it as UTF-8"
    line, column, msg = (getattr(exc, n, None) for n in ("lineno", "colno", "msg"))
    if line and msg:  # JSON
        return f"line {line}, column {column}: {str(msg).lower()}"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[:1].lower() + exc.strerror[1:]
    if isinstance(exc, KeyError) and exc.args:
        return f"'{_plain(str(exc.args[0]), ECHO_LIMIT)}' is missing"
    if isinstance(exc, ValueError) and "integer string conversion" in str(exc):
        return "it holds a number of more than 4,300 digits"
    if isinstance(exc, TypeError | AttributeError):
        return "a part of it has the wrong shape (a list or text where a mapping is expected)"
    return _plain(" ".join(str(exc).split()), 1000)


# Codes people write for a Member State that Eurostat's geo codes (the ones eupact reads) do not
# use, with what to write instead; and the words that show a message already says as much.
_AGGREGATE = "an aggregate of states, not a Member State: name each state by its geo code"
_ASSOCIATED = "associated with Schengen and Dublin, not an EU Member State"
CODE_HINTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "GR": ("Greece is EL in Eurostat geo codes", ("Greece",)),
    "UK": ("the United Kingdom left the EU on 31 January 2020", ("United Kingdom",)),
    "GB": ("the United Kingdom left the EU on 31 January 2020", ("United Kingdom",)),
    "DK": (
        "Denmark is not bound by Part IV AMMR (recital 90, Protocol No 22)",
        ("Denmark", "Protocol No 22"),
    ),
    "IS": (f"Iceland is {_ASSOCIATED}", ("Iceland",)),
    "NO": (f"Norway is {_ASSOCIATED}", ("Norway",)),
    "CH": (f"Switzerland is {_ASSOCIATED}", ("Switzerland",)),
    "LI": (f"Liechtenstein is {_ASSOCIATED}", ("Liechtenstein",)),
    **{
        code: (f"{code} is {_AGGREGATE}", ("aggregate", "EU27_2020"))
        for code in ("EU", "EU27", "EU27_2020", "EU27_2019", "EU28", "EA", "EA19", "EA20", "EEA")
    },
}
_STATE_FIELDS = ("state", "geo", "explain", "requested_by", "--for", "country")
_STATE_RULES = ("member state", "geo code", "participating", "not bound")


def code_hint(field: str, value: object, rule: str) -> str:
    """What to write instead when ``value``, refused where a Member State is read, is a code
    Eurostat does not use for one (GR, UK, EU28 ...); "" when it is not, or the rule says so."""
    if not isinstance(value, str) or len(value) > 12:
        return ""
    found = CODE_HINTS.get(value.strip().upper())
    if found is None:
        return ""
    hint, said = found
    where = str(field).lower()
    if not (any(f in where for f in _STATE_FIELDS) or any(r in rule.lower() for r in _STATE_RULES)):
        return ""
    return "" if any(words in rule for words in said) else hint


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule in one input value."""

    field: str
    value: object
    rule: str
    location: str = ""

    def __post_init__(self) -> None:
        # pydantic's prefix for a validator's ValueError is Python's voice, not the rule's
        rule = str(self.rule).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        hint = code_hint(self.field, self.value, rule)
        object.__setattr__(self, "rule", f"{rule}; {hint}" if hint else rule)

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
    "CODE_HINTS",
    "Conflict",
    "EupactError",
    "Forbidden",
    "NotFound",
    "PreconditionFailed",
    "Problem",
    "Unauthorized",
    "code_hint",
    "echo",
    "fail",
    "kind_of",
    "reason_of",
]
