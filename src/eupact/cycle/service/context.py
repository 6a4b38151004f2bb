"""What every part of the cycle service shares: the unit of work, the clock, the legal
parameters, the data snapshot and the assembled pool years."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from eupact.cycle.service.uow import UnitOfWork
from eupact.data.snapshot import Snapshot
from eupact.parameters import ParameterSet
from eupact.pool.acts import recorded_years
from eupact.pool.year import PoolYear, draft_year, pool_year


@dataclass
class Context:
    uow: UnitOfWork
    parameters: ParameterSet
    snapshot: Snapshot
    clock: Callable[[], dt.datetime]
    _years: dict[int, PoolYear] = field(default_factory=dict)

    def today(self) -> dt.date:
        return self.clock().date()

    def pool(self, year: int) -> PoolYear:
        """The pool year's act, parameters and key (cached: both inputs are read-only).

        A year whose Council act is not recorded yet is a draft: the Commission proposal stands
        in for the act (Art. 12, 57(1)) until a release records the act."""
        if year not in self._years:
            if year in recorded_years(self.parameters):
                self._years[year] = pool_year(year, self.parameters, self.snapshot)
            else:
                self._years[year] = draft_year(year, self.parameters, self.snapshot)
        return self._years[year]

    def bound_states(self) -> tuple[str, ...]:
        """The Member States bound by Part IV today (not Denmark: Protocol No 22)."""
        return tuple(self.parameters.at(self.today())("scope.bound_member_states"))
