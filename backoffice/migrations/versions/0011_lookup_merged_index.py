"""lookup: the index of merged customers covers only merged files

Revision ID: 0011_lookup_merged_index
Revises: 0006_claims

With an index over every customer's ``merged_into_id``, SQLite took the "live files only" condition of a name
search (``merged_into_id IS NULL``: all of them) for a selective one and sorted a million rows for each search.
A partial index over the merged files serves "files merged into this one" and is never picked for live ones.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_lookup_merged_index"
down_revision: str | None = "0006_claims"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MERGED = sa.text("merged_into_id IS NOT NULL")


def upgrade() -> None:
    # if_exists: a database bulk-built before this index existed never had it.
    op.drop_index("ix_customer_merged_into_id", table_name="customer", if_exists=True)
    op.create_index(
        "ix_customer_merged_into_id",
        "customer",
        ["merged_into_id"],
        sqlite_where=_MERGED,
        postgresql_where=_MERGED,
    )
    op.execute("ANALYZE customer")  # both databases: refresh the planner's view of the customer indexes


def downgrade() -> None:
    op.drop_index("ix_customer_merged_into_id", table_name="customer")
    op.create_index("ix_customer_merged_into_id", "customer", ["merged_into_id"])
