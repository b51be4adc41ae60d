"""Right of access (RGPD art. 15): one archive with all data about one customer and nobody else's."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.checks.identifiers import normalize_client_number
from backoffice.errors import InvalidInput, NotFound
from backoffice.models import Blob, Customer
from backoffice.workflows import audit
from backoffice.workflows.context import Actor, now
from backoffice.workflows.customer_data import collect
from backoffice.workflows.permissions import Permission, require

EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
# Internal secrets that are not personal data of the customer and must never leave the database.
WITHHELD = {"one_time_code": {"code_hash"}, "outbox_message": {"body"}}


@dataclass(frozen=True)
class ExportResult:
    path: Path
    client_number: str
    tables: dict[str, int]
    files: int
    sha256: str


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return None
    raise TypeError(type(value).__name__)


def export_customer(session: Session, actor: Actor, client_number: str, target_dir: Path) -> ExportResult:
    number = normalize_client_number(client_number)
    if number is None:
        raise InvalidInput(
            f"« {client_number} » n'est pas un numéro client valide (TI000 suivi de 7 chiffres)."
        )
    customer_id = session.execute(
        select(Customer.id).where(Customer.client_number == number)
    ).scalar_one_or_none()
    require(
        session,
        actor,
        Permission.GDPR_EXPORT,
        target_type="customer",
        target_id=customer_id,
        customer_id=customer_id,
    )
    if customer_id is None:
        raise NotFound(f"Aucun client ne porte le numéro {number}.")
    data = collect(session, customer_id)
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, rows in data.rows.items():
        hidden = WITHHELD.get(name, set())
        tables[name] = [{k: v for k, v in row.items() if k not in hidden} for row in rows]
    tables["audit_record"] = [
        {
            "at": e.at,
            "agent": e.actor_username,
            "action": e.action,
            "outcome": e.outcome,
            "summary": e.summary,
        }
        for e in audit.entries_for_customer(session, customer_id, limit=100_000)
    ]
    moment = now(session)
    buffer = io.BytesIO()
    files = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        manifest = {
            "client_number": number,
            "generated_at": moment.isoformat(),
            "generated_by": actor.username,
            "description": "Export des données personnelles (droit d'accès, article 15 du RGPD).",
            "tables": {k: len(v) for k, v in tables.items()},
        }
        archive.writestr(
            "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2, default=_json_default)
        )
        archive.writestr(
            "donnees.json", json.dumps(tables, ensure_ascii=False, indent=2, default=_json_default)
        )
        for kind, rows in (
            ("documents", tables.get("document", [])),
            ("courriers", tables.get("letter", [])),
        ):
            for row in rows:
                blob = session.get(Blob, row["blob_sha256"])
                if blob is None:
                    continue
                ext = EXTENSIONS.get(blob.mime_type, "bin")
                label = row.get("reference") or row["id"]
                archive.writestr(f"{kind}/{label}.{ext}", blob.content)
                files += 1
    content = buffer.getvalue()
    target_dir.mkdir(parents=True, exist_ok=True)
    path = target_dir / f"export-rgpd-{number}-{moment:%Y%m%d-%H%M%S}.zip"
    path.write_bytes(content)
    digest = hashlib.sha256(content).hexdigest()
    audit.record(
        session,
        actor,
        "gdpr.export",
        f"Export RGPD du client {number} ({files} fichiers)",
        target_type="customer",
        target_id=customer_id,
        customer_id=customer_id,
        details={"sha256": digest, "tables": {k: len(v) for k, v in tables.items()}},
    )
    return ExportResult(path, number, {k: len(v) for k, v in tables.items()}, files, digest)


def export_customer_by_id(session: Session, actor: Actor, customer_id: int, target_dir: Path) -> ExportResult:
    """The same export, started from a customer file (the screen knows the file, not the number)."""
    require(
        session,
        actor,
        Permission.GDPR_EXPORT,
        target_type="customer",
        target_id=customer_id,
        customer_id=customer_id,
    )
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("Client introuvable.")
    return export_customer(session, actor, customer.client_number, target_dir)
