"""Bulk writers: raw ``executemany`` on SQLite, ``COPY … FROM STDIN`` on PostgreSQL, in one transaction.

For large loads the secondary indexes, unique constraints (PostgreSQL) and foreign keys (PostgreSQL) of the bulk
tables are dropped first and re-created afterwards from their own stored definitions, so the schema ends exactly
as the migrations left it (``alembic check`` keeps passing). Their triggers (the name vocabulary of the typo
lookup) are dropped (SQLite) or disabled (PostgreSQL) the same way, then fired once per distinct name at the end. At scale on SQLite the workers hand over in-memory database images built with the target's own table
definitions, which the parent copies as raw records (``INSERT INTO t SELECT * FROM image.t``).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from backoffice.db import Database
from backoffice.demo.generate import (
    BULK_TABLES,
    CHUNK_TABLES,
    COLUMNS,
    COVERAGE_TEMPLATE,
    EXPAND_COVERAGES_SQL,
    Row,
)

ChunkRows = dict[str, list[Row]]
ChunkText = dict[str, str]
SERIAL_TABLES = (
    "agent",
    "expert",
    "customer",
    "contract",
    "coverage",
    "portal_account",
    "lock_event",
    "claim",
    "appraisal_assignment",
)


def copy_text(rows: list[Row]) -> str:
    """Rows in PostgreSQL COPY text format (our generated values never hold tabs, newlines or backslashes)."""
    text = str
    lines = [
        "\t".join([v if v.__class__ is text else "\\N" if v is None else text(v) for v in row])
        for row in rows
    ]
    lines.append("")
    return "\n".join(lines)


#: Indexes whose keys grow with the load order (ids are allocated chunk after chunk, a customer's rows in id
#: order, its lock events by time): kept during a SQLite bulk load, where each entry is an append, instead of
#: being sorted again in the serial index phase at the end. Any other index is dropped and rebuilt.
LOAD_ORDER_INDEXES = frozenset(
    {
        "ix_coverage_contract_id",
        "ix_contract_customer_id",
        "ix_claim_contract_id",
        "ix_claim_customer_id",
        "ix_lock_event_account_id",
        "ix_lock_event_account_occurred",
        "ix_lock_event_customer_id",
        "ix_appraisal_assignment_claim_id",
    }
)

#: The schema name under which the SQLite loader attaches each chunk image.
IMAGE_SCHEMA = "chunk_image"


def sqlite_image(rows: ChunkRows, ddl: dict[str, list[str]]) -> bytes:
    """A chunk's rows as the image of an in-memory SQLite database holding the bulk tables, coverages expanded.

    Built in a worker process with the target's own ``CREATE TABLE`` and remaining ``CREATE INDEX`` statements
    (``ddl``): the per-value work happens there, in parallel, and the parent copies each table with
    ``INSERT INTO … SELECT *``, which SQLite runs as a raw record transfer when both tables have the same
    definition and indexes (no value decoded or re-encoded, index entries copied in order).
    """
    con = sqlite3.connect(":memory:", isolation_level=None)
    try:
        # The generated values are valid by construction; SQLite evaluates an enum's CHECK (col IN (…)) by
        # building a small table for every row, nearly half the cost of the image. The copy keeps the checks.
        con.execute("PRAGMA ignore_check_constraints = ON")
        con.execute("BEGIN")
        for table in BULK_TABLES:
            con.execute(ddl[table][0])
        con.execute(
            "CREATE TABLE coverage_plan (contract_id INTEGER, formula INTEGER, damage_deductible INTEGER, "
            "glass_deductible INTEGER, start_date TEXT, end_date TEXT)"
        )
        con.execute(
            "CREATE TABLE coverage_template (formula INTEGER, position INTEGER, code TEXT, kind TEXT, ceiling INTEGER)"
        )
        con.executemany("INSERT INTO coverage_template VALUES (?, ?, ?, ?, ?)", COVERAGE_TEMPLATE)
        for table in CHUNK_TABLES:
            columns = COLUMNS[table]
            con.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                rows.get(table, ()),
            )
        con.execute(EXPAND_COVERAGES_SQL)
        for table in BULK_TABLES:
            for sql in ddl[table][1:]:
                con.execute(sql)
        con.execute("COMMIT")
        return con.serialize()
    finally:
        con.close()


class Loader(Protocol):
    def begin(self, bulk: bool) -> None: ...
    def write_rows(self, table: str, rows: list[Row]) -> None: ...
    def write_text(self, table: str, text: str) -> None: ...
    def expand_coverages(self) -> int:
        """Expand the coverage plans written so far into coverages, then empty the plans (once per chunk)."""
        ...

    def finish(self, progress: Callable[[str], None]) -> None: ...
    def abort(self) -> None: ...
    def close(self) -> None: ...


class SQLiteLoader:
    def __init__(self, db: Database) -> None:
        self._raw = db.engine.raw_connection()
        self._con: Any = self._raw.driver_connection
        assert self._con is not None
        self._cur = self._con.cursor()
        self._indexes: list[tuple[str, str]] = []
        self._triggers: list[tuple[str, str]] = []
        self._bulk = False
        self._journal = ""
        self._images = 0

    def begin(self, bulk: bool) -> None:
        self._bulk = bulk
        cur = self._cur
        if bulk:
            # A rollback journal instead of WAL: the new pages are written once, not to the WAL and then
            # checkpointed (gigabytes at scale). The database is empty, so the journal only holds the few
            # pages that existed before (journal_mode OFF would save nothing and lose ROLLBACK).
            self._journal = cur.execute("PRAGMA journal_mode").fetchone()[0]
            cur.execute("PRAGMA journal_mode = DELETE")
            cur.execute("PRAGMA foreign_keys = OFF")
            cur.execute("PRAGMA ignore_check_constraints = ON")  # generated values, valid by construction
            cur.execute("PRAGMA synchronous = OFF")
            cur.execute("PRAGMA cache_size = -800000")
            cur.execute("PRAGMA temp_store = MEMORY")
        cur.execute(f"ATTACH ':memory:' AS {IMAGE_SCHEMA}")
        cur.execute("BEGIN IMMEDIATE")
        cur.execute(
            "CREATE TEMP TABLE coverage_plan (contract_id INTEGER, formula INTEGER, damage_deductible INTEGER, "
            "glass_deductible INTEGER, start_date TEXT, end_date TEXT)"
        )
        cur.execute(
            "CREATE TEMP TABLE coverage_template (formula INTEGER, position INTEGER, code TEXT, kind TEXT, "
            "ceiling INTEGER)"
        )
        cur.executemany("INSERT INTO coverage_template VALUES (?, ?, ?, ?, ?)", COVERAGE_TEMPLATE)
        if bulk:
            marks = ", ".join("?" for _ in BULK_TABLES)
            self._indexes = [
                (name, sql)
                for name, sql in cur.execute(
                    f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                    f"AND tbl_name IN ({marks}) ORDER BY name",
                    BULK_TABLES,
                ).fetchall()
                if name not in LOAD_ORDER_INDEXES
            ]
            for name, _ in self._indexes:
                cur.execute(f'DROP INDEX "{name}"')
            # The name-vocabulary triggers would run once per customer: they run once per distinct name at the
            # end instead (and without triggers on the target, the chunk copies are record transfers).
            self._triggers = cur.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks}) "
                "ORDER BY name",
                BULK_TABLES,
            ).fetchall()
            for name, _ in self._triggers:
                cur.execute(f'DROP TRIGGER "{name}"')

    def image_ddl(self) -> dict[str, list[str]]:
        """Per bulk table, its ``CREATE TABLE`` then its indexes still in place, for the workers' chunk images."""
        marks = ", ".join("?" for _ in BULK_TABLES)
        rows = self._cur.execute(
            f"SELECT tbl_name, sql FROM main.sqlite_master WHERE type IN ('table', 'index') AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks}) ORDER BY type DESC, name",
            BULK_TABLES,
        ).fetchall()
        ddl: dict[str, list[str]] = {}
        for table, sql in rows:
            ddl.setdefault(table, []).append(sql)
        return ddl

    def write_rows(self, table: str, rows: list[Row]) -> None:
        if rows:
            columns = COLUMNS[table]
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
            self._cur.executemany(sql, rows)

    def write_image(self, image: bytes, open_statuses: tuple[str, ...]) -> tuple[dict[str, int], int]:
        """Copy a worker's chunk image (``sqlite_image``); return the rows written per table and the open claims."""
        self._con.deserialize(image, name=IMAGE_SCHEMA)
        # A new statement text per image: a statement cached for the previous image would read its stale pages.
        self._images += 1
        tag = f"/* image {self._images} */"
        cur = self._cur
        written: dict[str, int] = {}
        for table in BULK_TABLES:
            # No column list and SELECT *: the form SQLite turns into a record transfer.
            written[table] = cur.execute(
                f"INSERT INTO main.{table} SELECT * FROM {IMAGE_SCHEMA}.{table} {tag}"
            ).rowcount
        marks = ", ".join("?" for _ in open_statuses)
        ((opened,),) = cur.execute(
            f"SELECT count(*) FROM {IMAGE_SCHEMA}.claim WHERE status IN ({marks}) {tag}", open_statuses
        ).fetchall()
        return written, int(opened)

    def write_text(self, table: str, text: str) -> None:  # pragma: no cover - PostgreSQL only
        raise NotImplementedError

    def expand_coverages(self) -> int:
        count = int(self._cur.execute(EXPAND_COVERAGES_SQL).rowcount)
        self._cur.execute("DELETE FROM coverage_plan")
        return count

    def finish(self, progress: Callable[[str], None]) -> None:
        cur = self._cur
        cur.execute("DROP TABLE coverage_plan")
        cur.execute("DROP TABLE coverage_template")
        if self._indexes:
            progress("Recréation des index")
            # The sorter of CREATE INDEX may use a second core: nothing else runs during this last phase.
            cur.execute("PRAGMA threads = 2")
            for _, sql in self._indexes:
                cur.execute(sql)
        if self._triggers:
            for _, sql in self._triggers:
                cur.execute(sql)
            cur.execute(FIRE_NAME_TRIGGERS_SQL)
        cur.execute("COMMIT")
        if self._bulk:
            progress("Statistiques (ANALYZE)")
            cur.execute("PRAGMA analysis_limit = 1000")
            cur.execute("ANALYZE")

    def abort(self) -> None:
        if self._con.in_transaction:
            self._cur.execute("ROLLBACK")

    def close(self) -> None:
        if self._bulk:
            if self._journal:
                self._cur.execute(f"PRAGMA journal_mode = {self._journal}")
            self._cur.execute("PRAGMA foreign_keys = ON")
            self._cur.execute("PRAGMA ignore_check_constraints = OFF")
            self._cur.execute("PRAGMA synchronous = NORMAL")
            self._cur.execute("PRAGMA cache_size = -2000")
            self._cur.execute("PRAGMA threads = 0")
        if not self._con.in_transaction:
            self._cur.execute(f"DETACH {IMAGE_SCHEMA}")
        self._cur.close()
        self._raw.close()


class PostgreSQLLoader:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._raw = db.engine.raw_connection()
        self._con: Any = self._raw.driver_connection
        assert self._con is not None
        self._cur = self._con.cursor()
        self._indexes: list[tuple[str, str]] = []
        self._constraints: list[tuple[str, str, str, str]] = []
        self._triggers: list[tuple[str, str]] = []
        self._bulk = False

    def begin(self, bulk: bool) -> None:
        self._bulk = bulk
        cur = self._cur
        self._con.rollback()
        cur.execute("SET LOCAL TIME ZONE 'UTC'")
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute(
            "CREATE TEMP TABLE coverage_plan (contract_id integer, formula integer, damage_deductible integer, "
            "glass_deductible integer, start_date date, end_date date) ON COMMIT DROP"
        )
        cur.execute(
            "CREATE TEMP TABLE coverage_template (formula integer, position integer, code text, kind text, "
            "ceiling integer) ON COMMIT DROP"
        )
        cur.executemany("INSERT INTO coverage_template VALUES (%s, %s, %s, %s, %s)", COVERAGE_TEMPLATE)
        if bulk:
            cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
            # Foreign keys are validated by one join each when re-created: in memory, not in spilled batches.
            cur.execute("SET LOCAL work_mem = '256MB'")
            cur.execute("SET LOCAL max_parallel_maintenance_workers = 2")
            tables = list(BULK_TABLES)
            self._constraints = cur.execute(
                "SELECT c.conname, t.relname, pg_get_constraintdef(c.oid), c.contype FROM pg_constraint c "
                "JOIN pg_class t ON t.oid = c.conrelid WHERE t.relnamespace = current_schema()::regnamespace "
                "AND t.relname = ANY(%s) AND c.contype IN ('f', 'u') ORDER BY c.contype DESC, c.conname",
                (tables,),
            ).fetchall()
            self._indexes = cur.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "JOIN pg_class t ON t.oid = x.indrelid WHERE t.relnamespace = current_schema()::regnamespace "
                "AND t.relname = ANY(%s) AND NOT x.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) ORDER BY i.relname",
                (tables,),
            ).fetchall()
            for name, table, _, contype in reversed(self._constraints):
                if contype == "f":
                    cur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            for name, table, _, contype in self._constraints:
                if contype == "u":
                    cur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            for name, _ in self._indexes:
                cur.execute(f'DROP INDEX "{name}"')
            # The name-vocabulary trigger would run once per customer: it runs once per distinct name at the end.
            self._triggers = cur.execute(
                "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace "
                "AND c.relname = ANY(%s) ORDER BY t.tgname",
                (tables,),
            ).fetchall()
            for name, table in self._triggers:
                cur.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{name}"')

    def write_rows(self, table: str, rows: list[Row]) -> None:
        if rows:
            self.write_text(table, copy_text(rows))

    def write_text(self, table: str, text: str) -> None:
        if text:
            with self._cur.copy(f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN") as copy:
                copy.write(text)

    def expand_coverages(self) -> int:
        count = int(self._cur.execute(EXPAND_COVERAGES_SQL).rowcount)
        self._cur.execute("TRUNCATE coverage_plan")
        return count

    def finish(self, progress: Callable[[str], None]) -> None:
        cur = self._cur
        if self._bulk:
            progress("Recréation des index et des contraintes")
            for _, sql in self._indexes:
                cur.execute(sql)
            for name, table, definition, contype in self._constraints:
                if contype == "u":
                    cur.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            for name, table, definition, contype in self._constraints:
                if contype == "f":
                    cur.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            for name, table in self._triggers:
                cur.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER "{name}"')
            if self._triggers:
                cur.execute(FIRE_NAME_TRIGGERS_SQL)
        for table in SERIAL_TABLES:
            sequence = cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,)).fetchone()[0]
            if sequence:
                cur.execute(
                    f"SELECT setval(%s, COALESCE((SELECT max(id) FROM {table}), 1), "
                    f"(SELECT max(id) FROM {table}) IS NOT NULL)",
                    (sequence,),
                )
        self._con.commit()
        progress("Statistiques (ANALYZE)")
        self._analyze()

    def _analyze(self) -> None:
        """ANALYZE every table, on two connections sharing them by size: the pass reads each sampled page of the
        freshly loaded tables (setting its hint bits), the last serial phase of the build."""
        sizes = self._cur.execute(
            "SELECT relname, pg_relation_size(oid) FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
            "AND relkind = 'r' ORDER BY 2 DESC, 1"
        ).fetchall()
        self._con.commit()
        shares: tuple[list[str], list[str]] = ([], [])
        loads = [0, 0]
        for table, size in sizes:
            k = 0 if loads[0] <= loads[1] else 1
            shares[k].append(table)
            loads[k] += size
        other = self._db.engine.raw_connection()
        failures: list[BaseException] = []

        def run(raw: Any, tables: list[str]) -> None:
            con = raw.driver_connection
            con.autocommit = True
            try:
                with con.cursor() as cursor:
                    for table in tables:
                        cursor.execute(f'ANALYZE "{table}"')
            except BaseException as error:  # re-raised by the caller's thread
                failures.append(error)
            finally:
                con.autocommit = False

        try:
            helper = threading.Thread(target=run, args=(other, shares[1]), name="analyze")
            helper.start()
            run(self._raw, shares[0])
            helper.join()
        finally:
            other.close()
        if failures:
            raise failures[0]

    def abort(self) -> None:
        self._con.rollback()

    def close(self) -> None:
        self._cur.close()
        self._raw.close()


#: Touches one customer per distinct last name so that the re-enabled vocabulary triggers (migrations 0002, 0012)
#: fill the typo-lookup tables with their own current logic, once per name instead of once per customer.
FIRE_NAME_TRIGGERS_SQL = (
    "UPDATE customer SET last_name_key = last_name_key "
    "WHERE id IN (SELECT min(id) FROM customer GROUP BY last_name_key)"
)


def make_loader(db: Database) -> SQLiteLoader | PostgreSQLLoader:
    if db.dialect == "sqlite":
        return SQLiteLoader(db)
    return PostgreSQLLoader(db)


def write_chunk(loader: SQLiteLoader | PostgreSQLLoader, chunk: ChunkRows | ChunkText) -> None:
    for table in CHUNK_TABLES:
        data = chunk.get(table)
        if isinstance(data, str):
            loader.write_text(table, data)
        elif data:
            loader.write_rows(table, data)


def count_rows(chunk: ChunkRows | ChunkText | dict[str, int], counts: dict[str, int]) -> None:
    for table, data in chunk.items():
        n = data if isinstance(data, int) else data.count("\n") if isinstance(data, str) else len(data)
        counts[table] = counts.get(table, 0) + n


def write_reference(loader: SQLiteLoader | PostgreSQLLoader, tables: Iterable[tuple[str, list[Row]]]) -> None:
    for table, rows in tables:
        loader.write_rows(table, rows)
