"""Reading the workspace's HTML forms into the service's types, with errors per field (pledges
Art. 57(3), 65(1); deduction requests Art. 61(1), 62(1); offsets replies Art. 69(2) AMMR).

A form is turned into the boundary's model of its concept (:mod:`eupact.boundary`, the same as
the API's and the pledges files') and validated there, reading numbers as people write them
('1 200,50'). A field that cannot be read becomes a :class:`Problem` naming that field, so the
page can show the message next to it (and keep what the user typed); the service's own errors
name the same fields (``amount``, ``kind``, ``requested_by`` …) and are shown the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal

from eupact.boundary import (
    MAX_APPLICATIONS,
    MAX_EUR,
    MAX_NOTE,
    MAX_OFFSET,
    MAX_VERSION,
    DeductionIn,
    OffsetReplyIn,
    PledgeIn,
    Refused,
    parse_decimal,
    parse_integer,
    read_integer,
    read_text,
    validate,
)
from eupact.errors import EupactError, Problem, echo
from eupact.pool.pledges import Deduction, Pledge, PledgeKind

MAX_TEXT = MAX_NOTE


def _for_the_page(exc: EupactError) -> EupactError:
    """The same problems, each value as short plain text: the page shows it as it is."""
    problems = [
        Problem(p.field.split(".")[0], _shown(p.value), p.rule, p.location) for p in exc.problems
    ]
    return EupactError(problems, exc.summary)


def _shown(value: object) -> object:
    return value if value in (None, "") else echo(value, quote=False)


def text(form: Mapping[str, str], name: str, limit: int = MAX_TEXT) -> str:
    try:
        return read_text(form.get(name, ""), limit=limit)
    except Refused as refused:
        raise _for_the_page(refused.error(name)) from None


def amount(form: Mapping[str, str], name: str = "amount", whole: bool = False) -> Decimal:
    """A non-negative number typed by a person: '1200', '1 200,50' and '1,200.50' are read."""
    try:
        return parse_decimal(
            form.get(name, ""),
            name,
            maximum=MAX_EUR,
            decimals=0 if whole else 2,
            people=True,
            blank="enter an amount",
        )
    except EupactError as exc:
        raise _for_the_page(exc) from None


def integer(form: Mapping[str, str], name: str, maximum: int = MAX_APPLICATIONS) -> int:
    """A whole number of zero or more typed by a person, at most ``maximum``."""
    try:
        return parse_integer(
            form.get(name, ""), name, maximum=maximum, people=True, blank="enter a number"
        )
    except EupactError as exc:
        raise _for_the_page(exc) from None


def kind(form: Mapping[str, str]) -> PledgeKind:
    raw = form.get("kind", "")
    try:
        return PledgeKind(raw)
    except ValueError:
        choices = ", ".join(str(k) for k in PledgeKind)
        raise EupactError([Problem("kind", echo(raw, quote=False), f"one of {choices}")]) from None


def states(form: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """Comma- or space-separated geo codes, each one of ``allowed``."""
    raw = form.get(name, "")[: 4 * len(allowed) + 64]
    codes = tuple(dict.fromkeys(c.strip().upper() for c in raw.replace(",", " ").split() if c))
    wrong = [c for c in codes if c not in allowed]
    if wrong:
        raise EupactError(
            [
                Problem(
                    name,
                    echo(" ".join(wrong), quote=False),
                    f"benefitting Member States only: {' '.join(allowed)}",
                )
            ]
        )
    return codes


def pledge(form: Mapping[str, str], state: str, benefitting: tuple[str, ...]) -> Pledge:
    """The pledge a Member State typed; alternative measures name requesting states among
    ``benefitting`` (Art. 65(1)), other kinds ignore the field."""
    data = {
        "state": state,
        "kind": form.get("kind", ""),
        "amount": form.get("amount", ""),
        "note": form.get("note", ""),
    }
    alternative = form.get("kind") == PledgeKind.ALTERNATIVE
    problems: list[Problem] = []
    if alternative:
        try:
            data["requested_by"] = " ".join(states(form, "requested_by", benefitting))
        except EupactError as exc:
            problems += exc.problems
    try:
        model = validate(PledgeIn, data, people=True)
    except EupactError as exc:
        raise _for_the_page(EupactError(problems + exc.problems, exc.summary)) from None
    if problems:
        raise EupactError(problems)
    return model.to_domain("web form")


def deduction(form: Mapping[str, str], state: str) -> tuple[Deduction, str]:
    """A deduction request; a full one asks for everything, so its figures are not read."""
    full = form.get("full") == "on"
    data: dict[str, object] = {
        "state": state,
        "article": form.get("article", ""),
        "full": full,
        "relocations": 0 if full else form.get("relocations", ""),
        "financial": 0 if full else form.get("financial", ""),
        "reasons": form.get("reasons", ""),
    }
    problems: list[Problem] = []
    model = None
    try:
        model = validate(DeductionIn, data, people=True)
    except EupactError as exc:
        problems += exc.problems
    if not form.get("reasons", "").strip() and all(p.field != "reasons" for p in problems):
        problems.append(Problem("reasons", "", "give the reasons the Commission will assess"))
    if problems or model is None:
        raise _for_the_page(EupactError(problems))
    return model.to_domain("web form"), model.reasons


def reply(form: Mapping[str, str]) -> int:
    """The applications an offsets reply accepts (Art. 69(2))."""
    try:
        return validate(OffsetReplyIn, {"accepted": form.get("accepted", "")}, people=True).accepted
    except EupactError as exc:
        raise _for_the_page(exc) from None


def version(form: Mapping[str, str]) -> int:
    """The pledge's version the form was built from (its ETag)."""
    raw = form.get("version", "")
    try:
        return read_integer(raw, maximum=MAX_VERSION)
    except Refused:
        raise EupactError(
            [Problem("version", _shown(raw), "reload the page and try again")]
        ) from None


def year(query: Mapping[str, str]) -> int | None:
    """The pool year asked for (``?year=``), or None if there is none that can be read."""
    try:
        return read_integer(query.get("year", ""), minimum=2000, maximum=2999)
    except Refused:
        return None


def offset(query: Mapping[str, str], name: str = "offset") -> int:
    """A page offset from a query string (``?offset=``): 0 when absent."""
    raw = query.get(name, "")
    if not raw:
        return 0
    try:
        return read_integer(raw, maximum=MAX_OFFSET)
    except Refused as refused:
        raise _for_the_page(refused.error(name, summary="invalid address")) from None


_STATE = re.compile(r"[A-Z]{2}")
_ACTION = re.compile(r"[a-z_]{1,40}\.[a-z_]{1,40}")


def audit_filter(query: Mapping[str, str]) -> tuple[str, str, str, str]:
    """The audit page's filters: a state's code, an action, a first and a last day (ISO
    dates); each may be empty. Anything else is refused with the field named (422)."""
    state = query.get("state", "").strip().upper()
    action = query.get("action", "").strip()
    problems = []
    if state and not _STATE.fullmatch(state):
        problems.append(Problem("state", _shown(state[:20]), "a Member State's code, e.g. DE"))
    if action and not _ACTION.fullmatch(action):
        problems.append(Problem("action", _shown(action[:90]), "an action, e.g. pledge.create"))
    days = []
    for name in ("since", "until"):
        raw = query.get(name, "").strip()
        if raw:
            try:
                day = dt.date.fromisoformat(raw)
            except ValueError:
                day = None
            if day is None or len(raw) != 10:
                problems.append(Problem(name, _shown(raw[:20]), "a date, e.g. 2026-01-31"))
                raw = ""
        days.append(raw)
    if problems:
        raise EupactError(problems, "invalid filter")
    return state, action, days[0], days[1]


__all__ = [
    "amount",
    "audit_filter",
    "deduction",
    "integer",
    "kind",
    "offset",
    "pledge",
    "reply",
    "states",
    "text",
    "version",
    "year",
]
