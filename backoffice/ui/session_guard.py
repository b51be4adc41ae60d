"""Idle lock: after the configured idle time the window hides customer data until the agent re-enters the password.

Activity is read from the application's input events; time comes from the injectable clock so tests can move it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from backoffice.errors import AuthenticationFailed
from backoffice.ui.context import AppContext
from backoffice.ui.operations import error_text
from backoffice.workflows import staff

ACTIVITY_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleGuard(QObject):
    """Watches input; emits ``idle`` once the limit is reached.

    An application-wide event filter runs Python for every Qt event (thousands while a screen is built, which
    made opening one twice as slow), so it is installed only until the first input of each check interval: the
    last activity is then known to within one interval, and the lock comes at most that much early, never late.
    """

    idle = Signal()

    def __init__(
        self, ctx: AppContext, parent: QObject | None = None, check_interval_ms: int = 10_000
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.last_activity: datetime = ctx.clock.now()
        self.locked = False
        self.watching = False
        self.timer = QTimer(self)
        self.timer.setInterval(check_interval_ms)
        self.timer.timeout.connect(self.check)
        self._watch()
        self.timer.start()

    @property
    def limit(self) -> timedelta:
        return timedelta(minutes=self.ctx.settings.session.idle_lock_minutes)

    def _watch(self) -> None:
        app = QApplication.instance()
        if app is not None and not self.watching:
            app.installEventFilter(self)
            self.watching = True

    def _unwatch(self) -> None:
        app = QApplication.instance()
        if app is not None and self.watching:
            app.removeEventFilter(self)  # allowed from within eventFilter
        self.watching = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.locked and event.type() in ACTIVITY_EVENTS:
            self.last_activity = self.ctx.clock.now()
            self._unwatch()  # enough for this interval
        return False

    def check(self) -> None:
        if not self.locked and self.ctx.clock.now() - self.last_activity >= self.limit:
            self.locked = True
            self.idle.emit()
        self._watch()

    def resume(self) -> None:
        self.locked = False
        self.last_activity = self.ctx.clock.now()
        self._watch()

    def stop(self) -> None:
        self.timer.stop()
        self._unwatch()


class LockScreen(QWidget):
    """Shown instead of the areas while the session is locked: no customer data stays visible."""

    unlocked = Signal()
    logout = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("lockScreen")
        title = QLabel("Session verrouillée")
        title.setObjectName("pageTitle")
        explanation = QLabel(
            f"Session de {ctx.actor.full_name} verrouillée après "
            f"{ctx.settings.session.idle_lock_minutes} minutes d'inactivité. Saisissez votre mot de passe pour "
            "reprendre votre travail là où vous l'avez laissé."
        )
        explanation.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setObjectName("lockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self.submit)
        self.error = QLabel("")
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        unlock = QPushButton("Déverrouiller")
        unlock.setObjectName("primary")
        unlock.clicked.connect(self.submit)
        other = QPushButton("Changer d'agent")
        other.clicked.connect(self.logout.emit)
        form = QFormLayout()
        form.addRow("Mot de passe :", self.password)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(unlock)
        layout.addWidget(other)
        layout.addStretch(2)
        layout.setContentsMargins(200, 40, 200, 40)

    def submit(self) -> None:
        password = self.password.text()
        self.password.clear()
        self.error.setText("")
        self.ctx.ops.run(
            lambda: staff.reauthenticate(self.ctx.db, self.ctx.actor, password),
            lambda _actor: self.unlocked.emit(),
            on_error=lambda exc: self.error.setText(error_text(exc)),
        )


class ChangePasswordDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Changer mon mot de passe")
        self.current = QLineEdit()
        self.new = QLineEdit()
        self.confirm = QLineEdit()
        for field in (self.current, self.new, self.confirm):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel("")
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Mot de passe actuel :", self.current)
        form.addRow("Nouveau mot de passe :", self.new)
        form.addRow("Confirmation :", self.confirm)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Enregistrer")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Au moins {staff.MIN_PASSWORD_LENGTH} caractères, sans votre identifiant."))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def submit(self) -> None:
        if self.new.text() != self.confirm.text():
            self.error.setText("La confirmation ne correspond pas au nouveau mot de passe.")
            return
        current, new = self.current.text(), self.new.text()
        self.buttons.setEnabled(False)

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.error.setText(error_text(exc))
            if isinstance(exc, AuthenticationFailed):
                self.current.clear()
                self.current.setFocus()

        def done(_: object) -> None:
            self.buttons.setEnabled(True)
            self.ctx.notify("Mot de passe changé.")
            self.accept()

        actor = self.ctx.actor
        self.ctx.ops.write(lambda s: staff.change_password(s, actor, current, new), done, on_error=failed)
