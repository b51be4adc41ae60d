"""Four-eyes approvals: an action that waits until a second, different supervisor agrees.

A decision is a conditional UPDATE (still pending, same version) whose row count decides who won: when two
supervisors click at the same moment, exactly one decision is taken and the action runs once; the other
supervisor is told someone was quicker. The requester can never approve (or reject) their own request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased

from backoffice.checks.bank import mask_iban
from backoffice.errors import ConcurrentEdit, InvalidInput, NotFound, Refused
from backoffice.models import (
    Agent,
    ApprovalKind,
    ApprovalRequest,
    ApprovalStatus,
    BankDetailsChange,
    BankDetailsChangeStatus,
    Customer,
)
from backoffice.models.approvals import APPROVAL_STATUS_LABELS
from backoffice.workflows import audit
from backoffice.workflows.context import Actor, now
from backoffice.workflows.permissions import Permission, require

KIND_LABELS = {
    ApprovalKind.UNLOCK_AFTER_FRAUD_SUSPICION: "Déblocage après suspicion de fraude",
    ApprovalKind.BANK_DETAILS_CHANGE: "Changement d'IBAN",
}


def create_request(
    session: Session,
    actor: Actor,
    kind: ApprovalKind,
    *,
    customer_id: int,
    reason: str,
    payload: dict[str, Any],
    account_id: int | None = None,
    bank_details_change_id: int | None = None,
) -> ApprovalRequest:
    """Queue a request in the caller's transaction (the caller has checked its rule and audits it)."""
    request = ApprovalRequest(
        kind=kind,
        status=ApprovalStatus.PENDING,
        customer_id=customer_id,
        account_id=account_id,
        bank_details_change_id=bank_details_change_id,
        requested_by_id=actor.agent_id,
        requested_at=now(session),
        reason=reason,
        payload=json.dumps(payload, sort_keys=True),
    )
    session.add(request)
    session.flush()
    return request


@dataclass(frozen=True)
class ApprovalItem:
    id: int
    version: int
    kind: ApprovalKind
    kind_label: str
    status: ApprovalStatus
    status_label: str
    customer_id: int
    client_number: str
    customer_name: str
    requested_by: str
    requested_by_id: int
    requested_at: datetime
    reason: str
    detail: str  # e.g. the masked new IBAN
    decided_by: str | None
    decided_at: datetime | None
    decision_comment: str | None
    own: bool  # the viewer made this request: they may cancel it, never approve it


def _items(session: Session, actor: Actor, query: Any) -> list[ApprovalItem]:
    requester = aliased(Agent)
    decider = aliased(Agent)
    rows = session.execute(
        query.add_columns(Customer, requester.full_name, decider.full_name, BankDetailsChange.new_iban)
        .join(Customer, Customer.id == ApprovalRequest.customer_id)
        .join(requester, requester.id == ApprovalRequest.requested_by_id)
        .outerjoin(decider, decider.id == ApprovalRequest.decided_by_id)
        .outerjoin(BankDetailsChange, BankDetailsChange.id == ApprovalRequest.bank_details_change_id)
    ).all()
    items = []
    for request, customer, requested_by, decided_by, new_iban in rows:
        detail = f"Nouvel IBAN {mask_iban(new_iban)}" if new_iban else ""
        items.append(
            ApprovalItem(
                request.id,
                request.version,
                request.kind,
                KIND_LABELS[request.kind],
                request.status,
                APPROVAL_STATUS_LABELS[request.status],
                customer.id,
                customer.client_number,
                customer.display_name,
                requested_by,
                request.requested_by_id,
                request.requested_at,
                request.reason,
                detail,
                decided_by,
                request.decided_at,
                request.decision_comment,
                request.requested_by_id == actor.agent_id,
            )
        )
    return items


def list_pending(session: Session, actor: Actor, limit: int = 200) -> list[ApprovalItem]:
    """The supervisors' queue, oldest first."""
    require(session, actor, Permission.APPROVAL_DECIDE)
    query = (
        select(ApprovalRequest)
        .where(ApprovalRequest.status == ApprovalStatus.PENDING)
        .order_by(ApprovalRequest.requested_at, ApprovalRequest.id)
        .limit(limit)
    )
    return _items(session, actor, query)


def my_requests(session: Session, actor: Actor, limit: int = 50) -> list[ApprovalItem]:
    """What the agent asked for recently and what became of it."""
    require(session, actor, Permission.CUSTOMER_VIEW)
    query = (
        select(ApprovalRequest)
        .where(ApprovalRequest.requested_by_id == actor.agent_id)
        .order_by(ApprovalRequest.requested_at.desc(), ApprovalRequest.id.desc())
        .limit(limit)
    )
    return _items(session, actor, query)


@dataclass(frozen=True)
class Decision:
    request_id: int
    status: ApprovalStatus
    message: str


def _load(
    session: Session, actor: Actor, request_id: int, permission: Permission | None = None
) -> ApprovalRequest:
    """The request, once the actor's permission for it is checked (supervisors decide; by default)."""
    request = session.get(ApprovalRequest, request_id)
    if request is None:
        raise NotFound("Demande de validation introuvable.")
    require(
        session,
        actor,
        permission or Permission.APPROVAL_DECIDE,
        target_type="approval_request",
        target_id=request_id,
        customer_id=request.customer_id,
    )
    return request


def _already_decided(session: Session, request: ApprovalRequest) -> ConcurrentEdit:
    decider = session.get(Agent, request.decided_by_id) if request.decided_by_id else None
    by = f" par {decider.full_name}" if decider else ""
    return ConcurrentEdit(
        f"Cette demande a déjà été traitée{by} (statut : {APPROVAL_STATUS_LABELS[request.status].lower()}).",
        changed_by=decider.username if decider else None,
        changed_at=request.decided_at,
    )


def _claim(
    session: Session,
    actor: Actor,
    request: ApprovalRequest,
    status: ApprovalStatus,
    expected_version: int | None,
    comment: str | None,
) -> None:
    """The race-deciding step: only one UPDATE from 'pending' at this version can match."""
    if request.status is not ApprovalStatus.PENDING:
        raise _already_decided(session, request)
    version = request.version if expected_version is None else expected_version
    result = session.execute(
        update(ApprovalRequest)
        .where(
            ApprovalRequest.id == request.id,
            ApprovalRequest.status == ApprovalStatus.PENDING,
            ApprovalRequest.version == version,
        )
        .values(
            status=status,
            version=version + 1,
            decided_by_id=actor.agent_id,
            decided_at=now(session),
            decision_comment=comment,
        )
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        session.refresh(request)
        raise _already_decided(session, request)
    session.refresh(request)


def _refuse(message: str, actor: Actor, request: ApprovalRequest, action: str) -> Refused:
    return Refused(
        message,
        action=action,
        target_type="approval_request",
        target_id=request.id,
        customer_id=request.customer_id,
        actor=actor,
    )


def approve(
    session: Session, actor: Actor, request_id: int, *, expected_version: int | None = None
) -> Decision:
    """A second supervisor agrees: the action runs now, in the same transaction, exactly once."""
    request = _load(session, actor, request_id)
    if request.requested_by_id == actor.agent_id:
        raise _refuse(
            "Vous ne pouvez pas valider votre propre demande : un autre superviseur doit le faire.",
            actor,
            request,
            "approval.approve",
        )
    _claim(session, actor, request, ApprovalStatus.APPROVED, expected_version, None)
    message = _execute(session, request, actor)
    request.status = ApprovalStatus.EXECUTED
    session.flush()
    audit.record(
        session,
        actor,
        "approval.approve",
        f"Validation (double contrôle) de la demande n° {request.id} — {KIND_LABELS[request.kind]}",
        target_type="approval_request",
        target_id=request.id,
        customer_id=request.customer_id,
        details={"kind": request.kind.value, "requested_by_id": request.requested_by_id},
    )
    return Decision(request.id, request.status, message)


def _execute(session: Session, request: ApprovalRequest, approver: Actor) -> str:
    from backoffice.workflows import bank_details, unlock

    if request.kind is ApprovalKind.UNLOCK_AFTER_FRAUD_SUSPICION:
        return unlock.execute_approved_unlock(session, request, approver)
    return bank_details.execute_approved_change(session, request, approver)


def _close_bank_change(session: Session, request: ApprovalRequest, status: BankDetailsChangeStatus) -> None:
    if request.bank_details_change_id is None:
        return
    change = session.get(BankDetailsChange, request.bank_details_change_id)
    if change is not None and change.status is BankDetailsChangeStatus.PENDING_APPROVAL:
        change.status = status


def reject(
    session: Session, actor: Actor, request_id: int, comment: str, *, expected_version: int | None = None
) -> Decision:
    request = _load(session, actor, request_id)
    comment = comment.strip()
    if len(comment) < 3:
        raise InvalidInput("Indiquez au conseiller pourquoi vous refusez la demande.", "comment")
    if request.requested_by_id == actor.agent_id:
        raise _refuse(
            "Vous ne pouvez pas décider de votre propre demande : annulez-la si elle n'a plus lieu d'être.",
            actor,
            request,
            "approval.reject",
        )
    _claim(session, actor, request, ApprovalStatus.REJECTED, expected_version, comment[:500])
    _close_bank_change(session, request, BankDetailsChangeStatus.REJECTED)
    session.flush()
    audit.record(
        session,
        actor,
        "approval.reject",
        f"Refus de la demande n° {request.id} — {KIND_LABELS[request.kind]}",
        target_type="approval_request",
        target_id=request.id,
        customer_id=request.customer_id,
        details={"kind": request.kind.value},
    )
    return Decision(request.id, request.status, "Demande refusée ; le conseiller verra votre commentaire.")


def cancel(
    session: Session, actor: Actor, request_id: int, *, expected_version: int | None = None
) -> Decision:
    """Only the requester withdraws their request, while it is still pending."""
    kind = session.execute(select(ApprovalRequest.kind).where(ApprovalRequest.id == request_id)).scalar()
    permission = (
        Permission.BANK_DETAILS_CHANGE
        if kind is ApprovalKind.BANK_DETAILS_CHANGE
        else Permission.ACCOUNT_UNLOCK
    )
    request = _load(session, actor, request_id, permission)
    if request.requested_by_id != actor.agent_id:
        raise _refuse(
            "Seul l'auteur d'une demande peut l'annuler ; un superviseur la refuse.",
            actor,
            request,
            "approval.cancel",
        )
    _claim(session, actor, request, ApprovalStatus.CANCELLED, expected_version, None)
    _close_bank_change(session, request, BankDetailsChangeStatus.CANCELLED)
    session.flush()
    audit.record(
        session,
        actor,
        "approval.cancel",
        f"Annulation par son auteur de la demande n° {request.id} — {KIND_LABELS[request.kind]}",
        target_type="approval_request",
        target_id=request.id,
        customer_id=request.customer_id,
    )
    return Decision(request.id, request.status, "Demande annulée.")
