"""A refused input value, and how refusals become the :class:`Problem` list users see.

The boundary's readers raise :class:`Refused` (a ``ValueError``, so that pydantic collects it
with the other fields' problems); :func:`problems_of` turns a pydantic ``ValidationError`` into
problems naming the field (``amount``, ``requested_by.0``), the value and the rule in plain
words, and :func:`refuse` raises them as an :class:`EupactError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from eupact.errors import EupactError, Problem, echo

KIND = "eupact"  # the pydantic error type of a boundary rule


class Refused(ValueError):
    """A value that breaks ``rule``; ``value`` is what to show (the text as written)."""

    def __init__(self, rule: str, value: object) -> None:
        super().__init__(rule)
        self.rule = rule
        self.value = value

    def pydantic(self) -> PydanticCustomError:
        """The same refusal inside a pydantic validator: the rule is the message as it is.
        Text is echoed (cut, escaped) first: pydantic cannot hold a lone surrogate."""
        value = self.value
        if isinstance(value, str):
            value = echo(value, quote=False)
        elif not isinstance(value, bool | float | None):
            value = echo(value)
        return PydanticCustomError(KIND, "{rule}", {"rule": self.rule, "shown": value})

    def error(self, field: str, location: str = "", summary: str = "invalid input") -> EupactError:
        return EupactError([Problem(field, self.value, self.rule, location)], summary)


def shown(value: object) -> object:
    """A value as a problem carries it: numbers as the text they were written as (so that a
    message says ``'12.5'`` whether the file had 12.5 or "12.5"), text as it is."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return echo(value)
    if isinstance(value, float):
        return repr(value)
    return value


# Pydantic's own messages that are not plain words, by error type.
_PLAIN = {
    "string_type": "must be text",
    "list_type": "must be a list",
    "dict_type": "must be an object (field: value)",
    "model_type": "must be an object (field: value)",
    "model_attributes_type": "must be an object (field: value)",
}


def problems_of(exc: ValidationError, location: str = "") -> list[Problem]:
    """One problem per error of ``exc``: the field's dotted path, the value, the rule."""
    out = []
    for err in exc.errors(include_url=False):
        ctx: Mapping[str, Any] = err.get("ctx") or {}
        field = ".".join(str(p) for p in err["loc"]) or "-"
        if err["type"] == KIND:
            value, rule = ctx.get("shown"), str(ctx.get("rule", err["msg"]))
        elif err["type"] == "missing":
            value, rule = None, err["msg"]
        else:
            value, rule = shown(err.get("input")), _PLAIN.get(err["type"], err["msg"])
        out.append(Problem(field, value, rule.removeprefix("Value error, "), location))
    return out


def refuse(exc: ValidationError, location: str = "", summary: str = "invalid input") -> NoReturn:
    """Raise ``exc`` as the :class:`EupactError` users see."""
    raise EupactError(problems_of(exc, location), summary) from None


__all__ = ["KIND", "Refused", "problems_of", "refuse", "shown"]
