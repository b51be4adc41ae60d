"""The outbox export for the gateway, and no code, password or IBAN left in the audit, the outbox or the logs."""

from __future__ import annotations

import argparse
import email
import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import select

from backoffice.checks.bank import format_iban
from backoffice.cli import outbox as outbox_cli
from backoffice.db import Database
from backoffice.errors import Refused
from backoffice.models import AuditRecord, CodeChannel, Customer, LockReason, OutboxMessage, OutboxStatus
from backoffice.workflows import approvals, bank_details, codes, outbox, unlock
from backoffice.workflows.context import Actor
from tests.conftest import TEST_PASSWORD
from tests.unlock.builders import NEW_IBAN, code_sent, make_case, make_locked, unlocked

OLD_IBAN = "FR1420041010050500013M02606"


def test_export_writes_one_file_per_message_and_erases_codes(
    db: Database, agents: dict[str, Actor], tmp_path: Path
) -> None:
    locked = unlocked(db, agents, CodeChannel.EMAIL)
    code = code_sent(db, locked.customer_id)
    with pytest.raises(Refused, match="Votre rôle"), db.write() as s:
        outbox.export_outbox(s, agents["supervisor"], tmp_path)
    with db.write() as s:
        report = outbox.export_outbox(s, agents["admin"], tmp_path / "drop")
    assert report.exported == 3 and "3 message(s)" in report.message()
    names = sorted(p.name for p in (tmp_path / "drop").iterdir())
    assert [n.rsplit(".", 1)[1] for n in names] == ["eml", "eml", "json"]
    code_file = next(p for p in report.files if "unlock_code" in p.name)
    parsed = email.message_from_bytes(code_file.read_bytes())
    assert parsed["To"].startswith("marie.lefevre") and code in parsed.get_payload(decode=True).decode()
    sms = json.loads(next(p for p in report.files if p.suffix == ".json").read_text())
    assert sms["channel"] == "sms" and sms["to"] == "+33612345678" and "débloqué" in sms["body"]
    with db.read() as s:
        messages = s.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
        items = outbox.messages_for_customer(s, agents["agent"], locked.customer_id)
    assert all(m.status is OutboxStatus.EXPORTED for m in messages)
    assert [m.body is None for m in messages] == [m.contains_secret for m in messages] == [True, False, False]
    assert {i.recipient_masked for i in items} >= {"06 •• •• •• 78"}
    assert not any(hasattr(i, "body") for i in items)
    with db.write() as s:
        assert outbox.export_outbox(s, None, tmp_path / "drop").exported == 0


def test_cli_export(
    db: Database,
    agents: dict[str, Actor],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    unlocked(db, agents, CodeChannel.SMS)
    monkeypatch.setattr(outbox_cli, "open_database", lambda args, migrate=True: db)
    parser = argparse.ArgumentParser()
    outbox_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["outbox", "export", "--dir", str(tmp_path)])
    assert args.handler(args) == 0
    assert "3 message(s) déposé(s)" in capsys.readouterr().out
    assert len(list(tmp_path.glob("*.json"))) == 2
    with db.read() as s:
        audit_row = s.execute(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1)).scalar_one()
    assert audit_row.action == "outbox.export" and audit_row.actor_username == "system"


def test_no_secret_in_audit_outbox_or_logs(
    db: Database, agents: dict[str, Actor], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secrets_seen: set[str] = {TEST_PASSWORD, OLD_IBAN, NEW_IBAN, format_iban(OLD_IBAN), format_iban(NEW_IBAN)}
    # Every path that touches a code or an IBAN: unlock, resend, wrong and right redemptions, a four-eyes
    # unlock, an IBAN change with and without four eyes, refusals.
    plain = unlocked(db, agents, CodeChannel.SMS)
    secrets_seen.add(code_sent(db, plain.customer_id))
    with db.write() as s:
        unlock.resend_code(s, agents["agent"], plain.account_id, CodeChannel.EMAIL)
    code = code_sent(db, plain.customer_id)
    secrets_seen.add(code)
    with db.write() as s:
        codes.redeem_code(s, plain.account_id, "000000" if code != "000000" else "111111")
    with db.write() as s:
        assert codes.redeem_code(s, plain.account_id, code).ok
    fraud = make_locked(db, LockReason.FRAUD_SUSPICION, case_by=agents["agent2"], verification="verified")
    with db.write() as s:
        request = unlock.unlock_account(
            s, agents["agent"], fraud.account_id, expected_version=fraud.version, channel=CodeChannel.EMAIL
        )
    with db.write() as s:
        approvals.approve(s, agents["supervisor"], request.approval_request_id)  # type: ignore[arg-type]
    secrets_seen.add(code_sent(db, fraud.customer_id))
    with db.write() as s:
        case = make_case(
            s,
            fraud.customer_id,
            agents["agent2"],
            "verified",
            covered=("bank_details",),
            proposed_iban=NEW_IBAN,
        )
        version = s.get(Customer, fraud.customer_id).version  # type: ignore[union-attr]
    with db.write() as s:
        pending = bank_details.request_change(
            s, agents["agent"], fraud.customer_id, case.id, expected_version=version
        )  # type: ignore[union-attr]
    with pytest.raises(Refused), db.write() as s:
        bank_details.request_change(s, agents["agent2"], fraud.customer_id, case.id, expected_version=version)  # type: ignore[union-attr]
    with db.write() as s:
        approvals.approve(s, agents["supervisor2"], pending.approval_request_id)  # type: ignore[arg-type]
    with pytest.raises(Refused), db.write() as s:
        unlock.unlock_account(
            s, agents["claims_handler"], fraud.account_id, expected_version=1, channel=CodeChannel.SMS
        )
    with db.write() as s:
        outbox.export_outbox(s, agents["admin"], tmp_path)

    with db.read() as s:
        audit_text = "\n".join(
            json.dumps([r.action, r.summary, r.details, r.target_id], ensure_ascii=False)
            for r in s.execute(select(AuditRecord)).scalars()
        )
        outbox_text = "\n".join(
            f"{m.subject} {m.body} {m.recipient}" for m in s.execute(select(OutboxMessage)).scalars()
        )
    logs = caplog.text
    assert "account.unlock" in audit_text and "bank_details.change" in audit_text
    for secret in secrets_seen:
        assert secret not in audit_text, f"secret in audit: {secret[:2]}…"
        assert secret not in outbox_text, f"secret in outbox: {secret[:2]}…"
        assert secret not in logs, f"secret in logs: {secret[:2]}…"
