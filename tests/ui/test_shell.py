from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from backoffice.db import Database
from backoffice.models import Agent
from backoffice.ui.login import LoginDialog
from backoffice.ui.main_window import MainWindow
from backoffice.ui.operations import OperationRunner
from backoffice.workflows.context import Actor
from tests.conftest import TEST_PASSWORD


def _login(qtbot, db: Database, username: str, password: str) -> LoginDialog:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(OperationRunner(db), "test")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    dialog.ops.wait()
    return dialog


def test_login_success_gives_the_actor(qtbot, db: Database, agents: dict[str, Actor]) -> None:  # type: ignore[no-untyped-def]
    dialog = _login(qtbot, db, "alice.agent", TEST_PASSWORD)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=20000)
    assert dialog.actor is not None and dialog.actor.username == "alice.agent"


def test_wrong_password_is_explained_in_french_and_counted(
    qtbot, db: Database, agents: dict[str, Actor]
) -> None:  # type: ignore[no-untyped-def]
    dialog = _login(qtbot, db, "alice.agent", "pas le bon")
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=20000)
    assert dialog.error.text() == "Identifiant ou mot de passe incorrect."
    assert dialog.actor is None
    assert dialog.password.text() == ""
    with db.read() as s:
        assert s.get(Agent, agents["agent"].agent_id).failed_logins == 1  # type: ignore[union-attr]


def test_unknown_and_disabled_agents_get_clear_messages(
    qtbot, db: Database, agents: dict[str, Actor]
) -> None:  # type: ignore[no-untyped-def]
    dialog = _login(qtbot, db, "personne", TEST_PASSWORD)
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=20000)
    assert "incorrect" in dialog.error.text()
    with db.write() as s:
        s.get(Agent, agents["agent2"].agent_id).active = False  # type: ignore[union-attr]
    dialog = _login(qtbot, db, "bruno.agent", TEST_PASSWORD)
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=20000)
    assert "désactivé" in dialog.error.text()


def test_main_window_shows_only_the_areas_of_the_role(qtbot, ui_context, agents) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(ui_context)
    qtbot.addWidget(window)
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert "Recherche client" in titles and "Supervision" not in titles
    assert "Connecté : Alice Martin (Conseiller)" in window.agent_label.text()
    ui_context.actor = agents["supervisor"]
    supervisor_window = MainWindow(ui_context)
    qtbot.addWidget(supervisor_window)
    titles = [
        supervisor_window.navigation.item(i).text() for i in range(supervisor_window.navigation.count())
    ]
    assert "Supervision" in titles


def test_every_area_opens(qtbot, ui_context, agents) -> None:  # type: ignore[no-untyped-def]
    ui_context.actor = agents["supervisor"]
    window = MainWindow(ui_context)
    qtbot.addWidget(window)
    for row, area in enumerate(window.areas):
        window.navigation.setCurrentRow(row)
        assert window.stack.currentWidget().objectName() == f"area_{area.key}"


def test_idle_session_locks_and_hides_data_until_password(qtbot, ui_context) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    window = MainWindow(ui_context)
    qtbot.addWidget(window)
    window.show()
    window.idle_guard.check()
    assert not window.is_locked
    ui_context.clock.advance(timedelta(minutes=ui_context.settings.session.idle_lock_minutes))
    window.idle_guard.check()
    assert window.is_locked and not window.stack.isVisible()
    qtbot.keyClicks(window.lock_screen.password, "mauvais")
    qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.lock_screen.error.text() != "", timeout=20000)
    assert window.is_locked and "incorrect" in window.lock_screen.error.text()
    ui_context.clock.advance(timedelta(minutes=5))  # past the throttling delay
    qtbot.keyClicks(window.lock_screen.password, TEST_PASSWORD)
    qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=20000)
    assert window.stack.isVisible()


def test_disabled_agent_cannot_unlock_an_idle_session(qtbot, ui_context, db, agents) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(ui_context)
    qtbot.addWidget(window)
    window.show()
    window.lock_session()
    with db.write() as s:
        s.get(Agent, agents["agent"].agent_id).active = False
    qtbot.keyClicks(window.lock_screen.password, TEST_PASSWORD)
    qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.lock_screen.error.text() != "", timeout=20000)
    assert "désactivé" in window.lock_screen.error.text() and window.is_locked


def test_new_work_is_announced_without_blocking(qtbot, ui_context, db, agents) -> None:  # type: ignore[no-untyped-def]
    from backoffice.models import ApprovalKind, ApprovalRequest, ApprovalStatus
    from tests.factories import make_customer

    ui_context.actor = agents["supervisor"]
    window = MainWindow(ui_context)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.notifier.summary is not None, timeout=20000)
    assert window.work_label.text() == ""
    with db.write() as s:
        customer = make_customer(s)
        s.add(
            ApprovalRequest(
                kind=ApprovalKind.UNLOCK_AFTER_FRAUD_SUSPICION,
                status=ApprovalStatus.PENDING,
                customer_id=customer.id,
                requested_by_id=agents["agent"].agent_id,
                requested_at=db.clock.now(),
                reason="Suspicion de fraude",
            )
        )
    with qtbot.waitSignal(window.notifier.news, timeout=5000) as blocker:
        window.notifier.refresh()
    assert blocker.args == ["1 nouvelle demande d'approbation"]
    assert window.work_label.text() == "À traiter : 1 approbation"
    window.close()


def test_the_agent_types_a_search_at_once_after_login(qtbot, ui_context) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(ui_context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    box = window.pages["lookup"].search_box
    qtbot.waitUntil(box.hasFocus, timeout=5000)
    with qtbot.waitSignal(window.pages["lookup"].result_painted, timeout=20000):
        qtbot.keyClicks(window.focusWidget(), "martin")
    assert box.text() == "martin"
    assert list(window.pages) == ["lookup"]  # the other areas are built when first shown
    window.close()
    if window.notifier.listener is not None:  # PostgreSQL: LISTEN ends before the test database is dropped
        window.notifier.listener.join(5)


def test_typing_postpones_the_idle_lock(qtbot, ui_context) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    window = MainWindow(ui_context)
    qtbot.addWidget(window)
    window.show()
    guard = window.idle_guard
    limit = guard.limit
    assert guard.watching
    ui_context.clock.advance(limit - timedelta(minutes=1))
    qtbot.keyClick(window.pages["lookup"].search_box, "a")
    assert not guard.watching  # one input per check interval is enough: no Python for every other event
    ui_context.clock.advance(timedelta(minutes=2))  # the limit has passed since login, not since the key
    guard.check()
    assert not window.is_locked and guard.watching
    ui_context.clock.advance(limit)
    guard.check()
    assert window.is_locked
    window.close()
