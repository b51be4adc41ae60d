"""Warming up what the first use of a screen would otherwise pay for on the GUI thread.

At login, PySide6's lazily created types (``QtWarmup``); once the main window is painted, the modules of the
agent's areas (``AreaPreloader``), so that opening an area the first time does not freeze the window.
"""

from __future__ import annotations

import gc
import importlib
import sys
import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from backoffice.ui.operations import OperationRunner

#: The stages of the start-up whose objects were moved out of the cyclic collector's way (``freeze_long_lived``).
FROZEN: set[str] = set()


def freeze_long_lived(stage: str) -> None:
    """Moves every object alive now out of the cyclic collector's way (``gc.freeze``), once per stage and process.

    Called when what was just loaded lives as long as the process: modules, PySide6's types. A full collection
    walks every object the collector tracks; over the ~160,000 of the modules it took 0.1–0.2 s, on whichever
    thread allocated at that moment (the GUI thread while the agent typed the password, or a worker holding the
    interpreter's lock). Frozen, they are never walked again, and the full collections over what the agent's
    screens create stay short. Once per stage: at a later login, a closed window's objects may be waiting for
    collection, and freezing them would keep them for ever.
    """
    if stage not in FROZEN:
        FROZEN.add(stage)
        gc.freeze()


class QtWarmup(QObject):
    """Has PySide6 create its Python classes and enum classes in small idle slices on the GUI thread.

    PySide6 creates them lazily, and the first Qt object of a class it does not wrap handed to Python (the idle
    guard sees every event) makes it create all the pending ones at once: ~0.1 s of the main window's build.
    Done while the agent types the password, on the GUI thread only (type creation is not thread-safe), a
    few milliseconds at a time so that typing never stalls.
    """

    SLICE_S = 0.003
    finished = Signal()
    _done = False

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending = iter(
            [
                (module, name)
                for module in [m for key, m in list(sys.modules.items()) if key.startswith("PySide6.Qt")]
                for name in dir(module)
            ]
        )
        self.timer = QTimer(self)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self._slice)
        self.timer.start()

    @classmethod
    def then(cls, callback: Callable[[], None]) -> None:
        """Call back once the warm-up is over, starting it if this process has not done it yet."""
        app = QApplication.instance()
        if cls._done or app is None:
            QTimer.singleShot(0, callback)
            return
        running = app.findChild(cls)
        (running or cls(app)).finished.connect(callback)

    def _slice(self) -> None:
        deadline = time.perf_counter() + self.SLICE_S
        for module, name in self._pending:
            getattr(module, name)
            if time.perf_counter() > deadline:
                return
        self.timer.stop()
        QtWarmup._done = True
        self.finished.emit()
        self.deleteLater()


#: The Qt modules the areas use beyond those of the login window, imported on the GUI thread before the areas.
QT_MODULES = ("PySide6.QtPdf", "PySide6.QtPdfWidgets")


def _import(module: str) -> None:
    importlib.import_module(module)


class AreaPreloader(QObject):
    """Imports the areas' modules after the main window is painted, so that opening one is quick the first time.

    The Qt modules they need are imported on the GUI thread and their types warmed up there first; the areas'
    modules then load on the thread pool, one after the other (they only use types that exist by then).
    """

    finished = Signal()

    def __init__(self, ops: OperationRunner, modules: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.pending = [m for m in modules if m not in sys.modules]

    def start(self) -> None:
        missing = [m for m in QT_MODULES if m not in sys.modules]
        for module in missing:
            importlib.import_module(module)  # a few milliseconds each
        if missing:
            QtWarmup(self).finished.connect(self._next)
        else:
            self._next()

    def _next(self, _result: object = None) -> None:
        while self.pending:
            module = self.pending.pop(0)
            if module not in sys.modules:
                self.ops.run(lambda module=module: _import(module), self._next, on_error=self._next)
                return
        freeze_long_lived("areas")
        self.finished.emit()


class IdleSlices(QObject):
    """Runs a screen's building steps one per turn of the event loop once it is on screen, so that showing it
    never freezes the window; ``finish`` runs what is left at once when the result is needed now.

    The timer is armed again after each step, not left repeating: a repeating zero timer keeps the time it was
    due before its step, so after a long step it came due before the timers that fell due during that step and
    ran two or three steps in a row (up to 0.15 s) while scrolling. Armed afterwards, it waits its turn.
    """

    def __init__(self, steps: Sequence[Callable[[], None]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.steps = list(steps)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self._step)

    @property
    def done(self) -> bool:
        return not self.steps

    def start(self) -> None:
        if self.steps:
            self.timer.start(0)

    def hold(self, ms: int) -> None:
        """Wait until ``ms`` after the last call before the next step, while the agent works on the screen (he
        scrolls the list beside it): the steps then never compete with his scrolling."""
        if self.steps and self.timer.isActive():
            self.timer.start(ms)

    def finish(self) -> None:
        self.timer.stop()
        while self.steps:
            self.steps.pop(0)()

    def _step(self) -> None:
        if self.steps:
            self.steps.pop(0)()
        if self.steps:
            self.timer.start(0)
