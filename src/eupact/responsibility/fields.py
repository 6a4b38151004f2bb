"""The field types of a responsibility case: a Member State bound by Part III, a calendar date, a
pseudonymous reference; each refused in plain words (the boundary's :class:`Refused`)."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Annotated, Any, cast

from pydantic import BeforeValidator, ValidationInfo

from eupact.boundary.refusal import Refused, shown
from eupact.parameters import load_parameters

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)
PSEUDONYM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_ASSOCIATED = {"IS": "Iceland", "NO": "Norway", "CH": "Switzerland", "LI": "Liechtenstein"}


@lru_cache(maxsize=1)
def _scope() -> tuple[frozenset[str], frozenset[str]]:
    """The Member States, and those bound by Part III, on the day the AMMR applies."""
    params = load_parameters()
    at = params.at(cast(dt.date, params["responsibility.applies_from"].values[-1].value))
    return frozenset(at("scope.eu_member_states")), frozenset(
        at("responsibility.bound_member_states")
    )


def read_state(value: object) -> str:
    """``value`` as the Eurostat geo code of a Member State bound by Part III AMMR."""
    shape = "two letters: a Member State's Eurostat geo code, e.g. DE (EL = Greece)"
    if not isinstance(value, str):
        raise Refused(shape, shown(value))
    code = value.strip().upper()
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise Refused(shape, value)
    members, bound = _scope()
    if code == "DK":
        raise Refused(
            "Denmark is not bound by the AMMR (Protocol No 22, recital 90); it applies Dublin III "
            "(Regulation (EU) No 604/2013) under its 2006 agreement with the Union: determine "
            "the case under Dublin III",
            code,
        )
    if code in _ASSOCIATED:
        raise Refused(
            f"{_ASSOCIATED[code]} takes part through its association agreement (recitals 91–94), "
            "which this engine does not model",
            code,
        )
    if code not in members:
        raise Refused("unknown Member State (use Eurostat geo codes; EL = Greece, not GR)", code)
    if code not in bound:
        raise Refused("not bound by Part III AMMR (recitals 90–94)", code)
    return code


def _state(value: Any) -> str:
    if type(value) is str and value in _scope()[1]:  # the usual case, as written
        return value
    try:
        return read_state(value)
    except Refused as refused:
        raise refused.pydantic() from None


def _date(value: Any, info: ValidationInfo) -> dt.date:
    """A calendar date written YYYY-MM-DD (a date in YAML), within 1900–2100; noted with its
    field's name in the validation context's ``dates`` when there is one, so that the case's date
    rules need not walk the case again (:mod:`.checks`)."""
    kind = type(value)
    if kind is dt.datetime:
        value = value.date()
    elif kind is str and len(value) == 10:
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise Refused("must be a date written YYYY-MM-DD", value).pydantic() from None
    if type(value) is not dt.date:
        raise Refused("must be a date written YYYY-MM-DD", shown(value)).pydantic()
    if not EARLIEST <= value <= LATEST:
        raise Refused("must be a date between 1900-01-01 and 2100-12-31", value).pydantic()
    if info.context is not None:
        info.context["dates"].append((info.field_name, value))
    return value


def _pseudonym(value: Any) -> str:
    if not isinstance(value, str) or not PSEUDONYM.fullmatch(value):
        raise Refused(
            "a pseudonymous reference: 1–64 letters, digits, '.', '_', ':' or '-', starting with "
            "a letter or digit (never a name)",
            shown(value),
        ).pydantic()
    return value


State = Annotated[str, BeforeValidator(_state)]
# Fields are never called "on", "yes", "no" or "off": YAML 1.1 reads those keys as true/false.
Date = Annotated[dt.date, BeforeValidator(_date)]
Ref = Annotated[str, BeforeValidator(_pseudonym)]


__all__ = ["EARLIEST", "LATEST", "PSEUDONYM", "Date", "Ref", "State", "read_state"]
