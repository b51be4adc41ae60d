"""Build the scale databases reused by the other benchmarks, and print the time taken and every table's rows.

    .venv/bin/python benchmarks/build_scale_db.py --customers 1000000 --seed 1 \
        --sqlite --postgresql postgresql+psycopg://backoffice:backoffice@127.0.0.1/postgres

``--sqlite`` alone writes ``var/scale.sqlite3`` under the checkout that holds this script (``--sqlite PATH``
elsewhere); the file is replaced. For PostgreSQL the URL names a maintenance database of a role allowed to create
databases, and the database ``backoffice_scale`` (``--pg-database``) is dropped and created again.

Besides wall time, every phase prints the CPU seconds of this process, of its worker processes (counted when
they end) and, on PostgreSQL, of the server backend doing the load, plus a calibration loop: on a loaded machine
wall time means little and the CPU seconds of two runs compare once scaled by their calibration loops.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections.abc import Callable
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


CALIBRATION_LOOP = 10_000_000


def calibration_seconds() -> float:
    """CPU seconds of a fixed pure-Python loop: compares runs made under different machine loads."""
    started = time.process_time()
    x = 0
    for i in range(CALIBRATION_LOOP):
        x += i
    return time.process_time() - started


def _own_cpu() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, children.ru_utime + children.ru_stime


class ServerCpu:
    """CPU seconds of the PostgreSQL backends connected to one database (same host, read from /proc)."""

    def __init__(self, admin_url: str | None, database: str | None) -> None:
        self._admin = create_engine(admin_url) if admin_url else None
        self._database = database
        self._seen: dict[int, float] = {}

    def __call__(self) -> float:
        if self._admin is None:
            return 0.0
        with self._admin.connect() as conn:
            pids = conn.execute(
                text("SELECT pid FROM pg_stat_activity WHERE datname = :d"), {"d": self._database}
            ).scalars()
            for pid in pids:
                self._seen.setdefault(pid, 0.0)
        tick = os.sysconf("SC_CLK_TCK")
        for pid in self._seen:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the backend ended: keep its last reading
            self._seen[pid] = (int(fields[11]) + int(fields[12])) / tick
        return sum(self._seen.values())

    def dispose(self) -> None:
        if self._admin is not None:
            self._admin.dispose()


def _progress(server: Callable[[], float]) -> Callable[[str, int, int], None]:
    """Print each phase's wall time and CPU seconds (this process, workers, database server)."""
    last = [time.perf_counter(), *_own_cpu(), server()]

    def progress(message: str, done: int, total: int) -> None:
        now, me, children, srv = time.perf_counter(), *_own_cpu(), server()
        print(
            f"  {now - last[0]:6.1f} s mur | CPU {me - last[1]:6.1f} s client, {children - last[2]:6.1f} s "
            f"workers, {srv - last[3]:6.1f} s serveur | puis : {message} {done}/{total}",
            flush=True,
        )
        last[:] = [now, me, children, srv]

    return progress


def _build(url: str, customers: int, seed: int, settings: Settings, server: ServerCpu) -> None:
    db = Database(url, settings, pool_size=1)
    try:
        migrations.upgrade(db, backup=False)
        calibration = calibration_seconds()
        started, cpu0, srv0 = time.perf_counter(), sum(_own_cpu()), server()
        report = build_demo_data(db, customers, seed, _progress(server))
        elapsed = time.perf_counter() - started
        cpu = sum(_own_cpu()) - cpu0
        srv = server() - srv0
        print(f"{db.dialect}: {customers} assurés construits en {elapsed:.1f} s")
        print(
            f"  CPU {cpu:.1f} s client et workers + {srv:.1f} s serveur = {cpu + srv:.1f} s "
            f"(boucle d'étalonnage : {calibration:.2f} s CPU)"
        )
        with db.engine.connect() as conn:
            for table in sorted(inspect(conn).get_table_names()):
                count = conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
                print(f"  {table:24} {count:>12}")
        print(f"  sinistres ouverts        {report.open_claims:>12}")
    finally:
        db.dispose()


def build_sqlite(path: Path, customers: int, seed: int, settings: Settings) -> None:
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    print(f"SQLite : {path}")
    _build(f"sqlite:///{path}", customers, seed, settings, ServerCpu(None, None))


def build_postgresql(admin_url: str, database: str, customers: int, seed: int, settings: Settings) -> None:
    if database.startswith("backoffice_test_"):
        raise SystemExit("Refusé : les bases backoffice_test_* appartiennent aux tests.")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    url = make_url(admin_url).set(database=database).render_as_string(hide_password=False)
    server = ServerCpu(admin_url, database)
    try:
        _build(url, customers, seed, settings, server)
    finally:
        server.dispose()


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
