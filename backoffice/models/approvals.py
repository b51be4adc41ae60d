"""Four-eyes approval requests: an action that waits for a second, different person."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.models.base import Base, Versioned, str_enum


class ApprovalKind(enum.Enum):
    UNLOCK_AFTER_FRAUD_SUSPICION = "unlock_fraud"
    BANK_DETAILS_CHANGE = "bank_details_change"


class ApprovalStatus(enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    EXECUTED = "executed"


APPROVAL_STATUS_LABELS = {
    ApprovalStatus.PENDING: "En attente",
    ApprovalStatus.APPROVED: "Approuvée",
    ApprovalStatus.REJECTED: "Refusée",
    ApprovalStatus.CANCELLED: "Annulée",
    ApprovalStatus.EXECUTED: "Exécutée",
}


class ApprovalRequest(Versioned, Base):
    __tablename__ = "approval_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[ApprovalKind] = mapped_column(str_enum(ApprovalKind, "approval_kind"))
    status: Mapped[ApprovalStatus] = mapped_column(str_enum(ApprovalStatus, "approval_status"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("portal_account.id"))
    bank_details_change_id: Mapped[int | None] = mapped_column(ForeignKey("bank_details_change.id"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    requested_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)
    payload: Mapped[str | None] = mapped_column(Text)  # JSON of the non-secret parameters to execute
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    decided_at: Mapped[datetime | None]
    decision_comment: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (Index("ix_approval_request_status_requested", "status", "requested_at"),)
