"""lookup: on PostgreSQL the name index also carries what a result line shows (index-only scans)

Revision ID: 0015_lookup_covering
Revises: 0011_claims_perf

A page of 50 results for a common start of name ("lem…") read 50 table pages, one per customer, scattered over
the table: 6 ms when they are not in PostgreSQL's buffers. With the shown columns INCLUDEd in the index, the page
comes from two or three index pages. SQLite (no INCLUDE) keeps its index as it is.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_lookup_covering"
down_revision: str | None = "0011_claims_perf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = [
    sa.column("last_name_key"),
    sa.column("first_names_key"),
    sa.desc(sa.column("last_activity_at")),
    sa.column("id"),
]
_SHOWN = [
    "client_number",
    "civility",
    "first_names",
    "last_name",
    "birth_date",
    "postcode",
    "city",
    "merged_into_id",
]


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.drop_index("ix_customer_name_order", table_name="customer")
    op.create_index("ix_customer_name_order", "customer", _KEY, postgresql_include=_SHOWN)
    # Index-only scans also need the table's visibility map, which autovacuum keeps (the bulk load sets it).
    op.execute("ANALYZE customer")


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.drop_index("ix_customer_name_order", table_name="customer")
    op.create_index("ix_customer_name_order", "customer", _KEY)
