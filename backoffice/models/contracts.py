"""Motor contracts (AUT… cars, MOT… two-wheelers) and their coverages."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Base, Versioned, str_enum

if TYPE_CHECKING:
    from backoffice.models.customers import Customer


class Product(enum.Enum):
    CAR = "car"
    TWO_WHEELER = "two_wheeler"


class ContractStatus(enum.Enum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


class PaymentSchedule(enum.Enum):
    ANNUAL = "annual"
    SEMIANNUAL = "semiannual"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"


class CoverageCode(enum.Enum):
    CIVIL_LIABILITY = "civil_liability"
    ALL_RISKS_DAMAGE = "all_risks_damage"  # dommages tous accidents (collision)
    THEFT = "theft"
    FIRE = "fire"
    GLASS = "glass"
    NATURAL_DISASTER = "natural_disaster"  # catastrophes naturelles
    CLIMATE_EVENTS = "climate_events"  # tempête, grêle, inondation hors cat nat
    VANDALISM = "vandalism"
    LEGAL_PROTECTION = "legal_protection"
    DRIVER_PROTECTION = "driver_protection"
    ASSISTANCE = "assistance"


COVERAGE_LABELS = {
    CoverageCode.CIVIL_LIABILITY: "Responsabilité civile",
    CoverageCode.ALL_RISKS_DAMAGE: "Dommages tous accidents",
    CoverageCode.THEFT: "Vol",
    CoverageCode.FIRE: "Incendie",
    CoverageCode.GLASS: "Bris de glace",
    CoverageCode.NATURAL_DISASTER: "Catastrophes naturelles",
    CoverageCode.CLIMATE_EVENTS: "Événements climatiques",
    CoverageCode.VANDALISM: "Vandalisme",
    CoverageCode.LEGAL_PROTECTION: "Protection juridique",
    CoverageCode.DRIVER_PROTECTION: "Garantie du conducteur",
    CoverageCode.ASSISTANCE: "Assistance 0 km",
}


class Contract(Versioned, Base):
    __tablename__ = "contract"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    product: Mapped[Product] = mapped_column(str_enum(Product, "product"))
    status: Mapped[ContractStatus] = mapped_column(str_enum(ContractStatus, "contract_status"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    termination_reason: Mapped[str | None] = mapped_column(String(200))
    renewal_date: Mapped[date] = mapped_column(Date)
    automatic_renewal: Mapped[bool] = mapped_column(Boolean, default=True)
    annual_premium: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    payment_schedule: Mapped[PaymentSchedule] = mapped_column(str_enum(PaymentSchedule, "payment_schedule"))
    bonus_malus: Mapped[Decimal] = mapped_column(Numeric(3, 2), default=Decimal("1.00"))
    years_at_minimum_bonus: Mapped[int] = mapped_column(Integer, default=0)
    replacement_value_option: Mapped[bool] = mapped_column(Boolean, default=False)
    vehicle_registration: Mapped[str] = mapped_column(String(16), index=True)
    vehicle_make: Mapped[str] = mapped_column(String(60))
    vehicle_model: Mapped[str] = mapped_column(String(60))
    vehicle_first_registration: Mapped[date] = mapped_column(Date)
    vehicle_value: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    drivers: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=list
    )  # name, birth_date, licence_date
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    customer: Mapped[Customer] = relationship(back_populates="contracts")
    coverages: Mapped[list[Coverage]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="Coverage.id"
    )

    __table_args__ = (
        CheckConstraint("bonus_malus >= 0.50 AND bonus_malus <= 3.50", name="bonus_malus_range"),
        Index("ix_contract_status_product", "status", "product"),
    )


class Coverage(Base):
    __tablename__ = "coverage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    code: Mapped[CoverageCode] = mapped_column(str_enum(CoverageCode, "coverage_code"))
    deductible: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0"))
    ceiling: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    exclusions: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)

    contract: Mapped[Contract] = relationship(back_populates="coverages")

    @property
    def label(self) -> str:
        return COVERAGE_LABELS[self.code]
