"""Warming up what the first use of a screen would otherwise pay for on the GUI thread.

At login, PySide6's lazily created types (``QtWarmup``); once the main window is painted, the modules of the
agent's areas (``AreaPreloader``), so that opening an area the first time does not freeze the window.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from backoffice.ui.operations import OperationRunner


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


def import_workflows() -> None:
    """On the thread pool: the domain modules never import Qt (a project rule), so this is safe off the GUI thread."""
    import backoffice.workflows as workflows

    for module in pkgutil.iter_modules(workflows.__path__):
        importlib.import_module(f"{workflows.__name__}.{module.name}")


class AreaPreloader(QObject):
    """Imports the areas' modules after the main window is painted: the domain modules on the thread pool, then
    the areas' own (Qt) modules on the GUI thread, one per idle slice, and warms up the PySide6 types they bring.
    """

    finished = Signal()

    def __init__(self, ops: OperationRunner, modules: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.pending = list(modules)
        self.timer = QTimer(self)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self._import_one)

    def start(self) -> None:
        self.ops.run(import_workflows, self._workflows_done, on_error=self._workflows_done)

    def _workflows_done(self, _result: object = None) -> None:
        self.timer.start()

    def _import_one(self) -> None:
        while self.pending:
            module = self.pending.pop(0)
            if module not in sys.modules:
                importlib.import_module(module)
                return
        self.timer.stop()
        QtWarmup(self).finished.connect(self.finished)
