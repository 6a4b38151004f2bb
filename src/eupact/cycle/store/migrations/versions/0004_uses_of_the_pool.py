"""uses of the pool: who benefits, from when (Art. 58, 59, 60(3) AMMR)

A Member State is not benefitting because the Art. 11 decision lists it; it becomes one by what
these tables record:
- ``pool_uses``: a state identified under migratory pressure informs, after the Council act, that
  it uses the pool, with the solidarity it needs (Art. 58(1)-(2)); one per state and pool year;
- ``pool_notifications``: a state not so identified notifies its need (Art. 59(1)-(2)); the
  Commission's decision (59(4), possibly finding systemic shortcomings, 60(3)) and a refusal of
  access by the Commission or a Council implementing act within two weeks (59(6)) are recorded
  on the same row, whose ``version`` guards against lost updates;
- ``shortcomings_findings``: systemic shortcomings the Commission identified in a decision under
  Art. 11 or 59(4) (Art. 60(3), fourth subparagraph).

Money is integer euro cents, as everywhere. PostgreSQL: the service role of migration 0002 gets
the same rights as on the other tables of the cycle.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 22:00:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WRITER = "eupact_writer"  # migration 0002's service role
TABLES = ("pool_uses", "pool_notifications", "shortcomings_findings")

_PG_GRANT = f"""
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{WRITER}') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON {", ".join(TABLES)} TO {WRITER};
        EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO {WRITER}',
                       current_schema());
    END IF;
END $$;
"""


def _common() -> list[sa.Column[Any]]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
    ]


def _needs() -> list[sa.Column[Any]]:
    return [
        sa.Column("relocations", sa.BigInteger(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("programmes", sa.JSON(), nullable=False),
    ]


def _recorded() -> list[sa.Column[Any]]:
    return [
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "pool_uses",
        *_common(),
        sa.Column("informed_on", sa.Date(), nullable=False),
        *_needs(),
        *_recorded(),
        sa.ForeignKeyConstraint(["year"], ["cycles.year"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year", "state"),
    )
    op.create_table(
        "pool_notifications",
        *_common(),
        sa.Column("notified_on", sa.Date(), nullable=False),
        sa.Column("reasoning", sa.Text(), nullable=False),
        *_needs(),
        sa.Column("stabilisation", sa.Text(), nullable=False),
        sa.Column("vulnerabilities", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("under_pressure", sa.Boolean(), nullable=True),
        sa.Column("shortcomings", sa.Boolean(), nullable=False),
        sa.Column("decision", sa.String(length=200), nullable=False),
        sa.Column("refused_on", sa.Date(), nullable=True),
        sa.Column("refused_by", sa.String(length=16), nullable=False),
        sa.Column("refusal_reason", sa.Text(), nullable=False),
        sa.Column("refusal_act", sa.String(length=200), nullable=False),
        *_recorded(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["year"], ["cycles.year"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "shortcomings_findings",
        *_common(),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("article", sa.String(length=8), nullable=False),
        sa.Column("decision", sa.String(length=200), nullable=False),
        *_recorded(),
        sa.ForeignKeyConstraint(["year"], ["cycles.year"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_year"), ["year"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_GRANT)


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_year"))
        op.drop_table(table)
