"""The Dublin units' case workflow (Part III AMMR; issue 16 item 5): replies, transfers and
responsibility offsets on top of :class:`~eupact.cycle.service.dublin_base.DublinWorkspace`
(reads, cases, requests; the rules are said there).

- Only the addressed state replies: a take charge request is accepted or refused (Art. 40(1),
  (6)), a take back notification confirmed or rebutted (41(3)), a request for information
  answered (51(5)); a refusal or rebuttal states its reasons. One reply per request.
- Only the holder, which transfers, records the transfer decision (42(1)), the transfer (46(1))
  and the extensions of its time limit (46(2): imprisonment; absconding, with the day the
  responsible state was informed), once a request is accepted or a notification confirmed,
  explicitly or by silence.
- Responsibility offsets (Art. 63(6)): when a contributing state identifies applications by
  reference, the cases of the workspace are looked up, read as offset cases (63(8)) and checked
  by :func:`eupact.pool.offset_cases.identify`; each case then records the contributing state's
  act, which makes it responsible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eupact.cycle.permissions import Actor, authorize
from eupact.cycle.service import dublin_facts as facts_
from eupact.cycle.service.context import Context
from eupact.cycle.service.dublin_base import DublinWorkspace
from eupact.cycle.service.dublin_records import (
    CaseRead,
    DublinCaseRecord,
    DublinMessageRecord,
    raise_stale,
)
from eupact.cycle.store.dublin import DublinCaseRow
from eupact.errors import Conflict, EupactError, Forbidden, NotFound, Problem
from eupact.pool.offset_cases import OffsetCase, identify

MIN_REASONS = 10  # characters: "no reasons" is not a reason
_REPLY_ARTICLES = {
    "take_charge_request": "Art. 40(1), (6) AMMR",
    "take_back_notification": "Art. 41(3) AMMR",
    "information_request": "Art. 51(5) AMMR",
}
_TRANSFER_ARTICLES = {
    "transfer_decision": "Art. 42(1) AMMR",
    "transfer_done": "Art. 46(1) AMMR",
    "transfer_extension": "Art. 46(2) AMMR",
}


class DublinCases(DublinWorkspace):
    """Every operation of the Dublin workspace (the API's routes are shells over them)."""

    def reply(
        self,
        actor: Actor,
        ref: str,
        request_id: int,
        answer: str,
        *,
        on: dt.date | None = None,
        reasons: str = "",
        fraud_after_issue: bool = False,
        withheld_responsibility_information: bool = False,
        key: str | None = None,
    ) -> DublinMessageRecord:
        """The addressed state answers a request, notification or request for information."""
        authorize(actor, "dublin.write")
        day, _ = self._dates(on, None, "on")

        def work(session: Session) -> DublinMessageRecord:
            row = self._row(session, actor, ref, lock=True)
            messages = self._messages(session, row.id)
            if not self._sees(actor, row, messages, row.responsible_state):
                raise NotFound([Problem("ref", ref, "no such case")], "not found")
            request = next((m for m in messages if m["id"] == request_id), None)
            if request is None or request["kind"] not in facts_.REPLIES:
                raise NotFound(
                    [
                        Problem(
                            "id", request_id, f"no request or notification {request_id} on {ref}"
                        )
                    ],
                    "not found",
                )
            kind, article = request["kind"], _REPLY_ARTICLES[request["kind"]]
            if actor.state != request["to_state"]:
                raise Forbidden(
                    [
                        Problem(
                            "state",
                            actor.state,
                            f"only the state addressed ({request['to_state']}) replies ({article})",
                        )
                    ],
                    "not allowed",
                )
            answers = facts_.REPLIES[kind]
            problems = []
            if answer not in answers:
                problems.append(
                    Problem(
                        "kind",
                        answer,
                        f"a {kind.replace('_', ' ')} is answered {' or '.join(answers)} ({article})",
                    )
                )
            if answer in facts_.REASONED and len(reasons.strip()) < MIN_REASONS:
                problems.append(
                    Problem(
                        "reasons",
                        reasons,
                        f"a {'refusal' if answer == 'refuse' else 'rebuttal'} states its reasons, "
                        "substantiated with the evidence where available (Art. 40(6), 41(3)): at "
                        f"least {MIN_REASONS} characters",
                    )
                )
            received = request["received_on"] or request["sent_on"]
            if day < received:
                problems.append(
                    Problem("on", day, f"on or after the request was received ({received})")
                )
            if problems:
                raise EupactError(problems, "reply refused")
            answered = next((m for m in messages if m["request_id"] == request_id), None)
            if answered is not None:
                raise Conflict(
                    [
                        Problem(
                            "id",
                            request_id,
                            f"already answered {answered['kind'].removeprefix('reply_')} on "
                            f"{answered['sent_on'].isoformat()} (message {answered['id']})",
                        )
                    ],
                    "conflict",
                )
            facts = facts_.copied(row.facts)
            facts_.add_reply(
                facts,
                kind,
                int(request["detail"]["index"]),
                answer,
                day,
                fraud_after_issue=fraud_after_issue,
                withheld_responsibility_information=withheld_responsibility_information,
            )
            self._save(session, actor, row, facts, "dublin.reply", article)
            detail: dict[str, Any] = {}
            if fraud_after_issue:
                detail["fraud_after_issue"] = True
            if withheld_responsibility_information:
                detail["withheld_responsibility_information"] = True
            fields = {
                "kind": answers[answer],
                "from_state": actor.state or "",
                "to_state": request["from_state"],
                "sent_on": day,
                "received_on": None,
                "article": request["article"],
                "based_on_hit": False,
                "note": reasons,
                "request_id": request_id,
                "detail": detail,
            }
            return self._message(session, actor, row, fields, article)

        payload = {
            "op": "dublin.reply",
            "ref": ref,
            "id": request_id,
            "answer": answer,
            "on": str(day),
            "reasons": reasons,
            "fraud": fraud_after_issue,
            "withheld": withheld_responsibility_information,
        }
        return self.ctx.uow.write(actor, key, payload, work)  # type: ignore[type-var]

    def transfer(
        self,
        actor: Actor,
        ref: str,
        kind: str,
        *,
        on: dt.date | None = None,
        extension: dict[str, Any] | None = None,
        note: str = "",
        key: str | None = None,
    ) -> DublinMessageRecord:
        """The holder records the transfer decision, the transfer, or an extension of its time
        limit (``extension``: ``reason`` imprisonment with ``start`` [``end``], or absconded,
        resisted, made_unfit, medical_noncompliance with ``informed_on`` [``reappeared_on``])."""
        authorize(actor, "dublin.write")
        message_kind = facts_.kind_of(facts_.TRANSFERS, kind)
        article = _TRANSFER_ARTICLES[message_kind]
        day, _ = self._dates(on, None, "on")
        ext = dict(extension or {})
        self._check_extension(message_kind, ext)

        def work(session: Session) -> DublinMessageRecord:
            row, messages = self._holder_row(session, actor, ref, "records the transfer", article)
            case = facts_.case_on(row.facts, self.ctx.today(), f"case {ref}")
            decision = self.determine(case)
            states, _ = facts_.request_states(decision, messages)
            partner = facts_.transfer_partner(decision, states)
            if partner is None:
                raise EupactError(
                    [
                        Problem(
                            "requests",
                            len(states),
                            "no take charge request accepted and no take back notification "
                            "confirmed, explicitly or by silence: nothing to transfer yet (Art. "
                            "42(1), 46(1))",
                        )
                    ],
                    "transfer refused",
                )
            p = case.procedure
            if p.transfer_done_on is not None:
                raise Conflict(
                    [
                        Problem(
                            "kind", kind, f"the transfer was carried out on {p.transfer_done_on}"
                        )
                    ],
                    "conflict",
                )
            if message_kind == "transfer_decision" and p.transfer_decision_notified_on:
                raise Conflict(
                    [
                        Problem(
                            "kind",
                            kind,
                            "the transfer decision was notified on "
                            f"{p.transfer_decision_notified_on}",
                        )
                    ],
                    "conflict",
                )
            accepted = dt.date.fromisoformat(partner["state_on"])
            if message_kind != "transfer_extension" and day < accepted:
                raise EupactError(
                    [
                        Problem(
                            "on",
                            day,
                            f"on or after the acceptance or confirmation ({accepted}): the "
                            f"transfer follows it ({article})",
                        )
                    ],
                    "transfer refused",
                )
            facts = facts_.copied(row.facts)
            facts_.add_transfer(facts, message_kind, day, ext)
            self._save(session, actor, row, facts, f"dublin.{message_kind}", article)
            detail = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in ext.items()}
            fields = {
                "kind": message_kind,
                "from_state": row.holder_state,
                "to_state": partner["to_state"],
                "sent_on": day,
                "received_on": None,
                "article": "",
                "based_on_hit": False,
                "note": note,
                "request_id": partner["id"],
                "detail": detail,
            }
            return self._message(session, actor, row, fields, article)

        payload = {
            "op": "dublin.transfer",
            "ref": ref,
            "kind": kind,
            "on": str(day),
            "ext": {k: str(v) for k, v in ext.items()},
            "note": note,
        }
        return self.ctx.uow.write(actor, key, payload, work)  # type: ignore[type-var]

    def _check_extension(self, kind: str, ext: dict[str, Any]) -> None:
        today = self.ctx.today()
        if kind != "transfer_extension":
            if ext:
                raise EupactError(
                    [Problem("extension", "…", "only an extension (kind 'extension') has one")]
                )
            return
        reason = ext.get("reason")
        if reason is None:
            raise EupactError(
                [
                    Problem(
                        "extension.reason",
                        None,
                        "imprisonment, absconded, resisted, made_unfit or medical_noncompliance "
                        "(Art. 46(2))",
                    )
                ],
                "transfer refused",
            )
        need = ("start",) if reason == "imprisonment" else ("informed_on",)
        problems = [
            Problem(f"extension.{name}", None, f"required for {reason} (Art. 46(2))")
            for name in need
            if ext.get(name) is None
        ]
        problems += [
            Problem(f"extension.{name}", value, f"on or before today ({today})")
            for name, value in ext.items()
            if isinstance(value, dt.date) and value > today and name != "end"
        ]
        if problems:
            raise EupactError(problems, "transfer refused")

    # -- responsibility offsets (Art. 63(6), (8)) ---------------------------------------------

    def identify(
        self,
        session: Session,
        actor: Actor,
        refs: Sequence[str],
        benefitting: str,
        contributing: str,
        expected: int,
    ) -> tuple[OffsetCase, ...]:
        """The applications ``contributing`` identifies by reference toward ``benefitting``
        (inside the offsets write's transaction): each case read as an offset case and checked
        (63(8)), all ``expected`` of them; each then records the act (63(6))."""
        today = self.ctx.today()
        problems: list[Problem] = []
        if len(refs) != expected:
            problems.append(
                Problem(
                    "cases",
                    len(refs),
                    f"identify as many applications as are taken ({expected}), by reference",
                )
            )
        rows: list[tuple[DublinCaseRow, CaseRead | None]] = []
        found: list[OffsetCase] = []
        for ref in refs:
            facts_.check_ref(ref, "cases")
            row = session.execute(
                select(DublinCaseRow).where(DublinCaseRow.case_ref == ref).with_for_update()
            ).scalar_one_or_none()
            case = None if row is None else facts_.case_on(row.facts, today, f"case {ref}")
            decision = None if case is None else self.determine(case)
            if row is None or case is None or decision is None:
                problems.append(
                    Problem("cases", ref, f"no case of {benefitting}'s with this reference")
                )
                continue
            if decision.responsible_state != benefitting:
                problems.append(
                    Problem("cases", ref, f"no case of {benefitting}'s with this reference")
                )
                continue
            problems += [
                Problem("cases", ref, f"{reason} (engine)", f"case {ref}")
                for reason in decision.offsets_reasons
            ]
            found.append(facts_.offset_case(ref, case, decision))
            rows.append((row, None))
        try:
            identify(
                found, contributing, benefitting, expected, today, self.ctx.parameters.at(today)
            )
        except EupactError as exc:
            problems += [p for p in exc.problems if p not in problems]
        if problems:
            raise EupactError(problems, "offset cases refused")
        for row, _ in rows:
            facts = facts_.copied(row.facts)
            facts_.add_offset(facts, contributing, today)
            self._save(session, actor, row, facts, "dublin.offset", "Art. 63(6) AMMR")
        return tuple(found)


def identify_cases(
    ctx: Context,
    session: Session,
    actor: Actor,
    refs: Sequence[str],
    benefitting: str,
    contributing: str,
    expected: int,
) -> tuple[OffsetCase, ...]:
    """:meth:`DublinCases.identify` for the offsets workflow (eupact.cycle.service.offsets)."""
    return DublinCases(ctx).identify(session, actor, refs, benefitting, contributing, expected)


__all__ = [
    "CaseRead",
    "DublinCaseRecord",
    "DublinCases",
    "DublinMessageRecord",
    "identify_cases",
    "raise_stale",
]
