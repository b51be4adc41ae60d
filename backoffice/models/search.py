"""Auxiliary search tables for the one-typo name lookup, kept in sync by database triggers.

Typo tolerance works on the small set of *distinct* folded last names, never on the million customer rows:
a typo lookup finds the few names within one edit of what was typed, then reads their customers through the
ordered name index. The triggers (migration 0002) fill these tables whatever writes a customer — workflows,
the demo builder, bulk loads — so they can never fall out of step with ``Customer.last_name_key``.

Both databases store each name's deletion neighbourhood (the name with any one character removed, plus itself):
two names are within one edit exactly when their neighbourhoods meet (SymSpell), a primary-key lookup per
variant. PostgreSQL used a pg_trgm GIN index until migration 0012: to catch a swap of two letters in a short
name it had to be so loose that it returned a thousand candidates (10–40 ms at a million customers).
"""

from __future__ import annotations

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.models.base import Base
from backoffice.models.customers import Customer


class CustomerNameTerm(Base):
    """One distinct folded last name; never deleted (a stale name merely finds no customer)."""

    __tablename__ = "customer_name_term"

    term: Mapped[str] = mapped_column(String(80), primary_key=True)


class CustomerNameDeletion(Base):
    """A name with one character deleted (or itself), for the typo lookup."""

    __tablename__ = "customer_name_deletion"

    variant: Mapped[str] = mapped_column(String(80), primary_key=True)
    term: Mapped[str] = mapped_column(String(80), primary_key=True)


# The customer file lists the files merged into the one shown (their history is its history): an index lookup.
# Partial, over the few merged files only: a full index made "merged_into_id IS NULL" (every live file) look
# selective to SQLite, which then sorted the whole table for a name search instead of walking the name index.
_MERGED = Customer.merged_into_id.is_not(None)
Index("ix_customer_merged_into_id", Customer.merged_into_id, sqlite_where=_MERGED, postgresql_where=_MERGED)
