"""Claims (sinistres) with their triage outcome and indemnity."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.models.base import Base, Versioned, str_enum


class ClaimType(enum.Enum):
    COLLISION = "collision"
    THEFT = "theft"
    GLASS = "glass"
    FIRE = "fire"
    WATER = "water"
    NATURAL_DISASTER = "natural_disaster"
    VANDALISM = "vandalism"


CLAIM_TYPE_LABELS = {
    ClaimType.COLLISION: "Collision / accident",
    ClaimType.THEFT: "Vol",
    ClaimType.GLASS: "Bris de glace",
    ClaimType.FIRE: "Incendie",
    ClaimType.WATER: "Dégâts des eaux / inondation",
    ClaimType.NATURAL_DISASTER: "Catastrophe naturelle",
    ClaimType.VANDALISM: "Vandalisme",
}


class ClaimStatus(enum.Enum):
    DECLARED = "declared"
    TRIAGED = "triaged"
    IN_APPRAISAL = "in_appraisal"
    INDEMNITY_PROPOSED = "indemnity_proposed"
    SETTLED = "settled"
    REFUSED = "refused"
    CLOSED = "closed"  # closed without follow-up


CLAIM_STATUS_LABELS = {
    ClaimStatus.DECLARED: "Déclaré",
    ClaimStatus.TRIAGED: "Trié",
    ClaimStatus.IN_APPRAISAL: "En expertise",
    ClaimStatus.INDEMNITY_PROPOSED: "Indemnité proposée",
    ClaimStatus.SETTLED: "Réglé",
    ClaimStatus.REFUSED: "Refusé",
    ClaimStatus.CLOSED: "Classé sans suite",
}

OPEN_CLAIM_STATUSES = (
    ClaimStatus.DECLARED,
    ClaimStatus.TRIAGED,
    ClaimStatus.IN_APPRAISAL,
    ClaimStatus.INDEMNITY_PROPOSED,
)


class DeclarationChannel(enum.Enum):
    PORTAL = "portal"
    MOBILE_APP = "mobile_app"
    PHONE = "phone"
    MAIL = "mail"


class Priority(enum.Enum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"


class AppraisalMode(enum.Enum):
    REMOTE = "remote"
    ON_SITE = "on_site"


class Claim(Versioned, Base):
    __tablename__ = "claim"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    claim_type: Mapped[ClaimType] = mapped_column(str_enum(ClaimType, "claim_type"))
    channel: Mapped[DeclarationChannel] = mapped_column(str_enum(DeclarationChannel, "declaration_channel"))
    occurred_on: Mapped[date] = mapped_column(Date)
    known_on: Mapped[date] = mapped_column(Date)
    declared_at: Mapped[datetime]
    catnat_decree_published_on: Mapped[date | None] = mapped_column(Date)
    circumstances: Mapped[str] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(String(200))
    place_postcode: Mapped[str | None] = mapped_column(String(10))
    departement: Mapped[str | None] = mapped_column(String(3))
    third_party: Mapped[bool] = mapped_column(Boolean, default=False)
    third_party_details: Mapped[str | None] = mapped_column(Text)
    police_report: Mapped[bool] = mapped_column(Boolean, default=False)
    keys_available: Mapped[bool | None] = mapped_column(Boolean)  # theft: were all keys handed over
    safety_parts_declared: Mapped[bool] = mapped_column(Boolean, default=False)
    vehicle_drivable: Mapped[bool | None] = mapped_column(Boolean)
    estimated_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    fault_share: Mapped[int | None] = mapped_column(Integer)  # 0, 50 or 100 (percent)
    status: Mapped[ClaimStatus] = mapped_column(
        str_enum(ClaimStatus, "claim_status"), default=ClaimStatus.DECLARED
    )
    priority: Mapped[Priority | None] = mapped_column(str_enum(Priority, "priority"))
    appraisal_mode: Mapped[AppraisalMode | None] = mapped_column(str_enum(AppraisalMode, "appraisal_mode"))
    late_declaration: Mapped[bool] = mapped_column(Boolean, default=False)
    fraud_referral: Mapped[bool] = mapped_column(Boolean, default=False)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    triage: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the explained result, rule by rule
    # A digest of ``triage``: a re-triage compares it with the new result instead of reading the whole JSON.
    triage_fingerprint: Mapped[str | None] = mapped_column(String(24))
    triaged_at: Mapped[datetime | None]
    override_reason: Mapped[str | None] = mapped_column(Text)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"), index=True)
    taken_at: Mapped[datetime | None]
    assessed_damage: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    deductible_applied: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    indemnity_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    indemnity_basis: Mapped[str | None] = mapped_column(String(30))  # replacement_value / depreciated_value
    indemnity_details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_claim_queue", "status", "priority", "declared_at"),
        Index("ix_claim_declared_at", "declared_at"),
        # "Take next": the best unassigned claim without walking past those already taken (partial, and in the
        # exact queue order, so PostgreSQL neither filters the held claims out nor sorts)…
        Index(
            "ix_claim_unassigned",
            "status",
            "priority",
            "declared_at",
            "id",
            sqlite_where=text("handler_id IS NULL"),
            postgresql_where=text("handler_id IS NULL"),
        ),
        # …and the few taken claims left untouched past the queue-lock timeout.
        Index("ix_claim_taken_at", "status", "taken_at"),
        # The held claims in queue order: the oldest abandoned one is found without walking the whole queue.
        Index(
            "ix_claim_held",
            "status",
            "priority",
            "declared_at",
            "id",
            sqlite_where=text("handler_id IS NOT NULL"),
            postgresql_where=text("handler_id IS NOT NULL"),
        ),
        # Room on each page for a rewritten triage: a re-triage's UPDATE stays on the page and touches no index
        # when the priority does not change (migration 0014_claims_retriage).
        {"postgresql_with": {"fillfactor": 50}},
    )


class ClaimTransition(Base):
    """Each status change of a claim, kept for the timeline (the audit trail holds the same with its chain)."""

    __tablename__ = "claim_transition"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[ClaimStatus | None] = mapped_column(str_enum(ClaimStatus, "from_status"))
    to_status: Mapped[ClaimStatus] = mapped_column(str_enum(ClaimStatus, "to_status"))
    at: Mapped[datetime]
    by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    comment: Mapped[str | None] = mapped_column(Text)
