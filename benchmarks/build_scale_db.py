"""Build the scale databases reused by the other benchmarks, and print the time taken and every table's rows.

    .venv/bin/python benchmarks/build_scale_db.py --customers 1000000 --seed 1 \
        --sqlite var/scale.sqlite3 --postgresql postgresql+psycopg://backoffice:backoffice@127.0.0.1/postgres

The SQLite file is replaced; for PostgreSQL the URL names a maintenance database of a role allowed to create
databases, and the database ``backoffice_scale`` (``--pg-database``) is dropped and created again.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, inspect, make_url, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backoffice import migrations  # noqa: E402
from backoffice.config import Paths, Settings  # noqa: E402
from backoffice.db import Database  # noqa: E402
from backoffice.demo import build_demo_data  # noqa: E402

DEFAULT_SQLITE = ROOT / "var" / "scale.sqlite3"
DEFAULT_PG_DATABASE = "backoffice_scale"


def _progress(started: float) -> object:
    def progress(message: str, done: int, total: int) -> None:
        print(f"  [{time.perf_counter() - started:7.1f} s] {message} {done}/{total}", flush=True)

    return progress


def _build(url: str, customers: int, seed: int, settings: Settings) -> None:
    db = Database(url, settings, pool_size=1)
    try:
        migrations.upgrade(db, backup=False)
        started = time.perf_counter()
        report = build_demo_data(db, customers, seed, _progress(started))  # type: ignore[arg-type]
        elapsed = time.perf_counter() - started
        print(f"{db.dialect}: {customers} assurés construits en {elapsed:.1f} s")
        with db.engine.connect() as conn:
            for table in sorted(inspect(conn).get_table_names()):
                count = conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
                print(f"  {table:24} {count:>12}")
        print(f"  sinistres ouverts        {report.open_claims:>12}")
    finally:
        db.dispose()


def build_sqlite(path: Path, customers: int, seed: int, settings: Settings) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    _build(f"sqlite:///{path}", customers, seed, settings)


def build_postgresql(admin_url: str, database: str, customers: int, seed: int, settings: Settings) -> None:
    if database.startswith("backoffice_test_"):
        raise SystemExit("Refusé : les bases backoffice_test_* appartiennent aux tests.")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    url = make_url(admin_url).set(database=database).render_as_string(hide_password=False)
    _build(url, customers, seed, settings)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--sqlite", nargs="?", const=str(DEFAULT_SQLITE), help=f"fichier SQLite ({DEFAULT_SQLITE})"
    )
    parser.add_argument("--postgresql", help="URL d'une base de maintenance PostgreSQL (ex. …/postgres)")
    parser.add_argument("--pg-database", default=DEFAULT_PG_DATABASE)
    args = parser.parse_args()
    if not args.sqlite and not args.postgresql:
        args.sqlite = str(DEFAULT_SQLITE)
    settings = Settings(paths=Paths.under(ROOT / "var" / "bench-home"))
    if args.sqlite:
        build_sqlite(Path(args.sqlite), args.customers, args.seed, settings)
    if args.postgresql:
        build_postgresql(args.postgresql, args.pg_database, args.customers, args.seed, settings)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
