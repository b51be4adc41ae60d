"""Unlocking a customer's espace assuré: the state of the account, the rule that applies, and the actions.

The rule depends on why the account is locked; the one table ``RULES`` below is what the agent reads on screen
and what ``unlock_account`` enforces, whatever the interface shows.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from backoffice.checks.identifiers import IdentifierKind, classify_identifier
from backoffice.clock import PARIS
from backoffice.errors import ConcurrentEdit, InvalidInput, NotFound, Refused
from backoffice.models import (
    AccountStatus,
    Agent,
    ApprovalKind,
    ApprovalRequest,
    ApprovalStatus,
    BankDetailsChange,
    BankDetailsChangeStatus,
    CodeChannel,
    CodePurpose,
    Contract,
    ContractStatus,
    Customer,
    LockEvent,
    LockReason,
    PortalAccount,
    VerificationCase,
    VerificationStatus,
)
from backoffice.models.accounts import ACCOUNT_STATUS_LABELS, LOCK_REASON_LABELS
from backoffice.workflows import approvals, audit, codes, outbox
from backoffice.workflows.context import Actor, now, settings_of
from backoffice.workflows.permissions import Permission, require

IDENTITY_AND_ADDRESS = frozenset({"identity", "address"})


class RuleKey(enum.Enum):
    FAILED_LOGINS = "failed_logins"
    SECURITY = "security"
    FRAUD = "fraud"
    TERMINATED_CONTRACT = "terminated_contract"
    MANUAL = "manual"


@dataclass(frozen=True)
class UnlockRule:
    key: RuleKey
    title: str
    explanation: str  # plain French for the agent; {days} is the verification validity
    identification_questions: bool = False
    verified_case: bool = False
    four_eyes: bool = False
    needs_active_contract: bool = False


RULES: dict[RuleKey, UnlockRule] = {
    RuleKey.FAILED_LOGINS: UnlockRule(
        RuleKey.FAILED_LOGINS,
        "Trop de tentatives de connexion",
        "Posez les trois questions d'identification (date de naissance, code postal, numéro de contrat) et "
        "saisissez les réponses de l'appelant : si elles correspondent au dossier, vous débloquez vous-même.",
        identification_questions=True,
    ),
    RuleKey.SECURITY: UnlockRule(
        RuleKey.SECURITY,
        "Blocage de sécurité",
        "Déblocage possible seulement si une vérification d'identité a été décidée « vérifiée » il y a moins "
        "de {days} jours, avec pièce d'identité et justificatif de domicile.",
        verified_case=True,
    ),
    RuleKey.FRAUD: UnlockRule(
        RuleKey.FRAUD,
        "Suspicion de fraude",
        "Il faut une vérification d'identité « vérifiée » de moins de {days} jours (pièce d'identité et "
        "justificatif de domicile), puis l'accord d'un superviseur autre que vous : votre demande part dans "
        "la file des superviseurs, le déblocage a lieu à leur validation.",
        verified_case=True,
        four_eyes=True,
    ),
    RuleKey.TERMINATED_CONTRACT: UnlockRule(
        RuleKey.TERMINATED_CONTRACT,
        "Contrat résilié",
        "L'espace assuré sert aux contrats en cours : sans autre contrat actif, le déblocage est refusé. Si un "
        "autre contrat est actif, posez les trois questions d'identification comme pour un oubli de mot de "
        "passe.",
        identification_questions=True,
        needs_active_contract=True,
    ),
    RuleKey.MANUAL: UnlockRule(
        RuleKey.MANUAL,
        "Blocage manuel",
        "Un collègue a bloqué cet espace volontairement (lisez sa note) : cela arrive quand on doute de qui "
        "l'utilise. Les réponses aux questions d'identification pourraient être connues d'un tiers, donc il "
        "faut, comme pour un blocage de sécurité, une vérification d'identité « vérifiée » de moins de {days} "
        "jours (pièce d'identité et justificatif de domicile).",
        verified_case=True,
    ),
}

DISABLED_EXPLANATION = (
    "L'espace assuré est désactivé (fin de la relation ou décision du centre) : il ne se débloque pas. "
    "Le client peut créer un nouvel espace depuis le site s'il a un contrat actif."
)


def rule_key_for(reason: LockReason, bank_change_pending: bool) -> RuleKey:
    """A security lock while an IBAN change is pending is treated as a fraud suspicion."""
    if reason is LockReason.FRAUD_SUSPICION or (reason is LockReason.SECURITY and bank_change_pending):
        return RuleKey.FRAUD
    return RuleKey(reason.value)


# --- verification cases (written by the verification workflows; read here) ---


def verification_problem(session: Session, case: VerificationCase, required: frozenset[str]) -> str | None:
    """Why this case cannot be relied on, in French, or None when it is usable."""
    if case.status is not VerificationStatus.VERIFIED or case.decided_at is None:
        return "la vérification d'identité n'a pas été décidée « vérifiée »"
    days = settings_of(session).verification.verification_valid_days
    if case.decided_at < now(session) - timedelta(days=days):
        return f"la vérification d'identité date de plus de {days} jours"
    missing = required - set(case.covered or [])
    if missing:
        labels = {
            "identity": "la pièce d'identité",
            "address": "le justificatif de domicile",
            "bank_details": "le RIB",
        }
        return "la vérification ne couvre pas " + " ni ".join(labels.get(m, m) for m in sorted(missing))
    return None


def recent_verified_case(
    session: Session, customer_id: int, required: frozenset[str] = IDENTITY_AND_ADDRESS
) -> VerificationCase | None:
    days = settings_of(session).verification.verification_valid_days
    rows = session.execute(
        select(VerificationCase)
        .where(
            VerificationCase.customer_id == customer_id,
            VerificationCase.status == VerificationStatus.VERIFIED,
            VerificationCase.decided_at >= now(session) - timedelta(days=days),
        )
        .order_by(VerificationCase.decided_at.desc())
    ).scalars()
    return next((c for c in rows if verification_problem(session, c, required) is None), None)


# --- read model ---


@dataclass(frozen=True)
class LockHistoryItem:
    id: int
    occurred_at: datetime
    reason: LockReason
    reason_label: str
    failed_attempts: int
    detail: str | None
    locked_by: str | None
    unlocked_at: datetime | None
    unlocked_by: str | None


@dataclass(frozen=True)
class PendingRequest:
    id: int
    requested_by: str
    requested_by_id: int
    requested_at: datetime


@dataclass(frozen=True)
class AccountState:
    account_id: int
    version: int
    customer_id: int
    client_number: str
    customer_name: str
    status: AccountStatus
    status_label: str
    lock_reason: LockReason | None
    lock_reason_label: str | None
    locked_since: datetime | None
    failed_attempts: int
    password_reset_required: bool
    has_active_contract: bool
    bank_change_pending: bool
    rule: UnlockRule | None
    rule_text: str  # what applies, in plain French
    verified_case_id: int | None
    verified_case_decided_at: datetime | None
    blockers: tuple[str, ...]  # what prevents an unlock right now (besides the caller's answers)
    contacts: tuple[codes.ContactOnFile, ...]
    pending_request: PendingRequest | None
    history: tuple[LockHistoryItem, ...]

    @property
    def can_unlock(self) -> bool:
        return self.status is AccountStatus.LOCKED and not self.blockers


def _has_active_contract(session: Session, customer_id: int) -> bool:
    return bool(
        session.execute(
            select(
                exists().where(Contract.customer_id == customer_id, Contract.status == ContractStatus.ACTIVE)
            )
        ).scalar()
    )


def _bank_change_pending(session: Session, customer_id: int) -> bool:
    return bool(
        session.execute(
            select(
                exists().where(
                    BankDetailsChange.customer_id == customer_id,
                    BankDetailsChange.status == BankDetailsChangeStatus.PENDING_APPROVAL,
                )
            )
        ).scalar()
    )


def _pending_request(session: Session, account_id: int) -> PendingRequest | None:
    row = session.execute(
        select(ApprovalRequest, Agent.full_name)
        .join(Agent, Agent.id == ApprovalRequest.requested_by_id)
        .where(
            ApprovalRequest.account_id == account_id,
            ApprovalRequest.kind == ApprovalKind.UNLOCK_AFTER_FRAUD_SUSPICION,
            ApprovalRequest.status == ApprovalStatus.PENDING,
        )
        .limit(1)
    ).first()
    if row is None:
        return None
    request, name = row
    return PendingRequest(request.id, name, request.requested_by_id, request.requested_at)


def _history(session: Session, account_id: int, limit: int = 30) -> tuple[LockHistoryItem, ...]:
    locker = aliased(Agent)
    unlocker = aliased(Agent)
    rows = session.execute(
        select(LockEvent, locker.full_name, unlocker.full_name)
        .outerjoin(locker, locker.id == LockEvent.locked_by_id)
        .outerjoin(unlocker, unlocker.id == LockEvent.unlocked_by_id)
        .where(LockEvent.account_id == account_id)
        .order_by(LockEvent.occurred_at.desc(), LockEvent.id.desc())
        .limit(limit)
    ).all()
    return tuple(
        LockHistoryItem(
            e.id,
            e.occurred_at,
            e.reason,
            LOCK_REASON_LABELS[e.reason],
            e.failed_attempts,
            e.detail,
            locked_by,
            e.unlocked_at,
            unlocked_by,
        )
        for e, locked_by, unlocked_by in rows
    )


@dataclass(frozen=True)
class _Facts:
    rule: UnlockRule | None
    rule_text: str
    case: VerificationCase | None
    blockers: tuple[str, ...]
    has_active_contract: bool
    bank_change_pending: bool
    pending: PendingRequest | None


def _facts(session: Session, account: PortalAccount) -> _Facts:
    active = _has_active_contract(session, account.customer_id)
    pending_change = _bank_change_pending(session, account.customer_id)
    pending = _pending_request(session, account.id)
    days = settings_of(session).verification.verification_valid_days
    if account.status is AccountStatus.ACTIVE:
        return _Facts(
            None,
            "L'espace assuré est actif : aucun déblocage n'est nécessaire.",
            None,
            (),
            active,
            pending_change,
            pending,
        )
    if account.status is AccountStatus.DISABLED or account.lock_reason is None:
        return _Facts(
            None, DISABLED_EXPLANATION, None, (DISABLED_EXPLANATION,), active, pending_change, pending
        )
    rule = RULES[rule_key_for(account.lock_reason, pending_change)]
    text = rule.explanation.format(days=days)
    if rule.key is RuleKey.FRAUD and account.lock_reason is LockReason.SECURITY:
        text = (
            "Blocage de sécurité alors qu'un changement d'IBAN est en attente : traité comme une suspicion de fraude. "
            + text
        )
    blockers: list[str] = []
    case = None
    if rule.needs_active_contract and not active:
        blockers.append(
            "Aucun contrat actif : l'espace assuré ne peut pas être débloqué après la résiliation du dernier contrat."
        )
    if rule.verified_case:
        case = recent_verified_case(session, account.customer_id)
        if case is None:
            blockers.append(
                f"Aucune vérification d'identité « vérifiée » de moins de {days} jours couvrant la pièce d'identité "
                "et le justificatif de domicile."
            )
    if rule.four_eyes and pending is not None:
        blockers.append(
            f"Une demande de déblocage attend déjà la validation d'un superviseur (demandée par {pending.requested_by})."
        )
    return _Facts(rule, text, case, tuple(blockers), active, pending_change, pending)


def _state(session: Session, account: PortalAccount) -> AccountState:
    customer = session.get(Customer, account.customer_id)
    assert customer is not None
    facts = _facts(session, account)
    return AccountState(
        account_id=account.id,
        version=account.version,
        customer_id=customer.id,
        client_number=customer.client_number,
        customer_name=customer.display_name,
        status=account.status,
        status_label=ACCOUNT_STATUS_LABELS[account.status],
        lock_reason=account.lock_reason,
        lock_reason_label=LOCK_REASON_LABELS[account.lock_reason] if account.lock_reason else None,
        locked_since=account.locked_at,
        failed_attempts=account.failed_attempts,
        password_reset_required=account.password_reset_required,
        has_active_contract=facts.has_active_contract,
        bank_change_pending=facts.bank_change_pending,
        rule=facts.rule,
        rule_text=facts.rule_text,
        verified_case_id=facts.case.id if facts.case else None,
        verified_case_decided_at=facts.case.decided_at if facts.case else None,
        blockers=facts.blockers,
        contacts=tuple(codes.contacts_on_file(customer)),
        pending_request=facts.pending,
        history=_history(session, account.id),
    )


def _account_of_customer(session: Session, customer_id: int) -> PortalAccount:
    account = session.execute(
        select(PortalAccount).where(PortalAccount.customer_id == customer_id)
    ).scalar_one_or_none()
    if account is None:
        raise NotFound("Ce client n'a pas d'espace assuré : il peut le créer depuis le site.")
    return account


def account_state(session: Session, actor: Actor, customer_id: int) -> AccountState:
    require(session, actor, Permission.CUSTOMER_VIEW, target_type="customer", target_id=customer_id)
    return _state(session, _account_of_customer(session, customer_id))


def find_account(session: Session, actor: Actor, text: str) -> AccountState:
    """By client number or contract number, as the agent types it ("ti 000 1234567", "aut1234567")."""
    require(session, actor, Permission.CUSTOMER_VIEW)
    candidates = classify_identifier(text)
    if not candidates:
        raise InvalidInput(
            "Saisissez un numéro client (TI000…) ou un numéro de contrat (AUT000…, MOT000…).", "identifier"
        )
    for candidate in candidates:
        if candidate.kind is IdentifierKind.CLIENT_NUMBER:
            customer_id = session.execute(
                select(Customer.id).where(Customer.client_number == candidate.value)
            ).scalar_one_or_none()
        else:
            customer_id = session.execute(
                select(Contract.customer_id).where(Contract.number == candidate.value)
            ).scalar_one_or_none()
        if customer_id is not None:
            return _state(session, _account_of_customer(session, customer_id))
    raise NotFound(f"Aucun client ni contrat ne correspond à « {text.strip()} ».")


# --- identification questions ---


@dataclass(frozen=True)
class IdentificationAnswers:
    """What the caller answered, typed by the agent. Compared with the file, never stored or audited."""

    birth_date: date | None = None
    postcode: str | None = None
    contract_number: str | None = None


QUESTION_LABELS = {
    "birth_date": "date de naissance",
    "postcode": "code postal",
    "contract_number": "numéro de contrat",
}


def check_answers(
    session: Session, customer: Customer, answers: IdentificationAnswers | None
) -> dict[str, str]:
    """Per question: "not_asked", "answered" (matches the file) or "mismatch"."""
    answers = answers or IdentificationAnswers()
    result: dict[str, str] = {}
    result["birth_date"] = (
        "not_asked"
        if answers.birth_date is None
        else "answered"
        if answers.birth_date == customer.birth_date
        else "mismatch"
    )
    postcode = "".join((answers.postcode or "").split())
    result["postcode"] = (
        "not_asked" if not postcode else "answered" if postcode == customer.postcode else "mismatch"
    )
    typed = (answers.contract_number or "").strip()
    if not typed:
        result["contract_number"] = "not_asked"
    else:
        numbers = [c.value for c in classify_identifier(typed) if c.kind is not IdentifierKind.CLIENT_NUMBER]
        known = (
            bool(numbers)
            and session.execute(
                select(Contract.id).where(Contract.customer_id == customer.id, Contract.number.in_(numbers))
            ).first()
        )
        result["contract_number"] = "answered" if known else "mismatch"
    return result


# --- actions ---


@dataclass(frozen=True)
class UnlockOutcome:
    account_id: int
    unlocked: bool
    message: str
    code: codes.IssuedCode | None = None
    approval_request_id: int | None = None


def _customer_of_account(session: Session, account_id: int) -> int:
    """A plain read naming the customer on the permission check's audit row, before any row lock is taken."""
    customer_id = session.execute(
        select(PortalAccount.customer_id).where(PortalAccount.id == account_id)
    ).scalar_one_or_none()
    if customer_id is None:
        raise NotFound("Espace assuré introuvable.")
    return customer_id


def _load_for_update(session: Session, account_id: int) -> PortalAccount:
    account = session.execute(
        select(PortalAccount).where(PortalAccount.id == account_id).with_for_update()
    ).scalar_one_or_none()
    if account is None:
        raise NotFound("Espace assuré introuvable.")
    return account


def _check_version(session: Session, account: PortalAccount, expected_version: int) -> None:
    if account.version != expected_version:
        last = audit.last_change(session, "portal_account", account.id)
        who = f" par {last.actor_username}" if last else ""
        raise ConcurrentEdit(
            f"Cet espace assuré a été modifié{who} depuis son affichage. Rechargez-le avant d'agir.",
            changed_by=last.actor_username if last else None,
            changed_at=last.at if last else None,
        )


def unlock_account(
    session: Session,
    actor: Actor,
    account_id: int,
    *,
    expected_version: int,
    channel: CodeChannel,
    answers: IdentificationAnswers | None = None,
) -> UnlockOutcome:
    """Apply the rule of the lock reason: unlock now, or queue a four-eyes request, or refuse (audited)."""
    customer_id = _customer_of_account(session, account_id)

    def refuse(message: str) -> Refused:
        return Refused(
            message,
            action="account.unlock",
            target_type="portal_account",
            target_id=account_id,
            customer_id=customer_id,
            actor=actor,
        )

    require(
        session,
        actor,
        Permission.ACCOUNT_UNLOCK,
        target_type="portal_account",
        target_id=account_id,
        customer_id=customer_id,
    )
    account = _load_for_update(session, account_id)
    _check_version(session, account, expected_version)
    customer = session.get(Customer, customer_id)
    assert customer is not None
    if account.status is AccountStatus.ACTIVE:
        raise refuse("L'espace assuré n'est pas bloqué : il n'y a rien à débloquer.")
    facts = _facts(session, account)
    if facts.rule is None:
        raise refuse(DISABLED_EXPLANATION)
    if facts.blockers:
        raise refuse(f"Déblocage refusé ({facts.rule.title.lower()}) : " + " ".join(facts.blockers))
    codes.recipient_on_file(customer, channel)
    questions: dict[str, str] = {}
    if facts.rule.identification_questions:
        questions = check_answers(session, customer, answers)
        wrong = [QUESTION_LABELS[q] for q, v in questions.items() if v == "mismatch"]
        missing = [QUESTION_LABELS[q] for q, v in questions.items() if v == "not_asked"]
        if wrong or missing:
            parts = []
            if wrong:
                parts.append("réponse différente du dossier : " + ", ".join(wrong))
            if missing:
                parts.append("question non posée : " + ", ".join(missing))
            raise refuse("Identification de l'appelant insuffisante (" + " ; ".join(parts) + ").")
    if facts.rule.four_eyes:
        assert facts.case is not None
        request = approvals.create_request(
            session,
            actor,
            ApprovalKind.UNLOCK_AFTER_FRAUD_SUSPICION,
            customer_id=customer_id,
            account_id=account_id,
            reason=(
                f"Motif du blocage : {LOCK_REASON_LABELS[account.lock_reason or LockReason.MANUAL].lower()} ; "
                f"vérification d'identité n° {facts.case.id}"
            ),
            payload={
                "channel": channel.value,
                "verification_case_id": facts.case.id,
                "account_version": account.version,
            },
        )
        audit.record(
            session,
            actor,
            "account.unlock_requested",
            f"Demande de déblocage soumise à la validation d'un superviseur (demande n° {request.id})",
            target_type="portal_account",
            target_id=account_id,
            customer_id=customer_id,
            details={
                "approval_request_id": request.id,
                "channel": channel.value,
                "verification_case_id": facts.case.id,
            },
        )
        return UnlockOutcome(
            account_id,
            False,
            "Demande transmise aux superviseurs : l'espace sera débloqué et le code envoyé dès qu'un autre "
            "superviseur l'aura validée.",
            approval_request_id=request.id,
        )
    issued = perform_unlock(session, actor, account, customer, channel)
    details: dict[str, object] = {
        "rule": facts.rule.key.value,
        "channel": channel.value,
        "code_id": issued.code_id,
    }
    if questions:
        details["identification"] = {q: "asked_answered" for q in questions}
    if facts.case is not None:
        details["verification_case_id"] = facts.case.id
    audit.record(
        session,
        actor,
        "account.unlock",
        f"Déblocage de l'espace assuré ({facts.rule.title.lower()}) ; code envoyé par {codes.CHANNEL_LABELS[channel]}",
        target_type="portal_account",
        target_id=account_id,
        customer_id=customer_id,
        details=details,
    )
    return UnlockOutcome(
        account_id,
        True,
        f"Espace débloqué. Un code à usage unique part par {codes.CHANNEL_LABELS[channel]} vers "
        f"{issued.recipient_masked} ; il est valable jusqu'à {issued.expires_at.astimezone(PARIS):%H:%M}.",
        code=issued,
    )


def perform_unlock(
    session: Session,
    unlocked_by: Actor,
    account: PortalAccount,
    customer: Customer,
    channel: CodeChannel,
) -> codes.IssuedCode:
    """The state change itself, shared by a direct unlock and an approved request (callers audit)."""
    moment = now(session)
    account.status = AccountStatus.ACTIVE
    account.lock_reason = None
    account.locked_at = None
    account.failed_attempts = 0
    account.password_reset_required = True
    account.updated_at = moment
    for event in session.execute(
        select(LockEvent).where(LockEvent.account_id == account.id, LockEvent.unlocked_at.is_(None))
    ).scalars():
        event.unlocked_at = moment
        event.unlocked_by_id = unlocked_by.agent_id
    issued = codes.issue_code(session, unlocked_by, account, customer, channel, CodePurpose.UNLOCK)
    insurer = settings_of(session).branding.insurer_name
    phone = settings_of(session).branding.phone
    outbox.notify_on_file(
        session,
        customer,
        kind="account_unlocked",
        subject=f"{insurer} — votre espace assuré a été débloqué",
        body=(
            f"Bonjour,\n\nÀ votre demande, votre espace assuré a été débloqué par notre service client. Un code "
            f"à usage unique vous a été envoyé par {codes.CHANNEL_LABELS[channel]} pour choisir un nouveau mot "
            f"de passe.\n\nSi vous n'êtes pas à l'origine de cette demande, appelez-nous sans attendre au "
            f"{phone}.\n\n{insurer}"
        ),
        sms_body=(
            f"{insurer} : votre espace assuré a été débloqué. Si vous n'êtes pas à l'origine de cette demande, "
            f"appelez le {phone}."
        ),
    )
    session.flush()
    return issued


def resend_code(session: Session, actor: Actor, account_id: int, channel: CodeChannel) -> codes.IssuedCode:
    """ "I did not receive the code": a new one (the previous one is revoked), to a contact on file only."""
    require(
        session,
        actor,
        Permission.ACCOUNT_UNLOCK,
        target_type="portal_account",
        target_id=account_id,
        customer_id=_customer_of_account(session, account_id),
    )
    account = _load_for_update(session, account_id)
    if account.status is not AccountStatus.ACTIVE or not account.password_reset_required:
        raise Refused(
            "Un nouveau code ne s'envoie qu'après un déblocage, tant que le client n'a pas choisi son nouveau mot "
            "de passe.",
            action="account.resend_code",
            target_type="portal_account",
            target_id=account_id,
            customer_id=account.customer_id,
            actor=actor,
        )
    customer = session.get(Customer, account.customer_id)
    assert customer is not None
    issued = codes.issue_code(session, actor, account, customer, channel, CodePurpose.PASSWORD_RESET)
    audit.record(
        session,
        actor,
        "account.resend_code",
        f"Nouveau code envoyé par {codes.CHANNEL_LABELS[channel]} (le précédent est annulé)",
        target_type="portal_account",
        target_id=account_id,
        customer_id=account.customer_id,
        details={"channel": channel.value, "code_id": issued.code_id},
    )
    return issued


STAFF_LOCK_REASONS = (LockReason.MANUAL, LockReason.FRAUD_SUSPICION)


@dataclass(frozen=True)
class LockOutcome:
    account_id: int
    status: AccountStatus
    lock_event_id: int
    message: str


def lock_account(
    session: Session,
    actor: Actor,
    account_id: int,
    *,
    reason: LockReason,
    note: str,
    expected_version: int,
    disable: bool = False,
) -> LockOutcome:
    """A block decided by staff (manual or fraud suspicion), or a deactivation; outstanding codes are revoked."""
    require(
        session,
        actor,
        Permission.ACCOUNT_LOCK,
        target_type="portal_account",
        target_id=account_id,
        customer_id=_customer_of_account(session, account_id),
    )
    account = _load_for_update(session, account_id)
    _check_version(session, account, expected_version)
    if reason not in STAFF_LOCK_REASONS:
        raise InvalidInput(
            "Un conseiller bloque un espace « manuellement » ou « pour suspicion de fraude ».", "reason"
        )
    note = note.strip()
    if len(note) < 5:
        raise InvalidInput("Expliquez en une phrase pourquoi vous bloquez cet espace.", "note")
    if len(note) > 500:
        raise InvalidInput("La note ne doit pas dépasser 500 caractères.", "note")
    if account.status is AccountStatus.DISABLED:
        raise InvalidInput("L'espace assuré est déjà désactivé.")
    if not disable and account.status is AccountStatus.LOCKED and account.lock_reason is reason:
        raise InvalidInput(f"L'espace est déjà bloqué pour ce motif ({LOCK_REASON_LABELS[reason].lower()}).")
    moment = now(session)
    account.status = AccountStatus.DISABLED if disable else AccountStatus.LOCKED
    account.lock_reason = reason
    account.locked_at = moment
    account.updated_at = moment
    event = LockEvent(
        account_id=account.id,
        customer_id=account.customer_id,
        occurred_at=moment,
        reason=reason,
        failed_attempts=account.failed_attempts,
        detail=("Désactivation : " if disable else "") + note,
        locked_by_id=actor.agent_id,
    )
    session.add(event)
    codes.revoke_outstanding(session, account.id)
    session.flush()
    verb = "Désactivation" if disable else "Blocage"
    audit.record(
        session,
        actor,
        "account.disable" if disable else "account.lock",
        f"{verb} de l'espace assuré par le centre ({LOCK_REASON_LABELS[reason].lower()})",
        target_type="portal_account",
        target_id=account_id,
        customer_id=account.customer_id,
        details={"reason": reason.value, "lock_event_id": event.id},
    )
    message = (
        "Espace assuré désactivé."
        if disable
        else f"Espace assuré bloqué ({LOCK_REASON_LABELS[reason].lower()})."
    )
    return LockOutcome(account.id, account.status, event.id, message)


def execute_approved_unlock(session: Session, request: ApprovalRequest, approver: Actor) -> str:
    """Run an approved four-eyes unlock; the rule is checked again, as time has passed since the request."""
    assert request.account_id is not None
    account = _load_for_update(session, request.account_id)
    customer = session.get(Customer, account.customer_id)
    requester = session.get(Agent, request.requested_by_id)
    assert customer is not None and requester is not None
    payload = json.loads(request.payload or "{}")
    channel = CodeChannel(payload["channel"])

    def refuse(message: str) -> Refused:
        return Refused(
            message,
            action="approval.approve",
            target_type="approval_request",
            target_id=request.id,
            customer_id=customer.id,
            actor=approver,
        )

    if account.status is not AccountStatus.LOCKED:
        raise refuse("L'espace assuré n'est plus bloqué : cette demande est sans objet, refusez-la.")
    case = recent_verified_case(session, customer.id)
    if case is None:
        raise refuse(
            "La vérification d'identité n'est plus valable (ou a été annulée) : refusez la demande ; le conseiller "
            "en fera une nouvelle après une nouvelle vérification."
        )
    requester_actor = Actor(requester.id, requester.username, requester.full_name, requester.role)
    issued = perform_unlock(session, requester_actor, account, customer, channel)
    return (
        f"Espace débloqué ; code envoyé par {codes.CHANNEL_LABELS[channel]} vers {issued.recipient_masked}."
    )
