"""implementation started and accepted; the January confirmations (Art. 60(6), 63(5), 65(1), (3),
67(9), (12) AMMR)

- ``implementation.started_on`` (nullable): the day a relocation was accepted (Art. 67(9)) or an
  alternative measure agreed (65(1), (3)); what decides a carry-over (65(3), 67(12)). NULL: the
  record's own day, ``on``.
- ``implementation.accepted`` (default false): accepted or agreed, not yet carried out; it
  counts towards the year-end offsets of 63(5), not as implemented.
- ``implementation_confirmations``: a Member State's confirmation of the levels of each measure
  implemented during the preceding year (Art. 60(6)); one per state and year. Money is integer
  euro cents, as everywhere.

PostgreSQL: the service role of migration 0002 gets the same rights on the new table as on the
other tables of the cycle.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WRITER = "eupact_writer"  # migration 0002's service role
TABLE = "implementation_confirmations"

_PG_GRANT = f"""
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{WRITER}') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON {TABLE} TO {WRITER};
        EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO {WRITER}',
                       current_schema());
    END IF;
END $$;
"""


def upgrade() -> None:
    with op.batch_alter_table("implementation") as batch_op:
        batch_op.add_column(sa.Column("started_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("accepted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("confirmed_on", sa.Date(), nullable=False),
        sa.Column("relocations", sa.BigInteger(), nullable=False),
        sa.Column("alternative_cents", sa.BigInteger(), nullable=False),
        sa.Column("financial_cents", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["year"], ["cycles.year"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year", "state"),
    )
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{TABLE}_year"), ["year"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_GRANT)


def downgrade() -> None:
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.drop_index(batch_op.f(f"ix_{TABLE}_year"))
    op.drop_table(TABLE)
    with op.batch_alter_table("implementation") as batch_op:
        batch_op.drop_column("accepted")
        batch_op.drop_column("started_on")
