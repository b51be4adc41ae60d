"""The unlock screen as an agent and a supervisor use it, driven with the keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from backoffice.db import Database
from backoffice.models import AccountStatus, LockReason, PortalAccount
from backoffice.ui.areas import unlock as area
from backoffice.workflows.context import Actor
from tests.unlock.builders import make_locked


def wait(ctx) -> None:  # type: ignore[no-untyped-def]
    ctx.ops.wait()


def test_agent_unlocks_after_the_questions(qtbot, ui_context, db: Database, agents: dict[str, Actor]) -> None:  # type: ignore[no-untyped-def]
    locked = make_locked(db, LockReason.FAILED_LOGINS)
    page = area.create(ui_context)
    qtbot.addWidget(page)
    page.show()
    assert page.count() == 1  # no supervisor tab for an agent
    tab = page.unlock_tab
    qtbot.keyClicks(tab.search, locked.contract_number[3:].lower())
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.state is not None)
    assert "Trop de tentatives" in tab.summary.text() and "questions d'identification" in tab.rule.text()
    assert tab.questions.isVisible() and tab.unlock_button.isEnabled()
    assert [tab.channel.itemText(i) for i in range(tab.channel.count())][
        1
    ] == "SMS au mobile — 06 •• •• •• 78"
    assert tab.history.rowCount() == 1
    QAbstractItemModelTester(tab.history, QAbstractItemModelTester.FailureReportingMode.Fatal)
    qtbot.keyClicks(tab.birth_date, "17/05/1980")
    qtbot.keyClicks(tab.postcode, "93130")
    qtbot.keyClicks(tab.contract_number, "AUT0009999999")
    qtbot.mouseClick(tab.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "numéro de contrat" in tab.result.text())
    with db.read() as s:
        assert s.get(PortalAccount, locked.account_id).status is AccountStatus.LOCKED  # type: ignore[union-attr]
    wait(ui_context)
    tab.contract_number.setText(locked.contract_number)
    tab.channel.setCurrentIndex(1)
    qtbot.waitUntil(lambda: tab.unlock_button.isEnabled())
    qtbot.mouseClick(tab.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Espace débloqué" in tab.result.text())
    assert "06 •• •• •• 78" in tab.result.text()
    qtbot.waitUntil(lambda: tab.state is not None and tab.state.status is AccountStatus.ACTIVE)
    assert not tab.unlock_button.isEnabled() and "Alice Martin" in tab.history.data(tab.history.index(0, 6))
    wait(ui_context)


def test_supervisor_queue_cannot_approve_own_request(
    qtbot, ui_context, db: Database, agents: dict[str, Actor]
) -> None:  # type: ignore[no-untyped-def]
    locked = make_locked(db, LockReason.FRAUD_SUSPICION, case_by=agents["agent2"], verification="verified")
    ui_context.actor = agents["supervisor"]
    page = area.create(ui_context)
    qtbot.addWidget(page)
    page.show()
    page.open_customer(locked.customer_id)
    tab = page.unlock_tab
    qtbot.waitUntil(lambda: tab.state is not None)
    assert "superviseur" in tab.unlock_button.text() and not tab.questions.isVisible()
    qtbot.mouseClick(tab.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Demande transmise" in tab.result.text())
    queue = page.approvals_tab
    assert queue is not None
    queue.refresh()
    qtbot.waitUntil(lambda: queue.model.rowCount() == 1)
    QAbstractItemModelTester(queue.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    queue.view.selectRow(0)
    assert not queue.approve_button.isEnabled() and "autre superviseur" in queue.approve_button.toolTip()
    ui_context.actor = agents["supervisor2"]
    other = area.create(ui_context)
    qtbot.addWidget(other)
    other.show()
    other_queue = other.approvals_tab
    qtbot.waitUntil(lambda: other_queue.model.rowCount() == 1)
    other_queue.view.selectRow(0)
    assert other_queue.approve_button.isEnabled()
    qtbot.mouseClick(other_queue.approve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Espace débloqué" in other_queue.status.text())
    qtbot.waitUntil(lambda: other_queue.model.rowCount() == 0)
    wait(ui_context)
    assert "Espace débloqué" in other_queue.status.text()  # the refreshed, empty queue keeps the confirmation
    with db.read() as s:
        assert s.get(PortalAccount, locked.account_id).status is AccountStatus.ACTIVE  # type: ignore[union-attr]
    wait(ui_context)


def test_opened_from_the_customer_file(qtbot, ui_context, db: Database) -> None:  # type: ignore[no-untyped-def]
    from backoffice.ui.main_window import MainWindow

    locked = make_locked(db, LockReason.SECURITY)
    window = MainWindow(ui_context)
    qtbot.addWidget(window)
    area.open_unlock_for(ui_context, locked.customer_id)
    page = window.pages["unlock"]
    assert isinstance(page, area.UnlockPage)
    qtbot.waitUntil(lambda: page.unlock_tab.state is not None)
    tab = page.unlock_tab
    assert "Aucune vérification d'identité" in tab.rule.text() and not tab.unlock_button.isEnabled()
    wait(ui_context)
