"""claims: indexes for "take next" (unassigned claims, abandoned claims)

Revision ID: 0006_claims
Revises: 0005_supervision
Create Date: 2026-11-26 05:25:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006_claims"
down_revision: str | None = "0005_supervision"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # if_not_exists: a file restored with an older revision stamp may already carry them.
    op.create_index(
        "ix_claim_unassigned",
        "claim",
        ["status", "handler_id", "priority", "declared_at"],
        unique=False,
        if_not_exists=True,
    )
    op.create_index("ix_claim_taken_at", "claim", ["status", "taken_at"], unique=False, if_not_exists=True)


def downgrade() -> None:
    op.drop_index("ix_claim_taken_at", table_name="claim", if_exists=True)
    op.drop_index("ix_claim_unassigned", table_name="claim", if_exists=True)
