"""The search box's read path: prepared statements on the driver, kept sessions without a transaction."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, create_engine, literal_column, or_, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from backoffice import db as db_module
from backoffice.db import Database
from backoffice.errors import DatabaseUnavailable, PermissionDenied
from backoffice.models import Customer
from backoffice.prepared import Prepared, fetch
from backoffice.workflows.context import Actor
from backoffice.workflows.lookup import search
from tests.factories import make_customer
from tests.statements import recorded_statements

_c = Customer.__table__.c
_BY_POSTCODE = Prepared(
    select(_c.id, _c.civility, _c.birth_date, _c.last_activity_at, _c.last_name)
    .where(_c.postcode == bindparam("pc"))
    .order_by(_c.id)
    .limit(bindparam("n"))
)


def test_prepared_rows_are_the_rows_sqlalchemy_returns(db: Database) -> None:
    with db.write() as s:
        for i in range(3):
            make_customer(s, postcode="93130", last_name=f"Nom{i}")
    with db.read() as s:
        prepared = _BY_POSTCODE.all(s, {"pc": "93130", "n": 2})
        core = s.connection().execute(_BY_POSTCODE.stmt, {"pc": "93130", "n": 2}).all()
    assert len(prepared) == 2
    assert [tuple(r) for r in prepared] == [tuple(r) for r in core]
    first = prepared[0]
    assert first.last_activity_at.tzinfo is not None  # the column type's processors ran (aware UTC)
    assert type(first.civility) is type(core[0].civility)  # enum members, not raw strings


def test_prepared_statement_is_seen_by_statement_listeners(db: Database) -> None:
    with recorded_statements(db) as seen, db.read(snapshot=False) as s:
        _BY_POSTCODE.all(s, {"pc": "00000", "n": 1})
    assert any("customer.postcode" in statement for statement in seen)


def test_prepared_driver_error_is_wrapped_like_sqlalchemy(db: Database) -> None:
    """The same exception class as SQLAlchemy's own path, so callers and ``db.read`` handle it the same way."""
    broken = Prepared(
        select(text("no_such_column")).select_from(Customer.__table__).where(_c.id == bindparam("i"))
    )
    with db.engine.connect() as conn, pytest.raises(DBAPIError) as core:
        conn.execute(broken.stmt, {"i": 1})
    with pytest.raises((DBAPIError, DatabaseUnavailable)) as prepared, db.read() as s:
        broken.all(s, {"i": 1})
    wrapped = prepared.value if isinstance(prepared.value, DBAPIError) else prepared.value.__cause__
    assert type(wrapped) is type(core.value)


def test_search_session_is_kept_between_searches_and_holds_no_transaction(
    db: Database, agents: dict[str, Actor]
) -> None:
    with db.read(snapshot=False) as first:
        search(first, agents["agent"], "Zébulon")
    with db.write() as s:  # another agent creates the file meanwhile (SQLite: a writer is not blocked)
        make_customer(s, last_name="Zébulon")
    with db.read(snapshot=False) as second:
        found = search(second, agents["agent"], "zebulon")
    assert second is first  # same session, same connection: no pool round on each keystroke
    assert len(found.hits) == 1  # the file created after the first search, found by the kept session


def test_overlapping_searches_get_their_own_sessions_and_few_are_kept(db: Database) -> None:
    """A search still running when the next keystroke's starts: two sessions; afterwards only a few connections
    stay with the search box, whatever the number of worker threads that ran searches."""
    started, release = threading.Barrier(5), threading.Event()  # four searches and this test
    sessions = []

    def look() -> None:
        with db.read(snapshot=False) as s:
            s.connection()
            sessions.append(s)
            started.wait(5)
            release.wait(5)

    workers = [threading.Thread(target=look) for _ in range(4)]
    for w in workers:
        w.start()
    started.wait(5)
    assert db.lookup_engine.pool.checkedout() == 4  # type: ignore[attr-defined]
    release.set()
    for w in workers:
        w.join()
    assert len({id(s) for s in sessions}) == 4
    assert db.lookup_engine.pool.checkedout() == db_module.KEPT_LOOKUPS  # type: ignore[attr-defined]


def test_search_session_refuses_to_write_and_is_replaced(db: Database) -> None:
    with pytest.raises(RuntimeError), db.read(snapshot=False) as s:
        s.add(Customer(last_name="Jamais"))
    with db.read(snapshot=False) as again:
        assert again is not s
    with db.read() as s:
        assert s.execute(select(Customer).where(Customer.last_name == "Jamais")).first() is None


def test_refused_search_is_audited_and_session_replaced(db: Database, agents: dict[str, Actor]) -> None:
    with db.read(snapshot=False) as kept:
        pass
    stranger = Actor(agents["agent"].agent_id, "someone.else", "Inconnu", agents["agent"].role)
    with pytest.raises(PermissionDenied), db.read(snapshot=False) as s:
        search(s, stranger, "dupont")
    assert s is kept
    with db.read(snapshot=False) as again:
        assert again is not kept
    with db.read() as s:
        count = s.execute(text("SELECT count(*) FROM audit_record WHERE outcome = 'refused'")).scalar_one()
    assert count >= 1


def test_idle_search_session_is_replaced(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    with db.read(snapshot=False) as first:
        pass
    monkeypatch.setattr(db_module, "IDLE_PING_SECONDS", -1.0)
    with db.read(snapshot=False) as second:
        pass
    assert second is not first


def test_search_sessions_idle_too_long_are_all_closed_at_the_next_search(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept sessions go back in order of use: when the latest is idle too long, so are the others."""
    with db.read(snapshot=False) as older, db.read(snapshot=False) as latest:
        older.connection()
        latest.connection()
    assert db.lookup_engine.pool.checkedout() == 2  # type: ignore[attr-defined]
    monkeypatch.setattr(db_module, "IDLE_PING_SECONDS", -1.0)
    with db.read(snapshot=False) as fresh:
        assert fresh is not older and fresh is not latest
        assert db.lookup_engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    monkeypatch.setattr(db_module, "IDLE_PING_SECONDS", 10.0)
    with db.read(snapshot=False) as again:
        assert again is fresh


def test_search_session_connection_is_never_left_in_a_transaction(
    db: Database, agents: dict[str, Actor]
) -> None:
    """No snapshot is held between keystrokes (it would hide newer files and, on SQLite, hold back the WAL)."""
    with db.read(snapshot=False) as s:
        search(s, agents["agent"], "TI0001234567")
        search(s, agents["agent"], "dupont")
        driver = s.connection().connection.driver_connection
        if db.dialect == "sqlite":
            assert driver.in_transaction is False
        else:
            assert driver.info.transaction_status == 0  # psycopg: IDLE, not INTRANS


def test_dispose_closes_kept_search_sessions(db: Database) -> None:
    with db.read(snapshot=False) as s:
        s.connection()
    assert db.lookup_engine.pool.checkedout() == 1  # type: ignore[attr-defined]
    db.dispose()
    assert db.lookup_engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def _terminate(db: Database, pid: int) -> None:
    """What a server restart does to a connection, from a connection outside the application's pool."""
    admin = create_engine(db.engine.url, poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


ON_POSTGRESQL = pytest.mark.parametrize(
    "db", ["postgresql"], indirect=True
)  # SQLite has no connection to lose


@ON_POSTGRESQL
def test_postgresql_connection_dropped_while_idle_is_replaced(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server restart or network cut between two actions costs the agent no error."""
    with db.read() as s:
        pid = s.execute(text("SELECT pg_backend_pid()")).scalar_one()
    _terminate(db, pid)
    monkeypatch.setattr(db_module, "IDLE_PING_SECONDS", -1.0)
    with db.read() as s:
        assert s.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid


@ON_POSTGRESQL
def test_lost_connection_in_a_search_gives_french_message_then_recovers(
    db: Database, agents: dict[str, Actor]
) -> None:
    with db.read(snapshot=False) as s:
        pid = s.execute(text("SELECT pg_backend_pid()")).scalar_one()
    _terminate(db, pid)
    with pytest.raises(DatabaseUnavailable), db.read(snapshot=False) as s:
        search(s, agents["agent"], "TI0000000001")
    with db.read(snapshot=False) as s:
        assert search(s, agents["agent"], "TI0000000001").kind.value == "identifier"


def test_queries_fetched_together_come_back_in_order(db: Database) -> None:
    """On PostgreSQL in one round trip (pipeline), on SQLite one after the other: the same rows either way."""
    with db.write() as s:
        for postcode in ("93130", "93130", "75011"):
            make_customer(s, postcode=postcode)
    filtered = _BY_POSTCODE.stmt.where(_c.last_name.is_not(None))  # a statement built for the call
    with db.read(snapshot=False) as s:
        together = fetch(
            s,
            (_BY_POSTCODE, {"pc": "93130", "n": 5}),
            (filtered, {"pc": "75011", "n": 5}),
            (_BY_POSTCODE, {"pc": "00000", "n": 5}),
        )
        apart = [
            _BY_POSTCODE.all(s, {"pc": "93130", "n": 5}),
            list(s.connection().execute(filtered, {"pc": "75011", "n": 5})),
            [],
        ]
    assert [len(rows) for rows in together] == [2, 1, 0]
    assert [[tuple(r) for r in rows] for rows in together] == [[tuple(r) for r in rows] for rows in apart]


def test_error_among_queries_fetched_together_is_wrapped(db: Database) -> None:
    broken = Prepared(
        select(text("no_such_column")).select_from(Customer.__table__).where(_c.id == bindparam("i"))
    )
    with pytest.raises((DBAPIError, DatabaseUnavailable)), db.read(snapshot=False) as s:
        fetch(s, (_BY_POSTCODE, {"pc": "93130", "n": 5}), (broken, {"i": 1}))
    with db.read(snapshot=False) as s:  # the next search works
        assert fetch(s, (_BY_POSTCODE, {"pc": "93130", "n": 5})) == [[]]


@ON_POSTGRESQL
def test_search_sessions_use_generic_plans_and_hand_connections_back_reset(db: Database) -> None:
    """The search box's prepared statements skip planning at each keystroke; whoever takes the connection from
    the pool next plans as usual (a claims queue filtered on a rare status needs its custom plan)."""
    with db.read(snapshot=False) as s:
        mode = s.execute(text("SHOW plan_cache_mode")).scalar_one()
        pid = s.execute(text("SELECT pg_backend_pid()")).scalar_one()
        driver = s.connection().connection.driver_connection
        assert driver.prepare_threshold == 0  # prepared at the first run, planned once
    assert mode == "force_generic_plan"
    s.close()  # what replacing an idle or failed search session does: its connection goes back to the pool
    pool = db.engine.pool
    held = [db.engine.connect() for _ in range(pool.checkedin())]  # type: ignore[attr-defined]
    try:
        modes = {
            c.execute(text("SELECT pg_backend_pid()")).scalar_one(): c.execute(
                text("SHOW plan_cache_mode")
            ).scalar_one()
            for c in held
        }
    finally:
        for c in held:
            c.close()
    assert modes[pid] == "auto"
    assert driver.prepare_threshold == 5  # psycopg's default, as the other users of the pool expect
    with db.read(snapshot=False) as again:  # taken again by a search: generic plans again
        assert again.execute(text("SHOW plan_cache_mode")).scalar_one() == "force_generic_plan"


def test_prepared_statement_with_a_repeated_parameter_and_a_literal_percent(db: Database) -> None:
    """On PostgreSQL the statement is sent with ``$n`` placeholders: a name used twice is one ``$n``, and the
    driver's escaped ``%%`` is a plain ``%`` again."""
    with db.write() as s:
        make_customer(s, postcode="93130", city="Noisy-le-Sec", last_name="Pourcent")
        make_customer(s, postcode="75011", city="93130", last_name="Ville")
        make_customer(s, postcode="75012", city="Paris", last_name="Autre")
    both = Prepared(
        select(_c.last_name, literal_column("'100%'").label("share"))
        .where(or_(_c.postcode == bindparam("v"), _c.city == bindparam("v")))
        .order_by(_c.last_name)
    )
    with db.read(snapshot=False) as s:
        rows = both.all(s, {"v": "93130"})
    assert [(r.last_name, r.share) for r in rows] == [("Pourcent", "100%"), ("Ville", "100%")]


def test_prepared_statements_follow_the_session_to_its_next_transaction(db: Database) -> None:
    """The connection is resolved once per transaction: after a commit or a failed statement, the session's
    next statement runs on whatever connection its new transaction has, and sees what was committed."""
    broken = Prepared(select(text("no_such_column")).select_from(Customer.__table__))
    with db.write() as s:
        assert _BY_POSTCODE.all(s, {"pc": "93130", "n": 5}) == []
        make_customer(s, postcode="93130", last_name="Avant")
        s.commit()
        assert [r.last_name for r in _BY_POSTCODE.all(s, {"pc": "93130", "n": 5})] == ["Avant"]
        assert s.connection() is s.info["prepared_lane"][1]
        with pytest.raises(DBAPIError):
            broken.all(s, {})
        s.rollback()
        assert [r.last_name for r in _BY_POSTCODE.all(s, {"pc": "93130", "n": 5})] == ["Avant"]
        assert s.connection() is s.info["prepared_lane"][1]


_CIVILITY_BY_ID = Prepared(select(_c.id, _c.civility).where(_c.postcode == bindparam("pc")).order_by(_c.id))


def test_prepared_rows_with_one_converted_column_are_the_rows_sqlalchemy_returns(db: Database) -> None:
    with db.write() as s:
        make_customer(s, postcode="93130")
    with db.read() as s:
        prepared = _CIVILITY_BY_ID.all(s, {"pc": "93130"})
        core = s.connection().execute(_CIVILITY_BY_ID.stmt, {"pc": "93130"}).all()
    assert [tuple(r) for r in prepared] == [tuple(r) for r in core]
    assert type(prepared[0].civility) is type(core[0].civility)


@ON_POSTGRESQL
def test_postgresql_sessions_are_in_utc_whatever_the_server_default(db: Database) -> None:
    """A server set to Paris time must not move a day's bucket nor the timestamps read back."""
    name = db.engine.url.database
    with db.engine.connect() as conn:
        conn.exec_driver_sql(f"""ALTER DATABASE "{name}" SET TimeZone = 'Europe/Paris'""")
        conn.commit()
    try:
        fresh = Database(db.engine.url.render_as_string(hide_password=False), db.settings, db.clock)
        try:
            with fresh.read() as s:
                assert s.connection().exec_driver_sql("SHOW TimeZone").scalar() == "UTC"
                moment = (
                    s.connection().exec_driver_sql("SELECT TIMESTAMPTZ '2026-11-26 23:30:00+00'").scalar()
                )
                day = (
                    s.connection()
                    .exec_driver_sql("SELECT date_trunc('day', TIMESTAMPTZ '2026-11-26 23:30:00+00')")
                    .scalar()
                )
            assert moment.tzinfo is UTC and moment.hour == 23
            assert day == datetime(2026, 11, 26, tzinfo=UTC)  # the UTC day, as on SQLite
        finally:
            fresh.dispose()
    finally:  # the PostgreSQL test database is shared by the next tests
        with db.engine.connect() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{name}" RESET TimeZone')
            conn.commit()
