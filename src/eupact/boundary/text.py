"""Free text and Member-State codes from people, files and the API (Art. 57(3) notes, Art. 61
and 62 reasons; the states bound by Part IV AMMR, recital 90).

Text is normalised (Unicode NFC, stripped, line breaks as ``\\n``) and refused, naming the rule,
if it holds what no person types into a note and what breaks the places text goes to: NUL
(PostgreSQL refuses it mid-transaction), other control characters, lone surrogates (they cannot
be encoded, not even into the error that reports them), bidirectional overrides (they make text
read differently from what it holds); and it is bounded in length.

A state code is two ASCII letters, upper-cased, naming a Member State bound by Part IV: the
parameter ``scope.bound_member_states`` (Denmark is not bound, Protocol No 22).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from functools import lru_cache

from eupact.boundary.limits import MAX_NOTE
from eupact.boundary.refusal import Refused, shown
from eupact.parameters import load_parameters

_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = frozenset("\n\t\u2028\u2029")


def read_text(value: object, *, limit: int = MAX_NOTE, single_line: bool = False) -> str:
    """``value`` as clean text of at most ``limit`` characters, else :class:`Refused`."""
    if not isinstance(value, str):
        raise Refused("must be text", shown(value))
    if len(value) > 4 * limit:  # no normalisation of 64 KiB to refuse it afterwards
        raise Refused(f"at most {limit:,} characters", value)
    if any("\ud800" <= c <= "\udfff" for c in value):
        raise Refused("must be valid Unicode text: it holds a lone surrogate", value)
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text):
        raise Refused(
            "control characters are not allowed in text (NUL, escape and the like); "
            "tabs and line breaks are",
            value,
        )
    if any(c in _BIDI for c in text):
        raise Refused(
            "bidirectional override characters are not allowed: they make text read "
            "differently from what it holds",
            value,
        )
    text = unicodedata.normalize("NFC", text).strip()
    if single_line and any(c in _LINE_BREAKS for c in text):
        raise Refused("one line of text: no line breaks or tabs", value)
    if len(text) > limit:
        raise Refused(f"at most {limit:,} characters", value)
    return text


@lru_cache(maxsize=64)
def _scope(on: dt.date) -> tuple[frozenset[str], frozenset[str]]:
    params = load_parameters().at(on)
    return (
        frozenset(params("scope.eu_member_states")),
        frozenset(params("scope.bound_member_states")),
    )


def bound_states(on: dt.date | None = None) -> frozenset[str]:
    """The Member States bound by Part IV AMMR on ``on`` (today by default)."""
    return _scope(on or dt.date.today())[1]


def read_state(value: object, *, on: dt.date | None = None) -> str:
    """``value`` as the geo code of a Member State bound by Part IV, else :class:`Refused`."""
    shape = "two letters: a Member State's Eurostat geo code, e.g. DE (EL = Greece)"
    if not isinstance(value, str):
        raise Refused(shape, shown(value))
    code = value.strip()
    if len(code) != 2 or not all(c in _ASCII_LETTERS for c in code):
        raise Refused(shape, value)
    code = code.upper()
    members, bound = _scope(on or dt.date.today())
    if code not in members:
        raise Refused("unknown Member State (use Eurostat geo codes; EL = Greece)", code)
    if code not in bound:
        raise Refused(
            "not bound by Part IV AMMR (recital 90, Protocol No 22): "
            "it cannot pledge or be obliged",
            code,
        )
    return code


def clean_text(
    value: object, field: str, *, limit: int = MAX_NOTE, single_line: bool = False
) -> str:
    """:func:`read_text`, refusing with an :class:`EupactError` that names ``field``."""
    try:
        return read_text(value, limit=limit, single_line=single_line)
    except Refused as refused:
        raise refused.error(field) from None


def state_code(value: object, field: str = "state", *, on: dt.date | None = None) -> str:
    """:func:`read_state`, refusing with an :class:`EupactError` that names ``field``."""
    try:
        return read_state(value, on=on)
    except Refused as refused:
        raise refused.error(field) from None


__all__ = ["bound_states", "clean_text", "read_state", "read_text", "state_code"]
