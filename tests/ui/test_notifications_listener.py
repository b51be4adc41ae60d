"""The PostgreSQL listener behind the work notifications survives a lost connection."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from backoffice.db import Database
from backoffice.ui.notifications import _PgListener
from backoffice.workflows.notifications import CHANNEL


class _Counter:
    """Stands for the Qt signal: counts the notifications the listener passes on."""

    def __init__(self) -> None:
        self.count = 0
        self.event = threading.Event()

    def emit(self) -> None:
        self.count += 1
        self.event.set()


def _listening_pids(admin) -> list[int]:  # type: ignore[no-untyped-def]
    with admin.connect() as conn:
        return list(
            conn.execute(text("SELECT pid FROM pg_stat_activity WHERE query LIKE 'LISTEN %'")).scalars()
        )


def _wait(condition, seconds: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)  # SQLite polls: there is no listener
def test_listener_reconnects_after_the_server_dropped_it(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_PgListener, "RETRY_SECONDS", 0.1)
    admin = create_engine(db.engine.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    counter = _Counter()
    listener = _PgListener(SimpleNamespace(db=db), counter)  # type: ignore[arg-type]
    listener.start()
    try:
        assert _wait(lambda: len(_listening_pids(admin)) == 1)
        (first,) = _listening_pids(admin)
        with admin.connect() as conn:  # what a server restart does to the connection
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        assert _wait(lambda: _listening_pids(admin) not in ([], [first]))
        with admin.connect() as conn:
            conn.execute(text(f"NOTIFY {CHANNEL}"))
        assert counter.event.wait(10)
        assert listener.is_alive()
    finally:
        listener.stopping.set()
        listener.join(5)
        admin.dispose()
    assert not listener.is_alive()
