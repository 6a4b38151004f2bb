"""Reading the workspace's HTML forms into the service's types, with errors per field.

A form field that cannot be read becomes a :class:`Problem` naming that field, so the page can
show the message next to it (and keep what the user typed); the service's own errors name the
same fields (``amount``, ``kind``, ``requested_by`` …) and are shown the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from eupact.errors import EupactError, Problem
from eupact.pool.pledges import Deduction, DeductionStatus, Pledge, PledgeKind

MAX_TEXT = 2000


def text(form: Mapping[str, str], name: str, limit: int = MAX_TEXT) -> str:
    value = form.get(name, "").strip()
    if len(value) > limit:
        raise EupactError(
            [Problem(name, f"{len(value)} characters", f"at most {limit} characters")]
        )
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise EupactError([Problem(name, "…", "control characters are not allowed in text")])
    return value


def amount(form: Mapping[str, str], name: str = "amount", whole: bool = False) -> Decimal:
    """A non-negative number typed by a person: '1200', '1 200,50' and '1,200.50' are read."""
    raw = form.get(name, "").strip()
    if not raw:
        raise EupactError([Problem(name, "", "enter an amount")])
    cleaned = raw.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("'", "")
    if "," in cleaned and "." not in cleaned:
        # one comma and at most two digits after it: a decimal comma (fr, de); else thousands
        head, _, tail = cleaned.rpartition(",")
        cleaned = f"{head.replace(',', '')}.{tail}" if len(tail) <= 2 else cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise EupactError([Problem(name, raw, "a number, e.g. 1200 or 1200.50")]) from None
    if not value.is_finite() or value < 0:
        raise EupactError([Problem(name, raw, "a number of zero or more")])
    if whole and value != value.to_integral_value():
        raise EupactError([Problem(name, raw, "a whole number")])
    return value


def integer(form: Mapping[str, str], name: str) -> int:
    return int(amount(form, name, whole=True))


def kind(form: Mapping[str, str]) -> PledgeKind:
    raw = form.get("kind", "")
    try:
        return PledgeKind(raw)
    except ValueError:
        choices = ", ".join(str(k) for k in PledgeKind)
        raise EupactError([Problem("kind", raw, f"one of {choices}")]) from None


def states(form: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """Comma- or space-separated geo codes, each one of ``allowed``."""
    raw = form.get(name, "")
    codes = tuple(dict.fromkeys(c.strip().upper() for c in raw.replace(",", " ").split() if c))
    wrong = [c for c in codes if c not in allowed]
    if wrong:
        raise EupactError(
            [Problem(name, " ".join(wrong), f"benefitting Member States only: {' '.join(allowed)}")]
        )
    return codes


def pledge(form: Mapping[str, str], state: str, benefitting: tuple[str, ...]) -> Pledge:
    k = kind(form)
    value = amount(form, whole=k is PledgeKind.RELOCATION)
    requested = states(form, "requested_by", benefitting) if k is PledgeKind.ALTERNATIVE else ()
    return Pledge(state, k, value, requested, text(form, "note"), "web form")


def deduction(form: Mapping[str, str], state: str) -> tuple[Deduction, str]:
    article = form.get("article", "")
    if article not in ("61", "62"):
        raise EupactError([Problem("article", article, "Art. 61 or Art. 62 AMMR")])
    full = form.get("full") == "on"
    relocations = 0 if full else integer(form, "relocations")
    financial = Decimal(0) if full else amount(form, "financial")
    reasons = text(form, "reasons", 10_000)
    if not reasons:
        raise EupactError([Problem("reasons", "", "give the reasons the Commission will assess")])
    d = Deduction(
        state,
        article,
        full,
        relocations,
        financial,
        DeductionStatus.REQUESTED,
        "",
        False,
        "web form",
    )
    return d, reasons


def version(form: Mapping[str, str]) -> int:
    raw = form.get("version", "")
    if not raw.isdigit():
        raise EupactError([Problem("version", raw, "reload the page and try again")])
    return int(raw)


__all__ = ["amount", "deduction", "integer", "kind", "pledge", "states", "text", "version"]
