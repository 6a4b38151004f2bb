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
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eupact.border.capacity import bound_states
from eupact.cycle.permissions import Actor, authorize
from eupact.cycle.phases import Role
from eupact.cycle.service import border_checks as check
from eupact.cycle.service.border_records import (
    BorderNotificationRecord,
    CommissionActRecord,
    FiguresBatch,
    FiguresRecord,
)
from eupact.cycle.service.border_status import BorderStatus, _monthly
from eupact.cycle.service.context import Context
from eupact.cycle.store.border import (
    ACT_KINDS,
    NOTIFICATION_ARTICLES,
    BorderCommissionActRow,
    BorderFiguresRow,
    BorderNotificationRow,
)
from eupact.data.border_inputs import MAX_YEARLY, MonthlyFigures
from eupact.errors import Conflict, EupactError, NotFound, PreconditionFailed, Problem

#: Who reads the Art. 49(4)(b)-(e) details beyond the reporting state (49(4): the Commission).
DETAIL_READERS = frozenset({Role.COMMISSION})
ARTICLE_48 = "Art. 48(1) APR (content: Art. 49(1)(a)-(c))"
ARTICLE_50 = "Art. 50, first paragraph, APR"
OUTCOMES = {"verification": ("verified", "not_verified"), "implementing_act": ("authorised",)}


class BorderWatch(BorderStatus):
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

    # -- notifications (Art. 48 with 49(1); Art. 50) ----------------------------------------------

    def notify(
        self,
        actor: Actor,
        article: str,
        notified_on: dt.date,
        *,
        geo: str | None = None,
        in_procedure: object = None,
        examined: object = None,
        measure: object = None,
        reasoning: object = "",
        other_measures: object = "",
        with_ammr_notification: bool = False,
        ref: str | None = None,
        if_match: int | None = None,
        key: str | None = None,
        source: str = "user",
    ) -> BorderNotificationRecord:
        """A state's notification to the Commission: Art. 48(1) (its adequate capacity is
        reached, with the number in the procedures at the time, the measure and the reasoning of
        Art. 49(1)(a)-(c)) or Art. 50 (it examined its annual maximum this calendar year). The
        condition the article sets for notifying is checked against the recorded implementing
        act: a count below the capacity (Art. 48(1)) or the maximum (Art. 50) is refused; where
        the act's figure is not available, the notification is taken and its view says so.
        ``ref``: a notification recorded earlier, corrected by this one (its next version)."""
        who = self._own(actor, geo, "border.record")
        if article not in NOTIFICATION_ARTICLES:
            raise check.refuse([Problem("article", article, "48 or 50 (APR)")])
        day = self._day(notified_on, "notified_on")
        if article == "48" and measure not in ("apply", "continue"):
            raise check.refuse(
                [
                    Problem(
                        "measure",
                        measure if isinstance(measure, str) else None,
                        "Art. 49(1)(b): 'apply' or 'continue' (applying the Art. 48 measure)",
                    )
                ]
            )
        content: dict[str, Any] = {
            "in_procedure": check.count(in_procedure, "in_procedure", required=article == "48"),
            "examined": check.count(
                examined, "examined", required=article == "50", limit=MAX_YEARLY
            ),
            "measure": measure if article == "48" else "",
            "reasoning": (
                check.reasoning(reasoning)
                if article == "48"
                else check.text(reasoning, "reasoning")
            ),
            "detail": {
                "other_measures": check.text(other_measures, "other_measures"),
                "with_ammr_notification": bool(with_ammr_notification),
            },
        }
        self.check_notification(who, article, day, content)
        given = None if ref is None else check.ref(ref)

        def work(session: Session) -> BorderNotificationRecord:
            before = None
            if given is not None:
                before = self._latest(session, BorderNotificationRow, given)
                if before is None or before.geo != who or before.article != article:
                    raise NotFound(
                        [Problem("ref", given, f"no Art. {article} notification of {who} has it")],
                        "not found",
                    )
            version = before.version if before else 0
            if if_match is not None and if_match != version:
                raise _stale("ref", given or "", version)
            name = given or self._new_ref(
                session, BorderNotificationRow, f"{who}-{article}-{day.year}"
            )
            row = BorderNotificationRow(
                ref=name,
                geo=who,
                article=article,
                notified_on=day,
                year=day.year,
                in_procedure=content["in_procedure"],
                examined=content["examined"],
                measure=content["measure"],
                reasoning=content["reasoning"],
                source=source,
                detail=content["detail"],
                actor=actor.id,
                recorded_at=self.ctx.clock(),
                version=version + 1,
            )
            session.add(row)
            session.flush()
            record = BorderNotificationRecord.of(row)
            self.ctx.uow.audit(
                session,
                actor,
                "border.notify",
                ARTICLE_48 if article == "48" else ARTICLE_50,
                f"{record.kind_name}:{record.id}",
                BorderNotificationRecord.of(before).as_dict() if before else None,
                record.as_dict(),
            )
            return record

        payload = {
            "op": "border.notify",
            "geo": who,
            "article": article,
            "on": str(day),
            **content,
            "ref": given,
            "if_match": if_match,
            "source": source,
        }
        return self.ctx.uow.write(actor, key, payload, work)  # type: ignore[type-var]

    def _day(self, value: dt.date, field: str) -> dt.date:
        today = self.ctx.today()
        start: dt.date = self.ctx.parameters.at(today)("border.apr_applies_from")
        if not isinstance(value, dt.date):
            raise check.refuse([Problem(field, str(value)[:40], "a date written YYYY-MM-DD")])
        if value > today:
            raise check.refuse([Problem(field, value, f"on or before today ({today})")])
        if value < start:
            raise check.refuse(
                [
                    Problem(
                        field, value, f"on or after {start}: the APR applies from then (Art. 79(2))"
                    )
                ]
            )
        return value

    @staticmethod
    def _latest(session: Session, table: Any, ref: str) -> Any:
        return (
            session.execute(
                select(table).where(table.ref == ref).order_by(table.version.desc()).limit(1)
            )
            .scalars()
            .first()
        )

    @staticmethod
    def _new_ref(session: Session, table: Any, stem: str) -> str:
        taken = session.execute(
            select(func.count(func.distinct(table.ref))).where(table.ref.like(f"{stem}-%"))
        ).scalar_one()
        return f"{stem}-{int(taken) + 1}"

    def notifications(
        self, actor: Actor, geo: str | None = None, year: int | None = None
    ) -> list[dict[str, Any]]:
        """The current version of every notification (of a state, a year), newest first."""
        authorize(actor, "border.read")
        who = None if geo is None else self.state(geo)
        with self.ctx.uow.read() as session:
            current = self._current(session, BorderNotificationRow, who)
            acts = self._current(session, BorderCommissionActRow, who)
        records = [BorderNotificationRecord.of(r) for r in current]
        if year is not None:
            records = [r for r in records if r.year == year]
        by_ref: dict[str, list[CommissionActRecord]] = defaultdict(list)
        for a in acts:
            by_ref[a.notification_ref].append(CommissionActRecord.of(a))
        records.sort(key=lambda r: (r.notified_on, r.id), reverse=True)
        return [self.notification_view(actor, r, by_ref.get(r.ref, [])) for r in records]

    def notification(self, actor: Actor, ref: str) -> dict[str, Any]:
        authorize(actor, "border.read")
        name = check.ref(ref)
        with self.ctx.uow.read() as session:
            row = self._latest(session, BorderNotificationRow, name)
            if row is None:
                raise NotFound([Problem("ref", name, "no notification has it")], "not found")
            acts = [
                CommissionActRecord.of(a)
                for a in self._current(session, BorderCommissionActRow, row.geo)
                if a.notification_ref == name
            ]
        return self.notification_view(actor, BorderNotificationRecord.of(row), acts)

    def notification_view(
        self, actor: Actor, r: BorderNotificationRecord, acts: Sequence[CommissionActRecord]
    ) -> dict[str, Any]:
        out = r.as_dict()
        out["cite"] = ARTICLE_48 if r.article == "48" else ARTICLE_50
        out["check"] = self.notification_check(r)
        out["informed"] = (
            "the other Member States are informed (Art. 49(3) APR): every Member State reads it here"
        )
        if not self.sees_reasoning(actor):
            out["reasoning"] = None
            out["withheld"] = (
                "Art. 49(1)(c) reasoning: read by the institutions and the Member States"
            )
        out["acts"] = [a.as_dict() for a in sorted(acts, key=lambda a: (a.act_date, a.id))]
        return out

    @staticmethod
    def _current(session: Session, table: Any, geo: str | None) -> list[Any]:
        stmt = select(table).order_by(table.ref, table.version)
        if geo is not None:
            stmt = stmt.where(table.geo == geo)
        latest: dict[str, Any] = {}
        for row in session.execute(stmt).scalars():
            latest[row.ref] = row
        return list(latest.values())

    # -- the Commission's Art. 50 verification and implementing act -----------------------------

    def record_act(
        self,
        actor: Actor,
        notification_ref: str,
        kind: str,
        act_date: dt.date,
        *,
        outcome: str | None = None,
        reference: object = "",
        note: object = "",
        ref: str | None = None,
        if_match: int | None = None,
        key: str | None = None,
        source: str = "user",
    ) -> CommissionActRecord:
        """The Commission's verification of an Art. 50 notification (verified or not: Art. 50,
        second paragraph) or its implementing act authorising the state not to examine the
        Art. 42(1)(c) and (j) cases in the border procedure (third paragraph), which follows a
        verification that found the maximum reached. ``ref``: an act recorded earlier,
        corrected by this one."""
        authorize(actor, "border.decide")
        if kind not in ACT_KINDS:
            raise check.refuse(
                [Problem("kind", kind, "verification or implementing_act (Art. 50)")]
            )
        allowed = OUTCOMES[kind]
        chosen = outcome or allowed[0]
        if chosen not in allowed:
            raise check.refuse([Problem("outcome", chosen, f"for {kind}: {' or '.join(allowed)}")])
        day = self._day(act_date, "act_date")
        name = check.ref(notification_ref, "notification_ref")
        limit = 128
        words = check.text(reference, "reference", limit=limit, required=kind == "implementing_act")
        remark = check.text(note, "note")
        given = None if ref is None else check.ref(ref)

        def work(session: Session) -> CommissionActRecord:
            notified = self._latest(session, BorderNotificationRow, name)
            if notified is None or notified.article != "50":
                raise NotFound(
                    [
                        Problem(
                            "notification_ref",
                            name,
                            "no Art. 50 notification has it: the Commission verifies and "
                            "authorises on a state's Art. 50 notification",
                        )
                    ],
                    "not found",
                )
            if day < notified.notified_on:
                raise check.refuse(
                    [
                        Problem(
                            "act_date",
                            day,
                            f"on or after the notification ({notified.notified_on}): Art. 50 "
                            "acts on it",
                        )
                    ]
                )
            acts = [
                a
                for a in self._current(session, BorderCommissionActRow, notified.geo)
                if a.notification_ref == name
            ]
            before = None
            if given is not None:
                before = next((a for a in acts if a.ref == given), None)
                if before is None or before.kind != kind:
                    raise NotFound(
                        [Problem("ref", given, f"no {kind} on {name} has it")], "not found"
                    )
            elif any(a.kind == kind for a in acts):
                raise Conflict(
                    [
                        Problem(
                            "kind",
                            kind,
                            f"a {kind} on {name} is recorded: correct it (its ref) instead",
                        )
                    ],
                    "already recorded",
                )
            if kind == "implementing_act":
                verified = [a for a in acts if a.kind == "verification"]
                if not verified or verified[-1].outcome != "verified":
                    raise check.refuse(
                        [
                            Problem(
                                "kind",
                                kind,
                                "Art. 50, third paragraph: the implementing act follows the "
                                "completed verification that the maximum was reached; record "
                                "the verification (outcome verified) first",
                            )
                        ]
                    )
                if day < verified[-1].act_date:
                    raise check.refuse(
                        [
                            Problem(
                                "act_date",
                                day,
                                f"on or after the verification ({verified[-1].act_date})",
                            )
                        ]
                    )
            version = before.version if before else 0
            if if_match is not None and if_match != version:
                raise _stale("ref", given or "", version)
            row = BorderCommissionActRow(
                ref=given or self._new_ref(session, BorderCommissionActRow, f"{name}-{kind[:5]}"),
                notification_ref=name,
                geo=notified.geo,
                kind=kind,
                act_date=day,
                year=notified.year,
                outcome=chosen,
                reference=words,
                note=remark,
                source=source,
                detail={},
                actor=actor.id,
                recorded_at=self.ctx.clock(),
                version=version + 1,
            )
            session.add(row)
            session.flush()
            record = CommissionActRecord.of(row)
            self.ctx.uow.audit(
                session,
                actor,
                "border.act",
                "Art. 50, second paragraph, APR"
                if kind == "verification"
                else "Art. 50, third paragraph, APR",
                f"{record.kind_name}:{record.id}",
                CommissionActRecord.of(before).as_dict() if before else None,
                record.as_dict(),
            )
            return record

        payload = {
            "op": "border.act",
            "notification_ref": name,
            "kind": kind,
            "on": str(day),
            "outcome": chosen,
            "reference": words,
            "note": remark,
            "ref": given,
            "if_match": if_match,
            "source": source,
        }
        return self.ctx.uow.write(actor, key, payload, work)  # type: ignore[type-var]

    def acts(self, actor: Actor, geo: str | None = None) -> list[dict[str, Any]]:
        authorize(actor, "border.read")
        who = None if geo is None else self.state(geo)
        with self.ctx.uow.read() as session:
            rows = self._current(session, BorderCommissionActRow, who)
        return [
            CommissionActRecord.of(r).as_dict()
            for r in sorted(rows, key=lambda r: (r.act_date, r.id))
        ]

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


def _stale(field: str, ref: str, version: int) -> EupactError:
    return PreconditionFailed(
        [
            Problem(
                "If-Match",
                field,
                f'{ref or "the record"} is at version "{version}": read it again and retry',
            )
        ],
        "version conflict",
    )


__all__ = ["BorderWatch"]
