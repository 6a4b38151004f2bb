"""Art. 11(3) AMMR: "recurring disembarkations following search and rescue operations" during
"the past 12 months", counted month by month from the data, three-valued.

A month counts as a month with disembarkations when its own figure is above 0; a figure of 0 for a
longer span (a quarter, the year) shows every month in it without; a month with no figure is
unknown — never 0. "Recurring" holds when the months known to have disembarkations reach the
methodology's ``sar_recurring_months``; it fails when even every unknown month counted could not
reach it; otherwise it is undetermined. The rule itself ("large numbers" AND "recurring") is
decided in :mod:`eupact.assessment.classify`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eupact.assessment.data import Observations
from eupact.assessment.methodology import SarRule
from eupact.data.periods import month_label, parse_period
from eupact.data.provenance import Source

Tri = bool | None


@dataclass(frozen=True, slots=True)
class Recurrence:
    """The months of the 12-month window with, without, and of unknown disembarkations."""

    window: str  # the 12 months (the basis of the rule's indicator)
    months: int  # months in the window
    needed: int  # sar_recurring_months
    series: str  # the series read ("" when none has a figure in the window)
    with_disembarkations: tuple[str, ...]  # months (YYYY-MM) with a figure above 0
    without: int  # months known to have none
    unknown: tuple[str, ...]  # months with no figure
    sources: tuple[Source, ...] = ()

    @property
    def holds(self) -> Tri:
        found = len(self.with_disembarkations)
        if found >= self.needed:
            return True
        if found + len(self.unknown) < self.needed:
            return False
        return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "window": self.window,
            "series": self.series,
            "months_with_disembarkations": list(self.with_disembarkations),
            "months_without": self.without,
            "months_without_figure": list(self.unknown),
            "needed": self.needed,
            "recurring": self.holds,
        }

    def text(self) -> str:
        if not self.series:
            return (
                f"no figure of disembarkations for any of the {self.months} months of "
                f"{self.window}: recurrence undetermined"
            )
        found = len(self.with_disembarkations)
        head = (
            f"disembarkations in {found} of the {self.months} months of {self.window} "
            f"(at least {self.needed} needed for 'recurring')"
        )
        if self.unknown:
            head += f"; no figure for {len(self.unknown)} month(s): {_months(self.unknown)}"
        verdict = {True: "recurring", False: "not recurring", None: "recurrence undetermined"}
        return f"{head}: {verdict[self.holds]}"


def _months(labels: Sequence[str]) -> str:
    return ", ".join(labels)


def recurrence(
    observations: Observations,
    series: Sequence[str],
    geo: str,
    start: int,
    end: int,
    window: str,
    needed: int,
) -> Recurrence:
    """Months of [start, end] with disembarkations for ``geo``, from the first of ``series``
    that has any figure inside the window."""
    months = list(range(start, end + 1))
    for name in series:
        inside = [o for o in observations.of(name, geo) if o.start >= start and o.end <= end]
        if not inside:
            continue
        known: dict[int, bool] = {}
        used: dict[Source, None] = {}
        for o in inside:
            if o.start == o.end:
                known[o.start] = o.value > 0
                used.setdefault(o.source, None)
            elif o.value == 0:
                for m in range(o.start, o.end + 1):
                    known.setdefault(m, False)
                used.setdefault(o.source, None)
        return Recurrence(
            window,
            len(months),
            needed,
            name,
            tuple(month_label(m) for m in months if known.get(m) is True),
            sum(1 for m in months if known.get(m) is False),
            tuple(month_label(m) for m in months if m not in known),
            tuple(used),
        )
    return Recurrence(window, len(months), needed, "", (), 0, tuple(month_label(m) for m in months))


def recurrences(
    observations: Observations,
    series: Sequence[str],
    states: Sequence[str],
    window: str,
    sar: SarRule,
) -> dict[str, Recurrence]:
    """Every state's recurrence over ``window`` (the basis label of the rule's indicator: the
    reporting period, or the calendar year standing in for it)."""
    span = parse_period(window)
    assert span is not None  # a flow's basis is the period's or a calendar year's label
    return {
        g: recurrence(observations, series, g, span[0], span[1], window, sar.recurring_months)
        for g in states
    }


def both(a: Tri, b: Tri) -> Tri:
    """Three-valued AND: False if either is False, True if both are True, else undetermined."""
    if a is False or b is False:
        return False
    if a is True and b is True:
        return True
    return None
