"""trustworthy audit: the database refuses to edit the log; entries carry a MAC

The audit log (the record of every step of the cycle, Art. 7-9, 57-69 AMMR) must be evidence:
- ``audit_log`` refuses UPDATE, DELETE (and, on PostgreSQL, TRUNCATE) by trigger;
- ``audit_head`` refuses to move back (``seq`` never decreases) or to be deleted;
- ``audit_log.mac``: the HMAC of each entry's hash under a key kept outside the database;
- PostgreSQL: a NOLOGIN role ``eupact_writer`` that may append to the log but not change it, for
  the service to run as (docs/audit.md). Triggers stop mistakes and a service account; a
  database owner can drop them, which the MAC, the anchor file and the replay then detect.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WRITER = "eupact_writer"
# What the service writes, apart from the audit tables (later migrations' tables get the same
# rights through ALTER DEFAULT PRIVILEGES below).
_SERVICE_TABLES = (
    "cycles",
    "cycle_steps",
    "pledges",
    "deductions",
    "offset_requests",
    "implementation",
    "tokens",
    "idempotency_keys",
)
_TABLES = ", ".join(_SERVICE_TABLES)

_SQLITE_TRIGGERS = {
    "audit_log_no_update": """
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END""",
    "audit_log_no_delete": """
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END""",
    "audit_head_forward_only": """
        CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
        WHEN NEW.seq < OLD.seq OR NEW.id <> OLD.id
        BEGIN SELECT RAISE(ABORT, 'audit_head moves forward only: seq may not decrease'); END""",
    "audit_head_no_delete": """
        CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
        BEGIN SELECT RAISE(ABORT, 'audit_head moves forward only: DELETE refused'); END""",
}

# restrict_violation is an integrity error, as SQLite's RAISE(ABORT) is: one exception class
# for callers on both backends.
_PG_FUNCTIONS = """
CREATE FUNCTION eupact_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE FUNCTION eupact_audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' OR NEW.seq < OLD.seq OR NEW.id <> OLD.id THEN
        RAISE EXCEPTION 'audit_head moves forward only: % refused (seq may not decrease)', TG_OP
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION eupact_audit_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION eupact_audit_append_only();
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION eupact_audit_head_forward_only();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION eupact_audit_head_forward_only();
"""

# Roles belong to the whole server, not to one database: create the role only if it is missing,
# and tolerate another database's migration creating it at the same moment. Without the right
# to create roles, the rights are still granted if an administrator created the role.
_PG_ROLE = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{WRITER}')
       AND (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) THEN
        BEGIN
            CREATE ROLE {WRITER} NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{WRITER}') THEN
        RAISE NOTICE 'role {WRITER} not created (no CREATEROLE right): see docs/audit.md';
        RETURN;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO {WRITER}', current_schema());
    GRANT SELECT, INSERT ON audit_log TO {WRITER};
    GRANT SELECT, UPDATE ON audit_head TO {WRITER};
    GRANT SELECT ON alembic_version TO {WRITER};
    GRANT SELECT, INSERT, UPDATE, DELETE ON {_TABLES} TO {WRITER};
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO {WRITER}',
                   current_schema());
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I '
                   'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {WRITER}', current_schema());
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I '
                   'GRANT USAGE, SELECT ON SEQUENCES TO {WRITER}', current_schema());
END $$;
"""

# The role is left in place: other databases on the server may use it (DROP ROLE by hand once
# none does); this database's rights are taken back.
_PG_UNROLE = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{WRITER}') THEN
        RETURN;
    END IF;
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I '
                   'REVOKE ALL ON TABLES FROM {WRITER}', current_schema());
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I '
                   'REVOKE ALL ON SEQUENCES FROM {WRITER}', current_schema());
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM {WRITER}', current_schema());
    EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM {WRITER}', current_schema());
    EXECUTE format('REVOKE ALL ON SCHEMA %I FROM {WRITER}', current_schema());
END $$;
"""


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("mac", sa.String(length=64), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTIONS)
        op.execute(_PG_ROLE)
    else:
        for create in _SQLITE_TRIGGERS.values():
            op.execute(create)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_UNROLE)
        op.execute("DROP TRIGGER audit_head_no_truncate ON audit_head")
        op.execute("DROP TRIGGER audit_head_forward_only ON audit_head")
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION eupact_audit_head_forward_only()")
        op.execute("DROP FUNCTION eupact_audit_append_only()")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.drop_column("mac")
