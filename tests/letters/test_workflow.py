from __future__ import annotations

import hashlib
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from backoffice.db import Database
from backoffice.errors import InvalidInput, PermissionDenied, Refused
from backoffice.models import AuditRecord, Blob, Letter, SendMethod
from backoffice.workflows import letters as wf
from backoffice.workflows.context import Actor
from tests.letters.conftest import Case


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_acknowledgement_from_a_claim_is_archived_with_its_inputs(
    db: Database, agents: dict[str, Actor], case: Case
) -> None:
    actor = agents["claims_handler"]
    with db.write() as s:
        result = wf.generate_letter(s, actor, "ack_claim", claim_id=case.claim_id)
    assert result.letter_id is not None and result.reference.startswith("AR-20261126-")
    text = text_of(result.pdf)
    assert "S2026-004211" in text and "23 novembre 2026" in text and "26 novembre 2026" in text
    assert "93130 NOISY LE SEC" in text
    with db.read() as s:
        letter = s.get(Letter, result.letter_id)
        assert letter is not None
        assert letter.template_version == "1" and letter.claim_id == case.claim_id
        assert letter.customer_id == case.customer_id and letter.created_by_id == actor.agent_id
        assert letter.recipient_lines[-1] == "93130 NOISY LE SEC"
        assert letter.fields["values"]["claim_number"] == "S2026-004211"
        blob = s.get(Blob, letter.blob_sha256)
        assert blob is not None and blob.content == result.pdf
        assert hashlib.sha256(blob.content).hexdigest() == letter.blob_sha256
        audit = s.execute(select(AuditRecord).where(AuditRecord.action == "letter.generate")).scalar_one()
        assert result.reference in audit.summary and audit.customer_id == case.customer_id


def test_preview_is_not_archived_and_is_the_archived_letter(
    db: Database, agents: dict[str, Actor], case: Case
) -> None:
    actor = agents["agent"]
    with db.read() as s:
        preview = wf.generate_letter(s, actor, "ack_claim", claim_id=case.claim_id, archive=False)
    assert preview.letter_id is None
    with db.read() as s:
        assert s.execute(select(func.count(Letter.id))).scalar_one() == 0
    with db.write() as s:
        archived = wf.generate_letter(s, actor, "ack_claim", claim_id=case.claim_id)
    assert archived.sha256 == preview.sha256 and archived.pdf == preview.pdf
    with db.write() as s:
        again = wf.generate_letter(s, actor, "ack_claim", claim_id=case.claim_id)
    assert again.already_archived and again.letter_id == archived.letter_id
    with db.read() as s:
        assert s.execute(select(func.count(Letter.id))).scalar_one() == 1


def test_list_reprint_regenerate_and_mark_sent(db: Database, agents: dict[str, Actor], case: Case) -> None:
    actor = agents["agent"]
    with db.write() as s:
        ack = wf.generate_letter(s, actor, "ack_claim", claim_id=case.claim_id)
        memo = wf.generate_letter(s, actor, "vehicle_memo", customer_id=case.customer_id)
    with db.read() as s:
        by_customer = wf.list_letters(s, actor, customer_id=case.customer_id)
        by_claim = wf.list_letters(s, actor, claim_id=case.claim_id)
        assert {x.reference for x in by_customer} == {ack.reference, memo.reference}
        assert [x.reference for x in by_claim] == [ack.reference]
        assert by_claim[0].status == "À envoyer" and by_claim[0].created_by == "Alice Martin"
        assert wf.letter_pdf(s, actor, ack.letter_id) == ack.pdf  # type: ignore[arg-type]
        regeneration = wf.regenerate_letter(s, actor, memo.letter_id)  # type: ignore[arg-type]
        assert regeneration.identical
    with db.write() as s:
        sent = wf.mark_sent(s, actor, ack.letter_id, SendMethod.POST, expected_version=by_claim[0].version)  # type: ignore[arg-type]
    assert sent.status == "Envoyé par courrier" and sent.sent_by == "Alice Martin"
    with pytest.raises(Refused, match="déjà marqué envoyé"), db.write() as s:
        wf.mark_sent(s, actor, ack.letter_id, SendMethod.EMAIL)  # type: ignore[arg-type]
    with db.read() as s:
        actions = list(s.execute(select(AuditRecord.action, AuditRecord.outcome).order_by(AuditRecord.seq)))
    assert ("letter.sent", "ok") in actions and ("letter.send", "refused") in actions


def test_admin_without_letter_permission_is_refused(
    db: Database, agents: dict[str, Actor], case: Case
) -> None:
    with pytest.raises(PermissionDenied), db.read() as s:
        wf.generate_letter(s, agents["admin"], "ack_claim", claim_id=case.claim_id, archive=False)


@pytest.mark.parametrize(
    ("code", "kwargs", "expected"),
    [
        ("missing_documents", {"extra_fields": {"documents": ["Le constat amiable"]}}, "Le constat amiable"),
        ("appraisal_mandate", {"expert_id": True}, "10 décembre 2026"),
        ("indemnity_proposal", {}, "3\u202f112,80"),
        (
            "claim_refusal",
            {"extra_fields": {"reasons": ["Garantie non souscrite."]}},
            "Médiation de l'Assurance",
        ),
        ("identity_verified", {"related": "verification_case"}, "Pièce d'identité"),
        ("account_unlocked", {}, "débloqué le 26 novembre 2026"),
        ("bank_details_changed", {"related": "bank_details_change"}, "0189"),
        ("claims_history_statement", {}, "Bris de glace"),
        ("vehicle_memo", {}, "GA-123-BC"),
    ],
)
def test_each_template_gathers_its_fields_from_the_database(
    db: Database, agents: dict[str, Actor], case: Case, code: str, kwargs: dict, expected: str
) -> None:
    args: dict = (
        {"claim_id": case.claim_id}
        if code in {"appraisal_mandate", "indemnity_proposal", "claim_refusal", "missing_documents"}
        else {"customer_id": case.customer_id}
    )
    if kwargs.get("expert_id"):
        args["expert_id"] = case.expert_id
    if kwargs.get("related") == "verification_case":
        args["related"] = ("verification_case", case.verification_case_id)
    if kwargs.get("related") == "bank_details_change":
        args["related"] = ("bank_details_change", case.bank_change_id)
    if "extra_fields" in kwargs:
        args["extra_fields"] = kwargs["extra_fields"]
    with db.write() as s:
        result = wf.generate_letter(
            s, agents["claims_handler"] if "claim_id" in args else agents["agent"], code, **args
        )
    text = text_of(result.pdf)
    assert expected in text
    assert "FR14" not in text and "M02606" not in text and "1234567890189" not in text  # never a full IBAN
    with db.read() as s:
        letter = s.get(Letter, result.letter_id)
        assert letter is not None
        assert "FR1420041010050500013M02606" not in str(letter.fields)


def test_missing_field_from_the_database_is_named_in_french(
    db: Database, agents: dict[str, Actor], case: Case
) -> None:
    with pytest.raises(InvalidInput, match="Motifs du refus"), db.read() as s:
        wf.generate_letter(
            s, agents["claims_handler"], "claim_refusal", claim_id=case.claim_id, archive=False
        )


def test_batch_of_the_days_acknowledgements_with_progress_and_cancel(
    db: Database, agents: dict[str, Actor], case: Case
) -> None:
    from datetime import datetime

    from backoffice.clock import PARIS
    from backoffice.letters import merge_pdfs
    from backoffice.models import Contract
    from tests.letters.conftest import add_claim

    with db.write() as s:
        contract = s.get(Contract, case.contract_id)
        for n in range(5):
            add_claim(s, contract, f"S2026-00500{n}", declared_at=datetime(2026, 11, 26, 11, n, tzinfo=PARIS))
        add_claim(s, contract, "S2026-009999", declared_at=datetime(2026, 11, 25, 23, 59, tzinfo=PARIS))
    actor = agents["claims_handler"]
    with db.read() as s:
        targets = wf.claims_declared_on(s, actor, datetime(2026, 11, 26).date())
    assert len(targets) == 6
    seen: list[tuple[int, int]] = []
    result = wf.generate_batch(db, actor, "ack_claim", targets, progress=lambda d, t: seen.append((d, t)))
    assert len(result.letters) == 6 and not result.failures and not result.cancelled
    assert seen[0] == (0, 6) and seen[-1] == (6, 6)
    merged = merge_pdfs(x.pdf for x in result.letters)
    assert len(PdfReader(BytesIO(merged)).pages) == 6
    assert len(merged) < sum(len(x.pdf) for x in result.letters) / 2  # shared fonts stored once

    calls = {"n": 0}

    def cancel_after_two() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    with db.write() as s:
        s.execute(Letter.__table__.delete())
    cancelled = wf.generate_batch(db, actor, "ack_claim", targets, is_cancelled=cancel_after_two)
    assert cancelled.cancelled and len(cancelled.letters) == 2
    with db.read() as s:
        assert s.execute(select(func.count(Letter.id))).scalar_one() == 2


def test_batch_reports_a_letter_that_cannot_be_made_and_goes_on(
    db: Database, agents: dict[str, Actor], case: Case
) -> None:
    targets = [wf.BatchTarget(claim_id=case.claim_id), wf.BatchTarget(claim_id=999_999)]
    result = wf.generate_batch(db, agents["claims_handler"], "ack_claim", targets, archive=False)
    assert len(result.letters) == 1 and len(result.failures) == 1
    assert "introuvable" in result.failures[0].message
    assert result.message() == "1 courrier(s) produit(s) sur 2, 1 en erreur."


def test_agent_cannot_run_batches(db: Database, agents: dict[str, Actor], case: Case) -> None:
    with pytest.raises(PermissionDenied):
        wf.generate_batch(db, agents["agent"], "ack_claim", [wf.BatchTarget(claim_id=case.claim_id)])
