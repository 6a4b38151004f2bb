"""Watching the border procedure in the multi-party service (APR Arts. 47(2)-(3), 48-50; issue 17
item 2): what each party records, who reads what, and each state's status month by month.

- **A Member State** records its own monthly figures (the Art. 48(1) count at the month's end:
  applicants in the asylum border procedure and persons in a return border procedure; who
  entered and left in the month, the inflow-outflow basis of Art. 48(3); the applications
  examined, Art. 50; the staff and average durations of Art. 49(4)(c)-(e); the weekly evolution
  of 49(4)(b)), its Art. 48 notification (adequate capacity reached, with the content of Art.
  49(1)(a)-(c)) and its Art. 50 notification (annual maximum examined). Another state's data is
  refused (403), as every own-state operation of the service.
- **The Commission** records its verification of an Art. 50 notification and its implementing
  act authorising the state (Art. 50, second and third paragraphs).
- **Reads** (``border.read``: everyone, observers included): the figures are aggregate counts
  with no personal data; the Commission reviews them (Art. 49(4)) and assesses the measure in
  its public report (Art. 9 AMMR); Art. 49(3) makes a notification known to the other states;
  the implementing act is published. Narrowed here: the reasoning of a notification (Art.
  49(1)(c)) is read by the institutions and the Member States (49(3)), not observers; the
  staff, durations, weekly evolution and note of Art. 49(4)(b)-(e) by the Commission (to which
  49(4) sends them) and the reporting state only.

Every record is appended, never changed: a correction is the next version of the same key
(state and month; a notification's or act's reference). Every write goes through the unit of
work: one transaction, its Idempotency-Key, one audit entry per row (``border.figures``,
``border.notify``, ``border.act``). The rules themselves — the monthly series' checks, the
status and releases month by month, the capacities — are :mod:`eupact.border`'s: called here,
never written again (:mod:`eupact.cycle.service.border_status`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eupact.border.capacity import bound_states
from eupact.cycle.permissions import Actor, authorize
from eupact.cycle.phases import Role
from eupact.cycle.service import border_checks as check
from eupact.cycle.service.border_notices import BorderNotices
from eupact.cycle.service.border_records import (
    BorderNotificationRecord,
    CommissionActRecord,
    FiguresBatch,
    FiguresRecord,
)
from eupact.cycle.service.border_status import BorderStatus, _monthly
from eupact.cycle.service.context import Context
from eupact.cycle.store.border import (
    BorderCommissionActRow,
    BorderFiguresRow,
    BorderNotificationRow,
)
from eupact.data.border_inputs import MonthlyFigures
from eupact.errors import PreconditionFailed, Problem

#: Who reads the Art. 49(4)(b)-(e) details beyond the reporting state (49(4): the Commission).
DETAIL_READERS = frozenset({Role.COMMISSION})


class BorderWatch(BorderNotices, BorderStatus):
    """Every operation of the border procedure's watching (the API's routes are shells)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # -- scope and who sees what --------------------------------------------------------------

    def bound(self) -> tuple[str, ...]:
        """The Member States bound by the APR today (not Denmark: Protocol No 22)."""
        return bound_states(self.ctx.today(), self.ctx.parameters)

    def state(self, value: object, field: str = "geo") -> str:
        return check.state(value, self.bound(), field)

    @staticmethod
    def sees_details(actor: Actor, geo: str) -> bool:
        """Art. 49(4)(b)-(e) go to the Commission: it and the reporting state read them."""
        return actor.role in DETAIL_READERS or (
            actor.role is Role.MEMBER_STATE and actor.state == geo
        )

    @staticmethod
    def sees_reasoning(actor: Actor) -> bool:
        """Art. 49(3): the other Member States are informed; the institutions receive it."""
        return actor.role is not Role.OBSERVER

    def _own(self, actor: Actor, geo: object, operation: str) -> str:
        """The state a Member State records for (its own: the token's by default)."""
        if actor.role is not Role.MEMBER_STATE:
            authorize(actor, operation)  # refused: the role's rule
        chosen = self.state(actor.state if geo is None else geo)
        authorize(actor, operation, chosen)
        return chosen

    def _first_month(self) -> dt.date:
        start: dt.date = self.ctx.parameters.at(self.ctx.today())("border.apr_applies_from")
        return start.replace(day=1)

    # -- monthly figures (Arts. 48(1), (3), 49(4), 50) ------------------------------------------

    def record_figures(
        self,
        actor: Actor,
        months: Sequence[Mapping[str, Any]],
        *,
        geo: str | None = None,
        if_match: int | None = None,
        key: str | None = None,
        source: str = "user",
    ) -> FiguresBatch:
        """Append a state's figures for one or more months (a correction appends the next
        version of a month). The whole series, as it would be, must pass
        :func:`eupact.border.monitoring.check_monthly` (no month skipped or repeated, nothing
        negative, the stock following inflow and outflow, Art. 48(3)): else 422 naming the
        field, the month and the rule, and nothing is stored. ``if_match``: the state's series
        revision that was read (its ETag: the number of rows recorded for it, 0: none)."""
        who = self._own(actor, geo, "border.record")
        if source not in ("user", "SYNTHETIC"):
            raise check.refuse([Problem("source", source, "user or SYNTHETIC")])
        if not months:
            raise check.refuse([Problem("months", 0, "at least one month")])
        if len(months) > check.MAX_MONTHS:
            raise check.refuse(
                [Problem("months", len(months), f"at most {check.MAX_MONTHS} months at once")]
            )
        rows = [self._month_in(item, i) for i, item in enumerate(months)]
        seen: set[dt.date] = set()
        for i, row in enumerate(rows):
            if row["month"] in seen:
                raise check.refuse(
                    [Problem(f"months[{i}].month", row["month"], "each month once in a write")]
                )
            seen.add(row["month"])
        self._months_in_range(rows)
        for r in rows:
            self.check_report(who, r)

        def work(session: Session) -> FiguresBatch:
            current = self._current_figures(session, who)
            revision = self._revision(session, who)
            if if_match is not None and if_match != revision:
                raise PreconditionFailed(
                    [
                        Problem(
                            "If-Match",
                            f'"{if_match}"',
                            f'{who}\'s figures are at revision "{revision}": read them again '
                            "and retry (nothing was lost)",
                        )
                    ],
                    "version conflict",
                )
            series = {r.month: r for r in current}
            new = {r["month"]: r for r in rows}
            self.check_series(who, series, new)
            items = []
            for r in sorted(rows, key=lambda x: x["month"]):
                before = series.get(r["month"])
                row = BorderFiguresRow(
                    geo=who,
                    month=r["month"],
                    asylum_border=r["asylum_border"],
                    return_border=r["return_border"],
                    entered=r["entered"],
                    left=r["left"],
                    examined=r["examined"],
                    staff=r["staff"],
                    avg_admin_days=r["avg_admin_days"],
                    avg_appeal_days=r["avg_appeal_days"],
                    source=source,
                    note=r["note"],
                    detail={"weekly": [check.week_dict(w) for w in r["weekly"]]},
                    actor=actor.id,
                    recorded_at=self.ctx.clock(),
                    version=(before.version if before else 0) + 1,
                )
                session.add(row)
                session.flush()
                record = FiguresRecord.of(row)
                self.ctx.uow.audit(
                    session,
                    actor,
                    "border.figures",
                    "Art. 49(4) APR" if before else "Art. 48(1), 49(4) APR",
                    f"{record.kind_name}:{record.id}",
                    before.as_dict() if before else None,
                    record.as_dict(),
                )
                items.append(record.as_dict())
            return FiguresBatch(items[0]["id"], who, tuple(items))

        payload = {
            "op": "border.figures",
            "geo": who,
            "months": [{**r, "weekly": [check.week_dict(w) for w in r["weekly"]]} for r in rows],
            "if_match": if_match,
            "source": source,
        }
        return self.ctx.uow.write(actor, key, payload, work)  # type: ignore[type-var]

    def _month_in(self, item: Mapping[str, Any], i: int) -> dict[str, Any]:
        if not isinstance(item, Mapping):
            raise check.refuse([Problem(f"months[{i}]", type(item).__name__, "a month's figures")])
        at = f"months[{i}]"
        first = check.month(item.get("month"), f"{at}.month")
        out: dict[str, Any] = {"month": first}
        for name in check.COUNTS:
            out[name] = check.count(item.get(name), f"{at}.{name}")
        out["staff"] = check.count(item.get("staff"), f"{at}.staff", required=False)
        for name in ("avg_admin_days", "avg_appeal_days"):
            out[name] = check.days(item.get(name), f"{at}.{name}")
        out["weekly"] = check.weeks(item.get("weekly"), f"{at}.weekly")
        out["note"] = check.text(item.get("note"), f"{at}.note")
        return out

    def _months_in_range(self, rows: Sequence[Mapping[str, Any]]) -> None:
        first, today = self._first_month(), self.ctx.today()
        for i, r in enumerate(rows):
            if r["month"] < first:
                raise check.refuse(
                    [
                        Problem(
                            f"months[{i}].month",
                            r["month"].strftime("%Y-%m"),
                            f"from {first:%Y-%m}: the border procedure of the APR applies from "
                            f"{self.ctx.parameters.at(today)('border.apr_applies_from')} "
                            "(Art. 79(2) APR)",
                        )
                    ]
                )
            if r["month"] > today.replace(day=1):
                raise check.refuse(
                    [
                        Problem(
                            f"months[{i}].month",
                            r["month"].strftime("%Y-%m"),
                            f"a month that has begun (today is {today}): figures are counted, "
                            "not forecast",
                        )
                    ]
                )

    def check_series(
        self,
        geo: str,
        series: Mapping[dt.date, FiguresRecord],
        new: Mapping[dt.date, Mapping[str, Any]],
    ) -> None:
        """The state's series with ``new`` in place must pass the monitoring's checks."""
        merged: dict[dt.date, MonthlyFigures] = {m: _monthly(r) for m, r in series.items()}
        for m, r in new.items():
            merged[m] = MonthlyFigures(geo, m, *(r[n] for n in check.COUNTS))
        self.check_monthly([merged[m] for m in sorted(merged)])

    @staticmethod
    def _revision(session: Session, geo: str) -> int:
        found = session.execute(
            select(func.count()).select_from(BorderFiguresRow).where(BorderFiguresRow.geo == geo)
        ).scalar_one()
        return int(found)

    @staticmethod
    def _current_figures(session: Session, geo: str | None = None) -> list[FiguresRecord]:
        """The current version of each month, oldest month first (of one state, or all)."""
        stmt = select(BorderFiguresRow).order_by(
            BorderFiguresRow.geo, BorderFiguresRow.month, BorderFiguresRow.version
        )
        if geo is not None:
            stmt = stmt.where(BorderFiguresRow.geo == geo)
        latest: dict[tuple[str, dt.date], FiguresRecord] = {}
        for row in session.execute(stmt).scalars():
            latest[(row.geo, row.month)] = FiguresRecord.of(row)
        return list(latest.values())

    def figures(
        self, actor: Actor, geo: str | None = None, year: int | None = None
    ) -> tuple[list[dict[str, Any]], int]:
        """The current figures of one state (or all), by month, as ``actor`` reads them, and
        the series' revision (one state: its ETag)."""
        authorize(actor, "border.read")
        who = None if geo is None else self.state(geo)
        with self.ctx.uow.read() as session:
            records = self._current_figures(session, who)
            revision = self._revision(session, who) if who else len(records)
        if year is not None:
            records = [r for r in records if r.month.year == year]
        return [self.figures_view(actor, r) for r in records], revision

    def history(self, actor: Actor, geo: str, month: object) -> list[dict[str, Any]]:
        """Every version recorded for one state's month, oldest first."""
        authorize(actor, "border.read")
        who, first = self.state(geo), check.month(month)
        with self.ctx.uow.read() as session:
            rows = session.execute(
                select(BorderFiguresRow)
                .where(BorderFiguresRow.geo == who, BorderFiguresRow.month == first)
                .order_by(BorderFiguresRow.version)
            ).scalars()
            return [self.figures_view(actor, FiguresRecord.of(r)) for r in rows]

    def figures_view(self, actor: Actor, r: FiguresRecord) -> dict[str, Any]:
        out = r.as_dict()
        out["month"] = r.month.strftime("%Y-%m")
        out["in_procedure"] = r.in_procedure
        if not self.sees_details(actor, r.geo):
            for name in ("staff", "avg_admin_days", "avg_appeal_days", "note"):
                out[name] = None
            out["weekly"] = None
            out["withheld"] = (
                "Art. 49(4)(b)-(e) details: read by the Commission and the reporting state"
            )
        return out

    # -- what the status needs from the store ---------------------------------------------------

    def stored(
        self, geo: str | None = None
    ) -> tuple[list[FiguresRecord], list[BorderNotificationRecord], list[CommissionActRecord]]:
        """The current figures, notifications and Commission acts (of one state, or all)."""
        with self.ctx.uow.read() as session:
            figures = self._current_figures(session, geo)
            notes = [
                BorderNotificationRecord.of(r)
                for r in self._current(session, BorderNotificationRow, geo)
            ]
            acts = [
                CommissionActRecord.of(r)
                for r in self._current(session, BorderCommissionActRow, geo)
            ]
        return figures, notes, acts


__all__ = ["BorderWatch"]
