"""Schema migrations shipped inside the package, so an installed app migrates its own database at start."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import DBAPIError

from backoffice.db import Database, translate_db_error
from backoffice.errors import SchemaMismatch

MIGRATIONS_DIR = Path(__file__).resolve().parent


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
        )
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@dataclass(frozen=True)
class SchemaStatus:
    current: str | None
    head: str
    empty: bool

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head

    @property
    def too_new(self) -> bool:
        if self.current is None:
            return False
        script = ScriptDirectory.from_config(alembic_config())
        try:
            script.get_revision(self.current)
        except Exception:
            return True
        return False


def schema_status(db: Database) -> SchemaStatus:
    try:
        with db.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            empty = not inspect(conn).get_table_names()
    except DBAPIError as exc:
        raise translate_db_error(exc, db.url) from exc
    return SchemaStatus(current=current, head=head_revision(), empty=empty)


def backup_sqlite(db: Database) -> Path | None:
    """Copy the SQLite file (online backup API, consistent under WAL) next to it before a migration."""
    if db.dialect != "sqlite" or not db.url.database or db.url.database == ":memory:":
        return None
    source = Path(db.url.database)
    if not source.exists() or source.stat().st_size == 0:
        return None
    backups = source.parent / "backups"
    backups.mkdir(parents=True, exist_ok=True)
    target = backups / f"{source.stem}-{datetime.now().strftime('%Y%m%d-%H%M%S-%f')}{source.suffix}"
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal/-shm beside it
    finally:
        dst.close()
        src.close()
    return target


def upgrade(db: Database, *, backup: bool = True) -> Path | None:
    """Bring the schema to the head revision; refuse a schema newer than this version of the app."""
    status = schema_status(db)
    if status.too_new:
        raise SchemaMismatch(
            "La base de données a été mise à jour par une version plus récente de l'application "
            f"(révision {status.current}). Installez la dernière version de l'application."
        )
    if status.up_to_date:
        return None
    saved = backup_sqlite(db) if backup and not status.empty else None
    if not status.empty and status.current is None:
        raise SchemaMismatch(
            "Cette base de données contient des tables inconnues de l'application : elle n'a pas été créée par "
            "elle. Choisissez une autre base."
        )
    cfg = alembic_config(db.engine)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return saved


def ensure_current(db: Database) -> None:
    """Used at start when migrating is not wanted: explain instead of failing on a missing column later."""
    status = schema_status(db)
    if status.too_new:
        raise SchemaMismatch(
            "La base de données a été mise à jour par une version plus récente de l'application. "
            "Installez la dernière version."
        )
    if not status.up_to_date:
        raise SchemaMismatch(
            "La base de données doit être mise à jour : lancez « backoffice-admin db upgrade »."
        )
