"""One-time codes: random, hashed, short-lived, single use, sent only to contact details on file."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from sqlalchemy import select

from backoffice.db import Database
from backoffice.errors import InvalidInput, Refused
from backoffice.models import (
    AccountStatus,
    CodeChannel,
    LockReason,
    OneTimeCode,
    OutboxMessage,
    PortalAccount,
)
from backoffice.workflows import codes, unlock
from backoffice.workflows.context import Actor
from tests.unlock.builders import code_sent, make_locked, unlocked
from tests.unlock.test_approvals import run_together


def redeem(db: Database, account_id: int, code: str) -> codes.Redemption:
    with db.write() as s:
        return codes.redeem_code(s, account_id, code)


def test_code_is_hashed_never_returned_and_goes_to_the_file_contact(
    db: Database, agents: dict[str, Actor]
) -> None:
    locked = make_locked(db, LockReason.FAILED_LOGINS, phone_mobile="+33698765432")
    with db.write() as s:
        outcome = unlock.unlock_account(
            s,
            agents["agent"],
            locked.account_id,
            expected_version=locked.version,
            channel=CodeChannel.SMS,
            answers=locked.answers,
        )
    code = code_sent(db, locked.customer_id)
    assert len(code) == 6 and code not in repr(outcome)
    assert outcome.code is not None and outcome.code.recipient_masked == "06 •• •• •• 32"
    with db.read() as s:
        row = s.execute(select(OneTimeCode).where(OneTimeCode.account_id == locked.account_id)).scalar_one()
        message = s.execute(
            select(OutboxMessage).where(
                OutboxMessage.customer_id == locked.customer_id, OutboxMessage.kind == "unlock_code"
            )
        ).scalar_one()
    assert code not in row.code_hash and row.code_hash.startswith("hmac-sha256$")
    assert codes.code_matches(code, row.code_hash)
    assert row.expires_at - row.created_at == timedelta(minutes=10)
    assert message.recipient == "+33698765432" and message.contains_secret


def test_code_length_and_lifetime_respect_the_floors(db: Database, agents: dict[str, Actor]) -> None:
    db.settings.unlock.code_digits = 4
    db.settings.unlock.code_ttl_minutes = 60
    locked = unlocked(db, agents, CodeChannel.EMAIL)
    assert len(code_sent(db, locked.customer_id)) == 6
    with db.read() as s:
        row = s.execute(select(OneTimeCode).where(OneTimeCode.account_id == locked.account_id)).scalar_one()
    assert row.expires_at - row.created_at == timedelta(minutes=10)
    db.settings.unlock.code_digits = 8
    other = unlocked(db, agents, CodeChannel.EMAIL)
    assert len(code_sent(db, other.customer_id)) == 8


def test_codes_are_not_predictable(db: Database) -> None:
    drawn = {codes.generate_code(6) for _ in range(2000)}
    assert len(drawn) > 1900 and all(len(c) == 6 and c.isdigit() for c in drawn)
    assert codes.hash_code("123456") != codes.hash_code("123456")  # salted


def test_no_channel_without_contact_on_file(db: Database, agents: dict[str, Actor]) -> None:
    locked = make_locked(db, LockReason.FAILED_LOGINS, phone_mobile=None)
    with pytest.raises(InvalidInput, match="aucun numéro de mobile"), db.write() as s:
        unlock.unlock_account(
            s,
            agents["agent"],
            locked.account_id,
            expected_version=locked.version,
            channel=CodeChannel.SMS,
            answers=locked.answers,
        )
    with db.read() as s:
        assert s.get(PortalAccount, locked.account_id).status is AccountStatus.LOCKED  # type: ignore[union-attr]


def test_single_use_and_expiry_with_the_clock(db: Database, agents: dict[str, Actor], clock: Any) -> None:
    locked = unlocked(db, agents)
    code = code_sent(db, locked.customer_id)
    clock.advance(timedelta(minutes=9, seconds=59))
    assert redeem(db, locked.account_id, code).ok
    second = redeem(db, locked.account_id, code)
    assert not second.ok and "n'est pas valide" in second.message
    expired = unlocked(db, agents)
    late_code = code_sent(db, expired.customer_id)
    clock.advance(timedelta(minutes=10))
    result = redeem(db, expired.account_id, late_code)
    assert not result.ok and "expiré" in result.message


def test_attempts_are_limited(db: Database, agents: dict[str, Actor]) -> None:
    locked = unlocked(db, agents)
    code = code_sent(db, locked.customer_id)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    limit = db.settings.unlock.code_max_attempts
    for left in range(limit - 1, 0, -1):
        result = redeem(db, locked.account_id, wrong)
        assert not result.ok and result.attempts_left == left
    assert "Trop d'essais" in redeem(db, locked.account_id, wrong).message
    assert not redeem(db, locked.account_id, code).ok


def test_resend_revokes_the_previous_code(db: Database, agents: dict[str, Actor]) -> None:
    locked = unlocked(db, agents)
    first = code_sent(db, locked.customer_id)
    with db.write() as s:
        issued = unlock.resend_code(s, agents["agent2"], locked.account_id, CodeChannel.EMAIL)
    assert issued.channel is CodeChannel.EMAIL and "@example.fr" in issued.recipient_masked
    second = code_sent(db, locked.customer_id)
    if first != second:
        assert not redeem(db, locked.account_id, first).ok
    assert redeem(db, locked.account_id, second).ok
    with pytest.raises(Refused, match="nouveau mot de passe"), db.write() as s:
        unlock.resend_code(s, agents["agent2"], locked.account_id, CodeChannel.EMAIL)


def test_a_new_lock_voids_the_code(db: Database, agents: dict[str, Actor]) -> None:
    locked = unlocked(db, agents)
    code = code_sent(db, locked.customer_id)
    with db.read() as s:
        version = unlock.account_state(s, agents["agent"], locked.customer_id).version
    with db.write() as s:
        unlock.lock_account(
            s,
            agents["agent2"],
            locked.account_id,
            reason=LockReason.FRAUD_SUSPICION,
            note="Le vrai assuré signale un appel suspect",
            expected_version=version,
        )
    assert not redeem(db, locked.account_id, code).ok


def test_two_redemptions_of_one_code_exactly_one_succeeds(db: Database, agents: dict[str, Actor]) -> None:
    for _round in range(3):
        locked = unlocked(db, agents)
        code = code_sent(db, locked.customer_id)
        results = run_together([partial(redeem, db, locked.account_id, code) for _ in range(2)])
        assert sorted(r.ok for r in results) == [False, True], results
        with db.read() as s:
            row = s.execute(
                select(OneTimeCode).where(OneTimeCode.account_id == locked.account_id)
            ).scalar_one()
        assert row.used_at is not None
