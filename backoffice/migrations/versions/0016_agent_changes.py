"""agent changes notified: each committed change to ``agent`` sends a notice on ``backoffice_agent_changed``

Revision ID: 0016_agent_changes
Revises: 0014_claims_retriage

The search box checks the acting agent at every keystroke; on PostgreSQL each workstation listens for this
notice and re-reads an agent only after a change (``backoffice.agent_changes``), instead of a round trip per
search. One notice per statement (and PostgreSQL folds identical notices of one transaction): a login or an
administrator's change costs one small message. Rolled-back changes send nothing. SQLite has no notices: there
the check reads the row every time.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016_agent_changes"
down_revision: str | None = "0014_claims_retriage"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE OR REPLACE FUNCTION agent_changed_notice() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('backoffice_agent_changed', '');
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        "CREATE TRIGGER agent_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON agent "
        "FOR EACH STATEMENT EXECUTE FUNCTION agent_changed_notice()"
    )


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS agent_changed ON agent")
    op.execute("DROP FUNCTION IF EXISTS agent_changed_notice()")
