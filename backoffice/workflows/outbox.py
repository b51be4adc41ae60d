"""Messages to customers wait in the outbox table; the mail/SMS gateway lives outside the application.

A message holding a one-time code keeps its body only until it is handed over (exported): after that the
database no longer contains the code in any form but its hash. Bodies are never returned to the interface.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.checks.phone import format_phone_fr
from backoffice.errors import InvalidInput
from backoffice.models import Customer, OutboxChannel, OutboxMessage, OutboxStatus
from backoffice.workflows import audit
from backoffice.workflows.context import Actor, now, settings_of
from backoffice.workflows.permissions import Permission, require

CHANNEL_LABELS = {OutboxChannel.EMAIL: "e-mail", OutboxChannel.SMS: "SMS", OutboxChannel.POST: "courrier"}
STATUS_LABELS = {
    OutboxStatus.PENDING: "En attente d'envoi",
    OutboxStatus.EXPORTED: "Transmis à la passerelle",
    OutboxStatus.SENT: "Envoyé",
    OutboxStatus.FAILED: "Échec d'envoi",
}
EXPORT_BATCH = 500


def mask_email(email: str) -> str:
    """ "m•••••@example.fr": enough for the caller to recognise their address, not to read it out."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}{'•' * 5}@{domain}"


def mask_phone(e164: str) -> str:
    """ "06 •• •• •• 78": the last two digits let the caller confirm the number on file."""
    shown = format_phone_fr(e164)
    digits_seen = 0
    total = sum(c.isdigit() for c in shown)
    out = []
    for c in shown:
        if c.isdigit():
            digits_seen += 1
            keep = digits_seen <= 2 or digits_seen > total - 2
            out.append(c if keep else "•")
        else:
            out.append(c)
    return "".join(out)


def mask_recipient(channel: OutboxChannel, recipient: str) -> str:
    if channel is OutboxChannel.EMAIL:
        return mask_email(recipient)
    if channel is OutboxChannel.SMS:
        return mask_phone(recipient)
    return recipient.split("\n", 1)[0]


def postal_recipient(customer: Customer) -> str:
    lines = [customer.display_name, customer.address_line]
    if customer.address_complement:
        lines.append(customer.address_complement)
    lines.append(f"{customer.postcode} {customer.city}")
    return "\n".join(lines)


def queue(
    session: Session,
    *,
    customer_id: int | None,
    channel: OutboxChannel,
    kind: str,
    recipient: str,
    subject: str | None,
    body: str,
    contains_secret: bool = False,
) -> OutboxMessage:
    """Add a message in the caller's transaction (the caller has checked permissions and audits)."""
    message = OutboxMessage(
        customer_id=customer_id,
        channel=channel,
        kind=kind,
        recipient=recipient,
        subject=subject,
        body=body,
        contains_secret=contains_secret,
        status=OutboxStatus.PENDING,
        created_at=now(session),
    )
    session.add(message)
    session.flush()
    return message


def notify_on_file(
    session: Session, customer: Customer, *, kind: str, subject: str, body: str, sms_body: str
) -> list[OutboxMessage]:
    """A security notification to every contact already on file (a letter when there is none)."""
    targets: list[tuple[OutboxChannel, str, str | None, str]] = []
    if customer.email:
        targets.append((OutboxChannel.EMAIL, customer.email, subject, body))
    if customer.phone_mobile:
        targets.append((OutboxChannel.SMS, customer.phone_mobile, None, sms_body))
    if not targets:
        targets.append((OutboxChannel.POST, postal_recipient(customer), subject, body))
    return [
        queue(
            session,
            customer_id=customer.id,
            channel=channel,
            kind=kind,
            recipient=recipient,
            subject=title,
            body=text,
        )
        for channel, recipient, title, text in targets
    ]


@dataclass(frozen=True)
class OutboxItem:
    """What an agent may see of a queued message: never its body, and the recipient masked."""

    id: int
    customer_id: int | None
    channel: OutboxChannel
    channel_label: str
    kind: str
    recipient_masked: str
    subject: str | None
    status: OutboxStatus
    status_label: str
    created_at: datetime
    exported_at: datetime | None


def _item(message: OutboxMessage) -> OutboxItem:
    return OutboxItem(
        message.id,
        message.customer_id,
        message.channel,
        CHANNEL_LABELS[message.channel],
        message.kind,
        mask_recipient(message.channel, message.recipient),
        message.subject,
        message.status,
        STATUS_LABELS[message.status],
        message.created_at,
        message.exported_at,
    )


def messages_for_customer(
    session: Session, actor: Actor, customer_id: int, limit: int = 50
) -> list[OutboxItem]:
    require(session, actor, Permission.CUSTOMER_VIEW, target_type="customer", target_id=customer_id)
    rows = session.execute(
        select(OutboxMessage)
        .where(OutboxMessage.customer_id == customer_id)
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    ).scalars()
    return [_item(m) for m in rows]


@dataclass(frozen=True)
class ExportReport:
    directory: Path
    exported: int
    files: tuple[Path, ...]

    def message(self) -> str:
        if not self.exported:
            return "Aucun message en attente."
        return f"{self.exported} message(s) déposé(s) dans {self.directory} pour la passerelle d'envoi."


def default_drop_dir(session: Session) -> Path:
    settings = settings_of(session)
    if settings.unlock.outbox_drop_dir:
        return Path(settings.unlock.outbox_drop_dir)
    return settings.paths.data_dir / "outbox"


def _write_atomically(path: Path, data: bytes) -> None:
    """The gateway picks up complete files only: write aside, then rename."""
    partial = path.with_name(f".{path.name}.part")
    with open(partial, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


def _file_for(message: OutboxMessage, sender: str, directory: Path) -> Path:
    stem = f"{message.id:09d}-{message.kind}"
    if message.channel is OutboxChannel.EMAIL:
        email = EmailMessage()
        email["From"] = sender
        email["To"] = message.recipient
        email["Subject"] = message.subject or ""
        email["Date"] = format_datetime(message.created_at)
        email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}")
        email["X-Outbox-Id"] = str(message.id)
        email.set_content(message.body or "")
        path = directory / f"{stem}.eml"
        _write_atomically(path, bytes(email))
        return path
    payload = {
        "id": message.id,
        "channel": message.channel.value,
        "kind": message.kind,
        "to": message.recipient,
        "subject": message.subject,
        "body": message.body or "",
        "created_at": message.created_at.isoformat(),
    }
    path = directory / f"{stem}.json"
    _write_atomically(path, json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8"))
    return path


def export_outbox(session: Session, actor: Actor | None, directory: Path | None = None) -> ExportReport:
    """File-drop sender for the demo gateway: one .eml (e-mail) or .json (SMS, letter) per pending message.

    File names carry the message id, so an export repeated after a failed commit rewrites the same files
    rather than sending twice. Secret bodies are erased in the same transaction that marks them exported.
    ``actor`` None is the administration console (``backoffice-admin outbox export``), trusted like the
    other console commands.
    """
    if actor is not None:
        require(session, actor, Permission.OUTBOX_EXPORT)
    target = directory or default_drop_dir(session)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(f"Le dossier de dépôt {target} ne peut pas être créé : {exc.strerror}.") from exc
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
        .limit(EXPORT_BATCH)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    moment = now(session)
    sender = settings_of(session).branding.email
    files: list[Path] = []
    while batch := list(session.execute(query).scalars()):
        for message in batch:
            files.append(_file_for(message, sender, target))
            message.status = OutboxStatus.EXPORTED
            message.exported_at = moment
            if message.contains_secret:
                message.body = None
        session.flush()
    audit.record(
        session,
        actor,
        "outbox.export",
        f"Export de {len(files)} message(s) vers la passerelle d'envoi",
        details={"count": len(files)},
    )
    return ExportReport(target, len(files), tuple(files))
