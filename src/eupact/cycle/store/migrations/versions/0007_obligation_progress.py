"""the obligations register's progress (issue 19 item 2)

- ``obligation_progress``: each party's status on each obligation of the register (a Member
  State's geo code, or the institution or agency addressed), with its date, the occurrence it
  is about, its evidence (a link or a note), who recorded it and when; a history appended to,
  the highest ``version`` of a pair (obligation, party) being its current status.

Append-only in the database as the audit log is (migration 0002): triggers refuse UPDATE and
DELETE on SQLite and PostgreSQL (and TRUNCATE on PostgreSQL); the service role of migration
0002 may SELECT and INSERT only.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 04:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WRITER = "eupact_writer"  # migration 0002's service role
TABLE = "obligation_progress"
REFUSAL = "obligation_progress is append-only: record a new status instead"

_SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
    f"""CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
)
_PG_TRIGGERS = f"""
CREATE FUNCTION eupact_progress_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{REFUSAL}';
END $$;
CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION eupact_progress_append_only();
CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION eupact_progress_append_only();
"""
_PG_GRANT = f"""
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{WRITER}') THEN
        REVOKE ALL ON {TABLE} FROM {WRITER};
        GRANT SELECT, INSERT ON {TABLE} TO {WRITER};
        EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO {WRITER}',
                       current_schema());
    END IF;
END $$;
"""


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("obligation_id", sa.String(length=128), nullable=False),
        sa.Column("party", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_date", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("obligation_id", "party", "version"),
    )
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.create_index(batch_op.f("ix_obligation_progress_obligation_id"), ["obligation_id"])
        batch_op.create_index(batch_op.f("ix_obligation_progress_party"), ["party"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_TRIGGERS)
        op.execute(_PG_GRANT)
    else:
        for trigger in _SQLITE_TRIGGERS:
            op.execute(trigger)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}")
        op.execute("DROP FUNCTION IF EXISTS eupact_progress_append_only()")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_update")
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_delete")
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.drop_index(batch_op.f("ix_obligation_progress_party"))
        batch_op.drop_index(batch_op.f("ix_obligation_progress_obligation_id"))
    op.drop_table(TABLE)
