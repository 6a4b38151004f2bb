"""A Member State's notifications to the Commission and the Commission's acts on them, in the
service (APR Arts. 48-50): the Art. 48 notification (adequate capacity reached, with the content
of Art. 49(1)(a)-(c); every Member State reads it, Art. 49(3)), the Art. 50 notification (annual
maximum examined), the Commission's verification of an Art. 50 notification and its implementing
act authorising the state (Art. 50, second and third paragraphs). Part of
:class:`eupact.cycle.service.border.BorderWatch`; appended versions, audited per row
(``border.notify``, ``border.act``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eupact.cycle.permissions import Actor, authorize
from eupact.cycle.service import border_checks as check
from eupact.cycle.service.border_records import BorderNotificationRecord, CommissionActRecord
from eupact.cycle.store.border import (
    ACT_KINDS,
    NOTIFICATION_ARTICLES,
    BorderCommissionActRow,
    BorderNotificationRow,
)
from eupact.data.border_inputs import MAX_YEARLY
from eupact.errors import Conflict, EupactError, NotFound, PreconditionFailed, Problem

if TYPE_CHECKING:
    from eupact.cycle.service.context import Context

ARTICLE_48 = "Art. 48(1) APR (content: Art. 49(1)(a)-(c))"
ARTICLE_50 = "Art. 50, first paragraph, APR"
OUTCOMES = {"verification": ("verified", "not_verified"), "implementing_act": ("authorised",)}


class BorderNotices:
    """Notifications and the Commission's acts (a part of the border watch)."""

    ctx: Context

    if TYPE_CHECKING:

        def _own(self, actor: Actor, geo: object, operation: str) -> str: ...

        def state(self, value: object, field: str = "geo") -> str: ...

        def sees_reasoning(self, actor: Actor) -> bool: ...

        def check_notification(
            self, geo: str, article: str, day: dt.date, content: Any
        ) -> None: ...

        def notification_check(self, r: BorderNotificationRecord) -> dict[str, Any]: ...

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


__all__ = ["ARTICLE_48", "ARTICLE_50", "OUTCOMES", "BorderNotices"]
