"""Uploaded documents (content-addressed blobs in the database) and identity verification cases."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, LargeBinary, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Base, Versioned, str_enum


class Blob(Base):
    """File content stored once per SHA-256, so every workstation sees the same bytes."""

    __tablename__ = "blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    mime_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class DocumentKind(enum.Enum):
    IDENTITY_DOCUMENT = "identity_document"
    PROOF_OF_ADDRESS = "proof_of_address"
    BANK_DETAILS = "bank_details"
    CLAIM_PHOTO = "claim_photo"
    CLAIM_DOCUMENT = "claim_document"
    OTHER = "other"


DOCUMENT_KIND_LABELS = {
    DocumentKind.IDENTITY_DOCUMENT: "Pièce d'identité",
    DocumentKind.PROOF_OF_ADDRESS: "Justificatif de domicile",
    DocumentKind.BANK_DETAILS: "RIB",
    DocumentKind.CLAIM_PHOTO: "Photo de sinistre",
    DocumentKind.CLAIM_DOCUMENT: "Pièce de sinistre",
    DocumentKind.OTHER: "Autre document",
}


class Document(Base):
    __tablename__ = "document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind, "document_kind"))
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"), index=True)
    original_filename: Mapped[str] = mapped_column(String(255))  # shown only, never used as a path
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    page_count: Mapped[int | None] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    uploaded_at: Mapped[datetime]


class VerificationPurpose(enum.Enum):
    UNLOCK = "unlock"
    BANK_DETAILS_CHANGE = "bank_details_change"
    KYC = "kyc"


class VerificationStatus(enum.Enum):
    OPEN = "open"
    VERIFIED = "verified"
    REJECTED = "rejected"
    MORE_DOCUMENTS_NEEDED = "more_documents_needed"
    SUPERSEDED = "superseded"


VERIFICATION_STATUS_LABELS = {
    VerificationStatus.OPEN: "En cours",
    VerificationStatus.VERIFIED: "Vérifiée",
    VerificationStatus.REJECTED: "Refusée",
    VerificationStatus.MORE_DOCUMENTS_NEEDED: "Pièces complémentaires demandées",
    VerificationStatus.SUPERSEDED: "Remplacée",
}


verification_case_document = Table(
    "verification_case_document",
    Base.metadata,
    Column("case_id", ForeignKey("verification_case.id", ondelete="CASCADE"), primary_key=True),
    Column("document_id", ForeignKey("document.id", ondelete="CASCADE"), primary_key=True),
)


class VerificationCase(Versioned, Base):
    __tablename__ = "verification_case"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    purpose: Mapped[VerificationPurpose] = mapped_column(
        str_enum(VerificationPurpose, "verification_purpose")
    )
    status: Mapped[VerificationStatus] = mapped_column(
        str_enum(VerificationStatus, "verification_status"), default=VerificationStatus.OPEN
    )
    covered: Mapped[list[str]] = mapped_column(JSON, default=list)  # "identity", "address", "bank_details"
    decision_reason: Mapped[str | None] = mapped_column(String(500))
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    opened_at: Mapped[datetime]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    decided_at: Mapped[datetime | None]
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("verification_case.id"))
    proposed_iban: Mapped[str | None] = mapped_column(
        String(34)
    )  # from a checked RIB, for a bank-details change
    proposed_bic: Mapped[str | None] = mapped_column(String(11))
    proposed_holder: Mapped[str | None] = mapped_column(String(120))

    documents: Mapped[list[Document]] = relationship(secondary=verification_case_document)
    checks: Mapped[list[VerificationCheck]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="VerificationCheck.id"
    )


class CheckOutcome(enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_APPLICABLE = "not_applicable"


class VerificationCheck(Base):
    __tablename__ = "verification_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("verification_case.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    name: Mapped[str] = mapped_column(String(60))  # e.g. "mrz.birth_date_check_digit", "poa.age"
    label: Mapped[str] = mapped_column(String(200))  # French, for the agent
    outcome: Mapped[CheckOutcome] = mapped_column(str_enum(CheckOutcome, "check_outcome"))
    reason: Mapped[str | None] = mapped_column(String(500))
    details: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict
    )  # never a full document number or IBAN
    checked_at: Mapped[datetime]

    case: Mapped[VerificationCase] = relationship(back_populates="checks")


class BankDetailsChangeStatus(enum.Enum):
    PENDING_APPROVAL = "pending_approval"
    APPLIED = "applied"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class BankDetailsChange(Versioned, Base):
    __tablename__ = "bank_details_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    old_iban: Mapped[str | None] = mapped_column(String(34))
    new_iban: Mapped[str] = mapped_column(String(34))
    new_bic: Mapped[str | None] = mapped_column(String(11))
    new_holder: Mapped[str] = mapped_column(String(120))
    verification_case_id: Mapped[int] = mapped_column(ForeignKey("verification_case.id"))
    status: Mapped[BankDetailsChangeStatus] = mapped_column(
        str_enum(BankDetailsChangeStatus, "bank_change_status")
    )
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    requested_at: Mapped[datetime]
    applied_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_bank_details_change_status", "status", "requested_at"),)


class ProofOfAddressKind(enum.Enum):
    UTILITY_BILL = "utility_bill"
    TAX_NOTICE = "tax_notice"
    RENT_RECEIPT = "rent_receipt"
    OTHER = "other"
