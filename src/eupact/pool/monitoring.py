"""Monitoring a pool year's implementation at a date (Art. 60(3) first and second subparagraphs,
60(6), 63(5), 65(3), 67(12) AMMR).

- 60(3), first subparagraph: relocations and alternative measures are implemented before the end
  of the year (``implementation.non_financial_deadline``); financial contributions are excepted.
- 65(3), 67(12): an agreed alternative measure or an accepted relocation started by the deadline
  may be completed later and still counts for the year (carry-over); one started after it is late.
- 60(3), second subparagraph: states implement "in proportion to their overall pledge" — what
  that means at a date is the [reading] ``implementation.proportion.*``.
- 63(5): after the year end, a state that has not implemented or accepted (67(9)) its pledged
  relocations takes, at the benefitting state's request, applications up to them
  ([reading]s ``offsets.year_end.*``). The 63(7) ceiling (fair share) names 63(6) first
  subparagraph, which covers offsets under 63(2) and (3): it is not applied here, nor the 63(8)
  conditions on each application (see :mod:`eupact.pool.offsets`).
- 60(6): each January (``implementation.confirmation_month``) states confirm what they
  implemented in the preceding year.

Art. 64(4)–(6) set no computable duty: 64(4) lets an amount "not fully allocated" be added to the
AMIF thematic facility ("may"), but allocation to actions (64(2)) is not recorded here; 64(5) and
(6) are reports without figures or time limits. Financial contributions paid are shown, no more.

Pure rules: :func:`from_outcome` takes what is to be implemented from a
:class:`~eupact.pool.outcome.PoolOutcome`, :func:`monitor` checks implementation records against it.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

from eupact.errors import fail
from eupact.explain import Explanation, ParameterUse, show
from eupact.parameters import ParametersAt
from eupact.pool.confirmation import Confirmation, ConfirmationStatus, confirmation
from eupact.pool.monitoring_inputs import (
    KINDS,
    ZERO,
    A,
    F,
    ImplementationEntry,
    PoolTargets,
    R,
    StateTargets,
    from_outcome,
    validate_entries,
)
from eupact.pool.pledges import PledgeKind

RULE = "eupact.pool.monitoring.monitor"
ARTICLES = {
    R: "Art. 60(3) first subparagraph, 67(12) AMMR",
    A: "Art. 60(3) first subparagraph, 65(3) AMMR",
    F: "Art. 60(3) first subparagraph AMMR (financial contributions excepted)",
}
FIELDS = (
    "relocation",
    "alternative",
    "financial",
    "proportion",
    "year_end_offsets",
    "confirmation",
)


class DeadlineStatus(StrEnum):
    NOT_APPLICABLE = "not applicable"  # financial, exempt, or nothing to implement
    DUE = "due"  # not all implemented, the deadline not passed
    MET = "met"  # all implemented (carry-overs included)
    CARRYING_OVER = "carrying over"  # past the deadline; accepted/agreed in time cover the rest
    MISSED = "missed"  # past the deadline and short


def year_end_deadline(params: ParametersAt, year: int) -> dt.date:
    """The last day on which non-financial pledges for ``year`` are implemented in time
    (Art. 60(3): "before the end of that year")."""
    month, day = (int(x) for x in str(params("implementation.non_financial_deadline")).split("-"))
    return dt.date(year, month, day)


@dataclass(frozen=True, slots=True)
class _Counts:
    in_time: Decimal = ZERO
    carried_over: Decimal = ZERO
    late: Decimal = ZERO
    open: Decimal = ZERO  # accepted/agreed by the deadline, not yet carried out

    @property
    def implemented(self) -> Decimal:
        return self.in_time + self.carried_over


def _count(entries: Iterable[ImplementationEntry], as_of: dt.date, deadline: dt.date) -> _Counts:
    in_time = carried = late = open_ = ZERO
    for e in entries:
        if e.on > as_of:
            continue  # not yet known at the date
        if e.accepted:
            open_ += e.amount if e.on <= deadline else ZERO
        elif e.on <= deadline or e.kind is F:
            in_time += e.amount
        elif e.start <= deadline:
            carried += e.amount
        else:
            late += e.amount
    return _Counts(in_time, carried, late, open_)


def _rate(done: Decimal, due: Decimal) -> Fraction | None:
    return Fraction(min(done, due)) / Fraction(due) if due > 0 else None


@dataclass(frozen=True)
class TypeProgress:
    """One type of a state's pledge at the date: amounts (persons or EUR), rate, proportion,
    deadline."""

    kind: PledgeKind
    to_implement: Decimal
    in_time: Decimal
    carried_over: Decimal
    late: Decimal
    open: Decimal
    rate: Fraction | None  # implemented (capped at to_implement) / to_implement
    benchmark: Fraction | None  # the rate compared with (none: not checked)
    behind: bool
    deadline: DeadlineStatus
    reason: str

    @property
    def implemented(self) -> Decimal:
        return self.in_time + self.carried_over


def _deadline(
    kind: PledgeKind, due: Decimal, c: _Counts, exemption: str, as_of: dt.date, deadline: dt.date
) -> tuple[DeadlineStatus, str]:
    day = deadline.isoformat()
    if kind is F:
        return DeadlineStatus.NOT_APPLICABLE, (
            "financial contributions are excepted from the year-end rule (Art. 60(3)); "
            f"{show(c.implemented)} of {show(due)} transferred"
        )
    if exemption:
        return DeadlineStatus.NOT_APPLICABLE, exemption
    if due == 0:
        return DeadlineStatus.NOT_APPLICABLE, "nothing to implement"
    done, left = c.implemented, due - c.implemented
    carried = f" ({show(c.carried_over)} carried over)" if c.carried_over else ""
    if left <= 0:
        return DeadlineStatus.MET, f"{show(done)} of {show(due)} implemented{carried}"
    if as_of <= deadline:
        return DeadlineStatus.DUE, f"{show(left)} left to implement by {day}"
    if c.open >= left:
        return DeadlineStatus.CARRYING_OVER, (
            f"{show(left)} short after {day}; {show(c.open)} accepted or agreed by then may "
            "still be completed (Art. 65(3), 67(12))"
        )
    return DeadlineStatus.MISSED, f"{show(left)} short after {day}" + (
        f"; {show(c.open)} accepted or agreed by then may still be completed" if c.open else ""
    )


@dataclass(frozen=True)
class StateMonitoring:
    """One state's implementation of the pool year at ``as_of``."""

    targets: StateTargets
    year: int
    as_of: dt.date
    deadline: dt.date
    equivalence: Decimal
    progress: dict[PledgeKind, TypeProgress]
    overall_rate: Fraction | None
    year_end_offsets: int
    year_end_covered: int
    confirmation: Confirmation
    params: ParametersAt = field(repr=False, compare=False)

    @property
    def geo(self) -> str:
        return self.targets.geo

    @property
    def behind(self) -> tuple[PledgeKind, ...]:
        return tuple(k for k in KINDS if self.progress[k].behind)

    @property
    def after_year_end(self) -> bool:
        return self.as_of > self.deadline

    def as_dict(self) -> dict[str, Any]:
        def rate(r: Fraction | None) -> str | None:
            return None if r is None else str(r)

        return {
            "state": self.geo,
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "deadline": self.deadline.isoformat(),
            "exemption": self.targets.exemption,
            "types": {
                str(k): {
                    "to_implement": str(p.to_implement),
                    "implemented": str(p.implemented),
                    "carried_over": str(p.carried_over),
                    "late": str(p.late),
                    "accepted_open": str(p.open),
                    "rate": rate(p.rate),
                    "benchmark": rate(p.benchmark),
                    "behind": p.behind,
                    "deadline": str(p.deadline),
                    "reason": p.reason,
                }
                for k, p in self.progress.items()
            },
            "overall_rate": rate(self.overall_rate),
            "year_end_offsets": self.year_end_offsets if self.after_year_end else None,
            "confirmation": str(self.confirmation.status),
            "confirmation_window": [
                self.confirmation.opens.isoformat(),
                self.confirmation.closes.isoformat(),
            ],
        }

    def explain(self, what: str) -> Explanation:
        """Why one of :data:`FIELDS` has its value at the date."""
        kinds = {str(k): k for k in KINDS}
        if what in kinds:
            return self._explain_type(kinds[what])
        if what == "proportion":
            return self._explain_proportion()
        if what == "year_end_offsets":
            return self._explain_year_end()
        if what == "confirmation":
            return self._explain_confirmation()
        raise fail("field", what, f"explainable fields: {', '.join(FIELDS)}")

    def _use(self, *names: str) -> tuple[ParameterUse, ...]:
        return tuple(ParameterUse.of(self.params, n) for n in names)

    def _explain_type(self, kind: PledgeKind) -> Explanation:
        p = self.progress[kind]
        unit = "persons" if kind is R else "EUR"
        return Explanation(
            quantity=f"{kind} implemented by {self.geo} for {self.year} on {self.as_of}",
            value=f"{show(p.implemented)} of {show(p.to_implement)} {unit}: {p.deadline}",
            rule=RULE,
            article=ARTICLES[kind],
            formula="implemented = carried out by the deadline + carried out after it but "
            "accepted or agreed by it (carry-over); later ones are late and not counted; met "
            "if implemented ≥ to implement, due until the deadline, carrying over if what was "
            "accepted or agreed by it covers the rest, else missed",
            inputs={
                f"to implement ({unit})": show(p.to_implement),
                "carried out by the deadline": show(p.in_time),
                "carried over (started by the deadline)": show(p.carried_over),
                "late (started after the deadline, not counted)": show(p.late),
                "accepted or agreed by the deadline, not yet carried out": show(p.open),
                "deadline": self.deadline.isoformat(),
                "as of": self.as_of.isoformat(),
            },
            parameters=self._use("implementation.non_financial_deadline"),
            notes=(p.reason,),
        )

    def _explain_proportion(self) -> Explanation:
        reading = self.params("implementation.proportion.at_date")
        behind = ", ".join(map(str, self.behind))
        checked = any(p.benchmark is not None for p in self.progress.values())
        value = f"behind in {behind}" if behind else "in proportion" if checked else "not checked"
        inputs = {"EUR per relocation": show(self.equivalence)}
        if self.overall_rate is not None:
            inputs["overall implemented share"] = show(self.overall_rate)
        for k, p in self.progress.items():
            if p.rate is not None:
                bench = "not checked" if p.benchmark is None else show(p.benchmark)
                inputs[f"{k}: implemented share / compared with"] = f"{show(p.rate)} / {bench}"
        formula = {
            "each_type_at_least_the_overall_rate": "behind if a type's implemented share < the "
            "state's overall share (EUR-weighted) − tolerance",
            "each_type_at_least_the_pool_rate": "behind if a type's implemented share < the "
            "share of that type implemented by all contributing states − tolerance",
            "year_end_only": "after the year end only: behind if a type's implemented share < "
            "the state's overall share (EUR-weighted) − tolerance",
        }[str(reading)]
        return Explanation(
            quantity=f"proportion of {self.geo}'s implementation on {self.as_of}",
            value=value,
            rule=RULE,
            article="Art. 60(3) second subparagraph AMMR, recital 31",
            formula=formula + "; shares capped at 1",
            inputs=inputs,
            parameters=self._use(
                "implementation.proportion.at_date",
                "implementation.proportion.tolerance",
                "implementation.proportion.financial_counted",
            ),
        )

    def _explain_year_end(self) -> Explanation:
        t, p = self.targets, self.progress[R]
        if t.exemption:
            value, note = "0", t.exemption
        elif not self.after_year_end:
            value, note = "none yet", f"offsets are requested after {self.deadline.isoformat()}"
        else:
            value, note = show(self.year_end_offsets), "at the request of the benefitting state"
        return Explanation(
            quantity=f"year-end responsibility offsets {self.geo} may be asked to take",
            value=value,
            rule=RULE,
            article="Art. 63(5) AMMR",
            formula="after the deadline, if covered < to implement: to implement − covered "
            "(unimplemented_relocations) or to implement (relocations_pledged); covered = "
            "carried out by the deadline + carried over + accepted by it (67(9)) "
            "[+ offsets taken instead (63(1), (2))]",
            inputs={
                "relocations pledged (57(3))": show(t.pledged_relocations),
                "relocations to implement": show(t.relocations),
                "carried out by the deadline": show(p.in_time),
                "carried over": show(p.carried_over),
                "accepted by the deadline, not yet carried out": show(p.open),
                "offsets taken instead of relocations": show(t.offsets_accepted),
                "covered": show(self.year_end_covered),
                "obligatory offsets under 63(3), (4) (separate)": show(t.offset_obligation),
            },
            parameters=self._use(
                "implementation.non_financial_deadline",
                "offsets.year_end.up_to",
                "offsets.year_end.offsets_taken_instead",
            ),
            notes=(
                note,
                "each application must meet Art. 63(8); the 63(7) ceiling names offsets under "
                "63(2) and (3), not 63(5), and is not applied",
            ),
        )

    def _explain_confirmation(self) -> Explanation:
        c = self.confirmation
        return Explanation(
            quantity=f"confirmation by {self.geo} of the levels implemented in {self.year}",
            value=str(c.status),
            rule="eupact.pool.confirmation.confirmation",
            article="Art. 60(6) AMMR",
            formula="due from the first to the last day of the confirmation month of the "
            "following year: upcoming before, due within, late after; received (late) when it "
            "came (after the window)",
            inputs={
                "window": f"{c.opens.isoformat()} – {c.closes.isoformat()}",
                "received": c.received.isoformat() if c.received else "not by the date",
                "as of": self.as_of.isoformat(),
            },
            parameters=self._use("implementation.confirmation_month"),
        )


def _proportion(
    params: ParametersAt,
    eq: Decimal,
    due: Mapping[PledgeKind, Decimal],
    counts: Mapping[PledgeKind, _Counts],
    pool: Mapping[PledgeKind, Fraction | None],
    after: bool,
) -> tuple[dict[PledgeKind, Fraction | None], Fraction | None]:
    """Each type's benchmark and the state's overall rate under the [reading]s."""
    reading = params("implementation.proportion.at_date")
    kinds = (
        (R, A, F)
        if params("implementation.proportion.financial_counted") == "all_types"
        else (R, A)
    )
    weight = {R: eq, A: Decimal(1), F: Decimal(1)}
    total = sum((due[k] * weight[k] for k in kinds), ZERO)
    done = sum((min(counts[k].implemented, due[k]) * weight[k] for k in kinds), ZERO)
    overall = Fraction(done) / Fraction(total) if total > 0 else None
    if reading == "each_type_at_least_the_pool_rate":
        return {k: pool[k] if k in kinds else None for k in KINDS}, overall
    checked = reading == "each_type_at_least_the_overall_rate" or after
    return {k: overall if k in kinds and checked else None for k in KINDS}, overall


def _state(
    params: ParametersAt,
    targets: PoolTargets,
    t: StateTargets,
    counts: Mapping[PledgeKind, _Counts],
    pool: Mapping[PledgeKind, Fraction | None],
    as_of: dt.date,
    deadline: dt.date,
    received: dt.date | None,
) -> StateMonitoring:
    due = {k: t.of(k) for k in KINDS}
    after = as_of > deadline
    bench, overall = _proportion(params, targets.equivalence, due, counts, pool, after)
    tolerance = Fraction(params("implementation.proportion.tolerance"))
    progress = {}
    for k in KINDS:
        c, rate = counts[k], _rate(counts[k].implemented, due[k])
        b = bench[k] if rate is not None and not t.exemption else None
        status, reason = _deadline(k, due[k], c, t.exemption, as_of, deadline)
        behind = b is not None and rate is not None and rate < b - tolerance
        progress[k] = TypeProgress(
            k, due[k], c.in_time, c.carried_over, c.late, c.open, rate, b, behind, status, reason
        )
    r = counts[R]
    covered = int(r.implemented + r.open)
    if params("offsets.year_end.offsets_taken_instead") == "counted":
        covered += t.offsets_accepted
    short = max(0, t.relocations - covered)
    whole = params("offsets.year_end.up_to") == "relocations_pledged"
    offsets = 0 if t.exemption or not after else (t.relocations if whole and short else short)
    return StateMonitoring(
        t,
        targets.year,
        as_of,
        deadline,
        targets.equivalence,
        progress,
        overall,
        offsets,
        covered,
        confirmation(params, targets.year, as_of, received, t.geo),
        params,
    )


@dataclass(frozen=True)
class PoolMonitoring:
    year: int
    as_of: dt.date
    deadline: dt.date
    states: dict[str, StateMonitoring]
    pool_rates: dict[PledgeKind, Fraction | None]

    def explain(self, geo: str, what: str) -> Explanation:
        if geo not in self.states:
            raise fail("state", geo, f"not a state of the {self.year} pool outcome")
        return self.states[geo].explain(what)

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "deadline": self.deadline.isoformat(),
            "pool_rates": {
                str(k): None if r is None else str(r) for k, r in self.pool_rates.items()
            },
            "states": [s.as_dict() for s in self.states.values()],
        }

    def table(self, width: int = 80) -> list[str]:
        """One row per state, at most ``width`` (≥ 80) characters; legend wrapped."""
        if width < 80:
            raise fail("width", width, "the table needs at least 80 columns")
        short = {
            DeadlineStatus.NOT_APPLICABLE: "—",
            DeadlineStatus.CARRYING_OVER: "carrying",
        }
        conf = {ConfirmationStatus.RECEIVED_LATE: "rec. late"}
        head = f"Implementation of the {self.year} pool on {self.as_of.isoformat()} "
        head += "(Art. 60(3), (6), 63(5) AMMR)"
        rows = textwrap.wrap(head, width)
        rows.append(
            f"{'state':<5}{'relocations':>15} {'status':<9}{'alt.':>7} {'status':<9}"
            f"{'fin.':>7} {'behind':<6}{'63(5)':>9} {'60(6)':<9}"
        )
        rows.append("-" * 80)
        for s in self.states.values():
            p = s.progress
            reloc = f"{_num(p[R].implemented)}/{_num(p[R].to_implement)}"
            offsets = _num(Decimal(s.year_end_offsets)) if s.after_year_end else "—"
            behind = "".join(str(k)[0].upper() for k in s.behind) or "—"
            rows.append(
                f"{s.geo:<5}{reloc:>15} {short.get(p[R].deadline, p[R].deadline):<9}"
                f"{_pct(p[A].rate):>7} {short.get(p[A].deadline, p[A].deadline):<9}"
                f"{_pct(p[F].rate):>7} {behind:<6}{offsets:>9} "
                f"{conf.get(s.confirmation.status, s.confirmation.status):<9}"
            )
        rates = ", ".join(f"{k} {_pct(r).strip()}" for k, r in self.pool_rates.items())
        legend = (
            f"Pool: {rates}. relocations: carried out (carry-overs included)/to implement; "
            "alt., fin.: share of the EUR to implement; behind: R, A, F below proportion "
            "([reading] implementation.proportion.at_date); 63(5): offsets that may be requested "
            "after the year end; 60(6): the January confirmation."
        )
        rows += textwrap.wrap(legend, width)
        return [r.rstrip() for r in rows]


def _num(n: Decimal) -> str:
    """At most 7 characters: 999,999 or 12.3M (rounded down)."""
    if n < 1_000_000:
        return f"{int(n):,}"
    return f"{(n / 1_000_000).quantize(Decimal('0.1'), ROUND_FLOOR)}M"


def _pct(r: Fraction | None) -> str:
    """A share as a percentage rounded down to a tenth, so that 99.96 % is not shown as 100."""
    if r is None:
        return "—"
    tenths = math.floor(r * 1000)
    return f"{tenths // 10}.{tenths % 10}%"


def monitor(
    params: ParametersAt,
    targets: PoolTargets,
    entries: Iterable[ImplementationEntry],
    as_of: dt.date,
    confirmations: Mapping[str, dt.date] | None = None,
) -> PoolMonitoring:
    """Every state's implementation of the pool year at ``as_of``: per type, what is to be
    implemented, implemented (carry-overs included), late, accepted or agreed and open; whether
    it is behind proportion; the year-end deadline's status; the 63(5) offsets that may be
    requested; the 60(6) confirmation (``confirmations``: state → day received)."""
    entries = validate_entries(targets, entries)
    received = dict(confirmations or {})
    unknown = sorted(set(received) - set(targets.states))
    if unknown:
        raise fail("confirmations", unknown, f"not states of the {targets.year} pool outcome")
    deadline = year_end_deadline(params, targets.year)
    grouped: dict[tuple[str, PledgeKind], list[ImplementationEntry]] = {}
    for e in entries:
        grouped.setdefault((e.state, e.kind), []).append(e)
    counts = {
        geo: {k: _count(grouped.get((geo, k), ()), as_of, deadline) for k in KINDS}
        for geo in targets.states
    }
    active = [g for g, t in targets.states.items() if not t.exemption]
    pool: dict[PledgeKind, Fraction | None] = {}
    for k in KINDS:
        due = sum((targets.states[g].of(k) for g in active), ZERO)
        done = sum((min(counts[g][k].implemented, targets.states[g].of(k)) for g in active), ZERO)
        pool[k] = _rate(done, due)
    states = {
        geo: _state(params, targets, t, counts[geo], pool, as_of, deadline, received.get(geo))
        for geo, t in targets.states.items()
    }
    return PoolMonitoring(targets.year, as_of, deadline, states, pool)


__all__ = [
    "FIELDS",
    "Confirmation",
    "ConfirmationStatus",
    "DeadlineStatus",
    "ImplementationEntry",
    "PoolMonitoring",
    "PoolTargets",
    "StateMonitoring",
    "StateTargets",
    "TypeProgress",
    "confirmation",
    "from_outcome",
    "monitor",
    "validate_entries",
    "year_end_deadline",
]
