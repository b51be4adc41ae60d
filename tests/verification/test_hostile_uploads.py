"""Every file of the hostile corpus is refused with a French reason, without a crash or a leftover row."""

from __future__ import annotations

from sqlalchemy import func, select

from backoffice.db import Database
from backoffice.errors import InvalidInput
from backoffice.models import Blob, Document, DocumentKind, VerificationPurpose
from backoffice.workflows import verification
from backoffice.workflows.context import Actor
from backoffice.workflows.documents import upload_document
from tests.verification.samples import hostile_corpus, pdf


def _counts(db: Database) -> tuple[int, int]:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Document)) or 0, s.scalar(
            select(func.count()).select_from(Blob)
        ) or 0


def test_corpus_is_large_enough() -> None:
    assert len(hostile_corpus()) >= 200


def test_every_hostile_upload_is_refused_with_a_reason_and_leaves_nothing(
    db: Database, agents: dict[str, Actor], customer_id: int
) -> None:
    actor = agents["agent"]
    with db.write() as s:
        case_id = verification.open_case(s, actor, customer_id, VerificationPurpose.UNLOCK).id
    unexpected: list[str] = []
    for index, (description, name, content) in enumerate(hostile_corpus()):
        try:
            with db.write() as s:
                if index % 2:
                    upload_document(
                        s,
                        actor,
                        customer_id=customer_id,
                        kind=DocumentKind.OTHER,
                        filename=name,
                        content=content,
                    )
                else:
                    verification.attach_document(
                        s, actor, case_id, kind=DocumentKind.IDENTITY_DOCUMENT, filename=name, content=content
                    )
        except InvalidInput as refusal:
            if len(refusal.message) < 30 or not refusal.message.endswith("."):
                unexpected.append(f"{description}: message trop vague « {refusal.message} »")
        except Exception as exc:  # the test reports any crash by name
            unexpected.append(f"{description}: {type(exc).__name__} {exc}")
        else:
            unexpected.append(f"{description}: accepté")
    assert unexpected == []
    assert _counts(db) == (0, 0)
    with db.read() as s:
        assert verification.get_case(s, actor, case_id).documents == ()


def test_a_good_file_after_the_corpus_is_still_accepted(
    db: Database, agents: dict[str, Actor], customer_id: int
) -> None:
    with db.write() as s:
        info = upload_document(
            s,
            agents["agent"],
            customer_id=customer_id,
            kind=DocumentKind.PROOF_OF_ADDRESS,
            filename="facture.pdf",
            content=pdf(),
        )
    assert info.page_count == 1 and _counts(db) == (1, 1)
