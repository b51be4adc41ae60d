"""A small realistic world for the authorization matrix: every id a workflow may ask for points at a real row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from backoffice.db import Database
from backoffice.models import (
    AppraisalAssignment,
    AppraisalMode,
    ApprovalKind,
    ApprovalRequest,
    ApprovalStatus,
    AssignmentKind,
    AssignmentStatus,
    Claim,
    ClaimStatus,
    ClaimType,
    DeclarationChannel,
    Document,
    DocumentKind,
    LockEvent,
    LockReason,
    VerificationCase,
    VerificationPurpose,
    VerificationStatus,
)
from backoffice.models.documents import Blob
from backoffice.workflows.context import Actor, now
from backoffice.workflows.letters import generate_letter
from tests.claims.builders import make_expert
from tests.factories import make_account, make_contract, make_customer

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


@dataclass(frozen=True)
class World:
    customer_id: int
    customer_version: int
    client_number: str
    contract_number: str
    other_customer_id: int
    account_id: int
    account_version: int
    event_id: int
    event_version: int
    request_id: int
    case_id: int
    document_id: int
    claim_id: int
    expert_id: int
    assignment_id: int
    letter_id: int


@pytest.fixture
def world(db: Database, agents: dict[str, Actor]) -> World:
    agent = agents["agent"]
    with db.write() as s:
        moment = now(s)
        customer = make_customer(s, client_number="TI0001234567")
        contract = make_contract(s, customer)
        other = make_customer(s, client_number="TI0007654321", first_names="Marie Hélène")
        make_contract(s, other)
        account = make_account(s, customer, locked=LockReason.FAILED_LOGINS, failed_attempts=5)
        event = s.query(LockEvent).filter_by(account_id=account.id).one()
        request = ApprovalRequest(
            kind=ApprovalKind.UNLOCK_AFTER_FRAUD_SUSPICION,
            status=ApprovalStatus.PENDING,
            customer_id=customer.id,
            account_id=account.id,
            requested_by_id=agents["agent2"].agent_id,
            requested_at=moment,
            reason="Connexions depuis un pays inhabituel",
        )
        s.add(request)
        s.add(Blob(sha256="b" * 64, size=len(JPEG), mime_type="image/jpeg", content=JPEG, created_at=moment))
        document = Document(
            customer_id=customer.id,
            kind=DocumentKind.IDENTITY_DOCUMENT,
            blob_sha256="b" * 64,
            original_filename="cni.jpg",
            mime_type="image/jpeg",
            size=len(JPEG),
            uploaded_by_id=agent.agent_id,
            uploaded_at=moment,
        )
        s.add(document)
        case = VerificationCase(
            customer_id=customer.id,
            purpose=VerificationPurpose.UNLOCK,
            status=VerificationStatus.OPEN,
            opened_by_id=agent.agent_id,
            opened_at=moment,
            documents=[document],
        )
        s.add(case)
        claim = Claim(
            number="S2026-004211",
            contract_id=contract.id,
            customer_id=customer.id,
            claim_type=ClaimType.COLLISION,
            channel=DeclarationChannel.PHONE,
            occurred_on=date(2026, 11, 23),
            known_on=date(2026, 11, 23),
            declared_at=moment - timedelta(days=1),
            circumstances="Choc arrière à un feu rouge.",
            place="Avenue Jean Jaurès, Noisy-le-Sec",
            safety_parts_declared=False,
            status=ClaimStatus.IN_APPRAISAL,
            created_at=moment,
            updated_at=moment,
        )
        s.add(claim)
        expert = make_expert(s, name="Karim Benali")
        s.flush()
        assignment = AppraisalAssignment(
            claim_id=claim.id,
            expert_id=expert.id,
            kind=AssignmentKind.INITIAL,
            mode=AppraisalMode.ON_SITE,
            status=AssignmentStatus.MANDATED,
            choice="proposed",
            assigned_by_id=agents["claims_handler"].agent_id,
            mandated_at=moment,
            due_on=date(2026, 12, 10),
        )
        s.add(assignment)
        s.flush()
        ids = dict(
            customer_id=customer.id,
            customer_version=customer.version,
            client_number=customer.client_number,
            contract_number=contract.number,
            other_customer_id=other.id,
            account_id=account.id,
            account_version=account.version,
            event_id=event.id,
            event_version=event.version,
            request_id=request.id,
            case_id=case.id,
            document_id=document.id,
            claim_id=claim.id,
            expert_id=expert.id,
            assignment_id=assignment.id,
        )
    with db.write() as s:
        letter = generate_letter(s, agents["supervisor"], "ack_claim", claim_id=ids["claim_id"])
    return World(**ids, letter_id=letter.letter_id)  # type: ignore[arg-type]
