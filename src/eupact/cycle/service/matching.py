"""Relocation matching for a pool year (Art. 67 AMMR): run on request, nothing stored but who ran
it (the states confirm each relocation themselves, Art. 67(9))."""

from __future__ import annotations

from typing import Any

from eupact.cycle.permissions import Actor, authorize
from eupact.cycle.service.context import Context
from eupact.cycle.service.cycles import Cycles


class Matching:
    def __init__(self, ctx: Context, cycles: Cycles) -> None:
        self.ctx = ctx
        self.cycles = cycles

    def run(self, actor: Actor, year: int, applicants: list[Any], places: list[Any]) -> Any:
        """The matching result (:class:`eupact.matching.MatchResult`)."""
        from eupact.matching import match  # scipy: loaded when matching is first asked for

        authorize(actor, "matching.run")
        with self.ctx.uow.read() as session:
            self.cycles.after_act(
                session,
                year,
                "relocations are matched under the pool the Council act established "
                "(Art. 57, 67 AMMR)",
                "matching",
            )
        result = match(applicants, places)
        with self.ctx.uow.tx() as session:  # who ran which matching is part of the record
            self.ctx.uow.audit(
                session,
                actor,
                "matching.run",
                "Art. 67 AMMR",
                f"cycle:{year}",
                None,
                {
                    "applicants": len(applicants),
                    "places": sum(p.places for p in places),
                    "relocated": result.relocated_persons,
                    "gap": result.gap,
                },
            )
        return result
