from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from backoffice import migrations
from backoffice.config import Settings
from backoffice.db import Database, is_network_path
from backoffice.errors import ConcurrentEdit, DatabaseUnavailable, SchemaMismatch
from backoffice.models import AuditRecord, Customer
from tests.factories import make_customer


def test_models_and_migrations_agree(db: Database) -> None:
    """``alembic check``: autogenerate finds nothing to add, on SQLite and PostgreSQL."""
    from alembic import command

    cfg = migrations.alembic_config(db.engine)
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.check(cfg)


def test_stale_save_is_refused_not_overwritten(db: Database) -> None:
    with db.write() as s:
        customer_id = make_customer(s).id
    with db.read() as first, db.read() as second:
        a = first.get(Customer, customer_id)
        b = second.get(Customer, customer_id)
        assert a is not None and b is not None
    with db.write() as s:
        s.add(a)
        a.city = "Montreuil"
    with pytest.raises(ConcurrentEdit), db.write() as s:
        s.add(b)
        b.city = "Bobigny"
    with db.read() as s:
        assert s.get(Customer, customer_id).city == "Montreuil"  # type: ignore[union-attr]


def test_times_come_back_aware_utc(db: Database) -> None:
    with db.write() as s:
        customer_id = make_customer(s).id
    with db.read() as s:
        created = s.get(Customer, customer_id).created_at  # type: ignore[union-attr]
    assert created.utcoffset() is not None and created.utcoffset().total_seconds() == 0
    assert created == db.clock.now()


def test_concurrent_sqlite_writers_wait_instead_of_failing(sqlite_db: Database) -> None:
    """BEGIN IMMEDIATE: read-then-write from several threads never ends in "database is locked"."""
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            for _ in range(5):
                with sqlite_db.write() as s:
                    count = s.execute(select(func.count(Customer.id))).scalar_one()
                    make_customer(s, client_number=f"TI000{i:02d}{count:05d}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with sqlite_db.read() as s:
        assert s.execute(select(func.count(Customer.id))).scalar_one() == 20


def test_file_that_is_not_a_database_gives_french_message(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.sqlite3"
    bogus.write_bytes(b"Ceci n'est pas une base SQLite, juste du texte." * 100)
    db = Database(f"sqlite:///{bogus}", Settings())
    with pytest.raises(DatabaseUnavailable, match="n'est pas une base de données"):
        db.check_connection()
    with pytest.raises(DatabaseUnavailable, match="n'est pas une base de données"):
        migrations.upgrade(db)
    assert bogus.read_bytes().startswith(b"Ceci n'est pas")


def test_unreachable_postgresql_gives_french_message() -> None:
    db = Database("postgresql+psycopg://someone:pw@127.0.0.1:1/nowhere", Settings())
    with pytest.raises(DatabaseUnavailable, match="injoignable"):
        db.check_connection()


def test_schema_newer_than_app_is_explained(sqlite_db: Database) -> None:
    with sqlite_db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(SchemaMismatch, match="plus récente"):
        migrations.upgrade(sqlite_db)


def test_upgrade_backs_up_an_existing_sqlite_file(tmp_path: Path) -> None:
    import sqlite3

    from alembic import command

    path = tmp_path / "old.sqlite3"
    db = Database(f"sqlite:///{path}", Settings())
    cfg = migrations.alembic_config(db.engine)
    with db.engine.begin() as conn:  # a database as the first release left it
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    saved = migrations.upgrade(db)
    assert saved is not None and saved.parent == tmp_path / "backups"
    with sqlite3.connect(saved) as backup:
        assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert migrations.schema_status(db).up_to_date
    assert migrations.upgrade(db) is None  # nothing to do, no new backup
    assert len(list((tmp_path / "backups").iterdir())) == 1


def test_network_share_paths_are_detected() -> None:
    assert is_network_path(Path("//serveur/partage/base.sqlite3"))
    assert is_network_path(Path("\\\\serveur\\partage\\base.sqlite3"))
    assert not is_network_path(Path("/tmp"))


def test_sqlite_on_network_share_refused() -> None:
    with pytest.raises(DatabaseUnavailable, match="partage réseau"):
        Database("sqlite:////" + "/serveur/partage/base.sqlite3", Settings())


def test_no_audit_rows_written_by_reads(db: Database) -> None:
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(AuditRecord)).scalar_one() == 0
