"""Uploads that are accepted: content-addressed storage, who and when, audited views, claims attachments."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from backoffice.db import Database
from backoffice.errors import InvalidInput, NotFound, PermissionDenied
from backoffice.models import AuditRecord, Blob, Claim, Customer, Document, DocumentKind
from backoffice.models.claims import ClaimType, DeclarationChannel
from backoffice.workflows.documents import (
    inspect_upload,
    list_documents,
    open_document,
    sanitize_filename,
    upload_document,
)
from tests.conftest import NOW
from tests.factories import make_contract
from tests.verification.samples import jpeg, pdf, png


def _upload(db: Database, actor, customer_id: int, name: str, content: bytes, **kw):  # type: ignore[no-untyped-def]
    with db.write() as s:
        return upload_document(
            s,
            actor,
            customer_id=customer_id,
            kind=kw.pop("kind", DocumentKind.IDENTITY_DOCUMENT),
            filename=name,
            content=content,
            **kw,
        )


def test_same_bytes_twice_make_one_blob_and_two_documents(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    first = _upload(db, agents["agent"], customer_id, "cni recto.jpg", jpeg())
    second = _upload(db, agents["agent2"], customer_id, "copie.JPG", jpeg())
    assert first.sha256 == second.sha256 and first.id != second.id
    assert (first.mime_type, first.width, first.height) == ("image/jpeg", 320, 200)
    assert first.uploaded_by == "Alice Martin" and second.uploaded_by == "Bruno Petit"
    assert first.uploaded_at == NOW
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Blob)) == 1
        assert s.scalar(select(func.count()).select_from(Document)) == 2
        listed = list_documents(s, agents["agent"], customer_id=customer_id)
    assert [d.filename for d in listed] == ["copie.JPG", "cni recto.jpg"]


def test_pdf_keeps_its_page_count_and_viewing_is_audited(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    info = _upload(db, agents["agent"], customer_id, "avis.pdf", pdf(3), kind=DocumentKind.PROOF_OF_ADDRESS)
    assert info.page_count == 3 and info.is_pdf
    with db.write() as s:
        opened = open_document(s, agents["agent2"], info.id)
    assert opened.content == pdf(3)
    with db.read() as s:
        record = s.execute(select(AuditRecord).where(AuditRecord.action == "document.view")).scalar_one()
    assert record.actor_username == "bruno.agent" and record.customer_id == customer_id
    assert record.target_id == str(info.id) and "Justificatif de domicile" in record.summary


def test_heic_is_refused_with_what_to_ask_for(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\0" * 64
    with pytest.raises(InvalidInput, match="HEIC") as refusal:
        _upload(db, agents["agent"], customer_id, "IMG_2044.HEIC", heic)
    assert "JPEG" in refusal.value.message and "Le plus compatible" in refusal.value.message


def test_limits_come_from_the_settings(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    db.settings.documents.max_pdf_pages = 2
    db.settings.documents.max_upload_bytes = 600
    db.settings.documents.allowed_types = ("application/pdf",)
    with pytest.raises(InvalidInput, match="la taille maximale est de 1 Ko \\(600 octets\\)"):
        _upload(db, agents["agent"], customer_id, "a.jpg", jpeg())
    db.settings.documents.max_upload_bytes = 15 * 1024 * 1024
    with pytest.raises(InvalidInput, match="Formats acceptés : PDF"):
        _upload(db, agents["agent"], customer_id, "a.png", png())
    with pytest.raises(InvalidInput, match="compte 3 pages : 2 au maximum"):
        _upload(db, agents["agent"], customer_id, "a.pdf", pdf(3))


def test_pixel_limit_is_read_from_the_header(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    db.settings.documents.max_image_pixels = 320 * 200 - 1
    with pytest.raises(InvalidInput, match="320 × 200 pixels"):
        _upload(db, agents["agent"], customer_id, "a.png", png())


def test_file_names_are_kept_for_display_only() -> None:
    assert sanitize_filename("  Relevé d'identité bancaire.pdf ") == "Relevé d'identité bancaire.pdf"
    assert sanitize_filename(".bashrc.png") == "bashrc.png"
    long_name = "x" * 300 + ".pdf"
    assert sanitize_filename(long_name) == "x" * 251 + ".pdf"
    for hostile in ("../a.png", "a/b.png", "a\\b.png", "a\0.png", "facture\u202egnp.exe", "", "C:a.png"):
        with pytest.raises(InvalidInput, match=r"[Nn]om de fichier"):
            sanitize_filename(hostile)


def test_type_is_read_from_the_content_not_the_name() -> None:
    from backoffice.config import DocumentSettings

    settings = DocumentSettings()
    assert inspect_upload(png(), "scan_sans_extension", settings).mime_type == "image/png"
    assert inspect_upload(pdf(), "document.PDF", settings).mime_type == "application/pdf"
    assert inspect_upload(jpeg(), "photo.txt", settings).mime_type == "image/jpeg"


def test_claims_attach_photos_through_the_same_function(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        contract = make_contract(s, s.get_one(Customer, customer_id))
        claim = Claim(
            number="SIN2026000001",
            contract_id=contract.id,
            customer_id=customer_id,
            claim_type=next(iter(ClaimType)),
            channel=next(iter(DeclarationChannel)),
            occurred_on=date(2026, 11, 20),
            known_on=date(2026, 11, 20),
            declared_at=NOW,
            circumstances="Choc arrière",
            created_at=NOW,
            updated_at=NOW,
        )
        s.add(claim)
        s.flush()
        claim_id = claim.id
    with db.write() as s:
        info = upload_document(
            s,
            agents["claims_handler"],
            claim_id=claim_id,
            kind=DocumentKind.CLAIM_PHOTO,
            filename="pare-choc.jpg",
            content=jpeg(640, 480),
        )
    assert info.claim_id == claim_id and info.customer_id == customer_id
    with pytest.raises(NotFound), db.write() as s:
        upload_document(
            s, agents["agent"], claim_id=999, kind=DocumentKind.CLAIM_PHOTO, filename="a.png", content=png()
        )


def test_upload_needs_the_permission_and_a_target(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        _upload(db, agents["admin"], customer_id, "a.png", png())
    with pytest.raises(InvalidInput, match="rattaché"), db.write() as s:
        upload_document(s, agents["agent"], kind=DocumentKind.OTHER, filename="a.png", content=png())
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Blob)) == 0
