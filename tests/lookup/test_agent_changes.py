"""The search box's permission check: a disabled agent is stopped at the next search, on either database, and on
PostgreSQL without a round trip per keystroke while no agent changes (backoffice.agent_changes)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest

from backoffice import agent_changes
from backoffice.config import Settings
from backoffice.db import Database
from backoffice.errors import PermissionDenied
from backoffice.workflows import staff
from backoffice.workflows.context import Actor
from backoffice.workflows.lookup import search
from tests.factories import make_customer
from tests.statements import recorded_statements

ON_POSTGRESQL = pytest.mark.parametrize("db", ["postgresql"], indirect=True)


@pytest.fixture
def dupont(db: Database) -> None:
    with db.write() as s:
        make_customer(s, last_name="Dupont", first_names="Marie")


def _search(db: Database, actor: Actor, typed: str = "dupont") -> int:
    with db.read(snapshot=False) as s:
        return len(search(s, actor, typed).hits)


@contextmanager
def _agent_reads(db: Database) -> Iterator[list[str]]:
    """The statements that read the agent table, as the search sends them."""
    with recorded_statements(db) as seen:
        reads: list[str] = []
        yield reads
    reads.extend(statement for statement in seen if "FROM agent" in statement)


def _noticed(db: Database, generation: int | None, timeout: float = 5.0) -> bool:
    """Whether this workstation heard of a change (its generation moved) within ``timeout``."""
    assert db.agent_changes is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if db.agent_changes.known(0)[1] != generation:
            return True
        time.sleep(0.01)
    return False


def test_an_agent_disabled_or_moved_is_refused_at_the_next_search(
    db: Database, agents: dict[str, Actor], dupont: None
) -> None:
    agent = agents["agent"]
    assert _search(db, agent) == 1
    assert _search(db, agent) == 1
    with db.write() as s:
        staff.set_active(s, agents["admin"], agent.username, False)
    with pytest.raises(PermissionDenied, match="désactivé"):
        _search(db, agent)
    with db.write() as s:
        staff.set_active(s, agents["admin"], agent.username, True)
    assert _search(db, agent) == 1


@ON_POSTGRESQL
def test_searches_read_the_agent_once_while_no_agent_changes(
    db: Database, agents: dict[str, Actor], dupont: None
) -> None:
    with _agent_reads(db) as reads:
        for _ in range(5):
            assert _search(db, agents["agent"]) == 1
    assert len(reads) == 1
    with db.write() as s:  # any agent's change, here another one disabled
        staff.set_active(s, agents["admin"], agents["agent2"].username, False)
    with _agent_reads(db) as reads:  # known at once in this process, without waiting for the notice
        assert _search(db, agents["agent"]) == 1
    assert len(reads) == 1
    # The same change's notice then arrives (and makes one more read); after it, nothing is read again.
    deadline = time.monotonic() + 5
    while True:
        with _agent_reads(db) as reads:
            assert _search(db, agents["agent"]) == 1
        if not reads or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    with _agent_reads(db) as reads:
        for _ in range(5):
            assert _search(db, agents["agent"]) == 1
    assert reads == []


@ON_POSTGRESQL
def test_an_agent_disabled_on_another_workstation_is_refused_here(
    db: Database, agents: dict[str, Actor], dupont: None
) -> None:
    other = Database(db.engine.url.render_as_string(hide_password=False), Settings(), db.clock)
    try:
        assert _search(db, agents["agent"]) == 1
        generation = db.agent_changes.known(0)[1] if db.agent_changes else None
        with other.write() as s:
            staff.set_active(s, agents["admin"], agents["agent"].username, False)
        assert _noticed(db, generation), "the change was not notified to this workstation"
        with pytest.raises(PermissionDenied, match="désactivé"):
            _search(db, agents["agent"])
    finally:
        other.dispose()


@ON_POSTGRESQL
def test_a_change_rolled_back_is_not_notified(db: Database, agents: dict[str, Actor], dupont: None) -> None:
    other = Database(db.engine.url.render_as_string(hide_password=False), Settings(), db.clock)
    try:
        assert _search(db, agents["agent"]) == 1
        generation = db.agent_changes.known(0)[1] if db.agent_changes else None
        with other.engine.connect() as conn:
            conn.exec_driver_sql("UPDATE agent SET active = false")
            conn.rollback()
        assert not _noticed(db, generation, timeout=0.3)
        with _agent_reads(db) as reads:
            assert _search(db, agents["agent"]) == 1
        assert reads == []
    finally:
        other.dispose()


@ON_POSTGRESQL
def test_a_lost_listening_connection_means_reading_the_agent_until_it_is_back(
    db: Database, agents: dict[str, Actor], dupont: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _search(db, agents["agent"]) == 1
    with db.engine.connect() as conn:
        killed = conn.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'backoffice (avis)' AND datname = current_database()"
        ).all()
        conn.commit()
    assert killed and all(ok for (ok,) in killed)
    time.sleep(0.2)  # the server closes the socket
    monkeypatch.setattr(agent_changes, "RETRY_SECONDS", 3600.0)
    with _agent_reads(db) as reads:
        assert _search(db, agents["agent"]) == 1  # notices lost: read, and start again only after RETRY
        assert _search(db, agents["agent"]) == 1
    assert len(reads) == 2
    monkeypatch.setattr(agent_changes, "RETRY_SECONDS", 0.0)
    assert db.agent_changes is not None
    db.agent_changes._retry_at = 0.0  # the retry delay has passed
    with _agent_reads(db) as reads:
        for _ in range(3):
            assert _search(db, agents["agent"]) == 1
    assert len(reads) == 1  # listening again


@ON_POSTGRESQL
def test_without_the_trigger_every_search_reads_the_agent(
    db: Database, agents: dict[str, Actor], dupont: None
) -> None:
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE agent DISABLE TRIGGER agent_changed")
    try:
        fresh = Database(db.engine.url.render_as_string(hide_password=False), Settings(), db.clock)
        try:
            with _agent_reads(fresh) as reads:
                for _ in range(3):
                    assert _search(fresh, agents["agent"]) == 1
            assert len(reads) == 3
        finally:
            fresh.dispose()
    finally:  # the PostgreSQL test database is shared by the next tests
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE agent ENABLE TRIGGER agent_changed")


@ON_POSTGRESQL
def test_a_row_read_before_a_notice_is_not_kept(db: Database, agents: dict[str, Actor]) -> None:
    """Read, then a change is notified and heard (by another thread's search), then the row is handed in: it
    predates the change and must not be reused."""
    changes = db.agent_changes
    assert changes is not None
    row, generation = changes.known(agents["agent"].agent_id)
    assert row is None and generation is not None
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"NOTIFY {agent_changes.CHANNEL}")
    assert _noticed(db, generation)
    changes.remember(agents["agent"].agent_id, ("stale",), generation)
    assert changes.known(agents["agent"].agent_id)[0] is None


@ON_POSTGRESQL
def test_a_row_is_read_again_after_its_maximum_age(
    db: Database, agents: dict[str, Actor], dupont: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _search(db, agents["agent"]) == 1
    monkeypatch.setattr(agent_changes, "MAX_AGE_SECONDS", 0.0)
    time.sleep(0.01)
    with _agent_reads(db) as reads:
        assert _search(db, agents["agent"]) == 1
    assert len(reads) == 1


def test_the_setting_turns_notices_off(db: Database, settings: Settings) -> None:
    settings.database.agent_change_notices = False
    plain = Database(db.engine.url.render_as_string(hide_password=False), settings, db.clock)
    try:
        assert plain.agent_changes is None
    finally:
        plain.dispose()
    assert (db.agent_changes is not None) == (db.dialect == "postgresql")
