"""Shared fixtures: every test that takes ``db`` runs on SQLite and on a real PostgreSQL.

PostgreSQL comes from ``BACKOFFICE_TEST_PG_URL`` (an URL to a maintenance database such as ``postgres`` on a server
where the role may create databases). With ``BACKOFFICE_TEST_REQUIRE_PG=1`` (CI) a missing server or a run where no
PostgreSQL test passed fails the session instead of skipping.
"""

from __future__ import annotations

import logging
import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url, text

from backoffice import logs, migrations
from backoffice.clock import PARIS, FixedClock
from backoffice.config import Paths, Settings
from backoffice.db import Database
from backoffice.models import Agent, Base, Role
from backoffice.workflows.context import Actor
from backoffice.workflows.staff import hash_password

PG_ADMIN_URL = os.environ.get("BACKOFFICE_TEST_PG_URL", "")
REQUIRE_PG = os.environ.get("BACKOFFICE_TEST_REQUIRE_PG") == "1"
TEST_PASSWORD = "Motdepasse-de-test-1"
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=PARIS)

_pg_passed = 0


@pytest.fixture
def ui_context(qtbot, db: Database, agents: dict[str, Actor]):  # type: ignore[no-untyped-def]
    """An AppContext for widgets, logged in as the plain agent; tests may replace ``ctx.actor``."""
    from backoffice.ui.context import AppContext
    from backoffice.ui.operations import OperationRunner

    ops = OperationRunner(db)
    ctx = AppContext(db=db, settings=db.settings, actor=agents["agent"], ops=ops, clock=db.clock)
    yield ctx
    ops.wait()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not PG_ADMIN_URL and not REQUIRE_PG:
        skip = pytest.mark.skip(reason="BACKOFFICE_TEST_PG_URL non défini : tests PostgreSQL ignorés")
        for item in items:
            callspec = getattr(item, "callspec", None)
            if callspec and callspec.params.get("db") == "postgresql":
                item.add_marker(skip)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    global _pg_passed
    if report.when == "call" and report.passed and "[postgresql" in report.nodeid:
        _pg_passed += 1


def pytest_configure(config: pytest.Config) -> None:
    """Every test process writes the application log like production does; the session scans it at the end."""
    if not os.environ.get("PYTEST_XDIST_WORKER") and not os.environ.get("BACKOFFICE_TEST_LOG_DIR"):
        os.environ["BACKOFFICE_TEST_LOG_DIR"] = tempfile.mkdtemp(prefix="backoffice-test-logs-")
    worker_dir = Path(os.environ["BACKOFFICE_TEST_LOG_DIR"]) / os.environ.get("PYTEST_XDIST_WORKER", "main")
    logs.configure(worker_dir, level=logging.INFO, console=False, keep=True)


def scan_test_logs() -> list[str]:
    findings = []
    for path in sorted(Path(os.environ["BACKOFFICE_TEST_LOG_DIR"]).rglob("backoffice.log*")):
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            for kind in logs.find_sensitive(line):
                findings.append(f"{path.name}:{number}: {kind}")
    return findings


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None and session.testscollected:
        findings = scan_test_logs()
        if findings:
            print("\nERREUR : des données sensibles figurent dans les journaux produits par les tests :")
            print("\n".join(findings[:20]))
            session.exitstatus = 1
    if REQUIRE_PG and worker is None and session.testscollected and exitstatus == 0 and _pg_passed == 0:
        print("\nERREUR : aucun test PostgreSQL n'a été exécuté alors que BACKOFFICE_TEST_REQUIRE_PG=1.")
        session.exitstatus = 1


TIMEOUT_FACTOR = float(os.environ.get("BACKOFFICE_TEST_TIMEOUT_FACTOR", "4"))


@pytest.fixture(autouse=True, scope="session")
def _patient_qtbot() -> Iterator[None]:
    """UI waits are upper bounds, not expectations: on a loaded 2-core CI machine give them more room.

    A test still fails if the condition never becomes true; it only waits longer before saying so.
    """
    from pytestqt.qtbot import QtBot

    originals = {name: getattr(QtBot, name) for name in ("waitUntil", "waitSignal", "waitSignals")}

    def patient(original):  # type: ignore[no-untyped-def]
        def wait(self, *args, timeout: int = 5000, **kwargs):  # type: ignore[no-untyped-def]
            return original(
                self, *args, timeout=int(timeout * TIMEOUT_FACTOR) if timeout else timeout, **kwargs
            )

        return wait

    for name, original in originals.items():
        setattr(QtBot, name, patient(original))
    yield
    for name, original in originals.items():
        setattr(QtBot, name, original)


@pytest.fixture(autouse=True)
def _own_ui_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Window geometry and column widths go to a file of the test's own, never to the user's ~/.config: two
    workers sharing one settings file would see each other's layouts."""
    from PySide6.QtCore import QSettings

    from backoffice.ui import persist

    monkeypatch.setattr(persist, "_store", QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))


@pytest.fixture(autouse=True, scope="session")
def _cheap_argon2() -> Iterator[None]:
    """Same algorithm (argon2id), test-sized cost: the suite logs in hundreds of times on 2 shared cores."""
    from argon2 import PasswordHasher

    from backoffice.workflows import staff

    production = staff._hasher
    staff._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    staff._hasher = production


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(paths=Paths.under(tmp_path / "home"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = Database(f"sqlite:///{path}", Settings(paths=Paths.under(path.parent)))
    migrations.upgrade(db, backup=False)
    db.dispose()
    return path


def tamper(db: Database, *statements: str) -> None:
    """Change the database behind the application's back, as a DBA could (bypassing PostgreSQL triggers)."""
    with db.engine.begin() as conn:
        if db.dialect == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        for statement in statements:
            conn.exec_driver_sql(statement)


def _worker_db_name() -> str:
    prefix = os.environ.get("BACKOFFICE_TEST_DB_PREFIX", "backoffice_test")
    return f"{prefix}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    if not PG_ADMIN_URL:
        if REQUIRE_PG:
            pytest.fail("BACKOFFICE_TEST_PG_URL est requis (BACKOFFICE_TEST_REQUIRE_PG=1)")
        pytest.skip("BACKOFFICE_TEST_PG_URL non défini")
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = _worker_db_name()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # pragma: no cover - reported as a failure in CI
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL injoignable : {exc}")
        pytest.skip(f"PostgreSQL injoignable : {exc}")
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    db = Database(url, Settings())
    migrations.upgrade(db, backup=False)
    db.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


_PG_ENGINES: dict[str, Any] = {}


def _truncate_pg(url: str) -> None:
    """Empty only the tables a test wrote to: one probe, then one TRUNCATE (truncating ~30 tables costs seconds)."""
    engine = _PG_ENGINES.get(url)
    if engine is None:
        engine = _PG_ENGINES[url] = create_engine(url)
    names = [t.name for t in Base.metadata.sorted_tables if t.name != "audit_head"]
    probe = " UNION ALL ".join(f"SELECT '{n}' WHERE EXISTS (SELECT 1 FROM \"{n}\")" for n in names)
    with engine.begin() as conn:
        dirty = [row[0] for row in conn.execute(text(probe))]
        if dirty:
            conn.execute(
                text("SET LOCAL session_replication_role = replica")
            )  # bypasses the append-only trigger
            conn.execute(
                text(
                    f"TRUNCATE {', '.join(f'{chr(34)}{n}{chr(34)}' for n in dirty)} RESTART IDENTITY CASCADE"
                )
            )
        conn.execute(text("DELETE FROM audit_head"))
        conn.execute(
            text("INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, :h)"), {"h": "0" * 64}
        )


@pytest.fixture(params=["sqlite", "postgresql"])
def db(
    request: pytest.FixtureRequest, tmp_path: Path, settings: Settings, clock: FixedClock
) -> Iterator[Database]:
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(template, path)
        database = Database(f"sqlite:///{path}", settings, clock)
    else:
        url = request.getfixturevalue("pg_url")
        _truncate_pg(url)
        database = Database(url, settings, clock)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(
    tmp_path: Path, settings: Settings, clock: FixedClock, sqlite_template: Path
) -> Iterator[Database]:
    path = tmp_path / "test.sqlite3"
    shutil.copyfile(sqlite_template, path)
    database = Database(f"sqlite:///{path}", settings, clock)
    yield database
    database.dispose()


_HASH_CACHE: dict[str, str] = {}


def password_hash(password: str = TEST_PASSWORD) -> str:
    if password not in _HASH_CACHE:
        _HASH_CACHE[password] = hash_password(password)
    return _HASH_CACHE[password]


def add_agent(db: Database, username: str, role: Role, full_name: str | None = None) -> Actor:
    with db.write() as session:
        agent = Agent(
            username=username,
            full_name=full_name or username.replace(".", " ").title(),
            role=role,
            password_hash=password_hash(),
            active=True,
            failed_logins=0,
            created_at=db.clock.now(),
        )
        session.add(agent)
        session.flush()
        return Actor(agent.id, agent.username, agent.full_name, agent.role)


@pytest.fixture
def agents(db: Database) -> dict[str, Actor]:
    """One actor per role, plus a second supervisor for four-eyes tests."""
    return {
        "agent": add_agent(db, "alice.agent", Role.AGENT, "Alice Martin"),
        "agent2": add_agent(db, "bruno.agent", Role.AGENT, "Bruno Petit"),
        "claims_handler": add_agent(db, "claire.sinistres", Role.CLAIMS_HANDLER, "Claire Dubois"),
        "supervisor": add_agent(db, "sophie.superviseur", Role.SUPERVISOR, "Sophie Laurent"),
        "supervisor2": add_agent(db, "samuel.superviseur", Role.SUPERVISOR, "Samuel Roux"),
        "admin": add_agent(db, "admin", Role.ADMIN, "Administrateur"),
    }
