"""Auxiliary search tables for the one-typo name lookup, kept in sync by database triggers.

Typo tolerance works on the small set of *distinct* folded last names, never on the million customer rows:
a typo lookup finds the few names within one edit of what was typed, then reads their customers through the
ordered name index. The triggers (migration 0002) fill these tables whatever writes a customer — workflows,
the demo builder, bulk loads — so they can never fall out of step with ``Customer.last_name_key``.

PostgreSQL matches names with a pg_trgm GIN index on ``customer_name_term``; SQLite has no trigram operator, so
it also stores each name's deletion neighbourhood (the name with any one character removed, plus itself):
two names are within one edit exactly when their neighbourhoods meet (SymSpell), an index lookup.
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

    __table_args__ = (
        Index(
            "ix_customer_name_term_trgm",
            "term",
            postgresql_using="gin",
            postgresql_ops={"term": "gin_trgm_ops"},
        ),
    )


class CustomerNameDeletion(Base):
    """SQLite only (empty on PostgreSQL): a name with one character deleted (or itself), for typo lookup."""

    __tablename__ = "customer_name_deletion"

    variant: Mapped[str] = mapped_column(String(80), primary_key=True)
    term: Mapped[str] = mapped_column(String(80), primary_key=True)


# The customer file lists the files merged into the one shown (their history is its history): an index lookup.
# Partial, over the few merged files only: a full index made "merged_into_id IS NULL" (every live file) look
# selective to SQLite, which then sorted the whole table for a name search instead of walking the name index.
_MERGED = Customer.merged_into_id.is_not(None)
Index("ix_customer_merged_into_id", Customer.merged_into_id, sqlite_where=_MERGED, postgresql_where=_MERGED)
