"""audit trail append-only in PostgreSQL itself

Revision ID: 0010_audit_append_only
Revises: 0001
Create Date: 2026-11-26

UPDATE, DELETE and TRUNCATE of audit_record fail whatever the client does; only a superuser who disables
triggers on purpose can bypass it, and `backoffice-admin audit verify` with a saved anchor detects that.
SQLite has no such guarantee (one workstation, demos): there the hash chain is the only protection.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_audit_append_only"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE OR REPLACE FUNCTION audit_record_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'audit_record est en ajout seul : % refusé', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        "CREATE TRIGGER audit_record_no_change BEFORE UPDATE OR DELETE ON audit_record "
        "FOR EACH ROW EXECUTE FUNCTION audit_record_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON audit_record "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_record_append_only()"
    )


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_record_no_truncate ON audit_record")
    op.execute("DROP TRIGGER IF EXISTS audit_record_no_change ON audit_record")
    op.execute("DROP FUNCTION IF EXISTS audit_record_append_only()")
