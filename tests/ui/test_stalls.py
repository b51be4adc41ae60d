"""What keeps the window answering while the agent scrolls or types: idle slices that take turns with the rest,
one query for a burst of reloads, a busy indicator that does not flicker, the collector kept off long-lived objects."""

from __future__ import annotations

import threading
import time
from itertools import pairwise

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from backoffice.ui.areas import claims as claims_area
from backoffice.ui.main_window import BUSY_DELAY_MS, MainWindow
from backoffice.ui.warmup import IdleSlices
from tests.claims.builders import contract_number, declare
from tests.ui.fresh import fresh_output

WAIT = 30_000


def _busy(ms: float) -> None:
    """A step that keeps the GUI thread, as building a tab does (no sleep: the event loop must not run)."""
    end = time.perf_counter() + ms / 1000
    while time.perf_counter() < end:
        pass


def test_a_timer_due_during_a_step_runs_before_the_next_step(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A repeating zero timer ran two steps in a row after a long one; the heartbeat (or any timer) waited."""
    order: list[str] = []
    slices = IdleSlices([lambda n=n: (_busy(15), order.append(f"step {n}")) for n in range(4)])
    ticks = QTimer()
    ticks.setInterval(5)
    ticks.timeout.connect(lambda: order.append("tick"))
    ticks.start()
    slices.start()
    qtbot.waitUntil(lambda: slices.done, timeout=WAIT)
    ticks.stop()
    steps = [i for i, what in enumerate(order) if what.startswith("step")]
    assert len(steps) == 4
    assert all(b - a > 1 for a, b in pairwise(steps))  # a tick between any two steps


def test_holding_postpones_the_steps_and_finish_still_completes(qtbot) -> None:  # type: ignore[no-untyped-def]
    done: list[int] = []
    slices = IdleSlices([lambda n=n: done.append(n) for n in range(3)])
    slices.hold(10_000)  # not started: nothing to hold, nothing starts
    QApplication.processEvents()
    assert done == []
    slices.start()
    slices.hold(10_000)
    for _ in range(5):
        QApplication.processEvents()
    assert done == []  # a zero timer would have run a step at each turn
    slices.finish()
    assert done == [0, 1, 2] and slices.done


def test_scrolling_the_queue_holds_the_claim_panel_being_built(qtbot, ui_context, db, agents) -> None:  # type: ignore[no-untyped-def]
    declare(db, agents["agent"], contract_number(db))
    ui_context.actor = agents["claims_handler"]
    area = claims_area.create(ui_context)
    qtbot.addWidget(area)
    area.show()
    building = area.detail.building  # type: ignore[attr-defined]
    assert not building.done
    area.table.verticalScrollBar().valueChanged.emit(1)  # type: ignore[attr-defined]
    assert building.timer.isActive() and building.timer.interval() == claims_area.SCROLL_HOLD_MS
    qtbot.waitUntil(lambda: building.done, timeout=WAIT)  # built once the agent stops scrolling


def test_opening_the_claims_area_runs_one_queue_query(qtbot, ui_context, db, agents, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The area sets the sort twice and the filters once while it is built: one query, with the last filter."""
    from backoffice.ui import claims_queue

    declare(db, agents["agent"], contract_number(db))
    asked: list[object] = []
    real = claims_queue.claims.queue_page

    def counted(session, actor, flt, **kw):  # type: ignore[no-untyped-def]
        asked.append(flt)
        return real(session, actor, flt, **kw)

    monkeypatch.setattr(claims_queue.claims, "queue_page", counted)
    ui_context.actor = agents["claims_handler"]
    area = claims_area.create(ui_context)
    qtbot.addWidget(area)
    area.show()
    model = area.model  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=WAIT)
    ui_context.ops.wait()
    assert asked == [model.filter]


def test_the_busy_indicator_waits_before_showing(qtbot, ui_context) -> None:  # type: ignore[no-untyped-def]
    """A page of the queue loads in 50–200 ms: showing and hiding the indicator each time relaid the status bar."""
    window = MainWindow(ui_context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not ui_context.ops.busy, timeout=WAIT)  # the window's own first reads
    release = threading.Event()
    ui_context.ops.run(lambda: release.wait(WAIT / 1000))
    assert not window.busy.isVisible() and window.busy_delay.isActive()
    assert window.busy_delay.interval() == BUSY_DELAY_MS
    qtbot.waitUntil(window.busy.isVisible, timeout=WAIT)  # still running: now it shows
    release.set()
    qtbot.waitUntil(lambda: not window.busy.isVisible(), timeout=WAIT)


def test_the_login_window_moves_the_long_lived_objects_out_of_the_collectors_way(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """What start-up loads is frozen (gc.freeze) at each stage: a full collection over it froze typing 0.1–0.2 s."""
    code = f"""
import gc, os, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
app = QApplication([])
from backoffice.config import Paths, Settings
from backoffice.db import Database
from backoffice.ui import app as shell
from backoffice.ui.operations import OperationRunner
from backoffice.ui.warmup import FROZEN, freeze_long_lived
db = Database("sqlite:///{tmp_path / "empty.sqlite3"}", Settings(paths=Paths.under(__import__("pathlib").Path("{tmp_path}"))))
ops = OperationRunner(db)
dialog = shell.login_dialog(db, ops)
print("start" in FROZEN, gc.get_freeze_count() > 0)
deadline = time.monotonic() + 60
while "main window modules" not in FROZEN and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
print(sorted(FROZEN) == ["main window modules", "qt types", "start"])
frozen = gc.get_freeze_count()
garbage = [[] for _ in range(1000)]
freeze_long_lived("start")
print(gc.get_freeze_count() == frozen)
ops.wait()
os._exit(0)
"""
    assert fresh_output(code) == ["True", "True", "True", "True"]


def test_a_page_appended_to_the_queue_keeps_the_column_widths(
    qtbot, ui_context, db, agents, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Columns are fitted when the queue is (re)loaded, never when the agent scrolls to the next page."""
    from backoffice.ui import claims_queue

    number = contract_number(db)
    for _ in range(3):
        declare(db, agents["agent"], number)
    monkeypatch.setattr(claims_queue, "PAGE_SIZE", 2)
    ui_context.actor = agents["claims_handler"]
    area = claims_area.create(ui_context)
    qtbot.addWidget(area)
    area.show()
    model, header = area.model, area.table.horizontalHeader()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=WAIT)
    header.resizeSection(3, 333)  # as the agent would
    widths = [header.sectionSize(c) for c in range(model.columnCount() - 1)]  # the last one stretches
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=WAIT)
    assert [header.sectionSize(c) for c in range(model.columnCount() - 1)] == widths
