"""the crisis and force majeure procedure (Regulation (EU) 2024/1359, Arts 2-7, 9)

- ``crises``: one per Member State's reasoned request (Art. 2(1)), with the day it was
  submitted and whether it is the demonstration's SYNTHETIC crisis;
- ``crisis_events``: the acts of the procedure about a crisis (the request, the Commission's
  notice, implementing decision and proposal, the Council's implementing decision, extensions,
  new decisions, repeal proposals, reports, the Coordinator's bulletins), each with its day, its
  payload, who recorded it and when; ``seq`` unique per crisis.

Append-only in the database as the audit log (0002) and the register's progress (0007) are:
triggers refuse UPDATE and DELETE on SQLite and PostgreSQL (and TRUNCATE on PostgreSQL); the
service role of migration 0002 may SELECT and INSERT only.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WRITER = "eupact_writer"  # migration 0002's service role
TABLES = ("crises", "crisis_events")
REFUSAL = "the crisis procedure is append-only: record a new act instead"
FUNCTION = "eupact_crisis_append_only"


def _sqlite_triggers(table: str) -> tuple[str, ...]:
    return (
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
    )


def _pg_triggers(table: str) -> str:
    return f"""
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
"""


_PG_FUNCTION = f"""
CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{REFUSAL}';
END $$;
"""
_PG_GRANT = f"""
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{WRITER}') THEN
        REVOKE ALL ON {", ".join(TABLES)} FROM {WRITER};
        GRANT SELECT, INSERT ON {", ".join(TABLES)} TO {WRITER};
        EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO {WRITER}',
                       current_schema());
    END IF;
END $$;
"""


def upgrade() -> None:
    op.create_table(
        "crises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "crisis_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crisis_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["crisis_id"], ["crises.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("crisis_id", "seq"),
    )
    with op.batch_alter_table("crises") as batch_op:
        batch_op.create_index(batch_op.f("ix_crises_state"), ["state"])
    with op.batch_alter_table("crisis_events") as batch_op:
        batch_op.create_index(batch_op.f("ix_crisis_events_crisis_id"), ["crisis_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        for table in TABLES:
            op.execute(_pg_triggers(table))
        op.execute(_PG_GRANT)
    else:
        for table in TABLES:
            for trigger in _sqlite_triggers(table):
                op.execute(trigger)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        if postgresql:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    if postgresql:
        op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    with op.batch_alter_table("crisis_events") as batch_op:
        batch_op.drop_index(batch_op.f("ix_crisis_events_crisis_id"))
    with op.batch_alter_table("crises") as batch_op:
        batch_op.drop_index(batch_op.f("ix_crises_state"))
    for table in reversed(TABLES):
        op.drop_table(table)
