"""The Qt binding the app ships with, and our use of it, must survive a working day of signals.

PySide6 6.12.0 dropped a reference to ``True`` on every ``emit()`` made from Python; on Python 3.11 (where ``True``
is not immortal) the application aborted with "bool_dealloc" after a few thousand searches or clicks.
"""

from __future__ import annotations

import sys
import threading

from PySide6.QtCore import QObject, Signal
from shiboken6 import delete


class _Source(QObject):
    changed = Signal(object)
    pinged = Signal()


def test_emitting_signals_leaves_reference_counts_alone(qapp) -> None:  # type: ignore[no-untyped-def]
    source = _Source()
    received: list[object] = []
    source.changed.connect(received.append)
    source.pinged.connect(lambda: received.append(None))
    singletons = (True, False, None)
    before = [sys.getrefcount(obj) for obj in singletons]
    for _ in range(2000):
        source.changed.emit(None)
        source.pinged.emit()
    received.clear()
    after = [sys.getrefcount(obj) for obj in singletons]
    assert [a - b for a, b in zip(after, before, strict=True)] == [0, 0, 0]


def test_an_answer_for_a_closed_window_is_dropped(qtbot, ui_context) -> None:  # type: ignore[no-untyped-def]
    """The agent closed the window while its query ran: the answer must not reach the deleted Qt object."""

    class Panel(QObject):
        shown = Signal(object)

        def show_result(self, value: object) -> None:
            self.shown.emit(value)

    panel = Panel()
    gate = threading.Event()
    ui_context.ops.run(lambda: gate.wait(5) and 42, panel.show_result)
    delete(panel)
    gate.set()
    ui_context.ops.wait()
    qtbot.wait(50)  # the answer is delivered by the event loop: an exception there fails the test


def test_an_answer_for_a_closed_page_through_a_lambda_is_dropped(qtbot, ui_context) -> None:  # type: ignore[no-untyped-def]
    """The search page's callbacks are lambdas over ``self`` (``lambda result: self._show(sequence, result)``):
    a page deleted while its search ran must not receive the answer either."""

    class Page(QObject):
        shown = Signal(object)

        def search(self, gate: threading.Event) -> None:
            sequence = 7
            ui_context.ops.run(lambda: gate.wait(5) and 42, lambda result: self.show(sequence, result))

        def show(self, sequence: int, value: object) -> None:
            self.shown.emit((sequence, value))

    page, gate = Page(), threading.Event()
    page.search(gate)
    delete(page)
    gate.set()
    ui_context.ops.wait()
    qtbot.wait(50)  # delivered by the event loop: calling the deleted page there would fail the test
