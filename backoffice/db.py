"""Engine and session factory.

SQLite: WAL, foreign keys, busy timeout, and write transactions opened with BEGIN IMMEDIATE so that a
read-then-write never loses the race with "database is locked". PostgreSQL: psycopg 3, password from keyring.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from backoffice.agent_changes import AgentChanges
from backoffice.clock import Clock, SystemClock
from backoffice.config import Settings
from backoffice.errors import BackofficeError, ConcurrentEdit, DatabaseUnavailable, Refused

log = logging.getLogger(__name__)
T = TypeVar("T")

#: A pooled PostgreSQL connection idle for longer than this is pinged before use (one round trip); one used
#: moments ago is trusted, so a search typed letter by letter costs no ping at each keystroke.
IDLE_PING_SECONDS = 10.0
#: Search sessions kept between keystrokes (each holds a pooled connection, outside any transaction).
KEPT_LOOKUPS = 2

NETWORK_FILESYSTEMS = {
    "nfs",
    "nfs4",
    "cifs",
    "smbfs",
    "smb3",
    "fuse.sshfs",
    "9p",
    "afs",
    "ncpfs",
    "fuse.gvfsd-fuse",
}


def is_network_path(path: Path) -> bool:
    """True when the file would live on a network share, where SQLite's locking is unreliable."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return True
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows workstations
        import ctypes

        drive = os.path.splitdrive(os.path.abspath(text))[0] + "\\"
        return bool(ctypes.windll.kernel32.GetDriveTypeW(drive) == 4)  # DRIVE_REMOTE
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return False
    resolved = str(path.resolve())
    best, best_type = "", ""
    for line in mounts:
        parts = line.split()
        if len(parts) >= 3:
            mount_point = parts[1].replace("\\040", " ")
            if (resolved == mount_point or resolved.startswith(mount_point.rstrip("/") + "/")) and len(
                mount_point
            ) >= len(best):
                best, best_type = mount_point, parts[2]
    return best_type in NETWORK_FILESYSTEMS


def keyring_password(service: str, url: URL) -> str | None:
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:  # pragma: no cover
        return None
    try:
        return keyring.get_password(service, keyring_username(url))
    except (KeyringError, RuntimeError) as exc:
        raise DatabaseUnavailable(
            "Le trousseau du système (keyring) est indisponible : le mot de passe de la base PostgreSQL ne peut "
            f"pas être lu. Détail : {exc}"
        ) from exc


def keyring_username(url: URL) -> str:
    return f"{url.username}@{url.host}:{url.port or 5432}/{url.database}"


def _sqlite_setup(engine: Engine, busy_timeout_ms: int, *, transactions: bool = True) -> None:
    """The connection pragmas; with ``transactions``, the hook that begins each transaction as its use needs."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    if not transactions:
        return

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get("sqlite_write"):
            # May wait for, and fail on, another writer: through SQLAlchemy, so the error is translated.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif options.get("sqlite_autocommit"):
            pass  # a lookup: each statement is its own snapshot, no BEGIN/ROLLBACK around it
        else:
            # A deferred BEGIN takes no lock and cannot fail: straight to the driver, as the full statement
            # path costs more than the point lookup an agent's search usually is.
            conn.connection.driver_connection.execute("BEGIN")


def _ping_when_idle(engine: Engine) -> None:
    """Pessimistic disconnect handling without a round trip per checkout (SQLAlchemy's ``pool_pre_ping``).

    A connection back from the pool after more than ``IDLE_PING_SECONDS`` is pinged; if the server dropped it
    (restart, network cut, idle timeout), the pool replaces it before the caller sees an error.
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["last_used"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("last_used", 0.0) <= IDLE_PING_SECONDS:
            return
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_connection.rollback()
        except Exception as exc:  # any driver error means this connection is unusable
            raise DisconnectionError("connection lost while idle") from exc


def _utc_sessions(engine: Engine) -> None:
    """Every PostgreSQL session in UTC, whatever the server's default: times are stored and computed in UTC
    (a day's bucket in supervision is a UTC day, as on SQLite), and psycopg then returns timestamps already in
    ``datetime.UTC``, which ``UTCDateTime`` hands on as they are instead of converting each one (~1.2 µs a row, a
    tenth of a name search that reads 200 rows). A ``SET`` rather than a startup option: PgBouncer refuses
    ``options`` but keeps each client's ``TimeZone``."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        try:
            dbapi_connection.execute("SET TimeZone = 'UTC'")
        finally:
            dbapi_connection.autocommit = autocommit


def _generic_plans_for_lookups(engine: Engine, lookup_factory: sessionmaker[Session]) -> None:
    """The search box's statements run with generic plans on PostgreSQL; every other use keeps custom plans.

    psycopg prepares a search's statements on the kept connection, but PostgreSQL kept planning the name-range
    ones for every keystroke (~0.15 ms each, more than they take to run): with parameters, a range's generic
    estimate looks worse than each custom plan, though the plan is the same index scan. ``plan_cache_mode`` is a
    connection setting, so it is set when a search session takes a connection and reset when the connection
    goes back to the pool, before anything else can use it. The search's statements are also prepared at their
    first run (psycopg waits for the fifth), so no shape of search is planned more than once per connection;
    unless preparing is off (``prepare_threshold`` None, as behind a PgBouncer in transaction mode).
    """

    @event.listens_for(lookup_factory, "after_begin")
    def _on_lookup_begin(_session: Session, _transaction: Any, connection: Any) -> None:
        if "prepare_threshold" not in connection.info:
            connection.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
            driver = connection.connection.driver_connection
            connection.info["prepare_threshold"] = driver.prepare_threshold
            if driver.prepare_threshold is not None:
                driver.prepare_threshold = 0

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection: Any, record: Any) -> None:
        if "prepare_threshold" in record.info and dbapi_connection is not None:
            dbapi_connection.prepare_threshold = record.info.pop("prepare_threshold")
            try:
                with dbapi_connection.cursor() as cursor:
                    cursor.execute("RESET plan_cache_mode")
                dbapi_connection.commit()  # outside autocommit, a rollback would undo the RESET
            except Exception:  # a broken connection: the pool discards it at its next checkout
                record.invalidate()


def _notice_connection(engine: Engine) -> Callable[[], Any]:
    """How to open the connection that listens for agent changes: the pool's own parameters, autocommit, and
    TCP keepalives so that a connection cut without a word is noticed."""

    def connect() -> Any:
        import psycopg

        _, params = engine.dialect.create_connect_args(engine.url)
        params.pop("context", None)
        return psycopg.connect(
            **params,
            autocommit=True,
            connect_timeout=5,
            application_name="backoffice (avis)",
            keepalives=1,
            keepalives_idle=30,
            keepalives_interval=10,
            keepalives_count=3,
        )

    return connect


def _forget_agents_on_commit(write_factory: sessionmaker[Session], changes: AgentChanges) -> None:
    """A change to agents committed by this process is known here at once, without waiting for its notice."""

    @event.listens_for(write_factory, "after_flush")
    def _on_flush(session: Session, _context: Any) -> None:
        if any(
            getattr(obj, "__tablename__", None) == "agent"
            for obj in (*session.new, *session.dirty, *session.deleted)
        ):
            session.info["agents_changed"] = True

    @event.listens_for(write_factory, "after_commit")
    def _on_commit(session: Session) -> None:
        if session.info.pop("agents_changed", False):
            changes.forget()

    @event.listens_for(write_factory, "after_rollback")
    def _on_rollback(session: Session) -> None:
        session.info.pop("agents_changed", None)


def translate_db_error(exc: Exception, url: URL) -> DatabaseUnavailable:
    text = str(getattr(exc, "orig", exc))
    if url.get_backend_name() == "sqlite":
        if "not a database" in text or "malformed" in text:
            return DatabaseUnavailable(
                f"Le fichier {url.database} n'est pas une base de données de l'application (ou il est endommagé). "
                "Vérifiez le chemin configuré ou restaurez la dernière sauvegarde."
            )
        if "unable to open" in text:
            return DatabaseUnavailable(f"Impossible d'ouvrir le fichier de base de données {url.database}.")
        if "locked" in text:
            return DatabaseUnavailable(
                "La base de données est occupée par un autre poste. Réessayez dans un instant."
            )
        return DatabaseUnavailable(f"Erreur de la base de données locale : {text}")
    if "password authentication failed" in text or "no password supplied" in text:
        return DatabaseUnavailable(
            "Le serveur PostgreSQL a refusé l'identification. Enregistrez le mot de passe avec "
            "« backoffice-admin db set-password »."
        )
    if "does not exist" in text and "database" in text:
        return DatabaseUnavailable(f"La base « {url.database} » n'existe pas sur le serveur {url.host}.")
    return DatabaseUnavailable(
        f"Le serveur de base de données {url.host or 'local'}:{url.port or 5432} est injoignable. Vérifiez le réseau "
        "ou contactez le support informatique."
    )


class _LookupUse:
    """One search on the search box's session (``Database._take_lookup``); a plain context manager, as a
    generator-based one costs more than the point lookup a search usually is."""

    __slots__ = ("db", "session")

    def __init__(self, db: Database) -> None:
        self.db = db

    def __enter__(self) -> Session:
        self.session = self.db._take_lookup()
        return self.session

    def __exit__(self, _type: object, exc: BaseException | None, _traceback: object) -> None:
        if exc is None:
            self.db._give_back_lookup(self.session)
            return
        replacement = self.db._failed(self.session, exc)
        if replacement is not None:
            raise replacement from exc


class Database:
    """Engines and sessions of one database. Sessions carry the settings and the clock in ``session.info``."""

    def __init__(
        self,
        url: str,
        settings: Settings,
        clock: Clock | None = None,
        *,
        readonly_url: str | None = None,
        pool_size: int = 5,
    ) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.url = make_url(url)
        self.engine = self._make_engine(self.url, pool_size)
        self.readonly_engine = (
            self._make_engine(make_url(readonly_url), pool_size) if readonly_url else self.engine
        )
        info = {"settings": settings, "clock": self.clock}
        self._write_factory = sessionmaker(
            bind=self.engine.execution_options(sqlite_write=True), expire_on_commit=False, info=info
        )
        self._read_factory = sessionmaker(bind=self.engine, expire_on_commit=False, info=info)
        # The search box's engine, and the engine it draws its connections from (its own on SQLite).
        self._lookup_engine, self._lookup_root = self._make_lookup_engine()
        self.agent_changes: AgentChanges | None = None
        if self.dialect == "postgresql" and settings.database.agent_change_notices:
            self.agent_changes = AgentChanges(_notice_connection(self.engine))
            _forget_agents_on_commit(self._write_factory, self.agent_changes)
        self._lookup_factory = sessionmaker(
            bind=self._lookup_engine,
            expire_on_commit=False,
            autoflush=False,
            info={**info, "agent_changes": self.agent_changes} if self.agent_changes else info,
        )
        if self.dialect == "postgresql":
            _generic_plans_for_lookups(self.engine, self._lookup_factory)
        self._lookup_lock = threading.Lock()
        self._kept_lookups: list[tuple[float, Session]] = []  # (last used, session), the latest last
        self._report_factory = sessionmaker(bind=self.readonly_engine, expire_on_commit=False, info=info)

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    @property
    def lookup_engine(self) -> Engine:
        """The engine the search box's sessions run on (``read(snapshot=False)``, see ``_make_lookup_engine``)."""
        return self._lookup_engine

    @property
    def engines(self) -> tuple[Engine, ...]:
        """Every engine this database's statements go through: a listener meant to see them all goes on each."""
        return tuple(dict.fromkeys((self.engine, self._lookup_root, self.readonly_engine)))

    def _make_lookup_engine(self) -> tuple[Engine, Engine]:
        """What the search box's sessions run on (no transaction around a search's statements), and its root.

        PostgreSQL: the pool's engine in psycopg's autocommit, set and reset on the client side (no round trip).
        SQLite: an engine of its own, on the same file, without the hook that begins transactions: the driver
        then sends no BEGIN at all, and as nothing listens to the engine's statements, SQLAlchemy's execute path
        and ``backoffice.prepared`` skip looking for listeners (a sixth of an exact lookup's Python on the pool's
        engine, which carries that hook). An in-memory database is one per connection: it keeps the pool's
        engine, its hook sending no BEGIN for these sessions.
        """
        if self.dialect != "sqlite":
            return self.engine.execution_options(isolation_level="AUTOCOMMIT"), self.engine
        if not self.url.database or self.url.database == ":memory:":
            return self.engine.execution_options(sqlite_autocommit=True), self.engine
        own = self._make_engine(self.url, KEPT_LOOKUPS, transactions=False)
        return own, own

    def _make_engine(self, url: URL, pool_size: int, *, transactions: bool = True) -> Engine:
        if url.get_backend_name() == "sqlite":
            if url.database and url.database != ":memory:":
                path = Path(url.database)
                if is_network_path(path.parent if not path.exists() else path):
                    raise DatabaseUnavailable(
                        f"Le fichier {path} est sur un partage réseau. SQLite ne convient qu'à un seul poste : "
                        "sur un partage, le verrouillage des fichiers n'est pas fiable et la base finirait "
                        "corrompue. Utilisez le serveur PostgreSQL du centre pour travailler à plusieurs."
                    )
                path.parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(
                url,
                connect_args={"check_same_thread": False, "timeout": 30},
                # Every transaction is ended by its session (commit or rollback) before the connection goes
                # back: a second rollback on return is pure overhead on the lookup path.
                pool_reset_on_return=None,
            )
            _sqlite_setup(engine, self.settings.database.sqlite_busy_timeout_ms, transactions=transactions)
            return engine
        if url.get_backend_name() == "postgresql":
            if url.drivername == "postgresql":
                url = url.set(drivername="postgresql+psycopg")
            if url.password is None and url.username:
                password = keyring_password(self.settings.database.keyring_service, url)
                if password:
                    url = url.set(password=password)
            engine = create_engine(
                url,
                pool_size=pool_size,
                max_overflow=pool_size,
                connect_args={"connect_timeout": 5, "application_name": "backoffice"},
            )
            _ping_when_idle(engine)
            _utc_sessions(engine)
            return engine
        raise DatabaseUnavailable(f"Type de base de données non pris en charge : {url.get_backend_name()}.")

    def check_connection(self) -> None:
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
                if self.dialect == "sqlite":
                    conn.exec_driver_sql("SELECT count(*) FROM sqlite_master")
        except DBAPIError as exc:
            raise translate_db_error(exc, self.url) from exc

    def read(self, *, replica: bool = False, snapshot: bool = True) -> AbstractContextManager[Session]:
        """A read-only unit of work, rolled back at the end.

        ``snapshot=False`` is for lookups made of independent statements (the search box, as the agent types):
        no transaction around them, each statement sees the latest committed data on its own. See
        ``_take_lookup``. Anything that must see its parts from one moment (a customer file, an export, a check)
        keeps the default.
        """
        if not snapshot and not replica:
            return _LookupUse(self)
        return self._read(replica)

    @contextmanager
    def _read(self, replica: bool) -> Iterator[Session]:
        session = (self._report_factory if replica else self._read_factory)()
        with self._closed_on_error(session):
            yield session
        session.close()  # releases the connection (rolled back) without expiring loaded objects

    @contextmanager
    def _closed_on_error(self, session: Session) -> Iterator[None]:
        try:
            yield
        except BaseException as exc:
            replacement = self._failed(session, exc)
            if replacement is not None:
                raise replacement from exc
            raise

    def _failed(self, session: Session, exc: BaseException) -> BaseException | None:
        """A read that fails leaves nothing open: a refusal is audited like a refused change, a database error
        becomes its French message (returned, to be raised instead)."""
        session.close()
        if isinstance(exc, Refused):
            self._audit_refusal(session, exc)
        elif isinstance(exc, OperationalError):
            return translate_db_error(exc, self.url)
        return None

    def _take_lookup(self) -> Session:
        """The search box's session, kept between keystrokes with its connection (at most ``KEPT_LOOKUPS``).

        It never holds a transaction (autocommit, so no snapshot, lock or BEGIN/ROLLBACK between searches) and
        never writes (no autoflush; anything left pending discards it). Kept, it spares each search the session
        and pool machinery, which costs several times the search's own SQL. One idle for longer than
        ``IDLE_PING_SECONDS`` is closed and replaced by one from the pool (which pings a connection idle that
        long); one that saw an error is closed, so a restarted server costs no failed search.
        """
        with self._lookup_lock:
            kept = self._kept_lookups  # the latest given back last
            if kept and time.monotonic() - kept[-1][0] <= IDLE_PING_SECONDS:
                return kept.pop()[1]
            self._kept_lookups = []  # none, or all idle too long: the latest is, the others longer
        for _, old in kept:
            old.close()
        return self._lookup_factory()

    def _give_back_lookup(self, session: Session) -> None:
        if session.identity_map:  # a search loads no object; changed or deleted ones would be among these
            if session.dirty or session.deleted:
                session.close()
                raise RuntimeError("a lookup session must not change anything")  # a programming error
            session.expunge_all()
        if session.new:
            session.close()
            raise RuntimeError("a lookup session must not add anything")  # a programming error
        with self._lookup_lock:
            if len(self._kept_lookups) < KEPT_LOOKUPS:
                self._kept_lookups.append((time.monotonic(), session))
                return
        session.close()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work: committed on success; on a refusal, rolled back and the refusal audited apart."""
        session = self._write_factory()
        try:
            yield session
            session.commit()
        except Refused as refusal:
            session.rollback()
            session.close()
            self._audit_refusal(session, refusal)
            raise
        except StaleDataError as exc:
            session.rollback()
            raise ConcurrentEdit(
                "Un autre utilisateur a modifié cet élément pendant que vous le consultiez. Rechargez-le : "
                "vos saisies sont conservées à l'écran."
            ) from exc
        except OperationalError as exc:
            session.rollback()
            raise translate_db_error(exc, self.url) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def run_write(self, fn: Callable[[Session], T]) -> T:
        with self.write() as session:
            return fn(session)

    def run_read(self, fn: Callable[[Session], T], *, snapshot: bool = True) -> T:
        with self.read(snapshot=snapshot) as session:
            return fn(session)

    def _audit_refusal(self, failed: Session, refusal: Refused) -> None:
        from backoffice.workflows import audit

        actor = refusal.actor or failed.info.get("actor")
        try:
            with self.write() as session:
                audit.record_refusal(session, actor, refusal)
        except BackofficeError:  # pragma: no cover - the refusal itself must still reach the user
            log.exception("refusal could not be audited")

    def dispose(self) -> None:
        with self._lookup_lock:
            kept, self._kept_lookups = self._kept_lookups, []
        for _, session in kept:  # kept search sessions hand their connections back first
            session.close()
        if self.agent_changes is not None:
            self.agent_changes.close()
        for engine in self.engines:
            engine.dispose()
