"""The application as a process: first start, and the French explanations when it cannot start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ui.fresh import fresh_output


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environ = dict(os.environ)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        environ[name] = str(tmp_path / name.lower())
    environ["BACKOFFICE_DATABASE__DEMO_CUSTOMERS_ON_FIRST_RUN"] = "50"
    environ["QT_QPA_PLATFORM"] = "offscreen"
    environ.pop("BACKOFFICE_DATABASE_URL", None)
    return environ


def _start(env: dict[str, str], url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backoffice", "--smoke", "--database-url", url],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_first_start_creates_the_demo_database_and_shows_login(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "base.sqlite3"
    result = _start(env, f"sqlite:///{path}")
    assert result.returncode == 0, result.stderr
    assert "fenêtre de connexion" in result.stdout
    from backoffice.config import Settings
    from backoffice.db import Database
    from backoffice.workflows import staff

    db = Database(f"sqlite:///{path}", Settings())
    assert staff.login(db, "conseiller", "Demo-2026!").username == "conseiller"
    db.dispose()


def test_a_file_that_is_not_a_database_is_explained(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"Compte rendu de reunion" * 500)
    result = _start(env, f"sqlite:///{path}")
    assert result.returncode == 1
    assert "n'est pas une base de données" in result.stderr
    assert path.read_bytes().startswith(b"Compte rendu")


def test_an_unreachable_server_is_explained(env: dict[str, str]) -> None:
    result = _start(env, "postgresql+psycopg://agent:x@127.0.0.1:1/centre")
    assert result.returncode == 1
    assert "injoignable" in result.stderr


def test_the_quick_schema_check_agrees_with_alembic(db) -> None:  # type: ignore[no-untyped-def]
    """At start the app reads the revision stamp without alembic; it must name the same head as alembic."""
    from backoffice import migrations
    from backoffice.ui.app import schema_is_current, shipped_head

    assert shipped_head() == migrations.head_revision()
    assert schema_is_current(db)
    head = shipped_head()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    try:
        assert not schema_is_current(db)
    finally:  # the PostgreSQL test database is shared by the next tests
        with db.engine.begin() as conn:
            conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{head}'")


def test_the_login_window_loads_the_demo_logins_without_the_demo_builder() -> None:
    """The hint under the login form must not import Faker and the generators while the agent types."""
    code = (
        "import sys; from backoffice.ui.app import login_hint; import backoffice.demo as d; "
        "assert d.DEMO_AGENTS and d.DEMO_PASSWORD; print('faker' in sys.modules, 'backoffice.demo.build' in sys.modules)"
    )
    assert fresh_output(code) == ["False", "False"]


def test_login_window_hint_and_warm_up(qtbot, db, agents) -> None:  # type: ignore[no-untyped-def]
    """A local demo database gets the demo logins under the form; PySide6's types are warmed up meanwhile."""
    from backoffice.models import Role
    from backoffice.ui import app as shell
    from backoffice.ui.operations import OperationRunner
    from tests.conftest import add_agent

    add_agent(db, "conseiller", Role.AGENT, "Claire Martin")
    ops = OperationRunner(db)
    dialog = shell.login_dialog(db, ops)
    qtbot.addWidget(dialog)
    dialog.show()
    warmed: list[bool] = []
    shell.QtWarmup.then(lambda: warmed.append(shell.QtWarmup._done))
    qtbot.waitUntil(lambda: bool(warmed), timeout=20000)
    assert warmed == [True]
    if db.dialect == "sqlite":
        qtbot.waitUntil(dialog.hint.isVisible, timeout=20000)
        assert dialog.hint.text().startswith("Base de démonstration — comptes : conseiller")
        assert dialog.hint.text().endswith(" ; mot de passe : Demo-2026!")
    else:  # a shared server is never a demo
        ops.wait()
        qtbot.wait(50)
        assert not dialog.hint.isVisible()
    ops.wait()
