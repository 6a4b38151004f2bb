"""Errors that users see.

Every error a user can cause names the field, the value and the rule it breaks, and where the
value came from (file and row when there is one). The CLI prints them without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule in one input value."""

    field: str
    value: object
    rule: str
    location: str = ""

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}field '{self.field}' = {self.value!r}: {self.rule}"


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
