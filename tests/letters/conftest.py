"""A customer with a contract, a claim declared today, an expert mandated, a verification case and an IBAN change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from backoffice.clock import PARIS
from backoffice.db import Database
from backoffice.models import (
    AppraisalAssignment,
    AppraisalMode,
    AssignmentKind,
    AssignmentStatus,
    BankDetailsChange,
    BankDetailsChangeStatus,
    Claim,
    ClaimStatus,
    ClaimType,
    DeclarationChannel,
    Document,
    DocumentKind,
    Expert,
    VerificationCase,
    VerificationPurpose,
    VerificationStatus,
)
from backoffice.models.documents import Blob
from backoffice.workflows.context import Actor
from tests.factories import make_contract, make_customer


@dataclass(frozen=True)
class Case:
    customer_id: int
    contract_id: int
    claim_id: int
    expert_id: int
    verification_case_id: int
    bank_change_id: int


def add_claim(session, contract, number: str, *, declared_at: datetime, **overrides) -> Claim:  # type: ignore[no-untyped-def]
    values = {
        "number": number,
        "contract_id": contract.id,
        "customer_id": contract.customer_id,
        "claim_type": ClaimType.COLLISION,
        "channel": DeclarationChannel.PHONE,
        "occurred_on": date(2026, 11, 23),
        "known_on": date(2026, 11, 23),
        "declared_at": declared_at,
        "circumstances": "Choc arrière à un feu rouge.",
        "place": "Avenue Jean Jaurès, Noisy-le-Sec",
        "safety_parts_declared": False,
        "status": ClaimStatus.DECLARED,
        "created_at": declared_at,
        "updated_at": declared_at,
    }
    values.update(overrides)
    claim = Claim(**values)
    session.add(claim)
    session.flush()
    return claim


@pytest.fixture
def case(db: Database, agents: dict[str, Actor]) -> Case:
    handler = agents["claims_handler"]
    with db.write() as s:
        customer = make_customer(s, client_number="TI0001234567")
        contract = make_contract(s, customer, number="AUT0008000123", vehicle_registration="GA-123-BC")
        declared = datetime(2026, 11, 26, 9, 15, tzinfo=PARIS)
        claim = add_claim(
            s,
            contract,
            "S2026-004211",
            declared_at=declared,
            assessed_damage=Decimal("3412.80"),
            deductible_applied=Decimal("300.00"),
            indemnity_amount=Decimal("3112.80"),
            indemnity_basis="depreciated_value",
            fault_share=100,
        )
        add_claim(
            s,
            contract,
            "S2024-000077",
            declared_at=datetime(2024, 1, 16, 10, 0, tzinfo=PARIS),
            claim_type=ClaimType.GLASS,
            occurred_on=date(2024, 1, 15),
            fault_share=0,
            status=ClaimStatus.SETTLED,
        )
        expert = Expert(
            firm="Cabinet Expertises de l'Est",
            name="Karim Benali",
            email="k.benali@expertises-est.fr",
            home_departement="93",
            capacity=10,
            active=True,
            created_at=declared,
        )
        s.add(expert)
        s.flush()
        s.add(
            AppraisalAssignment(
                claim_id=claim.id,
                expert_id=expert.id,
                kind=AssignmentKind.INITIAL,
                mode=AppraisalMode.ON_SITE,
                status=AssignmentStatus.MANDATED,
                choice="proposed",
                assigned_by_id=handler.agent_id,
                mandated_at=declared + timedelta(minutes=30),
                due_on=date(2026, 12, 10),
            )
        )
        s.add(Blob(sha256="a" * 64, size=3, mime_type="image/jpeg", content=b"abc", created_at=declared))
        document = Document(
            customer_id=customer.id,
            kind=DocumentKind.IDENTITY_DOCUMENT,
            blob_sha256="a" * 64,
            original_filename="cni.jpg",
            mime_type="image/jpeg",
            size=3,
            uploaded_by_id=agents["agent"].agent_id,
            uploaded_at=declared,
        )
        s.add(document)
        verification = VerificationCase(
            customer_id=customer.id,
            purpose=VerificationPurpose.UNLOCK,
            status=VerificationStatus.VERIFIED,
            opened_by_id=agents["agent"].agent_id,
            opened_at=declared,
            decided_by_id=agents["agent"].agent_id,
            decided_at=declared + timedelta(hours=1),
            documents=[document],
        )
        s.add(verification)
        s.flush()
        change = BankDetailsChange(
            customer_id=customer.id,
            old_iban="FR1420041010050500013M02606",
            new_iban="FR7630006000011234567890189",
            new_holder="MME LEFEVRE MARIE HELENE",
            verification_case_id=verification.id,
            status=BankDetailsChangeStatus.APPLIED,
            requested_by_id=agents["agent"].agent_id,
            requested_at=declared,
            applied_at=declared + timedelta(hours=2),
        )
        s.add(change)
        s.flush()
        return Case(customer.id, contract.id, claim.id, expert.id, verification.id, change.id)
