"""Changing the IBAN on a customer's file, a classic fraud vector (RULES.md).

The new IBAN comes only from a RIB checked in a verified verification case (never typed here); the customer is
told at the contact details already on file; and when the espace assuré is, or was recently, locked for
security or fraud, a second supervisor must approve before anything changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from backoffice.checks.bank import check_iban, mask_iban, normalize_iban
from backoffice.errors import ConcurrentEdit, InvalidInput, NotFound, Refused
from backoffice.models import (
    AccountStatus,
    ApprovalKind,
    ApprovalRequest,
    BankDetailsChange,
    BankDetailsChangeStatus,
    Customer,
    LockEvent,
    LockReason,
    PortalAccount,
    VerificationCase,
)
from backoffice.workflows import approvals, audit, outbox
from backoffice.workflows.context import Actor, now, settings_of
from backoffice.workflows.permissions import Permission, require
from backoffice.workflows.unlock import verification_problem

BANK_DETAILS = frozenset({"bank_details"})
SECURITY_REASONS = (LockReason.SECURITY, LockReason.FRAUD_SUSPICION)


@dataclass(frozen=True)
class BankChangeOutcome:
    change_id: int
    status: BankDetailsChangeStatus
    new_iban_masked: str
    message: str
    approval_request_id: int | None = None


def security_lock_recent(session: Session, customer_id: int) -> bool:
    """Locked now for security/fraud, or such a lock within settings.unlock.recent_security_lock_days."""
    since = now(session) - timedelta(days=settings_of(session).unlock.recent_security_lock_days)
    locked_now = exists().where(
        PortalAccount.customer_id == customer_id,
        PortalAccount.status != AccountStatus.ACTIVE,
        PortalAccount.lock_reason.in_(SECURITY_REASONS),
    )
    locked_recently = exists().where(
        LockEvent.customer_id == customer_id,
        LockEvent.reason.in_(SECURITY_REASONS),
        or_(LockEvent.occurred_at >= since, LockEvent.unlocked_at >= since, LockEvent.unlocked_at.is_(None)),
    )
    return bool(session.execute(select(locked_now | locked_recently)).scalar())


def _refuse(message: str, actor: Actor, customer_id: int, action: str = "bank_details.change") -> Refused:
    return Refused(
        message,
        action=action,
        target_type="customer",
        target_id=customer_id,
        customer_id=customer_id,
        actor=actor,
    )


def request_change(
    session: Session, actor: Actor, customer_id: int, verification_case_id: int, *, expected_version: int
) -> BankChangeOutcome:
    """Put the IBAN of a verified RIB on the file, now or after a second supervisor's approval."""
    require(
        session,
        actor,
        Permission.BANK_DETAILS_CHANGE,
        target_type="customer",
        target_id=customer_id,
        customer_id=customer_id,
    )
    customer = session.execute(
        select(Customer).where(Customer.id == customer_id).with_for_update()
    ).scalar_one_or_none()
    if customer is None:
        raise NotFound("Client introuvable.")
    if customer.version != expected_version:
        last = audit.last_change(session, "customer", customer_id)
        raise ConcurrentEdit(
            "Le dossier a été modifié"
            + (f" par {last.actor_username}" if last else "")
            + " depuis son affichage. Rechargez-le.",
            changed_by=last.actor_username if last else None,
            changed_at=last.at if last else None,
        )
    case = session.get(VerificationCase, verification_case_id)
    if case is None or case.customer_id != customer_id:
        raise NotFound("Vérification introuvable pour ce client.")
    problem = verification_problem(session, case, BANK_DETAILS)
    if problem:
        raise _refuse(f"Changement d'IBAN refusé : {problem}.", actor, customer_id)
    new_iban = normalize_iban(case.proposed_iban)
    checked = check_iban(new_iban)
    if not new_iban or not checked.valid or not (case.proposed_holder or "").strip():
        raise _refuse(
            "Changement d'IBAN refusé : la vérification ne porte pas un RIB complet et valide (IBAN et titulaire).",
            actor,
            customer_id,
        )
    if new_iban == normalize_iban(customer.iban):
        raise InvalidInput("Cet IBAN est déjà celui du dossier : il n'y a rien à changer.")
    if session.execute(
        select(
            exists().where(
                BankDetailsChange.customer_id == customer_id,
                BankDetailsChange.status == BankDetailsChangeStatus.PENDING_APPROVAL,
            )
        )
    ).scalar():
        raise _refuse(
            "Un changement d'IBAN attend déjà la validation d'un superviseur pour ce client : attendez sa décision "
            "ou faites annuler la demande.",
            actor,
            customer_id,
        )
    if session.execute(
        select(
            exists().where(
                BankDetailsChange.verification_case_id == case.id,
                BankDetailsChange.status == BankDetailsChangeStatus.APPLIED,
            )
        )
    ).scalar():
        raise _refuse(
            "Ce RIB a déjà été appliqué au dossier : une vérification ne sert qu'une fois.",
            actor,
            customer_id,
        )
    four_eyes = security_lock_recent(session, customer_id)
    change = BankDetailsChange(
        customer_id=customer_id,
        old_iban=customer.iban,
        new_iban=new_iban,
        new_bic=(case.proposed_bic or checked.bic or None),
        new_holder=(case.proposed_holder or "").strip(),
        verification_case_id=case.id,
        status=BankDetailsChangeStatus.PENDING_APPROVAL if four_eyes else BankDetailsChangeStatus.APPLIED,
        requested_by_id=actor.agent_id,
        requested_at=now(session),
    )
    session.add(change)
    session.flush()
    masked = mask_iban(new_iban)
    if four_eyes:
        request = approvals.create_request(
            session,
            actor,
            ApprovalKind.BANK_DETAILS_CHANGE,
            customer_id=customer_id,
            bank_details_change_id=change.id,
            reason=(
                "Changement d'IBAN sur un dossier dont l'espace assuré est ou a été récemment bloqué pour "
                f"sécurité ou suspicion de fraude (vérification n° {case.id})"
            ),
            payload={"bank_details_change_id": change.id, "verification_case_id": case.id},
        )
        audit.record(
            session,
            actor,
            "bank_details.change_requested",
            f"Changement d'IBAN (nouveau compte se terminant par {new_iban[-4:]}) soumis à la validation d'un "
            f"superviseur (demande n° {request.id})",
            target_type="customer",
            target_id=customer_id,
            customer_id=customer_id,
            details={"bank_details_change_id": change.id, "approval_request_id": request.id},
        )
        return BankChangeOutcome(
            change.id,
            change.status,
            masked,
            "Ce client a eu un blocage de sécurité récent : le changement attend la validation d'un autre "
            "superviseur.",
            request.id,
        )
    _apply(session, customer, change)
    audit.record(
        session,
        actor,
        "bank_details.change",
        f"IBAN du dossier remplacé (nouveau compte se terminant par {new_iban[-4:]}) ; client prévenu aux "
        "coordonnées connues",
        target_type="customer",
        target_id=customer_id,
        customer_id=customer_id,
        details={"bank_details_change_id": change.id, "verification_case_id": case.id},
    )
    return BankChangeOutcome(
        change.id, change.status, masked, "IBAN modifié ; le client en est informé à ses coordonnées connues."
    )


def _apply(session: Session, customer: Customer, change: BankDetailsChange) -> None:
    """The one place that writes bank details, so iban, bic, holder, iban_last4 and the date stay consistent."""
    moment = now(session)
    old_last4 = customer.iban_last4
    customer.iban = change.new_iban
    customer.bic = change.new_bic
    customer.bank_holder = change.new_holder
    customer.iban_last4 = change.new_iban[-4:]
    customer.iban_changed_at = moment
    customer.updated_at = moment
    change.status = BankDetailsChangeStatus.APPLIED
    change.applied_at = moment
    branding = settings_of(session).branding
    was = f" (il remplace celui se terminant par {old_last4})" if old_last4 else ""
    outbox.notify_on_file(
        session,
        customer,
        kind="bank_details_changed",
        subject=f"{branding.insurer_name} — modification de vos coordonnées bancaires",
        body=(
            f"Bonjour,\n\nLe compte bancaire enregistré sur votre dossier a été modifié : il se termine désormais "
            f"par {change.new_iban[-4:]}{was}.\n\nSi vous n'êtes pas à l'origine de cette modification, "
            f"appelez-nous sans attendre au {branding.phone}.\n\n{branding.insurer_name}"
        ),
        sms_body=(
            f"{branding.insurer_name} : le compte bancaire de votre dossier a été modifié (se termine par "
            f"{change.new_iban[-4:]}). Pas vous ? Appelez le {branding.phone}."
        ),
    )
    session.flush()


def execute_approved_change(session: Session, request: ApprovalRequest, approver: Actor) -> str:
    """Apply an approved change, after checking nothing moved since it was asked for."""
    payload = json.loads(request.payload or "{}")
    change = session.get(
        BankDetailsChange, request.bank_details_change_id or payload.get("bank_details_change_id")
    )
    if change is None or change.status is not BankDetailsChangeStatus.PENDING_APPROVAL:
        raise _refuse(
            "Ce changement d'IBAN n'est plus en attente.", approver, request.customer_id, "approval.approve"
        )
    customer = session.execute(
        select(Customer).where(Customer.id == change.customer_id).with_for_update()
    ).scalar_one()
    if normalize_iban(customer.iban) != normalize_iban(change.old_iban):
        raise _refuse(
            "L'IBAN du dossier a changé depuis la demande : refusez-la, le conseiller en fera une nouvelle.",
            approver,
            customer.id,
            "approval.approve",
        )
    case = session.get(VerificationCase, change.verification_case_id)
    problem = verification_problem(session, case, BANK_DETAILS) if case else "vérification introuvable"
    if problem:
        raise _refuse(
            f"Validation impossible : {problem}. Refusez la demande.",
            approver,
            customer.id,
            "approval.approve",
        )
    _apply(session, customer, change)
    return f"IBAN modifié (se termine par {change.new_iban[-4:]}) ; le client en est informé."
