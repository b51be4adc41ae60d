"""Login dialog: the agent's identifier and password, checked in the background (argon2 takes a moment)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from backoffice.ui.operations import OperationRunner, error_text
from backoffice.ui.resources import icon

if TYPE_CHECKING:
    from backoffice.workflows.context import Actor


class LoginDialog(QDialog):
    def __init__(self, ops: OperationRunner, database_label: str, hint: str | None = None) -> None:
        super().__init__()
        self.ops = ops
        self.actor: Actor | None = None
        self.setWindowTitle("Connexion — Back-office Centre Courriers")
        self.setWindowIcon(icon("app"))
        self.setMinimumWidth(420)

        title = QLabel("Back-office assurance auto")
        title.setObjectName("pageTitle")
        subtitle = QLabel(f"Base de données : {database_label}")
        subtitle.setObjectName("hintLabel")
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setPlaceholderText("prenom.nom")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel("")
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Message d'erreur")

        form = QFormLayout()
        form.addRow("&Identifiant :", self.username)
        form.addRow("&Mot de passe :", self.password)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Se connecter")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Quitter")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.error)
        self.hint = QLabel()
        self.hint.setObjectName("hintLabel")
        self.hint.setWordWrap(True)
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.hint)
        self.set_hint(hint)
        layout.addWidget(self.buttons)
        self.username.setFocus()

    def set_hint(self, hint: str | None) -> None:
        """The demo logins, when the database has them (looked up after the window is shown)."""
        self.hint.setText(hint or "")
        self.hint.setVisible(bool(hint))

    def submit(self) -> None:
        username, password = self.username.text(), self.password.text()
        self.error.setText("")
        self.buttons.setEnabled(False)
        self.ops.run(lambda: _login(self.ops, username, password), self._done, on_error=self._failed)

    def _done(self, actor: Actor) -> None:
        self.actor = actor
        self.buttons.setEnabled(True)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(error_text(exc))
        self.password.clear()
        self.password.setFocus()


def _login(ops: OperationRunner, username: str, password: str) -> Actor:
    """On the thread pool: the workflows and the ORM models are imported there, not before the window shows."""
    from backoffice.workflows import staff

    return staff.login(ops.db, username, password)
