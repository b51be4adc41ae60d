"""Generated letters: the archived PDF (a blob), the template version and the inputs that reproduce it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.models.base import Base, Versioned, str_enum


class SendMethod(enum.Enum):
    POST = "post"
    EMAIL = "email"


class Letter(Versioned, Base):
    __tablename__ = "letter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    template_code: Mapped[str] = mapped_column(String(60))
    template_version: Mapped[str] = mapped_column(String(20))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"), index=True)
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("expert.id"))
    related_type: Mapped[str | None] = mapped_column(String(40))  # e.g. "verification_case"
    related_id: Mapped[int | None] = mapped_column(Integer)
    recipient_lines: Mapped[list[str]] = mapped_column(JSON)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)  # template inputs, already masked where sensitive
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"))
    page_count: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    created_at: Mapped[datetime]
    sent_method: Mapped[SendMethod | None] = mapped_column(str_enum(SendMethod, "send_method"))
    sent_at: Mapped[datetime | None]
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))

    __table_args__ = (Index("ix_letter_created_at", "created_at"),)
