"""supervision: lock_event indexes for the unlocks of a period, bursts, repeated locks and filters

Revision ID: 0005_supervision
Revises: 0002_lookup
Create Date: 2026-11-26 05:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005_supervision"
down_revision: str | None = "0002_lookup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # if_not_exists: a database stamped at an older revision but already carrying them still upgrades cleanly
    with op.batch_alter_table("lock_event", schema=None) as batch_op:
        batch_op.create_index("ix_lock_event_unlocked_at", ["unlocked_at"], unique=False, if_not_exists=True)
        batch_op.create_index(
            "ix_lock_event_occurred_origin_ip", ["occurred_at", "origin_ip"], unique=False, if_not_exists=True
        )
        batch_op.create_index(
            "ix_lock_event_account_occurred", ["account_id", "occurred_at"], unique=False, if_not_exists=True
        )
        batch_op.create_index(
            "ix_lock_event_unlocked_by_occurred",
            ["unlocked_by_id", "occurred_at", "id"],
            unique=False,
            if_not_exists=True,
        )
        batch_op.create_index(
            "ix_lock_event_country_occurred",
            ["origin_country", "occurred_at", "id"],
            unique=False,
            if_not_exists=True,
        )


def downgrade() -> None:
    with op.batch_alter_table("lock_event", schema=None) as batch_op:
        batch_op.drop_index("ix_lock_event_country_occurred", if_exists=True)
        batch_op.drop_index("ix_lock_event_unlocked_by_occurred", if_exists=True)
        batch_op.drop_index("ix_lock_event_account_occurred", if_exists=True)
        batch_op.drop_index("ix_lock_event_occurred_origin_ip", if_exists=True)
        batch_op.drop_index("ix_lock_event_unlocked_at", if_exists=True)
