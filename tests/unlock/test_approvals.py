"""Four-eyes approvals: a different supervisor, once, even when two click at the same moment."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from backoffice.db import Database
from backoffice.errors import BackofficeError, ConcurrentEdit, InvalidInput, Refused
from backoffice.models import (
    AccountStatus,
    ApprovalRequest,
    ApprovalStatus,
    AuditRecord,
    CodeChannel,
    LockEvent,
    LockReason,
    OneTimeCode,
    PortalAccount,
)
from backoffice.workflows import approvals, unlock
from backoffice.workflows.context import Actor
from tests.unlock.builders import Locked, make_locked


def request_unlock(db: Database, requester: Actor, verifier: Actor) -> tuple[Locked, int]:
    locked = make_locked(db, LockReason.FRAUD_SUSPICION, case_by=verifier, verification="verified")
    with db.write() as s:
        outcome = unlock.unlock_account(
            s, requester, locked.account_id, expected_version=locked.version, channel=CodeChannel.EMAIL
        )
    assert outcome.approval_request_id is not None
    return locked, outcome.approval_request_id


def test_another_supervisor_approves_and_the_unlock_runs(db: Database, agents: dict[str, Actor]) -> None:
    locked, request_id = request_unlock(db, agents["agent"], agents["agent2"])
    with db.read() as s:
        queue = approvals.list_pending(s, agents["supervisor"])
        state = unlock.account_state(s, agents["agent"], locked.customer_id)
    assert [(q.id, q.own, q.requested_by) for q in queue] == [(request_id, False, "Alice Martin")]
    assert state.pending_request is not None and not state.can_unlock
    with db.write() as s:
        decision = approvals.approve(s, agents["supervisor"], request_id)
    assert decision.status is ApprovalStatus.EXECUTED and "e-mail" in decision.message
    with db.read() as s:
        account = s.get(PortalAccount, locked.account_id)
        event = s.execute(select(LockEvent).where(LockEvent.account_id == locked.account_id)).scalar_one()
        assert account is not None and account.status is AccountStatus.ACTIVE
        assert event.unlocked_by_id == agents["agent"].agent_id and event.unlocked_at is not None
        assert approvals.list_pending(s, agents["supervisor2"]) == []
        mine = approvals.my_requests(s, agents["agent"])
    assert mine[0].status_label == "Exécutée" and mine[0].decided_by == "Sophie Laurent"


def test_requester_cannot_approve_own_request(db: Database, agents: dict[str, Actor]) -> None:
    _locked, request_id = request_unlock(db, agents["supervisor"], agents["agent2"])
    with db.read() as s:
        assert approvals.list_pending(s, agents["supervisor"])[0].own
    for decide in (
        lambda s: approvals.approve(s, agents["supervisor"], request_id),
        lambda s: approvals.reject(s, agents["supervisor"], request_id, "je me ravise"),
    ):
        with pytest.raises(Refused, match="propre demande"), db.write() as s:
            decide(s)
    with pytest.raises(Refused, match="Votre rôle"), db.write() as s:
        approvals.approve(s, agents["agent2"], request_id)
    with db.read() as s:
        assert s.get(ApprovalRequest, request_id).status is ApprovalStatus.PENDING  # type: ignore[union-attr]
        refusals = s.execute(
            select(func.count()).where(
                AuditRecord.outcome == "refused", AuditRecord.target_id == str(request_id)
            )
        ).scalar_one()
    assert refusals == 3
    with db.write() as s:
        approvals.approve(s, agents["supervisor2"], request_id)


def test_reject_needs_a_comment_and_cancel_is_for_the_requester(
    db: Database, agents: dict[str, Actor]
) -> None:
    locked, request_id = request_unlock(db, agents["agent"], agents["agent2"])
    with pytest.raises(InvalidInput, match="pourquoi"), db.write() as s:
        approvals.reject(s, agents["supervisor"], request_id, " ")
    with pytest.raises(Refused, match="auteur"), db.write() as s:
        approvals.cancel(s, agents["agent2"], request_id)
    with db.write() as s:
        approvals.reject(s, agents["supervisor"], request_id, "Pièce d'identité douteuse")
    with pytest.raises(ConcurrentEdit, match="déjà été traitée par Sophie Laurent"), db.write() as s:
        approvals.approve(s, agents["supervisor2"], request_id)
    with db.read() as s:
        assert s.get(PortalAccount, locked.account_id).status is AccountStatus.LOCKED  # type: ignore[union-attr]
        assert approvals.my_requests(s, agents["agent"])[0].decision_comment == "Pièce d'identité douteuse"
    # After a rejection a new request may be made, and its author may withdraw it.
    with db.read() as s:
        version = unlock.account_state(s, agents["agent"], locked.customer_id).version
    with db.write() as s:
        again = unlock.unlock_account(
            s, agents["agent"], locked.account_id, expected_version=version, channel=CodeChannel.SMS
        )
    with db.write() as s:
        assert (
            approvals.cancel(s, agents["agent"], again.approval_request_id).status is ApprovalStatus.CANCELLED
        )  # type: ignore[arg-type]


def test_approval_rechecks_the_verification(db: Database, agents: dict[str, Actor], clock: Any) -> None:
    from datetime import timedelta

    locked, request_id = request_unlock(db, agents["agent"], agents["agent2"])
    clock.advance(timedelta(days=db.settings.verification.verification_valid_days))
    with pytest.raises(Refused, match="plus valable"), db.write() as s:
        approvals.approve(s, agents["supervisor"], request_id)
    with db.read() as s:
        assert s.get(ApprovalRequest, request_id).status is ApprovalStatus.PENDING  # type: ignore[union-attr]
        assert s.get(PortalAccount, locked.account_id).status is AccountStatus.LOCKED  # type: ignore[union-attr]


def run_together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Start the calls at the same instant on their own threads (own connections) and collect the outcomes."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index]()
        except BaseException as exc:
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_supervisors_approving_at_once_unlock_once(db: Database, agents: dict[str, Actor]) -> None:
    for _round in range(3):
        locked, request_id = request_unlock(db, agents["agent"], agents["agent2"])
        with db.read() as s:
            version = s.get(ApprovalRequest, request_id).version  # type: ignore[union-attr]

        def approve_as(who: str, request_id: int = request_id, version: int = version) -> Callable[[], Any]:
            def call() -> Any:
                with db.write() as s:
                    return approvals.approve(s, agents[who], request_id, expected_version=version)

            return call

        results = run_together([approve_as("supervisor"), approve_as("supervisor2")])
        winners = [r for r in results if isinstance(r, approvals.Decision)]
        losers = [r for r in results if isinstance(r, BackofficeError)]
        assert len(winners) == 1 and len(losers) == 1, results
        assert isinstance(losers[0], ConcurrentEdit) and "déjà été traitée" in losers[0].message
        with db.read() as s:
            assert (
                s.execute(
                    select(func.count()).where(OneTimeCode.account_id == locked.account_id)
                ).scalar_one()
                == 1
            )
            unlocks = s.execute(
                select(func.count()).where(
                    AuditRecord.action == "approval.approve",
                    AuditRecord.outcome == "ok",
                    AuditRecord.target_id == str(request_id),
                )
            ).scalar_one()
            assert unlocks == 1
            assert s.get(ApprovalRequest, request_id).status is ApprovalStatus.EXECUTED  # type: ignore[union-attr]
