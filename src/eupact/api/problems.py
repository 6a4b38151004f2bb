"""Errors as RFC 9457 problem+json documents that name the field, the value and the rule.

Every value a client sent is echoed through :func:`eupact.errors.echo`: bounded, with control
characters and lone surrogates escaped, so that no input can break the answer that refuses it.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse

from eupact.errors import Problem, echo

PROBLEM = "application/problem+json"


def safe(value: Any) -> Any:
    """A JSON value that says what was sent: numbers and booleans as they are, the rest echoed."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and abs(value) < 10**15:
        return value
    return echo(value, quote=False)


def problem(status: int, title: str, problems: list[Problem], instance: str = "") -> JSONResponse:
    body = {
        "type": f"https://eupact.eu/problems/{status}",
        "title": title,
        "status": status,
        "detail": "; ".join(str(p) for p in problems) or title,
        "instance": echo(instance, 200, quote=False),
        "errors": [
            {
                "field": echo(p.field, quote=False),
                "value": safe(p.value),
                "rule": p.rule,
                "location": p.location,
            }
            for p in problems
        ],
    }
    return ProblemResponse(body, status_code=status, media_type=PROBLEM)


class ProblemResponse(JSONResponse):
    """JSON in ASCII: a refused value can never make the refusal itself fail to encode (a lone
    surrogate has no UTF-8 form; as a JSON escape it is harmless)."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")
