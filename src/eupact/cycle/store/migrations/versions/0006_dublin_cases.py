"""the Dublin units' case workspace (Part III AMMR, Arts. 38-46, 51)

- ``dublin_cases``: a case of the determination of the Member State responsible, held by the
  state that runs the procedure, its facts as JSON (the responsibility engine's ``Case``), a
  ``version`` for the ETag (optimistic concurrency, as pledges);
- ``dublin_messages``: the messages between states about a case (take charge requests, take
  back notifications, information requests, replies, transfer decisions, transfers and their
  extensions), each with its dates and the article relied on;
- ``dublin_observations``: what the service found by itself once (acceptance by silence, Art.
  40(8), 41(4); responsibility moved by a missed time limit, Art. 39(1), 46(2)), unique per case
  and key so that it is audited the first time only.

PostgreSQL: the service role of migration 0002 gets the same rights as on the other tables.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WRITER = "eupact_writer"  # migration 0002's service role
TABLES = ("dublin_cases", "dublin_messages", "dublin_observations")

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


def upgrade() -> None:
    op.create_table(
        "dublin_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(length=64), nullable=False),
        sa.Column("holder_state", sa.String(length=2), nullable=False),
        sa.Column("responsible_state", sa.String(length=2), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_ref"),
    )
    op.create_table(
        "dublin_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("from_state", sa.String(length=2), nullable=False),
        sa.Column("to_state", sa.String(length=2), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("article", sa.String(length=16), nullable=False),
        sa.Column("based_on_hit", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["dublin_cases.id"]),
        sa.ForeignKeyConstraint(["request_id"], ["dublin_messages.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "dublin_observations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("what", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["dublin_cases.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "key"),
    )
    with op.batch_alter_table("dublin_cases") as batch_op:
        batch_op.create_index(batch_op.f("ix_dublin_cases_holder_state"), ["holder_state"])
        batch_op.create_index(
            batch_op.f("ix_dublin_cases_responsible_state"), ["responsible_state"]
        )
    with op.batch_alter_table("dublin_messages") as batch_op:
        batch_op.create_index(batch_op.f("ix_dublin_messages_case_id"), ["case_id"])
        batch_op.create_index(batch_op.f("ix_dublin_messages_to_state"), ["to_state"])
    with op.batch_alter_table("dublin_observations") as batch_op:
        batch_op.create_index(batch_op.f("ix_dublin_observations_case_id"), ["case_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_GRANT)


def downgrade() -> None:
    with op.batch_alter_table("dublin_observations") as batch_op:
        batch_op.drop_index(batch_op.f("ix_dublin_observations_case_id"))
    with op.batch_alter_table("dublin_messages") as batch_op:
        batch_op.drop_index(batch_op.f("ix_dublin_messages_to_state"))
        batch_op.drop_index(batch_op.f("ix_dublin_messages_case_id"))
    with op.batch_alter_table("dublin_cases") as batch_op:
        batch_op.drop_index(batch_op.f("ix_dublin_cases_responsible_state"))
        batch_op.drop_index(batch_op.f("ix_dublin_cases_holder_state"))
    for table in reversed(TABLES):
        op.drop_table(table)
