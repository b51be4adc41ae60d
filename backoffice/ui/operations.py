"""The one background-operation helper: every database call leaves the GUI thread.

``ctx.ops.read(fn, on_done)`` runs ``fn(session)`` in a read session on the thread pool and delivers the result
(or the error) back on the GUI thread; ``ctx.ops.write`` does the same in a write transaction. A busy counter
drives the status-bar indicator.
"""

from __future__ import annotations

import functools
import logging
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget
from shiboken6 import isValid
from sqlalchemy.orm import Session

from backoffice.db import Database
from backoffice.errors import BackofficeError

log = logging.getLogger(__name__)

UNEXPECTED = (
    "Une erreur inattendue est survenue. L'opération n'a pas été effectuée ; rien n'a été enregistré. "
    "Si le problème persiste, contactez le support en indiquant l'heure."
)


def _receivers(callback: Any) -> Iterator[Any]:
    """What a callback acts on: a bound method's object, a partial's, or what a lambda captured (``self``)."""
    if callback is None:
        return
    if (owner := getattr(callback, "__self__", None)) is not None:
        yield owner
    if isinstance(callback, functools.partial):
        yield from _receivers(callback.func)
        yield from callback.args
    for cell in getattr(callback, "__closure__", None) or ():
        try:
            yield cell.cell_contents
        except ValueError:  # a cell not yet filled
            continue


def _receiver_gone(callback: Callable[..., Any] | None) -> bool:
    """A window closed while its query ran: its callbacks must not be called on a deleted Qt object (a bound
    method of it, or a lambda such as ``lambda result: self._show(sequence, result)``)."""
    return any(isinstance(owner, QObject) and not isValid(owner) for owner in _receivers(callback))


class _Relay(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # delivered to the GUI thread, never lost
            if not isinstance(exc, BackofficeError):
                log.error("background operation failed: %s", "".join(traceback.format_exception(exc)))
            self.relay.failed.emit(exc)
            return
        self.relay.succeeded.emit(result)


class OperationRunner(QObject):
    busy_changed = Signal(bool)

    def __init__(self, db: Database, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.db = db
        if pool is None:
            # A pool of its own: a slow query elsewhere (or a stuck one) never starves this window's operations.
            pool = QThreadPool(self)
            pool.setMaxThreadCount(max(4, QThread.idealThreadCount()))
        self.pool = pool
        self._in_flight: set[_Relay] = set()

    @property
    def busy(self) -> bool:
        return bool(self._in_flight)

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        parent: QWidget | None = None,
    ) -> None:
        relay = _Relay()
        was_busy = self.busy
        self._in_flight.add(relay)
        if not was_busy:
            self.busy_changed.emit(True)

        def finish() -> None:
            self._in_flight.discard(relay)
            if not self._in_flight:
                self.busy_changed.emit(False)

        @Slot(object)
        def succeeded(result: Any) -> None:
            finish()
            if on_done is not None and not _receiver_gone(on_done):
                on_done(result)

        @Slot(object)
        def failed(exc: BaseException) -> None:
            finish()
            if _receiver_gone(on_error):
                return
            if on_error is not None:
                on_error(exc)
            else:
                show_error(parent, exc)

        relay.succeeded.connect(succeeded)
        relay.failed.connect(failed)
        self.pool.start(_Job(fn, relay))

    def read(
        self,
        fn: Callable[[Session], Any],
        on_done: Callable[[Any], None] | None = None,
        *,
        snapshot: bool = True,
        **kw: Any,
    ) -> None:
        self.run(lambda: self.db.run_read(fn, snapshot=snapshot), on_done, **kw)

    def write(
        self, fn: Callable[[Session], Any], on_done: Callable[[Any], None] | None = None, **kw: Any
    ) -> None:
        self.run(lambda: self.db.run_write(fn), on_done, **kw)

    def wait(self, msecs: int = 10000) -> bool:
        """For tests and shutdown: wait until queued operations have run."""
        return self.pool.waitForDone(msecs)


def error_text(exc: BaseException) -> str:
    return exc.message if isinstance(exc, BackofficeError) else UNEXPECTED


def show_error(parent: QWidget | None, exc: BaseException, title: str = "Opération impossible") -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, error_text(exc), QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorBox")
    box.open()
