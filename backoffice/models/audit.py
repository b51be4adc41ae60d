"""Append-only, hash-chained audit trail and the evidence of retention purges."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.models.base import Base


class AuditRecord(Base):
    __tablename__ = "audit_record"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    actor_username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(60))
    outcome: Mapped[str] = mapped_column(String(10))  # "ok" or "refused"
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(40))
    customer_id: Mapped[int | None] = mapped_column(Integer)  # no FK: survives a customer purge
    summary: Mapped[str] = mapped_column(String(500))  # French, never a secret
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_audit_record_actor_at", "actor_id", "at"),
        Index("ix_audit_record_customer_at", "customer_id", "at"),
        Index("ix_audit_record_action_at", "action", "at"),
        Index("ix_audit_record_at", "at"),
    )


class AuditHead(Base):
    """Single row holding the chain head; writers lock it so two agents never fork the chain."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    last_hash: Mapped[str] = mapped_column(String(64))


class PurgeEvidence(Base):
    """What a retention run deleted, when and under which rule; never the purged content."""

    __tablename__ = "purge_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_at: Mapped[datetime]
    run_id: Mapped[str] = mapped_column(String(36), index=True)
    rule: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(40))
    target_ref: Mapped[str] = mapped_column(String(64))  # id or SHA-256, never a name
    reason: Mapped[str] = mapped_column(String(300))
