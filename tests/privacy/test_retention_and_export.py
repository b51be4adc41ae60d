from __future__ import annotations

import json
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from backoffice.db import Database
from backoffice.errors import PermissionDenied
from backoffice.models import (
    AuditRecord,
    Blob,
    ContractStatus,
    Customer,
    CustomerKind,
    Document,
    DocumentKind,
    PurgeEvidence,
    VerificationCase,
    VerificationPurpose,
    VerificationStatus,
)
from backoffice.workflows import gdpr, retention, sensitive
from backoffice.workflows.context import Actor
from tests.factories import make_account, make_contract, make_customer


def _document(
    s, customer: Customer, actor: Actor, content: bytes, kind=DocumentKind.IDENTITY_DOCUMENT
) -> Document:  # type: ignore[no-untyped-def]
    import hashlib

    sha = hashlib.sha256(content).hexdigest()
    if s.get(Blob, sha) is None:
        s.add(
            Blob(
                sha256=sha,
                size=len(content),
                mime_type="application/pdf",
                content=content,
                created_at=customer.created_at,
            )
        )
    doc = Document(
        customer_id=customer.id,
        kind=kind,
        blob_sha256=sha,
        original_filename="cni.pdf",
        mime_type="application/pdf",
        size=len(content),
        uploaded_by_id=actor.agent_id,
        uploaded_at=customer.created_at,
    )
    s.add(doc)
    s.flush()
    return doc


def _former_customer(s, actor: Actor, ended: date, name: str) -> Customer:  # type: ignore[no-untyped-def]
    customer = make_customer(s, last_name=name, relationship_ended_on=ended)
    make_contract(s, customer, status=ContractStatus.TERMINATED, end_date=ended)
    make_account(s, customer)
    doc = _document(s, customer, actor, f"piece de {name}".encode())
    case = VerificationCase(
        customer_id=customer.id,
        purpose=VerificationPurpose.KYC,
        status=VerificationStatus.VERIFIED,
        covered=["identity"],
        opened_by_id=actor.agent_id,
        opened_at=customer.created_at,
    )
    case.documents.append(doc)
    s.add(case)
    s.flush()
    return customer


def test_retention_applies_each_rule_and_leaves_evidence(db: Database, agents: dict[str, Actor]) -> None:
    today = date(2026, 11, 26)
    with db.write() as s:
        active = make_customer(s, last_name="Actif")
        make_contract(s, active)
        _document(s, active, agents["agent"], b"piece active")
        recent = _former_customer(s, agents["agent"], today - timedelta(days=365), "Recent").id
        three_years = _former_customer(s, agents["agent"], today - timedelta(days=3 * 365), "Trois").id
        six_years = _former_customer(s, agents["agent"], today - timedelta(days=6 * 365), "Six").id
        prospect = make_customer(
            s,
            last_name="Prospect",
            kind=CustomerKind.PROSPECT,
            last_activity_at=db.clock.now() - timedelta(days=4 * 365),
        ).id
        s.add(
            Blob(
                sha256="f" * 64, size=1, mime_type="application/pdf", content=b"x", created_at=db.clock.now()
            )
        )
        active_id = active.id

    with db.write() as s:
        preview = retention.run_retention(s, agents["admin"], dry_run=True)
    assert preview.counts["kyc"]["customer"] == 1 and preview.counts["prospect"]["customer"] == 1
    with db.read() as s:
        assert s.execute(select(func.count(Customer.id))).scalar_one() == 5  # a dry run deletes nothing

    with db.write() as s:
        report = retention.run_retention(s, agents["admin"])
    assert report.counts["contract_data"]["contract"] == 2  # three and six years after the end
    assert report.counts["orphan_blob"]["blob"] >= 1
    with db.read() as s:
        remaining = set(s.execute(select(Customer.id)).scalars())
        assert remaining == {active_id, recent, three_years}
        kept_docs = s.execute(
            select(func.count(Document.id)).where(Document.customer_id == three_years)
        ).scalar_one()
        assert kept_docs == 1  # KYC kept 5 years, contracts gone after 2
        assert (
            s.execute(select(func.count(Document.id)).where(Document.customer_id == six_years)).scalar_one()
            == 0
        )
        assert s.get(Blob, "f" * 64) is None
        evidence = (
            s.execute(select(PurgeEvidence).where(PurgeEvidence.target_type == "customer")).scalars().all()
        )
        assert {(e.rule, e.target_ref) for e in evidence} == {
            ("kyc", str(six_years)),
            ("prospect", str(prospect)),
        }
        assert all("Six" not in e.reason and "Prospect" not in e.reason for e in evidence)
        last = s.execute(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1)).scalar_one()
        assert last.action == "retention.run"


def test_retention_is_for_administrators(db: Database, agents: dict[str, Actor]) -> None:
    with pytest.raises(PermissionDenied), db.write() as s:
        retention.run_retention(s, agents["supervisor"])


def test_gdpr_export_contains_the_customer_and_nobody_else(
    db: Database, agents: dict[str, Actor], tmp_path: Path
) -> None:
    with db.write() as s:
        mine = make_customer(s, last_name="Lefèvre", first_names="Hélène")
        make_contract(s, mine)
        make_account(s, mine)
        _document(s, mine, agents["agent"], b"ma piece")
        other = make_customer(s, last_name="Autre", first_names="Personne", email="autre@example.fr")
        make_contract(s, other)
        _document(s, other, agents["agent"], b"piece d'un autre")
        number = mine.client_number
    with db.write() as s:
        result = gdpr.export_customer(s, agents["supervisor"], number.lower(), tmp_path)
    with zipfile.ZipFile(result.path) as archive:
        data = json.loads(archive.read("donnees.json"))
        names = archive.namelist()
        everything = b"".join(archive.read(n) for n in names)
    assert data["customer"][0]["last_name"] == "Lefèvre"
    assert len(data["contract"]) == 1 and len(data["document"]) == 1
    assert b"Autre" not in everything and b"piece d'un autre" not in everything
    assert any(n.startswith("documents/") for n in names)
    with db.read() as s:
        last = s.execute(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1)).scalar_one()
    assert last.action == "gdpr.export" and last.customer_id == data["customer"][0]["id"]


def test_revealing_an_iban_is_audited_without_the_value(db: Database, agents: dict[str, Actor]) -> None:
    with db.write() as s:
        customer_id = make_customer(s).id
    with db.write() as s:
        value = sensitive.reveal(s, agents["agent"], customer_id, "iban")
    assert value.replace(" ", "") == "FR1420041010050500013M02606"
    assert sensitive.masked_iban("FR1420041010050500013M02606").replace(" ", "").endswith("•2606")
    with db.read() as s:
        last = s.execute(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1)).scalar_one()
    assert last.action == "sensitive.reveal" and "FR14" not in json.dumps(last.details) + last.summary
    with pytest.raises(PermissionDenied), db.write() as s:
        sensitive.reveal(s, agents["claims_handler"], customer_id, "iban")
