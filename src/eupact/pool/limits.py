"""Plausibility bounds on amounts: not legal values, but the line past which a figure is a typo
or an attack, refused before any arithmetic (a relocation pledge of 10**13 persons was once
accepted).

The largest relocation figure that can mean anything is the Union's population (about 450
million; 10**9 leaves room); the largest sum is above the whole EU budget's multiannual ceiling
(about EUR 1.2 × 10**12 for 2021-2027).
"""

from __future__ import annotations

from decimal import Decimal

MAX_PERSONS = 10**9
MAX_EUR = Decimal(10) ** 13

__all__ = ["MAX_EUR", "MAX_PERSONS"]
