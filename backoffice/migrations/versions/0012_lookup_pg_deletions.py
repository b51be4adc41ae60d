"""lookup: PostgreSQL finds one-typo names through the deletion neighbourhood too, not pg_trgm

Revision ID: 0012_lookup_pg_deletions
Revises: 0011_lookup_merged_index

Measured on the million-customer database: a trigram query loose enough to catch every one-edit name (a swap of
two letters in a short name keeps 1 trigram in 9) returned 1,000–2,000 candidate names and cost 10–40 ms; the
deletion neighbourhood answers with a primary-key lookup per variant, under a millisecond, and finds exactly the
same names (both are then confirmed by ``within_one_edit``). The trigger now fills it on PostgreSQL as well.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012_lookup_pg_deletions"
down_revision: str | None = "0011_lookup_merged_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SYNC_WITH_DELETIONS = """
CREATE OR REPLACE FUNCTION customer_name_term_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM customer_name_term WHERE term = NEW.last_name_key) THEN
        INSERT INTO customer_name_term (term) VALUES (NEW.last_name_key) ON CONFLICT DO NOTHING;
        INSERT INTO customer_name_deletion (variant, term)
            SELECT NEW.last_name_key, NEW.last_name_key
            UNION
            SELECT substr(NEW.last_name_key, 1, i - 1) || substr(NEW.last_name_key, i + 1), NEW.last_name_key
            FROM generate_series(1, length(NEW.last_name_key)) AS i
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$
"""

_SYNC_TERMS_ONLY = """
CREATE OR REPLACE FUNCTION customer_name_term_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM customer_name_term WHERE term = NEW.last_name_key) THEN
        INSERT INTO customer_name_term (term) VALUES (NEW.last_name_key) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$
"""

BACKFILL_POSTGRESQL = """
INSERT INTO customer_name_deletion (variant, term)
SELECT term, term FROM customer_name_term
UNION
SELECT substr(term, 1, i - 1) || substr(term, i + 1), term
FROM customer_name_term, generate_series(1, length(term)) AS i
ON CONFLICT DO NOTHING
"""


def upgrade() -> None:
    # SQLite got it as a plain b-tree duplicating the primary key: useless there too.
    op.drop_index("ix_customer_name_term_trgm", table_name="customer_name_term", if_exists=True)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_SYNC_WITH_DELETIONS)
        op.execute(BACKFILL_POSTGRESQL)


def downgrade() -> None:
    op.create_index(
        "ix_customer_name_term_trgm",
        "customer_name_term",
        ["term"],
        postgresql_using="gin",
        postgresql_ops={"term": "gin_trgm_ops"},
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_SYNC_TERMS_ONLY)
        op.execute("DELETE FROM customer_name_deletion")
