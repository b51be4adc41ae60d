from __future__ import annotations

from pathlib import Path

import pytest

from backoffice.ui import app


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    monkeypatch.setenv("BACKOFFICE_DATABASE__DEMO_CUSTOMERS_ON_FIRST_RUN", "50")
    return tmp_path


def test_first_start_creates_the_demo_database_and_shows_login(qtbot, home: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = home / "base.sqlite3"
    assert app.main(["--smoke", "--database-url", f"sqlite:///{path}"]) == 0
    assert "fenêtre de connexion" in capsys.readouterr().out
    from backoffice.config import Settings
    from backoffice.db import Database
    from backoffice.workflows import staff

    db = Database(f"sqlite:///{path}", Settings())
    assert staff.login(db, "conseiller", "Demo-2026!").username == "conseiller"
    db.dispose()


def test_a_file_that_is_not_a_database_is_explained(qtbot, home: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = home / "notes.sqlite3"
    path.write_bytes(b"Compte rendu de reunion" * 500)
    assert app.main(["--smoke", "--database-url", f"sqlite:///{path}"]) == 1
    assert "n'est pas une base de données" in capsys.readouterr().err
    assert path.read_bytes().startswith(b"Compte rendu")


def test_an_unreachable_server_is_explained(qtbot, home: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert app.main(["--smoke", "--database-url", "postgresql+psycopg://agent:x@127.0.0.1:1/centre"]) == 1
    assert "injoignable" in capsys.readouterr().err
