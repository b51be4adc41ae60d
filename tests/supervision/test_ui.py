"""The supervision area driven like a supervisor would: filters, paging, review, export, flags, trends."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from sqlalchemy import select

from backoffice.models import AuditRecord, LockEvent, LockReason
from backoffice.ui.areas.supervision import LockEventModel, SupervisionPage, create
from backoffice.workflows import lock_events as le
from tests.supervision.conftest import add_lock, paris


@pytest.fixture
def page(qtbot, ui_context, agents, normal_traffic):  # type: ignore[no-untyped-def]
    ui_context.actor = agents["supervisor"]
    opened: list[int] = []
    notes: list[str] = []
    ui_context.services["open_customer"] = opened.append
    ui_context.services["notify"] = lambda text, _timeout=0: notes.append(text)
    widget = create(ui_context)
    assert isinstance(widget, SupervisionPage)
    widget.opened, widget.notes = opened, notes  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    wait_loaded(qtbot, widget)
    return widget


def wait_loaded(qtbot, widget: SupervisionPage) -> None:  # type: ignore[no-untyped-def]
    tab = widget.events
    qtbot.waitUntil(lambda: not tab.model.loading and tab.count is not None, timeout=10000)


def test_model_pages_and_sorts_on_raw_values(qtbot, ui_context, agents, normal_traffic) -> None:  # type: ignore[no-untyped-def]
    ui_context.actor = agents["supervisor"]
    model = LockEventModel(ui_context, page_size=7)
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.load(le.LockEventFilter())
    qtbot.waitUntil(lambda: len(model.rows) >= 7 and not model.loading)
    while model.canFetchMore(model.index(-1, -1)):
        model.fetchMore(model.index(-1, -1))
        qtbot.waitUntil(lambda: not model.loading)
    assert model.rowCount() == 60
    dates = [model.data(model.index(r, 0), Qt.ItemDataRole.UserRole) for r in range(60)]
    assert dates == sorted(dates, reverse=True)
    assert model.data(model.index(0, 0)).count("/") == 2  # shown as 16/11/2026 09:07
    model.sort(1, Qt.SortOrder.AscendingOrder)  # the "Motif" column
    qtbot.waitUntil(lambda: len(model.rows) >= 7 and not model.loading)
    reasons = [model.data(model.index(r, 1), Qt.ItemDataRole.UserRole) for r in range(7)]
    assert reasons == sorted(reasons) and reasons[0] == LockReason.FAILED_LOGINS.value
    assert model.data(model.index(0, 1)) == "Trop de tentatives de connexion"
    del tester


def test_filters_by_network_and_country_from_the_keyboard(qtbot, page, db, holders) -> None:  # type: ignore[no-untyped-def]
    (holder,) = holders(1)
    with db.write() as s:
        burst = [
            add_lock(s, holder, paris(2026, 11, 25, 3, i), ip=f"198.51.100.{i}", country="RU")
            for i in range(3)
        ]
    tab = page.events
    assert tab.status.text() == "60 blocages"
    qtbot.keyClicks(tab.origin, "198.51.100.0/24")
    qtbot.keyClick(tab.origin, Qt.Key.Key_Return)
    wait_loaded(qtbot, page)
    assert tab.status.text() == "3 blocages"
    assert sorted(r.id for r in tab.model.rows) == burst
    tab.origin.clear()
    qtbot.keyClicks(tab.country, "be")
    qtbot.keyClick(tab.country, Qt.Key.Key_Return)
    wait_loaded(qtbot, page)
    assert tab.count == 10 and all(r.origin_country == "BE" for r in tab.model.rows)
    tab.country.clear()
    tab.reason.setCurrentIndex(tab.reason.findData(LockReason.SECURITY))
    qtbot.mouseClick(tab.apply_button, Qt.MouseButton.LeftButton)
    wait_loaded(qtbot, page)
    assert {r.reason for r in tab.model.rows} == {LockReason.SECURITY}
    tab.client.setText("pas un numéro")
    tab.apply_filters()
    qtbot.waitUntil(lambda: "Numéro client non reconnu" in tab.status.text())


def select_rows(tab, rows: list[int]) -> None:  # type: ignore[no-untyped-def]
    selection = tab.table.selectionModel()
    selection.clearSelection()
    for row in rows:
        selection.select(
            tab.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    selection.setCurrentIndex(tab.model.index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate)


def test_open_the_customer_file_from_a_row(qtbot, page) -> None:  # type: ignore[no-untyped-def]
    tab = page.events
    select_rows(tab, [2])
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert page.opened == [tab.model.rows[2].customer_id]


def test_batch_review_with_comment(qtbot, page, db) -> None:  # type: ignore[no-untyped-def]
    tab = page.events
    select_rows(tab, [0, 1, 2])
    chosen = [r.id for r in tab.model.rows[:3]]
    assert tab.review_button.isEnabled()
    qtbot.keyClick(tab, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    dialog = tab.review_dialog
    assert dialog is not None and dialog.isVisible()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # a comment is required
    qtbot.keyClicks(dialog.comment, "Rafale de la nuit")
    dialog.comment.insertPlainText(", clients prévenus.")  # QTest types ASCII only
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(page.notes) and not tab.model.loading)
    assert page.notes[-1] == "3 blocages marqués revus."
    with db.read() as s:
        events = s.execute(select(LockEvent).where(LockEvent.id.in_(chosen))).scalars().all()
    assert all(e.review_comment == "Rafale de la nuit, clients prévenus." for e in events)
    qtbot.waitUntil(lambda: any(r.reviewed_by == "Sophie Laurent" for r in tab.model.rows))


def test_review_conflict_is_explained_and_the_list_reloaded(qtbot, page, db, agents) -> None:  # type: ignore[no-untyped-def]
    tab = page.events
    select_rows(tab, [0])
    row = tab.model.rows[0]
    with db.write() as s:  # another supervisor was quicker
        le.review_lock_events(s, agents["supervisor2"], [le.ReviewTarget(row.id, row.version)], "Déjà vu")
    tab.start_review()
    tab.review_dialog.comment.setPlainText("Mon commentaire")
    tab.review_dialog.accept()
    qtbot.waitUntil(lambda: tab.findChild(QMessageBox, "errorBox") is not None)
    box = tab.findChild(QMessageBox, "errorBox")
    assert "modifié par samuel.superviseur" in box.text()
    qtbot.waitUntil(lambda: not tab.model.loading and tab.model.rows[0].reviewed_by == "Samuel Roux")


def test_export_is_pseudonymised_unless_names_are_justified(qtbot, page, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tab = page.events
    target = tmp_path / "export.csv"
    tab.choose_export_path = lambda suggested, fmt: target
    qtbot.keyClick(tab, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = tab.export_dialog
    assert dialog is not None and dialog.isVisible()
    assert "60 lignes" in dialog.findChildren(type(tab.status))[0].text()
    dialog.accept()
    qtbot.waitUntil(lambda: bool(page.notes))
    assert page.notes[-1].startswith("Export pseudonymisé terminé : 60 lignes")
    with target.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert len(rows) == 61 and all(r[3].startswith("P-") for r in rows[1:])

    named = tmp_path / "nominatif.xlsx"
    tab.choose_export_path = lambda suggested, fmt: named if suggested.endswith(".xlsx") else None
    tab.start_export()
    dialog = tab.export_dialog
    dialog.xlsx.setChecked(True)
    dialog.names.setChecked(True)
    assert not dialog.ok.isEnabled()  # names need a justification
    qtbot.keyClicks(dialog.justification, "Demande du service fraude, dossier 2026-118")
    assert dialog.ok.isEnabled()
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.notes) == 2)
    assert "nominatif" in page.notes[-1] and named.exists()
    with db.read() as s:
        summaries = [
            r.summary
            for r in s.execute(
                select(AuditRecord).where(AuditRecord.action == "supervision.export")
            ).scalars()
        ]
    assert any("NOMINATIF" in x and "dossier 2026-118" in x for x in summaries)


def test_red_flag_links_to_its_events(qtbot, page, db, holders) -> None:  # type: ignore[no-untyped-def]
    people = holders(12)
    with db.write() as s:
        burst = [add_lock(s, people[i], paris(2026, 11, 25, 3, i), ip="198.51.100.23") for i in range(12)]
    page.tabs.setCurrentWidget(page.flags)
    qtbot.waitUntil(lambda: page.flags.report is not None)
    flags = page.flags
    assert flags.table.rowCount() == 1
    assert flags.table.item(0, 0).text() == "Rafale depuis une adresse IP"
    assert "12 blocages depuis l'adresse 198.51.100.23" in flags.explanation.toPlainText()
    qtbot.mouseClick(flags.events_button, Qt.MouseButton.LeftButton)
    assert page.tabs.currentWidget() is page.events
    wait_loaded(qtbot, page)
    assert sorted(r.id for r in page.events.model.rows) == burst
    assert "Rafale depuis une adresse IP" in page.events.linked_label.text()


def test_trends_and_agent_activity_tabs(qtbot, page) -> None:  # type: ignore[no-untyped-def]
    page.tabs.setCurrentWidget(page.trends)
    qtbot.waitUntil(lambda: page.trends.trends is not None)
    trends = page.trends
    assert trends.trends.total == 60 and len(trends.chart.days) == 90
    assert trends.summary.text().startswith("60 blocages du")
    assert sum(n for _, n, _ in trends.bars.items) == 60
    assert not trends.chart.grab().isNull()
    activity = page.activity
    assert activity is not None
    qtbot.waitUntil(lambda: activity.report is not None and activity.agent.count() >= 6)
    assert "Journal d'audit intègre" in activity.chain.text()
    activity.agent.setCurrentIndex(activity.agent.findData(page.events.ctx.actor.agent_id))
    activity.refresh()
    qtbot.waitUntil(lambda: activity.activity is not None)
    assert activity.summary.text().startswith("Sophie Laurent : 0 actions")
