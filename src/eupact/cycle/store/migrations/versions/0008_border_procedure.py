"""watching the border procedure (APR Arts. 47(2)-(3), 48-50; issue 17 item 2)

- ``border_figures``: a Member State's figures for one calendar month: the applicants in the
  asylum border procedure and the persons in a return border procedure at the month's end (APR
  Art. 48(1), 49(1)(a), 49(4)(a)), those who entered and left it in the month (the inflow-outflow
  basis of Art. 48(3), 49(4)(b)), the applications examined in it (Art. 50), the staff and the
  average durations of Art. 49(4)(c)-(e); ``detail`` holds the weekly evolution of Art. 49(4)(b);
- ``border_notifications``: a Member State's notification to the Commission that its adequate
  capacity is reached (Art. 48(1), with the content of Art. 49(1)(a)-(c)) or that it examined
  its annual maximum (Art. 50, first paragraph), with its date;
- ``border_commission_acts``: what the Commission did on an Art. 50 notification: its
  verification (Art. 50, second paragraph) and the implementing act authorising the state (Art.
  50, third paragraph), with its date and reference.

Each is a record of fact, appended to and never changed: a correction is a new row of the same
key (geo and month; a notification's or act's reference) with the next ``version``; the highest
version is current. Each row says who recorded it (``actor``) and when (``recorded_at``).
Append-only in the database as migration 0007's table: triggers refuse UPDATE and DELETE on
SQLite and PostgreSQL (and TRUNCATE on PostgreSQL); the service role of migration 0002 may
SELECT and INSERT only.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 09:00:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WRITER = "eupact_writer"  # migration 0002's service role
TABLES = ("border_figures", "border_notifications", "border_commission_acts")
FUNCTION = "eupact_border_append_only"


def _refusal(table: str) -> str:
    return f"{table} is append-only: record a new version instead"


def _sqlite_triggers(table: str) -> tuple[str, ...]:
    return (
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, '{_refusal(table)}'); END""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, '{_refusal(table)}'); END""",
    )


_PG_FUNCTION = f"""
CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: record a new version instead', TG_TABLE_NAME;
END $$;
"""


def _pg_triggers(table: str) -> str:
    return f"""
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
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


def _who() -> list[sa.Column[Any]]:
    return [
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "border_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("geo", sa.String(length=2), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),  # the month's first day
        sa.Column("asylum_border", sa.Integer(), nullable=False),
        sa.Column("return_border", sa.Integer(), nullable=False),
        sa.Column("entered", sa.Integer(), nullable=False),
        sa.Column("left", sa.Integer(), nullable=False),
        sa.Column("examined", sa.Integer(), nullable=False),
        sa.Column("staff", sa.Integer(), nullable=True),
        sa.Column("avg_admin_days", sa.Numeric(9, 2), nullable=True),
        sa.Column("avg_appeal_days", sa.Numeric(9, 2), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),  # user | SYNTHETIC
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        *_who(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("geo", "month", "version"),
    )
    op.create_table(
        "border_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("geo", sa.String(length=2), nullable=False),
        sa.Column("article", sa.String(length=8), nullable=False),  # "48" | "50"
        sa.Column("notified_on", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("in_procedure", sa.Integer(), nullable=True),  # Art. 49(1)(a)
        sa.Column("examined", sa.Integer(), nullable=True),  # Art. 50, first paragraph
        sa.Column("measure", sa.Text(), nullable=False),  # Art. 49(1)(b)
        sa.Column("reasoning", sa.Text(), nullable=False),  # Art. 49(1)(c)
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        *_who(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ref", "version"),
    )
    op.create_table(
        "border_commission_acts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("notification_ref", sa.String(length=64), nullable=False),
        sa.Column("geo", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),  # verification | implementing_act
        sa.Column("act_date", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=128), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        *_who(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ref", "version"),
    )
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_geo"), ["geo"])
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
    for table in reversed(TABLES):
        if postgresql:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_geo"))
        op.drop_table(table)
    if postgresql:
        op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
