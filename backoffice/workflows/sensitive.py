"""Masked personal data on screen; revealing it is a deliberate, audited act."""

from __future__ import annotations

from sqlalchemy.orm import Session

from backoffice.checks.bank import format_iban, mask_iban
from backoffice.errors import InvalidInput, NotFound
from backoffice.models import Customer
from backoffice.workflows import audit
from backoffice.workflows.context import Actor
from backoffice.workflows.permissions import Permission, require

REVEALABLE = {"iban": "IBAN"}


def masked_iban(iban: str | None) -> str:
    return mask_iban(iban) if iban else "—"


def reveal(session: Session, actor: Actor, customer_id: int, field: str) -> str:
    """Return the full value for display, after recording who looked at it and when (never the value itself)."""
    if field not in REVEALABLE:
        raise InvalidInput(f"Donnée non affichable : {field}.")
    require(
        session,
        actor,
        Permission.SENSITIVE_REVEAL,
        target_type="customer",
        target_id=customer_id,
        customer_id=customer_id,
    )
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("Client introuvable.")
    value = getattr(customer, field)
    audit.record(
        session,
        actor,
        "sensitive.reveal",
        f"Affichage en clair : {REVEALABLE[field]}",
        target_type="customer",
        target_id=customer_id,
        customer_id=customer_id,
        details={"field": field},
    )
    return format_iban(value) if field == "iban" and value else (value or "")
