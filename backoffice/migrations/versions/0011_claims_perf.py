"""claims performance: triage fingerprint column, partial indexes of unassigned and held claims in queue order

Revision ID: 0011_claims_perf
Revises: 0013_lookup_name_order
Create Date: 2026-11-26 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_claims_perf"
down_revision: str | None = "0013_lookup_name_order"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: existing claims get theirs at the next re-triage (no fingerprint reads as "changed").
    op.add_column("claim", sa.Column("triage_fingerprint", sa.String(length=24), nullable=True))
    # "Take next" reads both in the exact queue order; partial, so neither walks past the other kind of claim.
    op.drop_index("ix_claim_unassigned", table_name="claim", if_exists=True)
    for name, where in (
        ("ix_claim_unassigned", "handler_id IS NULL"),
        ("ix_claim_held", "handler_id IS NOT NULL"),
    ):
        op.create_index(
            name,
            "claim",
            ["status", "priority", "declared_at", "id"],
            unique=False,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def downgrade() -> None:
    op.drop_index("ix_claim_held", table_name="claim")
    op.drop_index("ix_claim_unassigned", table_name="claim")
    op.create_index(
        "ix_claim_unassigned", "claim", ["status", "handler_id", "priority", "declared_at"], unique=False
    )
    with op.batch_alter_table("claim") as batch:
        batch.drop_column("triage_fingerprint")
