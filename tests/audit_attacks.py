"""What an attacker who owns the database can do to the audit log (docs/audit.md): drop the
triggers that guard it, then rewrite entries with their hashes recomputed, or cut its end off."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select, update

from eupact.cycle import audit
from eupact.cycle.store.models import AuditHeadRow, AuditRow

_FIELDS = ("actor", "role", "action", "article", "entity", "before", "after")


def drop_audit_guards(engine: Engine) -> None:
    """Drop the triggers of migration 0002, as the owner of the database could."""
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            names = conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name LIKE 'audit%'"
            ).scalars()
            for name in list(names):
                conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
        else:
            found = conn.exec_driver_sql(
                "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal "
                "AND tgrelid IN ('audit_log'::regclass, 'audit_head'::regclass)"
            ).all()
            for name, table in found:
                conn.exec_driver_sql(f'DROP TRIGGER "{name}" ON {table}')


def rewrite_entry(engine: Engine, seq: int, *, keep_mac: bool = True, **changes: Any) -> None:
    """Edit entry ``seq`` and recompute the hash of every entry from there on, and the head's:
    a chain that verifies. Without the key, the MACs are left as they were (``keep_mac``) or
    removed from the edited entry on."""
    drop_audit_guards(engine)
    with engine.begin() as conn:
        rows = conn.execute(select(AuditRow.__table__).order_by(AuditRow.seq)).mappings().all()
        prev = audit.GENESIS
        for stored in rows:
            row = dict(stored)
            if row["seq"] >= seq:
                if row["seq"] == seq:
                    row.update(changes)
                fields = {k: row[k] for k in _FIELDS}
                row["prev_hash"], row["hash"] = (
                    prev,
                    audit._digest(prev, row["seq"], row["at"], fields),
                )
                values = {k: row[k] for k in ("prev_hash", "hash", *changes)}
                if not keep_mac:
                    values["mac"] = None
                conn.execute(update(AuditRow).where(AuditRow.seq == row["seq"]).values(**values))
            prev = row["hash"]
        conn.execute(update(AuditHeadRow).where(AuditHeadRow.id == 1).values(hash=prev))


def cut_log(engine: Engine, keep: int) -> None:
    """Delete every entry after ``keep`` and move the head back to it: the chain verifies."""
    drop_audit_guards(engine)
    with engine.begin() as conn:
        conn.execute(AuditRow.__table__.delete().where(AuditRow.seq > keep))
        last = conn.execute(select(AuditRow.hash).where(AuditRow.seq == keep)).scalar_one()
        conn.execute(update(AuditHeadRow).where(AuditHeadRow.id == 1).values(seq=keep, hash=last))
