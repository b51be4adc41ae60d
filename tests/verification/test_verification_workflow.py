"""Verification cases: check vectors stored with their reasons, decisions and their rules, on both databases."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from backoffice.db import Database
from backoffice.errors import ConcurrentEdit, InvalidInput, PermissionDenied, Refused
from backoffice.models import (
    AuditRecord,
    CheckOutcome,
    Customer,
    DocumentKind,
    VerificationCase,
    VerificationCheck,
    VerificationPurpose,
    VerificationStatus,
)
from backoffice.models.documents import ProofOfAddressKind
from backoffice.workflows import verification as wf
from backoffice.workflows.context import Actor
from tests.verification.helpers import SPECIMEN_TD3, french_iban, old_french_card, td3
from tests.verification.samples import jpeg, pdf, png

TODAY = date(2026, 11, 26)
NEW_IBAN = "FR7630006000011234567890189"


def _case(db: Database, actor: Actor, customer_id: int, *kinds: DocumentKind) -> int:
    with db.write() as s:
        case_id = wf.open_case(s, actor, customer_id, VerificationPurpose.UNLOCK).id
    files = {
        DocumentKind.IDENTITY_DOCUMENT: ("cni.jpg", jpeg()),
        DocumentKind.PROOF_OF_ADDRESS: ("facture.pdf", pdf()),
        DocumentKind.BANK_DETAILS: ("rib.png", png()),
    }
    for kind in kinds:
        name, content = files[kind]
        with db.write() as s:
            wf.attach_document(s, actor, case_id, kind=kind, filename=name, content=content)
    return case_id


def _outcomes(case: wf.CaseView, group: str) -> dict[str, tuple[CheckOutcome, str | None]]:
    return {c.name: (c.outcome, c.reason) for c in case.checks_of(group)}


def _identity(db: Database, actor: Actor, case_id: int, mrz: str) -> wf.IdentityCheckRun:
    with db.write() as s:
        return wf.check_identity(s, actor, case_id, mrz_text=mrz)


# ---- identity ---------------------------------------------------------------------------------------------


def test_icao_specimen_passes_its_check_digits_but_is_expired(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    case_id = _case(db, agents["agent"], customer_id, DocumentKind.IDENTITY_DOCUMENT)
    run = _identity(db, agents["agent"], case_id, "\n".join(SPECIMEN_TD3))
    checks = _outcomes(run.case, wf.IDENTITY)
    for name in ("document_number", "birth_date", "expiry_date", "optional_data", "composite"):
        assert checks[f"identity.mrz.{name}"][0] is CheckOutcome.PASSED
    assert checks["identity.surname"][0] is CheckOutcome.PASSED
    assert checks["identity.given_names"][0] is CheckOutcome.PASSED
    assert checks["identity.birth_date"][0] is CheckOutcome.PASSED
    assert checks["identity.sex"][0] is CheckOutcome.PASSED
    assert checks["identity.expiry"] == (CheckOutcome.FAILED, "document expiré depuis le 15/04/2012")
    identity_doc = run.case.documents[0].id
    assert all(c.document_id == identity_doc for c in run.case.checks_of(wf.IDENTITY))


def test_valid_passport_passes_and_only_the_last_four_of_the_number_are_kept(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    case_id = _case(db, agents["agent"], customer_id, DocumentKind.IDENTITY_DOCUMENT)
    run = _identity(db, agents["agent"], case_id, td3())
    assert all(c.outcome is CheckOutcome.PASSED for c in run.case.checks_of(wf.IDENTITY))
    first = run.case.checks_of(wf.IDENTITY)[0]
    assert first.details["number_last4"] == "02C3"
    with db.read() as s:
        stored = json.dumps([c.details for c in s.execute(select(VerificationCheck)).scalars()])
        audit_text = json.dumps(
            [(r.summary, r.details) for r in s.execute(select(AuditRecord)).scalars()], ensure_ascii=False
        )
    for secret in ("L898902C3", "ZE184226B", "ERIKSSON<<"):
        assert secret not in stored and secret not in audit_text


def test_wrong_check_digit_is_reported_with_both_values(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    lines = td3().splitlines()
    wrong = lines[1][:19] + ("3" if lines[1][19] != "3" else "4") + lines[1][20:]
    case_id = _case(db, agents["agent"], customer_id, DocumentKind.IDENTITY_DOCUMENT)
    run = _identity(db, agents["agent"], case_id, f"{lines[0]}\n{wrong}")
    outcome, reason = _outcomes(run.case, wf.IDENTITY)["identity.mrz.birth_date"]
    assert outcome is CheckOutcome.FAILED and "clé de contrôle incorrecte" in (reason or "")


def test_letter_o_for_zero_is_named_and_a_correction_offered(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    lines = td3().splitlines()
    typed = lines[1].replace("7408122", "74O8122")
    case_id = _case(db, agents["agent"], customer_id, DocumentKind.IDENTITY_DOCUMENT)
    run = _identity(db, agents["agent"], case_id, f"{lines[0]}\n{typed}")
    outcome, reason = _outcomes(run.case, wf.IDENTITY)["identity.mrz.birth_date"]
    assert outcome is CheckOutcome.FAILED and "0/O" in (reason or "")
    assert run.suggested_mrz is not None
    rerun = _identity(db, agents["agent"], case_id, run.suggested_mrz)
    assert all(c.outcome is CheckOutcome.PASSED for c in rerun.case.checks_of(wf.IDENTITY))
    assert len(rerun.case.checks_of(wf.IDENTITY)) == len(run.case.checks_of(wf.IDENTITY))


def test_other_person_fails_name_birth_date_and_sex(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    case_id = _case(db, agents["agent"], customer_id, DocumentKind.IDENTITY_DOCUMENT)
    run = _identity(
        db, agents["agent"], case_id, td3(surname="MARTIN", given="PAUL", birth="800101", sex="M")
    )
    checks = _outcomes(run.case, wf.IDENTITY)
    assert checks["identity.surname"][0] is CheckOutcome.FAILED
    assert "MARTIN" in (checks["identity.surname"][1] or "")
    assert checks["identity.given_names"][0] is CheckOutcome.FAILED
    assert checks["identity.birth_date"][0] is CheckOutcome.FAILED
    assert checks["identity.sex"][0] is CheckOutcome.FAILED


def test_birth_name_on_the_document_matches_a_married_customer(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        customer = s.get_one(Customer, customer_id)
        customer.last_name, customer.birth_name = "Dupont", "Eriksson"
    case_id = _case(db, agents["agent"], customer_id, DocumentKind.IDENTITY_DOCUMENT)
    run = _identity(db, agents["agent"], case_id, td3())
    assert _outcomes(run.case, wf.IDENTITY)["identity.surname"][0] is CheckOutcome.PASSED


def test_old_french_card_validity_follows_the_extension_setting(db, agents) -> None:  # type: ignore[no-untyped-def]
    from backoffice.models import Civility
    from tests.factories import make_customer

    with db.write() as s:
        customer_id = make_customer(
            s,
            civility=Civility.MRS,
            last_name="Berthier",
            first_names="Corinne",
            birth_date=date(1965, 12, 6),
        ).id
    card = old_french_card(issued_yymm="1203")
    case_id = _case(db, agents["agent"], customer_id, DocumentKind.IDENTITY_DOCUMENT)
    run = _identity(db, agents["agent"], case_id, card)
    assert _outcomes(run.case, wf.IDENTITY)["identity.expiry"][0] is CheckOutcome.PASSED
    assert _outcomes(run.case, wf.IDENTITY)["identity.mrz.expiry_date"][0] is CheckOutcome.NOT_APPLICABLE
    db.settings.verification.old_french_id_card_extension_years = 0
    run = _identity(db, agents["agent"], case_id, card)
    outcome, reason = _outcomes(run.case, wf.IDENTITY)["identity.expiry"]
    assert outcome is CheckOutcome.FAILED and "28/02/2022" in (reason or "")


def test_unreadable_mrz_is_refused_and_nothing_is_stored(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    case_id = _case(db, agents["agent"], customer_id)
    with pytest.raises(InvalidInput, match="Format de MRZ non reconnu"), db.write() as s:
        wf.check_identity(s, agents["agent"], case_id, mrz_text="P<FRADUPONT")
    with db.read() as s:
        assert wf.get_case(s, agents["agent"], case_id).checks == ()


# ---- proof of address -------------------------------------------------------------------------------------


def _proof(
    db,
    agents,
    case_id,
    *,
    kind=ProofOfAddressKind.UTILITY_BILL,
    on,
    name="MME ERIKSSON ANNA",
    address="6B bd de la Republique\n93130 NOISY LE SEC",
):  # type: ignore[no-untyped-def]
    with db.write() as s:
        case = wf.check_proof_of_address(
            s,
            agents["agent"],
            case_id,
            proof_kind=kind,
            document_date=on,
            name_on_document=name,
            address_on_document=address,
        )
    return _outcomes(case, wf.ADDRESS)


@pytest.mark.parametrize(
    ("kind", "document_date", "expected"),
    [
        (ProofOfAddressKind.UTILITY_BILL, date(2026, 9, 27), CheckOutcome.PASSED),
        (ProofOfAddressKind.UTILITY_BILL, date(2026, 8, 27), CheckOutcome.PASSED),
        (ProofOfAddressKind.UTILITY_BILL, date(2026, 8, 26), CheckOutcome.FAILED),
        (ProofOfAddressKind.RENT_RECEIPT, date(2026, 5, 1), CheckOutcome.FAILED),
        (ProofOfAddressKind.TAX_NOTICE, date(2026, 5, 1), CheckOutcome.PASSED),
        (ProofOfAddressKind.TAX_NOTICE, date(2025, 11, 27), CheckOutcome.PASSED),
        (ProofOfAddressKind.TAX_NOTICE, date(2025, 11, 26), CheckOutcome.FAILED),
        (ProofOfAddressKind.UTILITY_BILL, date(2026, 11, 27), CheckOutcome.FAILED),
    ],
)
def test_proof_of_address_age(db, agents, customer_id, kind, document_date, expected) -> None:  # type: ignore[no-untyped-def]
    case_id = _case(db, agents["agent"], customer_id, DocumentKind.PROOF_OF_ADDRESS)
    checks = _proof(db, agents, case_id, kind=kind, on=document_date)
    assert checks["address.age"][0] is expected
    assert checks["address.name"][0] is CheckOutcome.PASSED
    assert checks["address.address"][0] is CheckOutcome.PASSED


def test_proof_of_address_too_old_says_by_when(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    case_id = _case(db, agents["agent"], customer_id)
    checks = _proof(db, agents, case_id, on=date(2026, 7, 1))
    assert checks["address.age"] == (
        CheckOutcome.FAILED,
        "justificatif du 01/07/2026 trop ancien : il doit dater de moins de 3 mois (après le 26/08/2026)",
    )


def test_proof_of_address_other_street_and_other_name_fail(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    case_id = _case(db, agents["agent"], customer_id)
    checks = _proof(
        db,
        agents,
        case_id,
        on=date(2026, 11, 1),
        name="M. DURAND PIERRE",
        address="12 avenue Jean Jaurès, 93130 Noisy-le-Sec",
    )
    assert checks["address.name"][0] is CheckOutcome.FAILED
    assert checks["address.address"][0] is CheckOutcome.FAILED
    assert "voie différente" in (checks["address.address"][1] or "")


# ---- bank details -----------------------------------------------------------------------------------------


def _bank(db, agents, case_id, iban, holder="MME ERIKSSON ANNA") -> wf.CaseView:  # type: ignore[no-untyped-def]
    with db.write() as s:
        return wf.check_bank_details(s, agents["agent"], case_id, iban=iban, holder=holder)


def test_same_iban_as_the_file_is_not_a_change(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    case_id = _case(db, agents["agent"], customer_id, DocumentKind.BANK_DETAILS)
    case = _bank(db, agents, case_id, "fr14 2004 1010 0505 0001 3M02 606")
    checks = _outcomes(case, wf.BANK_DETAILS)
    assert checks["bank.iban"][0] is CheckOutcome.PASSED
    assert checks["bank.rib_key"][0] is CheckOutcome.PASSED
    assert checks["bank.change"] == (CheckOutcome.PASSED, "IBAN identique à celui du dossier")
    assert not case.bank_details_change


def test_new_iban_is_recorded_as_a_bank_details_change(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    case_id = _case(db, agents["agent"], customer_id, DocumentKind.BANK_DETAILS)
    case = _bank(db, agents, case_id, "IBAN : FR76 3000 6000 0112 3456 7890 189")
    checks = _outcomes(case, wf.BANK_DETAILS)
    assert checks["bank.bic"][0] is CheckOutcome.PASSED and "AGRIFRPP" in (checks["bank.bic"][1] or "")
    assert checks["bank.change"][0] is CheckOutcome.NOT_APPLICABLE
    assert "se termine par 2606" in (checks["bank.change"][1] or "")
    assert case.bank_details_change and case.proposed_iban_masked.endswith("0 189")  # type: ignore[union-attr]
    with db.read() as s:
        row = s.get_one(VerificationCase, case_id)
        assert (row.proposed_iban, row.proposed_bic, row.proposed_holder) == (
            NEW_IBAN,
            "AGRIFRPPXXX",
            "MME ERIKSSON ANNA",
        )
        details = json.dumps([c.details for c in s.execute(select(VerificationCheck)).scalars()])
        audit_text = json.dumps([(r.summary, r.details) for r in s.execute(select(AuditRecord)).scalars()])
    for secret in (NEW_IBAN, NEW_IBAN[4:], "FR1420041010050500013M02606"):
        assert secret not in details and secret not in audit_text


def test_wrong_rib_key_fails_even_with_a_correct_iban_check(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    case_id = _case(db, agents["agent"], customer_id)
    case = _bank(db, agents, case_id, french_iban("30006000011234567890188"))
    checks = _outcomes(case, wf.BANK_DETAILS)
    assert checks["bank.iban"][0] is CheckOutcome.PASSED
    assert checks["bank.rib_key"] == (
        CheckOutcome.FAILED,
        "clé RIB incorrecte : 88 saisie, 89 attendue pour ce compte — vérifiez la saisie",
    )
    assert not case.bank_details_change


def test_typing_mistake_in_iban_fails_mod_97(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    case_id = _case(db, agents["agent"], customer_id)
    case = _bank(db, agents, case_id, "FR76 3000 6000 0112 3456 7890 198")
    checks = _outcomes(case, wf.BANK_DETAILS)
    assert checks["bank.iban"][0] is CheckOutcome.FAILED and "modulo 97" in (checks["bank.iban"][1] or "")
    assert "bank.change" not in checks


def test_foreign_iban_has_no_rib_key_and_other_holder_fails(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    case_id = _case(db, agents["agent"], customer_id)
    case = _bank(db, agents, case_id, "DE89 3704 0044 0532 0130 00", holder="M DURAND PIERRE")
    checks = _outcomes(case, wf.BANK_DETAILS)
    assert checks["bank.iban"][0] is CheckOutcome.PASSED
    assert checks["bank.rib_key"][0] is CheckOutcome.NOT_APPLICABLE
    assert checks["bank.holder"][0] is CheckOutcome.FAILED
    assert case.bank_details_change


# ---- decisions --------------------------------------------------------------------------------------------


def _full_case(db, agents, customer_id) -> int:  # type: ignore[no-untyped-def]
    case_id = _case(db, agents["agent"], customer_id, *wf.GROUP_DOCUMENT_KIND.values())
    _identity(db, agents["agent"], case_id, td3())
    _proof(db, agents, case_id, on=date(2026, 11, 2))
    _bank(db, agents, case_id, NEW_IBAN, holder="MME ANNA ERIKSSON")
    return case_id


def test_verified_case_covers_what_passed_and_is_the_latest(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    with db.read() as s:
        assert wf.latest_verification(s, agents["agent"], customer_id) is None
    case_id = _full_case(db, agents, customer_id)
    with db.write() as s:
        case = wf.decide(s, agents["agent"], case_id, wf.Decision.VERIFIED)
    assert case.status is VerificationStatus.VERIFIED and case.decided_by == "Alice Martin"
    with db.read() as s:
        latest = wf.latest_verification(s, agents["agent"], customer_id)
        record = s.execute(
            select(AuditRecord).where(AuditRecord.action == "verification.decide")
        ).scalar_one()
    assert latest is not None and latest.covered == ("identity", "address", "bank_details")
    assert latest.valid_until == TODAY + timedelta(days=30) and latest.is_current(TODAY)
    assert latest.bank_details_change
    assert record.details["covered"] == ["identity", "address", "bank_details"]
    assert "identité, adresse, coordonnées bancaires" in record.summary


def test_verified_is_refused_while_a_check_failed(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    case_id = _case(db, agents["agent"], customer_id, DocumentKind.IDENTITY_DOCUMENT)
    _identity(db, agents["agent"], case_id, "\n".join(SPECIMEN_TD3))
    with pytest.raises(Refused, match="des contrôles ont échoué \\(identité\\)"), db.write() as s:
        wf.decide(s, agents["agent"], case_id, wf.Decision.VERIFIED)
    with db.read() as s:
        assert s.get_one(VerificationCase, case_id).status is VerificationStatus.OPEN
        refusal = s.execute(select(AuditRecord).where(AuditRecord.outcome == "refused")).scalar_one()
        assert refusal.action == "verification.decide"


def test_verified_needs_the_document_behind_each_check(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    case_id = _case(db, agents["agent"], customer_id)
    with pytest.raises(InvalidInput, match="Aucun contrôle"), db.write() as s:
        wf.decide(s, agents["agent"], case_id, wf.Decision.VERIFIED)
    _identity(db, agents["agent"], case_id, td3())
    with (
        pytest.raises(
            InvalidInput, match="Joignez le document correspondant avant de valider \\(identité\\)"
        ),
        db.write() as s,
    ):
        wf.decide(s, agents["agent"], case_id, wf.Decision.VERIFIED)


def test_rejection_needs_a_reason_from_the_list_and_more_documents_a_comment(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    case_id = _case(db, agents["agent"], customer_id)
    with pytest.raises(InvalidInput, match="motif du refus"), db.write() as s:
        wf.decide(s, agents["agent"], case_id, wf.Decision.REJECTED)
    with pytest.raises(InvalidInput, match="pièces complémentaires"), db.write() as s:
        wf.decide(s, agents["agent"], case_id, wf.Decision.MORE_DOCUMENTS_NEEDED, comment="  ")
    with db.write() as s:
        case = wf.decide(
            s,
            agents["agent"],
            case_id,
            wf.Decision.REJECTED,
            reason=wf.RejectionReason.SUSPECTED_FORGERY,
            comment="police de caractères différente",
        )
    assert case.status is VerificationStatus.REJECTED
    assert (
        case.decision_reason == "Document suspect (falsification possible) — police de caractères différente"
    )
    assert case.covered == ()


def test_a_decided_case_cannot_be_changed(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    case_id = _case(db, agents["agent"], customer_id)
    with db.write() as s:
        wf.decide(s, agents["agent"], case_id, wf.Decision.MORE_DOCUMENTS_NEEDED, comment="RIB récent")
    attempts = [
        lambda s: wf.check_identity(s, agents["agent"], case_id, mrz_text=td3()),
        lambda s: wf.decide(
            s, agents["agent"], case_id, wf.Decision.REJECTED, reason=wf.RejectionReason.EXPIRED
        ),
        lambda s: wf.attach_document(
            s, agents["agent"], case_id, kind=DocumentKind.OTHER, filename="a.png", content=png()
        ),
        lambda s: wf.check_bank_details(s, agents["agent"], case_id, iban=NEW_IBAN, holder="x"),
    ]
    for attempt in attempts:
        with pytest.raises(Refused, match=r"est close .*Ouvrez une nouvelle vérification"), db.write() as s:
            attempt(s)
    with db.read() as s:
        case = wf.get_case(s, agents["agent"], case_id)
    assert (
        case.status is VerificationStatus.MORE_DOCUMENTS_NEEDED and case.checks == () and case.documents == ()
    )


def test_a_newer_decision_supersedes_the_older_one(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    first = _full_case(db, agents, customer_id)
    with db.write() as s:
        wf.decide(s, agents["agent"], first, wf.Decision.VERIFIED)
    second = _case(db, agents["agent2"], customer_id)
    with db.read() as s:
        assert s.get_one(VerificationCase, first).status is VerificationStatus.VERIFIED
        assert wf.latest_verification(s, agents["agent"], customer_id).status is VerificationStatus.OPEN  # type: ignore[union-attr]
    with db.write() as s:
        wf.decide(
            s, agents["agent2"], second, wf.Decision.REJECTED, reason=wf.RejectionReason.IDENTITY_MISMATCH
        )
    with db.read() as s:
        old = s.get_one(VerificationCase, first)
        assert old.status is VerificationStatus.SUPERSEDED and old.superseded_by_id == second
        assert old.covered == ["identity", "address", "bank_details"] and old.decided_at is not None
        latest = wf.latest_verification(s, agents["agent"], customer_id)
        history = wf.cases_for_customer(s, agents["agent"], customer_id)
    assert latest is not None and latest.case_id == second and not latest.is_current(TODAY)
    assert [h.case_id for h in history] == [second, first]


def test_opening_a_new_case_supersedes_an_abandoned_open_one(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    first = _case(db, agents["agent"], customer_id)
    second = _case(db, agents["agent"], customer_id)
    with db.read() as s:
        assert s.get_one(VerificationCase, first).superseded_by_id == second
        assert wf.open_case_of(s, agents["agent"], customer_id).id == second  # type: ignore[union-attr]


def test_stale_screen_gets_a_concurrent_edit(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    case_id = _case(db, agents["agent"], customer_id, DocumentKind.IDENTITY_DOCUMENT)
    with db.read() as s:
        seen = wf.get_case(s, agents["agent"], case_id).version
    _identity(db, agents["agent2"], case_id, td3())
    with pytest.raises(ConcurrentEdit, match=r"bruno\.agent"), db.write() as s:
        wf.decide(s, agents["agent"], case_id, wf.Decision.VERIFIED, expected_version=seen)


def test_roles_without_the_permission_are_refused(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied), db.write() as s:
        wf.open_case(s, agents["claims_handler"], customer_id, VerificationPurpose.KYC)
    case_id = _case(db, agents["agent"], customer_id)
    with pytest.raises(PermissionDenied), db.write() as s:
        wf.decide(s, agents["admin"], case_id, wf.Decision.MORE_DOCUMENTS_NEEDED, comment="x")


def test_customer_found_by_client_or_contract_number_as_typed(db, agents, customer_id) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import make_contract

    with db.write() as s:
        customer = s.get_one(Customer, customer_id)
        contract = make_contract(s, customer)
        client_number, contract_number = customer.client_number, contract.number
    with db.read() as s:
        by_client = wf.find_customers(s, agents["agent"], f" ti-000 {client_number[-7:]} ")
        by_contract = wf.find_customers(s, agents["agent"], contract_number.lower())
        nobody = wf.find_customers(s, agents["agent"], "Eriksson")
    assert [c.id for c in by_client] == [customer_id] == [c.id for c in by_contract]
    assert nobody == []
