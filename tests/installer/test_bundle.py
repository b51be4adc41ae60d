"""The PyInstaller bundle: built on Linux from installer/backoffice.spec, started offscreen on fresh databases.

The build takes minutes, so it is reused when dist/backoffice is newer than every source file; all tests of this
module run on one xdist worker (``xdist_group``) so two workers never build into dist/ at the same time.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from backoffice import migrations

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist" / "backoffice"
EXECUTABLES = ("backoffice", "backoffice-admin")
SOURCES = ("backoffice", "installer", "pyproject.toml")
SMOKE_LINE = "smoke: fenêtre de connexion affichée"
MAX_BUNDLE_MIB = 300

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("bundle")]


def newest_source() -> float:
    newest = 0.0
    for name in SOURCES:
        path = ROOT / name
        files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())
        for file in files:
            if "__pycache__" not in file.parts:
                newest = max(newest, file.stat().st_mtime)
    return newest


def build_is_current() -> bool:
    executables = [DIST / name for name in EXECUTABLES]
    if not all(p.exists() for p in executables) or not (DIST / "_internal" / "base_library.zip").exists():
        return False
    return min(p.stat().st_mtime for p in executables) > newest_source()


def size_mib(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


@pytest.fixture(scope="module")
def bundle() -> Path:
    if build_is_current():
        print(f"\nbundle: dist/backoffice réutilisé ({size_mib(DIST):.0f} Mio)")
        return DIST
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "installer/backoffice.spec",
        ],
        cwd=ROOT,
        check=True,
        timeout=2700,
    )
    print(f"\nbundle: construit en {time.monotonic() - started:.0f} s, {size_mib(DIST):.0f} Mio")
    return DIST


def run_bundled(bundle: Path, program: str, args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    """Run a bundled program as a user would, with its own home (no settings, keyring or logs of the machine)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BACKOFFICE_", "PYTHON", "XDG_"))}
    env |= {"HOME": str(home), "QT_QPA_PLATFORM": "offscreen", "LC_ALL": "C.UTF-8"}
    env |= {f"XDG_{kind}_HOME": str(home / kind.lower()) for kind in ("CONFIG", "DATA", "CACHE", "STATE")}
    return subprocess.run(
        [str(bundle / program), *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_bundle_is_one_folder_of_reasonable_size(bundle: Path) -> None:
    size = size_mib(bundle)
    print(f"\nbundle: {size:.0f} Mio dans {bundle}")
    for name in EXECUTABLES:
        assert os.access(bundle / name, os.X_OK)
    internal = bundle / "_internal"
    assert (internal / "backoffice" / "migrations" / "script.py.mako").exists()
    assert (internal / "backoffice" / "resources" / "icons" / "app.svg").exists()
    assert (internal / "icons" / "backoffice.png").exists()
    assert not list(internal.rglob("libQt6Quick*")), "Qt Quick n'a rien à faire dans le paquet"
    assert size < MAX_BUNDLE_MIB


@pytest.fixture
def pg_database() -> Iterator[str]:
    admin_url = os.environ.get("BACKOFFICE_TEST_PG_URL", "")
    if not admin_url:
        pytest.fail("BACKOFFICE_TEST_PG_URL n'est pas défini")
    prefix = os.environ.get("BACKOFFICE_TEST_DB_PREFIX", "bt")
    name = f"{prefix}_bundle_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# The parameter is named ``db`` so tests/conftest.py treats the PostgreSQL case like every other one (skipped
# without a server, counted in CI where a server is required).
@pytest.mark.parametrize("db", ["sqlite", "postgresql"])
def test_bundle_migrates_a_fresh_database_and_shows_the_login_window(
    bundle: Path, db: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        if db == "sqlite"
        else request.getfixturevalue("pg_database")
    )

    started = time.monotonic()
    result = run_bundled(bundle, "backoffice", ["--smoke", "--database-url", url], tmp_path / "home")
    print(f"\nbundle ({db}): démarrage jusqu'à la fenêtre de connexion en {time.monotonic() - started:.1f} s")

    assert result.returncode == 0, result.stdout + result.stderr
    assert SMOKE_LINE in result.stdout
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
                migrations.head_revision()
            )
            agents = conn.execute(text("SELECT count(*) FROM agent")).scalar()
    finally:
        engine.dispose()
    if db == "sqlite":
        assert agents, "le premier démarrage sur SQLite doit créer les comptes de démonstration"


def test_bundled_admin_command_reads_the_schema(bundle: Path, tmp_path: Path) -> None:
    database = tmp_path / "admin.sqlite3"
    url = f"sqlite:///{database}"
    upgraded = run_bundled(
        bundle, "backoffice-admin", ["--database-url", url, "db", "upgrade"], tmp_path / "home"
    )
    assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
    status = run_bundled(
        bundle, "backoffice-admin", ["--database-url", url, "db", "status"], tmp_path / "home"
    )
    assert status.returncode == 0, status.stdout + status.stderr
    assert migrations.head_revision() in status.stdout
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            migrations.head_revision(),
        )
