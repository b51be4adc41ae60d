"""Rows the unlock tests need, built directly (the verification workflows are another area's)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice.db import Database
from backoffice.models import (
    ApprovalRequest,
    AuditRecord,
    BankDetailsChange,
    BankDetailsChangeStatus,
    CodeChannel,
    ContractStatus,
    LockEvent,
    LockReason,
    OneTimeCode,
    OutboxMessage,
    PortalAccount,
    VerificationCase,
    VerificationPurpose,
    VerificationStatus,
)
from backoffice.workflows import unlock
from backoffice.workflows.context import Actor, now
from backoffice.workflows.unlock import IdentificationAnswers
from tests.factories import make_account, make_contract, make_customer

NEW_IBAN = "FR7630006000011234567890189"
VERIFICATION_STATES = ("none", "verified", "stale", "identity_only", "rejected")


def make_case(
    session: Session,
    customer_id: int,
    opened_by: Actor,
    state: str = "verified",
    *,
    covered: tuple[str, ...] = ("identity", "address"),
    proposed_iban: str | None = None,
) -> VerificationCase | None:
    """A verification case in the given state: "verified" (recent), "stale" (too old), "identity_only",
    "rejected", or "none" (no case at all)."""
    if state == "none":
        return None
    moment = now(session)
    days = session.info["settings"].verification.verification_valid_days
    decided = moment - timedelta(days=days + 1) if state == "stale" else moment - timedelta(days=1)
    case = VerificationCase(
        customer_id=customer_id,
        purpose=VerificationPurpose.BANK_DETAILS_CHANGE if proposed_iban else VerificationPurpose.UNLOCK,
        status=VerificationStatus.REJECTED if state == "rejected" else VerificationStatus.VERIFIED,
        covered=["identity"] if state == "identity_only" else list(covered),
        opened_by_id=opened_by.agent_id,
        opened_at=decided - timedelta(hours=1),
        decided_by_id=opened_by.agent_id,
        decided_at=decided,
        decision_reason="Pièces conformes",
        proposed_iban=proposed_iban,
        proposed_bic="SOGEFRPP" if proposed_iban else None,
        proposed_holder="MME LEFEVRE MARIE HELENE" if proposed_iban else None,
    )
    session.add(case)
    session.flush()
    return case


@dataclass(frozen=True)
class Locked:
    customer_id: int
    account_id: int
    version: int
    contract_number: str
    answers: IdentificationAnswers


def make_locked(
    db: Database,
    reason: LockReason,
    *,
    case_by: Actor | None = None,
    verification: str = "none",
    contract_status: ContractStatus = ContractStatus.ACTIVE,
    other_active_contract: bool = False,
    bank_change_pending: bool = False,
    **customer: object,
) -> Locked:
    with db.write() as s:
        c = make_customer(s, **customer)
        contract = make_contract(s, c, status=contract_status)
        if other_active_contract:
            make_contract(s, c)
        account = make_account(
            s, c, locked=reason, failed_attempts=5 if reason is LockReason.FAILED_LOGINS else 0
        )
        if case_by is not None:
            make_case(s, c.id, case_by, verification)
        if bank_change_pending:
            assert case_by is not None
            rib = make_case(s, c.id, case_by, "verified", covered=("bank_details",), proposed_iban=NEW_IBAN)
            assert rib is not None
            s.add(
                BankDetailsChange(
                    customer_id=c.id,
                    old_iban=c.iban,
                    new_iban=NEW_IBAN,
                    new_holder="MME LEFEVRE MARIE HELENE",
                    verification_case_id=rib.id,
                    status=BankDetailsChangeStatus.PENDING_APPROVAL,
                    requested_by_id=case_by.agent_id,
                    requested_at=now(s),
                )
            )
        s.flush()
        return Locked(
            c.id,
            account.id,
            account.version,
            contract.number,
            IdentificationAnswers(c.birth_date, c.postcode, contract.number.lower()),
        )


def footprint(db: Database, customer_id: int, account_id: int) -> dict[str, object]:
    """Everything an unlock attempt could leave behind, besides the audit trail."""
    with db.read() as s:
        account = s.get(PortalAccount, account_id)
        assert account is not None
        return {
            "account": (account.version, account.status, account.lock_reason, account.failed_attempts),
            "codes": s.execute(select(func.count()).where(OneTimeCode.account_id == account_id)).scalar_one(),
            "outbox": s.execute(
                select(func.count()).where(OutboxMessage.customer_id == customer_id)
            ).scalar_one(),
            "requests": s.execute(
                select(func.count()).where(ApprovalRequest.customer_id == customer_id)
            ).scalar_one(),
            "unlocked_events": s.execute(
                select(func.count()).where(
                    LockEvent.account_id == account_id, LockEvent.unlocked_at.is_not(None)
                )
            ).scalar_one(),
        }


def audit_rows(db: Database, customer_id: int) -> list[AuditRecord]:
    with db.read() as s:
        return list(
            s.execute(
                select(AuditRecord).where(AuditRecord.customer_id == customer_id).order_by(AuditRecord.seq)
            ).scalars()
        )


_CODE = re.compile(r"\b(\d{6,})\b")


def code_sent(db: Database, customer_id: int) -> str:
    """What the customer reads in the latest code message (as the gateway would deliver it)."""
    with db.read() as s:
        body = s.execute(
            select(OutboxMessage.body)
            .where(OutboxMessage.customer_id == customer_id, OutboxMessage.kind == "unlock_code")
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        ).scalar_one()
    match = _CODE.search(body or "")
    assert match, "the code message holds the code until it is exported"
    return match.group(1)


def unlocked(
    db: Database, agents: dict[str, Actor], channel: CodeChannel = CodeChannel.SMS, **customer: object
) -> Locked:
    """A failed-logins lock lifted by the agent: the code and the notices are in the outbox."""
    locked = make_locked(db, LockReason.FAILED_LOGINS, **customer)
    with db.write() as s:
        unlock.unlock_account(
            s,
            agents["agent"],
            locked.account_id,
            expected_version=locked.version,
            channel=channel,
            answers=locked.answers,
        )
    return locked
