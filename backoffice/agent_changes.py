"""Whether an agent's row may have changed, known without a round trip: PostgreSQL says so (LISTEN/NOTIFY).

Every search the agent types starts with the permission check, which reads the agent's row afresh so that a
disabled or locked agent is stopped at the next action. On PostgreSQL that read was a round trip of its own,
as long as an exact lookup itself. Agent rows change rarely (a login, an administrator disabling an account):
a trigger on ``agent`` (migration ``0016_agent_changes``) notifies every committed change, and each
workstation listens on one connection of its own. The search's check then reuses the row it read since the
last notification, and re-reads it:

- after any notification (any agent changed), and after a change committed by this process (``forget``);
- when the listening connection fails, until it is back (checked again every ``RETRY_SECONDS``);
- when the row is older than ``MAX_AGE_SECONDS``, in case the listening connection died without a word;
- always, if the database has no trigger (not migrated) or the setting is off (a PgBouncer in transaction
  mode cannot hold a LISTEN).

A change committed on another workstation reaches this one as fast as a packet (well under a millisecond on a
LAN), long before the agent's next keystroke. Only the search box's sessions use it; everything that changes
data reads the agent's row in its own transaction, as before.
"""

from __future__ import annotations

import logging
import select
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

CHANNEL = "backoffice_agent_changed"
MAX_AGE_SECONDS = 10.0
RETRY_SECONDS = 5.0

_TRIGGER_PRESENT = (
    "SELECT 1 FROM pg_trigger WHERE tgname = 'agent_changed' AND tgrelid = to_regclass('agent') "
    "AND tgenabled <> 'D'"
)


class AgentChanges:
    """The agent rows read since the last change, for one process (thread-safe).

    ``known`` hands out a row with the generation it belongs to; a caller that had to read the row gives it to
    ``remember`` with the generation ``known`` returned, so a change notified meanwhile is never covered up by
    a row read before it.
    """

    def __init__(self, connect: Callable[[], Any], clock: Callable[[], float] = time.monotonic) -> None:
        self._connect = connect  # a new psycopg connection, autocommit
        self._clock = clock
        self._lock = threading.Lock()
        self._listener: Any = None
        self._retry_at = 0.0
        self._closed = False
        self._generation = 0
        self._rows: dict[int, tuple[Any, float]] = {}

    def known(self, agent_id: int) -> tuple[Any | None, int | None]:
        """The agent's row if nothing changed since it was read, and the generation (None: nothing is kept)."""
        with self._lock:
            if not self._listening():
                return None, None
            entry = self._rows.get(agent_id)
            if entry is not None and self._clock() - entry[1] <= MAX_AGE_SECONDS:
                return entry[0], self._generation
            return None, self._generation

    def remember(self, agent_id: int, row: Any, generation: int | None) -> None:
        with self._lock:
            if generation is not None and generation == self._generation and self._listener is not None:
                self._rows[agent_id] = (row, self._clock())

    def forget(self) -> None:
        """Something changed agent rows (this process committed it): read them afresh."""
        with self._lock:
            self._generation += 1
            self._rows.clear()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._drop()

    # -- under the lock --------------------------------------------------------------------------------------

    def _listening(self) -> bool:
        """Read what arrived (without waiting); False when nothing can be kept (no listener for now)."""
        if self._listener is None and not self._start():
            return False
        try:
            pgconn = self._listener.pgconn
            changed = False
            # Nothing to read (the usual case): one system call. Else read until the socket holds nothing more
            # (a server's goodbye comes before its end of stream, which only a second read sees). Over TLS,
            # decrypted bytes may wait in the TLS layer where select() cannot see them: read them first.
            check = pgconn.ssl_in_use
            while check or select.select([pgconn.socket], [], [], 0)[0]:
                check = False
                pgconn.consume_input()
                while pgconn.notifies() is not None:
                    changed = True
                if pgconn.status != 0:  # libpq CONNECTION_OK
                    raise ConnectionError("listening connection lost")
        except Exception:  # a lost connection in any form: keep nothing until it is back
            log.warning("Agent change notices lost; permission checks read the database until they are back")
            self._drop()
            self._retry_at = self._clock() + RETRY_SECONDS
            return False
        if changed:
            self._generation += 1
            self._rows.clear()
        return True

    def _start(self) -> bool:
        if self._closed or self._clock() < self._retry_at:
            return False
        self._retry_at = self._clock() + RETRY_SECONDS
        try:
            listener = self._connect()
        except Exception:
            log.warning("Cannot listen for agent changes; permission checks read the database", exc_info=True)
            return False
        try:
            if listener.execute(_TRIGGER_PRESENT).fetchone() is None:
                log.warning("No agent change trigger (database not migrated?): permission checks read it")
                listener.close()
                return False
            listener.execute(f"LISTEN {CHANNEL}")
        except Exception:
            listener.close()
            log.warning("Cannot listen for agent changes; permission checks read the database", exc_info=True)
            return False
        self._listener = listener
        self._generation += 1  # rows read before listening cover changes nobody told us about
        self._rows.clear()
        return True

    def _drop(self) -> None:
        listener, self._listener = self._listener, None
        self._generation += 1
        self._rows.clear()
        if listener is not None:
            try:
                listener.close()
            except Exception:  # already broken: nothing more to release
                log.debug("closing the agent change listener failed", exc_info=True)
