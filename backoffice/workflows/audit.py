"""The append-only, hash-chained audit trail.

Each record stores the hash of the previous one and of its own canonical content; writers lock the single chain
head row, so two agents never fork the chain. Never put an IBAN, password, code or document content in a record.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from backoffice.errors import Refused
from backoffice.models.audit import AuditHead, AuditRecord
from backoffice.workflows.context import SYSTEM_ACTOR, Actor, now
from backoffice.workflows.permissions import Permission, require

GENESIS_HASH = "0" * 64
CHANNEL = "backoffice_changes"  # PostgreSQL NOTIFY channel: "something changed, look again"


def canonical(record: AuditRecord) -> str:
    payload = {
        "seq": record.seq,
        "at": record.at.isoformat(timespec="microseconds"),
        "actor_id": record.actor_id,
        "actor_username": record.actor_username,
        "action": record.action,
        "outcome": record.outcome,
        "target_type": record.target_type,
        "target_id": record.target_id,
        "customer_id": record.customer_id,
        "summary": record.summary,
        "details": record.details,
        "prev_hash": record.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def compute_hash(record: AuditRecord) -> str:
    return hashlib.sha256(canonical(record).encode("utf-8")).hexdigest()


def _lock_head(session: Session) -> AuditHead:
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_seq=0, last_hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    return head


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    summary: str,
    *,
    target_type: str | None = None,
    target_id: object | None = None,
    customer_id: int | None = None,
    details: dict[str, Any] | None = None,
    outcome: str = "ok",
) -> AuditRecord:
    """Append one record in the caller's transaction. Call it last: it holds the chain head until commit."""
    actor = actor or SYSTEM_ACTOR
    head = _lock_head(session)
    entry = AuditRecord(
        seq=head.last_seq + 1,
        at=now(session),
        actor_id=actor.agent_id or None,
        actor_username=actor.username,
        action=action,
        outcome=outcome,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        customer_id=customer_id,
        summary=summary[:500],
        details=details or {},
        prev_hash=head.last_hash,
    )
    entry.hash = compute_hash(entry)
    session.add(entry)
    head.last_seq = entry.seq
    head.last_hash = entry.hash
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        # Delivered to listening workstations only when the transaction commits (LISTEN/NOTIFY semantics).
        session.execute(text("SELECT pg_notify(:channel, :action)"), {"channel": CHANNEL, "action": action})
    return entry


def record_refusal(session: Session, actor: object, refusal: Refused) -> AuditRecord:
    return record(
        session,
        actor if isinstance(actor, Actor) else None,
        refusal.action,
        f"Refusé : {refusal.message}",
        target_type=refusal.target_type,
        target_id=refusal.target_id,
        customer_id=refusal.customer_id,
        outcome="refused",
    )


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    first_broken_seq: int | None = None
    problem: str | None = None

    def message(self) -> str:
        if self.ok:
            return (
                f"Journal d'audit intègre : {self.checked} enregistrements vérifiés, tête n° {self.head_seq}."
            )
        return f"Journal d'audit altéré à l'enregistrement n° {self.first_broken_seq} : {self.problem}"


def verify_chain(
    session: Session, *, anchor_seq: int | None = None, anchor_hash: str | None = None
) -> ChainReport:
    """Walk the whole chain; report the first broken link. An anchor saved outside detects a deleted tail."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    last_seq, last_hash = 0, GENESIS_HASH
    anchor_seen = anchor_seq is None
    rows = session.execute(select(AuditRecord).order_by(AuditRecord.seq).execution_options(yield_per=2000))
    for entry in rows.scalars():
        if entry.seq != expected_seq:
            return ChainReport(False, checked, last_seq, last_hash, expected_seq, "enregistrement manquant")
        if entry.prev_hash != prev_hash:
            return ChainReport(False, checked, last_seq, last_hash, entry.seq, "lien avec le précédent rompu")
        if compute_hash(entry) != entry.hash:
            return ChainReport(
                False, checked, last_seq, last_hash, entry.seq, "contenu modifié après écriture"
            )
        if anchor_seq is not None and entry.seq == anchor_seq:
            if entry.hash != anchor_hash:
                return ChainReport(
                    False, checked, last_seq, last_hash, entry.seq, "ne correspond pas à l'ancre"
                )
            anchor_seen = True
        prev_hash = entry.hash
        last_seq, last_hash = entry.seq, entry.hash
        expected_seq += 1
        checked += 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_seq != last_seq or head.last_hash != last_hash):
        return ChainReport(
            False, checked, last_seq, last_hash, last_seq + 1, "fin du journal supprimée (tête incohérente)"
        )
    if not anchor_seen:
        return ChainReport(
            False,
            checked,
            last_seq,
            last_hash,
            last_seq + 1,
            f"l'ancre n° {anchor_seq} n'existe plus (fin supprimée)",
        )
    return ChainReport(True, checked, last_seq, last_hash)


def verify(session: Session, actor: Actor, **anchor: Any) -> ChainReport:
    require(session, actor, Permission.AUDIT_VERIFY)
    return verify_chain(session, **anchor)


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    actor_username: str
    action: str
    outcome: str
    target_type: str | None
    target_id: str | None
    customer_id: int | None
    summary: str


def to_entry(row: AuditRecord) -> AuditEntry:
    return AuditEntry(
        row.seq,
        row.at,
        row.actor_username,
        row.action,
        row.outcome,
        row.target_type,
        row.target_id,
        row.customer_id,
        row.summary,
    )


def entries_for_customer(session: Session, customer_id: int, limit: int = 200) -> list[AuditEntry]:
    rows = session.execute(
        select(AuditRecord)
        .where(AuditRecord.customer_id == customer_id)
        .order_by(AuditRecord.seq.desc())
        .limit(limit)
    ).scalars()
    return [to_entry(r) for r in rows]


def last_change(session: Session, target_type: str, target_id: object) -> AuditEntry | None:
    """Who last changed a record, for the "changed by X at T" message of a concurrent edit."""
    row = session.execute(
        select(AuditRecord)
        .where(AuditRecord.target_type == target_type, AuditRecord.target_id == str(target_id))
        .where(AuditRecord.outcome == "ok")
        .order_by(AuditRecord.seq.desc())
        .limit(1)
    ).scalar_one_or_none()
    return to_entry(row) if row else None
