"""Numbers from text or JSON, read without trusting them (amounts of Art. 57(3), 61, 62, 64, 69
AMMR: persons and euros).

The length of a number written as text is bounded before anything converts it (``1e1000000``
once cost 30 s of CPU in ``int(Decimal(...))``); only the ASCII digits 0-9 are digits (Python's
``str.isdigit`` says yes to '²' and '١٢', and ``int('²')`` then fails); NaN, infinities and
exponents are refused; the number of decimals and the size are checked on the exact value.

People write numbers their own way: with ``people=True`` (the dashboard's forms) '1 200,50',
'1.200,50', '1,200.50' and '1'200' are read, with spaces, no-break and narrow no-break spaces as
thousands separators. Files and the API take numbers as machines write them: '1200.50'.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import TypedDict, Unpack

from eupact.boundary.limits import EUR_DECIMALS, MAX_EUR, MAX_NUMBER_CHARS
from eupact.boundary.refusal import Refused, shown

_MACHINE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)
_ASCII_DIGITS = frozenset("0123456789")
# Thousands separators people type: space, no-break, narrow no-break and thin space, and the
# apostrophes of Swiss usage.
_GROUPING = str.maketrans("", "", " \u00a0\u202f\u2009'\u2019")
_NOT_FINITE = frozenset({"nan", "snan", "inf", "infinity"})

Number = Decimal | int


def _people(text: str) -> str:
    """A number as people write it, as a machine writes it ('1.200,50' -> '1200.50')."""
    text = text.translate(_GROUPING)
    if "," in text and "." in text:
        # both: the last one is the decimal mark (1,200.50 in English, 1.200,50 in German)
        if text.rfind(",") > text.rfind("."):
            return text.replace(".", "").replace(",", ".")
        return text.replace(",", "")
    if "," in text:
        # one comma and at most two digits after it: a decimal comma (fr, de); else thousands
        head, _, tail = text.rpartition(",")
        return f"{head.replace(',', '')}.{tail}" if len(tail) <= 2 else text.replace(",", "")
    if text.count(".") > 1:
        return text.replace(".", "")  # 1.200.000: dots as thousands separators (de)
    return text


def _from_text(raw: str, people: bool, blank: str, example: str) -> Decimal:
    if len(raw) > MAX_NUMBER_CHARS:
        raise Refused(f"at most {MAX_NUMBER_CHARS} characters: no figure needs more", raw)
    text = raw.strip()
    if not text:
        raise Refused(blank, raw)
    if text.lower().lstrip("+-") in _NOT_FINITE:
        raise Refused("a finite number", raw)
    if people:
        text = _people(text)
    if not _MACHINE.fullmatch(text):
        if any(c.isdigit() and c not in _ASCII_DIGITS for c in text):
            raise Refused(f"only the digits 0 to 9: {example}", raw)
        if "e" in text.lower() and any(c in _ASCII_DIGITS for c in text):
            raise Refused(f"the number written in full, without an exponent: {example}", raw)
        raise Refused(example, raw)
    return Decimal(text)  # at most MAX_NUMBER_CHARS ASCII characters: cheap and exact


def _decimals(value: Decimal) -> int:
    """Decimals that carry a value: '1200.50' has 1 and '1200.00' none."""
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0:
        return 0
    places, end = -exponent, len(digits)
    while places and end and digits[end - 1] == 0:
        places, end = places - 1, end - 1
    return places


class Rules(TypedDict, total=False):
    """How a number is read; each rule has a plain default."""

    maximum: Number  # the largest value (a plausibility bound of eupact.pool.limits)
    minimum: Number
    decimals: int  # decimals that may carry a value (0: whole numbers)
    positive: bool  # zero refused
    people: bool  # read people's forms: '1 200,50'
    blank: str  # the rule when nothing was entered
    below: str  # the rule below the minimum (or at zero when positive)
    fraction: str  # the rule for too many decimals
    unit: str  # said with the maximum: "persons", "EUR"


def read_decimal(value: object, **rules: Unpack[Rules]) -> Decimal:
    """``value`` (text, int, float or Decimal) as an exact Decimal within the bounds of
    ``rules``, else :class:`Refused` naming the rule broken."""
    maximum = rules.get("maximum", MAX_EUR)
    minimum = rules.get("minimum", 0)
    decimals = rules.get("decimals", EUR_DECIMALS)
    unit = rules.get("unit", "")
    example = "a whole number, e.g. 1200" if decimals == 0 else "a number, e.g. 1200 or 1200.50"
    too_large = f"at most {maximum:,}{f' {unit}' if unit else ''}: a larger figure is a typo"
    if isinstance(value, bool):
        raise Refused(f"{example}, not true or false", value)
    if isinstance(value, int):
        if value > maximum:  # compared as integers: a huge one is never converted
            raise Refused(too_large, shown(value))
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise Refused("a finite number", shown(value))
        if abs(value) > maximum:
            raise Refused(too_large, shown(value))
        number = Decimal(repr(value))  # the float as written (0.1, not 0.1000000000000000055…)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise Refused("a finite number", str(value))
        number = value
    elif isinstance(value, str):
        blank = rules.get("blank", "enter a number")
        number = _from_text(value, rules.get("people", False), blank, example)
    else:
        raise Refused(example, shown(value))
    written = str(value) if isinstance(value, Decimal) else shown(value)
    if number > maximum:
        raise Refused(too_large, written)
    if rules.get("positive", False) and number <= 0:
        raise Refused(rules.get("below") or "a number greater than zero", written)
    if number < minimum:
        at_least = "zero" if minimum == 0 else f"{minimum:,}"
        raise Refused(rules.get("below") or f"a number of {at_least} or more", written)
    if _decimals(number) > decimals:
        rule = "a whole number" if decimals == 0 else f"at most {decimals} decimals"
        raise Refused(rules.get("fraction") or rule, written)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -decimals:
        number = number.quantize(Decimal(1).scaleb(-decimals))  # '1200.500' -> 1200.50
    elif isinstance(exponent, int) and exponent > 0:
        number = number.quantize(Decimal(1))  # Decimal('1E+3') -> 1000
    return number.copy_abs() if number.is_zero() else number  # '-0' -> 0


def read_integer(value: object, **rules: Unpack[Rules]) -> int:
    """``value`` as a whole number within the bounds of ``rules`` (see :func:`read_decimal`)."""
    whole: Rules = {**rules, "decimals": 0}
    return int(read_decimal(value, **whole))


def parse_decimal(value: object, field: str, location: str = "", **rules: Unpack[Rules]) -> Decimal:
    """:func:`read_decimal`, refusing with an :class:`EupactError` that names ``field``."""
    try:
        return read_decimal(value, **rules)
    except Refused as refused:
        raise refused.error(field, location) from None


def parse_integer(value: object, field: str, location: str = "", **rules: Unpack[Rules]) -> int:
    """:func:`read_integer`, refusing with an :class:`EupactError` that names ``field``."""
    try:
        return read_integer(value, **rules)
    except Refused as refused:
        raise refused.error(field, location) from None


__all__ = ["Rules", "parse_decimal", "parse_integer", "read_decimal", "read_integer"]
