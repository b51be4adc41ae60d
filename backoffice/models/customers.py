"""Customers (assurés): identity, contact details, bank details and the folded keys the lookup searches."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Base, Versioned, str_enum

if TYPE_CHECKING:
    from backoffice.models.contracts import Contract


class Civility(enum.Enum):
    MR = "M."
    MRS = "Mme"


class CustomerKind(enum.Enum):
    CUSTOMER = "customer"
    PROSPECT = "prospect"


def display_name(civility: Civility, first_names: str, last_name: str) -> str:
    """How a customer is named on every screen and letter: « M. Jean-Pierre DUPONT ».

    ``_value_`` rather than ``value`` (a descriptor): this runs for every line of a search's results."""
    return f"{civility._value_} {first_names} {last_name.upper()}"


class Customer(Versioned, Base):
    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_number: Mapped[str] = mapped_column(String(12), unique=True)
    kind: Mapped[CustomerKind] = mapped_column(
        str_enum(CustomerKind, "customer_kind"), default=CustomerKind.CUSTOMER
    )
    civility: Mapped[Civility] = mapped_column(str_enum(Civility, "civility"))
    last_name: Mapped[str] = mapped_column(String(80))
    birth_name: Mapped[str | None] = mapped_column(String(80))
    first_names: Mapped[str] = mapped_column(String(120))
    birth_date: Mapped[date] = mapped_column(Date)
    birth_place: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone_mobile: Mapped[str | None] = mapped_column(String(20))  # E.164
    phone_home: Mapped[str | None] = mapped_column(String(20))  # E.164
    address_line: Mapped[str] = mapped_column(String(120))  # number and street
    address_complement: Mapped[str | None] = mapped_column(String(120))
    postcode: Mapped[str] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(80))
    country: Mapped[str] = mapped_column(String(2), default="FR")
    iban: Mapped[str | None] = mapped_column(String(34))
    bic: Mapped[str | None] = mapped_column(String(11))
    bank_holder: Mapped[str | None] = mapped_column(String(120))
    iban_changed_at: Mapped[datetime | None]
    relationship_ended_on: Mapped[date | None] = mapped_column(Date)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    last_activity_at: Mapped[datetime]

    # Folded search keys (backoffice.checks.text.fold), maintained by the workflows that write names/contacts.
    last_name_key: Mapped[str] = mapped_column(String(80))
    first_names_key: Mapped[str] = mapped_column(String(120))
    email_key: Mapped[str | None] = mapped_column(String(254))
    iban_last4: Mapped[str | None] = mapped_column(String(4))

    contracts: Mapped[list[Contract]] = relationship(
        back_populates="customer", order_by="Contract.start_date.desc()"
    )

    __table_args__ = (
        Index("ix_customer_first_names_key", "first_names_key"),
        Index("ix_customer_email_key", "email_key"),
        Index("ix_customer_phone_mobile", "phone_mobile"),
        Index("ix_customer_phone_home", "phone_home"),
        Index("ix_customer_postcode", "postcode"),
        Index("ix_customer_iban_last4", "iban_last4"),
        Index("ix_customer_birth_date", "birth_date"),
    )

    @property
    def display_name(self) -> str:
        return display_name(self.civility, self.first_names, self.last_name)


#: What a list of customers shows besides the name index's own columns (search results, possible duplicates).
LOOKUP_SUMMARY = [
    "client_number",
    "civility",
    "first_names",
    "last_name",
    "birth_date",
    "postcode",
    "city",
    "merged_into_id",
]

# The name search's whole ORDER BY: read in index order, no sort, so LIMIT 50 stops at 50 rows whatever the planner
# guesses about the range (PostgreSQL's guess for "roy…" was 33 rows instead of 5,130).
Index(
    "ix_customer_name_order",
    Customer.last_name_key,
    Customer.first_names_key,
    Customer.last_activity_at.desc(),
    Customer.id,
    # PostgreSQL reads a page of results from the index alone (an index-only scan) instead of one table page
    # per customer shown: 50 random page reads for a common name. SQLite has no INCLUDE; its table pages are
    # in the workstation's cache.
    postgresql_include=LOOKUP_SUMMARY,
)
