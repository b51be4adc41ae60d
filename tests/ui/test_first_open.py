"""Screens built in steps so that opening them does not freeze the window: complete whenever the agent sees them."""

from __future__ import annotations

import re
import sys

from backoffice.ui.areas.claims import create
from backoffice.ui.warmup import QT_MODULES, AreaPreloader, QtWarmup
from tests.claims.builders import contract_number, declare
from tests.ui.fresh import fresh_output

WAIT = 30_000


def test_claims_area_shows_the_queue_first_and_the_claim_complete(qtbot, ui_context, db, agents) -> None:  # type: ignore[no-untyped-def]
    ref = declare(db, agents["agent"], contract_number(db))
    ui_context.actor = agents["claims_handler"]
    area = create(ui_context)
    qtbot.addWidget(area)
    area.resize(1200, 900)
    area.show()
    detail = area.detail  # type: ignore[attr-defined]
    assert not detail.body.isVisible()  # no claim yet: only the sentence saying how to pick one
    assert "Aucun sinistre sélectionné" in detail.title.text() and detail.title.isVisible()
    qtbot.waitUntil(lambda: detail.building.done, timeout=WAIT)  # the tabs were built in idle slices, hidden
    assert detail.tabs.count() == 4 and not detail.body.isVisible()
    qtbot.waitUntil(lambda: area.model.rowCount() == 1, timeout=WAIT)  # type: ignore[attr-defined]
    model = area.model  # type: ignore[attr-defined]
    declared, occurred = (model.data(model.index(0, column)) for column in (5, 6))
    assert re.fullmatch(r"\d\d/\d\d/20\d\d \d\d:\d\d", declared) and re.fullmatch(
        r"\d\d/\d\d/20\d\d", occurred
    )
    header = area.table.horizontalHeader()  # type: ignore[attr-defined]
    number_width = area.table.fontMetrics().horizontalAdvance(ref.number)  # type: ignore[attr-defined]
    assert header.sectionSize(0) > number_width  # the claim number is never cut
    area.table.selectRow(0)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: detail.loaded is not None, timeout=WAIT)
    assert detail.body.isVisible() and detail.tabs.isVisible()
    assert [detail.tabs.tabText(i) for i in range(4)] == ["&Tri", "&Expertise", "&Indemnité", "&Historique"]
    assert detail.confirm_button.isVisible()


def test_a_claim_chosen_at_once_shows_complete(qtbot, ui_context, db, agents) -> None:  # type: ignore[no-untyped-def]
    """The handler is quicker than the idle slices: the rest of the tabs is built before the claim is shown."""
    declare(db, agents["agent"], contract_number(db))
    ui_context.actor = agents["claims_handler"]
    area = create(ui_context)
    qtbot.addWidget(area)
    detail = area.detail  # type: ignore[attr-defined]
    area.show()
    assert not detail.building.done  # nothing built yet in this event-loop turn
    area.take_next()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: detail.loaded is not None, timeout=WAIT)
    assert detail.tabs.count() == 4 and detail.settle_button.isVisible()


def test_areas_modules_are_loaded_after_the_window_shows(qtbot, ui_context) -> None:  # type: ignore[no-untyped-def]
    qt_missing = [m for m in QT_MODULES if m not in sys.modules]  # other tests of this process may have them
    preloader = AreaPreloader(ui_context.ops, ["backoffice.ui.areas.letters", "backoffice.ui.areas.claims"])
    with qtbot.waitSignal(preloader.finished, timeout=WAIT):
        preloader.start()
    assert "backoffice.ui.areas.letters" in sys.modules and "backoffice.workflows.assignment" in sys.modules
    assert all(m in sys.modules for m in QT_MODULES)
    # the PySide6 types the Qt modules it imported brought were created on the GUI thread
    assert QtWarmup._done or not qt_missing


def test_the_areas_use_no_qt_module_the_preloader_does_not_import_first() -> None:
    """Area modules load on the thread pool: any Qt module they bring must already be there (types warmed up)."""
    code = (
        "import sys; from backoffice.ui.areas import AREAS; from backoffice.ui import app, main_window\n"
        "for area in AREAS: __import__(area.module)\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('PySide6.Qt'))))"
    )
    assert set(fresh_output(code)) <= {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", *QT_MODULES}
