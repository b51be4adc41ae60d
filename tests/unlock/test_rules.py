"""Each lock reason × role × verification state: allowed paths succeed, forbidden ones are refused in French and
leave nothing behind but the audit record of the refusal."""

from __future__ import annotations

from datetime import date

import pytest

from backoffice.db import Database
from backoffice.errors import BackofficeError, Refused
from backoffice.models import AccountStatus, CodeChannel, ContractStatus, LockReason
from backoffice.workflows import unlock
from backoffice.workflows.context import Actor
from backoffice.workflows.unlock import IdentificationAnswers, UnlockOutcome
from tests.factories import make_account, make_customer
from tests.unlock.builders import VERIFICATION_STATES, Locked, audit_rows, footprint, make_locked

ROLES = ("agent", "claims_handler", "supervisor", "admin")
MAY_UNLOCK = {"agent", "supervisor"}


def combinations() -> list[tuple[str, str]]:
    """Roles without the permission are tried with the most favourable file (a recent verified case) only:
    the refusal cannot depend on the file when it comes from the role."""
    return [
        (role, state)
        for role in ROLES
        for state in (VERIFICATION_STATES if role in MAY_UNLOCK else ("verified",))
    ]


def attempt(
    db: Database, actor: Actor, locked: Locked, answers: IdentificationAnswers | None
) -> UnlockOutcome | BackofficeError:
    try:
        with db.write() as s:
            return unlock.unlock_account(
                s,
                actor,
                locked.account_id,
                expected_version=locked.version,
                channel=CodeChannel.SMS,
                answers=answers,
            )
    except BackofficeError as exc:
        return exc


def assert_refused_without_trace(
    db: Database, actor: Actor, locked: Locked, answers: IdentificationAnswers | None
) -> str:
    before = footprint(db, locked.customer_id, locked.account_id)
    audit_before = len(audit_rows(db, locked.customer_id))
    result = attempt(db, actor, locked, answers)
    assert isinstance(result, Refused), result
    assert footprint(db, locked.customer_id, locked.account_id) == before
    rows = audit_rows(db, locked.customer_id)
    assert len(rows) == audit_before + 1
    assert rows[-1].outcome == "refused" and rows[-1].actor_username == actor.username
    assert rows[-1].summary.startswith("Refusé : ")
    return result.message


def assert_unlocked(db: Database, locked: Locked, result: object) -> None:
    assert isinstance(result, UnlockOutcome) and result.unlocked, result
    assert result.code is not None and "•" in result.code.recipient_masked
    after = footprint(db, locked.customer_id, locked.account_id)
    assert after["account"][1] is AccountStatus.ACTIVE  # type: ignore[index]
    assert after["codes"] == 1 and after["unlocked_events"] == 1
    assert after["outbox"] == 3  # the code by SMS, and the unlock notice by e-mail and SMS
    assert audit_rows(db, locked.customer_id)[-1].action == "account.unlock"


WRONG = IdentificationAnswers(date(1980, 5, 18), "93130", None)


def test_failed_logins_need_the_three_answers_from_the_file(db: Database, agents: dict[str, Actor]) -> None:
    for role, verification in combinations():
        for correct in (True, False):
            locked = make_locked(
                db, LockReason.FAILED_LOGINS, case_by=agents["agent2"], verification=verification
            )
            answers = locked.answers if correct else WRONG
            if role in MAY_UNLOCK and correct:
                assert_unlocked(db, locked, attempt(db, agents[role], locked, answers))
            else:
                message = assert_refused_without_trace(db, agents[role], locked, answers)
                if role in MAY_UNLOCK:
                    assert "date de naissance" in message and "numéro de contrat" in message
                    assert "1980" not in message
                else:
                    assert "Votre rôle" in message


def test_failed_logins_each_question_must_be_asked(db: Database, agents: dict[str, Actor]) -> None:
    locked = make_locked(db, LockReason.FAILED_LOGINS)
    partial = IdentificationAnswers(locked.answers.birth_date, locked.answers.postcode, None)
    message = assert_refused_without_trace(db, agents["agent"], locked, partial)
    assert "question non posée : numéro de contrat" in message
    spaced = IdentificationAnswers(locked.answers.birth_date, " 93 130 ", locked.contract_number[3:])
    assert_unlocked(db, locked, attempt(db, agents["agent"], locked, spaced))
    identification = audit_rows(db, locked.customer_id)[-1].details["identification"]
    assert identification == {q: "asked_answered" for q in ("birth_date", "postcode", "contract_number")}


@pytest.mark.parametrize("reason", [LockReason.SECURITY, LockReason.MANUAL])
def test_security_and_manual_locks_need_a_recent_verified_case(
    db: Database, agents: dict[str, Actor], reason: LockReason
) -> None:
    for role, verification in combinations():
        locked = make_locked(db, reason, case_by=agents["agent2"], verification=verification)
        if role in MAY_UNLOCK and verification == "verified":
            # The caller's answers are not what lifts such a lock.
            assert_unlocked(db, locked, attempt(db, agents[role], locked, None))
        else:
            message = assert_refused_without_trace(db, agents[role], locked, locked.answers)
            if role in MAY_UNLOCK:
                assert "vérification d'identité « vérifiée »" in message


@pytest.mark.parametrize("bank_change", [False, True], ids=["fraud_lock", "security_lock_with_iban_change"])
def test_fraud_suspicion_goes_to_the_supervisors_queue(
    db: Database, agents: dict[str, Actor], bank_change: bool
) -> None:
    reason = LockReason.SECURITY if bank_change else LockReason.FRAUD_SUSPICION
    for role, verification in combinations():
        locked = make_locked(
            db, reason, case_by=agents["agent2"], verification=verification, bank_change_pending=bank_change
        )
        if role in MAY_UNLOCK and verification == "verified":
            before = footprint(db, locked.customer_id, locked.account_id)
            result = attempt(db, agents[role], locked, None)
            assert isinstance(result, UnlockOutcome) and not result.unlocked
            assert result.approval_request_id is not None and result.code is None
            after = footprint(db, locked.customer_id, locked.account_id)
            assert after["account"] == before["account"] and after["codes"] == 0
            assert after["requests"] == before["requests"] + 1  # type: ignore[operator]
            # A second request for the same lock is refused while the first waits.
            message = assert_refused_without_trace(db, agents["agent2"], locked, None)
            assert "attend déjà" in message
        else:
            assert_refused_without_trace(db, agents[role], locked, locked.answers)


def test_terminated_contract_is_refused_unless_another_contract_is_active(
    db: Database, agents: dict[str, Actor]
) -> None:
    for role, verification in combinations():
        alone = make_locked(
            db,
            LockReason.TERMINATED_CONTRACT,
            case_by=agents["agent2"],
            verification=verification,
            contract_status=ContractStatus.TERMINATED,
        )
        message = assert_refused_without_trace(db, agents[role], alone, alone.answers)
        if role in MAY_UNLOCK:
            assert "Aucun contrat actif" in message
        other = make_locked(
            db,
            LockReason.TERMINATED_CONTRACT,
            case_by=agents["agent2"],
            verification=verification,
            contract_status=ContractStatus.TERMINATED,
            other_active_contract=True,
        )
        if role in MAY_UNLOCK:
            assert_refused_without_trace(db, agents[role], other, WRONG)
            assert_unlocked(db, other, attempt(db, agents[role], other, other.answers))
        else:
            assert_refused_without_trace(db, agents[role], other, other.answers)


def test_active_and_disabled_accounts_are_not_unlocked(db: Database, agents: dict[str, Actor]) -> None:
    locked = make_locked(db, LockReason.FAILED_LOGINS)
    assert_unlocked(db, locked, attempt(db, agents["agent"], locked, locked.answers))
    with db.read() as s:
        state = unlock.account_state(s, agents["agent"], locked.customer_id)
    again = Locked(
        locked.customer_id, locked.account_id, state.version, locked.contract_number, locked.answers
    )
    assert "pas bloqué" in assert_refused_without_trace(db, agents["agent"], again, again.answers)
    with db.write() as s:
        unlock.lock_account(
            s,
            agents["agent"],
            locked.account_id,
            reason=LockReason.MANUAL,
            note="Décès signalé par la famille",
            expected_version=state.version,
            disable=True,
        )
    with db.read() as s:
        state = unlock.account_state(s, agents["agent"], locked.customer_id)
    assert state.status is AccountStatus.DISABLED and not state.can_unlock
    disabled = Locked(
        locked.customer_id, locked.account_id, state.version, locked.contract_number, locked.answers
    )
    assert "désactivé" in assert_refused_without_trace(db, agents["supervisor"], disabled, disabled.answers)


def test_a_stale_screen_cannot_unlock(db: Database, agents: dict[str, Actor]) -> None:
    from backoffice.errors import ConcurrentEdit

    locked = make_locked(db, LockReason.FAILED_LOGINS)
    with db.write() as s:
        unlock.lock_account(
            s,
            agents["agent2"],
            locked.account_id,
            reason=LockReason.FRAUD_SUSPICION,
            note="Appels répétés d'un tiers se faisant passer pour l'assurée",
            expected_version=locked.version,
        )
    result = attempt(db, agents["agent"], locked, locked.answers)
    assert isinstance(result, ConcurrentEdit) and "bruno.agent" in result.message


def test_state_explains_the_rule_and_history(db: Database, agents: dict[str, Actor]) -> None:
    locked = make_locked(db, LockReason.SECURITY, case_by=agents["agent2"], verification="verified")
    with db.read() as s:
        state = unlock.find_account(s, agents["agent"], locked.contract_number.lower())
    assert state.status_label == "Bloqué" and state.lock_reason_label == "Blocage de sécurité"
    assert state.rule is not None and state.rule.key is unlock.RuleKey.SECURITY
    assert "moins de 30 jours" in state.rule_text and state.can_unlock and state.verified_case_id
    assert [c.masked for c in state.contacts] == [state.contacts[0].masked, "06 •• •• •• 78"]
    assert len(state.history) == 1 and state.history[0].unlocked_at is None
    with db.write() as s:
        unlock.unlock_account(
            s, agents["agent"], locked.account_id, expected_version=state.version, channel=CodeChannel.EMAIL
        )
    with db.read() as s:
        state = unlock.account_state(s, agents["agent"], locked.customer_id)
    assert state.history[0].unlocked_by == "Alice Martin" and state.status is AccountStatus.ACTIVE


def test_staff_lock_needs_the_permission_and_a_note(db: Database, agents: dict[str, Actor]) -> None:
    from backoffice.errors import InvalidInput

    with db.write() as s:
        account = make_account(s, make_customer(s))
        account_id, customer_id, version = account.id, account.customer_id, account.version

    def lock(who: str, note: str, reason: LockReason = LockReason.FRAUD_SUSPICION) -> unlock.LockOutcome:
        with db.write() as s:
            return unlock.lock_account(
                s, agents[who], account_id, reason=reason, note=note, expected_version=version
            )

    with pytest.raises(Refused, match="Votre rôle"):
        lock("claims_handler", "Appel suspect d'un tiers")
    with pytest.raises(InvalidInput, match="pourquoi"):
        lock("agent", " ")
    with pytest.raises(InvalidInput, match="manuellement"):
        lock("agent", "Appel suspect d'un tiers", LockReason.SECURITY)
    outcome = lock("agent", "Appel suspect d'un tiers")
    assert outcome.status is AccountStatus.LOCKED and "suspicion de fraude" in outcome.message
    with db.read() as s:
        state = unlock.account_state(s, agents["agent2"], customer_id)
    assert state.rule is not None and state.rule.four_eyes
    assert (
        state.history[0].locked_by == "Alice Martin" and state.history[0].detail == "Appel suspect d'un tiers"
    )
    assert audit_rows(db, customer_id)[-1].action == "account.lock"
