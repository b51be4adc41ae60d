"""Column widths, order and sort survive closing a view: the agent finds his tables as he left them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtTest import QTest

from backoffice.ui import persist
from backoffice.ui.areas.lookup import LookupPage
from backoffice.ui.customer_file import CustomerFileView, _fill


@pytest.fixture(autouse=True)
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test writes its own settings file, never the workstation's."""
    path = tmp_path / "backoffice.ini"
    monkeypatch.setattr(persist, "_store", QSettings(str(path), QSettings.Format.IniFormat))
    return path


def _lookup(qtbot, ui_context) -> LookupPage:  # type: ignore[no-untyped-def]
    page = LookupPage(ui_context)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    return page


def test_lookup_columns_come_back_as_the_agent_left_them(qtbot, ui_context) -> None:  # type: ignore[no-untyped-def]
    page = _lookup(qtbot, ui_context)
    header = page.results.horizontalHeader()
    header.resizeSection(1, 333)
    header.moveSection(4, 0)  # the town first
    page.close()
    page.deleteLater()

    again = _lookup(qtbot, ui_context).results.horizontalHeader()
    assert again.sectionSize(1) == 333
    assert again.logicalIndex(0) == 4


def test_each_agent_has_his_own_widths(qtbot, ui_context, agents) -> None:  # type: ignore[no-untyped-def]
    _lookup(qtbot, ui_context).results.horizontalHeader().resizeSection(1, 333)
    ui_context.actor = agents["agent2"]
    assert _lookup(qtbot, ui_context).results.horizontalHeader().sectionSize(1) != 333


def test_a_column_widened_by_hand_is_no_longer_fitted_to_its_contents(qtbot, ui_context) -> None:  # type: ignore[no-untyped-def]
    view = CustomerFileView(ui_context)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    view.tabs.setCurrentWidget(view.locks.parentWidget())
    header = view.locks.horizontalHeader()
    qtbot.waitExposed(view)
    fitted = header.sectionSize(0)
    edge = QPoint(header.sectionViewportPosition(0) + fitted - 1, header.height() // 2)
    QTest.mousePress(header.viewport(), Qt.MouseButton.LeftButton, pos=edge)
    QTest.mouseMove(header.viewport(), edge + QPoint(120, 0))
    QTest.mouseRelease(header.viewport(), Qt.MouseButton.LeftButton, pos=edge + QPoint(120, 0))
    widened = header.sectionSize(0)
    assert widened > fitted + 60
    view.close()
    view.deleteLater()

    again = CustomerFileView(ui_context)
    qtbot.addWidget(again)
    columns = again.locks.columnCount()
    _fill(again.locks, [["x" * 80] * columns])  # another customer's rows: the agent's width stays
    assert again.locks.horizontalHeader().sectionSize(0) == widened


def test_columns_follow_their_contents_until_the_agent_sizes_them(qtbot, ui_context) -> None:  # type: ignore[no-untyped-def]
    view = CustomerFileView(ui_context)
    qtbot.addWidget(view)
    header = view.documents.horizontalHeader()
    before = header.sectionSize(0)
    _fill(view.documents, [["un intitulé de document très long, bien plus que l'en-tête"] * header.count()])
    assert header.sectionSize(0) > before + 100
