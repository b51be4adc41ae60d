"""claims: indexes for "take next" (unassigned claims, abandoned claims)

Revision ID: 0006_claims
Revises: 0010_audit_append_only
Create Date: 2026-11-26 05:25:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006_claims"
down_revision: str | None = "0010_audit_append_only"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.create_index(
            "ix_claim_unassigned", ["status", "handler_id", "priority", "declared_at"], unique=False
        )
        batch_op.create_index("ix_claim_taken_at", ["status", "taken_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_taken_at")
        batch_op.drop_index("ix_claim_unassigned")
