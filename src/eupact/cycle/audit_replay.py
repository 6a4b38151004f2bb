"""Replaying the audit log against the tables: what the log says each record of the cycle (the
pledges of Art. 57, the deductions of Art. 61-62, the offsets of Art. 63 and 69, what was
implemented under Art. 60-68 and its January confirmations (60(6)), the uses of the pool,
notifications and findings of Art. 58-60, the cycle's phases, the API tokens) is now, compared
with its row.

Every write records the record's view before and after. Replayed in order, the entries give each
record's expected current state; a row edited, inserted or deleted directly in the database,
behind the service and its log, differs from it. Built from the stored views and the tables only,
not from the service's code, so that it checks the service instead of re-running it; it relies on
the views' keys (``amount_eur``, ``status``, ``role`` ...), and compares only the keys a view has.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import FromClause, select
from sqlalchemy.orm import Session

from eupact.cycle.store.models import (
    ConfirmationRow,
    CycleRow,
    DeductionRow,
    ImplementationRow,
    NotificationRow,
    OffsetRequestRow,
    PledgeRow,
    PoolUseRow,
    ShortcomingsRow,
    TokenRow,
)


def _same(value: Any) -> Any:
    return value


def _eur_of_cents(cents: Any) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def _eur(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _day_of_row(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


def _csv(value: Any) -> list[str]:
    return [s for s in str(value).split(",") if s]


def _moment(value: Any) -> dt.datetime | None:
    # SQLite gives back naive datetimes, and views record ISO strings; every stored time is UTC
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# How a column's value and a view's value are brought to one form: (from the row, from the view)
_Conversion = tuple[Callable[[Any], Any], Callable[[Any], Any]]
SAME: _Conversion = (_same, _same)
EUR: _Conversion = (_eur_of_cents, _eur)
DAY: _Conversion = (_day_of_row, _same)
CSV: _Conversion = (_csv, list)
MOMENT: _Conversion = (_moment, _moment)


@dataclass(frozen=True)
class Kind:
    """A kind of record the log names (``pledge:12``): its table, the column after the colon,
    and each view key's column."""

    table: FromClause
    key: str
    fields: Mapping[str, tuple[str, _Conversion]]
    # rows that may predate the log's coverage of this kind (tokens were audited later)
    legacy: bool = False


def _plain(*names: str) -> dict[str, tuple[str, _Conversion]]:
    return {name: (name, SAME) for name in names}


KINDS: dict[str, Kind] = {
    "cycle": Kind(CycleRow.__table__, "year", _plain("phase", "forum_reconvened")),
    "pledge": Kind(
        PledgeRow.__table__,
        "id",
        {
            **_plain("year", "state", "kind", "relocations", "note", "version"),
            "amount_eur": ("amount_cents", EUR),
            "requested_by": ("requested_by", CSV),
        },
    ),
    "deduction": Kind(
        DeductionRow.__table__,
        "id",
        {
            **_plain(
                "year",
                "state",
                "article",
                "full",
                "relocations",
                "self_assessed",
                "reasons",
                "status",
                "assessment",
                "council_act",
                "version",
            ),
            "amount_eur": ("amount_cents", EUR),
            **{
                d: (d, DAY) for d in ("requested_on", "assessment_due", "assessed_on", "decided_on")
            },
        },
    ),
    "offset": Kind(
        OffsetRequestRow.__table__,
        "id",
        {
            **_plain(
                "year",
                "benefitting_state",
                "contributing_state",
                "applications",
                "status",
                "accepted",
                "version",
            ),
            **{d: (d, DAY) for d in ("requested_on", "reply_due", "replied_on")},
        },
    ),
    "implementation": Kind(
        ImplementationRow.__table__,
        "id",
        {
            **_plain("year", "state", "kind", "benefitting_state", "relocations", "accepted"),
            "amount_eur": ("amount_cents", EUR),
            "on": ("on", DAY),
            "started_on": ("started_on", DAY),
        },
    ),
    "confirmation": Kind(
        ConfirmationRow.__table__,
        "id",
        {
            **_plain("year", "state", "relocations", "alternative_cents", "financial_cents"),
            "confirmed_on": ("confirmed_on", DAY),
        },
    ),
    "pool_use": Kind(
        PoolUseRow.__table__,
        "id",
        {
            **_plain("year", "state", "relocations", "programmes"),
            "amount_eur": ("amount_cents", EUR),
            "informed_on": ("informed_on", DAY),
        },
    ),
    "notification": Kind(
        NotificationRow.__table__,
        "id",
        {
            **_plain(
                "year",
                "state",
                "reasoning",
                "relocations",
                "programmes",
                "stabilisation",
                "vulnerabilities",
                "under_pressure",
                "shortcomings",
                "decision",
                "refused_by",
                "refusal_reason",
                "refusal_act",
                "version",
            ),
            "amount_eur": ("amount_cents", EUR),
            **{d: (d, DAY) for d in ("notified_on", "decided_on", "refused_on")},
        },
    ),
    "shortcomings": Kind(
        ShortcomingsRow.__table__,
        "id",
        {**_plain("year", "state", "article", "decision"), "decided_on": ("decided_on", DAY)},
    ),
    "token": Kind(
        TokenRow.__table__,
        "id",
        {**_plain("role", "state", "label", "revoked"), "expires_at": ("expires_at", MOMENT)},
        legacy=True,
    ),
}


@dataclass(frozen=True)
class Discrepancy:
    entity: str
    seq: int | None  # the last entry about the record; None when no entry names it
    reason: str


@dataclass
class _Record:
    view: dict[str, Any]
    seq: int
    deleted: bool = False


@dataclass
class Replay:
    """Feed it the entries in order (:meth:`apply`), then compare with the tables."""

    records: dict[str, dict[str, _Record]] = field(default_factory=lambda: {k: {} for k in KINDS})
    legacy_rows: int = 0
    matched: int = 0

    def apply(
        self,
        seq: int,
        action: str,
        entity: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        kind, _, ident = entity.partition(":")
        records = self.records.get(kind)
        if records is None:
            return
        known = records.get(ident)
        if after is None:
            if before is not None:  # e.g. pledge.delete
                records[ident] = _Record({}, seq, deleted=True)
            return
        if known is None or known.deleted:
            # created, or (a record older than the log's coverage) first seen changing
            records[ident] = _Record({**(before or {}), **after}, seq)
        else:
            # partial views (a transition records the phase only) update what they name
            known.view.update(after)
            known.seq = seq

    def compare(self, session: Session) -> list[Discrepancy]:
        """Every record whose row differs from the log, the earliest entry first."""
        found: list[Discrepancy] = []
        self.legacy_rows = self.matched = 0
        for name, kind in KINDS.items():
            found += self._compare(session, name, kind)
        return sorted(found, key=lambda d: (d.seq is None, d.seq or 0, d.entity))

    def _compare(self, session: Session, name: str, kind: Kind) -> list[Discrepancy]:
        records = self.records[name]
        columns = kind.table.c
        rows = {str(r[kind.key]): r for r in session.execute(select(kind.table)).mappings()}
        logged = [int(i) for i in records if i.isdigit()]
        # the first audited token: tokens created before tokens were audited have lower ids
        coverage = min(logged, default=None)
        found: list[Discrepancy] = []
        for ident, row in rows.items():
            entity = f"{name}:{ident}"
            record = records.get(ident)
            if record is None:
                if kind.legacy and (coverage is None or int(ident) < coverage):
                    self.legacy_rows += 1
                    continue
                found.append(
                    Discrepancy(
                        entity,
                        None,
                        f"{entity} is in the table but no audit entry created it: inserted "
                        "behind the log's back",
                    )
                )
            elif record.deleted:
                found.append(
                    Discrepancy(
                        entity,
                        record.seq,
                        f"{entity} is in the table but entry {record.seq} deleted it: put back "
                        "behind the log's back",
                    )
                )
            else:
                changed = [
                    _difference(key, row[column], record.view[key], convert)
                    for key, (column, convert) in kind.fields.items()
                    if key in record.view and column in columns
                ]
                changed = [c for c in changed if c]
                if changed:
                    found.append(
                        Discrepancy(
                            entity,
                            record.seq,
                            f"{entity}: {'; '.join(changed)} (entry {record.seq}): changed "
                            "behind the log's back",
                        )
                    )
                else:
                    self.matched += 1
        for ident, record in records.items():
            if ident not in rows and not record.deleted:
                entity = f"{name}:{ident}"
                found.append(
                    Discrepancy(
                        entity,
                        record.seq,
                        f"{entity} is not in the table, but the log (entry {record.seq}) says it "
                        "exists: deleted behind the log's back",
                    )
                )
        return found

    def summary(self) -> str:
        text = (
            "1 record matches the log"
            if self.matched == 1
            else f"{self.matched:,} records match the log"
        )
        if self.legacy_rows:
            text += (
                f" ({self.legacy_rows:,} tokens predate the auditing of tokens and were not "
                "checked)"
            )
        return text


def _difference(key: str, stored: Any, logged: Any, convert: _Conversion) -> str:
    """How the row's value differs from the log's, in words; "" when they agree."""
    table = convert[0](stored)
    try:
        expected = convert[1](logged)
    except (ValueError, ArithmeticError, TypeError):
        expected = logged  # not in the view's form: it cannot match the row
    if table == expected:
        return ""
    return f"{key} is {_show(table)} in the table, {_show(expected)} by the log"


def _show(value: Any) -> str:
    """A value as a reader would write it, not as Python would."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(map(str, value)) if value else "none"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)
