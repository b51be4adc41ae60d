"""lookup: name vocabulary for the one-typo search (pg_trgm on PostgreSQL, deletion neighbourhood on SQLite)

Revision ID: 0002_lookup
Revises: 0010_audit_append_only
Create Date: 2026-11-26 04:51:12.910160

Triggers keep the vocabulary in step with ``customer.last_name_key`` whatever writes customers (workflows,
demo and bulk loaders); existing customers are back-filled here.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_lookup"
down_revision: str | None = "0010_audit_append_only"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Positions 1..80 (the length of customer.last_name_key): SQLite triggers may not use a recursive CTE.
_POSITIONS = "json_each('[" + ",".join(str(n) for n in range(1, 81)) + "]')"


def _sqlite_trigger(name: str, event: str) -> str:
    return f"""
CREATE TRIGGER {name} AFTER {event} ON customer
WHEN NOT EXISTS (SELECT 1 FROM customer_name_term WHERE term = NEW.last_name_key)
BEGIN
    INSERT OR IGNORE INTO customer_name_term (term) VALUES (NEW.last_name_key);
    INSERT OR IGNORE INTO customer_name_deletion (variant, term) VALUES (NEW.last_name_key, NEW.last_name_key);
    INSERT OR IGNORE INTO customer_name_deletion (variant, term)
        SELECT substr(NEW.last_name_key, 1, value - 1) || substr(NEW.last_name_key, value + 1), NEW.last_name_key
        FROM {_POSITIONS} WHERE value <= length(NEW.last_name_key);
END
"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "customer_name_deletion",
        sa.Column("variant", sa.String(length=80), nullable=False),
        sa.Column("term", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("variant", "term", name=op.f("pk_customer_name_deletion")),
    )
    op.create_table(
        "customer_name_term",
        sa.Column("term", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_customer_name_term")),
    )
    with op.batch_alter_table("customer_name_term", schema=None) as batch_op:
        batch_op.create_index(
            "ix_customer_name_term_trgm",
            ["term"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"term": "gin_trgm_ops"},
        )
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.create_index("ix_customer_merged_into_id", ["merged_into_id"], unique=False)
    op.execute("INSERT INTO customer_name_term (term) SELECT DISTINCT last_name_key FROM customer")
    if dialect == "sqlite":
        op.execute(
            "INSERT INTO customer_name_deletion (variant, term) SELECT term, term FROM customer_name_term"
        )
        op.execute(
            "INSERT OR IGNORE INTO customer_name_deletion (variant, term) "
            "SELECT substr(term, 1, value - 1) || substr(term, value + 1), term "
            f"FROM customer_name_term, {_POSITIONS} WHERE value <= length(term)"
        )
        op.execute(_sqlite_trigger("customer_name_term_on_insert", "INSERT"))
        op.execute(_sqlite_trigger("customer_name_term_on_update", "UPDATE OF last_name_key"))
    elif dialect == "postgresql":
        op.execute(
            """
CREATE FUNCTION customer_name_term_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM customer_name_term WHERE term = NEW.last_name_key) THEN
        INSERT INTO customer_name_term (term) VALUES (NEW.last_name_key) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$
"""
        )
        op.execute(
            "CREATE TRIGGER customer_name_term_sync AFTER INSERT OR UPDATE OF last_name_key ON customer "
            "FOR EACH ROW EXECUTE FUNCTION customer_name_term_sync()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS customer_name_term_on_insert")
        op.execute("DROP TRIGGER IF EXISTS customer_name_term_on_update")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS customer_name_term_sync ON customer")
        op.execute("DROP FUNCTION IF EXISTS customer_name_term_sync()")
    with op.batch_alter_table("customer_name_term", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_customer_name_term_trgm", postgresql_using="gin", postgresql_ops={"term": "gin_trgm_ops"}
        )
    op.drop_table("customer_name_term")
    op.drop_table("customer_name_deletion")
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_merged_into_id")
