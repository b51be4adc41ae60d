"""Non-blocking notifications when work for the agent changes in the shared database.

PostgreSQL: a listener thread waits on LISTEN (every audited change NOTIFYs at commit), then the window re-reads the
counts. SQLite (one workstation): a timer polls the same counts.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from backoffice.ui.context import AppContext
from backoffice.workflows import notifications
from backoffice.workflows.notifications import WorkSummary

log = logging.getLogger(__name__)


class _PgListener(threading.Thread):
    def __init__(self, ctx: AppContext, changed: Signal) -> None:  # type: ignore[valid-type]
        super().__init__(name="pg-listen", daemon=True)
        self.ctx = ctx
        self.changed = changed
        self.stopping = threading.Event()

    RETRY_SECONDS = 5.0

    def run(self) -> None:
        """Listen until stopped; a lost connection (server restart, network cut) is re-opened, never fatal."""
        import psycopg

        while not self.stopping.is_set():
            try:
                self._listen(psycopg)
            except psycopg.Error:
                log.warning("LISTEN connection lost or unavailable; retrying (the timer polls meanwhile)")
            self.stopping.wait(self.RETRY_SECONDS)

    def _listen(self, psycopg: Any) -> None:
        url = self.ctx.db.engine.url
        with psycopg.connect(
            host=url.host,
            port=url.port or 5432,
            dbname=url.database,
            user=url.username,
            password=url.password,
            autocommit=True,
            connect_timeout=5,
        ) as conn:
            conn.execute(f"LISTEN {notifications.CHANNEL}")
            while not self.stopping.is_set():
                for _ in conn.notifies(timeout=1.0, stop_after=1):
                    if self.stopping.is_set():
                        return
                    try:
                        self.changed.emit()  # type: ignore[attr-defined]
                    except RuntimeError:  # the window closed meanwhile
                        self.stopping.set()
                        return


class WorkNotifier(QObject):
    """Keeps the agent's work summary fresh and announces what is new."""

    summary_changed = Signal(object)
    news = Signal(str)
    _database_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QObject | None = None, poll_ms: int = 30_000) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.summary: WorkSummary | None = None
        self._pending = False
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self._database_changed.connect(self._debounced_refresh)
        self.listener: _PgListener | None = None
        if ctx.db.dialect == "postgresql":
            self.listener = _PgListener(ctx, self._database_changed)
            self.listener.start()
            self.timer.start(max(poll_ms, 120_000))  # safety net if a notification is missed
        else:
            self.timer.start(poll_ms)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(500)
        self.debounce.timeout.connect(self.refresh)
        self.refresh()

    def _debounced_refresh(self) -> None:
        self.debounce.start()

    def refresh(self) -> None:
        if self._pending:
            return
        self._pending = True
        actor = self.ctx.actor
        self.ctx.ops.read(lambda s: notifications.work_summary(s, actor), self._apply, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self._pending = False
        log.info("work summary unavailable: %s", type(exc).__name__)

    def _apply(self, summary: WorkSummary) -> None:
        self._pending = False
        previous = self.summary
        self.summary = summary
        self.summary_changed.emit(summary)
        if previous is not None:
            for sentence in summary.news_since(previous):
                self.news.emit(sentence)

    def stop(self) -> None:
        self.timer.stop()
        if self.listener is not None:
            self.listener.stopping.set()
