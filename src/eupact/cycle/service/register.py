"""Progress on the Pact's obligations register, per party (issue 19 item 2): each Member State
records the status of each obligation addressed to it, the Commission, the Council and the EU
Solidarity Coordinator theirs (the Commission also for the agencies and the Parliament, which
have no role in the service); everyone signed in reads all of it, evidence included, with
``late`` and ``done late`` computed here from the register's dates (the rules, and why a date
on a weekend does not move: :mod:`eupact.cycle.service.register_rules`).

A status is ``not_started``, ``in_progress`` or ``done`` on a day (not after today, UTC), about
one occurrence of the obligation (a recurring duty: the year it is for), with its evidence (a
link or a note; a ``done`` states one). Statuses are appended, never changed
(``obligation_progress``); the latest is current. Every write goes through the unit of work:
one transaction, its Idempotency-Key, its audit entry (``register.progress``, the obligation's
article). The reads: the register's obligations, every party's progress, the state × building
block matrix, a party's checklist, and its upcoming duties as iCalendar.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eupact.boundary import MAX_NOTE
from eupact.boundary.text import clean_text
from eupact.cycle.permissions import Actor, authorize
from eupact.cycle.phases import Role
from eupact.cycle.service import register_rules as rules
from eupact.cycle.service.context import Context
from eupact.cycle.service.register_records import (
    PARTY_NAMES,
    ProgressRecord,
    obligation_dict,
    status_of,
    upcoming_ics,
)
from eupact.cycle.store.register import STATUSES, ObligationProgressRow
from eupact.errors import EupactError, Forbidden, NotFound, PreconditionFailed, Problem
from eupact.register import ACTS, BLOCKS, Addressee, Block, Kind, Obligation, load_register

MAX_EVIDENCE = MAX_NOTE
MAX_AHEAD_DAYS = 3660  # an .ics looks at most ten years ahead
_SCHEME = re.compile(r"^\s*(javascript|data|vbscript|file)\s*:", re.IGNORECASE)


class RegisterProgress:
    """Every operation on the register's progress (the API's routes are shells over them)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # -- the register and its parties --------------------------------------------------------

    @staticmethod
    def register() -> tuple[Obligation, ...]:
        return load_register()

    def obligation(self, obligation_id: object) -> Obligation:
        found = {o.id: o for o in self.register()}.get(str(obligation_id))
        if found is None:
            raise NotFound(
                [
                    Problem(
                        "obligation_id",
                        obligation_id,
                        "no such obligation in the register (GET /api/v1/register/obligations "
                        "lists them)",
                    )
                ],
                "not found",
            )
        return found

    def members(self) -> list[str]:
        return list(self.ctx.parameters.at(self.ctx.today())("scope.eu_member_states"))

    def party(self, value: object, field: str = "party") -> str:
        """A Member State's geo code (upper-cased) or an institution's or agency's name."""
        text = value.strip() if isinstance(value, str) else ""
        if text.lower() in rules.INSTITUTION_PARTIES:
            return text.lower()
        if len(text) == 2 and text.isascii() and text.isalpha():
            if text.upper() in self.members():
                return text.upper()
            raise EupactError(
                [Problem(field, value, "unknown Member State (Eurostat geo codes; EL = Greece)")]
            )
        raise EupactError(
            [
                Problem(
                    field,
                    value,
                    "a Member State's geo code (e.g. DE; EL = Greece) or one of "
                    + ", ".join(sorted(rules.INSTITUTION_PARTIES)),
                )
            ]
        )

    @staticmethod
    def _filters(
        block: int | None, act: str | None, addressee: str | None
    ) -> tuple[Block | None, str | None, Addressee | None]:
        problems = []
        b = a = None
        if block is not None:
            try:
                b = Block(int(block))
            except (TypeError, ValueError):
                problems.append(Problem("block", block, "a building block, 1 to 10"))
        if act is not None and act not in ACTS:
            problems.append(Problem("act", act, f"one of {', '.join(ACTS)}"))
        if addressee is not None:
            try:
                a = Addressee(addressee)
            except ValueError:
                problems.append(
                    Problem(
                        "addressee", addressee, f"one of {', '.join(x.value for x in Addressee)}"
                    )
                )
        if problems:
            raise EupactError(problems, "refused")
        return b, act, a

    def obligations(
        self,
        actor: Actor,
        block: int | None = None,
        act: str | None = None,
        addressee: str | None = None,
    ) -> list[dict[str, Any]]:
        """The register's obligations, ordered by act and article, filtered."""
        authorize(actor, "register.read")
        b, act, a = self._filters(block, act, addressee)
        return [
            obligation_dict(o)
            for o in self.register()
            if (b is None or o.block is b)
            and (act is None or o.act == act)
            and (a is None or o.addressee is a)
        ]

    # -- recording ---------------------------------------------------------------------------

    def _check(self, actor: Actor, ob: Obligation, party: str | None) -> str:
        """The party the actor records for, checked: 422 for a party the obligation is not
        owed by, 403 for a party the actor does not record for."""
        if party is None:
            if ob.addressee is not Addressee.MEMBER_STATES:
                party = ob.addressee.value
            elif actor.role is Role.MEMBER_STATE:
                party = actor.state or ""
            else:
                raise Forbidden(
                    [
                        Problem(
                            "obligation_id",
                            ob.id,
                            f"{ob.cite()} is each Member State's duty: recorded by the Member "
                            "State itself",
                        )
                    ],
                    "not allowed",
                )
        party = self.party(party)
        if ob.addressee is Addressee.MEMBER_STATES:
            if len(party) != 2:
                raise EupactError(
                    [Problem("party", party, f"{ob.cite()} is owed by each Member State")]
                )
            if not rules.binds(ob.act, party):
                raise EupactError(
                    [
                        Problem(
                            "party",
                            party,
                            f"Denmark is not bound by {ACTS[ob.act][0]} (Protocol No 22); it "
                            "takes part in Eurodac only, by its agreement with the Union",
                        )
                    ],
                    "refused",
                )
        elif party != ob.addressee.value:
            raise EupactError(
                [
                    Problem(
                        "party",
                        party,
                        f"{ob.cite()} is addressed to {PARTY_NAMES[ob.addressee.value]}: its "
                        f"party is '{ob.addressee.value}'",
                    )
                ]
            )
        needed = rules.RECORDED_BY[ob.addressee]
        if actor.role is not needed:
            who = "the Member State itself" if needed is Role.MEMBER_STATE else f"the {needed}"
            raise Forbidden(
                [
                    Problem(
                        "obligation_id",
                        ob.id,
                        f"{ob.cite()} is {PARTY_NAMES.get(party, party)}'s duty: recorded by "
                        f"{who} only",
                    )
                ],
                "not allowed",
            )
        if actor.role is Role.MEMBER_STATE and party != actor.state:
            raise Forbidden(
                [
                    Problem(
                        "party",
                        party,
                        f"a Member State records its own progress only; this token is "
                        f"{actor.state}'s",
                    )
                ],
                "not allowed",
            )
        return party

    def _evidence(self, evidence: object, status: str) -> str:
        text = clean_text(evidence, "evidence", limit=MAX_EVIDENCE)
        if _SCHEME.match(text):
            raise EupactError(
                [
                    Problem(
                        "evidence",
                        text,
                        "a link is http:// or https://; other schemes (javascript:, data:, "
                        "file:) are not evidence",
                    )
                ]
            )
        if status == "done" and not text:
            raise EupactError(
                [
                    Problem(
                        "evidence",
                        "",
                        "a duty recorded as done states its evidence: a link or a note",
                    )
                ]
            )
        return text

    def _dates(
        self, ob: Obligation, status_date: dt.date | None, due_on: dt.date | None
    ) -> dt.date:
        today = self.ctx.today()
        day = status_date or today
        problems = []
        if day > today:
            problems.append(Problem("status_date", day, f"on or before today ({today})"))
        if day < rules.EARLIEST:
            problems.append(
                Problem(
                    "status_date",
                    day,
                    f"on or after {rules.EARLIEST} (the acts' publication, OJ L 22.5.2024)",
                )
            )
        if due_on is not None:
            if ob.kind is Kind.TIME_LIMIT:
                problems.append(
                    Problem(
                        "due_on",
                        due_on,
                        f"{ob.cite()} runs {ob.period} from {ob.after}: it has no date here",
                    )
                )
            elif not rules.is_occurrence(ob, due_on):
                shown = ", ".join(
                    d.isoformat()
                    for d in rules.occurrences(ob, ob.since, today.replace(year=today.year + 2))[:6]
                )
                problems.append(
                    Problem(
                        "due_on",
                        due_on,
                        f"a date {ob.cite()} falls due ({shown or 'none'})",
                    )
                )
        if problems:
            raise EupactError(problems, "status refused")
        return day

    def record(
        self,
        actor: Actor,
        obligation_id: str,
        status: str,
        *,
        party: str | None = None,
        status_date: dt.date | None = None,
        due_on: dt.date | None = None,
        evidence: str = "",
        if_match: int | None = None,
        key: str | None = None,
    ) -> ProgressRecord:
        """Append ``party``'s status on an obligation (default party: the token's state, or the
        institution addressed); ``if_match``: the pair's version the recorder read (0: none)."""
        authorize(actor, "register.write")
        ob = self.obligation(obligation_id)
        if status not in STATUSES:
            raise EupactError([Problem("status", status, f"one of {', '.join(STATUSES)}")])
        who = self._check(actor, ob, party)
        day = self._dates(ob, status_date, due_on)
        text = self._evidence(evidence, status)

        def work(session: Session) -> ProgressRecord:
            history = self._history(session, ob.id, who)
            version = history[-1].version if history else 0
            if if_match is not None and if_match != version:
                raise PreconditionFailed(
                    [
                        Problem(
                            "If-Match",
                            f'"{if_match}"',
                            f'{who}\'s progress on {ob.id} is at version "{version}": read it '
                            "again and retry (no status was lost)",
                        )
                    ],
                    "version conflict",
                )
            done = frozenset(s.due_on for s in history if s.status == "done" and s.due_on)
            occurrence = due_on or rules.default_due_on(ob, day, done)
            row = ObligationProgressRow(
                obligation_id=ob.id,
                party=who,
                status=status,
                status_date=day,
                due_on=occurrence,
                evidence=text,
                actor=actor.id,
                recorded_at=self.ctx.clock(),
                version=version + 1,
            )
            session.add(row)
            session.flush()
            record = ProgressRecord.of(row)
            entity = f"{record.kind_name}:{record.id}"
            self.ctx.uow.audit(
                session, actor, "register.progress", ob.cite(), entity, None, record.as_dict()
            )
            return record

        payload = {
            "op": "register.progress",
            "id": ob.id,
            "party": who,
            "status": status,
            "on": str(day),
            "due_on": str(due_on),
            "evidence": text,
            "if_match": if_match,
        }
        return self.ctx.uow.write(actor, key, payload, work)  # type: ignore[type-var]

    # -- reading -----------------------------------------------------------------------------

    @staticmethod
    def _history(session: Session, obligation_id: str, party: str) -> list[rules.Status]:
        rows = session.execute(
            select(ObligationProgressRow)
            .where(
                ObligationProgressRow.obligation_id == obligation_id,
                ObligationProgressRow.party == party,
            )
            .order_by(ObligationProgressRow.version)
        ).scalars()
        return [status_of(r) for r in rows]

    def _histories(self, party: str | None = None) -> dict[tuple[str, str], list[rules.Status]]:
        stmt = select(ObligationProgressRow).order_by(ObligationProgressRow.version)
        if party is not None:
            stmt = stmt.where(ObligationProgressRow.party == party)
        out: dict[tuple[str, str], list[rules.Status]] = defaultdict(list)
        with self.ctx.uow.read() as session:
            for r in session.execute(stmt).scalars():
                out[(r.obligation_id, r.party)].append(status_of(r))
        return out

    def _views(
        self, pairs: Iterable[tuple[Obligation, str]], party: str | None = None
    ) -> list[rules.View]:
        histories = self._histories(party)
        today = self.ctx.today()
        return [rules.view(ob, p, histories.get((ob.id, p), []), today) for ob, p in pairs]

    def _pairs(
        self, party: str | None = None, block: Block | None = None
    ) -> list[tuple[Obligation, str]]:
        members = self.members()
        return [
            (ob, p)
            for ob in self.register()
            if block is None or ob.block is block
            for p in rules.parties(ob, members)
            if party is None or p == party
        ]

    def progress(
        self, actor: Actor, party: str | None = None, block: int | None = None
    ) -> list[rules.View]:
        """Every party's progress on every obligation it owes (nothing recorded: not started),
        for one party or one building block if given."""
        authorize(actor, "register.read")
        who = None if party is None else self.party(party, "state")
        b, _, _ = self._filters(block, None, None)
        return self._views(self._pairs(who, b), who)

    def history(self, actor: Actor, obligation_id: str, party: str) -> list[ProgressRecord]:
        """Every status recorded for one pair, oldest first."""
        authorize(actor, "register.read")
        ob, who = self.obligation(obligation_id), self.party(party)
        with self.ctx.uow.read() as session:
            rows = session.execute(
                select(ObligationProgressRow)
                .where(
                    ObligationProgressRow.obligation_id == ob.id,
                    ObligationProgressRow.party == who,
                )
                .order_by(ObligationProgressRow.version)
            ).scalars()
            return [ProgressRecord.of(r) for r in rows]

    def matrix(self, actor: Actor, block: int | None = None) -> dict[str, Any]:
        """State × building block: in each cell, how many of the state's obligations of the
        block are not started, in progress, done or late (exclusive: they add up to the total;
        done late is part of done); the institutions' and agencies' rows below."""
        authorize(actor, "register.read")
        b, _, _ = self._filters(block, None, None)
        blocks = [b] if b is not None else list(Block)
        views = self._views(self._pairs(None, b))
        cells: dict[str, dict[int, list[rules.View]]] = defaultdict(lambda: defaultdict(list))
        for v in views:
            cells[v.party][int(v.ob.block)].append(v)
        members = self.members()

        def row(party: str) -> dict[str, Any]:
            mine = cells.get(party, {})
            return {
                "party": party,
                "cells": {str(int(k)): rules.count(mine.get(int(k), [])) for k in blocks},
                "total": rules.count([v for vs in mine.values() for v in vs]),
            }

        others = sorted(p for p in cells if p not in members)
        return {
            "as_of": self.ctx.today().isoformat(),
            "blocks": [{"block": int(k), "title": BLOCKS[int(k)]} for k in blocks],
            "states": [row(geo) for geo in members],
            "institutions": [row(p) for p in others],
            "total": rules.count(views),
        }

    def checklist(self, actor: Actor, party: str) -> list[rules.View]:
        """A party's obligations with their status, due date and lateness, the soonest due
        first (those with no date last)."""
        authorize(actor, "register.read")
        who = self.party(party, "geo")
        views = self._views(self._pairs(who), who)
        far = dt.date.max
        return sorted(views, key=lambda v: (v.due or far, v.ob.act, v.ob.id))

    def upcoming(
        self, actor: Actor, party: str, until: dt.date | None = None
    ) -> list[tuple[Obligation, dt.date, str]]:
        """The occurrences a party owes from today to ``until`` (default: two years ahead) that
        are not recorded as done: (obligation, due date, status), the soonest first."""
        authorize(actor, "register.read")
        who = self.party(party, "geo")
        today = self.ctx.today()
        end = until or today + dt.timedelta(days=730)
        if not today <= end <= today + dt.timedelta(days=MAX_AHEAD_DAYS):
            raise EupactError(
                [Problem("until", end, f"from today ({today}) to at most ten years ahead")]
            )
        histories = self._histories(who)
        out = []
        for ob, _ in self._pairs(who):
            history = histories.get((ob.id, who), [])
            for due in rules.occurrences(ob, today, end):
                about = [s for s in history if s.due_on == due]
                status = about[-1].status if about else "not_started"
                if status != "done":
                    out.append((ob, due, status))
        return sorted(out, key=lambda x: (x[1], x[0].id))

    def ics(self, actor: Actor, party: str, until: dt.date | None = None) -> bytes:
        """:meth:`upcoming` as iCalendar (RFC 5545, as :mod:`eupact.cycle.ical`): one all-day
        VEVENT per occurrence, UID stable per obligation, party and date."""
        items = self.upcoming(actor, party, until)
        return upcoming_ics(self.party(party, "geo"), items, self.ctx.clock())


__all__ = ["ProgressRecord", "RegisterProgress"]
