"""Appraisal experts, the départements they serve, and their assignments (mandates)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Base, Versioned, str_enum
from backoffice.models.claims import AppraisalMode


class Specialty(enum.Enum):
    CAR = "car"
    TWO_WHEELER = "two_wheeler"
    GLASS = "glass"
    FIRE_WATER = "fire_water"


SPECIALTY_LABELS = {
    Specialty.CAR: "Automobile",
    Specialty.TWO_WHEELER: "Deux-roues",
    Specialty.GLASS: "Vitrage",
    Specialty.FIRE_WATER: "Incendie / inondation",
}


class Expert(Versioned, Base):
    __tablename__ = "expert"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    firm: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))
    home_departement: Mapped[str] = mapped_column(String(3))
    capacity: Mapped[int] = mapped_column(Integer)  # open mandates handled at once
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]

    specialties: Mapped[list[ExpertSpecialty]] = relationship(cascade="all, delete-orphan")
    areas: Mapped[list[ExpertArea]] = relationship(cascade="all, delete-orphan")


class ExpertSpecialty(Base):
    __tablename__ = "expert_specialty"

    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id", ondelete="CASCADE"), primary_key=True)
    specialty: Mapped[Specialty] = mapped_column(str_enum(Specialty, "specialty"), primary_key=True)


class ExpertArea(Base):
    __tablename__ = "expert_area"

    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id", ondelete="CASCADE"), primary_key=True)
    departement: Mapped[str] = mapped_column(String(3), primary_key=True)

    __table_args__ = (Index("ix_expert_area_departement", "departement"),)


class AssignmentKind(enum.Enum):
    INITIAL = "initial"
    COUNTER_APPRAISAL = "counter_appraisal"


class AssignmentStatus(enum.Enum):
    MANDATED = "mandated"
    REPORT_RECEIVED = "report_received"
    CANCELLED = "cancelled"


class AppraisalAssignment(Versioned, Base):
    __tablename__ = "appraisal_assignment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id"), index=True)
    kind: Mapped[AssignmentKind] = mapped_column(str_enum(AssignmentKind, "assignment_kind"))
    mode: Mapped[AppraisalMode] = mapped_column(str_enum(AppraisalMode, "appraisal_mode"))
    status: Mapped[AssignmentStatus] = mapped_column(str_enum(AssignmentStatus, "assignment_status"))
    choice: Mapped[str] = mapped_column(String(20))  # "proposed" or "manual"
    choice_reason: Mapped[str | None] = mapped_column(Text)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    mandated_at: Mapped[datetime]
    due_on: Mapped[date] = mapped_column(Date)
    report_received_at: Mapped[datetime | None]
    damage_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    safety_parts_damaged: Mapped[bool | None] = mapped_column(Boolean)
    total_loss: Mapped[bool | None] = mapped_column(Boolean)
    depreciation_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))  # percent
    vehicle_value: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    report_notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_appraisal_assignment_status_due", "status", "due_on"),)
