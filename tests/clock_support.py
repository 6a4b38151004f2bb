"""A clock the service reads and a test moves: 09:00 UTC on the day given (the crisis tests'
worlds are dated; the service never reads the machine's clock through it)."""

from __future__ import annotations

import datetime as dt


class Clock:
    def __init__(self, day: dt.date = dt.date(2026, 9, 1)) -> None:
        self.to(day)

    def __call__(self) -> dt.datetime:
        return self.now

    def to(self, day: dt.date) -> None:
        self.now = dt.datetime.combine(day, dt.time(9), dt.UTC)
