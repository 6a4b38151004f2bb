"""tokens expire; dashboard sessions of their own; cycles say whether they are a demonstration

- ``tokens.expires_at``: a token is refused after it (NULL: a token made before this migration,
  which then expires its role's default lifetime after ``created_at``; the rows are left as the
  audit log recorded them, so that ``eupact audit verify`` still matches them);
- ``web_sessions``: a dashboard sign-in. The cookie carries a random session id, never the API
  token; the table keeps the id's SHA-256, the token it was opened with, when it ends, and the
  secret its forms are signed with (CSRF) so that every server process checks them alike;
- ``cycles.synthetic``: the cycle holds the demonstration's SYNTHETIC records (set by the demo
  loader only). The dashboard's SYNTHETIC banner follows it, not the words of a pledge's note.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 20:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WRITER = "eupact_writer"  # migration 0002's service role: it opens and ends sessions

_PG_GRANT = f"""
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{WRITER}') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON web_sessions TO {WRITER};
    END IF;
END $$;
"""


def upgrade() -> None:
    with op.batch_alter_table("tokens") as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("csrf_secret", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["token_id"], ["tokens.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("web_sessions") as batch_op:
        batch_op.create_index(batch_op.f("ix_web_sessions_token_id"), ["token_id"], unique=False)
    with op.batch_alter_table("cycles") as batch_op:
        batch_op.add_column(
            sa.Column("synthetic", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_GRANT)


def downgrade() -> None:
    with op.batch_alter_table("cycles") as batch_op:
        batch_op.drop_column("synthetic")
    with op.batch_alter_table("web_sessions") as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_sessions_token_id"))
    op.drop_table("web_sessions")
    with op.batch_alter_table("tokens") as batch_op:
        batch_op.drop_column("expires_at")
