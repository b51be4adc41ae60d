"""Builders for claims tests: a customer with a contract, experts, and phone declarations."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from backoffice.db import Database
from backoffice.models import ClaimType, Expert, ExpertArea, ExpertSpecialty, Specialty
from backoffice.workflows.claims import ClaimRef, Declaration, declare_claim
from backoffice.workflows.context import Actor, now
from tests.factories import make_contract, make_customer

_experts = itertools.count(1)


def make_expert(
    session: Session,
    *,
    name: str | None = None,
    home: str = "93",
    areas: tuple[str, ...] = ("93", "75", "94"),
    specialties: tuple[Specialty, ...] = (Specialty.CAR,),
    capacity: int = 10,
    active: bool = True,
) -> Expert:
    n = next(_experts)
    expert = Expert(
        firm=f"Cabinet Expertise {n}",
        name=name or f"Expert {n}",
        email=f"expert{n}@example.fr",
        home_departement=home,
        capacity=capacity,
        active=active,
        created_at=now(session),
    )
    expert.areas = [ExpertArea(departement=d) for d in areas]
    expert.specialties = [ExpertSpecialty(specialty=s) for s in specialties]
    session.add(expert)
    session.flush()
    return expert


def contract_number(db: Database, **contract: Any) -> str:
    with db.write() as s:
        customer = make_customer(s)
        return make_contract(s, customer, **contract).number


def declaration(number: str, **overrides: Any) -> Declaration:
    base = Declaration(
        contract_number=number,
        claim_type=ClaimType.COLLISION,
        occurred_on=date(2026, 11, 23),
        known_on=date(2026, 11, 23),
        circumstances="Choc arrière à un feu rouge, avenue Gallieni.",
        place="Noisy-le-Sec",
        place_postcode="93130",
        estimated_amount=Decimal("2400.00"),
    )
    return replace(base, **overrides)


def declare(db: Database, actor: Actor, number: str, **overrides: Any) -> ClaimRef:
    with db.write() as s:
        return declare_claim(s, actor, declaration(number, **overrides))
