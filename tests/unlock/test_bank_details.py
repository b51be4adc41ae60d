"""IBAN change: a verified RIB, the customer told at the old contact details, four eyes after a security lock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from backoffice.db import Database
from backoffice.errors import InvalidInput, Refused
from backoffice.models import (
    ApprovalStatus,
    BankDetailsChange,
    BankDetailsChangeStatus,
    CodeChannel,
    Customer,
    LockReason,
    OutboxMessage,
)
from backoffice.workflows import approvals, bank_details, unlock
from backoffice.workflows.context import Actor
from tests.factories import make_account, make_customer
from tests.unlock.builders import NEW_IBAN, make_case, make_locked

OLD_IBAN = "FR1420041010050500013M02606"


def customer_with_rib(
    db: Database, by: Actor, state: str = "verified", lock: LockReason | None = None
) -> tuple[int, int, int]:
    with db.write() as s:
        c = make_customer(s, email="ancien@example.fr", phone_mobile="+33611111111")
        make_account(s, c, locked=lock)
        case = make_case(s, c.id, by, state, covered=("identity", "bank_details"), proposed_iban=NEW_IBAN)
        return c.id, (case.id if case else 0), c.version


def change(
    db: Database, actor: Actor, customer_id: int, case_id: int, version: int
) -> bank_details.BankChangeOutcome:
    with db.write() as s:
        return bank_details.request_change(s, actor, customer_id, case_id, expected_version=version)


def test_change_applied_and_customer_told_at_old_contacts(db: Database, agents: dict[str, Actor]) -> None:
    customer_id, case_id, version = customer_with_rib(db, agents["agent2"])
    outcome = change(db, agents["agent"], customer_id, case_id, version)
    assert outcome.status is BankDetailsChangeStatus.APPLIED and outcome.new_iban_masked.endswith("0 189")
    with db.read() as s:
        c = s.get(Customer, customer_id)
        assert c is not None
        assert (c.iban, c.bic, c.bank_holder, c.iban_last4) == (
            NEW_IBAN,
            "SOGEFRPP",
            "MME LEFEVRE MARIE HELENE",
            "0189",
        )
        assert c.iban_changed_at is not None
        notices = (
            s.execute(select(OutboxMessage).where(OutboxMessage.customer_id == customer_id)).scalars().all()
        )
    assert {(m.channel.value, m.recipient) for m in notices} == {
        ("email", "ancien@example.fr"),
        ("sms", "+33611111111"),
    }
    assert all(
        m.kind == "bank_details_changed" and "0189" in (m.body or "") and NEW_IBAN not in (m.body or "")
        for m in notices
    )


@pytest.mark.parametrize("state", ["none", "stale", "rejected", "identity_only"])
def test_change_needs_a_recent_verified_rib(db: Database, agents: dict[str, Actor], state: str) -> None:
    customer_id, case_id, version = customer_with_rib(db, agents["agent2"], state)
    if state == "none":
        with db.write() as s:
            case_id = make_case(
                s, customer_id, agents["agent2"], "verified", covered=("identity", "address")
            ).id  # type: ignore[union-attr]
    with pytest.raises(Refused, match="Changement d'IBAN refusé"):
        change(db, agents["agent"], customer_id, case_id, version)
    with db.read() as s:
        assert s.get(Customer, customer_id).iban == OLD_IBAN  # type: ignore[union-attr]
        assert s.execute(select(BankDetailsChange)).first() is None


def test_roles_without_the_permission_are_refused(db: Database, agents: dict[str, Actor]) -> None:
    customer_id, case_id, version = customer_with_rib(db, agents["agent2"])
    for role in ("claims_handler", "admin"):
        with pytest.raises(Refused, match="Votre rôle"):
            change(db, agents[role], customer_id, case_id, version)
    with pytest.raises(InvalidInput, match="déjà celui"):
        with db.write() as s:
            s.get(Customer, customer_id).iban = NEW_IBAN  # type: ignore[union-attr]
            version += 1
        change(db, agents["agent"], customer_id, case_id, version)


@pytest.mark.parametrize("now_locked", [True, False], ids=["locked_now", "locked_last_month"])
def test_security_lock_requires_a_second_supervisor(
    db: Database, agents: dict[str, Actor], clock: Any, now_locked: bool
) -> None:
    customer_id, case_id, version = customer_with_rib(db, agents["agent2"], lock=LockReason.SECURITY)
    if not now_locked:
        locked = make_locked(db, LockReason.SECURITY, case_by=agents["agent2"], verification="verified")
        with db.write() as s:
            unlock.unlock_account(
                s,
                agents["agent"],
                locked.account_id,
                expected_version=locked.version,
                channel=CodeChannel.EMAIL,
            )
            customer_id = locked.customer_id
            case = make_case(
                s,
                customer_id,
                agents["agent2"],
                "verified",
                covered=("identity", "bank_details"),
                proposed_iban=NEW_IBAN,
            )
            case_id = case.id  # type: ignore[union-attr]
            version = s.get(Customer, customer_id).version  # type: ignore[union-attr]
        clock.advance(timedelta(days=20))
    outcome = change(db, agents["agent"], customer_id, case_id, version)
    assert outcome.status is BankDetailsChangeStatus.PENDING_APPROVAL and outcome.approval_request_id
    with db.read() as s:
        assert s.get(Customer, customer_id).iban == OLD_IBAN  # type: ignore[union-attr]
        queue = approvals.list_pending(s, agents["supervisor"])
    assert queue[0].detail.endswith("0 189") and NEW_IBAN not in queue[0].detail
    with db.write() as s:
        decision = approvals.approve(s, agents["supervisor"], outcome.approval_request_id)
    assert decision.status is ApprovalStatus.EXECUTED
    with db.read() as s:
        assert s.get(Customer, customer_id).iban == NEW_IBAN  # type: ignore[union-attr]
        assert s.get(BankDetailsChange, outcome.change_id).status is BankDetailsChangeStatus.APPLIED  # type: ignore[union-attr]


def test_old_security_lock_no_longer_requires_four_eyes(
    db: Database, agents: dict[str, Actor], clock: Any
) -> None:
    locked = make_locked(db, LockReason.SECURITY, case_by=agents["agent2"], verification="verified")
    with db.write() as s:
        unlock.unlock_account(
            s, agents["agent"], locked.account_id, expected_version=locked.version, channel=CodeChannel.EMAIL
        )
    clock.advance(timedelta(days=db.settings.unlock.recent_security_lock_days + 1))
    with db.write() as s:
        case = make_case(
            s,
            locked.customer_id,
            agents["agent2"],
            "verified",
            covered=("identity", "bank_details"),
            proposed_iban=NEW_IBAN,
        )
        version = s.get(Customer, locked.customer_id).version  # type: ignore[union-attr]
    outcome = change(db, agents["agent"], locked.customer_id, case.id, version)  # type: ignore[union-attr]
    assert outcome.status is BankDetailsChangeStatus.APPLIED


def test_rejected_change_leaves_the_file_untouched(db: Database, agents: dict[str, Actor]) -> None:
    customer_id, case_id, version = customer_with_rib(db, agents["agent2"], lock=LockReason.FRAUD_SUSPICION)
    outcome = change(db, agents["agent"], customer_id, case_id, version)
    with pytest.raises(Refused, match="attend déjà"):
        change(db, agents["agent2"], customer_id, case_id, version)
    with db.write() as s:
        approvals.reject(s, agents["supervisor"], outcome.approval_request_id, "RIB au nom d'un tiers")  # type: ignore[arg-type]
    with db.read() as s:
        assert s.get(Customer, customer_id).iban == OLD_IBAN  # type: ignore[union-attr]
        assert s.get(BankDetailsChange, outcome.change_id).status is BankDetailsChangeStatus.REJECTED  # type: ignore[union-attr]
        assert (
            s.execute(select(OutboxMessage).where(OutboxMessage.customer_id == customer_id)).first() is None
        )
