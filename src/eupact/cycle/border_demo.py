"""SYNTHETIC border-procedure figures for the demonstration (``eupact serve --demo``), so that the
border pages (``/border``) show the watching of APR Arts. 47(2)-(3), 48-50 at work.

- **SYNTHETIC.** For a few Member States, monthly figures from the month the APR applies (June
  2026, Art. 79(2)) to the last complete month, drawn by :func:`eupact.border.synthetic.
  synthetic_months` (seeded: the same every run; each month's stock follows inflow and outflow,
  Art. 48(3)) around each state's adequate capacity as recorded from Decision (EU) 2024/2150 (IT,
  EL, ES, DE: SECONDARY figures), and for France, whose figure is not available, around a size
  the generator is given (the pages say "capacity not available": nothing is judged for it).
  Every row is stored with the source ``SYNTHETIC``, every text says so.
- **The flows.** A state whose count reached its capacity notifies the Commission under Art. 48
  (the content of Art. 49(1)) early in the next month and, while the measure applies, reports the
  Art. 49(4) elements; a state whose examined applications reached its annual maximum notifies
  under Art. 50, and the Commission records its verification and implementing act a week apart.

Everything goes through the service's own operations (:class:`~eupact.cycle.service.border.
BorderWatch`), with the states' demo tokens where the demo issued them, audited as any other
write. Nothing is recorded before the APR applies.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from eupact.border.notifications import month_end, weeks_of
from eupact.border.synthetic import synthetic_months
from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Role
from eupact.cycle.service import CycleService
from eupact.cycle.service.border import BorderWatch
from eupact.data.border_inputs import MonthlyFigures

SEED = 20260612  # the day the APR applies
SYNTHETIC = "SYNTHETIC demo figures (seeded generator, not the state's real figures)"
#: (state, size of the generator where the recorded act holds no capacity)
STATES: tuple[tuple[str, int | None], ...] = (
    ("IT", None),
    ("EL", None),
    ("ES", None),
    ("DE", None),
    ("FR", 1500),  # not available in the record: a SYNTHETIC size, labelled as such
)


def _actor(service: CycleService, tokens: dict[str, str], who: str) -> Actor:
    if who in tokens:
        return service.authenticate(tokens[who])
    role = Role.COMMISSION if who == "commission" else Role.MEMBER_STATE
    return Actor(f"demo:{who}", role, None if role is Role.COMMISSION else who)


def _report(f: MonthlyFigures, rank: int) -> dict[str, Any]:
    """The Art. 49(4)(b)-(e) elements of a month, SYNTHETIC: the month's inflow and outflow spread
    over its weeks, a staff and durations that follow the stock."""
    mondays = weeks_of(f.month)
    n = len(mondays)
    weekly = [
        {
            "week_start": m.isoformat(),
            "entered": f.entered // n + (1 if i < f.entered % n else 0),
            "left": f.left // n + (1 if i < f.left % n else 0),
        }
        for i, m in enumerate(mondays)
    ]
    return {
        "staff": 40 + f.in_procedure // 25 + rank,
        "avg_admin_days": str(Decimal(7 + rank) + Decimal(f.in_procedure % 40) / 10),
        "avg_appeal_days": str(Decimal(18 + rank)),
        "weekly": weekly,
    }


def load_border_demo(service: CycleService, tokens: dict[str, str]) -> int:
    """Record the demo's SYNTHETIC border figures, notifications and acts with the parties' tokens
    (``tokens``: name → token, as :func:`eupact.cycle.demo.load_demo` returns them); how many
    records were written."""
    watch = BorderWatch(service.ctx)
    today = service.clock().date()
    start: dt.date = service.parameters.at(today)("border.apr_applies_from")
    first = start.replace(day=1)
    last = today.replace(day=1)  # the current month has not ended: up to the one before
    months = (last.year - first.year) * 12 + last.month - first.month
    if months <= 0:
        return 0
    commission = _actor(service, tokens, "commission")
    made = 0
    for rank, (geo, size) in enumerate(STATES):
        held = watch.recorded_on(geo, month_end(first))
        capacity = held.adequate_capacity if held and held.adequate_capacity else size
        if capacity is None:
            continue
        actor = _actor(service, tokens, geo)
        series = synthetic_months(geo, first, months, capacity=capacity, seed=SEED + rank)
        rows: list[dict[str, Any]] = []
        notified: dt.date | None = None
        for f in series:
            row: dict[str, Any] = {
                "month": f.month.strftime("%Y-%m"),
                "asylum_border": f.asylum_border,
                "return_border": f.return_border,
                "entered": f.entered,
                "left": f.left,
                "examined": f.examined,
                "note": SYNTHETIC,
            }
            if notified is not None and f.month.year == notified.year:
                row.update(_report(f, rank))  # Art. 49(4) while the measure applies
            rows.append(row)
            if held is not None and notified is None and f.in_procedure >= capacity:
                notified = month_end(f.month) + dt.timedelta(days=3)
                if notified > today or notified.year != f.month.year:
                    notified = None
                    continue
                watch.record_figures(actor, rows, source="SYNTHETIC")
                made += len(rows)
                rows = []
                watch.notify(
                    actor,
                    "48",
                    notified,
                    in_procedure=f.in_procedure,
                    measure="apply",
                    reasoning=f"{SYNTHETIC}: the count at the end of {f.month:%B %Y} is at or "
                    "above the adequate capacity; the measure keeps places for the cases of "
                    "Art. 42(1)(f) and 42(3)(b)",
                    source="SYNTHETIC",
                )
                made += 1
        if rows:
            watch.record_figures(actor, rows, source="SYNTHETIC")
            made += len(rows)
        if held is not None:
            made += _art_50(watch, actor, commission, series, capacity, today)
    return made


def _art_50(
    watch: BorderWatch,
    actor: Actor,
    commission: Actor,
    series: tuple[MonthlyFigures, ...],
    capacity: int,
    today: dt.date,
) -> int:
    """Art. 50 once the year's examined applications reach the annual maximum: the state
    notifies, the Commission verifies a week later and authorises a week after that."""
    total = 0
    for f in series:
        total = total + f.examined if f.month.month > 1 else f.examined
        notified = month_end(f.month) + dt.timedelta(days=5)
        if notified.year != f.month.year or notified > today:
            return 0
        maximum = watch.annual_maximum(capacity, notified)
        if total < maximum:
            continue
        n = watch.notify(actor, "50", notified, examined=total, source="SYNTHETIC")
        verified, authorised = (notified + dt.timedelta(days=d) for d in (7, 14))
        made = 1
        if verified <= today:
            watch.record_act(
                commission,
                n.ref,
                "verification",
                verified,
                outcome="verified",
                note=SYNTHETIC,
                source="SYNTHETIC",
            )
            made += 1
        if authorised <= today:
            watch.record_act(
                commission,
                n.ref,
                "implementing_act",
                authorised,
                reference=f"SYNTHETIC implementing act ({n.geo}, {authorised:%d %B %Y})",
                note=SYNTHETIC,
                source="SYNTHETIC",
            )
            made += 1
        return made
    return 0


__all__ = ["SEED", "STATES", "SYNTHETIC", "load_border_demo"]
