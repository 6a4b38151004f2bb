"""Crisis credits against future fair shares (Regulation (EU) 2024/1359, CFMR Art. 9(4)(a), 9(5)).

A contributing state that took responsibility for applications above its fair share in a crisis
(9(1)(b), computed by :func:`eupact.crisis.offsets.crisis_offsets`) may, once it has notified the
Commission and the Commission has authorised it by implementing act (9(5)), reduce its fair share
in the upcoming annual cycles of Regulation (EU) 2024/1351 (AMMR) by as many applications, within
five years of the day the Council implementing decision is no longer in force (9(4)(b)'s window,
``crisis.credits.years``). Here, in the pool layer, because the annual cycle's outcome
(:func:`eupact.pool.outcome.compute_outcome`) applies it and must not read the crisis package; the
crisis rules use the same :class:`CrisisCredit`.

Two [reading]s: how much of a credit one cycle uses (``crisis.credits.use_per_cycle``: as needed,
or evenly over the five years) and which pool years count (``crisis.credits.first_cycle``: from
the pool year of the Commission's act, or only the pool years that begin after it). A credit
never takes a fair share below zero; what a cycle does not use carries to the next until the
credit expires; what is left then is lost. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from eupact.errors import EupactError, Problem, fail
from eupact.parameters import ParametersAt
from eupact.pool.limits import MAX_PERSONS
from eupact.timelimits import Unit, period_end

ARTICLE = "Art. 9(4)(a), 9(5) CFMR"
AS_NEEDED, EVENLY = "as_needed", "evenly"
OWN_YEAR, NEXT_YEAR = "pool_year_of_authorisation", "next_pool_year"


def credit_expiry(no_longer_in_force: dt.date, years: int) -> dt.date:
    """The last day a credit may be claimed: ``years`` years from the day the Council
    implementing decision is no longer in force (9(4)(b); ``crisis.credits.years``)."""
    return period_end(no_longer_in_force, years, Unit.YEARS)


@dataclass(frozen=True, slots=True)
class CrisisCredit:
    """Applications a state took above its fair share (9(1)(b)), to reduce from future fair
    shares (9(4)(a) annual cycles, (b) later crisis decisions) once the Commission has
    authorised it by implementing act on the state's notification (9(5)), up to ``expires_on``
    (five years from the date the decision is no longer in force, 9(4)(b)). ``used``: what
    earlier cycles already took off the state's fair shares."""

    state: str
    applications: int
    decision: str
    no_longer_in_force: dt.date
    expires_on: dt.date
    basis: str = "Art. 9(1)(b) CFMR"
    notified_on: dt.date | None = None
    authorised_by: str = ""  # the Commission implementing act (9(5))
    authorised_on: dt.date | None = None
    used: int = 0

    def usable_on(self, on: dt.date) -> int:
        """What may still be reduced on ``on``: nothing before the Commission's act or after
        the five years."""
        if self.authorised_on is None or on < self.authorised_on or on > self.expires_on:
            return 0
        return self.applications - self.used

    def authorise(self, act: str, on: dt.date, notified_on: dt.date) -> CrisisCredit:
        """The Commission's implementing act on the state's notification (9(5))."""
        if not act.strip():
            raise fail("authorised_by", act, "name the Commission implementing act (Art. 9(5))")
        if on < notified_on:
            raise fail(
                "authorised_on", on, f"is before the notification of {notified_on} (Art. 9(5))"
            )
        if on > self.expires_on:
            raise fail(
                "authorised_on",
                on,
                f"the credit expired on {self.expires_on.isoformat()} (Art. 9(4)(b))",
            )
        return replace(self, notified_on=notified_on, authorised_by=act, authorised_on=on)

    def reduce(self, fair_share: int, on: dt.date) -> tuple[int, CrisisCredit]:
        """Reduce a fair share of ``fair_share`` applications on ``on`` (9(4)): the reduction
        and the credit left."""
        if fair_share < 0:
            raise fail("fair_share", fair_share, "must be 0 or more")
        cut = min(fair_share, self.usable_on(on))
        return cut, replace(self, used=self.used + cut)

    def first_year(self, first_cycle: str) -> int | None:
        """The first pool year whose fair share the credit may reduce ([reading]
        ``crisis.credits.first_cycle``): the year of the Commission's act, or the first pool
        year that begins on or after it."""
        on = self.authorised_on
        if on is None:
            return None
        if first_cycle == OWN_YEAR or (on.month, on.day) == (1, 1):
            return on.year
        return on.year + 1

    def usable_in(self, year: int, first_cycle: str) -> int:
        """What is left to use in pool year ``year``: :meth:`usable_on` on the first day of
        that year the credit may count on (1 January, or the day of the Commission's act when
        the [reading] counts the pool year of the act)."""
        first = self.first_year(first_cycle)
        if first is None or year < first:
            return 0
        assert self.authorised_on is not None
        return self.usable_on(max(dt.date(year, 1, 1), self.authorised_on))

    def allowance(self, year: int, params: ParametersAt) -> int:
        """What the [reading] ``crisis.credits.use_per_cycle`` lets pool year ``year`` use:
        everything left (``as_needed``), or up to the k-th fifth of the credit by the k-th
        cycle (``evenly``; cumulative, so what a small fair share leaves unused carries)."""
        first_cycle = str(params("crisis.credits.first_cycle"))
        left = self.usable_in(year, first_cycle)
        if not left or str(params("crisis.credits.use_per_cycle")) == AS_NEEDED:
            return left
        years = int(params("crisis.credits.years"))
        first = self.first_year(first_cycle)
        assert first is not None
        k = min(year - first + 1, years)
        return max(0, min(left, self.applications * k // years - self.used))

    def as_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "applications": self.applications,
            "decision": self.decision,
            "basis": self.basis,
            "no_longer_in_force": self.no_longer_in_force.isoformat(),
            "expires_on": self.expires_on.isoformat(),
            "notified_on": self.notified_on.isoformat() if self.notified_on else None,
            "authorised_by": self.authorised_by,
            "authorised_on": self.authorised_on.isoformat() if self.authorised_on else None,
            "used": self.used,
        }

    def cited(self) -> str:
        """The credit in words, with its acts: for notes and explanations."""
        act = self.authorised_by or "not authorised yet"
        on = f" of {self.authorised_on.isoformat()}" if self.authorised_on else ""
        return (
            f"{self.applications} application(s) above the fair share under {self.decision} "
            f"({self.basis}); authorised by {act}{on} (Art. 9(5) CFMR); usable until "
            f"{self.expires_on.isoformat()} (Art. 9(4)(b))"
        )


@dataclass(frozen=True, slots=True)
class CreditUse:
    """What a state's crisis credits take off its fair share in one pool year."""

    state: str
    year: int
    fair_share: int  # in relocations, by the key (Art. 57(3), 66 AMMR), before the credits
    used: int  # taken off it this cycle (9(4)(a))
    credits: tuple[tuple[CrisisCredit, int], ...]  # each credit as it stood, and what is used
    policy: str  # the [reading] crisis.credits.use_per_cycle

    @property
    def left(self) -> int:
        """Credit still unused after this cycle (it carries until it expires)."""
        return sum(c.applications - c.used - n for c, n in self.credits)

    def note(self) -> str:
        parts = "; ".join(f"{n} of {c.cited()}" for c, n in self.credits if n)
        return (
            f"fair share reduced by {self.used} relocation(s) for applications taken above the "
            f"fair share in a crisis ({ARTICLE}; [reading] crisis.credits.use_per_cycle="
            f"{self.policy}): {parts}; {self.left} left"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "year": self.year,
            "fair_share_by_key": self.fair_share,
            "used": self.used,
            "left": self.left,
            "policy": self.policy,
            "article": ARTICLE,
            "credits": [{**c.as_dict(), "used_this_cycle": n} for c, n in self.credits],
        }


def check_credits(credits: Iterable[CrisisCredit], states: Iterable[str]) -> None:
    """Refuse credits the cycle cannot hold: an unknown state, numbers out of bounds."""
    bound = set(states)
    problems = []
    for i, c in enumerate(credits):
        where = f"crisis_credits[{i}]"
        if c.state not in bound:
            problems.append(Problem("state", c.state, "not among the participating states", where))
        if not 0 < c.applications <= MAX_PERSONS:
            problems.append(
                Problem("applications", c.applications, f"between 1 and {MAX_PERSONS:,}", where)
            )
        elif not 0 <= c.used <= c.applications:
            problems.append(
                Problem("used", c.used, f"between 0 and the {c.applications} credited", where)
            )
        if c.expires_on < c.no_longer_in_force:
            problems.append(
                Problem("expires_on", c.expires_on.isoformat(), "is before the decision ended")
            )
    if problems:
        raise EupactError(problems, "crisis credits refused")


def use_credits(
    credits: Iterable[CrisisCredit],
    year: int,
    fair_shares: Mapping[str, int],
    params: ParametersAt,
) -> tuple[dict[str, CreditUse], tuple[CrisisCredit, ...]]:
    """Each state's crisis credits against its fair share (in relocations) of pool ``year``:
    the credit expiring first is used first, none takes the fair share below zero (9(4)(a)).
    Returns the uses by state and every credit with what it has used since."""
    policy = str(params("crisis.credits.use_per_cycle"))
    by_state: dict[str, list[CrisisCredit]] = {}
    for c in credits:
        by_state.setdefault(c.state, []).append(c)
    uses: dict[str, CreditUse] = {}
    after: list[CrisisCredit] = []
    for state, mine in by_state.items():
        room = fair_shares.get(state, 0)
        parts = []
        for c in sorted(mine, key=lambda c: (c.expires_on, c.decision)):
            n = min(room, c.allowance(year, params))
            room -= n
            if c.usable_in(year, str(params("crisis.credits.first_cycle"))):
                parts.append((c, n))
            after.append(replace(c, used=c.used + n))
        if parts:
            used = sum(n for _, n in parts)
            uses[state] = CreditUse(
                state, year, fair_shares.get(state, 0), used, tuple(parts), policy
            )
    return uses, tuple(after)


def carry_credits(
    credits: Iterable[CrisisCredit],
    cycles: Iterable[tuple[int, Mapping[str, int], ParametersAt]],
) -> tuple[CrisisCredit, ...]:
    """The credits after the earlier pool years ``cycles`` (year, fair shares by the key in
    relocations, parameters of that year) have used what they could, in year order: what a
    later cycle may still use."""
    out = tuple(credits)
    for year, fair, params in sorted(cycles, key=lambda c: c[0]):
        _, out = use_credits(out, year, fair, params)
    return out


__all__ = [
    "ARTICLE",
    "AS_NEEDED",
    "EVENLY",
    "NEXT_YEAR",
    "OWN_YEAR",
    "CreditUse",
    "CrisisCredit",
    "carry_credits",
    "check_credits",
    "credit_expiry",
    "use_credits",
]
