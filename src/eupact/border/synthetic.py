"""SYNTHETIC inputs for the border procedure's rules (Arts 47(4), 48-50 Regulation (EU) 2024/1348,
APR), from seeded generators, for demonstrations and tests. Not data: every figure carries the
source ``SYNTHETIC ...`` (source class ``user``), so that every result built on them says so.

* :func:`synthetic_crossings`: three (or more) years of irregular crossings, arrivals after search
  and rescue and refusals of entry for each state;
* :func:`synthetic_months`: a state's months in the border procedures, consistent by construction
  (each month's stock = the previous one + entered - left, Art. 48(3)).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from eupact.data.border_inputs import CrossingFigures, MonthlyFigures, ValueSource

LABEL = "SYNTHETIC (eupact's seeded generator; not data)"


def _source(seed: int) -> ValueSource:
    return ValueSource(f"{LABEL}, seed {seed}", "user")


def synthetic_crossings(
    states: Sequence[str], years: Sequence[int], *, seed: int = 1
) -> tuple[CrossingFigures, ...]:
    """SYNTHETIC figures for every state and year: a few states with large external-border
    flows, most with small ones; arrivals after search and rescue are a part of the crossings
    (as Frontex counts them). The same seed gives the same figures."""
    rng = random.Random(seed)
    source = _source(seed)
    out = []
    for geo in sorted(states):
        scale = rng.choice((200, 1_000, 5_000, 20_000, 60_000))
        for year in years:
            crossings = rng.randint(scale // 2, scale * 2)
            sar = rng.randint(0, crossings // 3)
            refusals = rng.randint(scale // 10, scale)
            out.append(CrossingFigures(geo, year, crossings, sar, refusals, source))
    return tuple(out)


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def synthetic_months(
    geo: str,
    start: dt.date,
    months: int,
    *,
    capacity: int,
    seed: int = 1,
) -> tuple[MonthlyFigures, ...]:
    """SYNTHETIC months of one state's border procedures from ``start`` (a first day), around
    ``capacity``: the stock rises to it and beyond, then falls back; every month's stock follows
    inflow and outflow exactly."""
    rng = random.Random(seed)
    month = dt.date(start.year, start.month, 1)
    asylum, returns = capacity // 2, capacity // 5
    out = []
    for i in range(months):
        rising = i < months // 2
        entered = (
            rng.randint(capacity // 4, capacity // 2) if rising else rng.randint(0, capacity // 6)
        )
        left = (
            rng.randint(0, capacity // 6) if rising else rng.randint(capacity // 4, capacity // 2)
        )
        left = min(left, asylum + returns + entered)
        stock = asylum + returns + entered - left
        returns = min(returns, stock) if stock < returns else rng.randint(0, stock // 3)
        asylum = stock - returns
        examined = rng.randint(capacity // 4, capacity)
        out.append(MonthlyFigures(geo, month, asylum, returns, entered, left, examined))
        month = _next_month(month)
    return tuple(out)


__all__ = ["LABEL", "synthetic_crossings", "synthetic_months"]
