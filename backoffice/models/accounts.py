"""Customer portal accounts (espace assuré), their lock events, one-time codes and the message outbox."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.models.base import Base, Versioned, str_enum


class AccountStatus(enum.Enum):
    ACTIVE = "active"
    LOCKED = "locked"
    DISABLED = "disabled"


class LockReason(enum.Enum):
    FAILED_LOGINS = "failed_logins"
    SECURITY = "security"
    TERMINATED_CONTRACT = "terminated_contract"
    MANUAL = "manual"
    FRAUD_SUSPICION = "fraud_suspicion"  # a manual block by staff for suspected fraud


LOCK_REASON_LABELS = {
    LockReason.FAILED_LOGINS: "Trop de tentatives de connexion",
    LockReason.SECURITY: "Blocage de sécurité",
    LockReason.TERMINATED_CONTRACT: "Contrat résilié",
    LockReason.MANUAL: "Blocage manuel",
    LockReason.FRAUD_SUSPICION: "Suspicion de fraude",
}

ACCOUNT_STATUS_LABELS = {
    AccountStatus.ACTIVE: "Actif",
    AccountStatus.LOCKED: "Bloqué",
    AccountStatus.DISABLED: "Désactivé",
}


class PortalAccount(Versioned, Base):
    __tablename__ = "portal_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), unique=True)
    status: Mapped[AccountStatus] = mapped_column(str_enum(AccountStatus, "account_status"))
    lock_reason: Mapped[LockReason | None] = mapped_column(str_enum(LockReason, "lock_reason"))
    locked_at: Mapped[datetime | None]
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_login_at: Mapped[datetime | None]
    password_reset_required: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (Index("ix_portal_account_status_reason", "status", "lock_reason"),)


class LockEvent(Versioned, Base):
    """One lock of a portal account, as seen by supervisors; the unlock and the review are recorded on it."""

    __tablename__ = "lock_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("portal_account.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    occurred_at: Mapped[datetime]
    reason: Mapped[LockReason] = mapped_column(str_enum(LockReason, "lock_reason"))
    origin_ip: Mapped[str | None] = mapped_column(String(45))
    origin_country: Mapped[str | None] = mapped_column(String(2))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[str | None] = mapped_column(String(500))
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    unlocked_at: Mapped[datetime | None]
    unlocked_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"), index=True)
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    review_comment: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_lock_event_occurred_at", "occurred_at"),
        Index("ix_lock_event_reason_occurred_at", "reason", "occurred_at"),
        Index("ix_lock_event_origin_ip_occurred_at", "origin_ip", "occurred_at"),
        Index("ix_lock_event_reviewed_occurred", "reviewed_at", "occurred_at"),
        # supervision (migration 0005): unlocks of a period, and covering scans for bursts, repeated locks,
        # the "unlocked by" and "country" filters in (date, id) order, the keyset order
        Index("ix_lock_event_unlocked_at", "unlocked_at"),
        Index("ix_lock_event_occurred_origin_ip", "occurred_at", "origin_ip"),
        Index("ix_lock_event_account_occurred", "account_id", "occurred_at"),
        Index("ix_lock_event_unlocked_by_occurred", "unlocked_by_id", "occurred_at", "id"),
        Index("ix_lock_event_country_occurred", "origin_country", "occurred_at", "id"),
    )


class CodeChannel(enum.Enum):
    EMAIL = "email"
    SMS = "sms"


class CodePurpose(enum.Enum):
    UNLOCK = "unlock"
    PASSWORD_RESET = "password_reset"


class OneTimeCode(Base):
    """A customer code: only its hash is kept; it is single use and short-lived."""

    __tablename__ = "one_time_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("portal_account.id"), index=True)
    purpose: Mapped[CodePurpose] = mapped_column(str_enum(CodePurpose, "code_purpose"))
    channel: Mapped[CodeChannel] = mapped_column(str_enum(CodeChannel, "code_channel"))
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))


class OutboxChannel(enum.Enum):
    EMAIL = "email"
    SMS = "sms"
    POST = "post"


class OutboxStatus(enum.Enum):
    PENDING = "pending"
    EXPORTED = "exported"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(Base):
    """A message waiting for the mail/SMS gateway, which lives outside this application."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    channel: Mapped[OutboxChannel] = mapped_column(str_enum(OutboxChannel, "outbox_channel"))
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)  # erased once handed to the gateway when it holds a code
    contains_secret: Mapped[bool] = mapped_column(default=False)
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    created_at: Mapped[datetime]
    exported_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (Index("ix_outbox_message_status_created", "status", "created_at"),)
