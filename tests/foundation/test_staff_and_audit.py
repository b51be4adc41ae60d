from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text, update

from backoffice.db import Database
from backoffice.errors import AuthenticationFailed, InvalidInput, PermissionDenied
from backoffice.models import Agent, AuditRecord, Role
from backoffice.workflows import audit, staff
from backoffice.workflows.context import Actor
from backoffice.workflows.permissions import ROLE_PERMISSIONS, Permission, require
from tests.conftest import TEST_PASSWORD, tamper


def test_login_and_lock_after_repeated_failures(db: Database, agents: dict[str, Actor]) -> None:
    assert staff.login(db, "Alice.Agent ", TEST_PASSWORD).username == "alice.agent"
    limit = db.settings.session.login_max_failures
    for _ in range(limit):
        db.clock.advance(timedelta(minutes=2))  # type: ignore[attr-defined]
        with pytest.raises(AuthenticationFailed, match="incorrect"):
            staff.login(db, "alice.agent", "mauvais-mot-de-passe")
    with pytest.raises(AuthenticationFailed, match="verrouillé"):
        staff.login(db, "alice.agent", TEST_PASSWORD)
    with db.write() as s:
        staff.unlock_agent(s, agents["admin"], "alice.agent")
    assert staff.login(db, "alice.agent", TEST_PASSWORD).agent_id == agents["agent"].agent_id


def test_unknown_agent_writes_nothing(db: Database, agents: dict[str, Actor]) -> None:
    with db.read() as s:
        before = s.execute(select(func.count()).select_from(AuditRecord)).scalar_one()
    with pytest.raises(AuthenticationFailed):
        staff.login(db, "inconnu", "peu importe")
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(AuditRecord)).scalar_one() == before


def test_passwords_are_argon2id_hashed(db: Database) -> None:
    with db.write() as s:
        staff.bootstrap_agent(s, "nouvel.agent", "Nouvel Agent", Role.AGENT, "Un-mot-de-passe-long")
    with db.read() as s:
        stored = s.execute(select(Agent.password_hash).where(Agent.username == "nouvel.agent")).scalar_one()
    assert stored.startswith("$argon2id$") and "Un-mot-de-passe-long" not in stored


def test_short_password_refused(db: Database, agents: dict[str, Actor]) -> None:
    with pytest.raises(InvalidInput, match="au moins"), db.write() as s:
        staff.add_agent(s, agents["admin"], "court", "Court", Role.AGENT, "abc")


def test_permission_refusal_is_audited_and_nothing_else_written(
    db: Database, agents: dict[str, Actor]
) -> None:
    with pytest.raises(PermissionDenied, match="ne permet pas"), db.write() as s:
        staff.add_agent(s, agents["agent"], "intrus", "Intrus", Role.ADMIN, "Mot-de-passe-long-1")
    with db.read() as s:
        assert s.execute(select(Agent).where(Agent.username == "intrus")).first() is None
        last = s.execute(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1)).scalar_one()
    assert (
        last.outcome == "refused" and last.action == "agent.manage" and last.actor_username == "alice.agent"
    )


def test_disabled_agent_next_action_refused(db: Database, agents: dict[str, Actor]) -> None:
    with db.write() as s:
        staff.set_active(s, agents["admin"], "sophie.superviseur", False)
    with pytest.raises(PermissionDenied, match="désactivé"), db.write() as s:
        require(s, agents["supervisor"], Permission.SUPERVISION_VIEW)


def test_role_permission_table_is_consistent() -> None:
    assert Permission.APPROVAL_DECIDE not in ROLE_PERMISSIONS[Role.AGENT]
    assert Permission.AGENT_MANAGE in ROLE_PERMISSIONS[Role.ADMIN]
    assert Permission.CLAIM_TRIAGE in ROLE_PERMISSIONS[Role.CLAIMS_HANDLER]
    assert all(ROLE_PERMISSIONS[r] for r in Role)


def test_audit_chain_detects_tampering_deletion_and_truncation(
    db: Database, agents: dict[str, Actor]
) -> None:
    with db.write() as s:
        for i in range(5):
            audit.record(s, agents["agent"], "test.action", f"Action {i}", target_type="test", target_id=i)
    with db.read() as s:
        report = audit.verify_chain(s)
        assert report.ok and report.checked == 5
    tamper(db, "UPDATE audit_record SET summary = 'Action falsifiée' WHERE seq = 3")
    with db.read() as s:
        report = audit.verify_chain(s)
    assert not report.ok and report.first_broken_seq == 3 and "modifié" in report.message()
    tamper(
        db,
        "UPDATE audit_record SET summary = 'Action 2' WHERE seq = 3",
        "DELETE FROM audit_record WHERE seq = 2",
    )
    with db.read() as s:
        report = audit.verify_chain(s)
    assert not report.ok and report.first_broken_seq == 2


def test_audit_anchor_detects_a_deleted_tail(db: Database, agents: dict[str, Actor]) -> None:
    with db.write() as s:
        for i in range(4):
            audit.record(s, agents["agent"], "test.action", f"Action {i}")
    with db.read() as s:
        report = audit.verify_chain(s)
    anchor = {"anchor_seq": report.head_seq, "anchor_hash": report.head_hash}
    tamper(
        db,
        "DELETE FROM audit_record WHERE seq = 4",
        "UPDATE audit_head SET last_seq = 3, last_hash = (SELECT hash FROM audit_record WHERE seq = 3)",
    )
    with db.read() as s:
        assert audit.verify_chain(s).ok  # the database alone looks consistent…
        report = audit.verify_chain(s, **anchor)
    assert not report.ok and "ancre" in report.message()  # …but the anchor kept outside sees the cut


def test_failed_logins_are_throttled_with_a_growing_delay(db: Database, agents: dict[str, Actor]) -> None:
    with pytest.raises(AuthenticationFailed, match="incorrect"):
        staff.login(db, "alice.agent", "faux-mot-de-passe")
    with pytest.raises(AuthenticationFailed, match="réessayez dans 1 seconde"):
        staff.login(db, "alice.agent", TEST_PASSWORD)  # even the right password waits
    db.clock.advance(timedelta(seconds=1))  # type: ignore[attr-defined]
    with pytest.raises(AuthenticationFailed, match="incorrect"):
        staff.login(db, "alice.agent", "encore-faux")
    with pytest.raises(AuthenticationFailed, match="réessayez dans 2 secondes"):
        staff.login(db, "alice.agent", TEST_PASSWORD)
    db.clock.advance(timedelta(seconds=2))  # type: ignore[attr-defined]
    assert staff.login(db, "alice.agent", TEST_PASSWORD).username == "alice.agent"


def test_password_change_rechecks_current_password(db: Database, agents: dict[str, Actor]) -> None:
    with pytest.raises(AuthenticationFailed, match="actuel"), db.write() as s:
        staff.change_password(s, agents["agent"], "pas-le-bon", "Nouveau-mot-de-passe-9")
    with db.write() as s:
        staff.change_password(s, agents["agent"], TEST_PASSWORD, "Nouveau-mot-de-passe-9")
    assert staff.login(db, "alice.agent", "Nouveau-mot-de-passe-9").username == "alice.agent"


def test_audit_rows_cannot_be_changed_on_postgresql(db: Database, agents: dict[str, Actor]) -> None:
    """PostgreSQL refuses the change itself; SQLite (one workstation) relies on the chain to reveal it."""
    from sqlalchemy.exc import DBAPIError

    with db.write() as s:
        audit.record(s, agents["agent"], "test.action", "Action")
    if db.dialect == "sqlite":
        with db.engine.begin() as conn:
            conn.execute(update(AuditRecord).values(summary="modifié"))
        with db.read() as s:
            assert audit.verify_chain(s).first_broken_seq == 1
        return
    for statement in (
        update(AuditRecord).values(summary="modifié"),
        text("DELETE FROM audit_record"),
        text("TRUNCATE audit_record"),
    ):
        with pytest.raises(DBAPIError, match="ajout seul"), db.engine.begin() as conn:
            conn.execute(statement)
    with db.read() as s:
        assert audit.verify_chain(s).ok


def test_concurrent_writers_never_fork_the_chain(db: Database, agents: dict[str, Actor]) -> None:
    import threading

    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(10):
                with db.write() as s:
                    audit.record(s, agents["agent"], "test.race", f"Écrivain {n} action {i}")
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with db.read() as s:
        report = audit.verify_chain(s)
    assert report.ok and report.checked == 40
