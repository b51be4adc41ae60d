"""One-time codes sent to customers to get back into their espace assuré (OWASP ASVS 5.0 §6.5).

The code is drawn from ``secrets`` (CSPRNG), has at least 6 digits, lives at most 10 minutes, is single use and
only its hash is stored. Nobody at the centre ever sees it: it is written into the outbox message for the
gateway and nowhere else, and it goes only to contact details already on the customer's file.

Hash choice: HMAC-SHA256 keyed with a random 16-byte salt per code. A slow hash (argon2) cannot protect a
20-bit secret against an offline search anyway (10^6 guesses), and a stolen row is worthless after ten minutes;
what protects the code is its short life and the online attempt limit. The per-code salt stops one
precomputed table of the 10^6 possible codes from reversing every row, and keeps redemption cheap and
constant-time (``hmac.compare_digest``) when many customers redeem at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from backoffice.errors import InvalidInput
from backoffice.models import (
    AccountStatus,
    CodeChannel,
    CodePurpose,
    Customer,
    OneTimeCode,
    OutboxChannel,
    PortalAccount,
)
from backoffice.workflows import audit, outbox
from backoffice.workflows.context import Actor, now, settings_of

MIN_CODE_DIGITS = 6
MAX_CODE_TTL_MINUTES = 10
_SCHEME = "hmac-sha256"

CHANNEL_LABELS = {CodeChannel.EMAIL: "e-mail", CodeChannel.SMS: "SMS"}


def code_digits(session: Session) -> int:
    """The configured length, never below the ASVS floor whatever a settings file says."""
    return max(MIN_CODE_DIGITS, settings_of(session).unlock.code_digits)


def code_ttl(session: Session) -> timedelta:
    """The configured lifetime, never above the ASVS ceiling."""
    minutes = min(MAX_CODE_TTL_MINUTES, max(1, settings_of(session).unlock.code_ttl_minutes))
    return timedelta(minutes=minutes)


def generate_code(digits: int) -> str:
    return f"{secrets.randbelow(10**digits):0{digits}d}"


def hash_code(code: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hmac.new(salt, code.encode("ascii"), hashlib.sha256).hexdigest()
    return f"{_SCHEME}${salt.hex()}${digest}"


def code_matches(code: str, stored: str) -> bool:
    scheme, _, rest = stored.partition("$")
    salt_hex, _, digest = rest.partition("$")
    if scheme != _SCHEME or not salt_hex or not digest:
        return False
    candidate = hmac.new(bytes.fromhex(salt_hex), code.encode("ascii", "replace"), hashlib.sha256).hexdigest()
    return hmac.compare_digest(candidate, digest)


@dataclass(frozen=True)
class ContactOnFile:
    """A contact the code may go to, as the agent sees it: masked."""

    channel: CodeChannel
    label: str
    masked: str


def contacts_on_file(customer: Customer) -> list[ContactOnFile]:
    contacts = []
    if customer.email:
        contacts.append(ContactOnFile(CodeChannel.EMAIL, "E-mail", outbox.mask_email(customer.email)))
    if customer.phone_mobile:
        contacts.append(
            ContactOnFile(CodeChannel.SMS, "SMS au mobile", outbox.mask_phone(customer.phone_mobile))
        )
    return contacts


def recipient_on_file(customer: Customer, channel: CodeChannel) -> str:
    """The address or number the code goes to: only ever the one stored on the file."""
    recipient = customer.email if channel is CodeChannel.EMAIL else customer.phone_mobile
    if not recipient:
        missing = "aucune adresse e-mail" if channel is CodeChannel.EMAIL else "aucun numéro de mobile"
        raise InvalidInput(
            f"Le dossier ne contient {missing} : le code ne peut pas être envoyé par "
            f"{CHANNEL_LABELS[channel]}. Choisissez l'autre canal, ou faites d'abord mettre à jour les "
            "coordonnées du dossier après vérification d'identité.",
            "channel",
        )
    return recipient


@dataclass(frozen=True)
class IssuedCode:
    """What the agent is told: where the code went (masked) and until when, never the code."""

    code_id: int
    channel: CodeChannel
    recipient_masked: str
    expires_at: datetime


def _outstanding(account_id: int) -> tuple[ColumnElement[bool], ...]:
    """The account's codes that could still be used: neither used nor revoked (expiry is checked apart)."""
    return (
        OneTimeCode.account_id == account_id,
        OneTimeCode.used_at.is_(None),
        OneTimeCode.revoked_at.is_(None),
    )


def revoke_outstanding(session: Session, account_id: int) -> int:
    result = session.execute(
        update(OneTimeCode)
        .where(*_outstanding(account_id))
        .values(revoked_at=now(session))
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def issue_code(
    session: Session,
    actor: Actor | None,
    account: PortalAccount,
    customer: Customer,
    channel: CodeChannel,
    purpose: CodePurpose = CodePurpose.UNLOCK,
) -> IssuedCode:
    """Create a code and queue its message, in the caller's transaction (the caller checks and audits).

    Earlier codes of the account are revoked: only the latest one sent can be used.
    """
    recipient = recipient_on_file(customer, channel)
    revoke_outstanding(session, account.id)
    code = generate_code(code_digits(session))
    moment = now(session)
    ttl = code_ttl(session)
    row = OneTimeCode(
        account_id=account.id,
        purpose=purpose,
        channel=channel,
        code_hash=hash_code(code),
        created_at=moment,
        expires_at=moment + ttl,
        attempts=0,
        created_by_id=actor.agent_id if actor and actor.agent_id else None,
    )
    session.add(row)
    minutes = int(ttl.total_seconds() // 60)
    insurer = settings_of(session).branding.insurer_name
    if channel is CodeChannel.EMAIL:
        outbox.queue(
            session,
            customer_id=customer.id,
            channel=OutboxChannel.EMAIL,
            kind="unlock_code",
            recipient=recipient,
            subject=f"{insurer} — votre code d'accès à l'espace assuré",
            body=(
                f"Bonjour,\n\nVoici votre code à usage unique pour accéder à votre espace assuré : {code}\n\n"
                f"Il est valable {minutes} minutes et ne peut servir qu'une fois. Nos conseillers ne vous le "
                "demanderont jamais : ne le communiquez à personne.\n\n"
                f"Si vous n'êtes pas à l'origine de cette demande, appelez-nous au "
                f"{settings_of(session).branding.phone}.\n\n{insurer}"
            ),
            contains_secret=True,
        )
    else:
        outbox.queue(
            session,
            customer_id=customer.id,
            channel=OutboxChannel.SMS,
            kind="unlock_code",
            recipient=recipient,
            subject=None,
            body=(
                f"{insurer} : votre code d'accès à l'espace assuré est {code} (valable {minutes} min, usage "
                "unique). Ne le communiquez à personne, pas même à un conseiller."
            ),
            contains_secret=True,
        )
    session.flush()
    return IssuedCode(
        row.id, channel, outbox.mask_recipient(OutboxChannel(channel.value), recipient), row.expires_at
    )


@dataclass(frozen=True)
class Redemption:
    """The portal's answer. A failure never says whether a code exists, only what the customer can do."""

    ok: bool
    message: str
    attempts_left: int = 0


_NO_VALID_CODE = (
    "Ce code n'est pas valide ou a expiré. Demandez un nouveau code en appelant le service client."
)


def redeem_code(session: Session, account_id: int, code: str) -> Redemption:
    """Portal side: use a code once. Exactly one of several concurrent redemptions of a code succeeds.

    The success is a conditional UPDATE (still unused, unrevoked, unexpired, under the attempt limit) whose
    row count decides; a wrong guess increments the attempt counter atomically and, at the limit, revokes the
    code. Returns instead of raising so that the counted attempt is committed.
    """
    moment = now(session)
    limit = settings_of(session).unlock.code_max_attempts
    candidate = session.execute(
        select(OneTimeCode)
        .where(*_outstanding(account_id))
        .order_by(OneTimeCode.created_at.desc(), OneTimeCode.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    account = session.get(PortalAccount, account_id)
    customer_id = account.customer_id if account else None
    if candidate is None or account is None or candidate.expires_at <= moment or candidate.attempts >= limit:
        _audit_portal(session, account_id, customer_id, "refused", "aucun code valide")
        return Redemption(False, _NO_VALID_CODE)
    if account.status is not AccountStatus.ACTIVE:
        _audit_portal(session, account_id, customer_id, "refused", "espace de nouveau bloqué")
        return Redemption(False, "Votre espace assuré est bloqué : appelez le service client.")
    normalized = "".join(code.split())
    if not (normalized.isdigit() and code_matches(normalized, candidate.code_hash)):
        result = session.execute(
            update(OneTimeCode)
            .where(OneTimeCode.id == candidate.id, OneTimeCode.used_at.is_(None))
            .values(
                attempts=OneTimeCode.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        session.refresh(candidate)
        left = max(limit - candidate.attempts, 0)
        if left == 0 and candidate.revoked_at is None:
            candidate.revoked_at = moment
        if not getattr(result, "rowcount", 0):
            _audit_portal(session, account_id, customer_id, "refused", "code déjà utilisé")
            return Redemption(False, _NO_VALID_CODE)
        _audit_portal(session, account_id, customer_id, "refused", f"code erroné, {left} essai(s) restant(s)")
        if left == 0:
            return Redemption(False, "Trop d'essais : ce code est annulé. Appelez le service client.")
        return Redemption(False, f"Code incorrect. Il vous reste {left} essai(s).", left)
    result = session.execute(
        update(OneTimeCode)
        .where(
            OneTimeCode.id == candidate.id,
            OneTimeCode.used_at.is_(None),
            OneTimeCode.revoked_at.is_(None),
            OneTimeCode.expires_at > moment,
            OneTimeCode.attempts < limit,
        )
        .values(used_at=moment, attempts=OneTimeCode.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        _audit_portal(session, account_id, customer_id, "refused", "code déjà utilisé")
        return Redemption(False, _NO_VALID_CODE)
    account.password_reset_required = False
    account.failed_attempts = 0
    account.updated_at = moment
    _audit_portal(session, account_id, customer_id, "ok", "code utilisé, accès rétabli")
    return Redemption(True, "Code accepté : choisissez maintenant votre nouveau mot de passe.")


def _audit_portal(
    session: Session, account_id: int, customer_id: int | None, outcome: str, what: str
) -> None:
    audit.record(
        session,
        None,
        "portal.code_redeem",
        f"Espace assuré : saisie d'un code de déblocage — {what}",
        target_type="portal_account",
        target_id=account_id,
        customer_id=customer_id,
        outcome=outcome,
    )
